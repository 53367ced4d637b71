/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The buddy heap (common/page_alloc.c) over a host array of struct
 * page_info. Free lists are inspected directly (free_head[zone][order] and
 * the frames' next links) so each test states the exact set of free blocks
 * it expects, and heap_check() is run after every mutation. The zone tests
 * cover the two policies: best fit (heap_alloc) and Xen's highest-zone-
 * first with an optional address limit (heap_alloc_high).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mica/page_alloc.h>

#define NR 4096u

static struct page_heap heap;
static struct page_info *frames;
static mfn_t nr_frames;

static void make_heap(mfn_t n)
{
	free(frames);
	/* calloc: frames outside any added range are "not RAM" (flags 0). */
	frames = calloc(n, sizeof(*frames));
	ck_assert_ptr_nonnull(frames);
	nr_frames = n;
	heap_init(&heap, frames, n);
	ck_assert_int_eq(heap_check(&heap), 0);
	ck_assert_uint_eq(heap.free_pages, 0);
}

static void teardown(void)
{
	free(frames);
	frames = NULL;
}

/*
 * Number of free blocks of order o (on the order-o lists of every zone);
 * their mfns go to out (if non-NULL).
 */
static unsigned list_blocks(unsigned o, mfn_t *out, unsigned max)
{
	unsigned n = 0;
	for (unsigned z = 0; z < HEAP_ZONES; z++) {
		for (uint32_t m = heap.free_head[z][o]; m != PAGE_LIST_NULL; m = frames[m].next) {
			ck_assert_uint_lt(m, nr_frames);
			ck_assert_uint_eq(heap_zone(m, o), z);
			if (out) {
				ck_assert_uint_lt(n, max);
				out[n] = m;
			}
			n++;
			ck_assert_uint_le(n, nr_frames);   /* no cycles */
		}
	}
	return n;
}

/* Some free block of order o, or PAGE_LIST_NULL. */
static uint32_t any_block(unsigned o)
{
	for (unsigned z = 0; z < HEAP_ZONES; z++)
		if (heap.free_head[z][o] != PAGE_LIST_NULL)
			return heap.free_head[z][o];
	return PAGE_LIST_NULL;
}

static int cmp_mfn(const void *a, const void *b)
{
	mfn_t x = *(const mfn_t *)a, y = *(const mfn_t *)b;
	return x < y ? -1 : x > y;
}

/* The order-o list holds exactly the given blocks (any order). */
static void expect_list(unsigned o, const mfn_t *want, unsigned n)
{
	mfn_t got[64];
	unsigned have = list_blocks(o, got, 64);
	ck_assert_msg(have == n, "order %u: %u blocks, want %u", o, have, n);
	qsort(got, have, sizeof(got[0]), cmp_mfn);
	for (unsigned i = 0; i < n; i++)
		ck_assert_msg(got[i] == want[i], "order %u block %u: %llu, want %llu", o,
			      i, (unsigned long long)got[i], (unsigned long long)want[i]);
}

#define EXPECT_LIST(o, ...)                                                 \
	do {                                                                \
		static const mfn_t w_[] = { __VA_ARGS__ };                  \
		expect_list((o), w_, ARRAY_SIZE(w_));                       \
	} while (0)
#define EXPECT_EMPTY(o) ck_assert_uint_eq(list_blocks((o), NULL, 0), 0)

START_TEST(test_add_unaligned_range)
{
	make_heap(64);
	heap_add_range(&heap, 3, 34);          /* [3, 37) */
	ck_assert_int_eq(heap_check(&heap), 0);
	ck_assert_uint_eq(heap.free_pages, 34);
	ck_assert_uint_eq(heap.total_pages, 34);
	EXPECT_LIST(0, 3, 36);
	EXPECT_EMPTY(1);
	EXPECT_LIST(2, 4, 32);
	EXPECT_LIST(3, 8);
	EXPECT_LIST(4, 16);
	for (unsigned o = 5; o <= MAX_ORDER; o++)
		EXPECT_EMPTY(o);
	/* Frames outside the range are not RAM; inside, all RAM and free. */
	ck_assert_uint_eq(frames[2].flags, 0);
	ck_assert_uint_eq(frames[37].flags, 0);
	ck_assert_uint_eq(frames[16].flags, PGF_RAM | PGF_FREE | PGF_FREE_HEAD | PGF_DIRTY);
	ck_assert_uint_eq(frames[16].order, 4);
	ck_assert_uint_eq(frames[17].flags, PGF_RAM | PGF_FREE | PGF_DIRTY);

	/* Adding the missing neighbours merges everything into one block. */
	heap_add_range(&heap, 0, 3);
	heap_add_range(&heap, 37, 27);
	ck_assert_int_eq(heap_check(&heap), 0);
	ck_assert_uint_eq(heap.free_pages, 64);
	ck_assert_uint_eq(heap.total_pages, 64);
	EXPECT_LIST(6, 0);
	for (unsigned o = 0; o <= MAX_ORDER; o++)
		if (o != 6)
			EXPECT_EMPTY(o);
}
END_TEST

START_TEST(test_add_clamped_to_table)
{
	make_heap(64);
	heap_add_range(&heap, 48, 1000);
	ck_assert_int_eq(heap_check(&heap), 0);
	ck_assert_uint_eq(heap.free_pages, 16);
	ck_assert_uint_eq(heap.total_pages, 16);
	EXPECT_LIST(4, 48);
}
END_TEST

START_TEST(test_split)
{
	make_heap(NR);
	heap_add_range(&heap, 0, NR);
	EXPECT_LIST(12, 0);
	ck_assert_uint_eq(heap_alloc(&heap, 0), 0);   /* low half kept */
	ck_assert_int_eq(heap_check(&heap), 0);
	ck_assert_uint_eq(heap.free_pages, NR - 1);
	/* One buddy of each smaller order is left: 1, 2, 4, ..., 2048. */
	for (unsigned o = 0; o < 12; o++) {
		mfn_t w = (mfn_t)1 << o;
		expect_list(o, &w, 1);
		ck_assert_uint_eq(frames[w].order, o);
		ck_assert_uint_eq(frames[w].flags, PGF_RAM | PGF_FREE | PGF_FREE_HEAD | PGF_DIRTY);
	}
	EXPECT_EMPTY(12);
	ck_assert_uint_eq(frames[0].flags, PGF_RAM);

	/* The next order-0 allocation takes the order-0 buddy, no split. */
	ck_assert_uint_eq(heap_alloc(&heap, 0), 1);
	EXPECT_EMPTY(0);
	EXPECT_LIST(1, 2);
	/* An order-3 one takes the order-3 block at 8. */
	ck_assert_uint_eq(heap_alloc(&heap, 3), 8);
	EXPECT_EMPTY(3);
	/* Order 2 with its list used: from order 2's block at 4. */
	ck_assert_uint_eq(heap_alloc(&heap, 2), 4);
	ck_assert_uint_eq(heap_alloc(&heap, 2), 16);  /* splits 16..31 */
	EXPECT_LIST(2, 20);
	EXPECT_LIST(3, 24);
	EXPECT_EMPTY(4);
	ck_assert_int_eq(heap_check(&heap), 0);
	ck_assert_uint_eq(heap.free_pages, NR - 1 - 1 - 8 - 4 - 4);
}
END_TEST

START_TEST(test_every_order_aligned)
{
	make_heap(NR);
	heap_add_range(&heap, 1, NR - 1);     /* frame 0 missing: no order-12 block */
	for (unsigned o = 0; o <= 11; o++) {
		mfn_t m = heap_alloc(&heap, o);
		ck_assert_msg(m != INVALID_MFN, "order %u", o);
		ck_assert_uint_eq(m & ((1ull << o) - 1), 0);
		ck_assert_uint_le(m + (1ull << o), NR);
		ck_assert_int_eq(heap_check(&heap), 0);
		for (mfn_t i = 0; i < (1ull << o); i++)
			ck_assert_uint_eq(frames[m + i].flags, PGF_RAM);
		ck_assert_int_eq(heap_free(&heap, m, o), 0);
		ck_assert_int_eq(heap_check(&heap), 0);
		ck_assert_uint_eq(heap.free_pages, NR - 1);
	}
	/* Order 12 needs all 4096 frames, and frame 0 was never added. */
	ck_assert_uint_eq(heap_alloc(&heap, 12), INVALID_MFN);
	ck_assert_uint_eq(heap_alloc(&heap, MAX_ORDER), INVALID_MFN);
	ck_assert_uint_eq(heap_alloc(&heap, MAX_ORDER + 1), INVALID_MFN);
	ck_assert_uint_eq(heap_alloc(&heap, 1000), INVALID_MFN);
	ck_assert_uint_eq(heap.free_pages, NR - 1);
}
END_TEST

START_TEST(test_exhaustion)
{
	make_heap(NR);
	heap_add_range(&heap, 0, NR);
	ck_assert_uint_eq(heap_alloc(&heap, 12), 0);
	ck_assert_uint_eq(heap.free_pages, 0);
	ck_assert_uint_eq(heap_alloc(&heap, 0), INVALID_MFN);
	ck_assert_int_eq(heap_check(&heap), 0);
	ck_assert_int_eq(heap_free(&heap, 0, 12), 0);

	/* Page by page: exactly NR allocations succeed, all distinct. */
	static unsigned char seen[NR];
	memset(seen, 0, sizeof(seen));
	for (unsigned i = 0; i < NR; i++) {
		mfn_t m = heap_alloc(&heap, 0);
		ck_assert_uint_lt(m, NR);
		ck_assert(!seen[m]);
		seen[m] = 1;
		ck_assert_uint_eq(heap.free_pages, NR - 1 - i);
	}
	ck_assert_uint_eq(heap_alloc(&heap, 0), INVALID_MFN);
	ck_assert_int_eq(heap_check(&heap), 0);
}
END_TEST

START_TEST(test_frames_come_back_clean)
{
	make_heap(NR);
	heap_add_range(&heap, 0, NR);
	mfn_t m = heap_alloc(&heap, 2);
	ck_assert_uint_eq(m, 0);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_uint_eq(frames[i].owner, OWNER_NONE);
		ck_assert_uint_eq(frames[i].count_info, 0);
		ck_assert_uint_eq(frames[i].type_info, 0);
		frames[i].owner = 7;
		frames[i].count_info = 0x8000000000000003ull;
		frames[i].type_info = PGT_L1 | PGT_VALIDATED | 2;
	}
	ck_assert_int_eq(heap_free(&heap, m, 2), 0);
	ck_assert_uint_eq(heap_alloc(&heap, 2), 0);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_uint_eq(frames[i].owner, OWNER_NONE);
		ck_assert_uint_eq(frames[i].count_info, 0);
		ck_assert_uint_eq(frames[i].type_info, 0);
		ck_assert_uint_eq(frames[i].flags, PGF_RAM);
	}
}
END_TEST

START_TEST(test_bad_frees)
{
	make_heap(NR);
	heap_add_range(&heap, 16, NR - 32);    /* [16, 4080) */
	mfn_t a = heap_alloc(&heap, 4);
	mfn_t b = heap_alloc(&heap, 0);
	ck_assert_uint_ne(a, INVALID_MFN);
	ck_assert_uint_ne(b, INVALID_MFN);
	uint64_t before = heap.free_pages;

	ck_assert_int_eq(heap_free(&heap, a + 1, 1), -1);    /* misaligned */
	ck_assert_int_eq(heap_free(&heap, a + 8, 4), -1);    /* misaligned */
	ck_assert_int_eq(heap_free(&heap, NR, 0), -1);       /* past the table */
	ck_assert_int_eq(heap_free(&heap, NR - 2, 2), -1);   /* misaligned, crosses the end */
	ck_assert_int_eq(heap_free(&heap, 0, 13), -1);       /* bigger than the table */
	ck_assert_int_eq(heap_free(&heap, 0, MAX_ORDER + 1), -1);
	ck_assert_int_eq(heap_free(&heap, 4, 0), -1);        /* never added: not RAM */
	ck_assert_int_eq(heap_free(&heap, 4080, 0), -1);
	ck_assert_int_eq(heap_free(&heap, 0, 5), -1);        /* partly not RAM */
	/* A block containing free frames: the whole free block, or one frame. */
	mfn_t f = any_block(0) != PAGE_LIST_NULL ? any_block(0) : any_block(1);
	ck_assert_uint_ne(f, PAGE_LIST_NULL);
	ck_assert_int_eq(heap_free(&heap, f, 0), -1);
	ck_assert_int_eq(heap_free(&heap, (b & ~1ull), 1), -1); /* b plus its free buddy */
	ck_assert_uint_eq(heap.free_pages, before);
	ck_assert_int_eq(heap_check(&heap), 0);

	/* The good frees work once, the second is a double free. */
	ck_assert_int_eq(heap_free(&heap, a, 4), 0);
	ck_assert_int_eq(heap_free(&heap, a, 4), -1);
	ck_assert_int_eq(heap_free(&heap, a + 4, 0), -1);
	ck_assert_int_eq(heap_free(&heap, b, 0), 0);
	ck_assert_int_eq(heap_free(&heap, b, 0), -1);
	ck_assert_uint_eq(heap.free_pages, NR - 32);
	ck_assert_int_eq(heap_check(&heap), 0);
}
END_TEST

/*
 * Regression test (fixed bug) (common/page_alloc.c heap_free, line ~128): the range check
 * "mfn + (1ULL << order) > h->nr_frames" wraps for mfn near 2^64, so
 * heap_free(h, INVALID_MFN, 0) passes it and reads h->frames[INVALID_MFN]
 * (ASan: heap-buffer-overflow). Fix: reject mfn >= nr_frames first, or
 * compare (1ULL << order) > h->nr_frames - mfn.
 */
START_TEST(test_free_wrapping_mfn)
{
	make_heap(NR);
	heap_add_range(&heap, 0, NR);
	ck_assert_int_eq(heap_free(&heap, INVALID_MFN, 0), -1);
	ck_assert_int_eq(heap_free(&heap, ~(mfn_t)0 << 4, 4), -1);
	ck_assert_uint_eq(heap.free_pages, NR);
}
END_TEST

START_TEST(test_free_in_pieces_coalesces)
{
	/* An order-3 allocation given back as eight order-0 frees. */
	make_heap(8);
	heap_add_range(&heap, 0, 8);
	ck_assert_uint_eq(heap_alloc(&heap, 3), 0);
	static const mfn_t order[] = { 5, 0, 7, 2, 6, 1, 3, 4 };
	for (unsigned i = 0; i < 8; i++) {
		ck_assert_int_eq(heap_free(&heap, order[i], 0), 0);
		ck_assert_int_eq(heap_check(&heap), 0);
	}
	EXPECT_LIST(3, 0);
	for (unsigned o = 0; o < 3; o++)
		EXPECT_EMPTY(o);
}
END_TEST

/* xorshift64: fixed seed, so a failure replays identically. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

START_TEST(test_full_coalescing)
{
	make_heap(NR);
	heap_add_range(&heap, 0, NR);
	static mfn_t got[NR];
	for (unsigned i = 0; i < NR; i++)
		got[i] = heap_alloc(&heap, 0);
	/* Shuffle, then free everything in that random order. */
	for (unsigned i = NR - 1; i > 0; i--) {
		unsigned j = (unsigned)(rnd() % (i + 1));
		mfn_t t = got[i]; got[i] = got[j]; got[j] = t;
	}
	for (unsigned i = 0; i < NR; i++)
		ck_assert_int_eq(heap_free(&heap, got[i], 0), 0);
	ck_assert_int_eq(heap_check(&heap), 0);
	ck_assert_uint_eq(heap.free_pages, NR);
	EXPECT_LIST(12, 0);
	for (unsigned o = 0; o <= MAX_ORDER; o++)
		if (o != 12)
			EXPECT_EMPTY(o);
}
END_TEST

START_TEST(test_max_order_limit)
{
	/* 2^19 + 5 frames (16 MiB of page_info): blocks never exceed MAX_ORDER. */
	const mfn_t n = (1ull << (MAX_ORDER + 1)) + 5;
	make_heap(n);
	heap_add_range(&heap, 0, n);
	ck_assert_int_eq(heap_check(&heap), 0);
	EXPECT_LIST(MAX_ORDER, 0, 1ull << MAX_ORDER);
	EXPECT_LIST(2, 1ull << (MAX_ORDER + 1));
	EXPECT_LIST(0, (1ull << (MAX_ORDER + 1)) + 4);

	/* Split and re-merge the first max block: it stops at MAX_ORDER. */
	mfn_t m = heap_alloc(&heap, 0);
	ck_assert_uint_eq(m, (1ull << (MAX_ORDER + 1)) + 4);
	m = heap_alloc(&heap, 1);
	ck_assert_uint_eq(m & 1, 0);
	ck_assert_int_eq(heap_free(&heap, m, 1), 0);
	ck_assert_int_eq(heap_free(&heap, (1ull << (MAX_ORDER + 1)) + 4, 0), 0);
	ck_assert_int_eq(heap_check(&heap), 0);
	EXPECT_LIST(MAX_ORDER, 0, 1ull << MAX_ORDER);
	EXPECT_LIST(2, 1ull << (MAX_ORDER + 1));
	EXPECT_LIST(0, (1ull << (MAX_ORDER + 1)) + 4);
	for (unsigned o = 1; o < MAX_ORDER; o++)
		if (o != 2)
			EXPECT_EMPTY(o);
	ck_assert_uint_eq(heap.free_pages, n);
}
END_TEST

START_TEST(test_heap_check_detects_damage)
{
	/* The checker itself must be able to fail, or the stress test proves nothing. */
	make_heap(64);
	heap_add_range(&heap, 0, 64);
	frames[5].flags &= (uint8_t)~PGF_FREE;
	ck_assert_int_eq(heap_check(&heap), -3);
	frames[5].flags |= PGF_FREE;
	heap.free_pages--;
	ck_assert_int_eq(heap_check(&heap), -5);
	heap.free_pages++;
	frames[0].order = 5;
	ck_assert_int_eq(heap_check(&heap), -2);
	frames[0].order = 6;
	ck_assert_int_eq(heap_check(&heap), 0);
}
END_TEST

struct live { mfn_t mfn; unsigned order; };

START_TEST(test_random_stress)
{
	enum { LO = 5, HI = NR - 6, OPS = 20000, MAXLIVE = 4096 };
	static struct live live[MAXLIVE];
	static uint8_t owned[NR];
	unsigned nlive = 0;
	uint64_t live_pages = 0;

	memset(owned, 0, sizeof(owned));
	make_heap(NR);
	heap_add_range(&heap, LO, HI - LO);
	const uint64_t total = HI - LO;

	/* Remember the blocks right after adding: freeing all must restore them. */
	static mfn_t initial[MAX_ORDER + 1][64];
	unsigned ninitial[MAX_ORDER + 1];
	for (unsigned o = 0; o <= MAX_ORDER; o++) {
		ninitial[o] = list_blocks(o, initial[o], 64);
		qsort(initial[o], ninitial[o], sizeof(mfn_t), cmp_mfn);
	}

	unsigned fails = 0;
	for (unsigned op = 0; op < OPS; op++) {
		uint64_t r = rnd();
		bool do_alloc = nlive == 0 || (nlive < MAXLIVE && (r & 3) != 0 &&
					       !(op > OPS / 2 && (r & 4)));
		if (do_alloc) {
			/* Mostly small orders, occasionally large ones. */
			unsigned o = (r >> 8) % 16 == 0 ? (unsigned)((r >> 12) % 10)
						       : (unsigned)((r >> 12) % 4);
			mfn_t m = heap_alloc(&heap, o);
			if (m == INVALID_MFN) {
				/* Only legitimate when no free block of that order exists. */
				for (unsigned k = o; k <= MAX_ORDER; k++)
					EXPECT_EMPTY(k);
				fails++;
			} else {
				ck_assert_uint_eq(m & ((1ull << o) - 1), 0);
				ck_assert_uint_ge(m, LO);
				ck_assert_uint_le(m + (1ull << o), HI);
				for (mfn_t i = 0; i < (1ull << o); i++) {
					ck_assert_msg(!owned[m + i], "op %u: frame %llu handed out twice",
						      op, (unsigned long long)(m + i));
					owned[m + i] = 1;
				}
				live[nlive++] = (struct live){ m, o };
				live_pages += 1ull << o;
			}
		} else {
			unsigned k = (unsigned)((r >> 16) % nlive);
			struct live l = live[k];
			live[k] = live[--nlive];
			ck_assert_int_eq(heap_free(&heap, l.mfn, l.order), 0);
			for (mfn_t i = 0; i < (1ull << l.order); i++)
				owned[l.mfn + i] = 0;
			live_pages -= 1ull << l.order;
		}
		ck_assert_msg(heap_check(&heap) == 0, "op %u: heap_check %d", op, heap_check(&heap));
		ck_assert_uint_eq(heap.free_pages, total - live_pages);
	}
	/*
	 * With this seed the first half fills the heap (thousands of refused
	 * allocations) and the second half drains it: both paths were run.
	 */
	ck_assert_uint_gt(fails, 100);
	ck_assert_uint_lt(nlive, 100);

	while (nlive) {
		nlive--;
		ck_assert_int_eq(heap_free(&heap, live[nlive].mfn, live[nlive].order), 0);
		ck_assert_int_eq(heap_check(&heap), 0);
	}
	ck_assert_uint_eq(heap.free_pages, total);
	for (unsigned o = 0; o <= MAX_ORDER; o++)
		expect_list(o, initial[o], ninitial[o]);
}
END_TEST

/* ---- zones: address-limited and high-first allocation ---- */

START_TEST(test_zone_of_block)
{
	/* A block's zone is the bit width of its highest frame. */
	ck_assert_uint_eq(heap_zone(0, 0), 0);
	ck_assert_uint_eq(heap_zone(1, 0), 1);
	ck_assert_uint_eq(heap_zone(2, 0), 2);
	ck_assert_uint_eq(heap_zone(3, 0), 2);
	ck_assert_uint_eq(heap_zone(2, 1), 2);
	ck_assert_uint_eq(heap_zone(0, 3), 3);     /* frames 0-7 */
	ck_assert_uint_eq(heap_zone(8, 3), 4);     /* frames 8-15 */
	ck_assert_uint_eq(heap_zone(4096, 12), 13);
	/* 4 GiB - 1 frame is in zone 20; 4 GiB starts zone 21. */
	ck_assert_uint_eq(heap_zone((1ull << 20) - 1, 0), 20);
	ck_assert_uint_eq(heap_zone(1ull << 20, 0), 21);
	ck_assert_uint_eq(heap_zone(0xffffffffull, 0), 32);
}
END_TEST

START_TEST(test_alloc_high_takes_the_top)
{
	make_heap(NR);
	heap_add_range(&heap, 16, NR - 16);
	/* The highest frame first, then downwards: the top block is split from above. */
	ck_assert_uint_eq(heap_alloc_high(&heap, 0, 0), NR - 1);
	ck_assert_uint_eq(heap_alloc_high(&heap, 0, 0), NR - 2);
	ck_assert_uint_eq(heap_alloc_high(&heap, 1, 0), NR - 4);
	ck_assert_uint_eq(heap_alloc_high(&heap, 2, 0), NR - 8);
	ck_assert_int_eq(heap_check(&heap), 0);
	/* The low half of every split went back: 2048 (order 10), 3072 (9), ... */
	EXPECT_LIST(10, 1024, 2048);
	EXPECT_LIST(3, 4080);
	EXPECT_EMPTY(0);
	EXPECT_EMPTY(1);
	EXPECT_EMPTY(2);
	/* Best fit (the hypervisor's) keeps taking low halves of small blocks. */
	ck_assert_uint_eq(heap_alloc(&heap, 0), 4080);
	/* A request bigger than anything in the top zone goes down a zone. */
	ck_assert_uint_eq(heap_alloc_high(&heap, 11, 0), INVALID_MFN);
	ck_assert_uint_eq(heap_alloc_high(&heap, 10, 0), 2048);
	ck_assert_uint_eq(heap_alloc_high(&heap, 10, 0), 1024);   /* zone 11 */
	ck_assert_int_eq(heap_check(&heap), 0);
	ck_assert_uint_eq(heap.free_pages, NR - 16 - 1 - 1 - 2 - 4 - 1 - 1024 - 1024);
}
END_TEST

START_TEST(test_alloc_high_address_bits)
{
	make_heap(NR);
	heap_add_range(&heap, 16, NR - 16);     /* frames 16..4095: below 2^24 bytes */
	ck_assert_uint_eq(heap_free_below(&heap, 0), NR - 16);
	ck_assert_uint_eq(heap_free_below(&heap, 24), NR - 16);
	ck_assert_uint_eq(heap_free_below(&heap, 20), 256 - 16);   /* frames below 256 */
	ck_assert_uint_eq(heap_free_below(&heap, 17), 16);         /* frames 16..31 */
	ck_assert_uint_eq(heap_free_below(&heap, 16), 0);

	/* Below 2^20 bytes = frames below 256: the top of that range. */
	ck_assert_uint_eq(heap_alloc_high(&heap, 0, 20), 255);
	/* Below 2^18 bytes = frames below 64: the order-5 block 32-63, high end. */
	ck_assert_uint_eq(heap_alloc_high(&heap, 3, 18), 56);
	/* A limit at or above the heap's top is no limit. */
	ck_assert_uint_eq(heap_alloc_high(&heap, 0, 24), NR - 1);
	ck_assert_uint_eq(heap_alloc_high(&heap, 0, 255), NR - 2);
	ck_assert_int_eq(heap_check(&heap), 0);

	/* Frames below 32 (2^17 bytes): exactly the sixteen of 16..31, each once. */
	bool seen[32] = { false };
	for (unsigned i = 0; i < 16; i++) {
		mfn_t m = heap_alloc_high(&heap, 0, 17);
		ck_assert_uint_ge(m, 16);
		ck_assert_uint_lt(m, 32);
		ck_assert(!seen[m]);
		seen[m] = true;
	}
	ck_assert_uint_eq(heap_alloc_high(&heap, 0, 17), INVALID_MFN);
	ck_assert_uint_eq(heap_free_below(&heap, 17), 0);
	/* 12 bits or fewer leaves frames 0 and 1 only (Xen's smallest zone). */
	ck_assert_uint_eq(heap_alloc_high(&heap, 0, 12), INVALID_MFN);
	ck_assert_uint_eq(heap_alloc_high(&heap, 0, 1), INVALID_MFN);
	/* Too big an order below a limit fails while a free block above it exists. */
	ck_assert_uint_eq(heap_alloc_high(&heap, 6, 18), INVALID_MFN);
	ck_assert_uint_ne(heap_alloc_high(&heap, 6, 0), INVALID_MFN);
	ck_assert_uint_eq(heap_alloc_high(&heap, MAX_ORDER + 1, 0), INVALID_MFN);
	ck_assert_int_eq(heap_check(&heap), 0);
}
END_TEST

START_TEST(test_low_frames_in_zone_of_their_block)
{
	/* A block at frame 0 belongs to the zone of its highest frame. */
	make_heap(64);
	heap_add_range(&heap, 0, 64);
	ck_assert_uint_eq(heap.free_head[6][6], 0);
	ck_assert_uint_eq(heap_free_below(&heap, 12 + 5), 0);
	/* So a request for frames below 32 cannot cut it (it may hold frame 63)... */
	ck_assert_uint_eq(heap_alloc_high(&heap, 0, 12 + 5), INVALID_MFN);
	/* ...until a split leaves the low half on its own: then it can. */
	ck_assert_uint_eq(heap_alloc_high(&heap, 0, 0), 63);
	ck_assert_uint_eq(heap_free_below(&heap, 12 + 5), 32);
	ck_assert_uint_eq(heap_alloc_high(&heap, 0, 12 + 5), 31);
	/* Zone 5 (16-31) now holds 15 free frames: order 4 comes from zone 4. */
	ck_assert_uint_eq(heap_alloc_high(&heap, 4, 12 + 5), 0);
	ck_assert_int_eq(heap_check(&heap), 0);
	/* Everything back: one block again. */
	ck_assert_int_eq(heap_free(&heap, 63, 0), 0);
	ck_assert_int_eq(heap_free(&heap, 31, 0), 0);
	ck_assert_int_eq(heap_free(&heap, 0, 4), 0);
	ck_assert_int_eq(heap_check(&heap), 0);
	EXPECT_LIST(6, 0);
}
END_TEST

START_TEST(test_heap_check_detects_wrong_zone)
{
	make_heap(64);
	heap_add_range(&heap, 32, 32);
	ck_assert_uint_eq(heap.free_head[6][5], 32);
	/* Move the block to another zone's list: the checker must notice. */
	heap.free_head[6][5] = PAGE_LIST_NULL;
	heap.free_head[5][5] = 32;
	ck_assert_int_eq(heap_check(&heap), -6);
	heap.free_head[5][5] = PAGE_LIST_NULL;
	heap.free_head[6][5] = 32;
	ck_assert_int_eq(heap_check(&heap), 0);
	heap.zone_free[6]--;
	ck_assert_int_eq(heap_check(&heap), -7);
	heap.zone_free[6]++;
}
END_TEST

/* Whether a block of at least 2^order frames wholly below 2^bits bytes is free. */
static bool fits_below(unsigned order, unsigned bits)
{
	unsigned zmax = !bits ? HEAP_ZONES - 1 : bits <= 12 ? 1 : bits - 12;
	if (zmax > HEAP_ZONES - 1)
		zmax = HEAP_ZONES - 1;
	for (unsigned z = 0; z <= zmax; z++)
		for (unsigned o = order; o <= MAX_ORDER; o++)
			if (heap.free_head[z][o] != PAGE_LIST_NULL)
				return true;
	return false;
}

START_TEST(test_random_mixed_stress)
{
	/* Both policies, random address limits, random frees: limits always hold. */
	enum { LO = 3, HI = NR - 1, OPS = 20000, MAXLIVE = 4096 };
	static struct live live[MAXLIVE];
	static uint8_t owned[NR];
	unsigned nlive = 0, limited = 0, refused = 0;

	memset(owned, 0, sizeof(owned));
	make_heap(NR);
	heap_add_range(&heap, LO, HI - LO);
	for (unsigned op = 0; op < OPS; op++) {
		uint64_t r = rnd();
		if (nlive == 0 || (nlive < MAXLIVE && (r & 3) != 0 && !(op > OPS / 2 && (r & 4)))) {
			unsigned o = (unsigned)((r >> 12) % 5);
			unsigned bits = (r >> 20) % 3 == 0 ? 12 + 4 + (unsigned)((r >> 24) % 10) : 0;
			mfn_t m = (r >> 8) & 1 ? heap_alloc_high(&heap, o, bits) : heap_alloc(&heap, o);
			if (!((r >> 8) & 1))
				bits = 0;
			if (m == INVALID_MFN) {
				ck_assert_msg(!fits_below(o, bits), "op %u: refused order %u below %u bits",
					      op, o, bits);
				refused++;
				continue;
			}
			if (bits) {
				ck_assert_uint_le(m + (1ull << o), 1ull << (bits - 12));
				limited++;
			}
			ck_assert_uint_eq(m & ((1ull << o) - 1), 0);
			ck_assert_uint_ge(m, LO);
			ck_assert_uint_le(m + (1ull << o), HI);
			for (mfn_t i = 0; i < (1ull << o); i++) {
				ck_assert(!owned[m + i]);
				owned[m + i] = 1;
			}
			live[nlive++] = (struct live){ m, o };
		} else {
			unsigned k = (unsigned)((r >> 16) % nlive);
			struct live l = live[k];
			live[k] = live[--nlive];
			ck_assert_int_eq(heap_free(&heap, l.mfn, l.order), 0);
			for (mfn_t i = 0; i < (1ull << l.order); i++)
				owned[l.mfn + i] = 0;
		}
		ck_assert_msg(heap_check(&heap) == 0, "op %u: heap_check %d", op, heap_check(&heap));
	}
	ck_assert_uint_gt(limited, 1000);
	ck_assert_uint_gt(refused, 100);
	while (nlive) {
		nlive--;
		ck_assert_int_eq(heap_free(&heap, live[nlive].mfn, live[nlive].order), 0);
	}
	ck_assert_int_eq(heap_check(&heap), 0);
	ck_assert_uint_eq(heap.free_pages, HI - LO);
	ck_assert_uint_eq(heap_free_below(&heap, 0), HI - LO);
}
END_TEST

/* ---- scrubbing ---- */

static bool skip_none(const struct page_info *pg) { (void)pg; return false; }

START_TEST(test_scrub_basics)
{
	make_heap(64);
	heap_add_range(&heap, 16, 32);          /* blocks 16-31 and 32-47 */
	/* RAM as found at boot may hold anything. */
	ck_assert_uint_eq(heap.dirty_pages, 32);
	mfn_t m = heap_alloc(&heap, 4);
	ck_assert_uint_eq(m, 32);
	ck_assert_uint_eq(heap.dirty_pages, 16);               /* taken dirty: the caller clears it */
	ck_assert(!(frames[m].flags & (PGF_ZEROED | PGF_DIRTY)));
	ck_assert_int_eq(heap_check(&heap), 0);
	unsigned n = 0;
	mfn_t d;
	while ((d = heap_scrub_next(&heap, 64, skip_none)) != INVALID_MFN) {
		ck_assert(d >= 16 && d < 32);
		heap_set_zeroed(&heap, d);
		heap_set_zeroed(&heap, d);                  /* twice: counted once */
		n++;
		ck_assert_int_eq(heap_check(&heap), 0);
	}
	ck_assert_uint_eq(n, 16);
	ck_assert_uint_eq(heap.dirty_pages, 0);
	/* Freed: its user's data, dirty again. */
	ck_assert_int_eq(heap_free(&heap, m, 4), 0);
	ck_assert_uint_eq(heap.dirty_pages, 16);
	m = heap_alloc(&heap, 3);
	ck_assert_uint_eq(m, 32);
	ck_assert_uint_eq(heap.dirty_pages, 8);
	/* A frame in use is never marked. */
	heap_set_zeroed(&heap, m);
	ck_assert(!(frames[m].flags & PGF_ZEROED));
	ck_assert_uint_eq(heap.dirty_pages, 8);
	while ((d = heap_scrub_next(&heap, 64, skip_none)) != INVALID_MFN)
		heap_set_zeroed(&heap, d);
	/* Allocation keeps the flag for the caller; freeing makes the frame dirty again. */
	mfn_t z = heap_alloc(&heap, 3);
	ck_assert_uint_eq(z, 40);
	for (mfn_t i = 0; i < 8; i++)
		ck_assert(frames[z + i].flags & PGF_ZEROED);
	ck_assert_int_eq(heap_free(&heap, z, 3), 0);
	for (mfn_t i = 0; i < 8; i++)
		ck_assert((frames[z + i].flags & (PGF_ZEROED | PGF_DIRTY)) == PGF_DIRTY);
	ck_assert_uint_eq(heap.dirty_pages, 8);
	ck_assert_int_eq(heap_check(&heap), 0);
	/* The budget bounds the search. */
	ck_assert(heap_scrub_next(&heap, 0, skip_none) == INVALID_MFN);
}
END_TEST

START_TEST(test_alloc_high_prefers_clean)
{
	make_heap(64);
	heap_add_range(&heap, 16, 32);          /* 16-31 (zone 5) and 32-47 (zone 6), dirty */
	for (unsigned i = 0; i < 16; i++) {
		mfn_t d = heap_scrub_next(&heap, 64, skip_none);
		ck_assert(d >= 16 && d < 32);
		heap_set_zeroed(&heap, d);
	}
	/* Its last frame scrubbed, the lower block is known clean. */
	ck_assert(frames[16].flags & PGF_CLEAN);
	ck_assert(!(frames[32].flags & PGF_CLEAN));
	ck_assert_int_eq(heap_check(&heap), 0);
	/* Guest memory: the clean block, though the other is in a higher zone. */
	mfn_t m = heap_alloc_high(&heap, 2, 0);
	ck_assert_uint_eq(m, 28);
	for (mfn_t i = 0; i < 4; i++)
		ck_assert(frames[m + i].flags & PGF_ZEROED);
	/* The rest of the split stays clean: 24-27 and 16-23. */
	ck_assert(frames[24].flags & PGF_CLEAN);
	ck_assert(frames[16].flags & PGF_CLEAN);
	ck_assert_int_eq(heap_check(&heap), 0);
	/* Asking for more than any clean block holds: the highest dirty one. */
	m = heap_alloc_high(&heap, 4, 0);
	ck_assert_uint_eq(m, 32);
	ck_assert(!(frames[m].flags & PGF_ZEROED));
	/* Freed, then everything scrubbed: every free block is clean. */
	ck_assert_int_eq(heap_free(&heap, m, 4), 0);
	ck_assert(!(frames[32].flags & PGF_CLEAN));
	mfn_t d;
	while ((d = heap_scrub_next(&heap, 64, skip_none)) != INVALID_MFN)
		heap_set_zeroed(&heap, d);
	ck_assert_uint_eq(heap.dirty_pages, 0);
	ck_assert(frames[32].flags & PGF_CLEAN);
	ck_assert_int_eq(heap_check(&heap), 0);
}
END_TEST

/* Frames a CPU may still cache a translation to: the scrubber must pass them over. */
static uint8_t cached[NR];
static bool skip_cached(const struct page_info *pg) { return cached[pg - frames]; }

START_TEST(test_scrub_random_model)
{
	/*
	 * Frame contents are modelled (0: zeroes). Users write to what they
	 * allocate; the scrubber zeroes what it is given. Invariant: a frame
	 * flagged PGF_ZEROED, free or just allocated, holds zeroes; the
	 * scrubber is never handed a frame in use or one it must skip.
	 */
	enum { LO = 1, HI = NR, OPS = 30000, MAXLIVE = 1024 };
	static struct live live[MAXLIVE];
	static uint8_t content[NR];
	unsigned nlive = 0, clean_allocs = 0, scrubbed = 0;

	memset(content, 0xaa, sizeof(content));
	memset(cached, 0, sizeof(cached));
	make_heap(NR);
	heap_add_range(&heap, LO, HI - LO);
	for (unsigned op = 0; op < OPS; op++) {
		uint64_t r = rnd();
		if ((r & 7) < 3 && nlive < MAXLIVE) {
			unsigned o = (unsigned)((r >> 8) % 4);
			mfn_t m = (r >> 12) & 1 ? heap_alloc_high(&heap, o, 0) : heap_alloc(&heap, o);
			if (m == INVALID_MFN)
				continue;
			for (mfn_t i = 0; i < (1ull << o); i++) {
				if (frames[m + i].flags & PGF_ZEROED) {
					ck_assert_msg(content[m + i] == 0, "op %u: frame %lu flagged zeroed holds data",
						      op, (unsigned long)(m + i));
					clean_allocs++;
				}
				content[m + i] = (uint8_t)(1 + (r >> 16) % 255);    /* the user writes */
			}
			live[nlive++] = (struct live){ m, o };
		} else if ((r & 7) < 5 && nlive) {
			unsigned k = (unsigned)((r >> 16) % nlive);
			struct live l = live[k];
			live[k] = live[--nlive];
			ck_assert_int_eq(heap_free(&heap, l.mfn, l.order), 0);
			for (mfn_t i = 0; i < (1ull << l.order); i++)
				cached[l.mfn + i] = (r >> 24) & 1;          /* maybe still in some TLB */
		} else if ((r & 7) == 5) {
			for (unsigned i = 0; i < 8; i++) {
				mfn_t m = heap_scrub_next(&heap, 256, skip_cached);
				if (m == INVALID_MFN)
					break;
				ck_assert(frames[m].flags & PGF_FREE);
				ck_assert(!cached[m]);
				content[m] = 0;
				heap_set_zeroed(&heap, m);
				scrubbed++;
			}
		} else {
			memset(cached, 0, sizeof(cached));                   /* every CPU flushed */
		}
		if (op % 64 == 0)
			ck_assert_msg(heap_check(&heap) == 0, "op %u: heap_check %d", op, heap_check(&heap));
	}
	ck_assert_uint_gt(clean_allocs, 1000);
	ck_assert_uint_gt(scrubbed, 1000);
	/* Everything freed and flushed: scrubbing ends with no dirty frame left. */
	while (nlive) {
		nlive--;
		ck_assert_int_eq(heap_free(&heap, live[nlive].mfn, live[nlive].order), 0);
	}
	memset(cached, 0, sizeof(cached));
	mfn_t m;
	while ((m = heap_scrub_next(&heap, NR, skip_cached)) != INVALID_MFN)
		heap_set_zeroed(&heap, m);
	ck_assert_uint_eq(heap.dirty_pages, 0);
	ck_assert_int_eq(heap_check(&heap), 0);
}
END_TEST

static Suite *page_alloc_suite(void)
{
	Suite *s = suite_create("page_alloc");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_add_unaligned_range);
	tcase_add_test(tc, test_add_clamped_to_table);
	tcase_add_test(tc, test_split);
	tcase_add_test(tc, test_every_order_aligned);
	tcase_add_test(tc, test_exhaustion);
	tcase_add_test(tc, test_frames_come_back_clean);
	tcase_add_test(tc, test_bad_frees);
	tcase_add_test(tc, test_free_wrapping_mfn);
	tcase_add_test(tc, test_free_in_pieces_coalesces);
	tcase_add_test(tc, test_full_coalescing);
	tcase_add_test(tc, test_max_order_limit);
	tcase_add_test(tc, test_heap_check_detects_damage);
	tcase_add_test(tc, test_random_stress);
	tcase_add_test(tc, test_zone_of_block);
	tcase_add_test(tc, test_alloc_high_takes_the_top);
	tcase_add_test(tc, test_alloc_high_address_bits);
	tcase_add_test(tc, test_low_frames_in_zone_of_their_block);
	tcase_add_test(tc, test_heap_check_detects_wrong_zone);
	tcase_add_test(tc, test_random_mixed_stress);
	tcase_add_test(tc, test_scrub_basics);
	tcase_add_test(tc, test_alloc_high_prefers_clean);
	tcase_add_test(tc, test_scrub_random_model);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(page_alloc_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
