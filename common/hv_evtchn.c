/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels whose remote end is Mica (see include/mica/hv_evtchn.h).
 *
 * Mica's ends live in a pseudo-domain of the event core: domid DOMID_XEN,
 * one bucket of ports, one "vCPU", and a 2-level pending/mask bitmap in
 * Mica's memory instead of a shared_info page. A guest's send to one of
 * these ports goes through the core like any interdomain send: it sets the
 * port's pending bit, then the selector bit, then upcall_pending, and
 * kicks the pseudo-vCPU, which has nothing to wake. hv_evtchn_run()
 * consumes that state the way Linux's 2-level upcall handler does
 * (upcall_pending, then the selector, then each word), so an event raised
 * while it runs is seen by the next run.
 *
 * Lock order is the core's (lower domid first): every guest's event lock
 * comes before the pseudo-domain's. The pseudo-domain's lock disables
 * interrupts while held, so the console's serial poll may send from the
 * timer interrupt (with the guest's lock checked free, see the header).
 */
#include <public/xen.h>
#include <mica/domain.h>
#include <mica/hv_evtchn.h>
#include <mica/spinlock.h>
#include <mica/string.h>

#define HV_PORTS 64u    /* one bucket of the core; port 0 is reserved */

static struct evtchn_domain hv;
static struct evtchn_chan hv_chans[HV_PORTS];
static struct evtchn_vcpu hv_vcpu;
static struct evtchn_vcpu_info hv_vcpu_info;
static uint64_t hv_pending[ECORE_2L_NR_CHANNELS / 64], hv_mask[ECORE_2L_NR_CHANNELS / 64];
static spinlock_t hv_lock = SPINLOCK_INIT;
static unsigned long hv_lock_flags;
static bool hv_ready;

static struct {
    hv_evtchn_handler_t fn;
    void *arg;
} handlers[HV_PORTS];

static struct evtchn_domain *hv_get_domain(struct evtchn_domain *caller, uint16_t domid)
{
    (void)caller;
    if (domid == DOMID_XEN)
        return &hv;
    struct domain *d = domain_lookup(domid);
    return d && !d->is_dying ? &d->evtchn : NULL;
}

static void hv_put_domain(struct evtchn_domain *d) { (void)d; }

/* Mica acts on guests' ports only through the core's own checks (bind). */
static bool hv_may_control(const struct evtchn_domain *caller, const struct evtchn_domain *target)
{
    return caller == target;
}

static void hv_lock_fn(struct evtchn_domain *d)
{
    (void)d;
    unsigned long flags = spin_lock_irqsave(&hv_lock);
    hv_lock_flags = flags;
}

static void hv_unlock_fn(struct evtchn_domain *d)
{
    (void)d;
    unsigned long flags = hv_lock_flags;
    spin_unlock_irqrestore(&hv_lock, flags);
}

/* upcall_pending went 0 -> 1: hv_evtchn_run() looks at it after the send. */
static void hv_kick(struct evtchn_domain *d, uint32_t vcpu) { (void)d; (void)vcpu; }

static const struct evtchn_ops hv_ops = {
    .get_domain = hv_get_domain,
    .put_domain = hv_put_domain,
    .may_control = hv_may_control,
    .lock = hv_lock_fn,
    .unlock = hv_unlock_fn,
    .kick = hv_kick,
};

static void hv_init(void)
{
    if (hv_ready)
        return;
    evtchn_domain_init(&hv, DOMID_XEN, &hv_ops, NULL, hv_chans, HV_PORTS, &hv_vcpu, 1);
    evtchn_attach_shared(&hv, hv_pending, hv_mask);
    evtchn_attach_vcpu_info(&hv, 0, &hv_vcpu_info);
    hv_ready = true;
}

struct evtchn_domain *hv_evtchn_domain(void)
{
    return hv_ready ? &hv : NULL;
}

int hv_evtchn_connect(struct domain *d, hv_evtchn_handler_t fn, void *arg,
                      uint32_t *guest_port, uint32_t *hv_port)
{
    uint32_t gport, hport;
    int rc;

    hv_init();
    /*
     * As a toolstack does for xenconsoled: the guest's end first, UNBOUND
     * for the remote (here DOMID_XEN), then the remote binds to it. The
     * binding end is left pending once (the core's rule): one handler run
     * with nothing to do.
     */
    rc = evtchn_alloc_unbound(&d->evtchn, DOMID_SELF, DOMID_XEN, &gport);
    if (rc)
        return rc;
    rc = evtchn_bind_interdomain(&hv, d->domain_id, gport, &hport);
    if (rc) {
        evtchn_close(&d->evtchn, gport);
        return rc;
    }
    handlers[hport].arg = arg;
    __atomic_store_n(&handlers[hport].fn, fn, __ATOMIC_RELEASE);
    *guest_port = gport;
    *hv_port = hport;
    return 0;
}

int hv_evtchn_notify(uint32_t hv_port)
{
    return hv_ready ? evtchn_send(&hv, hv_port) : -EVTCHN_EINVAL;
}

void hv_evtchn_run(void)
{
    if (!__atomic_load_n(&hv_vcpu_info.upcall_pending, __ATOMIC_ACQUIRE))
        return;
    __atomic_store_n(&hv_vcpu_info.upcall_pending, 0, __ATOMIC_SEQ_CST);
    uint64_t sel = __atomic_exchange_n(&hv_vcpu_info.pending_sel, 0, __ATOMIC_SEQ_CST);
    while (sel) {
        unsigned int w = (unsigned int)__builtin_ctzll(sel);
        sel &= sel - 1;
        uint64_t bits = __atomic_exchange_n(&hv_pending[w], 0, __ATOMIC_SEQ_CST);
        while (bits) {
            uint32_t port = w * 64 + (uint32_t)__builtin_ctzll(bits);
            bits &= bits - 1;
            hv_evtchn_handler_t fn = port < HV_PORTS ? __atomic_load_n(&handlers[port].fn, __ATOMIC_ACQUIRE)
                                                     : NULL;
            if (fn)
                fn(handlers[port].arg);
        }
    }
}
