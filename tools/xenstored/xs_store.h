/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The XenStore daemon core: the store (tree + connections + domains),
 * connections with their framing and output queues, watches and
 * transactions. No I/O happens here except through struct xs_conn_ops,
 * so unit tests drive the core with in-memory connections.
 */
#ifndef MICA_XS_STORE_H
#define MICA_XS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xs_path.h"
#include "xs_perms.h"
#include "xs_proto.h"
#include "xs_tree.h"

/* Per-domain limits; defaults are Xen 4.17 xenstored's. */
struct xs_quota {
	unsigned nodes;        /* nodes a domain may own (1000) */
	unsigned entry_size;   /* bytes per node: value+children+perms (2048) */
	unsigned watches;      /* watches per domain (128) */
	unsigned transactions; /* open transactions per connection (10) */
	unsigned perms;        /* entries in a permission list (5) */
	unsigned outstanding;  /* unsent replies before we stop reading (20) */
	unsigned trans_nodes;  /* nodes one transaction may touch (1024) */
	unsigned path_max;     /* path length below a domain's home (2048) */
	size_t outq_bytes;     /* queued bytes before an unprivileged client
	                          is dropped as too slow (not in Xen) */
};
void xs_quota_defaults(struct xs_quota *q);

struct xs_conn;
struct xs_store;
struct xs_ring_backend;

/* How a connection moves bytes. NULL ops = in-memory (tests). */
struct xs_conn_ops {
	/* >0 bytes moved, 0 would block, -1 closed or broken. */
	long (*read)(struct xs_conn *c, void *buf, size_t len);
	long (*write)(struct xs_conn *c, const void *buf, size_t len);
	void (*release)(struct xs_conn *c); /* free c->priv */
};

struct xs_outmsg {
	struct xs_outmsg *next;
	bool is_reply; /* replies count against the outstanding quota */
	size_t len;
	char data[]; /* header + payload */
};

struct xs_watch {
	struct xs_watch *next;
	char *path;  /* canonical absolute path or "@special" */
	char *token;
	bool relative; /* registered relative: events are reported so */
};

struct xs_access {
	char *path;
	uint64_t gen; /* generation seen at first access; 0 = absent */
};

struct xs_txop {
	struct xs_txop *next;
	uint32_t type; /* XS_WRITE, XS_MKDIR, XS_RM, XS_SET_PERMS */
	char *path;
	char *data;
	size_t len;
	struct xs_perms perms;
};

struct xs_txn {
	struct xs_txn *next;
	uint32_t id;
	struct xs_tree *tree; /* private copy of the store at start */
	struct xs_access *acc;
	unsigned nacc, capacc;
	struct xs_txop *ops, *ops_tail;
};

struct xs_domain {
	struct xs_domain *next;
	uint32_t domid;
	uint64_t mfn;
	uint32_t port;
	uint32_t target; /* valid if has_target */
	bool has_target;
	bool shutdown; /* @releaseDomain already fired for its shutdown */
	struct xs_conn *conn; /* guest ring connection, if mapped */
};

/* What the hypervisor says about a domain (xs_domain_cleanup). */
struct xs_dominfo {
	uint32_t domid;
	bool dying;
	bool shutdown; /* or crashed */
};

struct xs_conn {
	struct xs_store *store;
	struct xs_conn *next;
	const struct xs_conn_ops *ops;
	void *priv;
	uint32_t domid;
	bool privileged;
	struct xs_domain *dom; /* NULL for socket clients */

	/* Input framing: header first, then exactly len payload bytes. */
	unsigned char hdrbuf[sizeof(struct xs_msg_hdr)];
	size_t hdr_have;
	struct xs_msg_hdr hdr;
	char payload[XS_PAYLOAD_MAX + 1];
	size_t pay_have;
	bool in_payload;

	struct xs_outmsg *out_head, *out_tail;
	size_t out_off;
	unsigned out_replies;
	size_t out_bytes;

	struct xs_watch *watches;
	unsigned nwatches;
	struct xs_txn *txns;
	unsigned ntxns;

	bool dead; /* protocol violation or I/O error: drop after flush */
	const char *why;
};

struct xs_store {
	struct xs_tree *tree;
	struct xs_conn *conns;
	struct xs_domain *domains;
	struct xs_quota q;
	uint32_t next_txid;
	const struct xs_ring_backend *ring_be;
	void *ring_ctx;
	bool verbose;
};

/* ---- store and connections (xs_core.c, xs_conn.c) ---- */
struct xs_store *xs_store_new(const struct xs_quota *q);
void xs_store_free(struct xs_store *s);
struct xs_conn *xs_conn_new(struct xs_store *s, const struct xs_conn_ops *ops,
                            void *priv, uint32_t domid, bool privileged);
void xs_conn_free(struct xs_conn *c);
/* Feed received bytes; complete messages are processed at once. */
void xs_conn_feed(struct xs_conn *c, const void *data, size_t len);
/* Read from ops until it would block or the reply backlog is full. */
void xs_conn_pump_in(struct xs_conn *c);
/* Write queued output through ops; false if the connection broke. */
bool xs_conn_flush(struct xs_conn *c);
/* True if we may read more requests (outstanding-reply backpressure). */
bool xs_conn_wants_input(const struct xs_conn *c);
/* Pop one queued message (in-memory connections); false if none. */
bool xs_conn_pop(struct xs_conn *c, struct xs_msg_hdr *h, char *payload,
                 size_t sz);
/* Queue a message for @c. */
void xs_conn_send(struct xs_conn *c, uint32_t type, uint32_t req_id,
                  uint32_t tx_id, const void *data, size_t len, bool reply);
void xs_conn_kill(struct xs_conn *c, const char *why);
void xs_log(struct xs_store *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- request dispatch (xs_core.c) ---- */
void xs_process(struct xs_conn *c, const struct xs_msg_hdr *h,
                const char *payload);
void xs_reply(struct xs_conn *c, const struct xs_msg_hdr *h, const void *data,
              size_t len);
/* Exactly @n NUL-terminated strings filling the payload, else EINVAL. */
int xs_split_args(const char *p, uint32_t len, const char **v, unsigned n);
/* Free connections marked dead (never called while iterating conns). */
void xs_store_reap(struct xs_store *s);
/* Xen's error string for an errno value ("EINVAL" for unknown ones). */
const char *xs_errstr(int err);
/* Access mask @c has on @n, honouring privilege and SET_TARGET. */
unsigned xs_conn_perm(const struct xs_conn *c, const struct xs_node *n);

/* ---- node operations (xs_ops.c); @tx NULL = the live store ---- */
int xs_op_read(struct xs_conn *c, struct xs_txn *tx, const char *abs,
               struct xs_node **out);
int xs_op_write(struct xs_conn *c, struct xs_txn *tx, const char *abs,
                const char *val, size_t len);
int xs_op_mkdir(struct xs_conn *c, struct xs_txn *tx, const char *abs);
int xs_op_rm(struct xs_conn *c, struct xs_txn *tx, const char *abs);
int xs_op_set_perms(struct xs_conn *c, struct xs_txn *tx, const char *abs,
                    const struct xs_perms *p);

/* ---- watches (xs_watch.c) ---- */
int xs_watch_add(struct xs_conn *c, const char *path, const char *token);
int xs_watch_del(struct xs_conn *c, const char *path, const char *token);
void xs_watch_clear(struct xs_conn *c);
/*
 * Report a change of @abs. exact: only watches on @abs itself (used for
 * each node of a removed subtree); otherwise watches on @abs or any
 * ancestor. @perms (the node's, NULL for none) limits who may see it.
 */
void xs_watch_fire(struct xs_store *s, const char *abs,
                   const struct xs_perms *perms, bool exact);

/* ---- transactions (xs_txn.c) ---- */
int xs_txn_start(struct xs_conn *c, uint32_t *id);
struct xs_txn *xs_txn_find(struct xs_conn *c, uint32_t id);
/* Commit (true) or abort; frees the transaction. EAGAIN on conflict. */
int xs_txn_end(struct xs_conn *c, struct xs_txn *tx, bool commit);
void xs_txn_clear(struct xs_conn *c);
/* Record a first access to @abs (before changing it); ENOSPC if too many. */
int xs_txn_note(struct xs_conn *c, struct xs_txn *tx, const char *abs);
/* Remember a modifying operation for replay at commit. */
int xs_txn_log(struct xs_txn *tx, uint32_t type, const char *abs,
               const char *data, size_t len, const struct xs_perms *p);

/* ---- domains (xs_domain.c) ---- */
struct xs_domain *xs_domain_find(struct xs_store *s, uint32_t domid);
int xs_domain_request(struct xs_conn *c, const struct xs_msg_hdr *h,
                      const char *payload);
/*
 * Serve @domid's ring @page (already mapped and bound by the backend;
 * @handle is the backend's). Fires @introduceDomain for guests. On
 * failure the backend's detach releases page and handle.
 */
int xs_domain_add(struct xs_store *s, uint32_t domid, uint64_t mfn,
                  uint32_t port, struct xs_ring_page *page, void *handle);
/* Forget a domain (RELEASE or its ring died); fires @releaseDomain. */
void xs_domain_release(struct xs_store *s, struct xs_domain *d);
/*
 * After VIRQ_DOM_EXC: @live lists every domain that exists. Introduced
 * domains that are gone or dying are released; one that shut down is
 * kept but @releaseDomain fires once (xl's shutdown -w waits for it),
 * as Xen's xenstored does. dom0 is never touched.
 */
void xs_domain_cleanup(struct xs_store *s, const struct xs_dominfo *live,
                       size_t n);

#endif
