/* SPDX-License-Identifier: GPL-2.0-only */
/* PV MMU internals shared by mm.c, mm_ops.c and ptwr.c. */
#ifndef MICA_PV_MM_H
#define MICA_PV_MM_H

#include <mica/domain.h>
#include <mica/types.h>

struct cpu_user_regs;

/* An L1 entry as Mica stores it: _PAGE_USER (and Xen's kernel marker) forced on. */
uint64_t pv_adjust_entry(uint64_t e);
/* The same for L2-L4 entries: _PAGE_USER only. */
uint64_t pv_adjust_upper_entry(uint64_t e);

/* Xen's DOMID_IO: the frame owner that stands for I/O memory (mm.c). */
extern struct domain pv_dom_io;
/* Flags a guest may not set in an entry of a table of 'type'; 0 or -XEN_EINVAL. */
int pv_check_entry(uint64_t e, uint64_t type);
/*
 * References an entry of a table of 'type' owned by d holds; 0 or a
 * negative Xen errno. An L1 entry's frame must be pg_owner's (d itself,
 * another domain named by a privileged caller, or &pv_dom_io for I/O
 * memory); entries of upper levels name tables of d.
 */
int pv_get_entry_refs(uint64_t e, uint64_t type, struct domain *d, struct domain *pg_owner);
void pv_put_entry_refs(uint64_t e, uint64_t type);
/* The references a grant PTE holds (an L1 entry of the granter's frame,
 * see mm.c); 0 or -XEN_EINVAL/-XEN_EBUSY. Dropped by pv_put_entry_refs(). */
int pv_get_grant_entry_refs(uint64_t e);
/* The L1 slot mapping va in v's current page tables (NULL if none); the L1's
 * page in *l1pg, no reference taken (mm_ops.c). */
uint64_t *guest_l1e_slot(struct vcpu *v, uint64_t va, struct page_info **l1pg);
/*
 * Replace entry *slot (in a validated table of 'type' owned by d) with
 * 'val', taking the new entry's references (an L1 entry's frame must be
 * pg_owner's, see pv_get_entry_refs) and dropping the old one's; an entry
 * that keeps its frame and changes only flags that do not matter for
 * safety (A/D, NX, USER, GLOBAL, software bits) is stored as it is, as
 * Xen's fast path does, whoever owns the frame. Returns 0 or a negative
 * Xen errno. No TLB flush: a guest that removes or weakens a mapping
 * flushes itself, as on Xen and on hardware; what its stale entries could
 * reach is made harmless by the TLB-flush clock (arch/x86/flushtlb.c): a
 * frame whose last reference or type reference goes is stamped, and is
 * neither reused nor retyped before every CPU that may still hold a
 * translation to it has flushed.
 */
int pv_update_entry(struct domain *d, struct domain *pg_owner, uint64_t *slot, uint64_t type,
                    unsigned idx, uint64_t val, bool preserve_ad);
/* Switch v's kernel (or user) base pointer to the L4 at mfn, as
 * MMUEXT_NEW_(USER_)BASEPTR (also MOV to CR3); 0 or -XEN_EINVAL. */
int new_baseptr(struct vcpu *v, mfn_t mfn, bool user);
/* Writable page-table emulation; true when the fault was a PTE write handled. */
bool pv_ptwr_fault(struct vcpu *v, struct cpu_user_regs *regs, uint64_t addr);

#endif
