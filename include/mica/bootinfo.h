/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the boot loader told us, copied out of the loader's structures (which
 * live in memory we are about to reuse) into one protocol-neutral record.
 */
#ifndef MICA_BOOTINFO_H
#define MICA_BOOTINFO_H

#include <mica/memmap.h>

#define BOOT_MAX_MODULES 16
#define BOOT_STRING_MAX  1024

struct boot_module {
    paddr_t start;
    paddr_t end;                        /* exclusive */
    char cmdline[BOOT_STRING_MAX];
};

struct boot_info {
    unsigned protocol;                  /* 1 = multiboot, 2 = multiboot2 */
    char loader[64];
    char cmdline[BOOT_STRING_MAX];
    struct memmap map;                  /* as reported, sanitized */
    unsigned nr_modules;
    unsigned dropped_modules;           /* beyond BOOT_MAX_MODULES */
    struct boot_module modules[BOOT_MAX_MODULES];
    uint8_t rsdp[36];                   /* ACPI RSDP copy from multiboot2, if given */
    bool have_rsdp;
};

extern struct boot_info boot_info;

/* Parse the loader's information; returns 0 or a negative error. */
int multiboot_parse(uint32_t magic, paddr_t info, struct boot_info *bi);

#endif
