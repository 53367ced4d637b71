/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control registers a PV guest kernel sees through MOV to/from CRn
 * (decoded in arch/x86/pv/emulate.c), with Xen 4.17's semantics:
 *
 *   CR0  reads the hardware CR0 with the virtual TS (fpu_taskswitch) in
 *        place of the real one. A write may change TS only (it is
 *        fpu_taskswitch); any other difference from the hardware value is
 *        #GP(0) and changes nothing.
 *   CR2  the vCPU's CR2: set when Mica delivers a page fault, and by the
 *        guest's writes; a write also updates vcpu_info's arch.cr2 copy.
 *   CR3  the machine address of the kernel L4. A write is MMUEXT_NEW_BASEPTR
 *        (arch/x86/pv/mm_ops.c); a frame that cannot be the L4 is #GP(0).
 *   CR4  the guest's view: its own choice of TSD, DE, FSGSBASE and OSXSAVE
 *        (each only if its CPUID offers the feature; other bits written are
 *        dropped silently, never faulted) plus what it may observe of the
 *        hardware set-up: PAE, OSFXSR, OSXMMEXCPT, and MCE where the CPU
 *        has it (Xen enables CR4.MCE for its machine-check handling, so
 *        that is what a guest sees there).
 *
 * What the guest's CR4 bits do: OSXSAVE gates XSETBV (#UD without it, as
 * native) and the OSXSAVE bit of CPUID leaf 1; DE changes DR4/DR5 and
 * allows I/O breakpoints (arch/x86/pv/debugreg.c); FSGSBASE is loaded into
 * the hardware CR4 while the vCPU runs, as on Xen (Linux uses RDFSBASE and
 * friends once CPUID and CR4 say it may), so the live FS/GS bases are the
 * hardware's and Mica reads them back from there. Unlike Xen, TSD is not
 * loaded: Mica does not emulate RDTSC for the ring-3 guest kernel; it is
 * recorded and read back only.
 */
#include <asm/regs.h>
#include <asm/x86.h>
#include <mica/domain.h>
#include <mica/pv.h>
#include <mica/pv_mm.h>

#define X86_CR0_TS          (1UL << 3)
#define X86_CR4_TSD         (1UL << 2)
#define X86_CR4_DE          (1UL << 3)
#define X86_CR4_MCE         (1UL << 6)
#define X86_CR4_OSFXSR      (1UL << 9)
#define X86_CR4_OSXMMEXCPT  (1UL << 10)
#define X86_CR4_FSGSBASE    (1UL << 16)

#define CR4_GUEST_MASK      (X86_CR4_TSD | X86_CR4_DE | X86_CR4_FSGSBASE | X86_CR4_OSXSAVE)
#define CR4_VISIBLE_MASK    (X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)

/* The guest-controlled CR4 bits its CPUID policy allows it to set. */
static uint64_t cr4_guest_allowed(struct vcpu *v)
{
    uint32_t l1[4], l7[4];
    uint64_t ok = 0;

    pv_cpuid(v, 1, 0, l1);
    pv_cpuid(v, 7, 0, l7);
    if (l1[3] & (1u << 4))
        ok |= X86_CR4_TSD;
    if (l1[3] & (1u << 2))
        ok |= X86_CR4_DE;
    if (l7[1] & (1u << 0))
        ok |= X86_CR4_FSGSBASE;
    if (l1[2] & (1u << 26))
        ok |= X86_CR4_OSXSAVE;
    return ok;
}

uint64_t pv_guest_cr4(const struct vcpu *v)
{
    uint64_t cr4 = (read_cr4() & CR4_VISIBLE_MASK) | (v->pv.cr4 & CR4_GUEST_MASK);
    if (cpuid(1).edx & (1u << 7))
        cr4 |= X86_CR4_MCE;
    return cr4;
}

/* The hardware CR4 for running v: Mica's own, with the guest's FSGSBASE choice. */
void pv_load_cr4(const struct vcpu *v)
{
    uint64_t cr4 = read_cr4(), want = (cr4 & ~X86_CR4_FSGSBASE) | (v->pv.cr4 & X86_CR4_FSGSBASE);
    if (want != cr4)
        write_cr4(want);
}

bool pv_read_cr(struct vcpu *v, unsigned int cr, uint64_t *val)
{
    switch (cr) {
    case 0:
        *val = (read_cr0() & ~X86_CR0_TS) | (v->pv.fpu_ts ? X86_CR0_TS : 0);
        return true;
    case 2:
        *val = v->pv.cr2;
        return true;
    case 3:
        *val = (uint64_t)v->pv.guest_table << PAGE_SHIFT;
        return true;
    case 4:
        *val = pv_guest_cr4(v);
        return true;
    default:
        return false;       /* CR8 and the undefined ones: #GP, as Xen */
    }
}

bool pv_write_cr(struct vcpu *v, unsigned int cr, uint64_t val)
{
    switch (cr) {
    case 0:
        if ((val ^ read_cr0()) & ~X86_CR0_TS)
            return false;
        do_fpu_taskswitch(!!(val & X86_CR0_TS));
        return true;
    case 2:
        pv_set_cr2(v, val);
        return true;
    case 3:
        /* 64-bit PV: CR3 holds the frame's machine address; low flag bits are ignored. */
        return new_baseptr(v, val >> PAGE_SHIFT, false) == 0;
    case 4:
        v->pv.cr4 = val & CR4_GUEST_MASK & cr4_guest_allowed(v);
        pv_load_cr4(v);
        return true;
    default:
        return false;
    }
}
