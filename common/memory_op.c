/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HYPERVISOR_memory_op for PV guests: the queries a guest makes about its
 * memory, and the reservation operations that change it -- ballooning
 * (decrease_reservation, then populate_physmap or increase_reservation to
 * get memory back) and XENMEM_exchange (Linux's xen_create_contiguous_region:
 * single frames traded for one machine-contiguous extent below a DMA limit).
 *
 * A PV guest names frames by machine frame number (gmfn == mfn) and keeps
 * its own p2m; Mica maintains the M2P entries the way Xen does: a frame
 * populate_physmap or exchange hands out maps to the gpfn the guest gave
 * for it, a frame increase_reservation hands out maps to nothing (the
 * guest writes it with MMU_MACHPHYS_UPDATE if it cares), and a frame maps
 * to nothing again once it is freed (arch/x86/mm.c's release hook).
 *
 * Results follow Xen 4.17 (xen/common/memory.c):
 *  - increase/decrease/populate return how many extents were done, counted
 *    from the start extent in cmd >> MEMOP_EXTENT_SHIFT. Every problem --
 *    unreadable argument, unknown domain, no permission, bad order or
 *    flags, no memory, max_pages reached, a frame that is not the domain's --
 *    just stops the count there; there is no error code. Mica has no
 *    hypercall continuations, so the whole list is processed in one call
 *    (a huge list keeps the CPU that long, as with mmu_update).
 *  - decrease_reservation drops the domain's allocation reference to each
 *    frame. A frame still mapped, pinned, in use as a page table or
 *    descriptor page, or referenced by Mica is not freed and not refused:
 *    it stays the domain's (and in tot_pages) until that last use goes,
 *    then it is freed. That is Xen's guest_remove_page.
 *  - exchange is all or nothing per chunk (in frames for one out extent,
 *    or one in extent for its out extents) and returns 0 or an errno with
 *    nr_exchanged telling how many input extents were traded. An input
 *    frame can only be traded if nothing but the allocation holds it
 *    (Xen's steal_page), else -EINVAL.
 *
 * Where Mica differs on purpose:
 *  - decrease_reservation of a page Mica lends the guest (shared_info,
 *    grant-table frames) stops the count; Xen drops the guest's hold on
 *    such a page and counts it done. Mica will not free memory it still
 *    uses itself, and there is no use for the guest in it.
 *  - guest allocations leave the heap's last 1024 frames to Mica
 *    (arch/x86/mm.c), so near exhaustion they fail a little earlier.
 */
#include <public/errno.h>
#include <public/memory.h>
#include <public/xen.h>
#include <mica/bootinfo.h>
#include <mica/domain.h>
#include <mica/guest_access.h>
#include <mica/mm.h>
#include <mica/string.h>

/*
 * Largest extent a caller may ask for: Xen x86's CONFIG_DOMU_MAX_ORDER (2 MiB)
 * for everybody, CONFIG_CTLDOM_MAX_ORDER (the allocator's largest block,
 * 1 GiB) for the control domain.
 */
#define DOMU_MAX_ORDER   9
#define CTLDOM_MAX_ORDER MAX_ORDER

/* cmd = sub-op | start extent << 6 (Xen's internal names; not in the public headers). */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK     ((1u << MEMOP_EXTENT_SHIFT) - 1)

/* NUMA: Xen x86's MAX_NUMNODES bounds the node a control domain may name. */
#define NUMA_NO_NODE     0xffu
#define MAX_NUMNODES     64u

static unsigned int max_order(const struct domain *d)
{
    return d->is_privileged ? CTLDOM_MAX_ORDER : DOMU_MAX_ORDER;
}

/* Xen's rcu_lock_domain_by_any_id: DOMID_SELF, or an existing domain by number. */
static struct domain *any_domain(domid_t id)
{
    return id == DOMID_SELF ? current->domain : domain_lookup(id);
}

/* XSM's default for XSM_TARGET: a domain may act on itself; the control domain on anyone. */
static bool may_act_on(const struct domain *d)
{
    return d == current->domain || current->domain->is_privileged;
}

/* The domain a query names: -ESRCH if none, then -EPERM without privilege (Xen's order). */
static struct domain *query_domain(guest_ptr_t arg, long *err)
{
    domid_t id;
    if (copy_from_guest(&id, arg, sizeof(id))) {
        *err = -XEN_EFAULT;
        return NULL;
    }
    struct domain *d = any_domain(id);
    if (!d)
        *err = -XEN_ESRCH;
    else if (!may_act_on(d)) {
        *err = -XEN_EPERM;
        d = NULL;
    }
    return d;
}

/*
 * Xen's guest_handle_subrange_okay for an array of xen_pfn_t from entry
 * `first`, `count` entries long: the size must not overflow and the first
 * entry must be at a guest address (below the non-canonical hole or above
 * Mica's range). Every entry is still copied with copy_*_guest, which
 * checks and survives faults.
 */
static bool guest_array_ok(guest_ptr_t base, uint64_t first, uint64_t count)
{
    uint64_t p = base + first * sizeof(xen_pfn_t);
    return count < ~0UL / sizeof(xen_pfn_t) && (p < (1UL << 47) || p >= HV_VIRT_END);
}

static int get_pfn(guest_ptr_t list, uint64_t idx, xen_pfn_t *pfn)
{
    return copy_from_guest(pfn, list + idx * sizeof(xen_pfn_t), sizeof(xen_pfn_t));
}

static int put_pfn(guest_ptr_t list, uint64_t idx, xen_pfn_t pfn)
{
    return copy_to_guest(list + idx * sizeof(xen_pfn_t), &pfn, sizeof(xen_pfn_t));
}

/* What an allocation may use: below 2^address_bits bytes (0: anywhere). */
struct alloc_flags {
    unsigned int address_bits;
    bool no_memory;     /* an exact request for a NUMA node this machine lacks */
};

/*
 * Xen's propagate_node for mem_flags: no node is fine; the control domain
 * may name nodes 0..MAX_NUMNODES-1 (Mica's machine has node 0 only, so an
 * exact request for another finds no memory; a preference just falls back
 * to node 0); anyone else may not insist on a node. false: -EINVAL.
 */
static bool node_ok(unsigned int mem_flags, struct alloc_flags *f)
{
    unsigned int node = XENMEMF_get_node(mem_flags);

    if (node == NUMA_NO_NODE)
        return true;
    if (current->domain->is_privileged) {
        if (node >= MAX_NUMNODES)
            return false;
        if ((mem_flags & XENMEMF_exact_node_request) && node != 0)
            f->no_memory = true;
        return true;
    }
    return !(mem_flags & XENMEMF_exact_node_request);
}

/* Smallest order whose block covers n frames (Xen's get_order_from_pages). */
static unsigned int order_of_pages(uint64_t n)
{
    unsigned int order = 0;
    while ((1ULL << order) < n)
        order++;
    return order;
}

/* One reservation request, as Xen's struct memop_args. */
struct memop {
    struct domain *d;
    guest_ptr_t list;
    unsigned int nr_extents, extent_order;
    struct alloc_flags alloc;
    bool populate_on_demand;
    unsigned int nr_done;       /* in: the start extent; out: where it stopped */
};

/* Xen's construct_memop_from_reservation: -EINVAL for flags it refuses. */
static int memop_from_reservation(const struct xen_memory_reservation *r, struct memop *a)
{
    unsigned int bits = XENMEMF_get_address_bits(r->mem_flags);

    a->list = (guest_ptr_t)r->extent_start.p;
    a->nr_extents = (unsigned int)r->nr_extents;
    a->extent_order = r->extent_order;
    /* A limit at or above the top of RAM is no limit; one inside the first page is nonsense. */
    if (bits && bits < order_of_pages(max_mfn) + PAGE_SHIFT) {
        if (bits <= PAGE_SHIFT)
            return -XEN_EINVAL;
        a->alloc.address_bits = bits;
    }
    /* A virtual node needs the domain's vNUMA layout; Mica domains have none, so it is ignored. */
    if (!(r->mem_flags & XENMEMF_vnode) && !node_ok(r->mem_flags, &a->alloc))
        return -XEN_EINVAL;
    return 0;
}

/* Fresh zeroed frames for d's memory (no owner yet, M2P "none"), or NULL. */
static struct page_info *alloc_frames(const struct alloc_flags *f, unsigned int order)
{
    if (f->no_memory)
        return NULL;
    struct page_info *pg = alloc_guest_frames(order, f->address_bits);
    if (!pg)
        return NULL;
    mfn_t mfn = page_to_mfn(pg);
    /* Whatever the frames held before (another guest's data, Mica's) must
     * not show; most were zeroed while a CPU idled. */
    clear_allocated_frames(pg, order);
    for (uint64_t i = 0; i < (1ULL << order); i++)
        set_m2p(mfn + i, INVALID_M2P_ENTRY);
    return pg;
}

/* Xen's alloc_domheap_pages(d, order, memflags): frames d owns, counted against max_pages. */
static struct page_info *alloc_domain_memory(struct domain *d, const struct alloc_flags *f,
                                             unsigned int order)
{
    struct page_info *pg = alloc_frames(f, order);
    if (pg && domain_assign_pages(d, pg, order, true)) {
        free_frames(page_to_mfn(pg), order);   /* over max_pages (or dying) */
        pg = NULL;
    }
    return pg;
}

/* XENMEM_increase_reservation: new extents anywhere; their mfns go to the list if one is given. */
static void increase_reservation(struct memop *a)
{
    unsigned int i;

    if (a->list && !guest_array_ok(a->list, a->nr_done, a->nr_extents - a->nr_done))
        return;
    if (a->extent_order > max_order(current->domain))
        return;
    for (i = a->nr_done; i < a->nr_extents; i++) {
        struct page_info *pg = alloc_domain_memory(a->d, &a->alloc, a->extent_order);
        if (!pg)
            break;
        /* The frames stay M2P "none": nothing tells Mica which gpfn they back. */
        if (a->list && put_pfn(a->list, i, page_to_mfn(pg)))
            break;
    }
    a->nr_done = i;
}

/*
 * Xen's guest_remove_page for a PV domain: the domain gives up frame gmfn
 * (= mfn). The allocation reference goes; the frame is freed now or, if
 * something still uses it, when that use ends.
 */
static int guest_remove_page(struct domain *d, xen_pfn_t gmfn)
{
    if (!mfn_valid(gmfn))
        return -XEN_EINVAL;
    struct page_info *pg = mfn_to_page(gmfn);
    /* Not the domain's (another's, Mica's, free, or already on its way out): Xen's -ENXIO. */
    if (!get_page(pg, d->domain_id))
        return -XEN_ENXIO;
    /* Mica's own page lent to the guest: never freed this way (see the top of the file). */
    if (!(pg->flags & PGF_DOMAIN_LIST)) {
        put_page(pg);
        return -XEN_EPERM;
    }
    page_unassign(pg);
    put_page(pg);       /* the last reference frees it (and its M2P entry) */
    return 0;
}

/* XENMEM_decrease_reservation: give back the extents whose first gmfn is listed. */
static void decrease_reservation(struct memop *a)
{
    unsigned int i;

    if (!guest_array_ok(a->list, a->nr_done, a->nr_extents - a->nr_done) ||
        a->extent_order > max_order(current->domain))
        return;
    for (i = a->nr_done; i < a->nr_extents; i++) {
        xen_pfn_t gmfn;
        if (get_pfn(a->list, i, &gmfn))
            break;
        /* Frame by frame: a failure inside an extent leaves its first frames given back. */
        for (uint64_t j = 0; j < (1ULL << a->extent_order); j++)
            if (guest_remove_page(a->d, gmfn + j))
                goto out;
    }
out:
    a->nr_done = i;
}

/*
 * XENMEM_populate_physmap: memory for the listed gpfns. Each extent's mfn
 * replaces its gpfn in the list and the M2P maps the frames to those gpfns;
 * the guest updates its p2m and page tables itself.
 */
static void populate_physmap(struct memop *a)
{
    struct domain *curr = current->domain;
    unsigned int i;

    if (!guest_array_ok(a->list, a->nr_done, a->nr_extents - a->nr_done))
        return;
    if (a->extent_order > (a->populate_on_demand ? MAX_ORDER : max_order(curr)))
        return;
    for (i = a->nr_done; i < a->nr_extents; i++) {
        xen_pfn_t gpfn;
        if (get_pfn(a->list, i, &gpfn))
            break;
        if (a->populate_on_demand) {
            /*
             * Populate-on-demand is for translated (HVM) guests: a domain may
             * not ask it for itself, and for another, PV, domain Xen marks
             * nothing and counts the extent done. So does Mica.
             */
            if (a->d == curr)
                break;
            continue;
        }
        struct page_info *pg = alloc_domain_memory(a->d, &a->alloc, a->extent_order);
        if (!pg)
            break;
        mfn_t mfn = page_to_mfn(pg);
        for (uint64_t k = 0; k < (1ULL << a->extent_order); k++)
            set_m2p(mfn + k, gpfn + k);
        if (put_pfn(a->list, i, mfn))
            break;
    }
    a->nr_done = i;
}

static long reservation_op(unsigned int op, unsigned long start_extent, guest_ptr_t arg)
{
    struct xen_memory_reservation r;
    struct memop a = { 0 };

    if (copy_from_guest(&r, arg, sizeof(r)))
        return (long)start_extent;
    /* The count must fit the continuation encoding of cmd. */
    if (r.nr_extents > (0xffffffffu >> MEMOP_EXTENT_SHIFT) || start_extent >= r.nr_extents)
        return (long)start_extent;
    a.d = any_domain(r.domid);
    if (!a.d || memop_from_reservation(&r, &a) || !may_act_on(a.d))
        return (long)start_extent;
    a.nr_done = (unsigned int)start_extent;
    a.populate_on_demand = op == XENMEM_populate_physmap &&
                           (r.mem_flags & XENMEMF_populate_on_demand);

    switch (op) {
    case XENMEM_increase_reservation:
        increase_reservation(&a);
        break;
    case XENMEM_decrease_reservation:
        decrease_reservation(&a);
        break;
    default:
        populate_physmap(&a);
        break;
    }
    return a.nr_done;
}

/* Chains of frames private to one exchange chunk, linked through page_info.next. */
static void chain_push(uint32_t *head, mfn_t mfn)
{
    frame_table[mfn].next = *head;
    *head = (uint32_t)mfn;
}

static mfn_t chain_pop(uint32_t *head)
{
    mfn_t mfn = *head;
    if (mfn != PAGE_LIST_NULL)
        *head = frame_table[mfn].next;
    return mfn;
}

static int put_nr_exchanged(guest_ptr_t arg, const struct xen_memory_exchange *exch)
{
    return copy_to_guest(arg + offsetof(struct xen_memory_exchange, nr_exchanged),
                         &exch->nr_exchanged, sizeof(exch->nr_exchanged));
}

/*
 * XENMEM_exchange. The lists are walked in chunks: 2^in_chunk_order input
 * extents make one output extent (output extents at least as large), or one
 * input extent makes 2^out_chunk_order output ones. A chunk's input frames
 * are all stolen and its output extents all allocated before anything is
 * committed, so a chunk either completes or leaves the domain as it was.
 */
static long memory_exchange(guest_ptr_t arg)
{
    struct xen_memory_exchange exch;
    struct alloc_flags out_alloc = { 0 };
    struct domain *d = NULL;
    unsigned int in_chunk_order, out_chunk_order;
    uint32_t in_chain = PAGE_LIST_NULL, out_chain = PAGE_LIST_NULL;
    uint64_t i, j, k;
    long rc = 0;

    if (copy_from_guest(&exch, arg, sizeof(exch)))
        return -XEN_EFAULT;

    if (MAX(exch.in.extent_order, exch.out.extent_order) > max_order(current->domain)) {
        rc = -XEN_EPERM;
        goto fail_early;
    }
    if (exch.nr_exchanged > exch.in.nr_extents ||
        exch.in.domid != exch.out.domid ||
        (~0UL >> exch.in.extent_order) < exch.in.nr_extents ||
        (~0UL >> exch.out.extent_order) < exch.out.nr_extents ||
        (exch.in.nr_extents << exch.in.extent_order) != (exch.out.nr_extents << exch.out.extent_order)) {
        rc = -XEN_EINVAL;
        goto fail_early;
    }
    if (exch.nr_exchanged == exch.in.nr_extents)
        return 0;

    if (!guest_array_ok((guest_ptr_t)exch.in.extent_start.p, exch.nr_exchanged,
                        exch.in.nr_extents - exch.nr_exchanged)) {
        rc = -XEN_EFAULT;
        goto fail_early;
    }
    uint64_t out_first;
    if (exch.in.extent_order <= exch.out.extent_order) {
        in_chunk_order = exch.out.extent_order - exch.in.extent_order;
        out_chunk_order = 0;
        out_first = exch.nr_exchanged >> in_chunk_order;
    } else {
        in_chunk_order = 0;
        out_chunk_order = exch.in.extent_order - exch.out.extent_order;
        out_first = exch.nr_exchanged << out_chunk_order;
    }
    if (!guest_array_ok((guest_ptr_t)exch.out.extent_start.p, out_first, exch.out.nr_extents - out_first)) {
        rc = -XEN_EFAULT;
        goto fail_early;
    }
    /* Only the output side's flags matter: where the new frames may come from. */
    if (!node_ok(exch.out.mem_flags, &out_alloc)) {
        rc = -XEN_EINVAL;
        goto fail_early;
    }
    d = any_domain(exch.in.domid);
    if (!d) {
        rc = -XEN_ESRCH;
        goto fail_early;
    }
    if (!may_act_on(d)) {
        rc = -XEN_EPERM;
        goto fail_early;
    }
    /* Unlike the reservation ops, any width is taken as given (Xen's): up to 12 leaves frames 0-1. */
    out_alloc.address_bits = XENMEMF_get_address_bits(exch.out.mem_flags);

    guest_ptr_t in_list = (guest_ptr_t)exch.in.extent_start.p;
    guest_ptr_t out_list = (guest_ptr_t)exch.out.extent_start.p;
    for (i = exch.nr_exchanged >> in_chunk_order; i < (exch.in.nr_extents >> in_chunk_order); i++) {
        /* Steal the chunk's input frames; any refusal undoes the chunk. */
        for (j = 0; j < (1ULL << in_chunk_order); j++) {
            xen_pfn_t gmfn;
            if (get_pfn(in_list, (i << in_chunk_order) + j, &gmfn)) {
                rc = -XEN_EFAULT;
                goto fail;
            }
            for (k = 0; k < (1ULL << exch.in.extent_order); k++) {
                if (!mfn_valid(gmfn + k)) {
                    rc = -XEN_EINVAL;
                    goto fail;
                }
                rc = domain_steal_page(d, mfn_to_page(gmfn + k));
                if (rc)
                    goto fail;
                chain_push(&in_chain, gmfn + k);
            }
        }
        /* Allocate its output extents (no owner yet, so max_pages is not involved). */
        for (j = 0; j < (1ULL << out_chunk_order); j++) {
            struct page_info *pg = alloc_frames(&out_alloc, exch.out.extent_order);
            if (!pg) {
                rc = -XEN_ENOMEM;
                goto fail;
            }
            chain_push(&out_chain, page_to_mfn(pg));
        }

        /* The chunk cannot fail any more: free the old frames, hand over the new. */
        mfn_t mfn;
        while ((mfn = chain_pop(&in_chain)) != PAGE_LIST_NULL) {
            set_m2p(mfn, INVALID_M2P_ENTRY);
            free_frames(mfn, 0);
        }
        for (j = 0; (mfn = chain_pop(&out_chain)) != PAGE_LIST_NULL; j++) {
            /* As many frames as were stolen: tot_pages stays as it was. */
            if (domain_assign_pages(d, mfn_to_page(mfn), exch.out.extent_order, false)) {
                /* The domain is dying: what it has not been given back is no longer its. */
                uint64_t gone = (1ULL << (exch.in.extent_order + in_chunk_order)) -
                                (j << exch.out.extent_order);
                spin_lock(&d->page_lock);
                d->tot_pages -= gone;
                spin_unlock(&d->page_lock);
                free_frames(mfn, exch.out.extent_order);
                while ((mfn = chain_pop(&out_chain)) != PAGE_LIST_NULL)
                    free_frames(mfn, exch.out.extent_order);
                rc = -XEN_EINVAL;
                goto dying;
            }
            uint64_t idx = (i << out_chunk_order) + j;
            xen_pfn_t gpfn;
            if (get_pfn(out_list, idx, &gpfn)) {
                /* The frames are the domain's now but it cannot learn them (Xen's behaviour too). */
                rc = -XEN_EFAULT;
                continue;
            }
            for (k = 0; k < (1ULL << exch.out.extent_order); k++)
                set_m2p(mfn + k, gpfn + k);
            if (put_pfn(out_list, idx, mfn))
                rc = -XEN_EFAULT;
        }
        if (rc)
            goto fail;
    }

    exch.nr_exchanged = exch.in.nr_extents;
    if (put_nr_exchanged(arg, &exch))
        rc = -XEN_EFAULT;
    return rc;

fail:
    {
        /* Give the stolen frames back as they were (their M2P entries were never touched). */
        mfn_t mfn;
        while ((mfn = chain_pop(&in_chain)) != PAGE_LIST_NULL)
            if (domain_assign_pages(d, mfn_to_page(mfn), 0, false))
                free_frames(mfn, 0);
        while ((mfn = chain_pop(&out_chain)) != PAGE_LIST_NULL)
            free_frames(mfn, exch.out.extent_order);
    }
dying:
    exch.nr_exchanged = i << in_chunk_order;
fail_early:
    if (put_nr_exchanged(arg, &exch))
        rc = -XEN_EFAULT;
    return rc;
}

/*
 * The host's memory map, for the control domain (Linux dom0 sizes itself and
 * finds ACPI with it). As Xen: the caller's buffer must hold at least one
 * entry more than the map, and nr_entries comes back as the count. Xen also
 * reports I/O ranges the caller may not use as unusable gaps; Mica does not
 * (yet) restrict dom0's I/O ranges, so there are none to report.
 */
struct e820_entry {
    uint64_t addr, size;
    uint32_t type;
} __packed;

static long machine_memory_map(guest_ptr_t arg)
{
    struct xen_memory_map map;
    const struct memmap *m = &boot_info.map;

    if (!current->domain->is_privileged)
        return -XEN_EPERM;
    if (copy_from_guest(&map, arg, sizeof(map)))
        return -XEN_EFAULT;
    if (map.nr_entries < m->nr + 1)
        return -XEN_EINVAL;
    for (unsigned i = 0; i < m->nr; i++) {
        struct e820_entry e = { m->r[i].addr, m->r[i].size, m->r[i].type };
        if (copy_to_guest((guest_ptr_t)map.buffer.p + i * sizeof(e), &e, sizeof(e)))
            return -XEN_EFAULT;
    }
    map.nr_entries = m->nr;
    return copy_to_guest(arg, &map, sizeof(map)) ? -XEN_EFAULT : 0;
}

long do_memory_op(unsigned long cmd, guest_ptr_t arg)
{
    unsigned long start_extent = cmd >> MEMOP_EXTENT_SHIFT;
    unsigned int op = cmd & MEMOP_CMD_MASK;
    long err = 0;
    struct domain *d;

    switch (op) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation_op(op, start_extent, arg);
    case XENMEM_exchange:
        return start_extent ? -XEN_EINVAL : memory_exchange(arg);
    case XENMEM_maximum_ram_page:
        return start_extent ? -XEN_EINVAL : (long)max_mfn;
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        if (start_extent)
            return -XEN_EINVAL;
        d = query_domain(arg, &err);
        if (!d)
            return err;
        if (op == XENMEM_current_reservation)
            return (long)d->tot_pages;
        if (op == XENMEM_maximum_reservation)
            return (long)d->max_pages;
        /* A PV guest tells us its p2m size in shared_info (Xen's rule); 0 until it does. */
        return (long)(d->shared_info->arch.max_pfn ? d->shared_info->arch.max_pfn : 1) - 1;
    }

    /* Xen's architecture sub-ops match the whole cmd: a start extent makes them unknown. */
    switch (cmd) {
    case XENMEM_machphys_mapping: {
        /* The whole reserved range, and the highest frame that exists. */
        struct xen_machphys_mapping m = {
            .v_start = MACH2PHYS_VIRT_START,
            .v_end = MACH2PHYS_VIRT_END,
            .max_mfn = max_mfn - 1,
        };
        return copy_to_guest(arg, &m, sizeof(m)) ? -XEN_EFAULT : 0;
    }
    case XENMEM_memory_map:
        /* No pseudo-physical map is kept for PV domains: Xen says -ENOSYS too. */
        return -XEN_ENOSYS;
    case XENMEM_machine_memory_map:
        return machine_memory_map(arg);
    default:
        return -XEN_ENOSYS;
    }
}
