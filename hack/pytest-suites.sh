#!/usr/bin/env bash
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run every pytest suite under tests/ that ansible-test does not run itself: each directory
# tests/<name>/ (except unit, support, sanity, output, integration) holding test_*.py files.
# The caller sets up the environment (collections path, ANSIBLE_HOME, ...); see the Makefile.
#
#   hack/pytest-suites.sh PYTHON [extra pytest args...]
set -euo pipefail

python="${1:?usage: hack/pytest-suites.sh PYTHON [pytest args...]}"
shift
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

ran=0
for dir in tests/*/; do
    dir="${dir%/}"
    case "$(basename "$dir")" in
        unit | support | sanity | output | integration) continue ;;
    esac
    if [ -z "$(find "$dir" -name 'test_*.py' -print -quit)" ]; then
        echo "pytest: $dir has no test_*.py, skipped"
        continue
    fi
    echo "pytest: $dir"
    rc=0
    "$python" -m pytest -n "${PYTEST_WORKERS:-2}" --durations=10 -o cache_dir="$here/.tmp/pytest-cache" "$@" "$dir" || rc=$?
    if [ "$rc" -eq 5 ]; then
        echo "pytest: $dir has test files but no test was collected" >&2
        exit 1
    elif [ "$rc" -ne 0 ]; then
        exit "$rc"
    fi
    ran=$((ran + 1))
done
echo "pytest: $ran suite(s) passed"
