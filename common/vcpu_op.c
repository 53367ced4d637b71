/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HYPERVISOR_vcpu_op: per-vCPU operations. Timers now; bringing vCPUs up
 * and down, runstate areas and register_vcpu_info arrive with SMP.
 */
#include <public/errno.h>
#include <public/vcpu.h>
#include <mica/domain.h>
#include <mica/event.h>
#include <mica/guest_access.h>
#include <mica/time.h>

long do_vcpu_op(int cmd, unsigned int vcpuid, guest_ptr_t arg)
{
    struct domain *d = current->domain;

    if (vcpuid >= d->max_vcpus || !d->vcpu[vcpuid])
        return -XEN_ENOENT;
    struct vcpu *v = d->vcpu[vcpuid];

    switch (cmd) {
    case VCPUOP_is_up:
        return v->is_running || v == current;
    case VCPUOP_set_periodic_timer: {
        struct vcpu_set_periodic_timer t;
        if (copy_from_guest(&t, arg, sizeof(t)))
            return -XEN_EFAULT;
        if (t.period_ns < 1000000ULL)       /* Xen's minimum: 1 ms */
            return -XEN_EINVAL;
        v->periodic_period = t.period_ns;
        v->periodic_next = now_ns() + t.period_ns;
        if (v == current)
            timer_reprogram();
        return 0;
    }
    case VCPUOP_stop_periodic_timer:
        v->periodic_period = 0;
        return 0;
    case VCPUOP_set_singleshot_timer: {
        struct vcpu_set_singleshot_timer t;
        if (v != current)
            return -XEN_EINVAL;             /* only a vCPU's own */
        if (copy_from_guest(&t, arg, sizeof(t)))
            return -XEN_EFAULT;
        /*
         * VCPU_SSHOTTMR_future would ask for -ETIME on a past deadline;
         * Xen 4.17 ignores the flag and fires at once, and so does Mica.
         */
        uint64_t now = now_ns();
        v->singleshot_deadline = t.timeout_abs_ns > now ? t.timeout_abs_ns : now + 1;
        timer_reprogram();
        return 0;
    }
    case VCPUOP_stop_singleshot_timer:
        if (v != current)
            return -XEN_EINVAL;
        v->singleshot_deadline = 0;
        return 0;
    default:
        return -XEN_ENOSYS;
    }
}
