/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The frame table: one struct page_info per machine frame.
 *
 * It is the ground truth for "who may touch this frame, and how":
 *  - owner: the domain the frame belongs to (or the hypervisor, or nobody);
 *  - count_info: general references (every mapping, every hypervisor user)
 *    plus state flags; a frame is freed when its last reference goes;
 *  - type_info: what the frame is currently used as (page table of some
 *    level, descriptor page, or writable data) plus a count of the uses that
 *    depend on that type. The PV MMU's rule "a page table is never mapped
 *    writable" falls out of it: the type can only change when its count is
 *    zero.
 * All three words are updated with compare-and-swap so two CPUs (or a CPU
 * and a guest's concurrent hypercall) never lose an update.
 */
#ifndef MICA_PAGE_H
#define MICA_PAGE_H

#include <mica/types.h>

#define INVALID_MFN   (~(mfn_t)0)
#define PAGE_LIST_NULL 0xffffffffu

/* Owners that are not domains. */
#define OWNER_NONE        0xffffu   /* free, or not RAM */
#define OWNER_HYPERVISOR  0x7ff0u   /* DOMID_XEN in the ABI */

struct page_info {
    uint32_t next, prev;        /* list links (frame numbers): free lists, domain page lists */
    uint16_t owner;             /* domid, OWNER_HYPERVISOR or OWNER_NONE */
    uint8_t order;              /* heap: order of the free block this frame heads */
    uint8_t flags;              /* PGF_* */
    uint32_t tlbflush_stamp;    /* TLB-flush clock at its free or last type release */
    uint64_t count_info;        /* PGC_* flags | reference count */
    uint64_t type_info;         /* PGT_* type | flags | type count */
};
_Static_assert(sizeof(struct page_info) == 32, "page_info must stay 32 bytes");

/* flags */
#define PGF_RAM        0x01    /* frame is RAM (not a hole or MMIO) */
#define PGF_FREE       0x02    /* in the heap's free lists */
#define PGF_FREE_HEAD  0x04    /* first frame of a free block of 'order' */
#define PGF_DOMAIN_LIST 0x08   /* ordinary guest memory: on its owner's page list, counted in tot_pages */
#define PGF_ZEROED     0x10    /* free and scrubbed: holds only zeroes (kept through allocation, page_alloc.h) */
#define PGF_DIRTY      0x20    /* free, left with data by its last user: for the scrubber (page_alloc.h) */
#define PGF_CLEAN      0x40    /* free block head: every frame of the block is PGF_ZEROED */

/* count_info */
#define PGC_ALLOCATED  (1ULL << 63)    /* the owner's allocation holds a reference */
#define PGC_COUNT_MASK ((1ULL << 32) - 1)

/* type_info */
#define PGT_TYPE_SHIFT 60
#define PGT_TYPE_MASK  (0xfULL << PGT_TYPE_SHIFT)
#define PGT_NONE       (0ULL << PGT_TYPE_SHIFT)
#define PGT_L1         (1ULL << PGT_TYPE_SHIFT)
#define PGT_L2         (2ULL << PGT_TYPE_SHIFT)
#define PGT_L3         (3ULL << PGT_TYPE_SHIFT)
#define PGT_L4         (4ULL << PGT_TYPE_SHIFT)
#define PGT_SEG_DESC   (5ULL << PGT_TYPE_SHIFT)
#define PGT_WRITABLE   (7ULL << PGT_TYPE_SHIFT)
#define PGT_VALIDATED  (1ULL << 59)    /* contents checked for the current type */
#define PGT_PINNED     (1ULL << 58)    /* guest pinned it (holds a type ref) */
#define PGT_COUNT_MASK ((1ULL << 32) - 1)

static inline bool pgt_is_pagetable(uint64_t type)
{
    return type >= PGT_L1 && type <= PGT_L4;
}

/*
 * Hooks the PV MMU provides for page-table and descriptor types: validate
 * the contents when a frame first takes the type (taking references on what
 * its entries point to), and drop them when the last type reference goes.
 * Without hooks (early boot, host tests of plain types) every type validates.
 *
 * The last two (optional) keep stale TLB entries harmless, as Xen's
 * tlbflush_timestamp does: a guest that removes a mapping flushes its TLB
 * itself, when it likes, so a translation made under a frame's old type (a
 * writable mapping, or a page-table walk through it) may survive the type's
 * last reference. type_released notes when that reference went; retype,
 * called once a frame with no type references has taken a different type
 * (and before it is validated or used), flushes every CPU that may still
 * hold such a translation.
 */
struct page_type_ops {
    int (*validate)(struct page_info *pg, uint64_t type);
    void (*devalidate)(struct page_info *pg, uint64_t type);
    void (*type_released)(struct page_info *pg);
    void (*retype)(struct page_info *pg, uint64_t old_type);
};
extern const struct page_type_ops *page_type_ops;

/* Called when a frame's last general reference goes (returns it to the heap). */
extern void (*page_release_hook)(struct page_info *pg);

/* General references. get_page fails if the owner differs, or on overflow. */
bool get_page(struct page_info *pg, uint16_t owner);
void get_page_nocheck(struct page_info *pg);
void put_page(struct page_info *pg);
static inline uint32_t page_refcount(const struct page_info *pg)
{
    return (uint32_t)(__atomic_load_n(&pg->count_info, __ATOMIC_RELAXED) & PGC_COUNT_MASK);
}

/*
 * Type references. get_page_type succeeds when the frame already has this
 * type (count++) or has no type users (type changes, validated on first
 * use). Returns 0, or -1 (conflicting type in use, overflow), or the
 * validate hook's negative result when validation failed (the PV MMU's
 * hook gives the Xen errno of the first bad entry, which Xen reports).
 */
int get_page_type(struct page_info *pg, uint64_t type);
void put_page_type(struct page_info *pg);
/* Both at once (Xen's get_page_and_type): a general reference for @owner
 * and a @type reference, or neither; put_page_and_type drops both. */
bool get_page_and_type(struct page_info *pg, uint16_t owner, uint64_t type);
void put_page_and_type(struct page_info *pg);
static inline uint64_t page_type(const struct page_info *pg)
{
    return __atomic_load_n(&pg->type_info, __ATOMIC_RELAXED) & PGT_TYPE_MASK;
}
static inline uint32_t page_type_count(const struct page_info *pg)
{
    return (uint32_t)(__atomic_load_n(&pg->type_info, __ATOMIC_RELAXED) & PGT_COUNT_MASK);
}

/*
 * Assign a freshly allocated frame to an owner: one reference held by the
 * allocation (PGC_ALLOCATED), no type.
 */
void page_assign(struct page_info *pg, uint16_t owner);
/* The owner gives the frame up: drops the allocation's reference. */
void page_unassign(struct page_info *pg);

#endif
