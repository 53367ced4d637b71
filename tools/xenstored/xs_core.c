// SPDX-License-Identifier: GPL-2.0-only
/*
 * Request dispatch: checks each message's shape (strings present and
 * NUL-terminated, right count), resolves paths and transactions, calls
 * the operation and sends the reply or Xen's error string.
 */
#include "xs_store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_ring.h"

void xs_quota_defaults(struct xs_quota *q)
{
	q->nodes = 1000;
	q->entry_size = 2048;
	q->watches = 128;
	q->transactions = 10;
	q->perms = 5;
	q->outstanding = 20;
	q->trans_nodes = 1024;
	q->path_max = XS_REL_PATH_MAX;
	q->outq_bytes = 1024 * 1024;
}

struct xs_store *xs_store_new(const struct xs_quota *q)
{
	struct xs_store *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->tree = xs_tree_new();
	if (!s->tree) {
		free(s);
		return NULL;
	}
	if (q)
		s->q = *q;
	else
		xs_quota_defaults(&s->q);
	s->next_txid = 1;
	return s;
}

void xs_store_free(struct xs_store *s)
{
	while (s->domains)
		xs_domain_release(s, s->domains);
	while (s->conns)
		xs_conn_free(s->conns);
	xs_tree_free(s->tree);
	free(s);
}

/* The order and spelling of Xen's xsd_errors table. */
static const struct {
	int err;
	const char *str;
} errtab[] = {
	{ EINVAL, "EINVAL" }, { EACCES, "EACCES" }, { EEXIST, "EEXIST" },
	{ EISDIR, "EISDIR" }, { ENOENT, "ENOENT" }, { ENOMEM, "ENOMEM" },
	{ ENOSPC, "ENOSPC" }, { EIO, "EIO" }, { ENOTEMPTY, "ENOTEMPTY" },
	{ ENOSYS, "ENOSYS" }, { EROFS, "EROFS" }, { EBUSY, "EBUSY" },
	{ EAGAIN, "EAGAIN" }, { EISCONN, "EISCONN" }, { E2BIG, "E2BIG" },
	{ EPERM, "EPERM" },
};

const char *xs_errstr(int err)
{
	for (size_t i = 0; i < sizeof(errtab) / sizeof(errtab[0]); i++)
		if (errtab[i].err == err)
			return errtab[i].str;
	return "EINVAL";
}

unsigned xs_conn_perm(const struct xs_conn *c, const struct xs_node *n)
{
	unsigned m;

	if (c->privileged)
		return XS_PERM_BOTH;
	m = xs_perms_mask(&n->perms, c->domid);
	/* A device model stub domain acts with its target's rights. */
	if (c->dom && c->dom->has_target)
		m |= xs_perms_mask(&n->perms, c->dom->target);
	return m;
}

void xs_reply(struct xs_conn *c, const struct xs_msg_hdr *h,
                  const void *data, size_t len)
{
	if (len > XS_PAYLOAD_MAX) {
		static const char e[] = "E2BIG";

		xs_conn_send(c, XS_ERROR, h->req_id, h->tx_id, e, sizeof(e), true);
		return;
	}
	xs_conn_send(c, h->type, h->req_id, h->tx_id, data, len, true);
}

static void reply_err(struct xs_conn *c, const struct xs_msg_hdr *h, int err)
{
	const char *s = xs_errstr(err);

	xs_conn_send(c, XS_ERROR, h->req_id, h->tx_id, s, strlen(s) + 1, true);
}

static void reply_ok(struct xs_conn *c, const struct xs_msg_hdr *h)
{
	xs_reply(c, h, "OK", 3);
}

/*
 * Split the payload into exactly @n NUL-terminated strings that use all
 * of it. Anything else (missing terminator, extra bytes) is EINVAL.
 */
int xs_split_args(const char *p, uint32_t len, const char **v, unsigned n)
{
	uint32_t off = 0;

	for (unsigned i = 0; i < n; i++) {
		const char *nul;

		if (off >= len)
			return EINVAL;
		nul = memchr(p + off, '\0', len - off);
		if (!nul)
			return EINVAL;
		v[i] = p + off;
		off = (uint32_t)(nul - p) + 1;
	}
	return off == len ? 0 : EINVAL;
}

static int canon(struct xs_conn *c, const char *in, char *out)
{
	return xs_path_canon(c->domid, in, c->store->q.path_max, false, out);
}

static int do_directory(struct xs_conn *c, const struct xs_msg_hdr *h,
                        struct xs_txn *tx, const char *abs)
{
	struct xs_node *n;
	char buf[XS_PAYLOAD_MAX + 1];
	size_t len;
	int err = xs_op_read(c, tx, abs, &n);

	if (err)
		return err;
	len = xs_node_children(n, buf, sizeof(buf));
	if (len > XS_PAYLOAD_MAX)
		return E2BIG;
	xs_reply(c, h, buf, len);
	return 0;
}

static int do_directory_part(struct xs_conn *c, const struct xs_msg_hdr *h,
                             struct xs_txn *tx, const char *abs,
                             const char *offstr)
{
	struct xs_node *n;
	char out[XS_PAYLOAD_MAX], *kids;
	size_t klen, used, off;
	char *end;
	int err;

	if (offstr[0] < '0' || offstr[0] > '9')
		return EINVAL;
	off = strtoul(offstr, &end, 10);
	if (*end)
		return EINVAL;
	err = xs_op_read(c, tx, abs, &n);
	if (err)
		return err;
	/* The generation lets the client notice the list changed between parts. */
	used = (size_t)snprintf(out, sizeof(out), "%" PRIu64, n->gen) + 1;
	klen = xs_node_children(n, NULL, 0);
	kids = malloc(klen + 1);
	if (!kids)
		return ENOMEM;
	xs_node_children(n, kids, klen);
	while (off < klen) {
		size_t l = strlen(kids + off) + 1;

		/* Keep one byte for the end-of-list marker. */
		if (used + l + 1 > sizeof(out))
			break;
		memcpy(out + used, kids + off, l);
		used += l;
		off += l;
	}
	if (off >= klen)
		out[used++] = '\0'; /* empty string: the list is complete */
	free(kids);
	xs_reply(c, h, out, used);
	return 0;
}

static int do_read(struct xs_conn *c, const struct xs_msg_hdr *h,
                   struct xs_txn *tx, const char *abs)
{
	struct xs_node *n;
	int err = xs_op_read(c, tx, abs, &n);

	if (!err)
		xs_reply(c, h, n->value, n->vlen);
	return err;
}

static int do_get_perms(struct xs_conn *c, const struct xs_msg_hdr *h,
                        struct xs_txn *tx, const char *abs)
{
	struct xs_node *n;
	char buf[XS_PAYLOAD_MAX + 1];
	size_t len;
	int err = xs_op_read(c, tx, abs, &n);

	if (err)
		return err;
	len = xs_perms_format(&n->perms, buf, sizeof(buf));
	if (len > XS_PAYLOAD_MAX)
		return E2BIG;
	xs_reply(c, h, buf, len);
	return 0;
}

static int do_set_perms(struct xs_conn *c, const struct xs_txn *txc,
                        const char *payload, uint32_t len, char *abs)
{
	const char *nul = memchr(payload, '\0', len);
	struct xs_perms p;
	int err;

	if (!nul)
		return EINVAL;
	err = canon(c, payload, abs);
	if (err)
		return err;
	err = xs_perms_parse(nul + 1, len - (size_t)(nul + 1 - payload), &p);
	if (err)
		return err;
	if (!c->privileged && p.num > c->store->q.perms)
		err = ENOSPC;
	else
		err = xs_op_set_perms(c, (struct xs_txn *)txc, abs, &p);
	xs_perms_free(&p);
	return err;
}

static int do_watch(struct xs_conn *c, const struct xs_msg_hdr *h,
                    const char *payload, bool add)
{
	const char *v[2];
	int err = xs_split_args(payload, h->len, v, 2);

	if (err)
		return err;
	err = add ? xs_watch_add(c, v[0], v[1]) : xs_watch_del(c, v[0], v[1]);
	if (err)
		return err;
	reply_ok(c, h);
	if (add) {
		/*
		 * Xen fires every new watch once at once, so clients need not
		 * read the current state separately (and re-sync after restart).
		 */
		size_t pl = strlen(v[0]) + 1, tl = strlen(v[1]) + 1;
		char ev[XS_PAYLOAD_MAX];

		memcpy(ev, v[0], pl);
		memcpy(ev + pl, v[1], tl);
		xs_conn_send(c, XS_WATCH_EVENT, 0, 0, ev, pl + tl, false);
	}
	return 0;
}

static int do_txn_start(struct xs_conn *c, const struct xs_msg_hdr *h)
{
	uint32_t id;
	char buf[16];
	int err;

	if (h->tx_id)
		return EBUSY; /* no nesting */
	err = xs_txn_start(c, &id);
	if (err)
		return err;
	snprintf(buf, sizeof(buf), "%u", id);
	xs_reply(c, h, buf, strlen(buf) + 1);
	return 0;
}

static int do_txn_end(struct xs_conn *c, const struct xs_msg_hdr *h,
                      struct xs_txn *tx, const char *arg)
{
	bool commit;
	int err;

	if (!tx)
		return ENOENT;
	if (strcmp(arg, "T") == 0)
		commit = true;
	else if (strcmp(arg, "F") == 0)
		commit = false;
	else
		return EINVAL;
	err = xs_txn_end(c, tx, commit);
	if (!err)
		reply_ok(c, h);
	return err;
}

/* Requests naming one node: READ, DIRECTORY, GET_PERMS, MKDIR, RM. */
static int one_path_request(struct xs_conn *c, const struct xs_msg_hdr *h,
                            struct xs_txn *tx, const char *payload)
{
	char abs[XS_PATH_BUF];
	const char *v[1];
	int err = xs_split_args(payload, h->len, v, 1);

	if (!err)
		err = canon(c, v[0], abs);
	if (err)
		return err;
	switch (h->type) {
	case XS_READ: return do_read(c, h, tx, abs);
	case XS_DIRECTORY: return do_directory(c, h, tx, abs);
	case XS_GET_PERMS: return do_get_perms(c, h, tx, abs);
	case XS_MKDIR: err = xs_op_mkdir(c, tx, abs); break;
	case XS_RM: err = xs_op_rm(c, tx, abs); break;
	default: return EINVAL;
	}
	if (!err)
		reply_ok(c, h);
	return err;
}

static int dispatch(struct xs_conn *c, const struct xs_msg_hdr *h,
                    const char *payload)
{
	struct xs_txn *tx = NULL;
	char abs[XS_PATH_BUF];
	const char *v[2];
	int err;

	switch (h->type) {
	case XS_READ: case XS_DIRECTORY: case XS_GET_PERMS: case XS_MKDIR:
	case XS_RM: case XS_WRITE: case XS_SET_PERMS: case XS_DIRECTORY_PART:
	case XS_TRANSACTION_END:
		/* These honour tx_id; an unknown one is ENOENT, as in Xen. */
		if (h->tx_id) {
			tx = xs_txn_find(c, h->tx_id);
			if (!tx)
				return ENOENT;
		}
		break;
	default:
		break;
	}

	switch (h->type) {
	case XS_READ: case XS_DIRECTORY: case XS_GET_PERMS: case XS_MKDIR:
	case XS_RM:
		return one_path_request(c, h, tx, payload);
	case XS_DIRECTORY_PART:
		err = xs_split_args(payload, h->len, v, 2);
		if (!err)
			err = canon(c, v[0], abs);
		return err ? err : do_directory_part(c, h, tx, abs, v[1]);
	case XS_WRITE: {
		/* path\0value: the value is raw bytes, not terminated. */
		const char *nul = memchr(payload, '\0', h->len);

		if (!nul)
			return EINVAL;
		err = canon(c, payload, abs);
		if (!err)
			err = xs_op_write(c, tx, abs, nul + 1,
			                  h->len - (size_t)(nul + 1 - payload));
		if (!err)
			reply_ok(c, h);
		return err;
	}
	case XS_SET_PERMS:
		err = do_set_perms(c, tx, payload, h->len, abs);
		if (!err)
			reply_ok(c, h);
		return err;
	case XS_WATCH:
		return do_watch(c, h, payload, true);
	case XS_UNWATCH:
		return do_watch(c, h, payload, false);
	case XS_TRANSACTION_START:
		return do_txn_start(c, h);
	case XS_TRANSACTION_END:
		err = xs_split_args(payload, h->len, v, 1);
		return err ? err : do_txn_end(c, h, tx, v[0]);
	case XS_RESET_WATCHES:
		xs_watch_clear(c);
		xs_txn_clear(c);
		reply_ok(c, h);
		return 0;
	case XS_INTRODUCE: case XS_RELEASE: case XS_GET_DOMAIN_PATH:
	case XS_IS_DOMAIN_INTRODUCED: case XS_RESUME: case XS_SET_TARGET:
	case XS_CONTROL:
		return xs_domain_request(c, h, payload);
	default:
		/* Unknown types, and ERROR/WATCH_EVENT sent by a client. */
		return EINVAL;
	}
}

void xs_store_reap(struct xs_store *s)
{
	struct xs_conn *c = s->conns;

	while (c) {
		struct xs_conn *next = c->next;

		if (c->dead)
			xs_conn_free(c);
		c = next;
	}
}

void xs_process(struct xs_conn *c, const struct xs_msg_hdr *h,
                const char *payload)
{
	int err;

	if (c->dead)
		return;
	err = dispatch(c, h, payload);
	if (err)
		reply_err(c, h, err);
}
