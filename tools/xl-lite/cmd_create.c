// SPDX-License-Identifier: GPL-2.0-only
/*
 * xl create: parse the configuration (xlcfg.c, with key=value overrides),
 * build the domain (build_dom.c), unpause it, and — as xl does — leave a
 * background monitor per domain that waits for it to shut down and
 * carries out on_poweroff / on_reboot / on_crash (destroy, restart,
 * preserve, rename-restart; coredump-* behave as their non-dump form).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <public/sched.h>

#include "build_dom.h"
#include "dom_xs.h"
#include "hcall.h"
#include "xl.h"

static void print_dryrun(struct xl_ctx *ctx, const struct xlcfg *c)
{
	FILE *o = ctx->out;

	fprintf(o, "{\n    \"c_info\": {\n        \"type\": \"pv\",\n"
	        "        \"name\": \"%s\"\n    },\n    \"b_info\": {\n"
	        "        \"max_vcpus\": %ld,\n        \"max_memkb\": %ld,\n"
	        "        \"target_memkb\": %ld,\n        \"type.pv\": {\n"
	        "            \"kernel\": \"%s\",\n            \"ramdisk\": \"%s\",\n"
	        "            \"cmdline\": \"%s%s%s%s\"\n        }\n    },\n"
	        "    \"on_poweroff\": \"%s\",\n    \"on_reboot\": \"%s\",\n"
	        "    \"on_crash\": \"%s\"\n}\n", c->name,
	        c->maxvcpus ? c->maxvcpus : (c->vcpus ? c->vcpus : 1),
	        (c->maxmem > c->memory ? c->maxmem
	         : (c->memory ? c->memory : XL_DEFAULT_MEMORY_MB)) * 1024,
	        (c->memory ? c->memory : XL_DEFAULT_MEMORY_MB) * 1024,
	        c->kernel ? c->kernel : "", c->ramdisk ? c->ramdisk : "",
	        c->cmdline ? c->cmdline : "", c->root && !c->cmdline ? "root=" : "",
	        c->root && !c->cmdline ? c->root : "",
	        c->extra && !c->cmdline ? c->extra : "",
	        xlcfg_action_name(c->on_poweroff), xlcfg_action_name(c->on_reboot),
	        xlcfg_action_name(c->on_crash));
}

static int build_and_start(struct xl_ctx *ctx, const struct xlcfg *cfg,
                           bool paused, uint32_t *domid)
{
	struct xl_built b;
	char err[300];
	int r;

	if (xl_build_domain(cfg, ctx->xs, &b, ctx->verbose, err,
	                    sizeof(err)) < 0) {
		fprintf(ctx->err, "libxl: error: %s\n", err);
		return -1;
	}
	*domid = b.domid;
	if (!paused) {
		r = hc_domctl_simple(XEN_DOMCTL_unpausedomain, b.domid);
		if (r < 0) {
			fprintf(ctx->err, "libxl: error: unpause: %s\n", hc_strerror(r));
			xl_destroy_domain(ctx->xs, b.domid, err, sizeof(err));
			return -1;
		}
	}
	return 0;
}

static enum xlcfg_action action_for(const struct xlcfg *c, unsigned reason)
{
	switch (reason) {
	case SHUTDOWN_poweroff: return c->on_poweroff;
	case SHUTDOWN_reboot:   return c->on_reboot;
	case SHUTDOWN_crash:    return c->on_crash;
	case SHUTDOWN_soft_reset: return XLCFG_RESTART;
	default:                return XLCFG_DESTROY; /* watchdog */
	}
}

/*
 * The per-domain monitor: wake on @releaseDomain (or every second, in case
 * the daemon does not fire it for a shutdown) and act once the domain has
 * shut down. Returns when there is nothing left to watch.
 */
static void monitor(struct xl_ctx *ctx, struct xlcfg *cfg, uint32_t domid)
{
	char err[300];

	if (ctx->xs)
		xs_watch(ctx->xs, "@releaseDomain", "xl-lite-monitor");
	for (;;) {
		struct xen_domctl_getdomaininfo info;
		char *path = NULL, *token = NULL;
		unsigned reason;
		int r;

		if (ctx->xs) {
			r = xs_read_watch(ctx->xs, 1000, &path, &token);
			free(path);
			free(token);
			if (r < 0) {
				/* Daemon gone: poll from now on. */
				xs_close(ctx->xs);
				ctx->xs = NULL;
			}
		} else {
			sleep(1);
		}
		r = hc_getdomaininfo(domid, &info);
		if (r < 0)
			return; /* destroyed by someone else */
		if ((info.flags & XEN_DOMINF_dying) ||
		    !(info.flags & XEN_DOMINF_shutdown))
			continue;
		reason = (info.flags >> XEN_DOMINF_shutdownshift) &
		         XEN_DOMINF_shutdownmask;
		if (reason == SHUTDOWN_suspend)
			continue;
		enum xlcfg_action a = action_for(cfg, reason);
		fprintf(ctx->err, "Domain %u has shut down, reason code %u; action "
		        "%s\n", domid, reason, xlcfg_action_name(a));
		switch (a) {
		case XLCFG_PRESERVE:
			return;
		case XLCFG_RENAME_RESTART: {
			/* xl's suffix: the UTC minute. If that name is taken
			 * (it restarted twice within the minute), xl gives up
			 * and leaves the domain as it is; so does xl-lite. */
			char name[96], suffix[24];
			time_t now = time(NULL);
			struct tm tm;

			gmtime_r(&now, &tm);
			strftime(suffix, sizeof(suffix), "-%Y%m%dT%H%MZ", &tm);
			snprintf(name, sizeof(name), "%s%s", cfg->name, suffix);
			fprintf(ctx->err, "Preserving domain %u %s with suffix%s\n",
			        domid, cfg->name, suffix);
			if (!ctx->xs || xl_dom_rename(ctx->xs, domid, name) < 0) {
				fprintf(ctx->err, "cannot rename domain %u to %s\n",
				        domid, name);
				return;
			}
			break;
		}
		case XLCFG_DESTROY:
		case XLCFG_COREDUMP_DESTROY:
			xl_destroy_domain(ctx->xs, domid, err, sizeof(err));
			return;
		default:
			xl_destroy_domain(ctx->xs, domid, err, sizeof(err));
			break;
		}
		/* restart: a new domain from the saved configuration */
		if (build_and_start(ctx, cfg, false, &domid) < 0)
			return;
		fprintf(ctx->err, "Domain restarted as %u\n", domid);
	}
}

/* Fork the monitor into the background, detached from the terminal. */
static void spawn_monitor(struct xl_ctx *ctx, struct xlcfg *cfg,
                          uint32_t domid)
{
	pid_t pid = fork();
	char log[160];
	int fd;

	if (pid != 0) {
		if (pid < 0)
			fprintf(ctx->err, "xl-lite: cannot fork the monitor: %s\n",
			        strerror(errno));
		return;
	}
	setsid();
	signal(SIGHUP, SIG_IGN);
	/* Its own XenStore connection: the parent's socket stays the
	 * parent's (replies would otherwise interleave). */
	xs_close(ctx->xs); /* closes the inherited socket; sends nothing */
	ctx->xs = xs_open();
	mkdir("/var/log/xen", 0755);
	snprintf(log, sizeof(log), "/var/log/xen/xl-%s.log", cfg->name);
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		fd = open("/dev/null", O_WRONLY);
	int nul = open("/dev/null", O_RDONLY);
	dup2(nul, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	ctx->out = stdout;
	ctx->err = stderr;
	setvbuf(stderr, NULL, _IOLBF, 0);
	monitor(ctx, cfg, domid);
	xs_close(ctx->xs);
	_exit(0);
}

int cmd_create(struct xl_ctx *ctx, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "defconfig", 1, NULL, 'f' }, { "quiet", 0, NULL, 'q' },
		{ "dryrun", 0, NULL, 'n' }, { NULL, 0, NULL, 0 }
	};
	bool paused = false, console = false, dryrun = false, quiet = false;
	bool foreground = false, no_monitor = false;
	const char *file = NULL;
	struct xlcfg cfg;
	char err[400];
	uint32_t domid, other;
	int opt, rc = 1;

	while ((opt = getopt_long(argc, argv, "pcf:qnFedV", lo, NULL)) != -1) {
		switch (opt) {
		case 'p': paused = true; break;
		case 'c': console = true; break;
		case 'f': file = optarg; break;
		case 'q': quiet = true; break;
		case 'n': dryrun = true; break;
		case 'F': foreground = true; break;
		case 'e': no_monitor = true; break;
		case 'd': ctx->verbose++; break;
		case 'V': break;
		default: return 1;
		}
	}
	/* The first non-option argument without '=' is the file (xl). */
	if (!file && optind < argc && !strchr(argv[optind], '='))
		file = argv[optind++];
	if (!file) {
		fprintf(ctx->err, "xl-lite create: no config file given\n");
		xl_verb_help(ctx, "create");
		return 1;
	}
	/* xl reads the file before it says it parses it; failures from here
	 * on that are not the configuration's exit with 3 (libxl's
	 * ERROR_FAIL), as xl's do. */
	if (access(file, R_OK) < 0) {
		fprintf(ctx->err, "Failed to read config file: %s: %s\n", file,
		        strerror(errno));
		return 3;
	}
	xlcfg_init(&cfg);
	if (!quiet)
		fprintf(ctx->err, "Parsing config from %s\n", file);
	if (xlcfg_parse_file(&cfg, file, err, sizeof(err)) < 0)
		goto bad_cfg;
	for (int i = optind; i < argc; i++)
		if (xlcfg_override(&cfg, argv[i], (unsigned)(i - optind + 1), err,
		                   sizeof(err)) < 0)
			goto bad_cfg;
	if (xlcfg_validate(&cfg, err, sizeof(err)) < 0)
		goto bad_cfg;
	for (unsigned i = 0; i < cfg.nunknown; i++)
		fprintf(ctx->err, "%s: warning: unknown key '%s' ignored\n",
		        cfg.unknown[i].where, cfg.unknown[i].key);
	if (dryrun) {
		print_dryrun(ctx, &cfg);
		rc = 0;
		goto out;
	}
	rc = 3;
	if (xl_need_xs(ctx) < 0)
		goto out;
	if (xl_dom_lookup(ctx->xs, cfg.name, &other) == 0) {
		fprintf(ctx->err, "libxl: error: domain with name \"%s\" already "
		        "exists (domid %u)\n", cfg.name, other);
		goto out;
	}
	if (build_and_start(ctx, &cfg, paused, &domid) < 0)
		goto out;
	if (!quiet && ctx->verbose)
		fprintf(ctx->err, "Domain %u created\n", domid);
	fflush(NULL);
	if (foreground) {
		monitor(ctx, &cfg, domid);
		rc = 0;
		goto out;
	}
	if (!no_monitor)
		spawn_monitor(ctx, &cfg, domid);
	rc = console ? xl_console_attach(ctx, domid) : 0;
	goto out;
bad_cfg:
	rc = 1;
	fprintf(ctx->err, "%s\n", err);
	fprintf(ctx->err, "Failed to parse config: Invalid argument\n");
out:
	xlcfg_free(&cfg);
	return rc;
}
