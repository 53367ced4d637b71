/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HYPERVISOR_vcpu_op: per-vCPU operations: bringing vCPUs up and down
 * (initialise, up, down, is_up), timers, runstate areas, register_vcpu_info.
 */
#include <public/errno.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <mica/domain.h>
#include <mica/event.h>
#include <mica/guest_access.h>
#include <mica/mm.h>
#include <mica/page.h>
#include <mica/string.h>
#include <mica/pv.h>
#include <mica/runstate.h>
#include <mica/sched.h>
#include <mica/smp.h>
#include <mica/time.h>

/*
 * VCPUOP_register_vcpu_info: move the vCPU's vcpu_info from shared_info
 * into a page of the guest's own (Linux does it for every vCPU; vCPUs past
 * the 32 slots of shared_info need it). Xen's rules: the structure must lie
 * inside the page and be 8-byte aligned (-ENXIO), once per vCPU (-EINVAL),
 * on oneself or on a vCPU that is down (-EINVAL), a writable frame the
 * domain owns (-EINVAL). The frame is held as writable for as long as it
 * is registered, so it cannot become a page table under Mica's feet.
 */
static long register_vcpu_info(struct vcpu *v, guest_ptr_t arg)
{
    struct domain *d = v->domain;
    struct vcpu_register_vcpu_info info;

    if (copy_from_guest(&info, arg, sizeof(info)))
        return -XEN_EFAULT;
    if (info.offset > PAGE_SIZE - sizeof(struct vcpu_info) || (info.offset & 7))
        return -XEN_ENXIO;
    if (v->vcpu_info_mfn != INVALID_MFN)
        return -XEN_EINVAL;
    if (v != current && v->is_running)
        return -XEN_EINVAL;
    if (!mfn_valid(info.mfn) || !get_page_and_type(mfn_to_page(info.mfn), d->domain_id, PGT_WRITABLE))
        return -XEN_EINVAL;

    struct vcpu_info *new_info = (struct vcpu_info *)((char *)maddr_to_virt(info.mfn << PAGE_SHIFT) +
                                                      info.offset);
    memcpy(new_info, v->vcpu_info, sizeof(*new_info));
    spin_lock(&d->event_lock);
    v->vcpu_info = new_info;
    v->vcpu_info_mfn = info.mfn;
    evtchn_attach_vcpu_info(&d->evtchn, v->vcpu_id, (struct evtchn_vcpu_info *)new_info);
    spin_unlock(&d->event_lock);
    /* Anything pending during the move is re-examined: a spurious upcall at worst. */
    __atomic_store_n(&new_info->evtchn_pending_sel, ~0UL, __ATOMIC_SEQ_CST);
    new_info->evtchn_upcall_pending = 1;
    update_vcpu_time(&new_info->time);
    return 0;
}

/*
 * VCPUOP_down: the vCPU stops running until VCPUOP_up (Linux's CPU offline,
 * on itself). As Xen, taking down the domain's last running vCPU is a
 * power-off of the domain.
 */
static long vcpu_down(struct vcpu *v)
{
    struct domain *d = v->domain;
    bool others = false;
    for (unsigned i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i] && d->vcpu[i] != v && !(d->vcpu[i]->pause_flags & VPF_DOWN))
            others = true;
    if (!others) {
        domain_shutdown(d, SHUTDOWN_poweroff);
        return 0;
    }
    vcpu_set_pause_flag(v, VPF_DOWN);
    return 0;
}

/* Timers of a vCPU on another CPU changed: that CPU reprograms its APIC. */
static void timers_changed(struct vcpu *v)
{
    if (v == current)
        timer_reprogram();
    else
        smp_send_event_check(v->processor);
}

long do_vcpu_op(int cmd, unsigned int vcpuid, guest_ptr_t arg)
{
    struct domain *d = current->domain;

    if (vcpuid >= d->max_vcpus || !d->vcpu[vcpuid])
        return -XEN_ENOENT;
    struct vcpu *v = d->vcpu[vcpuid];

    switch (cmd) {
    case VCPUOP_is_up:
        return !(v->pause_flags & VPF_DOWN);
    case VCPUOP_initialise:
        return pv_vcpu_initialise(v, arg);
    case VCPUOP_up:
        if (!v->initialised)
            return -XEN_EINVAL;
        if (v->pause_flags & VPF_DOWN)
            vcpu_clear_pause_flag(v, VPF_DOWN);
        return 0;
    case VCPUOP_down:
        return vcpu_down(v);
    case VCPUOP_register_vcpu_info:
        return register_vcpu_info(v, arg);
    case VCPUOP_get_runstate_info: {
        struct vcpu_runstate_info r;
        runstate_get(v, &r);
        return copy_to_guest(arg, &r, sizeof(r)) ? -XEN_EFAULT : 0;
    }
    case VCPUOP_register_runstate_memory_area: {
        struct vcpu_register_runstate_memory_area area;
        if (copy_from_guest(&area, arg, sizeof(area)))
            return -XEN_EFAULT;
        return runstate_register(v, area.addr.p);
    }
    case VCPUOP_set_periodic_timer: {
        struct vcpu_set_periodic_timer t;
        if (copy_from_guest(&t, arg, sizeof(t)))
            return -XEN_EFAULT;
        if (t.period_ns < 1000000ULL)       /* Xen's minimum: 1 ms */
            return -XEN_EINVAL;
        v->periodic_period = t.period_ns;
        v->periodic_next = now_ns() + t.period_ns;
        timers_changed(v);
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
