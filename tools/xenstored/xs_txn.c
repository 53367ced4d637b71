// SPDX-License-Identifier: GPL-2.0-only
/*
 * Transactions. Starting one copies the tree; operations inside it run
 * on the copy, record the generation of every node they touch (at first
 * touch, before changing it) and log themselves. Commit checks that each
 * touched node still has that generation in the live tree (else EAGAIN:
 * someone else changed, created or removed it) and then replays the log
 * on the live tree, which also fires the watches.
 *
 * Copying is O(store size) per transaction; stores are small (thousands
 * of nodes) and this keeps the rest of the code free of overlay logic.
 */
#include "xs_store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int xs_txn_start(struct xs_conn *c, uint32_t *id)
{
	struct xs_store *s = c->store;
	struct xs_txn *tx;

	if (!c->privileged && c->ntxns >= s->q.transactions)
		return ENOSPC;
	tx = calloc(1, sizeof(*tx));
	if (!tx)
		return ENOMEM;
	tx->tree = xs_tree_clone(s->tree);
	if (!tx->tree) {
		free(tx);
		return ENOMEM;
	}
	/* Ids are global so a stale id from another connection never matches. */
	do {
		tx->id = s->next_txid++;
	} while (tx->id == 0 || xs_txn_find(c, tx->id));
	tx->next = c->txns;
	c->txns = tx;
	c->ntxns++;
	*id = tx->id;
	return 0;
}

struct xs_txn *xs_txn_find(struct xs_conn *c, uint32_t id)
{
	for (struct xs_txn *tx = c->txns; tx; tx = tx->next)
		if (tx->id == id)
			return tx;
	return NULL;
}

static void txn_free(struct xs_txn *tx)
{
	struct xs_txop *op, *next;

	for (unsigned i = 0; i < tx->nacc; i++)
		free(tx->acc[i].path);
	free(tx->acc);
	for (op = tx->ops; op; op = next) {
		next = op->next;
		free(op->path);
		free(op->data);
		xs_perms_free(&op->perms);
		free(op);
	}
	xs_tree_free(tx->tree);
	free(tx);
}

int xs_txn_note(struct xs_conn *c, struct xs_txn *tx, const char *abs)
{
	struct xs_node *n;

	/*
	 * Linear search: a transaction touches a handful of nodes in practice
	 * and guests are capped at trans_nodes.
	 */
	for (unsigned i = 0; i < tx->nacc; i++)
		if (strcmp(tx->acc[i].path, abs) == 0)
			return 0;
	if (!c->privileged && tx->nacc >= c->store->q.trans_nodes)
		return ENOSPC;
	if (tx->nacc == tx->capacc) {
		unsigned cap = tx->capacc ? tx->capacc * 2 : 16;
		struct xs_access *a = realloc(tx->acc, cap * sizeof(*a));

		if (!a)
			return ENOMEM;
		tx->acc = a;
		tx->capacc = cap;
	}
	tx->acc[tx->nacc].path = strdup(abs);
	if (!tx->acc[tx->nacc].path)
		return ENOMEM;
	n = xs_tree_lookup(tx->tree, abs);
	tx->acc[tx->nacc].gen = n ? n->gen : 0;
	tx->nacc++;
	return 0;
}

int xs_txn_log(struct xs_txn *tx, uint32_t type, const char *abs,
               const char *data, size_t len, const struct xs_perms *p)
{
	struct xs_txop *op = calloc(1, sizeof(*op));

	if (!op)
		return ENOMEM;
	op->type = type;
	op->path = strdup(abs);
	op->data = malloc(len + 1);
	if (!op->path || !op->data || (p && xs_perms_copy(&op->perms, p))) {
		free(op->path);
		free(op->data);
		free(op);
		return ENOMEM;
	}
	if (len)
		memcpy(op->data, data, len);
	op->len = len;
	if (tx->ops_tail)
		tx->ops_tail->next = op;
	else
		tx->ops = op;
	tx->ops_tail = op;
	return 0;
}

static bool unchanged(struct xs_store *s, const struct xs_txn *tx)
{
	for (unsigned i = 0; i < tx->nacc; i++) {
		struct xs_node *n = xs_tree_lookup(s->tree, tx->acc[i].path);

		if ((n ? n->gen : 0) != tx->acc[i].gen)
			return false;
	}
	return true;
}

static int replay(struct xs_conn *c, const struct xs_txn *tx)
{
	int first_err = 0;

	for (const struct xs_txop *op = tx->ops; op; op = op->next) {
		int err;

		switch (op->type) {
		case XS_WRITE:
			err = xs_op_write(c, NULL, op->path, op->data, op->len);
			break;
		case XS_MKDIR:
			err = xs_op_mkdir(c, NULL, op->path);
			break;
		case XS_RM:
			err = xs_op_rm(c, NULL, op->path);
			break;
		case XS_SET_PERMS:
			err = xs_op_set_perms(c, NULL, op->path, &op->perms);
			break;
		default:
			err = EINVAL;
		}
		/*
		 * With every touched node unchanged the replay repeats what
		 * already succeeded once; only memory exhaustion can fail it.
		 */
		if (err && !first_err)
			first_err = err;
	}
	return first_err;
}

int xs_txn_end(struct xs_conn *c, struct xs_txn *tx, bool commit)
{
	struct xs_txn **pp;
	int err = 0;

	for (pp = &c->txns; *pp; pp = &(*pp)->next) {
		if (*pp == tx) {
			*pp = tx->next;
			c->ntxns--;
			break;
		}
	}
	if (commit) {
		if (!unchanged(c->store, tx))
			err = EAGAIN;
		else
			err = replay(c, tx);
	}
	txn_free(tx);
	return err;
}

void xs_txn_clear(struct xs_conn *c)
{
	while (c->txns) {
		struct xs_txn *tx = c->txns;

		c->txns = tx->next;
		txn_free(tx);
	}
	c->ntxns = 0;
}
