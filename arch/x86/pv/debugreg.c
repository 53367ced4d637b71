/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Debug registers of a PV vCPU: set_debugreg / get_debugreg and #DB.
 *
 * The guest cannot MOV to or from %dr* (it runs in ring 3), so it sets them
 * by hypercall. Mica keeps the values per vCPU and keeps them loaded in the
 * hardware while the vCPU runs (one vCPU per CPU for now, so "loaded" means
 * written through at set time; pv_load_debugregs() is what a context switch
 * would call). Hardware breakpoints therefore stay armed while Mica itself
 * runs, which is safe only because of the address check below: a breakpoint
 * can only name a guest address, so Mica can hit one only while it reads or
 * writes guest memory on the guest's behalf (pv_debug_in_hypervisor()).
 *
 * Rules, as Xen 4.17:
 *   DR0-3  any address outside Mica's range [HV_VIRT_START, HV_VIRT_END) and
 *          canonical-low (< 2^47) or above Mica's range; else -EPERM.
 *   DR6    upper 32 bits set: -EINVAL; bit 12 forced to 0, the reserved-one
 *          bits (0xffff0ff0) forced to 1.
 *   DR7    upper 32 bits set: -EINVAL; bit 10 forced to 1, bits 11, 12, 14,
 *          15 forced to 0; GD (bit 13) -EPERM; an enabled I/O breakpoint
 *          (R/W = 10b) needs the guest's CR4.DE: -EPERM without it.
 *   DR4/5  alias DR6/7 while the guest's CR4.DE is clear (a PV vCPU
 *          starts with DE clear; MOV to CR4 sets it); with DE set they are
 *          -ENODEV.
 *   other  -ENODEV.
 *
 * #DB from the guest: the hardware DR6 is folded into the guest's copy (bits
 * that differ from the default are the news) and reset to the default, then
 * #DB is bounced to the guest kernel, which reads DR6 with get_debugreg(6).
 */
#include <asm/regs.h>
#include <asm/x86.h>
#include <public/errno.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/layout.h>
#include <mica/pv.h>

#define DR6_DEFAULT          0xffff0ff0UL
#define DR6_RESERVED_ZERO    (~0xffffefffUL)   /* bit 12 and bits 32-63 */
#define DR7_DEFAULT          0x00000400UL
#define DR7_RESERVED_ZERO    (~0xffff27ffUL)   /* bits 11, 12, 14, 15, 32-63 */
#define DR7_GD               (1UL << 13)
#define DR7_ACTIVE_MASK      0xffUL            /* L0-3 / G0-3 */
#define DR7_RW_IO            2u

/* The guest's virtual CR4.DE (MOV to CR4, arch/x86/pv/ctrlreg.c). */
static bool guest_cr4_de(const struct vcpu *v)
{
    return pv_guest_cr4(v) & (1UL << 3);
}

#define DEFINE_DR(n) \
    static inline uint64_t read_dr##n(void) { uint64_t x; __asm__ volatile("mov %%db" #n ", %0" : "=r"(x)); return x; } \
    static inline void write_dr##n(uint64_t x) { __asm__ volatile("mov %0, %%db" #n :: "r"(x)); }
DEFINE_DR(0)
DEFINE_DR(1)
DEFINE_DR(2)
DEFINE_DR(3)
DEFINE_DR(6)
DEFINE_DR(7)
#undef DEFINE_DR

static void write_dr(unsigned int reg, uint64_t val)
{
    switch (reg) {
    case 0: write_dr0(val); break;
    case 1: write_dr1(val); break;
    case 2: write_dr2(val); break;
    case 3: write_dr3(val); break;
    case 6: write_dr6(val); break;
    case 7: write_dr7(val); break;
    }
}

void pv_debugreg_vcpu_init(struct vcpu *v)
{
    v->pv.dr6 = DR6_DEFAULT;
    v->pv.dr7 = DR7_DEFAULT;
}

void pv_load_debugregs(const struct vcpu *v)
{
    for (unsigned i = 0; i < 4; i++)
        write_dr(i, v->pv.dr[i]);
    write_dr6(v->pv.dr6);
    write_dr7(v->pv.dr7);
}

/* A breakpoint may name any guest address, never one in Mica's range. */
static bool breakpoint_addr_ok(uint64_t a)
{
    return a < (1UL << 47) || a >= HV_VIRT_END;
}

long do_set_debugreg(int reg, unsigned long value)
{
    struct vcpu *v = current;

    switch (reg) {
    case 0: case 1: case 2: case 3:
        if (!breakpoint_addr_ok(value))
            return -XEN_EPERM;
        v->pv.dr[reg] = value;
        write_dr((unsigned)reg, value);
        return 0;
    case 4:
    case 6:
        if (reg == 4 && guest_cr4_de(v))
            return -XEN_ENODEV;
        if (value != (uint32_t)value)
            return -XEN_EINVAL;
        value = (value & ~DR6_RESERVED_ZERO) | DR6_DEFAULT;
        v->pv.dr6 = value;
        write_dr6(value);
        return 0;
    case 5:
    case 7:
        if (reg == 5 && guest_cr4_de(v))
            return -XEN_ENODEV;
        if (value != (uint32_t)value)
            return -XEN_EINVAL;
        value = (value & ~DR7_RESERVED_ZERO) | DR7_DEFAULT;
        if (value & DR7_GD)
            return -XEN_EPERM;     /* would make Mica's own DR accesses fault */
        if (value & DR7_ACTIVE_MASK) {
            /* R/W fields are 2 bits at 16 + 4i: I/O breakpoints need CR4.DE. */
            for (unsigned i = 0; i < 4; i++)
                if (((value >> (16 + 4 * i)) & 3) == DR7_RW_IO && !guest_cr4_de(v))
                    return -XEN_EPERM;
        }
        v->pv.dr7 = value;
        write_dr7(value);
        return 0;
    default:
        return -XEN_ENODEV;
    }
}

long do_get_debugreg(int reg)
{
    struct vcpu *v = current;

    switch (reg) {
    case 0: case 1: case 2: case 3:
        return (long)v->pv.dr[reg];
    case 4:
    case 6:
        if (reg == 4 && guest_cr4_de(v))
            return -XEN_ENODEV;
        return (long)v->pv.dr6;
    case 5:
    case 7:
        if (reg == 5 && guest_cr4_de(v))
            return -XEN_ENODEV;
        return (long)v->pv.dr7;
    default:
        return -XEN_ENODEV;
    }
}

void pv_debug_trap(struct vcpu *v, struct cpu_user_regs *regs)
{
    uint64_t dr6 = read_dr6();

    /*
     * Hardware never clears DR6 bits by itself: reset it, so the next #DB
     * shows only its own causes. The guest's copy accumulates what differs
     * from the default (set B0-3/BS/BD/BT bits, cleared RTM/BLD bits), as on
     * native hardware where the handler clears DR6 itself.
     */
    write_dr6(DR6_DEFAULT);
    v->pv.dr6 |= dr6 & ~DR6_DEFAULT;
    v->pv.dr6 &= dr6 | ~DR6_DEFAULT;
    (void)regs;
    pv_inject_exception(v, 1, -1);
}

/*
 * #DB while Mica ran: a guest data breakpoint hit by Mica's own access to
 * guest memory (copy_from_guest & co). It is a trap, the access completed:
 * note it and carry on. It must not reach the exception table (a copy would
 * fail with -EFAULT) nor be fatal (the guest could crash Mica at will). The
 * guest is not told, as on Xen: the access was Mica's, not the guest's.
 */
void pv_debug_in_hypervisor(struct cpu_user_regs *regs)
{
    static unsigned int reported;
    uint64_t dr6 = read_dr6();

    write_dr6(DR6_DEFAULT);
    regs->rflags &= ~(1UL << 8);    /* no single-stepping through Mica */
    if (reported < 5) {
        reported++;
        pr_warn("#DB in Mica at %#lx (dr6 %#lx): guest breakpoint on memory Mica accessed; ignored\n",
                regs->rip, dr6);
    }
}
