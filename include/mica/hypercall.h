/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercall dispatch. The table itself is generated from
 * common/hypercalls.tbl (see tools/build/gen-hypercalls.py): each entry
 * has the name, a wrapper that unpacks the register arguments into the
 * handler's typed parameters, and the argument count.
 */
#ifndef MICA_HYPERCALL_H
#define MICA_HYPERCALL_H

#include <mica/guest_access.h>
#include <mica/types.h>

#define NR_HYPERCALLS 64

struct hypercall_entry {
    const char *name;
    long (*fn)(const unsigned long args[5]);   /* NULL: -ENOSYS */
    unsigned int nargs;
};

extern const struct hypercall_entry hypercall_table[NR_HYPERCALLS];

struct cpu_user_regs;
/* Run the hypercall in regs (rax = number, rdi.. = args); result in rax. */
void hypercall_dispatch(struct cpu_user_regs *regs);
/* Run one hypercall by number (multicall uses it); returns the result. */
long hypercall_call(unsigned long nr, const unsigned long args[5]);

#endif
