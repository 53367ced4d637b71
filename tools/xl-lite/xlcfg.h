/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xl.cfg parsing for xl-lite: the domain configuration file of
 * xl.cfg(5) (KEY = VALUE lines: '' or "" strings, numbers, [ lists ]
 * that may span lines, # comments, trailing commas), the keys xl-lite
 * understands, validated, and `xl create cfg key=value` overrides.
 * Unknown keys are kept (xl warns about them) so callers can report.
 * Errors read "FILE:LINE: KEY: expected <form>, got '<text>'".
 */
#ifndef MICA_XLCFG_H
#define MICA_XLCFG_H

#include <stdbool.h>
#include <stddef.h>

enum xlcfg_action {
	XLCFG_DESTROY,
	XLCFG_RESTART,
	XLCFG_PRESERVE,
	XLCFG_COREDUMP_DESTROY,
	XLCFG_COREDUMP_RESTART,
	XLCFG_RENAME_RESTART,
	XLCFG_SOFT_RESET,
};

/* One disk = [...] entry, after xl-disk-configuration(5). */
struct xlcfg_disk {
	char *target;      /* NULL for an empty cdrom drive */
	char *format;      /* raw (default), qcow, qcow2, vhd, qed */
	char *vdev;        /* guest device name: xvda, hdc, sda1... */
	bool readonly;     /* access=ro */
	bool cdrom;        /* devtype=cdrom */
	char *backend;     /* backend domain, NULL = dom0 */
	char *backendtype; /* phy, qdisk, tap, standalone; NULL = default */
	char *script;
};

/* One vif = [...] entry (xl-network-configuration(5) keys). */
struct xlcfg_vif {
	char *mac, *bridge, *ip, *backend, *script, *model, *vifname, *type,
	     *rate, *gatewaydev;
	long mtu; /* 0 = default */
};

/* A key xl-lite does not interpret, kept with its raw value text. */
struct xlcfg_unknown {
	char *key;
	char *value;
	char *where; /* "FILE:LINE" */
};

struct xlcfg {
	char *name;
	long memory, maxmem;   /* MiB; 0 = unset */
	long vcpus, maxvcpus;  /* 0 = unset */
	char *kernel, *ramdisk, *cmdline, *extra, *root;
	enum xlcfg_action on_poweroff, on_reboot, on_crash;
	struct xlcfg_disk *disks;
	unsigned ndisks;
	struct xlcfg_vif *vifs;
	unsigned nvifs;
	struct xlcfg_unknown *unknown;
	unsigned nunknown;
};

/* Zero @cfg and set xl's defaults (destroy/restart/destroy). */
void xlcfg_init(struct xlcfg *cfg);
void xlcfg_free(struct xlcfg *cfg);

/*
 * Parse configuration text. @fname labels error messages. Settings are
 * applied on top of @cfg (later ones win, as in xl). Returns 0, or -1
 * with the message in @err.
 */
int xlcfg_parse_string(struct xlcfg *cfg, const char *fname, const char *text,
                       char *err, size_t errsz);
int xlcfg_parse_file(struct xlcfg *cfg, const char *path, char *err,
                     size_t errsz);
/*
 * One command-line override "key=value" (value in config syntax, e.g.
 * vcpus=2 or name="web"; a bare word is taken as a string). @argno
 * labels errors as "<command line>:ARGNO".
 */
int xlcfg_override(struct xlcfg *cfg, const char *kv, unsigned argno,
                   char *err, size_t errsz);
/* Cross-key checks (maxmem >= memory...) after all sources are applied. */
int xlcfg_validate(const struct xlcfg *cfg, char *err, size_t errsz);

/* Device specs on their own (used by the parser; also for xl block-attach). */
int xlcfg_parse_disk(const char *spec, struct xlcfg_disk *d, char *why,
                     size_t whysz);
int xlcfg_parse_vif(const char *spec, struct xlcfg_vif *v, char *why,
                    size_t whysz);
void xlcfg_disk_free(struct xlcfg_disk *d);
void xlcfg_vif_free(struct xlcfg_vif *v);

const char *xlcfg_action_name(enum xlcfg_action a);

#endif
