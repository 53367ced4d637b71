#!/bin/sh
# mkmica.sh MICA_DOM0.cpio.gz XLREF_DIR OUT.cpio.gz
# The Mica side of the xl reference benchmark: Mica's dom0 image (its
# daemons and xl-lite, tests/linux/mkdom0.sh) with a second archive appended
# that carries what the reference image's scripts expect (tests/xlref/:
# the scripts, the stopwatch, ref/small/bad.cfg, the guest kernel and its
# initramfs, all taken from the built reference image's inputs), so the same
# scripts time xl-lite on Mica and xl on Xen.
set -eu
base=$1; xlref=$(cd "$2" && pwd); out=$3
here=$(dirname "$0")
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/scripts" "$root/usr/bin" "$root/etc/xen" "$root/boot"
cp "$here"/scripts/* "$root/scripts/"
chmod 755 "$root"/scripts/*
cp "$xlref/xlref-clock" "$root/usr/bin/xlref-clock"
cp "$here/ref.cfg" "$here/small.cfg" "$here/bad.cfg" "$root/etc/xen/"
cp "$xlref/domu-initrd.cpio.gz" "$root/boot/domU-initrd"
# The same guest kernel as the reference image's.
(cd "$root" && gzip -dc "$xlref/dom0-initrd.cpio.gz" | cpio -i --quiet boot/domU-kernel 2>/dev/null) ||
  { echo "mkmica: no boot/domU-kernel in $xlref/dom0-initrd.cpio.gz" >&2; exit 1; }
tmp=$(mktemp "$out.XXXXXX")
cp "$base" "$tmp"
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9 >> "$tmp"
mv "$tmp" "$out"
echo "xlref mica image: $out"
