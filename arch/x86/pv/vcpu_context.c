/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VCPUOP_initialise: the first context of a vCPU other than the one the
 * domain builder starts (Linux brings up its secondary vCPUs this way,
 * then VCPUOP_up). struct vcpu_guest_context (include/public/arch-x86_64.h)
 * carries everything the vCPU's kernel would otherwise set with
 * hypercalls of its own.
 *
 * Rules, as Xen 4.17 for a 64-bit PV guest: only a vCPU that has no
 * context yet (-EEXIST otherwise); every address canonical (entry point,
 * stack, kernel stack, callbacks, trap handlers, segment bases, LDT base)
 * and the LDT page-aligned with at most 8192 entries, the GDT no larger
 * than the guest's share (-EINVAL); the page tables in ctrlreg[3] (kernel)
 * and ctrlreg[1] (user, optional) must validate as L4 tables, and the GDT
 * frames as descriptor pages (-EINVAL). EFLAGS.IOPL becomes the vCPU's
 * virtual IOPL, as PHYSDEVOP_set_iopl would set it. With VGCF_i387_valid
 * the FXSAVE image in fpu_ctxt is its initial FPU state.
 */
#include <asm/x86.h>
#include <public/callback.h>
#include <public/errno.h>
#include <mica/domain.h>
#include <mica/guest_access.h>
#include <mica/mm.h>
#include <mica/page_alloc.h>
#include <mica/pv.h>
#include <mica/pv_desc.h>
#include <mica/pv_mm.h>
#include <mica/sched.h>
#include <mica/string.h>

#define EFLAGS_IOPL  (3UL << 12)
#define EFLAGS_IF    (1UL << 9)
#define MAX_LDT_ENTS 8192
#define CR0_TS       (1UL << 3)

static bool context_addresses_ok(const struct vcpu_guest_context *c)
{
    uint64_t addrs[] = {
        c->user_regs.rip, c->user_regs.rsp, c->kernel_sp, c->fs_base, c->gs_base_kernel,
        c->gs_base_user, c->event_callback_eip, c->syscall_callback_eip, c->failsafe_callback_eip,
        c->ldt_ents ? c->ldt_base : 0,
    };
    for (unsigned i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++)
        if (!pv_is_canonical(addrs[i]))
            return false;
    for (unsigned i = 0; i < 256; i++)
        if (c->trap_ctxt[i].address && !pv_is_canonical(c->trap_ctxt[i].address))
            return false;
    if ((c->ldt_base & (PAGE_SIZE - 1)) || c->ldt_ents > MAX_LDT_ENTS)
        return false;
    return true;
}

static long apply_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
    if (!context_addresses_ok(c))
        return -XEN_EINVAL;

    /* Page tables first: the LDT's pages are found through them. */
    long rc = new_baseptr(v, c->ctrlreg[3] >> PAGE_SHIFT, false);
    if (rc)
        return rc;
    if (c->ctrlreg[1] && (rc = new_baseptr(v, c->ctrlreg[1] >> PAGE_SHIFT, true)))
        return rc;
    mfn_t frames[ARRAY_SIZE(v->pv.gdt_frames)];
    unsigned nr = (c->gdt_ents + 511) / 512;
    if (nr > ARRAY_SIZE(frames))
        return -XEN_EINVAL;
    for (unsigned i = 0; i < nr; i++)
        frames[i] = c->gdt_frames[i];
    if (c->gdt_ents && (rc = pv_set_gdt(v, frames, c->gdt_ents)))
        return rc;
    if ((rc = pv_set_ldt(v, c->ldt_base, c->ldt_ents)))
        return rc;

    for (unsigned i = 0; i < 256; i++) {
        v->pv.trap_ctxt[i] = c->trap_ctxt[i];
        v->pv.trap_ctxt[i].cs = FLAT_KERNEL_CS;
    }
    struct callback_register cb[] = {
        { .type = CALLBACKTYPE_event, .address = c->event_callback_eip },
        { .type = CALLBACKTYPE_failsafe, .address = c->failsafe_callback_eip,
          .flags = c->flags & VGCF_failsafe_disables_events ? CALLBACKF_mask_events : 0 },
        { .type = CALLBACKTYPE_syscall, .address = c->syscall_callback_eip,
          .flags = c->flags & VGCF_syscall_disables_events ? CALLBACKF_mask_events : 0 },
    };
    for (unsigned i = 0; i < ARRAY_SIZE(cb); i++)
        pv_register_callback(v, &cb[i]);
    v->pv.kernel_ss = c->kernel_ss;
    v->pv.kernel_sp = c->kernel_sp;
    v->pv.fs_base = c->fs_base;
    v->pv.gs_base_kernel = c->gs_base_kernel;
    v->pv.gs_base_user = c->gs_base_user;
    v->pv.kernel_mode = c->flags & VGCF_in_kernel;

    v->user_regs = c->user_regs;
    v->pv.iopl = c->user_regs.rflags & EFLAGS_IOPL;
    v->user_regs.rflags = (c->user_regs.rflags & ~EFLAGS_IOPL) | EFLAGS_IF;
    v->pv.saved_sel[0] = c->user_regs.ds;
    v->pv.saved_sel[1] = c->user_regs.es;
    v->pv.saved_sel[2] = c->user_regs.fs;
    v->pv.saved_sel[3] = c->user_regs.gs;
    if (c->flags & VGCF_i387_valid) {
        pv_fpu_vcpu_init(v);
        memcpy(v->fpu_area, &c->fpu_ctxt, sizeof(c->fpu_ctxt));
        ((uint64_t *)v->fpu_area)[512 / 8] = 3;     /* XSAVE header: x87 and SSE present */
    }
    return 0;
}

/*
 * The shared part of VCPUOP_initialise and XEN_DOMCTL_setvcpucontext:
 * validate c and make it v's state. Caller holds v->domain->domain_lock
 * and v is not running.
 */
long pv_vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
    long rc = apply_context(v, c);
    if (rc == 0)
        v->initialised = true;
    return rc;
}

/*
 * XEN_DOMCTL_getvcpucontext: v's state in the same format (Xen's
 * arch_get_info_guest for a 64-bit PV vCPU). v is not running.
 */
void pv_vcpu_get_context(const struct vcpu *v, struct vcpu_guest_context *c)
{
    memset(c, 0, sizeof(*c));
    memcpy(&c->fpu_ctxt, v->fpu_area, sizeof(c->fpu_ctxt));
    c->flags = VGCF_i387_valid | (v->pv.kernel_mode ? VGCF_in_kernel : 0) |
               ((v->pause_flags & VPF_DOWN) ? 0 : VGCF_online);
    if (v->pv.vgc_flags & VGCF_failsafe_disables_events)
        c->flags |= VGCF_failsafe_disables_events;
    if (v->pv.vgc_flags & VGCF_syscall_disables_events)
        c->flags |= VGCF_syscall_disables_events;
    c->user_regs = v->user_regs;
    c->user_regs.rflags = (v->user_regs.rflags & ~EFLAGS_IOPL) | v->pv.iopl;
    c->user_regs.ds = v->pv.saved_sel[0];
    c->user_regs.es = v->pv.saved_sel[1];
    c->user_regs.fs = v->pv.saved_sel[2];
    c->user_regs.gs = v->pv.saved_sel[3];
    memcpy(c->trap_ctxt, v->pv.trap_ctxt, sizeof(c->trap_ctxt));
    c->ldt_base = v->pv.ldt_base;
    c->ldt_ents = v->pv.ldt_ents;
    for (unsigned i = 0; i < ARRAY_SIZE(v->pv.gdt_frames); i++)
        c->gdt_frames[i] = v->pv.gdt_frames[i];
    c->gdt_ents = v->pv.gdt_ents;
    c->kernel_ss = v->pv.kernel_ss;
    c->kernel_sp = v->pv.kernel_sp;
    /* CR0 as the guest reads it (ctrlreg.c): Mica's own, with the virtual TS. */
    c->ctrlreg[0] = (read_cr0() & ~CR0_TS) | (v->pv.fpu_ts ? CR0_TS : 0);
    c->ctrlreg[2] = v->pv.cr2;
    c->ctrlreg[3] = v->pv.guest_table << PAGE_SHIFT;
    c->ctrlreg[1] = v->pv.guest_table_user == INVALID_MFN ? 0 : v->pv.guest_table_user << PAGE_SHIFT;
    c->ctrlreg[4] = v->pv.cr4;
    for (unsigned i = 0; i < 4; i++)
        c->debugreg[i] = v->pv.dr[i];
    c->debugreg[6] = v->pv.dr6;
    c->debugreg[7] = v->pv.dr7;
    c->event_callback_eip = v->pv.event_callback_eip;
    c->failsafe_callback_eip = v->pv.failsafe_callback_eip;
    c->syscall_callback_eip = v->pv.syscall_callback_eip;
    c->vm_assist = v->domain->vm_assist;
    c->fs_base = v->pv.fs_base;
    c->gs_base_kernel = v->pv.gs_base_kernel;
    c->gs_base_user = v->pv.gs_base_user;
}

long pv_vcpu_initialise(struct vcpu *v, guest_ptr_t arg)
{
    struct domain *d = v->domain;
    unsigned order = 0;
    while ((PAGE_SIZE << order) < sizeof(struct vcpu_guest_context))
        order++;
    struct vcpu_guest_context *c = alloc_pages(order);
    if (!c)
        return -XEN_ENOMEM;

    long rc;
    spin_lock(&d->domain_lock);
    if (v->initialised)
        rc = -XEN_EEXIST;
    else if (copy_from_guest(c, arg, sizeof(*c)))
        rc = -XEN_EFAULT;
    else
        rc = pv_vcpu_set_context(v, c);
    spin_unlock(&d->domain_lock);
    free_pages(c, order);
    return rc;
}
