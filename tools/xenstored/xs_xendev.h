/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest-ring backend on Linux's /dev/xen devices (dom0 only): event
 * channels through /dev/xen/evtchn, the store page through
 * /dev/xen/gntdev (grant reference 1, which the domain builder seeds).
 */
#ifndef MICA_XS_XENDEV_H
#define MICA_XS_XENDEV_H

#include <stddef.h>

#include "xs_ring.h"

/*
 * Open the devices. Returns the backend and sets *ctx and *evfd (poll it
 * for events), or NULL with a reason in @why when /dev/xen is absent.
 */
const struct xs_ring_backend *xs_xendev_open(void **ctx, int *evfd,
                                             char *why, size_t whysz);
/* Drain pending event-channel notifications (evfd readable). */
void xs_xendev_drain(void *ctx);

#endif
