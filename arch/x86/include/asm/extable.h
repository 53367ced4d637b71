/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exception fixups: an instruction that may fault (a guest memory access, an
 * MSR probe) is listed with the address to resume at. do_trap() looks the
 * faulting RIP up here before treating a fault in the hypervisor as fatal,
 * which is how guest pointers are dereferenced without trusting them.
 */
#ifndef ASM_EXTABLE_H
#define ASM_EXTABLE_H

#include <mica/types.h>

struct extable_entry {
    int32_t insn;   /* relative to the entry itself */
    int32_t fixup;
};

#define _ASM_EXTABLE(from, to)                 \
    ".pushsection .ex_table, \"a\"\n\t"         \
    ".balign 4\n\t"                             \
    ".long (" #from ") - .\n\t"                 \
    ".long (" #to ") - .\n\t"                   \
    ".popsection\n\t"

/* Fixup address for a faulting rip, or 0. */
uint64_t search_extable(uint64_t rip);

/* Read an MSR; returns 0, or -1 if the read faulted (#GP). */
static inline int rdmsr_safe(uint32_t msr, uint64_t *val)
{
    uint32_t lo, hi;
    int rc = 0;
    __asm__ volatile("1: rdmsr\n"
                     "2:\n\t"
                     ".pushsection .fixup, \"ax\"\n"
                     "3: movl $-1, %2\n\t"
                     "xorl %0, %0\n\t"
                     "xorl %1, %1\n\t"
                     "jmp 2b\n\t"
                     ".popsection\n\t"
                     _ASM_EXTABLE(1b, 3b)
                     : "=a"(lo), "=d"(hi), "+r"(rc) : "c"(msr));
    *val = ((uint64_t)hi << 32) | lo;
    return rc;
}

/*
 * Read 8 bytes from an address that may not be mapped (or not canonical);
 * returns 0, or -1 if the access faulted. The building block of the guest
 * memory accessors.
 */
static inline int read_u64_safe(const void *p, uint64_t *val)
{
    int rc = 0;
    uint64_t v;
    __asm__ volatile("1: movq (%2), %0\n"
                     "2:\n\t"
                     ".pushsection .fixup, \"ax\"\n"
                     "3: movl $-1, %1\n\t"
                     "xorl %k0, %k0\n\t"
                     "jmp 2b\n\t"
                     ".popsection\n\t"
                     _ASM_EXTABLE(1b, 3b)
                     : "=r"(v), "+r"(rc) : "r"(p) : "memory");
    *val = v;
    return rc;
}

#endif
