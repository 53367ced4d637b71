/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant-table core, part 1: per-domain table state (version, frames,
 * active entries), the guest-visible flag protocol, and the table-level
 * operations (setup_table, query_size, set/get_version, get_status_frames,
 * swap_grant_ref, transfer, cache_flush argument checks).
 *
 * Behaviour follows Xen 4.17's xen/common/grant_table.c; see README.md.
 */
#include <mica/types.h>
#include <mica/string.h>
#include <mica/grant.h>

#ifdef MICA_HOST
void (*gnttab_test_race_hook)(struct gnttab *gt, gnt_ref_t ref);
#define RACE_HOOK(gt, ref) \
    do { if (gnttab_test_race_hook) gnttab_test_race_hook(gt, ref); } while (0)
#else
#define RACE_HOOK(gt, ref) do { } while (0)
#endif

/* A guest can rewrite its entry as fast as we can compare-and-swap it, so
 * bound the retries and blame the guest after that (Xen allows 5 tries). */
#define CLAIM_RETRIES 4

#define DIV_UP(n, d) (((n) + (d) - 1) / (d))

static unsigned int status_frames_for(unsigned int frames)
{
    return DIV_UP(frames * GNTTAB_V2_PER_FRAME, GNTTAB_STATUS_PER_FRAME);
}

/* The active table is sized for v1, the denser layout, so a version
 * switch never needs to reallocate it. */
static unsigned int active_pages_for(unsigned int frames)
{
    return DIV_UP(frames * GNTTAB_V1_PER_FRAME, GNTTAB_ACTIVE_PER_PAGE);
}

/* ------------------------------------------------------------------------
 * Entry access
 */
unsigned int gt_nr_entries(const struct gnttab *gt)
{
    if (gt->version == 1)
        return gt->nr_frames * GNTTAB_V1_PER_FRAME;
    return gt->nr_frames * GNTTAB_V2_PER_FRAME;
}

struct gnttab_active *gt_active(struct gnttab *gt, gnt_ref_t ref)
{
    return &gt->active[ref / GNTTAB_ACTIVE_PER_PAGE]
                      [ref % GNTTAB_ACTIVE_PER_PAGE];
}

static struct gnt_entry_v1 *entry_v1(struct gnttab *gt, gnt_ref_t ref)
{
    struct gnt_entry_v1 *f = gt->shared[ref / GNTTAB_V1_PER_FRAME].va;
    return &f[ref % GNTTAB_V1_PER_FRAME];
}

static union gnt_entry_v2 *entry_v2(struct gnttab *gt, gnt_ref_t ref)
{
    union gnt_entry_v2 *f = gt->shared[ref / GNTTAB_V2_PER_FRAME].va;
    return &f[ref % GNTTAB_V2_PER_FRAME];
}

static gnt_status_t *status_entry(struct gnttab *gt, gnt_ref_t ref)
{
    gnt_status_t *f = gt->status[ref / GNTTAB_STATUS_PER_FRAME].va;
    return &f[ref % GNTTAB_STATUS_PER_FRAME];
}

struct gnt_entry_header *gt_header(struct gnttab *gt, gnt_ref_t ref)
{
    if (gt->version == 1)
        return (struct gnt_entry_header *)entry_v1(gt, ref);
    return &entry_v2(gt, ref)->hdr;
}

/* Where GTF_reading/GTF_writing live: the flags word in v1, the status
 * frame in v2 (so the guest never has to race us on its own entry). */
uint16_t *gt_status_word(struct gnttab *gt, gnt_ref_t ref)
{
    if (gt->version == 1)
        return &gt_header(gt, ref)->flags;
    return status_entry(gt, ref);
}

/* flags and domid are read and swapped as one 32-bit word, so a check of
 * both and the update that depends on it are a single atomic step. */
static uint32_t hdr_load(struct gnt_entry_header *h)
{
    return __atomic_load_n((uint32_t *)h, __ATOMIC_ACQUIRE);
}
#define HDR_FLAGS(w) ((uint16_t)((w) & 0xFFFFU))
#define HDR_DOMID(w) ((uint16_t)((w) >> 16))

static void status_clear(uint16_t *word, uint16_t bits)
{
    __atomic_fetch_and(word, (uint16_t)~bits, __ATOMIC_SEQ_CST);
}

/* ------------------------------------------------------------------------
 * The flag protocol
 */
static bool entry_type_ok(uint16_t flags, uint16_t mask, bool mapping,
                          bool v2)
{
    if ((flags & mask) == MICA_GTF_permit_access)
        return true;
    /* Transitive grants can be copied through (v2 only), never mapped. */
    return v2 && !mapping && (flags & mask) == MICA_GTF_transitive;
}

static int16_t claim_v1(struct gnttab *gt, gnt_ref_t ref, gnt_domid_t ld,
                        bool readonly, bool mapping)
{
    struct gnttab_active *act = gt_active(gt, ref);
    struct gnt_entry_header *h = gt_header(gt, ref);
    uint16_t mask = MICA_GTF_type_mask | (mapping ? MICA_GTF_sub_page : 0);
    uint32_t cur = hdr_load(h);
    int retries = 0;

    for (;;) {
        uint16_t flags = HDR_FLAGS(cur);
        uint32_t want = cur | MICA_GTF_reading;

        /* Once pinned, the grant's identity is fixed in the active entry;
         * only the first pin has to match the guest's entry. */
        if (!act->pin && (!entry_type_ok(flags, mask, mapping, false) ||
                          HDR_DOMID(cur) != ld))
            return MICA_GNTST_general_error;
        if (!readonly) {
            if (flags & MICA_GTF_readonly)
                return MICA_GNTST_general_error;
            want |= MICA_GTF_writing;
        }
        RACE_HOOK(gt, ref);
        if (__atomic_compare_exchange_n((uint32_t *)h, &cur, want, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            return MICA_GNTST_okay;
        /* cur now holds what the guest wrote meanwhile; re-check it. */
        if (retries++ == CLAIM_RETRIES)
            return MICA_GNTST_general_error;
    }
}

static int16_t claim_v2(struct gnttab *gt, gnt_ref_t ref, gnt_domid_t ld,
                        bool readonly, bool mapping)
{
    struct gnttab_active *act = gt_active(gt, ref);
    struct gnt_entry_header *h = gt_header(gt, ref);
    uint16_t *st = status_entry(gt, ref);
    uint16_t mask = MICA_GTF_type_mask | (mapping ? MICA_GTF_sub_page : 0);
    uint32_t cur = hdr_load(h);

    if (!act->pin && (!entry_type_ok(HDR_FLAGS(cur), mask, mapping, true) ||
                      HDR_DOMID(cur) != ld))
        return MICA_GNTST_general_error;
    if (!readonly && (HDR_FLAGS(cur) & MICA_GTF_readonly))
        return MICA_GNTST_general_error;

    /* Publish the status first, then re-read the entry: a guest revoking
     * concurrently either sees our busy bits or we see its change. */
    __atomic_fetch_or(st, (uint16_t)(readonly ? MICA_GTF_reading :
                                     MICA_GTF_reading | MICA_GTF_writing),
                      __ATOMIC_SEQ_CST);
    RACE_HOOK(gt, ref);
    cur = hdr_load(h);

    if (!act->pin) {
        if (!entry_type_ok(HDR_FLAGS(cur), mask, mapping, true) ||
            HDR_DOMID(cur) != ld ||
            (!readonly && (HDR_FLAGS(cur) & MICA_GTF_readonly))) {
            status_clear(st, MICA_GTF_reading | MICA_GTF_writing);
            return MICA_GNTST_general_error;
        }
    } else if (HDR_FLAGS(cur) & MICA_GTF_readonly) {
        /* Existing pins keep their bits; only our write claim is undone. */
        status_clear(st, MICA_GTF_writing);
        return MICA_GNTST_general_error;
    }
    return MICA_GNTST_okay;
}

/* Mark entry ref of gt busy for domain ld (GTF_reading, plus GTF_writing
 * unless readonly), checking the grant allows it. Caller holds gt's lock
 * and has bounds-checked ref. */
int16_t gt_claim_entry(struct gnttab *gt, gnt_ref_t ref, gnt_domid_t ld,
                       bool readonly, bool mapping)
{
    if (gt->version == 1)
        return claim_v1(gt, ref, ld, readonly, mapping);
    return claim_v2(gt, ref, ld, readonly, mapping);
}

/* Bring the busy bits back in line with the pins that remain: drop
 * GTF_writing when no writable pin is left, GTF_reading when none at all.
 * The bits are cleared atomically because the guest owns the rest of the
 * v1 flags word. */
void gt_settle_entry(struct gnttab *gt, gnt_ref_t ref, bool readonly)
{
    struct gnttab_active *act = gt_active(gt, ref);
    uint16_t clear = act->pin ? 0 : MICA_GTF_reading;

    if (!readonly && !(act->pin & GNTPIN_WRITE_MASK))
        clear |= MICA_GTF_writing;
    if (clear)
        status_clear(gt_status_word(gt, ref), clear);
}

void gt_pin_add(struct gnttab *gt, struct gnttab_active *act, uint32_t inc)
{
    if (!act->pin)
        gt->nr_pinned++;
    act->pin += inc;
}

/* Returns true when this unpin left a dying table with no pins, i.e. the
 * caller must call gt_notify_idle() once it has dropped the lock. */
bool gt_pin_sub(struct gnttab *gt, struct gnttab_active *act, uint32_t inc)
{
    act->pin -= inc;
    if (act->pin)
        return false;
    gt->nr_pinned--;
    return gt->dying && !gt->nr_pinned;
}

void gt_notify_idle(struct gnttab *gt)
{
    if (gt->ops->idle)
        gt->ops->idle(gt->ctx, gt);
}

/* Resolve a domain id for an operation by caller. allow_self: the op takes
 * DOMID_SELF (Xen's rcu_lock_domain_by_any_id). Always returns a counted
 * reference, released with gt_release(). */
struct gnttab *gt_lookup(struct gnttab *caller, gnt_domid_t dom,
                         bool allow_self)
{
    if (allow_self && dom == MICA_DOMID_SELF)
        dom = caller->domid;
    return caller->ops->get_table(caller->ctx, dom);
}

void gt_release(struct gnttab *caller, struct gnttab *gt)
{
    caller->ops->put_table(caller->ctx, gt);
}

/* ------------------------------------------------------------------------
 * Frames and growth
 */
static void drop_status_frames_from(struct gnttab *gt, unsigned int from,
                                    unsigned int to)
{
    for (unsigned int i = from; i < to; i++)
        gt->ops->release_table_frame(gt->ctx, gt, true, i, gt->status[i].va);
}

static int populate_status(struct gnttab *gt, unsigned int frames)
{
    unsigned int want = status_frames_for(frames);

    for (unsigned int i = gt->nr_status_frames; i < want; i++) {
        gt->status[i].va = gt->ops->table_frame(gt->ctx, gt, true, i,
                                                &gt->status[i].gfn);
        if (!gt->status[i].va) {
            drop_status_frames_from(gt, gt->nr_status_frames, i);
            return -GNT_ENOMEM;
        }
    }
    if (want > gt->nr_status_frames)
        gt->nr_status_frames = want;
    return 0;
}

/* Grow to req frames (never shrinks). Caller holds the lock. */
static int grow_table(struct gnttab *gt, unsigned int req)
{
    unsigned int act_have = active_pages_for(gt->nr_frames);
    unsigned int act_want, i;

    if (req < GNTTAB_INITIAL_FRAMES)
        req = GNTTAB_INITIAL_FRAMES;
    act_want = active_pages_for(req);
    if (!gt->nr_frames)
        act_have = 0;

    for (i = act_have; i < act_want; i++) {
        gt->active[i] = gt->ops->alloc(gt->ctx, PAGE_SIZE);
        if (!gt->active[i])
            goto fail_active;
        memset(gt->active[i], 0, PAGE_SIZE);
    }
    for (i = gt->nr_frames; i < req; i++) {
        gt->shared[i].va = gt->ops->table_frame(gt->ctx, gt, false, i,
                                                &gt->shared[i].gfn);
        if (!gt->shared[i].va)
            goto fail_shared;
    }
    if (gt->version == 2 && populate_status(gt, req))
        goto fail_shared;
    if (req > gt->nr_frames)
        gt->nr_frames = req;
    return 0;

fail_shared:
    while (i-- > gt->nr_frames)
        gt->ops->release_table_frame(gt->ctx, gt, false, i, gt->shared[i].va);
    i = act_want;
fail_active:
    while (i-- > act_have) {
        gt->ops->free(gt->ctx, gt->active[i], PAGE_SIZE);
        gt->active[i] = NULL;
    }
    return -GNT_ENOMEM;
}

/* ------------------------------------------------------------------------
 * Lifecycle
 */
static void free_dirs(struct gnttab *gt)
{
    const struct gnttab_ops *ops = gt->ops;

    if (gt->shared)
        ops->free(gt->ctx, gt->shared,
                  gt->max_frames * sizeof(*gt->shared));
    if (gt->status)
        ops->free(gt->ctx, gt->status,
                  status_frames_for(gt->max_frames) * sizeof(*gt->status));
    if (gt->active)
        ops->free(gt->ctx, gt->active,
                  active_pages_for(gt->max_frames) * sizeof(*gt->active));
    if (gt->maptrack)
        ops->free(gt->ctx, gt->maptrack,
                  gt->max_maptrack_frames * sizeof(*gt->maptrack));
    gt->shared = NULL;
    gt->status = NULL;
    gt->active = NULL;
    gt->maptrack = NULL;
}

static void *alloc_zeroed(struct gnttab *gt, size_t size)
{
    void *p = gt->ops->alloc(gt->ctx, size);

    if (p)
        memset(p, 0, size);
    return p;
}

int gnttab_init(struct gnttab *gt, gnt_domid_t domid, void *owner,
                const struct gnttab_ops *ops, void *ctx,
                int max_frames, int max_maptrack_frames,
                unsigned int max_version)
{
    int rc;

    if (max_version < 1 || max_version > 2)
        return -GNT_EINVAL;
    if (max_frames < 0)
        max_frames = GNTTAB_MAX_FRAMES;
    if (max_maptrack_frames < 0)
        max_maptrack_frames = GNTTAB_MAX_MAPTRACK_FRAMES;
    if ((unsigned int)max_frames < GNTTAB_INITIAL_FRAMES ||
        (unsigned int)max_frames > GNTTAB_MAX_FRAMES ||
        (unsigned int)max_maptrack_frames > GNTTAB_MAX_MAPTRACK_FRAMES)
        return -GNT_EINVAL;

    memset(gt, 0, sizeof(*gt));
    gt->ops = ops;
    gt->ctx = ctx;
    gt->owner = owner;
    gt->domid = domid;
    gt->version = 1;
    gt->max_version = max_version;
    gt->max_frames = (unsigned int)max_frames;
    gt->max_maptrack_frames = (unsigned int)max_maptrack_frames;
    gt->maptrack_free = UINT32_MAX;

    gt->shared = alloc_zeroed(gt, gt->max_frames * sizeof(*gt->shared));
    gt->status = alloc_zeroed(gt, status_frames_for(gt->max_frames) *
                                  sizeof(*gt->status));
    gt->active = alloc_zeroed(gt, active_pages_for(gt->max_frames) *
                                  sizeof(*gt->active));
    if (gt->max_maptrack_frames)
        gt->maptrack = alloc_zeroed(gt, gt->max_maptrack_frames *
                                        sizeof(*gt->maptrack));
    if (!gt->shared || !gt->status || !gt->active ||
        (gt->max_maptrack_frames && !gt->maptrack)) {
        free_dirs(gt);
        return -GNT_ENOMEM;
    }

    ops->lock(ctx, gt);
    rc = grow_table(gt, 0);
    ops->unlock(ctx, gt);
    if (rc)
        free_dirs(gt);
    return rc;
}

void gnttab_set_dying(struct gnttab *gt)
{
    /* From now on the unpin that drops the last pin reports idle(); if
     * there are no pins now, gnttab_destroy() can run right away. */
    gt->ops->lock(gt->ctx, gt);
    gt->dying = true;
    gt->ops->unlock(gt->ctx, gt);
}

unsigned int gnttab_outstanding_pins(struct gnttab *gt)
{
    unsigned int n;

    gt->ops->lock(gt->ctx, gt);
    n = gt->nr_pinned;
    gt->ops->unlock(gt->ctx, gt);
    return n;
}

int gnttab_destroy(struct gnttab *gt)
{
    const struct gnttab_ops *ops = gt->ops;
    unsigned int i;

    ops->lock(gt->ctx, gt);
    if (gt->nr_pinned || gt->maptrack_used) {
        ops->unlock(gt->ctx, gt);
        return -GNT_EBUSY;
    }
    for (i = 0; i < gt->nr_frames; i++)
        ops->release_table_frame(gt->ctx, gt, false, i, gt->shared[i].va);
    drop_status_frames_from(gt, 0, gt->nr_status_frames);
    for (i = 0; i < active_pages_for(gt->nr_frames); i++)
        ops->free(gt->ctx, gt->active[i], PAGE_SIZE);
    for (i = 0; i < gt->maptrack_frames; i++)
        ops->free(gt->ctx, gt->maptrack[i], PAGE_SIZE);
    gt->nr_frames = gt->nr_status_frames = gt->maptrack_frames = 0;
    ops->unlock(gt->ctx, gt);
    free_dirs(gt);
    return 0;
}

/*
 * The table of domain dom, referenced, if caller may act on it (its own, or
 * a domain it controls). NULL otherwise, with *denied telling "exists but
 * not yours" from "no such domain": the table-level ops report them apart.
 */
static struct gnttab *gt_lookup_controlled(struct gnttab *caller, gnt_domid_t dom, bool *denied)
{
    struct gnttab *gt = gt_lookup(caller, dom, true);
    *denied = false;
    if (gt && !caller->ops->may_control(caller->ctx, caller, gt)) {
        gt_release(caller, gt);
        *denied = true;
        return NULL;
    }
    return gt;
}

/* ------------------------------------------------------------------------
 * Table-level operations
 */
int16_t gnttab_setup_table(struct gnttab *caller, gnt_domid_t dom,
                           uint32_t nr_frames, uint64_t *frame_list)
{
    bool denied;
    struct gnttab *gt = gt_lookup_controlled(caller, dom, &denied);
    int16_t rc = MICA_GNTST_okay;

    if (!gt)
        return denied ? MICA_GNTST_permission_denied : MICA_GNTST_bad_domain;

    gt->ops->lock(gt->ctx, gt);
    if (nr_frames > gt->max_frames) {
        rc = MICA_GNTST_general_error;
    } else if ((nr_frames > gt->nr_frames ||
                (gt->version == 2 &&
                 status_frames_for(nr_frames) > gt->nr_status_frames)) &&
               grow_table(gt, nr_frames)) {
        rc = MICA_GNTST_general_error;
    } else {
        for (uint32_t i = 0; i < nr_frames; i++)
            frame_list[i] = gt->shared[i].gfn;
    }
    gt->ops->unlock(gt->ctx, gt);
    gt_release(caller, gt);
    return rc;
}

int16_t gnttab_query_size(struct gnttab *caller, gnt_domid_t dom,
                          uint32_t *nr_frames, uint32_t *max_nr_frames)
{
    bool denied;
    struct gnttab *gt = gt_lookup_controlled(caller, dom, &denied);

    if (!gt)
        return denied ? MICA_GNTST_permission_denied : MICA_GNTST_bad_domain;
    gt->ops->lock(gt->ctx, gt);
    *nr_frames = gt->nr_frames;
    *max_nr_frames = gt->max_frames;
    gt->ops->unlock(gt->ctx, gt);
    gt_release(caller, gt);
    return MICA_GNTST_okay;
}

int gnttab_get_version(struct gnttab *caller, gnt_domid_t dom,
                       uint32_t *version)
{
    bool denied;
    struct gnttab *gt = gt_lookup_controlled(caller, dom, &denied);

    if (!gt)
        return denied ? -GNT_EPERM : -GNT_ESRCH;
    *version = gt->version;
    gt_release(caller, gt);
    return 0;
}

int16_t gnttab_get_status_frames(struct gnttab *caller, gnt_domid_t dom,
                                 uint32_t nr_frames, uint64_t *frame_list)
{
    bool denied;
    struct gnttab *gt = gt_lookup_controlled(caller, dom, &denied);
    int16_t rc = MICA_GNTST_okay;

    if (!gt)
        return denied ? MICA_GNTST_permission_denied : MICA_GNTST_bad_domain;
    gt->ops->lock(gt->ctx, gt);
    if (nr_frames > gt->nr_status_frames) {
        rc = MICA_GNTST_general_error;
    } else {
        for (uint32_t i = 0; i < nr_frames; i++)
            frame_list[i] = gt->status[i].gfn;
    }
    gt->ops->unlock(gt->ctx, gt);
    gt_release(caller, gt);
    return rc;
}

/* v2 -> v1 gives the status frames back. Release from the top so that a
 * frame the guest still maps (-EBUSY) leaves frame 0, which holds the
 * reserved entries' busy bits, in place; re-populate the released ones
 * (nothing is pinned there, so zeroed frames are correct). */
static int unpopulate_status(struct gnttab *gt)
{
    unsigned int n = gt->nr_status_frames;

    while (n) {
        int rc = gt->ops->release_table_frame(gt->ctx, gt, true, n - 1,
                                              gt->status[n - 1].va);
        if (rc) {
            gt->nr_status_frames = n;
            if (populate_status(gt, gt->nr_frames) == 0)
                return -GNT_EBUSY;      /* still a complete v2 table */
            /* Out of memory putting them back: v2 can no longer be kept,
             * so let the switch to v1 complete (v1 needs no status
             * frames) and hold on to the busy ones until destroy. */
            return 0;
        }
        n--;
    }
    gt->nr_status_frames = 0;
    return 0;
}

int gnttab_set_version(struct gnttab *gt, uint32_t *version)
{
    struct gnt_entry_v1 saved[MICA_GNTTAB_NR_RESERVED_ENTRIES];
    uint32_t want = *version;
    unsigned int i, n;
    int rc = 0;

    if (want != 1 && want != 2) {
        rc = -GNT_EINVAL;
        goto out_nolock;
    }
    if (want == 2 && gt->max_version == 1) {
        rc = -GNT_ENOSYS;
        goto out_nolock;
    }

    gt->ops->lock(gt->ctx, gt);
    if (gt->version == want)
        goto out;

    /* Entries in use would change meaning under their users. The reserved
     * ones are exempt: console and xenstore stay mapped across kexec. */
    n = gt_nr_entries(gt);
    for (i = MICA_GNTTAB_NR_RESERVED_ENTRIES; i < n; i++) {
        if (gt_active(gt, i)->pin) {
            rc = -GNT_EBUSY;
            goto out;
        }
    }

    if (gt->version == 1) {
        rc = populate_status(gt, gt->nr_frames);
        if (rc)
            goto out;
        memcpy(saved, entry_v1(gt, 0), sizeof(saved));
    } else {
        for (i = 0; i < MICA_GNTTAB_NR_RESERVED_ENTRIES; i++) {
            union gnt_entry_v2 *e = entry_v2(gt, i);
            uint16_t type = e->hdr.flags & MICA_GTF_type_mask;

            if (type == MICA_GTF_transitive ||
                (type == MICA_GTF_permit_access &&
                 (e->full_page.frame >> 32))) {
                rc = -GNT_ERANGE;
                goto out;
            }
        }
        for (i = 0; i < MICA_GNTTAB_NR_RESERVED_ENTRIES; i++) {
            union gnt_entry_v2 *e = entry_v2(gt, i);

            memset(&saved[i], 0, sizeof(saved[i]));
            if ((e->hdr.flags & MICA_GTF_type_mask) !=
                MICA_GTF_permit_access)
                continue;
            saved[i].flags = e->hdr.flags | *status_entry(gt, i);
            saved[i].domid = e->hdr.domid;
            saved[i].frame = (uint32_t)e->full_page.frame;
        }
        rc = unpopulate_status(gt);
        if (rc)
            goto out;
    }

    for (i = 0; i < gt->nr_frames; i++)
        memset(gt->shared[i].va, 0, PAGE_SIZE);

    if (want == 1) {
        memcpy(entry_v1(gt, 0), saved, sizeof(saved));
    } else {
        for (i = 0; i < MICA_GNTTAB_NR_RESERVED_ENTRIES; i++) {
            union gnt_entry_v2 *e = entry_v2(gt, i);
            uint16_t busy = MICA_GTF_reading | MICA_GTF_writing;

            *status_entry(gt, i) = saved[i].flags & busy;
            e->hdr.flags = saved[i].flags & (uint16_t)~busy;
            e->hdr.domid = saved[i].domid;
            e->full_page.frame = saved[i].frame;
        }
    }
    gt->version = want;

out:
    gt->ops->unlock(gt->ctx, gt);
out_nolock:
    *version = gt->version;
    return rc;
}

int16_t gnttab_swap_grant_ref(struct gnttab *gt, gnt_ref_t a, gnt_ref_t b)
{
    int16_t rc = MICA_GNTST_okay;

    gt->ops->lock(gt->ctx, gt);
    if (a >= gt_nr_entries(gt) || b >= gt_nr_entries(gt)) {
        rc = MICA_GNTST_bad_gntref;
    } else if (a == b) {
        /* nothing to do */
    } else if (gt_active(gt, a)->pin || gt_active(gt, b)->pin) {
        rc = MICA_GNTST_eagain;
    } else if (gt->version == 1) {
        struct gnt_entry_v1 t = *entry_v1(gt, a);

        *entry_v1(gt, a) = *entry_v1(gt, b);
        *entry_v1(gt, b) = t;
    } else {
        union gnt_entry_v2 t = *entry_v2(gt, a);
        gnt_status_t s = *status_entry(gt, a);

        *entry_v2(gt, a) = *entry_v2(gt, b);
        *status_entry(gt, a) = *status_entry(gt, b);
        *entry_v2(gt, b) = t;
        *status_entry(gt, b) = s;
    }
    gt->ops->unlock(gt->ctx, gt);
    return rc;
}

/*
 * Page-flipping transfer is not implemented. Xen 4.17 itself answers
 * -EOPNOTSUPP when transfer is disabled (gnttab=no-transfer or !CONFIG_PV)
 * and -ENOSYS for the whole hypercall when grant tables are compiled out;
 * Mica follows its rule for unimplemented ops and returns -ENOSYS without
 * writing any per-entry status. No current Linux driver issues it.
 */
int gnttab_transfer(struct gnttab *caller)
{
    return -GNT_ENOSYS;
}

int gnttab_cache_flush_check(const struct gnt_cache_flush *op)
{
    /* Same checks, same order as Xen: SOURCE_GREF is caught by the op mask
     * and so reports -EINVAL, not -EOPNOTSUPP. */
    if (op->offset >= PAGE_SIZE || op->length > PAGE_SIZE ||
        (uint32_t)op->offset + op->length > PAGE_SIZE ||
        (op->op & ~(MICA_GNTTAB_CACHE_INVAL | MICA_GNTTAB_CACHE_CLEAN)))
        return -GNT_EINVAL;
    if (!op->length || !op->op)
        return 0;
    return 1;
}
