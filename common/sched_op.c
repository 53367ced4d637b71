/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HYPERVISOR_sched_op (and its pre-3.0 form sched_op_compat): yield, block
 * and poll go through the scheduler (common/schedule.c). A blocked or
 * polling vCPU gives its CPU away; it is woken by an event for it
 * (vcpu_kick), a polled port becoming pending (even a masked one), its
 * timer, or the poll timeout.
 */
#include <asm/regs.h>
#include <asm/x86.h>
#include <public/errno.h>
#include <public/sched.h>
#include <mica/domain.h>
#include <mica/event.h>
#include <mica/guest_access.h>
#include <mica/sched.h>
#include <mica/time.h>

#define MAX_POLL_PORTS 128      /* Xen's limit for SCHEDOP_poll */

/* Events the vCPU would take if it returned now (Xen's local_events_need_delivery). */
static bool events_waiting(const struct vcpu *v)
{
    return (v->vcpu_info->evtchn_upcall_pending && !v->vcpu_info->evtchn_upcall_mask) ||
           v->timer_virq_due;
}

static long sched_block(struct vcpu *v)
{
    /* Blocking re-enables event delivery; return as soon as one is pending. */
    v->vcpu_info->evtchn_upcall_mask = 0;
    guest_cpu_user_regs()->rax = 0;         /* the result, if we resume elsewhere */
    vcpu_block_begin();
    if (events_waiting(v)) {
        vcpu_block_cancel();
        return 0;
    }
    vcpu_block_wait();
    return 0;
}

/*
 * Wait until one of the ports is pending (masked or not: Linux's spinlock
 * slow path polls a masked port), an event is delivered to the vCPU, or
 * the timeout (absolute system time, 0 = none) passes. Spurious returns
 * are allowed; callers re-check, as on Xen.
 */
static long sched_poll(struct vcpu *v, guest_ptr_t arg)
{
    struct sched_poll p;
    if (copy_from_guest(&p, arg, sizeof(p)))
        return -XEN_EFAULT;
    if (p.nr_ports > MAX_POLL_PORTS)
        return -XEN_EINVAL;
    guest_ptr_t ports = (guest_ptr_t)p.ports.p;
    if (!guest_range_ok(ports, (size_t)p.nr_ports * sizeof(evtchn_port_t)))
        return -XEN_EFAULT;

    guest_cpu_user_regs()->rax = 0;
    v->polling = true;
    vcpu_block_begin();
    long rc = 0;
    bool ready = events_waiting(v);
    for (unsigned i = 0; i < p.nr_ports && !ready; i++) {
        evtchn_port_t port;
        if (copy_from_guest(&port, ports + i * sizeof(port), sizeof(port))) {
            rc = -XEN_EFAULT;
            break;
        }
        int st = evtchn_poll_port(&v->domain->evtchn, port);
        if (st < 0)
            rc = st;            /* a port that does not exist */
        else if (st > 0)
            ready = true;       /* one is pending already */
        if (rc)
            break;
    }
    if (rc || ready || (p.timeout && now_ns() >= p.timeout)) {
        vcpu_block_cancel();
        v->polling = false;
        return rc;
    }
    v->poll_deadline = p.timeout;
    if (p.timeout)
        timer_reprogram();
    vcpu_block_wait();
    v->polling = false;
    v->poll_deadline = 0;
    return 0;
}

static long sched_shutdown(struct vcpu *v, unsigned int reason)
{
    domain_shutdown(v->domain, reason);
    return 0;
}

long do_sched_op(int cmd, guest_ptr_t arg)
{
    struct vcpu *v = current;

    switch (cmd) {
    case SCHEDOP_yield:
        sched_yield();
        return 0;
    case SCHEDOP_block:
        return sched_block(v);
    case SCHEDOP_poll:
        return sched_poll(v, arg);
    case SCHEDOP_shutdown: {
        struct sched_shutdown sd;
        if (copy_from_guest(&sd, arg, sizeof(sd)))
            return -XEN_EFAULT;
        return sched_shutdown(v, sd.reason);
    }
    case SCHEDOP_shutdown_code: {
        struct sched_shutdown sd;
        if (copy_from_guest(&sd, arg, sizeof(sd)))
            return -XEN_EFAULT;
        v->domain->shutdown_code = sd.reason;
        return 0;
    }
    case SCHEDOP_remote_shutdown: {
        /* The control domain shuts another one down (the toolstack's path). */
        struct sched_remote_shutdown rs;
        if (copy_from_guest(&rs, arg, sizeof(rs)))
            return -XEN_EFAULT;
        struct domain *d = domain_lookup(rs.domain_id);
        if (!d)
            return -XEN_ESRCH;
        if (!v->domain->is_privileged)
            return -XEN_EPERM;
        domain_shutdown(d, rs.reason);     /* d may be dying, with no vCPUs left */
        return 0;
    }
    default:
        /* watchdog, pin_override: with the toolstack and SMP. */
        return -XEN_ENOSYS;
    }
}

/* The old form: the shutdown reason is the argument itself. */
long do_sched_op_compat(int cmd, unsigned long arg)
{
    switch (cmd) {
    case SCHEDOP_yield:
        sched_yield();
        return 0;
    case SCHEDOP_block:
        return sched_block(current);
    case SCHEDOP_shutdown:
        return sched_shutdown(current, (unsigned int)arg);
    default:
        return -XEN_ENOSYS;
    }
}
