/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HYPERVISOR_event_channel_op: the glue between guests and the event
 * channel core in event/ (which knows the ABI's state machine and delivery
 * rules but nothing of domains, locks or guest memory).
 *
 * The core reaches Mica through evtchn_ops: domain lookup, the privilege
 * rule, one event lock per domain, and the vCPU "kick". Delivery sets the
 * pending bits in shared_info and the vCPU's upcall_pending; the exit path
 * to the guest (pv_exit_prepare) turns that into the upcall.
 */
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/xen.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/sched.h>
#include <mica/event.h>
#include <mica/guest_access.h>
#include <mica/irq.h>
#include <mica/hv_evtchn.h>
#include <mica/mm.h>
#include <mica/panic.h>
#include <mica/string.h>

/* Ports per domain: the 2-level ABI's 4096 (FIFO domains are limited to this too for now). */
#define NR_EVTCHN_PORTS ECORE_2L_NR_CHANNELS

static struct domain *owner_of(const struct evtchn_domain *ed)
{
    return ed->owner;
}

static struct evtchn_domain *ops_get_domain(struct evtchn_domain *caller, uint16_t domid)
{
    if (domid == DOMID_XEN)             /* Mica's own ends (common/hv_evtchn.c) */
        return hv_evtchn_domain();
    struct domain *d = domid == DOMID_SELF ? owner_of(caller) : domain_lookup(domid);
    return d && !d->is_dying ? &d->evtchn : NULL;
}

static void ops_put_domain(struct evtchn_domain *d) { (void)d; }

static bool ops_may_control(const struct evtchn_domain *caller, const struct evtchn_domain *target)
{
    /* Nobody controls Mica's own ports (owner NULL), not even dom0. */
    return caller == target || (target->owner && owner_of(caller)->is_privileged);
}

/* Interrupts off while holding an event lock: timers never deliver from IRQ context anyway. */
static void ops_lock(struct evtchn_domain *d) { spin_lock(&owner_of(d)->event_lock); }
static void ops_unlock(struct evtchn_domain *d) { spin_unlock(&owner_of(d)->event_lock); }

/*
 * upcall_pending went 0 -> 1. The target vCPU notices on its way back into
 * the guest; a vCPU waiting in SCHEDOP_block/poll re-checks after any
 * interrupt. With one CPU running guests there is nobody else to prod.
 */
/* An upcall became pending for the vCPU: wake it, or interrupt the CPU it runs on. */
static void ops_kick(struct evtchn_domain *d, uint32_t vcpu)
{
    struct domain *dom = d->owner;
    if (vcpu < dom->max_vcpus && dom->vcpu[vcpu])
        vcpu_kick(dom->vcpu[vcpu]);
}

/* A port became pending (masked or not): SCHEDOP_poll waiters re-check. */
static void ops_poll_wake(struct evtchn_domain *d, uint32_t port)
{
    struct domain *dom = d->owner;
    (void)port;
    for (unsigned int i = 0; i < dom->max_vcpus; i++) {
        struct vcpu *v = dom->vcpu[i];
        if (v && v->polling)
            vcpu_kick(v);
    }
}

/* Physical IRQs (arch/x86/irq.c): who may bind a pirq, and the binding itself. */
static bool ops_pirq_permitted(const struct evtchn_domain *d, uint32_t pirq)
{
    return irq_pirq_permitted(owner_of(d), pirq);
}

static int ops_pirq_bind(struct evtchn_domain *d, uint32_t pirq, uint32_t vcpu, bool share)
{
    (void)vcpu;
    return irq_pirq_bind(owner_of(d), pirq, share);
}

static void ops_pirq_unbind(struct evtchn_domain *d, uint32_t pirq)
{
    irq_pirq_unbind(owner_of(d), pirq);
}

/* FIFO pages the core gives back (EVTCHNOP_reset, domain destruction). */
static void unmap_guest_frame(void *va);
static void ops_fifo_unmap(struct evtchn_domain *d, void *page)
{
    (void)d;
    unmap_guest_frame(page);
}

static const struct evtchn_ops mica_evtchn_ops = {
    .fifo_unmap = ops_fifo_unmap,
    .get_domain = ops_get_domain,
    .put_domain = ops_put_domain,
    .may_control = ops_may_control,
    .lock = ops_lock,
    .unlock = ops_unlock,
    .kick = ops_kick,
    .poll_wake = ops_poll_wake,
    .pirq_permitted = ops_pirq_permitted,
    .pirq_bind = ops_pirq_bind,
    .pirq_unbind = ops_pirq_unbind,
};

void event_domain_init(struct domain *d)
{
    size_t bytes = NR_EVTCHN_PORTS * sizeof(struct evtchn_chan);
    unsigned order = 0;
    while ((PAGE_SIZE << order) < bytes)
        order++;
    d->evtchn_chans = alloc_pages(order);
    if (!d->evtchn_chans)
        panic("d%u: no memory for event channels", d->domain_id);
    memset(d->evtchn_chans, 0, PAGE_SIZE << order);
    d->event_lock = (spinlock_t)SPINLOCK_INIT;
    evtchn_domain_init(&d->evtchn, d->domain_id, &mica_evtchn_ops, d, d->evtchn_chans,
                       NR_EVTCHN_PORTS, d->evtchn_vcpus, d->max_vcpus);
    evtchn_attach_shared(&d->evtchn, (uint64_t *)d->shared_info->evtchn_pending,
                         (uint64_t *)d->shared_info->evtchn_mask);
    for (unsigned i = 0; i < d->max_vcpus; i++)
        evtchn_attach_vcpu_info(&d->evtchn, i, (struct evtchn_vcpu_info *)d->vcpu[i]->vcpu_info);
    irq_domain_init(d);         /* its pirqs: sets d->evtchn.nr_pirqs */
}

void send_vcpu_virq(struct vcpu *v, unsigned virq)
{
    evtchn_send_vcpu_virq(&v->domain->evtchn, v->vcpu_id, virq);
}

void send_global_virq(struct domain *d, unsigned virq)
{
    evtchn_send_global_virq(&d->evtchn, virq);
}

bool event_port_pending(struct domain *d, uint32_t port)
{
    return evtchn_poll_port(&d->evtchn, port) > 0;
}

/*
 * FIFO pages: a frame of the caller's (PV: gfn == mfn) it may write,
 * held writable for as long as the core uses it.
 */
static void *map_guest_frame(struct domain *d, uint64_t gfn)
{
    if (!mfn_valid(gfn) || !get_page_and_type(mfn_to_page(gfn), d->domain_id, PGT_WRITABLE))
        return NULL;
    return mfn_to_virt(gfn);
}

static void unmap_guest_frame(void *va)
{
    put_page_and_type(mfn_to_page(virt_to_maddr(va) >> PAGE_SHIFT));
}

/* Copy the op's struct in, run it, copy the OUT fields back. */
#define IN(var)  do { if (copy_from_guest(&(var), arg, sizeof(var))) return -XEN_EFAULT; } while (0)
#define OUT(var) (copy_to_guest(arg, &(var), sizeof(var)) ? -XEN_EFAULT : 0)

long do_event_channel_op(int cmd, guest_ptr_t arg)
{
    struct domain *d = current->domain;
    struct evtchn_domain *ed = &d->evtchn;
    int rc;

    switch (cmd) {
    case EVTCHNOP_alloc_unbound: {
        struct evtchn_alloc_unbound a;
        IN(a);
        rc = evtchn_alloc_unbound(ed, a.dom, a.remote_dom, &a.port);
        return rc ? rc : OUT(a);
    }
    case EVTCHNOP_bind_interdomain: {
        struct evtchn_bind_interdomain a;
        IN(a);
        rc = evtchn_bind_interdomain(ed, a.remote_dom, a.remote_port, &a.local_port);
        return rc ? rc : OUT(a);
    }
    case EVTCHNOP_bind_virq: {
        struct evtchn_bind_virq a;
        IN(a);
        rc = evtchn_bind_virq(ed, a.virq, a.vcpu, &a.port);
        return rc ? rc : OUT(a);
    }
    case EVTCHNOP_bind_ipi: {
        struct evtchn_bind_ipi a;
        IN(a);
        rc = evtchn_bind_ipi(ed, a.vcpu, &a.port);
        return rc ? rc : OUT(a);
    }
    case EVTCHNOP_bind_pirq: {
        struct evtchn_bind_pirq a;
        IN(a);
        rc = evtchn_bind_pirq(ed, a.pirq, a.flags, &a.port);
        return rc ? rc : OUT(a);
    }
    case EVTCHNOP_close: {
        struct evtchn_close a;
        IN(a);
        return evtchn_close(ed, a.port);
    }
    case EVTCHNOP_send: {
        struct evtchn_send a;
        IN(a);
        rc = evtchn_send(ed, a.port);
        hv_evtchn_run();                /* a port of Mica's may have gone pending */
        return rc;
    }
    case EVTCHNOP_status: {
        struct evtchn_status a;
        struct evtchn_status_info st;
        IN(a);
        rc = evtchn_status(ed, a.dom, a.port, &st);
        if (rc)
            return rc;
        a.status = st.status;
        a.vcpu = st.vcpu;
        memset(&a.u, 0, sizeof(a.u));
        if (st.status == EVTCHN_STAT_UNBOUND) {
            a.u.unbound.dom = st.dom;
        } else if (st.status == EVTCHN_STAT_INTERDOMAIN) {
            a.u.interdomain.dom = st.dom;
            a.u.interdomain.port = st.port;
        } else if (st.status == EVTCHN_STAT_PIRQ) {
            a.u.pirq = st.pirq;
        } else if (st.status == EVTCHN_STAT_VIRQ) {
            a.u.virq = st.virq;
        }
        return OUT(a);
    }
    case EVTCHNOP_bind_vcpu: {
        struct evtchn_bind_vcpu a;
        IN(a);
        return evtchn_bind_vcpu(ed, a.port, a.vcpu);
    }
    case EVTCHNOP_unmask: {
        struct evtchn_unmask a;
        IN(a);
        return evtchn_unmask(ed, a.port);
    }
    case EVTCHNOP_reset: {
        struct evtchn_reset a;
        IN(a);
        return evtchn_reset(ed, a.dom);
    }
    case EVTCHNOP_set_priority: {
        struct evtchn_set_priority a;
        IN(a);
        return evtchn_set_priority(ed, a.port, a.priority);
    }
    case EVTCHNOP_init_control: {
        struct evtchn_init_control a;
        IN(a);
        void *page = map_guest_frame(d, a.control_gfn);
        if (!page)
            return -XEN_EINVAL;
        rc = evtchn_init_control(ed, a.vcpu, page, a.offset, &a.link_bits);
        if (rc) {
            unmap_guest_frame(page);
            return rc;
        }
        return OUT(a);
    }
    case EVTCHNOP_expand_array: {
        struct evtchn_expand_array a;
        IN(a);
        void *page = map_guest_frame(d, a.array_gfn);
        if (!page)
            return -XEN_EINVAL;
        rc = evtchn_expand_array(ed, page);
        if (rc)
            unmap_guest_frame(page);
        return rc;
    }
    default:
        return -XEN_ENOSYS;
    }
}

/* The pre-3.0 entry point: struct evtchn_op {cmd; union} in one argument. */
long do_event_channel_op_compat(guest_ptr_t arg)
{
    struct evtchn_op op;
    if (copy_from_guest(&op, arg, sizeof(op)))
        return -XEN_EFAULT;
    return do_event_channel_op((int)op.cmd, arg + offsetof(struct evtchn_op, u));
}
