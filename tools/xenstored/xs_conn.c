// SPDX-License-Identifier: GPL-2.0-only
/*
 * Connections: message framing on input, the output queue, and flow
 * control. The same code serves unix sockets, guest rings and the
 * in-memory connections of the unit tests; only xs_conn_ops differ.
 */
#include "xs_store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Privileged clients get a larger backlog before we give up on them. */
#define PRIV_OUTQ_FACTOR 16

void xs_log(struct xs_store *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->verbose)
		return;
	va_start(ap, fmt);
	fputs("mica-xenstored: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

struct xs_conn *xs_conn_new(struct xs_store *s, const struct xs_conn_ops *ops,
                            void *priv, uint32_t domid, bool privileged)
{
	struct xs_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->store = s;
	c->ops = ops;
	c->priv = priv;
	c->domid = domid;
	c->privileged = privileged;
	c->next = s->conns;
	s->conns = c;
	return c;
}

void xs_conn_free(struct xs_conn *c)
{
	struct xs_conn **pp;
	struct xs_outmsg *m, *next;

	for (pp = &c->store->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	xs_watch_clear(c);
	xs_txn_clear(c);
	for (m = c->out_head; m; m = next) {
		next = m->next;
		free(m);
	}
	if (c->dom && c->dom->conn == c)
		c->dom->conn = NULL;
	if (c->ops && c->ops->release)
		c->ops->release(c);
	free(c);
}

void xs_conn_kill(struct xs_conn *c, const char *why)
{
	if (!c->dead)
		xs_log(c->store, "dropping connection (domid %u): %s", c->domid, why);
	c->dead = true;
	c->why = why;
}

void xs_conn_send(struct xs_conn *c, uint32_t type, uint32_t req_id,
                  uint32_t tx_id, const void *data, size_t len, bool reply)
{
	struct xs_msg_hdr h = { type, req_id, tx_id, (uint32_t)len };
	size_t limit = c->store->q.outq_bytes;
	struct xs_outmsg *m;

	if (c->dead)
		return;
	if (c->privileged)
		limit *= PRIV_OUTQ_FACTOR;
	/*
	 * A client that never reads would make us buffer watch events
	 * forever; past the limit it is disconnected rather than allowed to
	 * exhaust the daemon's memory.
	 */
	if (c->out_bytes + sizeof(h) + len > limit) {
		xs_conn_kill(c, "output backlog too large");
		return;
	}
	m = malloc(sizeof(*m) + sizeof(h) + len);
	if (!m) {
		xs_conn_kill(c, "out of memory");
		return;
	}
	m->next = NULL;
	m->is_reply = reply;
	m->len = sizeof(h) + len;
	memcpy(m->data, &h, sizeof(h));
	if (len)
		memcpy(m->data + sizeof(h), data, len);
	if (c->out_tail)
		c->out_tail->next = m;
	else
		c->out_head = m;
	c->out_tail = m;
	c->out_bytes += m->len;
	if (reply)
		c->out_replies++;
}

static void pop_head(struct xs_conn *c)
{
	struct xs_outmsg *m = c->out_head;

	c->out_head = m->next;
	if (!c->out_head)
		c->out_tail = NULL;
	c->out_bytes -= m->len;
	if (m->is_reply)
		c->out_replies--;
	c->out_off = 0;
	free(m);
}

bool xs_conn_pop(struct xs_conn *c, struct xs_msg_hdr *h, char *payload,
                 size_t sz)
{
	struct xs_outmsg *m = c->out_head;
	size_t plen;

	if (!m)
		return false;
	memcpy(h, m->data, sizeof(*h));
	plen = m->len - sizeof(*h);
	if (payload && sz) {
		size_t n = plen < sz - 1 ? plen : sz - 1;

		memcpy(payload, m->data + sizeof(*h), n);
		payload[n] = '\0';
	}
	pop_head(c);
	return true;
}

bool xs_conn_flush(struct xs_conn *c)
{
	if (!c->ops)
		return true;
	while (c->out_head) {
		struct xs_outmsg *m = c->out_head;
		long n = c->ops->write(c, m->data + c->out_off, m->len - c->out_off);

		if (n < 0) {
			xs_conn_kill(c, "write failed");
			return false;
		}
		if (n == 0)
			return true;
		c->out_off += (size_t)n;
		if (c->out_off == m->len)
			pop_head(c);
	}
	return true;
}

bool xs_conn_wants_input(const struct xs_conn *c)
{
	return !c->dead && c->out_replies < c->store->q.outstanding;
}

void xs_conn_feed(struct xs_conn *c, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len && !c->dead) {
		if (!c->in_payload) {
			size_t n = sizeof(c->hdrbuf) - c->hdr_have;

			if (n > len)
				n = len;
			memcpy(c->hdrbuf + c->hdr_have, p, n);
			c->hdr_have += n;
			p += n;
			len -= n;
			if (c->hdr_have < sizeof(c->hdrbuf))
				break;
			memcpy(&c->hdr, c->hdrbuf, sizeof(c->hdr));
			c->hdr_have = 0;
			/*
			 * An oversized length cannot be skipped safely (we would
			 * have to trust it to find the next header), so the
			 * stream is beyond repair: disconnect, as Xen does.
			 */
			if (c->hdr.len > XS_PAYLOAD_MAX) {
				xs_conn_kill(c, "payload too long");
				break;
			}
			c->in_payload = true;
			c->pay_have = 0;
		}
		if (c->pay_have < c->hdr.len) {
			size_t n = c->hdr.len - c->pay_have;

			if (n > len)
				n = len;
			memcpy(c->payload + c->pay_have, p, n);
			c->pay_have += n;
			p += n;
			len -= n;
		}
		if (c->pay_have == c->hdr.len) {
			/* Guard byte so handlers can never run off the end. */
			c->payload[c->hdr.len] = '\0';
			c->in_payload = false;
			xs_process(c, &c->hdr, c->payload);
		}
	}
}

void xs_conn_pump_in(struct xs_conn *c)
{
	char buf[XS_PAYLOAD_MAX];

	if (!c->ops)
		return;
	while (xs_conn_wants_input(c)) {
		/*
		 * Read at most one header or the rest of one payload so a
		 * flood of pipelined requests stops at the backlog limit.
		 */
		size_t want = c->in_payload ? c->hdr.len - c->pay_have
		                            : sizeof(c->hdrbuf) - c->hdr_have;
		long n;

		if (want == 0)
			want = 1;
		n = c->ops->read(c, buf, want);
		if (n < 0) {
			xs_conn_kill(c, "connection closed");
			return;
		}
		if (n == 0)
			return;
		xs_conn_feed(c, buf, (size_t)n);
	}
}
