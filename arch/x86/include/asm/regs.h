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

/* A general register by its encoding number (rax rcx rdx rbx rsp rbp rsi rdi r8-r15). */
static inline uint64_t *regs_gpr(struct cpu_user_regs *r, unsigned n)
{
    switch (n & 15) {
    case 0: return &r->rax;  case 1: return &r->rcx;  case 2: return &r->rdx;
    case 3: return &r->rbx;  case 4: return &r->rsp;  case 5: return &r->rbp;
    case 6: return &r->rsi;  case 7: return &r->rdi;  case 8: return &r->r8;
    case 9: return &r->r9;   case 10: return &r->r10; case 11: return &r->r11;
    case 12: return &r->r12; case 13: return &r->r13; case 14: return &r->r14;
    default: return &r->r15;
    }
}

/* The frame of the guest that entered this CPU: always at the stack top. */
static inline struct cpu_user_regs *guest_cpu_user_regs(void)
{
    uint64_t sp;
    __asm__("mov %%rsp, %0" : "=r"(sp));
    return (struct cpu_user_regs *)((sp | (STACK_SIZE - 1)) + 1 - CPU_INFO_SIZE) - 1;
}

#endif
