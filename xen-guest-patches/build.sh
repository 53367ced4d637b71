#!/bin/sh
# build.sh OUTDIR
# Builds the minimal Xen PV guest kernel (see README.md) into OUTDIR/bzImage
# from Debian 12's linux-source-6.1: unpack the source into OUTDIR/src (kept
# for incremental rebuilds; unpacked again when the tarball or a patch
# changes), apply xen-guest-patches/*.patch in order, `make tinyconfig`,
# merge mica-minimal.config, `make olddefconfig`, check that every line of the
# fragment survived, `make bzImage`. The full log is OUTDIR/build.log; the
# final configuration is kept as OUTDIR/config.
# Environment: LINUX_SOURCE (default /usr/src/linux-source-6.1.tar.xz),
# JOBS (default: nproc).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd)
tarball=${LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
frag=$here/mica-minimal.config
jobs=${JOBS:-$(nproc)}
src=$out/src
log=$out/build.log
[ -r "$tarball" ] || { echo "minimal-kernel: no $tarball (apt-get install linux-source-6.1)" >&2; exit 1; }
kmake() { make -C "$src" ARCH=x86_64 "$@" >>"$log" 2>&1; }
fail() { echo "minimal-kernel: $1; last lines of $log:" >&2; tail -n 30 "$log" >&2; exit 1; }
start=$(date +%s)
: >"$log"

# The source tree, keyed by the tarball and the patches.
key=$( { stat -c '%s %Y' "$tarball"; for p in "$here"/*.patch; do [ -e "$p" ] && cat "$p"; done; } \
  | sha256sum | cut -c1-16)
if [ "$(cat "$out/src.key" 2>/dev/null)" != "$key" ]; then
  echo "minimal-kernel: unpacking $tarball"
  rm -rf "$src" "$out/src.key"
  mkdir -p "$src"
  tar -xJf "$tarball" -C "$src" --strip-components=1
  for p in "$here"/*.patch; do
    [ -e "$p" ] || continue
    echo "minimal-kernel: applying $(basename "$p")"
    patch -d "$src" -p1 --forward --batch <"$p" >>"$log" 2>&1 || fail "$(basename "$p") does not apply"
  done
  echo "$key" >"$out/src.key"
fi

# The configuration: tinyconfig + the fragment, then defaults for the rest.
kmake tinyconfig || fail "make tinyconfig failed"
(cd "$src" && scripts/kconfig/merge_config.sh -m .config "$frag") >>"$log" 2>&1 || fail "merge_config.sh failed"
kmake olddefconfig || fail "make olddefconfig failed"
bad=""
while IFS= read -r line; do
  case $line in
    CONFIG_*=*) grep -qxF "$line" "$src/.config" || bad="$bad ${line%%=*}" ;;
    "# CONFIG_"*" is not set") s=${line#\# }; s=${s%% *}
      ! grep -q "^$s=" "$src/.config" || bad="$bad $s" ;;
  esac
done <"$frag"
[ -z "$bad" ] || { echo "minimal-kernel: Kconfig did not take these fragment lines:$bad" >&2; exit 1; }

echo "minimal-kernel: building bzImage (make -j$jobs, log in $log)"
kmake -j"$jobs" bzImage || fail "make bzImage failed"
cp "$src/.config" "$out/config"
cp "$src/arch/x86/boot/bzImage" "$out/bzImage.tmp"
mv "$out/bzImage.tmp" "$out/bzImage"
echo "minimal-kernel: $out/bzImage ($(stat -c %s "$out/bzImage") bytes, $(make -s -C "$src" kernelrelease)," \
  "$(($(date +%s) - start)) s)"
