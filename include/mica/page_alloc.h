/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The physical page allocator: a binary buddy heap over the frame table.
 *
 * Free blocks are 2^order frames, naturally aligned; the first frame of a
 * block carries PGF_FREE_HEAD and the order, every frame in it PGF_FREE.
 * Freeing merges a block with its buddy while the buddy is a free block of
 * the same order, so fragmentation never outlives the allocations causing
 * it. The heap does no locking; callers serialise (heap_lock in the
 * hypervisor's wrapper, nothing in single-threaded unit tests).
 */
#ifndef MICA_PAGE_ALLOC_H
#define MICA_PAGE_ALLOC_H

#include <mica/page.h>

#define MAX_ORDER 18            /* 1 GiB blocks */

struct page_heap {
    struct page_info *frames;
    mfn_t nr_frames;
    uint32_t free_head[MAX_ORDER + 1];
    uint64_t free_pages;
    uint64_t total_pages;       /* ever added */
};

void heap_init(struct page_heap *h, struct page_info *frames, mfn_t nr_frames);
/* Hand [start, start + count) to the heap; frames must be RAM and unused. */
void heap_add_range(struct page_heap *h, mfn_t start, mfn_t count);
/* 2^order contiguous frames, or INVALID_MFN. Frames come back with owner OWNER_NONE, counts zero. */
mfn_t heap_alloc(struct page_heap *h, unsigned order);
/* Returns 0, or -1 for a block that is misaligned, out of range or already free. */
int heap_free(struct page_heap *h, mfn_t mfn, unsigned order);
/* Consistency check for tests: walks every list; returns 0 when sound. */
int heap_check(const struct page_heap *h);

#endif
