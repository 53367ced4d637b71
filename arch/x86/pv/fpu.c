/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The FPU of a PV vCPU: fpu_taskswitch, CLTS, #NM, XSETBV.
 *
 * Mica itself is compiled without x87/SSE code and never touches FPU state,
 * so a running vCPU's FPU/SSE/AVX registers simply stay in the hardware;
 * when the CPU switches vCPUs they are saved to and restored from the
 * vCPU's save area (XSAVE of every component its XCR0 enables, or FXSAVE
 * without XSAVE), eagerly: a PV kernel expects its registers intact across
 * a hypervisor context switch. A vCPU's first restore gives it the initial
 * state of every register (pv_fpu_vcpu_init). What Mica also provides is the
 * control state a kernel would set itself on native hardware:
 *
 *   CR4.OSFXSR, OSXMMEXCPT   always on: SSE works and SIMD exceptions are #XM,
 *                            as every 64-bit kernel expects.
 *   CR4.OSXSAVE, XCR0        on when the CPU has XSAVE, so the CPUID the guest
 *                            sees (native: OSXSAVE set, AVX as the CPU has it)
 *                            is true. XCR0 starts as x87|SSE, as Xen runs a
 *                            vCPU that never set it; the guest kernel raises
 *                            it with XSETBV, which faults in ring 3 and is
 *                            emulated here against what Mica allows (x87,
 *                            SSE, AVX, AVX-512; not MPX, PKRU or AMX, which
 *                            need more than register state).
 *   CR0.TS                   the guest's virtual CR0.TS (fpu_taskswitch) is
 *                            mirrored into the hardware bit, so the guest's
 *                            next FPU/SSE instruction raises #NM. Mica takes
 *                            it, clears the hardware TS, and delivers #NM to
 *                            the guest kernel, clearing the virtual TS as it
 *                            does so (the PV ABI: Xen clears the virtual TS
 *                            when it delivers #NM, so the kernel's handler
 *                            need not call fpu_taskswitch(0) itself). CLTS
 *                            from the guest kernel clears both.
 */
#include <asm/regs.h>
#include <asm/x86.h>
#include <public/errno.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/pv.h>
#include <mica/string.h>

#define X86_CR0_MP          (1UL << 1)
#define X86_CR0_EM          (1UL << 2)
#define X86_CR0_TS          (1UL << 3)
#define X86_CR0_NE          (1UL << 5)
#define X86_CR4_OSFXSR      (1UL << 9)
#define X86_CR4_OSXMMEXCPT  (1UL << 10)

#define XSTATE_X87          (1ULL << 0)
#define XSTATE_SSE          (1ULL << 1)
#define XSTATE_YMM          (1ULL << 2)
#define XSTATE_AVX512       (7ULL << 5)     /* opmask, ZMM_Hi256, Hi16_ZMM */
#define XSTATE_GUEST_OK     (XSTATE_X87 | XSTATE_SSE | XSTATE_YMM | XSTATE_AVX512)

/* XCR0 bits a guest may enable on this CPU (0: no XSAVE). */
static uint64_t xcr0_allowed;

static inline void clts(void) { __asm__ volatile("clts" ::: "memory"); }
static inline void stts(void) { write_cr0(read_cr0() | X86_CR0_TS); }

static inline void xsetbv(uint32_t index, uint64_t val)
{
    __asm__ volatile(".byte 0x0f, 0x01, 0xd1"      /* xsetbv (no -mxsave needed) */
                     :: "c"(index), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)) : "memory");
}

void pv_fpu_cpu_init(void)
{
    struct cpuid_regs l1 = cpuid(1);

    write_cr0((read_cr0() | X86_CR0_MP | X86_CR0_NE) & ~(X86_CR0_EM | X86_CR0_TS));
    uint64_t cr4 = read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
    if (l1.ecx & (1u << 26)) {                      /* XSAVE */
        struct cpuid_regs d = cpuid_count(0xd, 0);
        xcr0_allowed = (((uint64_t)d.edx << 32) | d.eax) & XSTATE_GUEST_OK;
        cr4 |= X86_CR4_OSXSAVE;
    }
    write_cr4(cr4);
    if (xcr0_allowed)
        xsetbv(0, XSTATE_X87 | XSTATE_SSE);
    /* The state a vCPU starts with, as after FNINIT and with MXCSR's reset value. */
    uint32_t mxcsr = 0x1f80;
    __asm__ volatile("fninit; ldmxcsr %0" :: "m"(mxcsr));
}

static uint64_t vcpu_xcr0(const struct vcpu *v)
{
    return v->pv.xcr0 ? v->pv.xcr0 : XSTATE_X87 | XSTATE_SSE;
}

/* Save the register state of the vCPU leaving this CPU (TS must be clear). */
void pv_fpu_save(struct vcpu *v)
{
    clts();
    if (xcr0_allowed) {
        uint64_t mask = vcpu_xcr0(v);
        __asm__ volatile("xsave64 (%0)" :: "r"(v->fpu_area), "a"((uint32_t)mask),
                         "d"((uint32_t)(mask >> 32)) : "memory");
    } else {
        __asm__ volatile("fxsave64 (%0)" :: "r"(v->fpu_area) : "memory");
    }
}

/*
 * A new vCPU's save area: the state after FNINIT with MXCSR's reset value,
 * and an XSAVE header with no component present, so the first restore
 * puts every register in its initial state. Restoring this rather than
 * running FNINIT matters: FNINIT leaves the SSE/AVX registers as they
 * were, which would show the new vCPU what the CPU's last vCPU left there.
 */
void pv_fpu_vcpu_init(struct vcpu *v)
{
    uint8_t *area = v->fpu_area;
    memset(area, 0, PAGE_SIZE);
    *(uint16_t *)(area + 0) = 0x037f;       /* FCW */
    *(uint32_t *)(area + 24) = 0x1f80;      /* MXCSR */
}

/* Restore it on the CPU it comes back to, after its XCR0 is loaded. */
static void fpu_restore(const struct vcpu *v)
{
    clts();
    if (xcr0_allowed) {
        uint64_t mask = vcpu_xcr0(v);
        __asm__ volatile("xrstor64 (%0)" :: "r"(v->fpu_area), "a"((uint32_t)mask),
                         "d"((uint32_t)(mask >> 32)) : "memory");
    } else {
        __asm__ volatile("fxrstor64 (%0)" :: "r"(v->fpu_area) : "memory");
    }
}

/* Put the vCPU's FPU state and control state in the hardware (a context switch's part). */
void pv_fpu_load(const struct vcpu *v)
{
    if (xcr0_allowed)
        xsetbv(0, vcpu_xcr0(v));
    fpu_restore(v);
    if (v->pv.fpu_ts)
        stts();
    else
        clts();
}

long do_fpu_taskswitch(int set)
{
    struct vcpu *v = current;

    /* Any non-zero value sets TS (as Xen). */
    v->pv.fpu_ts = set != 0;
    if (set)
        stts();
    else
        clts();
    return 0;
}

void pv_emulate_clts(struct vcpu *v)
{
    v->pv.fpu_ts = false;
    clts();
}

void pv_nm_trap(struct vcpu *v, struct cpu_user_regs *regs)
{
    (void)regs;
    /* The FPU state is the guest's and already loaded: just let it through. */
    clts();
    if (v->pv.fpu_ts) {
        v->pv.fpu_ts = false;
        pv_inject_exception(v, 7, -1);
    }
    /* Else a stale hardware TS: the instruction simply runs again. */
}

/*
 * XSETBV from the guest kernel. Returns false for #GP(0): a register other
 * than XCR0, x87 missing, AVX without SSE, AVX-512 without AVX or only in
 * part, or any bit Mica does not allow on this CPU (architectural rules
 * plus Mica's allow mask, as Xen's check of the guest's XCR0).
 */
bool pv_emulate_xsetbv(struct vcpu *v, uint32_t index, uint64_t val)
{
    if (index != 0 || !xcr0_allowed)
        return false;
    if (!(val & XSTATE_X87) || (val & ~xcr0_allowed))
        return false;
    if ((val & XSTATE_YMM) && !(val & XSTATE_SSE))
        return false;
    if ((val & XSTATE_AVX512) &&
        ((val & XSTATE_AVX512) != XSTATE_AVX512 || !(val & XSTATE_YMM)))
        return false;
    v->pv.xcr0 = val;
    xsetbv(0, val);
    return true;
}
