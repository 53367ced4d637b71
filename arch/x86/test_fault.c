/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_fault=<kind>: fault on purpose after the self-tests, so the crash
 * dump and the failure exit are tested. Compiled only into test builds
 * (MICA_TEST_HOOKS, the default; `make MICA_TEST_BUILD=0` leaves it out).
 *   pf     write to an unmapped address       ud     undefined instruction
 *   de     divide by zero                     gp     non-canonical access
 *   stack  overflow the stack into its guard page (-> #DF on its IST stack)
 *   panic  call panic()
 *   cpu1-<kind>  any of these on CPU 1 (smp_call_function), which must
 *          then stop the other CPUs and report which CPU failed
 */
#include <mica/console.h>
#include <mica/panic.h>
#include <mica/param.h>
#include <mica/smp.h>
#include <mica/string.h>

#ifdef MICA_TEST_HOOKS
static char opt_test_fault[16];
string_param("test_fault", opt_test_fault);

static volatile unsigned recursion_sink;

/* Recurses until recursion_sink changes, which it never does. */
static unsigned __attribute__((noinline)) recurse_forever(unsigned depth)
{
    volatile char pad[512];
    pad[0] = (char)depth;
    if (recursion_sink == 0xdead)
        return pad[0];
    return recurse_forever(depth + 1) + pad[0];
}

static void __attribute__((noinline)) do_test_fault(const char *kind);

static void fault_on_this_cpu(void *kind)
{
    do_test_fault(kind);
}

static void __attribute__((noinline)) do_test_fault(const char *kind)
{
    volatile unsigned zero = 0;

    if (!strncmp(kind, "cpu1-", 5)) {
        smp_call_function(1, fault_on_this_cpu, (void *)(kind + 5), true);
        pr_err("test_fault=%s: CPU 1 is not online or did not fault\n", kind);
        return;
    }
    if (!strcmp(kind, "pf"))
        *(volatile uint64_t *)0xbad000 = 1;
    else if (!strcmp(kind, "ud"))
        __asm__ volatile("ud2");
    else if (!strcmp(kind, "de")) {
        /* An explicit div: the compiler turns "1 / x" into "x == 1". */
        unsigned long q = 1, r = 0;
        __asm__ volatile("divq %2" : "+a"(q), "+d"(r) : "r"((unsigned long)zero));
        recursion_sink = (unsigned)q;
    }
    else if (!strcmp(kind, "gp"))
        *(volatile uint64_t *)0x8000000000000000ULL = 1;
    else if (!strcmp(kind, "stack"))
        recurse_forever(0);
    else if (!strcmp(kind, "panic"))
        panic("test_fault=panic requested");
    pr_err("test_fault=%s: unknown kind or it did not fault\n", kind);
}

void maybe_test_fault(void)
{
    if (opt_test_fault[0]) {
        printk("test_fault: triggering '%s'\n", opt_test_fault);
        do_test_fault(opt_test_fault);
    }
}
#else
void maybe_test_fault(void) { }
#endif
