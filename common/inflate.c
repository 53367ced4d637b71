/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DEFLATE decoder (RFC 1951) and gzip member parser (RFC 1952).
 *
 * Written for one job: unpacking a dom0 kernel that is entirely in memory
 * into a buffer that is entirely in memory. So there is no streaming state
 * machine; the decoder runs straight through, and the output buffer doubles
 * as the LZ77 window.
 *
 * Safety rules followed throughout: every input byte is fetched through the
 * bit reader, which never reads past in_len; every output write is checked
 * against out_cap; every back-reference is checked against the bytes already
 * written. Huffman code lengths are validated (no over-subscribed codes, and
 * incomplete codes only where RFC 1951 practice allows them).
 */
#include <mica/inflate.h>
#include <mica/crc.h>
#include <mica/string.h>

#define MAX_BITS     15  /* longest Huffman code DEFLATE allows */
#define FAST_MASK    ((1u << INFLATE_FAST_BITS) - 1)
#define NUM_LITLEN   288 /* 286 used, 2 reserved but present in fixed code */
#define NUM_DIST     30
#define NUM_CODELEN  19

/* Bit reader: LSB-first, as DEFLATE packs its bits. */
struct bitreader {
	const uint8_t *p, *end;
	uint64_t bits;  /* pending bits, next bit in bit 0 */
	unsigned n;     /* number of valid bits in 'bits' */
};

static inline void br_refill(struct bitreader *br)
{
	/*
	 * Keep at least 57 bits when input allows, so one refill covers a
	 * whole length/distance pair with extra bits. With 8 bytes left, one
	 * unaligned load tops up every whole byte that fits (x86 is
	 * little-endian); the bits above n it also brings are the next input
	 * bits, which the next refill ORs in again unchanged.
	 */
	if (br->n <= 56 && br->end - br->p >= 8) {
		uint64_t w;
		unsigned take = (63 - br->n) >> 3;

		__builtin_memcpy(&w, br->p, sizeof(w));
		br->bits |= w << br->n;
		br->p += take;
		br->n += take * 8;
		return;
	}
	while (br->n <= 56 && br->p < br->end) {
		br->bits |= (uint64_t)*br->p++ << br->n;
		br->n += 8;
	}
}

/* Take 'k' (<= 32) bits; false if the input ran out. */
static inline bool br_get(struct bitreader *br, unsigned k, uint32_t *v)
{
	if (br->n < k) {
		br_refill(br);
		if (br->n < k)
			return false;
	}
	*v = (uint32_t)(br->bits & ((1ull << k) - 1));
	br->bits >>= k;
	br->n -= k;
	return true;
}

/* Drop to a byte boundary and give whole unread bytes back to the input. */
static void br_align_unread(struct bitreader *br)
{
	unsigned drop = br->n & 7;

	br->bits >>= drop;
	br->n -= drop;
	br->p -= br->n / 8;
	br->bits = 0;
	br->n = 0;
}

static unsigned bit_reverse(unsigned code, unsigned len)
{
	unsigned r = 0;

	while (len--) {
		r = (r << 1) | (code & 1);
		code >>= 1;
	}
	return r;
}

enum code_kind { CODE_COMPLETE, CODE_LITLEN, CODE_DIST };

/*
 * Build decoding tables from code lengths. Returns false for an invalid set
 * of lengths. 'kind' says which incomplete codes are acceptable: none for
 * the code-length code, a single one-bit code for literal/length, and a
 * single code or no codes at all for distances (zlib's rules, which real
 * encoders rely on).
 */
static bool huff_build(struct inflate_huff *h, const uint8_t *lens,
		       unsigned n, enum code_kind kind)
{
	uint16_t offs[MAX_BITS + 2];
	int left = 1;
	unsigned len, sym, used = 0;

	memset(h->count, 0, sizeof(h->count));
	for (sym = 0; sym < n; sym++)
		h->count[lens[sym]]++;
	h->count[0] = 0;

	/* Kraft sum: 'left' counts unused codes at each length. */
	for (len = 1; len <= MAX_BITS; len++) {
		left <<= 1;
		left -= h->count[len];
		if (left < 0)
			return false; /* over-subscribed */
		used += h->count[len];
	}
	if (left > 0) {
		bool ok = false;

		if (kind == CODE_DIST && used == 0)
			ok = true;
		if (kind != CODE_COMPLETE && used == 1 && h->count[1] == 1)
			ok = true;
		if (!ok)
			return false;
	}

	offs[1] = 0;
	for (len = 1; len <= MAX_BITS; len++)
		offs[len + 1] = offs[len] + h->count[len];
	for (sym = 0; sym < n; sym++)
		if (lens[sym])
			h->symbol[offs[lens[sym]]++] = (uint16_t)sym;

	/* Fill the fast table with every code short enough for it. */
	memset(h->fast, 0, sizeof(h->fast));
	{
		unsigned code = 0, idx = 0;

		for (len = 1; len <= INFLATE_FAST_BITS; len++) {
			for (unsigned i = 0; i < h->count[len]; i++) {
				unsigned r = bit_reverse(code + i, len);
				uint16_t e = (uint16_t)((len << 9) |
							h->symbol[idx + i]);

				for (unsigned k = r; k <= FAST_MASK;
				     k += 1u << len)
					h->fast[k] = e;
			}
			idx += h->count[len];
			code = (code + h->count[len]) << 1;
		}
	}
	return true;
}

#define SYM_TRUNCATED (-1)
#define SYM_BAD       (-2)

/* Decode one symbol; negative on truncation or an unassigned code. */
static inline int huff_decode(struct bitreader *br,
			      const struct inflate_huff *h)
{
	unsigned e, len, code, first, index;

	if (br->n < MAX_BITS)
		br_refill(br);
	e = h->fast[br->bits & FAST_MASK];
	if (e) {
		len = e >> 9;
		if (len > br->n)
			return SYM_TRUNCATED;
		br->bits >>= len;
		br->n -= len;
		return (int)(e & 0x1ff);
	}

	/* Canonical decode, one bit at a time (codes longer than the fast
	 * table, or codes the table does not contain at all). */
	code = first = index = 0;
	for (len = 1; len <= MAX_BITS; len++) {
		if (br->n == 0)
			return SYM_TRUNCATED;
		code |= (unsigned)(br->bits & 1);
		br->bits >>= 1;
		br->n--;
		if (code - first < h->count[len])
			return h->symbol[index + (code - first)];
		index += h->count[len];
		first = (first + h->count[len]) << 1;
		code <<= 1;
	}
	return SYM_BAD;
}

static const uint16_t len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258
};
static const uint8_t len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
};
static const uint16_t dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
	8193, 12289, 16385, 24577
};
static const uint8_t dist_extra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
};

struct outbuf {
	uint8_t *p;
	size_t pos, cap;
};

/*
 * Append len bytes copied from d bytes back (d <= pos, len fits). Most of
 * a kernel is such copies, many of them long runs of zeros (d == 1) from
 * section padding, so they go in words where they can: 8 bytes at a time
 * when the source is at least 8 back (each word then reads only bytes
 * already written) and there is room to overshoot by up to 7 bytes, which
 * later output overwrites. A shorter distance repeats a pattern and goes
 * byte by byte, forwards.
 */
static inline void copy_match(struct outbuf *o, size_t d, size_t len)
{
	uint8_t *dst = o->p + o->pos;
	const uint8_t *src = dst - d;

	o->pos += len;
	if (d == 1) {
		memset(dst, *src, len);
	} else if (d >= 8 && o->cap - (o->pos - len) >= len + 7) {
		uint8_t *end = dst + len;

		do {
			uint64_t w;

			__builtin_memcpy(&w, src, sizeof(w));
			__builtin_memcpy(dst, &w, sizeof(w));
			src += 8;
			dst += 8;
		} while (dst < end);
	} else {
		while (len--)
			*dst++ = *src++;
	}
}

static enum inflate_status sym_error(int sym)
{
	return sym == SYM_TRUNCATED ? INFLATE_TRUNCATED : INFLATE_BAD_DATA;
}

/* Decode the symbols of one Huffman-coded block up to end-of-block. */
static enum inflate_status inflate_codes(struct bitreader *br,
					 struct outbuf *o,
					 const struct inflate_huff *lit,
					 const struct inflate_huff *dist)
{
	for (;;) {
		int sym = huff_decode(br, lit);
		uint32_t extra;
		size_t len, d;

		if (sym < 0)
			return sym_error(sym);
		if (sym < 256) {
			if (o->pos >= o->cap)
				return INFLATE_OUTPUT_TOO_SMALL;
			o->p[o->pos++] = (uint8_t)sym;
			continue;
		}
		if (sym == 256)
			return INFLATE_OK;
		sym -= 257;
		if (sym >= 29)
			return INFLATE_BAD_DATA; /* 286, 287 are reserved */
		if (!br_get(br, len_extra[sym], &extra))
			return INFLATE_TRUNCATED;
		len = len_base[sym] + extra;

		sym = huff_decode(br, dist);
		if (sym < 0)
			return sym_error(sym);
		if (sym >= NUM_DIST)
			return INFLATE_BAD_DATA;
		if (!br_get(br, dist_extra[sym], &extra))
			return INFLATE_TRUNCATED;
		d = dist_base[sym] + extra;

		if (d > o->pos)
			return INFLATE_BAD_DATA; /* before start of output */
		if (len > o->cap - o->pos)
			return INFLATE_OUTPUT_TOO_SMALL;
		copy_match(o, d, len);
	}
}

static enum inflate_status inflate_stored(struct bitreader *br,
					  struct outbuf *o)
{
	size_t len, nlen;

	br_align_unread(br);
	if (br->end - br->p < 4)
		return INFLATE_TRUNCATED;
	len = br->p[0] | (br->p[1] << 8);
	nlen = br->p[2] | (br->p[3] << 8);
	br->p += 4;
	if (len != (~nlen & 0xffff))
		return INFLATE_BAD_DATA;
	if ((size_t)(br->end - br->p) < len)
		return INFLATE_TRUNCATED;
	if (len > o->cap - o->pos)
		return INFLATE_OUTPUT_TOO_SMALL;
	memcpy(o->p + o->pos, br->p, len);
	o->pos += len;
	br->p += len;
	return INFLATE_OK;
}

static void build_fixed(struct inflate_state *st)
{
	unsigned i;

	for (i = 0; i < 144; i++)
		st->lens[i] = 8;
	for (; i < 256; i++)
		st->lens[i] = 9;
	for (; i < 280; i++)
		st->lens[i] = 7;
	for (; i < NUM_LITLEN; i++)
		st->lens[i] = 8;
	/* The fixed code is complete by construction; these cannot fail. */
	(void)huff_build(&st->lit, st->lens, NUM_LITLEN, CODE_COMPLETE);
	for (i = 0; i < 32; i++)
		st->lens[i] = 5;
	/* 32 five-bit codes: complete; symbols 30/31 are rejected later. */
	(void)huff_build(&st->dist, st->lens, 32, CODE_COMPLETE);
}

/* Order in which code-length code lengths are transmitted (RFC 1951 3.2.7). */
static const uint8_t codelen_order[NUM_CODELEN] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
};

static enum inflate_status build_dynamic(struct bitreader *br,
					 struct inflate_state *st)
{
	uint32_t hlit, hdist, hclen, v;
	unsigned i, n;

	if (!br_get(br, 5, &hlit) || !br_get(br, 5, &hdist) ||
	    !br_get(br, 4, &hclen))
		return INFLATE_TRUNCATED;
	hlit += 257;
	hdist += 1;
	hclen += 4;
	if (hlit > 286 || hdist > NUM_DIST)
		return INFLATE_BAD_DATA;

	memset(st->lens, 0, NUM_CODELEN);
	for (i = 0; i < hclen; i++) {
		if (!br_get(br, 3, &v))
			return INFLATE_TRUNCATED;
		st->lens[codelen_order[i]] = (uint8_t)v;
	}
	/* The code-length code is decoded with the 'lit' tables, which are
	 * rebuilt just below. */
	if (!huff_build(&st->lit, st->lens, NUM_CODELEN, CODE_COMPLETE))
		return INFLATE_BAD_DATA;

	n = hlit + hdist;
	for (i = 0; i < n;) {
		int sym = huff_decode(br, &st->lit);
		unsigned rep;
		uint8_t val;

		if (sym < 0)
			return sym_error(sym);
		if (sym < 16) {
			st->lens[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (i == 0)
				return INFLATE_BAD_DATA; /* nothing to repeat */
			val = st->lens[i - 1];
			if (!br_get(br, 2, &v))
				return INFLATE_TRUNCATED;
			rep = 3 + v;
		} else if (sym == 17) {
			val = 0;
			if (!br_get(br, 3, &v))
				return INFLATE_TRUNCATED;
			rep = 3 + v;
		} else {
			val = 0;
			if (!br_get(br, 7, &v))
				return INFLATE_TRUNCATED;
			rep = 11 + v;
		}
		if (rep > n - i)
			return INFLATE_BAD_DATA; /* runs past the end */
		while (rep--)
			st->lens[i++] = val;
	}
	if (st->lens[256] == 0)
		return INFLATE_BAD_DATA; /* no end-of-block code */
	if (!huff_build(&st->lit, st->lens, hlit, CODE_LITLEN) ||
	    !huff_build(&st->dist, st->lens + hlit, hdist, CODE_DIST))
		return INFLATE_BAD_DATA;
	return INFLATE_OK;
}

static enum inflate_status inflate_stream(struct inflate_state *st,
					  struct bitreader *br,
					  struct outbuf *o)
{
	for (;;) {
		uint32_t final, type;
		enum inflate_status s;

		if (!br_get(br, 1, &final) || !br_get(br, 2, &type))
			return INFLATE_TRUNCATED;
		switch (type) {
		case 0:
			s = inflate_stored(br, o);
			break;
		case 1:
			build_fixed(st);
			s = inflate_codes(br, o, &st->lit, &st->dist);
			break;
		case 2:
			s = build_dynamic(br, st);
			if (s == INFLATE_OK)
				s = inflate_codes(br, o, &st->lit, &st->dist);
			break;
		default:
			return INFLATE_BAD_DATA;
		}
		if (s != INFLATE_OK)
			return s;
		if (final) {
			br_align_unread(br);
			return INFLATE_OK;
		}
	}
}

enum inflate_status inflate_raw(struct inflate_state *st,
				const void *in, size_t in_len, size_t *in_used,
				void *out, size_t out_cap, size_t *out_len)
{
	struct bitreader br = { in, (const uint8_t *)in + in_len, 0, 0 };
	struct outbuf o = { out, 0, out_cap };
	enum inflate_status s = inflate_stream(st, &br, &o);

	/* On error the bit buffer may hold bytes not yet used; report what
	 * was fetched, which is what "consumed" means for a failed stream. */
	*in_used = (size_t)(br.p - (const uint8_t *)in);
	*out_len = o.pos;
	return s;
}

#define GZ_FTEXT    0x01
#define GZ_FHCRC    0x02
#define GZ_FEXTRA   0x04
#define GZ_FNAME    0x08
#define GZ_FCOMMENT 0x10
#define GZ_RESERVED 0xe0

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

bool gzip_is_gzip(const void *in, size_t in_len)
{
	const uint8_t *p = in;

	return in_len >= 10 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8;
}

bool gzip_isize(const void *in, size_t in_len, uint32_t *isize)
{
	/* Smallest member: 10-byte header, 2 bytes of DEFLATE, 8 trailer. */
	if (in_len < 20 || !gzip_is_gzip(in, in_len))
		return false;
	*isize = get_le32((const uint8_t *)in + in_len - 4);
	return true;
}

/* Parse the member header; returns its length in *hdr_len. */
static enum inflate_status gzip_header(const uint8_t *p, size_t len,
				       size_t *hdr_len)
{
	size_t pos = 10;
	uint8_t flg;

	if (len < 10)
		return INFLATE_TRUNCATED;
	if (p[0] != 0x1f || p[1] != 0x8b || p[2] != 8)
		return INFLATE_BAD_DATA;
	flg = p[3];
	if (flg & GZ_RESERVED)
		return INFLATE_BAD_DATA;
	if (flg & GZ_FEXTRA) {
		size_t xlen;

		if (len - pos < 2)
			return INFLATE_TRUNCATED;
		xlen = p[pos] | (p[pos + 1] << 8);
		pos += 2;
		if (len - pos < xlen)
			return INFLATE_TRUNCATED;
		pos += xlen;
	}
	if (flg & GZ_FNAME) {
		const uint8_t *z = memchr(p + pos, 0, len - pos);

		if (!z)
			return INFLATE_TRUNCATED;
		pos = (size_t)(z - p) + 1;
	}
	if (flg & GZ_FCOMMENT) {
		const uint8_t *z = memchr(p + pos, 0, len - pos);

		if (!z)
			return INFLATE_TRUNCATED;
		pos = (size_t)(z - p) + 1;
	}
	if (flg & GZ_FHCRC) {
		uint16_t want;

		if (len - pos < 2)
			return INFLATE_TRUNCATED;
		want = (uint16_t)(p[pos] | (p[pos + 1] << 8));
		if ((crc32_update(0, p, pos) & 0xffff) != want)
			return INFLATE_BAD_CRC;
		pos += 2;
	}
	*hdr_len = pos;
	return INFLATE_OK;
}

enum inflate_status gzip_decompress(struct inflate_state *st,
				    const void *in, size_t in_len,
				    size_t *in_used,
				    void *out, size_t out_cap, size_t *out_len)
{
	const uint8_t *p = in;
	size_t hdr, used;
	enum inflate_status s;

	*in_used = 0;
	*out_len = 0;
	s = gzip_header(p, in_len, &hdr);
	if (s != INFLATE_OK)
		return s;
	s = inflate_raw(st, p + hdr, in_len - hdr, &used, out, out_cap,
			out_len);
	*in_used = hdr + used;
	if (s != INFLATE_OK)
		return s;
	if (in_len - *in_used < 8)
		return INFLATE_TRUNCATED;
	p += *in_used;
	*in_used += 8;
	if (get_le32(p) != crc32_update(0, out, *out_len) ||
	    get_le32(p + 4) != (uint32_t)*out_len)
		return INFLATE_BAD_CRC;
	return INFLATE_OK;
}

const char *inflate_status_str(enum inflate_status s)
{
	switch (s) {
	case INFLATE_OK:
		return "ok";
	case INFLATE_TRUNCATED:
		return "compressed data is truncated";
	case INFLATE_BAD_DATA:
		return "compressed data is corrupt";
	case INFLATE_OUTPUT_TOO_SMALL:
		return "output buffer too small";
	case INFLATE_BAD_CRC:
		return "checksum or size mismatch";
	}
	return "unknown inflate status";
}
