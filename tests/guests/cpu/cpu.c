/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Privileged-instruction emulation for the PV guest kernel: CPUID (native
 * and the forced-emulation prefix), RDMSR/WRMSR policy, I/O ports with
 * PHYSDEVOP_set_iopl, debug registers, fpu_taskswitch/CLTS and #NM.
 */
#include "../lib/guest.h"
#include <public/physdev.h>
#include <public/version.h>

const char test_title[] = "cpu: cpuid, msr, iopl, debug registers, fpu_taskswitch";

struct cpuid { uint32_t a, b, c, d; };

static struct cpuid cpuid_native(uint32_t leaf)
{
    struct cpuid r;
    __asm__ volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(0));
    return r;
}

static struct cpuid cpuid_forced(uint32_t leaf)
{
    struct cpuid r;
    __asm__ volatile(XEN_CPUID : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(0));
    return r;
}

/* Exception info if the last probe faulted (the handler counts traps), else 0. */
static unsigned long faulted_since(unsigned long before)
{
    return ACCESS_ONCE(trap_count) != before ? EXINFO(last_trap.vector, last_trap.error_code) : 0;
}

static unsigned long rdmsr_safe(uint32_t msr, uint64_t *val)
{
    unsigned long before = trap_count;
    uint32_t lo, hi;
    __asm__ volatile("1: rdmsr; 2:" _ASM_EXTABLE(1b, 2b)
                     : "=a"(lo), "=d"(hi) : "c"(msr), "a"(0), "d"(0) : "memory");
    *val = ((uint64_t)hi << 32) | lo;
    return faulted_since(before);
}

static unsigned long wrmsr_safe(uint32_t msr, uint64_t val)
{
    unsigned long before = trap_count;
    __asm__ volatile("1: wrmsr; 2:" _ASM_EXTABLE(1b, 2b)
                     :: "c"(msr), "d"((uint32_t)(val >> 32)), "a"((uint32_t)val) : "memory");
    return faulted_since(before);
}

static void test_cpuid(void)
{
    /* Forced emulation always reaches Xen's CPUID policy, including Xen's leaves. */
    struct cpuid x = cpuid_forced(0x40000000);
    char sig[13];
    memcpy(sig, &x.b, 4);
    memcpy(sig + 4, &x.c, 4);
    memcpy(sig + 8, &x.d, 4);
    sig[12] = 0;
    CHECK(!strcmp(sig, "XenVMMXenVMM"), "leaf 0x40000000 signature '%s'", sig);
    CHECK(x.a >= 0x40000002 && x.a < 0x40000100, "max Xen leaf %#x", x.a);
    printk("Xen leaves up to %#x\n", x.a);
    for (uint32_t leaf = 0; leaf < 2; leaf++) {
        struct cpuid f = cpuid_forced(leaf ? 0x80000001 : 1);
        printk("forced cpuid %#x: %08x %08x %08x %08x\n", leaf ? 0x80000001 : 1, f.a, f.b, f.c, f.d);
    }
    /* Leaf +1: version (major << 16 | minor). */
    CHECK(cpuid_forced(0x40000001).a == 0x40011, "Xen version leaf %#x", cpuid_forced(0x40000001).a);
    /* Leaf +2: one hypercall page, registered through MSR in ebx. */
    struct cpuid hp = cpuid_forced(0x40000002);
    CHECK(hp.a == 1, "hypercall pages %u", hp.a);
    printk("hypercall MSR %#x\n", hp.b);
    /* Leaf 1: the hypervisor bit is set for guests. */
    struct cpuid l1 = cpuid_forced(1);
    CHECK(l1.c & (1u << 31), "leaf 1 ecx %#x lacks the hypervisor bit", l1.c);
    /* Vendor agrees between forced and native CPUID (leaf 0 is not hidden). */
    struct cpuid n0 = cpuid_native(0), f0 = cpuid_forced(0);
    CHECK(n0.b == f0.b && n0.c == f0.c && n0.d == f0.d, "vendor differs native/forced");
    /*
     * Native CPUID in a PV guest is not intercepted unless the CPU has CPUID
     * faulting; then the hypervisor leaves may or may not be visible.
     */
    /*
     * Xen's PV feature policy (only features marked 'A' in its feature set)
     * hides large pages, global pages and VME (MTRR stays for dom0): the PV MMU refuses
     * PSE entries, and Linux would use them if offered.
     */
    static const struct { uint32_t leaf; int reg; unsigned bit; const char *name; } hidden[] = {
        { 1, 3, 1, "VME" }, { 1, 3, 3, "PSE" }, { 1, 3, 13, "PGE" },
        { 1, 3, 17, "PSE36" }, { 1, 2, 3, "MONITOR" }, { 1, 2, 5, "VMX" }, { 1, 2, 17, "PCID" },
        { 1, 2, 21, "X2APIC" }, { 1, 2, 24, "TSC_DEADLINE" }, { 0x80000001, 3, 26, "PAGE1GB" },
        { 0x80000001, 2, 2, "SVM" }, { 7, 1, 7, "SMEP" }, { 7, 1, 20, "SMAP" }, { 7, 1, 10, "INVPCID" },
        { 7, 2, 2, "UMIP" }, { 7, 2, 3, "PKU" },
    };
    for (unsigned i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
        struct cpuid r = cpuid_forced(hidden[i].leaf);
        uint32_t regs[4] = { r.a, r.b, r.c, r.d };
        CHECK(!(regs[hidden[i].reg] & (1u << hidden[i].bit)), "CPUID %#x shows %s to a PV guest",
              hidden[i].leaf, hidden[i].name);
    }
    /* Under QEMU TCG there is no CPUID faulting: native CPUID shows "TCGTCGTCGTCG" here. */
    struct cpuid nx = cpuid_native(0x40000000);
    printk("native leaf 0x40000000: %#x %.4s%.4s%.4s\n", nx.a, (char *)&nx.b, (char *)&nx.c, (char *)&nx.d);
}

static void test_msr(void)
{
    uint64_t v = 0;
    unsigned long ex;

    /* Virtual machine-check MSRs: two empty banks; status can only be cleared. */
    ex = rdmsr_safe(0x179, &v);
    CHECK(!ex && (v & 0xff) == 2, "MCG_CAP: ex %#lx val %#lx", ex, v);
    ex = rdmsr_safe(0x17a, &v);
    CHECK(!ex && v == 0, "MCG_STATUS: ex %#lx val %#lx", ex, v);
    ex = rdmsr_safe(0x400, &v);
    CHECK(!ex && v == ~0ULL, "MC0_CTL: ex %#lx val %#lx", ex, v);
    ex = rdmsr_safe(0x405, &v);
    CHECK(!ex && v == 0, "MC1_STATUS: ex %#lx val %#lx", ex, v);
    CHECK(wrmsr_safe(0x401, 0) == 0, "MC0_STATUS = 0 refused");
    CHECK(wrmsr_safe(0x401, 1) == EXINFO(X86_EXC_GP, 0), "MC0_STATUS = 1 accepted");
    CHECK(rdmsr_safe(0x4d0, &v) == EXINFO(X86_EXC_GP, 0), "MCG_EXT_CTL readable");
    /* FS base: readable and writable, and the same as set_segment_base's. */
    CHECK_RC(HC2(__HYPERVISOR_set_segment_base, SEGBASE_FS, 0x7f0000001000UL), 0);
    ex = rdmsr_safe(0xc0000100, &v);
    CHECK(!ex && v == 0x7f0000001000UL, "rdmsr FS_BASE: ex %#lx val %#lx", ex, v);
    ex = wrmsr_safe(0xc0000100, 0x7f0000002000UL);
    CHECK(!ex, "wrmsr FS_BASE: %#lx", ex);
    ex = rdmsr_safe(0xc0000100, &v);
    CHECK(!ex && v == 0x7f0000002000UL, "FS_BASE after wrmsr: %#lx", v);
    CHECK_RC(HC2(__HYPERVISOR_set_segment_base, SEGBASE_FS, 0), 0);

    /* EFER reads back with long mode active and SYSCALL enabled. */
    ex = rdmsr_safe(0xc0000080, &v);
    CHECK(!ex && (v & 0x501) == 0x501, "EFER: ex %#lx val %#lx", ex, v);
    /* The TSC and PAT are readable; GS bases too. */
    CHECK(!rdmsr_safe(0x10, &v) && v, "rdmsr TSC");
    CHECK(!rdmsr_safe(0x277, &v), "rdmsr PAT faulted");
    CHECK(!rdmsr_safe(0xc0000101, &v) && !rdmsr_safe(0xc0000102, &v), "rdmsr GS bases faulted");
    /* Xen keeps the SYSCALL MSRs (STAR, LSTAR) to itself: #GP. */
    ex = rdmsr_safe(0xc0000081, &v);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "rdmsr STAR: %#lx", ex);
    ex = rdmsr_safe(0xc0000082, &v);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "rdmsr LSTAR: %#lx", ex);
    ex = wrmsr_safe(0xc0000082, 0);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "wrmsr LSTAR: %#lx", ex);
    /* PAT reads Xen's fixed value (WB WT UC- UC WC WP WB WT); the guest cannot change it. */
    ex = rdmsr_safe(0x277, &v);
    CHECK(!ex && v == 0x0000050100070406UL, "PAT: ex %#lx val %#lx", ex, v);
    ex = wrmsr_safe(0x277, 0x0007040600070406UL);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "wrmsr PAT: %#lx", ex);
    /* EFER: writing back the value read is allowed (Linux does), changing it is #GP. */
    ex = rdmsr_safe(0xc0000080, &v);
    CHECK(!ex && !wrmsr_safe(0xc0000080, v), "wrmsr EFER unchanged faulted");
    ex = wrmsr_safe(0xc0000080, v & ~0x800UL);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "wrmsr EFER without NXE: %#lx", ex);
    /* Non-canonical segment bases are #GP, not a crash of the hypervisor. */
    ex = wrmsr_safe(0xc0000100, 0x8000000000000000UL);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "wrmsr FS_BASE non-canonical: %#lx", ex);
    ex = wrmsr_safe(0xc0000102, 0x0000800000000000UL);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "wrmsr SHADOW_GS non-canonical: %#lx", ex);
    /* The TSC and APIC_BASE are read-only for a PV guest. */
    ex = wrmsr_safe(0x10, 0);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "wrmsr TSC: %#lx", ex);
    ex = wrmsr_safe(0x1b, 0xfee00900UL);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "wrmsr APIC_BASE: %#lx", ex);
    /* APIC_BASE: enabled at the default address, BSP on vCPU 0 (Linux reads it). */
    ex = rdmsr_safe(0x1b, &v);
    CHECK(!ex && v == 0xfee00900UL, "rdmsr APIC_BASE: ex %#lx val %#lx", ex, v);
    /* No CPUID faulting for a PV dom0: PLATFORM_INFO reads 0, enabling it is #GP. */
    ex = rdmsr_safe(0xce, &v);
    CHECK(!ex && v == 0, "rdmsr PLATFORM_INFO: ex %#lx val %#lx", ex, v);
    ex = wrmsr_safe(0x140, 1);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "wrmsr MISC_FEATURES_ENABLES=1: %#lx", ex);
    CHECK(!wrmsr_safe(0x140, 0), "wrmsr MISC_FEATURES_ENABLES=0 faulted");
    /* MSRs nobody knows: #GP on read and write. */
    ex = rdmsr_safe(0x12345678, &v);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "rdmsr unknown: %#lx", ex);
    ex = wrmsr_safe(0x12345678, 1);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "wrmsr unknown: %#lx", ex);
    /* Informational (model specific under QEMU). */
    static const uint32_t info[] = { 0x1b, 0x8b, 0x179, 0x1a0, 0x40000000 };
    for (unsigned i = 0; i < sizeof(info) / sizeof(info[0]); i++) {
        ex = rdmsr_safe(info[i], &v);
        printk("rdmsr %#x: %s %#lx\n", info[i], ex ? "#GP" : "ok", ex ? ex : v);
    }
}

static unsigned long inb_safe(uint16_t port, uint8_t *val)
{
    unsigned long before = trap_count;
    uint8_t v;
    __asm__ volatile("1: inb %w[p], %%al; 2:" _ASM_EXTABLE(1b, 2b)
                     : "=a"(v) : [p] "d"(port), "a"(0) : "memory");
    *val = v;
    return faulted_since(before);
}

static void test_io(void)
{
    unsigned long ex;
    uint8_t val;
    struct physdev_set_iopl iopl = { .iopl = 1 };

    /* A PV vCPU starts with virtual IOPL 0: port I/O from the kernel is #GP(0). */
    ex = inb_safe(0x80, &val);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "inb 0x80 at boot: %#lx", ex);
    /* IOPL 1 covers the guest kernel (Xen treats it as ring 1): Xen emulates the access. */
    CHECK_RC(HC2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, &iopl), 0);
    ex = inb_safe(0x80, &val);
    CHECK(ex == 0, "inb 0x80 with iopl 1: %#lx", ex);
    /* A port Xen keeps (its own COM1) reads as all ones instead of reaching the device. */
    ex = inb_safe(0x3f8 + 5, &val);
    CHECK(ex == 0 && val == 0xff, "inb COM1 LSR: ex %#lx val %#x", ex, val);
    /* Other encodings: imm8 and dx, byte/word/dword, IN and OUT. */
    {
        unsigned long e = 0;
        uint32_t a = 0x12345678;
        __asm__ volatile("1: outb %%al, $0x80; 2:" _ASM_EXTABLE(1b, 2b) : "+a"(e) :: "memory");
        CHECK(e == 0, "outb imm8: %#lx", e);
        __asm__ volatile("1: inw %%dx, %%ax; 2:" _ASM_EXTABLE(1b, 2b) : "+a"(a) : "d"(0x3f8 + 5) : "memory");
        CHECK(a == 0x1234ffff, "inw COM1 LSR: %#x (upper half of eax kept)", a);
        a = 0x12345678;
        __asm__ volatile("1: inl %%dx, %%eax; 2:" _ASM_EXTABLE(1b, 2b) : "+a"(a) : "d"(0x3f8 + 4) : "memory");
        CHECK(a == 0xffffffff, "inl COM1 MCR..: %#x", a);
        a = 0x12345600;
        __asm__ volatile("1: inb $0x80, %%al; 2:" _ASM_EXTABLE(1b, 2b) : "+a"(a) :: "memory");
        CHECK((a & ~0xffu) == 0x12345600, "inb imm8 changed more than al: %#x", a);
    }
    iopl.iopl = 0;
    CHECK_RC(HC2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, &iopl), 0);
    ex = inb_safe(0x80, &val);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "inb 0x80 after iopl 0: %#lx", ex);
    iopl.iopl = 4;
    CHECK_RC(HC2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, &iopl), -XEN_EINVAL);
    CHECK_RC(HC2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, BAD_VA), -XEN_EFAULT);
    CHECK_RC(HC2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, NONCANON_VA), -XEN_EFAULT);
    CHECK_RC(HC2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, HYPERVISOR_VIRT_START), -XEN_EFAULT);
    /* Still #GP: the failed calls changed nothing. */
    ex = inb_safe(0x80, &val);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "inb 0x80 after failed set_iopl: %#lx", ex);
    /* A command nobody implements. */
    CHECK_RC(HC2(__HYPERVISOR_physdev_op, 0x7fff, &iopl), -XEN_ENOSYS);
}

static void test_debugreg(void)
{
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 0, 0x100000), 0);
    CHECK_RC(HC1(__HYPERVISOR_get_debugreg, 0), 0x100000);
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 3, 0x7ffffffff000UL), 0);
    CHECK_RC(HC1(__HYPERVISOR_get_debugreg, 3), 0x7ffffffff000UL);
    /* Breakpoint addresses must be guest addresses: Xen's range and non-canonical are -EPERM. */
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 1, HYPERVISOR_VIRT_START), -XEN_EPERM);
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 1, (unsigned long)NONCANON_VA), -XEN_EPERM);
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 1, 0xffff830000000000UL), -XEN_EPERM);
    /* Architectural reset values of DR6 and DR7. */
    CHECK_RC(HC1(__HYPERVISOR_get_debugreg, 6), 0xffff0ff0);
    CHECK_RC(HC1(__HYPERVISOR_get_debugreg, 7), 0x400);
    /* There is no DR8. */
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 8, 0), -XEN_ENODEV);
    CHECK_RC(HC1(__HYPERVISOR_get_debugreg, 8), -XEN_ENODEV);
    /* DR7: local enable of DR0 reads back with the reserved bit 10; GD is refused; bits 32+ are reserved. */
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 7, 0x1), 0);
    CHECK_RC(HC1(__HYPERVISOR_get_debugreg, 7), 0x401);
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 7, 1UL << 13), -XEN_EPERM);
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 7, 1UL << 40), -XEN_EINVAL);
    /* An I/O breakpoint (R/W = 10b) needs CR4.DE, which a PV vCPU starts without. */
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 7, 0x1 | (2UL << 16)), -XEN_EPERM);
    /* Disabled, the same R/W field is just stored. */
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 7, 2UL << 16), 0);
    CHECK_RC(HC1(__HYPERVISOR_get_debugreg, 7), 0x20400);
    /* Reserved DR7 bits 11, 12, 14, 15 read as 0. */
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 7, 0xd800), 0);
    CHECK_RC(HC1(__HYPERVISOR_get_debugreg, 7), 0x400);
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 7, 0), 0);
    /* DR6: upper half reserved; bit 12 reads 0, the reserved-one bits 1. */
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 6, 1UL << 32), -XEN_EINVAL);
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 6, 0x1001), 0);
    CHECK_RC(HC1(__HYPERVISOR_get_debugreg, 6), 0xffff0ff1);
    /* Without CR4.DE, DR4 and DR5 are DR6 and DR7. */
    CHECK_RC(HC1(__HYPERVISOR_get_debugreg, 4), 0xffff0ff1);
    CHECK_RC(HC1(__HYPERVISOR_get_debugreg, 5), 0x400);
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 6, 0), 0);
    CHECK_RC(HC1(__HYPERVISOR_get_debugreg, 6), 0xffff0ff0);
    /* Negative and large register numbers. */
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, -1, 0), -XEN_ENODEV);
    CHECK_RC(HC1(__HYPERVISOR_get_debugreg, -1), -XEN_ENODEV);
    CHECK_RC(HC1(__HYPERVISOR_get_debugreg, 1000), -XEN_ENODEV);
    /* Above Xen's range is the guest's again (its kernel lives there). */
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 2, HYPERVISOR_VIRT_END), 0);
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 2, HYPERVISOR_VIRT_END - 1), -XEN_EPERM);
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 2, 0), 0);

    /*
     * A live data breakpoint: DR0 on a guest variable, L0, R/W = 01 (write),
     * LEN = 1 byte. The store traps with #DB after it completes; DR6 shows
     * B0. A hypercall reading that memory must not be disturbed by it.
     */
    static volatile char watched[16];
    unsigned long e = 0;
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 0, (unsigned long)&watched[0]), 0);
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 7, 0x1 | (1UL << 16)), 0);
    __asm__ volatile("movb $1, (%1); 2:" _ASM_EXTABLE(2b, 2b) : "+a"(e) : "r"(&watched[0]) : "memory");
    CHECK(e == EXINFO(X86_EXC_DB, 0), "write to watched byte: %#lx", e);
    long dr6 = HC1(__HYPERVISOR_get_debugreg, 6);
    CHECK((dr6 & 0xf) == 1, "DR6 after the data breakpoint: %#lx", dr6);
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 6, 0), 0);
    /*
     * The hypervisor writing the watched byte for the guest (extraversion
     * into the buffer) hits the breakpoint inside the hypervisor: the
     * hypercall completes and the guest gets no #DB (an unexpected #DB
     * would end this test).
     */
    CHECK_RC(HC2(__HYPERVISOR_xen_version, XENVER_extraversion, (void *)watched), 0);
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 7, 0), 0);
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 0, 0), 0);
    CHECK(watched[0] != 1, "extraversion not written");
}

static void test_fpu(void)
{
    unsigned long ex;
#define FNOP() ({ unsigned long e_ = 0; __asm__ volatile("1: fnop; 2:" _ASM_EXTABLE(1b, 2b) : "+a"(e_) :: "memory"); e_; })
    CHECK(FNOP() == 0, "fnop faulted with TS clear");
    CHECK_RC(HC1(__HYPERVISOR_fpu_taskswitch, 1), 0);
    ex = FNOP();
    CHECK(ex == EXINFO(X86_EXC_NM, 0), "fnop with TS set: %#lx", ex);
    /* Xen clears the virtual CR0.TS when it delivers #NM (PV ABI): the next one runs. */
    ex = FNOP();
    CHECK(ex == 0, "second fnop after #NM: %#lx", ex);
    CHECK_RC(HC1(__HYPERVISOR_fpu_taskswitch, 1), 0);
    /* CLTS from the guest kernel is emulated: clears the virtual TS. */
    ex = 0;
    __asm__ volatile("1: clts; 2:" _ASM_EXTABLE(1b, 2b) : "+a"(ex) :: "memory");
    CHECK(ex == 0, "clts faulted: %#lx", ex);
    CHECK(FNOP() == 0, "fnop after clts faulted");
    CHECK_RC(HC1(__HYPERVISOR_fpu_taskswitch, 1), 0);
    CHECK_RC(HC1(__HYPERVISOR_fpu_taskswitch, 0), 0);
    CHECK(FNOP() == 0, "fnop after fpu_taskswitch(0) faulted");
    /* SSE is usable (CR4.OSFXSR), and TS covers it too. */
#define XORPS() ({ unsigned long e_ = 0; __asm__ volatile("1: xorps %%xmm0, %%xmm0; 2:" _ASM_EXTABLE(1b, 2b) : "+a"(e_) :: "memory"); e_; })
    CHECK(XORPS() == 0, "xorps faulted with TS clear");
    CHECK_RC(HC1(__HYPERVISOR_fpu_taskswitch, 1), 0);
    ex = XORPS();
    CHECK(ex == EXINFO(X86_EXC_NM, 0), "xorps with TS set: %#lx", ex);
    CHECK(XORPS() == 0, "xorps after #NM faulted");
    /* Any non-zero argument sets TS. */
    CHECK_RC(HC1(__HYPERVISOR_fpu_taskswitch, 2), 0);
    CHECK(FNOP() == EXINFO(X86_EXC_NM, 0), "fnop after fpu_taskswitch(2)");
}

void test_main(void)
{
    trap_init();
    test_cpuid();
    test_msr();
    test_io();
    test_debugreg();
    test_fpu();
}
