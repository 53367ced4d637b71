// SPDX-License-Identifier: GPL-2.0-only
/* Kernel file reading for the domain builder (see build_kernel.h). */
#include "build_kernel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int xl_read_file(const char *path, uint8_t **data, size_t *len, char *err,
                 size_t errsz)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 1 << 20;
			uint8_t *nb = realloc(buf, ncap);

			if (!nb) {
				snprintf(err, errsz, "%s: out of memory", path);
				goto fail;
			}
			buf = nb;
			cap = ncap;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	if (ferror(f)) {
		snprintf(err, errsz, "%s: read error", path);
		goto fail;
	}
	fclose(f);
	*data = buf;
	*len = n;
	return 0;
fail:
	free(buf);
	fclose(f);
	return -1;
}

int xl_kernel_open(struct xl_kernel *xk, const char *path, char *err,
                   size_t errsz)
{
	char msg[160];
	union kimg_work *work = NULL;
	struct kernel_image *k = &xk->k;
	size_t cap = 0;

	memset(xk, 0, sizeof(*xk));
	if (xl_read_file(path, &xk->file, &xk->file_len, err, errsz) < 0)
		return -1;
	if (kimg_identify(k, xk->file, xk->file_len) != KIMG_OK)
		goto bad;
	if (k->payload != k->module || k->format != KIMG_FMT_ELF) {
		/*
		 * The payload states its unpacked size, else allow 256 MiB.
		 * A stated size is filled entirely: its pages are populated
		 * in one call instead of one fault each (every fault is a
		 * round trip through the hypervisor in a PV dom0).
		 */
		cap = k->size_hint ? (size_t)k->size_hint : 256u << 20;
		xk->elf_buf = mmap(NULL, cap, PROT_READ | PROT_WRITE,
		                   MAP_PRIVATE | MAP_ANONYMOUS |
		                   (k->size_hint ? MAP_POPULATE : 0), -1, 0);
		if (xk->elf_buf == MAP_FAILED)
			xk->elf_buf = NULL;
		else
			xk->elf_cap = cap;
		work = malloc(sizeof(*work));
		if (!xk->elf_buf || !work) {
			snprintf(err, errsz, "%s: out of memory", path);
			goto fail;
		}
	}
	if (kimg_unwrap(k, work, xk->elf_buf, cap) != KIMG_OK ||
	    kimg_parse_elf(k) != KIMG_OK ||
	    kimg_check_features(k, XL_ACCEPTED_REQUIRED_FEATURES, false) !=
	        KIMG_OK)
		goto bad;
	if (k->xen.virt_base == KIMG_UNSET || !k->xen.notes_seen) {
		snprintf(err, errsz, "%s: not a Xen PV kernel (no Xen ELF notes)",
		         path);
		goto fail;
	}
	free(work);
	return 0;
bad:
	snprintf(err, errsz, "%s: %s", path, kimg_describe(k, msg, sizeof(msg)));
fail:
	free(work);
	xl_kernel_close(xk);
	return -1;
}

void xl_kernel_close(struct xl_kernel *xk)
{
	free(xk->file);
	if (xk->elf_buf)
		munmap(xk->elf_buf, xk->elf_cap);
	xk->file = xk->elf_buf = NULL;
	xk->elf_cap = 0;
}
