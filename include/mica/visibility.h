/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Force-included into every hypervisor translation unit: all symbols are
 * hidden so -fpie code addresses them RIP-relative, with no GOT or PLT.
 */
#ifndef __ASSEMBLY__
#pragma GCC visibility push(hidden)
#endif
