/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HYPERVISOR_memory_op: the queries a PV guest makes about its memory.
 * Reservation changes (increase/decrease/populate) arrive with ballooning
 * and the toolstack.
 */
#include <public/errno.h>
#include <public/memory.h>
#include <public/xen.h>
#include <mica/domain.h>
#include <mica/guest_access.h>
#include <mica/mm.h>

/* The domain a query names: DOMID_SELF, or any for the privileged. */
static struct domain *query_domain(guest_ptr_t arg, long *err)
{
    domid_t id;
    struct domain *curr = current->domain;
    if (copy_from_guest(&id, arg, sizeof(id))) {
        *err = -XEN_EFAULT;
        return NULL;
    }
    if (id == DOMID_SELF || id == curr->domain_id)
        return curr;
    if (!curr->is_privileged) {
        *err = -XEN_EPERM;
        return NULL;
    }
    struct domain *d = domain_lookup(id);
    if (!d)
        *err = -XEN_ESRCH;
    return d;
}

long do_memory_op(unsigned int cmd, guest_ptr_t arg)
{
    long err = 0;
    struct domain *d;

    switch (cmd & 0x3f) {   /* bits 6 and up carry a continuation offset (MEMOP_EXTENT_SHIFT) */
    case XENMEM_maximum_ram_page:
        return (long)max_mfn;
    case XENMEM_current_reservation:
        d = query_domain(arg, &err);
        return d ? (long)d->tot_pages : err;
    case XENMEM_maximum_reservation:
        d = query_domain(arg, &err);
        return d ? (long)d->max_pages : err;
    case XENMEM_maximum_gpfn:
        d = query_domain(arg, &err);
        return d ? (long)d->tot_pages - 1 : err;
    case XENMEM_machphys_mapping: {
        struct xen_machphys_mapping m = {
            .v_start = RO_MPT_VIRT_START,
            .v_end = RO_MPT_VIRT_START + m2p_size_bytes(),
            .max_mfn = m2p_size_bytes() / sizeof(uint64_t) - 1,
        };
        return copy_to_guest(arg, &m, sizeof(m)) ? -XEN_EFAULT : 0;
    }
    default:
        return -XEN_ENOSYS;
    }
}
