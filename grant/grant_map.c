/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant-table core, part 2: mapping another domain's grants.
 *
 * The mapping domain (ld) records each mapping in its maptrack table; the
 * handle it gets back is the maptrack index. The granting domain (rd) pins
 * the entry in its active table. The two tables are never locked together:
 * every step takes one lock, and a maptrack entry carries a busy mark while
 * an unmap is between steps (see README.md, "Locking").
 */
#include <mica/types.h>
#include <mica/string.h>
#include <mica/grant.h>

#define NO_HANDLE UINT32_MAX
#define MAPPED (MICA_GNTMAP_host_map | MICA_GNTMAP_device_map)

/* Unmaps are done in batches: all PTEs of a batch are cleared, the TLB is
 * flushed once, and only then are pins and frame references dropped, so
 * no CPU can still reach a frame whose reference is gone. */
#define UNMAP_BATCH 32

static struct gnttab_maptrack *mt_entry(struct gnttab *gt, uint32_t h)
{
    return &gt->maptrack[h / GNTTAB_MAPTRACK_PER_PAGE]
                        [h % GNTTAB_MAPTRACK_PER_PAGE];
}

/* ------------------------------------------------------------------------
 * Maptrack (caller holds ld's lock)
 */
static uint32_t get_handle(struct gnttab *ld)
{
    uint32_t h = ld->maptrack_free;

    if (h == NO_HANDLE) {
        struct gnttab_maptrack *page;
        uint32_t base = ld->maptrack_frames * GNTTAB_MAPTRACK_PER_PAGE;

        if (ld->maptrack_frames >= ld->max_maptrack_frames)
            return NO_HANDLE;
        page = ld->ops->alloc(ld->ctx, PAGE_SIZE);
        if (!page)
            return NO_HANDLE;
        memset(page, 0, PAGE_SIZE);
        for (uint32_t i = 0; i < GNTTAB_MAPTRACK_PER_PAGE; i++)
            page[i].next_free = base + i + 1;
        page[GNTTAB_MAPTRACK_PER_PAGE - 1].next_free = NO_HANDLE;
        ld->maptrack[ld->maptrack_frames++] = page;
        h = base;
    }
    ld->maptrack_free = mt_entry(ld, h)->next_free;
    ld->maptrack_used++;
    return h;
}

static void put_handle(struct gnttab *ld, uint32_t h)
{
    struct gnttab_maptrack *mt = mt_entry(ld, h);

    mt->flags = 0;
    mt->busy = 0;
    mt->next_free = ld->maptrack_free;
    ld->maptrack_free = h;
    ld->maptrack_used--;
}

static void put_handle_locked(struct gnttab *ld, uint32_t h)
{
    ld->ops->lock(ld->ctx, ld);
    put_handle(ld, h);
    ld->ops->unlock(ld->ctx, ld);
}

/* Pin increments for a GNTMAP_* request, one per kind of mapping. */
static uint32_t host_inc(uint32_t flags)
{
    return (flags & MICA_GNTMAP_readonly) ? GNTPIN_HSTR_INC : GNTPIN_HSTW_INC;
}

static uint32_t dev_inc(uint32_t flags)
{
    return (flags & MICA_GNTMAP_readonly) ? GNTPIN_DEVR_INC : GNTPIN_DEVW_INC;
}

/* Drop what one mapping's kinds hold on rd's entry ref: the pins, then
 * the busy bits, then (unlocked) one frame reference per kind. */
static void unpin_kinds(struct gnttab *rd, gnt_ref_t ref, uint32_t kinds,
                        bool readonly, uint64_t mfn)
{
    struct gnttab_active *act;
    uint32_t fl = readonly ? MICA_GNTMAP_readonly : 0;
    bool idle = false;

    rd->ops->lock(rd->ctx, rd);
    act = gt_active(rd, ref);
    if (kinds & MICA_GNTMAP_device_map)
        idle |= gt_pin_sub(rd, act, dev_inc(fl));
    if (kinds & MICA_GNTMAP_host_map)
        idle |= gt_pin_sub(rd, act, host_inc(fl));
    gt_settle_entry(rd, ref, readonly);
    rd->ops->unlock(rd->ctx, rd);

    if (kinds & MICA_GNTMAP_device_map)
        rd->ops->put_frame(rd->ctx, mfn, !readonly);
    if (kinds & MICA_GNTMAP_host_map)
        rd->ops->put_frame(rd->ctx, mfn, !readonly);
    if (idle)
        gt_notify_idle(rd);
}

/* ------------------------------------------------------------------------
 * map_grant_ref
 */

/* Pin rd's entry for ld and take one frame reference per mapping kind.
 * Called with rd's lock held. */
static int16_t pin_for_map(struct gnttab *ld, struct gnttab *rd,
                           const struct gnt_map_grant_ref *op,
                           uint32_t pin_inc, uint64_t *mfn,
                           unsigned int *cache_flags)
{
    bool ro = op->flags & MICA_GNTMAP_readonly;
    unsigned int kinds = !!(op->flags & MICA_GNTMAP_host_map) +
                         !!(op->flags & MICA_GNTMAP_device_map);
    struct gnttab_active *act;
    bool first;
    int16_t rc;

    if (op->ref >= gt_nr_entries(rd))
        return MICA_GNTST_bad_gntref;
    act = gt_active(rd, op->ref);

    /* A pinned entry belongs to one domain; counters must not wrap; and a
     * sub-page or transitive pin (from copy) can never be mapped. */
    if (act->pin && (act->domid != ld->domid ||
                     (act->pin & (pin_inc << 7)) || act->is_sub_page))
        return MICA_GNTST_general_error;
    /* A dying granter's memory is on its way out: refuse new pins, as
     * Xen's "could not pin" path does. */
    if (rd->dying)
        return MICA_GNTST_general_error;

    first = !act->pin;
    if (first || (!ro && !(act->pin & GNTPIN_WRITE_MASK))) {
        rc = gt_claim_entry(rd, op->ref, ld->domid, ro, true);
        if (rc)
            return rc;
    }

    if (first) {
        uint64_t gfn = rd->version == 1 ?
            ((struct gnt_entry_v1 *)gt_header(rd, op->ref))->frame :
            ((union gnt_entry_v2 *)gt_header(rd, op->ref))->full_page.frame;

        rc = rd->ops->get_frame(rd->ctx, rd, gfn, !ro, mfn);
        if (rc)
            goto unclaim;
        kinds--;
    } else {
        *mfn = act->mfn;
    }
    for (unsigned int i = 0; i < kinds; i++) {
        if (!rd->ops->ref_frame(rd->ctx, rd, *mfn, !ro)) {
            /* Give back what this request took so far. */
            unsigned int taken = i + (first ? 1 : 0);

            while (taken--)
                rd->ops->put_frame(rd->ctx, *mfn, !ro);
            rc = MICA_GNTST_general_error;
            goto unclaim;
        }
    }

    if (first) {
        act->domid = ld->domid;
        act->mfn = *mfn;
        act->start = 0;
        act->length = PAGE_SIZE;
        act->is_sub_page = 0;
        act->trans_domid = rd->domid;
        act->trans_gref = op->ref;
    }
    gt_pin_add(rd, act, pin_inc);
    /* Cache attributes only matter for MMIO grants; the glue decides. */
    *cache_flags = gt_header(rd, op->ref)->flags &
                   (MICA_GTF_PAT | MICA_GTF_PWT | MICA_GTF_PCD);
    return MICA_GNTST_okay;

unclaim:
    gt_settle_entry(rd, op->ref, ro);
    return rc;
}

static void map_one(struct gnttab *ld, struct gnt_map_grant_ref *op)
{
    uint32_t pin_inc = 0, kinds = op->flags & MAPPED;
    bool ro = op->flags & MICA_GNTMAP_readonly;
    unsigned int cache_flags = 0;
    struct gnttab_maptrack *mt;
    struct gnttab *rd;
    uint64_t mfn = 0;
    uint32_t handle;
    int16_t rc;

    if (op->flags & MICA_GNTMAP_device_map)
        pin_inc += dev_inc(op->flags);
    if (op->flags & MICA_GNTMAP_host_map)
        pin_inc += host_inc(op->flags);
    if (!pin_inc) {
        op->status = MICA_GNTST_bad_gntref;
        return;
    }

    /* Map takes a real domain id; DOMID_SELF is not looked up. */
    rd = gt_lookup(ld, op->dom, false);
    if (!rd) {
        op->status = MICA_GNTST_bad_domain;
        return;
    }

    ld->ops->lock(ld->ctx, ld);
    handle = get_handle(ld);
    ld->ops->unlock(ld->ctx, ld);
    if (handle == NO_HANDLE) {
        gt_release(ld, rd);
        op->status = MICA_GNTST_no_space;
        return;
    }

    rd->ops->lock(rd->ctx, rd);
    rc = pin_for_map(ld, rd, op, pin_inc, &mfn, &cache_flags);
    rd->ops->unlock(rd->ctx, rd);
    if (rc)
        goto fail_handle;

    if (op->flags & MICA_GNTMAP_host_map) {
        rc = ld->ops->create_host_mapping(ld->ctx, ld, op->host_addr, mfn,
                                          op->flags, cache_flags);
        if (rc) {
            unpin_kinds(rd, op->ref, kinds, ro, mfn);
            goto fail_handle;
        }
    }

    /* Only now does the handle become visible to unmap. */
    ld->ops->lock(ld->ctx, ld);
    mt = mt_entry(ld, handle);
    mt->domid = op->dom;
    mt->ref = op->ref;
    mt->busy = 0;
    mt->flags = (uint16_t)op->flags;
    ld->ops->unlock(ld->ctx, ld);

    /* Without an IOMMU the bus address is the machine address. */
    op->dev_bus_addr = mfn << PAGE_SHIFT;
    op->handle = handle;
    op->status = MICA_GNTST_okay;
    gt_release(ld, rd);
    return;

fail_handle:
    put_handle_locked(ld, handle);
    gt_release(ld, rd);
    op->status = rc;
}

void gnttab_map_grant_ref(struct gnttab *caller,
                          struct gnt_map_grant_ref *ops, unsigned int count)
{
    for (unsigned int i = 0; i < count; i++)
        map_one(caller, &ops[i]);
}

/* ------------------------------------------------------------------------
 * unmap_grant_ref / unmap_and_replace
 */
struct unmap_state {
    uint32_t done;          /* kinds actually unmapped (GNTMAP_*) */
    bool readonly;
    uint64_t mfn;
    gnt_ref_t ref;
    struct gnttab *rd;      /* referenced while done != 0 */
};

/* First half: validate, tear down the PTE, update maptrack. Pins and
 * references stay until unmap_finish(), after the TLB flush. */
static int16_t unmap_start(struct gnttab *ld, uint32_t handle,
                           uint64_t host_addr, uint64_t dev_bus_addr,
                           uint64_t new_addr, struct unmap_state *st)
{
    struct gnttab_maptrack *mt;
    struct gnttab *rd;
    uint32_t flags, done = 0;
    gnt_domid_t dom;
    gnt_ref_t ref;
    int16_t rc = MICA_GNTST_okay;

    st->done = 0;

    ld->ops->lock(ld->ctx, ld);
    if (handle >= ld->maptrack_frames * GNTTAB_MAPTRACK_PER_PAGE ||
        !(mt_entry(ld, handle)->flags & MAPPED) ||
        mt_entry(ld, handle)->busy) {
        ld->ops->unlock(ld->ctx, ld);
        return MICA_GNTST_bad_handle;
    }
    mt = mt_entry(ld, handle);
    mt->busy = 1;
    flags = mt->flags;
    dom = mt->domid;
    ref = mt->ref;
    ld->ops->unlock(ld->ctx, ld);

    /* A live maptrack entry pins rd's entry, and a pinned table stays
     * findable, so failure here is a glue bug; report a bad handle. */
    rd = gt_lookup(ld, dom, false);
    if (!rd) {
        rc = MICA_GNTST_bad_handle;
        goto out_unbusy;
    }

    rd->ops->lock(rd->ctx, rd);
    if (ref >= gt_nr_entries(rd)) {
        rc = MICA_GNTST_bad_handle;
    } else {
        st->mfn = gt_active(rd, ref)->mfn;
        if (dev_bus_addr && (flags & MICA_GNTMAP_device_map) &&
            dev_bus_addr != st->mfn << PAGE_SHIFT)
            rc = MICA_GNTST_bad_dev_addr;
    }
    rd->ops->unlock(rd->ctx, rd);
    if (rc)
        goto out_put;

    if (host_addr && (flags & MICA_GNTMAP_host_map)) {
        rc = ld->ops->replace_host_mapping(ld->ctx, ld, host_addr, st->mfn,
                                           new_addr, flags);
        if (rc)
            goto out_put;
        done |= MICA_GNTMAP_host_map;
    }
    if (dev_bus_addr && (flags & MICA_GNTMAP_device_map))
        done |= MICA_GNTMAP_device_map;

    ld->ops->lock(ld->ctx, ld);
    mt->flags &= (uint16_t)~done;
    if (!(mt->flags & MAPPED))
        put_handle(ld, handle);
    else
        mt->busy = 0;
    ld->ops->unlock(ld->ctx, ld);

    if (!done) {
        gt_release(ld, rd);
        return MICA_GNTST_okay;     /* nothing asked for: Xen says okay */
    }
    st->done = done;
    st->readonly = flags & MICA_GNTMAP_readonly;
    st->ref = ref;
    st->rd = rd;
    return MICA_GNTST_okay;

out_put:
    gt_release(ld, rd);
out_unbusy:
    ld->ops->lock(ld->ctx, ld);
    mt->busy = 0;
    ld->ops->unlock(ld->ctx, ld);
    return rc;
}

static void unmap_finish(struct gnttab *ld, struct unmap_state *st)
{
    if (!st->done)
        return;
    unpin_kinds(st->rd, st->ref, st->done, st->readonly, st->mfn);
    gt_release(ld, st->rd);
    st->done = 0;
}

static void flush_and_finish(struct gnttab *ld, struct unmap_state *st,
                             unsigned int n)
{
    ld->ops->flush_tlb(ld->ctx, ld);
    for (unsigned int i = 0; i < n; i++)
        unmap_finish(ld, &st[i]);
}

void gnttab_unmap_grant_ref(struct gnttab *caller,
                            struct gnt_unmap_grant_ref *ops,
                            unsigned int count)
{
    struct unmap_state st[UNMAP_BATCH];

    for (unsigned int base = 0; base < count; base += UNMAP_BATCH) {
        unsigned int n = MIN(count - base, (unsigned int)UNMAP_BATCH);

        for (unsigned int i = 0; i < n; i++) {
            struct gnt_unmap_grant_ref *op = &ops[base + i];

            op->status = unmap_start(caller, op->handle, op->host_addr,
                                     op->dev_bus_addr, 0, &st[i]);
        }
        flush_and_finish(caller, st, n);
    }
}

void gnttab_unmap_and_replace(struct gnttab *caller,
                              struct gnt_unmap_and_replace *ops,
                              unsigned int count)
{
    struct unmap_state st[UNMAP_BATCH];

    for (unsigned int base = 0; base < count; base += UNMAP_BATCH) {
        unsigned int n = MIN(count - base, (unsigned int)UNMAP_BATCH);

        for (unsigned int i = 0; i < n; i++) {
            struct gnt_unmap_and_replace *op = &ops[base + i];

            op->status = unmap_start(caller, op->handle, op->host_addr, 0,
                                     op->new_addr, &st[i]);
        }
        flush_and_finish(caller, st, n);
    }
}

/* ------------------------------------------------------------------------
 * Domain death and cache-flush support
 */
void gnttab_release_mappings(struct gnttab *gt)
{
    uint32_t limit = gt->maptrack_frames * GNTTAB_MAPTRACK_PER_PAGE;

    for (uint32_t h = 0; h < limit; h++) {
        struct gnttab_maptrack *mt;
        struct gnttab *rd;
        uint32_t flags;
        gnt_domid_t dom;
        gnt_ref_t ref;
        uint64_t mfn;

        gt->ops->lock(gt->ctx, gt);
        mt = mt_entry(gt, h);
        flags = mt->flags & MAPPED ? mt->flags : 0;
        dom = mt->domid;
        ref = mt->ref;
        if (flags)
            put_handle(gt, h);
        gt->ops->unlock(gt->ctx, gt);
        if (!flags)
            continue;

        rd = gt_lookup(gt, dom, false);
        if (!rd)
            continue;       /* granter gone: nothing left to unpin */
        /* Tables never shrink, so ref is still in range; the pin keeps
         * act->mfn stable until unpin_kinds() drops it. */
        rd->ops->lock(rd->ctx, rd);
        mfn = gt_active(rd, ref)->mfn;
        rd->ops->unlock(rd->ctx, rd);
        unpin_kinds(rd, ref, flags & MAPPED, flags & MICA_GNTMAP_readonly,
                    mfn);
        gt_release(gt, rd);
    }

    gt->ops->lock(gt->ctx, gt);
    for (uint32_t i = 0; i < gt->maptrack_frames; i++) {
        gt->ops->free(gt->ctx, gt->maptrack[i], PAGE_SIZE);
        gt->maptrack[i] = NULL;
    }
    gt->maptrack_frames = 0;
    gt->maptrack_free = NO_HANDLE;
    gt->maptrack_used = 0;
    gt->ops->unlock(gt->ctx, gt);
}

bool gnttab_grant_map_exists(struct gnttab *gt, gnt_domid_t ld,
                             uint64_t mfn)
{
    bool found = false;

    gt->ops->lock(gt->ctx, gt);
    for (gnt_ref_t ref = 0; ref < gt_nr_entries(gt) && !found; ref++) {
        struct gnttab_active *act = gt_active(gt, ref);

        found = act->pin && act->domid == ld && act->mfn == mfn;
    }
    gt->ops->unlock(gt->ctx, gt);
    return found;
}
