/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Machine memory maps (e820 style) and the boot-time range allocator.
 *
 * The loader's map is untrusted input: entries may overlap, be unsorted,
 * have zero length or wrap around. memmap_sanitize() turns it into sorted,
 * non-overlapping, merged regions where any non-RAM type wins over RAM
 * (firmware marks holes inside RAM that way), then the "free" map starts as
 * a copy of the RAM regions, minus what is in use (the image, modules, low
 * memory), and boot allocations are carved from it.
 */
#ifndef MICA_MEMMAP_H
#define MICA_MEMMAP_H

#include <mica/types.h>

enum mem_type {
    MEM_RAM = 1,
    MEM_RESERVED = 2,
    MEM_ACPI = 3,       /* ACPI tables, reclaimable */
    MEM_NVS = 4,        /* ACPI non-volatile storage */
    MEM_UNUSABLE = 5,
};

#define MEMMAP_MAX 128

struct mem_region {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
};

struct memmap {
    unsigned nr;
    struct mem_region r[MEMMAP_MAX];
};

const char *mem_type_name(uint32_t type);
/* Append a raw entry; returns -1 when full, 0 otherwise (empty/wrapping ones are dropped). */
int memmap_add(struct memmap *m, uint64_t addr, uint64_t size, uint32_t type);
/* Sort, resolve overlaps (higher type wins), merge neighbours of one type. */
void memmap_sanitize(struct memmap *m);
/* Copy the RAM regions of src into dst, page-aligned inwards. */
void memmap_ram_only(struct memmap *dst, const struct memmap *src);
/* Remove [addr, addr+size) from every region (may split one; -1 if full). */
int memmap_carve(struct memmap *m, uint64_t addr, uint64_t size);
/*
 * Take size bytes aligned to align, from the lowest region that fits below
 * limit; returns the address, or 0 when nothing fits (0 is never free: the
 * first MiB is kept out of the free map).
 */
uint64_t memmap_take(struct memmap *m, uint64_t size, uint64_t align, uint64_t limit);
uint64_t memmap_total(const struct memmap *m, uint32_t type);
/* End of the highest region of the given type (0 when none). */
uint64_t memmap_top(const struct memmap *m, uint32_t type);

#endif
