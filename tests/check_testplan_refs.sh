#!/usr/bin/env bash
# Every test-plan row that the code or a test cites ("TESTPLAN H10", "TESTPLAN I4-I6", a Bats
# test named "I5: ...") must be a row of docs/TESTPLAN.md, so that a reader can look it up in
# the repository. Prints each reference to a missing row with its file and exits 1 if any.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
plan="$top/docs/TESTPLAN.md"
[ -f "$plan" ] || { echo "check_testplan_refs: $plan is missing" >&2; exit 1; }

# Rows are table lines that start with "| X9 `name`".
mapfile -t rows < <(sed -nE 's/^\| ([A-K][0-9]+) `.*/\1/p' "$plan" | sort -u)
[ ${#rows[@]} -gt 0 ] || { echo "check_testplan_refs: no rows found in $plan" >&2; exit 1; }
declare -A known=()
for r in "${rows[@]}"; do known[$r]=1; done

missing=0 cited=0
while IFS=: read -r file ref; do
  # shellcheck disable=SC2013 # words (row ids) are wanted
  for id in $(grep -oE '[A-K][0-9]+' <<<"$ref"); do
    cited=$((cited + 1))
    if [ -z "${known[$id]:-}" ]; then
      echo "${file#"$top"/}: cites test-plan row $id, which docs/TESTPLAN.md does not have"
      missing=$((missing + 1))
    fi
  done
done < <(cd "$top" && grep -rnoE --exclude-dir=build* --exclude-dir=deps --exclude-dir=docs \
  --exclude-dir=.git 'TESTPLAN[ :]*[A-K][0-9]+([-,/ ]+[A-K][0-9]+)*|@test "[A-K][0-9]+:' . |
  sed -E 's/^([^:]*):[0-9]+:/\1:/')

echo "check_testplan_refs: $cited row references, ${#rows[@]} rows in docs/TESTPLAN.md, $missing missing"
[ "$missing" -eq 0 ]
