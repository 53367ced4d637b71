/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Privileged-instruction emulation for the PV guest kernel: CPUID (native
 * and the forced-emulation prefix), RDMSR/WRMSR policy, I/O ports with
 * PHYSDEVOP_set_iopl, debug registers, fpu_taskswitch/CLTS and #NM.
 */
#include "../lib/guest.h"
#include <public/physdev.h>

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
    /* Under QEMU TCG there is no CPUID faulting: native CPUID shows "TCGTCGTCGTCG" here. */
    struct cpuid nx = cpuid_native(0x40000000);
    printk("native leaf 0x40000000: %#x %.4s%.4s%.4s\n", nx.a, (char *)&nx.b, (char *)&nx.c, (char *)&nx.d);
}

static void test_msr(void)
{
    uint64_t v = 0;
    unsigned long ex;
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
    iopl.iopl = 0;
    CHECK_RC(HC2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, &iopl), 0);
    ex = inb_safe(0x80, &val);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "inb 0x80 after iopl 0: %#lx", ex);
    iopl.iopl = 4;
    CHECK_RC(HC2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, &iopl), -XEN_EINVAL);
    CHECK_RC(HC2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, BAD_VA), -XEN_EFAULT);
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
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 7, 0), 0);
    CHECK_RC(HC2(__HYPERVISOR_set_debugreg, 0, 0), 0);
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
