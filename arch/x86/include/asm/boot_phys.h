/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading loader-provided physical memory at boot. In the hypervisor the
 * early page tables map the first 4 GiB at the direct map; host unit tests
 * pass real pointers as "physical" addresses.
 */
#ifndef ASM_BOOT_PHYS_H
#define ASM_BOOT_PHYS_H

#include <mica/layout.h>
#include <mica/types.h>

static inline const void *boot_phys(paddr_t pa)
{
#ifdef MICA_HOST
    return (const void *)(uintptr_t)pa;
#else
    return (const void *)(DIRECTMAP_VIRT_START + pa);
#endif
}

#endif
