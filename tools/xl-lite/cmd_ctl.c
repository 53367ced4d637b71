// SPDX-License-Identifier: GPL-2.0-only
/*
 * Verbs that change a domain: destroy, shutdown, reboot, pause, unpause,
 * mem-set, mem-max. Shutdown and reboot ask the guest through XenStore
 * (control/shutdown), as xl does for PV guests; Linux's xenbus acts on it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <public/sched.h>

#include "build_dom.h"
#include "dom_xs.h"
#include "hcall.h"
#include "xl.h"

int cmd_destroy(struct xl_ctx *ctx, int argc, char **argv)
{
	bool force = false;
	uint32_t id;
	char err[160];
	int opt;

	while ((opt = getopt(argc, argv, "f")) != -1) {
		if (opt != 'f')
			return 1;
		force = true;
	}
	if (optind != argc - 1) {
		xl_verb_help(ctx, "destroy");
		return 1;
	}
	if (xl_find_domain(ctx, argv[optind], &id) < 0)
		return 1;
	if (id == 0 && !force) {
		fprintf(ctx->err, "Cannot destroy privileged domain 0.\n\n");
		return 1;
	}
	if (!ctx->xs)
		ctx->xs = xs_open();
	if (xl_destroy_domain(ctx->xs, id, err, sizeof(err)) < 0) {
		fprintf(ctx->err, "destroy failed: %s\n", err);
		return 1;
	}
	return 0;
}

/* Ask one domain to power off or reboot. */
static int request(struct xl_ctx *ctx, uint32_t id, bool reboot)
{
	char p[64];
	int r = -ENOENT;

	fprintf(ctx->err, "%s domain %u\n", reboot ? "Rebooting" : "Shutting down",
	        id);
	if (ctx->xs) {
		snprintf(p, sizeof(p), "/local/domain/%u/control/shutdown", id);
		r = xs_write(ctx->xs, 0, p, reboot ? "reboot" : "poweroff");
	}
	if (r < 0) {
		/* No XenStore path: tell the hypervisor directly. */
		r = hc_remote_shutdown(id, reboot ? SHUTDOWN_reboot
		                                  : SHUTDOWN_poweroff);
		if (r < 0) {
			fprintf(ctx->err, "%s failed (rc=%d): %s\n",
			        reboot ? "reboot" : "shutdown", r, hc_strerror(r));
			return -1;
		}
	}
	return 0;
}

/*
 * Until the next change of some domain's state: XenStore fires
 * @releaseDomain when one shuts down or dies (and at once when the watch
 * is set). Waking then, not on a timer, sees a shutdown before the
 * domain's monitor destroys it, so the message names the shutdown, as
 * xl's does. A second at most, in case the daemon is not there.
 */
static void nap(struct xl_ctx *ctx)
{
	char *path = NULL, *token = NULL;

	if (!ctx->xs || xs_read_watch(ctx->xs, 1000, &path, &token) < 0)
		usleep(200 * 1000);
	free(path);
	free(token);
}

/* Wait until each domain is gone or shut down; xl's messages. */
static void wait_for(struct xl_ctx *ctx, const uint32_t *ids, int n,
                     bool reboot)
{
	int left = n;
	bool *done = calloc((size_t)n, sizeof(*done));

	if (!done)
		return;
	if (ctx->xs)
		xs_watch(ctx->xs, "@releaseDomain", "xl-lite-wait");
	fprintf(ctx->err, "Waiting for %d domains\n", n);
	while (left > 0) {
		for (int i = 0; i < n; i++) {
			struct xen_domctl_getdomaininfo info;
			int r;

			if (done[i])
				continue;
			r = hc_getdomaininfo(ids[i], &info);
			if (r < 0) {
				fprintf(ctx->err, "Domain %u has been destroyed\n", ids[i]);
			} else if (info.flags & XEN_DOMINF_shutdown) {
				unsigned code = (info.flags >> XEN_DOMINF_shutdownshift) &
				                XEN_DOMINF_shutdownmask;

				if (reboot && code == SHUTDOWN_reboot)
					continue; /* the monitor restarts it */
				fprintf(ctx->err, "Domain %u has been shut down, reason "
				        "code %u\n", ids[i], code);
			} else {
				continue;
			}
			done[i] = true;
			left--;
		}
		if (left)
			nap(ctx);
	}
	free(done);
}

static int shutdown_or_reboot(struct xl_ctx *ctx, int argc, char **argv,
                              bool reboot)
{
	static const struct option lo[] = {
		{ "all", 0, NULL, 'a' }, { "wait", 0, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	const char *verb = reboot ? "reboot" : "shutdown";
	bool all = false, wait = false;
	uint32_t ids[256];
	int opt, n = 0, rc = 0;

	while ((opt = getopt_long(argc, argv, "awF", lo, NULL)) != -1) {
		switch (opt) {
		case 'a': all = true; break;
		case 'w': wait = true; break;
		case 'F': break;
		default: return 1;
		}
	}
	if ((all && optind != argc) || (!all && optind != argc - 1)) {
		xl_verb_help(ctx, verb);
		return 1;
	}
	if (!ctx->xs)
		ctx->xs = xs_open();
	if (all) {
		struct xl_dom *d = calloc(256, sizeof(*d));
		int cnt = d ? ctx->be->list(ctx, d, 256) : -ENOMEM;

		for (int i = 0; i < cnt; i++)
			if (d[i].domid != 0 && !d[i].dying)
				ids[n++] = d[i].domid;
		free(d);
	} else {
		if (xl_find_domain(ctx, argv[optind], &ids[0]) < 0)
			return 1;
		n = 1;
	}
	for (int i = 0; i < n; i++)
		if (request(ctx, ids[i], reboot) < 0)
			rc = 1;
	if (wait && !rc)
		wait_for(ctx, ids, n, reboot);
	return rc;
}

int cmd_shutdown(struct xl_ctx *ctx, int argc, char **argv)
{
	return shutdown_or_reboot(ctx, argc, argv, false);
}

int cmd_reboot(struct xl_ctx *ctx, int argc, char **argv)
{
	return shutdown_or_reboot(ctx, argc, argv, true);
}

static int pause_op(struct xl_ctx *ctx, int argc, char **argv, unsigned cmd,
                    const char *verb)
{
	uint32_t id;
	int r;

	if (argc != 2) {
		xl_verb_help(ctx, verb);
		return 1;
	}
	if (xl_find_domain(ctx, argv[1], &id) < 0)
		return 1;
	r = hc_domctl_simple(cmd, id);
	if (r < 0) {
		fprintf(ctx->err, "%s failed: %s\n", verb, hc_strerror(r));
		return 1;
	}
	return 0;
}

int cmd_pause(struct xl_ctx *ctx, int argc, char **argv)
{
	return pause_op(ctx, argc, argv, XEN_DOMCTL_pausedomain, "pause");
}

int cmd_unpause(struct xl_ctx *ctx, int argc, char **argv)
{
	return pause_op(ctx, argc, argv, XEN_DOMCTL_unpausedomain, "unpause");
}

int xl_parse_mem_kb(const char *s, char unit, uint64_t *kb)
{
	char *end;
	unsigned long long v;
	int shift; /* relative to kB */

	if (!*s || *s == '-')
		return -1;
	v = strtoull(s, &end, 10);
	if (end == s)
		return -1;
	if (*end) {
		if (end[1])
			return -1;
		unit = *end;
	}
	switch (unit) {
	case 'b': case 'B': *kb = v / 1024; return 0;
	case 'k': case 'K': shift = 0; break;
	case 'm': case 'M': shift = 10; break;
	case 'g': case 'G': shift = 20; break;
	case 't': case 'T': shift = 30; break;
	default: return -1;
	}
	if (v > (~0ULL >> (shift + 12)))
		return -1;
	*kb = v << shift;
	return 0;
}

/* libxl adds 1 MiB of slack to the hypervisor's limit (x86 extra memory). */
#define MEM_SLACK_KB 1024
/* libxl refuses to shrink dom0 below this (LIBXL_MIN_DOM0_MEM). */
#define MIN_DOM0_KB (128 * 1024)

static int set_max_mem(uint32_t id, uint64_t kb)
{
	struct xen_domctl d;

	memset(&d, 0, sizeof(d));
	d.cmd = XEN_DOMCTL_max_mem;
	d.domain = (domid_t)id;
	d.u.max_mem.max_memkb = kb + MEM_SLACK_KB;
	return hc_domctl(&d);
}

/* A memory/... node of the domain, in KiB; dom0's are filled in from the
 * hypervisor's view the first time, as libxl does. */
static int read_mem_node(struct xl_ctx *ctx, uint32_t tx, uint32_t id,
                         const char *leaf, uint64_t *kb)
{
	struct xen_domctl_getdomaininfo info;
	char p[80], *v, *end;
	int r;

	snprintf(p, sizeof(p), "/local/domain/%u/memory/%s", id, leaf);
	v = xs_read(ctx->xs, tx, p, &r);
	if (!v && id == 0 && hc_getdomaininfo(0, &info) == 0) {
		*kb = (uint64_t)(strcmp(leaf, "target") ? info.max_pages
		                                         : info.tot_pages) * 4;
		return 0;
	}
	if (!v) {
		fprintf(ctx->err, "cannot read %s: %s\n", p, strerror(-r));
		return -1;
	}
	*kb = strtoull(v, &end, 10);
	r = *v && !*end ? 0 : -1;
	if (r)
		fprintf(ctx->err, "invalid memory size %s in %s\n", v, p);
	free(v);
	return r;
}

static int write_mem_node(struct xl_ctx *ctx, uint32_t tx, uint32_t id,
                          const char *leaf, uint64_t kb)
{
	char p[80], v[32];
	int r;

	snprintf(p, sizeof(p), "/local/domain/%u/memory/%s", id, leaf);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)kb);
	r = xs_write(ctx->xs, tx, p, v);
	if (r < 0)
		fprintf(ctx->err, "cannot write %s: %s\n", p, strerror(-r));
	return r;
}

/* mem-max: the static maximum may not fall below the current target. */
static int set_static_max(struct xl_ctx *ctx, uint32_t id, uint64_t kb)
{
	uint64_t target;
	int r;

	if (read_mem_node(ctx, 0, id, "target", &target) < 0)
		return -1;
	if (kb < target) {
		fprintf(ctx->err, "domain %u: memory_static_max must be greater "
		        "than or equal to memory_dynamic_max\n", id);
		return -1;
	}
	r = set_max_mem(id, kb);
	if (r < 0) {
		fprintf(ctx->err, "domain %u: max_mem %llu KiB: %s\n", id,
		        (unsigned long long)kb + MEM_SLACK_KB, hc_strerror(r));
		return -1;
	}
	return write_mem_node(ctx, 0, id, "static-max", kb);
}

/*
 * mem-set: the balloon target, at most the static maximum; the
 * hypervisor's limit follows the target (xl's "enforce"), so a guest
 * cannot take back what it was asked to give. One transaction, retried
 * on conflict, like libxl_set_memory_target.
 */
static int set_target(struct xl_ctx *ctx, uint32_t id, uint64_t kb)
{
	uint64_t max;
	uint32_t tx;
	char p[80], v[32], *vm;
	int r;

	for (;;) {
		r = xs_transaction_start(ctx->xs, &tx);
		if (r < 0) {
			fprintf(ctx->err, "cannot start a transaction: %s\n",
			        strerror(-r));
			return -1;
		}
		r = read_mem_node(ctx, tx, id, "static-max", &max);
		if (!r && kb > max) {
			fprintf(ctx->err, "domain %u: memory_dynamic_max must be "
			        "less than or equal to memory_static_max\n", id);
			r = -1;
		}
		if (!r && id == 0 && kb < MIN_DOM0_KB) {
			fprintf(ctx->err, "New target %llu for dom0 is below the "
			        "minimum threshold\n", (unsigned long long)kb);
			r = -1;
		}
		if (!r && (r = set_max_mem(id, kb)) < 0)
			fprintf(ctx->err, "domain %u: max_mem %llu KiB: %s\n", id,
			        (unsigned long long)kb + MEM_SLACK_KB,
			        hc_strerror(r));
		if (!r)
			r = write_mem_node(ctx, tx, id, "target", kb);
		snprintf(p, sizeof(p), "/local/domain/%u/vm", id);
		vm = r ? NULL : xs_read(ctx->xs, tx, p, NULL);
		if (vm) {
			snprintf(p, sizeof(p), "%s/memory", vm);
			snprintf(v, sizeof(v), "%llu", (unsigned long long)kb / 1024);
			r = xs_write(ctx->xs, tx, p, v);
			free(vm);
		}
		if (r) {
			xs_transaction_end(ctx->xs, tx, 0);
			return -1;
		}
		r = xs_transaction_end(ctx->xs, tx, 1);
		if (r != -EAGAIN)
			break;
	}
	if (r < 0)
		fprintf(ctx->err, "cannot commit the memory target: %s\n",
		        strerror(-r));
	return r;
}

static int mem_op(struct xl_ctx *ctx, int argc, char **argv, bool max)
{
	const char *verb = max ? "mem-max" : "mem-set";
	uint64_t kb;
	uint32_t id;

	if (argc != 3) {
		xl_verb_help(ctx, verb);
		return 1;
	}
	if (xl_find_domain(ctx, argv[1], &id) < 0)
		return 1;
	if (xl_parse_mem_kb(argv[2], 'm', &kb) < 0) {
		fprintf(ctx->err, "invalid memory size: %s\n", argv[2]);
		return 1;
	}
	if (xl_need_xs(ctx) < 0)
		return 1;
	if ((max ? set_static_max : set_target)(ctx, id, kb) < 0) {
		fprintf(ctx->err, "cannot set domid %u %s max memory to : %s\n",
		        id, max ? "static" : "dynamic", argv[2]);
		return 1;
	}
	return 0;
}

int cmd_mem_set(struct xl_ctx *ctx, int argc, char **argv)
{
	return mem_op(ctx, argc, argv, false);
}

int cmd_mem_max(struct xl_ctx *ctx, int argc, char **argv)
{
	return mem_op(ctx, argc, argv, true);
}
