/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The XenStore tree: nodes with a byte value, a permission list and
 * ordered children. Pure data structure: no permission checks, no
 * watches (callers do those). Every change stamps the node with a fresh
 * generation number from the tree's counter; transactions compare those
 * stamps to detect conflicting writers. The tree also counts nodes per
 * owner so per-domain node quotas are O(1) to check.
 */
#ifndef MICA_XS_TREE_H
#define MICA_XS_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xs_perms.h"

/* Pass as owner to xs_tree_create() to keep the inherited owner. */
#define XS_OWNER_INHERIT UINT32_MAX

struct xs_node {
	char *name; /* last component; "" for the root */
	struct xs_node *parent;
	struct xs_node **kids; /* creation order, as Xen lists them */
	unsigned nkids, capkids;
	char *value;
	size_t vlen;
	struct xs_perms perms;
	uint64_t gen;
};

struct xs_owner_count {
	uint32_t domid;
	unsigned count;
};

struct xs_tree {
	struct xs_node *root;
	uint64_t gen; /* last generation handed out */
	struct xs_owner_count *owners;
	unsigned nowners;
	unsigned nnodes;
};

struct xs_tree *xs_tree_new(void);
void xs_tree_free(struct xs_tree *t);
/* Deep copy (used as a transaction's private view). NULL on ENOMEM. */
struct xs_tree *xs_tree_clone(const struct xs_tree *t);

struct xs_node *xs_tree_lookup(struct xs_tree *t, const char *abs);
/*
 * Deepest existing node on the way to @abs; *missing gets the number of
 * path components below it that do not exist (0 if @abs exists).
 */
struct xs_node *xs_tree_nearest(struct xs_tree *t, const char *abs,
                                unsigned *missing);

/*
 * Create @abs and any missing ancestors (empty values, the parent's
 * permissions; owner replaced by @owner unless XS_OWNER_INHERIT).
 * Returns 0 (node in *out, existing or new) or ENOMEM/EINVAL.
 */
int xs_tree_create(struct xs_tree *t, const char *abs, uint32_t owner,
                   struct xs_node **out);
int xs_tree_set_value(struct xs_tree *t, struct xs_node *n, const void *v,
                      size_t len);
int xs_tree_set_perms(struct xs_tree *t, struct xs_node *n,
                      const struct xs_perms *p);
/* Remove @n and its subtree (@n must not be the root). */
void xs_tree_remove(struct xs_tree *t, struct xs_node *n);

/* Number of nodes owned by @domid. */
unsigned xs_tree_owned(const struct xs_tree *t, uint32_t domid);

/* Absolute path of @n into @buf; returns its length. */
size_t xs_node_path(const struct xs_node *n, char *buf, size_t sz);
/* Children as "a\0b\0"; returns the bytes needed (buf may be NULL). */
size_t xs_node_children(const struct xs_node *n, char *buf, size_t sz);
/* What the entry-size quota measures: value, child names and perms. */
size_t xs_node_entry_size(const struct xs_node *n);

/* Visit @n and its descendants, parents before children. */
void xs_node_walk(struct xs_node *n, void (*fn)(struct xs_node *, void *),
                  void *arg);

#endif
