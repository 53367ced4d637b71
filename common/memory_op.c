/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HYPERVISOR_memory_op: the queries a PV guest makes about its memory.
 * Reservation changes (increase/decrease/populate) arrive with ballooning
 * and the toolstack.
 */
#include <public/errno.h>
#include <public/memory.h>
#include <public/xen.h>
#include <mica/bootinfo.h>
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

/*
 * The host's memory map, for the control domain (Linux dom0 sizes itself and
 * finds ACPI with it). As Xen: the caller's buffer must hold at least one
 * entry more than the map, and nr_entries comes back as the count. Xen also
 * reports I/O ranges the caller may not use as unusable gaps; Mica does not
 * (yet) restrict dom0's I/O ranges, so there are none to report.
 */
struct e820_entry {
    uint64_t addr, size;
    uint32_t type;
} __packed;

static long machine_memory_map(guest_ptr_t arg)
{
    struct xen_memory_map map;
    const struct memmap *m = &boot_info.map;

    if (!current->domain->is_privileged)
        return -XEN_EPERM;
    if (copy_from_guest(&map, arg, sizeof(map)))
        return -XEN_EFAULT;
    if (map.nr_entries < m->nr + 1)
        return -XEN_EINVAL;
    for (unsigned i = 0; i < m->nr; i++) {
        struct e820_entry e = { m->r[i].addr, m->r[i].size, m->r[i].type };
        if (copy_to_guest((guest_ptr_t)map.buffer.p + i * sizeof(e), &e, sizeof(e)))
            return -XEN_EFAULT;
    }
    map.nr_entries = m->nr;
    return copy_to_guest(arg, &map, sizeof(map)) ? -XEN_EFAULT : 0;
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
        /* A PV guest tells us its p2m size in shared_info (Xen's rule); 0 until it does. */
        d = query_domain(arg, &err);
        if (!d)
            return err;
        return (long)(d->shared_info->arch.max_pfn ? d->shared_info->arch.max_pfn : 1) - 1;
    case XENMEM_machphys_mapping: {
        /* The whole reserved range, and the highest frame that exists. */
        struct xen_machphys_mapping m = {
            .v_start = MACH2PHYS_VIRT_START,
            .v_end = MACH2PHYS_VIRT_END,
            .max_mfn = max_mfn - 1,
        };
        return copy_to_guest(arg, &m, sizeof(m)) ? -XEN_EFAULT : 0;
    }
    case XENMEM_memory_map:
        /* No pseudo-physical map is kept for PV domains: Xen says -ENOSYS too. */
        return -XEN_ENOSYS;
    case XENMEM_machine_memory_map:
        return machine_memory_map(arg);
    default:
        return -XEN_ENOSYS;
    }
}
