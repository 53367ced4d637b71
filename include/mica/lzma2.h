/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * LZMA2 decoder (the compression method inside .xz), single-call form.
 *
 * The caller's output buffer is the LZ dictionary: matches are copied from
 * bytes already written there, so no dictionary is allocated and the
 * dictionary size the encoder used (Debian's kernel: 32 MiB) does not
 * matter. All decoder state is in struct lzma2_dec (about 28 KiB, almost
 * all of it probability counters), which the caller provides.
 */
#ifndef MICA_LZMA2_H
#define MICA_LZMA2_H

#include <mica/types.h>

#define LZMA_NUM_STATES      12
#define LZMA_POS_STATES_MAX  16   /* pb <= 4 */
#define LZMA_LEN_LOW_BITS    3
#define LZMA_LEN_MID_BITS    3
#define LZMA_LEN_HIGH_BITS   8
#define LZMA_DIST_STATES     4
#define LZMA_DIST_SLOT_BITS  6
#define LZMA_FULL_DISTANCES  128  /* distances below this use spec_pos */
#define LZMA_END_POS_MODEL   14   /* first slot coded with direct bits */
#define LZMA_ALIGN_BITS      4
#define LZMA_LIT_SIZE        0x300
#define LZMA2_LCLP_MAX       4    /* LZMA2 requires lc + lp <= 4 */

/* Probabilities are 11-bit counters; 1024 means "50 %". */
typedef uint16_t lzma_prob;

struct lzma_len_probs {
	lzma_prob choice;
	lzma_prob choice2;
	lzma_prob low[LZMA_POS_STATES_MAX][1 << LZMA_LEN_LOW_BITS];
	lzma_prob mid[LZMA_POS_STATES_MAX][1 << LZMA_LEN_MID_BITS];
	lzma_prob high[1 << LZMA_LEN_HIGH_BITS];
};

struct lzma_probs {
	lzma_prob is_match[LZMA_NUM_STATES][LZMA_POS_STATES_MAX];
	lzma_prob is_rep[LZMA_NUM_STATES];
	lzma_prob is_rep_g0[LZMA_NUM_STATES];
	lzma_prob is_rep_g1[LZMA_NUM_STATES];
	lzma_prob is_rep_g2[LZMA_NUM_STATES];
	lzma_prob is_rep0_long[LZMA_NUM_STATES][LZMA_POS_STATES_MAX];
	lzma_prob dist_slot[LZMA_DIST_STATES][1 << LZMA_DIST_SLOT_BITS];
	/* Reverse bit trees for slots 4..13, addressed from index 1. */
	lzma_prob dist_special[LZMA_FULL_DISTANCES - LZMA_END_POS_MODEL + 1];
	lzma_prob dist_align[1 << LZMA_ALIGN_BITS];
	struct lzma_len_probs match_len;
	struct lzma_len_probs rep_len;
	lzma_prob literal[LZMA_LIT_SIZE << LZMA2_LCLP_MAX];
};

struct lzma2_dec {
	struct lzma_probs p;
	uint32_t rep[4];       /* the last four match distances (minus one) */
	uint32_t state;        /* 0..11, kind of the recent symbols */
	uint32_t lc, lp, pb;   /* literal context / position bits */
	size_t dict_start;     /* output offset of the last dictionary reset */
	bool need_dict_reset;
	bool need_props;
};

enum lzma2_status {
	LZMA2_OK = 0,
	LZMA2_TRUNCATED,
	LZMA2_BAD_DATA,
	LZMA2_OUTPUT_TOO_SMALL,
};

/*
 * Decode one complete LZMA2 stream (up to and including its end marker,
 * control byte 0x00) from in[0..in_len) into out starting at *out_pos,
 * never writing at or beyond out_cap. The stream must begin with a
 * dictionary reset; matches never reach before *out_pos at entry.
 * *in_used and *out_pos are advanced as far as decoding got.
 */
enum lzma2_status lzma2_decode(struct lzma2_dec *s,
			       const uint8_t *in, size_t in_len,
			       size_t *in_used,
			       uint8_t *out, size_t *out_pos, size_t out_cap);

#endif
