# SPDX-License-Identifier: GPL-2.0-only
"""Debian's stock kernel (build/linux/vmlinuz, `make linux-kit`) booted as a
PV dom0 with the test initramfs, whose /init runs tests/linux/scripts/<name>
when the command line says mica_run=<name>, then powers off.

The userland script prints "check NAME: ok|FAIL ..." lines and
"userland: N failed"; Mica must power off cleanly (QEMU exit 0). The
dmesg case boots the same kernel on real Xen 4.17 too and fails on any
oops, BUG or WARNING that Mica's boot prints and Xen's does not.
"""
import os
import re

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MEM = ["-m", "2048"]
MICA_ARGS = "console=com1 dom0_mem=1G"
READY = r"^mica-linux: ready"
TROUBLE = re.compile(r"WARNING:|Oops|BUG:|Kernel panic|Call Trace|general protection|invalid opcode")


# QEMU 7.2's multi-threaded TCG sometimes crashes (SIGSEGV in
# memory_region_dispatch_write) when Linux probes devices from 2 vCPUs at
# once; the single-threaded TCG runs the same CPUs one after the other
# without that race. Used for every Linux boot with more than one CPU.
SMP_ACCEL = "tcg,thread=single"


def boot(ctx, hv, args, kernel_args, cpu="max,-smap", tag="", stop=None, timeout=240, smp=1, initrd=None):
    kernel = ctx.need(ctx.path("linux", "vmlinuz"), "Linux guest kit not fetched (make linux-kit)")
    initrd = initrd or ctx.need(ctx.path("linux", "initrd.cpio.gz"), "initramfs not built (make linux-kit)")
    return ctx.qemu(["-kernel", hv, "-append", args,
                     "-initrd", f"{kernel} console=hvc0 {kernel_args},{initrd}"],
                    cpu=cpu, extra=MEM + ["-smp", str(smp)], tag=tag, stop=stop, timeout=timeout,
                    accel=SMP_ACCEL if smp > 1 else None)


def check_userland(ctx, r):
    ctx.expect_lines(r, READY, r"^userland: 0 failed$", r"^mica-linux: powering off")
    for _, t in r.lines:
        if t.startswith("check ") and ": FAIL" in t:
            ctx.note(t)
    for want in ("uname", "cpuinfo", "hypervisor-type", "hypervisor-version", "hypervisor-features",
                 "date", "free", "fork-exec", "memory-touch"):
        ctx.check(re.search(rf"^check {want}: ok", r.text, re.M), f"check {want} did not pass (log: {r.log})")


def kernel_trouble(r):
    return [t for _, t in r.lines if TROUBLE.search(t)]


for _cpu in ("max,-smap", "qemu64"):
    def make(cpu=_cpu):
        @case(f"linux/dom0-userland-{cpu.split(',')[0]}", timeout=240)
        def _(ctx):
            mica = ctx.need(ctx.path("mica"), "hypervisor not built")
            r = boot(ctx, mica, MICA_ARGS, "mica_run=userland", cpu=cpu)
            check_userland(ctx, r)
            ctx.check(not kernel_trouble(r), f"kernel trouble: {kernel_trouble(r)[:3]} (log: {r.log})")
            ctx.expect_rc(r, 0)
    make()


@case("linux/minimal-userland", timeout=240)
def _(ctx):
    """The minimal PV kernel (xen-guest-patches/, `make minimal-kernel`),
    when it has been built: same initramfs, same checks."""
    mica = ctx.need(ctx.path("mica"), "hypervisor not built")
    kernel = ctx.need(ctx.path("linux-minimal", "bzImage"), "minimal kernel not built (make minimal-kernel)")
    initrd = ctx.need(ctx.path("linux", "initrd.cpio.gz"), "initramfs not built (make linux-kit)")
    r = ctx.qemu(["-kernel", mica, "-append", MICA_ARGS,
                  "-initrd", f"{kernel} console=hvc0 mica_run=userland,{initrd}"],
                 cpu="max,-smap", extra=MEM)
    check_userland(ctx, r)
    ctx.check(not kernel_trouble(r), f"kernel trouble: {kernel_trouble(r)[:3]} (log: {r.log})")
    ctx.expect_rc(r, 0)


@case("linux/dom0-2vcpus", timeout=300)
def _(ctx):
    """dom0 gets a vCPU per CPU: Linux brings up the second with
    VCPUOP_initialise/up and runs the userland check on both."""
    mica = ctx.need(ctx.path("mica"), "hypervisor not built")
    r = boot(ctx, mica, MICA_ARGS, "mica_run=userland", smp=2, timeout=300)
    check_userland(ctx, r)
    ctx.expect_lines(r, r"smp: Brought up 1 node, 2 CPUs", r"^check cpuinfo: ok \(2 cpus\)")
    ctx.check(not kernel_trouble(r), f"kernel trouble: {kernel_trouble(r)[:3]} (log: {r.log})")
    ctx.expect_rc(r, 0)


def dmesg_lines(r):
    """Kernel lines without timestamps, numbers normalised."""
    out = set()
    for _, t in r.lines:
        m = re.match(r"^\[\s*[0-9.]+\] (.*)$", t)
        if m:
            out.add(re.sub(r"[0-9]+", "N", re.sub(r"[0-9a-f]{8,}", "X", m.group(1))))
    return out


def boot_both(ctx, script):
    """The same kernel and script on real Xen (stopped when /init is done:
    Xen halts rather than powering off) and on Mica: (xen run, mica run)."""
    mica = ctx.need(ctx.path("mica"), "hypervisor not built")
    xen = ctx.need(ctx.path("xen-ref", "xen"), "reference Xen not fetched (make xen-ref)")
    rx = boot(ctx, xen, MICA_ARGS + " noreboot", f"mica_run={script}", tag="xen",
              stop=r"^mica-linux: powering off|Kernel panic")
    rm = boot(ctx, mica, MICA_ARGS, f"mica_run={script}", tag="mica")
    return rx, rm


@case("linux/dom0-dmesg-vs-xen", timeout=300)
def _(ctx):
    rx, rm = boot_both(ctx, "boot-only")
    ctx.expect_lines(rx, READY)
    ctx.expect_lines(rm, READY)
    xen_lines = dmesg_lines(rx)
    only_mica = sorted(l for l in dmesg_lines(rm) - xen_lines)
    bad = [l for l in only_mica if TROUBLE.search(l)]
    ctx.check(not bad, f"kernel trouble only on Mica: {bad[:3]} (log: {rm.log})")
    # Other differences are listed, not failed: see the closing notes of issue 5.
    for l in only_mica:
        if re.search(r"fail|error|Failed|Error", l):
            ctx.note("only on Mica: " + l)
    ctx.expect_rc(rm, 0)


# Physical interrupts (PIRQs): tests/linux/scripts/irqs prints /proc/interrupts
# and checks the legacy devices (ACPI SCI, RTC, i8042) got theirs. Mica's
# xen-pirq lines must be Xen's (irq, type, name), and none of the messages
# Linux prints when a hypervisor refuses PHYSDEVOP_* may appear.
PIRQ_REFUSED = re.compile(r"xen map irq failed|Failed to setup GSI|SCI \(ACPI GSI \d+\) not registered|"
                          r"probe of \S+ failed with error -38|Failed to add - passthrough")


def pirq_lines(r):
    """/proc/interrupts' xen-pirq lines as (irq, type, name), counts left out."""
    out = set()
    for _, t in r.lines:
        m = re.match(r"^\s*(\d+):(?:\s+\d+)+\s+xen-pirq\s+(\S+)\s+(.*)$", t)
        if m:
            out.add((int(m.group(1)), m.group(2), m.group(3).strip()))
    return out


@case("linux/dom0-pirqs-vs-xen", timeout=300)
def _(ctx):
    rx, rm = boot_both(ctx, "irqs")
    ctx.expect_lines(rx, r"^irqs: 0 failed$")
    ctx.expect_lines(rm, r"^irqs: 0 failed$", r"^mica-linux: powering off")
    refused = [t for _, t in rm.lines if PIRQ_REFUSED.search(t)]
    ctx.check(not refused, f"PHYSDEVOP refusals on Mica: {refused[:3]} (log: {rm.log})")
    px, pm = pirq_lines(rx), pirq_lines(rm)
    ctx.check(px and pm == px, f"xen-pirq lines: Xen {sorted(px)}, Mica {sorted(pm)} (log: {rm.log})")
    ctx.check(not kernel_trouble(rm), f"kernel trouble: {kernel_trouble(rm)[:3]} (log: {rm.log})")
    ctx.expect_rc(rm, 0)


# The same kernel built as an unprivileged domain (Mica's dom0_unprivileged):
# no SIF_PRIVILEGED|SIF_INITDOMAIN, its console the start_info ring that Mica
# serves on the serial line (guest lines unprefixed, as dom0's), no XenStore.
DOMU_ARGS = MICA_ARGS + " dom0_unprivileged"


@case("linux/domu-userland", timeout=240)
def _(ctx):
    mica = ctx.need(ctx.path("mica"), "hypervisor not built")
    r = boot(ctx, mica, DOMU_ARGS, "mica_run=userland")
    ctx.expect_lines(r, r"^\(MICA\) dom0: unprivileged", r"ACPI in unprivileged domain disabled")
    check_userland(ctx, r)
    ctx.check(not kernel_trouble(r), f"kernel trouble: {kernel_trouble(r)[:3]} (log: {r.log})")
    ctx.expect_rc(r, 0)
    ready = r.first(READY)
    if ready is not None:
        ctx.note(f"ready line {ready:.1f} s after QEMU started")


def shell_input_case(ctx, hv_args, word):
    """Boot to the interactive shell (no mica_run=), type a command on the
    serial line and expect the shell's answer. The echo of the typed line
    shows $((6*7)); only the shell's output says 42."""
    mica = ctx.need(ctx.path("mica"), "hypervisor not built")
    kernel = ctx.need(ctx.path("linux", "vmlinuz"), "Linux guest kit not fetched (make linux-kit)")
    initrd = ctx.need(ctx.path("linux", "initrd.cpio.gz"), "initramfs not built (make linux-kit)")
    r = ctx.qemu(["-kernel", mica, "-append", hv_args,
                  "-initrd", f"{kernel} console=hvc0,{initrd}"], cpu="max,-smap", extra=MEM,
                 answers=[(READY, f"echo {word}-$((6*7)); exit\r")])
    ctx.expect_lines(r, READY, rf"^{word}-42$", r"^mica-linux: powering off")
    ctx.check(not kernel_trouble(r), f"kernel trouble: {kernel_trouble(r)[:3]} (log: {r.log})")
    ctx.expect_rc(r, 0)


@case("linux/domu-hvc0-input", timeout=240)
def _(ctx):
    """hvc0 with no dom0: the console ring Mica serves takes serial input."""
    shell_input_case(ctx, DOMU_ARGS, "hvc0-input")


@case("linux/dom0-hvc0-input", timeout=240)
def _(ctx):
    """dom0's hvc0 (console_io): typed input is announced with VIRQ_CONSOLE
    and read with CONSOLEIO_read, so the shell works interactively."""
    shell_input_case(ctx, MICA_ARGS, "dom0-input")


def section(r, start):
    """The lines between `start` and the next "---" line."""
    out, inside = [], False
    for _, t in r.lines:
        if t == start:
            inside = True
        elif inside and t == "---":
            break
        elif inside:
            out.append(t)
    return out


@case("linux/dom0-xenstore-vs-xen", timeout=420)
def _(ctx):
    """The dom0 image (make dom0-image): /init starts mica-xenstored and
    mica-xenconsoled; Debian's xenstore-utils write, read, list, watch and
    remove over the daemon's socket and over /dev/xen/xenbus (dom0's own
    ring, which the daemon serves and the kernel's xenbus then uses). Same
    checks and the same tree (incl. what dom0's kernel wrote) on real Xen."""
    image = ctx.need(ctx.path("linux", "dom0-initrd.cpio.gz"), "dom0 image not built (make dom0-image)")
    mica = ctx.need(ctx.path("mica"), "hypervisor not built")
    xen = ctx.need(ctx.path("xen-ref", "xen"), "reference Xen not fetched (make xen-ref)")
    rx = boot(ctx, xen, MICA_ARGS + " noreboot", "mica_run=xenstore", tag="xen",
              stop=r"^mica-linux: powering off|Kernel panic", initrd=image)
    rm = boot(ctx, mica, MICA_ARGS, "mica_run=xenstore", tag="mica", initrd=image)
    ctx.expect_lines(rx, r"^mica-linux: xenstored started", r"^xenstore: 0 failed$")
    ctx.expect_lines(rm, r"^mica-linux: xenstored started", r"^mica-linux: xenconsoled started",
                     r"^xenstore: 0 failed$", r"^mica-linux: powering off")
    for _, t in rm.lines:
        if t.startswith("check ") and ": FAIL" in t:
            ctx.note("mica: " + t)
    tx, tm = section(rx, "--- tree"), section(rm, "--- tree")
    ctx.check(tm and tm == tx, f"xenstore-ls differs: Xen {tx}, Mica {tm} (log: {rm.log})")
    ctx.check(not kernel_trouble(rm), f"kernel trouble: {kernel_trouble(rm)[:3]} (log: {rm.log})")
    ctx.expect_rc(rm, 0)


@case("linux/xl-lifecycle", timeout=900)
def _(ctx):
    """xl-lite in a 2-vCPU dom0 (tests/linux/scripts/xl-lifecycle): three
    domUs listed in xl's columns, a command run through `xl-lite console`,
    pause/unpause, a domU that crashes itself while dom0 and the others run
    on, reboot with on_reboot=restart, shutdown -w, destroy watched through
    Debian's xenstore-watch, then 100 create/destroy cycles. Mica logs the
    heap's free-page count before each domain is created and after each is
    released; the first count of the cycles must equal the last one."""
    image = ctx.need(ctx.path("linux", "dom0-initrd.cpio.gz"), "dom0 image not built (make dom0-image)")
    mica = ctx.need(ctx.path("mica"), "hypervisor not built")
    r = boot(ctx, mica, MICA_ARGS, "mica_run=xl-lifecycle", smp=2, initrd=image, timeout=840)
    ctx.expect_lines(r, r"^mica-linux: xenstored started", r"^xl-lifecycle: cycles end",
                     r"^xl-lifecycle: 0 failed$", r"^mica-linux: powering off")
    for _, t in r.lines:
        if t.startswith("check ") and ": FAIL" in t:
            ctx.note(t)
    created, released, inside = [], [], False
    for _, t in r.lines:
        if "xl-lifecycle: cycles start" in t:
            inside = True
        elif "xl-lifecycle: cycles end" in t:
            break
        elif inside:
            m = re.search(r"d\d+: created by d0 \(\d+ vCPUs?, free pages before: (\d+)\)", t)
            if m:
                created.append(int(m.group(1)))
            m = re.search(r"d\d+: all resources released \(free pages: (\d+)\)", t)
            if m:
                released.append(int(m.group(1)))
    # xl's own `list` (tests/xlref/expected/list.txt, captured on real Xen
    # by make xl-ref XLREF_ARGS=--save) is the oracle for the layout: the
    # same header, and dom0's row with every column ending where xl's does.
    want = open(os.path.join(ROOT, "tests", "xlref", "expected", "list.txt")).read().splitlines()
    got = section(r, "--- xl-lite list")
    ctx.check(got and got[0] == want[0], f"list header {got[:1]!r}, xl's {want[0]!r}")
    ends = lambda line: [m.end() for m in re.finditer(r"\S+", line)]
    row = next((t for t in got if t.startswith("Domain-0 ")), "")
    ctx.check(ends(row) == ends(want[1]), f"dom0 row {row!r} is not laid out as xl's {want[1]!r}")
    ctx.check(len(created) == 100 and len(released) == 100,
              f"cycles: {len(created)} creations, {len(released)} releases logged (log: {r.log})")
    if created and released:
        ctx.note(f"free pages: {created[0]} before the first cycle, {released[-1]} after the last")
        ctx.check(created[0] == released[-1],
                  f"free pages {created[0]} before the cycles, {released[-1]} after (log: {r.log})")
    ctx.check(not kernel_trouble(r), f"kernel trouble: {kernel_trouble(r)[:3]} (log: {r.log})")
    ctx.expect_rc(r, 0)
