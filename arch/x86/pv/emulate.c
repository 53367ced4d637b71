/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Emulating what a PV guest kernel may not do itself (it runs in ring 3):
 * privileged instructions that fault with #GP, and CPUID behind the
 * forced-emulation prefix (ud2; .ascii "xen"; cpuid) through which a guest
 * asks for Mica's view of the CPU instead of the hardware's.
 *
 * The CPUID policy behind the prefix is arch/x86/pv/cpuid.c.
 *
 * MSR policy (RDMSR/WRMSR from the guest kernel; Xen 4.17's for a 64-bit PV
 * guest, where Mica has the MSR at all). "#GP" is #GP(0) to the guest.
 *
 * | MSR                          | RDMSR                          | WRMSR                         |
 * |------------------------------|--------------------------------|-------------------------------|
 * | 0x10 TSC                     | the TSC                        | #GP                           |
 * | 0x1b APIC_BASE               | 0xfee00000 + enable, +BSP on vCPU 0 (Linux reads it) | #GP     |
 * | 0x8b UCODE_REV / PATCHLEVEL  | hardware value (Intel, AMD; else #GP) | 0 on Intel ignored, else #GP |
 * | 0xce PLATFORM_INFO           | 0: no CPUID faulting offered (as Xen for a PV dom0) | #GP  |
 * | 0x140 MISC_FEATURES_ENABLES  | 0                              | 0 accepted, else #GP          |
 * | 0x1a0 MISC_ENABLE            | hardware value with PERF_AVAIL and MONITOR cleared, BTS_UNAVAIL, PEBS_UNAVAIL, XTPR_DISABLE set; #GP if the CPU lacks it | ignored (Linux writes it back); #GP if the CPU lacks it |
 * | 0x277 PAT                    | 0x050100070406, Xen's fixed PAT (WB WT UC- UC WC WP WB WT), which PV PTE cache bits are written against | #GP |
 * | 0x40000000 Xen hypercall page| 0                              | #GP (the page comes from the ELF note) |
 * | 0xc0000080 EFER              | hardware SCE LME LMA NXE FFXSE | the same value accepted, else #GP |
 * | 0xc0000100 FS_BASE           | the guest's                    | canonical: set, else #GP      |
 * | 0xc0000101 GS_BASE           | the guest kernel's             | canonical: set, else #GP      |
 * | 0xc0000102 SHADOW_GS_BASE    | the guest user's               | canonical: set, else #GP      |
 * | anything else                | #GP (*)                        | #GP                           |
 *
 * (*) As Xen: a guest kernel with no #GP handler registered yet (early
 * boot) instead reads 0 from an MSR the CPU has, rather than dying.
 * The machine-check MSRs (0x179-0x17b, 0x280-0x29f, 0x400-0x47f, 0x4d0) are
 * arch/x86/pv/vmce.c's. Not modelled (#GP where Xen answers): the perf counters, AMD-only P-state and northbridge
 * MSRs, SPEC_CTRL/PRED_CMD, TSC_AUX, XSS. STAR/LSTAR/CSTAR/SFMASK stay
 * Mica's (#GP), as on Xen.
 *
 * CLI and STI are no-ops when the virtual IOPL allows them, else #GP.
 * Other instructions from the guest kernel: WBINVD (done for the privileged
 * domain, ignored otherwise), CLTS (clears the virtual CR0.TS,
 * arch/x86/pv/fpu.c), MOV to/from CR0, CR2, CR3, CR4 (arch/x86/pv/ctrlreg.c),
 * XSETBV (#UD without the guest's CR4.OSXSAVE, else checked in fpu.c). HLT
 * is not emulated: Xen 4.17 gives the guest kernel #GP(0) for it (its
 * emulator's validate hook does not list HLT), so Mica does too; a PV
 * kernel idles with SCHEDOP_block. Port I/O from kernel or user
 * per the virtual IOPL (arch/x86/pv/ioport.c). An emulated instruction
 * with EFLAGS.TF set ends in a single-step #DB, as if it had run natively.
 */
#include <asm/extable.h>
#include <asm/regs.h>
#include <asm/x86.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/guest_access.h>
#include <mica/pv.h>
#include <mica/setup.h>
#include <mica/string.h>

#define MSR_TSC               0x00000010
#define MSR_UCODE_REV         0x0000008b
#define MSR_PLATFORM_INFO     0x000000ce
#define MSR_MISC_FEATURES_EN  0x00000140
#define MSR_MISC_ENABLE       0x000001a0
#define MSR_PAT               0x00000277
#define MSR_XEN_HYPERCALL     0x40000000

#define XEN_MSR_PAT           0x0000050100070406ULL
#define APIC_BASE_BSP         (1ULL << 8)
#define APIC_BASE_ENABLE      (1ULL << 11)
#define APIC_DEFAULT_BASE     0xfee00000ULL
#define EFER_FFXSE            (1ULL << 14)
#define MISC_ENABLE_PERF_AVAIL     (1ULL << 7)
#define MISC_ENABLE_BTS_UNAVAIL    (1ULL << 11)
#define MISC_ENABLE_PEBS_UNAVAIL   (1ULL << 12)
#define MISC_ENABLE_MONITOR        (1ULL << 18)
#define MISC_ENABLE_XTPR_DISABLE   (1ULL << 23)
#define EFLAGS_TF             (1UL << 8)
#define DR6_BS                (1UL << 14)

static uint64_t guest_efer(void)
{
    return rdmsr(MSR_EFER) & (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_FFXSE);
}

/* The CPU vendor, from leaf 0's EBX: "Genu" or "Auth". */
static bool cpu_is_intel_or_amd(void)
{
    uint32_t b = cpuid(0).ebx;
    return b == 0x756e6547u || b == 0x68747541u;
}
static bool cpu_is_intel(void)
{
    return cpuid(0).ebx == 0x756e6547u;
}

/* A value the guest sees in MISC_ENABLE: what Xen offers it. */
static uint64_t guest_misc_enable(uint64_t hw)
{
    return (hw & ~(MISC_ENABLE_PERF_AVAIL | MISC_ENABLE_MONITOR)) |
           MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL | MISC_ENABLE_XTPR_DISABLE;
}

/* RDMSR per the table above: true with *val, false for #GP. */
static bool guest_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    uint64_t hw;
    int mca = pv_vmce_rdmsr(v, msr, val);

    if (mca)
        return mca > 0;

    switch (msr) {
    /* The live bases are the hardware's: the guest may have written them with WRFSBASE. */
    case MSR_FS_BASE:
    case MSR_GS_BASE:
    case MSR_SHADOW_GS:
        *val = rdmsr(msr);
        return true;
    case MSR_EFER: *val = guest_efer(); return true;
    case MSR_TSC: *val = rdtsc(); return true;
    case MSR_PAT: *val = XEN_MSR_PAT; return true;
    case MSR_APIC_BASE:
        *val = APIC_DEFAULT_BASE | APIC_BASE_ENABLE | (v->vcpu_id == 0 ? APIC_BASE_BSP : 0);
        return true;
    case MSR_UCODE_REV:
        return cpu_is_intel_or_amd() && !rdmsr_safe(msr, val);
    case MSR_PLATFORM_INFO:
    case MSR_MISC_FEATURES_EN:
    case MSR_XEN_HYPERCALL:
        *val = 0;
        return true;
    case MSR_MISC_ENABLE:
        if (rdmsr_safe(msr, &hw))
            return false;
        *val = guest_misc_enable(hw);
        return true;
    default:
        return false;
    }
}

/* WRMSR per the table above: false for #GP. */
static bool guest_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
    uint64_t hw;
    int mca = pv_vmce_wrmsr(v, msr, val);

    if (mca)
        return mca > 0;

    switch (msr) {
    case MSR_FS_BASE:
        if (!pv_is_canonical(val)) return false;
        wrmsr(MSR_FS_BASE, val); v->pv.fs_base = val; return true;
    case MSR_GS_BASE:
        if (!pv_is_canonical(val)) return false;
        wrmsr(MSR_GS_BASE, val); v->pv.gs_base_kernel = val; return true;
    case MSR_SHADOW_GS:
        if (!pv_is_canonical(val)) return false;
        wrmsr(MSR_SHADOW_GS, val); v->pv.gs_base_user = val; return true;
    case MSR_EFER:
        /* Paging modes are Mica's; Linux writes the value it read back. */
        return val == guest_efer();
    case MSR_UCODE_REV:
        /* Intel documents "write 0, CPUID, read" to fetch the revision. */
        return cpu_is_intel() && val == 0;
    case MSR_MISC_FEATURES_EN:
        return val == 0;    /* CPUID faulting is not offered (PLATFORM_INFO) */
    case MSR_MISC_ENABLE:
        return !rdmsr_safe(msr, &hw);   /* ignored, as Xen: logged there, silent here */
    default:
        return false;
    }
}

static bool emulate_rdmsr(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint32_t msr = (uint32_t)regs->rcx;
    uint64_t val;

    if (!guest_rdmsr(v, msr, &val)) {
        /*
         * A kernel that cannot take #GP yet (no handler registered) would
         * die of it: an MSR the CPU has reads as 0 instead (as Xen; not for
         * the hypervisor range, which only Mica defines).
         */
        if (v->pv.trap_ctxt[13].address || (msr >> 16) == 0x4000 || rdmsr_safe(msr, &val))
            return false;
        pr_warn("d%u: faking RDMSR %#x (no #GP handler yet)\n", v->domain->domain_id, msr);
        val = 0;
    }
    regs->rax = (uint32_t)val;
    regs->rdx = val >> 32;
    return true;
}

static bool emulate_wrmsr(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint64_t val = ((uint64_t)(uint32_t)regs->rdx << 32) | (uint32_t)regs->rax;
    return guest_wrmsr(v, (uint32_t)regs->rcx, val);
}

/*
 * Fetch the instruction at rip: as many bytes as are readable, up to the
 * architectural 15. Returns the count (0: nothing readable).
 */
static unsigned int fetch_insn(const struct cpu_user_regs *regs, uint8_t insn[15])
{
    if (!copy_from_guest(insn, regs->rip, 15))
        return 15;
    unsigned int n = 0;
    while (n < 15 && !copy_from_guest(&insn[n], regs->rip + n, 1))
        n++;
    return n;
}

/* The instruction is done: a single-step trap follows if the guest asked for one. */
static void insn_done(struct vcpu *v, struct cpu_user_regs *regs)
{
    /* Not when the emulation itself raised an exception (INS/OUTS buffer fault). */
    if ((regs->rflags & EFLAGS_TF) && !(v->trap_bounce.flags & TBF_EXCEPTION)) {
        v->pv.dr6 |= DR6_BS;
        pv_inject_exception(v, 1, -1);
    }
}

/*
 * MOV to/from CRn: 0f 20 /r reads, 0f 22 /r writes; the ModRM byte always
 * names a register (mod is ignored), reg the control register and rm the
 * general register, each extended by REX.R / REX.B. Returns false for #GP.
 */
static bool emulate_mov_cr(struct vcpu *v, struct cpu_user_regs *regs, bool write,
                           uint8_t modrm, unsigned int rex)
{
    unsigned int cr = ((modrm >> 3) & 7) | ((rex & 4) << 1);
    uint64_t *gpr = regs_gpr(regs, (modrm & 7) | ((rex & 1) << 3));

    if (write)
        return pv_write_cr(v, cr, *gpr);
    return pv_read_cr(v, cr, gpr);
}

/*
 * Kernel-only instructions, with at most a REX prefix. Returns false for
 * #GP(0); an instruction that raised another exception (queued) counts as
 * handled, with rip left on it.
 */
static bool emulate_kernel_op(struct vcpu *v, struct cpu_user_regs *regs,
                              const uint8_t *insn, unsigned int len)
{
    unsigned int rex = 0, n = 2;

    if (len && (insn[0] & 0xf0) == 0x40) {
        rex = insn[0];
        insn++;
        len--;
    }
    if (len < 2 || insn[0] != 0x0f)
        return false;
    switch (insn[1]) {
    case 0x32:                                      /* RDMSR */
        if (!emulate_rdmsr(v, regs))
            return false;
        break;
    case 0x30:                                      /* WRMSR */
        if (!emulate_wrmsr(v, regs))
            return false;
        break;
    case 0x09:                                      /* WBINVD: only dom0's matters */
        if (v->domain->is_privileged)
            __asm__ volatile("wbinvd" ::: "memory");
        break;
    case 0x06:                                      /* CLTS */
        pv_emulate_clts(v);
        break;
    case 0x20:                                      /* MOV from CRn */
    case 0x22:                                      /* MOV to CRn */
        if (len < 3 || !emulate_mov_cr(v, regs, insn[1] == 0x22, insn[2], rex))
            return false;
        n = 3;
        break;
    case 0x01:                                      /* XSETBV is 0f 01 d1 */
        if (len < 3 || insn[2] != 0xd1)
            return false;
        /* Without the guest's own CR4.OSXSAVE it is #UD, as on a CPU (and Xen). */
        if (!(pv_guest_cr4(v) & X86_CR4_OSXSAVE)) {
            pv_inject_exception(v, 6, -1);
            return true;
        }
        if (!pv_emulate_xsetbv(v, (uint32_t)regs->rcx,
                               ((uint64_t)(uint32_t)regs->rdx << 32) | (uint32_t)regs->rax))
            return false;
        n = 3;
        break;
    default:
        return false;
    }
    regs->rip += n + (rex ? 1 : 0);
    return true;
}

bool pv_emulate_privileged_op(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint8_t insn[15];
    unsigned int len = fetch_insn(regs, insn);

    if (!len)
        return false;
    /*
     * CLI/STI with enough virtual IOPL (Linux dom0 asks for IOPL 1) are
     * accepted and do nothing, as on Xen: honouring them would let a guest
     * mask events with CLI and never unmask them, since POPF cannot be
     * trapped. Linux runs such code before its alternatives are patched.
     */
    if ((insn[0] == 0xfa || insn[0] == 0xfb) && pv_iopl_ok(v)) {
        regs->rip += 1;
        insn_done(v, regs);
        return true;
    }
    /* Port I/O is the one privileged operation guest user mode may be granted. */
    if (pv_emulate_io(v, regs, insn, len) ||
        (v->pv.kernel_mode && emulate_kernel_op(v, regs, insn, len))) {
        insn_done(v, regs);
        return true;
    }
    return false;
}

bool pv_emulate_forced_op(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint8_t insn[7];
    static const uint8_t prefix[5] = { 0x0f, 0x0b, 'x', 'e', 'n' };

    if (copy_from_guest(insn, regs->rip, sizeof(insn)) || memcmp(insn, prefix, 5))
        return false;
    if (insn[5] != 0x0f || insn[6] != 0xa2)
        return false;   /* only CPUID may follow the prefix */
    uint32_t out[4];
    pv_cpuid(v, (uint32_t)regs->rax, (uint32_t)regs->rcx, out);
    regs->rax = out[0]; regs->rbx = out[1]; regs->rcx = out[2]; regs->rdx = out[3];
    regs->rip += 7;
    return true;
}
