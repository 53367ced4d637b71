/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DEFLATE (RFC 1951) decoder with the gzip (RFC 1952) wrapper.
 *
 * Single call: the whole compressed input is in memory and the whole output
 * goes to one buffer of fixed capacity, which is also the LZ77 window (a
 * back-reference may reach anywhere in the output written so far). No heap
 * and no globals: the Huffman tables live in a caller-provided
 * struct inflate_state (about 5.7 KiB, see INFLATE_STATE_SIZE_HINT); the
 * functions themselves use well under 256 bytes of stack.
 */
#ifndef MICA_INFLATE_H
#define MICA_INFLATE_H

#include <mica/types.h>

enum inflate_status {
	INFLATE_OK = 0,
	INFLATE_TRUNCATED,        /* input ended before the stream did */
	INFLATE_BAD_DATA,         /* malformed header, block or Huffman code */
	INFLATE_OUTPUT_TOO_SMALL, /* output would exceed out_cap */
	INFLATE_BAD_CRC,          /* gzip CRC32, ISIZE or header CRC16 mismatch */
};

/* Codes up to this many bits decode with a single table lookup. */
#define INFLATE_FAST_BITS 10

struct inflate_huff {
	/* Indexed by the next FAST_BITS input bits: (length << 9) | symbol,
	 * or 0 when the code is longer (then the canonical slow path runs). */
	uint16_t fast[1u << INFLATE_FAST_BITS];
	uint16_t count[16];   /* number of codes of each length */
	uint16_t symbol[288]; /* symbols sorted by code */
};

struct inflate_state {
	struct inflate_huff lit;  /* literal/length code */
	struct inflate_huff dist; /* distance code */
	uint8_t lens[320];        /* code lengths while building a dynamic block */
};

#define INFLATE_STATE_SIZE_HINT sizeof(struct inflate_state)

/*
 * Decode a raw DEFLATE stream. *in_used receives the number of input bytes
 * consumed (rounded up to whole bytes), *out_len the bytes written; both are
 * set on every return, valid up to the point of failure.
 */
enum inflate_status inflate_raw(struct inflate_state *st,
				const void *in, size_t in_len, size_t *in_used,
				void *out, size_t out_cap, size_t *out_len);

/*
 * Decode one gzip member: header (FTEXT/FHCRC/FEXTRA/FNAME/FCOMMENT),
 * DEFLATE data, then CRC32 and ISIZE, both checked. Bytes after the member
 * are not examined; *in_used says where it ended.
 */
enum inflate_status gzip_decompress(struct inflate_state *st,
				    const void *in, size_t in_len,
				    size_t *in_used,
				    void *out, size_t out_cap, size_t *out_len);

/* True if in looks like a gzip member (magic and method 8). */
bool gzip_is_gzip(const void *in, size_t in_len);

/*
 * Read the ISIZE trailer (uncompressed size modulo 2^32) from the last four
 * bytes of a single-member gzip file, for sizing the output buffer. Returns
 * false if the input is too short to be gzip at all. The value is only a
 * claim: decoding still checks it.
 */
bool gzip_isize(const void *in, size_t in_len, uint32_t *isize);

const char *inflate_status_str(enum inflate_status s);

#endif
