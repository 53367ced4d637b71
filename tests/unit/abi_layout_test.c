// SPDX-License-Identifier: GPL-2.0-only
/*
 * ABI layout test: Mica's include/public against Xen 4.17 (libxen-dev).
 *
 * abi_layout_ours.c and abi_layout_xen.c expand the same X-macro list
 * (abi_layout_list.h) against the two sets of headers; this file compares
 * the resulting tables row by row. It also scans include/public and fails
 * if a header defines a name (constant, struct, union, typedef, enum
 * value) the list does not mention, or the list names something no
 * header defines any more - so a new structure cannot slip in untested.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi_layout.h"

#ifndef ABI_PUBLIC_DIR
#define ABI_PUBLIC_DIR "include/public"
#endif

#define MAX_ROWS 4096
#define MSG_MAX  16384

static struct abi_row ours[MAX_ROWS], xen[MAX_ROWS];

static const char *kind_what(enum abi_kind k)
{
    switch (k) {
    case ABI_K_STRUCT:  return "size/align";
    case ABI_K_FIELD:   return "offset/size";
    case ABI_K_FLEX:    return "offset";
    case ABI_K_TYPEDEF: return "size/align";
    case ABI_K_TYPE:    return "size/align/signed";
    case ABI_K_CONST:   return "value";
    case ABI_K_STR:     return "string";
    case ABI_K_EXPR:    return "value";
    }
    return "?";
}

/*
 * Compare n rows; append one line per mismatch to msg (if not NULL) and
 * return the number of mismatches.
 */
static size_t compare_rows(const struct abi_row *a, const struct abi_row *b,
                           size_t n, char *msg, size_t msgsz)
{
    size_t bad = 0, used = 0;

    for (size_t i = 0; i < n; i++) {
        int same;

        if (a[i].kind != b[i].kind || strcmp(a[i].name, b[i].name) != 0) {
            same = 0;
        } else if (a[i].kind == ABI_K_STR) {
            same = strcmp(a[i].s, b[i].s) == 0;
        } else {
            same = a[i].a == b[i].a && a[i].b == b[i].b && a[i].c == b[i].c;
        }
        if (same)
            continue;
        bad++;
        if (!msg || used + 1 >= msgsz)
            continue;
        int w;
        if (a[i].kind == ABI_K_STR)
            w = snprintf(msg + used, msgsz - used,
                         "\n  %s: string: mica \"%s\", xen \"%s\"",
                         a[i].name, a[i].s, b[i].s);
        else
            w = snprintf(msg + used, msgsz - used,
                         "\n  %s (xen row %s): %s: mica %lld/%lld/%lld, xen %lld/%lld/%lld",
                         a[i].name, b[i].name, kind_what(a[i].kind),
                         a[i].a, a[i].b, a[i].c, b[i].a, b[i].b, b[i].c);
        if (w > 0)
            used += (size_t)w < msgsz - used ? (size_t)w : msgsz - used - 1;
    }
    return bad;
}

START_TEST(test_tables_same_shape)
{
    size_t no = abi_fill_ours(ours, MAX_ROWS);
    size_t nx = abi_fill_xen(xen, MAX_ROWS);

    /* Both come from one list, so a difference means a broken expansion. */
    ck_assert_msg(no == nx, "row count: mica %zu, xen %zu", no, nx);
    ck_assert_msg(no <= MAX_ROWS, "raise MAX_ROWS to at least %zu", no);
    /* Guards against the list silently expanding to nothing. */
    ck_assert_msg(no > 1000, "only %zu rows; abi_layout_list.h not expanded?", no);
}
END_TEST

START_TEST(test_layout_matches_xen)
{
    static char msg[MSG_MAX];
    size_t n = abi_fill_ours(ours, MAX_ROWS);

    ck_assert_uint_eq(n, abi_fill_xen(xen, MAX_ROWS));
    msg[0] = 0;
    size_t bad = compare_rows(ours, xen, n, msg, sizeof(msg));
    ck_assert_msg(bad == 0, "%zu of %zu ABI rows differ from Xen 4.17:%s", bad, n, msg);
}
END_TEST

/* The comparison must notice a changed offset, size or string. */
START_TEST(test_comparison_detects_mismatch)
{
    static struct abi_row copy[MAX_ROWS];
    size_t n = abi_fill_xen(xen, MAX_ROWS);
    size_t field = n, str = n;

    memcpy(copy, xen, n * sizeof(*copy));
    ck_assert_uint_eq(compare_rows(copy, xen, n, NULL, 0), 0);
    for (size_t i = 0; i < n; i++) {
        if (copy[i].kind == ABI_K_FIELD && field == n)
            field = i;
        if (copy[i].kind == ABI_K_STR && str == n)
            str = i;
    }
    ck_assert(field < n && str < n);
    copy[field].a += 4;
    copy[str].s = "changed";
    ck_assert_uint_eq(compare_rows(copy, xen, n, NULL, 0), 2);
}
END_TEST

/* domctl.h and sysctl.h, measured by their own pair of units. */
START_TEST(test_ctl_layout_matches_xen)
{
    static struct abi_row co[512], cx[512];
    static char msg[MSG_MAX];
    size_t no = abi_fill_ours_ctl(co, 512);
    size_t nx = abi_fill_xen_ctl(cx, 512);

    ck_assert_msg(no == nx && no <= 512 && no > 200, "ctl rows: mica %zu, xen %zu", no, nx);
    msg[0] = 0;
    size_t bad = compare_rows(co, cx, no, msg, sizeof(msg));
    ck_assert_msg(bad == 0, "%zu of %zu domctl/sysctl rows differ from Xen 4.17:%s", bad, no, msg);
}
END_TEST

START_TEST(test_ring_layout)
{
    static struct abi_row ro[256], rx[256];
    static char msg[MSG_MAX];
    size_t no = abi_fill_ours_ring(ro, 256);
    size_t nx = abi_fill_xen_ring(rx, 256);

    ck_assert_msg(nx > 0 && nx <= 256, "xen ring rows: %zu", nx);
    if (no == 0) {
        /* Only allowed while the real io/ring.h does not exist yet. */
        ck_assert_msg(access(ABI_PUBLIC_DIR "/io/ring.h", F_OK) != 0,
                      "include/public/io/ring.h exists but the stub was used");
        fprintf(stderr, "abi_layout: include/public/io/ring.h missing, "
                "shared-ring rows not compared\n");
        return;
    }
    ck_assert_uint_eq(no, nx);
    msg[0] = 0;
    size_t bad = compare_rows(ro, rx, no, msg, sizeof(msg));
    ck_assert_msg(bad == 0, "%zu shared-ring rows differ:%s", bad, msg);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Coverage: names defined by the headers vs names in the list.        */

struct names {
    char **v;
    size_t n, cap;
};

static void names_add(struct names *s, const char *p, size_t len)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->v = realloc(s->v, s->cap * sizeof(*s->v));
        ck_assert_ptr_nonnull(s->v);
    }
    s->v[s->n] = strndup(p, len);
    ck_assert_ptr_nonnull(s->v[s->n]);
    s->n++;
}

static int names_has(const struct names *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], name) == 0)
            return 1;
    return 0;
}

static void names_free(struct names *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

/* The names the X-macro list covers. */
static void list_names(struct names *s)
{
#define ABI_STRUCT(T)         names_add(s, #T, strlen(#T));
#define ABI_FIELD(T, m)
#define ABI_FLEX(T, m)
#define ABI_TYPEDEF(T)        names_add(s, #T, strlen(#T));
#define ABI_TYPE(T)           names_add(s, #T, strlen(#T));
#define ABI_CONST(N)          names_add(s, #N, strlen(#N));
#define ABI_STR(N)            names_add(s, #N, strlen(#N));
#define ABI_EXPR(label, N, e) names_add(s, #N, strlen(#N));
#define ABI_EXEMPT(N, why)    names_add(s, #N, strlen(#N));
#define ABI_RING(name)
#include "abi_layout_list.h"
#include "abi_layout_list_ctl.h"
}

static int is_ident(char c, int first)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (!first && c >= '0' && c <= '9');
}

/* Drop comments and string literals, join continued lines. */
static char *clean_source(const char *in)
{
    size_t n = strlen(in);
    char *out = malloc(n + 1), *o = out;

    ck_assert_ptr_nonnull(out);
    for (size_t i = 0; i < n; i++) {
        if (in[i] == '/' && in[i + 1] == '*') {
            const char *e = strstr(in + i + 2, "*/");
            i = e ? (size_t)(e - in) + 1 : n;
            *o++ = ' ';
        } else if (in[i] == '/' && in[i + 1] == '/') {
            while (i < n && in[i] != '\n')
                i++;
            *o++ = '\n';
        } else if (in[i] == '"' || in[i] == '\'') {
            char q = in[i];
            for (i++; i < n && in[i] != q; i++)
                if (in[i] == '\\')
                    i++;
            *o++ = '0';
        } else if (in[i] == '\\' && in[i + 1] == '\n') {
            i++;
        } else {
            *o++ = in[i];
        }
    }
    *o = 0;
    return out;
}

/*
 * Collect the names one header defines: #define names (except include
 * guards), struct/union tags with a body, typedef names, enumerators.
 */
static void scan_header(const char *path, struct names *found)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *raw = calloc((size_t)len + 1, 1);
    ck_assert_ptr_nonnull(raw);
    ck_assert_uint_eq(fread(raw, 1, (size_t)len, f), (size_t)len);
    fclose(f);

    char *src = clean_source(raw);
    free(raw);

    /* Preprocessor lines: take #define names, blank the line for the C scan. */
    for (char *line = src; *line; ) {
        char *end = strchr(line, '\n');
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#') {
            p++;
            while (*p == ' ' || *p == '\t')
                p++;
            if (strncmp(p, "define", 6) == 0 && (p[6] == ' ' || p[6] == '\t')) {
                p += 7;
                while (*p == ' ' || *p == '\t')
                    p++;
                size_t l = 0;
                while (is_ident(p[l], l == 0))
                    l++;
                if (l && strncmp(p, "MICA_PUBLIC_", 12) != 0)
                    names_add(found, p, l);
            }
            for (char *q = line; q < (end ? end : line + strlen(line)); q++)
                *q = ' ';
        }
        if (!end)
            break;
        line = end + 1;
    }

    /* Tokenise: identifiers and single punctuation characters. */
    struct tok { const char *p; size_t l; } *t = NULL;
    size_t nt = 0, cap = 0;
    for (const char *p = src; *p; ) {
        if (*p == ' ' || *p == '\t' || *p == '\n') {
            p++;
            continue;
        }
        size_t l = 1;
        if (is_ident(*p, 1) || (*p >= '0' && *p <= '9'))
            while (is_ident(p[l], 0))
                l++;
        if (nt == cap) {
            cap = cap ? cap * 2 : 1024;
            t = realloc(t, cap * sizeof(*t));
            ck_assert_ptr_nonnull(t);
        }
        t[nt].p = p;
        t[nt].l = l;
        nt++;
        p += l;
    }
#define TOK_IS(i, s) ((i) < nt && t[i].l == strlen(s) && strncmp(t[i].p, s, t[i].l) == 0)
#define TOK_ID(i)    ((i) < nt && is_ident(t[i].p[0], 1))

    int depth = 0;
    for (size_t i = 0; i < nt; i++) {
        if (TOK_IS(i, "{")) {
            depth++;
        } else if (TOK_IS(i, "}")) {
            depth--;
        } else if ((TOK_IS(i, "struct") || TOK_IS(i, "union")) && TOK_ID(i + 1) &&
                   TOK_IS(i + 2, "{")) {
            char buf[256];
            snprintf(buf, sizeof(buf), "%.*s %.*s", (int)t[i].l, t[i].p,
                     (int)t[i + 1].l, t[i + 1].p);
            names_add(found, buf, strlen(buf));
        } else if (TOK_IS(i, "enum")) {
            size_t j = i + 1;
            if (TOK_ID(j))
                j++;
            if (!TOK_IS(j, "{"))
                continue;
            int want = 1, d = 0;
            for (j++; j < nt && !(TOK_IS(j, "}") && d == 0); j++) {
                if (TOK_IS(j, "(")) d++;
                else if (TOK_IS(j, ")")) d--;
                else if (TOK_IS(j, ",") && d == 0) want = 1;
                else if (want && TOK_ID(j)) {
                    names_add(found, t[j].p, t[j].l);
                    want = 0;
                }
            }
            i = j;
        } else if (TOK_IS(i, "typedef") && depth == 0) {
            int d = 0;
            size_t last = nt, j;
            for (j = i + 1; j < nt && !(TOK_IS(j, ";") && d == 0); j++) {
                if (TOK_IS(j, "{") || TOK_IS(j, "[") || TOK_IS(j, "("))
                    d++;
                else if (TOK_IS(j, "}") || TOK_IS(j, "]") || TOK_IS(j, ")"))
                    d--;
                else if (d == 0 && TOK_ID(j))
                    last = j;
                /* Nested tags inside the typedef body still count. */
                if ((TOK_IS(j, "struct") || TOK_IS(j, "union")) && TOK_ID(j + 1) &&
                    TOK_IS(j + 2, "{")) {
                    char buf[256];
                    snprintf(buf, sizeof(buf), "%.*s %.*s", (int)t[j].l, t[j].p,
                             (int)t[j + 1].l, t[j + 1].p);
                    names_add(found, buf, strlen(buf));
                }
            }
            ck_assert_msg(last < nt, "%s: typedef without a name", path);
            names_add(found, t[last].p, t[last].l);
            i = j;
        }
    }
#undef TOK_IS
#undef TOK_ID
    free(t);
    free(src);
}

/* All headers of include/public, except io/ring.h, which is not ours. */
static void scan_dir(const char *dir, const char *rel, struct names *found, int *nfiles)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    for (struct dirent *e; (e = readdir(d)) != NULL; ) {
        char path[1024], relp[512];
        struct stat st;

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        snprintf(relp, sizeof(relp), "%s%s", rel, e->d_name);
        ck_assert_int_eq(stat(path, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            char sub[600];
            snprintf(sub, sizeof(sub), "%s/", relp);
            scan_dir(path, sub, found, nfiles);
            continue;
        }
        size_t l = strlen(e->d_name);
        if (l < 3 || strcmp(e->d_name + l - 2, ".h") != 0 || strcmp(relp, "io/ring.h") == 0)
            continue;
        scan_header(path, found);
        (*nfiles)++;
    }
    closedir(d);
}

START_TEST(test_every_name_is_in_the_list)
{
    static char msg[MSG_MAX];
    struct names listed = { 0 }, found = { 0 };
    int nfiles = 0;
    size_t used = 0, missing = 0, stale = 0;

    list_names(&listed);
    scan_dir(ABI_PUBLIC_DIR, "", &found, &nfiles);
    ck_assert_msg(nfiles >= 19, "only %d headers found in %s", nfiles, ABI_PUBLIC_DIR);
    msg[0] = 0;
    for (size_t i = 0; i < found.n; i++) {
        if (names_has(&listed, found.v[i]))
            continue;
        missing++;
        if (used + 1 < sizeof(msg)) {
            int w = snprintf(msg + used, sizeof(msg) - used, "\n  not in abi_layout_list.h: %s",
                             found.v[i]);
            if (w > 0)
                used += (size_t)w < sizeof(msg) - used ? (size_t)w : sizeof(msg) - used - 1;
        }
    }
    for (size_t i = 0; i < listed.n; i++) {
        if (names_has(&found, listed.v[i]))
            continue;
        stale++;
        if (used + 1 < sizeof(msg)) {
            int w = snprintf(msg + used, sizeof(msg) - used, "\n  listed but not defined: %s",
                             listed.v[i]);
            if (w > 0)
                used += (size_t)w < sizeof(msg) - used ? (size_t)w : sizeof(msg) - used - 1;
        }
    }
    ck_assert_msg(missing == 0 && stale == 0, "%zu names untested, %zu stale:%s",
                  missing, stale, msg);
    /* The two sets are equal; say how big, so a shrinking scan shows. */
    ck_assert_msg(found.n > 800, "only %zu names found", found.n);
    names_free(&listed);
    names_free(&found);
}
END_TEST

static Suite *abi_layout_suite(void)
{
    Suite *s = suite_create("abi_layout");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_tables_same_shape);
    tcase_add_test(tc, test_layout_matches_xen);
    tcase_add_test(tc, test_comparison_detects_mismatch);
    tcase_add_test(tc, test_ctl_layout_matches_xen);
    tcase_add_test(tc, test_ring_layout);
    tcase_add_test(tc, test_every_name_is_in_the_list);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(abi_layout_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
