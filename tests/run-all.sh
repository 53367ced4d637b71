#!/bin/sh
# `make test`: every layer in turn, each ending with "<layer>: N passed, N
# failed"; then one "total: N passed, N failed" line. Fails if any layer
# failed or did not report.
#   unit          host unit tests (Check)
#   integration   QEMU boots of Mica (and real Xen as the oracle)
#   tools         dom0 tools against Debian's own clients on the host
BUILD=${BUILD:-build}
export BUILD
status=0
pass=0; fail=0

layer() {
	name=$1; shift
	log=$BUILD/test-$name.log
	"$@" > "$log" 2>&1 || status=1
	# Show failures and the layer's summary, not every passing line.
	grep -E 'FAIL|Failures: [1-9]|Errors: [1-9]|^[a-z-]+: [0-9]+ passed|^(PASS|SKIP) ' "$log"
	line=$(grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "$name: no summary line (see $log)"; status=1; fail=$((fail + 1)); return
	fi
	p=$(echo "$line" | sed -E 's/^[a-z-]+: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	pass=$((pass + p)); fail=$((fail + f))
}

layer unit tests/unit/run-suites.sh $(make -s --no-print-directory print-unit-suites)
layer integration python3 tests/integration/run.py
layer tools tests/integration/xenstored-utils.sh
echo "total: $pass passed, $fail failed"
[ $fail -eq 0 ] || status=1
exit $status
