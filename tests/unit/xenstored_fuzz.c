// SPDX-License-Identifier: GPL-2.0-only
/*
 * Wire fuzzing of the XenStore core, bounded in time (about 3 s): random
 * and mutated messages from privileged and unprivileged connections,
 * fed in random fragment sizes. Under ASan/UBSan any memory error
 * aborts the test; we also check every reply is well formed and that the
 * store stays consistent.
 */
#include <stdio.h>
#include <time.h>

#include "xenstored_helpers.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static const char *const words[] = {
	"/", "/a", "/a/b", "/a/b/c", "/local/domain/5", "/local/domain/5/x",
	"rel", "rel/y", "@introduceDomain", "@releaseDomain", "/a//b", "/a/",
	"", "0", "5", "T", "F", "r5", "n0", "b5", "w0", "tok", "4096", "1",
	"99999999999999999999", "check", "quota",
};

/* A plausible message: known type, a few strings from the word list. */
static size_t make_msg(char *buf, struct xs_msg_hdr *h)
{
	size_t len = 0;
	unsigned n = rnd() % 4;

	h->type = rnd() % (XS_TYPE_COUNT + 2);
	h->req_id = rnd();
	h->tx_id = rnd() % 4 ? 0 : rnd() % 5;
	for (unsigned i = 0; i < n; i++) {
		const char *w = words[rnd() % (sizeof(words) / sizeof(words[0]))];
		size_t l = strlen(w) + 1;

		memcpy(buf + len, w, l);
		len += l;
	}
	return len;
}

static void mutate(char *buf, size_t *len, struct xs_msg_hdr *h)
{
	switch (rnd() % 6) {
	case 0: /* flip bytes */
		for (unsigned i = 0; i < 4 && *len; i++)
			buf[rnd() % *len] ^= (char)(1u << (rnd() % 8));
		break;
	case 1: /* drop the terminator */
		if (*len)
			(*len)--;
		break;
	case 2: /* random garbage payload */
		*len = rnd() % 200;
		for (size_t i = 0; i < *len; i++)
			buf[i] = (char)rnd();
		break;
	case 3: /* any type at all */
		h->type = rnd();
		break;
	case 4: /* a long path */
		*len = 1 + rnd() % (XS_PAYLOAD_MAX - 1);
		buf[0] = '/';
		memset(buf + 1, 'a' + rnd() % 26, *len - 1);
		if (rnd() % 2)
			buf[*len - 1] = '\0';
		break;
	default:
		break;
	}
}

static void check_reply(struct xs_conn *c)
{
	struct xs_msg_hdr h;
	static char p[XS_PAYLOAD_MAX + 1];

	while (xs_conn_pop(c, &h, p, sizeof(p))) {
		ck_assert_uint_le(h.len, XS_PAYLOAD_MAX);
		if (h.type == XS_ERROR) {
			ck_assert_uint_eq(h.len, strlen(p) + 1);
			ck_assert_int_eq(p[0], 'E');
		} else {
			ck_assert_uint_lt(h.type, XS_TYPE_COUNT);
		}
	}
}

static void count_nodes(struct xs_node *n, void *arg)
{
	(*(unsigned *)arg)++;
}

START_TEST(fuzz_wire)
{
	struct xs_quota q;
	struct xs_store *s;
	struct xs_conn *c[3];
	struct timespec t0, t;
	unsigned long iters = 0, drops = 0;
	static char buf[XS_PAYLOAD_MAX + 64];

	xs_quota_defaults(&q);
	q.nodes = 50;
	s = xs_store_new(&q);
	s->ring_be = &xst_backend;
	c[0] = xs_conn_new(s, NULL, NULL, 0, true);
	c[1] = xs_conn_new(s, NULL, NULL, 5, false);
	c[2] = xs_conn_new(s, NULL, NULL, 0, true);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct xs_msg_hdr h;
		size_t len = make_msg(buf + sizeof(h), &h), off = 0;
		unsigned who = rnd() % 3;

		if (rnd() % 3 == 0)
			mutate(buf + sizeof(h), &len, &h);
		h.len = (uint32_t)len;
		if (rnd() % 50 == 0)
			h.len = rnd(); /* lie about the length */
		memcpy(buf, &h, sizeof(h));
		len += sizeof(h);
		while (off < len) { /* random fragmentation */
			size_t n = 1 + rnd() % (len - off);

			xs_conn_feed(c[who], buf + off, n);
			off += n;
		}
		check_reply(c[who]);
		for (unsigned i = 0; i < 3; i++)
			check_reply(c[i]);
		if (c[who]->dead) {
			drops++;
			xs_conn_free(c[who]);
			c[who] = xs_conn_new(s, NULL, NULL, who == 1 ? 5 : 0, who != 1);
		}
		/* Domains' ring connections are fed nothing; drain and reap them. */
		for (struct xs_domain *d = s->domains; d; d = d->next)
			if (d->conn)
				check_reply(d->conn);
		xs_store_reap(s);
		iters++;
		if ((iters & 255) == 0) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			if (t.tv_sec - t0.tv_sec >= 3)
				break;
		}
	}
	{
		unsigned n = 0;

		xs_node_walk(s->tree->root, count_nodes, &n);
		ck_assert_uint_eq(n, s->tree->nnodes);
	}
	fprintf(stderr, "fuzz: %lu messages, %lu disconnects, %u nodes\n", iters,
	        drops, s->tree->nnodes);
	ck_assert_uint_gt(iters, 1000);
	ck_assert_uint_gt(drops, 0); /* the lying lengths must have hit */
	xs_store_free(s);
}
END_TEST

Suite *xenstored_fuzz_suite(void);
Suite *xenstored_fuzz_suite(void)
{
	Suite *su = suite_create("xenstored-fuzz");
	TCase *tc = tcase_create("fuzz");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, fuzz_wire);
	suite_add_tcase(su, tc);
	return su;
}
