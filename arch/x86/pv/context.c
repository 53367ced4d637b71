/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Putting a vCPU on this CPU and taking it off (the scheduler's context
 * switch, common/schedule.c).
 *
 * A running PV vCPU owns more of the CPU than its saved frame: its page
 * tables, its GDT/LDT, the data segment selectors and FS/GS bases it
 * loaded (a PV kernel loads them itself; with CR4.FSGSBASE it may also
 * write the bases directly), its FPU/SSE/AVX registers, XCR0, CR0.TS, its
 * debug registers and the CR4 bits it controls. Switching out saves what
 * the guest can change behind Mica's back; switching in loads all of it,
 * copies the saved frame to the top of this CPU's stack and leaves through
 * exit_to_guest, so the stack starts afresh for every vCPU.
 *
 * Data segment selectors that no longer load (the guest changed its GDT or
 * LDT underneath) are loaded as null. Xen would call the guest's failsafe
 * callback instead; Linux does not rely on either.
 */
#include <asm/desc.h>
#include <asm/extable.h>
#include <mica/console.h>
#include <asm/regs.h>
#include <asm/x86.h>
#include <mica/domain.h>
#include <mica/event.h>
#include <mica/mm.h>
#include <mica/pv.h>
#include <mica/pv_desc.h>
#include <mica/runstate.h>
#include <mica/sched.h>
#include <mica/time.h>

extern void __noreturn start_guest(struct cpu_user_regs *frame);
extern void __noreturn reset_stack_and_call(void *stack_top, void (*fn)(void));

static uint16_t read_sel(int which)
{
    uint16_t sel;
    switch (which) {
    case 0: __asm__ volatile("mov %%ds, %0" : "=r"(sel)); break;
    case 1: __asm__ volatile("mov %%es, %0" : "=r"(sel)); break;
    case 2: __asm__ volatile("mov %%fs, %0" : "=r"(sel)); break;
    default: __asm__ volatile("mov %%gs, %0" : "=r"(sel)); break;
    }
    return sel;
}

/* Load a data selector; one that faults is loaded as null (see above). */
#define LOAD_SEL(seg, val)                                              \
    __asm__ volatile("1: mov %w0, %%" seg "\n"                          \
                     "2:\n"                                             \
                     ".pushsection .fixup, \"ax\"\n"                    \
                     "3: xorl %k0, %k0\n"                               \
                     "   mov %w0, %%" seg "\n"                          \
                     "   jmp 2b\n"                                      \
                     ".popsection\n"                                    \
                     _ASM_EXTABLE(1b, 3b)                               \
                     : "+r"(val))

void pv_save_vcpu(struct vcpu *v)
{
    v->user_regs = *guest_cpu_user_regs();
    v->pv.saved_sel[0] = read_sel(0);
    v->pv.saved_sel[1] = read_sel(1);
    v->pv.saved_sel[2] = read_sel(2);
    v->pv.saved_sel[3] = read_sel(3);
    v->pv.fs_base = rdmsr(MSR_FS_BASE);
    /* GS_BASE is the active mode's base; SHADOW_GS the other mode's. */
    uint64_t active = rdmsr(MSR_GS_BASE), other = rdmsr(MSR_SHADOW_GS);
    v->pv.gs_base_kernel = v->pv.kernel_mode ? active : other;
    v->pv.gs_base_user = v->pv.kernel_mode ? other : active;
    pv_fpu_save(v);
}

void __noreturn pv_run_vcpu(struct vcpu *v)
{
    cli();
    set_current_vcpu(v);
    if (!v->has_run) {
        v->has_run = true;
        if (v->periodic_period)
            v->periodic_next = now_ns() + v->periodic_period;
        update_wallclock(v->domain);
    }
    load_guest_cr3(v);
    pv_load_cr4(v);
    pv_load_desc_tables(v);     /* its GDT/LDT, before any of its selectors is loaded */
    uint16_t ds = v->pv.saved_sel[0], es = v->pv.saved_sel[1];
    uint16_t fs = v->pv.saved_sel[2], gs = v->pv.saved_sel[3];
    LOAD_SEL("ds", ds);
    LOAD_SEL("es", es);
    LOAD_SEL("fs", fs);
    LOAD_SEL("gs", gs);
    /* Selector loads set the bases from descriptors: the saved bases go on top. */
    wrmsr(MSR_FS_BASE, v->pv.fs_base);
    wrmsr(MSR_GS_BASE, v->pv.kernel_mode ? v->pv.gs_base_kernel : v->pv.gs_base_user);
    wrmsr(MSR_SHADOW_GS, v->pv.kernel_mode ? v->pv.gs_base_user : v->pv.gs_base_kernel);
    pv_fpu_load(v);
    pv_load_debugregs(v);
    update_vcpu_time(&v->vcpu_info->time);
    runstate_change(v, RUNSTATE_running);
    timer_reprogram();
    struct cpu_user_regs *frame = guest_cpu_user_regs();
    *frame = v->user_regs;
    start_guest(frame);
}

void __noreturn pv_enter_idle(void)
{
    cli();
    set_current_vcpu(NULL);
    /* Off the last guest's page tables: that domain may be destroyed while we idle. */
    write_cr3(virt_to_maddr(idle_page_table()));
    timer_reprogram();
    reset_stack_and_call(guest_cpu_user_regs(), sched_idle);
}
