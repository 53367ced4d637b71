/* SPDX-License-Identifier: MIT */
/*
 * grant_table.h - grant tables: sharing pages between domains.
 *
 * A domain (the granter) shares one of its pages by filling an entry of
 * its grant table, a set of pages it shares with the hypervisor, naming
 * the page and the domain allowed to use it. The other domain (the
 * grantee) passes the entry's index (grant reference) to
 * HYPERVISOR_grant_table_op to map the page, copy to/from it, or (obsolete)
 * take ownership of it. References travel out of band (xenstore, rings).
 *
 * Granter protocol (v1):
 *   1. write frame and domid;  2. write barrier;
 *   3. write flags = GTF_permit_access (| GTF_readonly).
 *   To revoke: atomically replace flags with 0 only if neither
 *   GTF_reading nor GTF_writing is set (compare-and-exchange), else the
 *   grantee still has it mapped and the granter must retry later. The page
 *   may be reused only after the revoke succeeded.
 * The hypervisor sets GTF_reading/GTF_writing while a mapping or copy
 * uses the entry (v2: in the separate status array).
 *
 * long HYPERVISOR_grant_table_op(unsigned int cmd, void *args,
 *                                unsigned int count)
 *   cmd is GNTTABOP_*, args an array of `count` matching structures.
 *   The call returns 0 if the array was processed; each element carries
 *   its own result in `status` (GNTST_*). A negative return (-EFAULT,
 *   -EINVAL, -ENOSYS) means the array itself was bad. Elements are
 *   processed in order.
 *   Example: struct gnttab_map_grant_ref m = { .host_addr = va,
 *            .flags = GNTMAP_host_map, .ref = ref, .dom = otherend };
 *            HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &m, 1);
 *            if (m.status != GNTST_okay) ...
 */
#ifndef MICA_PUBLIC_GRANT_TABLE_H
#define MICA_PUBLIC_GRANT_TABLE_H

#include "xen.h"

/* Index of an entry in a grant table. */
typedef uint32_t grant_ref_t;

/*
 * struct grant_entry_v1: an entry of a version 1 table (8 bytes, 512 per
 * page).
 *   flags - GTF_* type and flags; the granter writes the type and
 *           permission bits, the hypervisor GTF_reading/writing and the
 *           transfer bits;
 *   domid - the domain allowed to use the grant;
 *   frame - the granted frame (mfn for PV granters); for
 *           GTF_accept_transfer the frame that will receive the page, and
 *           after the transfer the mfn that was transferred.
 */
struct grant_entry_v1 {
    uint16_t flags;
    domid_t  domid;
    uint32_t frame;
};
typedef struct grant_entry_v1 grant_entry_v1_t;

/*
 * The first entries are reserved for the toolstack: it grants the console
 * and xenstore ring pages to the backends through them.
 */
#define GNTTAB_NR_RESERVED_ENTRIES     8
#define GNTTAB_RESERVED_CONSOLE        0
#define GNTTAB_RESERVED_XENSTORE       1

/* Entry type, flags bits 0-1. */
#define GTF_invalid         (0U << 0)  /* unused; the grantee may not use it */
#define GTF_permit_access   (1U << 0)  /* grantee may map / copy the frame */
#define GTF_accept_transfer (2U << 0)  /* grantee may transfer a page into it */
#define GTF_transitive      (3U << 0)  /* v2: re-grant of another domain's grant */
#define GTF_type_mask       (3U << 0)

/* Flags for GTF_permit_access. */
#define _GTF_readonly       (2)
#define GTF_readonly        (1U << _GTF_readonly)  /* grantee may only read */
#define _GTF_reading        (3)
#define GTF_reading         (1U << _GTF_reading)   /* set by hypervisor while read-mapped */
#define _GTF_writing        (4)
#define GTF_writing         (1U << _GTF_writing)   /* set by hypervisor while write-mapped */
#define _GTF_PWT            (5)
#define GTF_PWT             (1U << _GTF_PWT)       /* cache attributes for the mapping */
#define _GTF_PCD            (6)
#define GTF_PCD             (1U << _GTF_PCD)
#define _GTF_PAT            (7)
#define GTF_PAT             (1U << _GTF_PAT)
#define _GTF_sub_page       (8)
#define GTF_sub_page        (1U << _GTF_sub_page)  /* v2: only part of the page */

/* Flags for GTF_accept_transfer, set by the hypervisor. */
#define _GTF_transfer_committed (2)
#define GTF_transfer_committed  (1U << _GTF_transfer_committed) /* transfer under way */
#define _GTF_transfer_completed (3)
#define GTF_transfer_completed  (1U << _GTF_transfer_completed) /* frame field is valid */

/*
 * Version 2 (GNTTABOP_set_version): 16-byte entries, and the
 * GTF_reading/writing bits live in a separate array of grant_status_t
 * (one per entry, in status frames from GNTTABOP_get_status_frames) so
 * the granter can keep the entry read-only for the grantee.
 */
struct grant_entry_header {
    uint16_t flags;
    domid_t  domid;
};
typedef struct grant_entry_header grant_entry_header_t;

/*
 * union grant_entry_v2:
 *   full_page  - whole-page grant (permit_access without sub_page, or
 *                accept_transfer); frame as in v1, 64 bits wide;
 *   sub_page   - GTF_sub_page: only bytes [page_off, page_off+length)
 *                of frame may be copied;
 *   transitive - GTF_transitive: the grantee may use grant gref of domain
 *                trans_domid as if it were this one (copy only).
 */
union grant_entry_v2 {
    grant_entry_header_t hdr;
    struct {
        grant_entry_header_t hdr;
        uint32_t pad0;
        uint64_t frame;
    } full_page;
    struct {
        grant_entry_header_t hdr;
        uint16_t page_off;
        uint16_t length;
        uint64_t frame;
    } sub_page;
    struct {
        grant_entry_header_t hdr;
        domid_t trans_domid;
        uint16_t pad0;
        grant_ref_t gref;
    } transitive;
    uint32_t __spacer[4];  /* keeps the entry 16 bytes */
};
typedef union grant_entry_v2 grant_entry_v2_t;

typedef uint16_t grant_status_t;

#define GNTTABOP_map_grant_ref        0
#define GNTTABOP_unmap_grant_ref      1
#define GNTTABOP_setup_table          2
#define GNTTABOP_dump_table           3
#define GNTTABOP_transfer             4
#define GNTTABOP_copy                 5
#define GNTTABOP_query_size           6
#define GNTTABOP_unmap_and_replace    7
#define GNTTABOP_set_version          8
#define GNTTABOP_get_status_frames    9
#define GNTTABOP_get_version          10
#define GNTTABOP_swap_grant_ref       11
#define GNTTABOP_cache_flush          12

/* Handle of a grant mapping, returned by map and passed to unmap. */
typedef uint32_t grant_handle_t;

/*
 * GNTTABOP_map_grant_ref (struct gnttab_map_grant_ref): map grant `ref`
 * of domain `dom` (IN).
 *   host_addr (IN)   - with GNTMAP_host_map: the VA to map at, or with
 *                      GNTMAP_contains_pte the MA of the PTE to write;
 *   flags (IN)       - GNTMAP_*;
 *   status (OUT)     - GNTST_*;
 *   handle (OUT)     - for the unmap;
 *   dev_bus_addr (OUT) - with GNTMAP_device_map: the address for DMA.
 * The mapping is read-only if GNTMAP_readonly is asked for or the grant
 * is GTF_readonly (then a writable request fails with
 * GNTST_permission_denied).
 */
struct gnttab_map_grant_ref {
    uint64_t host_addr;
    uint32_t flags;
    grant_ref_t ref;
    domid_t  dom;
    int16_t  status;
    grant_handle_t handle;
    uint64_t dev_bus_addr;
};
typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_map_grant_ref_t);

/*
 * GNTTABOP_unmap_grant_ref (struct gnttab_unmap_grant_ref): remove the
 * mapping `handle` (IN). host_addr / dev_bus_addr (IN) must match what
 * the map used (0 for a kind not mapped). status (OUT). After a
 * successful unmap the granter sees GTF_reading/writing drop.
 */
struct gnttab_unmap_grant_ref {
    uint64_t host_addr;
    uint64_t dev_bus_addr;
    grant_handle_t handle;
    int16_t  status;
};
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_unmap_grant_ref_t);

/*
 * GNTTABOP_setup_table (struct gnttab_setup_table): make domain `dom`'s
 * table at least nr_frames pages (IN) and return their mfns in
 * frame_list (OUT); the PV guest then maps them itself. status (OUT):
 * GNTST_general_error if nr_frames exceeds the domain's limit.
 * Example: s.dom = DOMID_SELF; s.nr_frames = 4; set_xen_guest_handle(
 *          s.frame_list, frames);
 */
struct gnttab_setup_table {
    domid_t  dom;
    uint32_t nr_frames;
    int16_t  status;
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list;
};
typedef struct gnttab_setup_table gnttab_setup_table_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_setup_table_t);

/* GNTTABOP_dump_table: print `dom`'s table on the hypervisor console (debug). */
struct gnttab_dump_table {
    domid_t dom;
    int16_t status;
};
typedef struct gnttab_dump_table gnttab_dump_table_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_dump_table_t);

/*
 * GNTTABOP_transfer (struct gnttab_transfer): give our page mfn (IN) to
 * domain `domid` (IN), into its GTF_accept_transfer entry `ref` (IN).
 * status (OUT). Obsolete (old netback receive path); Mica may refuse it.
 */
struct gnttab_transfer {
    xen_pfn_t     mfn;
    domid_t       domid;
    grant_ref_t   ref;
    int16_t       status;
};
typedef struct gnttab_transfer gnttab_transfer_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_transfer_t);

/*
 * GNTTABOP_copy (struct gnttab_copy): copy len bytes (IN) from source to
 * dest without mapping. Each side is either a grant (ref of domain domid,
 * when GNTCOPY_source_gref / GNTCOPY_dest_gref is in flags) or one of the
 * caller's own frames (gmfn, domid = DOMID_SELF), at byte `offset`.
 * Neither side may cross its page (GNTST_bad_copy_arg). status (OUT).
 * netback and blkback use it for packet and request data.
 */
#define _GNTCOPY_source_gref      (0)
#define GNTCOPY_source_gref       (1 << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref        (1)
#define GNTCOPY_dest_gref         (1 << _GNTCOPY_dest_gref)

struct gnttab_copy {
    struct gnttab_copy_ptr {
        union {
            grant_ref_t ref;
            xen_pfn_t   gmfn;
        } u;
        domid_t  domid;
        uint16_t offset;
    } source, dest;
    uint16_t      len;
    uint16_t      flags;
    int16_t       status;
};
typedef struct gnttab_copy  gnttab_copy_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_copy_t);

/*
 * GNTTABOP_query_size (struct gnttab_query_size): current and maximum
 * table size in frames of `dom` (IN). nr_frames, max_nr_frames, status
 * (OUT). Linux calls it at boot to size its table.
 */
struct gnttab_query_size {
    domid_t  dom;
    uint32_t nr_frames;
    uint32_t max_nr_frames;
    int16_t  status;
};
typedef struct gnttab_query_size gnttab_query_size_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_query_size_t);

/*
 * GNTTABOP_unmap_and_replace (struct gnttab_unmap_and_replace): unmap
 * grant mapping `handle` at host_addr and move the mapping currently at
 * new_addr there (zapping new_addr), all IN; status (OUT). Lets a PV
 * guest unmap without leaving a hole.
 */
struct gnttab_unmap_and_replace {
    uint64_t host_addr;
    uint64_t new_addr;
    grant_handle_t handle;
    int16_t  status;
};
typedef struct gnttab_unmap_and_replace gnttab_unmap_and_replace_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_unmap_and_replace_t);

/*
 * GNTTABOP_set_version (struct gnttab_set_version): version (IN 1 or 2,
 * OUT the version in force). Allowed only while no grant is in use
 * (other than the reserved entries), -EBUSY otherwise. Other versions,
 * and 2 where the hypervisor does not offer v2, are refused with an
 * error; `version` then still reports the version in force.
 */
struct gnttab_set_version {
    uint32_t version;
};
typedef struct gnttab_set_version gnttab_set_version_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_set_version_t);

/*
 * GNTTABOP_get_status_frames (struct gnttab_get_status_frames): v2 only;
 * the mfns of `dom`'s status array (nr_frames, dom IN; frame_list,
 * status OUT).
 */
struct gnttab_get_status_frames {
    uint32_t nr_frames;
    domid_t  dom;
    int16_t  status;
    XEN_GUEST_HANDLE(uint64_t) frame_list;
};
typedef struct gnttab_get_status_frames gnttab_get_status_frames_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_get_status_frames_t);

/* GNTTABOP_get_version (struct gnttab_get_version): version (OUT) of dom's table. */
struct gnttab_get_version {
    domid_t dom;
    uint16_t pad;
    uint32_t version;
};
typedef struct gnttab_get_version gnttab_get_version_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_get_version_t);

/*
 * GNTTABOP_swap_grant_ref (struct gnttab_swap_grant_ref): atomically swap
 * the contents of two of the caller's entries (IN); both must be unused
 * by grantees. status (OUT).
 */
struct gnttab_swap_grant_ref {
    grant_ref_t ref_a;
    grant_ref_t ref_b;
    int16_t status;
};
typedef struct gnttab_swap_grant_ref gnttab_swap_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_swap_grant_ref_t);

/*
 * GNTTABOP_cache_flush (struct gnttab_cache_flush): clean/invalidate the
 * data cache for part of a granted page (ARM; a no-op need on x86).
 */
struct gnttab_cache_flush {
    union {
        uint64_t dev_bus_addr;
        grant_ref_t ref;
    } a;
    uint16_t offset;
    uint16_t length;
#define GNTTAB_CACHE_CLEAN          (1u << 0)
#define GNTTAB_CACHE_INVAL          (1u << 1)
#define GNTTAB_CACHE_SOURCE_GREF    (1u << 31)
    uint32_t op;
};
typedef struct gnttab_cache_flush gnttab_cache_flush_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_cache_flush_t);

/* GNTMAP_* flags for map_grant_ref. */
#define _GNTMAP_device_map      (0)  /* map for DMA: return dev_bus_addr */
#define GNTMAP_device_map       (1 << _GNTMAP_device_map)
#define _GNTMAP_host_map        (1)  /* map for CPU access at host_addr */
#define GNTMAP_host_map         (1 << _GNTMAP_host_map)
#define _GNTMAP_readonly        (2)  /* read-only mapping */
#define GNTMAP_readonly         (1 << _GNTMAP_readonly)
#define _GNTMAP_application_map (3)  /* mapping usable from user mode too */
#define GNTMAP_application_map  (1 << _GNTMAP_application_map)
#define _GNTMAP_contains_pte    (4)  /* host_addr is the MA of a PTE, not a VA */
#define GNTMAP_contains_pte     (1 << _GNTMAP_contains_pte)
/*
 * Bits 16-31 are copied into the PTE's software-available bits (when
 * XENFEAT_gnttab_map_avail_bits is reported).
 */
#define _GNTMAP_guest_avail0    (16)
#define GNTMAP_guest_avail_mask ((uint32_t)~0 << _GNTMAP_guest_avail0)

/* Per-element status codes (the `status` fields above). */
#define GNTST_okay             (0)   /* success */
#define GNTST_general_error    (-1)  /* unspecified failure */
#define GNTST_bad_domain       (-2)  /* no such domain */
#define GNTST_bad_gntref       (-3)  /* bad reference, or entry not granted to us */
#define GNTST_bad_handle       (-4)  /* bad mapping handle */
#define GNTST_bad_virt_addr    (-5)  /* unusable host_addr */
#define GNTST_bad_dev_addr     (-6)  /* dev_bus_addr does not match */
#define GNTST_no_device_space  (-7)  /* no room in the IOMMU */
#define GNTST_permission_denied (-8) /* e.g. write map of a read-only grant */
#define GNTST_bad_page         (-9)  /* frame invalid for this operation */
#define GNTST_bad_copy_arg    (-10)  /* copy crosses a page boundary */
#define GNTST_address_too_big (-11)  /* transfer: page address too large */
#define GNTST_eagain          (-12)  /* temporarily impossible, retry */
#define GNTST_no_space        (-13)  /* out of handles or other space */

/* Text for each status, indexed by -status. */
#define GNTTABOP_error_msgs {                   \
    "okay",                                     \
    "undefined error",                          \
    "unrecognised domain id",                   \
    "invalid grant reference",                  \
    "invalid mapping handle",                   \
    "invalid virtual address",                  \
    "invalid device address",                   \
    "no spare translation slot in the I/O MMU", \
    "permission denied",                        \
    "bad page",                                 \
    "copy arguments cross page boundary",       \
    "page address size too large",              \
    "operation not done; try again",            \
    "out of space",                             \
}

#endif /* MICA_PUBLIC_GRANT_TABLE_H */
