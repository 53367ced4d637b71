// SPDX-License-Identifier: GPL-2.0-only
/* XenStore wire client for xl-lite (see xs_client.h). */
#include "xs_client.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../xenstored/xs_proto.h"

#define DEFAULT_SOCKET "/run/xenstored/socket"

struct watch_ev {
	struct watch_ev *next;
	char *path, *token;
};

/* Replies a batch may leave outstanding before they are collected. */
#define XS_BATCH_MAX 64

struct xs_client {
	int fd;
	uint32_t req_id;
	struct watch_ev *head, *tail;
	/* xs_batch_begin/end: types of the requests sent, replies unread. */
	int batching;
	unsigned nr_sent, nr_done;
	uint32_t sent_type[XS_BATCH_MAX];
	int batch_err;
	unsigned batch_failed;
	int broken;             /* the reply stream was lost or garbled */
};

static const struct { const char *name; int err; } xs_errors[] = {
	{ "EINVAL", EINVAL }, { "EACCES", EACCES }, { "EEXIST", EEXIST },
	{ "EISDIR", EISDIR }, { "ENOENT", ENOENT }, { "ENOMEM", ENOMEM },
	{ "ENOSPC", ENOSPC }, { "EIO", EIO }, { "ENOTEMPTY", ENOTEMPTY },
	{ "ENOSYS", ENOSYS }, { "EROFS", EROFS }, { "EBUSY", EBUSY },
	{ "EAGAIN", EAGAIN }, { "EISCONN", EISCONN }, { "E2BIG", E2BIG },
	{ "EPERM", EPERM }, { "EQUOTA", EDQUOT },
};

int xs_errno_from_string(const char *s)
{
	for (size_t i = 0; i < sizeof(xs_errors) / sizeof(xs_errors[0]); i++)
		if (!strcmp(s, xs_errors[i].name))
			return xs_errors[i].err;
	return EINVAL;
}

struct xs_client *xs_open(void)
{
	const char *path = getenv("XENSTORED_PATH");
	struct sockaddr_un sa;
	struct xs_client *c;
	int fd;

	if (!path || !*path)
		path = DEFAULT_SOCKET;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	c->fd = fd;
	return c;
}

void xs_close(struct xs_client *c)
{
	if (!c)
		return;
	while (c->head) {
		struct watch_ev *e = c->head;

		c->head = e->next;
		free(e->path);
		free(e->token);
		free(e);
	}
	close(c->fd);
	free(c);
}

int xs_fileno(const struct xs_client *c)
{
	return c->fd;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t r = write(fd, p, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -(r < 0 ? errno : EIO);
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t r = read(fd, p, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return -ECONNRESET;
		if (r < 0)
			return -errno;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

/* One message off the socket; payload malloc'd and NUL-terminated. */
static int read_msg(struct xs_client *c, struct xs_msg_hdr *h, char **body)
{
	int r = read_all(c->fd, h, sizeof(*h));

	if (r < 0)
		return r;
	if (h->len > XS_PAYLOAD_MAX)
		return -EIO;
	*body = malloc(h->len + 1);
	if (!*body)
		return -ENOMEM;
	r = read_all(c->fd, *body, h->len);
	if (r < 0) {
		free(*body);
		return r;
	}
	(*body)[h->len] = 0;
	return 0;
}

static void queue_watch(struct xs_client *c, char *body, uint32_t len)
{
	struct watch_ev *e = calloc(1, sizeof(*e));
	size_t plen = strnlen(body, len);

	if (!e)
		return;
	e->path = strdup(body);
	e->token = strdup(plen < len ? body + plen + 1 : "");
	if (c->tail)
		c->tail->next = e;
	else
		c->head = e;
	c->tail = e;
}

static int await_reply(struct xs_client *c, uint32_t type, char **out,
                       uint32_t *out_len);

/* Collect the replies of a batch still outstanding (see xs_batch_begin). */
static int collect(struct xs_client *c)
{
	while (c->nr_done < c->nr_sent) {
		int r = await_reply(c, c->sent_type[c->nr_done % XS_BATCH_MAX],
		                    NULL, NULL);

		if (r && !c->batch_err) {
			c->batch_err = r;
			c->batch_failed = c->nr_done;
		}
		c->nr_done++;
		if (c->broken)
			return r;       /* the stream is lost: nothing more will come */
	}
	return 0;
}

/*
 * Send a request made of @n pieces and wait for its reply; the reply
 * payload (malloc'd) in *out if wanted. In a batch, a request that wants
 * no payload back is only sent: its reply is collected later, in order.
 */
static int request(struct xs_client *c, uint32_t type, uint32_t tx,
                   const void *const *parts, const size_t *lens, unsigned n,
                   char **out, uint32_t *out_len)
{
	struct xs_msg_hdr h = { type, ++c->req_id, tx, 0 };
	int r;

	for (unsigned i = 0; i < n; i++)
		h.len += (uint32_t)lens[i];
	if (h.len > XS_PAYLOAD_MAX)
		return -E2BIG;
	/* Replies come in request order: earlier ones first. */
	if ((!c->batching || out || c->nr_sent - c->nr_done == XS_BATCH_MAX) &&
	    (r = collect(c)))
		return r;
	r = write_all(c->fd, &h, sizeof(h));
	for (unsigned i = 0; i < n && !r; i++)
		r = write_all(c->fd, parts[i], lens[i]);
	if (r)
		return r;
	if (c->batching && !out) {
		c->sent_type[c->nr_sent++ % XS_BATCH_MAX] = type;
		return 0;
	}
	return await_reply(c, type, out, out_len);
}

void xs_batch_begin(struct xs_client *c)
{
	c->batching = 1;
	c->nr_sent = c->nr_done = 0;
	c->batch_err = 0;
	c->batch_failed = 0;
}

int xs_batch_end(struct xs_client *c, unsigned *failed)
{
	int r = collect(c);

	c->batching = 0;
	if (c->batch_err) {
		r = c->batch_err;
		if (failed)
			*failed = c->batch_failed;
	}
	return r;
}

static int await_reply(struct xs_client *c, uint32_t type, char **out,
                       uint32_t *out_len)
{
	char *body;
	int r;

	for (;;) {
		struct xs_msg_hdr rh;

		r = read_msg(c, &rh, &body);
		if (r) {
			c->broken = 1;
			return r;
		}
		if (rh.type == XS_WATCH_EVENT) {
			queue_watch(c, body, rh.len);
			free(body);
			continue;
		}
		if (rh.type == XS_ERROR) {
			r = -xs_errno_from_string(body);
			free(body);
			return r;
		}
		if (rh.type != type) {
			free(body);
			c->broken = 1;
			return -EIO;
		}
		if (out) {
			*out = body;
			if (out_len)
				*out_len = rh.len;
		} else {
			free(body);
		}
		return 0;
	}
}

/* Request whose payload is a list of NUL-terminated strings. */
static int request_strs(struct xs_client *c, uint32_t type, uint32_t tx,
                        const char *const *strs, unsigned n, char **out,
                        uint32_t *out_len)
{
	const void *parts[8];
	size_t lens[8];

	for (unsigned i = 0; i < n; i++) {
		parts[i] = strs[i];
		lens[i] = strlen(strs[i]) + 1;
	}
	return request(c, type, tx, parts, lens, n, out, out_len);
}

char *xs_read(struct xs_client *c, uint32_t tx, const char *path, int *err)
{
	char *out = NULL;
	int r = request_strs(c, XS_READ, tx, &path, 1, &out, NULL);

	if (err)
		*err = r;
	return r ? NULL : out;
}

int xs_write(struct xs_client *c, uint32_t tx, const char *path,
             const char *value)
{
	/* WRITE: path with its NUL, then the value without one. */
	const void *parts[2] = { path, value };
	size_t lens[2] = { strlen(path) + 1, strlen(value) };

	return request(c, XS_WRITE, tx, parts, lens, 2, NULL, NULL);
}

int xs_mkdir(struct xs_client *c, uint32_t tx, const char *path)
{
	return request_strs(c, XS_MKDIR, tx, &path, 1, NULL, NULL);
}

int xs_rm(struct xs_client *c, uint32_t tx, const char *path)
{
	return request_strs(c, XS_RM, tx, &path, 1, NULL, NULL);
}

/* Split a NUL-separated list into strings. */
static char **split(const char *buf, uint32_t len, unsigned *n)
{
	unsigned cnt = 0, i = 0;
	char **list;

	for (uint32_t p = 0; p < len; p++)
		if (!buf[p])
			cnt++;
	if (len && buf[len - 1])
		cnt++;
	list = calloc(cnt + 1, sizeof(*list));
	if (!list)
		return NULL;
	for (uint32_t p = 0; p < len && i < cnt; i++) {
		size_t l = strnlen(buf + p, len - p);

		list[i] = strndup(buf + p, l);
		p += (uint32_t)l + 1;
	}
	*n = i;
	return list;
}

char **xs_directory(struct xs_client *c, uint32_t tx, const char *path,
                    unsigned *n, int *err)
{
	char *out = NULL, **list;
	uint32_t len = 0;
	int r = request_strs(c, XS_DIRECTORY, tx, &path, 1, &out, &len);

	*n = 0;
	if (err)
		*err = r;
	if (r)
		return NULL;
	list = split(out, len, n);
	free(out);
	if (!list && err)
		*err = -ENOMEM;
	return list;
}

void xs_free_list(char **list, unsigned n)
{
	if (!list)
		return;
	for (unsigned i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

int xs_set_perms(struct xs_client *c, uint32_t tx, const char *path,
                 const char *const *perms, unsigned n)
{
	const char *strs[8];

	if (n > 7)
		return -E2BIG;
	strs[0] = path;
	for (unsigned i = 0; i < n; i++)
		strs[i + 1] = perms[i];
	return request_strs(c, XS_SET_PERMS, tx, strs, n + 1, NULL, NULL);
}

int xs_transaction_start(struct xs_client *c, uint32_t *tx)
{
	const char *empty = "";
	char *out = NULL;
	int r = request_strs(c, XS_TRANSACTION_START, 0, &empty, 1, &out, NULL);

	if (r)
		return r;
	*tx = (uint32_t)strtoul(out, NULL, 10);
	free(out);
	return 0;
}

int xs_transaction_end(struct xs_client *c, uint32_t tx, int commit)
{
	const char *s = commit ? "T" : "F";

	return request_strs(c, XS_TRANSACTION_END, tx, &s, 1, NULL, NULL);
}

int xs_introduce(struct xs_client *c, uint32_t domid, uint64_t mfn,
                 uint32_t port)
{
	char d[16], m[24], p[16];
	const char *strs[3] = { d, m, p };

	snprintf(d, sizeof(d), "%u", domid);
	snprintf(m, sizeof(m), "%llu", (unsigned long long)mfn);
	snprintf(p, sizeof(p), "%u", port);
	return request_strs(c, XS_INTRODUCE, 0, strs, 3, NULL, NULL);
}

int xs_release(struct xs_client *c, uint32_t domid)
{
	char d[16];
	const char *s = d;

	snprintf(d, sizeof(d), "%u", domid);
	return request_strs(c, XS_RELEASE, 0, &s, 1, NULL, NULL);
}

int xs_watch(struct xs_client *c, const char *path, const char *token)
{
	const char *strs[2] = { path, token };

	return request_strs(c, XS_WATCH, 0, strs, 2, NULL, NULL);
}

int xs_unwatch(struct xs_client *c, const char *path, const char *token)
{
	const char *strs[2] = { path, token };

	return request_strs(c, XS_UNWATCH, 0, strs, 2, NULL, NULL);
}

int xs_read_watch(struct xs_client *c, int timeout_ms, char **path,
                  char **token)
{
	while (!c->head) {
		struct pollfd pfd = { c->fd, POLLIN, 0 };
		struct xs_msg_hdr h;
		char *body;
		int r = poll(&pfd, 1, timeout_ms);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return 0;
		r = read_msg(c, &h, &body);
		if (r)
			return r;
		if (h.type == XS_WATCH_EVENT)
			queue_watch(c, body, h.len);
		free(body); /* a stray reply: nothing is waiting for it */
	}
	struct watch_ev *e = c->head;

	c->head = e->next;
	if (!c->head)
		c->tail = NULL;
	*path = e->path;
	*token = e->token;
	free(e);
	return 1;
}
