/* SPDX-License-Identifier: MIT */
/*
 * xen-mca.h - HYPERVISOR_mca: machine check architecture (MCA) reporting
 * to the control domain. Same binary layout as Xen 4.17's
 * arch-x86/xen-mca.h; only the parts Mica handles are described here.
 *
 * long HYPERVISOR_mca(struct xen_mc *op)
 *   Privileged domains only: -EPERM for others (checked first). Then the
 *   struct is read (-EFAULT) and interface_version must equal
 *   XEN_MCA_INTERFACE_VERSION (-EACCES).
 *
 *   XEN_MC_physcpuinfo: describe the physical CPUs. With info NULL, only
 *     ncpus is written back (the number of online CPUs). Otherwise ncpus
 *     (IN) is the length of the info array and must be > 0 (-EINVAL); the
 *     first min(ncpus, online CPUs) entries are filled, ncpus becomes that
 *     count, and the struct is written back (-EFAULT if info or op cannot
 *     be written).
 *   XEN_MC_fetch: take the oldest telemetry record of one class. flags
 *     (IN) holds exactly one of XEN_MC_URGENT / XEN_MC_NONURGENT
 *     (-EINVAL otherwise), and XEN_MC_ACK to acknowledge fetch_id (returns
 *     0 and writes nothing). Without ACK, data must not be NULL (-EINVAL).
 *     Mica collects no telemetry, so the answer is always
 *     flags = XEN_MC_NODATA, fetch_id = 0, written back to op.
 *   XEN_MC_notifydomain: -EINVAL (not supported, as in Xen).
 *   XEN_MC_msrinject, XEN_MC_mceinject and the tools-only cmd 6
 *     (XEN_MC_inject_v2): -ENODEV (Mica drives no MCA banks: Xen's answer
 *     on a machine without them).
 *   Any other cmd: -EINVAL.
 *   Example: struct xen_mc mc = { .cmd = XEN_MC_physcpuinfo,
 *                .interface_version = XEN_MCA_INTERFACE_VERSION };
 *            HYPERVISOR_mca(&mc);    (mc.u.mc_physcpuinfo.ncpus = count)
 *
 * VIRQ_MCA (a global virq for dom0) would announce new telemetry; Mica
 * never raises it, but dom0 may bind it.
 */
#ifndef MICA_PUBLIC_XEN_MCA_H
#define MICA_PUBLIC_XEN_MCA_H

#include "xen.h"

#define __HYPERVISOR_mca            __HYPERVISOR_arch_0
#define VIRQ_MCA                    VIRQ_ARCH_0

/* Checked on every call (-EACCES when different). */
#define XEN_MCA_INTERFACE_VERSION   0x01ecc003

/* xen_mc_fetch.flags IN: which queue, and whether this acknowledges. */
#define XEN_MC_NONURGENT            0x0001
#define XEN_MC_URGENT               0x0002
#define XEN_MC_ACK                  0x0004

/* xen_mc_fetch.flags / xen_mc_notifydomain.flags OUT. */
#define XEN_MC_OK                   0x0
#define XEN_MC_FETCHFAILED          0x1
#define XEN_MC_NODATA               0x2
#define XEN_MC_NOMATCH              0x4
#define XEN_MC_CANNOTHANDLE         0x8
#define XEN_MC_NOTDELIVERED         0x10

/* One MSR and its value. */
struct mcinfo_msr {
    uint64_t reg;
    uint64_t value;
};
typedef struct mcinfo_msr xen_mcinfo_msr_t;

/* Sizes of the arrays in struct mcinfo_logical_cpu. */
#define __MC_MSR_ARRAYSIZE          8
#define MC_NCAPS                    7

/* One physical CPU, as XEN_MC_physcpuinfo reports it. */
struct mcinfo_logical_cpu {
    uint32_t mc_cpunr;              /* hypervisor CPU number */
    uint32_t mc_chipid;             /* package */
    uint16_t mc_coreid;
    uint16_t mc_threadid;
    uint32_t mc_apicid;             /* local APIC id */
    uint32_t mc_clusterid;          /* CPUID leaf 1 EBX[31:24] */
    uint32_t mc_ncores;
    uint32_t mc_ncores_active;
    uint32_t mc_nthreads;
    int32_t mc_cpuid_level;         /* highest basic CPUID leaf */
    uint32_t mc_family;             /* display family/model (leaf 1) */
    uint32_t mc_vendor;             /* the hypervisor's vendor code */
    uint32_t mc_model;
    uint32_t mc_step;
    char mc_vendorid[16];           /* "GenuineIntel", "AuthenticAMD", ... */
    char mc_brandid[64];            /* leaves 0x80000002-4, NUL-terminated */
    uint32_t mc_cpu_caps[MC_NCAPS]; /* feature words */
    uint32_t mc_cache_size;         /* KiB */
    uint32_t mc_cache_alignment;    /* bytes */
    int32_t mc_nmsrvals;            /* valid entries of mc_msrvalues */
    xen_mcinfo_msr_t mc_msrvalues[__MC_MSR_ARRAYSIZE];
};
typedef struct mcinfo_logical_cpu xen_mc_logical_cpu_t;
DEFINE_XEN_GUEST_HANDLE(xen_mc_logical_cpu_t);

#define XEN_MC_fetch                1
struct xen_mc_fetch {
    uint32_t flags;                 /* IN/OUT: see above */
    uint32_t _pad0;
    uint64_t fetch_id;              /* OUT: id to ACK; IN with XEN_MC_ACK */
    XEN_GUEST_HANDLE(void) data;    /* OUT: a struct mc_info (never filled) */
};
typedef struct xen_mc_fetch xen_mc_fetch_t;

#define XEN_MC_notifydomain         2
struct xen_mc_notifydomain {
    uint16_t mc_domid;
    uint16_t mc_vcpuid;
    uint32_t flags;
};
typedef struct xen_mc_notifydomain xen_mc_notifydomain_t;

#define XEN_MC_physcpuinfo          3
struct xen_mc_physcpuinfo {
    uint32_t ncpus;                 /* IN: entries of info; OUT: filled */
    uint32_t _pad0;
    XEN_GUEST_HANDLE(xen_mc_logical_cpu_t) info;
};
typedef struct xen_mc_physcpuinfo xen_mc_physcpuinfo_t;

/* Error injection: -ENODEV on Mica. The struct fixes the union's size. */
#define XEN_MC_msrinject            4
#define MC_MSRINJ_MAXMSRS           8
struct xen_mc_msrinject {
    uint32_t mcinj_cpunr;
    uint32_t mcinj_flags;
    uint32_t mcinj_count;
    domid_t mcinj_domid;
    uint16_t _pad0;
    xen_mcinfo_msr_t mcinj_msr[MC_MSRINJ_MAXMSRS];
};
typedef struct xen_mc_msrinject xen_mc_msrinject_t;

#define XEN_MC_mceinject            5
struct xen_mc_mceinject {
    unsigned int mceinj_cpunr;
};
typedef struct xen_mc_mceinject xen_mc_mceinject_t;

struct xen_mc {
    uint32_t cmd;                   /* XEN_MC_* */
    uint32_t interface_version;     /* XEN_MCA_INTERFACE_VERSION */
    union {
        xen_mc_fetch_t mc_fetch;
        xen_mc_notifydomain_t mc_notifydomain;
        xen_mc_physcpuinfo_t mc_physcpuinfo;
        xen_mc_msrinject_t mc_msrinject;
        xen_mc_mceinject_t mc_mceinject;
    } u;
};
typedef struct xen_mc xen_mc_t;
DEFINE_XEN_GUEST_HANDLE(xen_mc_t);

#endif /* MICA_PUBLIC_XEN_MCA_H */
