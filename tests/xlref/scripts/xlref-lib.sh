# Sourced by the xl reference scripts (tests/xlref/scripts/*).
#
# Output protocol (parsed by tests/bench/xlref.py):
#   xlref: KEY VALUE [k=v...]       a figure (KEY ends in -ms: milliseconds)
#   xlref-begin NAME: CMD           start of a captured command's stdout
#   xlref-stderr NAME               its stderr follows
#   xlref-end NAME rc=N             its exit status; end of the capture
#
# The same scripts can run in Mica's dom0 with xl-lite: `xlref_xl=xl-lite` on
# the kernel command line names the toolstack binary (default: xl). The
# guest files are /etc/xen/{ref,small,bad}.cfg and /boot/domU-{kernel,initrd}
# (tests/xlref/mkimage.sh); the console daemon logs to
# $CONSOLE_LOG/guest-NAME.log; xlref-clock is in PATH.
cmdarg() { sed -n "s/.*\<$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
XL=$(cmdarg xlref_xl); XL=${XL:-xl}
CONSOLE_LOG=/var/log/xen/console
READY="mica-domu: ready"

# cap NAME CMD...: run CMD, print its stdout, stderr and exit status between markers.
cap() {
  name=$1; shift
  "$@" >/tmp/cap.out 2>/tmp/cap.err
  rc=$?
  echo "xlref-begin $name: $*"
  cat /tmp/cap.out
  echo "xlref-stderr $name"
  cat /tmp/cap.err
  echo "xlref-end $name rc=$rc"
}

# field STRING KEY: the value of KEY=value in xlref-clock's output line.
field() { echo "$1" | sed -n "s/.*\<$2=\([^ ]*\).*/\1/p"; }

# timed KEY CMD...: run CMD (output to /tmp/KEY.out), print "xlref: KEY-ms N rc=R".
timed() {
  key=$1; shift
  r=$(xlref-clock -o "/tmp/$key.out" -- "$@")
  echo "xlref: $key-ms $(field "$r" ms) rc=$(field "$r" rc)"
  [ "$(field "$r" rc)" = 0 ] || sed 's/^/  | /' "/tmp/$key.out"
}

runs() { n=$(cmdarg xlref_runs); echo "${n:-3}"; }

# create_ready RUN: `xl create /etc/xen/ref.cfg`, timed until the guest's
# console log shows the ready line; prints create-ms and create-to-ready-ms.
create_ready() {
  rm -f "$CONSOLE_LOG/guest-ref.log"
  r=$(xlref-clock -o /tmp/create.out -w "$CONSOLE_LOG/guest-ref.log" -s "$READY" -t 120000 \
      -- $XL create /etc/xen/ref.cfg)
  echo "xlref: create-ms $(field "$r" ms) rc=$(field "$r" rc) run=$1"
  echo "xlref: create-to-ready-ms $(field "$r" ready_ms) run=$1"
  up=$(sed -n 's/.*mica-domu: ready (uptime \([0-9.]*\)s).*/\1/p' "$CONSOLE_LOG/guest-ref.log" 2>/dev/null)
  echo "xlref: guest-uptime-at-ready-s ${up:-none} run=$1"
  [ "$(field "$r" rc)" = 0 ] || sed 's/^/  | /' /tmp/create.out
}
