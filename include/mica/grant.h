/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant-table core: the arch-free state machine behind GNTTABOP_*.
 *
 * The core owns the per-domain bookkeeping (active entries, maptrack) and
 * the guest-visible flag protocol on the shared entries; everything that
 * touches real memory, page tables, domains or locks is supplied by the
 * glue through struct gnttab_ops. The same source runs under Check on the
 * host with a fake glue. grant/README.md explains states and references.
 *
 * The guest ABI part below has the binary layout of Xen 4.17's
 * public/grant_table.h. It uses MICA_-prefixed names so that a translation
 * unit may include both this header and include/public/grant_table.h.
 */
#ifndef MICA_GRANT_H
#define MICA_GRANT_H

#include <mica/types.h>

/* ------------------------------------------------------------------------
 * Guest ABI (layout-identical to Xen's public/grant_table.h)
 */
typedef uint32_t gnt_ref_t;
typedef uint32_t gnt_handle_t;
typedef uint16_t gnt_domid_t;
typedef uint16_t gnt_status_t;          /* one v2 status-frame word */

#define MICA_DOMID_SELF 0x7FF0U

/* Entries 0..7 belong to the toolstack (console, xenstore). */
#define MICA_GNTTAB_NR_RESERVED_ENTRIES 8

struct gnt_entry_v1 {
    uint16_t flags;                     /* MICA_GTF_* */
    uint16_t domid;                     /* domain allowed to use the grant */
    uint32_t frame;                     /* granted GFN */
};

struct gnt_entry_header {
    uint16_t flags;
    uint16_t domid;
};

union gnt_entry_v2 {
    struct gnt_entry_header hdr;
    struct {
        struct gnt_entry_header hdr;
        uint32_t pad0;
        uint64_t frame;
    } full_page;
    struct {
        struct gnt_entry_header hdr;
        uint16_t page_off;
        uint16_t length;
        uint64_t frame;
    } sub_page;
    struct {
        struct gnt_entry_header hdr;
        uint16_t trans_domid;
        uint16_t pad0;
        gnt_ref_t gref;
    } transitive;
    uint32_t spacer[4];
};

/* Grant type (low two bits of flags). */
#define MICA_GTF_invalid         0x0000U
#define MICA_GTF_permit_access   0x0001U
#define MICA_GTF_accept_transfer 0x0002U
#define MICA_GTF_transitive      0x0003U
#define MICA_GTF_type_mask       0x0003U
/* Flags written by the granting guest. */
#define MICA_GTF_readonly        0x0004U
#define MICA_GTF_PWT             0x0020U
#define MICA_GTF_PCD             0x0040U
#define MICA_GTF_PAT             0x0080U
#define MICA_GTF_sub_page        0x0100U
/* Flags written by the hypervisor while the entry is in use (v1: in the
 * flags word; v2: in the status frame). */
#define MICA_GTF_reading         0x0008U
#define MICA_GTF_writing         0x0010U

/* GNTMAP_* request flags. */
#define MICA_GNTMAP_device_map      0x01U
#define MICA_GNTMAP_host_map        0x02U
#define MICA_GNTMAP_readonly        0x04U
#define MICA_GNTMAP_application_map 0x08U
#define MICA_GNTMAP_contains_pte    0x10U
#define MICA_GNTMAP_guest_avail0    16

/* GNTCOPY_* flags. */
#define MICA_GNTCOPY_source_gref 0x1U
#define MICA_GNTCOPY_dest_gref   0x2U

/* GNTTABOP_cache_flush ops. */
#define MICA_GNTTAB_CACHE_CLEAN       0x1U
#define MICA_GNTTAB_CACHE_INVAL       0x2U
#define MICA_GNTTAB_CACHE_SOURCE_GREF 0x80000000U

/* Per-operation status codes (GNTST_*). */
#define MICA_GNTST_okay               0
#define MICA_GNTST_general_error     (-1)
#define MICA_GNTST_bad_domain        (-2)
#define MICA_GNTST_bad_gntref        (-3)
#define MICA_GNTST_bad_handle        (-4)
#define MICA_GNTST_bad_virt_addr     (-5)
#define MICA_GNTST_bad_dev_addr      (-6)
#define MICA_GNTST_no_device_space   (-7)
#define MICA_GNTST_permission_denied (-8)
#define MICA_GNTST_bad_page          (-9)
#define MICA_GNTST_bad_copy_arg      (-10)
#define MICA_GNTST_address_too_big   (-11)
#define MICA_GNTST_eagain            (-12)
#define MICA_GNTST_no_space          (-13)

/* Xen errno values returned by whole hypercalls (public/errno.h). */
#define GNT_EPERM       1
#define GNT_ESRCH       3
#define GNT_ENOMEM     12
#define GNT_EFAULT     14
#define GNT_EBUSY      16
#define GNT_EINVAL     22
#define GNT_ERANGE     34
#define GNT_ENOSYS     38
#define GNT_EOPNOTSUPP 95

/* Hypercall argument records, layout-identical to Xen's. The glue copies
 * them in and out of guest memory; the core only sees hypervisor copies. */
struct gnt_map_grant_ref {
    uint64_t host_addr;                 /* IN */
    uint32_t flags;                     /* IN: MICA_GNTMAP_* */
    gnt_ref_t ref;                      /* IN */
    gnt_domid_t dom;                    /* IN: granting domain */
    int16_t status;                     /* OUT */
    gnt_handle_t handle;                /* OUT */
    uint64_t dev_bus_addr;              /* OUT */
};

struct gnt_unmap_grant_ref {
    uint64_t host_addr;
    uint64_t dev_bus_addr;
    gnt_handle_t handle;
    int16_t status;
};

struct gnt_unmap_and_replace {
    uint64_t host_addr;
    uint64_t new_addr;
    gnt_handle_t handle;
    int16_t status;
};

struct gnt_copy_ptr {
    union {
        gnt_ref_t ref;
        uint64_t gmfn;
    } u;
    gnt_domid_t domid;
    uint16_t offset;
};

struct gnt_copy {
    struct gnt_copy_ptr source, dest;
    uint16_t len;
    uint16_t flags;                     /* MICA_GNTCOPY_* */
    int16_t status;
};

struct gnt_cache_flush {
    union {
        uint64_t dev_bus_addr;
        gnt_ref_t ref;
    } a;
    uint16_t offset;
    uint16_t length;
    uint32_t op;                        /* MICA_GNTTAB_CACHE_* */
};

/* ------------------------------------------------------------------------
 * Limits (Xen 4.17 defaults; Mica has no command-line override yet, so the
 * defaults are also the maxima a domain may be created with).
 */
#define GNTTAB_INITIAL_FRAMES       1U      /* x86 INITIAL_NR_GRANT_FRAMES */
#define GNTTAB_MAX_FRAMES           64U     /* opt_max_grant_frames */
#define GNTTAB_MAX_MAPTRACK_FRAMES  1024U   /* opt_max_maptrack_frames */

#define GNTTAB_V1_PER_FRAME     (PAGE_SIZE / sizeof(struct gnt_entry_v1))
#define GNTTAB_V2_PER_FRAME     (PAGE_SIZE / sizeof(union gnt_entry_v2))
#define GNTTAB_STATUS_PER_FRAME (PAGE_SIZE / sizeof(gnt_status_t))

/* ------------------------------------------------------------------------
 * Core state
 */

/*
 * Active entry: the hypervisor's shadow of a grant while anyone uses it.
 * pin holds four 8-bit counters (as in Xen) so "in use at all" is pin != 0.
 */
#define GNTPIN_HSTW_INC 0x00000001U     /* writable host (CPU) mappings */
#define GNTPIN_HSTR_INC 0x00000100U     /* read-only host mappings */
#define GNTPIN_DEVW_INC 0x00010000U     /* writable device mappings */
#define GNTPIN_DEVR_INC 0x01000000U     /* read-only device mappings */
#define GNTPIN_HSTW_MASK 0x000000FFU
#define GNTPIN_HSTR_MASK 0x0000FF00U
#define GNTPIN_DEVW_MASK 0x00FF0000U
#define GNTPIN_DEVR_MASK 0xFF000000U
#define GNTPIN_WRITE_MASK (GNTPIN_HSTW_MASK | GNTPIN_DEVW_MASK)

struct gnttab_active {
    uint32_t pin;
    gnt_domid_t domid;                  /* domain the pins belong to */
    gnt_domid_t trans_domid;            /* v2 transitive: where it leads */
    uint16_t start;                     /* sub-page window */
    uint16_t length;
    uint16_t is_sub_page;               /* also set for transitive grants */
    uint16_t pad;
    gnt_ref_t trans_gref;
    uint32_t pad2;
    uint64_t mfn;                       /* pinned machine frame */
};
#define GNTTAB_ACTIVE_PER_PAGE (PAGE_SIZE / sizeof(struct gnttab_active))

/* Maptrack entry: one per handle the mapping domain holds. */
struct gnttab_maptrack {
    gnt_ref_t ref;
    uint16_t flags;                     /* GNTMAP_* still mapped; 0 = free */
    gnt_domid_t domid;                  /* granting domain */
    uint32_t next_free;                 /* free-list link when flags == 0 */
    uint32_t busy;                      /* an unmap is in flight */
};
#define GNTTAB_MAPTRACK_PER_PAGE (PAGE_SIZE / sizeof(struct gnttab_maptrack))

struct gnttab;

/* One guest-shared frame of the table, supplied by the glue. */
struct gnttab_frame {
    void *va;                           /* hypervisor mapping */
    uint64_t gfn;                       /* number reported to the guest */
};

/*
 * Glue operations. All are mandatory unless marked optional. ctx is the
 * pointer given to gnttab_init(); every table in a system shares one
 * ops/ctx pair.
 *
 * Locking: lock/unlock guard one domain's grant state (version, frames,
 * active entries, maptrack, nr_pinned). The core NEVER holds two tables'
 * locks at once; operations that involve two domains (map, unmap, copy,
 * release_mappings) take them one after the other, so no ordering between
 * domains exists. Under a table lock the core calls only alloc/free,
 * table_frame/release_table_frame and get_frame/ref_frame/put_frame; all
 * other ops (get_table/put_table, may_control, create/replace_host_mapping,
 * flush_tlb, map_frame/unmap_frame, idle) are called with no table lock
 * held. The glue's own locks (page refcounts, allocator) therefore nest
 * inside a grant-table lock, and the glue must not call into the core
 * while holding them.
 */
struct gnttab_ops {
    void (*lock)(void *ctx, struct gnttab *gt);
    void (*unlock)(void *ctx, struct gnttab *gt);

    /* Domain lookup by id (never DOMID_SELF: the core resolves that).
     * Returns the table with a reference that keeps it alive until
     * put_table, or NULL if no such domain. A dying domain whose table
     * still has pins must remain findable. */
    struct gnttab *(*get_table)(void *ctx, gnt_domid_t domid);
    void (*put_table)(void *ctx, struct gnttab *gt);
    /* XSM_TARGET policy: may caller operate on target's table
     * (setup_table/query_size/get_status_frames/get_version)? */
    bool (*may_control)(void *ctx, const struct gnttab *caller,
                        const struct gnttab *target);

    /* Memory for the core's own bookkeeping (need not be zeroed). */
    void *(*alloc)(void *ctx, size_t size);
    void (*free)(void *ctx, void *p, size_t size);

    /* Frame idx of gt's shared (status=false) or status (status=true)
     * table: allocate it, zero it, share it writable with the guest and
     * return its mapping and guest-visible frame number. NULL on failure. */
    void *(*table_frame)(void *ctx, struct gnttab *gt, bool status,
                         unsigned int idx, uint64_t *gfn);
    /* Take a table frame back. -GNT_EBUSY if the guest still maps it (the
     * core then keeps it); 0 otherwise. */
    int (*release_table_frame)(void *ctx, struct gnttab *gt, bool status,
                               unsigned int idx, void *va);

    /* Granted frames. get_frame translates the owner's gfn and takes one
     * reference (plus a writable type reference if writable); returns
     * MICA_GNTST_okay, _bad_page or _eagain. ref_frame takes another
     * reference on a frame the core already pins (false if the owner no
     * longer holds it). put_frame drops one of either. */
    int16_t (*get_frame)(void *ctx, struct gnttab *owner, uint64_t gfn,
                         bool writable, uint64_t *mfn);
    bool (*ref_frame)(void *ctx, struct gnttab *owner, uint64_t mfn,
                      bool writable);
    void (*put_frame)(void *ctx, uint64_t mfn, bool writable);
    void *(*map_frame)(void *ctx, uint64_t mfn);
    void (*unmap_frame)(void *ctx, void *va);

    /* PV MMU. addr is a linear address, or with GNTMAP_contains_pte the
     * machine address of the PTE. create returns MICA_GNTST_*; replace
     * checks the PTE at addr maps mfn as flags say, then clears it (or,
     * when new_addr != 0, moves the PTE found at new_addr there). The core
     * calls flush_tlb before it drops the pins and references. */
    int16_t (*create_host_mapping)(void *ctx, struct gnttab *ld,
                                   uint64_t addr, uint64_t mfn,
                                   uint32_t flags, unsigned int cache_flags);
    int16_t (*replace_host_mapping)(void *ctx, struct gnttab *ld,
                                    uint64_t addr, uint64_t mfn,
                                    uint64_t new_addr, uint32_t flags);
    void (*flush_tlb)(void *ctx, struct gnttab *ld);

    /* Optional: a dying table's last pin was dropped (gnttab_destroy can
     * now succeed). */
    void (*idle)(void *ctx, struct gnttab *gt);
};

struct gnttab {
    /* Set by gnttab_init(). */
    const struct gnttab_ops *ops;
    void *ctx;
    void *owner;                        /* glue's domain, untouched here */
    gnt_domid_t domid;

    unsigned int version;               /* 1 or 2 */
    unsigned int max_version;
    unsigned int nr_frames;
    unsigned int max_frames;
    unsigned int nr_status_frames;
    bool dying;
    unsigned int nr_pinned;             /* active entries with pin != 0 */

    struct gnttab_frame *shared;        /* [max_frames] */
    struct gnttab_frame *status;        /* [status frames for max_frames] */
    struct gnttab_active **active;      /* pages, sized for v1 */

    struct gnttab_maptrack **maptrack;  /* [max_maptrack_frames] pages */
    unsigned int maptrack_frames;
    unsigned int max_maptrack_frames;
    uint32_t maptrack_free;             /* head of free list */
    unsigned int maptrack_used;
};

/* ------------------------------------------------------------------------
 * Lifecycle (grant/grant_table.c)
 */

/* max_frames/max_maptrack_frames < 0 select the defaults. Fails with
 * -GNT_EINVAL for bad limits/version, -GNT_ENOMEM. */
int gnttab_init(struct gnttab *gt, gnt_domid_t domid, void *owner,
                const struct gnttab_ops *ops, void *ctx,
                int max_frames, int max_maptrack_frames,
                unsigned int max_version);
/* Mark the domain dying: no new pins by map; idle() fires when the last
 * pin goes. */
void gnttab_set_dying(struct gnttab *gt);
/* Active entries of gt that someone still pins. */
unsigned int gnttab_outstanding_pins(struct gnttab *gt);
/* Free everything. -GNT_EBUSY (nothing freed) while pins or maptrack
 * entries remain. */
int gnttab_destroy(struct gnttab *gt);

/* ------------------------------------------------------------------------
 * Operations. "caller" is the table of the domain making the hypercall.
 */
int16_t gnttab_setup_table(struct gnttab *caller, gnt_domid_t dom,
                           uint32_t nr_frames, uint64_t *frame_list);
int16_t gnttab_query_size(struct gnttab *caller, gnt_domid_t dom,
                          uint32_t *nr_frames, uint32_t *max_nr_frames);
int gnttab_set_version(struct gnttab *caller, uint32_t *version);
int gnttab_get_version(struct gnttab *caller, gnt_domid_t dom,
                       uint32_t *version);
int16_t gnttab_get_status_frames(struct gnttab *caller, gnt_domid_t dom,
                                 uint32_t nr_frames, uint64_t *frame_list);
int16_t gnttab_swap_grant_ref(struct gnttab *caller, gnt_ref_t a,
                              gnt_ref_t b);
/* GNTTABOP_transfer is not implemented: -GNT_ENOSYS (see README). */
int gnttab_transfer(struct gnttab *caller);
/* Argument checks of one GNTTABOP_cache_flush entry: 0 = nothing to do,
 * 1 = the glue must flush (after checking the frame is the caller's own or
 * gnttab_grant_map_exists() in its owner), <0 = error for the hypercall. */
int gnttab_cache_flush_check(const struct gnt_cache_flush *op);

/* grant/grant_map.c; each op's status is written into the array. */
void gnttab_map_grant_ref(struct gnttab *caller,
                          struct gnt_map_grant_ref *ops, unsigned int count);
void gnttab_unmap_grant_ref(struct gnttab *caller,
                            struct gnt_unmap_grant_ref *ops,
                            unsigned int count);
void gnttab_unmap_and_replace(struct gnttab *caller,
                              struct gnt_unmap_and_replace *ops,
                              unsigned int count);
/* Mapping domain is dying (all its vCPUs paused): drop every mapping it
 * holds, unpinning the granters' entries. Page-table entries are not
 * touched: whatever references the glue's grant PTEs hold of their own go
 * with the page tables (README.md, "Who holds what reference"). */
void gnttab_release_mappings(struct gnttab *gt);
/* Does gt (owner) have an entry pinned by domain ld for frame mfn? */
bool gnttab_grant_map_exists(struct gnttab *gt, gnt_domid_t ld,
                             uint64_t mfn);

/* grant/grant_copy.c */
void gnttab_copy(struct gnttab *caller, struct gnt_copy *ops,
                 unsigned int count);

/* ------------------------------------------------------------------------
 * Core-internal helpers shared by the grant/ sources (not for the glue).
 */
unsigned int gt_nr_entries(const struct gnttab *gt);
struct gnttab_active *gt_active(struct gnttab *gt, gnt_ref_t ref);
struct gnt_entry_header *gt_header(struct gnttab *gt, gnt_ref_t ref);
uint16_t *gt_status_word(struct gnttab *gt, gnt_ref_t ref);
int16_t gt_claim_entry(struct gnttab *gt, gnt_ref_t ref, gnt_domid_t ld,
                       bool readonly, bool mapping);
void gt_settle_entry(struct gnttab *gt, gnt_ref_t ref, bool readonly);
void gt_pin_add(struct gnttab *gt, struct gnttab_active *act, uint32_t inc);
bool gt_pin_sub(struct gnttab *gt, struct gnttab_active *act, uint32_t inc);
struct gnttab *gt_lookup(struct gnttab *caller, gnt_domid_t dom,
                         bool allow_self);
void gt_release(struct gnttab *caller, struct gnttab *gt);
void gt_notify_idle(struct gnttab *gt);

#ifdef MICA_HOST
/* Test hook: runs just before each compare-and-swap on a v1 entry (and
 * before the re-check of a v2 entry), so a test can play a guest racing
 * the hypervisor. */
extern void (*gnttab_test_race_hook)(struct gnttab *gt, gnt_ref_t ref);
#endif

#endif
