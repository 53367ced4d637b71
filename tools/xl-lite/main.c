// SPDX-License-Identifier: GPL-2.0-only
/*
 * xl-lite: the verbs of Xen's xl that manage PV domains, with xl's
 * options, help texts, output formats and exit codes (0 success, 1
 * failure). `xl-lite help` lists the verbs; `xl-lite VERB --help` shows
 * one. Everything below the verb table lives in cmd_*.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "dom_xs.h"
#include "hcall.h"
#include "xl.h"

struct verb {
	const char *name;
	int (*fn)(struct xl_ctx *, int, char **);
	const char *summary, *usage, *options;
};

static const struct verb verbs[] = {
	{ "create", cmd_create, "Create a domain from config file <filename>",
	  "<ConfigFile> [options] [vars]",
	  "-h                      Print this help.\n"
	  "-p                      Leave the domain paused after it is created.\n"
	  "-c                      Connect to the console after the domain is created.\n"
	  "-f FILE, --defconfig=FILE\n"
	  "                        Use the given configuration file.\n"
	  "-q, --quiet             Quiet.\n"
	  "-n, --dryrun            Dry run - prints the resulting configuration\n"
	  "-F                      Run in foreground until death of the domain.\n"
	  "-e                      Do not wait in the background for the death of the domain." },
	{ "list", cmd_list, "List information about all/some domains",
	  "[options] [Domain]",
	  "-l, --long              Output all VM details\n"
	  "-v, --verbose           Prints out UUIDs and security context" },
	{ "destroy", cmd_destroy, "Terminate a domain immediately",
	  "[options] <Domain>",
	  "-f                      Permit destroying domain 0, which will only succeed\n"
	  "                        when run from disaggregated toolstack domain with a\n"
	  "                        hardware domain distinct from domain 0." },
	{ "shutdown", cmd_shutdown, "Issue a shutdown signal to a domain",
	  "[options] <-a|Domain>",
	  "-a, --all               Shutdown all guest domains.\n"
	  "-h                      Print this help.\n"
	  "-F                      Fallback to ACPI power event for HVM guests with\n"
	  "                        no PV drivers.\n"
	  "-w, --wait              Wait for guest(s) to shutdown.\n" },
	{ "reboot", cmd_reboot, "Issue a reboot signal to a domain",
	  "[options] <-a|Domain>",
	  "-a, --all               Shutdown all guest domains.\n"
	  "-h                      Print this help.\n"
	  "-F                      Fallback to ACPI reset event for HVM guests with\n"
	  "                        no PV drivers.\n"
	  "-w, --wait              Wait for guest(s) to reboot.\n" },
	{ "pause", cmd_pause, "Pause execution of a domain", "<Domain>", "" },
	{ "unpause", cmd_unpause, "Unpause a paused domain", "<Domain>", "" },
	{ "console", cmd_console, "Attach to domain's console",
	  "[options] <Domain>\n"
	  "-t <type>       console type, pv , serial or vuart\n"
	  "-n <number>     console number", "" },
	{ "info", cmd_info, "Get information about Xen host", "-n, --numa",
	  "List host NUMA topology information" },
	{ "dmesg", cmd_dmesg, "Read and/or clear dmesg buffer", "[-c]",
	  "  -c                        Clear dmesg buffer as well as printing it" },
	{ "mem-set", cmd_mem_set, "Set the current memory usage for a domain",
	  "<Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]>", "" },
	{ "mem-max", cmd_mem_max, "Set the maximum amount reservation for a domain",
	  "<Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]>", "" },
	{ "vcpu-list", cmd_vcpu_list, "List the VCPUs for all/some domains",
	  "[Domain, ...]", "" },
	{ "domid", cmd_domid, "Convert a domain name to domain id",
	  "<DomainName>", "" },
	{ "domname", cmd_domname, "Convert a domain id to domain name",
	  "<DomainId>", "" },
	{ "uptime", cmd_uptime, "Print uptime for all/some domains",
	  "[-s] [Domain]", "" },
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < NVERBS; i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}


static void usage_all(struct xl_ctx *ctx, FILE *f)
{
	fprintf(f, "Usage xl-lite [-v] <subcommand> [args]\n\n"
	        "xl-lite full list of subcommands:\n\n");
	for (size_t i = 0; i < NVERBS; i++)
		fprintf(f, " %-19s %s\n\n", verbs[i].name, verbs[i].summary);
	(void)ctx;
}

void xl_verb_help(struct xl_ctx *ctx, const char *name)
{
	const struct verb *v = find_verb(name);

	if (!v) {
		usage_all(ctx, ctx->out);
		return;
	}
	fprintf(ctx->out, "Usage: xl-lite [-v] %s %s\n\n%s.\n\n", v->name,
	        v->usage, v->summary);
	if (*v->options)
		fprintf(ctx->out, "Options:\n\n%s\n", v->options);
}

int xl_need_xs(struct xl_ctx *ctx)
{
	if (ctx->xs)
		return 0;
	ctx->xs = xs_open();
	if (!ctx->xs) {
		fprintf(ctx->err, "xl-lite: cannot connect to xenstored: %s\n",
		        strerror(errno));
		return -1;
	}
	return 0;
}

int xl_find_domain(struct xl_ctx *ctx, const char *arg, uint32_t *domid)
{
	if (ctx->be->lookup(ctx, arg, domid) == 0)
		return 0;
	fprintf(ctx->err, "%s is an invalid domain identifier (rc=-6)\n", arg);
	return -1;
}

/* The real backend: getdomaininfolist, names from XenStore. */
static int real_list(struct xl_ctx *ctx, struct xl_dom *out, unsigned max)
{
	struct xen_domctl_getdomaininfo *info = calloc(max, sizeof(*info));
	int n, i;

	if (!info)
		return -ENOMEM;
	n = hc_domain_list(0, info, max);
	if (n == -ENOSYS) {
		/* Walk with getdomaininfo, which answers the next id up. */
		uint32_t next = 0;

		for (n = 0; (unsigned)n < max; n++) {
			struct xen_domctl d;

			memset(&d, 0, sizeof(d));
			d.cmd = XEN_DOMCTL_getdomaininfo;
			d.domain = (domid_t)next;
			if (hc_domctl(&d) < 0)
				break;
			info[n] = d.u.getdomaininfo;
			next = d.domain + 1u;
		}
	}
	if (n < 0) {
		free(info);
		return n;
	}
	if (ctx->xs == NULL)
		ctx->xs = xs_open(); /* names are optional: list works without */
	for (i = 0; i < n; i++) {
		struct xen_domctl_getdomaininfo *s = &info[i];
		struct xl_dom *d = &out[i];
		char *name = xl_dom_name(ctx->xs, s->domain);
		unsigned code = (s->flags >> XEN_DOMINF_shutdownshift) &
		                XEN_DOMINF_shutdownmask;

		memset(d, 0, sizeof(*d));
		d->domid = s->domain;
		if (name)
			snprintf(d->name, sizeof(d->name), "%s", name);
		else if (s->domain == 0)
			snprintf(d->name, sizeof(d->name), "Domain-0");
		free(name);
		memcpy(d->uuid, s->handle, 16);
		d->current_kb = s->tot_pages * 4;
		d->max_kb = s->max_pages * 4;
		d->cpu_time_ns = s->cpu_time;
		d->vcpu_online = s->nr_online_vcpus;
		d->max_vcpu_id = s->max_vcpu_id;
		d->running = s->flags & XEN_DOMINF_running;
		d->blocked = s->flags & XEN_DOMINF_blocked;
		d->paused = s->flags & XEN_DOMINF_paused;
		d->shutdown = s->flags & XEN_DOMINF_shutdown;
		d->dying = s->flags & XEN_DOMINF_dying;
		d->shutdown_reason = d->shutdown ? code : 0;
	}
	free(info);
	return n;
}

static int real_lookup(struct xl_ctx *ctx, const char *s, uint32_t *domid)
{
	if (!ctx->xs)
		ctx->xs = xs_open();
	return xl_dom_lookup(ctx->xs, s, domid);
}

const struct xl_backend xl_real_backend = { real_list, real_lookup };

int xl_main(struct xl_ctx *ctx, int argc, char **argv)
{
	const struct verb *v;
	int i = 1;

	while (i < argc && argv[i][0] == '-' && argv[i][1]) {
		if (!strcmp(argv[i], "-v")) {
			ctx->verbose++;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage_all(ctx, ctx->out);
			return 0;
		} else {
			fprintf(ctx->err, "xl-lite: unknown global option '%s'\n",
			        argv[i]);
			usage_all(ctx, ctx->err);
			return 1;
		}
		i++;
	}
	if (i >= argc) {
		usage_all(ctx, ctx->err);
		return 1;
	}
	if (!strcmp(argv[i], "help")) {
		if (i + 1 < argc)
			xl_verb_help(ctx, argv[i + 1]);
		else
			usage_all(ctx, ctx->out);
		return 0;
	}
	v = find_verb(argv[i]);
	if (!v) {
		fprintf(ctx->err, "command not implemented\n");
		return 1;
	}
	for (int j = i + 1; j < argc; j++)
		if (!strcmp(argv[j], "--help") || !strcmp(argv[j], "-h")) {
			xl_verb_help(ctx, v->name);
			return 0;
		}
	optind = 0; /* glibc: restart getopt for the verb's own options */
	return v->fn(ctx, argc - i, argv + i);
}

#ifndef XL_NO_MAIN
int main(int argc, char **argv)
{
	struct xl_ctx ctx = { stdout, stderr, &xl_real_backend, NULL, 0,
	                      argv[0] };
	int r = xl_main(&ctx, argc, argv);

	fflush(stdout);
	xs_close(ctx.xs);
	return r;
}
#endif
