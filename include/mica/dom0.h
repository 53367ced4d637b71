/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MICA_DOM0_H
#define MICA_DOM0_H

#include <mica/types.h>

struct boot_info;

/*
 * Which "required" XENFEAT bits (the '!' entries of a kernel's FEATURES
 * note) a PV kernel may list and still be built. Like Xen 4.17's PV
 * builder, Mica refuses only supervisor_mode_kernel (3): the other bits are
 * legacy requests PV kernels still carry (XTF's "!writable_page_tables")
 * that Xen accepts and ignores. What Mica actually offers a guest is what
 * XENVER_get_features reports (common/version.c).
 */
#define MICA_ACCEPTED_REQUIRED_FEATURES (~(1u << 3))

/* Build dom0 from boot modules 0 (kernel) and 1 (initrd); 0 or -1. */
int dom0_build(const struct boot_info *bi);

#endif
