/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest-ring backend on Linux's /dev/xen devices (dom0 only): event
 * channels through /dev/xen/evtchn, a guest's store page through
 * /dev/xen/privcmd (by frame) or /dev/xen/gntdev (grant reference 1),
 * dom0's own ring through /proc/xen/xsd_kva and xsd_port, dead domains
 * through VIRQ_DOM_EXC and sysctl getdomaininfolist.
 */
#ifndef MICA_XS_XENDEV_H
#define MICA_XS_XENDEV_H

#include <stdbool.h>
#include <stddef.h>

#include "xs_ring.h"

/*
 * Open the devices. Returns the backend and sets *ctx and *evfd (poll it
 * for events), or NULL with a reason in @why when /dev/xen is absent.
 */
const struct xs_ring_backend *xs_xendev_open(void **ctx, int *evfd,
                                             char *why, size_t whysz);
struct xs_store;
/* Serve dom0's own xenbus ring; 0, or an errno value with @why set. */
int xs_xendev_local(struct xs_store *s, void *ctx, char *why, size_t whysz);
/*
 * Drain pending event-channel notifications (evfd readable). True if
 * VIRQ_DOM_EXC fired: then call xs_xendev_check_domains().
 */
bool xs_xendev_drain(void *ctx);
/* Ask the hypervisor which domains live; release the dead ones. */
void xs_xendev_check_domains(struct xs_store *s, void *ctx);

#endif
