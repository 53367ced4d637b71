/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * .xz container (see "The .xz File Format", version 1.1), single call.
 *
 *   stream   = header(12) block* index footer(12)
 *   header   = FD '7zXZ' 00 | flags(2) | CRC32(flags)
 *   block    = block header | LZMA2 data | 0-3 zero bytes of padding | check
 *   index    = 00 | count | (unpadded size, uncompressed size)* | padding |
 *              CRC32
 *   footer   = CRC32(backward size, flags) | backward size(4) | flags | 'YZ'
 *
 * Integers in block headers and the index are "VLIs": little-endian base
 * 128, at most nine bytes, no redundant trailing zero byte.
 *
 * Each block is decoded straight into the output; its filters are then run
 * over it in place (only x86 BCJ exists here) and its check computed. The
 * index is verified by comparing the record count and a CRC32 over the
 * (unpadded, uncompressed) pairs of the blocks actually decoded with the
 * same over the index records, so no per-block memory is needed.
 */
#include <mica/xz.h>
#include <mica/crc.h>
#include <mica/string.h>

#define HEADER_SIZE   12
#define FOOTER_SIZE   12
#define VLI_MAX_BYTES 9
#define VLI_UNKNOWN   UINT64_MAX

#define CHECK_NONE    0x00
#define CHECK_CRC32   0x01
#define CHECK_CRC64   0x04
#define CHECK_SHA256  0x0a

#define FILTER_X86    0x04
#define FILTER_LZMA2  0x21

static const uint8_t header_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
static const uint8_t footer_magic[2] = { 'Y', 'Z' };

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | ((uint64_t)le32(p + 4) << 32);
}

/* Size of the check field for each check ID (the format fixes these even
 * for IDs it does not define, so unknown checks could be skipped). */
static size_t check_size(unsigned id)
{
	static const uint8_t sizes[16] = {
		0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64
	};
	return sizes[id & 15];
}

/* Read a VLI from p[*pos..lim); XZ_TRUNCATED if the limit cut it short. */
static enum xz_status get_vli(const uint8_t *p, size_t lim, size_t *pos,
			      uint64_t *v)
{
	uint64_t r = 0;
	unsigned i;

	for (i = 0; i < VLI_MAX_BYTES; i++) {
		uint8_t b;

		if (*pos >= lim)
			return XZ_TRUNCATED;
		b = p[(*pos)++];
		r |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			if (b == 0 && i > 0)
				return XZ_BAD_DATA; /* not minimally encoded */
			*v = r;
			return XZ_OK;
		}
	}
	return XZ_BAD_DATA;
}

bool xz_is_xz(const void *in, size_t in_len)
{
	return in_len >= sizeof(header_magic) &&
	       memcmp(in, header_magic, sizeof(header_magic)) == 0;
}

/* Per-stream running values, on the stack of xz_decode_stream(). */
struct stream_ctx {
	unsigned check;
	uint64_t blocks;
	uint32_t block_hash;   /* CRC32 over the block records */
	uint64_t uncompressed; /* sum, for a consistency check of the index */
};

struct filters {
	bool x86;
	uint32_t x86_start;
	uint64_t csize, usize;  /* from the header, or VLI_UNKNOWN */
};

static enum xz_status parse_block_header(const uint8_t *p, size_t avail,
					 size_t *hdr_len, struct filters *f)
{
	size_t size, pos = 2, i;
	unsigned nfilt, k;
	uint8_t flags;
	enum xz_status st;

	size = ((size_t)p[0] + 1) * 4;
	if (avail < size)
		return XZ_TRUNCATED;
	if (le32(p + size - 4) != crc32_update(0, p, size - 4))
		return XZ_BAD_CRC;
	flags = p[1];
	if (flags & 0x3c)
		return XZ_UNSUPPORTED; /* reserved bits: a newer format */
	nfilt = (flags & 3) + 1;
	size -= 4;  /* the rest is parsed within the CRC-covered part */

	f->csize = f->usize = VLI_UNKNOWN;
	f->x86 = false;
	f->x86_start = 0;
	if (flags & 0x40) {
		st = get_vli(p, size, &pos, &f->csize);
		if (st != XZ_OK)
			return XZ_BAD_DATA;
		if (f->csize == 0)
			return XZ_BAD_DATA;
	}
	if (flags & 0x80) {
		st = get_vli(p, size, &pos, &f->usize);
		if (st != XZ_OK)
			return XZ_BAD_DATA;
	}
	for (k = 0; k < nfilt; k++) {
		uint64_t id, psize;

		if (get_vli(p, size, &pos, &id) != XZ_OK ||
		    get_vli(p, size, &pos, &psize) != XZ_OK ||
		    psize > size - pos)
			return XZ_BAD_DATA;
		if (k + 1 < nfilt) {
			/* Only x86 BCJ may precede LZMA2 here. */
			if (id != FILTER_X86 || f->x86)
				return XZ_UNSUPPORTED;
			if (psize == 4)
				f->x86_start = le32(p + pos);
			else if (psize != 0)
				return XZ_UNSUPPORTED;
			f->x86 = true;
		} else {
			if (id != FILTER_LZMA2)
				return XZ_UNSUPPORTED;
			/* Dictionary size: irrelevant when the output is
			 * the dictionary, but must be a valid value. */
			if (psize != 1)
				return XZ_BAD_DATA;
			if (p[pos] & 0xc0)
				return XZ_UNSUPPORTED;
			if (p[pos] > 40)
				return XZ_BAD_DATA;
		}
		pos += (size_t)psize;
	}
	for (i = pos; i < size; i++)
		if (p[i] != 0)
			return XZ_UNSUPPORTED; /* header padding must be zero */
	*hdr_len = size + 4;
	return XZ_OK;
}

static void hash_record(uint32_t *h, uint64_t unpadded, uint64_t usize)
{
	uint8_t rec[16];

	for (unsigned i = 0; i < 8; i++) {
		rec[i] = (uint8_t)(unpadded >> (8 * i));
		rec[8 + i] = (uint8_t)(usize >> (8 * i));
	}
	*h = crc32_update(*h, rec, sizeof(rec));
}

static enum xz_status lzma2_to_xz(enum lzma2_status s)
{
	switch (s) {
	case LZMA2_OK:
		return XZ_OK;
	case LZMA2_TRUNCATED:
		return XZ_TRUNCATED;
	case LZMA2_OUTPUT_TOO_SMALL:
		return XZ_OUTPUT_TOO_SMALL;
	case LZMA2_BAD_DATA:
		break;
	}
	return XZ_BAD_DATA;
}

/* Decode one block starting at in[*ip]; the block header size byte is
 * already known to be non-zero. */
static enum xz_status decode_block(struct xz_dec *s, struct stream_ctx *c,
				   const uint8_t *in, size_t in_len, size_t *ip,
				   uint8_t *out, size_t *op, size_t out_cap)
{
	struct filters f;
	size_t hdr, used, start = *op, pos = *ip, csize, usize, pad, ck;
	enum xz_status st;

	st = parse_block_header(in + pos, in_len - pos, &hdr, &f);
	if (st != XZ_OK)
		return st;
	pos += hdr;

	/* If the header states the compressed size, the LZMA2 data may not
	 * extend past it; limiting the input makes that automatic. */
	{
		size_t lim = in_len - pos;

		if (f.csize != VLI_UNKNOWN && f.csize < lim)
			lim = (size_t)f.csize;
		st = lzma2_to_xz(lzma2_decode(&s->lzma2, in + pos, lim, &used,
					      out, op, out_cap));
		if (st == XZ_TRUNCATED && lim < in_len - pos)
			st = XZ_BAD_DATA; /* ran into the stated size */
	}
	if (st != XZ_OK)
		return st;
	csize = used;
	usize = *op - start;
	pos += used;
	if ((f.csize != VLI_UNKNOWN && f.csize != csize) ||
	    (f.usize != VLI_UNKNOWN && f.usize != usize))
		return XZ_BAD_DATA;

	pad = (4 - (csize & 3)) & 3;
	ck = check_size(c->check);
	if (in_len - pos < pad + ck)
		return XZ_TRUNCATED;
	for (size_t i = 0; i < pad; i++)
		if (in[pos + i] != 0)
			return XZ_BAD_DATA;
	pos += pad;

	if (f.x86)
		bcj_x86_decode(out + start, usize, f.x86_start);

	switch (c->check) {
	case CHECK_CRC32:
		if (le32(in + pos) != crc32_update(0, out + start, usize))
			return XZ_BAD_CRC;
		break;
	case CHECK_CRC64:
		if (le64(in + pos) != crc64_update(0, out + start, usize))
			return XZ_BAD_CRC;
		break;
	default:
		break;
	}
	pos += ck;

	c->blocks++;
	c->uncompressed += usize;
	hash_record(&c->block_hash, hdr + csize + ck, usize);
	*ip = pos;
	return XZ_OK;
}

/* Parse and verify the index at in[*ip] (the 0x00 indicator). */
static enum xz_status check_index(const struct stream_ctx *c,
				  const uint8_t *in, size_t in_len, size_t *ip)
{
	size_t start = *ip, pos = start + 1;
	uint64_t count, n, unpadded, usize;
	uint32_t hash = 0;
	enum xz_status st;

	st = get_vli(in, in_len, &pos, &count);
	if (st != XZ_OK)
		return st;
	if (count != c->blocks)
		return XZ_BAD_DATA;
	for (n = 0; n < count; n++) {
		st = get_vli(in, in_len, &pos, &unpadded);
		if (st == XZ_OK)
			st = get_vli(in, in_len, &pos, &usize);
		if (st != XZ_OK)
			return st;
		hash_record(&hash, unpadded, usize);
	}
	if (hash != c->block_hash)
		return XZ_BAD_DATA;
	while ((pos - start) & 3) {
		if (pos >= in_len)
			return XZ_TRUNCATED;
		if (in[pos++] != 0)
			return XZ_BAD_DATA;
	}
	if (in_len - pos < 4)
		return XZ_TRUNCATED;
	if (le32(in + pos) != crc32_update(0, in + start, pos - start))
		return XZ_BAD_CRC;
	*ip = pos + 4;
	return XZ_OK;
}

static enum xz_status parse_stream_header(const uint8_t *p, size_t avail,
					  unsigned *check)
{
	if (avail < sizeof(header_magic))
		return memcmp(p, header_magic, avail) ? XZ_FORMAT_ERROR
						       : XZ_TRUNCATED;
	if (memcmp(p, header_magic, sizeof(header_magic)))
		return XZ_FORMAT_ERROR;
	if (avail < HEADER_SIZE)
		return XZ_TRUNCATED;
	if (le32(p + 8) != crc32_update(0, p + 6, 2))
		return XZ_BAD_CRC;
	if (p[6] != 0 || (p[7] & 0xf0))
		return XZ_UNSUPPORTED;
	*check = p[7];
	if (*check != CHECK_NONE && *check != CHECK_CRC32 &&
	    *check != CHECK_CRC64)
		return XZ_UNSUPPORTED; /* SHA-256 and the reserved IDs */
	return XZ_OK;
}

static enum xz_status decode_stream(struct xz_dec *s, const uint8_t *in,
				    size_t in_len, size_t *ip,
				    uint8_t *out, size_t *op, size_t out_cap)
{
	struct stream_ctx c = { 0, 0, 0, 0 };
	size_t pos = *ip, index_start;
	enum xz_status st;
	const uint8_t *f;

	st = parse_stream_header(in + pos, in_len - pos, &c.check);
	if (st != XZ_OK)
		return st;
	pos += HEADER_SIZE;

	for (;;) {
		if (pos >= in_len)
			return XZ_TRUNCATED;
		if (in[pos] == 0)
			break; /* index indicator */
		st = decode_block(s, &c, in, in_len, &pos, out, op, out_cap);
		if (st != XZ_OK)
			return st;
	}

	index_start = pos;
	st = check_index(&c, in, in_len, &pos);
	if (st != XZ_OK)
		return st;

	if (in_len - pos < FOOTER_SIZE)
		return XZ_TRUNCATED;
	f = in + pos;
	if (memcmp(f + 10, footer_magic, 2))
		return XZ_BAD_DATA;
	if (le32(f) != crc32_update(0, f + 4, 6))
		return XZ_BAD_CRC;
	if (((uint64_t)le32(f + 4) + 1) * 4 != pos - index_start)
		return XZ_BAD_DATA; /* backward size disagrees with index */
	if (f[8] != 0 || f[9] != c.check)
		return XZ_BAD_DATA; /* flags differ from the header's */
	*ip = pos + FOOTER_SIZE;
	return XZ_OK;
}

enum xz_status xz_decode(struct xz_dec *s, const void *in, size_t in_len,
			 size_t *in_used, void *out, size_t out_cap,
			 size_t *out_len, unsigned flags)
{
	const uint8_t *p = in;
	size_t ip = 0, op = 0;
	enum xz_status st;

	st = decode_stream(s, p, in_len, &ip, out, &op, out_cap);
	while (st == XZ_OK && (flags & XZ_FLAG_CONCAT) && ip < in_len) {
		/* Stream padding: zero bytes in multiples of four, then
		 * optionally another stream. */
		size_t z = ip;

		while (z < in_len && p[z] == 0)
			z++;
		if ((z - ip) & 3) {
			st = XZ_BAD_DATA;
			break;
		}
		ip = z;
		if (ip == in_len)
			break;
		st = decode_stream(s, p, in_len, &ip, out, &op, out_cap);
		if (st == XZ_FORMAT_ERROR)
			st = XZ_BAD_DATA; /* garbage after a valid stream */
	}
	*in_used = ip;
	*out_len = op;
	return st;
}

enum xz_status xz_uncompressed_size(const void *in, size_t in_len,
				    uint64_t *size)
{
	const uint8_t *p = in, *f;
	size_t isize, pos, start;
	uint64_t count, n, total = 0, v;
	unsigned check;
	enum xz_status st;

	st = parse_stream_header(p, in_len, &check);
	if (st != XZ_OK)
		return st;
	if (in_len < HEADER_SIZE + FOOTER_SIZE)
		return XZ_TRUNCATED;
	f = p + in_len - FOOTER_SIZE;
	if (memcmp(f + 10, footer_magic, 2))
		return XZ_BAD_DATA;
	if (le32(f) != crc32_update(0, f + 4, 6))
		return XZ_BAD_CRC;
	isize = ((size_t)le32(f + 4) + 1) * 4;
	if (isize > in_len - HEADER_SIZE - FOOTER_SIZE)
		return XZ_BAD_DATA;
	start = in_len - FOOTER_SIZE - isize;
	if (p[start] != 0)
		return XZ_BAD_DATA;
	if (le32(p + start + isize - 4) !=
	    crc32_update(0, p + start, isize - 4))
		return XZ_BAD_CRC;
	pos = start + 1;
	st = get_vli(p, start + isize - 4, &pos, &count);
	for (n = 0; st == XZ_OK && n < count; n++) {
		st = get_vli(p, start + isize - 4, &pos, &v);
		if (st == XZ_OK)
			st = get_vli(p, start + isize - 4, &pos, &v);
		if (st == XZ_OK) {
			if (total + v < total)
				return XZ_BAD_DATA;
			total += v;
		}
	}
	if (st != XZ_OK)
		return XZ_BAD_DATA;
	*size = total;
	return XZ_OK;
}

const char *xz_status_str(enum xz_status s)
{
	switch (s) {
	case XZ_OK:
		return "ok";
	case XZ_TRUNCATED:
		return "xz data is truncated";
	case XZ_BAD_DATA:
		return "xz data is corrupt";
	case XZ_OUTPUT_TOO_SMALL:
		return "output buffer too small";
	case XZ_BAD_CRC:
		return "xz checksum mismatch";
	case XZ_UNSUPPORTED:
		return "xz feature not supported (filter, check or flags)";
	case XZ_FORMAT_ERROR:
		return "not an xz stream";
	}
	return "unknown xz status";
}
