/* SPDX-License-Identifier: MIT */
/*
 * sysctl.h - HYPERVISOR_sysctl: the control domain asks about the host.
 *
 * long HYPERVISOR_sysctl(struct xen_sysctl *op)
 *   The caller fills cmd, interface_version and the union member for cmd;
 *   the hypervisor reads the whole 136-byte structure, acts, and writes
 *   it back (all of it) when the operation succeeds.
 *
 * Only the control domain may call it. Checks, in order (as on Xen):
 *   -EFAULT  op cannot be read (or written back);
 *   -EACCES  interface_version is not XEN_SYSCTL_INTERFACE_VERSION;
 *   -EPERM   the caller is not the control domain;
 *   -ENOSYS  cmd unknown or not implemented by Mica.
 *
 * Layouts are Xen 4.17's (interface version 0x15); only the operations a
 * PV toolstack needs are defined. Usable from userland C as well.
 *
 * Example (host facts for `xl info`):
 *   struct xen_sysctl op = { .cmd = XEN_SYSCTL_physinfo,
 *       .interface_version = XEN_SYSCTL_INTERFACE_VERSION };
 *   HYPERVISOR_sysctl(&op);  then op.u.physinfo.free_pages etc.
 */
#ifndef MICA_PUBLIC_SYSCTL_H
#define MICA_PUBLIC_SYSCTL_H

#include "xen.h"
#include "domctl.h"

#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015

/*
 * Command numbers (xen_sysctl.cmd). Mica implements readconsole, physinfo,
 * sched_id and getdomaininfolist; the others answer -ENOSYS.
 */
#define XEN_SYSCTL_readconsole                    1
#define XEN_SYSCTL_tbuf_op                        2
#define XEN_SYSCTL_physinfo                       3
#define XEN_SYSCTL_sched_id                       4
#define XEN_SYSCTL_perfc_op                       5
#define XEN_SYSCTL_getdomaininfolist              6
#define XEN_SYSCTL_debug_keys                     7
#define XEN_SYSCTL_getcpuinfo                     8
#define XEN_SYSCTL_availheap                      9
#define XEN_SYSCTL_get_pmstat                    10
#define XEN_SYSCTL_cpu_hotplug                   11
#define XEN_SYSCTL_pm_op                         12
#define XEN_SYSCTL_page_offline_op               14
#define XEN_SYSCTL_lockprof_op                   15
#define XEN_SYSCTL_cputopoinfo                   16
#define XEN_SYSCTL_numainfo                      17
#define XEN_SYSCTL_cpupool_op                    18
#define XEN_SYSCTL_scheduler_op                  19
#define XEN_SYSCTL_coverage_op                   20
#define XEN_SYSCTL_psr_cmt_op                    21
#define XEN_SYSCTL_pcitopoinfo                   22
#define XEN_SYSCTL_psr_alloc                     23
#define XEN_SYSCTL_get_cpu_levelling_caps        25
#define XEN_SYSCTL_get_cpu_featureset            26
#define XEN_SYSCTL_livepatch_op                  27
#define XEN_SYSCTL_get_cpu_policy                29

/*
 * XEN_SYSCTL_readconsole (struct xen_sysctl_readconsole): copy the
 * hypervisor's log ring (what Mica printed since boot, as far as the ring
 * still holds it) - `xl dmesg`.
 *   clear (IN): non-zero = empty the ring after reading.
 *   incremental (IN): non-zero = start at `index` instead of the oldest
 *     byte still held (an index older than that starts at the oldest).
 *   index (IN if incremental; OUT): OUT is the position after the last
 *     byte copied, to pass back with incremental to continue there (an
 *     index outside the text held is ignored: the read starts at the
 *     oldest byte not cleared).
 *   clear: later reads start where this one ended (what it read counts
 *   as consumed).
 *   buffer (IN): where to write; count (IN: its size, OUT: bytes written).
 *   No terminating NUL is written. Errors: -EFAULT (buffer).
 */
struct xen_sysctl_readconsole {
    uint8_t clear;
    uint8_t incremental;
    uint8_t pad0, pad1;
    uint32_t index;
    XEN_GUEST_HANDLE_64(char) buffer;
    uint32_t count;
};

/*
 * XEN_SYSCTL_physinfo (struct xen_sysctl_physinfo, all OUT).
 *   threads_per_core 1 and cores_per_socket = nr_cpus (Mica does not read
 *   the CPU topology: one socket of single-threaded cores); nr_cpus: CPUs
 *   online; max_cpu_id: highest CPU number in use; nr_nodes 1,
 *   max_node_id 0; cpu_khz: the calibrated TSC rate;
 *   capabilities: XEN_SYSCTL_PHYSCAP_pv | gnttab_v1 | gnttab_v2 (no HVM,
 *   no IOMMU); arch_capabilities 0;
 *   total_pages: RAM frames the page allocator manages; free_pages: frames
 *   free in it right now (exact); scrub_pages, outstanding_pages 0;
 *   max_mfn: highest frame the frame table covers; hw_cap (`xl info`'s
 *   hw_caps): Xen's featureset words - CPUID 1 EDX, 1 ECX, 0x80000001
 *   EDX, 0x80000001 ECX, 0xd/1 EAX, 7/0 EBX, 7/0 ECX, 0x80000007 EDX.
 * Xen reports its own topology, HVM/HAP when the CPU has them, and its
 * RAM counts; the counts differ between the two by design.
 */
#define XEN_SYSCTL_PHYSCAP_hvm                (1U << 0)
#define XEN_SYSCTL_PHYSCAP_pv                 (1U << 1)
#define XEN_SYSCTL_PHYSCAP_directio           (1U << 2)
#define XEN_SYSCTL_PHYSCAP_hap                (1U << 3)
#define XEN_SYSCTL_PHYSCAP_shadow             (1U << 4)
#define XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share (1U << 5)
#define XEN_SYSCTL_PHYSCAP_vmtrace            (1U << 6)
#define XEN_SYSCTL_PHYSCAP_vpmu               (1U << 7)
#define XEN_SYSCTL_PHYSCAP_gnttab_v1          (1U << 8)
#define XEN_SYSCTL_PHYSCAP_gnttab_v2          (1U << 9)
struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;
    uint32_t max_cpu_id;
    uint32_t nr_nodes;
    uint32_t max_node_id;
    uint32_t cpu_khz;
    uint32_t capabilities;
    uint32_t arch_capabilities;
    uint32_t pad;
    uint64_aligned_t total_pages;
    uint64_aligned_t free_pages;
    uint64_aligned_t scrub_pages;
    uint64_aligned_t outstanding_pages;
    uint64_aligned_t max_mfn;
    uint32_t hw_cap[8];
};

/*
 * XEN_SYSCTL_sched_id (struct xen_sysctl_sched_id, OUT): the scheduler,
 * XEN_SCHEDULER_* of domctl.h; Mica's is credit-style: XEN_SCHEDULER_CREDIT.
 */
struct xen_sysctl_sched_id {
    uint32_t sched_id;
};

/*
 * XEN_SYSCTL_getdomaininfolist (struct xen_sysctl_getdomaininfolist):
 *   first_domain (IN): list domains with id >= this, in increasing order;
 *   max_domains (IN): at most this many;
 *   buffer (IN): array of max_domains struct xen_domctl_getdomaininfo,
 *     each filled as XEN_DOMCTL_getdomaininfo does;
 *   num_domains (OUT): how many were written.
 * Errors: -EFAULT (buffer).
 */
struct xen_sysctl_getdomaininfolist {
    domid_t               first_domain;
    uint32_t              max_domains;
    XEN_GUEST_HANDLE_64(xen_domctl_getdomaininfo_t) buffer;
    uint32_t              num_domains;
};

/*
 * struct xen_sysctl: cmd (IN), interface_version (IN), u: the operation's
 * structure, padded to 128 bytes (at offset 8; 136 bytes in all).
 */
struct xen_sysctl {
    uint32_t cmd;
    uint32_t interface_version;
    union {
        struct xen_sysctl_readconsole       readconsole;
        struct xen_sysctl_physinfo          physinfo;
        struct xen_sysctl_sched_id          sched_id;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        uint8_t                             pad[128];
    } u;
};
typedef struct xen_sysctl xen_sysctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_t);

#endif /* MICA_PUBLIC_SYSCTL_H */
