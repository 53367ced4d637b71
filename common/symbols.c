/* SPDX-License-Identifier: GPL-2.0-only */
/* Address-to-name lookup over the table tools/build/gen-symbols.py embeds. */
#include <mica/lib.h>
#include <mica/setup.h>
#include <mica/symbols.h>

extern const uint64_t symbols_count;
extern const uint64_t symbols_addrs[];
extern const uint32_t symbols_offsets[];
extern const char symbols_names[];

const char *symbol_lookup(uint64_t addr, uint64_t *offset, uint64_t *size)
{
    uint64_t n = symbols_count;

    if (n == 0 || addr < symbols_addrs[0] || addr >= (uint64_t)__image_end)
        return NULL;
    /* Last entry whose address is <= addr. */
    uint64_t lo = 0, hi = n;
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (symbols_addrs[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    uint64_t next = lo + 1 < n ? symbols_addrs[lo + 1] : (uint64_t)__image_end;
    *offset = addr - symbols_addrs[lo];
    *size = next - symbols_addrs[lo];
    return symbols_names + symbols_offsets[lo];
}

void symbol_format(uint64_t addr, char *buf, size_t n)
{
    uint64_t off, size;
    const char *name = symbol_lookup(addr, &off, &size);
    if (name)
        snprintf(buf, n, "%s+%#lx/%#lx", name, off, size);
    else
        snprintf(buf, n, "%#lx", addr);
}
