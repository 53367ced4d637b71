/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memory_op queries a PV dom0 makes: reservations, maximum RAM page,
 * machphys mapping, memory maps, maximum gpfn, and their errors.
 */
#include "../lib/guest.h"
#include <public/memory.h>

const char test_title[] = "memory_op queries and errors";

static long mem(int cmd, void *arg)
{
    return HC2(__HYPERVISOR_memory_op, cmd, arg);
}

struct e820 { uint64_t addr, size; uint32_t type; } __attribute__((packed));

void test_main(void)
{
    domid_t self = DOMID_SELF, zero = 0, other = 7, xen = DOMID_XEN;

    CHECK_RC(mem(XENMEM_current_reservation, &self), 16384);
    CHECK_RC(mem(XENMEM_current_reservation, &zero), 16384);
    /* dom0_mem=64M sets the current allocation; dom0's max_pages stays unlimited (~0U). */
    CHECK_RC(mem(XENMEM_maximum_reservation, &self), 0xffffffffL);
    CHECK_RC(mem(XENMEM_current_reservation, &other), -XEN_ESRCH);
    CHECK_RC(mem(XENMEM_maximum_reservation, &other), -XEN_ESRCH);
    CHECK_RC(mem(XENMEM_current_reservation, &xen), -XEN_ESRCH);
    CHECK_RC(mem(XENMEM_current_reservation, BAD_VA), -XEN_EFAULT);

    /*
     * maximum_gpfn of a PV guest comes from shared_info.arch.max_pfn, which
     * the guest itself publishes (Linux does): 0 until set, then max_pfn - 1.
     */
    shared_info_t *s = shared_info();
    CHECK(s->arch.max_pfn == 0, "arch.max_pfn %lu at boot", s->arch.max_pfn);
    CHECK_RC(mem(XENMEM_maximum_gpfn, &self), 0);
    s->arch.max_pfn = SI->nr_pages;
    CHECK_RC(mem(XENMEM_maximum_gpfn, &self), (long)SI->nr_pages - 1);
    CHECK_RC(mem(XENMEM_maximum_gpfn, &other), -XEN_ESRCH);

    /* The M2P table: its full virtual range, covering every machine frame. */
    struct xen_machphys_mapping mp = { 0 };
    CHECK_RC(mem(XENMEM_machphys_mapping, &mp), 0);
    CHECK(mp.v_start == MACH2PHYS_VIRT_START && mp.v_end == MACH2PHYS_VIRT_END,
          "machphys %#lx-%#lx", mp.v_start, mp.v_end);
    CHECK_RC(mem(XENMEM_machphys_mapping, BAD_VA), -XEN_EFAULT);
    /* maximum_ram_page is the host's highest frame + 1 (max_page); the M2P covers it. */
    long max_page = mem(XENMEM_maximum_ram_page, NULL);
    CHECK(max_page > 0 && (unsigned long)max_page == mp.max_mfn + 1,
          "maximum_ram_page %ld, machphys max_mfn %#lx", max_page, mp.max_mfn);
    printk("maximum_ram_page %#lx\n", max_page);
    unsigned long mymax = 0;
    for (unsigned long pfn = 0; pfn < SI->nr_pages; pfn++)
        if (p2m()[pfn] > mymax)
            mymax = p2m()[pfn];
    CHECK(mymax < (unsigned long)max_page, "dom0 frame %#lx above maximum_ram_page", mymax);

    /*
     * A PV dom0 has no pseudo-physical memory map: XENMEM_memory_map is
     * -ENOSYS (Linux then assumes one RAM region of nr_pages), before the
     * buffer is even looked at.
     */
    static struct e820 map[64];
    struct xen_memory_map mm = { .nr_entries = 64 };
    set_xen_guest_handle(mm.buffer, map);
    CHECK_RC(mem(XENMEM_memory_map, &mm), -XEN_ENOSYS);
    set_xen_guest_handle(mm.buffer, (void *)BAD_VA);
    CHECK_RC(mem(XENMEM_memory_map, &mm), -XEN_ENOSYS);

    /* The machine (host) E820 map is for dom0: QEMU's -m 1024 RAM below 4 GiB. */
    mm.nr_entries = 64;
    set_xen_guest_handle(mm.buffer, map);
    CHECK_RC(mem(XENMEM_machine_memory_map, &mm), 0);
    bool low = false, main_ram = false;
    for (unsigned i = 0; i < mm.nr_entries && i < 64; i++) {
        printk("  e820 %#lx + %#lx type %u\n", map[i].addr, map[i].size, map[i].type);
        low |= map[i].addr == 0 && map[i].type == 1;
        main_ram |= map[i].addr == 0x100000 && map[i].type == 1 && map[i].size > (512UL << 20);
    }
    CHECK(mm.nr_entries > 2 && low && main_ram, "machine map: %u entries", mm.nr_entries);
    /* Too small a buffer for the whole map: -EINVAL. */
    mm.nr_entries = 1;
    CHECK_RC(mem(XENMEM_machine_memory_map, &mm), -XEN_EINVAL);
    mm.nr_entries = 64;
    set_xen_guest_handle(mm.buffer, (void *)BAD_VA);
    CHECK_RC(mem(XENMEM_machine_memory_map, &mm), -XEN_EFAULT);

    CHECK_RC(mem(99, NULL), -XEN_ENOSYS);
    CHECK_RC(mem(0x3f, NULL), -XEN_ENOSYS);
}
