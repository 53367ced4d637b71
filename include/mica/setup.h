/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MICA_SETUP_H
#define MICA_SETUP_H

#include <mica/types.h>

#define MICA_VERSION_MAJOR 4
#define MICA_VERSION_MINOR 17
/* Xen-style ".<patch>" first (guests parse it), then who we are. */
#define MICA_EXTRAVERSION  ".0-mica"

void __noreturn start_mica(uint32_t magic, uint32_t info);

/* Linker-script symbols. */
extern char __image_start[], __image_end[], __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[], __data_start[], __data_end[];
extern char __bss_start[], __bss_end[];

#endif
