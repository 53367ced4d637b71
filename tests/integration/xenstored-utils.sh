#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# mica-xenstored against Debian's xenstore-utils (libxenstore), over a
# private unix socket named by XENSTORED_PATH. Installs nothing: without
# xenstore-utils it reports SKIP and exits 0.
#   BUILD=build tests/integration/xenstored-utils.sh
BUILD=${BUILD:-build}
DAEMON=$BUILD/tools/mica-xenstored
pass=0; fail=0

if ! command -v xenstore-read >/dev/null 2>&1; then
	echo "xenstored-utils: SKIP (apt-get install -y xenstore-utils)"
	exit 0
fi
[ -x "$DAEMON" ] || { echo "xenstored-utils: $DAEMON missing (make tools)"; exit 1; }

tmp=$(mktemp -d)
export XENSTORED_PATH=$tmp/socket
"$DAEMON" -N -s "$XENSTORED_PATH" 2>"$tmp/daemon.log" &
dpid=$!
cleanup() { kill "$dpid" 2>/dev/null; wait "$dpid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
i=0
while [ ! -S "$XENSTORED_PATH" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

# check NAME EXPECTED COMMAND...: compare the command's stdout.
check() {
	name=$1; want=$2; shift 2
	got=$(timeout 5 "$@" 2>&1)
	if [ "$got" = "$want" ]; then pass=$((pass + 1))
	else fail=$((fail + 1)); printf 'FAIL %s\n  want: %s\n  got:  %s\n' "$name" "$want" "$got"; fi
}
# check_rc NAME RC COMMAND...: compare the exit status only.
check_rc() {
	name=$1; want=$2; shift 2
	timeout 5 "$@" >/dev/null 2>&1; rc=$?
	if [ "$rc" = "$want" ]; then pass=$((pass + 1))
	else fail=$((fail + 1)); printf 'FAIL %s: exit %s, want %s\n' "$name" "$rc" "$want"; fi
}

check_rc "write" 0 xenstore-write /vm/a/name demo /vm/a/mem 512
check "read" "demo" xenstore-read /vm/a/name
check "read two" "demo
512" xenstore-read /vm/a/name /vm/a/mem
check "list" "name
mem" xenstore-list /vm/a
check "ls" 'a = ""
 name = "demo"
 mem = "512"' xenstore-ls /vm
check_rc "exists yes" 0 xenstore-exists /vm/a/mem
check_rc "exists no" 1 xenstore-exists /vm/a/nope
check_rc "read missing fails" 1 xenstore-read /vm/a/nope
check_rc "chmod" 0 xenstore-chmod /vm/a/mem n0 r3
check "ls -p" 'mem = "512" (n0,r3)' \
	sh -c 'xenstore-ls -p /vm/a | grep "^mem" | sed "s/  [. ]*(/ (/"'
check_rc "rm" 0 xenstore-rm /vm/a/mem
check_rc "rm gone" 1 xenstore-exists /vm/a/mem
check_rc "invalid path" 1 xenstore-write '/bad path' x

# Watch: the initial event, then one for a change below the path.
timeout 5 xenstore-watch -n 2 /vm/w >"$tmp/watch.out" 2>&1 &
wpid=$!
i=0
while [ ! -s "$tmp/watch.out" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
xenstore-write /vm/w/x 1
wait "$wpid"
check "watch" "/vm/w
/vm/w/x" cat "$tmp/watch.out"

# The daemon survived everything and still answers.
check "alive" "demo" xenstore-read /vm/a/name

echo "xenstored-utils: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
