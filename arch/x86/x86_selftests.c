/* SPDX-License-Identifier: GPL-2.0-only */
/* Self-tests of the x86 foundation: fixups, time, timer interrupts. */
#include <asm/extable.h>
#include <asm/x86.h>
#include <mica/selftest.h>
#include <mica/time.h>

static const char *test_extable(void)
{
    uint64_t v = 0x1234, here = 42;
    /* An unmapped address (#PF) and a non-canonical one (#GP). */
    if (read_u64_safe((void *)0x1000, &v) != -1 || v != 0)
        return "reading an unmapped address did not fault to its fixup";
    if (read_u64_safe((void *)0x8000000000000000ULL, &v) != -1)
        return "reading a non-canonical address did not fault to its fixup";
    if (read_u64_safe(&here, &v) != 0 || v != 42)
        return "reading a mapped address through the fixup path failed";
    /* (TCG returns 0 for unknown MSRs instead of #GP, so only a known one here.) */
    if (rdmsr_safe(MSR_EFER, &v) != 0 || !(v & (1ULL << 8)))
        return "reading EFER failed or long mode is not set in it";
    return NULL;
}
SELFTEST(test_extable);

static const char *test_time(void)
{
    uint64_t t0 = now_ns();
    udelay(2000);
    uint64_t dt = now_ns() - t0;
    if (dt < 2000000 || dt > 50000000)
        return "a 2 ms delay did not measure as 2-50 ms";
    return NULL;
}
SELFTEST(test_time);

static const char *test_timer_interrupts(void)
{
    if (!(read_rflags() & X86_EFLAGS_IF))
        return "interrupts are off";
    uint64_t start = timer_ticks();
    uint64_t deadline = now_ns() + 2000000000ULL;   /* 2 s, generous for TCG */
    while (timer_ticks() < start + 3) {
        if (now_ns() > deadline)
            return "fewer than 3 timer interrupts in 2 s";
        halt();
    }
    return NULL;
}
SELFTEST(test_timer_interrupts);
