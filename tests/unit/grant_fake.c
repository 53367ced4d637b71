/* SPDX-License-Identifier: GPL-2.0-only */
/* Fake glue for the grant-table core tests; see grant_fake.h. */
#include <stdlib.h>
#include <string.h>
#include "grant_fake.h"

struct fake fk;

static int dom_of(const struct gnttab *gt)
{
    return (int)(gt - fk.gt);
}

static void f_lock(void *ctx, struct gnttab *gt)
{
    int d = dom_of(gt);

    /* The core promises never to hold two tables' locks (README). */
    ck_assert_int_eq(fk.locks_held, 0);
    ck_assert_int_eq(fk.lock_depth[d], 0);
    fk.lock_depth[d]++;
    fk.locks_held++;
}

static void f_unlock(void *ctx, struct gnttab *gt)
{
    int d = dom_of(gt);

    ck_assert_int_eq(fk.lock_depth[d], 1);
    fk.lock_depth[d]--;
    fk.locks_held--;
}

static struct gnttab *f_get_table(void *ctx, gnt_domid_t id)
{
    ck_assert_int_eq(fk.locks_held, 0);
    if (id >= NDOM || !fk.exists[id])
        return NULL;
    fk.table_refs[id]++;
    return &fk.gt[id];
}

static void f_put_table(void *ctx, struct gnttab *gt)
{
    ck_assert_int_gt(fk.table_refs[dom_of(gt)], 0);
    fk.table_refs[dom_of(gt)]--;
}

static bool f_may_control(void *ctx, const struct gnttab *caller,
                          const struct gnttab *target)
{
    return caller == target || fk.privileged[dom_of(caller)];
}

static void *f_alloc(void *ctx, size_t size)
{
    void *p = malloc(size);

    if (p) {
        memset(p, 0xA5, size);  /* the core must not rely on zeroing */
        fk.allocs++;
    }
    return p;
}

static void f_free(void *ctx, void *p, size_t size)
{
    ck_assert_ptr_nonnull(p);
    fk.allocs--;
    free(p);
}

static void *f_table_frame(void *ctx, struct gnttab *gt, bool status,
                           unsigned int idx, uint64_t *gfn)
{
    void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);

    ck_assert_ptr_nonnull(p);
    memset(p, 0, PAGE_SIZE);
    fk.table_frames++;
    *gfn = fk.next_gfn++;
    return p;
}

static int f_release_table_frame(void *ctx, struct gnttab *gt, bool status,
                                 unsigned int idx, void *va)
{
    if (status && fk.status_frame_busy)
        return -GNT_EBUSY;
    fk.table_frames--;
    free(va);
    return 0;
}

static int16_t f_get_frame(void *ctx, struct gnttab *owner, uint64_t gfn,
                           bool writable, uint64_t *mfn)
{
    if (gfn >= NFRAMES || fk.owner[gfn] != dom_of(owner))
        return MICA_GNTST_bad_page;
    if (writable && fk.no_writable[gfn])
        return MICA_GNTST_general_error;
    fk.refs[gfn]++;
    if (writable)
        fk.wrefs[gfn]++;
    *mfn = gfn;                 /* PV: machine frame == guest frame */
    return MICA_GNTST_okay;
}

static bool f_ref_frame(void *ctx, struct gnttab *owner, uint64_t mfn,
                        bool writable)
{
    ck_assert_uint_lt(mfn, NFRAMES);
    ck_assert_int_gt(fk.refs[mfn], 0);  /* only ever called while pinned */
    if (fk.owner[mfn] != dom_of(owner))
        return false;
    if (writable && fk.no_writable[mfn])
        return false;
    fk.refs[mfn]++;
    if (writable)
        fk.wrefs[mfn]++;
    return true;
}

static void f_put_frame(void *ctx, uint64_t mfn, bool writable)
{
    ck_assert_uint_lt(mfn, NFRAMES);
    ck_assert_int_gt(fk.refs[mfn], 0);
    fk.refs[mfn]--;
    if (writable) {
        ck_assert_int_gt(fk.wrefs[mfn], 0);
        fk.wrefs[mfn]--;
    }
}

static void *f_map_frame(void *ctx, uint64_t mfn)
{
    ck_assert_uint_lt(mfn, NFRAMES);
    ck_assert_int_gt(fk.refs[mfn], 0);  /* never touch an unreferenced frame */
    ck_assert_int_eq(fk.locks_held, 0);
    fk.maps_live++;
    return fk.mem[mfn];
}

static void f_unmap_frame(void *ctx, void *va)
{
    fk.maps_live--;
}

struct fake_pte *pte_find(int d, uint64_t addr)
{
    for (int i = 0; i < NPTES; i++)
        if (fk.pte[i].used && fk.pte[i].dom == d && fk.pte[i].addr == addr)
            return &fk.pte[i];
    return NULL;
}

static int16_t f_create(void *ctx, struct gnttab *ld, uint64_t addr,
                        uint64_t mfn, uint32_t flags, unsigned int cache)
{
    ck_assert_int_eq(fk.locks_held, 0);
    ck_assert_int_gt(fk.refs[mfn], 0);
    if (addr == BAD_ADDR || pte_find(dom_of(ld), addr))
        return MICA_GNTST_general_error;
    if ((flags & MICA_GNTMAP_contains_pte) && (addr & 7))
        return MICA_GNTST_general_error;
    for (int i = 0; i < NPTES; i++) {
        if (!fk.pte[i].used) {
            fk.pte[i] = (struct fake_pte){ true, dom_of(ld), addr, mfn,
                                           !(flags & MICA_GNTMAP_readonly),
                                           flags };
            return MICA_GNTST_okay;
        }
    }
    return MICA_GNTST_general_error;
}

static int16_t f_replace(void *ctx, struct gnttab *ld, uint64_t addr,
                         uint64_t mfn, uint64_t new_addr, uint32_t flags)
{
    struct fake_pte *p = pte_find(dom_of(ld), addr), *n = NULL;

    ck_assert_int_eq(fk.locks_held, 0);
    /* Like Xen: the PTE must map this frame with the mapping's access. */
    if (!p || p->mfn != mfn || p->rw != !(flags & MICA_GNTMAP_readonly))
        return MICA_GNTST_general_error;
    if (new_addr) {
        if (flags & MICA_GNTMAP_contains_pte)
            return MICA_GNTST_general_error;
        n = pte_find(dom_of(ld), new_addr);
        if (!n)
            return MICA_GNTST_general_error;
        /* Move the PTE from new_addr to addr; new_addr becomes empty. */
        p->mfn = n->mfn;
        p->rw = n->rw;
        p->flags = n->flags;
        n->used = false;
        return MICA_GNTST_okay;
    }
    p->used = false;
    return MICA_GNTST_okay;
}

static void f_flush(void *ctx, struct gnttab *ld)
{
    ck_assert_int_eq(fk.locks_held, 0);
    fk.flushes++;
}

static void f_idle(void *ctx, struct gnttab *gt)
{
    ck_assert_int_eq(fk.locks_held, 0);
    fk.idle_calls[dom_of(gt)]++;
}

const struct gnttab_ops fake_ops = {
    .lock = f_lock, .unlock = f_unlock,
    .get_table = f_get_table, .put_table = f_put_table,
    .may_control = f_may_control,
    .alloc = f_alloc, .free = f_free,
    .table_frame = f_table_frame,
    .release_table_frame = f_release_table_frame,
    .get_frame = f_get_frame, .ref_frame = f_ref_frame,
    .put_frame = f_put_frame,
    .map_frame = f_map_frame, .unmap_frame = f_unmap_frame,
    .create_host_mapping = f_create, .replace_host_mapping = f_replace,
    .flush_tlb = f_flush, .idle = f_idle,
};

void fake_add_domain(int d, int max_frames, int max_maptrack, int max_ver)
{
    ck_assert_int_eq(gnttab_init(&fk.gt[d], (gnt_domid_t)d, NULL, &fake_ops,
                                 &fk, max_frames, max_maptrack,
                                 (unsigned int)max_ver), 0);
    fk.exists[d] = true;
}

void fake_setup(void)
{
    memset(&fk, 0, sizeof(fk));
    fk.next_gfn = 0x1000;
    for (int f = 0; f < NFRAMES; f++)
        fk.owner[f] = (f / 16 + 1) % NDOM;  /* 0-15 d1, 16-31 d2, ... */
    for (int d = 0; d < NDOM; d++)
        fake_add_domain(d, -1, -1, 2);
    fk.privileged[0] = true;
    gnttab_test_race_hook = NULL;
}

int total_refs(void)
{
    int n = 0;

    for (int f = 0; f < NFRAMES; f++)
        n += fk.refs[f] + fk.wrefs[f];
    return n;
}

/* Every scenario must leave the books balanced once all domains are gone:
 * no frame references, no pins, no allocations, no table references. */
void fake_teardown(void)
{
    fk.status_frame_busy = false;
    for (int d = 0; d < NDOM; d++)
        if (fk.exists[d])
            gnttab_release_mappings(&fk.gt[d]);
    for (int d = 0; d < NDOM; d++) {
        if (!fk.exists[d])
            continue;
        ck_assert_uint_eq(gnttab_outstanding_pins(&fk.gt[d]), 0);
        ck_assert_int_eq(gnttab_destroy(&fk.gt[d]), 0);
        fk.exists[d] = false;
    }
    for (int f = 0; f < NFRAMES; f++) {
        ck_assert_int_eq(fk.refs[f], 0);
        ck_assert_int_eq(fk.wrefs[f], 0);
    }
    for (int d = 0; d < NDOM; d++)
        ck_assert_int_eq(fk.table_refs[d], 0);
    ck_assert_int_eq(fk.allocs, 0);
    ck_assert_int_eq(fk.table_frames, 0);
    ck_assert_int_eq(fk.locks_held, 0);
    ck_assert_int_eq(fk.maps_live, 0);
}

struct gnt_entry_v1 *v1e(int d, gnt_ref_t ref)
{
    struct gnt_entry_v1 *f = fk.gt[d].shared[ref / GNTTAB_V1_PER_FRAME].va;
    return &f[ref % GNTTAB_V1_PER_FRAME];
}

union gnt_entry_v2 *v2e(int d, gnt_ref_t ref)
{
    union gnt_entry_v2 *f = fk.gt[d].shared[ref / GNTTAB_V2_PER_FRAME].va;
    return &f[ref % GNTTAB_V2_PER_FRAME];
}

uint16_t *v2status(int d, gnt_ref_t ref)
{
    uint16_t *f = fk.gt[d].status[ref / GNTTAB_STATUS_PER_FRAME].va;
    return &f[ref % GNTTAB_STATUS_PER_FRAME];
}

/* As a guest would: domid and frame first, flags last. */
void grant_v1(int d, gnt_ref_t ref, int to, uint32_t frame, uint16_t flags)
{
    struct gnt_entry_v1 *e = v1e(d, ref);

    e->domid = (uint16_t)to;
    e->frame = frame;
    __atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
}

void grant_v2(int d, gnt_ref_t ref, int to, uint64_t frame, uint16_t flags)
{
    union gnt_entry_v2 *e = v2e(d, ref);

    e->hdr.domid = (uint16_t)to;
    e->full_page.frame = frame;
    __atomic_store_n(&e->hdr.flags, flags, __ATOMIC_RELEASE);
}
