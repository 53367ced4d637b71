/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DEFLATE/gzip decoder (common/inflate.c).
 *
 * Valid inputs are produced at test time by the host's gzip and by
 * Python's zlib (for raw DEFLATE with forced fixed/Huffman-only/RLE
 * strategies); invalid ones are hand-made with exact expected statuses.
 * Every output buffer is exactly sized with malloc so ASan reports any
 * write or read beyond it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mica/inflate.h>
#include <mica/crc.h>
#include "decomp_util.h"

static struct inflate_state st;

/* Decode gz with an output buffer of exactly 'cap' bytes. */
static enum inflate_status gunzip(const struct blob *gz, size_t cap,
				  uint8_t **out, size_t *out_len,
				  size_t *used)
{
	uint8_t *in = tu_dup(gz->data, gz->len);
	enum inflate_status s;

	*out = malloc(cap ? cap : 1);
	s = gzip_decompress(&st, in, gz->len, used, *out, cap, out_len);
	free(in);
	return s;
}

static void roundtrip(const uint8_t *data, size_t len, const char *cmd)
{
	struct blob gz = tu_filter(cmd, data, len);
	uint8_t *out;
	size_t out_len, used;
	uint32_t isize;
	enum inflate_status s = gunzip(&gz, len, &out, &out_len, &used);

	ck_assert_msg(s == INFLATE_OK, "%s, %zu bytes: %s", cmd, len,
		      inflate_status_str(s));
	ck_assert_uint_eq(out_len, len);
	ck_assert_uint_eq(used, gz.len);
	ck_assert(memcmp(out, data, len) == 0);
	ck_assert(gzip_isize(gz.data, gz.len, &isize));
	ck_assert_uint_eq(isize, (uint32_t)len);
	free(out);
	free(gz.data);
}

START_TEST(test_gzip_roundtrip)
{
	static const size_t sizes[] = { 0, 1, 2, 100, 4096, 65536 + 7,
					300000, 1 << 20 };
	static const char *const cmds[] = { "gzip -1 -n -c", "gzip -6 -c",
					    "gzip -9 -n -c" };
	enum tu_kind kinds[] = { TU_RANDOM, TU_TEXT, TU_ZEROS, TU_CODE };

	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (unsigned k = 0; k < 4; k++)
			for (unsigned c = 0; c < 3; c++) {
				uint8_t *d = malloc(sizes[i] + 1);

				tu_fill(d, sizes[i], kinds[k], i * 31 + k);
				roundtrip(d, sizes[i], cmds[c]);
				free(d);
			}
}
END_TEST

/* Raw DEFLATE from Python's zlib with a given strategy and level. */
static struct blob py_deflate(const uint8_t *d, size_t len, const char *strat,
			      int level)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import sys,zlib; c=zlib.compressobj(%d, "
		 "zlib.DEFLATED, -15, 9, zlib.%s); "
		 "sys.stdout.buffer.write(c.compress(sys.stdin.buffer.read())"
		 "+c.flush())'", level, strat);
	return tu_filter(cmd, d, len);
}

/*
 * Matches at every short distance: runs of one byte (memset), patterns
 * shorter than a word (byte copy) and from 8 up (word copy, whose
 * overshoot must stay inside the buffer, here exactly as long as the
 * output), each ending at the very end of the output.
 */
START_TEST(test_match_distances)
{
	for (unsigned period = 1; period <= 20; period++)
		for (size_t len = 7; len <= 3000; len = len * 3 + 1) {
			uint8_t *d = malloc(len + period);

			tu_fill(d, period, TU_RANDOM, period);
			for (size_t i = period; i < len; i++)
				d[i] = d[i - period];
			roundtrip(d, len, "gzip -9 -n -c");
			roundtrip(d, len, "gzip -1 -n -c");
			free(d);
		}
}
END_TEST

START_TEST(test_raw_strategies)
{
	static const char *const strats[] = { "Z_DEFAULT_STRATEGY",
		"Z_FIXED", "Z_HUFFMAN_ONLY", "Z_RLE", "Z_FILTERED" };
	static const size_t sizes[] = { 0, 1, 1000, 70000 };

	for (unsigned s = 0; s < 5; s++)
		for (unsigned i = 0; i < 4; i++)
			for (int level = 0; level <= 9; level += 3) {
				size_t len = sizes[i], used, out_len;
				uint8_t *d = malloc(len + 1), *out;
				struct blob z;
				enum inflate_status r;

				tu_fill(d, len, s & 1 ? TU_TEXT : TU_CODE, i);
				z = py_deflate(d, len, strats[s], level);
				out = malloc(len + 1);
				r = inflate_raw(&st, z.data, z.len, &used, out,
						len, &out_len);
				ck_assert_msg(r == INFLATE_OK, "%s level %d: %s",
					      strats[s], level,
					      inflate_status_str(r));
				ck_assert_uint_eq(out_len, len);
				ck_assert_uint_eq(used, z.len);
				ck_assert(memcmp(out, d, len) == 0);
				free(d);
				free(out);
				free(z.data);
			}
}
END_TEST

/* Rebuild a gzip member with optional header fields around gz's body. */
static struct blob with_header(const struct blob *gz, uint8_t flags,
			       bool good_hcrc)
{
	struct blob b;
	size_t pos = 10;

	b.data = malloc(gz->len + 64);
	memcpy(b.data, gz->data, 10);
	b.data[3] = flags;
	if (flags & 0x04) {
		b.data[pos++] = 5;
		b.data[pos++] = 0;
		memcpy(b.data + pos, "ab\x02\x00z", 5);
		pos += 5;
	}
	if (flags & 0x08) {
		memcpy(b.data + pos, "vmlinux", 8);
		pos += 8;
	}
	if (flags & 0x10) {
		memcpy(b.data + pos, "a comment", 10);
		pos += 10;
	}
	if (flags & 0x02) {
		uint32_t c = crc32_update(0, b.data, pos);

		if (!good_hcrc)
			c ^= 1;
		b.data[pos++] = (uint8_t)c;
		b.data[pos++] = (uint8_t)(c >> 8);
	}
	/* gz was made with -n: its header is exactly 10 bytes. */
	memcpy(b.data + pos, gz->data + 10, gz->len - 10);
	b.len = pos + gz->len - 10;
	return b;
}

START_TEST(test_gzip_header_flags)
{
	uint8_t d[5000];
	struct blob gz;
	uint8_t *out;
	size_t out_len, used;

	tu_fill(d, sizeof(d), TU_TEXT, 7);
	gz = tu_filter("gzip -n -c", d, sizeof(d));
	ck_assert_uint_eq(gz.data[3], 0);
	for (unsigned f = 0; f < 32; f++) {
		struct blob b = with_header(&gz, (uint8_t)f, true);

		ck_assert_int_eq(gunzip(&b, sizeof(d), &out, &out_len, &used),
				 INFLATE_OK);
		ck_assert_uint_eq(used, b.len);
		ck_assert(memcmp(out, d, sizeof(d)) == 0);
		free(out);
		free(b.data);
	}
	{
		/* Header CRC16 wrong. */
		struct blob b = with_header(&gz, 0x02 | 0x08, false);

		ck_assert_int_eq(gunzip(&b, sizeof(d), &out, &out_len, &used),
				 INFLATE_BAD_CRC);
		free(out);
		free(b.data);
	}
	for (unsigned f = 0x20; f <= 0x80; f <<= 1) {
		/* Reserved flag bits must be zero. */
		struct blob b = with_header(&gz, (uint8_t)f, true);

		ck_assert_int_eq(gunzip(&b, sizeof(d), &out, &out_len, &used),
				 INFLATE_BAD_DATA);
		free(out);
		free(b.data);
	}
	{
		/* FNAME without terminator runs out of input. */
		struct blob b = { malloc(20), 20 };

		memcpy(b.data, gz.data, 10);
		b.data[3] = 0x08;
		memset(b.data + 10, 'x', 10);
		ck_assert_int_eq(gunzip(&b, sizeof(d), &out, &out_len, &used),
				 INFLATE_TRUNCATED);
		free(out);
		free(b.data);
	}
	{
		/* Method other than 8, bad magic. */
		struct blob b = { tu_dup(gz.data, gz.len), gz.len };

		b.data[2] = 7;
		ck_assert_int_eq(gunzip(&b, sizeof(d), &out, &out_len, &used),
				 INFLATE_BAD_DATA);
		free(out);
		b.data[2] = 8;
		b.data[1] = 0x8c;
		ck_assert_int_eq(gunzip(&b, sizeof(d), &out, &out_len, &used),
				 INFLATE_BAD_DATA);
		free(out);
		free(b.data);
	}
	free(gz.data);
}
END_TEST

START_TEST(test_gzip_corrupt)
{
	uint8_t d[3000];
	struct blob gz;
	uint8_t *out;
	size_t out_len, used;

	tu_fill(d, sizeof(d), TU_TEXT, 3);
	gz = tu_filter("gzip -9 -n -c", d, sizeof(d));

	/* Every strict prefix is reported as truncated. */
	for (size_t n = 0; n < gz.len; n++) {
		struct blob b = { gz.data, n };

		ck_assert_msg(gunzip(&b, sizeof(d), &out, &out_len, &used) ==
			      INFLATE_TRUNCATED, "prefix %zu", n);
		free(out);
	}
	/* CRC32 and ISIZE fields. */
	for (size_t i = gz.len - 8; i < gz.len; i++) {
		struct blob b = { tu_dup(gz.data, gz.len), gz.len };

		b.data[i] ^= 0x10;
		ck_assert_int_eq(gunzip(&b, sizeof(d), &out, &out_len, &used),
				 INFLATE_BAD_CRC);
		free(out);
		free(b.data);
	}
	/* Output one byte too small; and the ISIZE claim bigger than the
	 * buffer does not matter, only the real data does. */
	ck_assert_int_eq(gunzip(&gz, sizeof(d) - 1, &out, &out_len, &used),
			 INFLATE_OUTPUT_TOO_SMALL);
	ck_assert_uint_le(out_len, sizeof(d) - 1);
	free(out);
	ck_assert_int_eq(gunzip(&gz, 0, &out, &out_len, &used),
			 INFLATE_OUTPUT_TOO_SMALL);
	free(out);
	/* Trailing garbage after the member is left alone. */
	{
		struct blob b = { malloc(gz.len + 3), gz.len + 3 };

		memcpy(b.data, gz.data, gz.len);
		memcpy(b.data + gz.len, "xyz", 3);
		ck_assert_int_eq(gunzip(&b, sizeof(d), &out, &out_len, &used),
				 INFLATE_OK);
		ck_assert_uint_eq(used, gz.len);
		free(out);
		free(b.data);
	}
	free(gz.data);
}
END_TEST

/* Bit writer for hand-made DEFLATE streams. */
struct bw {
	uint8_t buf[256];
	size_t pos;
	unsigned bit;
};

static void put(struct bw *w, uint32_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (w->bit == 0)
			w->buf[w->pos] = 0;
		w->buf[w->pos] |= ((v >> i) & 1) << w->bit;
		if (++w->bit == 8) {
			w->bit = 0;
			w->pos++;
		}
	}
}

/* Huffman codes go MSB first. */
static void put_code(struct bw *w, uint32_t code, unsigned n)
{
	for (unsigned i = n; i-- > 0;)
		put(w, (code >> i) & 1, 1);
}

static size_t bw_len(const struct bw *w)
{
	return w->pos + (w->bit ? 1 : 0);
}

static enum inflate_status raw(const struct bw *w, size_t cap,
			       size_t *out_len)
{
	uint8_t *in = tu_dup(w->buf, bw_len(w)), *out = malloc(cap + 1);
	size_t used;
	enum inflate_status s = inflate_raw(&st, in, bw_len(w), &used, out,
					    cap, out_len);

	free(in);
	free(out);
	return s;
}

START_TEST(test_raw_handmade)
{
	struct bw w;
	size_t n;

	/* Fixed block: 'a', then length 3 distance 1 -> "aaaa". */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 1, 2);
	put_code(&w, 0x30 + 'a', 8);
	put_code(&w, 1, 7);       /* 257: length 3 */
	put_code(&w, 0, 5);       /* distance code 0: 1 */
	put_code(&w, 0, 7);       /* 256: end */
	ck_assert_int_eq(raw(&w, 4, &n), INFLATE_OK);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(raw(&w, 3, &n), INFLATE_OUTPUT_TOO_SMALL);

	/* Distance reaching before the start of the output. */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 1, 2);
	put_code(&w, 0x30 + 'a', 8);
	put_code(&w, 1, 7);
	put_code(&w, 1, 5);       /* distance 2, only 1 byte written */
	put_code(&w, 0, 7);
	ck_assert_int_eq(raw(&w, 100, &n), INFLATE_BAD_DATA);

	/* Reserved distance code 30 and length code 286. */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 1, 2);
	put_code(&w, 0x30 + 'a', 8);
	put_code(&w, 1, 7);
	put_code(&w, 30, 5);
	ck_assert_int_eq(raw(&w, 100, &n), INFLATE_BAD_DATA);
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 1, 2);
	put_code(&w, 0xc6, 8);    /* 280 + 6 = 286 */
	ck_assert_int_eq(raw(&w, 100, &n), INFLATE_BAD_DATA);

	/* Block type 3. */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 3, 2);
	ck_assert_int_eq(raw(&w, 100, &n), INFLATE_BAD_DATA);

	/* Stored block: good, LEN/NLEN mismatch, short. */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 0, 2);
	put(&w, 0, 5);
	put(&w, 3, 16);
	put(&w, 0xfffc, 16);
	put(&w, 'x', 8);
	put(&w, 'y', 8);
	put(&w, 'z', 8);
	ck_assert_int_eq(raw(&w, 3, &n), INFLATE_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(raw(&w, 2, &n), INFLATE_OUTPUT_TOO_SMALL);
	w.pos--;
	ck_assert_int_eq(raw(&w, 3, &n), INFLATE_TRUNCATED);
	w.buf[3] ^= 1;
	w.pos++;
	ck_assert_int_eq(raw(&w, 3, &n), INFLATE_BAD_DATA);

	/* Dynamic block whose code-length code is over-subscribed:
	 * four symbols of length 1. */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 2, 2);
	put(&w, 0, 5);            /* HLIT 257 */
	put(&w, 0, 5);            /* HDIST 1 */
	put(&w, 0, 4);            /* HCLEN 4 */
	for (int i = 0; i < 4; i++)
		put(&w, 1, 3);
	ck_assert_int_eq(raw(&w, 100, &n), INFLATE_BAD_DATA);

	/* Dynamic block with HLIT > 286. */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 2, 2);
	put(&w, 30, 5);
	put(&w, 0, 5);
	put(&w, 0, 4);
	ck_assert_int_eq(raw(&w, 100, &n), INFLATE_BAD_DATA);

	/* Dynamic block: repeat code 16 with nothing to repeat. Code
	 * lengths: symbols 16 and 0 get length 1 (complete code). In the
	 * transmit order 16 is first and 0 is fourth. */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 2, 2);
	put(&w, 0, 5);
	put(&w, 0, 5);
	put(&w, 0, 4);            /* 4 lengths: 16, 17, 18, 0 */
	put(&w, 1, 3);
	put(&w, 0, 3);
	put(&w, 0, 3);
	put(&w, 1, 3);
	put_code(&w, 1, 1);       /* symbol 16 (code 1: 0 < 16 by value) */
	ck_assert_int_eq(raw(&w, 100, &n), INFLATE_BAD_DATA);

	/* Empty input and a lone header bit. */
	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(raw(&w, 100, &n), INFLATE_TRUNCATED);
	put(&w, 1, 1);
	ck_assert_int_eq(raw(&w, 100, &n), INFLATE_TRUNCATED);
}
END_TEST

START_TEST(test_isize_helper)
{
	uint8_t d[100] = { 0 };
	uint32_t v = 0;

	ck_assert(!gzip_isize(d, sizeof(d), &v)); /* not gzip */
	d[0] = 0x1f;
	d[1] = 0x8b;
	d[2] = 8;
	ck_assert(!gzip_isize(d, 19, &v));        /* too short */
	d[96] = 0x78;
	d[97] = 0x56;
	d[98] = 0x34;
	d[99] = 0x12;
	ck_assert(gzip_isize(d, sizeof(d), &v));
	ck_assert_uint_eq(v, 0x12345678);
	ck_assert_str_eq(inflate_status_str(INFLATE_BAD_CRC),
			 "checksum or size mismatch");
}
END_TEST

/*
 * Mutation fuzzing: flip bits, overwrite bytes, truncate or splice valid
 * members and decode into an exactly-sized buffer. Any status is fine;
 * crashes, sanitizer reports and out-of-range results are not.
 */
START_TEST(test_fuzz)
{
	enum tu_kind kinds[] = { TU_TEXT, TU_CODE, TU_RANDOM };
	struct blob seeds[3];
	uint8_t data[3][20000];
	uint64_t rng = 12345;
	double end = tu_now() + 2.5;
	unsigned iters = 0, ok = 0;

	for (int i = 0; i < 3; i++) {
		tu_fill(data[i], sizeof(data[i]), kinds[i], (uint64_t)i);
		seeds[i] = tu_filter(i == 2 ? "gzip -1 -n -c" : "gzip -9 -n -c",
				     data[i], sizeof(data[i]));
	}
	while (tu_now() < end) {
		const struct blob *sd = &seeds[tu_rand(&rng) % 3];
		size_t len = sd->len, cap, used, out_len;
		uint8_t *in = tu_dup(sd->data, len), *out;
		unsigned muts = 1 + tu_rand(&rng) % 8;
		enum inflate_status s;

		for (unsigned m = 0; m < muts && len; m++) {
			size_t at = tu_rand(&rng) % len;

			switch (tu_rand(&rng) % 4) {
			case 0: in[at] ^= (uint8_t)(1u << (tu_rand(&rng) % 8)); break;
			case 1: in[at] = (uint8_t)tu_rand(&rng); break;
			case 2: len = at; break;
			case 3: in[at] = 0xff; break;
			}
		}
		cap = tu_rand(&rng) % 2 ? 20000 : tu_rand(&rng) % 30000;
		out = malloc(cap ? cap : 1);
		s = gzip_decompress(&st, in, len, &used, out, cap, &out_len);
		ck_assert(s <= INFLATE_BAD_CRC);
		ck_assert(out_len <= cap);
		ck_assert(used <= len);
		ok += s == INFLATE_OK;
		free(in);
		free(out);
		iters++;
	}
	fprintf(stderr, "inflate fuzz: %u inputs, %u decoded ok\n", iters, ok);
	ck_assert_uint_gt(iters, 100);
	for (int i = 0; i < 3; i++)
		free(seeds[i].data);
}
END_TEST

static Suite *inflate_suite(void)
{
	Suite *s = suite_create("inflate");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_gzip_roundtrip);
	tcase_add_test(tc, test_match_distances);
	tcase_add_test(tc, test_raw_strategies);
	tcase_add_test(tc, test_gzip_header_flags);
	tcase_add_test(tc, test_gzip_corrupt);
	tcase_add_test(tc, test_raw_handmade);
	tcase_add_test(tc, test_isize_helper);
	tcase_add_test(tc, test_fuzz);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(inflate_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
