#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Integration test runner: boots machines in QEMU and checks what they say.

Test cases live in tests/integration/*_tests.py as functions decorated with
@case; each gets a Ctx and records failures with ctx.check(). Cases run in
parallel (one QEMU per core). The last line is "integration: N passed, N
failed[, N skipped]"; a skipped case (a missing prerequisite) never counts
as passed.

    tests/integration/run.py [-j N] [-k SUBSTRING]
"""
import argparse, concurrent.futures, glob, importlib.util, os, sys, time, traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import qemu  # noqa: E402

CASES = []


class Skip(Exception):
    pass


def case(name, timeout=60):
    def register(fn):
        CASES.append((name, fn, timeout))
        return fn
    return register


class Ctx:
    def __init__(self, name, timeout):
        self.name = name
        self.timeout = timeout
        self.build = os.environ.get("BUILD", "build")
        self.failures = []
        self.notes = []
        self.log_dir = os.path.join(self.build, "test-logs")

    def path(self, *p):
        return os.path.join(self.build, *p)

    def need(self, path, why):
        if not os.path.exists(path):
            raise Skip(f"{why}: {path} missing")
        return path

    def qemu(self, args, tag="", **kw):
        log = os.path.join(self.log_dir, self.name.replace("/", "_") + (f"-{tag}" if tag else "") + ".log")
        kw.setdefault("timeout", self.timeout)
        r = qemu.run(args, log=log, **kw)
        r.log = log
        if r.timed_out:
            self.fail(f"timed out after {kw['timeout']} s (log: {log})")
        return r

    def check(self, cond, msg):
        if not cond:
            self.fail(msg)
        return cond

    def fail(self, msg):
        self.failures.append(msg)

    def note(self, msg):
        self.notes.append(msg)

    def expect_lines(self, r, *patterns):
        import re
        for pat in patterns:
            self.check(re.search(pat, r.text, re.M), f"no line matching /{pat}/ (log: {r.log})")

    def expect_rc(self, r, rc):
        self.check(r.rc == rc, f"QEMU exit status {r.rc}, expected {rc} (log: {r.log})")


def load_cases():
    for f in sorted(glob.glob(os.path.join(HERE, "*_tests.py"))):
        spec = importlib.util.spec_from_file_location(os.path.basename(f)[:-3], f)
        mod = importlib.util.module_from_spec(spec)
        mod.case = case
        mod.Skip = Skip
        spec.loader.exec_module(mod)


def run_case(item):
    name, fn, timeout = item
    ctx = Ctx(name, timeout)
    t0 = time.monotonic()
    try:
        fn(ctx)
        status = "FAIL" if ctx.failures else "PASS"
    except Skip as e:
        status, ctx.notes = "SKIP", [str(e)]
    except Exception:
        status = "FAIL"
        ctx.failures.append(traceback.format_exc())
    return name, status, ctx, time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-j", type=int, default=os.cpu_count() or 2)
    ap.add_argument("-k", default="")
    args = ap.parse_args()
    load_cases()
    todo = [c for c in CASES if args.k in c[0]]
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.j) as ex:
        for name, status, ctx, secs in ex.map(run_case, todo):
            counts[status] += 1
            extra = ("  [" + "; ".join(ctx.notes) + "]") if ctx.notes else ""
            print(f"{status} {name} ({secs:.1f} s){extra}", flush=True)
            for f in ctx.failures:
                print(f"     {f}", flush=True)
    skipped = f", {counts['SKIP']} skipped" if counts["SKIP"] else ""
    print(f"integration: {counts['PASS']} passed, {counts['FAIL']} failed{skipped}")
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
