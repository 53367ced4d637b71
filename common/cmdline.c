/* SPDX-License-Identifier: GPL-2.0-only */
/* Command-line parsing; see include/mica/param.h for the syntax. */
#include <mica/param.h>
#include <mica/string.h>

#define MAX_OPT_LEN 256

int parse_bool(const char *s, const char *end)
{
    static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
    static const char *const no[] = { "0", "no", "off", "false", "disable" };
    size_t n = end ? (size_t)(end - s) : strlen(s);

    for (unsigned i = 0; i < ARRAY_SIZE(yes); i++) {
        if (strlen(yes[i]) == n && !strncmp(s, yes[i], n))
            return 1;
        if (strlen(no[i]) == n && !strncmp(s, no[i], n))
            return 0;
    }
    return -1;
}

/*
 * An unsigned number: decimal, 0x hex or 0 octal, as strtoull would read
 * it, but refusing (returning -1) on overflow instead of saturating or
 * wrapping. *end is set past the digits.
 */
static int parse_u64(const char *s, uint64_t *out, const char **end)
{
    unsigned base = 10;
    uint64_t v = 0;
    const char *p = s;

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    } else if (p[0] == '0') {
        base = 8;
    }
    const char *digits = p;
    for (;; p++) {
        unsigned d;
        if (*p >= '0' && *p <= '9') d = (unsigned)(*p - '0');
        else if ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f') d = (unsigned)((*p | 0x20) - 'a' + 10);
        else break;
        if (d >= base)
            break;
        if (v > (UINT64_MAX - d) / base)
            return -1;
        v = v * base + d;
    }
    if (p == digits)
        return -1;
    *out = v;
    *end = p;
    return 0;
}

uint64_t parse_size_and_unit(const char *s, const char **end)
{
    const char *e;
    uint64_t v;
    unsigned shift = 10;        /* no unit: KiB, as Xen */

    if (parse_u64(s, &v, &e) < 0) {
        if (end)
            *end = s;           /* no valid number here: callers see junk */
        return 0;
    }
    switch (*e) {
    case 'T': case 't': shift = 40; e++; break;
    case 'G': case 'g': shift = 30; e++; break;
    case 'M': case 'm': shift = 20; e++; break;
    case 'K': case 'k': shift = 10; e++; break;
    case 'B': case 'b': shift = 0; e++; break;
    default: break;
    }
    if (shift && v > (UINT64_MAX >> shift)) {
        if (end)
            *end = s;           /* too big to represent: refuse */
        return 0;
    }
    if (end)
        *end = e;
    return v << shift;
}

const char *cmdline_cook(const char *s, const char *loader)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (!strncmp(loader, "GRUB 2", 6))
        return s;
    while (*s && *s != ' ' && *s != '\t')
        s++;
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static bool is_number(const char *s)
{
    uint64_t v;
    const char *e;
    return parse_u64(s, &v, &e) == 0 && *e == '\0';
}

static int store_uint(const struct param *p, uint64_t v)
{
    switch (p->size) {
    case 1: if (v > 0xff) return -1; *(uint8_t *)p->var = (uint8_t)v; return 0;
    case 2: if (v > 0xffff) return -1; *(uint16_t *)p->var = (uint16_t)v; return 0;
    case 4: if (v > 0xffffffffu) return -1; *(uint32_t *)p->var = (uint32_t)v; return 0;
    case 8: *(uint64_t *)p->var = v; return 0;
    default: return -1;
    }
}

/* Apply one option; value is NULL for a bare "name". Returns 0 or -1. */
static int apply(const struct param *p, const char *value, bool negated)
{
    switch (p->type) {
    case PARAM_BOOL: {
        int b = value ? parse_bool(value, NULL) : 1;
        if (b < 0)
            return -1;
        *(bool *)p->var = negated ? !b : b;
        return 0;
    }
    case PARAM_UINT:
        if (!value || negated || !is_number(value))
            return -1;
    {
        uint64_t v;
        const char *e;
        parse_u64(value, &v, &e);
        return store_uint(p, v);
    }
    case PARAM_SIZE: {
        const char *e;
        if (!value || negated || !(*value >= '0' && *value <= '9'))
            return -1;
        uint64_t v = parse_size_and_unit(value, &e);
        if (*e)
            return -1;
        return store_uint(p, v);
    }
    case PARAM_STRING:
        if (!value || negated)
            return -1;
        if (strlen(value) >= p->size)
            return -1;
        strlcpy(p->var, value, p->size);
        return 0;
    case PARAM_CUSTOM:
        if (negated)
            return p->parse("0") < 0 ? -1 : 0;
        return p->parse(value ? value : "") < 0 ? -1 : 0;
    }
    return -1;
}

static const struct param *find(const char *name, const struct param *start,
                                const struct param *end)
{
    for (const struct param *p = start; p < end; p++)
        if (!strcmp(p->name, name))
            return p;
    return NULL;
}

int cmdline_parse(const char *cmdline, const struct param *start,
                  const struct param *end, param_report_fn report)
{
    int bad = 0;
    const char *s = cmdline;

    while (s && *s) {
        char opt[MAX_OPT_LEN];
        size_t n = 0;
        bool quoted = false, truncated = false;

        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        /* Copy one option, dropping the quotes that protect spaces. */
        for (; *s && (quoted || (*s != ' ' && *s != '\t')); s++) {
            if (*s == '"') {
                quoted = !quoted;
                continue;
            }
            if (n + 1 < sizeof(opt))
                opt[n++] = *s;
            else
                truncated = true;
        }
        opt[n] = '\0';
        if (truncated) {
            report("option too long", opt, NULL);
            bad++;
            continue;
        }

        char *eq = strchr(opt, '=');
        const char *value = NULL;
        if (eq) {
            *eq = '\0';
            value = eq + 1;
        }

        const struct param *p = find(opt, start, end);
        bool negated = false;
        if (!p && !strncmp(opt, "no-", 3)) {
            p = find(opt + 3, start, end);
            negated = p != NULL;
        }
        if (!p) {
            report("unknown option", opt, value);
            bad++;
        } else if (apply(p, value, negated) < 0) {
            report("bad value for option", opt, value);
            bad++;
        }
    }
    return bad;
}
