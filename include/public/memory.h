/* SPDX-License-Identifier: MIT */
/*
 * memory.h - HYPERVISOR_memory_op: balloon, physmap and memory maps.
 *
 * long HYPERVISOR_memory_op(unsigned int cmd, void *arg)
 *   cmd is XENMEM_* (only bits 0-5 select the sub-op; the hypervisor
 *   uses the higher bits to restart long operations, so guests pass the
 *   plain number). arg points at the matching struct.
 *   Common errors: -EFAULT, -EINVAL, -EPERM (acting on another domain
 *   without privilege), -ESRCH (no such domain), -ENOMEM, -ENOSYS.
 *
 * This header holds the sub-ops a guest (including a PV dom0) uses. The
 * toolstack-only sub-ops of Xen (paging, access, sharing, reserved device
 * memory map) are not part of Mica's guest ABI.
 */
#ifndef MICA_PUBLIC_MEMORY_H
#define MICA_PUBLIC_MEMORY_H

#include "xen.h"

/*
 * XENMEM_increase_reservation / XENMEM_decrease_reservation /
 * XENMEM_populate_physmap (struct xen_memory_reservation):
 *   increase: allocate nr_extents extents of 2^extent_order machine-
 *             contiguous frames; their first mfns are written to
 *             extent_start (if not NULL). The new frames have no M2P entry.
 *             Obsolete for PV guests, which use populate_physmap.
 *   decrease: give back the extents whose first gmfns (for PV: mfns) are in
 *             extent_start (the balloon driver's "free this page"). A frame
 *             still mapped, pinned or otherwise in use is given back all the
 *             same but only freed (and uncounted, and its M2P entry cleared)
 *             when that last use goes.
 *   populate: allocate memory for the gpfns in extent_start and write the
 *             allocated mfns back over them; the M2P maps each new frame to
 *             its gpfn. A PV guest must then fix its p2m and mappings itself.
 * Returns the number of extents done, counting from the start extent in
 * cmd (MEMOP_EXTENT_SHIFT). There is no error code: any problem (bad
 * argument or domain, no permission, extent_order above the caller's limit
 * of 9, or 18 for the control domain, no memory, the domain's max_pages
 * reached, a frame that is not the domain's) stops the count where it
 * happened.
 * Example (balloon out one page):
 *   set_xen_guest_handle(r.extent_start, &mfn); r.nr_extents = 1;
 *   r.extent_order = 0; r.mem_flags = 0; r.domid = DOMID_SELF;
 *   HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r) == 1
 */
#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_populate_physmap     6
/*
 * Bits 6 and up of cmd are a start extent (Xen's internal MEMOP_EXTENT_SHIFT,
 * not part of this header): Xen restarts a long reservation operation by
 * calling again with cmd = op | (start_extent << 6), and a guest may do the
 * same to resume at an extent. The count returned includes the extents
 * before start_extent. Other sub-ops refuse a start extent (-EINVAL, or
 * -ENOSYS for the x86-specific ones, which then do not match at all).
 */

/* mem_flags: bits 0-7 limit allocations to addresses below 2^bits (0 = no limit). */
#define XENMEMF_address_bits(x)     (x)
#define XENMEMF_get_address_bits(x) ((x) & 0xffu)
/* bits 8-15: NUMA node + 1 to allocate from (0 = any). */
#define XENMEMF_node(x)     (((x) + 1) << 8)
#define XENMEMF_get_node(x) ((((x) >> 8) - 1) & 0xffu)
/* populate with populate-on-demand entries (HVM) */
#define XENMEMF_populate_on_demand (1 << 16)
/* allocate only from the given node, fail otherwise */
#define XENMEMF_exact_node_request  (1 << 17)
#define XENMEMF_exact_node(n) (XENMEMF_node(n) | XENMEMF_exact_node_request)
/* the node is a virtual (guest) NUMA node */
#define XENMEMF_vnode  (1 << 18)

/*
 * struct xen_memory_reservation:
 *   extent_start (IN/OUT) - frame list, see the sub-ops above;
 *   nr_extents (IN)       - number of extents;
 *   extent_order (IN)     - each extent is 2^extent_order frames;
 *   mem_flags (IN)        - XENMEMF_* (0 for a normal allocation);
 *   domid (IN)            - DOMID_SELF; others need privilege.
 */
struct xen_memory_reservation {
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
    xen_ulong_t    nr_extents;
    unsigned int   extent_order;
    unsigned int   mem_flags;
    domid_t        domid;
};
typedef struct xen_memory_reservation xen_memory_reservation_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_reservation_t);

/*
 * XENMEM_exchange (struct xen_memory_exchange): trade some of the
 * domain's frames for new ones with other properties (e.g. contiguous
 * and below 4 GiB for DMA - Linux's xen_create_contiguous_region).
 *   in (IN)   - gmfns (PV: mfns) to give up. Each frame must be held by
 *               its allocation only: not mapped, pinned or in use;
 *   out (IN/OUT) - gpfns for the new extents (IN), overwritten with their
 *               mfns (OUT); the M2P maps the new frames to those gpfns.
 *               out.mem_flags may limit the address (XENMEMF_address_bits).
 *               in.domid == out.domid, and both sides must cover the same
 *               number of frames; the lists must not overlap;
 *   nr_exchanged (IN/OUT) - input extents exchanged so far; 0 on entry
 *               (a non-zero value resumes there). On error the first
 *               nr_exchanged extents were exchanged and the rest are
 *               untouched.
 * The domain's page count does not change, so max_pages does not limit it.
 * Errors: -EPERM (an extent_order above the caller's limit, or another
 * domain without privilege), -EINVAL (sizes differ, domids differ,
 * nr_exchanged too big, a frame that is not the domain's or still in use),
 * -ESRCH, -ENOMEM (no suitable memory), -EFAULT.
 */
#define XENMEM_exchange             11
struct xen_memory_exchange {
    struct xen_memory_reservation in;
    struct xen_memory_reservation out;
    xen_ulong_t nr_exchanged;
};
typedef struct xen_memory_exchange xen_memory_exchange_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_exchange_t);

/*
 * XENMEM_maximum_ram_page (arg NULL): returns the highest machine frame
 *   that is RAM.
 * XENMEM_current_reservation / XENMEM_maximum_reservation /
 * XENMEM_maximum_gpfn (arg: domid_t, IN): return the domain's current
 *   page count, its limit, or its highest gpfn.
 * struct xen_memory_domain is the same single domid_t, named.
 */
#define XENMEM_maximum_ram_page     2
struct xen_memory_domain {
    domid_t domid;
};
#define XENMEM_current_reservation  3
#define XENMEM_maximum_reservation  4
#define XENMEM_maximum_gpfn         14

/*
 * XENMEM_machphys_mfn_list (struct xen_machphys_mfn_list): the mfns that
 * back the M2P table, one per 2 MiB of table, so a guest can map it
 * itself. XENMEM_machphys_compat_mfn_list: the same for the 32-bit
 * compat table.
 *   max_extents (IN) - size of extent_start;
 *   extent_start (OUT) - filled with mfns (0 for holes);
 *   nr_extents (OUT) - entries written.
 */
#define XENMEM_machphys_mfn_list    5
struct xen_machphys_mfn_list {
    unsigned int max_extents;
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
    unsigned int nr_extents;
};
typedef struct xen_machphys_mfn_list xen_machphys_mfn_list_t;
DEFINE_XEN_GUEST_HANDLE(xen_machphys_mfn_list_t);
#define XENMEM_machphys_compat_mfn_list     25

/*
 * XENMEM_machphys_mapping (struct xen_machphys_mapping, OUT): where the
 * read-only M2P table is mapped (v_start..v_end) and the largest mfn it
 * covers. Linux reads it at boot to size machine_to_phys_mapping.
 */
#define XENMEM_machphys_mapping     12
struct xen_machphys_mapping {
    xen_ulong_t v_start, v_end;
    xen_ulong_t max_mfn;
};
typedef struct xen_machphys_mapping xen_machphys_mapping_t;
DEFINE_XEN_GUEST_HANDLE(xen_machphys_mapping_t);

/* Spaces a frame can be taken from by add_to_physmap. */
#define XENMAPSPACE_shared_info  0  /* the shared_info page */
#define XENMAPSPACE_grant_table  1  /* grant table frame idx (| XENMAPIDX_grant_table_status) */
#define XENMAPSPACE_gmfn         2  /* move guest frame idx */
#define XENMAPSPACE_gmfn_range   3  /* `size` guest frames from idx (add_to_physmap only) */
#define XENMAPSPACE_gmfn_foreign 4  /* frame of another domain (batch only) */
#define XENMAPSPACE_dev_mmio     5  /* device MMIO (ARM only) */

/*
 * XENMEM_add_to_physmap (struct xen_add_to_physmap): place a frame from
 * `space` at gpfn of a translated (HVM/PVH) domain. Not meaningful for PV
 * guests, which map frames through their own page tables (-EINVAL/-ENOSYS).
 *   domid (IN), size (IN, gmfn_range only), space (IN, XENMAPSPACE_*),
 *   idx (IN), gpfn (IN).
 */
#define XENMEM_add_to_physmap      7
struct xen_add_to_physmap {
    domid_t domid;
    uint16_t    size;
    unsigned int space;
#define XENMAPIDX_grant_table_status 0x80000000
    xen_ulong_t idx;
    xen_pfn_t     gpfn;
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_t);

/*
 * XENMEM_add_to_physmap_batch (struct xen_add_to_physmap_batch): `size`
 * add_to_physmap operations at once, with per-entry errors in errs (OUT).
 * u.foreign_domid names the source domain for XENMAPSPACE_gmfn_foreign
 * and must be 0 otherwise.
 */
#define XENMEM_add_to_physmap_batch 23
struct xen_add_to_physmap_batch {
    domid_t domid;
    uint16_t space;
    uint16_t size;
    union xen_add_to_physmap_batch_extra {
        domid_t foreign_domid;
        uint16_t res0;
    } u;
    XEN_GUEST_HANDLE(xen_ulong_t) idxs;
    XEN_GUEST_HANDLE(xen_pfn_t) gpfns;
    XEN_GUEST_HANDLE(int) errs;
};
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_batch_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_batch_t);

/* XENMEM_remove_from_physmap: undo add_to_physmap at gpfn (translated guests). */
#define XENMEM_remove_from_physmap      15
struct xen_remove_from_physmap {
    domid_t domid;
    xen_pfn_t     gpfn;
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_remove_from_physmap_t);

/*
 * XENMEM_memory_map (struct xen_memory_map): the caller's pseudo-physical
 * memory map in E820 format (20-byte entries: u64 addr, u64 size,
 * u32 type).
 * XENMEM_machine_memory_map: the host's E820 map (control domain only;
 *   Linux dom0 uses it to find holes and reserved regions).
 *   nr_entries (IN/OUT) - capacity of buffer on entry, entries written on
 *                         return;
 *   buffer (OUT).
 * Errors: -EFAULT; -ENOENT if no map was set (the guest then assumes one
 * RAM region of nr_pages).
 * Example: m.nr_entries = 128; set_xen_guest_handle(m.buffer, e820);
 *          HYPERVISOR_memory_op(XENMEM_memory_map, &m);
 */
#define XENMEM_memory_map           9
struct xen_memory_map {
    unsigned int nr_entries;
    XEN_GUEST_HANDLE(void) buffer;
};
typedef struct xen_memory_map xen_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_map_t);
#define XENMEM_machine_memory_map   10

/* XENMEM_set_memory_map: the toolstack sets domain domid's map (privileged). */
#define XENMEM_set_memory_map       13
struct xen_foreign_memory_map {
    domid_t domid;
    struct xen_memory_map map;
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_foreign_memory_map_t);

/*
 * XENMEM_set_pod_target / XENMEM_get_pod_target (struct xen_pod_target):
 * populate-on-demand target of an HVM domain (toolstack).
 */
#define XENMEM_set_pod_target       16
#define XENMEM_get_pod_target       17
struct xen_pod_target {
    uint64_t target_pages;     /* IN */
    uint64_t tot_pages;        /* OUT */
    uint64_t pod_cache_pages;  /* OUT */
    uint64_t pod_entries;      /* OUT */
    domid_t domid;             /* IN */
};
typedef struct xen_pod_target xen_pod_target_t;

/*
 * XENMEM_claim_pages (struct xen_memory_reservation with only domid and
 * nr_extents set): reserve nr_extents pages of free memory for a domain
 * being built, so a later populate cannot fail half way (toolstack).
 */
#define XENMEM_claim_pages                  24

/*
 * XENMEM_acquire_resource (struct xen_mem_acquire_resource): map frames
 * of a domain's resource (grant table, ioreq server, trace buffer) into
 * the caller. For a PV caller frame_list is filled with mfns (OUT).
 *   domid, type, id (IN); nr_frames (IN/OUT; 0 with a NULL frame_list
 *   queries the size); pad (IN, 0); frame (IN, first frame);
 *   frame_list (IN/OUT).
 */
#define XENMEM_acquire_resource 28
struct xen_mem_acquire_resource {
    domid_t domid;
    uint16_t type;
#define XENMEM_resource_ioreq_server 0
#define XENMEM_resource_grant_table 1
#define XENMEM_resource_vmtrace_buf 2
    uint32_t id;
#define XENMEM_resource_grant_table_id_shared 0
#define XENMEM_resource_grant_table_id_status 1
    uint32_t nr_frames;
    uint32_t pad;
    uint64_t frame;
#define XENMEM_resource_ioreq_server_frame_bufioreq 0
#define XENMEM_resource_ioreq_server_frame_ioreq(n) (1 + (n))
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list;
};
typedef struct xen_mem_acquire_resource xen_mem_acquire_resource_t;
DEFINE_XEN_GUEST_HANDLE(xen_mem_acquire_resource_t);

/*
 * XENMEM_get_vnumainfo (struct xen_vnuma_topology_info): the guest's
 * virtual NUMA layout. nr_* are capacities on entry and counts on return;
 * -ENOBUFS (with the needed counts) if a buffer is too small, -EOPNOTSUPP
 * if the domain has no vNUMA.
 */
#define XENMEM_get_vnumainfo                26
struct xen_vmemrange {
    uint64_t start, end;
    unsigned int flags;
    unsigned int nid;
};
typedef struct xen_vmemrange xen_vmemrange_t;
DEFINE_XEN_GUEST_HANDLE(xen_vmemrange_t);

struct xen_vnuma_topology_info {
    domid_t domid;                 /* IN */
    uint16_t pad;
    unsigned int nr_vnodes;        /* IN/OUT */
    unsigned int nr_vcpus;         /* IN/OUT */
    unsigned int nr_vmemranges;    /* IN/OUT */
    union {
        XEN_GUEST_HANDLE(uint) h;  /* OUT: nr_vnodes^2 distances */
        uint64_t pad;
    } vdistance;
    union {
        XEN_GUEST_HANDLE(uint) h;  /* OUT: node of each vCPU */
        uint64_t pad;
    } vcpu_to_vnode;
    union {
        XEN_GUEST_HANDLE(xen_vmemrange_t) h;  /* OUT */
        uint64_t pad;
    } vmemrange;
};
typedef struct xen_vnuma_topology_info xen_vnuma_topology_info_t;
DEFINE_XEN_GUEST_HANDLE(xen_vnuma_topology_info_t);

#endif /* MICA_PUBLIC_MEMORY_H */
