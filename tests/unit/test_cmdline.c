/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Command-line parsing (common/cmdline.c, include/mica/param.h).
 *
 * Every test uses its own parameter table so the option set is visible in
 * the test; the report callback records each call (strings copied, since
 * the parser hands out pointers into its stack buffer) so the exact
 * what/name/value triples can be asserted.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mica/param.h>

/* ---- report recorder ---- */

#define MAX_REPORTS 16
struct report {
	char what[64];
	char name[512];
	char value[512];
	bool value_null;
};
static struct report reports[MAX_REPORTS];
static unsigned nr_reports;

static void record(const char *what, const char *name, const char *value)
{
	ck_assert_uint_lt(nr_reports, MAX_REPORTS);
	struct report *r = &reports[nr_reports++];
	snprintf(r->what, sizeof(r->what), "%s", what);
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->value_null = value == NULL;
	snprintf(r->value, sizeof(r->value), "%s", value ? value : "");
}

/* Assert report i is exactly (what, name, value); value NULL means "no '='". */
static void check_report(unsigned i, const char *what, const char *name,
			 const char *value)
{
	ck_assert_uint_lt(i, nr_reports);
	ck_assert_str_eq(reports[i].what, what);
	ck_assert_str_eq(reports[i].name, name);
	if (value) {
		ck_assert(!reports[i].value_null);
		ck_assert_str_eq(reports[i].value, value);
	} else {
		ck_assert(reports[i].value_null);
	}
}

static void reset(void)
{
	memset(reports, 0, sizeof(reports));
	nr_reports = 0;
}

#define PARSE(line, tbl) cmdline_parse((line), (tbl), (tbl) + ARRAY_SIZE(tbl), record)

/* ---- booleans ---- */

static bool flag_a, flag_b;
static const struct param bool_table[] = {
	{ "a", PARAM_BOOL, &flag_a, sizeof(flag_a), NULL },
	{ "bee", PARAM_BOOL, &flag_b, sizeof(flag_b), NULL },
};

START_TEST(test_bool_bare_and_negated)
{
	reset();
	flag_a = false;
	flag_b = true;
	ck_assert_int_eq(PARSE("a no-bee", bool_table), 0);
	ck_assert(flag_a);
	ck_assert(!flag_b);
	ck_assert_uint_eq(nr_reports, 0);

	/* Later options override earlier ones. */
	ck_assert_int_eq(PARSE("no-a bee", bool_table), 0);
	ck_assert(!flag_a);
	ck_assert(flag_b);
}
END_TEST

START_TEST(test_bool_words)
{
	static const struct { const char *word; bool v; } words[] = {
		{ "1", true }, { "yes", true }, { "on", true }, { "true", true },
		{ "enable", true }, { "0", false }, { "no", false },
		{ "off", false }, { "false", false }, { "disable", false },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(words); i++) {
		char line[64];
		reset();
		/* Start from the opposite value so a no-op cannot pass. */
		flag_a = !words[i].v;
		snprintf(line, sizeof(line), "a=%s", words[i].word);
		ck_assert_int_eq(PARSE(line, bool_table), 0);
		ck_assert_msg(flag_a == words[i].v, "a=%s", words[i].word);
		ck_assert_uint_eq(nr_reports, 0);

		/* no-a=word inverts the word. */
		flag_a = words[i].v;
		snprintf(line, sizeof(line), "no-a=%s", words[i].word);
		ck_assert_int_eq(PARSE(line, bool_table), 0);
		ck_assert_msg(flag_a == !words[i].v, "no-a=%s", words[i].word);
	}
}
END_TEST

START_TEST(test_bool_bad_values)
{
	/* Prefixes, case changes and empty values are not boolean words. */
	static const char *const bad[] = { "maybe", "", "ye", "yess", "YES",
					   "2", "enabled", "o" };
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		char line[64];
		reset();
		flag_a = true;
		snprintf(line, sizeof(line), "a=%s", bad[i]);
		ck_assert_int_eq(PARSE(line, bool_table), 1);
		ck_assert_uint_eq(nr_reports, 1);
		check_report(0, "bad value for option", "a", bad[i]);
		ck_assert_msg(flag_a, "a=%s changed the variable", bad[i]);
	}
}
END_TEST

START_TEST(test_parse_bool_direct)
{
	const char *s = "onward";
	ck_assert_int_eq(parse_bool("on", NULL), 1);
	ck_assert_int_eq(parse_bool("disable", NULL), 0);
	ck_assert_int_eq(parse_bool("x", NULL), -1);
	/* With an end pointer only [s, end) counts. */
	ck_assert_int_eq(parse_bool(s, s + 2), 1);
	ck_assert_int_eq(parse_bool(s, s + 3), -1);
	ck_assert_int_eq(parse_bool(s, s), -1);
}
END_TEST

/* ---- unsigned integers ---- */

static uint8_t u8;
static uint16_t u16;
static uint32_t u32;
static uint64_t u64;
static const struct param uint_table[] = {
	{ "u8", PARAM_UINT, &u8, sizeof(u8), NULL },
	{ "u16", PARAM_UINT, &u16, sizeof(u16), NULL },
	{ "u32", PARAM_UINT, &u32, sizeof(u32), NULL },
	{ "u64", PARAM_UINT, &u64, sizeof(u64), NULL },
};

START_TEST(test_uint_values)
{
	reset();
	u8 = 1; u16 = 1; u32 = 1; u64 = 1;
	ck_assert_int_eq(PARSE("u8=255 u16=0xffff u32=4294967295 u64=0x123456789abcdef0",
			       uint_table), 0);
	ck_assert_uint_eq(u8, 255);
	ck_assert_uint_eq(u16, 0xffff);
	ck_assert_uint_eq(u32, 4294967295u);
	ck_assert_uint_eq(u64, 0x123456789abcdef0ull);
	ck_assert_uint_eq(nr_reports, 0);

	/* Decimal, upper-case hex prefix, leading-zero octal (documented). */
	ck_assert_int_eq(PARSE("u8=42 u16=0X1F u32=010 u64=0", uint_table), 0);
	ck_assert_uint_eq(u8, 42);
	ck_assert_uint_eq(u16, 31);
	ck_assert_uint_eq(u32, 8);
	ck_assert_uint_eq(u64, 0);
	ck_assert_uint_eq(nr_reports, 0);
}
END_TEST

START_TEST(test_uint_overflow_small_vars)
{
	reset();
	u8 = 7; u16 = 7; u32 = 7;
	ck_assert_int_eq(PARSE("u8=256 u16=65536 u32=4294967296 u32=0x100000000",
			       uint_table), 4);
	ck_assert_uint_eq(nr_reports, 4);
	check_report(0, "bad value for option", "u8", "256");
	check_report(1, "bad value for option", "u16", "65536");
	check_report(2, "bad value for option", "u32", "4294967296");
	check_report(3, "bad value for option", "u32", "0x100000000");
	/* Rejected values leave the variables alone. */
	ck_assert_uint_eq(u8, 7);
	ck_assert_uint_eq(u16, 7);
	ck_assert_uint_eq(u32, 7);
}
END_TEST

START_TEST(test_uint_bad_forms)
{
	reset();
	u32 = 9;
	/* No value, empty value, trailing junk, not a number, negated. */
	ck_assert_int_eq(PARSE("u32 u32= u32=12abc u32=abc no-u32 u32=0x", uint_table), 6);
	ck_assert_uint_eq(nr_reports, 6);
	check_report(0, "bad value for option", "u32", NULL);
	check_report(1, "bad value for option", "u32", "");
	check_report(2, "bad value for option", "u32", "12abc");
	check_report(3, "bad value for option", "u32", "abc");
	check_report(4, "bad value for option", "no-u32", NULL);
	check_report(5, "bad value for option", "u32", "0x");
	ck_assert_uint_eq(u32, 9);
}
END_TEST

/*
 * Regression test (fixed bug) (common/cmdline.c is_number/store_uint): a value that does not
 * fit in 64 bits is not detected. On the host glibc's strtoull saturates to
 * ULLONG_MAX (and sets ERANGE, which nobody checks), so u64 gets 2^64-1; the
 * hypervisor's own strtoull (common/lib/string.c) wraps modulo 2^64, so there
 * "u8=18446744073709551617" would even be accepted as 1.
 */
START_TEST(test_uint64_overflow_reported)
{
	reset();
	u64 = 5;
	ck_assert_int_eq(PARSE("u64=18446744073709551616", uint_table), 1);
	ck_assert_uint_eq(nr_reports, 1);
	check_report(0, "bad value for option", "u64", "18446744073709551616");
	ck_assert_uint_eq(u64, 5);
}
END_TEST

/* ---- sizes ---- */

static uint64_t sz;
static uint32_t sz32;
static const struct param size_table[] = {
	{ "sz", PARAM_SIZE, &sz, sizeof(sz), NULL },
	{ "sz32", PARAM_SIZE, &sz32, sizeof(sz32), NULL },
};

START_TEST(test_size_units)
{
	static const struct { const char *v; uint64_t bytes; } cases[] = {
		{ "64", 64ull << 10 },          /* no unit: KiB, Xen's rule */
		{ "0", 0 },
		{ "100B", 100 }, { "100b", 100 },
		{ "4096K", 4096ull << 10 }, { "4k", 4ull << 10 },
		{ "512M", 512ull << 20 }, { "3m", 3ull << 20 },
		{ "1G", 1ull << 30 }, { "16g", 16ull << 30 },
		{ "2T", 2ull << 40 }, { "1t", 1ull << 40 },
		{ "0x10M", 16ull << 20 },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		char line[64];
		reset();
		sz = 0xdeadbeef;
		snprintf(line, sizeof(line), "sz=%s", cases[i].v);
		ck_assert_int_eq(PARSE(line, size_table), 0);
		ck_assert_msg(sz == cases[i].bytes, "sz=%s gave %llu", cases[i].v,
			      (unsigned long long)sz);
		ck_assert_uint_eq(nr_reports, 0);
	}
}
END_TEST

START_TEST(test_size_bad)
{
	reset();
	sz = 11;
	sz32 = 11;
	/* Unknown unit, junk after a unit, no digits, empty, bare, negated, too big for 32 bits. */
	ck_assert_int_eq(PARSE("sz=12X sz=1MB sz=M sz= sz no-sz sz32=4G", size_table), 7);
	ck_assert_uint_eq(nr_reports, 7);
	check_report(0, "bad value for option", "sz", "12X");
	check_report(1, "bad value for option", "sz", "1MB");
	check_report(2, "bad value for option", "sz", "M");
	check_report(3, "bad value for option", "sz", "");
	check_report(4, "bad value for option", "sz", NULL);
	check_report(5, "bad value for option", "no-sz", NULL);
	check_report(6, "bad value for option", "sz32", "4G");
	ck_assert_uint_eq(sz, 11);
	ck_assert_uint_eq(sz32, 11);

	/* The largest 32-bit size that fits is taken. */
	ck_assert_int_eq(PARSE("sz32=4194303K", size_table), 0);
	ck_assert_uint_eq(sz32, 4194303u << 10);
}
END_TEST

START_TEST(test_parse_size_and_unit_end)
{
	const char *end = NULL;
	ck_assert_uint_eq(parse_size_and_unit("512M,rest", &end), 512ull << 20);
	ck_assert_str_eq(end, ",rest");
	ck_assert_uint_eq(parse_size_and_unit("7", &end), 7ull << 10);
	ck_assert_str_eq(end, "");
	ck_assert_uint_eq(parse_size_and_unit("9B", &end), 9);
	ck_assert_str_eq(end, "");
	ck_assert_uint_eq(parse_size_and_unit("1G", NULL), 1ull << 30);
}
END_TEST

/*
 * Regression test (fixed bug) (common/cmdline.c parse_size_and_unit): the unit shift is not
 * checked, so 16777216T (= 2^64 bytes) silently becomes 0 and is accepted.
 */
START_TEST(test_size_overflow_reported)
{
	reset();
	sz = 3;
	ck_assert_int_eq(PARSE("sz=16777216T", size_table), 1);
	ck_assert_uint_eq(nr_reports, 1);
	check_report(0, "bad value for option", "sz", "16777216T");
	ck_assert_uint_eq(sz, 3);
}
END_TEST

/* ---- strings ---- */

static char str8[8];
static const struct param str_table[] = {
	{ "s", PARAM_STRING, str8, sizeof(str8), NULL },
	{ "flag", PARAM_BOOL, &flag_a, sizeof(flag_a), NULL },
};

START_TEST(test_string_copy)
{
	reset();
	memset(str8, 'Z', sizeof(str8));
	ck_assert_int_eq(PARSE("s=hello", str_table), 0);
	ck_assert_str_eq(str8, "hello");
	/* The longest value that fits: size - 1 characters. */
	ck_assert_int_eq(PARSE("s=1234567", str_table), 0);
	ck_assert_mem_eq(str8, "1234567", 8);
	/* An '=' inside the value belongs to the value. */
	ck_assert_int_eq(PARSE("s=a=b", str_table), 0);
	ck_assert_str_eq(str8, "a=b");
	/* An empty value is a valid empty string. */
	ck_assert_int_eq(PARSE("s=", str_table), 0);
	ck_assert_str_eq(str8, "");
	ck_assert_uint_eq(nr_reports, 0);
}
END_TEST

START_TEST(test_string_too_long)
{
	reset();
	strcpy(str8, "keep");
	ck_assert_int_eq(PARSE("s=12345678 s no-s", str_table), 3);
	ck_assert_uint_eq(nr_reports, 3);
	check_report(0, "bad value for option", "s", "12345678");
	check_report(1, "bad value for option", "s", NULL);
	check_report(2, "bad value for option", "no-s", NULL);
	ck_assert_str_eq(str8, "keep");
}
END_TEST

START_TEST(test_quotes_allow_spaces)
{
	reset();
	flag_a = false;
	ck_assert_int_eq(PARSE("s=\"a b\"  flag", str_table), 0);
	ck_assert_str_eq(str8, "a b");
	ck_assert(flag_a);
	/* Quotes may start anywhere; a tab inside them is kept too. */
	flag_a = false;
	ck_assert_int_eq(PARSE("\"s=x\ty z\" flag", str_table), 0);
	ck_assert_str_eq(str8, "x\ty z");
	ck_assert(flag_a);
	/* "" is an empty value, not a missing one. */
	ck_assert_int_eq(PARSE("s=\"\"", str_table), 0);
	ck_assert_str_eq(str8, "");
	ck_assert_uint_eq(nr_reports, 0);
}
END_TEST

/* ---- custom ---- */

static char custom_seen[8][64];
static unsigned custom_calls;
static int custom_rc;
static int custom_fn(const char *v)
{
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_lt(custom_calls, 8);
	snprintf(custom_seen[custom_calls++], sizeof(custom_seen[0]), "%s", v);
	return custom_rc;
}
static const struct param custom_table[] = {
	{ "c", PARAM_CUSTOM, NULL, 0, custom_fn },
};

START_TEST(test_custom)
{
	reset();
	custom_calls = 0;
	custom_rc = 0;
	ck_assert_int_eq(PARSE("c=com1,115200 c no-c c=\"x y\"", custom_table), 0);
	ck_assert_uint_eq(custom_calls, 4);
	ck_assert_str_eq(custom_seen[0], "com1,115200");
	ck_assert_str_eq(custom_seen[1], "");       /* bare: empty value */
	ck_assert_str_eq(custom_seen[2], "0");      /* negated: "0" */
	ck_assert_str_eq(custom_seen[3], "x y");
	ck_assert_uint_eq(nr_reports, 0);

	/* A parser's negative return is a bad value, reported with the value. */
	custom_calls = 0;
	custom_rc = -22;
	ck_assert_int_eq(PARSE("c=bogus no-c", custom_table), 2);
	ck_assert_uint_eq(custom_calls, 2);
	ck_assert_uint_eq(nr_reports, 2);
	check_report(0, "bad value for option", "c", "bogus");
	check_report(1, "bad value for option", "no-c", NULL);

	/* A positive return is not an error. */
	custom_rc = 1;
	ck_assert_int_eq(PARSE("c=fine", custom_table), 0);
}
END_TEST

/* ---- tokenising and unknown options ---- */

START_TEST(test_unknown_reported)
{
	reset();
	flag_a = false;
	ck_assert_int_eq(PARSE("foo=bar a baz no-qux x=", bool_table), 4);
	ck_assert(flag_a);
	ck_assert_uint_eq(nr_reports, 4);
	check_report(0, "unknown option", "foo", "bar");
	check_report(1, "unknown option", "baz", NULL);
	/* no-X with no X in the table is reported under its full name. */
	check_report(2, "unknown option", "no-qux", NULL);
	check_report(3, "unknown option", "x", "");
}
END_TEST

START_TEST(test_whitespace)
{
	reset();
	flag_a = false;
	flag_b = false;
	ck_assert_int_eq(PARSE(" \t  a \t\t  bee\t ", bool_table), 0);
	ck_assert(flag_a);
	ck_assert(flag_b);
	ck_assert_uint_eq(nr_reports, 0);
	/* Names are matched exactly: a prefix is not the option. */
	ck_assert_int_eq(PARSE("be", bool_table), 1);
	check_report(0, "unknown option", "be", NULL);
}
END_TEST

START_TEST(test_empty_line)
{
	reset();
	ck_assert_int_eq(PARSE("", bool_table), 0);
	ck_assert_int_eq(PARSE("   \t ", bool_table), 0);
	ck_assert_int_eq(cmdline_parse(NULL, bool_table, bool_table + 2, record), 0);
	/* An empty table reports everything as unknown. */
	ck_assert_int_eq(cmdline_parse("a", bool_table, bool_table, record), 1);
	ck_assert_uint_eq(nr_reports, 1);
	check_report(0, "unknown option", "a", NULL);
}
END_TEST

START_TEST(test_option_length_limit)
{
	/* 255 characters fit the 256-byte buffer; 256 do not. */
	char name255[256], name256[257], line[1024];
	memset(name255, 'n', 255);
	name255[255] = '\0';
	memset(name256, 'm', 256);
	name256[256] = '\0';

	reset();
	flag_a = false;
	snprintf(line, sizeof(line), "%s %s a", name255, name256);
	ck_assert_int_eq(PARSE(line, bool_table), 2);
	ck_assert_uint_eq(nr_reports, 2);
	check_report(0, "unknown option", name255, NULL);
	/* The too-long one is reported by its first 255 characters... */
	check_report(1, "option too long", name256 + 1, NULL);
	/* ...and parsing resumes after it. */
	ck_assert(flag_a);

	/* A known option whose value makes it too long is not applied. */
	reset();
	flag_a = false;
	char longval[600];
	memset(longval, '1', sizeof(longval) - 1);
	longval[sizeof(longval) - 1] = '\0';
	snprintf(line, sizeof(line), "a=%s", longval);
	ck_assert_int_eq(PARSE(line, bool_table), 1);
	ck_assert_uint_eq(nr_reports, 1);
	ck_assert_str_eq(reports[0].what, "option too long");
	ck_assert_uint_eq(strlen(reports[0].name), 255);
	ck_assert(!flag_a);
}
END_TEST

/* ---- cmdline_cook ---- */

START_TEST(test_cook)
{
	const char *s;

	s = "/boot/mica.gz console=com1 loglvl=all";
	ck_assert_ptr_eq(cmdline_cook(s, "QEMU"), s + 14);
	ck_assert_ptr_eq(cmdline_cook(s, "GRUB 0.97"), s + 14);
	ck_assert_ptr_eq(cmdline_cook(s, "GRUB 2.06-13+deb12u1"), s);
	ck_assert_ptr_eq(cmdline_cook(s, "GRUB 2"), s);
	/* "GRUB2" is not GRUB 2's name string. */
	ck_assert_ptr_eq(cmdline_cook(s, "GRUB2"), s + 14);
	ck_assert_ptr_eq(cmdline_cook(s, ""), s + 14);

	/* Leading spaces go in both cases; so do spaces after the image name. */
	s = "   mica    a=1";
	ck_assert_ptr_eq(cmdline_cook(s, "QEMU"), s + 11);
	ck_assert_ptr_eq(cmdline_cook(s, "GRUB 2.06"), s + 3);

	/* Only the image name: nothing left. */
	s = "mica";
	ck_assert_str_eq(cmdline_cook(s, "QEMU"), "");
	ck_assert_ptr_eq(cmdline_cook(s, "QEMU"), s + 4);
	s = "";
	ck_assert_ptr_eq(cmdline_cook(s, "QEMU"), s);
	ck_assert_ptr_eq(cmdline_cook(s, "GRUB 2.06"), s);
}
END_TEST

static Suite *cmdline_suite(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_bool_bare_and_negated);
	tcase_add_test(tc, test_bool_words);
	tcase_add_test(tc, test_bool_bad_values);
	tcase_add_test(tc, test_parse_bool_direct);
	tcase_add_test(tc, test_uint_values);
	tcase_add_test(tc, test_uint_overflow_small_vars);
	tcase_add_test(tc, test_uint_bad_forms);
	tcase_add_test(tc, test_uint64_overflow_reported);
	tcase_add_test(tc, test_size_units);
	tcase_add_test(tc, test_size_bad);
	tcase_add_test(tc, test_parse_size_and_unit_end);
	tcase_add_test(tc, test_size_overflow_reported);
	tcase_add_test(tc, test_string_copy);
	tcase_add_test(tc, test_string_too_long);
	tcase_add_test(tc, test_quotes_allow_spaces);
	tcase_add_test(tc, test_custom);
	tcase_add_test(tc, test_unknown_reported);
	tcase_add_test(tc, test_whitespace);
	tcase_add_test(tc, test_empty_line);
	tcase_add_test(tc, test_option_length_limit);
	tcase_add_test(tc, test_cook);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cmdline_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
