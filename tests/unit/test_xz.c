/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * .xz / LZMA2 / x86 BCJ decoder (common/xz_dec.c, lzma2_dec.c, bcj_x86.c).
 *
 * Valid inputs come from the host's xz at test time across presets,
 * checks, LZMA2 options, block sizes and the x86 filter; corrupt ones are
 * derived from them with exact expected statuses. Output buffers are
 * exactly sized so ASan catches any overrun.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mica/xz.h>
#include <mica/crc.h>
#include "decomp_util.h"

static struct xz_dec st;

static enum xz_status unxz(const uint8_t *in, size_t len, size_t cap,
			   uint8_t **out, size_t *out_len, size_t *used,
			   unsigned flags)
{
	uint8_t *copy = tu_dup(in, len);
	enum xz_status s;

	*out = malloc(cap ? cap : 1);
	s = xz_decode(&st, copy, len, used, *out, cap, out_len, flags);
	free(copy);
	return s;
}

static void roundtrip(const uint8_t *d, size_t len, const char *opts)
{
	char cmd[256];
	struct blob x;
	uint8_t *out;
	size_t out_len, used;
	uint64_t claimed = 0;
	enum xz_status s;

	snprintf(cmd, sizeof(cmd), "xz -c -T1 %s", opts);
	x = tu_filter(cmd, d, len);
	s = unxz(x.data, x.len, len, &out, &out_len, &used, 0);
	ck_assert_msg(s == XZ_OK, "xz %s, %zu bytes: %s", opts, len,
		      xz_status_str(s));
	ck_assert_uint_eq(out_len, len);
	ck_assert_uint_eq(used, x.len);
	ck_assert_msg(memcmp(out, d, len) == 0, "xz %s: wrong output", opts);
	ck_assert_int_eq(xz_uncompressed_size(x.data, x.len, &claimed), XZ_OK);
	ck_assert_uint_eq(claimed, len);
	free(out);
	free(x.data);
}

START_TEST(test_presets)
{
	static const size_t sizes[] = { 0, 1, 5, 1000, 65536, 300001 };
	enum tu_kind kinds[] = { TU_RANDOM, TU_TEXT, TU_ZEROS, TU_CODE };
	char opts[64];

	for (int level = 0; level <= 9; level++)
		for (unsigned i = 0; i < 6; i++)
			for (unsigned k = 0; k < 4; k++) {
				size_t len = sizes[i];
				uint8_t *d;

				/* Keep the slow high presets to one size. */
				if (level > 6 && len != 300001)
					continue;
				d = malloc(len + 1);
				tu_fill(d, len, kinds[k], i * 4 + k);
				snprintf(opts, sizeof(opts), "-%d", level);
				roundtrip(d, len, opts);
				free(d);
			}
}
END_TEST

START_TEST(test_checks_filters)
{
	static const char *const opts[] = {
		"--check=crc32", "--check=crc64", "--check=none",
		"--check=crc32 --x86 --lzma2=,dict=32MiB",
		"--x86 --lzma2=preset=6", "--x86=start=4096 --lzma2",
		"--check=crc32 --x86 --lzma2=preset=9e",
		"--lzma2=lc=4,lp=0,pb=0", "--lzma2=lc=0,lp=4,pb=4",
		"--lzma2=lc=1,lp=3,pb=1", "--lzma2=mf=hc3,mode=fast",
		"--lzma2=nice=273,depth=0", "--block-size=4096",
		"--block-size=100000 --check=crc64 --x86 --lzma2",
		"-e --block-size=1 --check=none",
	};
	enum tu_kind kinds[] = { TU_CODE, TU_TEXT, TU_RANDOM };
	static const size_t sizes[] = { 3, 4, 5, 4000, 250000 };

	for (unsigned o = 0; o < sizeof(opts) / sizeof(opts[0]); o++)
		for (unsigned k = 0; k < 3; k++)
			for (unsigned i = 0; i < 5; i++) {
				size_t len = sizes[i];
				uint8_t *d;

				if (o == 14 && len > 4000)
					continue; /* one block per byte */
				d = malloc(len);
				tu_fill(d, len, kinds[k], o * 7 + k);
				roundtrip(d, len, opts[o]);
				free(d);
			}
}
END_TEST

/* A real x86-64 binary through --x86 exercises the BCJ filter with actual
 * call/jump patterns. */
START_TEST(test_x86_binary)
{
	static const char *const bins[] = { "/bin/sh", "/usr/bin/xz",
					    "/bin/ls" };
	int done = 0;

	for (unsigned i = 0; i < 3; i++) {
		struct blob b;

		if (tu_read(bins[i], &b) != 0)
			continue;
		roundtrip(b.data, b.len, "--x86 --lzma2 --check=crc32");
		roundtrip(b.data, b.len, "--x86=start=1234567 --lzma2=preset=1");
		roundtrip(b.data, b.len, "--x86 --lzma2 --block-size=12345");
		free(b.data);
		done++;
	}
	ck_assert_msg(done > 0, "no host binary found to test BCJ with");
}
END_TEST

/* BCJ alone: our decoder inverts xz's raw x86 encoder. */
START_TEST(test_bcj_raw)
{
	uint8_t d[50000];
	struct blob enc;

	tu_fill(d, sizeof(d), TU_CODE, 99);
	/* Synthetic code dense in E8/E9 through the fastest preset, so
	 * most of the work is in the filter. */
	enc = tu_filter("xz -c -T1 --x86 --lzma2=preset=0", d, sizeof(d));
	{
		uint8_t *out;
		size_t n, used;

		ck_assert_int_eq(unxz(enc.data, enc.len, sizeof(d), &out, &n,
				      &used, 0), XZ_OK);
		ck_assert(memcmp(out, d, sizeof(d)) == 0);
		free(out);
	}
	free(enc.data);
	{
		/* Short buffers are left untouched; a converted call gets
		 * the position subtracted. */
		uint8_t b[10] = { 0xe8, 0x10, 0, 0, 0, 0x90, 0x90, 0x90, 0x90,
				  0x90 };
		uint8_t c[4] = { 0xe8, 1, 2, 3 };

		bcj_x86_decode(c, sizeof(c), 0);
		ck_assert(c[1] == 1 && c[2] == 2 && c[3] == 3);
		bcj_x86_decode(b, sizeof(b), 0);
		/* absolute 0x10 at offset 0 -> relative 0x10 - 5 */
		ck_assert_uint_eq(b[1], 0x0b);
		ck_assert(b[2] == 0 && b[3] == 0 && b[4] == 0);
	}
}
END_TEST

static struct blob make_xz(size_t len, const char *opts, uint8_t **data)
{
	char cmd[256];

	*data = malloc(len);
	tu_fill(*data, len, TU_TEXT, len);
	snprintf(cmd, sizeof(cmd), "xz -c -T1 %s", opts);
	return tu_filter(cmd, *data, len);
}

START_TEST(test_concat_padding)
{
	uint8_t *d1, *d2, *out;
	struct blob a = make_xz(3000, "--check=crc32", &d1);
	struct blob b = make_xz(5000, "--check=crc64 --x86 --lzma2", &d2);
	size_t n = a.len + 8 + b.len + 4, out_len, used;
	uint8_t *cat = calloc(1, n + 3);

	memcpy(cat, a.data, a.len);
	memcpy(cat + a.len + 8, b.data, b.len);
	ck_assert_int_eq(unxz(cat, n, 8000, &out, &out_len, &used,
			      XZ_FLAG_CONCAT), XZ_OK);
	ck_assert_uint_eq(out_len, 8000);
	ck_assert_uint_eq(used, n);
	ck_assert(memcmp(out, d1, 3000) == 0 && memcmp(out + 3000, d2, 5000) == 0);
	free(out);

	/* Without CONCAT: first stream only, trailing bytes untouched. */
	ck_assert_int_eq(unxz(cat, n, 8000, &out, &out_len, &used, 0), XZ_OK);
	ck_assert_uint_eq(out_len, 3000);
	ck_assert_uint_eq(used, a.len);
	free(out);

	/* Padding that is not a multiple of four. */
	ck_assert_int_eq(unxz(cat, n - 1, 8000, &out, &out_len, &used,
			      XZ_FLAG_CONCAT), XZ_BAD_DATA);
	free(out);
	/* Garbage after a stream. */
	memcpy(cat + a.len, "junkjunk", 8);
	ck_assert_int_eq(unxz(cat, n, 8000, &out, &out_len, &used,
			      XZ_FLAG_CONCAT), XZ_BAD_DATA);
	free(out);
	/* Linux-style appended size word is fine without CONCAT. */
	ck_assert_int_eq(unxz(cat, a.len + 4, 3000, &out, &out_len, &used, 0),
			 XZ_OK);
	ck_assert_uint_eq(used, a.len);
	free(out);

	free(cat);
	free(a.data);
	free(b.data);
	free(d1);
	free(d2);
}
END_TEST

START_TEST(test_unsupported)
{
	uint8_t *d, *out;
	size_t out_len, used;
	struct blob a = make_xz(1000, "--check=sha256", &d);

	ck_assert_int_eq(unxz(a.data, a.len, 1000, &out, &out_len, &used, 0),
			 XZ_UNSUPPORTED);
	free(out);
	free(a.data);
	free(d);
	a = make_xz(1000, "--delta=dist=4 --lzma2", &d);
	ck_assert_int_eq(unxz(a.data, a.len, 1000, &out, &out_len, &used, 0),
			 XZ_UNSUPPORTED);
	free(out);
	free(a.data);
	free(d);
	a = make_xz(1000, "--format=lzma", &d); /* legacy .lzma, not .xz */
	ck_assert_int_eq(unxz(a.data, a.len, 1000, &out, &out_len, &used, 0),
			 XZ_FORMAT_ERROR);
	free(out);
	free(a.data);
	free(d);
}
END_TEST

/* Recompute a CRC32 field after a deliberate edit, so the edit itself
 * (not the CRC) is what the decoder sees. */
static void fix_crc32(uint8_t *p, size_t covered, uint8_t *field)
{
	uint32_t c = crc32_update(0, p, covered);

	memcpy(field, &c, 4);
}

START_TEST(test_corrupt)
{
	uint8_t *d, *out;
	size_t out_len, used;
	struct blob a = make_xz(2000, "--check=crc32", &d);
	size_t bh = 12, bhsize = ((size_t)a.data[12] + 1) * 4;

	/* Every strict prefix is truncated. */
	for (size_t n = 0; n < a.len; n++) {
		ck_assert_msg(unxz(a.data, n, 2000, &out, &out_len, &used, 0) ==
			      XZ_TRUNCATED, "prefix %zu", n);
		free(out);
	}
	/* Output one byte short. */
	ck_assert_int_eq(unxz(a.data, a.len, 1999, &out, &out_len, &used, 0),
			 XZ_OUTPUT_TOO_SMALL);
	free(out);

#define EXPECT_AT(off, xorv, want) do { \
		uint8_t *c = tu_dup(a.data, a.len); \
		c[(off)] ^= (xorv); \
		ck_assert_msg(unxz(c, a.len, 2000, &out, &out_len, &used, 0) == \
			      (want), "offset %zu", (size_t)(off)); \
		free(out); free(c); \
	} while (0)

	EXPECT_AT(0, 1, XZ_FORMAT_ERROR);        /* magic */
	EXPECT_AT(7, 0x01, XZ_BAD_CRC);          /* stream flags */
	EXPECT_AT(9, 0x80, XZ_BAD_CRC);          /* stream header CRC */
	EXPECT_AT(bh + 1, 0x01, XZ_BAD_CRC);     /* block flags */
	EXPECT_AT(bh + bhsize - 1, 0x40, XZ_BAD_CRC); /* block header CRC */
	EXPECT_AT(a.len - 1, 1, XZ_BAD_DATA);    /* footer magic */
	EXPECT_AT(a.len - 12, 1, XZ_BAD_CRC);    /* footer CRC */
	EXPECT_AT(a.len - 8, 1, XZ_BAD_CRC);     /* backward size */
	EXPECT_AT(a.len - 13, 0x10, XZ_BAD_CRC); /* index CRC */

	{
		/* The block's CRC32 check field sits just before the index;
		 * find the index by the backward size. */
		uint32_t bs;
		size_t isz, idx;

		memcpy(&bs, a.data + a.len - 8, 4);
		isz = ((size_t)bs + 1) * 4;
		idx = a.len - 12 - isz;
		EXPECT_AT(idx - 1, 0x01, XZ_BAD_CRC);
		/* Index claiming a different uncompressed size, CRC fixed
		 * so only the mismatch is left. */
		{
			uint8_t *c = tu_dup(a.data, a.len);

			ck_assert_uint_eq(c[idx], 0);
			ck_assert_uint_eq(c[idx + 1], 1); /* one record */
			c[idx + 3] ^= 1; /* second byte of the unpadded size */
			fix_crc32(c + idx, isz - 4, c + idx + isz - 4);
			ck_assert_int_eq(unxz(c, a.len, 2000, &out, &out_len,
					      &used, 0), XZ_BAD_DATA);
			free(out);
			free(c);
		}
		/* Block header filter id changed to an unknown filter, CRC
		 * fixed: unsupported, not corrupt. */
		{
			uint8_t *c = tu_dup(a.data, a.len);

			ck_assert_uint_eq(c[bh + 2], 0x21);
			c[bh + 2] = 0x0a;
			fix_crc32(c + bh, bhsize - 4, c + bh + bhsize - 4);
			ck_assert_int_eq(unxz(c, a.len, 2000, &out, &out_len,
					      &used, 0), XZ_UNSUPPORTED);
			free(out);
			/* Dictionary size property 41 is invalid. */
			c[bh + 2] = 0x21;
			c[bh + 4] = 41;
			fix_crc32(c + bh, bhsize - 4, c + bh + bhsize - 4);
			ck_assert_int_eq(unxz(c, a.len, 2000, &out, &out_len,
					      &used, 0), XZ_BAD_DATA);
			free(out);
			free(c);
		}
		/* Flipping any bit of the LZMA2 data gives corrupt data or a
		 * check mismatch, never success or a crash. */
		for (size_t i = bh + bhsize; i < idx - 4; i++)
			for (int bit = 0; bit < 8; bit += 3) {
				uint8_t *c = tu_dup(a.data, a.len);
				enum xz_status s;

				c[i] ^= (uint8_t)(1u << bit);
				s = unxz(c, a.len, 2000, &out, &out_len, &used, 0);
				ck_assert_msg(s == XZ_BAD_DATA || s == XZ_BAD_CRC ||
					      s == XZ_TRUNCATED ||
					      s == XZ_OUTPUT_TOO_SMALL,
					      "byte %zu bit %d: %s", i, bit,
					      xz_status_str(s));
				free(out);
				free(c);
			}
	}
#undef EXPECT_AT
	free(a.data);
	free(d);
}
END_TEST

START_TEST(test_size_helper)
{
	uint8_t *d;
	uint64_t sz = 0;
	struct blob a = make_xz(123457, "--block-size=10000", &d);

	ck_assert_int_eq(xz_uncompressed_size(a.data, a.len, &sz), XZ_OK);
	ck_assert_uint_eq(sz, 123457);
	ck_assert_int_eq(xz_uncompressed_size(a.data, 5, &sz), XZ_TRUNCATED);
	a.data[a.len - 5] ^= 1; /* backward size: CRC catches it */
	ck_assert_int_eq(xz_uncompressed_size(a.data, a.len, &sz), XZ_BAD_CRC);
	ck_assert_int_eq(xz_uncompressed_size("hello, world", 12, &sz),
			 XZ_FORMAT_ERROR);
	ck_assert(xz_is_xz(a.data, a.len));
	ck_assert_str_eq(xz_status_str(XZ_UNSUPPORTED),
			 "xz feature not supported (filter, check or flags)");
	free(a.data);
	free(d);
}
END_TEST

/* The decoder must also be fast: a kernel-sized input, timed. Under
 * ASan at -O1 this is several times slower than the real build, so the
 * bound is generous; tests/unit/xz_bench.c measures the -O2 figure. */
START_TEST(test_speed)
{
	size_t len = 24 << 20;
	uint8_t *d = malloc(len), *out;
	struct blob x;
	size_t out_len, used;
	double t;

	tu_fill(d, len / 2, TU_CODE, 5);
	tu_fill(d + len / 2, len / 2, TU_TEXT, 6);
	x = tu_filter("xz -c -T1 -1 --check=crc32 --x86 --lzma2=preset=1", d, len);
	t = tu_now();
	ck_assert_int_eq(unxz(x.data, x.len, len, &out, &out_len, &used, 0),
			 XZ_OK);
	t = tu_now() - t;
	fprintf(stderr, "xz speed (ASan build): %zu -> %zu bytes in %.3f s\n",
		x.len, out_len, t);
	ck_assert(memcmp(out, d, len) == 0);
	ck_assert_msg(t < 20.0, "xz decode too slow: %.2f s", t);
	free(out);
	free(x.data);
	free(d);
}
END_TEST

START_TEST(test_fuzz)
{
	static const char *const opts[] = { "--check=crc32 --x86 --lzma2",
					    "--check=crc64 --block-size=3000",
					    "-0 --check=none" };
	struct blob seeds[3];
	uint8_t *data[3];
	uint64_t rng = 777;
	double end = tu_now() + 3.0;
	unsigned iters = 0, ok = 0;

	for (int i = 0; i < 3; i++)
		seeds[i] = make_xz(8000 + 1000 * i, opts[i], &data[i]);
	while (tu_now() < end) {
		const struct blob *sd = &seeds[tu_rand(&rng) % 3];
		size_t len = sd->len, cap, used, out_len;
		uint8_t *in = tu_dup(sd->data, len), *out;
		unsigned muts = 1 + tu_rand(&rng) % 6;
		enum xz_status s;

		for (unsigned m = 0; m < muts && len; m++) {
			size_t at = tu_rand(&rng) % len;

			switch (tu_rand(&rng) % 5) {
			case 0: in[at] ^= (uint8_t)(1u << (tu_rand(&rng) % 8)); break;
			case 1: in[at] = (uint8_t)tu_rand(&rng); break;
			case 2: len = at; break;
			case 3: in[at] = 0xff; break;
			case 4: in[at] = 0; break;
			}
		}
		cap = tu_rand(&rng) % 2 ? 12000 : tu_rand(&rng) % 12000;
		out = malloc(cap ? cap : 1);
		s = xz_decode(&st, in, len, &used, out, cap, &out_len,
			      (unsigned)(tu_rand(&rng) & 1));
		ck_assert(s <= XZ_FORMAT_ERROR);
		ck_assert(out_len <= cap && used <= len);
		ok += s == XZ_OK;
		free(in);
		free(out);
		iters++;
	}
	fprintf(stderr, "xz fuzz: %u inputs, %u decoded ok\n", iters, ok);
	ck_assert_uint_gt(iters, 100);
	for (int i = 0; i < 3; i++) {
		free(seeds[i].data);
		free(data[i]);
	}
}
END_TEST

static Suite *xz_suite(void)
{
	Suite *s = suite_create("xz");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_presets);
	tcase_add_test(tc, test_checks_filters);
	tcase_add_test(tc, test_x86_binary);
	tcase_add_test(tc, test_bcj_raw);
	tcase_add_test(tc, test_concat_padding);
	tcase_add_test(tc, test_unsupported);
	tcase_add_test(tc, test_corrupt);
	tcase_add_test(tc, test_size_helper);
	tcase_add_test(tc, test_speed);
	tcase_add_test(tc, test_fuzz);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(xz_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
