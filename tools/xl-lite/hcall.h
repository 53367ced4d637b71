/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercalls from dom0 userland through Linux's stock privcmd driver
 * (/dev/xen/privcmd): IOCTL_PRIVCMD_HYPERCALL for domctl, sysctl,
 * memory_op, event_channel_op, mmuext_op, sched_op and xen_version, and
 * IOCTL_PRIVCMD_MMAPBATCH_V2 to map another domain's frames (for a PV
 * domain the frame numbers are machine frames).
 *
 * The hypervisor reads and writes the argument structures in dom0's
 * memory while the ioctl runs, so every argument lives in a page-aligned,
 * locked, already-written bounce buffer (hc_buf): locked so it cannot be
 * paged out, written so it is not a copy-on-write page shared with a
 * forked process (the create monitor forks).
 *
 * Functions return 0 (or a non-negative value) on success, -errno on
 * failure; hc_strerror() names the error.
 */
#ifndef XL_HCALL_H
#define XL_HCALL_H

#include <stddef.h>
#include <stdint.h>

#include <public/xen.h>
#include <public/domctl.h>
#include <public/sysctl.h>

/* Open /dev/xen/privcmd once; later calls are no-ops. */
int hc_open(void);
void hc_close(void);

/* Locked, zeroed, page-aligned buffer for hypercall arguments. */
void *hc_buf(size_t len);
void hc_buf_free(void *p, size_t len);

/* One hypercall with raw arguments (pointers must be hc_buf memory). */
long hc_raw(unsigned op, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
            uint64_t a4);

/*
 * The structure-only calls: the structure is copied into a bounce
 * buffer and back. Pointers nested inside (guest handles) must already
 * point at hc_buf memory.
 */
int hc_domctl(struct xen_domctl *d);
int hc_sysctl(struct xen_sysctl *s);
long hc_memory_op(unsigned cmd, void *arg, size_t len);
int hc_evtchn_op(unsigned cmd, void *arg, size_t len);
int hc_sched_op(unsigned cmd, void *arg, size_t len);
/* xen_version: @buf (may be NULL) receives @len bytes. */
long hc_xen_version(unsigned cmd, void *buf, size_t len);
int hc_mmuext_op(const struct mmuext_op *ops, unsigned n, domid_t foreign);

/* Convenience wrappers for the domctls xl-lite uses. */
int hc_domctl_simple(unsigned cmd, uint32_t domid);
int hc_getdomaininfo(uint32_t domid, struct xen_domctl_getdomaininfo *out);
/* All domains with id >= @first; returns how many (<= max) or -errno. */
int hc_domain_list(uint32_t first, struct xen_domctl_getdomaininfo *out,
                   unsigned max);
int hc_alloc_unbound(uint32_t domid, uint32_t remote, uint32_t *port);
int hc_remote_shutdown(uint32_t domid, unsigned reason);

/*
 * Map @n frames of @domid at one address, writable. @errs (may be NULL)
 * receives a per-page error (0 or -errno). Returns NULL with errno set
 * if the mapping failed as a whole or any page failed.
 */
void *hc_map_foreign(uint32_t domid, const xen_pfn_t *mfns, size_t n,
                     int *errs);
void hc_unmap(void *addr, size_t n);

const char *hc_strerror(int err);

#endif
