/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The register frame built on every entry to the hypervisor is the public
 * struct cpu_user_regs of the x86_64 PV ABI (include/public/arch-x86_64.h):
 * entry code, traps, hypercalls and vcpu_guest_context share one picture.
 */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#include <public/xen.h>
#include <mica/layout.h>
#include <mica/types.h>

/* entry_vector flag: entered through SYSCALL (a hypercall or guest syscall). */
#define TRAP_syscall 0x100

static inline bool regs_from_hypervisor(const struct cpu_user_regs *r)
{
    return (r->cs & 3) == 0;
}

/* The frame of the guest that entered this CPU: always at the stack top. */
static inline struct cpu_user_regs *guest_cpu_user_regs(void)
{
    uint64_t sp;
    __asm__("mov %%rsp, %0" : "=r"(sp));
    return (struct cpu_user_regs *)((sp | (STACK_SIZE - 1)) + 1 - CPU_INFO_SIZE) - 1;
}

#endif
