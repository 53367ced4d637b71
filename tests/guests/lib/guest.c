/* SPDX-License-Identifier: GPL-2.0-only */
/* Runtime of the PV test guests; see guest.h. */
#include "guest.h"
#include <public/sched.h>

void *guest_start_info;
static unsigned failures;

long hypercall5(unsigned nr, unsigned long a1, unsigned long a2, unsigned long a3,
                unsigned long a4, unsigned long a5)
{
    long ret;
    register unsigned long rdx __asm__("rdx") = a3;
    register unsigned long r10 __asm__("r10") = a4;
    register unsigned long r8 __asm__("r8") = a5;
    /* The hypercall page stubs preserve %rcx/%r11; treat args as clobbered. */
    __asm__ volatile("call *%[stub]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+r"(rdx), "+r"(r10), "+r"(r8)
                     : [stub] "r"(hypercall_page + nr * 32)
                     : "rcx", "r11", "r9", "memory");
    return ret;
}

long hypercall3(unsigned nr, unsigned long a1, unsigned long a2, unsigned long a3)
{
    return hypercall5(nr, a1, a2, a3, 0, 0);
}

long hypercall2(unsigned nr, unsigned long a1, unsigned long a2)
{
    return hypercall5(nr, a1, a2, 0, 0, 0);
}

static void console_write(const char *s, size_t n)
{
    hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, n, (unsigned long)s);
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

unsigned failure_count(void)
{
    return failures;
}

const char *strstr(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (!strncmp(hay, needle, n))
            return hay;
    return n ? NULL : hay;
}

void finish(void)
{
    printk("Test result: %s\n", failures ? "FAILURE" : "SUCCESS");
    struct sched_shutdown sd = { SHUTDOWN_poweroff };
    for (;;)
        hypercall2(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&sd);
}

void guest_main(void *start_info)
{
    guest_start_info = start_info;
    printk("--- Mica test guest: %s ---\n", test_title);
    test_main();
    finish();
}
