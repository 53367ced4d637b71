/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * .xz container decoder (single call, whole input and output in memory).
 *
 * Supports what Linux kernel images and the xz tool produce: one or more
 * streams, any number of blocks, the filter chains [LZMA2] and
 * [x86 BCJ, LZMA2], and the integrity checks none, CRC32 and CRC64
 * (SHA-256 and other check types give XZ_UNSUPPORTED). Block headers, the
 * index and the stream footer are all verified against what was decoded.
 *
 * The output buffer is also the LZMA2 dictionary, so memory use is just the
 * caller's struct xz_dec (see XZ_DEC_SIZE_HINT, about 28 KiB) plus a few
 * hundred bytes of stack.
 */
#ifndef MICA_XZ_H
#define MICA_XZ_H

#include <mica/types.h>
#include <mica/lzma2.h>

enum xz_status {
	XZ_OK = 0,
	XZ_TRUNCATED,         /* input ended early */
	XZ_BAD_DATA,          /* corrupt container or compressed data */
	XZ_OUTPUT_TOO_SMALL,  /* output would exceed out_cap */
	XZ_BAD_CRC,           /* header, index or block check mismatch */
	XZ_UNSUPPORTED,       /* valid but unsupported: filter, check, flags */
	XZ_FORMAT_ERROR,      /* no .xz magic at the start */
};

struct xz_dec {
	struct lzma2_dec lzma2;
};

#define XZ_DEC_SIZE_HINT sizeof(struct xz_dec)

/* Flags for xz_decode(). */
/* Decode concatenated streams and stream padding up to the end of input,
 * like `xz -d` does for a file. Without it, decoding stops after the first
 * stream and *in_used says where (Linux appends a 4-byte size to its xz
 * kernel payload, which is not stream padding). */
#define XZ_FLAG_CONCAT 0x1u

enum xz_status xz_decode(struct xz_dec *s, const void *in, size_t in_len,
			 size_t *in_used, void *out, size_t out_cap,
			 size_t *out_len, unsigned flags);

/* True if in starts with the .xz stream header magic. */
bool xz_is_xz(const void *in, size_t in_len);

/*
 * Read the uncompressed size a single-stream .xz file (without trailing
 * data or padding) claims in its index, for sizing the output buffer.
 * Only the footer and index are parsed and CRC-checked.
 */
enum xz_status xz_uncompressed_size(const void *in, size_t in_len,
				    uint64_t *size);

const char *xz_status_str(enum xz_status s);

/*
 * x86 BCJ decoding filter over a whole buffer in place: converts the
 * absolute addresses of CALL/JMP rel32 back to relative ones. start is the
 * stream position of buf[0] (the filter's start offset property).
 * Exposed for the container and for tests.
 */
void bcj_x86_decode(uint8_t *buf, size_t len, uint32_t start);

#endif
