/* SPDX-License-Identifier: GPL-2.0-only */
/* Hypercall dispatch through the generated table. */
#include <asm/regs.h>
#include <public/errno.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/hypercall.h>

long hypercall_call(unsigned long nr, const unsigned long args[5])
{
    if (nr >= NR_HYPERCALLS || !hypercall_table[nr].fn) {
        struct domain *d = current->domain;
        /* Say so once per domain and number: a guest probing is not news twice. */
        if (nr < NR_HYPERCALLS && !d->enosys_logged[nr]) {
            d->enosys_logged[nr] = true;
            pr_info("d%u: hypercall %lu (%s) not implemented: -ENOSYS\n", d->domain_id, nr,
                    hypercall_table[nr].name ? hypercall_table[nr].name : "unassigned");
        }
        return -XEN_ENOSYS;
    }
    return hypercall_table[nr].fn(args);
}

void hypercall_dispatch(struct cpu_user_regs *regs)
{
    unsigned long args[5] = { regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8 };
    regs->rax = (uint64_t)hypercall_call(regs->rax, args);
}
