// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pure console logic (see xc_console.h). The ring itself is handled by
 * cons_backend (ioring/), which reads the guest's indices once per call
 * and refuses impossible ones; this file decides where the bytes go.
 */
#include "xc_console.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool xc_buf_append(struct xc_buf *b, const char *s, size_t n)
{
	size_t max = b->max ? b->max : XC_OUTBUF_MAX;

	if (n >= max) {
		/* Only the newest max bytes can survive. */
		b->dropped += b->len + (n - max);
		b->len = 0;
		s += n - max;
		n = max;
	} else if (b->len + n > max) {
		size_t drop = b->len + n - max;

		xc_buf_consume(b, drop);
		b->dropped += drop;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->len + n)
			cap *= 2;
		if (cap > max)
			cap = max;
		p = realloc(b->data, cap);
		if (!p)
			return false;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	return true;
}

void xc_buf_consume(struct xc_buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
}

void xc_buf_free(struct xc_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int xc_console_path(char *buf, size_t sz, uint32_t domid, const char *leaf)
{
	int n = leaf ? snprintf(buf, sz, "/local/domain/%u/console/%s", domid, leaf)
	             : snprintf(buf, sz, "/local/domain/%u/console", domid);

	return n < 0 || (size_t)n >= sz ? -1 : n;
}

int xc_log_path(char *buf, size_t sz, const char *dir, const char *name,
                uint32_t domid)
{
	char safe[64];
	size_t i;
	int n;

	for (i = 0; name && name[i] && i < sizeof(safe) - 1; i++) {
		unsigned char ch = (unsigned char)name[i];

		safe[i] = (ch == '/' || ch < 0x20 || ch == 0x7f) ? '_' : (char)ch;
	}
	safe[i] = '\0';
	if (i == 0 || strcmp(safe, ".") == 0 || strcmp(safe, "..") == 0)
		snprintf(safe, sizeof(safe), "%u", domid);
	n = snprintf(buf, sz, "%s/guest-%s.log", dir, safe);
	return n < 0 || (size_t)n >= sz ? -1 : n;
}

bool xc_parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (x > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return false;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return true;
}

void xc_console_init(struct xc_console *c, uint32_t domid, const char *name,
                     void *page, int log_fd)
{
	memset(c, 0, sizeof(*c));
	c->domid = domid;
	snprintf(c->name, sizeof(c->name), "%s", name ? name : "");
	c->page = page;
	c->log_fd = log_fd;
	c->out.max = XC_OUTBUF_MAX;
	cons_backend_init(&c->be, page);
}

static void sink(void *ctx, const char *s, size_t n)
{
	struct xc_console *c = ctx;

	if (c->log_fd >= 0) {
		size_t off = 0;

		while (off < n) {
			ssize_t w = write(c->log_fd, s + off, n - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break; /* a full disk loses log lines, not the console */
			off += (size_t)w;
		}
	}
	xc_buf_append(&c->out, s, n);
}

size_t xc_console_take_output(struct xc_console *c, bool *corrupt)
{
	return cons_backend_drain(&c->be, sink, c, corrupt);
}

struct src {
	struct xc_console *c;
	size_t pos;
};

static int source(void *ctx)
{
	struct src *s = ctx;

	if (s->pos >= s->c->in_len)
		return -1;
	return (unsigned char)s->c->in[s->pos++];
}

size_t xc_console_give_input(struct xc_console *c, bool *corrupt)
{
	struct src s = { c, 0 };
	size_t n = cons_backend_feed(&c->be, source, &s, corrupt);

	/* feed takes a byte only when it fits, so s.pos == n. */
	memmove(c->in, c->in + s.pos, c->in_len - s.pos);
	c->in_len -= s.pos;
	return n;
}

void xc_console_fini(struct xc_console *c)
{
	xc_buf_free(&c->out);
}
