#!/usr/bin/env bash
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Demo of liferay_ops.mail.mail_settings (properties backend) on a throwaway Liferay home
# under .tmp/demo: first run with --diff, the resulting file (passwords masked), then a
# second run that must report changed=0.  Started by `make demo`, which provides the
# virtualenv and a collections path pointing at this working tree.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${VENV:-$here/.venv}"
home="$here/.tmp/demo/liferay-home"
playbook="$here/hack/demo/demo_properties.yml"
export PATH="$venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="${ANSIBLE_COLLECTIONS_PATH:-$here/.tmp/collections}"
export ANSIBLE_HOME="${ANSIBLE_HOME:-$here/.tmp/ansible-home}"
export ANSIBLE_LOCAL_TEMP="${ANSIBLE_LOCAL_TEMP:-$here/.tmp/ansible-local}"

if [ ! -f "$here/plugins/modules/mail_settings.py" ]; then
    echo "demo: plugins/modules/mail_settings.py does not exist yet"
    exit 0
fi

masked() {
    # Show a properties file without its passwords (keys ending in "password").
    sed -E 's/^([[:space:]]*[^#!][^=:]*password[[:space:]]*[=:][[:space:]]*).+$/\1********/' "$1"
}

playbook_run() {
    ansible-playbook -i localhost, -e "demo_liferay_home=$home" \
        -e "ansible_python_interpreter=$venv/bin/python" "$@" "$playbook"
}

rm -rf "$home"
mkdir -p "$home"
cat >"$home/portal-ext.properties" <<'PROPS'
# portal-ext.properties of a demo portal: everything except the mail keys stays as it is.
jdbc.default.driverClassName=org.hsqldb.jdbc.JDBCDriver
company.default.web.id=liferay.com

# Left over from an old setup; the module replaces it.
mail.session.mail.smtp.host=old-relay.example.com
PROPS
chmod 0600 "$home/portal-ext.properties"

echo "== the Liferay home before: $home/portal-ext.properties"
masked "$home/portal-ext.properties"

echo
echo "== first run (--diff)"
playbook_run --diff

echo
echo "== the file after the first run (passwords masked here)"
masked "$home/portal-ext.properties"

echo
echo "== second run: nothing left to change"
log="$here/.tmp/demo/second-run.log"
playbook_run | tee "$log"
if ! grep -Eq 'localhost +: ok=[0-9]+ +changed=0 ' "$log"; then
    echo "demo: the second run changed something; the module is not idempotent" >&2
    exit 1
fi
echo "demo: second run reported changed=0"
