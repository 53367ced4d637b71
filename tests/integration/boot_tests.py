# SPDX-License-Identifier: GPL-2.0-only
"""Foundation boots: Mica via QEMU -kernel (multiboot1) and GRUB (multiboot2),
memory map and module list, self-test verdict, options, clean power-off and
crash dumps with their exit status. `case` and `Skip` come from run.py."""

BANNER = r"^\(MICA\) Mica \d+\.\d+\S*: a Xen-compatible PV hypervisor"
READY = r"^\(MICA\) Ready to build dom0"
EXIT_PANIC = 3      # isa-debug-exit: (1 << 1) | 1


def mica_args(ctx, append, modules=None):
    args = ["-kernel", ctx.need(ctx.path("mica"), "hypervisor not built"), "-append", append]
    if modules:
        args += ["-initrd", modules]
    return args


def boot_ready(ctx, cpu, mem="1024", smp=1, options=""):
    hello = ctx.need(ctx.path("guests", "hello.elf"), "test guest not built")
    r = ctx.qemu(mica_args(ctx, f"console=com1 {options}".strip(),
                           f"{hello} console=hvc0 earlyprintk=xen,{hello}"),
                 cpu=cpu, extra=["-m", mem, "-smp", str(smp)])
    ctx.expect_rc(r, 0)
    ctx.expect_lines(r, BANNER,
                     r"^\(MICA\) boot: multiboot from qemu$",
                     r"^\(MICA\) Memory map \(\d+ regions\):",
                     r"^\(MICA\)  0000000000100000 - [0-9a-f]{16} \(RAM\)",
                     r"^\(MICA\) Modules: 2$",
                     r"^\(MICA\)  module 0: .* '.*hello\.elf console=hvc0 earlyprintk=xen'$",
                     r"^\(MICA\) self-test: PASS \(\d+ checks\)",
                     r"^\(MICA\) dom0 kernel: module 0, ELF64 x86-64, \d+ KiB, command line 'console=hvc0 earlyprintk=xen'",
                     r"^\(MICA\) dom0 initrd: module 1",
                     READY,
                     r"^\(MICA\) dom0: kernel 'Mica-test' \(loader generic, xen-3\.0\)",
                     r"^\(MICA\) Starting dom0",
                     r"^start_info magic: xen-3\.0-x86_64$",
                     r"^Test result: SUCCESS$",
                     r"^\(MICA\) d0: shut down \(poweroff\)",
                     r"^\(MICA\) power: powering off")
    ctx.check("(MICA) Panic" not in r.text and "WARN" not in r.text, "unexpected panic or warning")
    t = r.first(READY)
    if t is not None:
        ctx.note(f"QEMU start to ready: {t:.2f} s")
    return r


@case("boot/kernel-qemu64")
def _(ctx):
    boot_ready(ctx, "qemu64")


@case("boot/kernel-max")
def _(ctx):
    boot_ready(ctx, "max")


@case("boot/high-memory-6G")
def _(ctx):
    # RAM above 4 GiB: QEMU keeps 3 GiB below the PCI hole and puts the rest
    # at 0x100000000; the direct map, frame table and heap must cover it.
    r = boot_ready(ctx, "qemu64", mem="6144")
    ctx.expect_lines(r, r"^\(MICA\)  0000000100000000 - 00000001c0000000 \(RAM\)",
                     r"^\(MICA\) mm: 6143 MiB RAM")


# SMP: every CPU QEMU gives is found in the MADT, started, and answers IPIs
# (the boot self-test calls a function on each and wakes each); dom0 still
# runs on CPU 0 alone.
def boot_smp(ctx, cpu, smp, online=None, options=""):
    online = smp if online is None else online
    r = boot_ready(ctx, cpu, smp=smp, options=options)
    ctx.expect_lines(r, *[rf"^\(MICA\) ACPI: LAPIC \(acpi_id\[0x0{i}\] lapic_id\[0x0{i}\] enabled\)$"
                          for i in range(smp)])
    ctx.expect_lines(r, *[rf"^\(MICA\) cpu{i}: up \(apic id {i}\)$" for i in range(1, online)])
    ctx.expect_lines(r, rf"^\(MICA\) smp: {online} CPUs? online$")
    ctx.check(f"cpu{online}: up" not in r.text, f"more than {online} CPUs were started")
    ctx.check("did not respond" not in r.text and "not accepted" not in r.text,
              "a CPU failed to start")
    t = r.first(r"smp: \d+ CPUs? online")
    if t is not None:
        ctx.note(f"QEMU start to all CPUs online: {t:.2f} s")
    return r


@case("smp/4-cpus-qemu64")
def _(ctx):
    boot_smp(ctx, "qemu64", 4)


@case("smp/4-cpus-max")
def _(ctx):
    boot_smp(ctx, "max", 4)


@case("smp/2-cpus")
def _(ctx):
    boot_smp(ctx, "qemu64", 2)


@case("smp/maxcpus-2-of-4")
def _(ctx):
    r = boot_smp(ctx, "qemu64", 4, online=2, options="maxcpus=2")
    ctx.expect_lines(r, r"smp: 2 more CPU\(s\) not used: at most 2 \(maxcpus=\)")


@case("smp/nosmp")
def _(ctx):
    r = boot_smp(ctx, "qemu64", 4, online=1, options="nosmp")
    ctx.expect_lines(r, r"smp: 3 more CPU\(s\) not used: at most 1 \(nosmp\)")


@case("boot/no-module-powers-off")
def _(ctx):
    r = ctx.qemu(mica_args(ctx, "console=com1"))
    ctx.expect_rc(r, 0)
    ctx.expect_lines(r, BANNER, r"^\(MICA\) Modules: 0$", r"No dom0 kernel: give it as module 0")


@case("boot/options")
def _(ctx):
    r = ctx.qemu(mica_args(ctx, "console=com1,vga com1=38400,8n1,0x3f8,4 loglvl=info/warning "
                                "bogus_option=1 dom0_mem=512M"))
    ctx.expect_rc(r, 0)
    ctx.expect_lines(r, r"console: 16550 at I/O 0x3f8, 38400 baud",
                     r"console: vga requested; Mica has no VGA console",
                     r"command line: unknown option 'bogus_option=1' ignored")


@case("boot/loglvl-warning-hides-info")
def _(ctx):
    r = ctx.qemu(mica_args(ctx, "console=com1 loglvl=warning"))
    ctx.expect_rc(r, 0)
    ctx.expect_lines(r, BANNER, r"No dom0 kernel")
    ctx.check("Memory map" not in r.text, "an info line was printed at loglvl=warning")


@case("boot/bad-com1-option")
def _(ctx):
    r = ctx.qemu(mica_args(ctx, "console=com1 com1=fast"))
    ctx.expect_rc(r, 0)
    ctx.expect_lines(r, r"command line: bad value for option 'com1=fast' ignored")


FAULTS = {
    "pf": [r"#PF page fault \(vector 14\)", r"Page fault: write, supervisor mode, page not present",
           r"Page walk of 0000000000bad000", r"do_test_fault"],
    "ud": [r"#UD invalid opcode \(vector 6\)", r"do_test_fault"],
    "de": [r"#DE divide error \(vector 0\)", r"do_test_fault"],
    "gp": [r"#GP general protection \(vector 13\)", r"do_test_fault"],
    "stack": [r"#DF double fault \(vector 8\)", r"stack overflow into the guard page", r"recurse_forever"],
    "panic": [r"Panic on CPU 0: test_fault=panic requested", r"Call trace:", r"start_mica\+"],
}

for kind, patterns in FAULTS.items():
    def make(kind=kind, patterns=patterns):
        @case(f"crash/{kind}")
        def _(ctx):
            r = ctx.qemu(mica_args(ctx, f"console=com1 test_fault={kind}"))
            ctx.expect_rc(r, EXIT_PANIC)
            ctx.expect_lines(r, r"test_fault: triggering", *patterns)
            if kind != "panic":
                ctx.expect_lines(r, r"^\(MICA\) RIP:    e008:\[<ffff82d04[0-9a-f]+>\] \w",
                                 r"^\(MICA\) rax: [0-9a-f]{16}", r"^\(MICA\) cr3: ", r"Call trace:",
                                 r"Panic on CPU 0: fatal trap")
    make()


# A crash on a secondary CPU: that CPU reports (and says so), the others are
# stopped by NMI first, and QEMU still exits with the failure status.
@case("crash/cpu1-panic-smp2")
def _(ctx):
    r = ctx.qemu(mica_args(ctx, "console=com1 test_fault=cpu1-panic"), extra=["-smp", "2"])
    ctx.expect_rc(r, EXIT_PANIC)
    ctx.expect_lines(r, r"^\(MICA\) smp: 2 CPUs online$",
                     r"^\(MICA\) smp: CPU 1 crashing; stopped 1 of 1 other CPUs$",
                     r"^\(MICA\) Panic on CPU 1: test_fault=panic requested$",
                     r"Call trace:", r"sched_idle\+")   # CPU 1 was idle in the scheduler


@case("crash/cpu1-ud-smp4")
def _(ctx):
    r = ctx.qemu(mica_args(ctx, "console=com1 test_fault=cpu1-ud"), extra=["-smp", "4"])
    ctx.expect_rc(r, EXIT_PANIC)
    ctx.expect_lines(r, r"^\(MICA\) smp: CPU 1 crashing; stopped 3 of 3 other CPUs$",
                     r"#UD invalid opcode \(vector 6\)", r"^\(MICA\) CPU:    1$",
                     r"^\(MICA\) Panic on CPU 1: fatal trap 6")


@case("crash/noreboot-without-debug-exit-halts", timeout=40)
def _(ctx):
    # With debug_exit_port=0 and noreboot the machine must halt, not exit 0:
    # the run ends on the halt line (QEMU is then stopped by the runner).
    r = ctx.qemu(mica_args(ctx, "console=com1 test_fault=ud debug_exit_port=0 noreboot"),
                 stop=r"noreboot: halting")
    ctx.check(r.stopped_on is not None, "did not report halting")
    ctx.check(r.rc is None, f"QEMU exited ({r.rc}) although Mica should have halted")


@case("boot/grub-iso-multiboot2", timeout=120)
def _(ctx):
    iso = ctx.need(ctx.path("mica.iso"), "ISO not built (make iso)")
    r = ctx.qemu(["-cdrom", iso, "-boot", "d"], timeout=120)
    ctx.expect_rc(r, 0)
    ctx.expect_lines(r, BANNER, r"^\(MICA\) boot: multiboot2 from GRUB 2",
                     r"^\(MICA\) Command line: console=com1 loglvl=info$",
                     r"^\(MICA\) Memory map",
                     r"^\(MICA\)  module 0: .* 'console=hvc0 grub_test=1'$",
                     r"^\(MICA\) self-test: PASS",
                     r"dom0 kernel: module 0, ELF64 x86-64, \d+ KiB, command line 'console=hvc0 grub_test=1'",
                     r"dom0 initrd: module 1", READY, r"^Test result: SUCCESS$")
    t = r.first(READY)
    if t is not None:
        ctx.note(f"QEMU start to ready via GRUB: {t:.2f} s")


@case("oracle/xen-boots-hello-guest", timeout=90)
def _(ctx):
    # The test-guest runtime is itself checked against real Xen 4.17: if Xen
    # cannot run our hello guest, guest tests would prove nothing.
    xen = ctx.need(ctx.path("xen-ref", "xen"), "reference Xen not fetched (make xen-ref)")
    hello = ctx.need(ctx.path("guests", "hello.elf"), "test guest not built")
    r = ctx.qemu(["-kernel", xen, "-append", "console=com1 dom0_mem=64M noreboot",
                  "-initrd", hello], cpu="max,-smap", stop=r"^Test result: ", timeout=90)
    ctx.expect_lines(r, r"^start_info magic: xen-3\.0-x86_64$", r"^Test result: SUCCESS$")
    t = r.first(r"^Test result: ")
    if t is not None:
        ctx.note(f"Xen: QEMU start to guest verdict {t:.2f} s")
