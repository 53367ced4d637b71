/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest memory accounting (common/domain_page.c) with the real frame
 * reference counting (common/page_ref.c) and heap (common/page_alloc.c)
 * under it. The release hook is the hypervisor's (arch/x86/mm.c) in
 * miniature: a guest frame leaves its owner's list, then goes back to the
 * heap. Every test states the owner, counts, list and tot_pages it expects.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <public/errno.h>
#include <mica/domain.h>
#include <mica/mm.h>

#define NR 1024u
#define DOMID 3

struct page_info *frame_table;
static struct page_heap heap;
static struct domain *dom;
static unsigned released;

struct domain *domain_lookup(domid_t id)
{
	return dom && id == dom->domain_id ? dom : NULL;
}

/* No TLBs on the host. */
void flush_tlb_domain(const struct domain *d)
{
	(void)d;
}

static void release_hook(struct page_info *pg)
{
	released++;
	if (pg->flags & PGF_DOMAIN_LIST)
		domain_page_released(pg);
	ck_assert_int_eq(heap_free(&heap, page_to_mfn(pg), 0), 0);
}

static void setup(void)
{
	frame_table = calloc(NR, sizeof(*frame_table));
	ck_assert_ptr_nonnull(frame_table);
	heap_init(&heap, frame_table, NR);
	heap_add_range(&heap, 16, NR - 16);
	dom = calloc(1, sizeof(*dom));
	ck_assert_ptr_nonnull(dom);
	dom->domain_id = DOMID;
	dom->page_list_head = PAGE_LIST_NULL;
	dom->max_pages = 64;
	page_release_hook = release_hook;
	released = 0;
}

static void teardown(void)
{
	page_release_hook = NULL;
	free(dom);
	dom = NULL;
	free(frame_table);
	frame_table = NULL;
}

/* The domain's page list, walked both ways: its length, and whether mfn is on it. */
static unsigned list_len(mfn_t find, bool *found)
{
	unsigned n = 0;
	uint32_t prev = PAGE_LIST_NULL;
	if (found)
		*found = false;
	for (uint32_t m = dom->page_list_head; m != PAGE_LIST_NULL; m = frame_table[m].next) {
		ck_assert_uint_eq(frame_table[m].prev, prev);
		ck_assert(frame_table[m].flags & PGF_DOMAIN_LIST);
		ck_assert_uint_eq(frame_table[m].owner, DOMID);
		if (found && m == find)
			*found = true;
		prev = m;
		ck_assert_uint_le(++n, NR);
	}
	return n;
}

static bool listed(mfn_t mfn)
{
	bool found;
	list_len(mfn, &found);
	return found;
}

/* 2^order fresh frames given to the domain (counted); their first frame. */
static struct page_info *give(unsigned order)
{
	mfn_t m = heap_alloc_high(&heap, order, 0);
	ck_assert_uint_ne(m, INVALID_MFN);
	ck_assert_int_eq(domain_assign_pages(dom, &frame_table[m], order, true), 0);
	return &frame_table[m];
}

START_TEST(test_assign_counts_and_lists)
{
	struct page_info *pg = give(2);
	ck_assert_uint_eq(dom->tot_pages, 4);
	ck_assert_uint_eq(list_len(0, NULL), 4);
	for (int i = 0; i < 4; i++) {
		ck_assert(listed(page_to_mfn(pg + i)));
		ck_assert_uint_eq(pg[i].owner, DOMID);
		ck_assert_uint_eq(pg[i].count_info, PGC_ALLOCATED | 1);
		ck_assert_uint_eq(pg[i].type_info, PGT_NONE);
	}
	/* Uncounted (an exchange's output): listed, tot_pages unchanged. */
	mfn_t m = heap_alloc_high(&heap, 0, 0);
	ck_assert_int_eq(domain_assign_pages(dom, &frame_table[m], 0, false), 0);
	ck_assert_uint_eq(dom->tot_pages, 4);
	ck_assert(listed(m));
	ck_assert_uint_eq(list_len(0, NULL), 5);
}
END_TEST

START_TEST(test_assign_respects_max_pages)
{
	dom->max_pages = 6;
	give(2);
	give(1);
	ck_assert_uint_eq(dom->tot_pages, 6);
	mfn_t m = heap_alloc_high(&heap, 0, 0);
	uint64_t before = frame_table[m].count_info;
	ck_assert_int_eq(domain_assign_pages(dom, &frame_table[m], 0, true), -XEN_E2BIG);
	/* Nothing happened to the frame or the domain. */
	ck_assert_uint_eq(frame_table[m].owner, OWNER_NONE);
	ck_assert_uint_eq(frame_table[m].count_info, before);
	ck_assert(!listed(m));
	ck_assert_uint_eq(dom->tot_pages, 6);
	/* An order-1 request with one frame of room fails whole. */
	dom->max_pages = 7;
	mfn_t m2 = heap_alloc_high(&heap, 1, 0);
	ck_assert_int_eq(domain_assign_pages(dom, &frame_table[m2], 1, true), -XEN_E2BIG);
	ck_assert_int_eq(domain_assign_pages(dom, &frame_table[m], 0, true), 0);
	ck_assert_uint_eq(dom->tot_pages, 7);
	/* Uncounted assignments are not limited. */
	ck_assert_int_eq(domain_assign_pages(dom, &frame_table[m2], 1, false), 0);
	ck_assert_uint_eq(dom->tot_pages, 7);
	/* A dying domain takes nothing. */
	dom->is_dying = true;
	mfn_t m3 = heap_alloc_high(&heap, 0, 0);
	ck_assert_int_eq(domain_assign_pages(dom, &frame_table[m3], 0, false), -XEN_EINVAL);
	ck_assert_uint_eq(frame_table[m3].owner, OWNER_NONE);
}
END_TEST

START_TEST(test_release_on_last_reference)
{
	struct page_info *a = give(0), *b = give(0), *c = give(0);
	uint64_t free_before = heap.free_pages;
	ck_assert_uint_eq(dom->tot_pages, 3);

	/* Given back with nothing else holding it: freed at once, off the list (middle). */
	page_unassign(b);
	ck_assert_uint_eq(released, 1);
	ck_assert_uint_eq(dom->tot_pages, 2);
	ck_assert(!listed(page_to_mfn(b)));
	ck_assert_uint_eq(heap.free_pages, free_before + 1);
	ck_assert_uint_eq(list_len(0, NULL), 2);

	/* Given back while mapped: still the domain's and counted until the mapping goes. */
	ck_assert(get_page(a, DOMID));
	ck_assert_int_eq(get_page_type(a, PGT_WRITABLE), 0);
	page_unassign(a);
	ck_assert_uint_eq(released, 1);
	ck_assert_uint_eq(dom->tot_pages, 2);
	ck_assert(listed(page_to_mfn(a)));
	page_unassign(a);                       /* a second give-back changes nothing */
	ck_assert_uint_eq(page_refcount(a), 1);
	put_page_type(a);
	put_page(a);
	ck_assert_uint_eq(released, 2);
	ck_assert_uint_eq(dom->tot_pages, 1);
	ck_assert(!listed(page_to_mfn(a)));
	ck_assert_uint_eq(list_len(0, NULL), 1);

	/* The last one (list head and tail at once). */
	page_unassign(c);
	ck_assert_uint_eq(dom->tot_pages, 0);
	ck_assert_uint_eq(dom->page_list_head, PAGE_LIST_NULL);
	ck_assert_uint_eq(heap.free_pages, free_before + 3);
	ck_assert_int_eq(heap_check(&heap), 0);
}
END_TEST

START_TEST(test_steal_rules)
{
	struct page_info *pg = give(0);
	mfn_t mfn = page_to_mfn(pg);

	/* Mapped (an extra general reference): refused, untouched. */
	ck_assert(get_page(pg, DOMID));
	ck_assert_int_eq(domain_steal_page(dom, pg), -XEN_EINVAL);
	ck_assert_uint_eq(pg->count_info, PGC_ALLOCATED | 2);
	/* Pinned as a page table (type and general reference): refused. */
	ck_assert_int_eq(get_page_type(pg, PGT_L1), 0);
	ck_assert_int_eq(domain_steal_page(dom, pg), -XEN_EINVAL);
	put_page_type(pg);
	put_page(pg);
	ck_assert_uint_eq(pg->count_info, PGC_ALLOCATED | 1);

	/* Another domain's frame, or a free one: refused. */
	struct domain *saved = dom;
	struct domain other = { .domain_id = DOMID + 1, .page_list_head = PAGE_LIST_NULL };
	ck_assert_int_eq(domain_steal_page(&other, pg), -XEN_EINVAL);
	dom = saved;
	mfn_t f = heap_alloc_high(&heap, 0, 0);
	ck_assert_int_eq(heap_free(&heap, f, 0), 0);
	ck_assert_int_eq(domain_steal_page(dom, &frame_table[f]), -XEN_EINVAL);

	/* A page lent to the guest (owned, not listed: shared_info, grant frames): refused. */
	mfn_t lent = heap_alloc(&heap, 0);
	page_assign(&frame_table[lent], DOMID);
	ck_assert_int_eq(domain_steal_page(dom, &frame_table[lent]), -XEN_EINVAL);
	ck_assert_uint_eq(frame_table[lent].count_info, PGC_ALLOCATED | 1);
	ck_assert_uint_eq(frame_table[lent].owner, DOMID);

	/* Given back but still referenced (no allocation reference): refused. */
	struct page_info *q = give(0);
	ck_assert(get_page(q, DOMID));
	page_unassign(q);
	ck_assert_int_eq(domain_steal_page(dom, q), -XEN_EINVAL);
	ck_assert_uint_eq(q->count_info, 1);
	put_page(q);

	/* Held by its allocation alone: stolen. No owner, no references, off the list, still counted. */
	ck_assert_uint_eq(dom->tot_pages, 1);
	pg->type_info = PGT_WRITABLE;   /* a stale type with no users does not matter */
	ck_assert_int_eq(domain_steal_page(dom, pg), 0);
	ck_assert_uint_eq(pg->owner, OWNER_NONE);
	ck_assert_uint_eq(pg->count_info, 0);
	ck_assert_uint_eq(pg->type_info, PGT_NONE);
	ck_assert(!listed(mfn));
	ck_assert_uint_eq(dom->tot_pages, 1);
	ck_assert_uint_eq(released, 1);         /* only q went through the release hook */
	/* Nobody can take a reference to it now. */
	ck_assert(!get_page(pg, DOMID));
	ck_assert(!get_page(pg, OWNER_NONE));
	/* Given back uncounted (a failed exchange chunk), it is an ordinary frame again. */
	ck_assert_int_eq(domain_assign_pages(dom, pg, 0, false), 0);
	ck_assert(listed(mfn));
	ck_assert_int_eq(domain_steal_page(dom, pg), 0);
	ck_assert_int_eq(heap_free(&heap, mfn, 0), 0);
	ck_assert_int_eq(heap_check(&heap), 0);
}
END_TEST

/* Two CPUs race to steal (or map) the same frame: never two steals, never a lost frame. */
static struct page_info *race_pg;
static int race_rc[2];
static pthread_barrier_t bar;

static void *racer(void *arg)
{
	int i = (int)(intptr_t)arg;
	pthread_barrier_wait(&bar);
	race_rc[i] = domain_steal_page(dom, race_pg);
	return NULL;
}

static void *mapper(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&bar);
	/* A mapping attempt: may win (then the steal fails) or find the frame gone. */
	if (get_page(race_pg, DOMID)) {
		race_rc[1] = 1;
		put_page(race_pg);
	} else {
		race_rc[1] = 0;
	}
	return NULL;
}

START_TEST(test_steal_races)
{
	pthread_t t[2];
	unsigned wins = 0, mapped_first = 0;
	for (int round = 0; round < 2000; round++) {
		race_pg = give(0);
		pthread_barrier_init(&bar, NULL, 2);
		if (round & 1) {
			pthread_create(&t[0], NULL, racer, (void *)0);
			pthread_create(&t[1], NULL, racer, (void *)1);
		} else {
			pthread_create(&t[0], NULL, racer, (void *)0);
			pthread_create(&t[1], NULL, mapper, NULL);
		}
		pthread_join(t[0], NULL);
		pthread_join(t[1], NULL);
		pthread_barrier_destroy(&bar);
		bool stolen = (round & 1) ? (race_rc[0] == 0) + (race_rc[1] == 0) : race_rc[0] == 0;
		/*
		 * Two thieves: at most one wins. Both may lose, each seeing the
		 * other's reference, as in Xen: then the frame is untouched.
		 */
		ck_assert_int_le((race_rc[0] == 0) + ((round & 1) && race_rc[1] == 0), 1);
		if (!stolen) {
			/* The mapping (or the other thief) got in first and the frame stayed. */
			mapped_first++;
			ck_assert_uint_eq(race_pg->count_info, PGC_ALLOCATED | 1);
			ck_assert(listed(page_to_mfn(race_pg)));
			page_unassign(race_pg);
			continue;
		}
		wins++;
		ck_assert_uint_eq(race_pg->count_info, 0);
		ck_assert_uint_eq(race_pg->owner, OWNER_NONE);
		ck_assert(!listed(page_to_mfn(race_pg)));
		ck_assert_int_eq(heap_free(&heap, page_to_mfn(race_pg), 0), 0);
		dom->tot_pages--;       /* the caller balances a steal */
	}
	ck_assert_uint_ge(wins, 100);
	ck_assert_uint_eq(dom->tot_pages, 0);
	ck_assert_int_eq(heap_check(&heap), 0);
	(void)mapped_first;
}
END_TEST

static Suite *domain_page_suite(void)
{
	Suite *s = suite_create("domain_page");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_assign_counts_and_lists);
	tcase_add_test(tc, test_assign_respects_max_pages);
	tcase_add_test(tc, test_release_on_last_reference);
	tcase_add_test(tc, test_steal_rules);
	tcase_add_test(tc, test_steal_races);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(domain_page_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
