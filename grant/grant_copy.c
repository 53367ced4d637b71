/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant-table core, part 3: GNTTABOP_copy.
 *
 * A copy pins the source grant read-only and the destination grant
 * writable for the duration of one memcpy, like a short-lived host
 * mapping (the pins count as host pins, as in Xen). v2 sub-page grants
 * restrict the bytes that may be touched; v2 transitive grants are
 * followed one level into the domain they name.
 */
#include <mica/types.h>
#include <mica/string.h>
#include <mica/grant.h>

/* acquire() lost a race while it had dropped the lock to follow a
 * transitive grant; the caller simply tries again (Xen restarts the
 * hypercall instead, which the guest cannot tell apart). */
#define RESTART 1
#define MAX_RESTARTS 16

struct copy_buf {
    bool have_grant;        /* pinned a grant entry (else: own frame) */
    bool have_frame;        /* holds one frame reference */
    bool readonly;
    struct gnttab *d;       /* domain named in the op, referenced */
    gnt_ref_t ref;
    struct gnttab *td;      /* transitive target, referenced, or NULL */
    gnt_ref_t trans_ref;
    uint64_t mfn;
    uint16_t start, length; /* window of the frame the grant allows */
};

/* Drop one copy pin on rd's entry gref. */
static void unpin_copy(struct gnttab *rd, gnt_ref_t gref, bool readonly)
{
    struct gnttab_active *act;
    bool idle;

    rd->ops->lock(rd->ctx, rd);
    act = gt_active(rd, gref);
    idle = gt_pin_sub(rd, act, readonly ? GNTPIN_HSTR_INC : GNTPIN_HSTW_INC);
    gt_settle_entry(rd, gref, readonly);
    rd->ops->unlock(rd->ctx, rd);
    if (idle)
        gt_notify_idle(rd);
}

/* Read the frame and window a (non-transitive) entry grants. */
static void entry_frame(struct gnttab *rd, gnt_ref_t gref, uint64_t *gfn,
                        uint16_t *start, uint16_t *length, bool *sub)
{
    struct gnt_entry_header *h = gt_header(rd, gref);

    *start = 0;
    *length = PAGE_SIZE;
    *sub = false;
    if (rd->version == 1) {
        *gfn = ((volatile struct gnt_entry_v1 *)h)->frame;
    } else {
        volatile union gnt_entry_v2 *e = (volatile union gnt_entry_v2 *)h;

        if (!(e->hdr.flags & MICA_GTF_sub_page)) {
            *gfn = e->full_page.frame;
        } else {
            *gfn = e->sub_page.frame;
            *start = e->sub_page.page_off;
            *length = e->sub_page.length;
            *sub = true;
        }
    }
}

/*
 * Pin rd's entry gref for a copy by ldom and take one frame reference (the
 * innermost level of a transitive chain takes it). Fills b->mfn, window,
 * td. Returns MICA_GNTST_*, or RESTART.
 */
static int acquire(struct gnttab *rd, gnt_ref_t gref, gnt_domid_t ldom,
                   bool ro, bool allow_trans, struct copy_buf *b)
{
    uint32_t inc = ro ? GNTPIN_HSTR_INC : GNTPIN_HSTW_INC;
    struct gnttab_active *act;
    uint32_t old_pin;
    bool need_claim;
    int rc = MICA_GNTST_okay;

    b->td = NULL;
    rd->ops->lock(rd->ctx, rd);
    if (gref >= gt_nr_entries(rd)) {
        rd->ops->unlock(rd->ctx, rd);
        return MICA_GNTST_bad_gntref;
    }
    act = gt_active(rd, gref);
    if (act->pin && (act->domid != ldom || (act->pin & (inc << 7)))) {
        rd->ops->unlock(rd->ctx, rd);
        return MICA_GNTST_general_error;
    }
    old_pin = act->pin;
    need_claim = !old_pin || (!ro && !(old_pin & GNTPIN_WRITE_MASK));

    if (rd->version == 2 &&
        (gt_header(rd, gref)->flags & MICA_GTF_type_mask) ==
        MICA_GTF_transitive) {
        volatile union gnt_entry_v2 *e =
            (volatile union gnt_entry_v2 *)gt_header(rd, gref);
        struct copy_buf inner;
        gnt_domid_t tdom;
        gnt_ref_t tref;
        struct gnttab *td;

        if (need_claim && (rc = gt_claim_entry(rd, gref, ldom, ro, false)))
            goto unlock;
        if (!allow_trans) {
            rc = MICA_GNTST_general_error;
            goto settle;
        }
        tdom = e->transitive.trans_domid;
        tref = e->transitive.gref;
        /* Pointing back at itself would recurse; pointing back at ldom is
         * fine (a grant handed on and back again). */
        if (tdom == rd->domid) {
            rc = MICA_GNTST_general_error;
            goto settle;
        }
        rd->ops->unlock(rd->ctx, rd);

        td = rd->ops->get_table(rd->ctx, tdom);
        rc = td ? acquire(td, tref, rd->domid, ro, false, &inner)
                : MICA_GNTST_general_error;

        rd->ops->lock(rd->ctx, rd);
        act = gt_active(rd, gref);
        if (rc) {
            gt_settle_entry(rd, gref, ro);
            rd->ops->unlock(rd->ctx, rd);
            if (td)
                rd->ops->put_table(rd->ctx, td);
            return rc;
        }
        /* The lock was dropped: if anything about the entry moved, undo
         * and start over rather than reason about the new state. */
        if (rd->version != 2 || act->pin != old_pin ||
            (old_pin && (act->domid != ldom || act->mfn != inner.mfn ||
                         act->start != inner.start ||
                         act->length != inner.length ||
                         act->trans_domid != tdom ||
                         act->trans_gref != tref || !act->is_sub_page))) {
            rd->ops->unlock(rd->ctx, rd);
            unpin_copy(td, tref, ro);
            td->ops->put_frame(td->ctx, inner.mfn, !ro);
            rd->ops->put_table(rd->ctx, td);
            rd->ops->lock(rd->ctx, rd);
            gt_settle_entry(rd, gref, ro);
            rd->ops->unlock(rd->ctx, rd);
            return RESTART;
        }
        if (!old_pin) {
            act->domid = ldom;
            act->start = inner.start;
            act->length = inner.length;
            act->trans_domid = tdom;
            act->trans_gref = tref;
            act->mfn = inner.mfn;
            /* Treated as sub-page whatever the far end is: that is what
             * keeps transitive grants from ever being mapped. */
            act->is_sub_page = 1;
        }
        b->td = td;
        b->trans_ref = tref;
    } else if (need_claim) {
        uint64_t gfn, mfn;
        uint16_t start, length;
        bool sub;

        rc = gt_claim_entry(rd, gref, ldom, ro, false);
        if (rc)
            goto unlock;
        if (!old_pin) {
            entry_frame(rd, gref, &gfn, &start, &length, &sub);
            rc = rd->ops->get_frame(rd->ctx, rd, gfn, !ro, &mfn);
            if (rc)
                goto settle;
            act->domid = ldom;
            act->is_sub_page = sub;
            act->start = start;
            act->length = length;
            act->trans_domid = rd->domid;
            act->trans_gref = gref;
            act->mfn = mfn;
        } else if (!rd->ops->ref_frame(rd->ctx, rd, act->mfn, !ro)) {
            rc = MICA_GNTST_general_error;
            goto settle;
        }
    } else {
        /* Already pinned with enough access: just another reference. */
        if (rd->dying || !rd->ops->ref_frame(rd->ctx, rd, act->mfn, !ro)) {
            rc = MICA_GNTST_bad_domain;
            goto settle;
        }
    }

    gt_pin_add(rd, act, inc);
    b->mfn = act->mfn;
    b->start = act->start;
    b->length = act->length;
    rd->ops->unlock(rd->ctx, rd);
    return MICA_GNTST_okay;

settle:
    gt_settle_entry(rd, gref, ro);
unlock:
    rd->ops->unlock(rd->ctx, rd);
    return rc;
}

static void release_buf(struct gnttab *ld, struct copy_buf *b)
{
    if (b->have_grant) {
        unpin_copy(b->d, b->ref, b->readonly);
        if (b->td) {
            unpin_copy(b->td, b->trans_ref, b->readonly);
            ld->ops->put_table(ld->ctx, b->td);
        }
    }
    if (b->have_frame)
        ld->ops->put_frame(ld->ctx, b->mfn, !b->readonly);
    b->have_grant = b->have_frame = false;
    b->td = NULL;
}

static int16_t claim_buf(struct gnttab *ld, const struct gnt_copy_ptr *p,
                         bool is_gref, struct copy_buf *b)
{
    int rc;

    if (is_gref) {
        int tries = 0;

        do {
            rc = acquire(b->d, p->u.ref, ld->domid, b->readonly, true, b);
        } while (rc == RESTART && ++tries < MAX_RESTARTS);
        if (rc == RESTART)
            return MICA_GNTST_eagain;
        if (rc)
            return (int16_t)rc;
        b->ref = p->u.ref;
        b->have_grant = true;
        b->have_frame = true;
        return MICA_GNTST_okay;
    }

    /* A raw frame of the caller's own (checked by the caller). */
    rc = b->d->ops->get_frame(b->d->ctx, b->d, p->u.gmfn, !b->readonly,
                              &b->mfn);
    if (rc)
        return (int16_t)rc;
    b->have_frame = true;
    b->start = 0;
    b->length = PAGE_SIZE;
    return MICA_GNTST_okay;
}

static int16_t check_and_copy(struct gnttab *ld, const struct gnt_copy *op,
                              const struct copy_buf *src,
                              const struct copy_buf *dst)
{
    uint32_t so = op->source.offset, doff = op->dest.offset, len = op->len;
    void *sva, *dva;

    if (so + len > PAGE_SIZE || doff + len > PAGE_SIZE)
        return MICA_GNTST_bad_copy_arg;
    /* Within the page but outside what the grant allows (sub-page). */
    if (so < src->start || so + len > (uint32_t)src->start + src->length)
        return MICA_GNTST_general_error;
    if (doff < dst->start || doff + len > (uint32_t)dst->start + dst->length)
        return MICA_GNTST_general_error;

    sva = ld->ops->map_frame(ld->ctx, src->mfn);
    dva = ld->ops->map_frame(ld->ctx, dst->mfn);
    /* memmove: source and destination may be the same frame. */
    memmove((uint8_t *)dva + doff, (const uint8_t *)sva + so, len);
    ld->ops->unmap_frame(ld->ctx, dva);
    ld->ops->unmap_frame(ld->ctx, sva);
    return MICA_GNTST_okay;
}

static int16_t copy_one(struct gnttab *ld, const struct gnt_copy *op)
{
    bool sg = op->flags & MICA_GNTCOPY_source_gref;
    bool dg = op->flags & MICA_GNTCOPY_dest_gref;
    struct copy_buf src = { .readonly = true };
    struct copy_buf dst = { .readonly = false };
    int16_t rc;

    /* Only one's own memory may be named by frame number. */
    if (op->source.domid != MICA_DOMID_SELF && !sg)
        return MICA_GNTST_permission_denied;
    src.d = gt_lookup(ld, op->source.domid, true);
    if (!src.d)
        return MICA_GNTST_bad_domain;
    if (op->dest.domid != MICA_DOMID_SELF && !dg) {
        rc = MICA_GNTST_permission_denied;
        goto out;
    }
    dst.d = gt_lookup(ld, op->dest.domid, true);
    if (!dst.d) {
        rc = MICA_GNTST_bad_domain;
        goto out;
    }

    rc = claim_buf(ld, &op->source, sg, &src);
    if (!rc)
        rc = claim_buf(ld, &op->dest, dg, &dst);
    if (!rc)
        rc = check_and_copy(ld, op, &src, &dst);

    release_buf(ld, &dst);
    release_buf(ld, &src);
out:
    if (dst.d)
        gt_release(ld, dst.d);
    gt_release(ld, src.d);
    return rc;
}

void gnttab_copy(struct gnttab *caller, struct gnt_copy *ops,
                 unsigned int count)
{
    for (unsigned int i = 0; i < count; i++)
        ops[i].status = copy_one(caller, &ops[i]);
}
