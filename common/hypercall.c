/* SPDX-License-Identifier: GPL-2.0-only */
/* Hypercall dispatch through the generated table. */
#include <asm/regs.h>
#include <public/errno.h>
#include <public/xen.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/hypercall.h>
#include <mica/param.h>
#include <mica/spinlock.h>

/*
 * hypercall_trace=N logs the first N hypercalls (number, arguments, result,
 * guest RIP): the quickest way to see what a guest that has gone quiet is
 * asking for. Off by default.
 */
static unsigned long opt_hypercall_trace;
integer_param("hypercall_trace", opt_hypercall_trace);

/*
 * A sub-operation (the first argument of a multiplexed hypercall: vcpu_op,
 * physdev_op, memory_op, ...) that is not implemented: said once per
 * number and command, at debug level (loglvl=debug), so the list of what a
 * guest asked for in vain is one grep away.
 */
static bool first_arg_is_command(unsigned long nr)
{
    switch (nr) {
    case __HYPERVISOR_sched_op_compat: case __HYPERVISOR_memory_op:
    case __HYPERVISOR_xen_version: case __HYPERVISOR_console_io:
    case __HYPERVISOR_grant_table_op: case __HYPERVISOR_vcpu_op:
    case __HYPERVISOR_nmi_op: case __HYPERVISOR_sched_op: case __HYPERVISOR_callback_op:
    case __HYPERVISOR_event_channel_op: case __HYPERVISOR_physdev_op:
        return true;
    default:
        return false;       /* a pointer, or not multiplexed: the handler says more */
    }
}

static void note_enosys_subop(unsigned long nr, unsigned long cmd)
{
    static struct { uint16_t nr, cmd; } seen[128];
    static unsigned int nr_seen;
    static spinlock_t seen_lock = SPINLOCK_INIT;
    spin_lock(&seen_lock);
    for (unsigned int i = 0; i < nr_seen; i++)
        if (seen[i].nr == nr && seen[i].cmd == (uint16_t)cmd) {
            spin_unlock(&seen_lock);
            return;
        }
    if (nr_seen < ARRAY_SIZE(seen)) {
        seen[nr_seen].nr = (uint16_t)nr;
        seen[nr_seen].cmd = (uint16_t)cmd;
        nr_seen++;
    }
    spin_unlock(&seen_lock);
    pr_debug("d%u: hypercall %lu (%s) command %lu: -ENOSYS\n", current->domain->domain_id, nr,
             hypercall_table[nr].name, cmd);
}

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
    long rc = hypercall_table[nr].fn(args);
    if (rc == -XEN_ENOSYS && first_arg_is_command(nr))
        note_enosys_subop(nr, args[0]);
    return rc;
}

void hypercall_dispatch(struct cpu_user_regs *regs)
{
    unsigned long args[5] = { regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8 };
    unsigned long nr = regs->rax;
    regs->rax = (uint64_t)hypercall_call(nr, args);
    if (opt_hypercall_trace) {
        opt_hypercall_trace--;
        pr_info("d%u: hc %lu(%lx, %lx, %lx, %lx, %lx) = %ld at %lx\n",
                current->domain->domain_id, nr, args[0], args[1], args[2], args[3], args[4],
                (long)regs->rax, (unsigned long)regs->rip);
    }
}
