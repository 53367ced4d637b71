/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory maps (common/memmap.c): adding raw loader entries, sanitizing
 * them into sorted disjoint regions, the RAM-only free map, carving and
 * the boot-time allocator. Every result is compared region by region with
 * an exact expected table.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mica/memmap.h>

#define K(x) ((uint64_t)(x) << 10)
#define M(x) ((uint64_t)(x) << 20)
#define G(x) ((uint64_t)(x) << 30)

static struct memmap map, free_map;

struct exp { uint64_t addr, size; uint32_t type; };

/* The whole map must be exactly the expected regions, in order. */
#define CHECK_MAP(m, ...)                                                  \
	do {                                                               \
		static const struct exp want_[] = { __VA_ARGS__ };         \
		check_map((m), want_, ARRAY_SIZE(want_), __LINE__);         \
	} while (0)

static void check_map(const struct memmap *m, const struct exp *want,
		      unsigned n, int line)
{
	ck_assert_msg(m->nr == n, "line %d: %u regions, want %u", line, m->nr, n);
	for (unsigned i = 0; i < n; i++)
		ck_assert_msg(m->r[i].addr == want[i].addr &&
			      m->r[i].size == want[i].size &&
			      m->r[i].type == want[i].type,
			      "line %d: region %u is %#llx+%#llx type %u, want %#llx+%#llx type %u",
			      line, i, (unsigned long long)m->r[i].addr,
			      (unsigned long long)m->r[i].size, m->r[i].type,
			      (unsigned long long)want[i].addr,
			      (unsigned long long)want[i].size, want[i].type);
}

static void setup(void)
{
	memset(&map, 0, sizeof(map));
	/* Garbage in the destination shows that ram_only resets it. */
	memset(&free_map, 0xa5, sizeof(free_map));
}

/* ---- memmap_add ---- */

START_TEST(test_add_drops_empty_and_wrapping)
{
	ck_assert_int_eq(memmap_add(&map, M(1), 0, MEM_RAM), 0);
	ck_assert_int_eq(memmap_add(&map, UINT64_MAX - 0xfff, 0x2000, MEM_RAM), 0);
	/* Ending exactly at 2^64 wraps the end to 0 as well. */
	ck_assert_int_eq(memmap_add(&map, UINT64_MAX - 0xfff, 0x1000, MEM_RAM), 0);
	ck_assert_uint_eq(map.nr, 0);
	/* The last representable byte range is kept. */
	ck_assert_int_eq(memmap_add(&map, UINT64_MAX - 0xfff, 0xfff, MEM_RAM), 0);
	CHECK_MAP(&map, { UINT64_MAX - 0xfff, 0xfff, MEM_RAM });
}
END_TEST

START_TEST(test_add_unknown_types_reserved)
{
	static const uint32_t types[] = { 0, 6, 7, 12, 0xffffffffu };
	for (unsigned i = 0; i < ARRAY_SIZE(types); i++)
		ck_assert_int_eq(memmap_add(&map, M(i + 1), K(4), types[i]), 0);
	ck_assert_int_eq(memmap_add(&map, M(10), K(4), MEM_NVS), 0);
	ck_assert_int_eq(memmap_add(&map, M(11), K(4), MEM_UNUSABLE), 0);
	CHECK_MAP(&map,
		  { M(1), K(4), MEM_RESERVED }, { M(2), K(4), MEM_RESERVED },
		  { M(3), K(4), MEM_RESERVED }, { M(4), K(4), MEM_RESERVED },
		  { M(5), K(4), MEM_RESERVED }, { M(10), K(4), MEM_NVS },
		  { M(11), K(4), MEM_UNUSABLE });
}
END_TEST

START_TEST(test_add_full)
{
	for (unsigned i = 0; i < MEMMAP_MAX; i++)
		ck_assert_int_eq(memmap_add(&map, M(2 * i), M(1), MEM_RAM), 0);
	ck_assert_int_eq(memmap_add(&map, G(1), M(1), MEM_RAM), -1);
	ck_assert_uint_eq(map.nr, MEMMAP_MAX);
	/* Dropped entries do not need room, so they still "succeed". */
	ck_assert_int_eq(memmap_add(&map, G(1), 0, MEM_RAM), 0);
	ck_assert_uint_eq(map.nr, MEMMAP_MAX);
}
END_TEST

START_TEST(test_mem_type_name)
{
	ck_assert_str_eq(mem_type_name(MEM_RAM), "RAM");
	ck_assert_str_eq(mem_type_name(MEM_RESERVED), "reserved");
	ck_assert_str_eq(mem_type_name(MEM_ACPI), "ACPI data");
	ck_assert_str_eq(mem_type_name(MEM_NVS), "ACPI NVS");
	ck_assert_str_eq(mem_type_name(MEM_UNUSABLE), "unusable");
	ck_assert_str_eq(mem_type_name(0), "unknown");
	ck_assert_str_eq(mem_type_name(42), "unknown");
}
END_TEST

/* ---- memmap_sanitize ---- */

START_TEST(test_sanitize_sorts)
{
	memmap_add(&map, M(8), M(1), MEM_RAM);
	memmap_add(&map, M(1), M(1), MEM_ACPI);
	memmap_add(&map, M(4), M(2), MEM_RAM);
	memmap_sanitize(&map);
	CHECK_MAP(&map, { M(1), M(1), MEM_ACPI }, { M(4), M(2), MEM_RAM },
		  { M(8), M(1), MEM_RAM });
}
END_TEST

START_TEST(test_sanitize_reserved_splits_ram)
{
	/* The firmware's usual shape: one RAM range with a reserved hole. */
	memmap_add(&map, 0, M(10), MEM_RAM);
	memmap_add(&map, M(4), M(1), MEM_RESERVED);
	memmap_sanitize(&map);
	CHECK_MAP(&map, { 0, M(4), MEM_RAM }, { M(4), M(1), MEM_RESERVED },
		  { M(5), M(5), MEM_RAM });
}
END_TEST

START_TEST(test_sanitize_partial_overlap)
{
	/* Order of the input must not matter: the non-RAM type wins either way. */
	memmap_add(&map, M(3), M(3), MEM_ACPI);
	memmap_add(&map, 0, M(4), MEM_RAM);
	memmap_add(&map, M(5), M(3), MEM_RAM);
	memmap_sanitize(&map);
	CHECK_MAP(&map, { 0, M(3), MEM_RAM }, { M(3), M(3), MEM_ACPI },
		  { M(6), M(2), MEM_RAM });
}
END_TEST

START_TEST(test_sanitize_merges_adjacent)
{
	memmap_add(&map, M(1), M(1), MEM_RAM);
	memmap_add(&map, M(2), M(1), MEM_RAM);
	memmap_add(&map, 0, M(1), MEM_RAM);
	/* Adjacent but of another type: stays separate. */
	memmap_add(&map, M(3), M(1), MEM_RESERVED);
	memmap_add(&map, M(4), M(1), MEM_RESERVED);
	memmap_sanitize(&map);
	CHECK_MAP(&map, { 0, M(3), MEM_RAM }, { M(3), M(2), MEM_RESERVED });
}
END_TEST

START_TEST(test_sanitize_nested)
{
	/* RAM inside reserved vanishes; NVS inside RAM splits it. */
	memmap_add(&map, M(20), M(10), MEM_RESERVED);
	memmap_add(&map, M(22), M(2), MEM_RAM);
	memmap_add(&map, 0, M(16), MEM_RAM);
	memmap_add(&map, M(2), M(1), MEM_NVS);
	memmap_add(&map, M(2) + K(4), K(4), MEM_UNUSABLE); /* nested twice */
	memmap_sanitize(&map);
	CHECK_MAP(&map, { 0, M(2), MEM_RAM }, { M(2), K(4), MEM_NVS },
		  { M(2) + K(4), K(4), MEM_UNUSABLE },
		  { M(2) + K(8), M(1) - K(8), MEM_NVS },
		  { M(3), M(13), MEM_RAM }, { M(20), M(10), MEM_RESERVED });
}
END_TEST

START_TEST(test_sanitize_duplicates_and_holes)
{
	memmap_add(&map, M(1), M(1), MEM_RAM);
	memmap_add(&map, M(1), M(1), MEM_RAM);
	memmap_add(&map, M(4), M(1), MEM_RAM);
	memmap_add(&map, M(1), M(1), MEM_RAM);
	memmap_sanitize(&map);
	/* The hole [2M, 4M) stays a hole, not merged over. */
	CHECK_MAP(&map, { M(1), M(1), MEM_RAM }, { M(4), M(1), MEM_RAM });
	ck_assert_uint_eq(memmap_total(&map, MEM_RAM), M(2));
}
END_TEST

START_TEST(test_sanitize_idempotent_and_empty)
{
	memmap_sanitize(&map);
	ck_assert_uint_eq(map.nr, 0);

	memmap_add(&map, 0, K(639), MEM_RAM);
	memmap_add(&map, K(639), K(1), MEM_RESERVED);
	memmap_add(&map, K(960), K(64), MEM_RESERVED);
	memmap_add(&map, M(1), G(1) - M(1), MEM_RAM);
	memmap_add(&map, G(4) - K(256), K(256), MEM_RESERVED);
	memmap_sanitize(&map);
	struct memmap copy = map;
	memmap_sanitize(&map);
	ck_assert_uint_eq(map.nr, 5);
	ck_assert_mem_eq(&map, &copy, sizeof(map));
}
END_TEST

START_TEST(test_sanitize_full_table)
{
	/* 128 disjoint, non-adjacent regions all survive. */
	for (unsigned i = 0; i < MEMMAP_MAX; i++)
		memmap_add(&map, M(2 * (MEMMAP_MAX - i)), M(1),
			   i % 2 ? MEM_RAM : MEM_RESERVED);
	memmap_sanitize(&map);
	ck_assert_uint_eq(map.nr, MEMMAP_MAX);
	for (unsigned i = 0; i < MEMMAP_MAX; i++) {
		ck_assert_uint_eq(map.r[i].addr, M(2 * (i + 1)));
		ck_assert_uint_eq(map.r[i].size, M(1));
		/* Entry i of the input was at 2*(128-i) MiB. */
		ck_assert_uint_eq(map.r[i].type,
				  (MEMMAP_MAX - 1 - i) % 2 ? MEM_RAM : MEM_RESERVED);
	}
}
END_TEST

/* ---- memmap_ram_only ---- */

START_TEST(test_ram_only)
{
	memmap_add(&map, 0x1234, 0x5678 - 0x1234, MEM_RAM);     /* unaligned both ends */
	memmap_add(&map, 0x8000, 0x1000, MEM_ACPI);             /* not RAM */
	memmap_add(&map, 0x10800, 0x700, MEM_RAM);              /* < a page once aligned */
	memmap_add(&map, 0x20800, 0x1000, MEM_RAM);             /* straddles, no whole page */
	memmap_add(&map, M(1), M(1), MEM_RAM);                  /* aligned */
	memmap_add(&map, M(3), M(1), MEM_NVS);
	memmap_ram_only(&free_map, &map);
	CHECK_MAP(&free_map, { 0x2000, 0x3000, MEM_RAM }, { M(1), M(1), MEM_RAM });
	/* The source is untouched. */
	ck_assert_uint_eq(map.nr, 6);

	/* No RAM at all: empty result. */
	memset(&map, 0, sizeof(map));
	memmap_add(&map, 0, M(1), MEM_RESERVED);
	memmap_ram_only(&free_map, &map);
	ck_assert_uint_eq(free_map.nr, 0);
}
END_TEST

/* ---- memmap_carve ---- */

static void three_regions(void)
{
	memset(&map, 0, sizeof(map));
	memmap_add(&map, M(1), M(1), MEM_RAM);
	memmap_add(&map, M(3), M(1), MEM_RAM);
	memmap_add(&map, M(5), M(1), MEM_RAM);
}

START_TEST(test_carve_head_tail_middle)
{
	three_regions();
	ck_assert_int_eq(memmap_carve(&map, M(1), K(4)), 0);
	CHECK_MAP(&map, { M(1) + K(4), M(1) - K(4), MEM_RAM },
		  { M(3), M(1), MEM_RAM }, { M(5), M(1), MEM_RAM });

	/* A head carve that starts before the region. */
	ck_assert_int_eq(memmap_carve(&map, M(1) - K(4), K(12)), 0);
	CHECK_MAP(&map, { M(1) + K(8), M(1) - K(8), MEM_RAM },
		  { M(3), M(1), MEM_RAM }, { M(5), M(1), MEM_RAM });

	/* Tail, with the carve running past the end. */
	ck_assert_int_eq(memmap_carve(&map, M(4) - K(4), K(16)), 0);
	CHECK_MAP(&map, { M(1) + K(8), M(1) - K(8), MEM_RAM },
		  { M(3), M(1) - K(4), MEM_RAM }, { M(5), M(1), MEM_RAM });

	/* Middle: the region splits, the later ones move up by one. */
	ck_assert_int_eq(memmap_carve(&map, M(3) + K(64), K(8)), 0);
	CHECK_MAP(&map, { M(1) + K(8), M(1) - K(8), MEM_RAM },
		  { M(3), K(64), MEM_RAM },
		  { M(3) + K(72), M(1) - K(76), MEM_RAM },
		  { M(5), M(1), MEM_RAM });
}
END_TEST

START_TEST(test_carve_whole_and_none)
{
	three_regions();
	/* Touching on either side is not overlapping. */
	ck_assert_int_eq(memmap_carve(&map, M(2), M(1)), 0);
	ck_assert_int_eq(memmap_carve(&map, 0, M(1)), 0);
	ck_assert_int_eq(memmap_carve(&map, G(1), M(1)), 0);
	CHECK_MAP(&map, { M(1), M(1), MEM_RAM }, { M(3), M(1), MEM_RAM },
		  { M(5), M(1), MEM_RAM });

	/* Exactly one region: it goes, the rest shift down. */
	ck_assert_int_eq(memmap_carve(&map, M(3), M(1)), 0);
	CHECK_MAP(&map, { M(1), M(1), MEM_RAM }, { M(5), M(1), MEM_RAM });

	/* The first region whole, from below it. */
	ck_assert_int_eq(memmap_carve(&map, 0, M(2)), 0);
	CHECK_MAP(&map, { M(5), M(1), MEM_RAM });
}
END_TEST

/*
 * Regression test (fixed bug) (common/memmap.c memmap_carve): a zero-size carve strictly
 * inside a region takes the "middle" branch and splits the region into two
 * touching halves (and on a full table returns -1), although it removes
 * nothing. An empty module (start == end) carved at boot does exactly this.
 * Fix: return 0 at the top when size == 0.
 */
START_TEST(test_carve_empty_is_noop)
{
	three_regions();
	ck_assert_int_eq(memmap_carve(&map, M(3) + K(4), 0), 0);
	CHECK_MAP(&map, { M(1), M(1), MEM_RAM }, { M(3), M(1), MEM_RAM },
		  { M(5), M(1), MEM_RAM });
}
END_TEST

START_TEST(test_carve_spanning)
{
	three_regions();
	ck_assert_int_eq(memmap_carve(&map, M(1) + K(512), M(4)), 0);
	CHECK_MAP(&map, { M(1), K(512), MEM_RAM }, { M(5) + K(512), K(512), MEM_RAM });

	/* Everything: consecutive whole removals must not skip an entry. */
	three_regions();
	ck_assert_int_eq(memmap_carve(&map, 0, G(1)), 0);
	ck_assert_uint_eq(map.nr, 0);

	/* A size that wraps is clamped to the end of the address space. */
	three_regions();
	ck_assert_int_eq(memmap_carve(&map, M(3) + K(4), UINT64_MAX), 0);
	CHECK_MAP(&map, { M(1), M(1), MEM_RAM }, { M(3), K(4), MEM_RAM });
}
END_TEST

static void fill_table(void)
{
	memset(&map, 0, sizeof(map));
	for (unsigned i = 0; i < MEMMAP_MAX; i++)
		memmap_add(&map, M(2 * i + 2) + K(4), M(1) - K(4), MEM_RAM);
	ck_assert_uint_eq(map.nr, MEMMAP_MAX);
}

START_TEST(test_carve_full_table)
{
	fill_table();
	struct memmap before = map;
	/* A split needs a free slot. */
	ck_assert_int_eq(memmap_carve(&map, M(6) + K(64), K(4)), -1);
	ck_assert_mem_eq(&map, &before, sizeof(map));
	/* Head, tail and whole carves need none. */
	ck_assert_int_eq(memmap_carve(&map, M(2) + K(4), K(4)), 0);
	ck_assert_int_eq(memmap_carve(&map, M(5) - K(4), K(4)), 0);
	ck_assert_uint_eq(map.nr, MEMMAP_MAX);
	ck_assert_int_eq(memmap_carve(&map, M(8), M(1)), 0);
	ck_assert_uint_eq(map.nr, MEMMAP_MAX - 1);
	/* Now there is room for a split. */
	ck_assert_int_eq(memmap_carve(&map, M(6) + K(64), K(4)), 0);
	ck_assert_uint_eq(map.nr, MEMMAP_MAX);
	ck_assert_uint_eq(map.r[2].addr, M(6) + K(4));
	ck_assert_uint_eq(map.r[2].size, K(60));
	ck_assert_uint_eq(map.r[3].addr, M(6) + K(68));
}
END_TEST

/* ---- memmap_take ---- */

START_TEST(test_take_alignment)
{
	memmap_add(&map, M(1) + K(4), M(3) - K(4), MEM_RAM);
	ck_assert_uint_eq(memmap_take(&map, K(4), M(2), UINT64_MAX), M(2));
	CHECK_MAP(&map, { M(1) + K(4), M(1) - K(4), MEM_RAM },
		  { M(2) + K(4), M(2) - K(4), MEM_RAM });
	/* Page alignment from an aligned start: the head goes. */
	ck_assert_uint_eq(memmap_take(&map, K(8), K(4), UINT64_MAX), M(1) + K(4));
	CHECK_MAP(&map, { M(1) + K(12), M(1) - K(12), MEM_RAM },
		  { M(2) + K(4), M(2) - K(4), MEM_RAM });
	/* Too big for the first region once aligned: taken from the second. */
	ck_assert_uint_eq(memmap_take(&map, M(1), M(1), UINT64_MAX), M(3));
	CHECK_MAP(&map, { M(1) + K(12), M(1) - K(12), MEM_RAM },
		  { M(2) + K(4), M(1) - K(4), MEM_RAM });
	/* Alignment 1 takes the region's start exactly. */
	ck_assert_uint_eq(memmap_take(&map, 3, 1, UINT64_MAX), M(1) + K(12));
	ck_assert_uint_eq(map.r[0].addr, M(1) + K(12) + 3);
}
END_TEST

START_TEST(test_take_limit)
{
	memmap_add(&map, M(1), M(1), MEM_RAM);
	memmap_add(&map, M(16), M(16), MEM_RAM);
	/* Nothing fits below 8 MiB. */
	ck_assert_uint_eq(memmap_take(&map, M(2), K(4), M(8)), 0);
	CHECK_MAP(&map, { M(1), M(1), MEM_RAM }, { M(16), M(16), MEM_RAM });
	/* The limit is exclusive of the end: ending exactly at it fits. */
	ck_assert_uint_eq(memmap_take(&map, M(2), K(4), M(18)), M(16));
	ck_assert_uint_eq(memmap_take(&map, M(2), K(4), M(20) - 1), 0);
	ck_assert_uint_eq(memmap_take(&map, M(1), K(4), M(2)), M(1));
	CHECK_MAP(&map, { M(18), M(14), MEM_RAM });
}
END_TEST

START_TEST(test_take_lowest_first)
{
	memmap_add(&map, M(64), M(64), MEM_RAM);
	memmap_add(&map, M(8), M(1), MEM_RAM);
	memmap_add(&map, M(2), M(4), MEM_RAM);
	memmap_sanitize(&map);
	ck_assert_uint_eq(memmap_take(&map, M(1), K(4), UINT64_MAX), M(2));
	ck_assert_uint_eq(memmap_take(&map, M(3), K(4), UINT64_MAX), M(3));
	ck_assert_uint_eq(memmap_take(&map, M(1), K(4), UINT64_MAX), M(8));
	ck_assert_uint_eq(memmap_take(&map, M(1), K(4), UINT64_MAX), M(64));
	CHECK_MAP(&map, { M(65), M(63), MEM_RAM });
}
END_TEST

START_TEST(test_take_never_zero)
{
	memmap_add(&map, 0, M(1), MEM_RAM);
	/* The only candidate start is 0, which means "failed": refused. */
	ck_assert_uint_eq(memmap_take(&map, K(4), K(4), UINT64_MAX), 0);
	CHECK_MAP(&map, { 0, M(1), MEM_RAM });
	memmap_add(&map, M(2), M(1), MEM_RAM);
	ck_assert_uint_eq(memmap_take(&map, K(4), K(4), UINT64_MAX), M(2));
}
END_TEST

START_TEST(test_take_nothing_fits)
{
	ck_assert_uint_eq(memmap_take(&map, K(4), K(4), UINT64_MAX), 0);  /* empty map */
	memmap_add(&map, M(1), M(1), MEM_RAM);
	ck_assert_uint_eq(memmap_take(&map, M(1) + 1, 1, UINT64_MAX), 0);
	/* Aligning the start pushes it past the region. */
	ck_assert_uint_eq(memmap_take(&map, K(4), M(4), UINT64_MAX), 0);
	/* A size that would wrap. */
	ck_assert_uint_eq(memmap_take(&map, UINT64_MAX, 1, UINT64_MAX), 0);
	CHECK_MAP(&map, { M(1), M(1), MEM_RAM });
	/* The exact size fits. */
	ck_assert_uint_eq(memmap_take(&map, M(1), M(1), UINT64_MAX), M(1));
	ck_assert_uint_eq(map.nr, 0);
}
END_TEST

START_TEST(test_take_full_table_skips_split)
{
	fill_table();
	/* Aligned to 2 MiB, every region's start (2k MiB + 4 KiB) needs a split... */
	ck_assert_uint_eq(memmap_take(&map, K(4), M(1), UINT64_MAX), 0);
	ck_assert_uint_eq(map.nr, MEMMAP_MAX);
	/* ...but a request starting at a region's start carves its head. */
	ck_assert_uint_eq(memmap_take(&map, K(4), K(4), UINT64_MAX), M(2) + K(4));
	ck_assert_uint_eq(map.nr, MEMMAP_MAX);
	ck_assert_uint_eq(map.r[0].addr, M(2) + K(8));
}
END_TEST

/* ---- totals ---- */

START_TEST(test_total_top)
{
	ck_assert_uint_eq(memmap_total(&map, MEM_RAM), 0);
	ck_assert_uint_eq(memmap_top(&map, MEM_RAM), 0);
	memmap_add(&map, 0, K(640), MEM_RAM);
	memmap_add(&map, G(4), G(2), MEM_RAM);
	memmap_add(&map, M(1), M(511), MEM_RAM);
	memmap_add(&map, G(3), M(1), MEM_RESERVED);
	memmap_add(&map, G(7), M(1), MEM_ACPI);
	ck_assert_uint_eq(memmap_total(&map, MEM_RAM), K(640) + M(511) + G(2));
	ck_assert_uint_eq(memmap_total(&map, MEM_RESERVED), M(1));
	ck_assert_uint_eq(memmap_total(&map, MEM_NVS), 0);
	/* Highest end, not last entry's end. */
	ck_assert_uint_eq(memmap_top(&map, MEM_RAM), G(6));
	ck_assert_uint_eq(memmap_top(&map, MEM_RESERVED), G(3) + M(1));
	ck_assert_uint_eq(memmap_top(&map, MEM_ACPI), G(7) + M(1));
	ck_assert_uint_eq(memmap_top(&map, MEM_NVS), 0);
}
END_TEST

static Suite *memmap_suite(void)
{
	Suite *s = suite_create("memmap");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_add_drops_empty_and_wrapping);
	tcase_add_test(tc, test_add_unknown_types_reserved);
	tcase_add_test(tc, test_add_full);
	tcase_add_test(tc, test_mem_type_name);
	tcase_add_test(tc, test_sanitize_sorts);
	tcase_add_test(tc, test_sanitize_reserved_splits_ram);
	tcase_add_test(tc, test_sanitize_partial_overlap);
	tcase_add_test(tc, test_sanitize_merges_adjacent);
	tcase_add_test(tc, test_sanitize_nested);
	tcase_add_test(tc, test_sanitize_duplicates_and_holes);
	tcase_add_test(tc, test_sanitize_idempotent_and_empty);
	tcase_add_test(tc, test_sanitize_full_table);
	tcase_add_test(tc, test_ram_only);
	tcase_add_test(tc, test_carve_head_tail_middle);
	tcase_add_test(tc, test_carve_whole_and_none);
	tcase_add_test(tc, test_carve_empty_is_noop);
	tcase_add_test(tc, test_carve_spanning);
	tcase_add_test(tc, test_carve_full_table);
	tcase_add_test(tc, test_take_alignment);
	tcase_add_test(tc, test_take_limit);
	tcase_add_test(tc, test_take_lowest_first);
	tcase_add_test(tc, test_take_never_zero);
	tcase_add_test(tc, test_take_nothing_fits);
	tcase_add_test(tc, test_take_full_table_skips_split);
	tcase_add_test(tc, test_total_top);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(memmap_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
