/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the inflate, xz and kernel_image suites: a scratch
 * directory, running the host's gzip/xz on generated data, test data
 * generators and a deterministic PRNG for the mutation fuzzers.
 */
#ifndef DECOMP_UTIL_H
#define DECOMP_UTIL_H

#include <stddef.h>
#include <stdint.h>

struct blob {
	uint8_t *data;
	size_t len;
};

/* Scratch directory, created on first use, removed at exit. */
const char *tu_tmpdir(void);

/* Write data to a file in the scratch dir; returns its path (static). */
const char *tu_write(const char *name, const void *data, size_t len);

/* Read a whole file; data is malloc'ed (len+1 bytes, NUL-terminated). */
int tu_read(const char *path, struct blob *out);

/*
 * Run "CMD < in > out" with in = data; result malloc'ed. cmd is a shell
 * fragment such as "gzip -9 -n -c" or "xz --x86 --check=crc32 -c".
 * Fails the current test if the command fails.
 */
struct blob tu_filter(const char *cmd, const void *data, size_t len);

/* Deterministic xorshift PRNG. */
uint64_t tu_rand(uint64_t *state);

enum tu_kind { TU_RANDOM, TU_TEXT, TU_ZEROS, TU_CODE };

/* Fill with random bytes, compressible text, zeros, or x86-like code
 * (lots of E8/E9 rel32 calls among ordinary bytes). */
void tu_fill(uint8_t *buf, size_t len, enum tu_kind kind, uint64_t seed);

/* Seconds since an arbitrary start (monotonic). */
double tu_now(void);

/* Copy into an exactly-sized malloc'ed buffer so ASan sees overreads. */
uint8_t *tu_dup(const void *p, size_t len);

#endif
