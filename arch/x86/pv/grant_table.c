/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant mappings in a PV guest's own page tables: the PTE half of
 * GNTTABOP_map_grant_ref / unmap_grant_ref / unmap_and_replace with
 * GNTMAP_host_map. Behaviour follows Xen 4.17's arch/x86/pv/grant_table.c:
 *
 *  - the entry is named by linear address (walked in the current page
 *    tables) or, with GNTMAP_contains_pte, by its machine address, which
 *    must be 8-byte aligned and inside a frame of the caller's that is in
 *    use as an L1 table; anything else is GNTST_general_error;
 *  - a grant PTE is present, accessed, dirty and NX; writable unless
 *    GNTMAP_readonly; the GNTMAP_guest_avail bits land in the PTE's three
 *    available bits; Mica adds _PAGE_USER as for every guest entry;
 *  - unmapping checks the entry still maps the granted frame with the
 *    same present/RW bits, so a guest that rewrote it cannot make the
 *    grant core drop references some other entry relies on.
 *
 * Accounting (see pv_get_grant_entry_refs in mm.c): the PTE holds the
 * references of an ordinary L1 entry, taken against the granting domain,
 * so the normal PV MMU paths that drop an entry drop exactly those.
 */
#include <asm/x86.h>
#include <public/grant_table.h>
#include <mica/domain.h>
#include <mica/flushtlb.h>
#include <mica/mm.h>
#include <mica/pv.h>
#include <mica/pv_grant.h>
#include <mica/pv_mm.h>

/* A grant mapping went away: no vCPU of the mapping domain may keep it. */
static void flush_tlb_local(void)
{
    flush_tlb_domain(current->domain);
}

/* The entry Xen writes for a grant (grant_to_pte_flags), as Mica stores it. */
static uint64_t grant_pte(mfn_t mfn, uint32_t flags)
{
    uint64_t e = (mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY;

    /* Bit 63 is reserved (a fault on every access) unless EFER.NXE is on. */
    if (rdmsr(MSR_EFER) & EFER_NXE)
        e |= _PAGE_NX;
    if (flags & GNTMAP_application_map)
        e |= _PAGE_USER;
    if (!(flags & GNTMAP_readonly))
        e |= _PAGE_RW;
    /* GNTMAP_guest_avail0.. -> PTE bits 9-11 (_PAGE_AVAIL). */
    e |= ((uint64_t)(flags >> _GNTMAP_guest_avail0) << 9) & 0xe00;
    return pv_adjust_entry(e);
}

/*
 * The L1 slot named by addr (see the top of the file), with its L1 frame
 * held by a general and an L1-type reference so it cannot stop being a
 * page table while we write to it. NULL if there is no such slot.
 */
static uint64_t *grant_l1_slot(struct vcpu *v, uint64_t addr, bool by_pte,
                               struct page_info **l1pg)
{
    struct domain *d = v->domain;
    struct page_info *pg;
    uint64_t *slot;

    if (by_pte) {
        mfn_t l1mfn = addr >> PAGE_SHIFT;

        /* Misaligned would straddle (and corrupt) two entries. */
        if ((addr & 7) || !mfn_valid(l1mfn))
            return NULL;
        pg = mfn_to_page(l1mfn);
        slot = (uint64_t *)mfn_to_virt(l1mfn) + ((addr & (PAGE_SIZE - 1)) >> 3);
    } else {
        if (!pv_is_canonical(addr) || (addr >= HV_VIRT_START && addr < HV_VIRT_END))
            return NULL;
        slot = guest_l1e_slot(v, addr, &pg);
        if (!slot)
            return NULL;
    }
    if (!get_page(pg, d->domain_id))
        return NULL;
    /*
     * Only a frame already in use as an L1 (Xen's page_lock wants it
     * validated with a type count): taking the type of an unused frame
     * would turn arbitrary guest data into a page table.
     */
    if (page_type(pg) != PGT_L1 || page_type_count(pg) == 0 ||
        get_page_type(pg, PGT_L1)) {
        put_page(pg);
        return NULL;
    }
    *l1pg = pg;
    return slot;
}

static void put_l1(struct page_info *pg)
{
    put_page_type(pg);
    put_page(pg);
}

int16_t pv_create_grant_mapping(struct vcpu *v, uint64_t addr, mfn_t mfn, uint32_t flags)
{
    struct page_info *l1pg;
    uint64_t *slot = grant_l1_slot(v, addr, flags & GNTMAP_contains_pte, &l1pg);
    uint64_t val = grant_pte(mfn, flags);

    if (!slot)
        return GNTST_general_error;
    if (pv_get_grant_entry_refs(val)) {
        put_l1(l1pg);
        return GNTST_general_error;
    }
    uint64_t old = __atomic_exchange_n(slot, val, __ATOMIC_ACQ_REL);
    put_l1(l1pg);
    /* Whatever the entry mapped before loses its references: no CPU may
     * still reach it through a stale TLB entry by then. */
    if (old & _PAGE_PRESENT)
        flush_tlb_local();
    pv_put_entry_refs(old, PGT_L1);
    return GNTST_okay;
}

/*
 * unmap_and_replace: take the entry mapping linear address va out of the
 * page tables. Its references travel with the value returned in *out.
 */
static bool steal_linear_address(struct vcpu *v, uint64_t va, uint64_t *out)
{
    struct page_info *l1pg;
    uint64_t *slot = grant_l1_slot(v, va, false, &l1pg);

    if (!slot)
        return false;
    *out = __atomic_exchange_n(slot, 0, __ATOMIC_ACQ_REL);
    put_l1(l1pg);
    return true;
}

int16_t pv_replace_grant_mapping(struct vcpu *v, uint64_t addr, mfn_t mfn,
                                 uint64_t new_addr, uint32_t flags)
{
    bool by_pte = flags & GNTMAP_contains_pte;
    uint64_t want = grant_pte(mfn, flags), nl1e = 0, old;
    struct page_info *l1pg;
    uint64_t *slot;
    int16_t rc = GNTST_general_error;

    /* Xen offers replacement only for linear addresses. */
    if (by_pte && new_addr)
        return GNTST_general_error;
    if (new_addr && !steal_linear_address(v, new_addr, &nl1e))
        return GNTST_general_error;

    slot = grant_l1_slot(v, addr, by_pte, &l1pg);
    if (slot) {
        old = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
        /* Still the grant's mapping? Else the guest changed it, and its
         * references belong to whatever it holds now. */
        if (((old & PTE_ADDR_MASK) >> PAGE_SHIFT) == mfn &&
            !((old ^ want) & (_PAGE_PRESENT | _PAGE_RW)) &&
            __atomic_compare_exchange_n(slot, &old, nl1e, false,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            /*
             * The grant PTE's own references go now; the caller flushes
             * the TLB before it drops the grant's pins, and those pins hold
             * the frame (and its writable type) until then.
             */
            pv_put_entry_refs(old, PGT_L1);
            rc = GNTST_okay;
        }
        put_l1(l1pg);
    }
    if (rc != GNTST_okay && nl1e) {
        /* The stolen entry went nowhere: its mapping is gone, so flush
         * before its references are dropped. */
        flush_tlb_local();
        pv_put_entry_refs(nl1e, PGT_L1);
    }
    return rc;
}
