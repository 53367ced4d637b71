/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The virtual layout of a 64-bit PV domU at boot, computed the way Xen's
 * libxc PV builder (xg_dom_x86.c, xg_dom_core.c) lays it out, with the
 * p2m list inside the initial mapping (Linux accepts both places):
 *
 *   virt_base ... kernel (kstart..kend) | ramdisk | p2m list |
 *   start_info | xenstore ring | console ring | page tables L4,L3s,L2s,L1s |
 *   boot stack | >= 512 KiB margin ... map_end (4 MiB aligned)
 *
 * Pseudo-physical frame n is virt_base + n pages. The initial page tables
 * map [virt_base, map_end) to the domain's frames; their own frames are
 * mapped read-only (a PV guest may not have writable mappings of its page
 * tables). Everything here is pure computation, host-tested.
 */
#ifndef XL_BUILD_LAYOUT_H
#define XL_BUILD_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include <public/xen.h>

#define XL_PAGE_SIZE 4096ULL
/* libxc's PTE bits for a 64-bit PV guest's boot tables. */
#define XL_L1_PROT 0x023ULL /* present, rw, accessed */
#define XL_UP_PROT 0x067ULL /* present, rw, user, accessed, dirty */
#define XL_PTE_RW 0x002ULL

struct xl_layout {
	uint64_t virt_base;
	uint64_t kstart, kend;        /* kernel image, kend page-rounded */
	uint64_t ramdisk, ramdisk_len;
	uint64_t p2m, p2m_len;        /* nr_pages * 8 bytes */
	uint64_t start_info, xenstore, console;
	uint64_t pt;                  /* first page-table page (the L4) */
	uint64_t nr_pt;               /* page-table frames */
	uint64_t nr_l3, nr_l2, nr_l1;
	uint64_t l3_base, l2_base, l1_base; /* VA covered by the first table */
	uint64_t stack;               /* boot stack page; rsp = stack + 4 KiB */
	uint64_t map_end;             /* end of the initial mapping */
	uint64_t nr_pages;            /* domain's pages = p2m entries */
	/* The p2m list at the kernel's INIT_P2M address (p2m_apart), as libxc
	 * places it: its frames, then the tables mapping it, are the pfns
	 * from p2m_pfn (= the initial mapping's end) on. */
	int p2m_apart;
	uint64_t p2m_pfn, nr_p2m_list, nr_p2m_frames;
};

/* Pseudo-physical frame of a VA inside the layout. */
static inline uint64_t xl_pfn(const struct xl_layout *l, uint64_t va)
{
	return (va - l->virt_base) / XL_PAGE_SIZE;
}

/*
 * Compute the layout. @kend is the end of everything the kernel occupies
 * (kimg's virt_alloc_end); @init_p2m the kernel's INIT_P2M address, or 0
 * for a p2m list inside the initial mapping. Returns 0, or -1 with a
 * sentence in @err (the domain is too small, addresses out of order).
 */
int xl_layout_compute(struct xl_layout *l, uint64_t virt_base,
                      uint64_t kstart, uint64_t kend, uint64_t ramdisk_len,
                      uint64_t nr_pages, uint64_t init_p2m, char *err,
                      size_t errsz);

/* Pages from pfn 0 the builder writes: the initial mapping and, when the
 * p2m list is apart, its frames and tables. */
static inline uint64_t xl_layout_pages(const struct xl_layout *l)
{
	return l->p2m_pfn + l->nr_p2m_frames;
}

/*
 * With the p2m list apart: write the list (@mfns, nr_pages entries) and the
 * tables mapping it at its address, linked into the L4 that
 * xl_layout_pagetables wrote. @pfn0 is where pfn 0 is mapped for writing
 * (all of xl_layout_pages). The list is mapped read-write, as by libxc.
 */
void xl_layout_p2m(const struct xl_layout *l, const uint64_t *mfns,
                   uint8_t *pfn0);

/*
 * Write the page tables (l->nr_pt pages, in frame order L4, L3s, L2s,
 * L1s) into @tables, mapping pfn n to @mfns[n].
 */
void xl_layout_pagetables(const struct xl_layout *l, const uint64_t *mfns,
                          uint64_t *tables);

struct xl_start_params {
	uint64_t shared_info_mfn;
	uint32_t store_evtchn, console_evtchn;
	const char *cmdline;          /* may be NULL */
};

/* Fill start_info (the whole struct is rewritten). */
void xl_layout_start_info(const struct xl_layout *l, const uint64_t *mfns,
                          const struct xl_start_params *p,
                          struct start_info *si);

#endif
