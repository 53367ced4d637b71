/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Decoder speed check, not a Check suite (no tests/unit .mk fragment builds
 * it). Decodes a kernel module (bzImage, .xz, .gz or ELF) through the
 * kernel_image API at -O2 without sanitizers and prints the best time of
 * a few runs. Optionally writes the unwrapped ELF out.
 *
 *   gcc -std=gnu11 -O2 -DMICA_HOST -Iinclude tests/unit/xz_bench.c \
 *     common/kernel_image.c common/xen_elfnote.c common/inflate.c \
 *     common/xz_dec.c common/lzma2_dec.c common/bcj_x86.c common/crc.c \
 *     -o build/xz_bench && build/xz_bench build/guest-kit/vmlinuz [out.elf]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <mica/kernel_image.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static union kimg_work work;
	static struct kernel_image k;
	char msg[160];
	double best = 1e9;
	uint8_t *in, *buf;
	size_t cap;
	long n;
	FILE *f;

	if (argc < 2 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: %s IMAGE [OUT.elf]\n", argv[0]);
		return 2;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	in = malloc((size_t)n);
	if (!in || fread(in, 1, (size_t)n, f) != (size_t)n)
		return 1;
	fclose(f);
	if (kimg_identify(&k, in, (size_t)n) != KIMG_OK) {
		fprintf(stderr, "%s\n", kimg_describe(&k, msg, sizeof(msg)));
		return 1;
	}
	cap = k.size_hint ? (size_t)k.size_hint : 256u << 20;
	buf = malloc(cap);
	for (int i = 0; i < 5; i++) {
		double t = now();

		if (kimg_unwrap(&k, &work, buf, cap) != KIMG_OK) {
			fprintf(stderr, "%s\n",
				kimg_describe(&k, msg, sizeof(msg)));
			return 1;
		}
		t = now() - t;
		if (t < best)
			best = t;
	}
	printf("%s: payload %zu -> %zu bytes, best of 5: %.3f s (%.0f MB/s out)\n",
	       argv[1], k.payload_len, k.elf_len, best, k.elf_len / best / 1e6);
	if (kimg_parse_elf(&k) != KIMG_OK)
		printf("ELF: %s\n", kimg_describe(&k, msg, sizeof(msg)));
	else
		printf("ELF: %u segments, entry %#llx, kernel %#llx-%#llx\n",
		       k.nr_segments, (unsigned long long)k.xen.virt_entry,
		       (unsigned long long)k.xen.virt_kstart,
		       (unsigned long long)k.xen.virt_kend);
	if (argc > 2 && (f = fopen(argv[2], "wb"))) {
		fwrite(k.elf, 1, k.elf_len, f);
		fclose(f);
	}
	return 0;
}
