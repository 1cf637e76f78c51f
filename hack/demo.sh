#!/usr/bin/env bash
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# make demo: configure a (simulated) Liferay node's mail session with playbooks/configure_mail.yml
# against real mail servers on 127.0.0.1, show what changed, send a test mail through the
# portal, fetch it, and run again to show that nothing is left to change.  Everything it starts
# is stopped on exit.  VENV names the virtualenv (default .venv); `make demo` passes it.
# DEMO_NO_DOVECOT=1 shows the SMTP-only story that runs where Dovecot is not installed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${VENV:-$here/.venv}"
py="$venv/bin/python"
work="$here/.tmp/demo"
home="$work/liferay-home"
inventory="$work/inventory.yml"
helper="$here/hack/demo/demo.py"
export ANSIBLE_COLLECTIONS_PATH="${ANSIBLE_COLLECTIONS_PATH:-$here/.tmp/collections}"
export ANSIBLE_HOME="${ANSIBLE_HOME:-$here/.tmp/ansible-home}"
export ANSIBLE_LOCAL_TEMP="${ANSIBLE_LOCAL_TEMP:-$here/.tmp/ansible-local}"
export ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_PIPELINING=true
# Show what changes, not the tasks that had nothing to do.
export ANSIBLE_DISPLAY_SKIPPED_HOSTS=false ANSIBLE_DISPLAY_OK_HOSTS=false

heading() { printf '\n== %s\n' "$*"; }
masked() { sed -E 's/^([[:space:]]*[^#!][^=:]*password[[:space:]]*[=:][[:space:]]*).+$/\1********/' "$1"; }

sim_pid=""
cleanup() {
    status=$?
    if [ -n "$sim_pid" ]; then
        kill "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
    fi
    if [ -f "$work/mail/stack.json" ]; then
        "$py" "$here/tests/support/bin/mail-stack" stop "$work/mail" >/dev/null 2>&1 || true
    fi
    if [ "$status" -ne 0 ]; then
        echo "demo: failed (exit $status); logs are in $work" >&2
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ ! -x "$py" ]; then
    echo "demo: no virtualenv at $venv (run 'make demo', or set VENV)" >&2
    exit 1
fi
# The collection is imported from this working tree (make demo creates the same link).
mkdir -p "$ANSIBLE_COLLECTIONS_PATH/ansible_collections/liferay_ops"
ln -sfn "$here" "$ANSIBLE_COLLECTIONS_PATH/ansible_collections/liferay_ops/mail"

started=$SECONDS
rm -rf "$work"
mkdir -p "$home"

heading "1. Start a simulated Liferay 7.4 node and real mail servers (127.0.0.1 only)"
stack_args=()
[ "${DEMO_NO_DOVECOT:-}" = 1 ] && stack_args+=(--no-dovecot)
"$py" "$here/tests/support/bin/mail-stack" start "${stack_args[@]}" "$work/mail" >"$work/mail-stack.log" 2>&1
"$py" "$helper" mailboxes "$work/mail/stack.json"
"$py" "$helper" servers "$work/mail/stack.json"
ca="$("$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))["ca"])' "$work/mail/stack.json")"
cat >"$home/portal-ext.properties" <<'PROPS'
# portal-ext.properties of the demo node: everything but the mail keys stays as it is.
jdbc.default.driverClassName=org.hsqldb.jdbc.JDBCDriver
company.default.web.id=liferay.com

# Left over from an old setup; the role replaces it.
mail.session.mail.smtp.host=old-relay.example.com
PROPS
chmod 0600 "$home/portal-ext.properties"
"$py" "$here/tests/support/bin/liferay-sim" --home "$home" --port 0 --ready-file "$work/portal.url" \
    --ca-file "$ca" >"$work/liferay-sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 100); do
    [ -s "$work/portal.url" ] && break
    kill -0 "$sim_pid" 2>/dev/null || { cat "$work/liferay-sim.log" >&2; exit 1; }
    sleep 0.1
done
[ -s "$work/portal.url" ] || { echo "demo: the portal simulator did not start" >&2; exit 1; }
portal_url="$(cat "$work/portal.url")"
echo "  portal $portal_url  (Liferay home $home)"
"$py" "$helper" inventory "$work/mail/stack.json" "$portal_url" "$home" "$inventory"

heading "2. The node's portal-ext.properties before"
masked "$home/portal-ext.properties" | sed 's/^/  /'

heading "3. ansible-playbook playbooks/configure_mail.yml -i inventory.yml --diff"
echo "  (the role checks the mail servers, writes the file, restarts the node; only changes are shown)"
"$venv/bin/ansible-playbook" -i "$inventory" "$here/playbooks/configure_mail.yml" --diff \
    >"$work/first-run.log" 2>&1 || { cat "$work/first-run.log"; exit 1; }
# The task banners, the masked diff and the recap; no banners of tasks that had nothing to do.
sed -n '/^TASK\|^RUNNING HANDLER\|^---\|^+++\|^@@\|^[-+][^-+]\|^changed:\|^node\|^liferay-node/p' \
    "$work/first-run.log" | sed -E 's/ \*+$//; s/ => \{$//; s/^/  /'

heading "4. The mail session the portal uses after its restart"
"$py" "$helper" session "$portal_url"

heading "5. The portal sends a test mail"
"$py" "$helper" mail "$work/mail/stack.json" "$portal_url"

heading "6. Run it again: nothing left to change, no restart"
"$venv/bin/ansible-playbook" -i "$inventory" "$here/playbooks/configure_mail.yml" \
    >"$work/second-run.log" 2>&1 || { cat "$work/second-run.log"; exit 1; }
if ! "$py" "$helper" recap "$work/second-run.log"; then
    echo "demo: the second run changed something" >&2
    exit 1
fi
if grep -q 'RUNNING HANDLER' "$work/second-run.log"; then
    echo "demo: the second run restarted the node" >&2
    exit 1
fi

heading "Done in $((SECONDS - started)) s; the portal simulator and the mail servers are stopped."
echo "  Next: playbooks/inventory/example/ for a real cluster, roles/mail_session/README.md for every variable."
