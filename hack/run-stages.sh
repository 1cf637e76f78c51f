#!/usr/bin/env bash
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run make targets one after the other, stop at the first failure, then print a summary
# with the time each stage took.  Used by `make test`.
#
#   hack/run-stages.sh venv sanity units lint pytest molecule
set -uo pipefail

make_cmd="${MAKE:-make}"
names=()
results=()
times=()
failed=""
total_start=$SECONDS

for stage in "$@"; do
    names+=("$stage")
    if [ -n "$failed" ]; then
        results+=("skipped")
        times+=("-")
        continue
    fi
    printf '\n===== %s =====\n' "$stage"
    start=$SECONDS
    if "$make_cmd" --no-print-directory "$stage"; then
        results+=("passed")
    else
        results+=("FAILED")
        failed="$stage"
    fi
    times+=("$((SECONDS - start)) s")
done

printf '\n===== summary =====\n'
for i in "${!names[@]}"; do
    printf '  %-10s %-8s %8s\n' "${names[$i]}" "${results[$i]}" "${times[$i]}"
done
printf '  %-10s %-8s %8s\n' "total" "" "$((SECONDS - total_start)) s"
if [ -n "$failed" ]; then
    printf '\nmake test: FAILED at stage "%s" (re-run it alone with: make %s)\n' "$failed" "$failed"
    exit 1
fi
printf '\nmake test: all stages passed\n'
