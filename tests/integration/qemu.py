# SPDX-License-Identifier: GPL-2.0-only
"""Run one QEMU machine and capture its serial console with timestamps.

A run ends when QEMU exits (Mica powers off or fails), or when an optional
stop pattern appears (real Xen halts instead of powering off, so its runs
end on the verdict line), or at the timeout, which always counts as a
failure: no test passes by waiting.
"""
import os, re, select, subprocess, time

QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
BASE_FLAGS = ["-accel", "tcg", "-nographic", "-no-reboot", "-m", "1024",
              "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
              ]


class Run:
    def __init__(self):
        self.lines = []        # (seconds since start, text)
        self.rc = None         # QEMU exit status; None if we stopped it
        self.timed_out = False
        self.stopped_on = None
        self.wall = 0.0

    @property
    def text(self):
        return "\n".join(t for _, t in self.lines)

    def first(self, pattern):
        """Time of the first line matching pattern, or None."""
        rx = re.compile(pattern)
        for ts, t in self.lines:
            if rx.search(t):
                return ts
        return None


def run(args, timeout=60, stop=None, log=None, cpu="qemu64", extra=(), answers=(), accel=None):
    """answers: (regex, text) pairs; when a serial line matches regex, text
    (with \\1-style group references expanded) is typed on the serial line
    through QEMU's stdin, once per matching line. accel replaces the value
    of BASE_FLAGS' -accel (e.g. "tcg,thread=single")."""
    base = list(BASE_FLAGS)
    if accel and "-accel" in base:
        base[base.index("-accel") + 1] = accel
    cmd = [QEMU] + base + ["-cpu", cpu] + list(extra) + list(args)
    r = Run()
    start = time.monotonic()
    answer_rx = [(re.compile(rx), text) for rx, text in answers]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE if answer_rx else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    buf = b""
    stop_rx = re.compile(stop) if stop else None
    fd = p.stdout.fileno()
    while True:
        left = timeout - (time.monotonic() - start)
        if left <= 0:
            r.timed_out = True
            break
        ready, _, _ = select.select([fd], [], [], min(left, 0.5))
        if not ready:
            if p.poll() is not None:
                break
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        now = time.monotonic() - start
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            text = line.decode("utf-8", "replace").rstrip("\r")
            r.lines.append((now, text))
            for rx, answer in answer_rx:
                m = rx.search(text)
                if m:
                    try:
                        p.stdin.write(m.expand(answer).encode())
                        p.stdin.flush()
                    except OSError:
                        pass
            if stop_rx and stop_rx.search(text):
                r.stopped_on = text
        if r.stopped_on:
            break
    if buf:
        r.lines.append((time.monotonic() - start, buf.decode("utf-8", "replace")))
    if not r.stopped_on and not r.timed_out:
        # Output ended: QEMU is exiting; collect its status.
        try:
            p.wait(timeout=max(1.0, timeout - (time.monotonic() - start)))
        except subprocess.TimeoutExpired:
            r.timed_out = True
    if p.poll() is None:
        p.kill()
        p.wait()
    else:
        r.rc = p.returncode
    r.wall = time.monotonic() - start
    if log:
        os.makedirs(os.path.dirname(log), exist_ok=True)
        with open(log, "w") as f:
            f.write("# " + " ".join(cmd) + "\n")
            for ts, t in r.lines:
                f.write(f"[{ts:8.3f}] {t}\n")
            f.write(f"# rc={r.rc} timed_out={r.timed_out} stopped_on={r.stopped_on!r} wall={r.wall:.3f}s\n")
    return r
