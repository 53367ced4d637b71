/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writable page tables (VMASST_TYPE_writable_pagetables): a guest kernel
 * that writes straight into one of its own L1 page tables takes a page
 * fault (the table is mapped read-only); Mica decodes the write, validates
 * the new entry like mmu_update would, applies it and steps past the
 * instruction. Not implemented yet: such writes are reported to the guest
 * as the page faults they are.
 */
#include <mica/pv_mm.h>

bool pv_ptwr_fault(struct vcpu *v, struct cpu_user_regs *regs, uint64_t addr)
{
    (void)v; (void)regs; (void)addr;
    return false;
}
