/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HYPERVISOR_xenpmu_op: the virtual performance-monitoring unit. Xen 4.17
 * ships with it off (vpmu=off) and then answers every command with
 * -EOPNOTSUPP, which Linux reports as "VPMU disabled by hypervisor" and
 * uses software perf events instead. Mica has no vPMU and answers the same.
 */
#include <public/errno.h>
#include <mica/guest_access.h>

long do_xenpmu_op(unsigned int op, guest_ptr_t arg)
{
    (void)op;
    (void)arg;
    return -XEN_EOPNOTSUPP;
}
