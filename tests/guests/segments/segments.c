/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Segments of a 64-bit PV guest: set_segment_base (FS, kernel GS, user GS,
 * user GS selector), set_gdt with valid and invalid descriptors,
 * update_descriptor, and MMUEXT_SET_LDT with LDT selectors.
 */
#include "../lib/guest.h"

const char test_title[] = "segments: set_segment_base, set_gdt, update_descriptor";

static volatile unsigned long fs_target = 0xf5f5f5f5UL, gs_target = 0x65656565UL, gsu_target = 0x75757575UL;

static long segbase(int which, unsigned long base)
{
    return HC2(__HYPERVISOR_set_segment_base, which, base);
}

static char user_stack[4096] __attribute__((aligned(16)));

static void user_read_gs(void)
{
    __asm__ volatile("mov %%gs:0, %%rax; syscall" ::: "rax", "rcx", "r11", "memory");
}

static void test_segbase(void)
{
    unsigned long v;
    CHECK_RC(segbase(SEGBASE_FS, (unsigned long)&fs_target), 0);
    __asm__ volatile("mov %%fs:0, %0" : "=r"(v));
    CHECK(v == fs_target, "%%fs:0 read %#lx", v);
    CHECK_RC(segbase(SEGBASE_GS_KERNEL, (unsigned long)&gs_target), 0);
    __asm__ volatile("mov %%gs:0, %0" : "=r"(v));
    CHECK(v == gs_target, "%%gs:0 (kernel) read %#lx", v);
    /* The user GS base is what user mode sees in %gs (Xen swaps on mode changes). */
    CHECK_RC(segbase(SEGBASE_GS_USER, (unsigned long)&gsu_target), 0);
    __asm__ volatile("mov %%gs:0, %0" : "=r"(v));
    CHECK(v == gs_target, "kernel %%gs changed by GS_USER: %#lx", v);
    user_mode_init();
    v = user_run(user_read_gs, user_stack + sizeof(user_stack));
    CHECK(v == gsu_target, "user %%gs:0 read %#lx", v);
    __asm__ volatile("mov %%gs:0, %0" : "=r"(v));
    CHECK(v == gs_target, "kernel %%gs:0 after user mode %#lx", v);

    /* Loading the user GS selector: the null selector is fine. */
    CHECK_RC(segbase(SEGBASE_GS_USER_SEL, 0), 0);
    /* A bad selector does not fail the call: Xen's fixup loads the null selector instead. */
    CHECK_RC(segbase(SEGBASE_GS_USER_SEL, 0xfff3), 0);
    /* Non-canonical bases and unknown registers: -EINVAL. */
    CHECK_RC(segbase(SEGBASE_FS, (unsigned long)NONCANON_VA), -XEN_EINVAL);
    CHECK_RC(segbase(SEGBASE_GS_KERNEL, (unsigned long)NONCANON_VA), -XEN_EINVAL);
    CHECK_RC(segbase(SEGBASE_GS_USER, (unsigned long)NONCANON_VA), -XEN_EINVAL);
    CHECK_RC(segbase(4, 0), -XEN_EINVAL);
    CHECK_RC(segbase(SEGBASE_FS, 0), 0);
}

#define DESC_CODE64_DPL3 0x00affa000000ffffUL  /* present, DPL 3, code, L */
#define DESC_DATA_DPL3   0x00cff2000000ffffUL  /* present, DPL 3, data, writable */
#define DESC_CODE64_DPL0 0x00af9a000000ffffUL
/* 64-bit call gate (two slots), target Xen's ring-0 code selector 0xe008. */
#define GATE_LO(sel, off) (((uint64_t)(off) & 0xffff) | ((uint64_t)(sel) << 16) | (0xecUL << 40) | \
                          (((uint64_t)(off) & 0xffff0000UL) << 32))

static long set_gdt(unsigned long *frames, unsigned entries)
{
    return HC2(__HYPERVISOR_set_gdt, frames, entries);
}

static long update_desc(unsigned long ma, uint64_t desc)
{
    return HC2(__HYPERVISOR_update_descriptor, ma, desc);
}

static void test_gdt(void)
{
    scratch_init();
    unsigned long mfn = p2m()[alloc_pfn()];
    uint64_t *gdt = (uint64_t *)scratch_va(20);
    CHECK_RC(update_va_mapping(scratch_va(20), (mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW, UVMF_INVLPG), 0);
    memset(gdt, 0, PAGE_SIZE);
    gdt[1] = DESC_CODE64_DPL3;
    gdt[2] = DESC_DATA_DPL3;

    unsigned long frames[16] = { mfn };
    /* A frame still mapped writable cannot become a descriptor table. */
    CHECK_RC(set_gdt(frames, 3), -XEN_EINVAL);
    CHECK_RC(update_va_mapping(scratch_va(20), (mfn << PAGE_SHIFT) | _PAGE_PRESENT, UVMF_INVLPG), 0);
    CHECK_RC(set_gdt(frames, 3), 0);
    /* Our data selector (index 2, RPL 3) loads. */
    unsigned short ds = 0x13, back = 0;
    unsigned long ex = 0;
    __asm__ volatile("1: mov %[s], %%ds; 2:" _ASM_EXTABLE(1b, 2b) : "+a"(ex) : [s] "r"(ds) : "memory");
    __asm__ volatile("mov %%ds, %0" : "=r"(back));
    CHECK(ex == 0 && back == 0x13, "loading ds 0x13: ex %#lx ds %#x", ex, back);
    __asm__ volatile("mov %0, %%ds" :: "r"(0) : "memory");
    /* A selector beyond the limit: #GP(selector). */
    ex = 0;
    __asm__ volatile("1: mov %[s], %%ds; 2:" _ASM_EXTABLE(1b, 2b) : "+a"(ex) : [s] "r"(0x2b) : "memory");
    CHECK(ex == EXINFO(X86_EXC_GP, 0x28), "loading ds 0x2b beyond the GDT: %#lx", ex);

    /* update_descriptor on a live GDT entry: valid descriptor. */
    unsigned long ma = (mfn << PAGE_SHIFT) + 3 * 8;
    CHECK_RC(update_desc(ma, DESC_DATA_DPL3), 0);
    CHECK(gdt[3] == DESC_DATA_DPL3, "GDT[3] = %#lx", gdt[3]);
    /*
     * A DPL 0 code segment is not refused: Xen's check_descriptor() raises
     * the DPL to the guest kernel's (3 for 64-bit PV) and stores that.
     */
    CHECK_RC(update_desc(ma, DESC_CODE64_DPL0), 0);
    printk("GDT[3] after DPL 0 code: %#lx\n", gdt[3]);
    CHECK(((gdt[3] >> 45) & 3) == 3 && (gdt[3] & ~(3UL << 45)) == (DESC_CODE64_DPL0 & ~(3UL << 45)),
          "DPL 0 code stored as %#lx", gdt[3]);
    /* A call gate into Xen's ring-0 code selector is refused... */
    CHECK_RC(update_desc(ma, GATE_LO(0xe008, 0x100000)), -XEN_EINVAL);
    /* ...one targeting the guest's own (ring 3) code selector is allowed. */
    CHECK_RC(update_desc(ma, GATE_LO(0xe033, 0x100000)), 0);
    /* Misaligned descriptor address, and a frame owned by Xen. */
    CHECK_RC(update_desc(ma + 4, DESC_DATA_DPL3), -XEN_EINVAL);
    CHECK_RC(update_desc(PTE_MFN(((uint64_t *)SI->pt_base)[256]) << PAGE_SHIFT, DESC_DATA_DPL3), -XEN_EINVAL);

    /* Too many entries, and an unreadable frame list. */
    /* The guest GDT must end below Xen's reserved entries (FIRST_RESERVED_GDT_ENTRY). */
    CHECK_RC(set_gdt(frames, FIRST_RESERVED_GDT_ENTRY + 1), -XEN_EINVAL);
    CHECK_RC(set_gdt(BAD_VA, 3), -XEN_EFAULT);
    /* Invalid descriptors in a new GDT frame. */
    unsigned long mfn2 = p2m()[alloc_pfn()];
    uint64_t *g2 = (uint64_t *)scratch_va(21);
    CHECK_RC(update_va_mapping(scratch_va(21), (mfn2 << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW, UVMF_INVLPG), 0);
    memset(g2, 0, PAGE_SIZE);
    g2[1] = GATE_LO(0xe008, 0x100000);
    CHECK_RC(update_va_mapping(scratch_va(21), (mfn2 << PAGE_SHIFT) | _PAGE_PRESENT, UVMF_INVLPG), 0);
    unsigned long f2[1] = { mfn2 };
    CHECK_RC(set_gdt(f2, 4), -XEN_EINVAL);
    CHECK_RC(set_gdt(frames, 3), 0);

    /* Frames that cannot be descriptor pages: Xen's, a live page table, not RAM. */
    unsigned long bad[1] = { PTE_MFN(((uint64_t *)SI->pt_base)[256]) };
    CHECK_RC(set_gdt(bad, 3), -XEN_EINVAL);
    bad[0] = virt_to_mfn((void *)SI->pt_base);
    CHECK_RC(set_gdt(bad, 3), -XEN_EINVAL);
    bad[0] = 1UL << 40;
    CHECK_RC(set_gdt(bad, 3), -XEN_EINVAL);
    /* A good first frame and a bad second one: nothing changes, the old GDT stays. */
    unsigned long two[2] = { mfn, 1UL << 40 };
    CHECK_RC(set_gdt(two, 513), -XEN_EINVAL);
    ex = 0;
    __asm__ volatile("1: mov %[s], %%ds; 2:" _ASM_EXTABLE(1b, 2b) : "+a"(ex) : [s] "r"(ds) : "memory");
    CHECK(ex == 0, "ds 0x13 after a failed set_gdt: %#lx", ex);
    __asm__ volatile("mov %0, %%ds" :: "r"(0) : "memory");
    /* A live GDT frame cannot be mapped writable (its type is taken). */
    CHECK_RC(update_va_mapping(scratch_va(20), (mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW, UVMF_INVLPG),
             -XEN_EBUSY);
    /* update_descriptor on a page table is refused; on an ordinary frame it works. */
    CHECK_RC(update_desc(virt_to_maddr((void *)SI->pt_base) + 8, DESC_DATA_DPL3), -XEN_EINVAL);
    CHECK_RC(update_desc((mfn2 << PAGE_SHIFT) + 8, DESC_DATA_DPL3), 0);
    CHECK(g2[1] == DESC_DATA_DPL3, "update_descriptor on a plain frame: %#lx", g2[1]);
    /* A non-present descriptor is stored as given, whatever its other bits. */
    CHECK_RC(update_desc((mfn2 << PAGE_SHIFT) + 16, 0xffff7fffffffffffUL), 0);
    CHECK(g2[2] == 0xffff7fffffffffffUL, "non-present descriptor stored as %#lx", g2[2]);
    /* An LDT or TSS descriptor is refused. */
    CHECK_RC(update_desc((mfn2 << PAGE_SHIFT) + 24, 0x0000e20000000fffUL), -XEN_EINVAL);
    CHECK_RC(update_desc((mfn2 << PAGE_SHIFT) + 24, 0x0000e90000000fffUL), -XEN_EINVAL);
    /* No GDT at all: guest selectors fault again. */
    CHECK_RC(set_gdt(frames, 0), 0);
    ex = 0;
    __asm__ volatile("1: mov %[s], %%ds; 2:" _ASM_EXTABLE(1b, 2b) : "+a"(ex) : [s] "r"(ds) : "memory");
    CHECK(ex == EXINFO(X86_EXC_GP, 0x10), "ds 0x13 without a GDT: %#lx", ex);
    __asm__ volatile("mov %0, %%ds" :: "r"(0) : "memory");
    /* The frame is free again: it can be mapped writable. */
    CHECK_RC(update_va_mapping(scratch_va(20), (mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW, UVMF_INVLPG), 0);
    CHECK_RC(update_va_mapping(scratch_va(20), 0, UVMF_INVLPG), 0);
    CHECK_RC(set_gdt(frames, 3), 0);
}

static long set_ldt(unsigned long va, unsigned ents)
{
    return mmuext1(MMUEXT_SET_LDT, va, ents);
}

static unsigned long load_ds(unsigned short sel)
{
    unsigned long ex = 0;
    __asm__ volatile("1: mov %[s], %%ds; 2:" _ASM_EXTABLE(1b, 2b) : "+a"(ex) : [s] "r"(sel) : "memory");
    __asm__ volatile("mov %0, %%ds" :: "r"(0) : "memory");
    return ex;
}

static void test_ldt(void)
{
    unsigned long mfn = p2m()[alloc_pfn()], va = scratch_va(22);
    uint64_t *ldt = (uint64_t *)va;
    CHECK_RC(update_va_mapping(va, (mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW, UVMF_INVLPG), 0);
    memset(ldt, 0, PAGE_SIZE);
    ldt[1] = DESC_DATA_DPL3;
    CHECK_RC(update_va_mapping(va, (mfn << PAGE_SHIFT) | _PAGE_PRESENT, UVMF_INVLPG), 0);

    /* Bad arguments: unaligned, too many entries, outside the guest's range. */
    CHECK_RC(set_ldt(va + 8, 3), -XEN_EINVAL);
    CHECK_RC(set_ldt(va, 8193), -XEN_EINVAL);
    CHECK_RC(set_ldt((unsigned long)NONCANON_VA, 3), -XEN_EINVAL);
    CHECK_RC(set_ldt(0xffff800000000000UL, 3), -XEN_EINVAL);
    /* No LDT: an LDT selector faults with its own index. */
    CHECK_RC(set_ldt(0, 0), 0);
    CHECK(load_ds(0x0f) == EXINFO(X86_EXC_GP, 0x0c), "ds 0x0f without an LDT");

    CHECK_RC(set_ldt(va, 3), 0);
    unsigned long ex = 0;
    unsigned short back = 0;
    __asm__ volatile("1: mov %[s], %%ds; 2:" _ASM_EXTABLE(1b, 2b) : "+a"(ex) : [s] "r"(0x0f) : "memory");
    __asm__ volatile("mov %%ds, %0" : "=r"(back));
    __asm__ volatile("mov %0, %%ds" :: "r"(0) : "memory");
    CHECK(ex == 0 && back == 0x0f, "ds 0x0f from the LDT: ex %#lx ds %#x", ex, back);
    /* A null descriptor in the LDT, and one beyond its limit. */
    ex = load_ds(0x17);
    CHECK(ex == EXINFO(X86_EXC_GP, 0x14), "ds 0x17 (null LDT entry): %#lx", ex);
    ex = load_ds(0x1f);
    CHECK(ex == EXINFO(X86_EXC_GP, 0x1c), "ds 0x1f beyond the LDT limit: %#lx", ex);
    /* The live LDT page: never writable, but update_descriptor works on it. */
    CHECK_RC(update_va_mapping(va, (mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW, UVMF_INVLPG), -XEN_EBUSY);
    CHECK_RC(update_desc((mfn << PAGE_SHIFT) + 16, DESC_DATA_DPL3), 0);
    CHECK(load_ds(0x17) == 0, "ds 0x17 after update_descriptor");
    /* The user GS selector may come from the LDT. */
    CHECK_RC(segbase(SEGBASE_GS_USER_SEL, 0x0f), 0);
    CHECK_RC(segbase(SEGBASE_GS_USER_SEL, 0), 0);

    /*
     * An LDT page still mapped writable: SET_LDT accepts it (pages are
     * only checked when the CPU uses them), the first use gets #PF at the
     * LDT's own address; once read-only, it works.
     */
    unsigned long mfn2 = p2m()[alloc_pfn()], va2 = scratch_va(23);
    uint64_t *ldt2 = (uint64_t *)va2;
    CHECK_RC(update_va_mapping(va2, (mfn2 << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW, UVMF_INVLPG), 0);
    memset(ldt2, 0, PAGE_SIZE);
    ldt2[1] = DESC_DATA_DPL3;
    CHECK_RC(set_ldt(va2, 2), 0);
    ex = load_ds(0x0f);
    unsigned long cr2 = shared_info()->vcpu_info[0].arch.cr2;
    CHECK(EXINFO_VEC(ex) == X86_EXC_PF && cr2 == va2 + 8, "writable LDT page: ex %#lx cr2 %#lx", ex, cr2);
    CHECK_RC(update_va_mapping(va2, (mfn2 << PAGE_SHIFT) | _PAGE_PRESENT, UVMF_INVLPG), 0);
    CHECK(load_ds(0x0f) == 0, "ds 0x0f once the LDT page is read-only");
    /* Switching LDTs releases the old pages: the first one can be made writable again. */
    CHECK_RC(update_va_mapping(va, (mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW, UVMF_INVLPG), 0);
    CHECK_RC(set_ldt(0, 0), 0);
    CHECK_RC(update_va_mapping(va2, (mfn2 << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW, UVMF_INVLPG), 0);
    CHECK(load_ds(0x0f) == EXINFO(X86_EXC_GP, 0x0c), "ds 0x0f after SET_LDT(0, 0)");
}

void test_main(void)
{
    trap_init();
    test_segbase();
    test_gdt();
    test_ldt();
}
