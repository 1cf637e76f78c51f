#!/usr/bin/env bash
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Create or reuse the virtualenv with the pinned test tools.
#
#   hack/venv.sh VENV [PYTHON]
#
# The venv is reused while its stamp (interpreter, its version, hash of the requirement files)
# matches; otherwise it is rebuilt from scratch.  pip's chatter goes to .tmp/logs/.
set -euo pipefail

venv="${1:?usage: hack/venv.sh VENV [PYTHON]}"
python_wanted="${2:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requirements=("$here/requirements/test.txt")
pip_args=()
for file in "${requirements[@]}"; do
    pip_args+=(-r "$file")
done
logs="$here/.tmp/logs"
mkdir -p "$logs"

# Look for interpreters outside the venv itself (the Makefile puts its bin first on PATH).
venv_bin="$(cd "$(dirname "$venv")" && pwd)/$(basename "$venv")/bin"
search_path="$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$venv_bin" | paste -sd: -)"
python="$(PATH="$search_path" "$here/hack/pick-python.sh" "$python_wanted")"
version="$("$python" -c 'import platform; print(platform.python_version())')"
stamp_file="$venv/.requirements-stamp"
stamp="python=$python version=$version $(cat "${requirements[@]}" | sha256sum | cut -d' ' -f1)"

if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ] && "$venv/bin/python" -c '' 2>/dev/null; then
    echo "venv: reusing $venv (Python $version)"
    exit 0
fi

log="$logs/pip-$(basename "$venv").log"
echo "venv: building $venv with Python $version ($python); pip log: ${log#"$here"/}"
rm -rf "$venv"
"$python" -m venv "$venv"
start=$SECONDS
if ! "$venv/bin/python" -m pip install --disable-pip-version-check "${pip_args[@]}" >"$log" 2>&1; then
    # The site's find-links locations produce many harmless "is ignored" warnings.
    grep -v "is ignored: it is neither a file nor a directory" "$log" | tail -n 30 >&2
    echo "venv: pip install failed, full log in $log" >&2
    exit 1
fi
"$venv/bin/python" -m pip freeze --all >"$venv/.pip-freeze.txt" 2>/dev/null
echo "$stamp" >"$stamp_file"
core="$(grep -i '^ansible-core==' "$venv/.pip-freeze.txt" || true)"
echo "venv: ready in $((SECONDS - start)) s (${core:-ansible-core not found})"
