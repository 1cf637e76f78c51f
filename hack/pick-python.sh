#!/usr/bin/env bash
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Print the absolute path of the Python interpreter to build the virtualenv with.
#
#   hack/pick-python.sh             newest usable Python >= 3.11
#   hack/pick-python.sh python3.11  that one (a name, a path or a version such as 3.12)
#
# Candidates are RUN, not just looked up: a pyenv shim exists on PATH even when the version
# behind it is not selected and then fails.  A candidate counts only if it runs, is >= 3.11
# and has venv and ensurepip (Debian's python3 lacks them without python3-venv).
set -euo pipefail

# Inside a virtualenv, report the interpreter it was made from.
check='import os, sys, venv, ensurepip
assert sys.version_info >= (3, 11)
exe = sys.executable
if sys.prefix != sys.base_prefix:
    exe = getattr(sys, "_base_executable", "") or os.path.realpath(exe)
print(exe)'

usable() {
    "$1" -c "$check" 2>/dev/null
}

pyenv_root() {
    if command -v pyenv >/dev/null 2>&1; then
        pyenv root 2>/dev/null || true
    elif [ -d "${PYENV_ROOT:-$HOME/.pyenv}/versions" ]; then
        echo "${PYENV_ROOT:-$HOME/.pyenv}"
    fi
}

# pyenv interpreters, newest version first; the shims above may not reach them.
pyenv_interpreters() {
    local root
    root="$(pyenv_root)"
    [ -n "$root" ] && [ -d "$root/versions" ] || return 0
    local dir
    for dir in "$root"/versions/*/; do
        [ -d "$dir/bin" ] || continue
        basename "$dir"
    done | grep -E '^[0-9]+\.[0-9]+\.[0-9]+$' | sort -t. -k1,1nr -k2,2nr -k3,3nr | while read -r version; do
        echo "$root/versions/$version/bin/python${version%.*}"
    done
}

if [ $# -gt 0 ] && [ -n "$1" ]; then
    wanted="$1"
    # A bare version such as 3.12 means python3.12.
    if [[ "$wanted" =~ ^[0-9]+\.[0-9]+$ ]]; then
        wanted="python$wanted"
    fi
    if usable "$wanted"; then
        exit 0
    fi
    # A shim that does not run: look for the same minor version under pyenv.
    name="$(basename "$wanted")"
    if [[ "$name" =~ ^python([0-9]+\.[0-9]+)$ ]]; then
        while read -r candidate; do
            if [[ "$(basename "$candidate")" == "$name" ]] && usable "$candidate"; then
                exit 0
            fi
        done < <(pyenv_interpreters)
    fi
    echo "pick-python: '$1' does not run, is older than 3.11 or lacks venv/ensurepip" >&2
    exit 1
fi

while read -r candidate; do
    if usable "$candidate"; then
        exit 0
    fi
done < <(printf '%s\n' python3.13 python3.12; pyenv_interpreters; printf '%s\n' python3.11 python3)

echo "pick-python: no Python >= 3.11 with venv and ensurepip found (tried python3.13, python3.12," \
     "pyenv versions, python3.11, python3); install one or pass PYTHON=/path/to/python3.x" >&2
exit 1
