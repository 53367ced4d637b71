// SPDX-License-Identifier: GPL-2.0-only
/* The in-memory XenStore tree; see xs_tree.h. */
#include "xs_tree.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void owner_add(struct xs_tree *t, uint32_t domid, int delta)
{
	struct xs_owner_count *o;

	for (unsigned i = 0; i < t->nowners; i++) {
		if (t->owners[i].domid == domid) {
			t->owners[i].count += (unsigned)delta;
			return;
		}
	}
	if (delta <= 0)
		return;
	/* Growing one at a time is fine: few domains ever own nodes. */
	o = realloc(t->owners, (t->nowners + 1) * sizeof(*o));
	if (!o)
		return; /* quota accounting degrades, the store stays correct */
	t->owners = o;
	t->owners[t->nowners].domid = domid;
	t->owners[t->nowners].count = (unsigned)delta;
	t->nowners++;
}

unsigned xs_tree_owned(const struct xs_tree *t, uint32_t domid)
{
	for (unsigned i = 0; i < t->nowners; i++)
		if (t->owners[i].domid == domid)
			return t->owners[i].count;
	return 0;
}

static struct xs_node *node_new(const char *name, size_t len)
{
	struct xs_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = strndup(name, len);
	n->value = malloc(1);
	if (!n->name || !n->value) {
		free(n->name);
		free(n->value);
		free(n);
		return NULL;
	}
	return n;
}

static void node_free(struct xs_node *n)
{
	for (unsigned i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->name);
	free(n->value);
	xs_perms_free(&n->perms);
	free(n);
}

struct xs_tree *xs_tree_new(void)
{
	struct xs_tree *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->root = node_new("", 0);
	if (!t->root || !(t->root->perms.p = calloc(1, sizeof(struct xs_perm)))) {
		if (t->root)
			node_free(t->root);
		free(t);
		return NULL;
	}
	/* Xen's initial root: owned by dom0, no access for anyone else. */
	t->root->perms.num = 1;
	t->root->gen = ++t->gen;
	t->nnodes = 1;
	owner_add(t, 0, 1);
	return t;
}

void xs_tree_free(struct xs_tree *t)
{
	if (!t)
		return;
	node_free(t->root);
	free(t->owners);
	free(t);
}

static struct xs_node *node_clone(const struct xs_node *src,
                                  struct xs_node *parent)
{
	struct xs_node *n = node_new(src->name, strlen(src->name));

	if (!n)
		return NULL;
	n->parent = parent;
	n->gen = src->gen;
	free(n->value);
	n->value = malloc(src->vlen + 1);
	if (!n->value || xs_perms_copy(&n->perms, &src->perms))
		goto fail;
	memcpy(n->value, src->value, src->vlen);
	n->vlen = src->vlen;
	if (src->nkids) {
		n->kids = calloc(src->nkids, sizeof(*n->kids));
		if (!n->kids)
			goto fail;
		n->capkids = src->nkids;
		for (unsigned i = 0; i < src->nkids; i++) {
			n->kids[i] = node_clone(src->kids[i], n);
			if (!n->kids[i])
				goto fail;
			n->nkids++;
		}
	}
	return n;
fail:
	node_free(n);
	return NULL;
}

struct xs_tree *xs_tree_clone(const struct xs_tree *t)
{
	struct xs_tree *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->root = node_clone(t->root, NULL);
	c->owners = malloc((t->nowners + 1) * sizeof(*c->owners));
	if (!c->root || !c->owners) {
		if (c->root)
			node_free(c->root);
		free(c->owners);
		free(c);
		return NULL;
	}
	memcpy(c->owners, t->owners, t->nowners * sizeof(*c->owners));
	c->nowners = t->nowners;
	c->nnodes = t->nnodes;
	c->gen = t->gen;
	return c;
}

static struct xs_node *child_of(struct xs_node *n, const char *name, size_t len)
{
	for (unsigned i = 0; i < n->nkids; i++)
		if (strncmp(n->kids[i]->name, name, len) == 0 &&
		    n->kids[i]->name[len] == '\0')
			return n->kids[i];
	return NULL;
}

struct xs_node *xs_tree_nearest(struct xs_tree *t, const char *abs,
                                unsigned *missing)
{
	struct xs_node *n = t->root;
	const char *p = abs;

	*missing = 0;
	while (*p == '/')
		p++;
	while (*p) {
		size_t len = strcspn(p, "/");
		struct xs_node *c = child_of(n, p, len);

		if (!c) {
			/* Count this and every later component. */
			for (; *p; p += strspn(p, "/"))
				p += strcspn(p, "/"), (*missing)++;
			return n;
		}
		n = c;
		p += len;
		while (*p == '/')
			p++;
	}
	return n;
}

struct xs_node *xs_tree_lookup(struct xs_tree *t, const char *abs)
{
	unsigned missing;
	struct xs_node *n = xs_tree_nearest(t, abs, &missing);

	return missing ? NULL : n;
}

static int add_child(struct xs_node *parent, struct xs_node *c)
{
	if (parent->nkids == parent->capkids) {
		unsigned cap = parent->capkids ? parent->capkids * 2 : 4;
		struct xs_node **k = realloc(parent->kids, cap * sizeof(*k));

		if (!k)
			return ENOMEM;
		parent->kids = k;
		parent->capkids = cap;
	}
	parent->kids[parent->nkids++] = c;
	c->parent = parent;
	return 0;
}

int xs_tree_create(struct xs_tree *t, const char *abs, uint32_t owner,
                   struct xs_node **out)
{
	struct xs_node *n = t->root;
	const char *p = abs;

	while (*p == '/')
		p++;
	while (*p) {
		size_t len = strcspn(p, "/");
		struct xs_node *c = child_of(n, p, len);

		if (!c) {
			c = node_new(p, len);
			if (!c || xs_perms_copy(&c->perms, &n->perms)) {
				if (c)
					node_free(c);
				return ENOMEM;
			}
			if (owner != XS_OWNER_INHERIT)
				c->perms.p[0].domid = owner;
			if (add_child(n, c)) {
				node_free(c);
				return ENOMEM;
			}
			c->gen = ++t->gen;
			n->gen = ++t->gen; /* its children list changed */
			t->nnodes++;
			owner_add(t, xs_perms_owner(&c->perms), 1);
		}
		n = c;
		p += len;
		while (*p == '/')
			p++;
	}
	*out = n;
	return 0;
}

int xs_tree_set_value(struct xs_tree *t, struct xs_node *n, const void *v,
                      size_t len)
{
	char *nv = malloc(len + 1);

	if (!nv)
		return ENOMEM;
	memcpy(nv, v, len);
	nv[len] = '\0';
	free(n->value);
	n->value = nv;
	n->vlen = len;
	n->gen = ++t->gen;
	return 0;
}

int xs_tree_set_perms(struct xs_tree *t, struct xs_node *n,
                      const struct xs_perms *p)
{
	struct xs_perms np;

	if (p->num == 0 || xs_perms_copy(&np, p))
		return p->num == 0 ? EINVAL : ENOMEM;
	owner_add(t, xs_perms_owner(&n->perms), -1);
	owner_add(t, xs_perms_owner(&np), 1);
	xs_perms_free(&n->perms);
	n->perms = np;
	n->gen = ++t->gen;
	return 0;
}

static void uncount(struct xs_node *n, void *arg)
{
	struct xs_tree *t = arg;

	owner_add(t, xs_perms_owner(&n->perms), -1);
	t->nnodes--;
}

void xs_tree_remove(struct xs_tree *t, struct xs_node *n)
{
	struct xs_node *parent = n->parent;

	if (!parent)
		return;
	for (unsigned i = 0; i < parent->nkids; i++) {
		if (parent->kids[i] == n) {
			memmove(&parent->kids[i], &parent->kids[i + 1],
			        (parent->nkids - i - 1) * sizeof(*parent->kids));
			parent->nkids--;
			break;
		}
	}
	parent->gen = ++t->gen;
	xs_node_walk(n, uncount, t);
	node_free(n);
}

size_t xs_node_path(const struct xs_node *n, char *buf, size_t sz)
{
	size_t len = 0;

	if (!n->parent) {
		if (sz >= 2)
			strcpy(buf, "/");
		return 1;
	}
	len = xs_node_path(n->parent, buf, sz);
	if (len == 1)
		len = 0; /* the root contributes only the separator */
	if (len + 1 + strlen(n->name) + 1 <= sz) {
		buf[len] = '/';
		strcpy(buf + len + 1, n->name);
	}
	return len + 1 + strlen(n->name);
}

size_t xs_node_children(const struct xs_node *n, char *buf, size_t sz)
{
	size_t used = 0;

	for (unsigned i = 0; i < n->nkids; i++) {
		size_t l = strlen(n->kids[i]->name) + 1;

		if (buf && used + l <= sz)
			memcpy(buf + used, n->kids[i]->name, l);
		used += l;
	}
	return used;
}

size_t xs_node_entry_size(const struct xs_node *n)
{
	return n->vlen + xs_node_children(n, NULL, 0) +
	       n->perms.num * sizeof(struct xs_perm);
}

void xs_node_walk(struct xs_node *n, void (*fn)(struct xs_node *, void *),
                  void *arg)
{
	fn(n, arg);
	for (unsigned i = 0; i < n->nkids; i++)
		xs_node_walk(n->kids[i], fn, arg);
}
