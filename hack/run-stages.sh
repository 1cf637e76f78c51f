#!/usr/bin/env bash
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run make targets one after the other, stop at the first failure, then print a summary
# with the time each stage took.  Used by `make test`.
#
#   hack/run-stages.sh deps venv sanity units lint pytest molecule
#
# Tests that skip for a missing system package append a line to .tmp/skips/skipped.tsv
# (tests/support/system_deps.py, the molecule scenarios, the sanity stage); the summary ends
# with what was skipped and why, so a run with skips says so in its last lines.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
skip_log="$here/.tmp/skips/skipped.tsv"
fidelity_dir="$here/.tmp/fidelity"
rm -rf "$skip_log" "$fidelity_dir"

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
if compgen -G "$fidelity_dir/*.json" >/dev/null; then
    # Written by tests/fidelity: how many generated values and files were compared with Liferay's real libraries.
    python3 - "$fidelity_dir" <<'PY'
import json, pathlib, sys
counts = [json.loads(path.read_text()) for path in sorted(pathlib.Path(sys.argv[1]).glob('*.json'))]
checked = sum(c.get('values', 0) + c.get('files', 0) for c in counts)
print('\n===== real-library differential tests =====\n  %d values and files compared with Commons Configuration 1.10, '
      '%d disagreements' % (checked, sum(c.get('disagreements', 0) for c in counts)))
PY
fi
skips=""
if [ -s "$skip_log" ]; then
    # One line per missing piece: how many tests or scenarios skipped, and the first reason given.
    skips="$(awk -F '\t' '{ n[$1]++; if (!($1 in why)) why[$1] = $2 }
        END { for (p in n) printf "  %s: %d skipped (%s)\n", p, n[p], why[p] }' "$skip_log" | sort)"
    printf '\n===== skipped: missing system packages =====\n%s\n' "$skips"
    printf '  install them as root with hack/system-deps.sh to run everything\n'
fi
if [ -n "$failed" ]; then
    printf '\nmake test: FAILED at stage "%s" (re-run it alone with: make %s)\n' "$failed" "$failed"
    exit 1
fi
if [ -n "$skips" ]; then
    printf '\nmake test: all stages passed, WITH SKIPS for missing system packages (listed above)\n'
else
    printf '\nmake test: all stages passed, nothing skipped\n'
fi
