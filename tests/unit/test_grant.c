/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant-table core: entry state machine, flag protocol, limits and
 * reference balance. Every test runs between fake_setup() and
 * fake_teardown(); the teardown fails the test unless all frame
 * references, pins, allocations and table references are back to zero.
 *
 * Domains 0..3 (0 is privileged). Frames 0-15 belong to d1, 16-31 to d2,
 * 32-47 to d3, 48-63 to d0.
 */
#include <stdlib.h>
#include <string.h>
#include "grant_fake.h"

#define PA   MICA_GTF_permit_access
#define RO   MICA_GTF_readonly
#define RD   MICA_GTF_reading
#define WR   MICA_GTF_writing
#define HOST MICA_GNTMAP_host_map
#define DEV  MICA_GNTMAP_device_map
#define MRO  MICA_GNTMAP_readonly

static struct gnttab *G(int d) { return &fk.gt[d]; }

static int16_t map1(int ld, int rd, gnt_ref_t ref, uint32_t flags,
                    uint64_t addr, gnt_handle_t *h, uint64_t *bus)
{
    struct gnt_map_grant_ref op = { .host_addr = addr, .flags = flags,
                                    .ref = ref, .dom = (gnt_domid_t)rd,
                                    .status = 99, .handle = 0xfeed };

    gnttab_map_grant_ref(G(ld), &op, 1);
    if (h)
        *h = op.handle;
    if (bus)
        *bus = op.dev_bus_addr;
    return op.status;
}

static int16_t unmap1(int ld, gnt_handle_t h, uint64_t addr, uint64_t bus)
{
    struct gnt_unmap_grant_ref op = { .host_addr = addr,
                                      .dev_bus_addr = bus, .handle = h,
                                      .status = 99 };

    gnttab_unmap_grant_ref(G(ld), &op, 1);
    return op.status;
}

static uint32_t pin(int d, gnt_ref_t ref)
{
    return gt_active(G(d), ref)->pin;
}

static int16_t copy1(int caller, uint16_t flags, uint64_t sref, int sdom,
                     uint16_t soff, uint64_t dref, int ddom, uint16_t doff,
                     uint16_t len)
{
    struct gnt_copy op = { .len = len, .flags = flags, .status = 99 };

    if (flags & MICA_GNTCOPY_source_gref)
        op.source.u.ref = (gnt_ref_t)sref;
    else
        op.source.u.gmfn = sref;
    if (flags & MICA_GNTCOPY_dest_gref)
        op.dest.u.ref = (gnt_ref_t)dref;
    else
        op.dest.u.gmfn = dref;
    op.source.domid = (gnt_domid_t)sdom;
    op.source.offset = soff;
    op.dest.domid = (gnt_domid_t)ddom;
    op.dest.offset = doff;
    gnttab_copy(G(caller), &op, 1);
    return op.status;
}

static void set_v2(int d)
{
    uint32_t v = 2;

    ck_assert_int_eq(gnttab_set_version(G(d), &v), 0);
    ck_assert_uint_eq(v, 2);
}

/* ------------------------------------------------------------------------ */
START_TEST(test_init_limits)
{
    struct gnttab t;
    uint32_t nr = 0, max = 0, v = 0;
    long allocs = fk.allocs;

    ck_assert_int_eq(gnttab_query_size(G(1), MICA_DOMID_SELF, &nr, &max),
                     MICA_GNTST_okay);
    ck_assert_uint_eq(nr, 1);
    ck_assert_uint_eq(max, 64);
    ck_assert_int_eq(gnttab_get_version(G(1), MICA_DOMID_SELF, &v), 0);
    ck_assert_uint_eq(v, 1);

    ck_assert_int_eq(gnttab_init(&t, 9, NULL, &fake_ops, &fk, 0, -1, 2),
                     -GNT_EINVAL);
    ck_assert_int_eq(gnttab_init(&t, 9, NULL, &fake_ops, &fk, 65, -1, 2),
                     -GNT_EINVAL);
    ck_assert_int_eq(gnttab_init(&t, 9, NULL, &fake_ops, &fk, -1, 1025, 2),
                     -GNT_EINVAL);
    ck_assert_int_eq(gnttab_init(&t, 9, NULL, &fake_ops, &fk, -1, -1, 0),
                     -GNT_EINVAL);
    ck_assert_int_eq(gnttab_init(&t, 9, NULL, &fake_ops, &fk, -1, -1, 3),
                     -GNT_EINVAL);
    ck_assert_int_eq(fk.allocs, allocs);

    /* A domain created with a smaller limit is held to it. */
    ck_assert_int_eq(gnttab_destroy(G(3)), 0);
    fake_add_domain(3, 4, -1, 2);
    uint64_t list[8];
    ck_assert_int_eq(gnttab_setup_table(G(3), MICA_DOMID_SELF, 4, list),
                     MICA_GNTST_okay);
    ck_assert_int_eq(gnttab_setup_table(G(3), MICA_DOMID_SELF, 5, list),
                     MICA_GNTST_general_error);
    ck_assert_int_eq(gnttab_query_size(G(3), 3, &nr, &max), MICA_GNTST_okay);
    ck_assert_uint_eq(nr, 4);
    ck_assert_uint_eq(max, 4);
}
END_TEST

/* Every combination of the five GNTMAP_* request bits, on a rw grant. */
START_TEST(test_map_flag_matrix)
{
    for (uint32_t fl = 0; fl < 32; fl++) {
        gnt_ref_t ref = 10 + fl;
        uint64_t addr = 0x100000 + fl * 0x1000, bus = 0;
        bool host = fl & HOST, dev = fl & DEV, ro = fl & MRO;
        int kinds = host + dev;
        uint32_t want_pin = 0;
        gnt_handle_t h;

        grant_v1(1, ref, 2, 3, PA);
        if (!kinds) {
            ck_assert_int_eq(map1(2, 1, ref, fl, addr, &h, NULL),
                             MICA_GNTST_bad_gntref);
            ck_assert_uint_eq(v1e(1, ref)->flags, PA);
            ck_assert_int_eq(total_refs(), 0);
            continue;
        }
        if (host)
            want_pin += ro ? GNTPIN_HSTR_INC : GNTPIN_HSTW_INC;
        if (dev)
            want_pin += ro ? GNTPIN_DEVR_INC : GNTPIN_DEVW_INC;

        ck_assert_int_eq(map1(2, 1, ref, fl, addr, &h, &bus),
                         MICA_GNTST_okay);
        ck_assert_uint_eq(bus, 3ULL << PAGE_SHIFT);
        ck_assert_uint_eq(pin(1, ref), want_pin);
        ck_assert_uint_eq(v1e(1, ref)->flags, PA | RD | (ro ? 0 : WR));
        ck_assert_int_eq(fk.refs[3], kinds);
        ck_assert_int_eq(fk.wrefs[3], ro ? 0 : kinds);
        if (host) {
            struct fake_pte *p = pte_find(2, addr);

            ck_assert_ptr_nonnull(p);
            ck_assert_uint_eq(p->mfn, 3);
            ck_assert_int_eq(p->rw, !ro);
            ck_assert_uint_eq(p->flags, fl);    /* app_map/contains_pte */
        } else {
            ck_assert_ptr_null(pte_find(2, addr));
        }

        ck_assert_int_eq(unmap1(2, h, host ? addr : 0, dev ? bus : 0),
                         MICA_GNTST_okay);
        ck_assert_uint_eq(pin(1, ref), 0);
        ck_assert_uint_eq(v1e(1, ref)->flags, PA);
        ck_assert_int_eq(total_refs(), 0);
        ck_assert_ptr_null(pte_find(2, addr));
        ck_assert_int_eq(unmap1(2, h, addr, bus), MICA_GNTST_bad_handle);
    }
    ck_assert_uint_eq(G(2)->maptrack_used, 0);
}
END_TEST

START_TEST(test_readonly_grant)
{
    gnt_handle_t h;

    grant_v1(1, 20, 2, 4, PA | RO);
    /* Xen 4.17 reports a write pin of a r/o grant as general_error. */
    ck_assert_int_eq(map1(2, 1, 20, HOST, 0x1000, &h, NULL),
                     MICA_GNTST_general_error);
    ck_assert_int_eq(map1(2, 1, 20, DEV, 0, &h, NULL),
                     MICA_GNTST_general_error);
    ck_assert_uint_eq(v1e(1, 20)->flags, PA | RO);
    ck_assert_int_eq(total_refs(), 0);

    ck_assert_int_eq(map1(2, 1, 20, HOST | MRO, 0x1000, &h, NULL),
                     MICA_GNTST_okay);
    ck_assert_uint_eq(v1e(1, 20)->flags, PA | RO | RD);
    /* Still refused while pinned read-only, and the bits stay as they were. */
    ck_assert_int_eq(map1(2, 1, 20, HOST, 0x2000, NULL, NULL),
                     MICA_GNTST_general_error);
    ck_assert_uint_eq(v1e(1, 20)->flags, PA | RO | RD);
    ck_assert_int_eq(fk.refs[4], 1);
    ck_assert_int_eq(fk.wrefs[4], 0);
    ck_assert_int_eq(unmap1(2, h, 0x1000, 0), MICA_GNTST_okay);
}
END_TEST

START_TEST(test_bad_entries)
{
    gnt_handle_t h;
    uint64_t list[2];

    grant_v1(1, 5 + 16, 3, 4, PA);                  /* granted to d3 */
    ck_assert_int_eq(map1(2, 1, 21, HOST, 0x1000, NULL, NULL),
                     MICA_GNTST_general_error);
    grant_v1(1, 22, 2, 4, MICA_GTF_invalid);
    ck_assert_int_eq(map1(2, 1, 22, HOST, 0x1000, NULL, NULL),
                     MICA_GNTST_general_error);
    grant_v1(1, 23, 2, 4, MICA_GTF_accept_transfer);
    ck_assert_int_eq(map1(2, 1, 23, HOST, 0x1000, NULL, NULL),
                     MICA_GNTST_general_error);
    grant_v1(1, 24, 2, 4, PA | MICA_GTF_sub_page);  /* never mappable */
    ck_assert_int_eq(map1(2, 1, 24, HOST, 0x1000, NULL, NULL),
                     MICA_GNTST_general_error);

    ck_assert_int_eq(map1(2, 1, 512, HOST, 0x1000, NULL, NULL),
                     MICA_GNTST_bad_gntref);
    ck_assert_int_eq(map1(2, 1, 0xffffffffU, HOST, 0x1000, NULL, NULL),
                     MICA_GNTST_bad_gntref);
    ck_assert_int_eq(map1(2, 9, 25, HOST, 0x1000, NULL, NULL),
                     MICA_GNTST_bad_domain);
    ck_assert_int_eq(map1(2, MICA_DOMID_SELF, 25, HOST, 0x1000, NULL, NULL),
                     MICA_GNTST_bad_domain);

    /* The table grows and the same ref becomes valid. */
    ck_assert_int_eq(gnttab_setup_table(G(1), 1, 2, list), MICA_GNTST_okay);
    grant_v1(1, 512, 2, 4, PA);
    ck_assert_int_eq(map1(2, 1, 512, HOST, 0x1000, &h, NULL),
                     MICA_GNTST_okay);
    /* Pinned for d2: d3 cannot piggy-back even if the entry is re-aimed. */
    v1e(1, 512)->domid = 3;
    ck_assert_int_eq(map1(3, 1, 512, HOST, 0x1000, NULL, NULL),
                     MICA_GNTST_general_error);
    ck_assert_int_eq(unmap1(2, h, 0x1000, 0), MICA_GNTST_okay);

    /* A frame the granter does not own. */
    grant_v1(1, 26, 2, 20, PA);
    ck_assert_int_eq(map1(2, 1, 26, HOST, 0x1000, NULL, NULL),
                     MICA_GNTST_bad_page);
    ck_assert_uint_eq(v1e(1, 26)->flags, PA);

    /* A frame that cannot be writable (e.g. a page table). */
    fk.no_writable[5] = true;
    grant_v1(1, 27, 2, 5, PA);
    ck_assert_int_eq(map1(2, 1, 27, HOST, 0x1000, NULL, NULL),
                     MICA_GNTST_general_error);
    ck_assert_uint_eq(v1e(1, 27)->flags, PA);
    ck_assert_int_eq(map1(2, 1, 27, HOST | DEV | MRO, 0x1000, &h, NULL),
                     MICA_GNTST_okay);
    ck_assert_int_eq(fk.refs[5], 2);
    /* ...and then no writable upgrade either; nothing leaks. */
    ck_assert_int_eq(map1(2, 1, 27, HOST | DEV, 0x2000, NULL, NULL),
                     MICA_GNTST_general_error);
    ck_assert_int_eq(fk.refs[5], 2);
    ck_assert_uint_eq(v1e(1, 27)->flags, PA | RD);
    ck_assert_int_eq(unmap1(2, h, 0x1000, 5ULL << PAGE_SHIFT),
                     MICA_GNTST_okay);

    /* The PV MMU refuses the address: everything is rolled back. */
    grant_v1(1, 28, 2, 6, PA);
    ck_assert_int_eq(map1(2, 1, 28, HOST | DEV, BAD_ADDR, NULL, NULL),
                     MICA_GNTST_general_error);
    ck_assert_uint_eq(pin(1, 28), 0);
    ck_assert_uint_eq(v1e(1, 28)->flags, PA);
    ck_assert_uint_eq(G(2)->maptrack_used, 0);
    ck_assert_int_eq(total_refs(), 0);
}
END_TEST

START_TEST(test_setup_query)
{
    uint64_t list[GNTTAB_MAX_FRAMES + 1];
    uint32_t nr, max, v;

    ck_assert_int_eq(gnttab_setup_table(G(1), MICA_DOMID_SELF, 4, list),
                     MICA_GNTST_okay);
    ck_assert_uint_ne(list[0], list[3]);
    ck_assert_uint_eq(list[0], G(1)->shared[0].gfn);
    ck_assert_int_eq(gnttab_query_size(G(1), 1, &nr, &max), MICA_GNTST_okay);
    ck_assert_uint_eq(nr, 4);
    /* Asking for fewer never shrinks. */
    ck_assert_int_eq(gnttab_setup_table(G(1), 1, 1, list), MICA_GNTST_okay);
    ck_assert_int_eq(gnttab_query_size(G(1), 1, &nr, &max), MICA_GNTST_okay);
    ck_assert_uint_eq(nr, 4);
    ck_assert_int_eq(gnttab_setup_table(G(1), 1, 65, list),
                     MICA_GNTST_general_error);
    ck_assert_int_eq(gnttab_setup_table(G(1), 1, 64, list), MICA_GNTST_okay);

    /* Other domains: only with control over the target. */
    ck_assert_int_eq(gnttab_setup_table(G(2), 1, 1, list),
                     MICA_GNTST_permission_denied);
    ck_assert_int_eq(gnttab_query_size(G(2), 1, &nr, &max),
                     MICA_GNTST_permission_denied);
    ck_assert_int_eq(gnttab_get_version(G(2), 1, &v), -GNT_EPERM);
    ck_assert_int_eq(gnttab_setup_table(G(0), 2, 3, list), MICA_GNTST_okay);
    ck_assert_int_eq(gnttab_query_size(G(0), 2, &nr, &max), MICA_GNTST_okay);
    ck_assert_uint_eq(nr, 3);
    ck_assert_int_eq(gnttab_setup_table(G(0), 9, 1, list),
                     MICA_GNTST_bad_domain);
    ck_assert_int_eq(gnttab_query_size(G(0), 9, &nr, &max),
                     MICA_GNTST_bad_domain);
    ck_assert_int_eq(gnttab_get_version(G(0), 9, &v), -GNT_ESRCH);
}
END_TEST

START_TEST(test_version_switch)
{
    uint32_t v;
    uint64_t list[16];
    gnt_handle_t h;

    v = 3;
    ck_assert_int_eq(gnttab_set_version(G(1), &v), -GNT_EINVAL);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(gnttab_get_status_frames(G(1), 1, 1, list),
                     MICA_GNTST_general_error);
    ck_assert_int_eq(gnttab_get_status_frames(G(1), 1, 0, list),
                     MICA_GNTST_okay);

    /* A live mapping blocks the switch. */
    grant_v1(1, 20, 2, 3, PA);
    ck_assert_int_eq(map1(2, 1, 20, HOST, 0x1000, &h, NULL), MICA_GNTST_okay);
    v = 2;
    ck_assert_int_eq(gnttab_set_version(G(1), &v), -GNT_EBUSY);
    ck_assert_uint_eq(v, 1);
    ck_assert_uint_eq(v1e(1, 20)->flags, PA | RD | WR);
    ck_assert_int_eq(unmap1(2, h, 0x1000, 0), MICA_GNTST_okay);

    set_v2(1);
    ck_assert_uint_eq(G(1)->nr_status_frames, 1);
    ck_assert_uint_eq(v2e(1, 20)->hdr.flags, 0);    /* table was cleared */
    ck_assert_int_eq(gnttab_get_status_frames(G(1), 1, 1, list),
                     MICA_GNTST_okay);
    ck_assert_uint_eq(list[0], G(1)->status[0].gfn);
    ck_assert_int_eq(gnttab_get_status_frames(G(1), 1, 2, list),
                     MICA_GNTST_general_error);
    ck_assert_int_eq(gnttab_get_status_frames(G(2), 1, 1, list),
                     MICA_GNTST_permission_denied);
    /* 9 frames x 256 entries need two status frames of 2048 words. */
    ck_assert_int_eq(gnttab_setup_table(G(1), 1, 9, list), MICA_GNTST_okay);
    ck_assert_uint_eq(G(1)->nr_status_frames, 2);
    ck_assert_int_eq(gnttab_get_status_frames(G(1), 1, 2, list),
                     MICA_GNTST_okay);
    v = 2;
    ck_assert_int_eq(gnttab_set_version(G(1), &v), 0);     /* no-op */
    ck_assert_int_eq(gnttab_get_version(G(0), 1, &v), 0);
    ck_assert_uint_eq(v, 2);

    v = 1;
    ck_assert_int_eq(gnttab_set_version(G(1), &v), 0);
    ck_assert_uint_eq(G(1)->nr_status_frames, 0);

    /* A domain limited to v1 behaves as if set_version did not exist. */
    ck_assert_int_eq(gnttab_destroy(G(3)), 0);
    fake_add_domain(3, -1, -1, 1);
    v = 2;
    ck_assert_int_eq(gnttab_set_version(G(3), &v), -GNT_ENOSYS);
    ck_assert_uint_eq(v, 1);
}
END_TEST

START_TEST(test_reserved_entries_survive_switch)
{
    gnt_handle_t h;
    uint32_t v;

    /* xenstore's entry stays mapped by d0 across the switch. */
    grant_v1(1, 1, 0, 5, PA);
    grant_v1(1, 9, 0, 6, PA);       /* not reserved: wiped */
    ck_assert_int_eq(map1(0, 1, 1, HOST, 0x1000, &h, NULL), MICA_GNTST_okay);
    set_v2(1);
    ck_assert_uint_eq(v2e(1, 1)->hdr.flags, PA);
    ck_assert_uint_eq(v2e(1, 1)->hdr.domid, 0);
    ck_assert_uint_eq(v2e(1, 1)->full_page.frame, 5);
    ck_assert_uint_eq(*v2status(1, 1), RD | WR);
    ck_assert_uint_eq(v2e(1, 9)->hdr.flags, 0);
    ck_assert_int_eq(unmap1(0, h, 0x1000, 0), MICA_GNTST_okay);
    ck_assert_uint_eq(*v2status(1, 1), 0);

    /* v2 -> v1 refuses entries v1 cannot express. */
    grant_v2(1, 2, 0, 1ULL << 33, PA);
    v = 1;
    ck_assert_int_eq(gnttab_set_version(G(1), &v), -GNT_ERANGE);
    ck_assert_uint_eq(v, 2);
    grant_v2(1, 2, 0, 7, PA);

    /* Status frames the guest still maps cannot be taken back. */
    fk.status_frame_busy = true;
    v = 1;
    ck_assert_int_eq(gnttab_set_version(G(1), &v), -GNT_EBUSY);
    ck_assert_uint_eq(v, 2);
    fk.status_frame_busy = false;
    /* ...and the table still works as v2. */
    ck_assert_int_eq(map1(0, 1, 1, HOST | MRO, 0x1000, &h, NULL),
                     MICA_GNTST_okay);
    ck_assert_uint_eq(*v2status(1, 1), RD);
    v = 1;
    ck_assert_int_eq(gnttab_set_version(G(1), &v), 0);
    ck_assert_uint_eq(v1e(1, 1)->flags, PA | RD);
    ck_assert_uint_eq(v1e(1, 1)->frame, 5);
    ck_assert_uint_eq(v1e(1, 2)->frame, 7);
    ck_assert_int_eq(unmap1(0, h, 0x1000, 0), MICA_GNTST_okay);
    ck_assert_uint_eq(v1e(1, 1)->flags, PA);
}
END_TEST

START_TEST(test_v2_map_status)
{
    gnt_handle_t h, h2;

    set_v2(1);
    grant_v2(1, 30, 2, 4, PA);
    ck_assert_int_eq(map1(2, 1, 30, HOST, 0x1000, &h, NULL), MICA_GNTST_okay);
    ck_assert_uint_eq(*v2status(1, 30), RD | WR);
    ck_assert_uint_eq(v2e(1, 30)->hdr.flags, PA);   /* guest's word untouched */
    ck_assert_int_eq(map1(2, 1, 30, DEV | MRO, 0, &h2, NULL), MICA_GNTST_okay);
    ck_assert_int_eq(unmap1(2, h, 0x1000, 0), MICA_GNTST_okay);
    ck_assert_uint_eq(*v2status(1, 30), RD);        /* writer gone */
    ck_assert_int_eq(unmap1(2, h2, 0, 4ULL << PAGE_SHIFT), MICA_GNTST_okay);
    ck_assert_uint_eq(*v2status(1, 30), 0);

    /* Sub-page and transitive grants are for copy only. */
    grant_v2(1, 31, 2, 4, PA | MICA_GTF_sub_page);
    ck_assert_int_eq(map1(2, 1, 31, HOST, 0x1000, NULL, NULL),
                     MICA_GNTST_general_error);
    ck_assert_uint_eq(*v2status(1, 31), 0);
    grant_v2(1, 32, 2, 0, MICA_GTF_transitive);
    ck_assert_int_eq(map1(2, 1, 32, HOST, 0x1000, NULL, NULL),
                     MICA_GNTST_general_error);
    /* Readonly in v2. */
    grant_v2(1, 33, 2, 4, PA | RO);
    ck_assert_int_eq(map1(2, 1, 33, HOST, 0x1000, NULL, NULL),
                     MICA_GNTST_general_error);
    ck_assert_uint_eq(*v2status(1, 33), 0);
}
END_TEST

/* Linux's v1 gnttab_end_foreign_access_ref: only clear an idle entry. */
static bool linux_end_access_v1(int d, gnt_ref_t ref)
{
    uint16_t *pf = &v1e(d, ref)->flags, fl = __atomic_load_n(pf, 0);

    do {
        if (fl & (RD | WR))
            return false;
    } while (!__atomic_compare_exchange_n(pf, &fl, 0, false, 5, 5));
    return true;
}

START_TEST(test_revoke_v1)
{
    gnt_handle_t h, h2;

    grant_v1(1, 40, 2, 7, PA);
    ck_assert_int_eq(map1(2, 1, 40, HOST, 0x1000, &h, NULL), MICA_GNTST_okay);
    ck_assert(!linux_end_access_v1(1, 40));
    ck_assert_uint_eq(v1e(1, 40)->flags, PA | RD | WR);
    ck_assert_uint_eq(pin(1, 40), GNTPIN_HSTW_INC);
    ck_assert_int_eq(fk.refs[7], 1);

    /* A granter that bluntly zeroes the entry does not take the frame
     * back: the pin and the reference stay until the mapper unmaps. As in
     * Xen, a further read-only map of the pinned entry is not re-checked. */
    __atomic_store_n(&v1e(1, 40)->flags, 0, 5);
    ck_assert_uint_eq(pin(1, 40), GNTPIN_HSTW_INC);
    ck_assert_int_eq(map1(2, 1, 40, HOST | MRO, 0x2000, &h2, NULL),
                     MICA_GNTST_okay);
    ck_assert_int_eq(unmap1(2, h2, 0x2000, 0), MICA_GNTST_okay);
    ck_assert_int_eq(unmap1(2, h, 0x1000, 0), MICA_GNTST_okay);
    ck_assert_uint_eq(pin(1, 40), 0);
    ck_assert_int_eq(fk.refs[7], 0);
    ck_assert_int_eq(map1(2, 1, 40, HOST, 0x1000, NULL, NULL),
                     MICA_GNTST_general_error);

    /* Polite revocation after unmap succeeds. */
    grant_v1(1, 41, 2, 7, PA);
    ck_assert_int_eq(map1(2, 1, 41, HOST | MRO, 0x1000, &h, NULL),
                     MICA_GNTST_okay);
    ck_assert(!linux_end_access_v1(1, 41));
    ck_assert_int_eq(unmap1(2, h, 0x1000, 0), MICA_GNTST_okay);
    ck_assert(linux_end_access_v1(1, 41));
}
END_TEST

START_TEST(test_revoke_v2)
{
    gnt_handle_t h;

    set_v2(1);
    grant_v2(1, 40, 2, 7, PA);
    ck_assert_int_eq(map1(2, 1, 40, HOST, 0x1000, &h, NULL), MICA_GNTST_okay);
    /* Linux's v2 end_foreign_access: clear flags, then look at status. */
    __atomic_store_n(&v2e(1, 40)->hdr.flags, 0, 5);
    ck_assert_uint_eq(*v2status(1, 40) & (RD | WR), RD | WR);   /* busy */
    ck_assert_uint_eq(pin(1, 40), GNTPIN_HSTW_INC);
    ck_assert_int_eq(fk.refs[7], 1);
    ck_assert_int_eq(unmap1(2, h, 0x1000, 0), MICA_GNTST_okay);
    ck_assert_uint_eq(*v2status(1, 40), 0);
    ck_assert_int_eq(map1(2, 1, 40, HOST, 0x1000, NULL, NULL),
                     MICA_GNTST_general_error);
}
END_TEST

static int hook_calls;
static int hook_mode;

static void race_hook(struct gnttab *gt, gnt_ref_t ref)
{
    int d = (int)(gt - fk.gt);

    hook_calls++;
    if (hook_mode == 1 && hook_calls == 1)
        v1e(d, ref)->domid = 3;                 /* re-aimed under us */
    else if (hook_mode == 2 && hook_calls == 1)
        v1e(d, ref)->flags ^= MICA_GTF_PWT;     /* harmless change */
    else if (hook_mode == 3)
        v1e(d, ref)->flags ^= MICA_GTF_PWT;     /* never stable */
    else if (hook_mode == 4 && hook_calls == 1)
        v2e(d, ref)->hdr.domid = 3;
}

START_TEST(test_entry_changes_under_us)
{
    gnt_handle_t h;

    gnttab_test_race_hook = race_hook;

    hook_mode = 1; hook_calls = 0;
    grant_v1(1, 50, 2, 8, PA);
    ck_assert_int_eq(map1(2, 1, 50, HOST, 0x1000, NULL, NULL),
                     MICA_GNTST_general_error);
    ck_assert_int_eq(hook_calls, 1);
    ck_assert_uint_eq(v1e(1, 50)->flags, PA);

    hook_mode = 2; hook_calls = 0;
    grant_v1(1, 51, 2, 8, PA);
    ck_assert_int_eq(map1(2, 1, 51, HOST, 0x1000, &h, NULL), MICA_GNTST_okay);
    ck_assert_int_eq(hook_calls, 2);
    ck_assert_uint_eq(v1e(1, 51)->flags, PA | MICA_GTF_PWT | RD | WR);
    ck_assert_int_eq(unmap1(2, h, 0x1000, 0), MICA_GNTST_okay);
    ck_assert_uint_eq(v1e(1, 51)->flags, PA | MICA_GTF_PWT);

    hook_mode = 3; hook_calls = 0;
    grant_v1(1, 52, 2, 8, PA);
    ck_assert_int_eq(map1(2, 1, 52, HOST, 0x1000, NULL, NULL),
                     MICA_GNTST_general_error);
    ck_assert_int_eq(hook_calls, 5);            /* Xen's bound: 5 tries */
    ck_assert_uint_eq(v1e(1, 52)->flags & (RD | WR), 0);

    gnttab_test_race_hook = NULL;
    set_v2(1);
    gnttab_test_race_hook = race_hook;
    hook_mode = 4; hook_calls = 0;
    grant_v2(1, 53, 2, 8, PA);
    ck_assert_int_eq(map1(2, 1, 53, HOST, 0x1000, NULL, NULL),
                     MICA_GNTST_general_error);
    ck_assert_int_eq(hook_calls, 1);
    ck_assert_uint_eq(*v2status(1, 53), 0);
    gnttab_test_race_hook = NULL;
    ck_assert_int_eq(total_refs(), 0);
}
END_TEST

START_TEST(test_unmap_errors)
{
    gnt_handle_t h;
    uint64_t bus;
    int flushes;

    ck_assert_int_eq(unmap1(2, 0, 0x1000, 0), MICA_GNTST_bad_handle);
    ck_assert_int_eq(unmap1(2, 123456, 0x1000, 0), MICA_GNTST_bad_handle);
    grant_v1(1, 60, 2, 9, PA);
    ck_assert_int_eq(map1(2, 1, 60, HOST | DEV, 0x1000, &h, &bus),
                     MICA_GNTST_okay);
    ck_assert_int_eq(unmap1(2, h + 1, 0x1000, 0), MICA_GNTST_bad_handle);
    /* Some other domain's handle space is not ours. */
    ck_assert_int_eq(unmap1(3, h, 0x1000, 0), MICA_GNTST_bad_handle);

    /* The PTE at the address does not map the grant: nothing changes. */
    ck_assert_int_eq(unmap1(2, h, 0x5000, 0), MICA_GNTST_general_error);
    ck_assert_int_eq(unmap1(2, h, 0x1000, bus + PAGE_SIZE),
                     MICA_GNTST_bad_dev_addr);
    ck_assert_ptr_nonnull(pte_find(2, 0x1000));
    /* Nothing named: Xen reports okay and keeps the mapping. */
    ck_assert_int_eq(unmap1(2, h, 0, 0), MICA_GNTST_okay);
    ck_assert_uint_eq(pin(1, 60), GNTPIN_HSTW_INC + GNTPIN_DEVW_INC);

    /* Host part first, device part later: the handle lives until both. */
    flushes = fk.flushes;
    ck_assert_int_eq(unmap1(2, h, 0x1000, 0), MICA_GNTST_okay);
    ck_assert_int_gt(fk.flushes, flushes);
    ck_assert_uint_eq(pin(1, 60), GNTPIN_DEVW_INC);
    ck_assert_uint_eq(v1e(1, 60)->flags, PA | RD | WR);
    ck_assert_int_eq(fk.refs[9], 1);
    ck_assert_int_eq(unmap1(2, h, 0x1000, bus), MICA_GNTST_okay);
    ck_assert_uint_eq(pin(1, 60), 0);
    ck_assert_int_eq(unmap1(2, h, 0, bus), MICA_GNTST_bad_handle);

    /* A batch: one bad entry does not disturb the others. */
    struct gnt_unmap_grant_ref ops[3];
    gnt_handle_t ha, hb;

    grant_v1(1, 61, 2, 9, PA);
    ck_assert_int_eq(map1(2, 1, 61, HOST, 0x1000, &ha, NULL), MICA_GNTST_okay);
    ck_assert_int_eq(map1(2, 1, 61, HOST | MRO, 0x2000, &hb, NULL),
                     MICA_GNTST_okay);
    memset(ops, 0, sizeof(ops));
    ops[0] = (struct gnt_unmap_grant_ref){ .host_addr = 0x1000, .handle = ha };
    ops[1] = (struct gnt_unmap_grant_ref){ .host_addr = 0x1000, .handle = 77 };
    ops[2] = (struct gnt_unmap_grant_ref){ .host_addr = 0x2000, .handle = hb };
    gnttab_unmap_grant_ref(G(2), ops, 3);
    ck_assert_int_eq(ops[0].status, MICA_GNTST_okay);
    ck_assert_int_eq(ops[1].status, MICA_GNTST_bad_handle);
    ck_assert_int_eq(ops[2].status, MICA_GNTST_okay);
    ck_assert_uint_eq(v1e(1, 61)->flags, PA);
}
END_TEST

START_TEST(test_unmap_and_replace)
{
    gnt_handle_t h;
    struct gnt_unmap_and_replace op;
    struct fake_pte *p;

    grant_v1(1, 70, 2, 10, PA);
    ck_assert_int_eq(map1(2, 1, 70, HOST, 0x1000, &h, NULL), MICA_GNTST_okay);
    fk.pte[NPTES - 1] = (struct fake_pte){ true, 2, 0x9000, 17, true, 0 };

    op = (struct gnt_unmap_and_replace){ .host_addr = 0x1000,
                                         .new_addr = 0x9000, .handle = h };
    gnttab_unmap_and_replace(G(2), &op, 1);
    ck_assert_int_eq(op.status, MICA_GNTST_okay);
    p = pte_find(2, 0x1000);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(p->mfn, 17);              /* moved from new_addr */
    ck_assert_ptr_null(pte_find(2, 0x9000));
    ck_assert_uint_eq(pin(1, 70), 0);
    ck_assert_uint_eq(v1e(1, 70)->flags, PA);
    ck_assert_int_eq(fk.refs[10], 0);
    p->used = false;

    /* Not available for PTE-address mappings (as in Xen). */
    ck_assert_int_eq(map1(2, 1, 70, HOST | MICA_GNTMAP_contains_pte, 0x3008,
                          &h, NULL), MICA_GNTST_okay);
    fk.pte[NPTES - 1] = (struct fake_pte){ true, 2, 0x9000, 17, true, 0 };
    op = (struct gnt_unmap_and_replace){ .host_addr = 0x3008,
                                         .new_addr = 0x9000, .handle = h };
    gnttab_unmap_and_replace(G(2), &op, 1);
    ck_assert_int_eq(op.status, MICA_GNTST_general_error);
    ck_assert_uint_eq(pin(1, 70), GNTPIN_HSTW_INC);
    ck_assert_int_eq(unmap1(2, h, 0x3008, 0), MICA_GNTST_okay);
}
END_TEST

START_TEST(test_mapping_domain_dies)
{
    gnt_handle_t h;

    grant_v1(1, 80, 2, 11, PA);
    grant_v1(1, 81, 2, 12, PA | RO);
    grant_v1(3, 82, 2, 33, PA);
    ck_assert_int_eq(map1(2, 1, 80, HOST, 0x1000, &h, NULL), MICA_GNTST_okay);
    ck_assert_int_eq(map1(2, 1, 80, DEV, 0, &h, NULL), MICA_GNTST_okay);
    ck_assert_int_eq(map1(2, 1, 81, HOST | MRO, 0x2000, &h, NULL),
                     MICA_GNTST_okay);
    ck_assert_int_eq(map1(2, 3, 82, HOST | DEV, 0x3000, &h, NULL),
                     MICA_GNTST_okay);
    ck_assert_int_eq(total_refs(), 2 * 2 + 1 + 2 * 2);

    gnttab_set_dying(G(2));
    gnttab_release_mappings(G(2));
    ck_assert_uint_eq(pin(1, 80), 0);
    ck_assert_uint_eq(pin(1, 81), 0);
    ck_assert_uint_eq(pin(3, 82), 0);
    ck_assert_uint_eq(v1e(1, 80)->flags, PA);
    ck_assert_uint_eq(v1e(1, 81)->flags, PA | RO);
    ck_assert_uint_eq(v1e(3, 82)->flags, PA);
    ck_assert_int_eq(total_refs(), 0);
    ck_assert_uint_eq(gnttab_outstanding_pins(G(1)), 0);
    ck_assert_int_eq(gnttab_destroy(G(2)), 0);
    fk.exists[2] = false;
    /* The granters never were dying: no idle notification. */
    ck_assert_int_eq(fk.idle_calls[1], 0);
}
END_TEST

START_TEST(test_granting_domain_dies)
{
    gnt_handle_t h;

    grant_v1(1, 90, 2, 13, PA);
    grant_v1(1, 91, 2, 14, PA);
    ck_assert_int_eq(map1(2, 1, 90, HOST, 0x1000, &h, NULL), MICA_GNTST_okay);

    gnttab_set_dying(G(1));
    gnttab_release_mappings(G(1));
    ck_assert_int_eq(gnttab_destroy(G(1)), -GNT_EBUSY);
    ck_assert_uint_eq(gnttab_outstanding_pins(G(1)), 1);
    ck_assert_int_eq(fk.refs[13], 1);               /* frame kept alive */
    ck_assert_int_eq(map1(2, 1, 91, HOST, 0x2000, NULL, NULL),
                     MICA_GNTST_general_error);
    ck_assert_int_eq(fk.idle_calls[1], 0);

    ck_assert_int_eq(unmap1(2, h, 0x1000, 0), MICA_GNTST_okay);
    ck_assert_int_eq(fk.idle_calls[1], 1);
    ck_assert_int_eq(fk.refs[13], 0);
    ck_assert_int_eq(gnttab_destroy(G(1)), 0);
    fk.exists[1] = false;
}
END_TEST

START_TEST(test_copy_both_directions)
{
    for (int i = 0; i < (int)PAGE_SIZE; i++) {
        fk.mem[6][i] = (uint8_t)(i * 7);
        fk.mem[21][i] = (uint8_t)(i * 13 + 1);
    }
    grant_v1(1, 100, 2, 6, PA);

    /* Foreign grant -> own frame. */
    ck_assert_int_eq(copy1(2, MICA_GNTCOPY_source_gref, 100, 1, 100,
                           20, MICA_DOMID_SELF, 300, 500), MICA_GNTST_okay);
    ck_assert_mem_eq(&fk.mem[20][300], &fk.mem[6][100], 500);
    ck_assert_uint_eq(fk.mem[20][299], 0);
    ck_assert_uint_eq(fk.mem[20][800], 0);
    ck_assert_uint_eq(v1e(1, 100)->flags, PA);

    /* Own frame -> foreign grant, to the very end of the page. */
    ck_assert_int_eq(copy1(2, MICA_GNTCOPY_dest_gref, 21, MICA_DOMID_SELF, 0,
                           100, 1, 4000, 96), MICA_GNTST_okay);
    ck_assert_mem_eq(&fk.mem[6][4000], &fk.mem[21][0], 96);
    ck_assert_uint_eq(v1e(1, 100)->flags, PA);

    /* Both sides by grant, in one domain's own table too. */
    grant_v1(2, 101, 2, 22, PA);
    ck_assert_int_eq(copy1(2, MICA_GNTCOPY_source_gref |
                              MICA_GNTCOPY_dest_gref, 100, 1, 0,
                           101, 2, 0, 16), MICA_GNTST_okay);
    ck_assert_mem_eq(&fk.mem[22][0], &fk.mem[6][0], 16);

    /* Errors. */
    ck_assert_int_eq(copy1(2, MICA_GNTCOPY_source_gref, 100, 1, 4000,
                           20, MICA_DOMID_SELF, 0, 200),
                     MICA_GNTST_bad_copy_arg);
    grant_v1(1, 102, 2, 6, PA | RO);
    ck_assert_int_eq(copy1(2, MICA_GNTCOPY_dest_gref, 21, MICA_DOMID_SELF, 0,
                           102, 1, 0, 8), MICA_GNTST_general_error);
    ck_assert_uint_eq(v1e(1, 102)->flags, PA | RO);
    ck_assert_int_eq(copy1(2, 0, 6, 1, 0, 20, MICA_DOMID_SELF, 0, 8),
                     MICA_GNTST_permission_denied);
    ck_assert_int_eq(copy1(2, MICA_GNTCOPY_source_gref, 600, 1, 0,
                           20, MICA_DOMID_SELF, 0, 8), MICA_GNTST_bad_gntref);
    ck_assert_int_eq(copy1(2, MICA_GNTCOPY_source_gref, 100, 9, 0,
                           20, MICA_DOMID_SELF, 0, 8), MICA_GNTST_bad_domain);
    ck_assert_int_eq(copy1(2, MICA_GNTCOPY_source_gref, 100, 1, 0,
                           5, MICA_DOMID_SELF, 0, 8), MICA_GNTST_bad_page);
    grant_v1(1, 103, 3, 6, PA);                     /* for d3, not d2 */
    ck_assert_int_eq(copy1(2, MICA_GNTCOPY_source_gref, 103, 1, 0,
                           20, MICA_DOMID_SELF, 0, 8),
                     MICA_GNTST_general_error);

    /* Copy from an entry d2 also has mapped: pins stack and unwind. */
    gnt_handle_t h;
    ck_assert_int_eq(map1(2, 1, 100, HOST | MRO, 0x1000, &h, NULL),
                     MICA_GNTST_okay);
    ck_assert_int_eq(copy1(2, MICA_GNTCOPY_source_gref, 100, 1, 0,
                           20, MICA_DOMID_SELF, 0, 8), MICA_GNTST_okay);
    ck_assert_uint_eq(pin(1, 100), GNTPIN_HSTR_INC);
    ck_assert_int_eq(unmap1(2, h, 0x1000, 0), MICA_GNTST_okay);
    ck_assert_int_eq(total_refs(), 0);
}
END_TEST

START_TEST(test_subpage_copy)
{
    set_v2(1);
    for (int i = 0; i < (int)PAGE_SIZE; i++)
        fk.mem[7][i] = (uint8_t)(i ^ 0x5a);
    union gnt_entry_v2 *e = v2e(1, 60);
    e->sub_page.hdr.domid = 2;
    e->sub_page.page_off = 100;
    e->sub_page.length = 200;
    e->sub_page.frame = 7;
    __atomic_store_n(&e->hdr.flags, PA | MICA_GTF_sub_page, 5);

#define SP(off, doff, len) copy1(2, MICA_GNTCOPY_source_gref, 60, 1, off, \
                                 20, MICA_DOMID_SELF, doff, len)
    ck_assert_int_eq(SP(100, 0, 200), MICA_GNTST_okay);
    ck_assert_mem_eq(&fk.mem[20][0], &fk.mem[7][100], 200);
    ck_assert_int_eq(SP(250, 0, 50), MICA_GNTST_okay);
    ck_assert_int_eq(SP(99, 0, 10), MICA_GNTST_general_error);
    ck_assert_int_eq(SP(250, 0, 51), MICA_GNTST_general_error);
    ck_assert_int_eq(SP(0, 0, 1), MICA_GNTST_general_error);
    ck_assert_int_eq(SP(100, 4090, 10), MICA_GNTST_bad_copy_arg);
    ck_assert_uint_eq(*v2status(1, 60), 0);
    /* Writing into a sub-page grant is held to the window too. */
    ck_assert_int_eq(copy1(2, MICA_GNTCOPY_dest_gref, 21, MICA_DOMID_SELF, 0,
                           60, 1, 150, 150), MICA_GNTST_okay);
    ck_assert_int_eq(copy1(2, MICA_GNTCOPY_dest_gref, 21, MICA_DOMID_SELF, 0,
                           60, 1, 150, 151), MICA_GNTST_general_error);
    ck_assert_int_eq(map1(2, 1, 60, HOST | MRO, 0x1000, NULL, NULL),
                     MICA_GNTST_general_error);
#undef SP
}
END_TEST

START_TEST(test_transitive_copy)
{
    for (int i = 0; i < (int)PAGE_SIZE; i++)
        fk.mem[33][i] = (uint8_t)(255 - i);
    grant_v1(3, 110, 1, 33, PA | RO);           /* d3 -> d1 */
    set_v2(1);
    union gnt_entry_v2 *e = v2e(1, 111);        /* d1 -> d2, via d3 */
    e->transitive.hdr.domid = 2;
    e->transitive.trans_domid = 3;
    e->transitive.gref = 110;
    __atomic_store_n(&e->hdr.flags, MICA_GTF_transitive, 5);

    ck_assert_int_eq(copy1(2, MICA_GNTCOPY_source_gref, 111, 1, 10,
                           20, MICA_DOMID_SELF, 0, 64), MICA_GNTST_okay);
    ck_assert_mem_eq(&fk.mem[20][0], &fk.mem[33][10], 64);
    ck_assert_uint_eq(pin(1, 111), 0);
    ck_assert_uint_eq(pin(3, 110), 0);
    ck_assert_uint_eq(v1e(3, 110)->flags, PA | RO);
    ck_assert_uint_eq(*v2status(1, 111), 0);
    /* The far end is read-only, so writing through fails. */
    ck_assert_int_eq(copy1(2, MICA_GNTCOPY_dest_gref, 21, MICA_DOMID_SELF, 0,
                           111, 1, 0, 8), MICA_GNTST_general_error);
    ck_assert_uint_eq(*v2status(1, 111), 0);
    ck_assert_int_eq(map1(2, 1, 111, HOST | MRO, 0x1000, NULL, NULL),
                     MICA_GNTST_general_error);
    /* Self-referential and dangling transitive grants. */
    e->transitive.trans_domid = 1;
    ck_assert_int_eq(copy1(2, MICA_GNTCOPY_source_gref, 111, 1, 0,
                           20, MICA_DOMID_SELF, 0, 8),
                     MICA_GNTST_general_error);
    e->transitive.trans_domid = 9;
    ck_assert_int_eq(copy1(2, MICA_GNTCOPY_source_gref, 111, 1, 0,
                           20, MICA_DOMID_SELF, 0, 8),
                     MICA_GNTST_general_error);
    ck_assert_uint_eq(*v2status(1, 111), 0);
    ck_assert_int_eq(total_refs(), 0);
}
END_TEST

START_TEST(test_maptrack_limit)
{
    gnt_handle_t h[257];

    ck_assert_int_eq(gnttab_destroy(G(2)), 0);
    fake_add_domain(2, -1, 1, 2);
    for (int i = 0; i < 256; i++) {
        grant_v1(1, 200 + i, 2, 1, PA);
        ck_assert_int_eq(map1(2, 1, 200 + i, HOST | MRO, 0x1000 * (i + 1),
                              &h[i], NULL), MICA_GNTST_okay);
    }
    ck_assert_uint_eq(G(2)->maptrack_frames, 1);
    grant_v1(1, 460, 2, 1, PA);
    ck_assert_int_eq(map1(2, 1, 460, HOST | MRO, 0x800000, NULL, NULL),
                     MICA_GNTST_no_space);
    ck_assert_int_eq(unmap1(2, h[17], 0x1000 * 18, 0), MICA_GNTST_okay);
    ck_assert_int_eq(map1(2, 1, 460, HOST | MRO, 0x800000, &h[256], NULL),
                     MICA_GNTST_okay);
    ck_assert_uint_eq(h[256], h[17]);           /* the freed handle */
    ck_assert_int_eq(fk.refs[1], 256);

    /* No maptrack at all: no mapping possible. */
    ck_assert_int_eq(gnttab_destroy(G(3)), 0);
    fake_add_domain(3, -1, 0, 2);
    grant_v1(1, 470, 3, 1, PA);
    ck_assert_int_eq(map1(3, 1, 470, HOST, 0x1000, NULL, NULL),
                     MICA_GNTST_no_space);
}
END_TEST

START_TEST(test_pin_counter_limit)
{
    gnt_handle_t h[129];

    grant_v1(1, 120, 2, 2, PA);
    for (int i = 0; i < 128; i++)
        ck_assert_int_eq(map1(2, 1, 120, HOST | MRO, 0x1000 * (i + 1), &h[i],
                              NULL), MICA_GNTST_okay);
    ck_assert_int_eq(map1(2, 1, 120, HOST | MRO, 0x900000, NULL, NULL),
                     MICA_GNTST_general_error);
    /* The other counters are independent. */
    ck_assert_int_eq(map1(2, 1, 120, DEV, 0, &h[128], NULL), MICA_GNTST_okay);
    ck_assert_int_eq(unmap1(2, h[128], 0, 2ULL << PAGE_SHIFT),
                     MICA_GNTST_okay);
    for (int i = 0; i < 128; i++)
        ck_assert_int_eq(unmap1(2, h[i], 0x1000 * (i + 1), 0),
                         MICA_GNTST_okay);
    ck_assert_uint_eq(v1e(1, 120)->flags, PA);
}
END_TEST

START_TEST(test_ro_rw_stacking)
{
    gnt_handle_t hr, hw;

    grant_v1(1, 130, 2, 3, PA);
    ck_assert_int_eq(map1(2, 1, 130, HOST | MRO, 0x1000, &hr, NULL),
                     MICA_GNTST_okay);
    ck_assert_uint_eq(v1e(1, 130)->flags, PA | RD);
    ck_assert_int_eq(map1(2, 1, 130, DEV, 0, &hw, NULL), MICA_GNTST_okay);
    ck_assert_uint_eq(v1e(1, 130)->flags, PA | RD | WR);
    ck_assert_uint_eq(pin(1, 130), GNTPIN_HSTR_INC + GNTPIN_DEVW_INC);
    ck_assert(gnttab_grant_map_exists(G(1), 2, 3));
    ck_assert(!gnttab_grant_map_exists(G(1), 3, 3));
    ck_assert(!gnttab_grant_map_exists(G(1), 2, 4));
    ck_assert_int_eq(unmap1(2, hw, 0, 3ULL << PAGE_SHIFT), MICA_GNTST_okay);
    ck_assert_uint_eq(v1e(1, 130)->flags, PA | RD);
    ck_assert_int_eq(unmap1(2, hr, 0x1000, 0), MICA_GNTST_okay);
    ck_assert_uint_eq(v1e(1, 130)->flags, PA);
    ck_assert(!gnttab_grant_map_exists(G(1), 2, 3));
}
END_TEST

START_TEST(test_swap_transfer_flush)
{
    gnt_handle_t h;

    grant_v1(1, 140, 2, 3, PA);
    grant_v1(1, 141, 3, 4, PA | RO);
    ck_assert_int_eq(gnttab_swap_grant_ref(G(1), 140, 141), MICA_GNTST_okay);
    ck_assert_uint_eq(v1e(1, 140)->domid, 3);
    ck_assert_uint_eq(v1e(1, 141)->frame, 3);
    ck_assert_int_eq(gnttab_swap_grant_ref(G(1), 140, 140), MICA_GNTST_okay);
    ck_assert_int_eq(gnttab_swap_grant_ref(G(1), 140, 512),
                     MICA_GNTST_bad_gntref);
    ck_assert_int_eq(map1(2, 1, 141, HOST, 0x1000, &h, NULL), MICA_GNTST_okay);
    ck_assert_int_eq(gnttab_swap_grant_ref(G(1), 140, 141), MICA_GNTST_eagain);
    ck_assert_int_eq(unmap1(2, h, 0x1000, 0), MICA_GNTST_okay);

    set_v2(1);
    grant_v2(1, 142, 2, 5, PA);
    ck_assert_int_eq(gnttab_swap_grant_ref(G(1), 142, 143), MICA_GNTST_okay);
    ck_assert_uint_eq(v2e(1, 143)->full_page.frame, 5);
    ck_assert_uint_eq(v2e(1, 142)->hdr.flags, 0);

    ck_assert_int_eq(gnttab_transfer(G(1)), -GNT_ENOSYS);

    struct gnt_cache_flush cf = { .offset = 0, .length = 64,
                                  .op = MICA_GNTTAB_CACHE_CLEAN };
    ck_assert_int_eq(gnttab_cache_flush_check(&cf), 1);
    cf.op = 0;
    ck_assert_int_eq(gnttab_cache_flush_check(&cf), 0);
    cf.op = MICA_GNTTAB_CACHE_INVAL; cf.length = 0;
    ck_assert_int_eq(gnttab_cache_flush_check(&cf), 0);
    cf.length = 1; cf.offset = 4096;
    ck_assert_int_eq(gnttab_cache_flush_check(&cf), -GNT_EINVAL);
    cf.offset = 4000; cf.length = 97;
    ck_assert_int_eq(gnttab_cache_flush_check(&cf), -GNT_EINVAL);
    cf.offset = 0; cf.length = 8; cf.op = MICA_GNTTAB_CACHE_SOURCE_GREF;
    ck_assert_int_eq(gnttab_cache_flush_check(&cf), -GNT_EINVAL);
}
END_TEST

static Suite *grant_suite(void)
{
    Suite *s = suite_create("grant");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, fake_setup, fake_teardown);
    tcase_add_test(tc, test_init_limits);
    tcase_add_test(tc, test_map_flag_matrix);
    tcase_add_test(tc, test_readonly_grant);
    tcase_add_test(tc, test_bad_entries);
    tcase_add_test(tc, test_setup_query);
    tcase_add_test(tc, test_version_switch);
    tcase_add_test(tc, test_reserved_entries_survive_switch);
    tcase_add_test(tc, test_v2_map_status);
    tcase_add_test(tc, test_revoke_v1);
    tcase_add_test(tc, test_revoke_v2);
    tcase_add_test(tc, test_entry_changes_under_us);
    tcase_add_test(tc, test_unmap_errors);
    tcase_add_test(tc, test_unmap_and_replace);
    tcase_add_test(tc, test_mapping_domain_dies);
    tcase_add_test(tc, test_granting_domain_dies);
    tcase_add_test(tc, test_copy_both_directions);
    tcase_add_test(tc, test_subpage_copy);
    tcase_add_test(tc, test_transitive_copy);
    tcase_add_test(tc, test_maptrack_limit);
    tcase_add_test(tc, test_pin_counter_limit);
    tcase_add_test(tc, test_ro_rw_stacking);
    tcase_add_test(tc, test_swap_transfer_flush);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(grant_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
