/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest connections over the shared xenstore page: the byte-ring I/O
 * (pure memory operations, host-testable) and the backend interface
 * that maps a guest's page and moves event-channel notifications.
 * The real backend (/dev/xen) lives in xs_xendev.c; tests plug in a
 * backend that hands out ordinary memory.
 */
#ifndef MICA_XS_RING_H
#define MICA_XS_RING_H

#include <stddef.h>
#include <stdint.h>

#include "xs_proto.h"

struct xs_store;
struct xs_domain;
struct xs_conn;

struct xs_ring_backend {
	const char *name;
	/*
	 * Map @domid's store page (frame @mfn) and bind its event channel
	 * @port. Returns 0 with *page and *handle set, or an errno value
	 * (ENOSYS when the platform has no way to do it).
	 */
	int (*attach)(void *ctx, uint32_t domid, uint64_t mfn, uint32_t port,
	              struct xs_ring_page **page, void **handle);
	/* Kick the guest: the rings moved. */
	void (*notify)(void *ctx, void *handle);
	void (*detach)(void *ctx, void *handle, struct xs_ring_page *page);
};

/*
 * Daemon side of the rings: consume requests, produce responses.
 * Return bytes moved (0 = ring empty/full), or -1 if the guest left the
 * indices inconsistent (then page->error is set).
 */
long xs_ring_read(struct xs_ring_page *r, void *buf, size_t len);
long xs_ring_write(struct xs_ring_page *r, const void *buf, size_t len);

/* Guest side, for tests and tools that play a guest. */
long xs_ring_guest_write(struct xs_ring_page *r, const void *buf, size_t len);
long xs_ring_guest_read(struct xs_ring_page *r, void *buf, size_t len);

/* A connection for @d over @page (takes ownership of page and handle). */
struct xs_conn *xs_ring_conn_new(struct xs_store *s, struct xs_domain *d,
                                 struct xs_ring_page *page, void *handle);

/* Move bytes on every ring connection (after an event or periodically). */
void xs_ring_service(struct xs_store *s);

#endif
