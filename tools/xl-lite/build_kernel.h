/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading a domU kernel for the builder: ELF, gzip'd ELF, xz'd ELF or a
 * bzImage with a gzip or xz payload (Debian's vmlinuz), unpacked and its
 * Xen ELF notes parsed by the hypervisor's own image code
 * (common/kernel_image.c, xen_elfnote.c and the decompressors), which
 * builds on the host unchanged: one parser for dom0 and domUs.
 */
#ifndef XL_BUILD_KERNEL_H
#define XL_BUILD_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include <mica/kernel_image.h>

/* XENFEAT bits a domU kernel may require: all but supervisor_mode_kernel,
 * as for dom0 (include/mica/dom0.h). */
#define XL_ACCEPTED_REQUIRED_FEATURES (~(1u << 3))

struct xl_kernel {
	uint8_t *file;      /* the file as read */
	size_t file_len;
	uint8_t *elf_buf;   /* unpacked ELF, when the file was compressed */
	size_t elf_cap;     /* its mapping's size */
	struct kernel_image k;
};

/* Whole file into malloc'd memory; 0 or -1 with a message. */
int xl_read_file(const char *path, uint8_t **data, size_t *len, char *err,
                 size_t errsz);

/* Read, unpack and parse @path; 0 or -1 with a message naming the file. */
int xl_kernel_open(struct xl_kernel *xk, const char *path, char *err,
                   size_t errsz);
void xl_kernel_close(struct xl_kernel *xk);

#endif
