/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Page-table helpers of the test guests. The guest links with VIRT_BASE 0,
 * so inside the initial mapping VA == pfn << 12 and every initial page table
 * is readable at mfn_to_virt(mfn) (the builder maps them read-only).
 */
#include "guest.h"

long mmuext1(unsigned cmd, unsigned long arg1, unsigned long arg2)
{
    mmuext_op_t op = { .cmd = cmd };
    op.arg1.mfn = arg1;
    op.arg2.src_mfn = arg2;
    return mmuext_op(&op, 1, NULL, DOMID_SELF);
}

unsigned long pte_maddr(unsigned long va, int level)
{
    unsigned long mfn = virt_to_mfn((void *)SI->pt_base);
    for (int l = 4; l >= level; l--) {
        unsigned idx = (va >> (12 + 9 * (l - 1))) & 511;
        if (l == level)
            return (mfn << PAGE_SHIFT) + idx * 8;
        uint64_t *table = mfn_to_virt(mfn);
        uint64_t e = table[idx];
        if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
            return 0;
        mfn = PTE_MFN(e);
    }
    return 0;
}

unsigned long pte_read(unsigned long va, int level)
{
    unsigned long ma = pte_maddr(va, level);
    if (!ma)
        return 0;
    return *(uint64_t *)((unsigned long)mfn_to_virt(ma >> PAGE_SHIFT) + (ma & 0xfff));
}

/* End of the initial mapping: the L2 entries of L4[0]/L3[0] that are present. */
static unsigned long initial_mapping_end(void)
{
    unsigned long l2e_ma = pte_maddr(0, 2);
    uint64_t *l2 = mfn_to_virt(l2e_ma >> PAGE_SHIFT);
    unsigned n = 0;
    while (n < 512 && (l2[n] & _PAGE_PRESENT))
        n++;
    return (unsigned long)n << 21;
}

static unsigned long next_pfn;

unsigned long alloc_pfn(void)
{
    if (!next_pfn)
        next_pfn = (initial_mapping_end() >> PAGE_SHIFT) + 512;  /* leave room */
    if (next_pfn >= SI->nr_pages) {
        fail("alloc_pfn: out of pages");
        finish();
    }
    return next_pfn++;
}

static char shared_info_page[4096] __attribute__((aligned(4096)));
static bool shared_info_mapped;

shared_info_t *shared_info(void)
{
    if (!shared_info_mapped) {
        long rc = update_va_mapping((unsigned long)shared_info_page,
                                    SI->shared_info | _PAGE_PRESENT | _PAGE_RW |
                                    _PAGE_ACCESSED | _PAGE_DIRTY, UVMF_INVLPG);
        if (rc) {
            fail("mapping shared_info: %ld", rc);
            finish();
        }
        shared_info_mapped = true;
    }
    return (shared_info_t *)shared_info_page;
}

unsigned long scratch_l1_mfn;
static unsigned long scratch_base;

void scratch_init(void)
{
    if (scratch_base)
        return;
    scratch_base = initial_mapping_end();
    scratch_l1_mfn = p2m()[alloc_pfn()];
    /* A page table must start clean: zero it (the frame is not mapped anywhere). */
    long rc = mmuext1(MMUEXT_CLEAR_PAGE, scratch_l1_mfn, 0);
    if (rc) {
        fail("CLEAR_PAGE for scratch L1: %ld", rc);
        finish();
    }
    mmu_update_t u = {
        .ptr = pte_maddr(scratch_base, 2) | MMU_NORMAL_PT_UPDATE,
        .val = (scratch_l1_mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED,
    };
    rc = mmu_update(&u, 1, NULL, DOMID_SELF);
    if (rc) {
        fail("hooking scratch L1 into L2: %ld", rc);
        finish();
    }
    /* Its last slot maps the L1 itself, read-only, so tests can inspect it. */
    rc = update_va_mapping(scratch_va(511), (scratch_l1_mfn << PAGE_SHIFT) | _PAGE_PRESENT |
                           _PAGE_ACCESSED, UVMF_INVLPG);
    if (rc) {
        fail("mapping the scratch L1 read-only: %ld", rc);
        finish();
    }
}

const uint64_t *scratch_l1(void)
{
    return (const uint64_t *)scratch_va(511);
}

unsigned long scratch_va(unsigned i)
{
    return scratch_base + (unsigned long)i * PAGE_SIZE;
}
