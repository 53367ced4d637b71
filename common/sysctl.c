// SPDX-License-Identifier: GPL-2.0-only
/*
 * HYPERVISOR_sysctl: the control domain asks about the host
 * (include/public/sysctl.h documents every operation).
 *
 * Checks as Xen 4.17's do_sysctl: read (-EFAULT), interface version
 * (-EACCES), privilege (-EPERM), then the operation (-ENOSYS when
 * unknown). On success the whole structure is written back.
 */
#include <asm/x86.h>
#include <public/errno.h>
#include <public/sysctl.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/domctl.h>
#include <mica/guest_access.h>
#include <mica/mm.h>
#include <mica/smp.h>
#include <mica/string.h>
#include <mica/time.h>

/*
 * XEN_SYSCTL_readconsole's "clear": reads start here unless an incremental
 * index asks for later text (under the control lock). As Xen's conringc.
 */
static uint64_t console_consumed;

static long op_readconsole(struct xen_sysctl_readconsole *rc)
{
    uint64_t head, pos = 0;
    char buf[256];
    uint32_t done = 0;

    console_ring_read(&pos, buf, 0, &head);
    pos = console_consumed;
    if (rc->incremental) {
        /* Positions are 64-bit inside Mica; the interface's index is their low 32 bits. */
        uint64_t want = (head & ~0xffffffffULL) | rc->index;
        if (want > head)
            want -= 1ULL << 32;
        if (want > pos && want <= head)     /* Xen ignores an index outside the text */
            pos = want;
    }
    while (done < rc->count) {
        size_t n = MIN(sizeof(buf), (size_t)(rc->count - done));
        size_t got = console_ring_read(&pos, buf, n, &head);
        if (!got)
            break;
        if (copy_to_guest((guest_ptr_t)rc->buffer.p + done, buf, got))
            return -XEN_EFAULT;
        done += (uint32_t)got;
    }
    if (rc->clear)
        console_consumed = pos;
    rc->count = done;
    rc->index = (uint32_t)pos;
    return 0;
}

static void op_physinfo(struct xen_sysctl_physinfo *pi)
{
    unsigned int max_cpu = 0;

    memset(pi, 0, sizeof(*pi));
    for (unsigned int c = 0; c < NR_CPUS; c++)
        if (cpu_online(c))
            max_cpu = c;
    pi->threads_per_core = 1;
    pi->nr_cpus = nr_cpus_online();
    pi->cores_per_socket = pi->nr_cpus;
    pi->max_cpu_id = max_cpu;
    pi->nr_nodes = 1;
    pi->max_node_id = 0;
    pi->cpu_khz = (uint32_t)tsc_khz;
    pi->capabilities = XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_gnttab_v1 |
                       XEN_SYSCTL_PHYSCAP_gnttab_v2;
    pi->total_pages = heap_total_page_count();
    pi->free_pages = heap_free_page_count();
    pi->max_mfn = max_mfn ? max_mfn - 1 : 0;
    /* Xen's featureset words 0-7: 1.edx, 1.ecx, e1.edx, e1.ecx, Da1, 7.0.ebx, 7.0.ecx, e7.edx. */
    struct cpuid_regs l1 = cpuid_count(1, 0), e0 = cpuid_count(0x80000000, 0);
    uint32_t max_leaf = cpuid_count(0, 0).eax;
    pi->hw_cap[0] = l1.edx;
    pi->hw_cap[1] = l1.ecx;
    if (e0.eax >= 0x80000001) {
        struct cpuid_regs e1 = cpuid_count(0x80000001, 0);
        pi->hw_cap[2] = e1.edx;
        pi->hw_cap[3] = e1.ecx;
    }
    if (max_leaf >= 0xd)
        pi->hw_cap[4] = cpuid_count(0xd, 1).eax;
    if (max_leaf >= 7) {
        struct cpuid_regs l7 = cpuid_count(7, 0);
        pi->hw_cap[5] = l7.ebx;
        pi->hw_cap[6] = l7.ecx;
    }
    if (e0.eax >= 0x80000007)
        pi->hw_cap[7] = cpuid_count(0x80000007, 0).edx;
}

static long op_getdomaininfolist(struct xen_sysctl_getdomaininfolist *l)
{
    struct xen_domctl_getdomaininfo info;
    uint32_t n = 0;

    for (struct domain *d = domain_find_from(l->first_domain); d && n < l->max_domains;
         d = domain_next(d)) {
        domctl_getdomaininfo(d, &info);
        if (copy_to_guest((guest_ptr_t)l->buffer.p + (uint64_t)n * sizeof(info), &info, sizeof(info)))
            return -XEN_EFAULT;
        n++;
    }
    l->num_domains = n;
    return 0;
}

long do_sysctl(guest_ptr_t u_sysctl)
{
    struct xen_sysctl op;
    long rc;

    if (copy_from_guest(&op, u_sysctl, sizeof(op)))
        return -XEN_EFAULT;
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -XEN_EACCES;
    if (!current->domain->is_privileged)
        return -XEN_EPERM;

    domctl_lock();
    switch (op.cmd) {
    case XEN_SYSCTL_readconsole:
        rc = op_readconsole(&op.u.readconsole);
        break;
    case XEN_SYSCTL_physinfo:
        op_physinfo(&op.u.physinfo);
        rc = 0;
        break;
    case XEN_SYSCTL_sched_id:
        op.u.sched_id.sched_id = XEN_SCHEDULER_CREDIT;
        rc = 0;
        break;
    case XEN_SYSCTL_getdomaininfolist:
        rc = op_getdomaininfolist(&op.u.getdomaininfolist);
        break;
    default:
        rc = -XEN_ENOSYS;
        break;
    }
    domctl_unlock();
    if (!rc && copy_to_guest(u_sysctl, &op, sizeof(op)))
        rc = -XEN_EFAULT;
    return rc;
}
