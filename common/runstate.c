/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vCPU runstate accounting: how long each vCPU has been running, runnable
 * (waiting for a CPU: the guest's steal time), blocked or offline. Kept for
 * VCPUOP_get_runstate_info, and copied to the guest's registered area
 * (VCPUOP_register_runstate_memory_area) on every change of state. Linux
 * insists on having that area: it BUG()s when registration fails.
 */
#include <public/errno.h>
#include <public/vcpu.h>
#include <mica/domain.h>
#include <mica/guest_access.h>
#include <mica/runstate.h>
#include <mica/time.h>

void runstate_init(struct vcpu *v, int state)
{
    v->runstate.state = state;
    v->runstate.state_entry_time = now_ns();
}

/*
 * The copy in guest memory. It is a guest kernel address, reachable while
 * a vCPU of the same domain runs on this CPU in kernel mode (a 64-bit PV
 * guest's user page tables do not map its kernel). Otherwise the copy is
 * marked stale and written when the vCPU next enters its kernel
 * (runstate_catch_up), as Xen defers it. A fault (the guest unmapped the
 * area) is ignored, as on Xen.
 */
static void runstate_publish(struct vcpu *v)
{
    struct vcpu *cur = current;
    if (!v->runstate_guest)
        return;
    if (!cur || cur->domain != v->domain || !cur->pv.kernel_mode) {
        v->runstate_stale = true;
        return;
    }
    v->runstate_stale = false;
    guest_ptr_t area = v->runstate_guest;
    guest_ptr_t entry = area + offsetof(struct vcpu_runstate_info, state_entry_time);
    bool flag = vm_assist(v->domain, VMASST_TYPE_runstate_update_flag);
    if (flag) {
        /* Readers retry while XEN_RUNSTATE_UPDATE is set in state_entry_time. */
        uint64_t busy = v->runstate.state_entry_time | XEN_RUNSTATE_UPDATE;
        if (copy_to_guest(entry, &busy, sizeof(busy)))
            return;
        __asm__ volatile("" ::: "memory");
    }
    struct vcpu_runstate_info r = v->runstate;
    if (flag)
        r.state_entry_time |= XEN_RUNSTATE_UPDATE;
    if (copy_to_guest(area, &r, sizeof(r)))
        return;
    if (flag) {
        __asm__ volatile("" ::: "memory");
        copy_to_guest(entry, &v->runstate.state_entry_time, sizeof(uint64_t));
    }
}

void runstate_change(struct vcpu *v, int state)
{
    uint64_t now = now_ns();
    struct vcpu_runstate_info *r = &v->runstate;
    if (now > r->state_entry_time)
        r->time[r->state] += now - r->state_entry_time;
    r->state = state;
    r->state_entry_time = now;
    runstate_publish(v);
}

void runstate_get(const struct vcpu *v, struct vcpu_runstate_info *out)
{
    uint64_t now = now_ns();
    *out = v->runstate;
    /* Include the time spent so far in the current state. */
    if (now > out->state_entry_time)
        out->time[out->state] += now - out->state_entry_time;
}

long runstate_register(struct vcpu *v, guest_ptr_t area)
{
    if (area && !guest_range_ok(area, sizeof(struct vcpu_runstate_info)))
        return -XEN_EFAULT;
    v->runstate_guest = area;
    if (area) {
        /* Account up to now so the first copy is current. */
        runstate_change(v, v->runstate.state);
    }
    return 0;
}

void runstate_catch_up(struct vcpu *v)
{
    if (v->runstate_stale)
        runstate_publish(v);
}
