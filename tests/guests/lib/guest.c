/* SPDX-License-Identifier: GPL-2.0-only */
/* Runtime of the PV test guests; see guest.h. */
#include "guest.h"
#include <public/event_channel.h>
#include <public/io/console.h>
#include <public/sched.h>
#include <public/version.h>

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

/*
 * The initial domain writes with console_io. An unprivileged one (Mica's
 * dom0_unprivileged) gets -EPERM there and writes its console ring
 * (start_info.console.domU) instead, as Linux's hvc_xen does: bytes, write
 * barrier, out_prod, then a notification; a full ring waits for the
 * backend (yield and retry).
 */
static void console_write(const char *s, size_t n)
{
    const start_info_t *si = guest_start_info;
    if (!si || (si->flags & SIF_INITDOMAIN) || !si->console.domU.evtchn) {
        hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, n, (unsigned long)s);
        return;
    }
    struct xencons_interface *r = mfn_to_virt(si->console.domU.mfn);
    struct evtchn_send send = { .port = si->console.domU.evtchn };
    while (n) {
        XENCONS_RING_IDX cons = ACCESS_ONCE(r->out_cons), prod = r->out_prod;
        size_t sent = 0;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        while (sent < n && prod - cons < sizeof(r->out))
            r->out[MASK_XENCONS_IDX(prod++, r->out)] = s[sent++];
        __atomic_thread_fence(__ATOMIC_RELEASE);
        ACCESS_ONCE(r->out_prod) = prod;
        hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (unsigned long)&send);
        if (!sent)
            hypercall2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
        s += sent;
        n -= sent;
    }
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

bool on_mica(void)
{
    char extra[16] = "";
    if (HC2(__HYPERVISOR_xen_version, XENVER_extraversion, extra))
        return false;
    extra[sizeof(extra) - 1] = '\0';
    return strstr(extra, "mica") != NULL;
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
