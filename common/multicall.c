/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HYPERVISOR_multicall: a batch of hypercalls in one entry. Every entry
 * runs, whatever earlier ones returned (each result is written back to its
 * entry), as Xen does; a multicall inside a multicall is refused.
 */
#include <public/errno.h>
#include <public/xen.h>
#include <mica/domain.h>
#include <mica/guest_access.h>
#include <mica/hypercall.h>

static bool in_multicall[64];   /* per CPU; one CPU for now */

long do_multicall(guest_ptr_t calls, unsigned int nr)
{
    unsigned cpu = current->processor;
    if (in_multicall[cpu])
        return -XEN_EINVAL;
    in_multicall[cpu] = true;

    long rc = 0;
    for (unsigned int i = 0; i < nr; i++) {
        struct multicall_entry e;
        guest_ptr_t p = calls + (uint64_t)i * sizeof(e);
        if (copy_from_guest(&e, p, sizeof(e))) {
            rc = -XEN_EFAULT;
            break;
        }
        unsigned long args[5] = { e.args[0], e.args[1], e.args[2], e.args[3], e.args[4] };
        /* iret cannot be batched: it replaces the frame the batch returns through. */
        e.result = e.op == __HYPERVISOR_iret ? -XEN_EINVAL : hypercall_call(e.op, args);
        if (copy_to_guest(p + offsetof(struct multicall_entry, result), &e.result, sizeof(e.result))) {
            rc = -XEN_EFAULT;
            break;
        }
    }
    in_multicall[cpu] = false;
    return rc;
}
