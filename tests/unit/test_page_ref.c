/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * General and type reference counting on frames (common/page_ref.c).
 *
 * page_release_hook and page_type_ops are replaced by fakes that count
 * their calls and remember their arguments, so every test states exactly
 * how often validation, devalidation and release happened.
 */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mica/page.h>

static struct page_info frame, other;

/* ---- fakes ---- */

static unsigned released;
static struct page_info *released_pg;
static void release_hook(struct page_info *pg)
{
	__atomic_fetch_add(&released, 1, __ATOMIC_RELAXED);
	released_pg = pg;
}

static unsigned validated, devalidated;
static uint64_t last_validate_type, last_devalidate_type;
static uint64_t type_info_at_validate;
static int validate_rc;

static int fake_validate(struct page_info *pg, uint64_t type)
{
	validated++;
	last_validate_type = type;
	type_info_at_validate = pg->type_info;
	return validate_rc;
}

static void fake_devalidate(struct page_info *pg, uint64_t type)
{
	devalidated++;
	last_devalidate_type = type;
}

/* The TLB hooks: how often, and the type count when the release is noted. */
static unsigned type_releases, retypes;
static uint64_t type_info_at_release, last_retype_from, type_info_at_retype;

static void fake_type_released(struct page_info *pg)
{
	type_releases++;
	type_info_at_release = pg->type_info;
}

static void fake_retype(struct page_info *pg, uint64_t old_type)
{
	retypes++;
	last_retype_from = old_type;
	type_info_at_retype = pg->type_info;
}

static const struct page_type_ops fake_ops = { fake_validate, fake_devalidate,
					       fake_type_released, fake_retype };

static void setup(void)
{
	memset(&frame, 0, sizeof(frame));
	memset(&other, 0, sizeof(other));
	frame.owner = OWNER_NONE;
	released = 0;
	released_pg = NULL;
	validated = devalidated = 0;
	type_releases = retypes = 0;
	type_info_at_release = last_retype_from = type_info_at_retype = ~0ull;
	last_validate_type = last_devalidate_type = ~0ull;
	type_info_at_validate = ~0ull;
	validate_rc = 0;
	page_release_hook = release_hook;
	page_type_ops = &fake_ops;
}

/* ---- general references ---- */

START_TEST(test_assign)
{
	frame.type_info = PGT_L2 | PGT_VALIDATED | 3;   /* stale from a previous life */
	page_assign(&frame, 5);
	ck_assert_uint_eq(frame.owner, 5);
	ck_assert_uint_eq(frame.count_info, PGC_ALLOCATED | 1);
	ck_assert_uint_eq(frame.type_info, PGT_NONE);
	ck_assert_uint_eq(page_refcount(&frame), 1);
	ck_assert_uint_eq(page_type(&frame), PGT_NONE);
	ck_assert_uint_eq(page_type_count(&frame), 0);
}
END_TEST

START_TEST(test_get_page_owner_check)
{
	page_assign(&frame, 5);
	ck_assert(!get_page(&frame, 6));
	ck_assert(!get_page(&frame, OWNER_NONE));
	ck_assert_uint_eq(page_refcount(&frame), 1);
	ck_assert(get_page(&frame, 5));
	ck_assert(get_page(&frame, 5));
	ck_assert_uint_eq(frame.count_info, PGC_ALLOCATED | 3);
	/* nocheck takes a reference whatever the owner. */
	get_page_nocheck(&frame);
	ck_assert_uint_eq(page_refcount(&frame), 4);
}
END_TEST

START_TEST(test_get_page_refuses_zero_and_overflow)
{
	/* Owner matches but no references: free or being freed. */
	frame.owner = 5;
	frame.count_info = 0;
	ck_assert(!get_page(&frame, 5));
	ck_assert_uint_eq(frame.count_info, 0);
	/* PGC_ALLOCATED alone is not a reference either. */
	frame.count_info = PGC_ALLOCATED;
	ck_assert(!get_page(&frame, 5));
	ck_assert_uint_eq(frame.count_info, PGC_ALLOCATED);

	/* At the maximum count the next get fails instead of wrapping to 0. */
	frame.count_info = PGC_ALLOCATED | (PGC_COUNT_MASK - 1);
	ck_assert(get_page(&frame, 5));
	ck_assert_uint_eq(frame.count_info, PGC_ALLOCATED | PGC_COUNT_MASK);
	ck_assert(!get_page(&frame, 5));
	ck_assert_uint_eq(frame.count_info, PGC_ALLOCATED | PGC_COUNT_MASK);
	ck_assert_uint_eq(released, 0);
}
END_TEST

START_TEST(test_put_page_release_exactly_at_zero)
{
	page_assign(&frame, 5);
	ck_assert(get_page(&frame, 5));
	ck_assert(get_page(&frame, 5));
	put_page(&frame);
	put_page(&frame);
	ck_assert_uint_eq(released, 0);
	ck_assert_uint_eq(page_refcount(&frame), 1);
	/* The owner gives it up: the last reference goes, hook once. */
	page_unassign(&frame);
	ck_assert_uint_eq(released, 1);
	ck_assert_ptr_eq(released_pg, &frame);
	ck_assert_uint_eq(frame.count_info, 0);

	/* Idempotent: no second reference dropped, no second release. */
	page_unassign(&frame);
	ck_assert_uint_eq(released, 1);
	ck_assert_uint_eq(frame.count_info, 0);
}
END_TEST

START_TEST(test_unassign_with_users)
{
	/* Unassign while a mapping holds a reference: released only at its put. */
	page_assign(&frame, 5);
	ck_assert(get_page(&frame, 5));
	page_unassign(&frame);
	ck_assert_uint_eq(frame.count_info, 1);
	ck_assert_uint_eq(released, 0);
	page_unassign(&frame);                 /* already given up: no effect */
	ck_assert_uint_eq(frame.count_info, 1);
	put_page(&frame);
	ck_assert_uint_eq(released, 1);
	ck_assert_uint_eq(frame.count_info, 0);
}
END_TEST

START_TEST(test_put_page_without_hook)
{
	page_release_hook = NULL;
	page_assign(&frame, 5);
	page_unassign(&frame);
	ck_assert_uint_eq(frame.count_info, 0);
}
END_TEST

/* ---- type references ---- */

START_TEST(test_writable_type)
{
	page_assign(&frame, 5);
	ck_assert_int_eq(get_page_type(&frame, PGT_WRITABLE), 0);
	ck_assert_uint_eq(frame.type_info, PGT_WRITABLE | PGT_VALIDATED | 1);
	ck_assert_int_eq(get_page_type(&frame, PGT_WRITABLE), 0);
	ck_assert_uint_eq(frame.type_info, PGT_WRITABLE | PGT_VALIDATED | 2);
	/* Plain types are never sent to the validator. */
	ck_assert_uint_eq(validated, 0);

	/* A page table cannot be made of a frame mapped writable. */
	ck_assert_int_eq(get_page_type(&frame, PGT_L1), -1);
	ck_assert_int_eq(get_page_type(&frame, PGT_SEG_DESC), -1);
	ck_assert_uint_eq(frame.type_info, PGT_WRITABLE | PGT_VALIDATED | 2);
	ck_assert_uint_eq(validated, 0);

	put_page_type(&frame);
	put_page_type(&frame);
	/* Count 0; a plain type keeps its type and VALIDATED, nothing to undo. */
	ck_assert_uint_eq(frame.type_info, PGT_WRITABLE | PGT_VALIDATED);
	ck_assert_uint_eq(devalidated, 0);
	/* The general count is independent of the type count. */
	ck_assert_uint_eq(frame.count_info, PGC_ALLOCATED | 1);
}
END_TEST

/*
 * Stale translations (Xen's tlbflush_timestamp rule): the last type
 * reference is noted while the count still holds the frame, and a frame
 * that changes type is announced once it holds the new type and before it
 * is validated; the same type again is no change.
 */
START_TEST(test_type_release_and_retype_hooks)
{
	page_assign(&frame, 5);
	ck_assert_int_eq(get_page_type(&frame, PGT_WRITABLE), 0);
	ck_assert_uint_eq(retypes, 1);
	ck_assert_uint_eq(last_retype_from, PGT_NONE);
	ck_assert_int_eq(get_page_type(&frame, PGT_WRITABLE), 0);
	put_page_type(&frame);
	ck_assert_uint_eq(type_releases, 0);            /* one reference left */
	put_page_type(&frame);
	ck_assert_uint_eq(type_releases, 1);
	ck_assert_uint_eq(type_info_at_release & PGT_COUNT_MASK, 1);
	/* Writable again: the same type, no retype. */
	ck_assert_int_eq(get_page_type(&frame, PGT_WRITABLE), 0);
	ck_assert_uint_eq(retypes, 1);
	put_page_type(&frame);
	ck_assert_uint_eq(type_releases, 2);

	/* Writable -> L1: announced before validation, holding the new type. */
	ck_assert_int_eq(get_page_type(&frame, PGT_L1), 0);
	ck_assert_uint_eq(retypes, 2);
	ck_assert_uint_eq(last_retype_from, PGT_WRITABLE);
	ck_assert_uint_eq(type_info_at_retype, PGT_L1 | 1);
	ck_assert_uint_eq(validated, 1);
	/* A page table's last reference is noted too (after devalidation). */
	put_page_type(&frame);
	ck_assert_uint_eq(devalidated, 1);
	ck_assert_uint_eq(type_releases, 3);
	ck_assert_uint_eq(type_info_at_release, PGT_L1 | 1);
	/* L1 -> writable: the CPU may still walk the old table. */
	ck_assert_int_eq(get_page_type(&frame, PGT_WRITABLE), 0);
	ck_assert_uint_eq(retypes, 3);
	ck_assert_uint_eq(last_retype_from, PGT_L1);
	/* A refused type change announces nothing. */
	ck_assert_int_eq(get_page_type(&frame, PGT_L2), -1);
	ck_assert_uint_eq(retypes, 3);
}
END_TEST

/* Both references or neither: a refused type gives the general one back. */
START_TEST(test_get_page_and_type)
{
	page_assign(&frame, 5);
	ck_assert(!get_page_and_type(&frame, 6, PGT_WRITABLE));     /* not the owner */
	ck_assert_uint_eq(page_refcount(&frame), 1);
	ck_assert(get_page_and_type(&frame, 5, PGT_WRITABLE));
	ck_assert_uint_eq(page_refcount(&frame), 2);
	ck_assert_uint_eq(frame.type_info & PGT_COUNT_MASK, 1);
	ck_assert(!get_page_and_type(&frame, 5, PGT_L1));           /* type in use */
	ck_assert_uint_eq(page_refcount(&frame), 2);
	put_page_and_type(&frame);
	ck_assert_uint_eq(page_refcount(&frame), 1);
	ck_assert_uint_eq(frame.type_info & PGT_COUNT_MASK, 0);
}
END_TEST

START_TEST(test_pagetable_validate_once)
{
	page_assign(&frame, 5);
	ck_assert_int_eq(get_page_type(&frame, PGT_L1), 0);
	ck_assert_uint_eq(validated, 1);
	ck_assert_uint_eq(last_validate_type, PGT_L1);
	/* During validation the frame holds the new type, count 1, not yet VALIDATED. */
	ck_assert_uint_eq(type_info_at_validate, PGT_L1 | 1);
	ck_assert_uint_eq(frame.type_info, PGT_L1 | PGT_VALIDATED | 1);

	ck_assert_int_eq(get_page_type(&frame, PGT_L1), 0);
	ck_assert_int_eq(get_page_type(&frame, PGT_L1), 0);
	ck_assert_uint_eq(validated, 1);
	ck_assert_uint_eq(frame.type_info, PGT_L1 | PGT_VALIDATED | 3);

	/* Other types conflict while in use, including other page-table levels. */
	ck_assert_int_eq(get_page_type(&frame, PGT_WRITABLE), -1);
	ck_assert_int_eq(get_page_type(&frame, PGT_L2), -1);
	ck_assert_uint_eq(frame.type_info, PGT_L1 | PGT_VALIDATED | 3);

	put_page_type(&frame);
	put_page_type(&frame);
	ck_assert_uint_eq(devalidated, 0);
	ck_assert_uint_eq(frame.type_info, PGT_L1 | PGT_VALIDATED | 1);
	put_page_type(&frame);
	/* Last type reference: devalidated once, VALIDATED cleared, type kept. */
	ck_assert_uint_eq(devalidated, 1);
	ck_assert_uint_eq(last_devalidate_type, PGT_L1);
	ck_assert_uint_eq(frame.type_info, PGT_L1);

	/* Used as L1 again: the contents may have changed, so validated again. */
	ck_assert_int_eq(get_page_type(&frame, PGT_L1), 0);
	ck_assert_uint_eq(validated, 2);
	ck_assert_uint_eq(frame.type_info, PGT_L1 | PGT_VALIDATED | 1);
	put_page_type(&frame);
	ck_assert_uint_eq(devalidated, 2);

	/* Now free to become writable (no validation) and back. */
	ck_assert_int_eq(get_page_type(&frame, PGT_WRITABLE), 0);
	ck_assert_uint_eq(frame.type_info, PGT_WRITABLE | PGT_VALIDATED | 1);
	put_page_type(&frame);
	ck_assert_int_eq(get_page_type(&frame, PGT_L4), 0);
	ck_assert_uint_eq(validated, 3);
	ck_assert_uint_eq(last_validate_type, PGT_L4);
	ck_assert_uint_eq(frame.type_info, PGT_L4 | PGT_VALIDATED | 1);
	ck_assert_uint_eq(devalidated, 2);
}
END_TEST

START_TEST(test_validated_types)
{
	/* L1..L4 and descriptor pages go through the hooks; NONE and WRITABLE do not. */
	static const uint64_t hooked[] = { PGT_L1, PGT_L2, PGT_L3, PGT_L4, PGT_SEG_DESC };
	for (unsigned i = 0; i < ARRAY_SIZE(hooked); i++) {
		ck_assert_int_eq(get_page_type(&frame, hooked[i]), 0);
		ck_assert_uint_eq(validated, i + 1);
		ck_assert_uint_eq(last_validate_type, hooked[i]);
		put_page_type(&frame);
		ck_assert_uint_eq(devalidated, i + 1);
		ck_assert_uint_eq(last_devalidate_type, hooked[i]);
		ck_assert_uint_eq(frame.type_info, hooked[i]);
	}
	ck_assert_int_eq(get_page_type(&frame, PGT_NONE), 0);
	ck_assert_uint_eq(frame.type_info, PGT_NONE | PGT_VALIDATED | 1);
	put_page_type(&frame);
	ck_assert_uint_eq(validated, 5);
	ck_assert_uint_eq(devalidated, 5);
}
END_TEST

START_TEST(test_validation_failure)
{
	page_assign(&frame, 5);
	validate_rc = -22;
	/* The hook's own (negative) result comes back: the PV MMU's Xen errno. */
	ck_assert_int_eq(get_page_type(&frame, PGT_L2), -22);
	ck_assert_uint_eq(validated, 1);
	/* Untyped, count 0, nothing to devalidate. */
	ck_assert_uint_eq(frame.type_info, PGT_NONE);
	ck_assert_uint_eq(devalidated, 0);
	/* The frame is usable afterwards, with any type. */
	ck_assert_int_eq(get_page_type(&frame, PGT_WRITABLE), 0);
	ck_assert_uint_eq(frame.type_info, PGT_WRITABLE | PGT_VALIDATED | 1);
	put_page_type(&frame);
	validate_rc = 0;
	ck_assert_int_eq(get_page_type(&frame, PGT_L2), 0);
	ck_assert_uint_eq(validated, 2);
	ck_assert_uint_eq(frame.type_info, PGT_L2 | PGT_VALIDATED | 1);
	/* The general count was never touched. */
	ck_assert_uint_eq(frame.count_info, PGC_ALLOCATED | 1);
}
END_TEST

START_TEST(test_no_ops_validates_everything)
{
	page_type_ops = NULL;
	ck_assert_int_eq(get_page_type(&frame, PGT_L3), 0);
	ck_assert_uint_eq(frame.type_info, PGT_L3 | PGT_VALIDATED | 1);
	put_page_type(&frame);
	ck_assert_uint_eq(frame.type_info, PGT_L3);
	ck_assert_uint_eq(validated, 0);
	ck_assert_uint_eq(devalidated, 0);
}
END_TEST

START_TEST(test_type_count_overflow)
{
	frame.type_info = PGT_WRITABLE | PGT_VALIDATED | (PGT_COUNT_MASK - 1);
	ck_assert_int_eq(get_page_type(&frame, PGT_WRITABLE), 0);
	ck_assert_uint_eq(frame.type_info, PGT_WRITABLE | PGT_VALIDATED | PGT_COUNT_MASK);
	ck_assert_int_eq(get_page_type(&frame, PGT_WRITABLE), -1);
	ck_assert_uint_eq(frame.type_info, PGT_WRITABLE | PGT_VALIDATED | PGT_COUNT_MASK);
}
END_TEST

START_TEST(test_pinned_flag_survives)
{
	/* Flags outside type and count (PGT_PINNED) are kept by get/put. */
	frame.type_info = PGT_L4 | PGT_VALIDATED | PGT_PINNED | 1;
	ck_assert_int_eq(get_page_type(&frame, PGT_L4), 0);
	ck_assert_uint_eq(frame.type_info, PGT_L4 | PGT_VALIDATED | PGT_PINNED | 2);
	put_page_type(&frame);
	ck_assert_uint_eq(frame.type_info, PGT_L4 | PGT_VALIDATED | PGT_PINNED | 1);
	ck_assert_uint_eq(validated, 0);
	ck_assert_uint_eq(devalidated, 0);
}
END_TEST

/* ---- two threads ---- */

#define ITERS 200000u

static pthread_barrier_t barrier;

static void *get_put_loop(void *arg)
{
	struct page_info *pg = arg;
	pthread_barrier_wait(&barrier);
	for (unsigned i = 0; i < ITERS; i++) {
		if (!get_page(pg, 5))
			return (void *)1;
		put_page(pg);
	}
	return NULL;
}

static void *get_only_loop(void *arg)
{
	struct page_info *pg = arg;
	pthread_barrier_wait(&barrier);
	for (unsigned i = 0; i < ITERS; i++)
		if (!get_page(pg, 5))
			return (void *)1;
	return NULL;
}

static void *put_only_loop(void *arg)
{
	struct page_info *pg = arg;
	pthread_barrier_wait(&barrier);
	for (unsigned i = 0; i < ITERS; i++)
		put_page(pg);
	return NULL;
}

static void run_two(void *(*fn)(void *), struct page_info *pg)
{
	pthread_t t[2];
	void *ret[2];
	ck_assert_int_eq(pthread_barrier_init(&barrier, NULL, 2), 0);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, fn, pg), 0);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(pthread_join(t[i], &ret[i]), 0);
		ck_assert_ptr_null(ret[i]);
	}
	pthread_barrier_destroy(&barrier);
}

START_TEST(test_two_threads_get_put)
{
	page_assign(&frame, 5);
	run_two(get_put_loop, &frame);
	/* Every get matched by a put; the allocation's reference remains. */
	ck_assert_uint_eq(frame.count_info, PGC_ALLOCATED | 1);
	ck_assert_uint_eq(released, 0);

	/* Lost updates would show as a count other than 1 + 2 * ITERS. */
	run_two(get_only_loop, &frame);
	ck_assert_uint_eq(frame.count_info, PGC_ALLOCATED | (1 + 2ull * ITERS));
	run_two(put_only_loop, &frame);
	ck_assert_uint_eq(frame.count_info, PGC_ALLOCATED | 1);
	ck_assert_uint_eq(released, 0);
	page_unassign(&frame);
	ck_assert_uint_eq(released, 1);
}
END_TEST

static void *writable_type_loop(void *arg)
{
	struct page_info *pg = arg;
	pthread_barrier_wait(&barrier);
	for (unsigned i = 0; i < ITERS; i++) {
		if (get_page_type(pg, PGT_WRITABLE))
			return (void *)1;
		put_page_type(pg);
	}
	return NULL;
}

START_TEST(test_two_threads_type_refs)
{
	page_assign(&frame, 5);
	run_two(writable_type_loop, &frame);
	ck_assert_uint_eq(frame.type_info, PGT_WRITABLE | PGT_VALIDATED);
}
END_TEST

/*
 * Fakes that track whether the frame's contents are "validated" (entries'
 * references held). validate on an already validated frame, or devalidate
 * on one that is not, means two CPUs disagree about the frame's state.
 */
static int active, violations;
static unsigned race_validates, race_devalidates;
static int race_validate(struct page_info *pg, uint64_t type)
{
	__atomic_fetch_add(&race_validates, 1, __ATOMIC_RELAXED);
	if (__atomic_exchange_n(&active, 1, __ATOMIC_ACQ_REL) != 0)
		__atomic_fetch_add(&violations, 1, __ATOMIC_RELAXED);
	return 0;
}
static void race_devalidate(struct page_info *pg, uint64_t type)
{
	__atomic_fetch_add(&race_devalidates, 1, __ATOMIC_RELAXED);
	/* Dropping an L1's references takes time; let the other CPU in. */
	sched_yield();
	if (__atomic_exchange_n(&active, 0, __ATOMIC_ACQ_REL) != 1)
		__atomic_fetch_add(&violations, 1, __ATOMIC_RELAXED);
}
static const struct page_type_ops race_ops = { race_validate, race_devalidate, NULL, NULL };

static void *l1_type_loop(void *arg)
{
	struct page_info *pg = arg;
	pthread_barrier_wait(&barrier);
	for (unsigned i = 0; i < ITERS / 10; i++) {
		if (get_page_type(pg, PGT_L1))
			return (void *)1;
		put_page_type(pg);
	}
	return NULL;
}

/*
 * Regression test (fixed bug) (common/page_ref.c put_page_type, lines ~88-103): the last
 * type reference drops the count to 0 (and clears PGT_VALIDATED) in the
 * CAS, and only afterwards calls devalidate. In that window another CPU's
 * get_page_type sees count 0 and re-validates the frame (or retypes it,
 * e.g. writable, so the guest can change it) while the first CPU is still
 * dropping the references of the old contents: the references taken and
 * dropped no longer match. Xen avoids this by keeping the type count at 1
 * with PGT_validated clear (a "being devalidated" state that get_page_type
 * waits on) until free_page_type has finished, then dropping it to 0.
 */
START_TEST(test_two_threads_validate_devalidate_serialised)
{
	page_type_ops = &race_ops;
	page_assign(&frame, 5);
	run_two(l1_type_loop, &frame);
	ck_assert_uint_eq(frame.type_info, PGT_L1);
	ck_assert_uint_eq(race_validates, race_devalidates);
	ck_assert_int_eq(violations, 0);
	ck_assert_int_eq(active, 0);
}
END_TEST

static Suite *page_ref_suite(void)
{
	Suite *s = suite_create("page_ref");
	TCase *tc = tcase_create("core");
	TCase *mt = tcase_create("threads");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_assign);
	tcase_add_test(tc, test_get_page_owner_check);
	tcase_add_test(tc, test_get_page_refuses_zero_and_overflow);
	tcase_add_test(tc, test_put_page_release_exactly_at_zero);
	tcase_add_test(tc, test_unassign_with_users);
	tcase_add_test(tc, test_put_page_without_hook);
	tcase_add_test(tc, test_writable_type);
	tcase_add_test(tc, test_type_release_and_retype_hooks);
	tcase_add_test(tc, test_get_page_and_type);
	tcase_add_test(tc, test_pagetable_validate_once);
	tcase_add_test(tc, test_validated_types);
	tcase_add_test(tc, test_validation_failure);
	tcase_add_test(tc, test_no_ops_validates_everything);
	tcase_add_test(tc, test_type_count_overflow);
	tcase_add_test(tc, test_pinned_flag_survives);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(mt, setup, NULL);
	tcase_set_timeout(mt, 60);
	tcase_add_test(mt, test_two_threads_get_put);
	tcase_add_test(mt, test_two_threads_type_refs);
	tcase_add_test(mt, test_two_threads_validate_devalidate_serialised);
	suite_add_tcase(s, mt);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(page_ref_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
