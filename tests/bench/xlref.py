#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Real Xen's own toolstack (Debian's xl 4.17) timed in QEMU: the reference
for xl-lite (issue 6, Performance).

Boots real Xen 4.17 (build/xen-ref/xen) with Debian's stock kernel as dom0
and the xl reference image (build/xlref/dom0-initrd.cpio.gz, `make
xl-ref-image`: xl, oxenstored, xenconsoled from xen-utils-4.17), under the
QEMU flags of tests/bench/boot.py. The image's scripts (tests/xlref/scripts)
print `xlref: KEY VALUE` figures:

  create-ms              `xl create ref.cfg` until xl returns
  create-to-ready-ms     `xl create ref.cfg` until the guest's console log
                         (xenconsoled --log=guest) shows "mica-domu: ready"
  guest-uptime-at-ready-s  the guest kernel's own uptime at that line
  destroy-ms, shutdown-w-ms  `xl destroy ref`, `xl shutdown -w ref`
  create-paused-avg-ms   `xl create -p small.cfg` (20 guests, average)
  list20-ms, list20-l-ms `xl list` / `xl list -l` with dom0 + 20 guests
  destroy-avg-ms         `xl destroy` of those 20 (average)

and captures xl's output between `xlref-begin NAME` / `xlref-end NAME rc=N`
markers; --save writes them to tests/xlref/expected/ (the format reference
for xl-lite).

SIDES lists the machines measured. Only "xen" is on by default; the "mica"
entry runs the same scripts in Mica's dom0 with xl-lite once Mica's dom0
image carries them (--mica-image PATH: an initramfs whose /init runs
/scripts/NAME for mica_run=NAME, with tests/xlref/scripts/*, xlref-clock,
/etc/xen/{ref,small,bad}.cfg and /boot/domU-{kernel,initrd} as
tests/xlref/mkimage.sh lays them out). With both, the table has ratios
(goal: create-to-ready <= 0.5x real xl).

Usage: tests/bench/xlref.py [--runs N] [--script xlref-all] [--save] [--mica-image PATH]
"""
import argparse, json, os, re, statistics, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import qemu  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
FLAGS = ["-accel", "tcg", "-nographic", "-no-reboot"]
CPU = "max,-smap"
EXTRA = ["-m", "2048"]
KERNEL = os.path.join(BUILD, "linux", "vmlinuz")
EXPECTED = os.path.join(ROOT, "tests", "xlref", "expected")
# Each side: hypervisor, its command line, dom0 kernel arguments (the script
# is appended), and the dom0 initramfs.
SIDES = {
    "xen": {"hv": os.path.join(BUILD, "xen-ref", "xen"),
            "append": "console=com1 dom0_mem=1G noreboot",
            "kargs": "console=hvc0 quiet xlref_run={script} xlref_runs={runs}",
            "initrd": os.path.join(BUILD, "xlref", "dom0-initrd.cpio.gz"),
            "tool": "xl"},
    "mica": {"hv": os.path.join(BUILD, "mica"),
             "append": "console=com1 dom0_mem=1G",
             "kargs": "console=hvc0 quiet mica_run={script} xlref_runs={runs} xlref_xl=xl-lite",
             "initrd": None,  # --mica-image
             "tool": "xl-lite"},
}
STOP = (r"^xlref: done|^mica-linux: script \S+ exited|^mica-linux: powering off|"
        r"Kernel panic|Panic on CPU|\(XEN\) Hardware Dom0 (halted|shutdown)")
FIGURE = re.compile(r"^xlref: ([a-z0-9-]+) (-?[0-9.]+|none)\b(.*)$")
BEGIN = re.compile(r"^xlref-begin ([A-Za-z0-9_.-]+): (.*)$")
STDERR = re.compile(r"^xlref-stderr ([A-Za-z0-9_.-]+)$")
END = re.compile(r"^xlref-end ([A-Za-z0-9_.-]+) rc=(-?\d+)$")
# Rows of the table: (figure key, label, goal ratio or None).
ROWS = [
    ("create-to-ready-ms", "create -> guest ready line", 0.5),
    ("create-ms", "create (until xl returns)", None),
    ("guest-uptime-at-ready-s", "guest uptime at ready line [s]", None),
    ("destroy-ms", "destroy (running guest)", None),
    ("shutdown-w-ms", "shutdown -w (running guest)", None),
    ("create-paused-avg-ms", "create -p (avg of 20)", None),
    ("list20-ms", "list, dom0 + 20 guests", None),
    ("list20-l-ms", "list -l, dom0 + 20 guests", None),
    ("destroy-avg-ms", "destroy paused guest (avg of 20)", None),
]


def parse(lines):
    """Figures {key: [values]}, captures {name: {cmd, stdout, stderr, rc}},
    other xlref: lines (notes)."""
    figures, captures, notes = {}, {}, []
    cur, where = None, None
    for _, t in lines:
        if cur is not None:
            m = END.match(t)
            if m and m.group(1) == cur["name"]:
                cur["rc"] = int(m.group(2))
                captures[cur["name"]] = cur
                cur = None
                continue
            m = STDERR.match(t)
            if m and m.group(1) == cur["name"]:
                where = "stderr"
                continue
            if t.startswith(("(XEN) ", "(MICA) ")):   # the hypervisor's own log, interleaved on the serial line
                continue
            cur[where].append(t)
            continue
        m = BEGIN.match(t)
        if m:
            cur, where = {"name": m.group(1), "cmd": m.group(2), "stdout": [], "stderr": []}, "stdout"
            continue
        m = FIGURE.match(t)
        if m:
            if m.group(2) != "none":
                rc = re.search(r"\brc=(\d+)", m.group(3))
                if rc and rc.group(1) != "0":
                    notes.append(t)
                else:
                    figures.setdefault(m.group(1), []).append(float(m.group(2)))
            continue
        if t.startswith("xlref: ") or t.startswith("  | "):
            notes.append(t)
    return figures, captures, notes


def run_side(name, script, runs, timeout, tag):
    side = SIDES[name]
    kargs = side["kargs"].format(script=script, runs=runs)
    log = os.path.join(BUILD, "bench", "logs", f"xlref-{name}-{tag}.log")
    r = qemu.run(["-kernel", side["hv"], "-append", side["append"],
                  "-initrd", f"{KERNEL} {kargs},{side['initrd']}"],
                 timeout=timeout, stop=STOP, log=log, cpu=CPU, extra=EXTRA)
    return r, log


def save_expected(captures, side):
    """tests/xlref/expected/NAME.txt (stdout), NAME.stderr.txt (when not
    empty) and exit-codes.txt; dom0 and guest uptimes, times and memory are
    whatever this run saw: the files show formats, not values."""
    os.makedirs(EXPECTED, exist_ok=True)
    with open(os.path.join(EXPECTED, "exit-codes.txt"), "w") as idx:
        idx.write(f"# {side['tool']} on real Xen 4.17 (tests/bench/xlref.py --save): NAME rc=N: command\n")
        for name, c in captures.items():
            idx.write(f"{name} rc={c['rc']}: {c['cmd']}\n")
            with open(os.path.join(EXPECTED, f"{name}.txt"), "w") as f:
                f.write("".join(line + "\n" for line in c["stdout"]))
            err = os.path.join(EXPECTED, f"{name}.stderr.txt")
            if c["stderr"]:
                with open(err, "w") as f:
                    f.write("".join(line + "\n" for line in c["stderr"]))
            elif os.path.exists(err):
                os.remove(err)
    print(f"saved {len(captures)} captures to {os.path.relpath(EXPECTED)}/")


NUMBER = re.compile(r"0x[0-9a-f]+|[0-9]+(\.[0-9]+)?|[0-9a-f]{8}-[0-9a-f-]{27}")


def shape(lines):
    """A capture's lines with every number (and UUID) as '#' and runs of
    blanks as one: what must match between xl and xl-lite, whatever ids,
    sizes and times each machine had."""
    return [" ".join(NUMBER.sub("#", t.replace("xl-lite", "xl")).split()) for t in lines]


def compare_formats(xen, mica):
    """Per capture of both sides: same exit status and the same shape of
    stdout and stderr. Prints one line per difference and a summary; the
    result is informational (xl-lite documents where it differs)."""
    names = [n for n in xen if n in mica]
    same = 0
    print(f"output formats, xl-lite vs xl (tests/xlref/scripts/xlref-formats, {len(names)} commands):")
    for n in names:
        x, m = xen[n], mica[n]
        diffs = []
        if x["rc"] != m["rc"]:
            diffs.append(f"exit {m['rc']}, xl {x['rc']}")
        for stream in ("stdout", "stderr"):
            sx, sm = shape(x[stream]), shape(m[stream])
            if sx != sm:
                first = next((i for i in range(max(len(sx), len(sm)))
                              if i >= len(sx) or i >= len(sm) or sx[i] != sm[i]), 0)
                diffs.append(f"{stream} line {first + 1}: xl-lite {sm[first] if first < len(sm) else '(none)'!r},"
                             f" xl {sx[first] if first < len(sx) else '(none)'!r}")
        if diffs:
            print(f"  {n}: " + "; ".join(diffs))
        else:
            same += 1
    print(f"  {same} of {len(names)} commands: same exit status and output shape as xl")
    return same, len(names)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="create-to-ready repetitions per boot")
    ap.add_argument("--boots", type=int, default=1, help="boots per side (alternating)")
    ap.add_argument("--script", default="xlref-all", help="xlref-all, xlref-formats, xlref-create, xlref-list20")
    ap.add_argument("--save", action="store_true", help="write real xl's captures to tests/xlref/expected/")
    ap.add_argument("--mica-image", help="Mica dom0 initramfs carrying the xlref scripts and xl-lite")
    ap.add_argument("--timeout", type=int, default=600)
    a = ap.parse_args()
    qemu.BASE_FLAGS = list(FLAGS)
    sides = ["xen"]
    if a.mica_image:
        SIDES["mica"]["initrd"] = a.mica_image
        sides.append("mica")
    for s in sides:
        for p in (SIDES[s]["hv"], SIDES[s]["initrd"], KERNEL):
            if not os.path.exists(p):
                sys.exit(f"xlref: {p} missing (make xl-ref-image xen-ref linux-kit)")
    print("xl reference (tests/bench/xlref.py): Debian's xl 4.17 on real Xen 4.17")
    print(f"QEMU: {qemu.QEMU} {' '.join(FLAGS)} -cpu {CPU} {' '.join(EXTRA)}; dom0 {KERNEL}, dom0_mem=1G")
    res = {s: {"figures": {}, "boots": []} for s in sides}
    for b in range(a.boots):
        for s in sides:
            r, log = run_side(s, a.script, a.runs, a.timeout, f"{a.script}-{b + 1}")
            figures, captures, notes = parse(r.lines)
            ok = r.stopped_on is not None and not re.search(r"panic|Panic", r.stopped_on or "")
            print(f"  boot {b + 1}/{a.boots} {s}: {'ok' if ok else 'FAILED'} in {r.wall:.1f} s"
                  f" ({len(captures)} captures; log {log})", flush=True)
            for n in notes:
                print(f"    {n}")
            for k, v in figures.items():
                res[s]["figures"].setdefault(k, []).extend(v)
            res[s]["boots"].append({"ok": ok, "wall": r.wall, "log": log, "figures": figures,
                                    "captures": captures, "notes": notes})
            if a.save and s == "xen" and captures:
                save_expected(captures, SIDES[s])
    print()
    if len(sides) > 1:
        caps = {s: {} for s in sides}
        for s in sides:
            for bt in res[s]["boots"]:
                caps[s].update(bt["captures"])
        if caps["xen"] and caps["mica"]:
            compare_formats(caps["xen"], caps["mica"])
            print()
    hdr = f"{'row':36} " + " ".join(f"{SIDES[s]['tool'] + ' min':>12} {'median':>8}" for s in sides)
    if len(sides) > 1:
        hdr += f" {'ratio':>6} {'goal':>5}"
    print(hdr)
    summary = {}
    for key, label, goal in ROWS:
        cells, mins = [], {}
        for s in sides:
            v = res[s]["figures"].get(key)
            if v:
                mins[s] = min(v)
                cells.append(f"{min(v):>12.0f} {statistics.median(v):>8.0f}" if key.endswith("-ms")
                             else f"{min(v):>12.2f} {statistics.median(v):>8.2f}")
            else:
                cells.append(f"{'n/a':>12} {'':>8}")
        line = f"{label:36} " + " ".join(cells)
        ratio = None
        if len(sides) > 1:
            if "mica" in mins and mins.get("xen"):
                ratio = mins["mica"] / mins["xen"]
                line += f" {ratio:>6.2f} {goal if goal else '':>5}"
            else:
                line += f" {'n/a':>6}"
        summary[key] = {"min": mins, "ratio": ratio, "goal": goal}
        print(line)
    print("(ms unless noted; min and median over all runs" + (" ; ratio = Mica/Xen of the mins)" if len(sides) > 1 else ")"))
    out = os.path.join(BUILD, "bench", "xlref.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump({"sides": res, "summary": summary}, f, indent=1)
    print(f"raw: {out}")
    if not all(bt["ok"] for s in sides for bt in res[s]["boots"]):
        sys.exit(1)


if __name__ == "__main__":
    main()
