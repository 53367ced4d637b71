/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The register frame built on every entry to the hypervisor. Its layout is
 * the public cpu_user_regs of the x86_64 PV ABI (the guest sees the same
 * order in vcpu_guest_context), so entry code and ABI agree on one picture.
 */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#include <mica/types.h>

struct cpu_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint32_t error_code;
    uint32_t entry_vector;
    uint64_t rip;
    uint16_t cs, _pad0[1];
    uint8_t saved_upcall_mask;
    uint8_t _pad1[3];
    uint64_t rflags;
    uint64_t rsp;
    uint16_t ss, _pad2[3];
    uint16_t es, _pad3[3];
    uint16_t ds, _pad4[3];
    uint16_t fs, _pad5[3];
    uint16_t gs, _pad6[3];
};

static inline bool regs_from_hypervisor(const struct cpu_user_regs *r)
{
    return (r->cs & 3) == 0;
}

#endif
