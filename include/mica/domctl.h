/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control interfaces' shared pieces (common/domctl.c, common/sysctl.c).
 */
#ifndef MICA_DOMCTL_H
#define MICA_DOMCTL_H

#include <public/domctl.h>

struct domain;

/* Fill *info for d as XEN_DOMCTL_getdomaininfo reports it. */
void domctl_getdomaininfo(struct domain *d, struct xen_domctl_getdomaininfo *info);

/*
 * The control lock: one domctl or sysctl at a time, as Xen's domctl lock,
 * so creation, destruction and pausing never race each other.
 */
void domctl_lock(void);
void domctl_unlock(void);

#endif
