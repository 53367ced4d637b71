/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The console ring of an unprivileged boot domain, served on the serial
 * console (see include/mica/console_ring.h).
 *
 * A domain built without SIF_INITDOMAIN gets -EPERM from console_io, so
 * Linux's hvc_xen uses the ring named in start_info.console.domU, which on
 * Xen the toolstack sets up and xenconsoled serves. With no dom0 there is
 * neither, so Mica serves the ring itself, as Xen's PV shim does for its
 * guest (xen/drivers/char/consoled.c); its event channel's other end is a
 * port of Mica's (common/hv_evtchn.c).
 *
 *  - Output: the guest writes `out` and notifies; Mica takes all of it
 *    and prints it unprefixed, the way it prints dom0's console_io output
 *    (Mica's own lines carry "(MICA) ", so the two stay apart). No event is
 *    sent back for consumed output (xenconsoled sends one): Linux's writer
 *    never waits for it, and it would cost the guest an interrupt per line.
 *  - Input: bytes arriving on the serial line go into `in`, then the guest
 *    is notified. Mica drives the UART without interrupts, so the line is
 *    polled: by the 10 ms housekeeping tick on CPU 0 (common/timer.c keeps
 *    that tick running while the CPU idles, as long as a ring is served),
 *    and each time the guest notifies. A byte is only taken from the UART
 *    when the ring has room for it.
 *
 * The tick runs in interrupt context, where the interrupted code on this
 * CPU may hold the guest's event lock: it gives up when that lock is taken
 * and tries at the next tick (hv_evtchn.h). Input state is under an
 * interrupt-safe lock; output has its own lock, taken only in hypercall
 * context, so printing a full ring does not keep interrupts off.
 *
 * The page is an ordinary frame of the guest's (Xen's layout: right after
 * start_info in the initial mapping), held by Mica with a general and a
 * writable-type reference, so the guest can neither give it away nor make
 * it a page table while it is served.
 */
#include <public/xen.h>
#include <mica/console.h>
#include <mica/console_backend.h>
#include <mica/console_ring.h>
#include <mica/domain.h>
#include <mica/hv_evtchn.h>
#include <mica/mm.h>
#include <mica/serial.h>
#include <mica/spinlock.h>
#include <mica/string.h>

static struct {
    struct domain *d;           /* set last: non-NULL means served */
    struct cons_backend be;
    uint32_t hv_port;           /* Mica's end of the channel */
    spinlock_t in_lock;         /* input: interrupts off while held */
    spinlock_t out_lock;        /* output: hypercall context only */
    bool corrupt_reported;
} cr = { .in_lock = SPINLOCK_INIT, .out_lock = SPINLOCK_INIT };

static void report_corrupt(const char *which)
{
    if (!__atomic_exchange_n(&cr.corrupt_reported, true, __ATOMIC_RELAXED))
        pr_warn("d%u: console ring %s indices invalid: ring ignored until they are\n",
                cr.d->domain_id, which);
}

static int serial_source(void *ctx)
{
    (void)ctx;
    return serial_getc();
}

/* Serial input into the ring; notify if any went in. Takes the guest's event lock. */
static void feed_input(void)
{
    bool corrupt;
    unsigned long flags = spin_lock_irqsave(&cr.in_lock);
    size_t n = cons_backend_feed(&cr.be, serial_source, NULL, &corrupt);
    spin_unlock_irqrestore(&cr.in_lock, flags);
    if (corrupt)
        report_corrupt("input");
    if (n)
        hv_evtchn_notify(cr.hv_port);
}

static void print_output(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    console_guest_write(s, n);
}

/* The guest notified (after its EVTCHNOP_send, no event lock held). */
static void ring_event(void *arg)
{
    bool corrupt;
    (void)arg;
    spin_lock(&cr.out_lock);
    cons_backend_drain(&cr.be, print_output, NULL, &corrupt);
    spin_unlock(&cr.out_lock);
    if (corrupt)
        report_corrupt("output");
    feed_input();
}

int console_ring_attach(struct domain *d, mfn_t mfn, uint32_t *port)
{
    if (cr.d || !mfn_valid(mfn) || !get_page_and_type(mfn_to_page(mfn), d->domain_id, PGT_WRITABLE))
        return -1;
    memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
    cons_backend_init(&cr.be, mfn_to_virt(mfn));
    if (hv_evtchn_connect(d, ring_event, NULL, port, &cr.hv_port)) {
        put_page_and_type(mfn_to_page(mfn));
        return -1;
    }
    __atomic_store_n(&cr.d, d, __ATOMIC_RELEASE);
    return 0;
}

bool console_ring_polls(unsigned int cpu)
{
    return cpu == 0 && __atomic_load_n(&cr.d, __ATOMIC_ACQUIRE);
}

void console_ring_tick(void)
{
    struct domain *d = __atomic_load_n(&cr.d, __ATOMIC_ACQUIRE);

    if (!d || d->is_dying || d->is_shutting_down)
        return;
    /* This CPU may have been interrupted holding it: the next tick will do. */
    if (spin_is_locked(&d->event_lock))
        return;
    feed_input();
}
