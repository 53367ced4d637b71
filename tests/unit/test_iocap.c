// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for common/iocap.c: allow merges, deny cuts and splits, a full
 * list refuses without changing, and a random model check against a bitmap.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <public/errno.h>
#include <mica/iocap.h>

static void assert_sound(const struct iocap_list *l)
{
    for (unsigned i = 0; i < l->nr; i++) {
        ck_assert(l->r[i].first <= l->r[i].last);
        if (i)
            ck_assert_msg(l->r[i - 1].last + 1 < l->r[i].first, "ranges %u and %u touch", i - 1, i);
    }
}

START_TEST(test_allow_merges)
{
    struct iocap_list l = { 0 };
    ck_assert_int_eq(iocap_set(&l, 10, 19, true), 0);
    ck_assert_int_eq(iocap_set(&l, 30, 39, true), 0);
    ck_assert_uint_eq(l.nr, 2);
    ck_assert_int_eq(iocap_set(&l, 20, 29, true), 0);    /* fills the gap: one range */
    ck_assert_uint_eq(l.nr, 1);
    ck_assert(l.r[0].first == 10 && l.r[0].last == 39);
    ck_assert(iocap_contains(&l, 10, 39));
    ck_assert(!iocap_contains(&l, 9, 12));
    ck_assert(!iocap_contains(&l, 39, 40));
    ck_assert_int_eq(iocap_set(&l, 0, 100, true), 0);    /* swallows it */
    ck_assert(l.nr == 1 && l.r[0].first == 0 && l.r[0].last == 100);
    assert_sound(&l);
}
END_TEST

START_TEST(test_deny_splits)
{
    struct iocap_list l = { 0 };
    ck_assert_int_eq(iocap_set(&l, 0x3f8, 0x3ff, true), 0);
    ck_assert_int_eq(iocap_set(&l, 0x3fa, 0x3fb, false), 0);
    ck_assert_uint_eq(l.nr, 2);
    ck_assert(iocap_contains(&l, 0x3f8, 0x3f9));
    ck_assert(!iocap_contains(&l, 0x3fa, 0x3fa));
    ck_assert(iocap_contains(&l, 0x3fc, 0x3ff));
    ck_assert_int_eq(iocap_set(&l, 0, 0xffff, false), 0);
    ck_assert_uint_eq(l.nr, 0);
    ck_assert_int_eq(iocap_set(&l, 5, 4, true), -XEN_EINVAL);
    ck_assert_int_eq(iocap_set(&l, 0, UINT64_MAX, true), 0);
    ck_assert(iocap_contains(&l, UINT64_MAX, UINT64_MAX));
    ck_assert_int_eq(iocap_set(&l, UINT64_MAX, UINT64_MAX, false), 0);
    ck_assert(!iocap_contains(&l, UINT64_MAX - 1, UINT64_MAX));
}
END_TEST

START_TEST(test_full_list_unchanged)
{
    struct iocap_list l = { 0 }, copy;
    for (unsigned i = 0; i < IOCAP_MAX_RANGES; i++)
        ck_assert_int_eq(iocap_set(&l, i * 10, i * 10 + 4, true), 0);
    copy = l;
    ck_assert_int_eq(iocap_set(&l, 1000, 1001, true), -XEN_ENOSPC);
    ck_assert_int_eq(iocap_set(&l, 1, 2, false), -XEN_ENOSPC);     /* split needs one more */
    ck_assert(memcmp(&l, &copy, sizeof(l)) == 0);
    ck_assert_int_eq(iocap_set(&l, 0, 4, false), 0);               /* a whole range goes */
    ck_assert_int_eq(iocap_set(&l, 1000, 1001, true), 0);
}
END_TEST

/* Random allow/deny against a bitmap of 256 units. */
START_TEST(test_random_model)
{
    struct iocap_list l = { 0 };
    unsigned char model[256] = { 0 };
    srand(1234);
    for (int step = 0; step < 3000; step++) {
        unsigned a = (unsigned)rand() % 256, b = a + (unsigned)rand() % 8;
        if (b > 255)
            b = 255;
        bool allow = rand() % 2;
        struct iocap_list before = l;
        int rc = iocap_set(&l, a, b, allow);
        if (rc == -XEN_ENOSPC) {
            ck_assert(memcmp(&l, &before, sizeof(l)) == 0);
            /* Clear the list now and then so it does not stay full. */
            if (step % 7 == 0) {
                memset(&l, 0, sizeof(l));
                memset(model, 0, sizeof(model));
            }
            continue;
        }
        ck_assert_int_eq(rc, 0);
        for (unsigned i = a; i <= b; i++)
            model[i] = allow;
        assert_sound(&l);
        for (unsigned i = 0; i < 256; i++)
            ck_assert_msg(iocap_contains(&l, i, i) == model[i], "step %d unit %u", step, i);
        unsigned x = (unsigned)rand() % 256, y = x + (unsigned)rand() % 16;
        if (y > 255)
            y = 255;
        bool all = true;
        for (unsigned i = x; i <= y; i++)
            all = all && model[i];
        ck_assert(iocap_contains(&l, x, y) == all);
    }
}
END_TEST

static Suite *iocap_suite(void)
{
    Suite *s = suite_create("iocap");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_allow_merges);
    tcase_add_test(tc, test_deny_splits);
    tcase_add_test(tc, test_full_list_unchanged);
    tcase_add_test(tc, test_random_model);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(iocap_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
