/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Emulating what a PV guest kernel may not do itself (it runs in ring 3):
 * privileged instructions that fault with #GP, and CPUID behind the
 * forced-emulation prefix (ud2; .ascii "xen"; cpuid) through which a guest
 * asks for Mica's view of the CPU instead of the hardware's.
 *
 * CPUID policy: the hardware's answers, with the hypervisor bit set
 * (leaf 1 ECX[31]) and what a PV guest cannot use hidden (VMX, SVM,
 * monitor/mwait, x2APIC, PCID, OSXSAVE-dependent bits are left to the
 * hardware); the Xen leaves 0x40000000-0x40000002 advertise "XenVMMXenVMM"
 * and version 4.17.
 *
 * MSR policy (RDMSR/WRMSR from the guest kernel):
 *   FS_BASE, GS_BASE, SHADOW_GS_BASE   read/write the guest's own bases
 *   EFER                               reads LME|LMA|SCE|NXE as the host has them; writes ignored
 *   TSC                                reads the TSC
 *   anything else                      #GP, which Linux's rdmsr_safe() expects
 */
#include <asm/regs.h>
#include <asm/x86.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/guest_access.h>
#include <mica/pv.h>
#include <mica/setup.h>
#include <mica/string.h>

#define XEN_CPUID_BASE 0x40000000u

void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    (void)v;
    if (leaf >= XEN_CPUID_BASE && leaf < XEN_CPUID_BASE + 0x100) {
        memset(out, 0, 16);
        switch (leaf - XEN_CPUID_BASE) {
        case 0:
            out[0] = XEN_CPUID_BASE + 2;            /* highest Xen leaf */
            memcpy(&out[1], "XenV", 4);
            memcpy(&out[2], "MMXe", 4);
            memcpy(&out[3], "nVMM", 4);
            break;
        case 1:
            out[0] = (MICA_VERSION_MAJOR << 16) | MICA_VERSION_MINOR;
            break;
        case 2:
            out[0] = 1;                             /* one hypercall page */
            out[1] = XEN_CPUID_BASE;                /* MSR to install it */
            break;
        }
        return;
    }
    struct cpuid_regs r = cpuid_count(leaf, subleaf);
    out[0] = r.eax; out[1] = r.ebx; out[2] = r.ecx; out[3] = r.edx;
    if (leaf == 1) {
        out[2] &= ~((1u << 5) | (1u << 3) | (1u << 21) | (1u << 17));  /* VMX, MONITOR, x2APIC, PCID */
        out[2] |= 1u << 31;                                           /* running on a hypervisor */
    } else if (leaf == 0x80000001) {
        out[2] &= ~(1u << 2);                                         /* SVM */
    }
}

static bool emulate_rdmsr(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint64_t val;
    switch ((uint32_t)regs->rcx) {
    case MSR_FS_BASE: val = v->pv.fs_base; break;
    case MSR_GS_BASE: val = v->pv.gs_base_kernel; break;
    case MSR_SHADOW_GS: val = v->pv.gs_base_user; break;
    case MSR_EFER: val = rdmsr(MSR_EFER) & (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE); break;
    case 0x10: val = rdtsc(); break;
    default: return false;
    }
    regs->rax = (uint32_t)val;
    regs->rdx = val >> 32;
    return true;
}

static bool emulate_wrmsr(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint64_t val = ((uint64_t)(uint32_t)regs->rdx << 32) | (uint32_t)regs->rax;
    switch ((uint32_t)regs->rcx) {
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
        return true;    /* the guest cannot change paging modes: ignored, as Xen */
    default:
        return false;
    }
}

bool pv_emulate_privileged_op(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint8_t insn[4];

    if (!v->pv.kernel_mode || copy_from_guest(insn, regs->rip, sizeof(insn)))
        return false;
    if (insn[0] == 0x0f && insn[1] == 0x32 && emulate_rdmsr(v, regs)) {
        regs->rip += 2;
        return true;
    }
    if (insn[0] == 0x0f && insn[1] == 0x30 && emulate_wrmsr(v, regs)) {
        regs->rip += 2;
        return true;
    }
    if (insn[0] == 0x0f && insn[1] == 0x09) {      /* WBINVD: only dom0's matters */
        if (v->domain->is_privileged)
            __asm__ volatile("wbinvd" ::: "memory");
        regs->rip += 2;
        return true;
    }
    if (insn[0] == 0x0f && insn[1] == 0x06) {      /* CLTS: FPU switching comes later */
        regs->rip += 2;
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
