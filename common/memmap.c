/* SPDX-License-Identifier: GPL-2.0-only */
#include <mica/memmap.h>
#include <mica/string.h>

const char *mem_type_name(uint32_t type)
{
    switch (type) {
    case MEM_RAM: return "RAM";
    case MEM_RESERVED: return "reserved";
    case MEM_ACPI: return "ACPI data";
    case MEM_NVS: return "ACPI NVS";
    case MEM_UNUSABLE: return "unusable";
    default: return "unknown";
    }
}

int memmap_add(struct memmap *m, uint64_t addr, uint64_t size, uint32_t type)
{
    if (size == 0 || addr + size < addr)
        return 0;
    if (m->nr >= MEMMAP_MAX)
        return -1;
    /* Types we do not know are treated as reserved, never as RAM. */
    if (type < MEM_RAM || type > MEM_UNUSABLE)
        type = MEM_RESERVED;
    m->r[m->nr++] = (struct mem_region){ addr, size, type };
    return 0;
}

/*
 * Boundary sweep: collect every start and end point, then for each span
 * between consecutive points take the highest type of the regions covering
 * it. O(n^2) over at most MEMMAP_MAX entries, which is nothing at boot.
 */
void memmap_sanitize(struct memmap *m)
{
    uint64_t pts[2 * MEMMAP_MAX];
    unsigned np = 0;

    for (unsigned i = 0; i < m->nr; i++) {
        pts[np++] = m->r[i].addr;
        pts[np++] = m->r[i].addr + m->r[i].size;
    }
    for (unsigned i = 1; i < np; i++)       /* insertion sort */
        for (unsigned j = i; j > 0 && pts[j - 1] > pts[j]; j--) {
            uint64_t t = pts[j]; pts[j] = pts[j - 1]; pts[j - 1] = t;
        }

    struct memmap out = { 0 };
    for (unsigned i = 0; i + 1 < np; i++) {
        uint64_t lo = pts[i], hi = pts[i + 1];
        if (lo == hi)
            continue;
        uint32_t type = 0;
        for (unsigned k = 0; k < m->nr; k++)
            if (m->r[k].addr <= lo && m->r[k].addr + m->r[k].size >= hi && m->r[k].type > type)
                type = m->r[k].type;
        if (!type)
            continue;   /* a hole */
        struct mem_region *last = out.nr ? &out.r[out.nr - 1] : NULL;
        if (last && last->type == type && last->addr + last->size == lo)
            last->size += hi - lo;
        else if (out.nr < MEMMAP_MAX)
            out.r[out.nr++] = (struct mem_region){ lo, hi - lo, type };
    }
    *m = out;
}

void memmap_ram_only(struct memmap *dst, const struct memmap *src)
{
    dst->nr = 0;
    for (unsigned i = 0; i < src->nr; i++) {
        if (src->r[i].type != MEM_RAM)
            continue;
        uint64_t lo = ALIGN_UP(src->r[i].addr, PAGE_SIZE);
        uint64_t hi = ALIGN_DOWN(src->r[i].addr + src->r[i].size, PAGE_SIZE);
        if (hi > lo)
            dst->r[dst->nr++] = (struct mem_region){ lo, hi - lo, MEM_RAM };
    }
}

int memmap_carve(struct memmap *m, uint64_t addr, uint64_t size)
{
    if (size == 0)
        return 0;
    uint64_t end = addr + size;
    if (end < addr)
        end = UINT64_MAX;

    for (unsigned i = 0; i < m->nr; i++) {
        struct mem_region *r = &m->r[i];
        uint64_t rend = r->addr + r->size;
        if (end <= r->addr || addr >= rend)
            continue;
        if (addr <= r->addr && end >= rend) {          /* whole region */
            memmove(r, r + 1, (m->nr - i - 1) * sizeof(*r));
            m->nr--;
            i--;
        } else if (addr <= r->addr) {                   /* head */
            r->size = rend - end;
            r->addr = end;
        } else if (end >= rend) {                       /* tail */
            r->size = addr - r->addr;
        } else {                                        /* middle: split */
            if (m->nr >= MEMMAP_MAX)
                return -1;
            memmove(r + 2, r + 1, (m->nr - i - 1) * sizeof(*r));
            m->nr++;
            r[1] = (struct mem_region){ end, rend - end, r->type };
            r->size = addr - r->addr;
            i++;
        }
    }
    return 0;
}

uint64_t memmap_take(struct memmap *m, uint64_t size, uint64_t align, uint64_t limit)
{
    for (unsigned i = 0; i < m->nr; i++) {
        uint64_t start = ALIGN_UP(m->r[i].addr, align);
        uint64_t rend = m->r[i].addr + m->r[i].size;
        if (start < m->r[i].addr || start + size < start)
            continue;
        if (start + size <= rend && start + size <= limit && start != 0) {
            if (memmap_carve(m, start, size) < 0)
                continue;
            return start;
        }
    }
    return 0;
}

uint64_t memmap_total(const struct memmap *m, uint32_t type)
{
    uint64_t t = 0;
    for (unsigned i = 0; i < m->nr; i++)
        if (m->r[i].type == type)
            t += m->r[i].size;
    return t;
}

uint64_t memmap_top(const struct memmap *m, uint32_t type)
{
    uint64_t top = 0;
    for (unsigned i = 0; i < m->nr; i++)
        if (m->r[i].type == type && m->r[i].addr + m->r[i].size > top)
            top = m->r[i].addr + m->r[i].size;
    return top;
}
