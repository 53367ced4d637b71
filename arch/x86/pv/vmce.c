/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Virtual machine-check MSRs: the guest's view of the MCA architecture its
 * CPUID advertises (MCE, MCA), as Xen 4.17 presents it. Linux reads them
 * while setting up its machine-check handler on every CPU, and without
 * them logs an "unchecked MSR access error".
 *
 * | MSR                         | RDMSR                           | WRMSR                         |
 * |-----------------------------|---------------------------------|-------------------------------|
 * | 0x179 MCG_CAP               | 2 banks (+SER_P, TES_P, CMCI_P on Intel) | ignored (read-only)  |
 * | 0x17a MCG_STATUS            | as last written (0)             | stored                        |
 * | 0x17b MCG_CTL               | 0 (MCG_CTL_P is not offered)    | ignored                       |
 * | 0x280+i MCi_CTL2 (Intel)    | stored value for banks 0-1, else 0 | stored for banks 0-1       |
 * | 0x400+4i MCi_CTL            | all ones                        | ignored                       |
 * | 0x401+4i MCi_STATUS/ADDR/MISC | stored (0) for banks 0-1, else 0 | 0 accepted, else #GP      |
 * | 0x4d0 MCG_EXT_CTL           | #GP (no local MCE offered)      | #GP                           |
 *
 * No machine check is ever injected: the banks only ever hold zeroes.
 */
#include <asm/x86.h>
#include <mica/domain.h>
#include <mica/pv.h>

#define MSR_MCG_CAP       0x179
#define MSR_MCG_STATUS    0x17a
#define MSR_MCG_CTL       0x17b
#define MSR_MC0_CTL2      0x280
#define MSR_MC_CTL2_END   0x2a0
#define MSR_MC0_CTL       0x400
#define MSR_MC_END        0x480
#define MSR_MCG_EXT_CTL   0x4d0

#define MCG_CMCI_P        (1ULL << 10)
#define MCG_TES_P         (1ULL << 11)
#define MCG_SER_P         (1ULL << 24)

static bool cpu_is_intel(void)
{
    return cpuid(0).ebx == 0x756e6547u;     /* "Genu" */
}

static uint64_t guest_mcg_cap(void)
{
    return PV_VMCE_BANKS | (cpu_is_intel() ? MCG_SER_P | MCG_TES_P | MCG_CMCI_P : 0);
}

/* The per-bank register a bank MSR names: 0 CTL, 1 STATUS, 2 ADDR, 3 MISC. */
static uint64_t *bank_reg(struct vcpu *v, uint32_t msr)
{
    unsigned bank = (msr - MSR_MC0_CTL) / 4, reg = (msr - MSR_MC0_CTL) % 4;
    if (bank >= PV_VMCE_BANKS || reg == 0)
        return NULL;
    return &v->pv.vmce.bank[bank][reg - 1];
}

int pv_vmce_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    *val = 0;
    switch (msr) {
    case MSR_MCG_CAP:
        *val = guest_mcg_cap();
        return 1;
    case MSR_MCG_STATUS:
        *val = v->pv.vmce.mcg_status;
        return 1;
    case MSR_MCG_CTL:
        return 1;
    case MSR_MCG_EXT_CTL:
        return -1;
    }
    if (msr >= MSR_MC0_CTL2 && msr < MSR_MC_CTL2_END) {
        unsigned bank = msr - MSR_MC0_CTL2;
        if (cpu_is_intel() && bank < PV_VMCE_BANKS)
            *val = v->pv.vmce.ctl2[bank];
        return 1;
    }
    if (msr >= MSR_MC0_CTL && msr < MSR_MC_END) {
        if ((msr - MSR_MC0_CTL) % 4 == 0) {
            *val = ~0ULL;
        } else {
            uint64_t *r = bank_reg(v, msr);
            *val = r ? *r : 0;
        }
        return 1;
    }
    return 0;
}

int pv_vmce_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
    switch (msr) {
    case MSR_MCG_CAP:
    case MSR_MCG_CTL:
        return 1;
    case MSR_MCG_STATUS:
        v->pv.vmce.mcg_status = val;
        return 1;
    case MSR_MCG_EXT_CTL:
        return -1;
    }
    if (msr >= MSR_MC0_CTL2 && msr < MSR_MC_CTL2_END) {
        unsigned bank = msr - MSR_MC0_CTL2;
        if (cpu_is_intel() && bank < PV_VMCE_BANKS)
            v->pv.vmce.ctl2[bank] = val;
        return 1;
    }
    if (msr >= MSR_MC0_CTL && msr < MSR_MC_END) {
        if ((msr - MSR_MC0_CTL) % 4 == 0)
            return 1;
        if (val)
            return -1;              /* only clearing is allowed */
        uint64_t *r = bank_reg(v, msr);
        if (r)
            *r = 0;
        return 1;
    }
    return 0;
}
