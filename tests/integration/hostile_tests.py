# SPDX-License-Identifier: GPL-2.0-only
"""Hostile guests: each tries to hurt the hypervisor. The guest may die;
Mica must not: it reports the domain's crash in its own words and exits
with the dom0-crash status (5), never with a hypervisor crash dump."""

EXIT_DOM0_CRASH = 5     # isa-debug-exit: (2 << 1) | 1


@case("hostile/bad-iret-frame")
def _(ctx):
    mica = ctx.need(ctx.path("mica"), "hypervisor not built")
    elf = ctx.need(ctx.path("guests", "badiret.elf"), "guest not built")
    r = ctx.qemu(["-kernel", mica, "-append", "console=com1 dom0_mem=64M", "-initrd", elf],
                 cpu="max,-smap")
    ctx.expect_rc(r, EXIT_DOM0_CRASH)
    ctx.expect_lines(r, r"^iret with cs 0x13 now$",
                     r"\(MICA\) d0: cannot return to the guest: rip [0-9a-f]+ cs 0013",
                     r"\(MICA\) d0 crashed: bad selector or address in its return frame")
    ctx.check("Mica crash" not in r.text and "Panic on CPU" not in r.text,
              f"the hypervisor itself crashed (log: {r.log})")
    ctx.check("FAIL: iret" not in r.text, "the bad frame was accepted")
