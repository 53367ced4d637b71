/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * XEN_ELFNOTE_INIT_P2M: a dom0 kernel that names an address for its p2m
 * list gets the list there, mapped on its own, as Linux asks (it relies on
 * the list not being inside the kernel's initial mapping when it cleans
 * that mapping up). Xen 4.17's dom0 builder: the list's frames, and the
 * page tables mapping it, are the pfns right after the initial region
 * (start_info first_p2m_pfn, nr_p2m_frames); the initial region itself
 * (kernel, start_info, page tables, stack) ends on a 4 MiB boundary.
 * The harness boots with dom0_mem=64M: 16384 pages, a 128 KiB list.
 */
#include "../lib/guest.h"

const char test_title[] = "INIT_P2M: the p2m list at the kernel's address";

#define P2M_VA 0x8000000000UL   /* Linux's choice: L4 slot 1 */

/* The note (type 15): only this guest has it, the others keep the list inside. */
__asm__(".pushsection .note.Xen, \"a\", @note\n"
        ".balign 4\n"
        ".long 4, 8, 15\n"
        ".asciz \"Xen\"\n"
        ".balign 4\n"
        ".quad 0x8000000000\n"
        ".popsection\n");

void test_main(void)
{
    start_info_t *si = SI;
    unsigned long list_pages = (si->nr_pages * 8 + PAGE_SIZE - 1) / PAGE_SIZE;
    unsigned long region_end = si->first_p2m_pfn << PAGE_SHIFT;

    printk("mfn_list %#lx first_p2m_pfn %#lx nr_p2m_frames %lu pt_base %#lx nr_pt_frames %lu\n",
           si->mfn_list, si->first_p2m_pfn, si->nr_p2m_frames, si->pt_base, si->nr_pt_frames);
    CHECK(si->mfn_list == P2M_VA, "mfn_list %#lx, the note asked for %#lx", si->mfn_list, P2M_VA);
    /* After the initial region: its page tables and the one-page stack come first. */
    CHECK(region_end >= si->pt_base + (si->nr_pt_frames + 1) * PAGE_SIZE,
          "first_p2m_pfn %#lx inside the initial region (tables end %#lx)", si->first_p2m_pfn,
          si->pt_base + si->nr_pt_frames * PAGE_SIZE);
    CHECK(!(region_end & ((4UL << 20) - 1)), "initial region ends at %#lx, not on 4 MiB", region_end);
    /* The list's pages plus an L3, an L2 and an L1 to map them (Xen: 32 + 3). */
    CHECK(si->nr_p2m_frames == list_pages + 3 && si->first_p2m_pfn + si->nr_p2m_frames <= si->nr_pages,
          "nr_p2m_frames %lu for a %lu-page list", si->nr_p2m_frames, list_pages);

    /* Readable where it was put, and right: every entry matches the M2P. */
    unsigned long bad = 0;
    for (unsigned long pfn = 0; pfn < si->nr_pages; pfn++)
        if (M2P[p2m()[pfn]] != pfn)
            bad++;
    CHECK(bad == 0, "%lu p2m entries disagree with the M2P", bad);
    /* Nothing of the list inside the initial region any more. */
    CHECK(region_end <= 64UL << 20, "initial region %#lx", region_end);
}
