// SPDX-License-Identifier: GPL-2.0-only
/*
 * Domain requests from the toolstack: INTRODUCE (map a guest's store
 * ring), RELEASE, RESUME, SET_TARGET, GET_DOMAIN_PATH,
 * IS_DOMAIN_INTRODUCED, and a minimal CONTROL.
 */
#include "xs_store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_ring.h"

struct xs_domain *xs_domain_find(struct xs_store *s, uint32_t domid)
{
	for (struct xs_domain *d = s->domains; d; d = d->next)
		if (d->domid == domid)
			return d;
	return NULL;
}

/* Strict decimal: no sign, no blanks, no trailing junk, <= max. */
static int parse_num(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return EINVAL;
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

static int parse_domid(const char *s, uint32_t *domid)
{
	uint64_t v;
	int err = parse_num(s, XS_DOMID_MAX, &v);

	if (!err)
		*domid = (uint32_t)v;
	return err;
}

void xs_domain_release(struct xs_store *s, struct xs_domain *d)
{
	struct xs_domain **pp;

	for (pp = &s->domains; *pp; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	}
	/*
	 * The connection may be the one being served right now, or sit in a
	 * list someone is walking: mark it and let the owner reap it.
	 */
	if (d->conn) {
		d->conn->dom = NULL;
		xs_conn_kill(d->conn, "domain released");
	}
	free(d);
	xs_watch_fire(s, "@releaseDomain", NULL, false);
}

void xs_domain_cleanup(struct xs_store *s, const struct xs_dominfo *live,
                       size_t n)
{
	bool notify = false;
	struct xs_domain *d = s->domains, *next;

	for (; d; d = next) {
		const struct xs_dominfo *i = NULL;

		next = d->next;
		if (d->domid == 0)
			continue;
		for (size_t k = 0; k < n; k++)
			if (live[k].domid == d->domid)
				i = &live[k];
		if (i && !i->dying) {
			if (i->shutdown && !d->shutdown) {
				d->shutdown = true;
				notify = true;
			}
			continue;
		}
		xs_log(s, "domain %u is gone", d->domid);
		/* Fires @releaseDomain itself. */
		xs_domain_release(s, d);
	}
	if (notify)
		xs_watch_fire(s, "@releaseDomain", NULL, false);
}

int xs_domain_add(struct xs_store *s, uint32_t domid, uint64_t mfn,
                  uint32_t port, struct xs_ring_page *page, void *handle)
{
	struct xs_domain *d = calloc(1, sizeof(*d));

	if (!d)
		goto fail;
	d->domid = domid;
	d->mfn = mfn;
	d->port = port;
	d->conn = xs_ring_conn_new(s, d, page, handle);
	if (!d->conn) {
		free(d);
		goto fail;
	}
	d->next = s->domains;
	s->domains = d;
	xs_log(s, "introduced domain %u", domid);
	/* dom0's own ring is set up by the daemon, not introduced. */
	if (domid != 0)
		xs_watch_fire(s, "@introduceDomain", NULL, false);
	return 0;
fail:
	if (s->ring_be && s->ring_be->detach)
		s->ring_be->detach(s->ring_ctx, handle, page);
	return ENOMEM;
}

static int do_introduce(struct xs_conn *c, const char **v)
{
	struct xs_store *s = c->store;
	struct xs_ring_page *page;
	struct xs_domain *d;
	uint32_t domid;
	uint64_t mfn, port;
	void *handle;
	int err;

	if (parse_domid(v[0], &domid) || parse_num(v[1], UINT64_MAX, &mfn) ||
	    parse_num(v[2], UINT32_MAX, &port))
		return EINVAL;
	d = xs_domain_find(s, domid);
	if (d) {
		/* Same page again: the toolstack re-binding the event channel. */
		if (d->mfn != mfn)
			return EEXIST;
		d->port = (uint32_t)port;
		return 0;
	}
	if (!s->ring_be)
		return ENOSYS;
	err = s->ring_be->attach(s->ring_ctx, domid, mfn, (uint32_t)port, &page,
	                         &handle);
	if (err)
		return err;
	return xs_domain_add(s, domid, mfn, (uint32_t)port, page, handle);
}

static int do_control(struct xs_conn *c, const struct xs_msg_hdr *h,
                      const char *payload)
{
	const struct xs_quota *q = &c->store->q;
	char buf[512];

	if (h->len == 0 || payload[h->len - 1] != '\0')
		return EINVAL;
	if (strcmp(payload, "print") == 0) {
		size_t l = strlen(payload) + 1;

		fprintf(stderr, "mica-xenstored: %s\n",
		        l < h->len ? payload + l : "");
		xs_reply(c, h, "OK", 3);
		return 0;
	}
	if (strcmp(payload, "check") == 0) {
		xs_reply(c, h, "OK", 3);
		return 0;
	}
	if (strcmp(payload, "quota") == 0) {
		int n = snprintf(buf, sizeof(buf),
		                 "nodes: %u\nentry-size: %u\nwatches: %u\n"
		                 "transactions: %u\nperms: %u\noutstanding: %u\n"
		                 "transaction-nodes: %u\npath-max: %u\n",
		                 q->nodes, q->entry_size, q->watches, q->transactions,
		                 q->perms, q->outstanding, q->trans_nodes, q->path_max);

		xs_reply(c, h, buf, (size_t)n + 1);
		return 0;
	}
	return EINVAL;
}

int xs_domain_request(struct xs_conn *c, const struct xs_msg_hdr *h,
                      const char *payload)
{
	struct xs_store *s = c->store;
	struct xs_domain *d;
	uint32_t domid, target;
	const char *v[3];
	char buf[32];
	int err;

	switch (h->type) {
	case XS_GET_DOMAIN_PATH:
		if (xs_split_args(payload, h->len, v, 1) || parse_domid(v[0], &domid))
			return EINVAL;
		xs_reply(c, h, buf, xs_path_home(domid, buf, sizeof(buf)) + 1);
		return 0;
	case XS_IS_DOMAIN_INTRODUCED:
		if (xs_split_args(payload, h->len, v, 1) || parse_domid(v[0], &domid))
			return EINVAL;
		/* dom0 hosts the daemon, so it always counts as introduced. */
		xs_reply(c, h, domid == 0 || xs_domain_find(s, domid) ? "T" : "F", 2);
		return 0;
	default:
		break;
	}
	/* Everything below manages domains: the toolstack only. */
	if (!c->privileged)
		return EACCES;
	switch (h->type) {
	case XS_CONTROL:
		return do_control(c, h, payload);
	case XS_INTRODUCE:
		if (xs_split_args(payload, h->len, v, 3))
			return EINVAL;
		err = do_introduce(c, v);
		break;
	case XS_RELEASE:
	case XS_RESUME:
		if (xs_split_args(payload, h->len, v, 1) || parse_domid(v[0], &domid))
			return EINVAL;
		/* As Xen: dom0 (whose own ring we serve) is not released. */
		if (domid == 0)
			return EINVAL;
		d = xs_domain_find(s, domid);
		if (!d)
			return ENOENT;
		if (h->type == XS_RELEASE)
			xs_domain_release(s, d);
		err = 0;
		break;
	case XS_SET_TARGET:
		if (xs_split_args(payload, h->len, v, 2) ||
		    parse_domid(v[0], &domid) || parse_domid(v[1], &target))
			return EINVAL;
		d = xs_domain_find(s, domid);
		if (!d || !xs_domain_find(s, target))
			return ENOENT;
		d->target = target;
		d->has_target = true;
		err = 0;
		break;
	default:
		return EINVAL;
	}
	if (!err)
		xs_reply(c, h, "OK", 3);
	return err;
}
