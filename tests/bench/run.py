#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Run the bench guest on Mica and on real Xen 4.17 and print a ratio table.

Both hypervisors boot build/bench/bench.elf as dom0 with identical QEMU
flags; runs alternate (Mica, Xen, Mica, Xen, ...) so slow drift of the
shared machine hits both sides alike. For each benchmark the table shows
the best run's median, in TSC cycles, and the ratio Mica/Xen (goal: <= 1.0).
Raw numbers go to build/bench/results.json.

Usage: tests/bench/run.py [--runs R] [--only a,b] [--skip a,b] [--strict]
See tests/bench/README.md.
"""
import argparse, datetime, json, os, re, statistics, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import qemu  # noqa: E402  (tests/integration/qemu.py)

BUILD = os.environ.get("BUILD", "build")
# The QEMU line, identical for both hypervisors (see /work/shared/anchors.md:
# Xen's SMAP use trips over TCG with plain -cpu max).
QEMU_BASE = ["-accel", "tcg", "-nographic", "-no-reboot"]
QEMU_CPU = "max,-smap"
QEMU_EXTRA = ["-m", "2048"]
HV = {
    "mica": {"kernel": os.path.join(BUILD, "mica"),
             "append": "console=com1 dom0_mem=64M"},
    "xen": {"kernel": os.path.join(BUILD, "xen-ref", "xen"),
            "append": "console=com1 dom0_mem=64M noreboot"},
}
GUEST = os.path.join(BUILD, "bench", "bench.elf")
FIRST_GUEST_LINE = r"--- Mica test guest:"
VERDICT = r"Test result: (SUCCESS|FAILURE)"
# Ends a run early: the verdict (Xen halts rather than powering off), or a
# hypervisor giving up (Mica without a debug-exit device reboots, which
# -no-reboot turns into an exit; Xen with noreboot halts).
STOP = VERDICT + r"|Panic on CPU|^\(XEN\) .*Hardware Dom0 (crashed|halted|shutdown)|Panic:"

BENCH_RX = re.compile(r"\bBENCH name=(\S+)(.*)$")
BEGIN_RX = re.compile(r"\bBENCH_BEGIN name=(\S+)")
END_RX = re.compile(r"\bBENCH_END\b")
INFO_RX = re.compile(r"\bBENCH_INFO (.*)$")


def parse_kv(text):
    """'median=1 min=2 error=x(rc=-1)' -> dict; numbers become ints."""
    out = {}
    for tok in text.split():
        if "=" not in tok:
            continue
        k, v = tok.split("=", 1)
        out[k] = int(v) if re.fullmatch(r"-?\d+", v) else v
    return out


def parse_run(r):
    """Rows, order of appearance, info, and where the run died (if it did)."""
    rows, order, info = {}, [], {}
    current, ended, verdict = None, False, None
    for _, line in r.lines:
        m = BEGIN_RX.search(line)
        if m:
            current = m.group(1)
            continue
        m = BENCH_RX.search(line)
        if m:
            name = m.group(1)
            rows[name] = parse_kv(m.group(2))
            if name not in order:
                order.append(name)
            current = None
            continue
        if END_RX.search(line):
            ended = True
            continue
        m = INFO_RX.search(line)
        if m:
            info.update(parse_kv(m.group(1)))
            continue
        m = re.search(VERDICT, line)
        if m:
            verdict = m.group(1)
    died_in = None
    if not ended:
        # A benchmark begun but never reported is the one that killed the run.
        if current:
            died_in = current
        elif order:
            died_in = f"(between benchmarks, after {order[-1]})"
        else:
            died_in = "(before the first benchmark)"
    return rows, order, info, ended, verdict, died_in


def run_once(hv, tag, timeout, cmdline):
    h = HV[hv]
    args = ["-kernel", h["kernel"], "-append", h["append"],
            # QEMU splits -initrd at commas (one module each); ",," is a literal comma.
            "-initrd", (GUEST + " " + cmdline).strip().replace(",", ",,")]
    log = os.path.join(BUILD, "bench", "logs", f"{tag}.log")
    r = qemu.run(args, timeout=timeout, stop=STOP, log=log, cpu=QEMU_CPU, extra=QEMU_EXTRA)
    rows, order, info, ended, verdict, died_in = parse_run(r)
    first = r.first(FIRST_GUEST_LINE)
    return {
        "hypervisor": hv, "tag": tag, "log": log,
        "qemu_rc": r.rc, "timed_out": r.timed_out, "stopped_on": r.stopped_on,
        "wall_total_s": round(r.wall, 3),
        "wall_first_guest_line_s": None if first is None else round(first, 3),
        "completed": ended, "verdict": verdict, "died_in": died_in,
        "info": info, "order": order, "rows": rows,
        "tail": [t for _, t in r.lines[-15:]] if not ended else [],
    }


def med(xs):
    return statistics.median(xs) if xs else None


def fmt_num(x):
    if x is None:
        return "n/a"
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}".rstrip("0").rstrip(".")


def fmt_ratio(x):
    return "n/a" if x is None else f"{x:.2f}"


def summarise(runs, names):
    """Per benchmark: aggregate per hypervisor and paired per-round ratios."""
    out = {}
    for name in names:
        s = {"kind": None, "unit": "cycles", "better": "lower"}
        for hv in HV:
            meds, mins, errs = [], [], []
            for r in runs:
                if r["hypervisor"] != hv:
                    continue
                row = r["rows"].get(name)
                if not row:
                    continue
                for key in ("kind", "unit", "better"):
                    if row.get(key):
                        s[key] = row[key]
                if isinstance(row.get("median"), int):
                    meds.append(row["median"])
                    mins.append(row.get("min", row["median"]))
                elif "error" in row:
                    errs.append(str(row["error"]))
                elif "skipped" in row:
                    errs.append("skipped:" + str(row["skipped"]))
            # Noise on this machine only ever adds time (a busy host slows
            # whole runs down), so the table takes the best run's median.
            # For a throughput row (better=higher) the best run is the fastest.
            best = max if s["better"] == "higher" else min
            s[hv] = {"medians": meds, "mins": mins, "errors": errs,
                     "median": best(meds) if meds else None,
                     "median_of_medians": med(meds),
                     "min": min(mins) if mins else None}
        m, x = s["mica"]["median"], s["xen"]["median"]
        s["ratio"] = (m / x) if (m is not None and x) else None
        # Ratios within one round (a Mica run and the Xen run next to it).
        rounds = {}
        for r in runs:
            row = r["rows"].get(name)
            if row and isinstance(row.get("median"), int):
                rounds.setdefault(r["round"], {})[r["hypervisor"]] = row["median"]
        paired = [v["mica"] / v["xen"] for v in rounds.values()
                  if "mica" in v and v.get("xen")]
        s["round_ratios"] = [round(p, 3) for p in paired]
        out[name] = s
    return out


def skipped(s):
    """Left out on purpose (only=/skip=) wherever it has no figure."""
    sides = [s[hv] for hv in HV if s[hv]["median"] is None]
    return bool(sides) and all(side["errors"] and all(e.startswith("skipped:") for e in side["errors"])
                               for side in sides)


def verdict_of(s):
    if s["kind"] == "calibration":
        return "info"
    if s["ratio"] is None and skipped(s):
        return "skipped"
    if s["ratio"] is None:
        return "MISSING"
    if s["better"] == "higher":         # throughput rows (e.g. MB/s)
        return "ok" if s["ratio"] >= 1.0 else "SLOWER"
    return "ok" if s["ratio"] <= 1.0 else "SLOWER"


def goal_of(s):
    if s["kind"] == "calibration":
        return "-"
    return ">= 1.0" if s["better"] == "higher" else "<= 1.0"


def print_table(headers, rows):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(  # noqa: E731
        str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="runs per hypervisor (default 5)")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per QEMU run")
    ap.add_argument("--only", default="", help="comma-separated benchmarks to run")
    ap.add_argument("--skip", default="", help="comma-separated benchmarks to leave out")
    ap.add_argument("--json", default=os.path.join(BUILD, "bench", "results.json"))
    ap.add_argument("--strict", action="store_true",
                    help="exit 1 if a row is missing or a run did not complete")
    a = ap.parse_args()

    for hv, h in HV.items():
        if not os.path.exists(h["kernel"]):
            sys.exit(f"bench: {h['kernel']} missing (make all xen-ref)")
    if not os.path.exists(GUEST):
        sys.exit(f"bench: {GUEST} missing (make {GUEST})")

    qemu.BASE_FLAGS = list(QEMU_BASE)   # exactly the flags below, nothing else
    flags = QEMU_BASE + ["-cpu", QEMU_CPU] + QEMU_EXTRA
    print("Mica vs Xen 4.17 PV microbenchmarks (tests/bench/README.md)")
    print(f"QEMU: {qemu.QEMU} {' '.join(flags)} (both hypervisors)")
    print("Cycles are TSC cycles under QEMU TCG: absolute values drift with the load of")
    print("this shared machine; compare the ratios, which come from runs made side by side.")
    print(f"{a.runs} runs per hypervisor, alternating. A cell is the lowest per-run median")
    print("(host noise only ever adds cycles); (min) is the lowest single sample of any run;")
    print("per-round is the range of Mica/Xen ratios of runs made back to back. guest_loop")
    print("is pure guest work: its ratio shows how evenly fast the compared runs were.")
    print()

    runs = []
    skip = {"mica": set(filter(None, a.skip.split(","))), "xen": set(filter(None, a.skip.split(",")))}
    for rnd in range(a.runs):
        for hv in HV:
            cmd = []
            if a.only:
                cmd.append("only=" + a.only)
            if skip[hv]:
                cmd.append("skip=" + ",".join(sorted(skip[hv])))
            r = run_once(hv, f"{hv}-{rnd + 1}", a.timeout, " ".join(cmd))
            r["round"] = rnd
            runs.append(r)
            state = "complete" if r["completed"] else f"INCOMPLETE (died in {r['died_in']})"
            first = r["wall_first_guest_line_s"]
            print(f"  run {rnd + 1}/{a.runs} {hv:4}: {len(r['rows'])} rows, {state}, "
                  f"first guest line {first if first is not None else 'n/a'} s, "
                  f"total {r['wall_total_s']} s", flush=True)
            # A benchmark that kills a hypervisor is left out of its later
            # runs, so the other rows still get measured.
            if not r["completed"] and r["died_in"] and not r["died_in"].startswith("("):
                skip[hv].add(r["died_in"])
    print()

    names = []
    for r in runs:
        for n in r["order"]:
            if n not in names:
                names.append(n)
    summary = summarise(runs, names)

    rows = []
    for n in names:
        s = summary[n]
        rr = s["round_ratios"]
        spread = f"{min(rr):.2f}-{max(rr):.2f}" if rr else "n/a"
        note = ""
        for hv in HV:
            if s[hv]["median"] is None and s[hv]["errors"] and not skipped(s):
                note += f" {hv}: {s[hv]['errors'][0]}"
        label = n if s["unit"] == "cycles" else f"{n} [{s['unit']}]"
        rows.append([label, fmt_num(s["mica"]["median"]), fmt_num(s["mica"]["min"]),
                     fmt_num(s["xen"]["median"]), fmt_num(s["xen"]["min"]),
                     fmt_ratio(s["ratio"]), spread,
                     goal_of(s),
                     verdict_of(s) + note])
    print_table(["benchmark", "Mica cycles", "(min)", "Xen cycles", "(min)",
                 "ratio Mica/Xen", "per-round", "goal", "verdict"], rows)
    print()

    # Boot: QEMU start to the first guest line (goal from anchors.md: half of Xen's).
    boot = {}
    for hv in HV:
        boot[hv] = med([r["wall_first_guest_line_s"] for r in runs
                        if r["hypervisor"] == hv and r["wall_first_guest_line_s"] is not None])
    bratio = boot["mica"] / boot["xen"] if boot["mica"] and boot["xen"] else None
    bverdict = "n/a" if bratio is None else ("ok" if bratio <= 0.5 else "SLOWER")
    print_table(["wall time", "Mica s", "Xen s", "ratio Mica/Xen", "goal", "verdict"],
                [["QEMU start -> first guest line",
                  "n/a" if boot["mica"] is None else f"{boot['mica']:.2f}",
                  "n/a" if boot["xen"] is None else f"{boot['xen']:.2f}",
                  fmt_ratio(bratio), "<= 0.5", bverdict]])
    print()

    problems = []
    for r in runs:
        if not r["completed"]:
            problems.append(f"{r['tag']}: run did not complete; died in {r['died_in']} "
                            f"(qemu rc {r['qemu_rc']}, timed out {r['timed_out']}; log {r['log']})")
            for t in r["tail"][-6:]:
                problems.append(f"    | {t}")
        elif r["verdict"] != "SUCCESS":
            problems.append(f"{r['tag']}: guest verdict {r['verdict']} (log {r['log']})")
    missing = [n for n in names if verdict_of(summary[n]) == "MISSING"]
    if missing:
        problems.append("rows without a ratio: " + ", ".join(missing))
    for p in problems:
        print("WARNING: " + p)
    slower = [n for n in names if verdict_of(summary[n]) == "SLOWER"]
    good = [n for n in names if verdict_of(summary[n]) == "ok"]
    print(f"{len(good)} rows at or below Xen's cost, {len(slower)} slower, {len(missing)} missing.")

    os.makedirs(os.path.dirname(a.json), exist_ok=True)
    with open(a.json, "w") as f:
        json.dump({
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "qemu": [qemu.QEMU] + flags,
            "hypervisors": {hv: {"kernel": h["kernel"], "append": h["append"]} for hv, h in HV.items()},
            "guest": GUEST, "runs_per_hypervisor": a.runs,
            "unit": "TSC cycles (QEMU TCG)",
            "summary": summary,
            "boot_first_guest_line_s": boot,
            "runs": runs,
        }, f, indent=1)
    print(f"raw numbers: {a.json}; logs: {os.path.join(BUILD, 'bench', 'logs')}/")
    if a.strict and problems:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
