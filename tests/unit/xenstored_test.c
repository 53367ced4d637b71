// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the XenStore daemon core: requests are encoded as on
 * the wire, fed to in-memory connections and the replies decoded.
 */
#include <errno.h>
#include <stdio.h>

#include "xenstored_helpers.h"

Suite *xenstored_fuzz_suite(void);

static struct xs_store *s;
static struct xs_conn *d0; /* dom0 tool */
static struct xs_conn *g5; /* unprivileged guest, domid 5 */

static void setup(void)
{
	s = xs_store_new(NULL);
	d0 = xs_conn_new(s, NULL, NULL, 0, true);
	g5 = xs_conn_new(s, NULL, NULL, 5, false);
}

static void teardown(void)
{
	xs_store_free(s);
}

static void write_ok(struct xs_conn *c, const char *path, const char *val)
{
	char buf[4096];
	size_t pl = strlen(path) + 1;

	memcpy(buf, path, pl);
	memcpy(buf + pl, val, strlen(val));
	xst_send(c, XS_WRITE, 0, buf, pl + strlen(val));
	xst_expect_ok(c, XS_WRITE);
}

static void expect_read(struct xs_conn *c, uint32_t tx, const char *path,
                        const char *val)
{
	struct xst_msg m;

	XST_SEND(c, XS_READ, tx, path);
	m = xst_pop(c);
	ck_assert_msg(m.h.type == XS_READ, "read %s: %s", path, m.p);
	ck_assert_uint_eq(m.h.len, strlen(val)); /* no terminator on values */
	ck_assert_str_eq(m.p, val);
}

static void expect_event(struct xs_conn *c, const char *path, const char *tok)
{
	struct xst_msg m = xst_pop(c);

	ck_assert_uint_eq(m.h.type, XS_WATCH_EVENT);
	ck_assert_str_eq(m.p, path);
	ck_assert_str_eq(m.p + strlen(path) + 1, tok);
	ck_assert_uint_eq(m.h.len, strlen(path) + strlen(tok) + 2);
}

static void chmod_ok(struct xs_conn *c, const char *path, const char *p1,
                     const char *p2)
{
	if (p2)
		XST_SEND(c, XS_SET_PERMS, 0, path, p1, p2);
	else
		XST_SEND(c, XS_SET_PERMS, 0, path, p1);
	xst_expect_ok(c, XS_SET_PERMS);
}

/* Give guest 5 its home directory, as the toolstack would. */
static void home5(void)
{
	XST_SEND(d0, XS_MKDIR, 0, "/local/domain/5");
	xst_expect_ok(d0, XS_MKDIR);
	chmod_ok(d0, "/local/domain/5", "n5", NULL);
}

/* ---- protocol basics ---- */

extern const unsigned long xen_xs_abi[];
extern const unsigned xen_xs_abi_count;
extern const struct xsd_errors {
	int errnum;
	const char *errstring;
} *xen_xs_errors;
extern const unsigned xen_xs_nerrors;

START_TEST(abi_matches_xen)
{
	const unsigned long ours[] = {
		XS_CONTROL, XS_DIRECTORY, XS_READ, XS_GET_PERMS, XS_WATCH, XS_UNWATCH,
		XS_TRANSACTION_START, XS_TRANSACTION_END, XS_INTRODUCE, XS_RELEASE,
		XS_GET_DOMAIN_PATH, XS_WRITE, XS_MKDIR, XS_RM, XS_SET_PERMS,
		XS_WATCH_EVENT, XS_ERROR, XS_IS_DOMAIN_INTRODUCED, XS_RESUME,
		XS_SET_TARGET, XS_RESET_WATCHES, XS_DIRECTORY_PART, XS_TYPE_COUNT,
		sizeof(struct xs_msg_hdr), XS_PAYLOAD_MAX, XS_ABS_PATH_MAX,
		XS_REL_PATH_MAX, XS_RING_SIZE, sizeof(struct xs_ring_page),
		offsetof(struct xs_ring_page, rsp),
		offsetof(struct xs_ring_page, req_cons),
		offsetof(struct xs_ring_page, rsp_prod),
		offsetof(struct xs_ring_page, server_features),
		offsetof(struct xs_ring_page, error),
		XS_FEATURE_ERROR, XS_RING_ERROR_RINGIDX,
	};

	ck_assert_uint_eq(sizeof(ours) / sizeof(ours[0]), xen_xs_abi_count);
	for (unsigned i = 0; i < xen_xs_abi_count; i++)
		ck_assert_msg(ours[i] == xen_xs_abi[i], "entry %u: %lu != xen %lu", i,
		              ours[i], xen_xs_abi[i]);
	for (unsigned i = 0; i < xen_xs_nerrors; i++)
		ck_assert_str_eq(xs_errstr(xen_xs_errors[i].errnum),
		                 xen_xs_errors[i].errstring);
}
END_TEST

START_TEST(write_read_dir_rm)
{
	struct xst_msg m;

	write_ok(d0, "/a/b/c", "hello");
	expect_read(d0, 0, "/a/b/c", "hello");
	expect_read(d0, 0, "/a/b", ""); /* created implicitly, empty */
	write_ok(d0, "/a/x", "1");
	XST_SEND(d0, XS_DIRECTORY, 0, "/a");
	m = xst_pop(d0);
	ck_assert_uint_eq(m.h.type, XS_DIRECTORY);
	ck_assert_uint_eq(m.h.len, 4);
	ck_assert_mem_eq(m.p, "b\0x\0", 4);
	XST_SEND(d0, XS_MKDIR, 0, "/a/b");
	xst_expect_ok(d0, XS_MKDIR); /* existing: fine */
	XST_SEND(d0, XS_MKDIR, 0, "/m");
	xst_expect_ok(d0, XS_MKDIR);
	expect_read(d0, 0, "/m", "");
	XST_SEND(d0, XS_RM, 0, "/a/b");
	xst_expect_ok(d0, XS_RM);
	XST_SEND(d0, XS_READ, 0, "/a/b/c");
	xst_expect_err(d0, "ENOENT");
	XST_SEND(d0, XS_RM, 0, "/a/b"); /* gone, parent exists: OK */
	xst_expect_ok(d0, XS_RM);
	XST_SEND(d0, XS_RM, 0, "/q/r"); /* no parent: ENOENT */
	xst_expect_err(d0, "ENOENT");
	XST_SEND(d0, XS_RM, 0, "/");
	xst_expect_err(d0, "EINVAL");
	ck_assert_uint_eq(s->tree->nnodes, 4); /* / /a /a/x /m */
	xst_expect_none(d0);
}
END_TEST

START_TEST(binary_value_and_empty)
{
	static const char msg[] = "/bin\0a\0b\xff";
	struct xst_msg m;

	xst_send(d0, XS_WRITE, 0, msg, sizeof(msg) - 1);
	xst_expect_ok(d0, XS_WRITE);
	XST_SEND(d0, XS_READ, 0, "/bin");
	m = xst_pop(d0);
	ck_assert_uint_eq(m.h.len, 4);
	ck_assert_mem_eq(m.p, "a\0b\xff", 4);
}
END_TEST

START_TEST(path_rules)
{
	char longp[XS_PATH_BUF + 10];
	static const char *const bad[] = { "/a//b", "/a/", "/a b", "/a\\b",
	                                   "/a.b", "@x", "" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		XST_SEND(d0, XS_READ, 0, bad[i]);
		xst_expect_err(d0, "EINVAL");
	}
	/* 2048 characters below a domain's home are fine, 2049 are not. */
	strcpy(longp, "/local/domain/7/");
	memset(longp + 16, 'x', 2048);
	longp[16 + 2048] = '\0';
	XST_SEND(d0, XS_MKDIR, 0, longp);
	xst_expect_ok(d0, XS_MKDIR);
	strcat(longp, "y");
	XST_SEND(d0, XS_MKDIR, 0, longp);
	xst_expect_err(d0, "EINVAL");
	/* Relative paths resolve against /local/domain/<domid>. */
	write_ok(d0, "rel", "zero");
	expect_read(d0, 0, "/local/domain/0/rel", "zero");
	home5();
	write_ok(g5, "data", "five");
	expect_read(d0, 0, "/local/domain/5/data", "five");
}
END_TEST

START_TEST(malformed_messages)
{
	struct xs_msg_hdr h = { XS_READ, 1, 0, 0 };
	struct xst_msg m;

	XST_SEND(d0, 20, 0, "/x"); /* XS_RESTRICT: removed */
	xst_expect_err(d0, "EINVAL");
	XST_SEND(d0, 999, 0, "/x");
	xst_expect_err(d0, "EINVAL");
	XST_SEND(d0, XS_WATCH_EVENT, 0, "/x", "t");
	xst_expect_err(d0, "EINVAL");
	XST_SEND(d0, XS_ERROR, 0, "EINVAL");
	xst_expect_err(d0, "EINVAL");
	xst_send(d0, XS_READ, 0, "/x", 2); /* no NUL */
	xst_expect_err(d0, "EINVAL");
	xst_send(d0, XS_READ, 0, "/x\0junk", 7); /* trailing bytes */
	xst_expect_err(d0, "EINVAL");
	xst_send(d0, XS_WRITE, 0, "/novalue", 8);
	xst_expect_err(d0, "EINVAL");
	XST_SEND(d0, XS_WATCH, 0, "/only-path");
	xst_expect_err(d0, "EINVAL");
	xst_send(d0, XS_READ, 0, "", 0);
	xst_expect_err(d0, "EINVAL");
	/* Header split across feeds, payload byte by byte: still parsed. */
	h.len = 3;
	for (size_t i = 0; i < sizeof(h); i++)
		xs_conn_feed(d0, (char *)&h + i, 1);
	xs_conn_feed(d0, "/", 1);
	xs_conn_feed(d0, "\0", 1);
	xst_expect_none(d0);
	xs_conn_feed(d0, "", 0);
	xst_expect_none(d0);
	xs_conn_feed(d0, "/\0", 1);
	xst_expect_err(d0, "EINVAL"); /* "/\0\0" is two strings */
	ck_assert(!d0->dead);
	/* An oversized length cannot be resynchronised: disconnect. */
	h.len = XS_PAYLOAD_MAX + 1;
	xs_conn_feed(d0, &h, sizeof(h));
	ck_assert(d0->dead);
	XST_SEND(d0, XS_READ, 0, "/");
	m.h.type = 0;
	ck_assert(!xs_conn_pop(d0, &m.h, m.p, sizeof(m.p)));
}
END_TEST

START_TEST(reply_echoes_ids_and_e2big)
{
	struct xs_msg_hdr h = { XS_GET_DOMAIN_PATH, 0xabcdef, 0, 3 };
	struct xst_msg m;
	char name[64];

	xs_conn_feed(d0, &h, sizeof(h));
	xs_conn_feed(d0, "12\0", 3);
	m = xst_pop(d0);
	ck_assert_uint_eq(m.h.req_id, 0xabcdef);
	ck_assert_str_eq(m.p, "/local/domain/12");
	ck_assert_uint_eq(m.h.len, 17);
	/* A directory listing longer than a payload is E2BIG. */
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "/big/child-number-%04d", i);
		XST_SEND(d0, XS_MKDIR, 0, name);
		xst_expect_ok(d0, XS_MKDIR);
	}
	XST_SEND(d0, XS_DIRECTORY, 0, "/big");
	xst_expect_err(d0, "E2BIG");
}
END_TEST

START_TEST(directory_part)
{
	char name[64], all[16384];
	size_t alllen = 0, off = 0;
	unsigned parts = 0;

	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "/big/child-number-%04d", i);
		XST_SEND(d0, XS_MKDIR, 0, name);
		xst_expect_ok(d0, XS_MKDIR);
	}
	for (;;) {
		char offs[16];
		struct xst_msg m;
		size_t glen, pos;

		snprintf(offs, sizeof(offs), "%zu", off);
		XST_SEND(d0, XS_DIRECTORY_PART, 0, "/big", offs);
		m = xst_pop(d0);
		ck_assert_uint_eq(m.h.type, XS_DIRECTORY_PART);
		glen = strlen(m.p) + 1;
		ck_assert_uint_gt(glen, 1); /* the generation */
		parts++;
		for (pos = glen; pos < m.h.len && m.p[pos]; pos += strlen(m.p + pos) + 1) {
			memcpy(all + alllen, m.p + pos, strlen(m.p + pos) + 1);
			alllen += strlen(m.p + pos) + 1;
			off += strlen(m.p + pos) + 1;
		}
		if (pos < m.h.len) { /* empty string: end of list */
			ck_assert_uint_eq(pos + 1, m.h.len);
			break;
		}
		ck_assert_uint_lt(parts, 10);
	}
	ck_assert_uint_ge(parts, 2);
	ck_assert_uint_eq(alllen, 300 * 18);
	ck_assert_str_eq(all + 299 * 18, "child-number-0299");
	XST_SEND(d0, XS_DIRECTORY_PART, 0, "/big", "x");
	xst_expect_err(d0, "EINVAL");
}
END_TEST

/* ---- permissions ---- */

START_TEST(permissions)
{
	struct xst_msg m;

	write_ok(d0, "/p/node", "v");
	XST_SEND(g5, XS_READ, 0, "/p/node"); /* inherits root's n0 */
	xst_expect_err(g5, "EACCES");
	chmod_ok(d0, "/p/node", "n0", "r5");
	expect_read(g5, 0, "/p/node", "v");
	write_ok(d0, "/p/node", "v2"); /* dom0 is privileged */
	XST_SEND(g5, XS_WRITE, 0, "/p/node", "x");
	xst_expect_err(g5, "EACCES");
	XST_SEND(g5, XS_GET_PERMS, 0, "/p/node");
	m = xst_pop(g5);
	ck_assert_uint_eq(m.h.len, 6);
	ck_assert_mem_eq(m.p, "n0\0r5\0", 6);
	/* Default (first entry) applies to unlisted domains. */
	chmod_ok(d0, "/p/node", "r0", NULL);
	expect_read(g5, 0, "/p/node", "v2");
	/* Creating needs write on the parent; the guest owns what it creates. */
	XST_SEND(g5, XS_WRITE, 0, "/p/mine", "x");
	xst_expect_err(g5, "EACCES");
	chmod_ok(d0, "/p", "n0", "w5");
	write_ok(g5, "/p/mine/deep", "x");
	XST_SEND(d0, XS_GET_PERMS, 0, "/p/mine/deep");
	m = xst_pop(d0);
	ck_assert_mem_eq(m.p, "n5\0w5\0", 6);
	/* Owner may share but not give away; others may not chmod at all. */
	chmod_ok(g5, "/p/mine", "n5", "r7");
	XST_SEND(g5, XS_SET_PERMS, 0, "/p/mine", "n7");
	xst_expect_err(g5, "EPERM");
	XST_SEND(g5, XS_SET_PERMS, 0, "/p/node", "b5");
	xst_expect_err(g5, "EACCES");
	/* Children of a dom0-created node inherit its perms unchanged. */
	chmod_ok(d0, "/p", "n0", "b5");
	write_ok(d0, "/p/tool/x", "1");
	XST_SEND(d0, XS_GET_PERMS, 0, "/p/tool/x");
	m = xst_pop(d0);
	ck_assert_mem_eq(m.p, "n0\0b5\0", 6);
	/* Malformed permission lists. */
	static const char *const bad[] = { "x0", "r", "r-1", "r 1", "r99999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		XST_SEND(d0, XS_SET_PERMS, 0, "/p", bad[i]);
		xst_expect_err(d0, "EINVAL");
	}
	XST_SEND(d0, XS_SET_PERMS, 0, "/p");
	xst_expect_err(d0, "EINVAL");
	XST_SEND(d0, XS_SET_PERMS, 0, "/nonexistent", "n0");
	xst_expect_err(d0, "ENOENT");
	/* rm needs write on the node. */
	XST_SEND(g5, XS_RM, 0, "/p/node");
	xst_expect_err(g5, "EACCES");
}
END_TEST

START_TEST(set_target_grants_access)
{
	s->ring_be = &xst_backend;
	XST_SEND(d0, XS_INTRODUCE, 0, "8", "1234", "3");
	xst_expect_ok(d0, XS_INTRODUCE);
	XST_SEND(d0, XS_INTRODUCE, 0, "9", "1235", "4");
	xst_expect_ok(d0, XS_INTRODUCE);
	struct xs_conn *g9 = xs_domain_find(s, 9)->conn;

	write_ok(d0, "/t8/x", "secret");
	chmod_ok(d0, "/t8/x", "n8", NULL);
	XST_SEND(g9, XS_READ, 0, "/t8/x");
	xst_expect_err(g9, "EACCES");
	XST_SEND(d0, XS_SET_TARGET, 0, "9", "8");
	xst_expect_ok(d0, XS_SET_TARGET);
	expect_read(g9, 0, "/t8/x", "secret");
	XST_SEND(d0, XS_SET_TARGET, 0, "9", "42");
	xst_expect_err(d0, "ENOENT");
	XST_SEND(g9, XS_SET_TARGET, 0, "9", "8");
	xst_expect_err(g9, "EACCES");
}
END_TEST

/* ---- watches ---- */

START_TEST(watch_basic)
{
	/* A second tool watches, so its queue holds only events. */
	struct xs_conn *w = xs_conn_new(s, NULL, NULL, 0, true);

	XST_SEND(w, XS_WATCH, 0, "/w", "tok");
	xst_expect_ok(w, XS_WATCH);
	expect_event(w, "/w", "tok"); /* the initial event */
	write_ok(d0, "/w", "1"); /* create */
	expect_event(w, "/w", "tok");
	write_ok(d0, "/w", "2"); /* modify */
	expect_event(w, "/w", "tok");
	write_ok(d0, "/w/sub/leaf", "3"); /* descendant */
	expect_event(w, "/w/sub/leaf", "tok");
	write_ok(d0, "/other", "x"); /* unrelated, and /wx is no child */
	write_ok(d0, "/wx", "x");
	xst_expect_none(w);
	chmod_ok(d0, "/w/sub", "n0", NULL);
	expect_event(w, "/w/sub", "tok");
	XST_SEND(d0, XS_RM, 0, "/w");
	xst_expect_ok(d0, XS_RM);
	expect_event(w, "/w", "tok");
	xst_expect_none(w);
	XST_SEND(w, XS_WATCH, 0, "/w", "tok");
	xst_expect_err(w, "EEXIST");
	XST_SEND(w, XS_UNWATCH, 0, "/w", "tok");
	xst_expect_ok(w, XS_UNWATCH);
	XST_SEND(w, XS_UNWATCH, 0, "/w", "tok");
	xst_expect_err(w, "ENOENT");
	write_ok(d0, "/w", "again");
	xst_expect_none(w);
}
END_TEST

START_TEST(watch_subtree_delete_and_other_conn)
{
	write_ok(d0, "/t/a/b", "1");
	XST_SEND(g5, XS_WATCH, 0, "/t/a/b", "deep");
	xst_expect_ok(g5, XS_WATCH);
	expect_event(g5, "/t/a/b", "deep");
	chmod_ok(d0, "/t/a/b", "r0", NULL); /* readable by guest now */
	expect_event(g5, "/t/a/b", "deep");
	XST_SEND(d0, XS_RM, 0, "/t");
	xst_expect_ok(d0, XS_RM);
	expect_event(g5, "/t/a/b", "deep"); /* a watched descendant went away */
	xst_expect_none(g5);
	/* The guest does not hear of nodes it cannot read. */
	write_ok(d0, "/t/a/b", "hidden");
	xst_expect_none(g5);
}
END_TEST

START_TEST(watch_relative_and_reset)
{
	home5();
	XST_SEND(g5, XS_WATCH, 0, "device", "rel");
	xst_expect_ok(g5, XS_WATCH);
	expect_event(g5, "device", "rel");
	write_ok(d0, "/local/domain/5/device/vif/0", "x");
	expect_event(g5, "device/vif/0", "rel");
	XST_SEND(g5, XS_WATCH, 0, "/local/domain/5/device", "abs");
	xst_expect_ok(g5, XS_WATCH);
	expect_event(g5, "/local/domain/5/device", "abs");
	/* Xen queues a writer's own events before its reply. */
	XST_SEND(g5, XS_WRITE, 0, "device/x", "y");
	expect_event(g5, "device/x", "rel");
	expect_event(g5, "/local/domain/5/device/x", "abs");
	xst_expect_ok(g5, XS_WRITE);
	xst_send(g5, XS_RESET_WATCHES, 0, "", 0);
	xst_expect_ok(g5, XS_RESET_WATCHES);
	write_ok(g5, "device/x", "z");
	xst_expect_none(g5);
}
END_TEST

START_TEST(special_watches_and_domains)
{
	struct xst_msg m;

	XST_SEND(d0, XS_WATCH, 0, "@introduceDomain", "in");
	xst_expect_ok(d0, XS_WATCH);
	expect_event(d0, "@introduceDomain", "in");
	XST_SEND(d0, XS_WATCH, 0, "@releaseDomain", "out");
	xst_expect_ok(d0, XS_WATCH);
	expect_event(d0, "@releaseDomain", "out");
	XST_SEND(d0, XS_WATCH, 0, "/", "root"); /* must not see specials */
	xst_expect_ok(d0, XS_WATCH);
	expect_event(d0, "/", "root");
	/* No ring backend: introduce cannot map anything. */
	XST_SEND(d0, XS_INTRODUCE, 0, "3", "4096", "7");
	xst_expect_err(d0, "ENOSYS");
	s->ring_be = &xst_backend;
	XST_SEND(g5, XS_INTRODUCE, 0, "3", "4096", "7");
	xst_expect_err(g5, "EACCES");
	XST_SEND(d0, XS_INTRODUCE, 0, "3", "4096", "x");
	xst_expect_err(d0, "EINVAL");
	XST_SEND(d0, XS_INTRODUCE, 0, "3", "4096", "7");
	expect_event(d0, "@introduceDomain", "in");
	xst_expect_ok(d0, XS_INTRODUCE);
	XST_SEND(d0, XS_INTRODUCE, 0, "3", "4096", "8"); /* rebind */
	xst_expect_ok(d0, XS_INTRODUCE);
	XST_SEND(d0, XS_INTRODUCE, 0, "3", "9999", "8");
	xst_expect_err(d0, "EEXIST");
	XST_SEND(d0, XS_IS_DOMAIN_INTRODUCED, 0, "3");
	m = xst_pop(d0);
	ck_assert_str_eq(m.p, "T");
	XST_SEND(d0, XS_IS_DOMAIN_INTRODUCED, 0, "4");
	m = xst_pop(d0);
	ck_assert_str_eq(m.p, "F");
	XST_SEND(d0, XS_RESUME, 0, "3");
	xst_expect_ok(d0, XS_RESUME);
	XST_SEND(d0, XS_RESUME, 0, "4");
	xst_expect_err(d0, "ENOENT");
	XST_SEND(d0, XS_RELEASE, 0, "3");
	expect_event(d0, "@releaseDomain", "out");
	xst_expect_ok(d0, XS_RELEASE);
	xs_store_reap(s);
	ck_assert_ptr_null(xs_domain_find(s, 3));
	XST_SEND(d0, XS_RELEASE, 0, "3");
	xst_expect_err(d0, "ENOENT");
	xst_expect_none(d0);
}
END_TEST

/* VIRQ_DOM_EXC handling: shutdown fires once, death releases. */
START_TEST(domain_cleanup_after_dom_exc)
{
	s->ring_be = &xst_backend;
	XST_SEND(d0, XS_INTRODUCE, 0, "3", "4096", "7");
	xst_expect_ok(d0, XS_INTRODUCE);
	XST_SEND(d0, XS_INTRODUCE, 0, "4", "4097", "7");
	xst_expect_ok(d0, XS_INTRODUCE);
	XST_SEND(d0, XS_WATCH, 0, "@releaseDomain", "out");
	xst_expect_ok(d0, XS_WATCH);
	expect_event(d0, "@releaseDomain", "out");

	struct xs_dominfo all[] = { { 0, false, false }, { 3, false, false },
	                            { 4, false, false } };
	xs_domain_cleanup(s, all, 3);          /* nothing changed */
	xst_expect_none(d0);
	all[1].shutdown = true;                /* 3 shuts down: one event */
	xs_domain_cleanup(s, all, 3);
	expect_event(d0, "@releaseDomain", "out");
	xs_domain_cleanup(s, all, 3);
	xst_expect_none(d0);
	ck_assert_ptr_nonnull(xs_domain_find(s, 3));
	all[1].dying = true;                   /* 3 dying, 4 vanished */
	xs_domain_cleanup(s, all, 2);
	expect_event(d0, "@releaseDomain", "out");
	expect_event(d0, "@releaseDomain", "out");
	xst_expect_none(d0);
	xs_store_reap(s);
	ck_assert_ptr_null(xs_domain_find(s, 3));
	ck_assert_ptr_null(xs_domain_find(s, 4));
	xs_domain_cleanup(s, NULL, 0);         /* dom0 never goes */
	xst_expect_none(d0);
	XST_SEND(d0, XS_RELEASE, 0, "0");      /* nor by request (as Xen) */
	xst_expect_err(d0, "EINVAL");
	XST_SEND(d0, XS_RESUME, 0, "0");
	xst_expect_err(d0, "EINVAL");
}
END_TEST

/* ---- transactions ---- */

static uint32_t tx_start(struct xs_conn *c)
{
	struct xst_msg m;

	xst_send(c, XS_TRANSACTION_START, 0, "", 1);
	m = xst_pop(c);
	ck_assert_uint_eq(m.h.type, XS_TRANSACTION_START);
	return (uint32_t)strtoul(m.p, NULL, 10);
}

static void tx_write(struct xs_conn *c, uint32_t tx, const char *p,
                     const char *v)
{
	XST_SEND(c, XS_WRITE, tx, p, v);
	/* XST_SEND terminates the value too; the store keeps the bytes given */
	xst_expect_ok(c, XS_WRITE);
}

START_TEST(txn_commit_and_isolation)
{
	uint32_t t;

	write_ok(d0, "/watched", "0");
	t = tx_start(d0);
	ck_assert_uint_ne(t, 0);
	XST_SEND(g5, XS_WATCH, 0, "/", "all");
	xst_expect_ok(g5, XS_WATCH);
	expect_event(g5, "/", "all");
	chmod_ok(d0, "/watched", "r0", NULL);
	expect_event(g5, "/watched", "all");
	tx_write(d0, t, "/tx/a", "1");
	XST_SEND(d0, XS_READ, 0, "/tx/a"); /* not visible outside yet */
	xst_expect_err(d0, "ENOENT");
	xst_expect_none(g5); /* and no events before commit */
	XST_SEND(d0, XS_READ, t, "/tx/a");
	ck_assert_uint_eq(xst_pop(d0).h.type, XS_READ);
	XST_SEND(d0, XS_TRANSACTION_END, t, "T");
	xst_expect_ok(d0, XS_TRANSACTION_END);
	XST_SEND(d0, XS_READ, 0, "/tx/a");
	ck_assert_uint_eq(xst_pop(d0).h.type, XS_READ);
	/* The commit fires watches, for those who may read the node. */
	xst_expect_none(g5);
	t = tx_start(d0);
	tx_write(d0, t, "/watched/child", "1");
	XST_SEND(d0, XS_TRANSACTION_END, t, "T");
	xst_expect_ok(d0, XS_TRANSACTION_END);
	expect_event(g5, "/watched/child", "all");
	/* Abort throws changes away; the id is then unknown. */
	t = tx_start(d0);
	XST_SEND(d0, XS_RM, t, "/tx");
	xst_expect_ok(d0, XS_RM);
	XST_SEND(d0, XS_TRANSACTION_END, t, "F");
	xst_expect_ok(d0, XS_TRANSACTION_END);
	XST_SEND(d0, XS_READ, 0, "/tx/a");
	ck_assert_uint_eq(xst_pop(d0).h.type, XS_READ);
	XST_SEND(d0, XS_READ, t, "/tx/a");
	xst_expect_err(d0, "ENOENT");
	XST_SEND(d0, XS_TRANSACTION_END, t, "T");
	xst_expect_err(d0, "ENOENT");
	t = tx_start(d0);
	xst_send(d0, XS_TRANSACTION_START, t, "", 1);
	xst_expect_err(d0, "EBUSY");
	XST_SEND(d0, XS_TRANSACTION_END, t, "maybe");
	xst_expect_err(d0, "EINVAL");
}
END_TEST

START_TEST(txn_conflicts)
{
	uint32_t t;

	write_ok(d0, "/c/x", "0");
	write_ok(d0, "/c/y", "0");
	/* Someone else writes a node the transaction wrote: EAGAIN. */
	t = tx_start(d0);
	tx_write(d0, t, "/c/x", "tx");
	write_ok(d0, "/c/x", "other");
	XST_SEND(d0, XS_TRANSACTION_END, t, "T");
	xst_expect_err(d0, "EAGAIN");
	expect_read(d0, 0, "/c/x", "other");
	/* ...or one it only read. */
	t = tx_start(d0);
	expect_read(d0, t, "/c/y", "0");
	tx_write(d0, t, "/c/z", "1");
	write_ok(d0, "/c/y", "changed");
	XST_SEND(d0, XS_TRANSACTION_END, t, "T");
	xst_expect_err(d0, "EAGAIN");
	XST_SEND(d0, XS_READ, 0, "/c/z");
	xst_expect_err(d0, "ENOENT");
	/* A node it saw absent being created, or one it read being removed. */
	t = tx_start(d0);
	XST_SEND(d0, XS_READ, t, "/c/new");
	xst_expect_err(d0, "ENOENT");
	write_ok(d0, "/c/new", "1");
	XST_SEND(d0, XS_TRANSACTION_END, t, "T");
	xst_expect_err(d0, "EAGAIN");
	/* Unrelated changes elsewhere do not conflict. */
	t = tx_start(d0);
	tx_write(d0, t, "/c/x", "mine");
	write_ok(d0, "/elsewhere", "1");
	XST_SEND(d0, XS_TRANSACTION_END, t, "T");
	xst_expect_ok(d0, XS_TRANSACTION_END);
	XST_SEND(d0, XS_READ, 0, "/c/x");
	ck_assert_str_eq(xst_pop(d0).p, "mine");
	/* Two transactions writing the same node: first wins. */
	uint32_t a = tx_start(d0), b = tx_start(d0);

	tx_write(d0, a, "/c/x", "A");
	tx_write(d0, b, "/c/x", "B");
	XST_SEND(d0, XS_TRANSACTION_END, a, "T");
	xst_expect_ok(d0, XS_TRANSACTION_END);
	XST_SEND(d0, XS_TRANSACTION_END, b, "T");
	xst_expect_err(d0, "EAGAIN");
	XST_SEND(d0, XS_READ, 0, "/c/x");
	ck_assert_str_eq(xst_pop(d0).p, "A");
}
END_TEST

START_TEST(txn_commit_fires_watches)
{
	uint32_t t;

	XST_SEND(d0, XS_WATCH, 0, "/f", "f");
	xst_expect_ok(d0, XS_WATCH);
	expect_event(d0, "/f", "f");
	t = tx_start(d0);
	tx_write(d0, t, "/f/1", "a");
	XST_SEND(d0, XS_MKDIR, t, "/f/2");
	xst_expect_ok(d0, XS_MKDIR);
	xst_expect_none(d0);
	XST_SEND(d0, XS_TRANSACTION_END, t, "T");
	expect_event(d0, "/f/1", "f");
	expect_event(d0, "/f/2", "f");
	xst_expect_ok(d0, XS_TRANSACTION_END);
}
END_TEST

/* ---- quotas ---- */

START_TEST(quotas)
{
	char name[64];
	char big[3000];

	s->q.nodes = 5;
	s->q.watches = 2;
	s->q.transactions = 2;
	home5(); /* owns 1 node */
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		write_ok(g5, name, "x");
	}
	XST_SEND(g5, XS_WRITE, 0, "n4", "x");
	xst_expect_err(g5, "ENOSPC");
	XST_SEND(g5, XS_RM, 0, "n0");
	xst_expect_ok(g5, XS_RM);
	write_ok(g5, "n4", "x");
	for (int i = 0; i < 10; i++) /* dom0 is not limited */
		write_ok(d0, "/local/domain/5/dom0-made", "x");
	/* Entry size: 2048 bytes of value, children and perms. */
	memset(big, 'v', sizeof(big));
	big[2100] = '\0';
	XST_SEND(g5, XS_WRITE, 0, "n1", big);
	xst_expect_err(g5, "ENOSPC");
	big[1900] = '\0';
	write_ok(g5, "n1", big);
	big[3000 - 1] = '\0';
	write_ok(d0, "/local/domain/5/n1", big);
	/* Watches: Xen answers E2BIG. */
	XST_SEND(g5, XS_WATCH, 0, "n1", "1");
	xst_expect_ok(g5, XS_WATCH);
	expect_event(g5, "n1", "1");
	XST_SEND(g5, XS_WATCH, 0, "n2", "2");
	xst_expect_ok(g5, XS_WATCH);
	expect_event(g5, "n2", "2");
	XST_SEND(g5, XS_WATCH, 0, "n3", "3");
	xst_expect_err(g5, "E2BIG");
	XST_SEND(g5, XS_UNWATCH, 0, "n1", "1");
	xst_expect_ok(g5, XS_UNWATCH);
	XST_SEND(g5, XS_WATCH, 0, "n3", "3");
	xst_expect_ok(g5, XS_WATCH);
	expect_event(g5, "n3", "3");
	/* Transactions. */
	tx_start(g5);
	tx_start(g5);
	xst_send(g5, XS_TRANSACTION_START, 0, "", 1);
	xst_expect_err(g5, "ENOSPC");
	/* Permission list length. */
	XST_SEND(g5, XS_SET_PERMS, 0, "n2", "n5", "r1", "r2", "r3", "r4", "r6");
	xst_expect_err(g5, "ENOSPC");
	XST_SEND(g5, XS_SET_PERMS, 0, "n2", "n5", "r1");
	expect_event(g5, "n2", "2");
	xst_expect_ok(g5, XS_SET_PERMS);
}
END_TEST

START_TEST(outstanding_backpressure)
{
	for (unsigned i = 0; i < s->q.outstanding; i++) {
		ck_assert(xs_conn_wants_input(g5));
		XST_SEND(g5, XS_GET_DOMAIN_PATH, 0, "1");
	}
	ck_assert(!xs_conn_wants_input(g5));
	xst_pop(g5);
	ck_assert(xs_conn_wants_input(g5));
	/* A client that never reads its events is dropped, not buffered forever. */
	s->q.outq_bytes = 4096;
	for (int i = 0; i < 400 && !g5->dead; i++)
		XST_SEND(g5, XS_GET_DOMAIN_PATH, 0, "1");
	ck_assert(g5->dead);
}
END_TEST

/* ---- guest rings ---- */

START_TEST(ring_roundtrip)
{
	struct xs_ring_page *pg = calloc(1, sizeof(*pg));
	char buf[2 * XS_RING_SIZE];
	struct xs_msg_hdr h;
	long n;

	/* Wrap-around: start both rings near the 32-bit index overflow. */
	pg->req_cons = pg->req_prod = 0xfffffff0u;
	pg->rsp_cons = pg->rsp_prod = 0xfffffff0u;
	for (int i = 0; i < 5; i++) {
		memset(buf, 'a' + i, 700);
		ck_assert_int_eq(xs_ring_guest_write(pg, buf, 700), 700);
		ck_assert_int_eq(xs_ring_guest_write(pg, buf, 700), 324); /* full */
		ck_assert_int_eq(xs_ring_read(pg, buf, sizeof(buf)), 1024);
		ck_assert_int_eq(buf[0], 'a' + i);
		ck_assert_int_eq(buf[1023], 'a' + i);
	}
	ck_assert_int_eq(xs_ring_read(pg, buf, 10), 0);
	pg->req_prod = pg->req_cons + XS_RING_SIZE + 1; /* hostile */
	ck_assert_int_eq(xs_ring_read(pg, buf, 10), -1);
	ck_assert_uint_eq(pg->error, XS_RING_ERROR_RINGIDX);
	free(pg);

	/* A whole request through an introduced domain's ring. */
	s->ring_be = &xst_backend;
	XST_SEND(d0, XS_INTRODUCE, 0, "6", "1", "2");
	xst_expect_ok(d0, XS_INTRODUCE);
	pg = ((struct { struct xs_ring_page *p; } *)xs_domain_find(s, 6)->conn->priv)->p;
	ck_assert_uint_eq(pg->server_features, XS_FEATURE_ERROR);
	h = (struct xs_msg_hdr){ XS_GET_DOMAIN_PATH, 9, 0, 2 };
	xs_ring_guest_write(pg, &h, sizeof(h));
	xs_ring_guest_write(pg, "6", 2);
	xst_notifies = 0;
	xs_ring_service(s);
	ck_assert_int_gt(xst_notifies, 0);
	n = xs_ring_guest_read(pg, buf, sizeof(buf));
	ck_assert_int_eq(n, (long)sizeof(h) + 16);
	memcpy(&h, buf, sizeof(h));
	ck_assert_uint_eq(h.type, XS_GET_DOMAIN_PATH);
	ck_assert_uint_eq(h.req_id, 9);
	ck_assert_str_eq(buf + sizeof(h), "/local/domain/6");
	/* A guest corrupting its indices loses its connection, not us. */
	pg->req_prod = pg->req_cons + 5000;
	xs_ring_service(s);
	ck_assert(xs_domain_find(s, 6)->conn->dead);
}
END_TEST

START_TEST(control_minimal)
{
	struct xst_msg m;

	XST_SEND(d0, XS_CONTROL, 0, "check");
	xst_expect_ok(d0, XS_CONTROL);
	XST_SEND(d0, XS_CONTROL, 0, "quota");
	m = xst_pop(d0);
	ck_assert_ptr_nonnull(strstr(m.p, "nodes: 1000\n"));
	ck_assert_ptr_nonnull(strstr(m.p, "watches: 128\n"));
	XST_SEND(d0, XS_CONTROL, 0, "bogus");
	xst_expect_err(d0, "EINVAL");
	XST_SEND(g5, XS_CONTROL, 0, "check");
	xst_expect_err(g5, "EACCES");
}
END_TEST

static Suite *core_suite(void)
{
	Suite *su = suite_create("xenstored");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, abi_matches_xen);
	tcase_add_test(tc, write_read_dir_rm);
	tcase_add_test(tc, binary_value_and_empty);
	tcase_add_test(tc, path_rules);
	tcase_add_test(tc, malformed_messages);
	tcase_add_test(tc, reply_echoes_ids_and_e2big);
	tcase_add_test(tc, directory_part);
	tcase_add_test(tc, permissions);
	tcase_add_test(tc, set_target_grants_access);
	tcase_add_test(tc, watch_basic);
	tcase_add_test(tc, watch_subtree_delete_and_other_conn);
	tcase_add_test(tc, watch_relative_and_reset);
	tcase_add_test(tc, special_watches_and_domains);
	tcase_add_test(tc, domain_cleanup_after_dom_exc);
	tcase_add_test(tc, txn_commit_and_isolation);
	tcase_add_test(tc, txn_conflicts);
	tcase_add_test(tc, txn_commit_fires_watches);
	tcase_add_test(tc, quotas);
	tcase_add_test(tc, outstanding_backpressure);
	tcase_add_test(tc, ring_roundtrip);
	tcase_add_test(tc, control_minimal);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	SRunner *sr = srunner_create(core_suite());
	int failed;

	srunner_add_suite(sr, xenstored_fuzz_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
