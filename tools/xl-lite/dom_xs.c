// SPDX-License-Identifier: GPL-2.0-only
/* A domain's XenStore tree (see dom_xs.h). */
#include "dom_xs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "hcall.h"

void xl_uuid_format(const uint8_t u[16], char out[37])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	         "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
	         u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
	         u[15]);
}

struct writer {
	struct xs_client *xs;
	uint32_t tx;
	int rc;
	const char *where;
};

static void wr(struct writer *w, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void wr(struct writer *w, const char *path, const char *fmt, ...)
{
	char val[256];
	va_list ap;

	if (w->rc)
		return;
	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	w->rc = xs_write(w->xs, w->tx, path, val);
	if (w->rc)
		w->where = path;
}

/* mkdir + permissions: @owner is the node's owner; @reader (if not
 * @owner) gets read access. */
static void node(struct writer *w, const char *path, uint32_t owner,
                 int reader)
{
	char p0[16], p1[16];
	const char *perms[2] = { p0, p1 };

	if (w->rc)
		return;
	w->rc = xs_mkdir(w->xs, w->tx, path);
	snprintf(p0, sizeof(p0), "n%u", owner);
	snprintf(p1, sizeof(p1), "r%d", reader);
	if (!w->rc)
		w->rc = xs_set_perms(w->xs, w->tx, path, perms,
		                     reader >= 0 && (uint32_t)reader != owner ? 2
		                                                               : 1);
	if (w->rc)
		w->where = path;
}

static void write_tree(struct writer *w, const struct xlcfg *cfg,
                       const struct xl_built *b, const char *uuid)
{
	uint32_t n = b->domid;
	long mem = cfg->memory ? cfg->memory : XL_DEFAULT_MEMORY_MB;
	long maxmem = cfg->maxmem > mem ? cfg->maxmem : mem;
	long vcpus = cfg->vcpus ? cfg->vcpus : 1;
	long maxv = cfg->maxvcpus > vcpus ? cfg->maxvcpus : vcpus;
	char d[64], p[160], vm[64];
	struct timeval tv;

	snprintf(d, sizeof(d), "/local/domain/%u", n);
	snprintf(vm, sizeof(vm), "/vm/%s", uuid);
	node(w, d, 0, (int)n);
	node(w, vm, 0, (int)n);
	snprintf(p, sizeof(p), "%s/uuid", vm);
	wr(w, p, "%s", uuid);
	snprintf(p, sizeof(p), "%s/name", vm);
	wr(w, p, "%s", cfg->name);
	gettimeofday(&tv, NULL);
	snprintf(p, sizeof(p), "%s/start_time", vm);
	wr(w, p, "%lu.%02d", (unsigned long)tv.tv_sec,
	   (int)(tv.tv_usec / 10000));
	snprintf(p, sizeof(p), "%s/image/ostype", vm);
	wr(w, p, "linux");

	snprintf(p, sizeof(p), "%s/vm", d);
	wr(w, p, "%s", vm);
	snprintf(p, sizeof(p), "%s/name", d);
	wr(w, p, "%s", cfg->name);
	snprintf(p, sizeof(p), "%s/domid", d);
	wr(w, p, "%u", n);
	snprintf(p, sizeof(p), "%s/memory/static-max", d);
	wr(w, p, "%ld", maxmem * 1024);
	snprintf(p, sizeof(p), "%s/memory/target", d);
	wr(w, p, "%ld", mem * 1024);
	for (long i = 0; i < maxv; i++) {
		snprintf(p, sizeof(p), "%s/cpu/%ld/availability", d, i);
		wr(w, p, "%s", i < vcpus ? "online" : "offline");
	}
	snprintf(p, sizeof(p), "%s/store/ring-ref", d);
	wr(w, p, "%llu", (unsigned long long)b->store_mfn);
	snprintf(p, sizeof(p), "%s/store/port", d);
	wr(w, p, "%u", b->store_port);

	/* The console frontend belongs to the guest; dom0's daemon reads it. */
	snprintf(p, sizeof(p), "%s/console", d);
	node(w, p, n, 0);
	snprintf(p, sizeof(p), "%s/console/ring-ref", d);
	wr(w, p, "%llu", (unsigned long long)b->console_mfn);
	snprintf(p, sizeof(p), "%s/console/port", d);
	wr(w, p, "%u", b->console_port);
	snprintf(p, sizeof(p), "%s/console/type", d);
	wr(w, p, "xenconsoled");
	snprintf(p, sizeof(p), "%s/console/limit", d);
	wr(w, p, "1048576");
	snprintf(p, sizeof(p), "%s/console/output", d);
	wr(w, p, "pty");

	snprintf(p, sizeof(p), "%s/control", d);
	node(w, p, 0, (int)n);
	static const char *const guest_rw[] = {
		"control/shutdown", "control/feature-poweroff",
		"control/feature-reboot", "control/feature-suspend",
		"control/sysrq", "data", "error", "drivers", "feature", "attr",
		"device", "device/suspend/event-channel",
	};
	for (size_t i = 0; i < sizeof(guest_rw) / sizeof(guest_rw[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", d, guest_rw[i]);
		node(w, p, n, 0);
	}
	snprintf(p, sizeof(p), "/libxl/%u/type", n);
	wr(w, p, "pv");
}

int xl_dom_xs_setup(struct xs_client *xs, const struct xlcfg *cfg,
                    const struct xl_built *b, const uint8_t uuid_b[16],
                    char *err, size_t errsz)
{
	char uuid[37];
	int r, tries;

	xl_uuid_format(uuid_b, uuid);
	/*
	 * The ~50 requests of the tree go out as one batch (one round trip
	 * instead of one each). Should one fail, the transaction is dropped
	 * and written again one request at a time, which names the node.
	 */
	int one_by_one = 0;
	for (tries = 0; tries < 10; tries++) {
		struct writer w = { xs, 0, 0, NULL };

		r = xs_transaction_start(xs, &w.tx);
		if (r)
			break;
		if (!one_by_one)
			xs_batch_begin(xs);
		write_tree(&w, cfg, b, uuid);
		if (!one_by_one) {
			int br = xs_batch_end(xs, NULL);

			if (br && !w.rc) {
				xs_transaction_end(xs, w.tx, 0);
				one_by_one = 1;
				continue;
			}
		}
		if (w.rc) {
			xs_transaction_end(xs, w.tx, 0);
			snprintf(err, errsz, "xenstore: writing %s: %s", w.where,
			         strerror(-w.rc));
			return -1;
		}
		r = xs_transaction_end(xs, w.tx, 1);
		if (r != -EAGAIN)
			break;
	}
	if (r) {
		snprintf(err, errsz, "xenstore transaction: %s", strerror(-r));
		return -1;
	}
	r = xs_introduce(xs, b->domid, b->store_mfn, b->store_port);
	if (r) {
		snprintf(err, errsz, "xenstore INTRODUCE of domain %u: %s",
		         b->domid, strerror(-r));
		return -1;
	}
	return 0;
}

void xl_dom_xs_release(struct xs_client *xs, uint32_t domid)
{
	xs_release(xs, domid);
}

void xl_dom_xs_cleanup(struct xs_client *xs, uint32_t domid)
{
	char p[64], *vm;

	snprintf(p, sizeof(p), "/local/domain/%u/vm", domid);
	vm = xs_read(xs, 0, p, NULL);
	if (vm && !strncmp(vm, "/vm/", 4))
		xs_rm(xs, 0, vm);
	free(vm);
	snprintf(p, sizeof(p), "/local/domain/%u", domid);
	xs_rm(xs, 0, p);
	snprintf(p, sizeof(p), "/libxl/%u", domid);
	xs_rm(xs, 0, p);
}

char *xl_dom_name(struct xs_client *xs, uint32_t domid)
{
	char p[64];

	if (!xs)
		return NULL;
	snprintf(p, sizeof(p), "/local/domain/%u/name", domid);
	return xs_read(xs, 0, p, NULL);
}

int xl_dom_lookup(struct xs_client *xs, const char *s, uint32_t *domid)
{
	char *end, **list;
	unsigned long v = strtoul(s, &end, 10);
	unsigned n, i;
	int r;

	if (*s && !*end) {
		struct xen_domctl_getdomaininfo info;

		if (v >= DOMID_FIRST_RESERVED || hc_getdomaininfo((uint32_t)v,
		                                                  &info) < 0)
			return -ENOENT;
		*domid = (uint32_t)v;
		return 0;
	}
	if (!xs)
		return -ENOENT;
	list = xs_directory(xs, 0, "/local/domain", &n, &r);
	if (!list)
		return -ENOENT;
	r = -ENOENT;
	for (i = 0; i < n; i++) {
		uint32_t id = (uint32_t)strtoul(list[i], NULL, 10);
		char *name = xl_dom_name(xs, id);

		if (name && !strcmp(name, s)) {
			*domid = id;
			r = 0;
		}
		free(name);
		if (!r)
			break;
	}
	xs_free_list(list, n);
	return r;
}

int xl_dom_rename(struct xs_client *xs, uint32_t domid, const char *name)
{
	char p[64], *vm;
	uint32_t other;
	int r;

	/* As libxl: a name belongs to one domain at a time. */
	if (xl_dom_lookup(xs, name, &other) == 0 && other != domid)
		return -EEXIST;
	snprintf(p, sizeof(p), "/local/domain/%u/name", domid);
	r = xs_write(xs, 0, p, name);
	snprintf(p, sizeof(p), "/local/domain/%u/vm", domid);
	vm = xs_read(xs, 0, p, NULL);
	if (vm) {
		char vp[128];

		snprintf(vp, sizeof(vp), "%s/name", vm);
		xs_write(xs, 0, vp, name);
		free(vm);
	}
	return r;
}
