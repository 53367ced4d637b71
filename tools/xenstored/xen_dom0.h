/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Linux's /dev/xen devices as a dom0 daemon uses them: event channels
 * (/dev/xen/evtchn), foreign frames (/dev/xen/privcmd) and the domain
 * list (sysctl getdomaininfolist through IOCTL_PRIVCMD_HYPERCALL).
 * Shared by mica-xenstored and mica-xenconsoled; nothing here is
 * host-testable (the devices exist only in a Xen or Mica dom0).
 * Functions return 0 / a value >= 0, or -errno.
 */
#ifndef MICA_XEN_DOM0_H
#define MICA_XEN_DOM0_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Xen's VIRQ number for "a domain died or shut down" (dom0 only). */
#define XEN_DOM0_VIRQ_DOM_EXC 3

/* /dev/xen/evtchn: open non-blocking; poll the fd for pending ports. */
int xd_evtchn_open(void);
/* Bind a port of @domid (interdomain) or a VIRQ; returns the local port. */
int xd_evtchn_bind(int fd, uint32_t domid, uint32_t port);
int xd_evtchn_bind_virq(int fd, unsigned virq);
void xd_evtchn_notify(int fd, uint32_t lport);
void xd_evtchn_unbind(int fd, uint32_t lport);
/*
 * Read fired ports into @ports (at most @max) and unmask them again.
 * Returns how many were read (0 when none are pending).
 */
size_t xd_evtchn_pending(int fd, uint32_t *ports, size_t max);

/* /dev/xen/privcmd. */
int xd_privcmd_open(void);
/* Map one frame of @domid (its mfn for a PV domain); NULL with errno. */
void *xd_map_foreign(int privcmd_fd, uint32_t domid, uint64_t mfn);
void xd_unmap_foreign(void *page);

struct xd_dominfo {
	uint32_t domid;
	bool dying;     /* being destroyed */
	bool shutdown;  /* shut down (any reason) or crashed */
	unsigned reason; /* SHUTDOWN_* when shutdown */
};
/*
 * Every domain the hypervisor knows, via XEN_SYSCTL_getdomaininfolist.
 * Returns the count (<= max) or -errno (-ENOSYS where not implemented).
 */
int xd_domain_list(int privcmd_fd, struct xd_dominfo *out, size_t max);

#endif
