#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""XenStore round trips per second (issue 6, Performance): from dom0 over
the daemon's unix socket and over /dev/xen/xenbus (dom0's own ring), and
from a Linux domU through its ring; Mica (mica-xenstored, xl-lite creates
the guest) against real Xen 4.17 with Debian's oxenstored and xl when the xl
reference image is built (make xl-ref-image, tests/xlref/).

Both sides run the same dom0 script, tests/linux/scripts/xs-bench, with the
same client, tools/xsbench (one request outstanding, READ then WRITE of one
node, --ms milliseconds each), under the QEMU flags of tests/bench/xlref.py
(-accel tcg -cpu max,-smap -m 2048, one CPU, dom0_mem=1G, Debian's kernel
as dom0). On Xen the script runs from the reference image with a second
archive appended (its init runs /scripts/NAME for xlref_run=NAME) that adds
the script, xsbench and the guests' initramfs.

Output: one `SIDE-NAME: value unit` line per figure, then `NAME ratio: x`
(Mica / Xen; higher is better). Raw figures in build/bench/xenstore.json.
Exit status 1 if a side failed.

Usage: tests/bench/xenstore.py [--ms 3000] [--no-xen] [--timeout 900]
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import qemu  # noqa: E402
# The QEMU configuration, the dom0 kernel and the paths of tests/bench/xlref.py.
from xlref import BUILD, CPU, EXTRA, FLAGS, KERNEL, ROOT  # noqa: E402

GUEST_INITRD = os.path.join(BUILD, "bench", "xsbench-guest-initrd.cpio.gz")
BASE = {"mica": os.path.join(BUILD, "linux", "dom0-initrd.cpio.gz"),
        "xen": os.path.join(BUILD, "xlref", "dom0-initrd.cpio.gz")}
FIGURE = re.compile(r"^xsbench: ([A-Za-z0-9-]+) (\S+)(.*)$")
STOP = (r"^xsbench: done|^mica-linux: script \S+ exited|^mica-linux: powering off|^xlref: done|"
        r"Kernel panic|Panic on CPU|\(XEN\) Hardware Dom0 (halted|shutdown)")
# (key, label, unit, higher is better)
ROWS = [
    ("dom0-socket-read-per-s", "xs-dom0-socket-read", "round-trips/s", True),
    ("dom0-socket-write-per-s", "xs-dom0-socket-write", "round-trips/s", True),
    ("dom0-xenbus-read-per-s", "xs-dom0-xenbus-read", "round-trips/s", True),
    ("dom0-xenbus-write-per-s", "xs-dom0-xenbus-write", "round-trips/s", True),
    ("guest-xenbus-read-per-s", "xs-guest-read", "round-trips/s", True),
    ("guest-xenbus-write-per-s", "xs-guest-write", "round-trips/s", True),
]


def overlay(base, out):
    """base (a side's dom0 image) with what xs-bench needs appended as a
    second archive (Linux unpacks concatenated archives in order): the
    script (Mica's test initramfs has it already; real Xen's reference image
    does not), xsbench, and the guests' initramfs with xsbench added
    (make xs-bench builds it). The dom0 images themselves stay as they are."""
    files = {
        "scripts/xs-bench": os.path.join(ROOT, "tests", "linux", "scripts", "xs-bench"),
        "usr/bin/xsbench": os.path.join(BUILD, "tools", "xsbench"),
        "boot/xsbench-initrd": GUEST_INITRD,
    }
    for p in [base] + list(files.values()):
        if not os.path.exists(p):
            return None, f"{p} missing"
    root = tempfile.mkdtemp()
    try:
        for dst, src in files.items():
            os.makedirs(os.path.join(root, os.path.dirname(dst)), exist_ok=True)
            shutil.copy(src, os.path.join(root, dst))
        os.chmod(os.path.join(root, "scripts", "xs-bench"), 0o755)
        os.chmod(os.path.join(root, "usr", "bin", "xsbench"), 0o755)
        names = sorted(os.path.relpath(os.path.join(d, n), root)
                       for d, ds, fs in os.walk(root) for n in ds + fs)
        arc = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet", "-R", "0:0"], cwd=root,
                             input="\n".join(names).encode() + b"\n", capture_output=True, check=True).stdout
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "wb") as f:
            with open(base, "rb") as b:
                shutil.copyfileobj(b, f)
            f.write(subprocess.run(["gzip", "-9"], input=arc, capture_output=True, check=True).stdout)
    finally:
        shutil.rmtree(root)
    return out, None


SIDES = {
    "mica": {"hv": os.path.join(BUILD, "mica"), "append": "console=com1 dom0_mem=1G",
             "kargs": "console=hvc0 quiet mica_run=xs-bench xsbench_ms={ms}",
             "tool": "xl-lite + mica-xenstored"},
    "xen": {"hv": os.path.join(BUILD, "xen-ref", "xen"), "append": "console=com1 dom0_mem=1G noreboot",
            "kargs": "console=hvc0 quiet xlref_run=xs-bench xsbench_ms={ms}",
            "tool": "xl + oxenstored (Xen 4.17)"},
}


def run_side(name, initrd, ms, timeout):
    side = SIDES[name]
    log = os.path.join(BUILD, "bench", "logs", f"xenstore-{name}.log")
    kargs = side["kargs"].format(ms=ms)
    r = qemu.run(["-kernel", side["hv"], "-append", side["append"],
                  "-initrd", f"{KERNEL} {kargs},{initrd}"],
                 timeout=timeout, stop=STOP, log=log, cpu=CPU, extra=EXTRA)
    figures, notes = {}, []
    for _, t in r.lines:
        m = FIGURE.match(t)
        if not m:
            continue
        key, val = m.group(1), m.group(2)
        if key in ("FAIL", "done"):
            notes.append(t)
        elif key == "guest-kernel":
            figures[key] = val
        else:
            try:
                figures.setdefault(key, []).append(float(val))
            except ValueError:
                notes.append(t)
    done = re.search(r"^xsbench: done 0 failed", r.text, re.M) is not None
    return {"ok": done, "wall": r.wall, "log": log, "figures": figures, "notes": notes}


def best(key, vals, higher):
    return max(vals) if higher else min(vals)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ms", type=int, default=3000, help="milliseconds per XenStore measurement")
    ap.add_argument("--no-xen", action="store_true", help="Mica only")
    ap.add_argument("--no-mica", action="store_true", help="real Xen only (debugging)")
    ap.add_argument("--timeout", type=int, default=900)
    a = ap.parse_args()
    qemu.BASE_FLAGS = list(FLAGS)
    images, sides = {}, []
    for side in ("mica", "xen"):
        if (side == "mica" and a.no_mica) or (side == "xen" and a.no_xen):
            continue
        img, why = overlay(BASE[side], os.path.join(BUILD, "bench", f"xsbench-{side}-initrd.cpio.gz"))
        if img and os.path.exists(SIDES[side]["hv"]) and os.path.exists(KERNEL):
            images[side] = img
            sides.append(side)
        elif side == "mica":
            sys.exit(f"xenstore bench: {why or 'hypervisor or dom0 kernel missing'} (make xs-bench)")
        else:
            print(f"xenstore bench: real Xen side skipped ({why or SIDES[side]['hv'] + ' missing'};"
                  " make xl-ref-image xen-ref)")
    print("XenStore benchmark (tests/bench/xenstore.py): " + " vs ".join(SIDES[s]["tool"] for s in sides))
    print(f"QEMU: {qemu.QEMU} {' '.join(FLAGS)} -cpu {CPU} {' '.join(EXTRA)}; dom0 {KERNEL}, dom0_mem=1G")
    res = {}
    for s in sides:
        res[s] = run_side(s, images[s], a.ms, a.timeout)
        r = res[s]
        print(f"  {s}: {'ok' if r['ok'] else 'FAILED'} in {r['wall']:.1f} s (log {r['log']})", flush=True)
        for n in r["notes"]:
            if not n.startswith("xsbench: done 0 "):
                print(f"    {n}")
    print()
    summary = {}
    for s in sides:
        f = res[s]["figures"]
        kern = f.get("guest-kernel", "?")
        for key, label, unit, higher in ROWS:
            v = f.get(key)
            if v:
                b = best(key, v, higher)
                summary.setdefault(key, {})[s] = b
                extra = ""
                if key.startswith("guest-"):
                    extra = (f" (domU: Debian's stock kernel {kern})" if kern.endswith("-amd64")
                             else f" (domU: minimal PV kernel {kern})")
                agg = f" (best of {len(v)})" if len(v) > 1 else ""
                print(f"{s}-{label}: {b:.0f} {unit}{agg}{extra}")
            else:
                print(f"{s}-{label}: n/a")
    if len(sides) > 1:
        print()
        for key, label, unit, higher in ROWS:
            m, x = summary.get(key, {}).get("mica"), summary.get(key, {}).get("xen")
            if m and x:
                better = "higher" if higher else "lower"
                print(f"{label} ratio: {m / x:.2f} (Mica / Xen; {better} is better)")
    out = os.path.join(BUILD, "bench", "xenstore.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as fh:
        json.dump({"sides": res, "summary": summary}, fh, indent=1)
    print(f"raw: {out}")
    if not all(res[s]["ok"] for s in sides):
        sys.exit(1)


if __name__ == "__main__":
    main()
