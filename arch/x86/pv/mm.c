/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PV MMU: the rules that keep a guest's page tables safe.
 *
 * A frame becomes a page table of level N by taking type L<N> (page.h), and
 * taking the type validates every present entry:
 *   L1 entry -> a frame the domain owns (one general reference), plus a
 *               writable-type reference when the entry is writable, which
 *               fails if that frame is a page table or descriptor page;
 *               I/O memory (non-RAM frames) only for privileged domains
 *               (or frames the toolstack granted, iomem_permission).
 *               mmu_update may name another frame owner (pg_owner, Xen's
 *               foreigndom): the control domain maps a guest's frames
 *               into its own tables that way; references are then taken
 *               on the frame, whoever owns it, and dropped the same way;
 *   L2 entry -> a frame that validates as L1 (no superpages: not offered);
 *   L3 entry -> an L2;     L4 entry -> an L3, except slots 256-271 which
 *               are Mica's and always hold Mica's own entries.
 * Dropping the last type reference drops what the entries held. Because
 * the rules are one set of functions, the dom0 builder (which validates its
 * tables by pinning the L4) and mmu_update can never disagree.
 */
#include <asm/regs.h>
#include <asm/x86.h>
#include <public/errno.h>
#include <mica/console.h>
#include <mica/descriptor.h>
#include <mica/domain.h>
#include <mica/flushtlb.h>
#include <mica/iocap.h>
#include <mica/mm.h>
#include <mica/pv.h>
#include <mica/pv_desc.h>
#include <mica/pv_mm.h>
#include <mica/string.h>

/* Bits a guest may not set in its entries: PAT at upper levels, reserved. */
#define L1_DISALLOW (0x000ULL)
#define L2_DISALLOW (_PAGE_PSE | _PAGE_GLOBAL)
#define L3_DISALLOW (_PAGE_PSE | _PAGE_GLOBAL)
#define L4_DISALLOW (_PAGE_PSE | _PAGE_GLOBAL)
/* Bits 52-62: never valid from a guest, except Mica's own kernel marker (bit 52). */
#define ADDR_HIGH_MASK 0x7fe0000000000000ULL

static const uint64_t *idle_l4_entries;

/* I/O frames: not RAM, or the first MiB (BIOS data, VGA, ROMs), as Xen's DOM_IO. */
static bool is_io_frame(mfn_t mfn)
{
    return mfn < 0x100 || !mfn_valid(mfn);
}

/* First frame beyond the CPU's physical address width. */
static mfn_t max_io_mfn(void)
{
    static mfn_t limit;
    if (!limit) {
        unsigned bits = 36;
        if (cpuid(0x80000000).eax >= 0x80000008)
            bits = cpuid(0x80000008).eax & 0xff;
        limit = 1ULL << (bits - PAGE_SHIFT);
    }
    return limit;
}

static uint64_t type_below(uint64_t type)
{
    return type == PGT_L2 ? PGT_L1 : type == PGT_L3 ? PGT_L2 : PGT_L3;
}

static uint64_t disallow_mask(uint64_t type)
{
    switch (type) {
    case PGT_L1: return L1_DISALLOW;
    case PGT_L2: return L2_DISALLOW;
    case PGT_L3: return L3_DISALLOW;
    default: return L4_DISALLOW;
    }
}

/* Is slot i of an L4 one of Mica's? */
static bool is_hv_l4_slot(unsigned i)
{
    return i >= HV_L4_FIRST_SLOT && i <= HV_L4_LAST_SLOT;
}

/*
 * A 64-bit PV guest kernel runs in ring 3, so every mapping it makes must be
 * user-accessible; guests write kernel entries without _PAGE_USER (as on
 * native), and Mica adds it, as Xen does. Kernel and user are kept apart by
 * their separate page tables instead.
 *
 * In L1 entries Xen also records that it did so, in software bit 52 (its
 * "guest kernel" marker), and guests can read it back: Mica does the same.
 * Xen additionally sets _PAGE_GLOBAL on user mappings (those the guest
 * wrote with _PAGE_USER); Mica deliberately does not, so that every guest
 * base-pointer switch stays an ordinary CR3 reload with no global-page
 * flush to get right. The cost is some TLB refill; guests cannot depend on
 * the bit.
 */
#define PAGE_GUEST_KERNEL (1ULL << 52)

uint64_t pv_adjust_entry(uint64_t e)
{
    if ((e & _PAGE_PRESENT) && !(e & _PAGE_USER))
        e |= _PAGE_USER | PAGE_GUEST_KERNEL;
    return e;
}

uint64_t pv_adjust_upper_entry(uint64_t e)
{
    return (e & _PAGE_PRESENT) ? e | _PAGE_USER : e;
}

/*
 * Xen's DOMID_IO pseudo-domain: the owner named by a caller that maps I/O
 * memory (mmu_update with foreigndom DOMID_IO). It owns no RAM, so only
 * non-RAM frames can be mapped through it, with the caller's privilege.
 */
struct domain pv_dom_io = { .domain_id = DOMID_IO };

/* May d map I/O frame mfn? The privileged domain any the machine can address. */
static bool io_frame_permitted(const struct domain *d, mfn_t mfn)
{
    if (d->is_privileged)
        return mfn < max_io_mfn();
    return iocap_contains(&d->iomem, mfn, mfn);
}

int pv_check_entry(uint64_t e, uint64_t type)
{
    if (!(e & _PAGE_PRESENT))
        return 0;
    return e & (disallow_mask(type) | (e & ADDR_HIGH_MASK & ~_PAGE_NX)) ? -XEN_EINVAL : 0;
}

int pv_get_entry_refs(uint64_t e, uint64_t type, struct domain *d, struct domain *pg_owner)
{
    if (!(e & _PAGE_PRESENT))
        return 0;
    if (pv_check_entry(e, type))
        return -XEN_EINVAL;
    mfn_t mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;

    if (type == PGT_L1) {
        if (is_io_frame(mfn)) {
            /*
             * I/O memory (not RAM, or the legacy first MiB, which Xen also
             * treats as I/O): nobody owns these frames, so no references.
             * As Xen's get_page_from_l1e: the frame owner named by the
             * request must be allowed the frame (DOMID_IO stands for the
             * caller), and so must the table's owner when that differs.
             */
            const struct domain *who = pg_owner == &pv_dom_io ? current->domain : pg_owner;
            if (!io_frame_permitted(who, mfn) || (who != d && !io_frame_permitted(d, mfn)))
                return -XEN_EPERM;
            return 0;
        }
        struct page_info *pg = mfn_to_page(mfn);
        /*
         * Not pg_owner's (Mica's own, another domain's, or free): Xen says
         * -EBUSY. Except, as Xen's xsm_priv_mapping: a privileged pg_owner
         * that is not the table's owner passes its right to map any
         * domain's frame on (the control domain writing a guest's tables
         * with itself as pg_owner). Never Mica's own or a free frame.
         */
        if (!get_page(pg, pg_owner->domain_id)) {
            uint16_t real = __atomic_load_n(&pg->owner, __ATOMIC_ACQUIRE);
            if (pg_owner == d || !pg_owner->is_privileged || !domain_lookup(real) ||
                !get_page(pg, real))
                return -XEN_EBUSY;
        }
        /* A page table or descriptor page cannot also be writable: -EBUSY too. */
        if ((e & _PAGE_RW) && get_page_type(pg, PGT_WRITABLE)) {
            put_page(pg);
            return -XEN_EBUSY;
        }
        return 0;
    }
    if (!mfn_valid(mfn))
        return -XEN_EINVAL;
    struct page_info *pg = mfn_to_page(mfn);
    if (!get_page(pg, d->domain_id))
        return -XEN_EINVAL;
    /* A table below that fails validation: its first bad entry's errno, as Xen. */
    int rc = get_page_type(pg, type_below(type));
    if (rc) {
        put_page(pg);
        return rc == -1 ? -XEN_EINVAL : rc;
    }
    return 0;
}

void pv_put_entry_refs(uint64_t e, uint64_t type)
{
    if (!(e & _PAGE_PRESENT))
        return;
    mfn_t mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    if (type == PGT_L1 ? is_io_frame(mfn) : !mfn_valid(mfn))
        return;
    struct page_info *pg = mfn_to_page(mfn);
    if (type != PGT_L1 || (e & _PAGE_RW))
        put_page_type(pg);
    put_page(pg);
}

/*
 * Grant PTEs (GNTTABOP_map_grant_ref, arch/x86/pv/grant_table.c) follow
 * Xen's rule for PV: a grant mapping is accounted exactly like any other
 * L1 entry -- one general reference on the frame, plus a writable-type
 * reference when the PTE is writable -- except that the references are
 * taken against the frame's owner (the granting domain) instead of the
 * L1's owner, which is why mmu_update can never create such an entry.
 * Because the accounting is the ordinary one, pv_put_entry_refs() is
 * right for a grant PTE however it goes away: unmapped through the grant
 * interface, overwritten or cleared by mmu_update/update_va_mapping, or
 * dropped with its L1 (devalidate_table). Xen's release build lets the
 * last two happen silently too. The grant core pins the frame with
 * references of its own (grant/README.md), so such an "implicit unmap"
 * never frees a frame the grant still holds, and the core's own release
 * (unmap, domain death) never touches these.
 */
int pv_get_grant_entry_refs(uint64_t e)
{
    mfn_t mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;

    /* Only present RAM frames: I/O frames carry no references at all. */
    if (!(e & _PAGE_PRESENT) || is_io_frame(mfn))
        return -XEN_EINVAL;
    struct page_info *pg = mfn_to_page(mfn);
    uint16_t owner = __atomic_load_n(&pg->owner, __ATOMIC_ACQUIRE);
    /* A domain's frame only: never Mica's own or a free one. */
    if (!domain_lookup(owner) || !get_page(pg, owner))
        return -XEN_EBUSY;
    if ((e & _PAGE_RW) && get_page_type(pg, PGT_WRITABLE)) {
        put_page(pg);
        return -XEN_EBUSY;
    }
    return 0;
}

static struct domain *page_owner(struct page_info *pg)
{
    return domain_lookup(pg->owner);
}

static int validate_table(struct page_info *pg, uint64_t type)
{
    uint64_t *t = mfn_to_virt(page_to_mfn(pg));
    struct domain *d = page_owner(pg);
    if (!d)
        return -1;

    for (unsigned i = 0; i < 512; i++) {
        if (type == PGT_L4 && is_hv_l4_slot(i)) {
            t[i] = idle_l4_entries[i];    /* Mica's slots are Mica's, whatever was there */
            continue;
        }
        t[i] = type == PGT_L1 ? pv_adjust_entry(t[i]) : pv_adjust_upper_entry(t[i]);
        int rc = pv_get_entry_refs(t[i], type, d, d);
        if (rc) {
            /* Undo what this table took so far; the frame stays untyped. */
            while (i-- > 0)
                if (!(type == PGT_L4 && is_hv_l4_slot(i)))
                    pv_put_entry_refs(t[i], type);
            return rc;
        }
    }
    return 0;
}

static void devalidate_table(struct page_info *pg, uint64_t type)
{
    uint64_t *t = mfn_to_virt(page_to_mfn(pg));
    for (unsigned i = 0; i < 512; i++)
        if (!(type == PGT_L4 && is_hv_l4_slot(i)))
            pv_put_entry_refs(t[i], type);
}

/*
 * A frame whose previous type was writable (or a page table) may still be
 * written (or walked) through a translation some CPU kept after the guest
 * removed the mapping without a flush: flush every CPU that has not
 * reloaded CR3 since the type's last reference went. This runs before a
 * new page-table or descriptor type is validated, so nobody can change the
 * contents while or after they are checked. A frame that had no type
 * yet was never writable.
 */
static void retype(struct page_info *pg, uint64_t old_type)
{
    if (old_type != PGT_NONE)
        tlb_flush_reused(pg, 1);
}

static void type_released(struct page_info *pg)
{
    tlb_stamp(pg, 1);
}

static int validate(struct page_info *pg, uint64_t type)
{
    if (type == PGT_SEG_DESC) {
        /* GDT/LDT pages: every descriptor checked (and DPLs fixed up) in place. */
        return desc_check_page(mfn_to_virt(page_to_mfn(pg))) == DESCS_PER_PAGE ? 0 : -1;
    }
    return validate_table(pg, type);
}

static void devalidate(struct page_info *pg, uint64_t type)
{
    if (type != PGT_SEG_DESC)
        devalidate_table(pg, type);
}

static const struct page_type_ops pv_page_type_ops = { validate, devalidate, type_released, retype };

void pv_init_guest_l4(uint64_t *l4)
{
    for (unsigned i = HV_L4_FIRST_SLOT; i <= HV_L4_LAST_SLOT; i++)
        l4[i] = idle_l4_entries[i];
}

void pv_mm_init(void)
{
    idle_l4_entries = idle_page_table();
    page_type_ops = &pv_page_type_ops;
}

/* LDT pages mapped on demand, then writable page-table emulation (arch/x86/pv/ptwr.c). */
bool pv_handle_page_fault(struct vcpu *v, struct cpu_user_regs *regs, uint64_t addr)
{
    if (pv_ldt_fault(v, regs, addr))
        return true;
    if (!pv_ptwr_fault(v, regs, addr))
        return false;
    /* An emulated store may have cleared the last mapping of a dead domain's frame. */
    domain_reap_dead();
    return true;
}
