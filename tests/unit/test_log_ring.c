/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The console log ring (common/log_ring.c). The ring's buffer is malloc'd
 * at its exact size so ASan catches any index that escapes the mask, and a
 * randomized test checks every read against a full copy of what was
 * written (the "history").
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mica/log_ring.h>

static struct log_ring ring;
static char *buf;

static void make_ring(uint32_t size)
{
	free(buf);
	buf = malloc(size);
	ck_assert_ptr_nonnull(buf);
	memset(buf, '?', size);
	log_ring_init(&ring, buf, size);
}

static void teardown(void)
{
	free(buf);
	buf = NULL;
}

static void put(const char *s)
{
	log_ring_write(&ring, s, strlen(s));
}

/* Read up to n bytes at *pos and compare with want (exactly). */
static void expect_read(uint64_t *pos, size_t n, const char *want, uint64_t want_pos)
{
	char out[256];
	memset(out, '#', sizeof(out));
	ck_assert_uint_le(n, sizeof(out) - 1);
	size_t got = log_ring_read(&ring, pos, out, n);
	ck_assert_uint_eq(got, strlen(want));
	ck_assert_mem_eq(out, want, got);
	ck_assert_int_eq(out[got], '#');      /* nothing beyond what was returned */
	ck_assert_uint_eq(*pos, want_pos);
}

START_TEST(test_empty)
{
	make_ring(16);
	uint64_t pos = 0;
	ck_assert_uint_eq(ring.head, 0);
	ck_assert_uint_eq(log_ring_tail(&ring), 0);
	expect_read(&pos, 10, "", 0);
	log_ring_write(&ring, "x", 0);
	ck_assert_uint_eq(ring.head, 0);
}
END_TEST

START_TEST(test_short_writes)
{
	make_ring(16);
	put("hello");
	put(" world");
	ck_assert_uint_eq(ring.head, 11);
	ck_assert_uint_eq(log_ring_tail(&ring), 0);
	uint64_t pos = 0;
	expect_read(&pos, 100, "hello world", 11);
	/* At the head: nothing, position unchanged. */
	expect_read(&pos, 100, "", 11);
	put("!");
	expect_read(&pos, 100, "!", 12);
}
END_TEST

START_TEST(test_resume_in_pieces)
{
	make_ring(16);
	put("abcdefghij");
	uint64_t pos = 0;
	expect_read(&pos, 3, "abc", 3);
	expect_read(&pos, 3, "def", 6);
	expect_read(&pos, 0, "", 6);
	expect_read(&pos, 3, "ghi", 9);
	expect_read(&pos, 3, "j", 10);
	expect_read(&pos, 3, "", 10);
	/* Any position inside the ring can be read from again. */
	pos = 4;
	expect_read(&pos, 2, "ef", 6);
}
END_TEST

START_TEST(test_exactly_full)
{
	make_ring(8);
	put("01234567");
	ck_assert_uint_eq(ring.head, 8);
	ck_assert_uint_eq(log_ring_tail(&ring), 0);
	uint64_t pos = 0;
	expect_read(&pos, 100, "01234567", 8);
	/* One more byte pushes the oldest out. */
	put("8");
	ck_assert_uint_eq(log_ring_tail(&ring), 1);
	pos = 0;
	expect_read(&pos, 100, "12345678", 9);
}
END_TEST

START_TEST(test_wrap_around)
{
	make_ring(16);
	put("0123456789");
	put("ABCDEFGHIJ");                    /* positions 10..19 wrap at 16 */
	ck_assert_uint_eq(ring.head, 20);
	ck_assert_uint_eq(log_ring_tail(&ring), 4);
	ck_assert_mem_eq(buf, "GHIJ456789ABCDEF", 16);
	uint64_t pos = 4;
	expect_read(&pos, 100, "456789ABCDEFGHIJ", 20);
	/* A read across the physical end of the buffer, from the middle. */
	pos = 14;
	expect_read(&pos, 4, "EFGH", 18);
}
END_TEST

START_TEST(test_longer_than_ring)
{
	make_ring(16);
	put("abc");
	/* 40 bytes in one write: only the last 16 survive, head counts all. */
	put("0123456789abcdefghijklmnopqrstuvwxyzABCD");
	ck_assert_uint_eq(ring.head, 43);
	ck_assert_uint_eq(log_ring_tail(&ring), 27);
	uint64_t pos = 0;
	/* A position older than the tail jumps to the tail. */
	expect_read(&pos, 100, "opqrstuvwxyzABCD", 43);
	pos = 26;
	expect_read(&pos, 4, "opqr", 31);
	pos = 27;
	expect_read(&pos, 1, "o", 28);
}
END_TEST

START_TEST(test_stale_position_jumps_even_for_zero)
{
	make_ring(8);
	put("0123456789");
	uint64_t pos = 1;
	/* Even a zero-length read moves a stale position up to the tail. */
	expect_read(&pos, 0, "", 2);
	/* A position beyond the head (never written) reads nothing. */
	pos = 1000;
	expect_read(&pos, 8, "", 10);
}
END_TEST

/* xorshift64 with a fixed seed. */
static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

START_TEST(test_random_against_history)
{
	enum { SIZE = 64, TOTAL = 200000 };
	static char history[TOTAL + 256];
	uint64_t written = 0;
	char chunk[200], out[200];

	make_ring(SIZE);
	while (written < TOTAL) {
		size_t n = (size_t)(rnd() % 150);
		for (size_t i = 0; i < n; i++)
			chunk[i] = (char)('!' + (written + i) % 90);
		log_ring_write(&ring, chunk, n);
		memcpy(history + written, chunk, n);
		written += n;
		ck_assert_uint_eq(ring.head, written);

		uint64_t tail = written > SIZE ? written - SIZE : 0;
		ck_assert_uint_eq(log_ring_tail(&ring), tail);
		/* A reader somewhere around the valid window. */
		uint64_t pos = written > 100 ? written - (rnd() % 100) : 0;
		uint64_t start = pos < tail ? tail : pos;
		size_t want = (size_t)(rnd() % 80);
		size_t avail = (size_t)(written - start);
		size_t got = log_ring_read(&ring, &pos, out, want);
		ck_assert_uint_eq(got, want < avail ? want : avail);
		ck_assert_uint_eq(pos, start + got);
		ck_assert(memcmp(out, history + start, got) == 0);
	}
}
END_TEST

static Suite *log_ring_suite(void)
{
	Suite *s = suite_create("log_ring");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_short_writes);
	tcase_add_test(tc, test_resume_in_pieces);
	tcase_add_test(tc, test_exactly_full);
	tcase_add_test(tc, test_wrap_around);
	tcase_add_test(tc, test_longer_than_ring);
	tcase_add_test(tc, test_stale_position_jumps_even_for_zero);
	tcase_add_test(tc, test_random_against_history);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(log_ring_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
