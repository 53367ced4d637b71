// SPDX-License-Identifier: GPL-2.0-only
/*
 * Node operations with permission checks, quotas, transaction
 * bookkeeping and watch firing. With a transaction the operation works
 * on its private tree, records what it touched and logs itself for replay
 * at commit; watches fire only on the live store.
 */
#include "xs_store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct xs_tree *tree_of(struct xs_conn *c, struct xs_txn *tx)
{
	return tx ? tx->tree : c->store->tree;
}

/*
 * Note @abs and the @levels ancestors above it, so a transaction sees a
 * conflict if anyone else creates, changes or removes any of them.
 */
static int note_chain(struct xs_conn *c, struct xs_txn *tx, const char *abs,
                      unsigned levels)
{
	char p[XS_PATH_BUF];
	int err;

	if (!tx)
		return 0;
	strcpy(p, abs);
	for (unsigned i = 0; i <= levels; i++) {
		err = xs_txn_note(c, tx, p);
		if (err)
			return err;
		if (strcmp(p, "/") == 0)
			break;
		xs_path_parent(p, p);
	}
	return 0;
}

int xs_op_read(struct xs_conn *c, struct xs_txn *tx, const char *abs,
               struct xs_node **out)
{
	struct xs_node *n;
	int err = note_chain(c, tx, abs, 0);

	if (err)
		return err;
	n = xs_tree_lookup(tree_of(c, tx), abs);
	if (!n)
		return ENOENT;
	if (!(xs_conn_perm(c, n) & XS_PERM_READ))
		return EACCES;
	*out = n;
	return 0;
}

/* Unprivileged callers are bounded by the node and entry-size quotas. */
static int check_create(struct xs_conn *c, struct xs_tree *t,
                        struct xs_node *parent, const char *abs,
                        unsigned missing)
{
	const struct xs_quota *q = &c->store->q;
	char pp[XS_PATH_BUF];
	const char *name;
	size_t pl;

	if (!(xs_conn_perm(c, parent) & XS_PERM_WRITE))
		return EACCES;
	if (c->privileged)
		return 0;
	if (xs_tree_owned(t, c->domid) + missing > q->nodes)
		return ENOSPC;
	/* The first missing component becomes a new entry in parent's list. */
	pl = xs_node_path(parent, pp, sizeof(pp));
	name = abs + (pl == 1 ? 1 : pl + 1);
	if (xs_node_entry_size(parent) + strcspn(name, "/") + 1 > q->entry_size)
		return ENOSPC;
	return 0;
}

static int create_node(struct xs_conn *c, struct xs_txn *tx, const char *abs,
                       struct xs_node **out, bool *created)
{
	struct xs_tree *t = tree_of(c, tx);
	unsigned missing;
	struct xs_node *n = xs_tree_nearest(t, abs, &missing);
	int err;

	*created = missing != 0;
	if (!missing) {
		*out = n;
		return 0;
	}
	err = check_create(c, t, n, abs, missing);
	if (!err)
		err = note_chain(c, tx, abs, missing);
	if (err)
		return err;
	/* Guests own what they create; dom0 tools keep the parent's owner. */
	return xs_tree_create(t, abs, c->privileged ? XS_OWNER_INHERIT : c->domid,
	                      out);
}

int xs_op_write(struct xs_conn *c, struct xs_txn *tx, const char *abs,
                const char *val, size_t len)
{
	struct xs_tree *t = tree_of(c, tx);
	struct xs_node *n = xs_tree_lookup(t, abs);
	bool created;
	int err;

	if (n) {
		if (!(xs_conn_perm(c, n) & XS_PERM_WRITE))
			return EACCES;
		if (!c->privileged && xs_node_entry_size(n) - n->vlen + len >
		                          c->store->q.entry_size)
			return ENOSPC;
		err = note_chain(c, tx, abs, 0);
		if (err)
			return err;
	} else if (!c->privileged) {
		/* Fail before creating anything; the node gets these perms. */
		unsigned missing;
		struct xs_node *near = xs_tree_nearest(t, abs, &missing);

		if (len + near->perms.num * sizeof(struct xs_perm) >
		    c->store->q.entry_size)
			return ENOSPC;
	}
	err = create_node(c, tx, abs, &n, &created);
	if (err)
		return err;
	if (tx) {
		err = xs_txn_log(tx, XS_WRITE, abs, val, len, NULL);
		if (err)
			return err;
	}
	err = xs_tree_set_value(t, n, val, len);
	if (err)
		return err;
	if (!tx)
		xs_watch_fire(c->store, abs, &n->perms, false);
	return 0;
}

int xs_op_mkdir(struct xs_conn *c, struct xs_txn *tx, const char *abs)
{
	struct xs_node *n = xs_tree_lookup(tree_of(c, tx), abs);
	bool created;
	int err;

	if (n) {
		/* Already there: fine, but only for those who could write it. */
		err = note_chain(c, tx, abs, 0);
		if (!err && !(xs_conn_perm(c, n) & XS_PERM_WRITE))
			err = EACCES;
		return err;
	}
	err = create_node(c, tx, abs, &n, &created);
	if (err)
		return err;
	if (tx)
		return xs_txn_log(tx, XS_MKDIR, abs, NULL, 0, NULL);
	xs_watch_fire(c->store, abs, &n->perms, false);
	return 0;
}

struct gone {
	char *path;
	struct xs_perms perms;
};

struct collect {
	struct gone *v;
	unsigned n, cap;
	bool oom;
};

static void collect_node(struct xs_node *n, void *arg)
{
	struct collect *col = arg;
	char p[XS_PATH_BUF];

	if (col->oom)
		return;
	if (col->n == col->cap) {
		unsigned cap = col->cap ? col->cap * 2 : 16;
		struct gone *v = realloc(col->v, cap * sizeof(*v));

		if (!v) {
			col->oom = true;
			return;
		}
		col->v = v;
		col->cap = cap;
	}
	xs_node_path(n, p, sizeof(p));
	col->v[col->n].path = strdup(p);
	if (!col->v[col->n].path ||
	    xs_perms_copy(&col->v[col->n].perms, &n->perms)) {
		free(col->v[col->n].path);
		col->oom = true;
		return;
	}
	col->n++;
}

static void collect_free(struct collect *col)
{
	for (unsigned i = 0; i < col->n; i++) {
		free(col->v[i].path);
		xs_perms_free(&col->v[i].perms);
	}
	free(col->v);
}

int xs_op_rm(struct xs_conn *c, struct xs_txn *tx, const char *abs)
{
	struct xs_tree *t = tree_of(c, tx);
	struct xs_node *n;
	struct collect col = { 0 };
	int err;

	if (strcmp(abs, "/") == 0)
		return EINVAL;
	err = note_chain(c, tx, abs, 1);
	if (err)
		return err;
	n = xs_tree_lookup(t, abs);
	if (!n) {
		/* Removing what is already gone is fine if the parent exists. */
		char parent[XS_PATH_BUF];

		xs_path_parent(abs, parent);
		return xs_tree_lookup(t, parent) ? 0 : ENOENT;
	}
	if (!(xs_conn_perm(c, n) & XS_PERM_WRITE))
		return EACCES;
	xs_node_walk(n, collect_node, &col);
	if (col.oom) {
		collect_free(&col);
		return ENOMEM;
	}
	for (unsigned i = 1; tx && i < col.n; i++) {
		err = xs_txn_note(c, tx, col.v[i].path);
		if (err) {
			collect_free(&col);
			return err;
		}
	}
	if (tx && (err = xs_txn_log(tx, XS_RM, abs, NULL, 0, NULL))) {
		collect_free(&col);
		return err;
	}
	xs_tree_remove(t, n);
	if (!tx) {
		/* Watchers inside the subtree see their own node go... */
		for (unsigned i = 1; i < col.n; i++)
			xs_watch_fire(c->store, col.v[i].path, &col.v[i].perms, true);
		/* ...watchers on it or above see the removed top. */
		xs_watch_fire(c->store, abs, &col.v[0].perms, false);
	}
	collect_free(&col);
	return 0;
}

int xs_op_set_perms(struct xs_conn *c, struct xs_txn *tx, const char *abs,
                    const struct xs_perms *p)
{
	struct xs_tree *t = tree_of(c, tx);
	struct xs_node *n;
	int err = note_chain(c, tx, abs, 0);

	if (err)
		return err;
	n = xs_tree_lookup(t, abs);
	if (!n)
		return ENOENT;
	if (!c->privileged) {
		uint32_t owner = xs_perms_owner(&n->perms);
		bool is_owner = owner == c->domid ||
		                (c->dom && c->dom->has_target &&
		                 owner == c->dom->target);

		if (!is_owner)
			return EACCES;
		/* Guests may share their nodes but not give them away. */
		if (xs_perms_owner(p) != owner)
			return EPERM;
	}
	if (tx && (err = xs_txn_log(tx, XS_SET_PERMS, abs, NULL, 0, p)))
		return err;
	err = xs_tree_set_perms(t, n, p);
	if (err)
		return err;
	if (!tx)
		xs_watch_fire(c->store, abs, &n->perms, false);
	return 0;
}
