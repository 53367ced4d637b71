/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xl-lite's command layer: the verb table (main.c), the context each
 * verb gets, and the domain-list backend, which tests replace with a fake
 * to check `list` output without a hypervisor.
 */
#ifndef XL_LITE_H
#define XL_LITE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "xs_client.h"

/* One domain as `list` and friends see it (libxl_dominfo's fields). */
struct xl_dom {
	uint32_t domid;
	char name[64];
	uint8_t uuid[16];
	uint64_t current_kb, max_kb;
	uint64_t cpu_time_ns;
	uint32_t vcpu_online, max_vcpu_id;
	bool running, blocked, paused, shutdown, dying;
	unsigned shutdown_reason;
};

struct xl_ctx;

struct xl_backend {
	/* All domains in id order; returns the count (<= max) or -errno. */
	int (*list)(struct xl_ctx *ctx, struct xl_dom *out, unsigned max);
	/* Name or numeric id -> domid; -ENOENT if none. */
	int (*lookup)(struct xl_ctx *ctx, const char *s, uint32_t *domid);
};

struct xl_ctx {
	FILE *out, *err;
	const struct xl_backend *be;
	struct xs_client *xs;   /* NULL until xl_need_xs() */
	int verbose;
	const char *argv0;
};

/* The real backend (hypercalls + XenStore). */
extern const struct xl_backend xl_real_backend;

/* Connect to XenStore on first use; prints the error and returns -1. */
int xl_need_xs(struct xl_ctx *ctx);
/* Resolve a domain argument, printing xl's message on failure. */
int xl_find_domain(struct xl_ctx *ctx, const char *arg, uint32_t *domid);

/* Run xl-lite with argv (argv[0] is the program); returns the exit code. */
int xl_main(struct xl_ctx *ctx, int argc, char **argv);
/* Print a verb's help (usage and options). */
void xl_verb_help(struct xl_ctx *ctx, const char *verb);

/* Verbs: each returns the exit code (0 ok, 1 error). */
int cmd_list(struct xl_ctx *, int, char **);
int cmd_domid(struct xl_ctx *, int, char **);
int cmd_domname(struct xl_ctx *, int, char **);
int cmd_vcpu_list(struct xl_ctx *, int, char **);
int cmd_uptime(struct xl_ctx *, int, char **);
int cmd_info(struct xl_ctx *, int, char **);
int cmd_dmesg(struct xl_ctx *, int, char **);
int cmd_destroy(struct xl_ctx *, int, char **);
int cmd_shutdown(struct xl_ctx *, int, char **);
int cmd_reboot(struct xl_ctx *, int, char **);
int cmd_pause(struct xl_ctx *, int, char **);
int cmd_unpause(struct xl_ctx *, int, char **);
int cmd_mem_set(struct xl_ctx *, int, char **);
int cmd_mem_max(struct xl_ctx *, int, char **);
int cmd_create(struct xl_ctx *, int, char **);
int cmd_console(struct xl_ctx *, int, char **);

/* Helpers shared by verbs (cmd_list.c). */
void xl_print_list(struct xl_ctx *ctx, const struct xl_dom *d, int n,
                   bool verbose);
void xl_print_list_json(struct xl_ctx *ctx, const struct xl_dom *d, int n);
/* "128", "128m", "1g", "512k", "4096b" -> kB (default unit @unit). */
int xl_parse_mem_kb(const char *s, char unit, uint64_t *kb);
/* xl's uptime text: "1 day,  2:03:04" or " 2:03:04". */
void xl_uptime_string(unsigned long secs, char *buf, size_t len);

/* Attach to a domain's console (cmd_console.c); returns the exit code. */
int xl_console_attach(struct xl_ctx *ctx, uint32_t domid);

#endif
