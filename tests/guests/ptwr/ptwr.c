/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writable page tables (VMASST_TYPE_writable_pagetables): the guest kernel
 * writes its own L1 entries directly through their read-only mapping and
 * the hypervisor emulates the write after validating the entry, as Linux
 * relies on. Checked: MOV/XCHG/CMPXCHG/locked bit operations, partial
 * (1- and 4-byte) writes, what is refused (invalid entries, misaligned
 * stores, L2/L4 tables, ordinary read-only pages, the assist turned off),
 * and that a refused write reaches the guest as the #PF it was.
 */
#include "../lib/guest.h"

const char test_title[] = "writable page tables (ptwr emulation)";

#define PTE_RW(mfn) (((unsigned long)(mfn) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PTE_RO(mfn) (((unsigned long)(mfn) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED)
/*
 * What the hypervisor stores for a present 64-bit PV kernel entry:
 * _PAGE_USER forced on. Xen also sets a software bit (52, its
 * _PAGE_GUEST_KERNEL marker) that the hardware ignores; entries are
 * compared without the software bits 52-58.
 */
#define STORED(pte) ((pte) | _PAGE_USER)
#define SW_BITS (0x7fUL << 52)
#define SAME(e, pte) ((((e) ^ STORED(pte)) & ~SW_BITS) == 0)

/* Data frames with known contents, in the initial mapping. */
static uint64_t page_a[512] __attribute__((aligned(4096)));
static uint64_t page_b[512] __attribute__((aligned(4096)));

static unsigned long cr2(void)
{
    return shared_info()->vcpu_info[0].arch.cr2;
}

static volatile uint64_t *l1w(unsigned i)
{
    return (volatile uint64_t *)scratch_l1() + i;
}

/* 8-byte MOV store, with any exception reported instead of fatal. */
static unsigned long store64(volatile void *p, uint64_t v)
{
    unsigned long ex = 0;
    __asm__ volatile("1: movq %[v], (%[p]); 2:" _ASM_EXTABLE(1b, 2b)
                     : "+a"(ex) : [p] "r"(p), [v] "r"(v) : "memory");
    return ex;
}

static unsigned long read64(unsigned long va, uint64_t *out)
{
    unsigned long ex = 0;
    uint64_t v = 0;
    __asm__ volatile("1: movq (%[p]), %[v]; 2:" _ASM_EXTABLE(1b, 2b)
                     : "+a"(ex), [v] "+r"(v) : [p] "r"(va) : "memory");
    *out = v;
    return ex;
}

static void flush(unsigned long va)
{
    CHECK_RC(mmuext1(MMUEXT_INVLPG_LOCAL, va, 0), 0);
}

#define PF_W EXINFO(X86_EXC_PF, 3)  /* present | write, kernel mode */

/*
 * These guests run as dom0, Xen's hardware domain: Xen passes its write
 * faults on read-only pages to the same emulator whether or not the assist
 * is on (the check is "assist, or hardware domain"), so the store is
 * emulated anyway. A domU without the assist would get the #PF.
 */
static void without_assist(void)
{
    CHECK_RC(HC2(__HYPERVISOR_vm_assist, VMASST_CMD_disable, VMASST_TYPE_writable_pagetables), 0);
    unsigned long ex = store64(l1w(0), PTE_RO(virt_to_mfn(page_a)));
    CHECK(ex == 0, "dom0 store to L1 without the assist: exinfo %#lx", ex);
    CHECK(SAME(*l1w(0), PTE_RO(virt_to_mfn(page_a))), "entry %#lx", *l1w(0));
    CHECK(store64(l1w(0), 0) == 0 && *l1w(0) == 0, "clearing: %#lx", *l1w(0));
}

static void mov_stores(void)
{
    uint64_t v;
    page_a[0] = 0xa1a1a1a1UL;
    page_b[0] = 0xb2b2b2b2UL;

    /* A plain MOV of a new entry takes effect and reads back with _PAGE_USER. */
    unsigned long ex = store64(l1w(0), PTE_RO(virt_to_mfn(page_a)));
    CHECK(ex == 0, "MOV store: exinfo %#lx", ex);
    CHECK(SAME(*l1w(0), PTE_RO(virt_to_mfn(page_a))), "entry %#lx", *l1w(0));
    ex = read64(scratch_va(0), &v);
    CHECK(ex == 0 && v == 0xa1a1a1a1UL, "read through new mapping: ex %#lx v %#lx", ex, v);

    /* A writable mapping of a frame we own is fine, and works. */
    ex = store64(l1w(1), PTE_RW(virt_to_mfn(page_b)));
    CHECK(ex == 0, "MOV of RW entry: exinfo %#lx", ex);
    ex = store64((void *)scratch_va(1), 0x5555);
    CHECK(ex == 0 && page_b[0] == 0x5555, "write through new RW mapping: ex %#lx, %#lx", ex, page_b[0]);

    /* An immediate store (MOV r/m64, imm32) clears an entry. */
    __asm__ volatile("movq $0, (%0)" :: "r"(l1w(1)) : "memory");
    CHECK(*l1w(1) == 0, "movq $0 left %#lx", *l1w(1));
    flush(scratch_va(1));
    ex = read64(scratch_va(1), &v);
    CHECK(ex == EXINFO(X86_EXC_PF, 0), "read after clearing: exinfo %#lx", ex);

    /* RIP-relative and SIB forms address the same way as hardware. */
    volatile uint64_t *base = l1w(0);
    uint64_t idx = 2;
    __asm__ volatile("movq %[v], (%[b],%[i],8)" :: [v] "r"(PTE_RO(virt_to_mfn(page_b))),
                     [b] "r"(base), [i] "r"(idx) : "memory");
    CHECK(SAME(*l1w(2), PTE_RO(virt_to_mfn(page_b))), "SIB store: entry %#lx", *l1w(2));
    ex = read64(scratch_va(2), &v);
    CHECK(ex == 0 && v == page_b[0], "read through SIB-stored mapping: %#lx", v);
}

static void atomic_forms(void)
{
    uint64_t ra = PTE_RO(virt_to_mfn(page_a)), rb = PTE_RO(virt_to_mfn(page_b));
    uint64_t rax, rcx;
    bool zf;

    /* CMPXCHG that matches: stores, ZF=1, RAX keeps the expected value. */
    uint64_t cur = *l1w(0);     /* what the hypervisor stored, software bits included */
    CHECK(SAME(cur, ra), "entry 0 before cmpxchg: %#lx", cur);
    rax = cur;
    __asm__ volatile("lock cmpxchgq %[n], (%[p]); setz %[z]"
                     : "+a"(rax), [z] "=r"(zf) : [n] "r"(rb), [p] "r"(l1w(0)) : "memory", "cc");
    CHECK(zf && rax == cur, "cmpxchg success: zf %d rax %#lx", zf, rax);
    CHECK(SAME(*l1w(0), rb), "cmpxchg stored %#lx", *l1w(0));
    flush(scratch_va(0));
    CHECK(*(volatile uint64_t *)scratch_va(0) == page_b[0], "mapping after cmpxchg");

    /* CMPXCHG that does not match (and without LOCK): no store, RAX = entry, ZF=0. */
    cur = *l1w(0);
    rax = 0x1234;
    __asm__ volatile("cmpxchgq %[n], (%[p]); setz %[z]"
                     : "+a"(rax), [z] "=r"(zf) : [n] "r"(ra), [p] "r"(l1w(0)) : "memory", "cc");
    CHECK(!zf && rax == cur, "cmpxchg failure: zf %d rax %#lx", zf, rax);
    CHECK(SAME(*l1w(0), rb), "failed cmpxchg changed entry to %#lx", *l1w(0));

    /* XCHG: the register gets the old entry. */
    cur = *l1w(0);
    rcx = ra;
    __asm__ volatile("xchgq %[r], (%[p])" : [r] "+r"(rcx) : [p] "r"(l1w(0)) : "memory");
    CHECK(rcx == cur && SAME(*l1w(0), ra), "xchg: old %#lx entry %#lx", rcx, *l1w(0));
    flush(scratch_va(0));
    CHECK(*(volatile uint64_t *)scratch_va(0) == page_a[0], "mapping after xchg");

    /* Linux's bit operations on entries: LOCK AND (1 byte) and LOCK BTS/BTR. */
    CHECK(store64(l1w(3), PTE_RW(virt_to_mfn(page_a))) == 0, "RW entry for bit ops");
    __asm__ volatile("lock andb %[m], (%[p])" :: [m] "i"((uint8_t)~_PAGE_RW), [p] "r"(l1w(3)) : "memory", "cc");
    CHECK(SAME(*l1w(3), PTE_RW(virt_to_mfn(page_a)) & ~_PAGE_RW), "lock andb: %#lx", *l1w(3));
    __asm__ volatile("lock btrq $5, (%[p]); setc %[c]" : [c] "=r"(zf) : [p] "r"(l1w(3)) : "memory", "cc");
    CHECK(zf && !(*l1w(3) & _PAGE_ACCESSED), "lock btr accessed: cf %d entry %#lx", zf, *l1w(3));
    /* A bit that is already clear: nothing to store, CF=0. */
    __asm__ volatile("lock btrq $5, (%[p]); setc %[c]" : [c] "=r"(zf) : [p] "r"(l1w(3)) : "memory", "cc");
    CHECK(!zf, "second btr: cf %d", zf);
    /* A 4-byte store of the upper half sets NX. */
    __asm__ volatile("movl %[v], 4(%[p])" :: [v] "r"(0x80000000u), [p] "r"(l1w(3)) : "memory");
    CHECK(*l1w(3) >> 63, "movl to upper half: %#lx", *l1w(3));
    /*
     * The rest of the entry is kept. (Xen then sees an entry with
     * _PAGE_USER and without its software kernel marker, which the store
     * just overwrote, and adds _PAGE_GLOBAL as for a user mapping: that
     * bit and the software bits are left out of the comparison.)
     */
    CHECK(SAME(*l1w(3) & ~(_PAGE_NX | _PAGE_GLOBAL), PTE_RW(virt_to_mfn(page_a)) & ~(_PAGE_RW | _PAGE_ACCESSED)),
          "upper-half store changed the rest: %#lx", *l1w(3));
}

static void refused(void)
{
    uint64_t before;
    unsigned long ex;

    /* A writable mapping of a page table: the entry fails validation -> the #PF. */
    before = *l1w(4);
    ex = store64(l1w(4), PTE_RW(scratch_l1_mfn));
    CHECK(ex == PF_W && cr2() == (unsigned long)l1w(4), "RW map of L1: exinfo %#lx cr2 %#lx", ex, cr2());
    CHECK(*l1w(4) == before, "refused entry stored: %#lx", *l1w(4));
    /* ... read-only is fine (as with update_va_mapping). */
    CHECK(store64(l1w(4), PTE_RO(scratch_l1_mfn)) == 0, "RO map of L1 refused");
    CHECK(store64(l1w(4), 0) == 0, "clearing refused");

    /* A frame that is not ours (Xen's page table behind L4 slot 256). */
    uint64_t *l4 = (uint64_t *)SI->pt_base;
    ex = store64(l1w(5), PTE_RO(PTE_MFN(l4[256])));
    CHECK(ex == PF_W, "foreign frame: exinfo %#lx", ex);
    CHECK(*l1w(5) == 0, "foreign entry stored: %#lx", *l1w(5));

    /* A misaligned 8-byte store is not emulated. */
    ex = store64((volatile char *)l1w(6) + 4, 0);
    CHECK(ex == PF_W && cr2() == (unsigned long)l1w(6) + 4, "misaligned: exinfo %#lx cr2 %#lx", ex, cr2());

    /* L2 and L4 tables are not emulated, even for a harmless write. */
    unsigned long l2e = pte_maddr(scratch_va(0), 2);
    volatile uint64_t *l2p = (volatile uint64_t *)((unsigned long)mfn_to_virt(l2e >> PAGE_SHIFT) + (l2e & 0xfff));
    before = *l2p;
    ex = store64(l2p, before);
    CHECK(ex == PF_W, "store to L2: exinfo %#lx", ex);
    volatile uint64_t *l4p = (volatile uint64_t *)&l4[300];
    ex = store64(l4p, *l4p);
    CHECK(ex == PF_W, "store to L4: exinfo %#lx", ex);

    /* An ordinary page mapped read-only is no page table. */
    CHECK(store64(l1w(7), PTE_RO(virt_to_mfn(page_b))) == 0, "RO entry");
    ex = store64((void *)scratch_va(7), 1);
    CHECK(ex == PF_W && cr2() == scratch_va(7), "RO data page: exinfo %#lx", ex);

    /* A load from the L1 is not a write fault and never reaches the emulator. */
    uint64_t v;
    CHECK(read64((unsigned long)l1w(0), &v) == 0 && v == *l1w(0), "read of L1");
}

void test_main(void)
{
    trap_init();
    scratch_init();
    without_assist();
    CHECK_RC(HC2(__HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);
    mov_stores();
    atomic_forms();
    refused();
    /* Leave no emulated mappings behind. */
    for (unsigned i = 0; i < 8; i++)
        CHECK_RC(update_va_mapping(scratch_va(i), 0, UVMF_INVLPG), 0);
}
