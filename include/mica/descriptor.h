/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Segment descriptors a 64-bit PV guest may put in its GDT and LDT.
 *
 * The CPU reads a guest's descriptor tables directly, so every descriptor
 * is checked before a frame may serve as a GDT/LDT page (PGT_SEG_DESC) and
 * on every update_descriptor. The rules are Xen 4.17's, for 64-bit guests:
 *  - not present: always fine (any use faults);
 *  - code and data segments: fine, no base/limit checks (64-bit mode ignores
 *    them for everything but FS/GS, whose bases are MSRs anyway); a DPL
 *    below 3 is raised to 3, because the guest kernel runs in ring 3 and a
 *    DPL 0-2 segment must never be usable to reach a more privileged ring;
 *  - system descriptors: only type 0 (the upper half of a 16-byte gate,
 *    harmless) and 64-bit call gates whose target selector is a guest one
 *    (GDT index below Mica's reserved entries, any LDT selector) or the
 *    flat guest kernel CS. A gate is stored with DPL 0 so that every use
 *    traps to the hypervisor (ring 3 kernels cannot use gates directly),
 *    with the guest's DPL kept in the target selector's RPL; its reserved
 *    bits must be zero. LDT, TSS, interrupt and trap gates are refused:
 *    they would let the guest describe hypervisor state.
 * Pure code: compiled into Mica and into the host unit tests.
 */
#ifndef MICA_DESCRIPTOR_H
#define MICA_DESCRIPTOR_H

#include <mica/types.h>

/* Bits of a descriptor's high 32 bits. */
#define SEG_TYPE_MASK   (15u << 8)
#define SEG_S           (1u << 12)      /* code/data (set) or system (clear) */
#define SEG_DPL_MASK    (3u << 13)
#define SEG_P           (1u << 15)
#define SEG_TYPE_GATE64 (12u << 8)      /* 64-bit call gate */

#define DESCS_PER_PAGE  512

/*
 * Check one descriptor. On success returns true and rewrites *desc to the
 * form the CPU may see (DPL fixed up); on failure returns false and leaves
 * *desc alone.
 */
bool desc_check(uint64_t *desc);

/*
 * Check a page of descriptors in place (each rewritten as desc_check does).
 * Returns the number of descriptors that passed before the first bad one:
 * DESCS_PER_PAGE means the page is acceptable. Entries before a bad one
 * may already have been rewritten, which is harmless: the rewrite only
 * ever makes a descriptor less privileged and is idempotent.
 */
unsigned desc_check_page(uint64_t *descs);

#endif
