/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * multicall: a batch runs every entry in order and reports each result in
 * its entry; a failing entry does not stop the batch; nesting is refused.
 */
#include "../lib/guest.h"
#include <public/version.h>

const char test_title[] = "multicall batches, per-entry results, nesting";

static long multicall(multicall_entry_t *mc, unsigned n)
{
    return HC2(__HYPERVISOR_multicall, mc, n);
}

void test_main(void)
{
    trap_init();
    scratch_init();
    static const char msg[] = "multicall: console write from entry 1\n";
    unsigned long mfn = p2m()[alloc_pfn()];
    static xen_extraversion_t extra;
    multicall_entry_t mc[6] = {
        { .op = __HYPERVISOR_xen_version, .args = { XENVER_version } },
        { .op = __HYPERVISOR_console_io, .args = { CONSOLEIO_write, sizeof(msg) - 1, (unsigned long)msg } },
        /* Fails: a VA in Xen's range. */
        { .op = __HYPERVISOR_update_va_mapping, .args = { HYPERVISOR_VIRT_START, 0, UVMF_INVLPG } },
        { .op = __HYPERVISOR_update_va_mapping,
          .args = { scratch_va(0), (mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW, UVMF_INVLPG } },
        { .op = __HYPERVISOR_xen_version, .args = { XENVER_extraversion, (unsigned long)extra } },
        { .op = __HYPERVISOR_xen_version, .args = { XENVER_pagesize } },
    };
    for (unsigned i = 0; i < 6; i++)
        mc[i].result = 0xdeadbeef;
    /* The multicall itself succeeds; each entry's result is what the call returned. */
    CHECK_RC(multicall(mc, 6), 0);
    CHECK(mc[0].result == 0x40011, "entry 0 result %#lx", mc[0].result);
    CHECK(mc[1].result == 0, "entry 1 result %ld", (long)mc[1].result);
    CHECK((long)mc[2].result == -XEN_EINVAL, "entry 2 result %ld", (long)mc[2].result);
    /* Entries after a failing one still run (Xen only stops on preemption or a fault). */
    CHECK(mc[3].result == 0, "entry 3 result %ld", (long)mc[3].result);
    CHECK(mc[4].result == 0 && extra[0] == '.', "entry 4 result %ld", (long)mc[4].result);
    CHECK(mc[5].result == 4096, "entry 5 result %ld", (long)mc[5].result);
    /* Entry 3's mapping is live. */
    *(volatile uint64_t *)scratch_va(0) = 5;
    CHECK(*(volatile uint64_t *)scratch_va(0) == 5, "mapping from the batch");

    /* Unknown hypercall numbers give -ENOSYS in the entry. */
    multicall_entry_t bad[2] = {
        { .op = 63 }, { .op = 1000 },
    };
    CHECK_RC(multicall(bad, 2), 0);
    CHECK((long)bad[0].result == -XEN_ENOSYS && (long)bad[1].result == -XEN_ENOSYS,
          "unknown ops: %ld %ld", (long)bad[0].result, (long)bad[1].result);

    /* A multicall inside a multicall is refused (entry result), the outer one succeeds. */
    multicall_entry_t inner[1] = { { .op = __HYPERVISOR_xen_version, .args = { XENVER_version } } };
    multicall_entry_t nest[2] = {
        { .op = __HYPERVISOR_multicall, .args = { (unsigned long)inner, 1 } },
        { .op = __HYPERVISOR_xen_version, .args = { XENVER_pagesize } },
    };
    inner[0].result = 0xdeadbeef;
    CHECK_RC(multicall(nest, 2), 0);
    CHECK((long)nest[0].result == -XEN_EINVAL && nest[1].result == 4096 && inner[0].result == 0xdeadbeef,
          "nested: results %ld %ld inner %#lx", (long)nest[0].result, (long)nest[1].result, inner[0].result);

    /* Zero entries: nothing to do. Unreadable array: -EFAULT. */
    CHECK_RC(multicall(mc, 0), 0);
    CHECK_RC(multicall(BAD_VA, 1), -XEN_EFAULT);
    /* A read-only array can be read but the results cannot be written back. */
    CHECK_RC(multicall((multicall_entry_t *)MACH2PHYS_VIRT_START, 1), -XEN_EFAULT);

    /* mmu_update and mmuext_op inside a batch (what Linux batches most). */
    mmu_update_t u = { .ptr = ((scratch_l1_mfn << PAGE_SHIFT) + 8) | MMU_NORMAL_PT_UPDATE,
                       .val = (mfn << PAGE_SHIFT) | _PAGE_PRESENT };
    unsigned done = 99;
    mmuext_op_t flush = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    multicall_entry_t mm[2] = {
        { .op = __HYPERVISOR_mmu_update, .args = { (unsigned long)&u, 1, (unsigned long)&done, DOMID_SELF } },
        { .op = __HYPERVISOR_mmuext_op, .args = { (unsigned long)&flush, 1, 0, DOMID_SELF } },
    };
    CHECK_RC(multicall(mm, 2), 0);
    CHECK(mm[0].result == 0 && mm[1].result == 0 && done == 1, "mmu batch: %ld %ld done %u",
          (long)mm[0].result, (long)mm[1].result, done);
    CHECK(*(volatile uint64_t *)scratch_va(1) == 5, "alias from batched mmu_update");
}
