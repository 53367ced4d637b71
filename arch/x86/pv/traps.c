/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PV guest CPU: delivering exceptions and events to the guest kernel
 * ("bounce frames"), the guest's virtual IDT and callbacks, the iret
 * hypercall, guest kernel/user mode switching and segment bases.
 *
 * A 64-bit PV guest runs entirely in ring 3; Mica keeps track of whether it
 * is in guest-kernel or guest-user mode. To deliver an exception or event,
 * Mica writes a frame on the guest kernel's stack, like the CPU would for a
 * ring change, and resumes the guest at its handler:
 *
 *     rsp ->  RCX, R11, [error code], RIP, CS, RFLAGS, RSP, SS
 *
 * RCX and R11 come first because SYSCALL-based guests clobber them (Linux's
 * Xen entry stubs pop them before joining the native path). CS carries the
 * saved event mask in bits 32-39, and its RPL is cleared when the guest was
 * in kernel mode, which is how the guest (and the iret hypercall) tell the
 * two modes apart. RFLAGS.IF is the inverse of the event mask: physical IF
 * is always on while a guest runs.
 */
#include <asm/desc.h>
#include <asm/extable.h>
#include <asm/regs.h>
#include <asm/x86.h>
#include <public/callback.h>
#include <public/nmi.h>
#include <public/errno.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/event.h>
#include <mica/guest_access.h>
#include <mica/hypercall.h>
#include <mica/irq.h>
#include <mica/mm.h>
#include <mica/pv.h>
#include <mica/runstate.h>
#include <mica/sched.h>
#include <mica/pv_desc.h>
#include <mica/rcu.h>
#include <mica/string.h>
#include <mica/time.h>

#define X86_EFLAGS_TF   (1UL << 8)
#define X86_EFLAGS_DF   (1UL << 10)
#define X86_EFLAGS_IOPL (3UL << 12)
#define X86_EFLAGS_NT   (1UL << 14)
#define X86_EFLAGS_RF   (1UL << 16)
#define X86_EFLAGS_VM   (1UL << 17)
#define X86_EFLAGS_AC   (1UL << 18)
#define CPUID1_EDX_SEP  (1U << 11)
#define MSR_SYSENTER_CS  0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176

struct vcpu *current_vcpu(void) { return get_cpu_info()->curr_vcpu; }
void set_current_vcpu(struct vcpu *v) { get_cpu_info()->curr_vcpu = v; }

/* Load the page tables for the vCPU's current guest mode. */
void load_guest_cr3(struct vcpu *v)
{
    mfn_t l4 = v->pv.kernel_mode ? v->pv.guest_table : v->pv.guest_table_user;
    write_cr3(l4 << PAGE_SHIFT);
}

/*
 * Kernel <-> user. The guest's two GS bases swap with the mode: while in
 * kernel mode GS_BASE holds the kernel's and SHADOW_GS the user's.
 */
void pv_toggle_guest_mode(struct vcpu *v)
{
    v->pv.kernel_mode = !v->pv.kernel_mode;
    __asm__ volatile("swapgs");
    load_guest_cr3(v);
    if (v->pv.kernel_mode)
        runstate_catch_up(v);
}

/*
 * Write a bounce frame to the guest kernel's stack and point regs at the
 * handler. Returns false (after crashing the domain) if the guest's stack
 * is unusable: a guest that cannot take its own exceptions is dead.
 */
static void create_bounce_frame(struct vcpu *v, struct cpu_user_regs *regs,
                                const struct trap_bounce *tb)
{
    struct vcpu_info *vi = v->vcpu_info;
    uint64_t sp, cs_and_mask;

    if (!v->pv.kernel_mode) {
        pv_toggle_guest_mode(v);
        sp = v->pv.kernel_sp;
        cs_and_mask = regs->cs;
    } else {
        sp = regs->rsp;
        cs_and_mask = regs->cs & ~3ULL;     /* tell the guest: kernel context */
    }
    sp &= ~0xfULL;

    uint8_t saved_mask = vi->evtchn_upcall_mask;
    if (tb->flags & TBF_INTERRUPT)
        vi->evtchn_upcall_mask = 1;
    cs_and_mask = (cs_and_mask & 0xffff) | ((uint64_t)saved_mask << 32);

    uint64_t rflags = regs->rflags & ~(X86_EFLAGS_IF | X86_EFLAGS_IOPL);
    if (!saved_mask)
        rflags |= X86_EFLAGS_IF;
    if (vm_assist(v->domain, VMASST_TYPE_architectural_iopl))
        rflags |= v->pv.iopl;

    uint64_t frame[8];
    unsigned n = 0;
    frame[n++] = regs->rcx;
    frame[n++] = regs->r11;
    if (tb->flags & TBF_EXCEPTION_ERRCODE)
        frame[n++] = tb->error_code;
    frame[n++] = regs->rip;
    frame[n++] = cs_and_mask;
    frame[n++] = rflags;
    frame[n++] = regs->rsp;
    frame[n++] = regs->ss;
    sp -= n * 8;

    if (!tb->eip)
        domain_crash(v->domain, "no handler registered for a bounce");
    if (copy_to_guest(sp, frame, n * 8))
        domain_crash(v->domain, "guest kernel stack not writable for a bounce frame");

    regs->entry_vector &= ~TRAP_syscall;
    regs->rflags &= ~(X86_EFLAGS_AC | X86_EFLAGS_VM | X86_EFLAGS_RF | X86_EFLAGS_NT | X86_EFLAGS_TF);
    regs->ss = FLAT_KERNEL_SS;
    regs->rsp = sp;
    regs->cs = FLAT_KERNEL_CS;
    regs->rip = tb->eip;
}

/* Queue exception 'vector' for delivery through the guest's trap table. */
void pv_inject_exception(struct vcpu *v, unsigned vector, int error_code)
{
    const struct trap_info *ti = &v->pv.trap_ctxt[vector];
    struct trap_bounce *tb = &v->trap_bounce;

    if (!ti->address) {
        pr_err("d%u: unhandled exception %u (error code %#x) at %#lx: no handler\n",
               v->domain->domain_id, vector, error_code, guest_cpu_user_regs()->rip);
        domain_crash(v->domain, "exception with no guest handler");
    }
    tb->flags = TBF_EXCEPTION;
    tb->eip = ti->address;
    if (error_code >= 0) {
        tb->flags |= TBF_EXCEPTION_ERRCODE;
        tb->error_code = (uint32_t)error_code;
    }
    if (TI_GET_IF(ti))
        tb->flags |= TBF_INTERRUPT;
}

void pv_set_cr2(struct vcpu *v, uint64_t cr2)
{
    /* Xen keeps both: MOV from CR2 reads the vCPU's, the guest may read vcpu_info's. */
    v->pv.cr2 = cr2;
    v->vcpu_info->arch.cr2 = cr2;
}

void pv_inject_page_fault(struct vcpu *v, uint64_t addr, uint32_t error_code)
{
    pv_set_cr2(v, addr);
    pv_inject_exception(v, 14, (int)error_code);
}

/*
 * A software interrupt (INT n) arrives as #GP with error code n*8+2
 * (IDT entry, DPL too low). The guest may use it if its virtual IDT allows:
 * the guest kernel always, guest user only for DPL 3 gates.
 */
static bool softint_permitted(struct vcpu *v, unsigned vector)
{
    /* The error code is the guest's doing: never trust it as an index. */
    if (vector >= ARRAY_SIZE(v->pv.trap_ctxt))
        return false;
    const struct trap_info *ti = &v->pv.trap_ctxt[vector];
    unsigned dpl = TI_GET_DPL(ti);
    return ti->address && (v->pv.kernel_mode || dpl == 3);
}

/*
 * INT $0x80 has a DPL-3 gate in Mica's IDT (as Xen's "int80 direct trap"),
 * so guest user syscalls through it arrive here without a #GP. The guest
 * gets it if its own gate allows, else the #GP it would have had.
 */
void pv_int80(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    if (softint_permitted(v, 0x80)) {
        pv_inject_exception(v, 0x80, -1);
        return;
    }
    regs->rip -= 2;
    pv_inject_exception(v, 13, (0x80 << 3) | 2);
}

void pv_do_guest_trap(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    unsigned vec = regs->entry_vector;

    switch (vec) {
    case 14: {
        uint64_t cr2 = read_cr2();
        if (pv_handle_page_fault(v, regs, cr2))
            return;
        /* The guest kernel runs in ring 3; it is told "supervisor" as on native (as Xen). */
        uint32_t ec = regs->error_code;
        if (v->pv.kernel_mode)
            ec &= ~4u;
        pv_inject_page_fault(v, cr2, ec);
        return;
    }
    case 13:
        if ((regs->error_code & 3) == 2 && softint_permitted(v, regs->error_code >> 3)) {
            regs->rip += 2;     /* past INT n */
            pv_inject_exception(v, regs->error_code >> 3, -1);
            return;
        }
        if (regs->error_code == 0 && pv_emulate_privileged_op(v, regs))
            return;
        pv_inject_exception(v, 13, (int)regs->error_code);
        return;
    case 6:
        if (pv_emulate_forced_op(v, regs))
            return;
        pv_inject_exception(v, 6, -1);
        return;
    case 8: case 10: case 11: case 12: case 17:
        pv_inject_exception(v, vec, (int)regs->error_code);
        return;
    case 1:     /* DR6 bookkeeping first (arch/x86/pv/debugreg.c) */
        pv_debug_trap(v, regs);
        return;
    case 7:     /* the virtual CR0.TS (arch/x86/pv/fpu.c) */
        pv_nm_trap(v, regs);
        return;
    case 2: case 18:
        /* NMI and #MC from guest context: not virtualised yet. */
        pr_warn("d%u: %s while the guest ran; ignored\n", v->domain->domain_id,
                vec == 2 ? "NMI" : "machine check");
        return;
    default:
        pv_inject_exception(v, vec, -1);
        return;
    }
}

/*
 * Deliver what is pending before returning to the guest. Interrupts are
 * off on entry and on return; they are turned on around the work so a long
 * delivery does not hold off the timer.
 */
void pv_exit_prepare(struct cpu_user_regs *regs)
{
    /* Nothing looked up during this entry is held any more (mica/rcu.h). */
    rcu_quiescent();
    /* Another vCPU's turn? Then this does not return: that one leaves instead. */
    sched_maybe_switch();
    struct vcpu *v = current;
    for (;;) {
        if (v->timer_virq_due) {
            sti();
            timer_deliver(v);
            cli();
            continue;
        }
        if (irq_work_pending()) {       /* device interrupts' events (arch/x86/irq.c) */
            sti();
            irq_do_deferred();
            cli();
            continue;
        }
        if (v->trap_bounce.flags & TBF_EXCEPTION) {
            sti();
            create_bounce_frame(v, regs, &v->trap_bounce);
            v->trap_bounce.flags = 0;
            cli();
            continue;
        }
        struct vcpu_info *vi = v->vcpu_info;
        if (vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask) {
            struct trap_bounce tb = { .flags = TBF_INTERRUPT, .eip = v->pv.event_callback_eip };
            sti();
            create_bounce_frame(v, regs, &tb);
            cli();
            continue;
        }
        break;
    }
    /* Whatever the guest asked for, it runs at CPL 3 with interrupts on. */
    regs->cs |= 3;
    regs->ss |= 3;
    regs->rflags = (regs->rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM | X86_EFLAGS_NT)) | X86_EFLAGS_IF;
}

/*
 * A guest SYSCALL that is not a hypercall goes to the guest kernel's
 * callback for its mode. As Xen 4.17 for a 64-bit guest, whether events
 * are masked follows VGCF_syscall_disables_events for both the 64-bit and
 * the 32-bit callback (syscall32's own flag is only used for 32-bit
 * guests). Without a callback the guest sees #UD at the SYSCALL
 * instruction, and DF is left as it was.
 */
static void bounce_syscall(struct vcpu *v, struct cpu_user_regs *regs, uint64_t eip)
{
    struct trap_bounce tb = { .eip = eip };
    if (v->pv.vgc_flags & VGCF_syscall_disables_events)
        tb.flags |= TBF_INTERRUPT;
    if (!tb.eip) {
        regs->rip -= 2;
        pv_inject_exception(v, 6, -1);
        return;
    }
    create_bounce_frame(v, regs, &tb);
    regs->rflags &= ~X86_EFLAGS_DF;     /* the PV ABI's fixed SYSCALL_MASK */
}

/* SYSCALL from 64-bit code: a hypercall from the kernel, a syscall from user. */
void pv_syscall_entry(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;

    if (v->pv.kernel_mode) {
        hypercall_dispatch(regs);
        return;
    }
    bounce_syscall(v, regs, v->pv.syscall_callback_eip);
}

/* SYSCALL from 32-bit code (CSTAR), in either guest mode, as on Xen. */
void pv_syscall32_entry(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    bounce_syscall(v, regs, v->pv.syscall32_callback_eip);
}

/*
 * SYSENTER (Intel CPUs allow it in compatibility and 64-bit mode). The frame
 * has no RIP or RSP (see entry.S); the guest gets its sysenter callback or,
 * without one, #GP(0) at that empty frame, as on Xen.
 */
void pv_sysenter_entry(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    struct trap_bounce tb = { .eip = v->pv.sysenter_callback_eip };

    if (!tb.eip) {
        pv_inject_exception(v, 13, 0);
        return;
    }
    if (v->pv.sysenter_disables_events)
        tb.flags |= TBF_INTERRUPT;
    create_bounce_frame(v, regs, &tb);
}

/* ---- hypercalls ------------------------------------------------------- */

long do_set_trap_table(guest_ptr_t traps)
{
    struct vcpu *v = current;
    struct trap_info ti;

    /* A NULL table clears the whole virtual IDT (as Xen). */
    if (!traps) {
        memset(v->pv.trap_ctxt, 0, sizeof(v->pv.trap_ctxt));
        return 0;
    }
    /* Entries are applied one by one; an error leaves earlier ones in place. */
    for (;; traps += sizeof(ti)) {
        if (copy_from_guest(&ti, traps, sizeof(ti)))
            return -XEN_EFAULT;
        if (ti.address == 0)
            break;      /* the table ends with a zero address */
        if (!pv_is_canonical(ti.address))
            return -XEN_EINVAL;
        ti.cs = FLAT_KERNEL_CS;     /* the guest's code selector is always the flat one */
        v->pv.trap_ctxt[ti.vector] = ti;
    }
    return 0;
}

long do_stack_switch(unsigned long ss, unsigned long esp)
{
    struct vcpu *v = current;
    /* Segments are flat in 64-bit mode: the selector is recorded, not checked. */
    v->pv.kernel_ss = ss;
    v->pv.kernel_sp = esp;
    return 0;
}

/*
 * The NMI callback is vector 2 of the virtual IDT, delivered with events
 * masked; callback_op and nmi_op both come here. Xen 4.17 accepts it from
 * any vCPU of any domain despite nmi.h's "dom0 vCPU 0 only" (it only
 * re-raises a pending hardware NMI for vCPU 0, and Mica forwards none).
 */
static long register_nmi_callback(struct vcpu *v, uint64_t address)
{
    struct trap_info *t = &v->pv.trap_ctxt[2];

    if (!pv_is_canonical(address))
        return -XEN_EINVAL;
    t->vector = 2;
    t->flags = 0;
    TI_SET_IF(t, 1);
    t->cs = FLAT_KERNEL_CS;
    t->address = address;
    return 0;
}

static void unregister_nmi_callback(struct vcpu *v)
{
    memset(&v->pv.trap_ctxt[2], 0, sizeof(v->pv.trap_ctxt[2]));
}

long pv_register_callback(struct vcpu *v, const struct callback_register *reg)
{
    bool mask_events = reg->flags & CALLBACKF_mask_events;

    if (!pv_is_canonical(reg->address))
        return -XEN_EINVAL;
    switch (reg->type) {
    case CALLBACKTYPE_event:
        v->pv.event_callback_eip = reg->address;
        return 0;
    case CALLBACKTYPE_failsafe:
        v->pv.failsafe_callback_eip = reg->address;
        v->pv.vgc_flags = mask_events ? v->pv.vgc_flags | VGCF_failsafe_disables_events
                                      : v->pv.vgc_flags & ~VGCF_failsafe_disables_events;
        return 0;
    case CALLBACKTYPE_syscall:
        v->pv.syscall_callback_eip = reg->address;
        v->pv.vgc_flags = mask_events ? v->pv.vgc_flags | VGCF_syscall_disables_events
                                      : v->pv.vgc_flags & ~VGCF_syscall_disables_events;
        return 0;
    case CALLBACKTYPE_syscall32:
        v->pv.syscall32_callback_eip = reg->address;
        v->pv.syscall32_disables_events = mask_events;  /* recorded; see bounce_syscall() */
        return 0;
    case CALLBACKTYPE_sysenter:
        v->pv.sysenter_callback_eip = reg->address;
        v->pv.sysenter_disables_events = mask_events;
        return 0;
    case CALLBACKTYPE_nmi:
        return register_nmi_callback(v, reg->address);
    default:
        return -XEN_ENOSYS;
    }
}

long do_set_callbacks(unsigned long event, unsigned long failsafe, unsigned long syscall)
{
    struct vcpu *v = current;
    /* As Xen: each is registered on its own and errors are not reported. */
    struct callback_register r;
    r = (struct callback_register){ .type = CALLBACKTYPE_event, .address = event };
    pv_register_callback(v, &r);
    r = (struct callback_register){ .type = CALLBACKTYPE_failsafe, .address = failsafe };
    pv_register_callback(v, &r);
    r = (struct callback_register){ .type = CALLBACKTYPE_syscall, .address = syscall };
    pv_register_callback(v, &r);
    return 0;
}

long do_callback_op(int cmd, guest_ptr_t arg)
{
    struct vcpu *v = current;

    switch (cmd) {
    case CALLBACKOP_register: {
        struct callback_register reg;
        if (copy_from_guest(&reg, arg, sizeof(reg)))
            return -XEN_EFAULT;
        return pv_register_callback(v, &reg);
    }
    case CALLBACKOP_unregister: {
        struct callback_unregister unreg;
        if (copy_from_guest(&unreg, arg, sizeof(unreg)))
            return -XEN_EFAULT;
        switch (unreg.type) {
        case CALLBACKTYPE_event: case CALLBACKTYPE_failsafe: case CALLBACKTYPE_syscall:
        case CALLBACKTYPE_syscall32: case CALLBACKTYPE_sysenter:
            return -XEN_EINVAL;     /* these cannot be taken away, only replaced */
        case CALLBACKTYPE_nmi:
            unregister_nmi_callback(v);
            return 0;
        default:
            return -XEN_ENOSYS;
        }
    }
    default:
        return -XEN_ENOSYS;
    }
}

/* nmi_op: the older interface to the NMI callback (include/public/nmi.h). */
long do_nmi_op(unsigned int cmd, guest_ptr_t arg)
{
    struct vcpu *v = current;

    switch (cmd) {
    case XENNMI_register_callback: {
        struct xennmi_callback cb;
        if (copy_from_guest(&cb, arg, sizeof(cb)))
            return -XEN_EFAULT;
        return register_nmi_callback(v, cb.handler_address);
    }
    case XENNMI_unregister_callback:
        unregister_nmi_callback(v);     /* arg is unused, as on Xen */
        return 0;
    default:
        return -XEN_ENOSYS;
    }
}

long do_iret(void)
{
    struct cpu_user_regs *regs = guest_cpu_user_regs();
    struct vcpu *v = current;
    struct iret_context ic;

    if (copy_from_guest(&ic, regs->rsp, sizeof(ic)))
        domain_crash(v->domain, "iret: frame not readable on the guest stack");

    /* An RPL-3 CS means "back to user mode". */
    if ((ic.cs & 3) == 3) {
        if (v->pv.guest_table_user == INVALID_MFN)
            domain_crash(v->domain, "iret to user mode without user page tables");
        pv_toggle_guest_mode(v);
    }
    if (vm_assist(v->domain, VMASST_TYPE_architectural_iopl))
        v->pv.iopl = ic.rflags & X86_EFLAGS_IOPL;

    regs->rip = ic.rip;
    regs->cs = ic.cs | 3;
    regs->rflags = (ic.rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) | X86_EFLAGS_IF;
    regs->rsp = ic.rsp;
    regs->ss = ic.ss | 3;
    if (!(ic.flags & VGCF_in_syscall)) {
        regs->entry_vector &= ~TRAP_syscall;
        regs->r11 = ic.r11;
        regs->rcx = ic.rcx;
    }
    v->vcpu_info->evtchn_upcall_mask = !(ic.rflags & X86_EFLAGS_IF);
    return (long)ic.rax;
}

long do_set_segment_base(unsigned int which, unsigned long base)
{
    struct vcpu *v = current;

    switch (which) {
    case SEGBASE_FS:
        if (!pv_is_canonical(base))
            return -XEN_EINVAL;
        wrmsr(MSR_FS_BASE, base);
        v->pv.fs_base = base;
        return 0;
    case SEGBASE_GS_USER:
        if (!pv_is_canonical(base))
            return -XEN_EINVAL;
        wrmsr(MSR_SHADOW_GS, base);
        v->pv.gs_base_user = base;
        return 0;
    case SEGBASE_GS_KERNEL:
        if (!pv_is_canonical(base))
            return -XEN_EINVAL;
        wrmsr(MSR_GS_BASE, base);
        v->pv.gs_base_kernel = base;
        return 0;
    case SEGBASE_GS_USER_SEL: {
        /*
         * Load the user GS selector: swap to the user GS, load it (which
         * zeroes the base for a null selector), swap back. Non-null
         * selectors get RPL 3. A bad selector faults; the fixup loads the
         * null selector and the call still succeeds, as on Xen (Linux
         * BUG()s if it fails; callers that care re-read %gs).
         */
        uint16_t sel = (uint16_t)base;
        if (sel > 3)
            sel |= 3;
        __asm__ volatile("swapgs\n"
                         "1: movw %w0, %%gs\n"
                         "2: swapgs\n"
                         ".pushsection .fixup, \"ax\"\n"
                         "3: xorl %k0, %k0\n"
                         "   movw %w0, %%gs\n"
                         "   jmp 2b\n"
                         ".popsection\n"
                         _ASM_EXTABLE(1b, 3b)
                         : "+r"(sel));
        v->pv.gs_base_user = rdmsr(MSR_SHADOW_GS);
        return 0;
    }
    default:
        return -XEN_EINVAL;
    }
}

/*
 * Program this CPU's SYSCALL and SYSENTER entries: STAR selectors, the
 * LSTAR and CSTAR stubs, the flags mask, and SYSENTER's CS, RSP and RIP.
 */
void pv_cpu_init(unsigned int cpu)
{
    extern char syscall_stubs[], cstar_stubs[], sysenter_entry[], cpu_stacks[];
    /* SYSRET would load CS = base+16 (0xe033), SS = base+8 (0xe02b). */
    wrmsr(MSR_STAR, ((uint64_t)FLAT_RING3_CS32 << 48) | ((uint64_t)HYPERVISOR_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_stubs + 32 * cpu);
    wrmsr(MSR_CSTAR, (uint64_t)cstar_stubs + 32 * cpu);
    /* Entered with interrupts, traps, direction and alignment checks off. */
    wrmsr(MSR_SYSCALL_MASK, X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_NT |
                            X86_EFLAGS_AC | X86_EFLAGS_RF | X86_EFLAGS_IOPL);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    /*
     * SYSENTER switches to SYSENTER_CS (SS = CS + 8, Mica's data segment)
     * with RSP = the end of this CPU's guest frame, the same point as
     * TSS.rsp0 and the SYSCALL stubs, so entry.S can build the frame in place.
     * As Xen 4.17, only where SYSENTER works in long mode: Intel and the
     * Centaur/Zhaoxin parts; Xen drops SEP for AMD, Hygon and unknown
     * vendors, whose SYSENTER then faults at the guest's instruction (#UD
     * on AMD hardware, #GP(0) with the MSRs unset under QEMU TCG).
     */
    struct cpuid_regs vendor = cpuid(0);
    bool long_mode_sysenter = vendor.ebx == 0x756e6547 /* "GenuineIntel" */ ||
                              vendor.ebx == 0x746e6543 /* "CentaurHauls" */ ||
                              vendor.ebx == 0x68532020 /* "  Shanghai  " */;
    if (long_mode_sysenter && (cpuid(1).edx & CPUID1_EDX_SEP)) {
        wrmsr(MSR_SYSENTER_CS, HYPERVISOR_CS);
        wrmsr(MSR_SYSENTER_ESP, (uint64_t)cpu_stacks + (cpu + 1) * STACK_SIZE - CPU_INFO_SIZE -
                                GUEST_FRAME_SEGS);
        wrmsr(MSR_SYSENTER_EIP, (uint64_t)sysenter_entry);
    }
}

/*
 * The exit IRETQ faulted on the guest's frame (see entry.S). Xen 4.17 treats
 * that fault as the guest's own exception at the frame it asked for: #GP
 * (or #NP, #SS) with the CPU's error code goes to the guest kernel's
 * handler, whose bounce frame shows the refused RIP and CS. The failsafe
 * callback is not involved (Xen uses it only when reloading data segment
 * selectors fails on a context switch, which Mica never does: it does not
 * switch a vCPU's segment state out). Only a guest with no handler for the
 * exception dies, and Mica says why.
 */
void pv_iret_fault(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    uint64_t info = get_cpu_info()->iret_fault;
    unsigned int vec = info & 0xff;

    regs->entry_vector = vec;
    regs->error_code = (uint32_t)(info >> 32);
    if (!v->pv.trap_ctxt[vec].address) {
        console_force_unlock();
        console_force("d%u: cannot return to the guest: rip %016lx cs %04x rflags %016lx rsp %016lx ss %04x\n",
                      v->domain->domain_id, regs->rip, (unsigned)regs->cs & 0xffff, regs->rflags, regs->rsp,
                      (unsigned)regs->ss & 0xffff);
        domain_crash(v->domain, "bad selector or address in its return frame");
    }
    pv_do_guest_trap(regs);     /* as for any exception from the guest */
}
