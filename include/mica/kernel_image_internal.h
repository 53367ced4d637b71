/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared between common/kernel_image.c (ELF container) and
 * common/xen_elfnote.c (Xen notes and address rules). Not an API.
 */
#ifndef MICA_KERNEL_IMAGE_INTERNAL_H
#define MICA_KERNEL_IMAGE_INTERNAL_H

#include <mica/kernel_image.h>

uint16_t kimg_rd16(const uint8_t *p);
uint32_t kimg_rd32(const uint8_t *p);
uint64_t kimg_rd64(const uint8_t *p);
bool kimg_range_ok(uint64_t off, uint64_t len, uint64_t size);
enum kimg_err kimg_fail(struct kernel_image *k, enum kimg_err code,
			uint32_t index);

/* Walk PT_NOTE segments (then SHT_NOTE sections if those held no Xen
 * notes) and fill k->xen. Program headers are already validated. */
enum kimg_err kimg_parse_xen_notes(struct kernel_image *k, uint64_t phoff,
				   unsigned phnum);

/* Apply Xen's defaults and bounds checks; fill the computed addresses. */
enum kimg_err kimg_xen_layout(struct kernel_image *k);

#endif
