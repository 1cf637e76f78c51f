#!/usr/bin/env bash
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Code under plugins/ runs on managed nodes with Python 3.8 or newer, older than the controller
# venv and than what ansible-test 2.21 accepts as a target (3.9+).  Compile every plugin file
# (in memory, nothing written) with each Python 3.8/3.9/3.10 that actually runs here, so
# syntax those versions lack (match, parenthesised context managers, ...) is caught.
# Interpreters that are missing are reported and skipped.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
[ -d plugins ] || exit 0

root=""
if command -v pyenv >/dev/null 2>&1; then
    root="$(pyenv root 2>/dev/null || true)"
fi

check='import os, sys
bad = 0
for top, dirs, files in os.walk("plugins"):
    for name in sorted(files):
        if name.endswith(".py"):
            path = os.path.join(top, name)
            with open(path, "rb") as handle:
                source = handle.read()
            try:
                compile(source, path, "exec", dont_inherit=True)
            except SyntaxError as exc:
                print("%s:%s:%s: %s" % (path, exc.lineno, exc.offset, exc.msg))
                bad += 1
sys.exit(1 if bad else 0)'

status=0
for version in 3.8 3.9 3.10; do
    python=""
    for candidate in "python$version" "${root:-/nonexistent}"/versions/"$version".*/bin/"python$version"; do
        if "$candidate" -c '' 2>/dev/null; then
            python="$candidate"
            break
        fi
    done
    if [ -z "$python" ]; then
        echo "compile: no Python $version here, skipped"
        continue
    fi
    if "$python" -c "$check"; then
        echo "compile: plugins/ compiles on Python $version"
    else
        echo "compile: plugins/ does not compile on Python $version (managed nodes run 3.8+)" >&2
        status=1
    fi
done
exit "$status"
