/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HYPERVISOR_sched_op. With one vCPU per CPU (the scheduler comes with SMP),
 * yield returns at once and block waits on this CPU for an event.
 */
#include <asm/x86.h>
#include <public/errno.h>
#include <public/sched.h>
#include <mica/domain.h>
#include <mica/guest_access.h>

long do_sched_op(int cmd, guest_ptr_t arg)
{
    struct vcpu *v = current;

    switch (cmd) {
    case SCHEDOP_yield:
        return 0;
    case SCHEDOP_block:
        /* Blocking re-enables event delivery, then sleeps until one is pending. */
        v->vcpu_info->evtchn_upcall_mask = 0;
        while (!v->vcpu_info->evtchn_upcall_pending) {
            sti();
            halt();
        }
        return 0;
    case SCHEDOP_shutdown: {
        struct sched_shutdown sd;
        if (copy_from_guest(&sd, arg, sizeof(sd)))
            return -XEN_EFAULT;
        domain_shutdown(v->domain, sd.reason);
        return 0;
    }
    case SCHEDOP_shutdown_code: {
        struct sched_shutdown sd;
        if (copy_from_guest(&sd, arg, sizeof(sd)))
            return -XEN_EFAULT;
        v->domain->shutdown_code = sd.reason;
        return 0;
    }
    default:
        /* poll, remote_shutdown, watchdog, pin_override: with event channels and SMP. */
        return -XEN_ENOSYS;
    }
}
