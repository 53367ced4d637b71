#!/bin/sh
# `make test`: host unit tests, then the QEMU integration boots. Prints each
# layer's total and one final "N passed, N failed" line; fails if any failed.
BUILD=${BUILD:-build}
export BUILD
status=0
tests/unit/run-suites.sh $(make -s --no-print-directory print-unit-suites) > "$BUILD/unit.log" 2>&1 || status=1
grep -E '^\[|^unit:' "$BUILD/unit.log" | grep -E 'Checks:|^unit:|FAIL|Fail|Error' 
python3 tests/integration/run.py > "$BUILD/integration.log" 2>&1 || status=1
cat "$BUILD/integration.log"
u=$(sed -nE 's/^unit: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$BUILD/unit.log")
i=$(sed -nE 's/^integration: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/p' "$BUILD/integration.log")
set -- ${u:-0 1} ${i:-0 1}
echo "total: $(( $1 + $3 )) passed, $(( $2 + $4 )) failed"
exit $status
