/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HYPERVISOR_sched_op (and its pre-3.0 form sched_op_compat). With one vCPU
 * per CPU (the scheduler comes with SMP), yield returns at once, and block
 * and poll wait on this CPU: halted until an interrupt, then re-checked.
 * Timer expiries are turned into VIRQ_TIMER while waiting, since the exit
 * path that normally does it is not reached until the wait ends.
 */
#include <asm/x86.h>
#include <public/errno.h>
#include <public/sched.h>
#include <mica/domain.h>
#include <mica/event.h>
#include <mica/guest_access.h>
#include <mica/time.h>

#define MAX_POLL_PORTS 128      /* Xen's limit for SCHEDOP_poll */

/* Wait for the next interrupt, then deliver what timers produced. */
static void wait_for_interrupt(struct vcpu *v)
{
    __asm__ volatile("sti; hlt" ::: "memory");
    timer_deliver(v);
}

static long sched_block(struct vcpu *v)
{
    /* Blocking re-enables event delivery; return as soon as one is pending. */
    v->vcpu_info->evtchn_upcall_mask = 0;
    timer_deliver(v);
    while (!v->vcpu_info->evtchn_upcall_pending)
        wait_for_interrupt(v);
    return 0;
}

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

    for (;;) {
        for (unsigned i = 0; i < p.nr_ports; i++) {
            evtchn_port_t port;
            if (copy_from_guest(&port, ports + i * sizeof(port), sizeof(port)))
                return -XEN_EFAULT;
            int rc = evtchn_poll_port(&v->domain->evtchn, port);
            if (rc < 0)
                return rc;          /* a port that does not exist */
            if (rc > 0)
                return 0;           /* one is pending already */
        }
        if (p.timeout && now_ns() >= p.timeout)
            return 0;
        if (p.timeout)
            timer_wake_at(p.timeout);
        wait_for_interrupt(v);
    }
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
        return sched_shutdown(d->vcpu[0], rs.reason);
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
        return 0;
    case SCHEDOP_block:
        return sched_block(current);
    case SCHEDOP_shutdown:
        return sched_shutdown(current, (unsigned int)arg);
    default:
        return -XEN_ENOSYS;
    }
}
