#!/bin/sh
# mkdom0.sh BASE.cpio.gz OUT.cpio.gz DOMU_KERNEL DEMO_CFG PROGRAM...
# The dom0 image: the test initramfs (BASE, also the domU's initramfs) with a
# second archive appended (Linux unpacks concatenated archives in order)
# that adds the dom0 tools: the PROGRAMs in /usr/sbin (static ones as they
# are, dynamic ones with their ldd closure), Debian's xenstore-utils (the
# multi-call /usr/bin/xenstore, its xenstore-* names and shared libraries),
# /etc/xen/demo.cfg, the guest kernel and initramfs in /boot, /var/run -> /run
# and /var/log/xen/console for the console daemon's logs. DOM0_EXTRA may name
# more files as SOURCE:PATH-IN-IMAGE pairs (test kernels and their configs).
set -eu
base=$1; out=$2; kernel=$3; cfg=$4; shift 4
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root/usr/sbin" "$root/usr/bin" "$root/etc/xen" "$root/boot" "$root/run/xen" \
  "$root/var/log/xen/console" "$root/var/lib/xen"
ln -s ../run "$root/var/run"

# copy_libs BINARY: its shared libraries and loader at their own paths.
copy_libs() {
  ldd "$1" 2>/dev/null | awk '/=> \//{print $3} /^[[:space:]]*\/[^ ]*ld-linux/{print $1}' |
  while read -r lib; do
    [ -e "$root$lib" ] && continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}
for prog in "$@"; do
  cp "$prog" "$root/usr/sbin/"
  copy_libs "$prog"
done
xs=/usr/bin/xenstore
[ -x $xs ] || { echo "mkdom0: $xs missing (apt-get install xenstore-utils)" >&2; exit 1; }
cp $xs "$root/usr/bin/xenstore"
for v in ls read write rm watch list exists chmod; do ln -s xenstore "$root/usr/bin/xenstore-$v"; done
copy_libs $xs
# Not in ldd's list: glibc loads it when xenstore-watch cancels its thread.
gcc_s=$(ldconfig -p | awk '/libgcc_s.so.1 .*x86-64/{print $NF; exit}')
[ -n "$gcc_s" ] && { mkdir -p "$root$(dirname "$gcc_s")"; cp -L "$gcc_s" "$root$gcc_s"; }

cp "$cfg" "$root/etc/xen/demo.cfg"
cp "$kernel" "$root/boot/domU-vmlinuz"
cp "$base" "$root/boot/domU-initrd"
for pair in ${DOM0_EXTRA:-}; do
  mkdir -p "$root$(dirname "${pair#*:}")"
  cp "${pair%%:*}" "$root${pair#*:}"
done

# Unique temporary name: two builds at once must not mix their halves.
tmp=$(mktemp "$out.XXXXXX")
trap 'rm -rf "$root" "$tmp"' EXIT
cp "$base" "$tmp"
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9 >> "$tmp"
chmod 644 "$tmp"
mv "$tmp" "$out"
echo "dom0 image: $out ($(du -k "$out" | cut -f1) KiB; domU kernel $kernel; programs: $*)"
