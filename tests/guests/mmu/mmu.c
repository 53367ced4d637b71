/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PV MMU: mmu_update, mmuext_op and update_va_mapping on the guest's own
 * page tables, the page-type rules Xen enforces, and the error paths.
 */
#include "../lib/guest.h"

const char test_title[] = "PV MMU: mmu_update, mmuext_op, update_va_mapping";
/* (and update_va_mapping_otherdomain) */

#define PTE_RW(mfn) (((unsigned long)(mfn) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PTE_RO(mfn) (((unsigned long)(mfn) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED)

static unsigned long l1e_ma(unsigned idx)
{
    return (scratch_l1_mfn << PAGE_SHIFT) + idx * 8;
}

static unsigned long read_probe(unsigned long va)
{
    unsigned long ex = 0;
    __asm__ volatile("1: mov (%[va]), %%rcx; 2:" _ASM_EXTABLE(1b, 2b)
                     : "+a"(ex) : [va] "r"(va) : "rcx", "memory");
    return ex;
}

static unsigned long write_probe(unsigned long va)
{
    unsigned long ex = 0;
    __asm__ volatile("1: movq $0, (%[va]); 2:" _ASM_EXTABLE(1b, 2b)
                     : "+a"(ex) : [va] "r"(va) : "memory");
    return ex;
}

static void test_map_and_alias(void)
{
    unsigned long mfn = p2m()[alloc_pfn()];
    volatile uint64_t *a = (void *)scratch_va(0), *b = (void *)scratch_va(1);

    /* update_va_mapping installs an L1 entry for a frame we own. */
    CHECK_RC(update_va_mapping(scratch_va(0), PTE_RW(mfn), UVMF_INVLPG), 0);
    a[0] = 0x1122334455667788UL;
    a[511] = 42;
    CHECK(a[0] == 0x1122334455667788UL && a[511] == 42, "read-back through new mapping");

    /* mmu_update writes the same kind of entry by machine address; the alias sees the data. */
    mmu_update_t u = { .ptr = l1e_ma(1) | MMU_NORMAL_PT_UPDATE, .val = PTE_RO(mfn) };
    unsigned done = 99;
    CHECK_RC(mmu_update(&u, 1, &done, DOMID_SELF), 0);
    CHECK(done == 1, "done %u after one update", done);
    CHECK(b[0] == 0x1122334455667788UL, "alias read %#lx", (unsigned long)b[0]);
    /*
     * Read-only alias: a write faults. The guest kernel runs in ring 3, but
     * Xen clears PFEC_user in the error code it reports for guest-kernel-mode
     * faults, so the guest sees present|write = 3.
     */
    unsigned long ex = write_probe(scratch_va(1));
    CHECK(ex == EXINFO(X86_EXC_PF, 3), "write to RO alias: exinfo %#lx", ex);
    CHECK(shared_info()->vcpu_info[0].arch.cr2 == scratch_va(1), "cr2 %#lx",
          shared_info()->vcpu_info[0].arch.cr2);

    /* MMU_PT_UPDATE_PRESERVE_AD behaves like a normal update for a fresh entry. */
    u.ptr = l1e_ma(1) | MMU_PT_UPDATE_PRESERVE_AD;
    u.val = PTE_RW(mfn);
    CHECK_RC(mmu_update(&u, 1, NULL, DOMID_SELF), 0);
    CHECK_RC(update_va_mapping(scratch_va(1), PTE_RW(mfn), UVMF_INVLPG), 0);
    b[1] = 7;
    CHECK(a[1] == 7, "RW alias write not visible");

    /* Unmapping with UVMF_INVLPG: the next access faults (not-present read, kernel: ec 0). */
    CHECK_RC(update_va_mapping(scratch_va(1), 0, UVMF_INVLPG), 0);
    ex = read_probe(scratch_va(1));
    CHECK(ex == EXINFO(X86_EXC_PF, 0), "read of unmapped page: exinfo %#lx", ex);
    CHECK(shared_info()->vcpu_info[0].arch.cr2 == scratch_va(1), "cr2 %#lx after not-present fault",
          shared_info()->vcpu_info[0].arch.cr2);
    /* UVMF_TLB_FLUSH and UVMF_ALL are accepted too. */
    CHECK_RC(update_va_mapping(scratch_va(1), PTE_RO(mfn), UVMF_TLB_FLUSH | UVMF_LOCAL), 0);
    CHECK_RC(update_va_mapping(scratch_va(1), 0, UVMF_INVLPG | UVMF_ALL), 0);
    CHECK_RC(update_va_mapping(scratch_va(0), 0, UVMF_INVLPG), 0);
}

static void test_machphys(void)
{
    unsigned long pfn = alloc_pfn(), mfn = p2m()[pfn];
    /* MMU_MACHPHYS_UPDATE sets the M2P entry of a frame we own. */
    mmu_update_t u = { .ptr = (mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, .val = 0x12345 };
    CHECK_RC(mmu_update(&u, 1, NULL, DOMID_SELF), 0);
    CHECK(M2P[mfn] == 0x12345, "M2P[%#lx] = %#lx after update", mfn, M2P[mfn]);
    u.val = pfn;
    CHECK_RC(mmu_update(&u, 1, NULL, DOMID_SELF), 0);
    CHECK(M2P[mfn] == pfn, "M2P not restored");
    /* ... but not of a frame that is not ours: a Xen page-table frame (L4 slot 256). */
    u.ptr = (PTE_MFN(((uint64_t *)SI->pt_base)[256]) << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE;
    CHECK_RC(mmu_update(&u, 1, NULL, DOMID_SELF), -XEN_EINVAL);
    u.ptr = (0xffffffffUL << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE;    /* no such frame */
    CHECK_RC(mmu_update(&u, 1, NULL, DOMID_SELF), -XEN_EINVAL);
    /* The M2P itself is mapped read-only into the guest. */
    unsigned long ex = write_probe(MACH2PHYS_VIRT_START + mfn * 8);
    CHECK(EXINFO_VEC(ex) == X86_EXC_PF && (EXINFO_EC(ex) & 3) == 3, "write to M2P: exinfo %#lx", ex);
}

static void test_pte_errors(void)
{
    unsigned long mfn = p2m()[alloc_pfn()];
    mmu_update_t u;
    unsigned done;

    /*
     * A writable mapping of a live page table is refused: the frame's type
     * is L1/L4 and cannot also become "writable". Xen 4.17 reports the type
     * conflict as -EBUSY.
     */
    CHECK_RC(update_va_mapping(scratch_va(2), PTE_RW(scratch_l1_mfn), UVMF_INVLPG), -XEN_EBUSY);
    unsigned long l4_mfn = virt_to_mfn((void *)SI->pt_base);
    CHECK_RC(update_va_mapping(scratch_va(2), PTE_RW(l4_mfn), UVMF_INVLPG), -XEN_EBUSY);
    /* Read-only is fine; Xen stores the entry with _PAGE_USER forced on (64-bit PV). */
    CHECK_RC(update_va_mapping(scratch_va(2), PTE_RO(scratch_l1_mfn), UVMF_INVLPG), 0);
    CHECK(scratch_l1()[1] == 0, "unmapped entry 1 reads %#lx", scratch_l1()[1]);
    uint64_t e2 = scratch_l1()[2];
    CHECK((e2 & _PAGE_USER) && (e2 & 0xfffUL & ~_PAGE_USER) == (PTE_RO(0) & 0xfff) &&
          PTE_MFN(e2) == scratch_l1_mfn, "L1[2] = %#lx (wrote %#lx)", e2, PTE_RO(scratch_l1_mfn));
    CHECK(((uint64_t *)scratch_va(2))[511] == scratch_l1()[511], "L1 seen through two RO maps differs");
    CHECK_RC(update_va_mapping(scratch_va(2), 0, UVMF_INVLPG), 0);

    /* Frames that are not RAM of this domain. */
    /*
     * dom0 may map machine frames outside RAM that no domain owns (its I/O
     * memory: here the low BIOS area, mfn 0 and the ROM at 0xf0000), the way
     * Linux dom0 reads firmware tables.
     */
    CHECK_RC(update_va_mapping(scratch_va(3), PTE_RO(0xf0), UVMF_INVLPG), 0);
    CHECK_RC(update_va_mapping(scratch_va(3), 0, UVMF_INVLPG), 0);
    CHECK_RC(update_va_mapping(scratch_va(3), PTE_RW(0), UVMF_INVLPG), 0);
    CHECK_RC(update_va_mapping(scratch_va(3), 0, UVMF_INVLPG), 0);
    /* A frame beyond what dom0 may access (no RAM, outside its I/O ranges): -EPERM. */
    CHECK_RC(update_va_mapping(scratch_va(3), PTE_RW(0xffffffffUL), UVMF_INVLPG), -XEN_EPERM);
    CHECK(scratch_l1()[3] == 0, "failed update left entry %#lx", scratch_l1()[3]);
    /*
     * Xen's own page-table frame (what L4 slot 256 points to): owned by Xen
     * and typed as a page table, so not mappable even read-only; Xen 4.17
     * reports the refused reference as -EBUSY.
     */
    uint64_t *l4 = (uint64_t *)SI->pt_base;
    CHECK_RC(update_va_mapping(scratch_va(3), PTE_RO(PTE_MFN(l4[256])), UVMF_INVLPG), -XEN_EBUSY);
    CHECK_RC(update_va_mapping(scratch_va(3), PTE_RW(PTE_MFN(l4[256])), UVMF_INVLPG), -XEN_EBUSY);


    /* Xen's range: the guest cannot touch L4 slots 256-271 nor map there. */
    u.ptr = virt_to_maddr(&l4[256]) | MMU_NORMAL_PT_UPDATE;
    u.val = 0;
    CHECK_RC(mmu_update(&u, 1, NULL, DOMID_SELF), -XEN_EINVAL);
    CHECK(l4[256] & _PAGE_PRESENT, "L4[256] was cleared");
    CHECK_RC(update_va_mapping(HYPERVISOR_VIRT_START, PTE_RW(mfn), UVMF_INVLPG), -XEN_EINVAL);
    CHECK_RC(update_va_mapping(0xffff830000000000UL, PTE_RW(mfn), UVMF_INVLPG), -XEN_EINVAL);
    /* A VA with no L1 table behind it, and a non-canonical VA. */
    CHECK_RC(update_va_mapping(0x40000000UL, PTE_RW(mfn), UVMF_INVLPG), -XEN_EINVAL);
    CHECK_RC(update_va_mapping((unsigned long)NONCANON_VA, PTE_RW(mfn), UVMF_INVLPG), -XEN_EINVAL);

    /*
     * A "PT update" aimed at a plain data frame of ours is simply a checked
     * 8-byte store in Xen (the frame takes the writable type): it succeeds.
     */
    u.ptr = ((mfn << PAGE_SHIFT) + 16) | MMU_NORMAL_PT_UPDATE;
    u.val = 0xabcdef;
    CHECK_RC(mmu_update(&u, 1, NULL, DOMID_SELF), 0);
    CHECK_RC(update_va_mapping(scratch_va(3), PTE_RO(mfn), UVMF_INVLPG), 0);
    CHECK(((uint64_t *)scratch_va(3))[2] == 0xabcdef, "store into data frame missing");
    CHECK_RC(update_va_mapping(scratch_va(3), 0, UVMF_INVLPG), 0);
    /* The command is ptr & 7: bit 2 set (an unaligned entry) is an unknown command. */
    u.ptr = l1e_ma(4) + 4;
    u.val = PTE_RW(mfn);
    CHECK_RC(mmu_update(&u, 1, NULL, DOMID_SELF), -XEN_ENOSYS);
    u.ptr = l1e_ma(4) | 7;
    CHECK_RC(mmu_update(&u, 1, NULL, DOMID_SELF), -XEN_ENOSYS);
    /* MMU_PT_UPDATE_NO_TRANSLATE is a normal update for a PV guest. */
    u.ptr = l1e_ma(4) | MMU_PT_UPDATE_NO_TRANSLATE;
    CHECK_RC(mmu_update(&u, 1, NULL, DOMID_SELF), 0);
    CHECK(PTE_MFN(scratch_l1()[4]) == mfn, "NO_TRANSLATE entry %#lx", scratch_l1()[4]);
    CHECK_RC(update_va_mapping(scratch_va(4), 0, UVMF_INVLPG), 0);
    /* Unreadable request array. */
    CHECK_RC(mmu_update(BAD_VA, 1, NULL, DOMID_SELF), -XEN_EFAULT);
    /* Foreign domain that does not exist. */
    u.ptr = l1e_ma(4) | MMU_NORMAL_PT_UPDATE;
    CHECK_RC(mmu_update(&u, 1, NULL, 7), -XEN_ESRCH);
    CHECK(scratch_l1()[4] == 0, "failed foreign update changed the entry");

    /* Partial failure: requests run in order, stop at the first error, *done counts successes. */
    mmu_update_t b[3] = {
        { l1e_ma(5) | MMU_NORMAL_PT_UPDATE, PTE_RW(mfn) },
        { l1e_ma(6) | MMU_NORMAL_PT_UPDATE, PTE_RW(scratch_l1_mfn) },   /* refused */
        { l1e_ma(7) | MMU_NORMAL_PT_UPDATE, PTE_RW(mfn) },
    };
    done = 99;
    CHECK_RC(mmu_update(b, 3, &done, DOMID_SELF), -XEN_EBUSY);
    CHECK(done == 1, "done %u after failing 2nd of 3", done);
    CHECK(scratch_l1()[5] != 0 && scratch_l1()[6] == 0 && scratch_l1()[7] == 0,
          "entries 5/6/7: %#lx %#lx %#lx", scratch_l1()[5], scratch_l1()[6], scratch_l1()[7]);
    /* count 0 does nothing and succeeds. */
    done = 99;
    CHECK_RC(mmu_update(b, 0, &done, DOMID_SELF), 0);
    CHECK(done == 0, "done %u after count 0", done);
    /* Xen ignores a failure to write *done back: the update is applied, rc 0. */
    CHECK_RC(mmu_update(b, 1, BAD_VA, DOMID_SELF), 0);
    CHECK(scratch_l1()[5] != 0, "update with bad done pointer not applied");
    update_va_mapping(scratch_va(5), 0, UVMF_INVLPG);
}

static void test_mmuext(void)
{
    unsigned long mfn_a = p2m()[alloc_pfn()], mfn_b = p2m()[alloc_pfn()], mfn_t = p2m()[alloc_pfn()];
    volatile uint64_t *a = (void *)scratch_va(10), *b = (void *)scratch_va(11);

    CHECK_RC(mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
    CHECK_RC(mmuext1(MMUEXT_INVLPG_LOCAL, scratch_va(10), 0), 0);
    CHECK_RC(mmuext1(MMUEXT_TLB_FLUSH_ALL, 0, 0), 0);
    CHECK_RC(mmuext1(MMUEXT_INVLPG_ALL, scratch_va(10), 0), 0);

    /* COPY_PAGE / CLEAR_PAGE on frames we own, checked through mappings. */
    CHECK_RC(update_va_mapping(scratch_va(10), PTE_RW(mfn_a), UVMF_INVLPG), 0);
    CHECK_RC(update_va_mapping(scratch_va(11), PTE_RW(mfn_b), UVMF_INVLPG), 0);
    for (unsigned i = 0; i < 512; i++)
        a[i] = i * 3 + 1;
    CHECK_RC(mmuext1(MMUEXT_COPY_PAGE, mfn_b, mfn_a), 0);
    CHECK(b[0] == 1 && b[511] == 511 * 3 + 1, "COPY_PAGE result %#lx %#lx", (unsigned long)b[0],
          (unsigned long)b[511]);
    CHECK_RC(mmuext1(MMUEXT_CLEAR_PAGE, mfn_a, 0), 0);
    CHECK(a[0] == 0 && a[511] == 0, "CLEAR_PAGE left data");
    /* Frames that are not ours. */
    unsigned long xen_mfn = PTE_MFN(((uint64_t *)SI->pt_base)[256]);
    CHECK_RC(mmuext1(MMUEXT_CLEAR_PAGE, xen_mfn, 0), -XEN_EINVAL);
    CHECK_RC(mmuext1(MMUEXT_COPY_PAGE, mfn_b, xen_mfn), -XEN_EINVAL);
    CHECK_RC(mmuext1(MMUEXT_COPY_PAGE, xen_mfn, mfn_b), -XEN_EINVAL);
    CHECK_RC(mmuext1(MMUEXT_CLEAR_PAGE, 0xffffffffUL, 0), -XEN_EINVAL);
    /* A page table cannot be cleared (it would need a writable type). */
    CHECK_RC(mmuext1(MMUEXT_CLEAR_PAGE, scratch_l1_mfn, 0), -XEN_EINVAL);

    /* Pinning: a frame mapped writable cannot become a page table. */
    CHECK_RC(mmuext1(MMUEXT_PIN_L1_TABLE, mfn_a, 0), -XEN_EINVAL);
    CHECK_RC(update_va_mapping(scratch_va(10), 0, UVMF_INVLPG), 0);
    /* Now unmapped and zero: a valid empty L1. */
    CHECK_RC(mmuext1(MMUEXT_PIN_L1_TABLE, mfn_a, 0), 0);
    /* Pinned twice. */
    CHECK_RC(mmuext1(MMUEXT_PIN_L1_TABLE, mfn_a, 0), -XEN_EINVAL);
    /* Pinned as L1, so it cannot be mapped writable, nor pinned as another level. */
    CHECK_RC(update_va_mapping(scratch_va(10), PTE_RW(mfn_a), UVMF_INVLPG), -XEN_EBUSY);
    CHECK_RC(mmuext1(MMUEXT_PIN_L2_TABLE, mfn_a, 0), -XEN_EINVAL);
    CHECK_RC(mmuext1(MMUEXT_UNPIN_TABLE, mfn_a, 0), 0);
    CHECK_RC(mmuext1(MMUEXT_UNPIN_TABLE, mfn_a, 0), -XEN_EINVAL);
    /* Unpinning a frame that was never pinned (the shared_info page). */
    CHECK_RC(mmuext1(MMUEXT_UNPIN_TABLE, SI->shared_info >> PAGE_SHIFT, 0), -XEN_EINVAL);

    /*
     * A second L4: copy the current one (guest part and Xen slots), pin it,
     * switch CR3 to it and back. The copy shares our L3, so the test keeps
     * running on it.
     */
    unsigned long l4_mfn = virt_to_mfn((void *)SI->pt_base);
    CHECK_RC(mmuext1(MMUEXT_COPY_PAGE, mfn_t, l4_mfn), 0);
    CHECK_RC(mmuext1(MMUEXT_PIN_L4_TABLE, mfn_t, 0), 0);
    CHECK_RC(mmuext1(MMUEXT_NEW_BASEPTR, mfn_t, 0), 0);
    CHECK(a != NULL && *(volatile uint64_t *)SI->pt_base != 0, "reading through the new L4");
    CHECK_RC(mmuext1(MMUEXT_NEW_BASEPTR, l4_mfn, 0), 0);
    CHECK_RC(mmuext1(MMUEXT_UNPIN_TABLE, mfn_t, 0), 0);
    /* NEW_BASEPTR to something that is not a valid L4 (a data frame with garbage). */
    CHECK_RC(mmuext1(MMUEXT_NEW_BASEPTR, mfn_b, 0), -XEN_EINVAL);
    /* Pinning our live L4 again: it is already typed and pinned by the builder. */
    CHECK_RC(mmuext1(MMUEXT_PIN_L4_TABLE, l4_mfn, 0), -XEN_EINVAL);

    /* Unknown commands. */
    CHECK_RC(mmuext1(14, 0, 0), -XEN_ENOSYS);
    CHECK_RC(mmuext1(99, 0, 0), -XEN_ENOSYS);
    /* Batch stops at the first failure; done counts the successes. */
    mmuext_op_t ops[3] = { { .cmd = MMUEXT_TLB_FLUSH_LOCAL }, { .cmd = MMUEXT_PIN_L1_TABLE },
                           { .cmd = MMUEXT_TLB_FLUSH_LOCAL } };
    ops[1].arg1.mfn = mfn_b;    /* still mapped writable: cannot be an L1 */
    unsigned done = 99;
    CHECK_RC(mmuext_op(ops, 3, &done, DOMID_SELF), -XEN_EINVAL);
    CHECK(done == 1, "mmuext done %u", done);
    CHECK_RC(mmuext_op(BAD_VA, 1, NULL, DOMID_SELF), -XEN_EFAULT);
    CHECK_RC(update_va_mapping(scratch_va(11), 0, UVMF_INVLPG), 0);
}

static long uvm_other(unsigned long va, uint64_t pte, unsigned long flags, unsigned domid)
{
    return HC4(__HYPERVISOR_update_va_mapping_otherdomain, va, pte, flags, domid);
}

/*
 * update_va_mapping_otherdomain: the new entry's frame belongs to the named
 * domain. DOMID_SELF is update_va_mapping; the caller's own id is -ESRCH
 * (Xen's get_pg_owner: a foreign domain is never oneself), as is a domain
 * that does not exist, checked before anything else.
 */
static void test_uvm_otherdomain(void)
{
    unsigned long mfn = p2m()[alloc_pfn()];
    volatile uint64_t *a = (void *)scratch_va(12);

    CHECK_RC(uvm_other(scratch_va(12), PTE_RW(mfn), UVMF_INVLPG, DOMID_SELF), 0);
    a[0] = 0x5a5a;
    CHECK(a[0] == 0x5a5a, "read-back through the otherdomain mapping");
    /* The same rules as update_va_mapping: Mica's range and foreign frames are refused. */
    CHECK_RC(uvm_other(HYPERVISOR_VIRT_START, PTE_RW(mfn), UVMF_INVLPG, DOMID_SELF), -XEN_EINVAL);
    CHECK_RC(uvm_other(scratch_va(13), PTE_RW(scratch_l1_mfn), UVMF_INVLPG, DOMID_SELF), -XEN_EBUSY);
    CHECK_RC(uvm_other(scratch_va(12), 0, UVMF_INVLPG, DOMID_SELF), 0);
    CHECK(read_probe(scratch_va(12)) == EXINFO(X86_EXC_PF, 0), "otherdomain unmap left a mapping");
    /* dom0 naming itself by id, and domains that do not exist. */
    CHECK_RC(uvm_other(scratch_va(12), PTE_RW(mfn), UVMF_INVLPG, 0), -XEN_ESRCH);
    CHECK_RC(uvm_other(scratch_va(12), PTE_RW(mfn), UVMF_INVLPG, 7), -XEN_ESRCH);
    CHECK_RC(uvm_other(scratch_va(12), 0, UVMF_INVLPG, 7), -XEN_ESRCH);
    CHECK_RC(uvm_other(HYPERVISOR_VIRT_START, 0, UVMF_INVLPG, 7), -XEN_ESRCH);
    CHECK_RC(uvm_other(scratch_va(12), PTE_RW(mfn), UVMF_INVLPG, 0x7ff7), -XEN_ESRCH);
    CHECK(read_probe(scratch_va(12)) == EXINFO(X86_EXC_PF, 0), "a refused call mapped the page");
}

void test_main(void)
{
    trap_init();
    scratch_init();
    test_map_and_alias();
    test_machphys();
    test_pte_errors();
    test_mmuext();
    test_uvm_otherdomain();
}
