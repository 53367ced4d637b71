// SPDX-License-Identifier: GPL-2.0-only
/*
 * xl.cfg reader: a small lexer and statement parser produce
 * (key, value, line) settings, which are then checked and applied to
 * struct xlcfg. Device specs are parsed in xlcfg_dev.c.
 */
#include "xlcfg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum vkind { V_WORD, V_STRING, V_LIST };

struct value {
	enum vkind kind;
	char *s;          /* V_WORD, V_STRING */
	char **items;     /* V_LIST: element texts */
	unsigned *lines;  /* V_LIST: line of each element */
	unsigned n;
	unsigned line;
};

struct lexer {
	const char *p;
	unsigned line;
	const char *fname;
	char *err;
	size_t errsz;
	bool bare_strings; /* command line: a bare word may be a string */
};

static int fail(struct lexer *lx, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct lexer *lx, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(lx->err, lx->errsz, "%s:%u: ", lx->fname, line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < lx->errsz)
		vsnprintf(lx->err + n, lx->errsz - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static void value_free(struct value *v)
{
	free(v->s);
	for (unsigned i = 0; i < v->n; i++)
		free(v->items[i]);
	free(v->items);
	free(v->lines);
	memset(v, 0, sizeof(*v));
}

/* Skip blanks and comments; newlines only if @nl. */
static void skip_space(struct lexer *lx, bool nl)
{
	for (;;) {
		char c = *lx->p;

		if (c == ' ' || c == '\t' || c == '\r') {
			lx->p++;
		} else if (c == '#') {
			while (*lx->p && *lx->p != '\n')
				lx->p++;
		} else if (c == '\n' && nl) {
			lx->line++;
			lx->p++;
		} else {
			return;
		}
	}
}

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
	       c == '+' || c == '/' || c == ':';
}

/* A quoted string; double quotes allow C-style backslash escapes. */
static int lex_string(struct lexer *lx, char **out)
{
	char q = *lx->p++;
	unsigned line = lx->line;
	size_t cap = 64, len = 0;
	char *s = malloc(cap);

	if (!s)
		return fail(lx, line, "out of memory");
	for (;;) {
		char c = *lx->p;

		if (c == '\0' || c == '\n') {
			free(s);
			return fail(lx, line, "unterminated string (missing %c)", q);
		}
		lx->p++;
		if (c == q)
			break;
		if (c == '\\' && q == '"') {
			c = *lx->p++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case '\\': case '"': case '\'': break;
			default:
				free(s);
				return fail(lx, line, "unknown escape '\\%c' in string", c);
			}
		}
		if (len + 2 > cap) {
			char *ns = realloc(s, cap *= 2);

			if (!ns) {
				free(s);
				return fail(lx, line, "out of memory");
			}
			s = ns;
		}
		s[len++] = c;
	}
	s[len] = '\0';
	*out = s;
	return 0;
}

static char *lex_word(struct lexer *lx)
{
	const char *start = lx->p;

	while (word_char(*lx->p))
		lx->p++;
	return strndup(start, (size_t)(lx->p - start));
}

/* One list element or scalar: a string or a bare word. */
static int lex_atom(struct lexer *lx, enum vkind *kind, char **out)
{
	char c = *lx->p;

	if (c == '\'' || c == '"') {
		*kind = V_STRING;
		return lex_string(lx, out);
	}
	if (word_char(c)) {
		*kind = V_WORD;
		*out = lex_word(lx);
		return *out ? 0 : fail(lx, lx->line, "out of memory");
	}
	if (c == '\0' || c == '\n')
		return fail(lx, lx->line, "expected a value, got end of line");
	return fail(lx, lx->line, "expected a value, got '%c'", c);
}

static int parse_list(struct lexer *lx, struct value *v)
{
	unsigned start = lx->line, cap = 0;

	lx->p++; /* '[' */
	v->kind = V_LIST;
	for (;;) {
		enum vkind k;
		char *item;

		skip_space(lx, true);
		if (*lx->p == ']') {
			lx->p++;
			return 0;
		}
		if (*lx->p == '\0')
			return fail(lx, start, "unterminated list (missing ']')");
		if (lex_atom(lx, &k, &item))
			return -1;
		if (v->n == cap) {
			char **ni;
			unsigned *nl;

			cap = cap ? cap * 2 : 4;
			ni = realloc(v->items, cap * sizeof(*ni));
			if (ni)
				v->items = ni;
			nl = ni ? realloc(v->lines, cap * sizeof(*nl)) : NULL;
			if (!ni || !nl) {
				free(item);
				return fail(lx, lx->line, "out of memory");
			}
			v->lines = nl;
		}
		v->items[v->n] = item;
		v->lines[v->n++] = lx->line;
		skip_space(lx, true);
		if (*lx->p == ',') {
			lx->p++; /* a trailing comma before ']' is allowed */
			continue;
		}
		if (*lx->p != ']')
			return *lx->p ? fail(lx, lx->line,
			                     "expected ',' or ']' in list, got '%c'",
			                     *lx->p)
			              : fail(lx, start, "unterminated list (missing ']')");
	}
}

/* ---- applying settings ---- */

static const char *const action_names[] = {
	"destroy", "restart", "preserve", "coredump-destroy",
	"coredump-restart", "rename-restart", "soft-reset",
};

const char *xlcfg_action_name(enum xlcfg_action a)
{
	return (unsigned)a < sizeof(action_names) / sizeof(action_names[0])
	               ? action_names[a]
	               : "?";
}

static const char *shown(const struct value *v)
{
	return v->kind == V_LIST ? "a list" : v->s;
}

/* "got 'x'" for scalars, "got a list" for lists. */
static int bad(struct lexer *lx, const char *key, const struct value *v,
               const char *expected)
{
	if (v->kind == V_LIST)
		return fail(lx, v->line, "%s: expected %s, got a list", key, expected);
	return fail(lx, v->line, "%s: expected %s, got '%s'", key, expected,
	            shown(v));
}

static int get_long(struct lexer *lx, const char *key, const struct value *v,
                    const char *expected, long *out)
{
	char *end;
	long n;

	if (v->kind == V_LIST || !v->s[0] || v->s[0] == '-' || v->s[0] == '+')
		return bad(lx, key, v, expected);
	errno = 0;
	n = strtol(v->s, &end, 10);
	if (errno || *end || n <= 0)
		return bad(lx, key, v, expected);
	*out = n;
	return 0;
}

static int get_string(struct lexer *lx, const char *key, const struct value *v,
                      char **out)
{
	char *s;

	if (v->kind == V_LIST ||
	    (v->kind == V_WORD && !lx->bare_strings))
		return bad(lx, key, v, "a quoted string");
	s = strdup(v->s);
	if (!s)
		return fail(lx, v->line, "out of memory");
	free(*out);
	*out = s;
	return 0;
}

static int get_action(struct lexer *lx, const char *key, const struct value *v,
                      enum xlcfg_action *out)
{
	if (v->kind != V_LIST) {
		for (unsigned i = 0; i < sizeof(action_names) / sizeof(action_names[0]);
		     i++) {
			if (strcmp(v->s, action_names[i]) == 0) {
				*out = (enum xlcfg_action)i;
				return 0;
			}
		}
	}
	return bad(lx, key, v,
	           "one of destroy, restart, preserve, coredump-destroy, "
	           "coredump-restart, rename-restart, soft-reset");
}

static int set_disks(struct lexer *lx, struct xlcfg *cfg, const struct value *v)
{
	struct xlcfg_disk *d;
	char why[256];

	if (v->kind != V_LIST)
		return bad(lx, "disk", v, "a list of disk specs [ '...', ... ]");
	d = calloc(v->n ? v->n : 1, sizeof(*d));
	if (!d)
		return fail(lx, v->line, "out of memory");
	for (unsigned i = 0; i < v->n; i++) {
		if (xlcfg_parse_disk(v->items[i], &d[i], why, sizeof(why))) {
			for (unsigned j = 0; j < i; j++)
				xlcfg_disk_free(&d[j]);
			free(d);
			return fail(lx, v->lines[i], "disk: %s in '%s'", why, v->items[i]);
		}
	}
	for (unsigned i = 0; i < cfg->ndisks; i++)
		xlcfg_disk_free(&cfg->disks[i]);
	free(cfg->disks);
	cfg->disks = d;
	cfg->ndisks = v->n;
	return 0;
}

static int set_vifs(struct lexer *lx, struct xlcfg *cfg, const struct value *v)
{
	struct xlcfg_vif *nv;
	char why[256];

	if (v->kind != V_LIST)
		return bad(lx, "vif", v, "a list of vif specs [ '...', ... ]");
	nv = calloc(v->n ? v->n : 1, sizeof(*nv));
	if (!nv)
		return fail(lx, v->line, "out of memory");
	for (unsigned i = 0; i < v->n; i++) {
		if (xlcfg_parse_vif(v->items[i], &nv[i], why, sizeof(why))) {
			for (unsigned j = 0; j < i; j++)
				xlcfg_vif_free(&nv[j]);
			free(nv);
			return fail(lx, v->lines[i], "vif: %s in '%s'", why, v->items[i]);
		}
	}
	for (unsigned i = 0; i < cfg->nvifs; i++)
		xlcfg_vif_free(&cfg->vifs[i]);
	free(cfg->vifs);
	cfg->vifs = nv;
	cfg->nvifs = v->n;
	return 0;
}

static int keep_unknown(struct lexer *lx, struct xlcfg *cfg, const char *key,
                        const struct value *v)
{
	struct xlcfg_unknown *u;
	size_t len = 3;
	char *text, where[300];

	if (v->kind == V_LIST)
		for (unsigned i = 0; i < v->n; i++)
			len += strlen(v->items[i]) + 4;
	else
		len += strlen(v->s);
	text = malloc(len);
	u = realloc(cfg->unknown, (cfg->nunknown + 1) * sizeof(*u));
	if (u)
		cfg->unknown = u;
	if (!text || !u) {
		free(text);
		return fail(lx, v->line, "out of memory");
	}
	if (v->kind == V_LIST) {
		strcpy(text, "[");
		for (unsigned i = 0; i < v->n; i++) {
			strcat(text, i ? ", " : "");
			strcat(text, v->items[i]);
		}
		strcat(text, "]");
	} else {
		strcpy(text, v->s);
	}
	snprintf(where, sizeof(where), "%s:%u", lx->fname, v->line);
	u = &cfg->unknown[cfg->nunknown++];
	u->key = strdup(key);
	u->value = text;
	u->where = strdup(where);
	return 0;
}

static int apply(struct lexer *lx, struct xlcfg *cfg, const char *key,
                 const struct value *v)
{
	static const char mib[] = "an integer number of MiB";
	static const char count[] = "a positive integer";

	if (!strcmp(key, "name")) {
		if (get_string(lx, key, v, &cfg->name))
			return -1;
		return cfg->name[0] ? 0 : bad(lx, key, v, "a non-empty name");
	}
	if (!strcmp(key, "memory"))
		return get_long(lx, key, v, mib, &cfg->memory);
	if (!strcmp(key, "maxmem"))
		return get_long(lx, key, v, mib, &cfg->maxmem);
	if (!strcmp(key, "vcpus"))
		return get_long(lx, key, v, count, &cfg->vcpus);
	if (!strcmp(key, "maxvcpus"))
		return get_long(lx, key, v, count, &cfg->maxvcpus);
	if (!strcmp(key, "kernel"))
		return get_string(lx, key, v, &cfg->kernel);
	if (!strcmp(key, "ramdisk"))
		return get_string(lx, key, v, &cfg->ramdisk);
	if (!strcmp(key, "cmdline"))
		return get_string(lx, key, v, &cfg->cmdline);
	if (!strcmp(key, "extra"))
		return get_string(lx, key, v, &cfg->extra);
	if (!strcmp(key, "root"))
		return get_string(lx, key, v, &cfg->root);
	if (!strcmp(key, "on_poweroff"))
		return get_action(lx, key, v, &cfg->on_poweroff);
	if (!strcmp(key, "on_reboot"))
		return get_action(lx, key, v, &cfg->on_reboot);
	if (!strcmp(key, "on_crash"))
		return get_action(lx, key, v, &cfg->on_crash);
	if (!strcmp(key, "disk"))
		return set_disks(lx, cfg, v);
	if (!strcmp(key, "vif"))
		return set_vifs(lx, cfg, v);
	return keep_unknown(lx, cfg, key, v);
}

static bool key_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int parse(struct lexer *lx, struct xlcfg *cfg)
{
	for (;;) {
		struct value v = { 0 };
		char *key;
		unsigned line;
		int err;

		skip_space(lx, true);
		if (*lx->p == '\0')
			return 0;
		if (*lx->p == ';') {
			lx->p++;
			continue;
		}
		line = lx->line;
		if (!key_start(*lx->p))
			return fail(lx, line, "syntax error: expected KEY = VALUE, got '%c'",
			            *lx->p);
		key = lex_word(lx);
		if (!key)
			return fail(lx, line, "out of memory");
		skip_space(lx, false);
		if (*lx->p != '=') {
			fail(lx, line, "syntax error: expected '=' after '%s'", key);
			free(key);
			return -1;
		}
		lx->p++;
		skip_space(lx, false);
		v.line = lx->line;
		if (*lx->p == '[') {
			err = parse_list(lx, &v);
		} else if (!*lx->p || *lx->p == '\n' || *lx->p == ';') {
			err = fail(lx, line, "%s: expected a value after '='", key);
		} else {
			err = lex_atom(lx, &v.kind, &v.s);
		}
		if (!err) {
			skip_space(lx, false);
			if (*lx->p && *lx->p != '\n' && *lx->p != ';')
				err = fail(lx, lx->line,
				           "syntax error: unexpected '%c' after the value of %s",
				           *lx->p, key);
		}
		if (!err)
			err = apply(lx, cfg, key, &v);
		value_free(&v);
		free(key);
		if (err)
			return -1;
	}
}

void xlcfg_init(struct xlcfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->on_poweroff = XLCFG_DESTROY;
	cfg->on_reboot = XLCFG_RESTART;
	cfg->on_crash = XLCFG_DESTROY;
}

void xlcfg_free(struct xlcfg *cfg)
{
	free(cfg->name);
	free(cfg->kernel);
	free(cfg->ramdisk);
	free(cfg->cmdline);
	free(cfg->extra);
	free(cfg->root);
	for (unsigned i = 0; i < cfg->ndisks; i++)
		xlcfg_disk_free(&cfg->disks[i]);
	free(cfg->disks);
	for (unsigned i = 0; i < cfg->nvifs; i++)
		xlcfg_vif_free(&cfg->vifs[i]);
	free(cfg->vifs);
	for (unsigned i = 0; i < cfg->nunknown; i++) {
		free(cfg->unknown[i].key);
		free(cfg->unknown[i].value);
		free(cfg->unknown[i].where);
	}
	free(cfg->unknown);
	memset(cfg, 0, sizeof(*cfg));
}

int xlcfg_parse_string(struct xlcfg *cfg, const char *fname, const char *text,
                       char *err, size_t errsz)
{
	struct lexer lx = { text, 1, fname, err, errsz, false };

	return parse(&lx, cfg);
}

int xlcfg_parse_file(struct xlcfg *cfg, const char *path, char *err,
                     size_t errsz)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (!f) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* Config files are small; read whole, refusing embedded NULs. */
	{
		size_t cap = 0;
		int c;

		while ((c = getc(f)) != EOF) {
			if (len + 2 > cap) {
				char *nt = realloc(text, cap = cap ? cap * 2 : 4096);

				if (!nt) {
					free(text);
					fclose(f);
					snprintf(err, errsz, "%s: out of memory", path);
					return -1;
				}
				text = nt;
			}
			if (c == '\0') {
				free(text);
				fclose(f);
				snprintf(err, errsz, "%s: binary file (NUL byte)", path);
				return -1;
			}
			text[len++] = (char)c;
		}
	}
	fclose(f);
	if (!text)
		text = calloc(1, 1);
	else
		text[len] = '\0';
	rc = text ? xlcfg_parse_string(cfg, path, text, err, errsz) : -1;
	free(text);
	return rc;
}

int xlcfg_override(struct xlcfg *cfg, const char *kv, unsigned argno,
                   char *err, size_t errsz)
{
	struct lexer lx = { kv, argno, "<command line>", err, errsz, true };

	if (!strchr(kv, '='))
		return fail(&lx, argno, "expected KEY=VALUE, got '%s'", kv);
	if (strchr(kv, '\n'))
		return fail(&lx, argno, "newline in override '%s'", kv);
	return parse(&lx, cfg);
}

int xlcfg_validate(const struct xlcfg *cfg, char *err, size_t errsz)
{
	if (!cfg->name) {
		snprintf(err, errsz, "name: missing (expected name = \"...\")");
		return -1;
	}
	if (cfg->maxmem && cfg->memory && cfg->maxmem < cfg->memory) {
		snprintf(err, errsz, "maxmem: expected at least memory (%ld), got '%ld'",
		         cfg->memory, cfg->maxmem);
		return -1;
	}
	if (cfg->maxvcpus && cfg->vcpus && cfg->maxvcpus < cfg->vcpus) {
		snprintf(err, errsz,
		         "maxvcpus: expected at least vcpus (%ld), got '%ld'",
		         cfg->vcpus, cfg->maxvcpus);
		return -1;
	}
	return 0;
}
