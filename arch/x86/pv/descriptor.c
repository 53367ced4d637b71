/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Descriptor validation for PV guests' GDT and LDT pages; the rules are in
 * include/mica/descriptor.h. No hypervisor state is touched here, so the
 * same source runs in the host unit tests (tests/unit/descriptor.mk).
 */
#include <public/arch-x86_64.h>
#include <mica/descriptor.h>
#include <mica/layout.h>

/* The guest kernel's privilege level: a 64-bit PV kernel runs in ring 3. */
#define GUEST_KERNEL_DPL 3u

/* May a guest call gate target this code selector? */
static bool gate_target_ok(unsigned sel)
{
    return (sel >> 3) < HV_FIRST_RESERVED_GDT_ENTRY ||  /* a guest GDT entry */
           sel == FLAT_KERNEL_CS ||                     /* the flat kernel CS, exactly */
           (sel & 4);                                   /* an LDT entry (the guest's) */
}

bool desc_check(uint64_t *desc)
{
    uint32_t lo = (uint32_t)*desc, hi = (uint32_t)(*desc >> 32);

    if (!(hi & SEG_P))
        return true;    /* any use of a not-present descriptor faults */

    unsigned dpl = (hi & SEG_DPL_MASK) >> 13;
    if (dpl < GUEST_KERNEL_DPL)
        dpl = GUEST_KERNEL_DPL;
    hi = (hi & ~SEG_DPL_MASK) | (dpl << 13);

    if (!(hi & SEG_S))  {
        /* System descriptor. Type 0 is invalid to the CPU, so harmless. */
        if ((hi & SEG_TYPE_MASK) == 0)
            return true;
        if ((hi & SEG_TYPE_MASK) != SEG_TYPE_GATE64)
            return false;
        unsigned cs = lo >> 16;
        if (!gate_target_ok(cs))
            return false;
        /*
         * DPL 0: every use traps to Mica (a ring 3 kernel could not be
         * entered through the gate directly); the guest's DPL travels in
         * the target selector's RPL.
         */
        hi &= ~SEG_DPL_MASK;
        cs = (cs & ~3u) | dpl;
        lo = (lo & 0xffffu) | (cs << 16);
        /* IST and reserved bits: a guest gate has no business with them. */
        if (hi & 0xffu)
            return false;
    }
    *desc = ((uint64_t)hi << 32) | lo;
    return true;
}

unsigned desc_check_page(uint64_t *descs)
{
    unsigned i;
    for (i = 0; i < DESCS_PER_PAGE; i++)
        if (!desc_check(&descs[i]))
            break;
    return i;
}
