/* SPDX-License-Identifier: GPL-2.0-only */
/* Self-tests of the foundation: heap, frame references, symbols, console ring. */
#include <mica/console.h>
#include <mica/mm.h>
#include <mica/selftest.h>
#include <mica/setup.h>
#include <mica/string.h>
#include <mica/symbols.h>

static const char *test_heap(void)
{
    uint64_t before = heap_free_page_count();
    void *blocks[8];
    for (unsigned o = 0; o < 8; o++) {
        blocks[o] = alloc_pages(o);
        if (!blocks[o])
            return "allocation failed";
        if ((uint64_t)virt_to_maddr(blocks[o]) & ((PAGE_SIZE << o) - 1))
            return "block not naturally aligned";
        memset(blocks[o], 0xa5, PAGE_SIZE << o);
    }
    if (heap_free_page_count() != before - 255)
        return "free count did not drop by the pages taken";
    for (unsigned o = 0; o < 8; o++)
        free_pages(blocks[o], o);
    if (heap_free_page_count() != before)
        return "free count not restored after freeing";
    return NULL;
}
SELFTEST(test_heap);

static const char *test_frame_refs(void)
{
    uint64_t before = heap_free_page_count();
    struct page_info *pg = alloc_domain_pages(1, 0);
    if (!pg)
        return "allocation failed";
    if (get_page(pg, 2))
        return "get_page succeeded for a domain that does not own the frame";
    if (!get_page(pg, 1) || page_refcount(pg) != 2)
        return "get_page by the owner did not count";
    if (get_page_type(pg, PGT_WRITABLE) || page_type(pg) != PGT_WRITABLE)
        return "writable type refused on a fresh frame";
    if (!get_page_type(pg, PGT_L1))
        return "a frame in writable use became a page table";
    put_page_type(pg);
    if (get_page_type(pg, PGT_L1))
        return "retyping an unused frame failed";
    put_page_type(pg);
    put_page(pg);
    page_unassign(pg);
    if (heap_free_page_count() != before)
        return "frame not returned to the heap with its last reference";
    return NULL;
}
SELFTEST(test_frame_refs);

static const char *test_symbols(void)
{
    uint64_t off, size;
    const char *name = symbol_lookup((uint64_t)start_mica + 3, &off, &size);
    if (!name || strcmp(name, "start_mica") || off != 3 || size < 4)
        return "start_mica+3 not symbolized";
    return NULL;
}
SELFTEST(test_symbols);

static const char *test_console_ring(void)
{
    char buf[64];
    uint64_t pos = 0;
    size_t n = log_ring_read(&console_ring, &pos, buf, sizeof(buf) - 1);
    buf[n] = '\0';
    if (strncmp(buf, "(MICA) Mica ", 12))
        return "the banner is not at the start of the log ring";
    return NULL;
}
SELFTEST(test_console_ring);
