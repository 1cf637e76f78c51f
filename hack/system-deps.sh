#!/usr/bin/env bash
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The Debian packages the tests use, installed in one place for `make test` and `.ci/run`.
#
#   hack/system-deps.sh           as root with apt-get: install what is missing; otherwise print the
#                                 command to run and go on (the tests that need a missing piece skip)
#   hack/system-deps.sh --status  print one line per piece: present or missing, and what needs it
#
# Under CI (CI set) a failed installation is an error; elsewhere it never fails the run.
set -euo pipefail

# piece|Debian packages|probe (a command or a file that shows the piece is there)|what needs it
pieces=(
    "build|make git python3-venv|cmd:make cmd:git|make itself and the venv (python3-venv matters only for Debian's python3)"
    "dovecot|dovecot-core dovecot-pop3d|file:/usr/sbin/dovecot file:/usr/lib/dovecot/pop3|the POP3 server of the test mail stack"
    "shellcheck|shellcheck|cmd:shellcheck|ansible-test sanity's shellcheck test of the shell scripts"
    "java|default-jdk-headless|cmd:java cmd:javac|the real-library tests and the simulator's JavaMail sender"
    "commons-configuration|libcommons-configuration-java libcommons-lang-java libcommons-logging-java|file:/usr/share/java/commons-configuration.jar file:/usr/share/java/commons-lang.jar file:/usr/share/java/commons-logging.jar|the differential tests against Commons Configuration 1.10"
    "javamail|libmail-java|file:/usr/share/java/javax.mail.jar|the simulator's JavaMail sender and the JavaMail tests"
)

present() {
    local probe
    for probe in $1; do
        case "$probe" in
            cmd:*) command -v "${probe#cmd:}" >/dev/null 2>&1 || return 1 ;;
            file:*) [ -e "${probe#file:}" ] || return 1 ;;
        esac
    done
}

missing_pieces=()
missing_packages=()
for entry in "${pieces[@]}"; do
    IFS='|' read -r piece packages probes needs <<<"$entry"
    if ! present "$probes"; then
        missing_pieces+=("$piece")
        # shellcheck disable=SC2206 # word splitting of the package list is intended
        missing_packages+=($packages)
    fi
done

if [ "${1:-}" = "--status" ]; then
    for entry in "${pieces[@]}"; do
        IFS='|' read -r piece packages probes needs <<<"$entry"
        if present "$probes"; then state=present; else state=MISSING; fi
        printf '  %-22s %-8s %s (%s)\n' "$piece" "$state" "$needs" "$packages"
    done
    exit 0
fi

if [ ${#missing_pieces[@]} -eq 0 ]; then
    echo "system-deps: everything the tests use is installed"
    exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: installing ${missing_packages[*]} (for: ${missing_pieces[*]})"
    export DEBIAN_FRONTEND=noninteractive
    log_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.tmp/logs"
    mkdir -p "$log_dir"
    # /usr/sbin/policy-rc.d (present on container images) keeps dovecot's postinst from starting it;
    # the tests start their own Dovecot on loopback.
    if apt-get update -q >"$log_dir/apt.log" 2>&1 &&
        apt-get install -y -q --no-install-recommends "${missing_packages[@]}" >>"$log_dir/apt.log" 2>&1; then
        echo "system-deps: installed (log: .tmp/logs/apt.log)"
        exit 0
    fi
    echo "system-deps: apt-get failed, see .tmp/logs/apt.log:" >&2
    tail -n 5 "$log_dir/apt.log" >&2
    [ -z "${CI:-}" ] || exit 1
    echo "system-deps: going on; the tests that need ${missing_pieces[*]} will skip" >&2
    exit 0
fi

echo "system-deps: missing ${missing_pieces[*]}; the tests that need them will skip."
echo "system-deps: to run everything, install them as root:"
echo "    apt-get install -y --no-install-recommends ${missing_packages[*]}"
