/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * start_info of a 64-bit PV dom0, field by field, as Xen 4.17's dom0
 * builder fills it (xen/arch/x86/pv/dom0_build.c), and the p2m list against
 * the read-only machine-to-phys table. The harness boots with dom0_mem=64M,
 * no initrd and the module string "<elf> mica_guest_test=start_info answer=42".
 */
#include "../lib/guest.h"

const char test_title[] = "start_info fields of a PV dom0";

/* Is the page at va mapped, and is it writable? (-1 = not mapped) */
static int page_writable(unsigned long va)
{
    uint64_t pte = pte_read(va, 1);
    if (!(pte & _PAGE_PRESENT))
        return -1;
    return !!(pte & _PAGE_RW);
}

void test_main(void)
{
    start_info_t *si = SI;
    printk("magic '%s' nr_pages %lu shared_info %#lx flags %#x\n", si->magic, si->nr_pages,
           si->shared_info, si->flags);
    printk("pt_base %#lx nr_pt_frames %lu mfn_list %#lx cmd_line '%s' first_p2m_pfn %#lx\n",
           si->pt_base, si->nr_pt_frames, si->mfn_list, (char *)si->cmd_line, si->first_p2m_pfn);

    /* The magic names the ABI: "xen-3.0-x86_64", NUL padded to 32 bytes. */
    CHECK(!memcmp(si->magic, "xen-3.0-x86_64\0\0", 16), "magic '%.32s'", si->magic);

    /* dom0_mem=64M -> exactly 16384 pages. */
    CHECK(si->nr_pages == 16384, "nr_pages %lu, expected 16384 (dom0_mem=64M)", si->nr_pages);

    /*
     * Flags: privileged initial domain. Xen also puts its processor PM bits
     * (XEN_PROCESSOR_PM_PX | _CX = 3) into SIF_PM_MASK for dom0: 0x303.
     */
    CHECK((si->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN)) == (SIF_PRIVILEGED | SIF_INITDOMAIN),
          "flags %#x lack SIF_PRIVILEGED|SIF_INITDOMAIN", si->flags);
    CHECK(!(si->flags & (SIF_MULTIBOOT_MOD | SIF_MOD_START_PFN | SIF_VIRT_P2M_4TOOLS)),
          "flags %#x: module/p2m flags set without an initrd", si->flags);
    printk("flags PM bits: %#x\n", (si->flags & SIF_PM_MASK) >> 8);

    /* dom0 has no xenstore or console ring yet: zero. */
    CHECK(si->store_mfn == 0 && si->store_evtchn == 0, "store %#lx/%u", si->store_mfn,
          si->store_evtchn);
    /*
     * dom0 console: if Xen found a VGA console it describes it right after
     * start_info in the same page (Xen does with QEMU's VGA, 40 bytes at 1168).
     */
    if (si->console.dom0.info_size) {
        CHECK(si->console.dom0.info_off == sizeof(start_info_t) &&
              si->console.dom0.info_size == sizeof(dom0_vga_console_info_t),
              "vga info at %u size %u", si->console.dom0.info_off, si->console.dom0.info_size);
        const dom0_vga_console_info_t *vga = (void *)((char *)si + si->console.dom0.info_off);
        CHECK(vga->video_type == XEN_VGATYPE_TEXT_MODE_3 || vga->video_type == XEN_VGATYPE_VESA_LFB ||
              vga->video_type == XEN_VGATYPE_EFI_LFB, "vga type %#x", vga->video_type);
        printk("vga console info: type %#x\n", vga->video_type);
    } else {
        CHECK(si->console.dom0.info_off == 0, "info_off %u with size 0", si->console.dom0.info_off);
        printk("no vga console info\n");
    }

    /* No initrd module: mod_start/mod_len are 0. */
    CHECK(si->mod_start == 0 && si->mod_len == 0, "mod %#lx+%#lx", si->mod_start, si->mod_len);

    /* The dom0 command line is the module string minus its first word. */
    CHECK(!strcmp((char *)si->cmd_line, "mica_guest_test=start_info answer=42"),
          "cmd_line '%s'", (char *)si->cmd_line);

    /*
     * Layout (Xen's VIRTUAL MEMORY ARRANGEMENT): kernel, p2m list, start_info,
     * page tables, boot stack, all page aligned in one initial mapping that
     * starts at VIRT_BASE (0) and ends on a 4 MiB boundary.
     */
    extern char _end[];
    unsigned long si_va = (unsigned long)si;
    CHECK(!(si_va & 0xfff) && !(si->pt_base & 0xfff) && !(si->mfn_list & 0xfff),
          "start_info/pt_base/mfn_list not page aligned");
    CHECK(si->mfn_list >= (unsigned long)_end, "p2m list %#lx overlaps the kernel", si->mfn_list);
    CHECK(si_va >= si->mfn_list + si->nr_pages * 8, "start_info %#lx inside the p2m list", si_va);
    CHECK(si->pt_base > si_va, "page tables %#lx before start_info %#lx", si->pt_base, si_va);

    /* Initial mapping end = first_p2m_pfn (Xen: pages allocated in it). */
    unsigned long l2 = pte_maddr(0, 2);
    uint64_t *l2t = mfn_to_virt(l2 >> PAGE_SHIFT);
    unsigned n2 = 0;
    while (n2 < 512 && (l2t[n2] & _PAGE_PRESENT))
        n2++;
    unsigned long vend = (unsigned long)n2 << 21;
    CHECK(!(vend & ((4UL << 20) - 1)), "initial mapping end %#lx not 4 MiB aligned", vend);
    CHECK(si->pt_base + si->nr_pt_frames * PAGE_SIZE < vend, "page tables beyond the mapping");
    /* The p2m lives inside the initial mapping (no INIT_P2M note): nothing outside. */
    CHECK(si->first_p2m_pfn == vend >> PAGE_SHIFT && si->nr_p2m_frames == 0,
          "first_p2m_pfn %#lx nr_p2m_frames %lu (initial mapping ends at %#lx)",
          si->first_p2m_pfn, si->nr_p2m_frames, vend);

    /*
     * Page tables: nr_pt_frames frames from pt_base, one L4 + L3 + L2 + one
     * L1 per 2 MiB mapped (64M dom0: 4 MiB mapped -> 5 frames), all mapped
     * read-only; pt_base is the L4 currently in CR3 and has Xen's slots.
     */
    CHECK(si->nr_pt_frames == 3 + n2, "nr_pt_frames %lu, expected %u", si->nr_pt_frames, 3 + n2);
    for (unsigned long i = 0; i < si->nr_pt_frames; i++)
        CHECK(page_writable(si->pt_base + i * PAGE_SIZE) == 0,
              "page-table frame %lu at %#lx is not mapped read-only", i, si->pt_base + i * PAGE_SIZE);
    /* start_info, the p2m list and the kernel are writable. */
    CHECK(page_writable(si_va) == 1, "start_info not writable");
    CHECK(page_writable(si->mfn_list) == 1, "p2m list not writable");
    CHECK(page_writable((unsigned long)&failure_count) == 1, "kernel not writable");
    unsigned long cr3_mfn = virt_to_mfn((void *)si->pt_base);
    uint64_t *l4 = (uint64_t *)si->pt_base;
    CHECK(l4[0] & _PAGE_PRESENT, "L4[0] (the initial mapping) absent");
    /* The read-only M2P lives in L4 slot 256, present in every guest L4. */
    CHECK(l4[256] & _PAGE_PRESENT, "L4[256] (M2P) not present");
    unsigned xen_slots = 0;
    for (unsigned i = 256; i < 272; i++)
        xen_slots += !!(l4[i] & _PAGE_PRESENT);
    printk("L4 mfn %#lx: %u of Xen's 16 slots present, L4[256] %#lx\n", cr3_mfn, xen_slots, l4[256]);
    for (unsigned i = 1; i < 256; i++)
        CHECK(!(l4[i] & _PAGE_PRESENT), "guest L4 slot %u unexpectedly present", i);

    /* p2m and M2P agree for every pfn; every mfn is distinct (M2P is a bijection here). */
    unsigned long *p = p2m(), bad = 0;
    for (unsigned long pfn = 0; pfn < si->nr_pages; pfn++)
        if (M2P[p[pfn]] != pfn && bad++ < 3)
            fail("m2p[p2m[%#lx] = %#lx] = %#lx", pfn, p[pfn], M2P[p[pfn]]);
    CHECK(!bad, "%lu pfns disagree between p2m and M2P", bad);
    /* The VA -> frame walk agrees with the p2m for the initial mapping. */
    CHECK(PTE_MFN(pte_read(si_va, 1)) == p[si_va >> PAGE_SHIFT], "start_info PTE vs p2m");
    CHECK(PTE_MFN(pte_read(0x100000, 1)) == p[0x100], "kernel PTE vs p2m");

    /* shared_info: a page-aligned machine address that maps and carries live time. */
    CHECK(!(si->shared_info & 0xfff), "shared_info %#lx not page aligned", si->shared_info);
    shared_info_t *s = shared_info();
    CHECK(!(s->vcpu_info[0].time.version & 1), "vcpu 0 time version odd");
    CHECK(s->vcpu_info[0].time.tsc_to_system_mul != 0, "tsc_to_system_mul is 0");
    /* The shared_info frame is Xen's, not one of the domain's pfns. */
    unsigned long sh_pfn = M2P[si->shared_info >> PAGE_SHIFT];
    CHECK(sh_pfn >= si->nr_pages, "shared_info frame is dom0 pfn %#lx", sh_pfn);
    /* Events start masked on vCPU 0 (Xen sets evtchn_upcall_mask at boot). */
    CHECK(s->vcpu_info[0].evtchn_upcall_mask == 1, "upcall mask %u", s->vcpu_info[0].evtchn_upcall_mask);
    CHECK(s->arch.max_pfn == 0 || s->arch.max_pfn == si->nr_pages, "arch.max_pfn %lu", s->arch.max_pfn);
    printk("arch.max_pfn %lu\n", s->arch.max_pfn);
}
