#!/bin/sh
# Runs the named Check suites from $BUILD/unit and prints one total line.
# Check prints its own "NN%: Checks: N, Failures: F, Errors: E" per suite;
# a suite that crashes or prints no such line counts as one failure.
BUILD=${BUILD:-build}
pass=0; fail=0; status=0
for s in "$@"; do
  out=$(CK_FORK=yes "$BUILD/unit/$s" 2>&1); rc=$?
  printf '%s\n' "$out" | sed "s/^/[$s] /"
  line=$(printf '%s\n' "$out" | grep -E '^[0-9]+%: Checks: ' | tail -n 1)
  if [ -z "$line" ]; then fail=$((fail + 1)); status=1; continue; fi
  n=$(printf '%s' "$line" | sed -E 's/.*Checks: ([0-9]+).*/\1/')
  nf=$(printf '%s' "$line" | sed -E 's/.*Failures: ([0-9]+), Errors: ([0-9]+).*/\1+\2/')
  nf=$(( $nf ))
  pass=$((pass + n - nf)); fail=$((fail + nf))
  [ $rc -ne 0 ] && status=1
done
echo "unit: $pass passed, $fail failed"
exit $status
