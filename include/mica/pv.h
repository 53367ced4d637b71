/* SPDX-License-Identifier: GPL-2.0-only */
/* The PV guest CPU and MMU interfaces shared between arch/x86/pv files. */
#ifndef MICA_PV_H
#define MICA_PV_H

#include <public/xen.h>
#include <mica/domain.h>
#include <mica/guest_access.h>
#include <mica/types.h>

struct cpu_user_regs;

static inline bool pv_is_canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

void pv_cpu_init(unsigned int cpu);
void pv_toggle_guest_mode(struct vcpu *v);
void pv_do_guest_trap(struct cpu_user_regs *regs);
void pv_int80(struct cpu_user_regs *regs);
/* Guest entries from arch/x86/entry.S: SYSCALL from 64-bit code (LSTAR),
 * from 32-bit code (CSTAR), and SYSENTER. */
void pv_syscall_entry(struct cpu_user_regs *regs);
void pv_syscall32_entry(struct cpu_user_regs *regs);
void pv_sysenter_entry(struct cpu_user_regs *regs);
/* The exit IRETQ refused the guest's frame (arch/x86/entry.S): the CPU's
 * exception goes to the guest, or the domain dies. regs is that frame. */
void pv_iret_fault(struct cpu_user_regs *regs);
void pv_inject_exception(struct vcpu *v, unsigned vector, int error_code);
void pv_inject_page_fault(struct vcpu *v, uint64_t addr, uint32_t error_code);
/* Enter the guest for the first time on this CPU (does not return). */
/* Context switch (arch/x86/pv/context.c): save the vCPU leaving this CPU, */
void pv_save_vcpu(struct vcpu *v);
/* run one (never returns), or idle (never returns). */
void __noreturn pv_run_vcpu(struct vcpu *v);
void __noreturn pv_enter_idle(void);
/* The page tables of the vCPU's current guest mode into CR3 (traps.c). */
void load_guest_cr3(struct vcpu *v);
/* FPU registers out of the hardware into the vCPU's save area (fpu.c), */
void pv_fpu_save(struct vcpu *v);
/* and a new vCPU's area: every register in its initial state. */
void pv_fpu_vcpu_init(struct vcpu *v);

/* Emulation (arch/x86/pv/emulate.c): true when the instruction was handled. */
bool pv_emulate_privileged_op(struct vcpu *v, struct cpu_user_regs *regs);
bool pv_emulate_forced_op(struct vcpu *v, struct cpu_user_regs *regs);
void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

/* Control registers (arch/x86/pv/ctrlreg.c): MOV CRn; false means #GP(0). */
bool pv_read_cr(struct vcpu *v, unsigned int cr, uint64_t *val);
bool pv_write_cr(struct vcpu *v, unsigned int cr, uint64_t val);
/* The CR4 the guest sees (its own bits and the visible hardware ones). */
uint64_t pv_guest_cr4(const struct vcpu *v);
/* The vCPU's CR2, and vcpu_info's copy of it (arch/x86/pv/traps.c). */
void pv_set_cr2(struct vcpu *v, uint64_t cr2);

/* Port I/O (arch/x86/pv/ioport.c): IN/OUT/INS/OUTS at rip; true when handled. */
bool pv_emulate_io(struct vcpu *v, struct cpu_user_regs *regs, const uint8_t *insn, unsigned int len);

/* Debug registers (arch/x86/pv/debugreg.c). */
void pv_debugreg_vcpu_init(struct vcpu *v);
void pv_load_debugregs(const struct vcpu *v);
void pv_debug_trap(struct vcpu *v, struct cpu_user_regs *regs);     /* #DB from the guest */
void pv_debug_in_hypervisor(struct cpu_user_regs *regs);            /* #DB while Mica ran */

/* FPU (arch/x86/pv/fpu.c). */
void pv_fpu_cpu_init(void);
void pv_fpu_load(const struct vcpu *v);
void pv_nm_trap(struct vcpu *v, struct cpu_user_regs *regs);        /* #NM from the guest */
void pv_emulate_clts(struct vcpu *v);
long do_fpu_taskswitch(int set);        /* the hypercall; MOV to CR0 shares it */
bool pv_emulate_xsetbv(struct vcpu *v, uint32_t index, uint64_t val);

/* PV MMU (arch/x86/pv/mm.c). */
bool pv_handle_page_fault(struct vcpu *v, struct cpu_user_regs *regs, uint64_t addr);
void pv_mm_init(void);
/* Copy Mica's L4 slots (256-271) into a guest L4. */
void pv_init_guest_l4(uint64_t *l4);

/* May the vCPU's current mode do what IOPL guards (port I/O, CLI/STI)? */
bool pv_iopl_ok(const struct vcpu *v);

/* Virtual MCA MSRs: 1 handled, 0 not an MCA MSR, -1 #GP (arch/x86/pv/vmce.c). */
int pv_vmce_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val);
int pv_vmce_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val);

/* Load the hardware CR4 bits the running vCPU controls (ctrlreg.c). */
void pv_load_cr4(const struct vcpu *v);

struct callback_register;
/* CALLBACKOP_register for any vCPU of the domain (traps.c). */
long pv_register_callback(struct vcpu *v, const struct callback_register *reg);
/* VCPUOP_initialise: a vCPU's first context (arch/x86/pv/vcpu_context.c). */
long pv_vcpu_initialise(struct vcpu *v, guest_ptr_t arg);
/*
 * The same validation and loading for a context already in Mica's memory
 * (XEN_DOMCTL_setvcpucontext; caller holds the domain's domain_lock, v not
 * running), and the reverse (XEN_DOMCTL_getvcpucontext).
 */
long pv_vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *c);
/* Fill a page with the 64-bit PV hypercall stubs (arch/x86/pv/dom0_build.c). */
void pv_write_hypercall_page(void *page);
void pv_vcpu_get_context(const struct vcpu *v, struct vcpu_guest_context *c);

#endif
