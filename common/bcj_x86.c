/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 BCJ ("branch/call/jump") decoding filter of the .xz format.
 *
 * Before compression the encoder rewrote the 32-bit displacement after
 * E8 (CALL rel32) and E9 (JMP rel32) opcodes into an absolute target
 * (displacement + position after the instruction), because calls to the
 * same function then look alike and compress better. Decoding subtracts the
 * position again.
 *
 * The encoder cannot parse x86, so it guesses which E8/E9 bytes are real
 * instructions. Both sides must make the same guesses on the same bytes,
 * which is what the bookkeeping below reproduces:
 *  - only displacements whose top byte is 0x00 or 0xFF (short jumps, either
 *    direction) are converted;
 *  - 'mask' remembers, for the three bytes before the current position,
 *    which were E8/E9 candidates that were skipped (bit 0 = most recent);
 *    bit 4 is set when the skipped candidate's fourth byte looked like a
 *    displacement top byte. Certain patterns of recent skipped candidates
 *    suppress conversion, and when converting, a converted value whose
 *    corresponding byte again looks like an opcode-in-displacement is
 *    converted once more with the affected bits flipped.
 * Working on the whole block at once (the output buffer holds it all)
 * gives the same result as the streaming implementations, which carry the
 * same state across calls. The last four bytes are never converted because
 * no complete 5-byte instruction fits there.
 */
#include <mica/xz.h>

/* Whether the low three bits of the skipped-candidate mask allow a
 * conversion, and which byte of the value to re-test for each pattern. */
static const bool mask_allows[8] = { 1, 1, 1, 0, 1, 0, 0, 0 };
static const uint8_t mask_byte[8] = { 0, 1, 2, 2, 3, 3, 3, 3 };

static inline bool is_top_byte(uint8_t b)
{
	return b == 0x00 || b == 0xff;
}

/*
 * The first E8 or E9 byte in buf[i..limit), or limit. Eight bytes at a
 * time: clearing bit 0 makes both opcodes E8, XOR with E8 makes them zero,
 * and the classic test finds a zero byte in a word. (A byte-by-byte scan
 * was a sixth of the time spent unpacking an xz kernel.)
 */
static size_t next_candidate(const uint8_t *buf, size_t i, size_t limit)
{
	const uint64_t ones = 0x0101010101010101ULL;

	while (i + 8 <= limit) {
		uint64_t w;

		__builtin_memcpy(&w, buf + i, 8);
		w = (w & ~ones) ^ (0xe8 * ones);
		if ((w - ones) & ~w & (0x80 * ones))
			break;
		i += 8;
	}
	while (i < limit && (buf[i] & 0xfe) != 0xe8)
		i++;
	return i;
}

void bcj_x86_decode(uint8_t *buf, size_t len, uint32_t start)
{
	uint32_t mask = 0;
	/* Position of the last E8/E9 seen; start "long ago". */
	uint32_t prev = start - 5;
	size_t i = 0;

	if (len < 5)
		return;

	for (;;) {
		uint32_t here, gap, v;
		uint8_t b;

		i = next_candidate(buf, i, len - 4);
		if (i > len - 5)
			break;

		/* Age the mask by the distance since the previous candidate;
		 * anything more than five bytes ago is forgotten. */
		here = start + (uint32_t)i;
		gap = here - prev;
		prev = here;
		if (gap > 5) {
			mask = 0;
		} else {
			while (gap--) {
				mask &= 0x77;
				mask <<= 1;
			}
		}

		b = buf[i + 4];
		if (!is_top_byte(b) || !mask_allows[(mask >> 1) & 7] ||
		    (mask >> 1) >= 0x10) {
			/* Not converted: remember it as a skipped candidate. */
			mask |= 1;
			if (is_top_byte(b))
				mask |= 0x10;
			i++;
			continue;
		}

		v = (uint32_t)buf[i + 1] | ((uint32_t)buf[i + 2] << 8) |
		    ((uint32_t)buf[i + 3] << 16) | ((uint32_t)b << 24);
		for (;;) {
			unsigned k;

			v -= here + 5;
			if (mask == 0)
				break;
			k = mask_byte[(mask >> 1) & 7];
			if (!is_top_byte((uint8_t)(v >> (24 - k * 8))))
				break;
			/* Flip the bits below that byte, then redo. */
			v ^= (1u << (32 - k * 8)) - 1;
		}
		/* Bits 25..31 are a sign extension of bit 24. */
		v &= 0x01ffffff;
		if (v & 0x01000000)
			v |= 0xff000000;
		buf[i + 1] = (uint8_t)v;
		buf[i + 2] = (uint8_t)(v >> 8);
		buf[i + 3] = (uint8_t)(v >> 16);
		buf[i + 4] = (uint8_t)(v >> 24);
		i += 5;
		mask = 0;
	}
}
