/* SPDX-License-Identifier: GPL-2.0-only */
/* Runtime of the PV test guests; see guest.h. */
#include "guest.h"

#define HYPERVISOR_console_io  18
#define HYPERVISOR_sched_op    29
#define CONSOLEIO_write        0
#define SCHEDOP_shutdown       2
#define SHUTDOWN_poweroff      0

void *guest_start_info;
static unsigned failures;

long hypercall3(unsigned nr, unsigned long a1, unsigned long a2, unsigned long a3)
{
    long ret;
    register unsigned long rdx __asm__("rdx") = a3;
    __asm__ volatile("call *%[stub]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+r"(rdx)
                     : [stub] "r"(hypercall_page + nr * 32)
                     : "rcx", "r11", "r8", "r9", "r10", "memory");
    return ret;
}

long hypercall2(unsigned nr, unsigned long a1, unsigned long a2)
{
    return hypercall3(nr, a1, a2, 0);
}

static void console_write(const char *s, size_t n)
{
    hypercall3(HYPERVISOR_console_io, CONSOLEIO_write, n, (unsigned long)s);
}

void printk(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void fail(const char *fmt, ...)
{
    char buf[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk("FAIL: %s\n", buf);
    failures++;
}

void finish(void)
{
    printk("Test result: %s\n", failures ? "FAILURE" : "SUCCESS");
    struct { unsigned int reason; } sd = { SHUTDOWN_poweroff };
    for (;;)
        hypercall2(HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&sd);
}

void guest_main(void *start_info)
{
    guest_start_info = start_info;
    printk("--- Mica test guest: %s ---\n", test_title);
    test_main();
    finish();
}
