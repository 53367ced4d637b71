/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the xenstored unit tests: encode, feed, decode. */
#ifndef XENSTORED_HELPERS_H
#define XENSTORED_HELPERS_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "xs_ring.h"
#include "xs_store.h"

/* Encode one message and feed it to @c (in one piece). */
static inline void xst_send(struct xs_conn *c, uint32_t type, uint32_t tx,
                            const void *payload, size_t len)
{
	char buf[sizeof(struct xs_msg_hdr) + 8192];
	struct xs_msg_hdr h = { type, 77, tx, (uint32_t)len };

	ck_assert_uint_le(len, 8192);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), payload, len);
	xs_conn_feed(c, buf, sizeof(h) + len);
}

/* Send "a\0b\0..." built from NUL-separated C strings (n of them). */
static inline void xst_sendv(struct xs_conn *c, uint32_t type, uint32_t tx,
                             unsigned n, const char *const *v)
{
	char buf[8192];
	size_t len = 0;

	for (unsigned i = 0; i < n; i++) {
		size_t l = strlen(v[i]) + 1;

		memcpy(buf + len, v[i], l);
		len += l;
	}
	xst_send(c, type, tx, buf, len);
}

#define XST_SEND(c, type, tx, ...)                                        \
	do {                                                                  \
		const char *const v_[] = { __VA_ARGS__ };                         \
		xst_sendv(c, type, tx, sizeof(v_) / sizeof(v_[0]), v_);           \
	} while (0)

struct xst_msg {
	struct xs_msg_hdr h;
	char p[XS_PAYLOAD_MAX + 1];
};

/* Pop the next message; fails the test if there is none. */
static inline struct xst_msg xst_pop(struct xs_conn *c)
{
	struct xst_msg m;

	ck_assert_msg(xs_conn_pop(c, &m.h, m.p, sizeof(m.p)), "no message queued");
	return m;
}

static inline void xst_expect_ok(struct xs_conn *c, uint32_t type)
{
	struct xst_msg m = xst_pop(c);

	ck_assert_msg(m.h.type == type, "type %u (%s), expected %u", m.h.type,
	              m.h.type == XS_ERROR ? m.p : "", type);
	ck_assert_uint_eq(m.h.len, 3);
	ck_assert_str_eq(m.p, "OK");
	ck_assert_uint_eq(m.h.req_id, 77);
}

static inline void xst_expect_err(struct xs_conn *c, const char *err)
{
	struct xst_msg m = xst_pop(c);

	ck_assert_msg(m.h.type == XS_ERROR, "type %u, expected error %s",
	              m.h.type, err);
	ck_assert_str_eq(m.p, err);
	ck_assert_uint_eq(m.h.len, strlen(err) + 1);
}

static inline void xst_expect_none(struct xs_conn *c)
{
	struct xs_msg_hdr h;

	ck_assert_msg(!xs_conn_pop(c, &h, NULL, 0), "unexpected message type %u",
	              h.type);
}

/* A backend that "maps" ordinary zeroed memory: guests in a test. */
static int xst_notifies;
static inline int xst_attach(void *ctx, uint32_t domid, uint64_t mfn,
                             uint32_t port, struct xs_ring_page **page,
                             void **handle)
{
	*page = calloc(1, sizeof(**page));
	*handle = NULL;
	return *page ? 0 : 12;
}
static inline void xst_notify(void *ctx, void *handle)
{
	xst_notifies++;
}
static inline void xst_detach(void *ctx, void *handle, struct xs_ring_page *p)
{
	free(p);
}
static const struct xs_ring_backend xst_backend = {
	"test", xst_attach, xst_notify, xst_detach,
};

#endif
