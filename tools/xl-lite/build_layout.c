// SPDX-License-Identifier: GPL-2.0-only
/*
 * PV domU layout and boot page tables (see build_layout.h). The order of
 * the pieces and the sizing loop for the page tables follow libxc, so a
 * kernel sees the same start_info/pt_base/stack relations it sees on Xen:
 * kernel | ramdisk | p2m list | start_info | xenstore | console | tables |
 * stack, mapped to a 4 MiB boundary; a kernel with INIT_P2M (Linux) gets
 * its p2m list at that address instead, mapped by tables of its own, its
 * frames after the initial mapping (Linux's cleanup of the kernel mapping
 * assumes exactly that).
 */
#include "build_layout.h"

#include <stdio.h>
#include <string.h>

/* libxc truncates addresses to 48 bits before counting tables. */
#define VA_MASK ((1ULL << 48) - 1)
#define MAP_ALIGN (4ULL << 20)
#define MARGIN (512ULL << 10)

static uint64_t page_up(uint64_t v)
{
	return (v + XL_PAGE_SIZE - 1) & ~(XL_PAGE_SIZE - 1);
}

/* Tables of level @lvl (1 = L1) needed for the inclusive range, and the
 * VA the first of them starts at. */
static uint64_t tables_for(uint64_t from, uint64_t to, unsigned lvl,
                           uint64_t *base)
{
	unsigned bits = 12 + 9 * lvl;
	uint64_t mask = (1ULL << bits) - 1;
	uint64_t lo = (from & VA_MASK) & ~mask, hi = (to & VA_MASK) | mask;

	*base = lo;
	return ((hi - lo) >> bits) + 1;
}

int xl_layout_compute(struct xl_layout *l, uint64_t virt_base,
                      uint64_t kstart, uint64_t kend, uint64_t ramdisk_len,
                      uint64_t nr_pages, uint64_t init_p2m, char *err,
                      size_t errsz)
{
	uint64_t alloc_end, pages, extra, try_end, n;

	memset(l, 0, sizeof(*l));
	if (virt_base & (XL_PAGE_SIZE - 1) || kstart < virt_base ||
	    kend < kstart) {
		snprintf(err, errsz, "kernel addresses out of order (virt_base "
		         "%#llx, start %#llx, end %#llx)",
		         (unsigned long long)virt_base,
		         (unsigned long long)kstart, (unsigned long long)kend);
		return -1;
	}
	l->virt_base = virt_base;
	l->nr_pages = nr_pages;
	l->kstart = kstart;
	l->kend = page_up(kend);
	l->ramdisk = l->kend;
	l->ramdisk_len = ramdisk_len;
	l->p2m_len = nr_pages * 8;
	l->p2m_apart = init_p2m != 0;
	if (l->p2m_apart) {
		/* Its own 512 GiB slot (Linux's is slot 1), so every table
		 * below the L4 is the builder's own. */
		if (init_p2m & (XL_PAGE_SIZE - 1) ||
		    ((init_p2m & VA_MASK) >> 39) != (((init_p2m + l->p2m_len - 1) & VA_MASK) >> 39) ||
		    ((init_p2m & VA_MASK) >> 39) == ((virt_base & VA_MASK) >> 39) ||
		    ((init_p2m & VA_MASK) >> 39) == ((page_up(kend) & VA_MASK) >> 39)) {
			snprintf(err, errsz, "INIT_P2M address %#llx is unaligned or "
			         "shares the kernel's top-level page-table slot",
			         (unsigned long long)init_p2m);
			return -1;
		}
		l->p2m = init_p2m;
		l->start_info = page_up(l->ramdisk + ramdisk_len);
	} else {
		l->p2m = page_up(l->ramdisk + ramdisk_len);
		l->start_info = page_up(l->p2m + l->p2m_len);
	}
	l->xenstore = l->start_info + XL_PAGE_SIZE;
	l->console = l->xenstore + XL_PAGE_SIZE;
	alloc_end = l->console + XL_PAGE_SIZE;

	/* Page tables and the boot stack, plus a 512 KiB margin Linux's early
	 * allocator relies on, all inside the 4 MiB-aligned mapped range. */
	extra = 1 + MARGIN / XL_PAGE_SIZE;
	pages = extra;
	for (;;) {
		try_end = (alloc_end + pages * XL_PAGE_SIZE) | (MAP_ALIGN - 1);
		n = 1 + tables_for(virt_base, try_end, 3, &l->l3_base) +
		    tables_for(virt_base, try_end, 2, &l->l2_base) +
		    tables_for(virt_base, try_end, 1, &l->l1_base);
		pages = n + extra;
		if (alloc_end + pages * XL_PAGE_SIZE <= try_end + 1)
			break;
	}
	l->nr_l3 = tables_for(virt_base, try_end, 3, &l->l3_base);
	l->nr_l2 = tables_for(virt_base, try_end, 2, &l->l2_base);
	l->nr_l1 = tables_for(virt_base, try_end, 1, &l->l1_base);
	l->nr_pt = n;
	l->pt = alloc_end;
	l->stack = l->pt + n * XL_PAGE_SIZE;
	l->map_end = try_end + 1;
	l->p2m_pfn = xl_pfn(l, l->map_end);
	if (l->p2m_apart) {
		uint64_t last = l->p2m + l->p2m_len - 1, b;

		l->nr_p2m_list = (page_up(l->p2m + l->p2m_len) - l->p2m) / XL_PAGE_SIZE;
		l->nr_p2m_frames = l->nr_p2m_list + tables_for(l->p2m, last, 3, &b) +
		                   tables_for(l->p2m, last, 2, &b) +
		                   tables_for(l->p2m, last, 1, &b);
	}
	if (xl_layout_pages(l) > nr_pages) {
		snprintf(err, errsz, "not enough memory for the initial mapping: "
		         "kernel, ramdisk and boot data need %llu pages, the "
		         "domain has %llu",
		         (unsigned long long)xl_layout_pages(l),
		         (unsigned long long)nr_pages);
		return -1;
	}
	return 0;
}

void xl_layout_pagetables(const struct xl_layout *l, const uint64_t *mfns,
                          uint64_t *tables)
{
	uint64_t pt_pfn = xl_pfn(l, l->pt);
	uint64_t l3_pfn = pt_pfn + 1, l2_pfn = l3_pfn + l->nr_l3;
	uint64_t l1_pfn = l2_pfn + l->nr_l2;
	uint64_t *l4 = tables;
	uint64_t va;

	memset(tables, 0, l->nr_pt * XL_PAGE_SIZE);
	for (va = l->virt_base; va < l->map_end; va += XL_PAGE_SIZE) {
		uint64_t m = va & VA_MASK;
		uint64_t t3 = (m - l->l3_base) >> 39, t2 = (m - l->l2_base) >> 30;
		uint64_t t1 = (m - l->l1_base) >> 21, pfn = xl_pfn(l, va);
		uint64_t *l3 = tables + (1 + t3) * 512;
		uint64_t *l2 = tables + (1 + l->nr_l3 + t2) * 512;
		uint64_t *l1 = tables + (1 + l->nr_l3 + l->nr_l2 + t1) * 512;
		uint64_t prot = XL_L1_PROT;

		l4[(m >> 39) & 511] = (mfns[l3_pfn + t3] << 12) | XL_UP_PROT;
		l3[(m >> 30) & 511] = (mfns[l2_pfn + t2] << 12) | XL_UP_PROT;
		l2[(m >> 21) & 511] = (mfns[l1_pfn + t1] << 12) | XL_UP_PROT;
		if (pfn >= pt_pfn && pfn < pt_pfn + l->nr_pt)
			prot &= ~XL_PTE_RW;
		l1[(m >> 12) & 511] = (mfns[pfn] << 12) | prot;
	}
}

/* The pfn of one of the p2m list's table frames, by its mfn. */
static uint64_t p2m_table_pfn(const struct xl_layout *l, const uint64_t *mfns,
                              uint64_t mfn)
{
	uint64_t pfn = l->p2m_pfn + l->nr_p2m_list;

	while (pfn < xl_layout_pages(l) - 1 && mfns[pfn] != mfn)
		pfn++;
	return pfn;
}

void xl_layout_p2m(const struct xl_layout *l, const uint64_t *mfns,
                   uint8_t *pfn0)
{
	uint64_t *l4 = (uint64_t *)(pfn0 + xl_pfn(l, l->pt) * XL_PAGE_SIZE);
	uint64_t next = l->p2m_pfn + l->nr_p2m_list;

	if (!l->p2m_apart)
		return;
	memset(pfn0 + l->p2m_pfn * XL_PAGE_SIZE, 0,
	       l->nr_p2m_frames * XL_PAGE_SIZE);
	memcpy(pfn0 + l->p2m_pfn * XL_PAGE_SIZE, mfns, l->p2m_len);
	for (uint64_t i = 0; i < l->nr_p2m_list; i++) {
		uint64_t va = (l->p2m + i * XL_PAGE_SIZE) & VA_MASK;
		uint64_t *t = l4;

		/* Down the levels, taking the next table frame where none is. */
		for (unsigned shift = 39; shift > 12; shift -= 9) {
			uint64_t *e = &t[(va >> shift) & 511];

			if (!*e)
				*e = (mfns[next++] << 12) | XL_UP_PROT;
			t = (uint64_t *)(pfn0 + p2m_table_pfn(l, mfns, *e >> 12) *
			                 XL_PAGE_SIZE);
		}
		t[(va >> 12) & 511] = (mfns[l->p2m_pfn + i] << 12) | XL_L1_PROT;
	}
}

void xl_layout_start_info(const struct xl_layout *l, const uint64_t *mfns,
                          const struct xl_start_params *p,
                          struct start_info *si)
{
	memset(si, 0, sizeof(*si));
	snprintf(si->magic, sizeof(si->magic), "xen-3.0-x86_64");
	si->nr_pages = l->nr_pages;
	si->shared_info = p->shared_info_mfn << 12;
	si->flags = 0;
	si->store_mfn = mfns[xl_pfn(l, l->xenstore)];
	si->store_evtchn = p->store_evtchn;
	si->console.domU.mfn = mfns[xl_pfn(l, l->console)];
	si->console.domU.evtchn = p->console_evtchn;
	si->pt_base = l->pt;
	si->nr_pt_frames = l->nr_pt;
	si->mfn_list = l->p2m;
	if (l->p2m_apart) {
		si->first_p2m_pfn = l->p2m_pfn;
		si->nr_p2m_frames = l->nr_p2m_frames;
	}
	if (l->ramdisk_len) {
		si->mod_start = l->ramdisk;
		si->mod_len = l->ramdisk_len;
	}
	if (p->cmdline) {
		strncpy((char *)si->cmd_line, p->cmdline, MAX_GUEST_CMDLINE - 1);
		si->cmd_line[MAX_GUEST_CMDLINE - 1] = 0;
	}
}
