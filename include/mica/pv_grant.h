/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant mappings in a PV guest's page tables (arch/x86/pv/grant_table.c),
 * used by the grant-table glue (common/grant_table.c). Both act on the
 * current vCPU's domain and return a GNTST_* status.
 */
#ifndef MICA_PV_GRANT_H
#define MICA_PV_GRANT_H

#include <mica/domain.h>
#include <mica/types.h>

/*
 * Point the L1 entry named by addr -- a linear address, or with
 * GNTMAP_contains_pte the machine address of the entry -- at frame mfn,
 * as map_grant_ref's GNTMAP_* flags say. The PTE takes its own references
 * (pv_get_grant_entry_refs); whatever the entry held before is dropped.
 */
int16_t pv_create_grant_mapping(struct vcpu *v, uint64_t addr, mfn_t mfn,
                                uint32_t flags);
/*
 * Check that the entry named by addr still maps mfn as flags say, then
 * clear it (new_addr == 0) or move the entry found at linear new_addr
 * into it (GNTTABOP_unmap_and_replace). No TLB flush: the caller flushes
 * before it lets the grant's own references go.
 */
int16_t pv_replace_grant_mapping(struct vcpu *v, uint64_t addr, mfn_t mfn,
                                 uint64_t new_addr, uint32_t flags);

#endif
