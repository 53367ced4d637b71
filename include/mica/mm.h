/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypervisor memory: page tables, the direct map, the frame table and the
 * page heap (the arch glue around common/page_alloc.c).
 */
#ifndef MICA_MM_H
#define MICA_MM_H

#include <mica/layout.h>
#include <mica/page.h>
#include <mica/page_alloc.h>

struct boot_info;

extern struct page_info *frame_table;   /* at FRAMETABLE_VIRT_START */
extern mfn_t max_mfn;                   /* frames covered by the frame table */

static inline void *maddr_to_virt(paddr_t pa) { return (void *)(DIRECTMAP_VIRT_START + pa); }
static inline void *mfn_to_virt(mfn_t mfn) { return maddr_to_virt(mfn << PAGE_SHIFT); }
paddr_t virt_to_maddr(const void *va);
static inline struct page_info *mfn_to_page(mfn_t mfn) { return &frame_table[mfn]; }
static inline mfn_t page_to_mfn(const struct page_info *pg) { return (mfn_t)(pg - frame_table); }
static inline bool mfn_valid(mfn_t mfn) { return mfn < max_mfn && (frame_table[mfn].flags & PGF_RAM); }

/*
 * Build Mica's own page tables from the memory map (direct map of RAM and
 * ACPI regions, the image with proper permissions and the stack guard
 * pages, the frame table), switch to them, and fill the heap with every
 * free frame. After this the boot identity map is gone.
 */
void mm_init(const struct boot_info *bi);

/* Heap pages for the hypervisor's own use (direct-mapped). */
void *alloc_pages(unsigned order);
void free_pages(void *va, unsigned order);
uint64_t heap_free_page_count(void);
uint64_t heap_total_page_count(void);
/*
 * Frame-level allocation with an owner: OWNER_HYPERVISOR's by best fit,
 * a domain's from the highest memory down (page_alloc.h: low memory is
 * kept for the requests that need it).
 */
struct page_info *alloc_domain_pages(uint16_t owner, unsigned order);
/*
 * Frames for guest memory with no owner yet (OWNER_NONE, counts zero), from
 * the highest memory down; address_bits != 0: all below 2^address_bits
 * bytes (Xen's MEMF_bits). NULL when nothing fits.
 */
struct page_info *alloc_guest_frames(unsigned order, unsigned address_bits);
void free_frames(mfn_t mfn, unsigned order);
/*
 * Idle scrubbing (page_alloc.h): zero up to max dirty free frames, one at
 * a time, until stop() says the CPU has better things to do. Frames a CPU
 * may still cache a stale translation to are left for later. Returns how
 * many were zeroed (0: nothing to do now).
 */
unsigned int scrub_free_frames(unsigned int max, bool (*stop)(void));
/*
 * Zero what allocated frames need zeroing (those not PGF_ZEROED) and
 * clear the flag: the frames then hold only zeroes.
 */
void clear_allocated_frames(struct page_info *pg, unsigned order);

/* Whether [pa, pa+len) is inside the direct map (RAM, ACPI, low legacy memory). */
bool directmap_covers(paddr_t pa, uint64_t len);

/* Map device memory uncached; returns a virtual address in the ioremap area. */
void *ioremap(paddr_t pa, size_t size);

/* Machine-to-phys table (see arch/x86/mm.c). */
#define INVALID_M2P_ENTRY (~0ULL)       /* not a guest frame */
void set_m2p(mfn_t mfn, uint64_t pfn);
uint64_t get_m2p(mfn_t mfn);
uint64_t m2p_size_bytes(void);
/* Mica's own L4 (its slots 256-271 are copied into every guest L4). */
const uint64_t *idle_page_table(void);

/* Print the 4-level walk of va under the page tables at cr3 (crash dumps). */
void show_page_walk(uint64_t cr3, uint64_t va);

/* Page-table entry bits. */
#define _PAGE_PRESENT  (1ULL << 0)
#define _PAGE_RW       (1ULL << 1)
#define _PAGE_USER     (1ULL << 2)
#define _PAGE_PWT      (1ULL << 3)
#define _PAGE_PCD      (1ULL << 4)
#define _PAGE_ACCESSED (1ULL << 5)
#define _PAGE_DIRTY    (1ULL << 6)
#define _PAGE_PSE      (1ULL << 7)
#define _PAGE_GLOBAL   (1ULL << 8)
#define _PAGE_NX       (1ULL << 63)
#define PTE_ADDR_MASK  0x000ffffffffff000ULL

#endif
