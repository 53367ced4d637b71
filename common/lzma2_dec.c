/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * LZMA2 chunk parser and LZMA decoder, single-call form.
 *
 * LZMA2 wraps LZMA data in chunks of at most 2 MiB uncompressed / 64 KiB
 * compressed. Each chunk starts with a control byte:
 *   0x00              end of the LZMA2 stream
 *   0x01              uncompressed chunk, dictionary reset
 *   0x02              uncompressed chunk, no reset
 *   0x80 | r<<5 | u   LZMA chunk; u = bits 16..20 of (unpacked size - 1),
 *                     r: 0 nothing reset, 1 state reset, 2 state reset and
 *                     new properties, 3 all that plus dictionary reset
 * followed by big-endian 16-bit (size - 1) fields and, for r >= 2, the
 * lc/lp/pb properties byte. Every LZMA chunk starts a new range coder, and
 * no match may run past the end of its chunk.
 *
 * The output buffer is the dictionary. Positions that LZMA uses for its
 * context (pos_state, literal position bits) count from the last dictionary
 * reset, which is where the encoder's own counting started too.
 *
 * Speed matters (a Debian kernel is ~30 MiB decompressed), so the range
 * coder lives in local variables and every helper is forced inline.
 * Reading past the end of a chunk's compressed bytes is not checked per
 * byte: zeros are supplied instead and the chunk is rejected at its end,
 * which bounds the work because the output size of a chunk is fixed.
 */
#include <mica/lzma2.h>
#include <mica/string.h>

#define PROB_BITS       11
#define PROB_INIT       (1u << (PROB_BITS - 1))
#define MOVE_BITS       5
#define RC_TOP          (1u << 24)
#define MATCH_LEN_MIN   2

#define ALWAYS_INLINE   static inline __attribute__((always_inline))

struct rc {
	uint32_t range;
	uint32_t code;
	const uint8_t *in;
	const uint8_t *end;
	bool overrun;
};

ALWAYS_INLINE void rc_normalize(struct rc *rc)
{
	if (rc->range < RC_TOP) {
		uint8_t b = 0;

		if (likely(rc->in < rc->end))
			b = *rc->in++;
		else
			rc->overrun = true;
		rc->range <<= 8;
		rc->code = (rc->code << 8) | b;
	}
}

ALWAYS_INLINE unsigned rc_bit(struct rc *rc, lzma_prob *p)
{
	uint32_t bound = (rc->range >> PROB_BITS) * *p;
	unsigned bit;

	if (rc->code < bound) {
		rc->range = bound;
		*p += ((1u << PROB_BITS) - *p) >> MOVE_BITS;
		bit = 0;
	} else {
		rc->range -= bound;
		rc->code -= bound;
		*p -= *p >> MOVE_BITS;
		bit = 1;
	}
	rc_normalize(rc);
	return bit;
}

/* Bit tree of 'bits' levels, most significant bit first. */
ALWAYS_INLINE unsigned rc_tree(struct rc *rc, lzma_prob *probs, unsigned bits)
{
	unsigned m = 1;

	do
		m = (m << 1) | rc_bit(rc, &probs[m]);
	while (--bits);
	return m;
}

/* Bit tree read least significant bit first. */
ALWAYS_INLINE unsigned rc_tree_rev(struct rc *rc, lzma_prob *probs,
				   unsigned bits)
{
	unsigned m = 1, sym = 0, i;

	for (i = 0; i < bits; i++) {
		unsigned b = rc_bit(rc, &probs[m]);

		m = (m << 1) | b;
		sym |= b << i;
	}
	return sym;
}

/* Bits with fixed 50 % probability. */
ALWAYS_INLINE uint32_t rc_direct(struct rc *rc, unsigned bits)
{
	uint32_t v = 0;

	do {
		uint32_t mask;

		rc->range >>= 1;
		rc->code -= rc->range;
		mask = 0u - (rc->code >> 31);  /* all ones if it went "negative" */
		rc->code += rc->range & mask;
		v = (v << 1) + (mask + 1);
		rc_normalize(rc);
	} while (--bits);
	return v;
}

ALWAYS_INLINE uint32_t decode_len(struct rc *rc, struct lzma_len_probs *l,
				  unsigned pos_state)
{
	if (!rc_bit(rc, &l->choice))
		return rc_tree(rc, l->low[pos_state], LZMA_LEN_LOW_BITS) -
		       (1u << LZMA_LEN_LOW_BITS);
	if (!rc_bit(rc, &l->choice2))
		return (1u << LZMA_LEN_LOW_BITS) +
		       rc_tree(rc, l->mid[pos_state], LZMA_LEN_MID_BITS) -
		       (1u << LZMA_LEN_MID_BITS);
	return (1u << LZMA_LEN_LOW_BITS) + (1u << LZMA_LEN_MID_BITS) +
	       rc_tree(rc, l->high, LZMA_LEN_HIGH_BITS) -
	       (1u << LZMA_LEN_HIGH_BITS);
}

/* Returns the distance minus one; 0xffffffff is the end marker. */
ALWAYS_INLINE uint32_t decode_dist(struct rc *rc, struct lzma_probs *p,
				   uint32_t len)
{
	unsigned dist_state = len < LZMA_DIST_STATES - 1 ? len
							  : LZMA_DIST_STATES - 1;
	unsigned slot = rc_tree(rc, p->dist_slot[dist_state],
				LZMA_DIST_SLOT_BITS) -
			(1u << LZMA_DIST_SLOT_BITS);
	unsigned nbits;
	uint32_t dist;

	if (slot < 4)
		return slot;
	nbits = (slot >> 1) - 1;
	dist = (2u | (slot & 1)) << nbits;
	if (slot < LZMA_END_POS_MODEL)
		return dist + rc_tree_rev(rc, p->dist_special + dist - slot,
					  nbits);
	dist += rc_direct(rc, nbits - LZMA_ALIGN_BITS) << LZMA_ALIGN_BITS;
	return dist + rc_tree_rev(rc, p->dist_align, LZMA_ALIGN_BITS);
}

/*
 * The match: len bytes from dist back, room bytes being writable at dst.
 * From 8 bytes back or more, 8 at a time: each read then lies wholly
 * before what it writes, and the last write may run up to 7 bytes past
 * the match into output not decoded yet. Byte by byte otherwise, which
 * also repeats short patterns (dist < len) the way LZ77 means them.
 * (Kernel images are full of matches; the byte loop was an eighth of the
 * decoder's instructions.)
 */
ALWAYS_INLINE void copy_match(uint8_t *dst, uint32_t dist, uint32_t len,
			      size_t room)
{
	const uint8_t *src = dst - dist;

	if (dist >= 8 && room >= (size_t)len + 7) {
		for (;;) {
			uint64_t w;

			__builtin_memcpy(&w, src, 8);
			__builtin_memcpy(dst, &w, 8);
			if (len <= 8)
				return;
			len -= 8;
			src += 8;
			dst += 8;
		}
	}
	do
		*dst++ = *src++;
	while (--len);
}

static void lzma_reset_state(struct lzma2_dec *s)
{
	lzma_prob *p = (lzma_prob *)&s->p;
	size_t n = offsetof(struct lzma_probs, literal) / sizeof(lzma_prob) +
		   ((size_t)LZMA_LIT_SIZE << (s->lc + s->lp));

	/* Only the literal coders the current lc/lp can address need
	 * initialising; the rest of the array is never read. */
	for (size_t i = 0; i < n; i++)
		p[i] = PROB_INIT;
	s->rep[0] = s->rep[1] = s->rep[2] = s->rep[3] = 0;
	s->state = 0;
}

/*
 * Decode one LZMA chunk: symbols until the output reaches 'end'. The chunk's
 * compressed bytes are in[0..in_len), which must be used up exactly.
 */
static enum lzma2_status lzma_chunk(struct lzma2_dec *s, const uint8_t *in,
				    size_t in_len, uint8_t *out,
				    size_t pos, size_t end)
{
	struct rc rc;
	struct lzma_probs *p = &s->p;
	const size_t base = s->dict_start;
	const uint32_t pb_mask = (1u << s->pb) - 1;
	const uint32_t lp_mask = (1u << s->lp) - 1;
	const unsigned lc = s->lc;
	uint32_t rep0 = s->rep[0], rep1 = s->rep[1];
	uint32_t rep2 = s->rep[2], rep3 = s->rep[3];
	uint32_t state = s->state;

	if (in_len < 5)
		return LZMA2_BAD_DATA;
	if (in[0] != 0)
		return LZMA2_BAD_DATA;
	rc.code = ((uint32_t)in[1] << 24) | ((uint32_t)in[2] << 16) |
		  ((uint32_t)in[3] << 8) | in[4];
	rc.range = 0xffffffffu;
	rc.in = in + 5;
	rc.end = in + in_len;
	rc.overrun = false;
	if (rc.code == rc.range)
		return LZMA2_BAD_DATA;

	while (pos < end) {
		size_t rel = pos - base;
		unsigned pos_state = (unsigned)rel & pb_mask;
		uint32_t len;

		if (!rc_bit(&rc, &p->is_match[state][pos_state])) {
			/* Literal, coded in the context of the previous byte
			 * and position. */
			unsigned prev = rel ? out[pos - 1] : 0;
			lzma_prob *lp = p->literal + LZMA_LIT_SIZE *
				((((unsigned)rel & lp_mask) << lc) +
				 (prev >> (8 - lc)));
			unsigned sym = 1;

			if (state >= 7) {
				/* After a match the byte at rep0 predicts
				 * this one until the first differing bit. */
				unsigned mbyte, mbit, bit;

				if (rep0 >= rel)
					return LZMA2_BAD_DATA;
				mbyte = out[pos - rep0 - 1];
				do {
					mbit = (mbyte >> 7) & 1;
					mbyte <<= 1;
					bit = rc_bit(&rc,
						&lp[((1 + mbit) << 8) + sym]);
					sym = (sym << 1) | bit;
				} while (sym < 0x100 && bit == mbit);
			}
			while (sym < 0x100)
				sym = (sym << 1) | rc_bit(&rc, &lp[sym]);
			out[pos++] = (uint8_t)sym;
			state = state < 4 ? 0 : state < 10 ? state - 3
							   : state - 6;
			continue;
		}

		if (!rc_bit(&rc, &p->is_rep[state])) {
			/* New match: length then distance. */
			len = decode_len(&rc, &p->match_len, pos_state);
			rep3 = rep2;
			rep2 = rep1;
			rep1 = rep0;
			rep0 = decode_dist(&rc, p, len);
			if (rep0 == 0xffffffffu)
				return LZMA2_BAD_DATA; /* no end marker in LZMA2 */
			state = state < 7 ? 7 : 10;
		} else {
			if (!rc_bit(&rc, &p->is_rep_g0[state])) {
				if (!rc_bit(&rc,
					    &p->is_rep0_long[state][pos_state])) {
					/* "Short rep": one byte at rep0. */
					if (rep0 >= rel)
						return LZMA2_BAD_DATA;
					out[pos] = out[pos - rep0 - 1];
					pos++;
					state = state < 7 ? 9 : 11;
					continue;
				}
			} else {
				uint32_t d;

				if (!rc_bit(&rc, &p->is_rep_g1[state])) {
					d = rep1;
				} else {
					if (!rc_bit(&rc, &p->is_rep_g2[state])) {
						d = rep2;
					} else {
						d = rep3;
						rep3 = rep2;
					}
					rep2 = rep1;
				}
				rep1 = rep0;
				rep0 = d;
			}
			len = decode_len(&rc, &p->rep_len, pos_state);
			state = state < 7 ? 8 : 11;
		}

		len += MATCH_LEN_MIN;
		if (rep0 >= rel || len > end - pos)
			return LZMA2_BAD_DATA;
		copy_match(out + pos, rep0 + 1, len, end - pos);
		pos += len;
	}

	s->rep[0] = rep0;
	s->rep[1] = rep1;
	s->rep[2] = rep2;
	s->rep[3] = rep3;
	s->state = state;
	/* A correctly finished chunk has consumed exactly its bytes and the
	 * encoder's flush leaves the code at zero. */
	if (rc.overrun || rc.in != rc.end || rc.code != 0)
		return LZMA2_BAD_DATA;
	return LZMA2_OK;
}

static bool set_props(struct lzma2_dec *s, uint8_t b)
{
	if (b >= 9 * 5 * 5)
		return false;
	s->lc = b % 9;
	b /= 9;
	s->lp = b % 5;
	s->pb = b / 5;
	return s->lc + s->lp <= LZMA2_LCLP_MAX;
}

enum lzma2_status lzma2_decode(struct lzma2_dec *s,
			       const uint8_t *in, size_t in_len,
			       size_t *in_used,
			       uint8_t *out, size_t *out_pos, size_t out_cap)
{
	size_t ip = 0, op = *out_pos;
	enum lzma2_status st = LZMA2_OK;

	s->need_dict_reset = true;
	s->need_props = true;
	s->dict_start = op;

	for (;;) {
		uint8_t ctl;
		size_t usize, csize;

		if (ip >= in_len) {
			st = LZMA2_TRUNCATED;
			break;
		}
		ctl = in[ip];
		if (ctl == 0x00) {
			ip++;
			break;
		}
		if (ctl >= 0xe0 || ctl == 0x01) {
			s->need_props = true;
			s->need_dict_reset = false;
			s->dict_start = op;
		} else if (s->need_dict_reset || (ctl > 0x02 && ctl < 0x80)) {
			st = LZMA2_BAD_DATA;
			break;
		}

		if (ctl < 0x80) {
			/* Uncompressed chunk: stored bytes, still part of
			 * the dictionary. */
			if (in_len - ip < 3) {
				st = LZMA2_TRUNCATED;
				break;
			}
			usize = (((size_t)in[ip + 1] << 8) | in[ip + 2]) + 1;
			ip += 3;
			if (in_len - ip < usize) {
				st = LZMA2_TRUNCATED;
				break;
			}
			if (usize > out_cap - op) {
				st = LZMA2_OUTPUT_TOO_SMALL;
				break;
			}
			memcpy(out + op, in + ip, usize);
			ip += usize;
			op += usize;
			continue;
		}

		if (in_len - ip < 5) {
			st = LZMA2_TRUNCATED;
			break;
		}
		usize = ((((size_t)ctl & 0x1f) << 16) |
			 ((size_t)in[ip + 1] << 8) | in[ip + 2]) + 1;
		csize = (((size_t)in[ip + 3] << 8) | in[ip + 4]) + 1;
		ip += 5;
		if (ctl >= 0xc0) {
			if (ip >= in_len) {
				st = LZMA2_TRUNCATED;
				break;
			}
			if (!set_props(s, in[ip++])) {
				st = LZMA2_BAD_DATA;
				break;
			}
			s->need_props = false;
		} else if (s->need_props) {
			st = LZMA2_BAD_DATA;
			break;
		}
		if (ctl >= 0xa0)
			lzma_reset_state(s);
		if (in_len - ip < csize) {
			st = LZMA2_TRUNCATED;
			break;
		}
		if (usize > out_cap - op) {
			st = LZMA2_OUTPUT_TOO_SMALL;
			break;
		}
		st = lzma_chunk(s, in + ip, csize, out, op, op + usize);
		if (st != LZMA2_OK)
			break;
		ip += csize;
		op += usize;
	}
	*in_used = ip;
	*out_pos = op;
	return st;
}
