#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Linux boot time on Mica and on real Xen 4.17, side by side.

Boots Debian's stock kernel (build/linux/vmlinuz, `make linux-kit`) as dom0
with the test initramfs (mica_run=boot-only: /init prints its ready line
and powers off) under identical QEMU flags on both hypervisors, runs
alternating, and prints for each: wall time from starting QEMU to the
ready line, and the guest's own uptime at that line (the kernel's boot
alone). Goal (issue 5): Mica <= 0.7x Xen's wall time. The minimal kernel
(build/linux-minimal/bzImage, `make minimal-kernel`) gets rows too when it
is there (goal: <= 3 s wall on Mica).

Usage: tests/bench/boot.py [--runs N]
"""
import argparse, os, re, statistics, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import qemu  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
FLAGS = ["-accel", "tcg", "-nographic", "-no-reboot"]
CPU = "max,-smap"
EXTRA = ["-m", "2048"]
HV = {
    "mica": (os.path.join(BUILD, "mica"), "console=com1 dom0_mem=1G"),
    "xen": (os.path.join(BUILD, "xen-ref", "xen"), "console=com1 dom0_mem=1G noreboot"),
}
INITRD = os.path.join(BUILD, "linux", "initrd.cpio.gz")
KERNELS = [("stock", os.path.join(BUILD, "linux", "vmlinuz")),
           ("minimal", os.path.join(BUILD, "linux-minimal", "bzImage"))]
READY = re.compile(r"mica-linux: ready \(kernel \S+, uptime ([0-9.]+)s\)")
STOP = r"mica-linux: ready|Kernel panic|Panic on CPU"


def boot_once(hv, kernel, tag):
    image, append = HV[hv]
    log = os.path.join(BUILD, "bench", "logs", f"boot-{tag}.log")
    r = qemu.run(["-kernel", image, "-append", append,
                  "-initrd", f"{kernel} console=hvc0 mica_run=boot-only,{INITRD}"],
                 timeout=180, stop=STOP, log=log, cpu=CPU, extra=EXTRA)
    for ts, line in r.lines:
        m = READY.search(line)
        if m:
            return ts, float(m.group(1))
    return None, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    qemu.BASE_FLAGS = list(FLAGS)
    print("Linux boot to the initramfs ready line (tests/bench/boot.py)")
    print(f"QEMU: {qemu.QEMU} {' '.join(FLAGS)} -cpu {CPU} {' '.join(EXTRA)} (both hypervisors)")
    rows = []
    for kname, kernel in KERNELS:
        if not os.path.exists(kernel) or not os.path.exists(INITRD):
            print(f"  {kname}: {kernel} missing, skipped")
            continue
        res = {hv: {"wall": [], "uptime": []} for hv in HV}
        for i in range(a.runs):
            for hv in HV:
                wall, up = boot_once(hv, kernel, f"{kname}-{hv}-{i + 1}")
                print(f"  {kname} run {i + 1}/{a.runs} {hv:4}: wall {wall if wall is None else round(wall, 2)} s,"
                      f" uptime {up} s", flush=True)
                if wall is not None:
                    res[hv]["wall"].append(wall)
                    res[hv]["uptime"].append(up)
        for what in ("wall", "uptime"):
            m = min(res["mica"][what]) if res["mica"][what] else None
            x = min(res["xen"][what]) if res["xen"][what] else None
            ratio = m / x if m is not None and x else None
            rows.append((f"{kname} {'QEMU start -> ready' if what == 'wall' else 'guest uptime at ready'}",
                         m, x, ratio))
    print()
    print(f"{'row':40} {'mica s':>8} {'xen s':>8} {'ratio':>6}")
    for name, m, x, ratio in rows:
        f = lambda v: "n/a" if v is None else f"{v:.2f}"  # noqa: E731
        print(f"{name:40} {f(m):>8} {f(x):>8} {f(ratio):>6}")
    print("(best of the runs; goal: stock wall ratio <= 0.70, minimal wall <= 3 s on Mica)")


if __name__ == "__main__":
    main()
