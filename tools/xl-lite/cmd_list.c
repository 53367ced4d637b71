// SPDX-License-Identifier: GPL-2.0-only
/*
 * Read-only verbs: list, domid, domname, vcpu-list, uptime, info, dmesg.
 * Output formats are xl's (tools/xl/xl_info.c), column for column.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "dom_xs.h"
#include "hcall.h"
#include "xl.h"

#include <public/version.h>

#define MAX_DOMS 1024

void xl_print_list(struct xl_ctx *ctx, const struct xl_dom *d, int n,
                   bool verbose)
{
	/* xl's letters for the shutdown reason: poweroff, reboot, suspend,
	 * crash, watchdog, soft_reset. */
	static const char reasons[] = "-rscwS";
	FILE *o = ctx->out;

	fprintf(o, "Name                                        ID   Mem VCPUs\t"
	        "State\tTime(s)");
	if (verbose)
		fprintf(o, "   UUID                            Reason-Code\t"
		        "Security Label");
	fputc('\n', o);
	for (int i = 0; i < n; i++) {
		unsigned r = d[i].shutdown ? d[i].shutdown_reason : 0;

		fprintf(o, "%-40s %5u %5lu %5u     %c%c%c%c%c%c  %8.1f",
		        d[i].name, d[i].domid,
		        (unsigned long)(d[i].current_kb / 1024), d[i].vcpu_online,
		        d[i].running ? 'r' : '-', d[i].blocked ? 'b' : '-',
		        d[i].paused ? 'p' : '-', d[i].shutdown ? 's' : '-',
		        r < sizeof(reasons) - 1 ? reasons[r] : '?',
		        d[i].dying ? 'd' : '-',
		        (double)((float)d[i].cpu_time_ns / 1e9f));
		if (verbose) {
			char u[37];

			xl_uuid_format(d[i].uuid, u);
			fprintf(o, " %s", u);
			if (d[i].shutdown)
				fprintf(o, " %8x", r);
			else
				fprintf(o, " %8s", "-");
			fprintf(o, " %16s", "-");
		}
		fputc('\n', o);
	}
}

static void json_str(FILE *o, const char *s)
{
	fputc('"', o);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(o, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(o, "\\u%04x", *s);
		else
			fputc(*s, o);
	}
	fputc('"', o);
}

/* `xl list -l`: an array with one object per domain, shaped like libxl's
 * domain configuration JSON (the parts xl-lite knows). */
void xl_print_list_json(struct xl_ctx *ctx, const struct xl_dom *d, int n)
{
	FILE *o = ctx->out;

	fprintf(o, "[\n");
	for (int i = 0; i < n; i++) {
		char u[37];

		xl_uuid_format(d[i].uuid, u);
		fprintf(o, "    {\n        \"domid\": %u,\n        \"config\": {\n"
		        "            \"c_info\": {\n"
		        "                \"type\": \"pv\",\n"
		        "                \"name\": ", d[i].domid);
		json_str(o, d[i].name);
		fprintf(o, ",\n                \"uuid\": \"%s\"\n            },\n"
		        "            \"b_info\": {\n"
		        "                \"max_vcpus\": %u,\n"
		        "                \"max_memkb\": %llu,\n"
		        "                \"target_memkb\": %llu,\n"
		        "                \"type.pv\": {}\n            }\n"
		        "        }\n    }%s\n", u, d[i].max_vcpu_id + 1u,
		        (unsigned long long)d[i].max_kb,
		        (unsigned long long)d[i].current_kb, i + 1 < n ? "," : "");
	}
	fprintf(o, "]\n");
}

static struct xl_dom *get_list(struct xl_ctx *ctx, int *n)
{
	struct xl_dom *d = calloc(MAX_DOMS, sizeof(*d));

	if (!d) {
		*n = -ENOMEM;
		return NULL;
	}
	*n = ctx->be->list(ctx, d, MAX_DOMS);
	if (*n < 0) {
		fprintf(ctx->err, "libxl_list_domain failed: %s\n",
		        hc_strerror(*n));
		free(d);
		return NULL;
	}
	return d;
}

int cmd_list(struct xl_ctx *ctx, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "long", 0, NULL, 'l' }, { "verbose", 0, NULL, 'v' },
		{ "context", 0, NULL, 'Z' }, { NULL, 0, NULL, 0 }
	};
	bool details = false, verbose = false;
	struct xl_dom *d;
	int opt, n;

	while ((opt = getopt_long(argc, argv, "lvZ", lo, NULL)) != -1) {
		switch (opt) {
		case 'l': details = true; break;
		case 'v': verbose = true; break;
		case 'Z': break;
		default: return 1;
		}
	}
	if (argc - optind > 1) {
		xl_verb_help(ctx, "list");
		return 1;
	}
	d = get_list(ctx, &n);
	if (!d)
		return 1;
	if (optind < argc) {
		uint32_t id;
		int k;

		if (xl_find_domain(ctx, argv[optind], &id) < 0) {
			free(d);
			return 1;
		}
		for (k = 0; k < n && d[k].domid != id; k++)
			;
		if (k == n) {
			fprintf(ctx->err, "Error: Domain \'%s\' does not exist.\n",
			        argv[optind]);
			free(d);
			return 1;
		}
		d[0] = d[k];
		n = 1;
	}
	if (details)
		xl_print_list_json(ctx, d, n);
	else
		xl_print_list(ctx, d, n, verbose);
	free(d);
	return 0;
}

int cmd_domid(struct xl_ctx *ctx, int argc, char **argv)
{
	uint32_t id;

	if (argc != 2) {
		xl_verb_help(ctx, "domid");
		return 1;
	}
	if (ctx->be->lookup(ctx, argv[1], &id) < 0) {
		fprintf(ctx->err, "Can't get domid of domain name '%s', maybe "
		        "this domain does not exist.\n", argv[1]);
		return 1;
	}
	fprintf(ctx->out, "%u\n", id);
	return 0;
}

int cmd_domname(struct xl_ctx *ctx, int argc, char **argv)
{
	struct xl_dom *d;
	char *end;
	unsigned long id;
	int n;

	if (argc != 2) {
		xl_verb_help(ctx, "domname");
		return 1;
	}
	id = strtoul(argv[1], &end, 10);
	if (!*argv[1] || *end) {
		fprintf(ctx->err, "Invalid domain id.\n\n");
		return 1;
	}
	d = get_list(ctx, &n);
	if (!d)
		return 1;
	for (int i = 0; i < n; i++)
		if (d[i].domid == id && d[i].name[0]) {
			fprintf(ctx->out, "%s\n", d[i].name);
			free(d);
			return 0;
		}
	free(d);
	fprintf(ctx->err, "Can't get domain name of domain id '%lu', maybe "
	        "this domain does not exist.\n", id);
	return 1;
}

int cmd_vcpu_list(struct xl_ctx *ctx, int argc, char **argv)
{
	struct xl_dom *d;
	int n;

	d = get_list(ctx, &n);
	if (!d)
		return 1;
	fprintf(ctx->out, "%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU",
	        "CPU", "State", "Time(s)", "Affinity (Hard / Soft)");
	for (int i = 0; i < n; i++) {
		bool wanted = argc <= 1;
		uint32_t id;

		for (int a = 1; a < argc && !wanted; a++)
			wanted = ctx->be->lookup(ctx, argv[a], &id) == 0 &&
			         id == d[i].domid;
		if (!wanted || d[i].max_vcpu_id == ~0u)
			continue;
		for (uint32_t v = 0; v <= d[i].max_vcpu_id; v++) {
			struct xen_domctl c;
			struct xen_domctl_getvcpuinfo *vi = &c.u.getvcpuinfo;

			memset(&c, 0, sizeof(c));
			c.cmd = XEN_DOMCTL_getvcpuinfo;
			c.domain = (domid_t)d[i].domid;
			vi->vcpu = v;
			if (hc_domctl(&c) < 0)
				continue;
			fprintf(ctx->out, "%-32s %5u %5u", d[i].name, d[i].domid, v);
			if (!vi->online)
				fprintf(ctx->out, "%5c", '-');
			else
				fprintf(ctx->out, "%5u", vi->cpu);
			fprintf(ctx->out, "%5c%c%c  %9.1f  all / all\n",
			        vi->running ? 'r' : '-', vi->blocked ? 'b' : '-',
			        vi->online ? '-' : 'p',
			        (double)((float)vi->cpu_time / 1e9f));
		}
	}
	free(d);
	return 0;
}

void xl_uptime_string(unsigned long up, char *buf, size_t len)
{
	unsigned sec = up % 60, min = (up / 60) % 60, hour = (up / 3600) % 24;
	unsigned long day = up / 86400;

	if (day)
		snprintf(buf, len, "%lu day%s, %2u:%02u:%02u", day,
		         day == 1 ? "" : "s", hour, min, sec);
	else
		snprintf(buf, len, "%2u:%02u:%02u", hour, min, sec);
}

static long dom_start_time(struct xl_ctx *ctx, uint32_t domid)
{
	char p[64], *vm, *t;
	long v = -1;

	if (!ctx->xs)
		return -1;
	snprintf(p, sizeof(p), "/local/domain/%u/vm", domid);
	vm = xs_read(ctx->xs, 0, p, NULL);
	if (!vm)
		return -1;
	snprintf(p, sizeof(p), "%s/start_time", vm);
	free(vm);
	t = xs_read(ctx->xs, 0, p, NULL);
	if (t)
		v = strtol(t, NULL, 10);
	free(t);
	return v;
}

int cmd_uptime(struct xl_ctx *ctx, int argc, char **argv)
{
	bool short_mode = false;
	struct xl_dom *d;
	time_t now = time(NULL);
	int opt, n;

	while ((opt = getopt(argc, argv, "s")) != -1) {
		if (opt != 's')
			return 1;
		short_mode = true;
	}
	d = get_list(ctx, &n);
	if (!d)
		return 1;
	if (!short_mode)
		fprintf(ctx->out, "%-33s %4s %s\n", "Name", "ID", "Uptime");
	for (int i = 0; i < n; i++) {
		char up[48], when[32];
		long secs;
		bool wanted = optind >= argc;
		uint32_t id;

		for (int a = optind; a < argc && !wanted; a++)
			wanted = ctx->be->lookup(ctx, argv[a], &id) == 0 &&
			         id == d[i].domid;
		if (!wanted)
			continue;
		if (d[i].domid == 0) {
			FILE *f = fopen("/proc/uptime", "r");

			secs = -1;
			if (f) {
				double u;

				if (fscanf(f, "%lf", &u) == 1)
					secs = (long)u;
				fclose(f);
			}
		} else {
			long st = dom_start_time(ctx, d[i].domid);

			secs = st < 0 ? -1 : (long)now - st;
		}
		if (secs < 0)
			continue;
		xl_uptime_string((unsigned long)secs, up, sizeof(up));
		if (short_mode) {
			strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
			fprintf(ctx->out, " %s up %s, %s (%u)\n", when, up,
			        d[i].name, d[i].domid);
		} else {
			fprintf(ctx->out, "%-33s %4u %s\n", d[i].name, d[i].domid, up);
		}
	}
	free(d);
	return 0;
}

int cmd_info(struct xl_ctx *ctx, int argc, char **argv)
{
	struct xen_sysctl s;
	struct xen_sysctl_physinfo *pi = &s.u.physinfo;
	struct utsname u;
	char extra[16] = "", caps[1024] = "", cmdline[1024] = "";
	char changeset[64] = "";
	xen_compile_info_t ci;
	long ver;
	FILE *o = ctx->out;
	int r;

	memset(&s, 0, sizeof(s));
	s.cmd = XEN_SYSCTL_physinfo;
	r = hc_sysctl(&s);
	if (r < 0) {
		fprintf(ctx->err, "libxl_physinfo failed: %s\n", hc_strerror(r));
		return 1;
	}
	if (uname(&u) == 0) {
		fprintf(o, "host                   : %s\n", u.nodename);
		fprintf(o, "release                : %s\n", u.release);
		fprintf(o, "version                : %s\n", u.version);
		fprintf(o, "machine                : %s\n", u.machine);
	}
	fprintf(o, "nr_cpus                : %u\n", pi->nr_cpus);
	fprintf(o, "max_cpu_id             : %u\n", pi->max_cpu_id);
	fprintf(o, "nr_nodes               : %u\n", pi->nr_nodes);
	fprintf(o, "cores_per_socket       : %u\n", pi->cores_per_socket);
	fprintf(o, "threads_per_core       : %u\n", pi->threads_per_core);
	fprintf(o, "cpu_mhz                : %u.%03u\n", pi->cpu_khz / 1000,
	        pi->cpu_khz % 1000);
	fprintf(o, "hw_caps                : %08x:%08x:%08x:%08x:%08x:%08x:"
	        "%08x:%08x\n", pi->hw_cap[0], pi->hw_cap[1], pi->hw_cap[2],
	        pi->hw_cap[3], pi->hw_cap[4], pi->hw_cap[5], pi->hw_cap[6],
	        pi->hw_cap[7]);
	fprintf(o, "virt_caps              :%s%s%s%s%s\n",
	        pi->capabilities & XEN_SYSCTL_PHYSCAP_pv ? " pv" : "",
	        pi->capabilities & XEN_SYSCTL_PHYSCAP_hvm ? " hvm" : "",
	        pi->capabilities & XEN_SYSCTL_PHYSCAP_shadow ? " shadow" : "",
	        pi->capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v1 ? " gnttab-v1" : "",
	        pi->capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v2 ? " gnttab-v2" : "");
	fprintf(o, "total_memory           : %llu\n",
	        (unsigned long long)(pi->total_pages / 256));
	fprintf(o, "free_memory            : %llu\n",
	        (unsigned long long)((pi->free_pages - pi->outstanding_pages) /
	                             256));
	fprintf(o, "sharing_freed_memory   : 0\n");
	fprintf(o, "sharing_used_memory    : 0\n");
	fprintf(o, "outstanding_claims     : %llu\n",
	        (unsigned long long)(pi->outstanding_pages / 256));
	fprintf(o, "free_cpus              : 0\n");

	ver = hc_xen_version(XENVER_version, NULL, 0);
	hc_xen_version(XENVER_extraversion, extra, sizeof(extra) - 1);
	hc_xen_version(XENVER_capabilities, caps, sizeof(caps) - 1);
	hc_xen_version(XENVER_changeset, changeset, sizeof(changeset) - 1);
	hc_xen_version(XENVER_commandline, cmdline, sizeof(cmdline) - 1);
	memset(&ci, 0, sizeof(ci));
	hc_xen_version(XENVER_compile_info, &ci, sizeof(ci));
	if (ver < 0)
		ver = 0;
	fprintf(o, "xen_major              : %ld\n", ver >> 16);
	fprintf(o, "xen_minor              : %ld\n", ver & 0xffff);
	fprintf(o, "xen_extra              : %s\n", extra);
	fprintf(o, "xen_version            : %ld.%ld%s\n", ver >> 16,
	        ver & 0xffff, extra);
	fprintf(o, "xen_caps               : %s\n", caps);
	fprintf(o, "xen_scheduler          : credit\n");
	fprintf(o, "xen_pagesize           : 4096\n");
	fprintf(o, "xen_changeset          : %s\n", changeset);
	fprintf(o, "xen_commandline        : %s\n", cmdline);
	fprintf(o, "cc_compiler            : %.64s\n", ci.compiler);
	fprintf(o, "cc_compile_by          : %.16s\n", ci.compile_by);
	fprintf(o, "cc_compile_domain      : %.32s\n", ci.compile_domain);
	fprintf(o, "cc_compile_date        : %.32s\n", ci.compile_date);
	fprintf(o, "xend_config_format     : 4\n");
	return 0;
}

int cmd_dmesg(struct xl_ctx *ctx, int argc, char **argv)
{
	const size_t len = 16384;
	bool clear = false;
	uint32_t index = 0;
	char *buf;
	int opt;

	while ((opt = getopt(argc, argv, "c")) != -1) {
		if (opt != 'c')
			return 1;
		clear = true;
	}
	buf = hc_buf(len);
	if (!buf)
		return 1;
	/* Incremental reads from index 0 until the ring is drained, as
	 * libxl's xc_readconsolering loop does. */
	for (;;) {
		struct xen_sysctl s;
		int r;

		memset(&s, 0, sizeof(s));
		s.cmd = XEN_SYSCTL_readconsole;
		s.u.readconsole.incremental = 1;
		s.u.readconsole.index = index;
		s.u.readconsole.count = (uint32_t)len;
		set_xen_guest_handle(s.u.readconsole.buffer, buf);
		r = hc_sysctl(&s);
		if (r < 0) {
			fprintf(ctx->err, "libxl_xen_console_read_line failed: %s\n",
			        hc_strerror(r));
			hc_buf_free(buf, len);
			return 1;
		}
		if (!s.u.readconsole.count)
			break;
		fwrite(buf, 1, s.u.readconsole.count, ctx->out);
		index = s.u.readconsole.index;
	}
	if (clear) {
		struct xen_sysctl s;

		memset(&s, 0, sizeof(s));
		s.cmd = XEN_SYSCTL_readconsole;
		s.u.readconsole.clear = 1;
		s.u.readconsole.count = 0;
		set_xen_guest_handle(s.u.readconsole.buffer, buf);
		hc_sysctl(&s);
	}
	hc_buf_free(buf, len);
	return 0;
}
