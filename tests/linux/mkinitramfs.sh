#!/bin/sh
# mkinitramfs.sh PKGROOT OUT.cpio.gz MODULE...
# Builds the test initramfs: busybox-static with its applet links, the named
# kernel modules and everything they depend on (from the package's own
# modules.dep), a fresh modules.dep, tests/linux/init and the scripts the
# integration tests run in the guest (tests/linux/scripts/).
set -eu
pkg=$1; out=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
kver=$(ls "$pkg/lib/modules" | head -n1)
moddir=$pkg/lib/modules/$kver
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/proc" "$root/sys" \
  "$root/dev" "$root/tmp" "$root/etc" "$root/root" "$root/lib/modules/$kver" "$root/scripts"
cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list-full); do
  [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done

# Module closure over modules.dep ("path: dep dep ...").
want=""
for m in "$@"; do
  f=$(awk -F: -v m="$m" '{ n=$1; sub(/.*\//, "", n); sub(/\.ko.*/, "", n); gsub(/_/, "-", n);
      t=m; gsub(/_/, "-", t); if (n == t) { print $0; exit } }' "$moddir/modules.dep")
  [ -n "$f" ] || { echo "mkinitramfs: no module $m in $kver" >&2; exit 1; }
  want="$want ${f%%:*} ${f#*:}"
done
for rel in $(echo $want | tr ' ' '\n' | sort -u); do
  mkdir -p "$root/lib/modules/$kver/$(dirname "$rel")"
  cp "$moddir/$rel" "$root/lib/modules/$kver/$rel"
done
cp "$moddir/modules.order" "$moddir/modules.builtin" "$moddir/modules.builtin.modinfo" "$root/lib/modules/$kver/" 2>/dev/null || true
/sbin/depmod -b "$root" "$kver"

cp "$here/init" "$root/init"
chmod 755 "$root/init"
if [ -d "$here/scripts" ]; then cp "$here"/scripts/* "$root/scripts/"; chmod 755 "$root"/scripts/*; fi
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9 > "$out.tmp"
mv "$out.tmp" "$out"
echo "initramfs: $out ($(du -k "$out" | cut -f1) KiB, kernel $kver, modules:$(echo " $*"))"
