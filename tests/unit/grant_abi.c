/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Compile-time check: the guest-visible structures and constants in
 * include/mica/grant.h match Debian's libxen-dev (Xen 4.17) headers.
 * Nothing runs; a mismatch fails the build of the grant suite.
 */
/* As Xen's own tools do: select the current interface version (v2 grant
 * entries, cache_flush and friends are hidden from older ones). */
#define __XEN_TOOLS__ 1
#include <stdint.h>
#include <stddef.h>
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <mica/grant.h>

#define EQ(a, b) _Static_assert((a) == (b), #a " != " #b)
#define OFF(t1, t2, f) EQ(offsetof(t1, f), offsetof(t2, f))
EQ(sizeof(struct gnt_entry_v1), sizeof(grant_entry_v1_t));
OFF(struct gnt_entry_v1, struct grant_entry_v1, frame);
EQ(sizeof(union gnt_entry_v2), sizeof(grant_entry_v2_t));
OFF(union gnt_entry_v2, union grant_entry_v2, sub_page.page_off);
OFF(union gnt_entry_v2, union grant_entry_v2, sub_page.length);
OFF(union gnt_entry_v2, union grant_entry_v2, sub_page.frame);
OFF(union gnt_entry_v2, union grant_entry_v2, full_page.frame);
OFF(union gnt_entry_v2, union grant_entry_v2, transitive.trans_domid);
OFF(union gnt_entry_v2, union grant_entry_v2, transitive.gref);
EQ(sizeof(struct gnt_map_grant_ref), sizeof(struct gnttab_map_grant_ref));
OFF(struct gnt_map_grant_ref, struct gnttab_map_grant_ref, status);
OFF(struct gnt_map_grant_ref, struct gnttab_map_grant_ref, handle);
OFF(struct gnt_map_grant_ref, struct gnttab_map_grant_ref, dev_bus_addr);
OFF(struct gnt_map_grant_ref, struct gnttab_map_grant_ref, dom);
OFF(struct gnt_unmap_grant_ref, struct gnttab_unmap_grant_ref, handle);
OFF(struct gnt_unmap_grant_ref, struct gnttab_unmap_grant_ref, status);
EQ(sizeof(struct gnt_copy), sizeof(struct gnttab_copy));
OFF(struct gnt_copy, struct gnttab_copy, dest.offset);
OFF(struct gnt_copy, struct gnttab_copy, len);
OFF(struct gnt_copy, struct gnttab_copy, flags);
OFF(struct gnt_copy, struct gnttab_copy, status);
OFF(struct gnt_unmap_and_replace, struct gnttab_unmap_and_replace, status);
EQ(sizeof(struct gnt_cache_flush), sizeof(struct gnttab_cache_flush));
OFF(struct gnt_cache_flush, struct gnttab_cache_flush, op);
EQ(MICA_GTF_reading, GTF_reading);
EQ(MICA_GTF_writing, GTF_writing);
EQ(MICA_GTF_sub_page, GTF_sub_page);
EQ(MICA_GTF_PAT, GTF_PAT);
EQ(MICA_GTF_PCD, GTF_PCD);
EQ(MICA_GTF_PWT, GTF_PWT);
EQ(MICA_GTF_readonly, GTF_readonly);
EQ(MICA_GTF_transitive, GTF_transitive);
EQ(MICA_GTF_accept_transfer, GTF_accept_transfer);
EQ(MICA_GNTMAP_contains_pte, GNTMAP_contains_pte);
EQ(MICA_GNTMAP_application_map, GNTMAP_application_map);
EQ(MICA_GNTMAP_readonly, GNTMAP_readonly);
EQ(MICA_GNTMAP_host_map, GNTMAP_host_map);
EQ(MICA_GNTMAP_device_map, GNTMAP_device_map);
EQ(MICA_GNTST_no_space, GNTST_no_space);
EQ(MICA_GNTST_bad_copy_arg, GNTST_bad_copy_arg);
EQ(MICA_GNTST_eagain, GNTST_eagain);
EQ(MICA_GNTTAB_CACHE_SOURCE_GREF, GNTTAB_CACHE_SOURCE_GREF);
EQ(MICA_DOMID_SELF, DOMID_SELF);

/* Keeps the translation unit non-empty for -Wpedantic builds. */
extern int grant_abi_checked;
