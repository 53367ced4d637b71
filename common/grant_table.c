/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HYPERVISOR_grant_table_op: the glue between PV guests and the grant-table
 * core in grant/ (which owns the entry state machine, active entries and
 * maptrack, and knows nothing of domains, frames or page tables).
 *
 * What the glue supplies (struct gnttab_ops):
 *  - one spinlock per domain's table, domain lookup by id, the XSM_TARGET
 *    rule (self, or a privileged caller);
 *  - table frames: heap pages shared with the guest the way Xen shares its
 *    own pages (share_xen_page_with_guest): owned by the domain, pinned
 *    writable-typed so they can never become page tables, not counted in
 *    tot_pages, no M2P entry. A PV guest maps them by machine frame with
 *    mmu_update/update_va_mapping, which the ordinary PV MMU rules allow
 *    because the domain owns them;
 *  - granted frames: PV guests grant machine frames (gfn == mfn); each use
 *    is a general reference, plus a writable-type reference for writes;
 *  - the PTE work (arch/x86/pv/grant_table.c) and the TLB flush.
 *
 * This file copies the guest's argument arrays in and the results out,
 * with Xen's whole-hypercall errors (-EFAULT, -EINVAL for count != 1 where
 * an op takes exactly one argument, -ENOSYS for unknown ops).
 */
#include <asm/x86.h>
#include <public/errno.h>
#include <public/grant_table.h>
#include <public/xen.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/flushtlb.h>
#include <mica/grant.h>
#include <mica/guest_access.h>
#include <mica/mm.h>
#include <mica/panic.h>
#include <mica/pv_grant.h>
#include <mica/string.h>

/* The core's copies of the argument records must be the guest's layout. */
_Static_assert(sizeof(struct gnt_map_grant_ref) == sizeof(struct gnttab_map_grant_ref), "map");
_Static_assert(sizeof(struct gnt_unmap_grant_ref) == sizeof(struct gnttab_unmap_grant_ref), "unmap");
_Static_assert(sizeof(struct gnt_unmap_and_replace) == sizeof(struct gnttab_unmap_and_replace), "replace");
_Static_assert(sizeof(struct gnt_copy) == sizeof(struct gnttab_copy), "copy");
_Static_assert(offsetof(struct gnt_copy, status) == offsetof(struct gnttab_copy, status), "copy");
_Static_assert(sizeof(struct gnt_cache_flush) == sizeof(struct gnttab_cache_flush), "flush");

/* Xen: the op is in the low 12 bits; cache_flush keeps continuation state
 * above them, every other op must leave them clear. */
#define GNTTABOP_CMD_MASK 0xfffU

/*
 * Xen's up-front check of an argument array (access_ok): only its start
 * address, which must be in the lower canonical half or above Xen's range.
 * Each element is still copied with the full checks of guest_access.h.
 */
static bool array_ok(guest_ptr_t p)
{
    return p < (1ULL << 47) || p >= HV_VIRT_END;
}

/* Ops handled per call before results go back (unmap: one TLB flush each). */
#define BATCH 16

static struct domain *owner_of(const struct gnttab *gt)
{
    return gt->owner;
}

/* ------------------------------------------------------------------------
 * struct gnttab_ops
 */
static void ops_lock(void *ctx, struct gnttab *gt)
{
    (void)ctx;
    spin_lock(&owner_of(gt)->grant_lock);
}

static void ops_unlock(void *ctx, struct gnttab *gt)
{
    (void)ctx;
    spin_unlock(&owner_of(gt)->grant_lock);
}

static struct gnttab *ops_get_table(void *ctx, gnt_domid_t domid)
{
    (void)ctx;
    struct domain *d = domain_lookup(domid);
    /* No reference is needed to keep the table alive: the domain is freed
     * only a grace period after it leaves the table (mica/rcu.h), and the
     * core never keeps a table beyond the hypercall. A dying one stays
     * findable, as the core requires. */
    return d ? &d->grant : NULL;
}

static void ops_put_table(void *ctx, struct gnttab *gt)
{
    (void)ctx; (void)gt;
}

/* Xen's dummy XSM policy for XSM_TARGET: oneself, or the control domain. */
static bool ops_may_control(void *ctx, const struct gnttab *caller, const struct gnttab *target)
{
    (void)ctx;
    return caller == target || owner_of(caller)->is_privileged;
}

static unsigned order_for(size_t size)
{
    unsigned order = 0;
    while ((PAGE_SIZE << order) < size)
        order++;
    return order;
}

static void *ops_alloc(void *ctx, size_t size)
{
    (void)ctx;
    /* Bookkeeping is page-sized or a directory of at most a few pages. */
    return alloc_pages(order_for(size));
}

static void ops_free(void *ctx, void *p, size_t size)
{
    (void)ctx;
    free_pages(p, order_for(size));
}

static void *ops_table_frame(void *ctx, struct gnttab *gt, bool status, unsigned int idx,
                             uint64_t *gfn)
{
    (void)ctx; (void)status; (void)idx;
    struct page_info *pg = alloc_domain_pages(owner_of(gt)->domain_id, 0);
    if (!pg)
        return NULL;
    mfn_t mfn = page_to_mfn(pg);
    void *va = mfn_to_virt(mfn);
    memset(va, 0, PAGE_SIZE);
    /*
     * Xen's share_xen_page_with_guest(SHARE_rw): the allocation reference
     * plus a writable type count that nothing ever drops while the table
     * has the frame, so the guest can map it writable but never turn it
     * into a page table or descriptor page. Not a guest frame: no M2P.
     */
    if (get_page_type(pg, PGT_WRITABLE))
        panic("grant frame %#lx: fresh frame refused the writable type", mfn);
    set_m2p(mfn, ~0UL);
    *gfn = mfn;
    return va;
}

static int ops_release_table_frame(void *ctx, struct gnttab *gt, bool status, unsigned int idx,
                                   void *va)
{
    (void)ctx; (void)status; (void)idx;
    struct page_info *pg = mfn_to_page(virt_to_maddr(va) >> PAGE_SHIFT);
    uint16_t owner = owner_of(gt)->domain_id;

    /*
     * Hand the frame to Mica first, so no new mapping can take a reference
     * (get_page checks the owner before and after counting); then only the
     * allocation reference may remain. More means the guest still maps it:
     * give it back and refuse, as Xen does for status frames.
     */
    __atomic_store_n(&pg->owner, OWNER_HYPERVISOR, __ATOMIC_SEQ_CST);
    if (page_refcount(pg) != 1 && !owner_of(gt)->is_dying) {
        __atomic_store_n(&pg->owner, owner, __ATOMIC_SEQ_CST);
        return -GNT_EBUSY;
    }
    /*
     * A dying domain's table goes whoever still maps a frame of it (the
     * control domain may): the mapping keeps the frame, which returns to
     * the heap when it is unmapped (common/domain_destroy.c).
     */
    put_page_type(pg);
    page_unassign(pg);      /* last reference: back to the heap */
    return 0;
}

/* A granted frame of owner's: PV gfn == mfn. Xen's errors: not the
 * granter's -> GNTST_bad_page; cannot be written (a page table) ->
 * GNTST_general_error ("could not pin"). */
static int16_t ops_get_frame(void *ctx, struct gnttab *owner, uint64_t gfn, bool writable,
                             uint64_t *mfn)
{
    (void)ctx;
    if (!mfn_valid(gfn))
        return GNTST_bad_page;
    struct page_info *pg = mfn_to_page(gfn);
    if (!get_page(pg, owner_of(owner)->domain_id))
        return GNTST_bad_page;
    if (writable && get_page_type(pg, PGT_WRITABLE)) {
        put_page(pg);
        return GNTST_general_error;
    }
    *mfn = gfn;
    return GNTST_okay;
}

static bool ops_ref_frame(void *ctx, struct gnttab *owner, uint64_t mfn, bool writable)
{
    (void)ctx;
    struct page_info *pg = mfn_to_page(mfn);
    if (!get_page(pg, owner_of(owner)->domain_id))
        return false;
    if (writable && get_page_type(pg, PGT_WRITABLE)) {
        put_page(pg);
        return false;
    }
    return true;
}

static void ops_put_frame(void *ctx, uint64_t mfn, bool writable)
{
    (void)ctx;
    struct page_info *pg = mfn_to_page(mfn);
    if (writable)
        put_page_type(pg);
    put_page(pg);
}

static void *ops_map_frame(void *ctx, uint64_t mfn)
{
    (void)ctx;
    return mfn_to_virt(mfn);    /* RAM is direct-mapped */
}

static void ops_unmap_frame(void *ctx, void *va)
{
    (void)ctx; (void)va;
}

/* The mapping domain is always the caller, i.e. the current vCPU's. */
static int16_t ops_create_host_mapping(void *ctx, struct gnttab *ld, uint64_t addr, uint64_t mfn,
                                       uint32_t flags, unsigned int cache_flags)
{
    (void)ctx; (void)ld;
    /* Cache attributes only apply to MMIO grants (Xen passes 0 for RAM),
     * and Mica grants RAM only. */
    (void)cache_flags;
    return pv_create_grant_mapping(current, addr, mfn, flags);
}

static int16_t ops_replace_host_mapping(void *ctx, struct gnttab *ld, uint64_t addr, uint64_t mfn,
                                        uint64_t new_addr, uint32_t flags)
{
    (void)ctx; (void)ld;
    return pv_replace_grant_mapping(current, addr, mfn, new_addr, flags);
}

static void ops_flush_tlb(void *ctx, struct gnttab *ld)
{
    (void)ctx;
    /* Every CPU running the mapping domain (and this one). */
    flush_tlb_domain(owner_of(ld));
}

static const struct gnttab_ops mica_gnttab_ops = {
    .lock = ops_lock,
    .unlock = ops_unlock,
    .get_table = ops_get_table,
    .put_table = ops_put_table,
    .may_control = ops_may_control,
    .alloc = ops_alloc,
    .free = ops_free,
    .table_frame = ops_table_frame,
    .release_table_frame = ops_release_table_frame,
    .get_frame = ops_get_frame,
    .ref_frame = ops_ref_frame,
    .put_frame = ops_put_frame,
    .map_frame = ops_map_frame,
    .unmap_frame = ops_unmap_frame,
    .create_host_mapping = ops_create_host_mapping,
    .replace_host_mapping = ops_replace_host_mapping,
    .flush_tlb = ops_flush_tlb,
};

void grant_domain_init(struct domain *d)
{
    d->grant_lock = (spinlock_t)SPINLOCK_INIT;
    /* Xen 4.17's defaults: 64 frames, 1024 maptrack frames, v2 allowed. */
    int rc = gnttab_init(&d->grant, d->domain_id, d, &mica_gnttab_ops, NULL, -1, -1, 2);
    if (rc)
        panic("d%u: grant table: %d", d->domain_id, rc);
}

/* ------------------------------------------------------------------------
 * GNTTABOP_cache_flush: the part the core leaves to the glue.
 */
static int cache_flush_one(struct domain *d, const struct gnt_cache_flush *op)
{
    int rc = gnttab_cache_flush_check(op);
    if (rc <= 0)
        return rc;

    mfn_t mfn = op->a.dev_bus_addr >> PAGE_SHIFT;
    if (!mfn_valid(mfn))
        return -XEN_EINVAL;
    struct page_info *pg = mfn_to_page(mfn);
    uint16_t owner_id = __atomic_load_n(&pg->owner, __ATOMIC_ACQUIRE);
    struct domain *owner = domain_lookup(owner_id);
    /* Xen: a frame without an owning domain (Mica's, free) -> -EPERM. */
    if (!owner || !get_page(pg, owner_id))
        return -XEN_EPERM;
    /* Another domain's frame only through a grant it mapped for us. */
    if (owner != d && !gnttab_grant_map_exists(&owner->grant, d->domain_id, mfn)) {
        put_page(pg);
        return -XEN_EINVAL;
    }
    /* x86 (as Xen): INVAL alone cannot be done without writing back. */
    if (!(op->op & GNTTAB_CACHE_CLEAN)) {
        rc = -XEN_EOPNOTSUPP;
    } else {
        const char *p = (const char *)mfn_to_virt(mfn) + op->offset;
        for (uint32_t off = 0; off < op->length; off += 64)
            __asm__ volatile("clflush %0" :: "m"(p[off]) : "memory");
        __asm__ volatile("mfence" ::: "memory");
        rc = 0;
    }
    put_page(pg);
    return rc;
}

/* ------------------------------------------------------------------------
 * The hypercall
 */

/*
 * The batched ops: copy up to BATCH records in, run them, copy them (or
 * just the status field, as Xen does) back. A record that cannot be read
 * stops the call with -EFAULT after the ones before it were done.
 */
#define BATCHED(type, corefn, out_off, out_len)                                  \
    do {                                                                        \
        type a_[BATCH];                                                         \
        for (unsigned int base_ = 0; base_ < count; base_ += BATCH) {           \
            unsigned int n_ = MIN(count - base_, (unsigned int)BATCH), got_;     \
            guest_ptr_t p_ = uop + (uint64_t)base_ * sizeof(type);              \
            for (got_ = 0; got_ < n_; got_++)                                   \
                if (copy_from_guest(&a_[got_], p_ + got_ * sizeof(type), sizeof(type))) \
                    break;                                                      \
            if (got_)                                                           \
                corefn(gt, a_, got_);                                           \
            for (unsigned int i_ = 0; i_ < got_; i_++)                          \
                if (copy_to_guest(p_ + i_ * sizeof(type) + (out_off),           \
                                  (const char *)&a_[i_] + (out_off), (out_len))) \
                    return -XEN_EFAULT;                                         \
            if (got_ < n_)                                                      \
                return -XEN_EFAULT;                                             \
        }                                                                       \
        return 0;                                                               \
    } while (0)

/* Only the status field goes back (Xen's __copy_field_to_guest). */
#define BATCHED_STATUS(type, corefn) \
    BATCHED(type, corefn, offsetof(type, status), sizeof(((type *)0)->status))

/*
 * The OUT half of setup_table and get_status_frames: on success the frame
 * numbers go to the guest's list (a list it cannot take is
 * GNTST_bad_virt_addr, as Xen), then the status to *status_ptr.
 */
static long put_frame_list(guest_ptr_t status_ptr, int16_t status, guest_ptr_t list,
                           const uint64_t *frames, uint32_t nr)
{
    if (status == GNTST_okay)
        for (uint32_t i = 0; i < nr; i++)
            if (copy_to_guest(list + i * sizeof(uint64_t), &frames[i], sizeof(uint64_t)))
                status = GNTST_bad_virt_addr;
    return copy_to_guest(status_ptr, &status, sizeof(status)) ? -XEN_EFAULT : 0;
}

static long setup_table(struct gnttab *gt, guest_ptr_t uop, unsigned int count)
{
    struct gnttab_setup_table op;
    uint64_t frames[GNTTAB_MAX_FRAMES];

    if (count != 1)
        return -XEN_EINVAL;
    if (copy_from_guest(&op, uop, sizeof(op)))
        return -XEN_EFAULT;
    guest_ptr_t list = (guest_ptr_t)op.frame_list.p;
    if (!array_ok(list))
        return -XEN_EFAULT;
    /* The core refuses more than the table's maximum before it writes
     * frames[], and no table has more than GNTTAB_MAX_FRAMES. */
    op.status = gnttab_setup_table(gt, op.dom, op.nr_frames, frames);
    return put_frame_list(uop + offsetof(struct gnttab_setup_table, status), op.status, list,
                          frames, op.nr_frames);
}

static long get_status_frames(struct gnttab *gt, guest_ptr_t uop, unsigned int count)
{
    struct gnttab_get_status_frames op;
    /* v2 status frames for the largest table: 16-byte entries, 2-byte status. */
    uint64_t frames[GNTTAB_MAX_FRAMES * GNTTAB_V2_PER_FRAME / GNTTAB_STATUS_PER_FRAME];

    if (count != 1)
        return -XEN_EINVAL;
    if (copy_from_guest(&op, uop, sizeof(op)))
        return -XEN_EFAULT;
    guest_ptr_t list = (guest_ptr_t)op.frame_list.p;
    if (!array_ok(list))
        return -XEN_EFAULT;
    /* The core refuses nr_frames beyond the table's status frames first. */
    op.status = gnttab_get_status_frames(gt, op.dom, op.nr_frames, frames);
    return put_frame_list(uop + offsetof(struct gnttab_get_status_frames, status), op.status,
                          list, frames, op.nr_frames);
}

static void swap_batch(struct gnttab *gt, struct gnttab_swap_grant_ref *ops, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        ops[i].status = gnttab_swap_grant_ref(gt, ops[i].ref_a, ops[i].ref_b);
}

static long grant_table_op(unsigned int cmd, guest_ptr_t uop, unsigned int count)
{
    struct domain *d = current->domain;
    struct gnttab *gt = &d->grant;
    unsigned int op = cmd & GNTTABOP_CMD_MASK;
    long rc;

    if ((int)count < 0)
        return -XEN_EINVAL;
    if (op != GNTTABOP_cache_flush && (cmd & ~GNTTABOP_CMD_MASK))
        return -XEN_EINVAL;

    switch (op) {
    case GNTTABOP_map_grant_ref:
    case GNTTABOP_unmap_grant_ref:
    case GNTTABOP_unmap_and_replace:
    case GNTTABOP_copy:
    case GNTTABOP_swap_grant_ref:
    case GNTTABOP_cache_flush:
        /* Xen checks the array's start before the first element. */
        if (!array_ok(uop))
            return -XEN_EFAULT;
        break;
    default:
        break;
    }

    switch (op) {
    case GNTTABOP_map_grant_ref:
        /* The whole record goes back: status, handle, dev_bus_addr. */
        BATCHED(struct gnt_map_grant_ref, gnttab_map_grant_ref, 0,
                sizeof(struct gnt_map_grant_ref));
    case GNTTABOP_unmap_grant_ref:
        BATCHED_STATUS(struct gnt_unmap_grant_ref, gnttab_unmap_grant_ref);
    case GNTTABOP_unmap_and_replace:
        BATCHED_STATUS(struct gnt_unmap_and_replace, gnttab_unmap_and_replace);
    case GNTTABOP_copy:
        BATCHED_STATUS(struct gnt_copy, gnttab_copy);
    case GNTTABOP_swap_grant_ref:
        BATCHED_STATUS(struct gnttab_swap_grant_ref, swap_batch);
    case GNTTABOP_setup_table:
        return setup_table(gt, uop, count);
    case GNTTABOP_get_status_frames:
        return get_status_frames(gt, uop, count);
    case GNTTABOP_query_size: {
        struct gnttab_query_size q;
        if (count != 1)
            return -XEN_EINVAL;
        if (copy_from_guest(&q, uop, sizeof(q)))
            return -XEN_EFAULT;
        q.status = gnttab_query_size(gt, q.dom, &q.nr_frames, &q.max_nr_frames);
        return copy_to_guest(uop, &q, sizeof(q)) ? -XEN_EFAULT : 0;
    }
    case GNTTABOP_set_version: {
        struct gnttab_set_version v;
        if (copy_from_guest(&v, uop, sizeof(v)))
            return -XEN_EFAULT;
        rc = gnttab_set_version(gt, &v.version);
        /* The version in force goes back whatever happened. */
        return copy_to_guest(uop, &v, sizeof(v)) ? -XEN_EFAULT : rc;
    }
    case GNTTABOP_get_version: {
        struct gnttab_get_version v;
        if (copy_from_guest(&v, uop, sizeof(v)))
            return -XEN_EFAULT;
        rc = gnttab_get_version(gt, v.dom, &v.version);
        if (rc)
            return rc;
        return copy_to_guest(uop + offsetof(struct gnttab_get_version, version), &v.version,
                             sizeof(v.version)) ? -XEN_EFAULT : 0;
    }
    case GNTTABOP_transfer:
        /* Not implemented (grant/README.md): Mica's -ENOSYS. */
        return gnttab_transfer(gt);
    case GNTTABOP_cache_flush:
        /* The bits above the op are Xen's continuation cursor; the whole
         * table is searched in one go here, so they carry nothing. */
        for (unsigned int i = 0; i < count; i++) {
            struct gnt_cache_flush f;
            if (copy_from_guest(&f, uop + (uint64_t)i * sizeof(f), sizeof(f)))
                return -XEN_EFAULT;
            rc = cache_flush_one(d, &f);
            if (rc < 0)
                return rc;
        }
        return 0;
    default:
        /* Includes GNTTABOP_dump_table, which Xen 4.17 does not offer either. */
        return -XEN_ENOSYS;
    }
}

long do_grant_table_op(unsigned int cmd, guest_ptr_t uop, unsigned int count)
{
    long rc = grant_table_op(cmd, uop, count);
    /* An unmap may have let go of a dead domain's last frame. */
    domain_reap_dead();
    return rc;
}
