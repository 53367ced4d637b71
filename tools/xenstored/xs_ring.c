// SPDX-License-Identifier: GPL-2.0-only
/*
 * Byte rings of the xenstore page. Each direction is a 1 KiB circular
 * buffer with free-running 32-bit producer and consumer indices; the
 * producer writes data before publishing prod, the consumer reads data
 * before publishing cons. The guest is untrusted: indices are re-read
 * once per call and a distance above the ring size is a protocol error.
 */
#include "xs_ring.h"

#include <stdlib.h>
#include <string.h>

#include "xs_store.h"

static uint32_t load_idx(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_idx(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static long ring_get(char *ring, uint32_t *consp, const uint32_t *prodp,
                     void *buf, size_t len, uint32_t *errp)
{
	uint32_t cons = load_idx(consp), prod = load_idx(prodp);
	uint32_t avail = prod - cons, off;
	size_t n, first;

	if (avail > XS_RING_SIZE) {
		if (errp)
			*errp = XS_RING_ERROR_RINGIDX;
		return -1;
	}
	n = len < avail ? len : avail;
	off = XS_RING_MASK(cons);
	first = XS_RING_SIZE - off < n ? XS_RING_SIZE - off : n;
	memcpy(buf, ring + off, first);
	memcpy((char *)buf + first, ring, n - first);
	store_idx(consp, cons + (uint32_t)n);
	return (long)n;
}

static long ring_put(char *ring, const uint32_t *consp, uint32_t *prodp,
                     const void *buf, size_t len, uint32_t *errp)
{
	uint32_t cons = load_idx(consp), prod = load_idx(prodp);
	uint32_t used = prod - cons, off;
	size_t n, first, space;

	if (used > XS_RING_SIZE) {
		if (errp)
			*errp = XS_RING_ERROR_RINGIDX;
		return -1;
	}
	space = XS_RING_SIZE - used;
	n = len < space ? len : space;
	off = XS_RING_MASK(prod);
	first = XS_RING_SIZE - off < n ? XS_RING_SIZE - off : n;
	memcpy(ring + off, buf, first);
	memcpy(ring, (const char *)buf + first, n - first);
	store_idx(prodp, prod + (uint32_t)n);
	return (long)n;
}

long xs_ring_read(struct xs_ring_page *r, void *buf, size_t len)
{
	return ring_get(r->req, &r->req_cons, &r->req_prod, buf, len, &r->error);
}

long xs_ring_write(struct xs_ring_page *r, const void *buf, size_t len)
{
	return ring_put(r->rsp, &r->rsp_cons, &r->rsp_prod, buf, len, &r->error);
}

long xs_ring_guest_write(struct xs_ring_page *r, const void *buf, size_t len)
{
	return ring_put(r->req, &r->req_cons, &r->req_prod, buf, len, NULL);
}

long xs_ring_guest_read(struct xs_ring_page *r, void *buf, size_t len)
{
	return ring_get(r->rsp, &r->rsp_cons, &r->rsp_prod, buf, len, NULL);
}

struct ringconn {
	struct xs_ring_page *page;
	void *handle;
};

static long rc_read(struct xs_conn *c, void *buf, size_t len)
{
	struct ringconn *rc = c->priv;
	long n = xs_ring_read(rc->page, buf, len);
	const struct xs_ring_backend *be = c->store->ring_be;

	/* The guest may be waiting for room to write the rest. */
	if (n > 0 && be && be->notify)
		be->notify(c->store->ring_ctx, rc->handle);
	return n;
}

static long rc_write(struct xs_conn *c, const void *buf, size_t len)
{
	struct ringconn *rc = c->priv;
	long n = xs_ring_write(rc->page, buf, len);
	const struct xs_ring_backend *be = c->store->ring_be;

	if (n > 0 && be && be->notify)
		be->notify(c->store->ring_ctx, rc->handle);
	return n;
}

static void rc_release(struct xs_conn *c)
{
	struct ringconn *rc = c->priv;
	const struct xs_ring_backend *be = c->store->ring_be;

	if (c->dead && rc->page->error == XS_RING_ERROR_NONE)
		rc->page->error = XS_RING_ERROR_COMM;
	if (be && be->detach)
		be->detach(c->store->ring_ctx, rc->handle, rc->page);
	free(rc);
}

static const struct xs_conn_ops ring_ops = {
	.read = rc_read,
	.write = rc_write,
	.release = rc_release,
};

struct xs_conn *xs_ring_conn_new(struct xs_store *s, struct xs_domain *d,
                                 struct xs_ring_page *page, void *handle)
{
	struct ringconn *rc = calloc(1, sizeof(*rc));
	struct xs_conn *c;

	if (!rc)
		return NULL;
	rc->page = page;
	rc->handle = handle;
	c = xs_conn_new(s, &ring_ops, rc, d->domid, d->domid == 0);
	if (!c) {
		free(rc);
		return NULL;
	}
	c->dom = d;
	/* We report ring errors in the page; reconnection is not offered. */
	page->server_features = XS_FEATURE_ERROR;
	page->connection = XS_CONNECTED;
	return c;
}

void xs_ring_service(struct xs_store *s)
{
	for (struct xs_conn *c = s->conns; c; c = c->next) {
		if (c->ops != &ring_ops)
			continue;
		xs_conn_flush(c);
		xs_conn_pump_in(c);
		xs_conn_flush(c);
	}
}
