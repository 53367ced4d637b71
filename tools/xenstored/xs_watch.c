// SPDX-License-Identifier: GPL-2.0-only
/*
 * Watches: a connection registers (path, token); any change at or below
 * the path queues a WATCH_EVENT "<changed path>\0<token>\0" for it.
 * Special paths ("@introduceDomain", "@releaseDomain") fire on domain
 * events only. Relative registrations get relative event paths back.
 */
#include "xs_store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int xs_watch_add(struct xs_conn *c, const char *path, const char *token)
{
	char abs[XS_PATH_BUF];
	struct xs_watch *w, **tail;
	int err = xs_path_canon(c->domid, path, c->store->q.path_max, true, abs);

	if (err)
		return err;
	for (tail = &c->watches; *tail; tail = &(*tail)->next)
		if (strcmp((*tail)->path, abs) == 0 &&
		    strcmp((*tail)->token, token) == 0)
			return EEXIST;
	/* Xen reports the watch quota as E2BIG. */
	if (!c->privileged && c->nwatches >= c->store->q.watches)
		return E2BIG;
	w = calloc(1, sizeof(*w));
	if (!w)
		return ENOMEM;
	w->path = strdup(abs);
	w->token = strdup(token);
	if (!w->path || !w->token) {
		free(w->path);
		free(w->token);
		free(w);
		return ENOMEM;
	}
	w->relative = path[0] != '/' && path[0] != '@';
	/* Appended, so events come out in registration order. */
	*tail = w;
	c->nwatches++;
	return 0;
}

static void watch_free(struct xs_watch *w)
{
	free(w->path);
	free(w->token);
	free(w);
}

int xs_watch_del(struct xs_conn *c, const char *path, const char *token)
{
	char abs[XS_PATH_BUF];
	struct xs_watch **pp;
	int err = xs_path_canon(c->domid, path, c->store->q.path_max, true, abs);

	if (err)
		return err;
	for (pp = &c->watches; *pp; pp = &(*pp)->next) {
		struct xs_watch *w = *pp;

		if (strcmp(w->path, abs) == 0 && strcmp(w->token, token) == 0) {
			*pp = w->next;
			watch_free(w);
			c->nwatches--;
			return 0;
		}
	}
	return ENOENT;
}

void xs_watch_clear(struct xs_conn *c)
{
	while (c->watches) {
		struct xs_watch *w = c->watches;

		c->watches = w->next;
		watch_free(w);
	}
	c->nwatches = 0;
}

static void send_event(struct xs_conn *c, const struct xs_watch *w,
                       const char *abs)
{
	const char *p = xs_path_for_client(c->domid, abs, w->relative);
	size_t pl = strlen(p) + 1, tl = strlen(w->token) + 1;
	char *ev;

	if (pl + tl > XS_PAYLOAD_MAX)
		return; /* cannot happen with valid paths and tokens */
	ev = malloc(pl + tl);
	if (!ev) {
		xs_conn_kill(c, "out of memory");
		return;
	}
	memcpy(ev, p, pl);
	memcpy(ev + pl, w->token, tl);
	xs_conn_send(c, XS_WATCH_EVENT, 0, 0, ev, pl + tl, false);
	free(ev);
}

void xs_watch_fire(struct xs_store *s, const char *abs,
                   const struct xs_perms *perms, bool exact)
{
	for (struct xs_conn *c = s->conns; c; c = c->next) {
		if (c->dead || !c->watches)
			continue;
		/* Nobody learns of a node it could not read. */
		if (perms && !c->privileged) {
			struct xs_node probe = { .perms = *perms };

			if (!(xs_conn_perm(c, &probe) & XS_PERM_READ))
				continue;
		}
		for (struct xs_watch *w = c->watches; w; w = w->next) {
			bool hit = exact ? strcmp(w->path, abs) == 0
			                 : xs_path_is_below(abs, w->path);

			if (hit)
				send_event(c, w, abs);
		}
	}
}
