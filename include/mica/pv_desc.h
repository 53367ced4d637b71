/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PV guests' descriptor tables (arch/x86/pv/desc_tables.c): set_gdt,
 * update_descriptor, MMUEXT_SET_LDT and the per-vCPU GDT/LDT area.
 */
#ifndef MICA_PV_DESC_H
#define MICA_PV_DESC_H

#include <mica/domain.h>
#include <mica/types.h>

struct cpu_user_regs;

/*
 * Load v's GDT (guest frames + this CPU's reserved page) and LDT on this
 * CPU. Whoever puts a vCPU on a CPU calls it (pv_start_vcpu, and any
 * future context switch) before the vCPU's selectors can be used.
 */
void pv_load_desc_tables(struct vcpu *v);

/* Boot: what every domain's areas share (the zero page, their L2 table). */
void pv_desc_areas_init(void);
/*
 * Domain destruction, once no vCPU of d holds GDT or LDT frames any more
 * (pv_set_gdt/pv_set_ldt with nothing): the page tables of d's vCPU areas
 * go back to the heap, after a flush of every CPU.
 */
void pv_desc_areas_free(struct domain *d);

/* MMUEXT_SET_LDT for v (the current vCPU): 0 or a negative Xen errno. */
int pv_set_ldt(struct vcpu *v, uint64_t linear, unsigned int ents);

/*
 * A #PF from guest mode at addr: if it is v's LDT area (the CPU reading a
 * descriptor of an LDT page not yet mapped), map the page or pass the
 * fault on to the guest as Xen does. True when handled.
 */
bool pv_ldt_fault(struct vcpu *v, struct cpu_user_regs *regs, uint64_t addr);

/* set_gdt on any vCPU of the caller's domain (VCPUOP_initialise uses it too). */
long pv_set_gdt(struct vcpu *v, const mfn_t *frames, unsigned int entries);

#endif
