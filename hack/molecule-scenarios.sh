#!/usr/bin/env bash
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run `molecule test -s <name>` for every scenario, from the collection root, stopping at the
# first failure.  Scenarios live in molecule/<name>/ (or extensions/molecule/<name>/, where
# Molecule 26 looks by default when galaxy.yml is present).  The caller sets up the
# environment (collections path, ANSIBLE_HOME, ...); see the Makefile.
#
#   hack/molecule-scenarios.sh [scenario...]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

ran=0
for base in molecule extensions/molecule; do
    scenarios=()
    for file in "$base"/*/molecule.yml; do
        [ -f "$file" ] || continue
        name="$(basename "$(dirname "$file")")"
        if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then
            continue
        fi
        scenarios+=("$name")
    done
    for name in "${scenarios[@]}"; do
        echo "molecule: scenario $name ($base/$name)"
        start=$SECONDS
        MOLECULE_GLOB="$base/*/molecule.yml" molecule test -s "$name"
        echo "molecule: scenario $name passed in $((SECONDS - start)) s"
        ran=$((ran + 1))
    done
done
echo "molecule: $ran scenario(s) passed"
