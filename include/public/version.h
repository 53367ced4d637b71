/* SPDX-License-Identifier: MIT */
/*
 * version.h - HYPERVISOR_xen_version: version, features, build facts.
 *
 * long HYPERVISOR_xen_version(int cmd, void *arg)
 *   cmd is XENVER_*. XENVER_version and XENVER_pagesize return their
 *   answer as the result; the others return 0 and fill *arg.
 *   Errors: -EFAULT (arg unwritable), -EINVAL (bad submap index),
 *   -EPERM (build_id/commandline for unprivileged callers), -ENOSYS.
 *   Example: long v = HYPERVISOR_xen_version(XENVER_version, NULL);
 *            major = v >> 16; minor = v & 0xffff;     (4.17 on Mica)
 */
#ifndef MICA_PUBLIC_VERSION_H
#define MICA_PUBLIC_VERSION_H

#include "xen.h"

/* arg NULL; returns (major << 16) | minor. */
#define XENVER_version      0

/* arg: xen_extraversion_t, e.g. ".0-mica" (NUL terminated). */
#define XENVER_extraversion 1
typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))

/* arg: struct xen_compile_info, NUL-terminated strings (OUT). */
#define XENVER_compile_info 2
struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;

/* arg: xen_capabilities_info_t, space-separated guest types, e.g. "xen-3.0-x86_64". */
#define XENVER_capabilities 3
typedef char xen_capabilities_info_t[1024];
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))

/* arg: xen_changeset_info_t, the source revision string. */
#define XENVER_changeset 4
typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN (sizeof(xen_changeset_info_t))

/*
 * arg: struct xen_platform_parameters; virt_start (OUT) is the lowest
 * address of the hypervisor hole (HYPERVISOR_VIRT_START on x86_64).
 */
#define XENVER_platform_parameters 5
struct xen_platform_parameters {
    xen_ulong_t virt_start;
};
typedef struct xen_platform_parameters xen_platform_parameters_t;

/*
 * arg: struct xen_feature_info. submap_idx (IN) selects XENFEAT_* numbers
 * 32*idx .. 32*idx+31; submap (OUT) has one bit per feature.
 * -EINVAL if submap_idx >= XENFEAT_NR_SUBMAPS.
 */
#define XENVER_get_features 6
struct xen_feature_info {
    unsigned int submap_idx;
    uint32_t     submap;
};
typedef struct xen_feature_info xen_feature_info_t;

#include "features.h"

/* arg NULL; returns the page size (4096). */
#define XENVER_pagesize 7

/* arg: xen_domain_handle_t, the caller's 16-byte handle (OUT). */
#define XENVER_guest_handle 8

/* arg: xen_commandline_t, the hypervisor command line (privileged). */
#define XENVER_commandline 9
typedef char xen_commandline_t[1024];

/*
 * arg: struct xen_build_id. len (IN) is the size of buf; the build id
 * bytes are copied to buf and the result is their length. -ENOBUFS if
 * len is too small, -ENODATA if there is no build id.
 */
#define XENVER_build_id 10
struct xen_build_id {
    uint32_t      len;
    unsigned char buf[XEN_FLEX_ARRAY_DIM];
};
typedef struct xen_build_id xen_build_id_t;

#endif /* MICA_PUBLIC_VERSION_H */
