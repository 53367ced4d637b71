// SPDX-License-Identifier: GPL-2.0-only
/*
 * HYPERVISOR_domctl: the control domain creates, inspects, pauses and
 * destroys domains (include/public/domctl.h documents every operation).
 *
 * Order of checks, as Xen 4.17's do_domctl: read the structure (-EFAULT),
 * interface version (-EACCES), the target domain (-ESRCH; createdomain has
 * none, getdomaininfo searches upwards), the caller's privilege (-EPERM),
 * then the operation (-ENOSYS when unknown). The structure is written back
 * only by the operations that have OUT fields, and only on success.
 *
 * All domctls run under one lock (domctl_lock), so an operation never sees
 * a domain half created or half destroyed by another. Mica has no
 * hypercall continuations: destroydomain calls domain_kill until it is
 * done, inside one hypercall.
 *
 * Differences from Xen (all documented in domctl.h):
 *  - createdomain picks the next free id after the last one it gave out,
 *    as Xen does, but refused requests do not move it on (Xen's do). Ids >= MAX_DOMAINS cannot exist (-EINVAL when
 *    asked for explicitly, -ENOMEM when none is free).
 *  - PV only: the HVM/HAP-related flags are refused (Xen under QEMU TCG
 *    refuses them too: no hardware virtualisation).
 *  - A vCPU's own domain cannot be asked for a vCPU context (-EINVAL).
 */
#include <public/errno.h>
#include <public/domctl.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/domctl.h>
#include <mica/guest_access.h>
#include <mica/madt.h>
#include <mica/mm.h>
#include <mica/page.h>
#include <mica/pv.h>
#include <mica/runstate.h>
#include <mica/sched.h>
#include <mica/smp.h>
#include <mica/spinlock.h>
#include <mica/string.h>
#include <mica/time.h>

static spinlock_t ctl_lock = SPINLOCK_INIT;

void domctl_lock(void)
{
    spin_lock(&ctl_lock);
}

void domctl_unlock(void)
{
    spin_unlock(&ctl_lock);
}

/*
 * Until domain destruction (common/domain_destroy.c) is linked in, the
 * operation answers -ENOSYS; the real domain_kill replaces this one.
 */
__attribute__((weak)) int domain_kill(struct domain *d)
{
    (void)d;
    return -XEN_ENOSYS;
}

/* Until the credit scheduler's parameters exist in common/schedule.c. */
__attribute__((weak)) int sched_credit_get(struct domain *d, unsigned *weight, unsigned *cap)
{
    (void)d; (void)weight; (void)cap;
    return -XEN_ENOSYS;
}

__attribute__((weak)) int sched_credit_set(struct domain *d, unsigned weight, unsigned cap)
{
    (void)d; (void)weight; (void)cap;
    return -XEN_ENOSYS;
}

/* ------------------------------------------------------------------------
 * getdomaininfo
 */
void domctl_getdomaininfo(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    uint32_t flags = XEN_DOMINF_blocked;
    uint64_t cpu_time = 0;

    memset(info, 0, sizeof(*info));
    info->domain = d->domain_id;
    info->max_vcpu_id = XEN_INVALID_MAX_VCPU_ID;
    /* Until XEN_DOMCTL_max_vcpus, Xen's domain has no vCPUs at all. */
    for (unsigned i = 0; d->vcpus_visible && i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        struct vcpu_runstate_info r;
        if (!v)
            continue;
        runstate_get(v, &r);
        cpu_time += r.time[RUNSTATE_running];
        info->max_vcpu_id = v->vcpu_id;
        if (v->pause_flags & VPF_DOWN)
            continue;
        info->nr_online_vcpus++;
        /* Blocked only if every up vCPU is; running if any is on a CPU. */
        if (!(v->pause_flags & VPF_BLOCKED))
            flags &= ~XEN_DOMINF_blocked;
        if (__atomic_load_n(&v->is_running, __ATOMIC_RELAXED))
            flags |= XEN_DOMINF_running;
    }
    if (!info->nr_online_vcpus)
        flags = 0;
    if (d->is_dying)
        flags |= XEN_DOMINF_dying;
    if (d->is_shutting_down)
        flags |= XEN_DOMINF_shutdown;
    /* Shifted whole, as Xen: an unset code (~0) shows as 0xffff in the top half. */
    flags |= d->shutdown_code << XEN_DOMINF_shutdownshift;
    if (d->controller_pause_count)
        flags |= XEN_DOMINF_paused;
    info->flags = flags;
    info->tot_pages = d->tot_pages;
    info->max_pages = d->max_pages;
    info->shared_info_frame = virt_to_maddr(d->shared_info) >> PAGE_SHIFT;
    info->cpu_time = cpu_time;
    memcpy(info->handle, d->handle, sizeof(info->handle));
    info->arch_config.emulation_flags = d->arch_emulation_flags;
    info->arch_config.misc_flags = d->arch_misc_flags;
}

/* Xen 4.17: the named domain, else the next one above it. */
static long op_getdomaininfo(struct xen_domctl *op, struct domain *d, bool *copyback)
{
    if (!d) {
        if (op->domain >= DOMID_FIRST_RESERVED)
            return -XEN_EINVAL;
        d = domain_find_from(op->domain);
        if (!d)
            return -XEN_ESRCH;
    }
    if (!current->domain->is_privileged)
        return -XEN_EPERM;
    domctl_getdomaininfo(d, &op->u.getdomaininfo);
    op->domain = d->domain_id;
    *copyback = true;
    return 0;
}

/* ------------------------------------------------------------------------
 * createdomain
 */
static long check_config(const struct xen_domctl_createdomain *c)
{
    const uint32_t known = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | XEN_DOMCTL_CDF_s3_integrity |
                           XEN_DOMCTL_CDF_oos_off | XEN_DOMCTL_CDF_xs_domain |
                           XEN_DOMCTL_CDF_iommu | XEN_DOMCTL_CDF_nested_virt |
                           XEN_DOMCTL_CDF_vpmu;
    const uint32_t emu_all = XEN_X86_EMU_LAPIC | XEN_X86_EMU_HPET | XEN_X86_EMU_PM |
                             XEN_X86_EMU_RTC | XEN_X86_EMU_IOAPIC | XEN_X86_EMU_PIC |
                             XEN_X86_EMU_VGA | XEN_X86_EMU_IOMMU | XEN_X86_EMU_PIT |
                             XEN_X86_EMU_USE_PIRQ | XEN_X86_EMU_VPCI;

    /* Xen's checks, in Xen's order; what needs hardware Mica lacks is -EINVAL as there. */
    if (c->flags & ~known)
        return -XEN_EINVAL;
    if (c->grant_opts & ~XEN_DOMCTL_GRANT_version_mask)
        return -XEN_EINVAL;
    if (c->max_vcpus < 1)
        return -XEN_EINVAL;
    if (c->flags & (XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | XEN_DOMCTL_CDF_iommu |
                    XEN_DOMCTL_CDF_vpmu | XEN_DOMCTL_CDF_s3_integrity |
                    XEN_DOMCTL_CDF_nested_virt))
        return -XEN_EINVAL;
    if (c->iommu_opts || c->vmtrace_size)
        return -XEN_EINVAL;
    if (c->max_vcpus > MAX_VCPUS_PER_DOMAIN)
        return -XEN_EINVAL;
    if (c->arch.misc_flags & ~XEN_X86_MSR_RELAXED)
        return -XEN_EINVAL;
    if (c->arch.emulation_flags & ~emu_all)
        return -XEN_EINVAL;
    if (c->arch.emulation_flags != 0 && c->arch.emulation_flags != XEN_X86_EMU_PIT)
        return -XEN_EOPNOTSUPP;
    if (c->cpupool_id != 0)
        return -XEN_ENOENT;
    return 0;
}

static long op_createdomain(struct xen_domctl *op, bool *copyback)
{
    const struct xen_domctl_createdomain *c = &op->u.createdomain;
    domid_t id = op->domain;

    if (id > 0 && id < DOMID_FIRST_RESERVED) {
        if (domain_lookup(id))
            return -XEN_EEXIST;
        if (id >= MAX_DOMAINS)
            return -XEN_EINVAL;
    } else {
        id = DOMID_INVALID;     /* pick one once the request is known to be good */
    }
    long rc = check_config(c);
    if (rc)
        return rc;
    if (id == DOMID_INVALID && (id = domain_free_id()) == DOMID_INVALID)
        return -XEN_ENOMEM;
    /* Logged before anything is allocated: with the count printed once the
     * domain is released, the log shows whether a create/destroy cycle
     * leaked a frame (tests/linux/scripts/xl-lifecycle checks it). */
    uint64_t free_before = heap_free_page_count();

    struct domain *d = domain_create(id, false, c->max_vcpus);
    if (!d)
        return -XEN_ENOMEM;
    memcpy(d->handle, c->handle, sizeof(d->handle));
    d->arch_emulation_flags = c->arch.emulation_flags;
    d->arch_misc_flags = c->arch.misc_flags;
    /* Created paused by the controller; the toolstack unpauses it when built. */
    d->controller_pause_count = 1;
    d->pause_count = 1;
    printk("d%u: created by d%u (%u vCPUs, free pages before: %lu)\n", id,
           current->domain->domain_id, c->max_vcpus, free_before);
    op->domain = id;
    *copyback = true;
    return 0;
}

/* ------------------------------------------------------------------------
 * vCPU contexts
 */
static unsigned ctx_order(void)
{
    unsigned order = 0;
    while ((PAGE_SIZE << order) < sizeof(struct vcpu_guest_context))
        order++;
    return order;
}

static struct vcpu *target_vcpu(struct domain *d, uint32_t id)
{
    return d->vcpus_visible && id < d->max_vcpus ? d->vcpu[id] : NULL;
}

static long op_setvcpucontext(struct xen_domctl *op, struct domain *d)
{
    struct vcpu *v = target_vcpu(d, op->u.vcpucontext.vcpu);
    if (d == current->domain || !v)
        return -XEN_EINVAL;
    guest_ptr_t arg = (guest_ptr_t)op->u.vcpucontext.ctxt.p;
    if (!arg)
        return -XEN_EINVAL;             /* Xen's vCPU reset: not in Mica */

    struct vcpu_guest_context *c = alloc_pages(ctx_order());
    if (!c)
        return -XEN_ENOMEM;
    long rc = copy_from_guest(c, arg, sizeof(*c)) ? -XEN_EFAULT : 0;
    if (!rc) {
        domain_pause(d);
        spin_lock(&d->domain_lock);
        if (v->vcpu_id == 0)
            rc = domain_set_vm_assist(d, c->vm_assist);
        if (!rc)
            rc = pv_vcpu_set_context(v, c);
        spin_unlock(&d->domain_lock);
        /* As Xen: the context says whether the vCPU is up. */
        if (!rc && (c->flags & VGCF_online) && (v->pause_flags & VPF_DOWN))
            vcpu_clear_pause_flag(v, VPF_DOWN);
        else if (!rc && !(c->flags & VGCF_online) && !(v->pause_flags & VPF_DOWN))
            vcpu_set_pause_flag(v, VPF_DOWN);
        domain_unpause(d);
    }
    free_pages(c, ctx_order());
    return rc;
}

static long op_getvcpucontext(struct xen_domctl *op, struct domain *d, bool *copyback)
{
    struct vcpu *v = target_vcpu(d, op->u.vcpucontext.vcpu);
    if (!v || d == current->domain)
        return -XEN_EINVAL;
    if (!v->initialised)
        return -XEN_ENODATA;
    struct vcpu_guest_context *c = alloc_pages(ctx_order());
    if (!c)
        return -XEN_ENOMEM;
    domain_pause(d);
    pv_vcpu_get_context(v, c);
    domain_unpause(d);
    long rc = copy_to_guest((guest_ptr_t)op->u.vcpucontext.ctxt.p, c, sizeof(*c)) ? -XEN_EFAULT : 0;
    free_pages(c, ctx_order());
    *copyback = true;
    return rc;
}

static long op_getvcpuinfo(struct xen_domctl *op, struct domain *d, bool *copyback)
{
    struct xen_domctl_getvcpuinfo *info = &op->u.getvcpuinfo;
    if (info->vcpu >= d->max_vcpus)
        return -XEN_EINVAL;
    struct vcpu *v = target_vcpu(d, info->vcpu);
    if (!v)
        return -XEN_ESRCH;
    struct vcpu_runstate_info r;
    runstate_get(v, &r);
    info->online = !(v->pause_flags & VPF_DOWN);
    info->blocked = !!(v->pause_flags & VPF_BLOCKED);
    info->running = __atomic_load_n(&v->is_running, __ATOMIC_RELAXED);
    info->cpu_time = r.time[RUNSTATE_running];
    info->cpu = v->processor;
    *copyback = true;
    return 0;
}

/* ------------------------------------------------------------------------
 * The rest
 */
static long op_scheduler(struct xen_domctl *op, struct domain *d, bool *copyback)
{
    struct xen_domctl_scheduler_op *s = &op->u.scheduler_op;
    unsigned weight, cap;
    long rc;

    if (s->sched_id != XEN_SCHEDULER_CREDIT)
        return -XEN_EINVAL;
    switch (s->cmd) {
    case XEN_DOMCTL_SCHEDOP_getinfo:
        if ((rc = sched_credit_get(d, &weight, &cap)))
            return rc;
        s->u.credit.weight = (uint16_t)weight;
        s->u.credit.cap = (uint16_t)cap;
        *copyback = true;
        return 0;
    case XEN_DOMCTL_SCHEDOP_putinfo:
        /* A weight of 0 keeps the current one, as Xen's credit scheduler. */
        if ((rc = sched_credit_get(d, &weight, &cap)))
            return rc;
        return sched_credit_set(d, s->u.credit.weight ? s->u.credit.weight : weight,
                                s->u.credit.cap);
    default:
        return -XEN_EINVAL;
    }
}

static long op_hypercall_init(struct xen_domctl *op, struct domain *d)
{
    mfn_t mfn = op->u.hypercall_init.gmfn;      /* PV: guest frames are machine frames */
    if (!mfn_valid(mfn) || !get_page_and_type(mfn_to_page(mfn), d->domain_id, PGT_WRITABLE))
        return -XEN_EINVAL;
    pv_write_hypercall_page(mfn_to_virt(mfn));
    put_page_and_type(mfn_to_page(mfn));
    return 0;
}

static long op_ioport_permission(struct xen_domctl *op, struct domain *d)
{
    const struct xen_domctl_ioport_permission *p = &op->u.ioport_permission;
    uint64_t first = p->first_port, end = first + p->nr_ports;
    if (end <= first || end > 0x10000)
        return -XEN_EINVAL;
    if (!current->domain->is_privileged)
        return -XEN_EPERM;
    return iocap_set(&d->ioports, first, end - 1, p->allow_access);
}

/*
 * I/O memory the control domain itself may not use, so cannot grant: the
 * interrupt controllers Mica drives (as Xen keeps them from dom0).
 */
static bool iomem_reserved(uint64_t first, uint64_t last)
{
    const struct madt_info *m = smp_madt();
    uint64_t lapic = (m && m->lapic_addr ? m->lapic_addr : 0xfee00000ULL) >> PAGE_SHIFT;
    if (first <= lapic && lapic <= last)
        return true;
    for (unsigned i = 0; m && i < m->nr_ioapics; i++) {
        uint64_t io = m->ioapic[i].addr >> PAGE_SHIFT;
        if (first <= io && io <= last)
            return true;
    }
    return false;
}

static long op_iomem_permission(struct xen_domctl *op, struct domain *d)
{
    const struct xen_domctl_iomem_permission *p = &op->u.iomem_permission;
    uint64_t first = p->first_mfn, last = first + p->nr_mfns - 1;
    if (last < first)
        return -XEN_EINVAL;
    if (!current->domain->is_privileged || iomem_reserved(first, last))
        return -XEN_EPERM;
    return iocap_set(&d->iomem, first, last, p->allow_access);
}

static long domctl_op(struct xen_domctl *op, struct domain *d, bool *copyback)
{
    long rc;

    switch (op->cmd) {
    case XEN_DOMCTL_createdomain:
        return op_createdomain(op, copyback);
    case XEN_DOMCTL_destroydomain:
        if (d == current->domain || d->domain_id == 0)
            return -XEN_EINVAL;
        /* No continuations in Mica: the teardown's steps run in this call. */
        while ((rc = domain_kill(d)) == -XEN_ERESTART)
            ;
        if (!rc)
            printk("d%u: destroyed\n", op->domain);
        return rc;
    case XEN_DOMCTL_pausedomain:
        return d == current->domain ? -XEN_EINVAL : domain_pause_by_controller(d);
    case XEN_DOMCTL_unpausedomain:
        return domain_unpause_by_controller(d);
    case XEN_DOMCTL_max_mem: {
        uint64_t pages = op->u.max_mem.max_memkb >> (PAGE_SHIFT - 10);
        /* Xen keeps max_pages in 32 bits; a lower limit than tot_pages is allowed. */
        d->max_pages = pages > UINT32_MAX ? UINT32_MAX : pages;
        return 0;
    }
    case XEN_DOMCTL_setvcpucontext:
        return op_setvcpucontext(op, d);
    case XEN_DOMCTL_getvcpucontext:
        return op_getvcpucontext(op, d, copyback);
    case XEN_DOMCTL_getvcpuinfo:
        return op_getvcpuinfo(op, d, copyback);
    case XEN_DOMCTL_max_vcpus:
        /* Xen allocates the vCPUs here; Mica did in createdomain and now shows them. */
        if (d == current->domain || op->u.max_vcpus.max != d->max_vcpus)
            return -XEN_EINVAL;
        d->vcpus_visible = true;
        return 0;
    case XEN_DOMCTL_scheduler_op:
        return op_scheduler(op, d, copyback);
    case XEN_DOMCTL_setdomainhandle:
        memcpy(d->handle, op->u.setdomainhandle.handle, sizeof(d->handle));
        return 0;
    case XEN_DOMCTL_hypercall_init:
        return op_hypercall_init(op, d);
    case XEN_DOMCTL_settimeoffset:
        d->time_offset_seconds = op->u.settimeoffset.time_offset_seconds;
        update_wallclock(d);
        return 0;
    case XEN_DOMCTL_set_address_size:
        return op->u.address_size.size == 64 ? 0 : -XEN_EINVAL;
    case XEN_DOMCTL_get_address_size:
        op->u.address_size.size = 64;
        *copyback = true;
        return 0;
    default:
        return -XEN_ENOSYS;
    }
}

long do_domctl(guest_ptr_t u_domctl)
{
    struct xen_domctl op;
    struct domain *d = NULL;
    bool copyback = false;
    long rc;

    if (copy_from_guest(&op, u_domctl, sizeof(op)))
        return -XEN_EFAULT;
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -XEN_EACCES;

    domctl_lock();
    if (op.cmd != XEN_DOMCTL_createdomain) {
        /* By number only: DOMID_SELF and the other special ids name no domain here. */
        d = domain_lookup(op.domain);
        if (!d && op.cmd != XEN_DOMCTL_getdomaininfo) {
            rc = -XEN_ESRCH;
            goto out;
        }
    }
    switch (op.cmd) {
    /* These check privilege themselves, after their own argument checks (as Xen). */
    case XEN_DOMCTL_getdomaininfo:
        rc = op_getdomaininfo(&op, d, &copyback);
        goto out;
    case XEN_DOMCTL_ioport_permission:
        rc = op_ioport_permission(&op, d);
        goto out;
    case XEN_DOMCTL_iomem_permission:
        rc = op_iomem_permission(&op, d);
        goto out;
    default:
        break;
    }
    if (!current->domain->is_privileged) {
        rc = -XEN_EPERM;
        goto out;
    }
    rc = domctl_op(&op, d, &copyback);
out:
    domctl_unlock();
    if (copyback && copy_to_guest(u_domctl, &op, sizeof(op)))
        rc = -XEN_EFAULT;
    return rc;
}
