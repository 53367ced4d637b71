// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device specs inside xl.cfg lists: disk (xl-disk-configuration(5):
 * positional target,format,vdev,access, key=value forms, flags, the
 * deprecated "phy:/dev/x,xvda,w" form) and vif (key=value list).
 */
#include "xlcfg.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int why(char *buf, size_t sz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int why(char *buf, size_t sz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sz, fmt, ap);
	va_end(ap);
	return -1;
}

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

/* Trimmed copy of [b, e). */
static char *trimmed(const char *b, const char *e)
{
	while (b < e && isspace((unsigned char)*b))
		b++;
	while (e > b && isspace((unsigned char)e[-1]))
		e--;
	return strndup(b, (size_t)(e - b));
}

static int set_once(char **slot, const char *name, const char *val,
                    char *w, size_t wsz)
{
	if (*slot)
		return why(w, wsz, "%s given twice", name);
	*slot = strdup(val);
	return *slot ? 0 : why(w, wsz, "out of memory");
}

static bool valid_vdev(const char *v)
{
	const char *p = v;

	if (!strncmp(p, "xvd", 3))
		p += 3;
	else if (!strncmp(p, "hd", 2) || !strncmp(p, "sd", 2))
		p += 2;
	else if (p[0] == 'd' && isdigit((unsigned char)p[1])) {
		/* d<disk>[p<partition>] */
		for (p++; isdigit((unsigned char)*p); p++)
			;
		if (*p == 'p' && isdigit((unsigned char)p[1]))
			for (p++; isdigit((unsigned char)*p); p++)
				;
		return *p == '\0';
	} else
		return false;
	if (!islower((unsigned char)*p))
		return false;
	while (islower((unsigned char)*p))
		p++;
	while (isdigit((unsigned char)*p))
		p++;
	return *p == '\0';
}

/* Deprecated "<prefix>:<target>" forms; returns the format it implies. */
static const char *legacy_prefix(const char *t, size_t *skip)
{
	static const struct { const char *pre, *fmt; } tab[] = {
		{ "phy:", "raw" }, { "file:", "raw" }, { "tap:aio:", "raw" },
		{ "tap2:aio:", "raw" }, { "aio:", "raw" }, { "raw:", "raw" },
		{ "tap:qcow2:", "qcow2" }, { "qcow2:", "qcow2" }, { "qcow:", "qcow" },
		{ "vhd:", "vhd" }, { "tap:vhd:", "vhd" }, { "qed:", "qed" },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		size_t l = strlen(tab[i].pre);

		if (!strncmp(t, tab[i].pre, l)) {
			*skip = l;
			return tab[i].fmt;
		}
	}
	return NULL;
}

static int disk_param(struct xlcfg_disk *d, char *pos[4], unsigned *npos,
                      char **access, char **devtype, const char *p, char *w,
                      size_t wsz)
{
	static const char *const flags[] = { "direct-io-safe", "discard",
	                                     "no-discard", "trusted", "untrusted",
	                                     NULL };
	const char *eq = strchr(p, '=');

	if (!eq) {
		if (!strcmp(p, "cdrom"))
			return set_once(devtype, "devtype", "cdrom", w, wsz);
		if (one_of(p, flags))
			return 0;
		if (*npos == 4)
			return why(w, wsz, "too many positional parameters at '%s' "
			                   "(expected target,format,vdev,access)", p);
		pos[(*npos)++] = strdup(p);
		return 0;
	}
	{
		size_t kl = (size_t)(eq - p);
		const char *val = eq + 1;
		char key[32];

		if (kl >= sizeof(key))
			return why(w, wsz, "unknown key '%.*s'", (int)kl, p);
		memcpy(key, p, kl);
		key[kl] = '\0';
		if (!strcmp(key, "format"))
			return set_once(&d->format, key, val, w, wsz);
		if (!strcmp(key, "vdev"))
			return set_once(&d->vdev, key, val, w, wsz);
		if (!strcmp(key, "access"))
			return set_once(access, key, val, w, wsz);
		if (!strcmp(key, "devtype"))
			return set_once(devtype, key, val, w, wsz);
		if (!strcmp(key, "backend"))
			return set_once(&d->backend, key, val, w, wsz);
		if (!strcmp(key, "backendtype"))
			return set_once(&d->backendtype, key, val, w, wsz);
		if (!strcmp(key, "script"))
			return set_once(&d->script, key, val, w, wsz);
		return why(w, wsz, "unknown key '%s'", key);
	}
}

int xlcfg_parse_disk(const char *spec, struct xlcfg_disk *d, char *w,
                     size_t wsz)
{
	static const char *const formats[] = { "raw", "qcow", "qcow2", "vhd",
	                                       "qed", NULL };
	static const char *const btypes[] = { "phy", "qdisk", "tap",
	                                      "standalone", NULL };
	char *pos[4] = { 0 }, *access = NULL, *devtype = NULL;
	unsigned npos = 0;
	const char *p = spec;
	int rc = -1;

	memset(d, 0, sizeof(*d));
	while (*p) {
		const char *e;
		char *param;

		while (isspace((unsigned char)*p))
			p++;
		/* target= swallows the rest: paths may contain commas. */
		if (!strncmp(p, "target=", 7)) {
			if (d->target || npos) {
				why(w, wsz, "target given twice");
				goto out;
			}
			d->target = trimmed(p + 7, p + strlen(p));
			break;
		}
		e = strchr(p, ',');
		if (!e)
			e = p + strlen(p);
		param = trimmed(p, e);
		if (!param || disk_param(d, pos, &npos, &access, &devtype, param, w,
		                         wsz)) {
			free(param);
			goto out;
		}
		free(param);
		p = *e ? e + 1 : e;
	}

	/* Positional: "" means "default", as if not given. */
	if (npos) {
		size_t skip = 0;
		const char *lf = legacy_prefix(pos[0], &skip);

		if (lf && npos <= 3) {
			/* Deprecated form: <fmt>:<target>, vdev[:cdrom], access. */
			char *colon;

			if (!d->format)
				d->format = strdup(lf);
			memmove(pos[0], pos[0] + skip, strlen(pos[0] + skip) + 1);
			pos[3] = pos[2];
			pos[2] = pos[1];
			pos[1] = NULL;
			if (pos[2] && (colon = strchr(pos[2], ':'))) {
				if (strcmp(colon, ":cdrom")) {
					why(w, wsz, "vdev: expected <name>[:cdrom], got '%s'", pos[2]);
					goto out;
				}
				*colon = '\0';
				if (set_once(&devtype, "devtype", "cdrom", w, wsz))
					goto out;
			}
		}
		char **slots[4] = { &d->target, &d->format, &d->vdev, &access };
		static const char *const names[] = { "target", "format", "vdev",
		                                     "access" };

		for (unsigned i = 0; i < 4; i++) {
			if (!pos[i] || !pos[i][0])
				continue;
			if (set_once(slots[i], names[i], pos[i], w, wsz))
				goto out;
		}
	}

	if (!d->format)
		d->format = strdup("raw");
	if (!one_of(d->format, formats)) {
		why(w, wsz, "format: expected raw, qcow, qcow2, vhd or qed, got '%s'",
		    d->format);
		goto out;
	}
	if (access) {
		if (!strcmp(access, "ro") || !strcmp(access, "r"))
			d->readonly = true;
		else if (strcmp(access, "rw") && strcmp(access, "w")) {
			why(w, wsz, "access: expected ro or rw, got '%s'", access);
			goto out;
		}
	}
	if (devtype) {
		if (!strcmp(devtype, "cdrom"))
			d->cdrom = true;
		else if (strcmp(devtype, "disk")) {
			why(w, wsz, "devtype: expected disk or cdrom, got '%s'", devtype);
			goto out;
		}
	}
	if (d->cdrom && !access)
		d->readonly = true; /* cdroms default to read-only */
	if (d->backendtype && !one_of(d->backendtype, btypes)) {
		why(w, wsz, "backendtype: expected phy, qdisk, tap or standalone, "
		            "got '%s'", d->backendtype);
		goto out;
	}
	if (!d->vdev) {
		why(w, wsz, "vdev: missing (expected e.g. xvda)");
		goto out;
	}
	if (!valid_vdev(d->vdev)) {
		why(w, wsz, "vdev: expected xvd<x>, hd<x>, sd<x> or d<n>[p<n>], got '%s'",
		    d->vdev);
		goto out;
	}
	if (d->target && !d->target[0]) {
		free(d->target);
		d->target = NULL;
	}
	if (!d->target && !d->cdrom) {
		why(w, wsz, "target: missing (only an empty cdrom may omit it)");
		goto out;
	}
	rc = 0;
out:
	for (unsigned i = 0; i < 4; i++)
		free(pos[i]);
	free(access);
	free(devtype);
	if (rc)
		xlcfg_disk_free(d);
	return rc;
}

void xlcfg_disk_free(struct xlcfg_disk *d)
{
	free(d->target);
	free(d->format);
	free(d->vdev);
	free(d->backend);
	free(d->backendtype);
	free(d->script);
	memset(d, 0, sizeof(*d));
}

static bool valid_mac(const char *m)
{
	for (int i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)m[0]) || !isxdigit((unsigned char)m[1]))
			return false;
		m += 2;
		if (i < 5 && *m++ != ':')
			return false;
	}
	return *m == '\0';
}

/* Space-separated IPv4/IPv6 addresses, each with an optional /prefix. */
static bool valid_ips(const char *s)
{
	char buf[64];
	bool any = false;

	while (*s) {
		size_t l = strcspn(s, " ");
		char *slash;
		unsigned char tmp[16];

		if (l == 0) {
			s++;
			continue;
		}
		if (l >= sizeof(buf))
			return false;
		memcpy(buf, s, l);
		buf[l] = '\0';
		slash = strchr(buf, '/');
		if (slash) {
			char *end;
			long n = strtol(slash + 1, &end, 10);

			if (slash[1] == '\0' || *end || n < 0 || n > 128)
				return false;
			*slash = '\0';
		}
		if (inet_pton(AF_INET, buf, tmp) != 1 &&
		    inet_pton(AF_INET6, buf, tmp) != 1)
			return false;
		any = true;
		s += l;
	}
	return any;
}

int xlcfg_parse_vif(const char *spec, struct xlcfg_vif *v, char *w, size_t wsz)
{
	const char *p = spec;

	memset(v, 0, sizeof(*v));
	while (*p) {
		const char *e = strchr(p, ',');
		char *param, *eq, **slot = NULL;

		if (!e)
			e = p + strlen(p);
		param = trimmed(p, e);
		p = *e ? e + 1 : e;
		if (!param)
			return why(w, wsz, "out of memory");
		if (!param[0]) {
			free(param);
			continue;
		}
		eq = strchr(param, '=');
		if (!eq) {
			why(w, wsz, "expected key=value, got '%s'", param);
			free(param);
			goto fail;
		}
		*eq = '\0';
		if (!strcmp(param, "mac")) slot = &v->mac;
		else if (!strcmp(param, "bridge")) slot = &v->bridge;
		else if (!strcmp(param, "ip")) slot = &v->ip;
		else if (!strcmp(param, "backend")) slot = &v->backend;
		else if (!strcmp(param, "script")) slot = &v->script;
		else if (!strcmp(param, "model")) slot = &v->model;
		else if (!strcmp(param, "vifname")) slot = &v->vifname;
		else if (!strcmp(param, "type")) slot = &v->type;
		else if (!strcmp(param, "rate")) slot = &v->rate;
		else if (!strcmp(param, "gatewaydev")) slot = &v->gatewaydev;
		if (!strcmp(param, "mtu")) {
			char *end;
			long n = strtol(eq + 1, &end, 10);

			if (!eq[1] || *end || n < 68 || n > 65535) {
				why(w, wsz, "mtu: expected an integer 68..65535, got '%s'", eq + 1);
				free(param);
				goto fail;
			}
			v->mtu = n;
		} else if (!slot) {
			why(w, wsz, "unknown key '%s'", param);
			free(param);
			goto fail;
		} else if (set_once(slot, param, eq + 1, w, wsz)) {
			free(param);
			goto fail;
		}
		free(param);
	}
	if (v->mac && !valid_mac(v->mac))
		why(w, wsz, "mac: expected six hex bytes like 00:16:3e:12:34:56, "
		            "got '%s'", v->mac);
	else if (v->ip && !valid_ips(v->ip))
		why(w, wsz, "ip: expected IP addresses separated by spaces, got '%s'",
		    v->ip);
	else if (v->type && strcmp(v->type, "vif") && strcmp(v->type, "ioemu"))
		why(w, wsz, "type: expected vif or ioemu, got '%s'", v->type);
	else
		return 0;
fail:
	xlcfg_vif_free(v);
	return -1;
}

void xlcfg_vif_free(struct xlcfg_vif *v)
{
	free(v->mac);
	free(v->bridge);
	free(v->ip);
	free(v->backend);
	free(v->script);
	free(v->model);
	free(v->vifname);
	free(v->type);
	free(v->rate);
	free(v->gatewaydev);
	memset(v, 0, sizeof(*v));
}
