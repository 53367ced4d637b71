/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The CPUID a PV guest sees through the forced-emulation prefix
 * (ud2; .ascii "xen"; cpuid), which is how a PV kernel asks.
 *
 * Policy, as Xen 4.17's default for PV guests: the hardware's feature bits
 * filtered through a whitelist per feature word. The whitelist is the set
 * of features Xen's feature table offers to all guest types; what only
 * HVM guests may have is hidden. That matters for correctness, not taste:
 * the PV MMU refuses large-page entries, so PSE, PSE36 and 1 GiB pages must
 * not be offered (Linux would build its direct map from them), nor PGE
 * (global pages), VME, SMEP/SMAP/UMIP/PKU (CR4 bits the guest cannot set),
 * PCID/INVPCID, x2APIC, the TSC deadline timer, VMX/SVM or MONITOR.
 * Adjustments, as Xen makes them: the hypervisor bit is set; OSXSAVE is
 * set when the guest's virtual CR4 has it or, for the guest kernel (the
 * forced prefix is a kernel's way of asking), when Mica's own CR4 has it,
 * since a PV kernel runs on the XSAVE state Mica set up; SEP is hidden on
 * AMD-style CPUs (SYSENTER does not exist in long mode there); on those
 * CPUs leaf 0x80000001 EDX repeats leaf 1's common bits, filtered the same
 * way; MTRR stays visible to the control domain, which manages them.
 * The Xen leaves 0x40000000-0x40000002 say "XenVMMXenVMM", version 4.17,
 * one hypercall page installed through MSR 0x40000000.
 */
#include <asm/x86.h>
#include <mica/domain.h>
#include <mica/pv.h>
#include <mica/setup.h>
#include <mica/string.h>

#define XEN_CPUID_BASE 0x40000000u

enum { EAX, EBX, ECX, EDX };

/* Feature words a PV guest may see (leaf, subleaf, register, allowed bits). */
static const struct {
    uint32_t leaf, subleaf;
    int reg;
    uint32_t allowed;
} pv_feature_words[] = {
    { 0x00000001, 0, EDX, 0x1fc9cbf5 },   /* FPU DE TSC MSR PAE MCE CX8 APIC SEP ... HTT */
    { 0x00000001, 0, ECX, 0xf6d83203 },   /* SSE3 PCLMUL SSSE3 FMA CX16 ... RDRAND HYPERVISOR */
    { 0x80000001, 0, EDX, 0xea500800 },   /* SYSCALL NX MMXEXT FFXSR RDTSCP LM 3DNow */
    { 0x80000001, 0, ECX, 0x042109e3 },   /* LAHF CMP_LEGACY ABM SSE4A MISALIGNSSE 3DNowPF XOP FMA4 TBM */
    { 0x0000000d, 1, EAX, 0x00000007 },   /* XSAVEOPT XSAVEC XGETBV1 (no XSAVES) */
    { 0x00000007, 0, EBX, 0xfdaf0b29 },   /* FSGSBASE BMI1 AVX2 BMI2 ERMS ... (no SMEP/SMAP/INVPCID) */
    { 0x00000007, 0, ECX, 0x02405f43 },   /* PREFETCHWT1 AVX512_VBMI ... (no UMIP/PKU) */
    { 0x00000007, 0, EDX, 0xac00441c },   /* AVX512_4VNNIW ... MD_CLEAR, SPEC_CTRL family */
    { 0x00000007, 1, EAX, 0x00001c30 },   /* AVX_VNNI AVX512_BF16 ... */
    { 0x80000008, 0, EBX, 0x64001005 },   /* CLZERO RSTR_FP_ERR_PTRS ... */
};

#define LEAF1_EDX_SEP         (1u << 11)
#define LEAF1_EDX_MTRR        (1u << 12)
/* Leaf 1 EDX bits AMD repeats in leaf 0x80000001 EDX (FPU..PSE36, MMX, FXSR). */
#define AMD_COMMON_1D         0x0183f3ffu
#define LEAF1_ECX_OSXSAVE     (1u << 27)
#define LEAF1_ECX_HYPERVISOR  (1u << 31)

static void xen_leaves(uint32_t leaf, uint32_t out[4])
{
    memset(out, 0, 16);
    switch (leaf - XEN_CPUID_BASE) {
    case 0:
        out[EAX] = XEN_CPUID_BASE + 2;            /* highest Xen leaf */
        memcpy(&out[EBX], "XenV", 4);
        memcpy(&out[ECX], "MMXe", 4);
        memcpy(&out[EDX], "nVMM", 4);
        break;
    case 1:
        out[EAX] = (MICA_VERSION_MAJOR << 16) | MICA_VERSION_MINOR;
        break;
    case 2:
        out[EAX] = 1;                             /* one hypercall page */
        out[EBX] = XEN_CPUID_BASE;                /* MSR to install it */
        break;
    }
}

/* AMD and Hygon: "AuthenticAMD" / "HygonGenuine" in leaf 0. */
static bool cpu_is_amd_style(void)
{
    uint32_t b = cpuid(0).ebx;
    return b == 0x68747541u /* "Auth" */ || b == 0x6f677948u /* "Hygo" */;
}

/* Leaf 1 EDX as the guest sees it (also the source of AMD's copy). */
static uint32_t leaf1_edx(struct vcpu *v, uint32_t hw)
{
    uint32_t edx = hw & pv_feature_words[0].allowed;
    if (v && v->domain->is_privileged)
        edx |= hw & LEAF1_EDX_MTRR;
    if (cpu_is_amd_style())
        edx &= ~LEAF1_EDX_SEP;
    return edx;
}

void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    if (leaf >= XEN_CPUID_BASE && leaf < XEN_CPUID_BASE + 0x100) {
        xen_leaves(leaf, out);
        return;
    }
    struct cpuid_regs r = cpuid_count(leaf, subleaf);
    out[EAX] = r.eax; out[EBX] = r.ebx; out[ECX] = r.ecx; out[EDX] = r.edx;

    for (unsigned i = 0; i < sizeof(pv_feature_words) / sizeof(pv_feature_words[0]); i++) {
        if (pv_feature_words[i].leaf == leaf &&
            (pv_feature_words[i].subleaf == subleaf || leaf == 1 || leaf >= 0x80000000u))
            out[pv_feature_words[i].reg] &= pv_feature_words[i].allowed;
    }
    if (leaf == 1) {
        out[EDX] = leaf1_edx(v, r.edx);
        out[ECX] |= LEAF1_ECX_HYPERVISOR;
        out[ECX] &= ~LEAF1_ECX_OSXSAVE;
        if (v && ((pv_guest_cr4(v) & X86_CR4_OSXSAVE) ||
                  (v->pv.kernel_mode && (read_cr4() & X86_CR4_OSXSAVE))))
            out[ECX] |= LEAF1_ECX_OSXSAVE;
    } else if (leaf == 0x80000001 && cpu_is_amd_style()) {
        out[EDX] = (out[EDX] & ~AMD_COMMON_1D) | (leaf1_edx(v, cpuid(1).edx) & AMD_COMMON_1D);
    }
}
