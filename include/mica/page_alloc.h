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
 *
 * Zones. As in Xen, free blocks are kept on one list per (zone, order),
 * where a block's zone is the bit width of its highest frame number:
 * zone z holds only frames below 2^z (zone 0 is frame 0 alone, zone 1
 * frame 1, zone 2 frames 2-3, ... zone 20 frames 512 Ki - 1 Mi - 1, i.e.
 * 2-4 GiB). That makes two questions cheap:
 *  - "a block entirely below 2^bits bytes" (DMA-limited requests,
 *    XENMEMF_address_bits, Linux's swiotlb exchanges): search zones
 *    <= bits - PAGE_SHIFT only;
 *  - "the highest memory first" (guest memory): search zones from the top,
 *    so low memory, which only some requests can use, goes last.
 *
 * Scrubbing (Xen's idle scrubbing, bootscrub=idle included). A free frame
 * is PGF_DIRTY when it may hold data: freed by a user, or RAM as found at
 * boot. An idle CPU asks for dirty free frames (heap_scrub_next), zeroes
 * them and reports it (heap_set_zeroed), which flags them PGF_ZEROED
 * instead. Allocation leaves PGF_ZEROED on the frames it hands out, so a
 * caller that must give out zeroed memory (a guest's new frames) clears
 * only the frames without it: a new 128 MiB domain was ~100 ms of memset
 * under TCG. As Xen does, guest allocations prefer blocks known to be all
 * zeroes (PGF_CLEAN on the head; such blocks are kept at the front of
 * their list): a domain created right after another was destroyed gets
 * scrubbed memory rather than the one just freed.
 */
#ifndef MICA_PAGE_ALLOC_H
#define MICA_PAGE_ALLOC_H

#include <mica/page.h>

#define MAX_ORDER 18            /* 1 GiB blocks */
/* Frame numbers are 32-bit in the list links: widths 0..32. */
#define HEAP_ZONES 33

struct page_heap {
    struct page_info *frames;
    mfn_t nr_frames;
    uint32_t free_head[HEAP_ZONES][MAX_ORDER + 1];   /* PGF_CLEAN blocks first */
    uint32_t free_tail[HEAP_ZONES][MAX_ORDER + 1];
    uint64_t zone_free[HEAP_ZONES];     /* free frames per zone */
    uint64_t free_pages;
    uint64_t total_pages;       /* ever added */
    uint64_t dirty_pages;       /* free frames flagged PGF_DIRTY */
    mfn_t dirty_lo, dirty_hi;   /* they are all in [lo, hi) */
    mfn_t scrub_cursor;         /* where heap_scrub_next looks next */
};

void heap_init(struct page_heap *h, struct page_info *frames, mfn_t nr_frames);
/* Hand [start, start + count) to the heap; frames must be RAM and unused. */
void heap_add_range(struct page_heap *h, mfn_t start, mfn_t count);
/*
 * 2^order contiguous frames, or INVALID_MFN. Frames come back with owner
 * OWNER_NONE, counts zero. Best fit: the smallest free block that holds
 * the request (the highest such block when several zones have one), split
 * keeping its low half. For the hypervisor's own, mostly single-page,
 * allocations.
 */
mfn_t heap_alloc(struct page_heap *h, unsigned order);
/*
 * Xen's domain-heap policy: the highest zone that has a block of at least
 * 2^order frames, the smallest such block there, split keeping its high
 * half; first among the PGF_CLEAN blocks, then among all. address_bits != 0 limits the search to blocks wholly below
 * 2^address_bits bytes (at most 12 means frames 0 and 1, as in Xen).
 */
mfn_t heap_alloc_high(struct page_heap *h, unsigned order, unsigned address_bits);
/* Returns 0, or -1 for a block that is misaligned, out of range or already free. */
int heap_free(struct page_heap *h, mfn_t mfn, unsigned order);
/* Free frames that heap_alloc_high(h, 0, address_bits) could hand out (0: all). */
uint64_t heap_free_below(const struct page_heap *h, unsigned address_bits);
/* The zone of the block of 2^order frames at mfn (its highest frame's bit width). */
unsigned heap_zone(mfn_t mfn, unsigned order);
/*
 * A free PGF_DIRTY frame, looking at no more than `budget` frames from
 * where the last search stopped (wrapping around within the range that
 * holds the dirty frames), and passing over frames `skip` says may not be
 * written yet; INVALID_MFN if there was none. The frame stays free: zero it and call heap_set_zeroed under the
 * same hold of the caller's lock.
 */
mfn_t heap_scrub_next(struct page_heap *h, mfn_t budget, bool (*skip)(const struct page_info *pg));
/* Free frame mfn now holds zeroes (PGF_ZEROED, no longer PGF_DIRTY). */
void heap_set_zeroed(struct page_heap *h, mfn_t mfn);
/* Consistency check for tests: walks every list; returns 0 when sound. */
int heap_check(const struct page_heap *h);

#endif
