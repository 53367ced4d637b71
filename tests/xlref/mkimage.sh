#!/bin/sh
# mkimage.sh OUTDIR KPKG DOMU_KERNEL XLREF_CLOCK
#
# The xl reference image: a dom0 initramfs that runs Debian 12's own Xen
# toolstack (xen-utils-4.17: xl, xenstored, xenconsoled and libxenlight),
# booted on real Xen 4.17 under QEMU by tests/bench/xlref.py. It is the
# oracle for xl-lite's output formats and the benchmark reference for its
# create/list times (issue 6, Performance).
#
#   OUTDIR       build directory (build/xlref): debs/ caches the packages,
#                stage/ holds them unpacked; writes OUTDIR/dom0-initrd.cpio.gz
#                and OUTDIR/domu-initrd.cpio.gz
#   KPKG         the unpacked Debian kernel package (build/linux/pkg): the
#                dom0 kernel's Xen modules come from it
#   DOMU_KERNEL  the guest's kernel (minimal PV kernel, else Debian's)
#   XLREF_CLOCK  the static stopwatch helper (tests/xlref/xlref-clock.c)
#
# The packages are fetched with apt-get download and unpacked with dpkg-deb
# -x (nothing is installed on the host). Their shared libraries and every
# library those need (the ELF NEEDED closure, read with readelf) go into the
# image: from the staging tree first, from the host's Debian 12 /lib for
# the rest (libc, zlib, ...).
set -eu
outdir=$1; kpkg=$2; domu_kernel=$3; clock=$4
here=$(cd "$(dirname "$0")" && pwd)
XEN_LIBEXEC=/usr/lib/xen-4.17/bin
PKGS="xen-utils-4.17 xen-utils-common libxenmisc4.17 libxenstore4 libxentoolcore1
  libxentoollog1 libxencall1 libxenevtchn1 libxenforeignmemory1 libxengnttab1
  libxendevicemodel1 libxenhypfs1 libyajl2 xenstore-utils"
# dom0 kernel modules /init loads (their dependencies come along).
MODULES="xen-evtchn xen-privcmd xen-gntdev xen-gntalloc xenfs"

mkdir -p "$outdir/debs"
outdir=$(cd "$outdir" && pwd)

# --- packages -------------------------------------------------------------
missing=""
for p in $PKGS; do
  ls "$outdir/debs/${p}_"*.deb >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  (cd "$outdir/debs" && apt-get download $missing >download.log 2>&1) ||
    { cat "$outdir/debs/download.log"; echo "xlref: apt-get download failed (apt-get update?)" >&2; exit 1; }
fi
stage=$outdir/stage
rm -rf "$stage"; mkdir -p "$stage"
for d in "$outdir"/debs/*.deb; do dpkg-deb -x "$d" "$stage"; done
ls "$outdir"/debs/*.deb | sed 's,.*/,,' > "$outdir/packages.txt"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

# --- libraries: the NEEDED closure ----------------------------------------
LIBDIRS="$stage/usr/lib/x86_64-linux-gnu $stage/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu"
find_lib() {
  for d in $LIBDIRS; do
    [ -e "$d/$1" ] && { echo "$d/$1"; return 0; }
  done
  return 1
}
# add_elf FILE: copy the libraries FILE needs (recursively) to /lib/x86_64-linux-gnu.
add_elf() {
  for lib in $(readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    [ -e "$root/lib/x86_64-linux-gnu/$lib" ] && continue
    src=$(find_lib "$lib") || { echo "xlref: $1 needs $lib, not found in $LIBDIRS" >&2; exit 1; }
    cp -L "$src" "$root/lib/x86_64-linux-gnu/$lib"
    add_elf "$src"
  done
}

mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/lib/x86_64-linux-gnu" \
  "$root/lib64" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/root" "$root/run/xen" \
  "$root/run/xenstored" "$root/var/lib/xen/dump" "$root/var/log/xen/console" "$root/var/lock" \
  "$root/etc/xen" "$root/boot" "$root/scripts" "$root$XEN_LIBEXEC"
ln -s ../run "$root/var/run"
cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list-full); do
  [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done

# The toolstack: xl, both XenStore daemons (oxenstored is Debian's default
# and what /init starts; cxenstored stays as the fallback, xlref_xenstored=c),
# the console daemon and client, xen-init-dom0, xenstore-utils.
for b in xl oxenstored xenstored xenconsoled xenconsole xen-init-dom0 libxl-save-helper; do
  cp "$stage$XEN_LIBEXEC/$b" "$root$XEN_LIBEXEC/$b"
  add_elf "$stage$XEN_LIBEXEC/$b"
done
ln -s "$XEN_LIBEXEC/xl" "$root/usr/sbin/xl"
cp "$stage/usr/bin/xenstore" "$root/usr/bin/xenstore"
add_elf "$stage/usr/bin/xenstore"
for v in ls read write rm watch list exists chmod control; do ln -s xenstore "$root/usr/bin/xenstore-$v"; done
cp "$stage/etc/xen/oxenstored.conf" "$root/etc/xen/"
# The loader, and libgcc_s (glibc dlopens it to unwind a cancelled thread).
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
cp -L "$(find_lib libgcc_s.so.1)" "$root/lib/x86_64-linux-gnu/"
add_elf "$root/lib/x86_64-linux-gnu/libgcc_s.so.1"
cp "$clock" "$root/usr/bin/xlref-clock"
cp "$here/xl.conf" "$root/etc/xen/xl.conf"
cp "$here/ref.cfg" "$here/small.cfg" "$here/bad.cfg" "$root/etc/xen/"
cp "$here/init" "$root/init"
cp "$here"/scripts/* "$root/scripts/"
chmod 755 "$root/init" "$root"/scripts/*
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"

# --- kernel modules (closure over the package's modules.dep) -------------
kver=$(ls "$kpkg/lib/modules" | head -n1)
moddir=$kpkg/lib/modules/$kver
mkdir -p "$root/lib/modules/$kver"
want=""
for m in $MODULES; do
  line=$(awk -F: -v m="$m" '{ n=$1; sub(/.*\//, "", n); sub(/\.ko.*/, "", n); gsub(/_/, "-", n);
      t=m; gsub(/_/, "-", t); if (n == t) { print $0; exit } }' "$moddir/modules.dep")
  [ -n "$line" ] || { echo "xlref: no module $m in $kver" >&2; exit 1; }
  want="$want ${line%%:*} ${line#*:}"
done
for rel in $(echo $want | tr ' ' '\n' | sort -u); do
  mkdir -p "$root/lib/modules/$kver/$(dirname "$rel")"
  cp "$moddir/$rel" "$root/lib/modules/$kver/$rel"
done
cp "$moddir/modules.order" "$moddir/modules.builtin" "$moddir/modules.builtin.modinfo" \
  "$root/lib/modules/$kver/" 2>/dev/null || true
/sbin/depmod -b "$root" "$kver"

# --- the guest: its kernel and a tiny busybox initramfs -------------------
groot=$(mktemp -d)
trap 'rm -rf "$root" "$groot"' EXIT
mkdir -p "$groot/bin" "$groot/sbin" "$groot/proc" "$groot/sys" "$groot/dev" "$groot/tmp"
cp /bin/busybox "$groot/bin/busybox"
for applet in sh mount echo cat sleep sed; do
  ln -s busybox "$groot/bin/$applet"
done
mkdir -p "$groot/sbin"
for applet in poweroff reboot halt; do ln -s ../bin/busybox "$groot/sbin/$applet"; done
cp "$here/domu-init" "$groot/init"
chmod 755 "$groot/init"
(cd "$groot" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9 > "$outdir/domu-initrd.cpio.gz"
cp "$domu_kernel" "$root/boot/domU-kernel"
cp "$outdir/domu-initrd.cpio.gz" "$root/boot/domU-initrd"

tmp=$(mktemp "$outdir/dom0-initrd.XXXXXX")
trap 'rm -rf "$root" "$groot" "$tmp"' EXIT
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -6 > "$tmp"
chmod 644 "$tmp"
mv "$tmp" "$outdir/dom0-initrd.cpio.gz"
echo "xlref image: $outdir/dom0-initrd.cpio.gz ($(du -k "$outdir/dom0-initrd.cpio.gz" | cut -f1) KiB;" \
  "kernel modules $kver; domU kernel $domu_kernel; $(wc -l < "$outdir/packages.txt") packages)"
