// SPDX-License-Identifier: GPL-2.0-only
/*
 * mica-xenconsoled's pure parts. The guest's half of the console page is
 * played through the public struct (include/public/io/console.h), as
 * Linux's hvc_xen does; the page is malloc'd at its exact size so ASan
 * catches any access outside it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xc_console.h"
#include "../../include/public/io/console.h"

static struct xencons_interface *intf;
static struct xc_console con;

static void setup(void)
{
	intf = calloc(1, sizeof(*intf));
	ck_assert_ptr_nonnull(intf);
}

static void teardown(void)
{
	xc_console_fini(&con);
	free(intf);
}

static void guest_puts(const char *s)
{
	for (; *s; s++)
		intf->out[MASK_XENCONS_IDX(intf->out_prod++, intf->out)] = *s;
}

static size_t guest_gets(char *buf, size_t max)
{
	size_t n = 0;

	while (intf->in_cons != intf->in_prod && n < max)
		buf[n++] = intf->in[MASK_XENCONS_IDX(intf->in_cons++, intf->in)];
	return n;
}

START_TEST(paths)
{
	char b[128];

	ck_assert_int_gt(xc_console_path(b, sizeof(b), 7, "tty"), 0);
	ck_assert_str_eq(b, "/local/domain/7/console/tty");
	xc_console_path(b, sizeof(b), 12, NULL);
	ck_assert_str_eq(b, "/local/domain/12/console");
	ck_assert_int_eq(xc_console_path(b, 10, 7, "ring-ref"), -1);

	xc_log_path(b, sizeof(b), "/var/log/xen/console", "demo", 3);
	ck_assert_str_eq(b, "/var/log/xen/console/guest-demo.log");
	xc_log_path(b, sizeof(b), "/l", "../../etc/x\n", 3);
	ck_assert_str_eq(b, "/l/guest-.._.._etc_x_.log");
	xc_log_path(b, sizeof(b), "/l", "", 4);
	ck_assert_str_eq(b, "/l/guest-4.log");
	xc_log_path(b, sizeof(b), "/l", NULL, 5);
	ck_assert_str_eq(b, "/l/guest-5.log");
	xc_log_path(b, sizeof(b), "/l", "..", 6);
	ck_assert_str_eq(b, "/l/guest-6.log");
	ck_assert_int_eq(xc_log_path(b, 8, "/l", "long-name", 1), -1);

	uint64_t v;
	ck_assert(xc_parse_u64("123456", &v) && v == 123456);
	ck_assert(!xc_parse_u64("", &v));
	ck_assert(!xc_parse_u64("-1", &v));
	ck_assert(!xc_parse_u64("12 ", &v));
	ck_assert(!xc_parse_u64("99999999999999999999", &v));
	ck_assert(xc_parse_u64("18446744073709551615", &v) && v == UINT64_MAX);
}
END_TEST

START_TEST(bounded_buffer)
{
	struct xc_buf b = { .max = 8 };

	ck_assert(xc_buf_append(&b, "abcde", 5));
	ck_assert(xc_buf_append(&b, "fghij", 5)); /* drops "ab" */
	ck_assert_uint_eq(b.len, 8);
	ck_assert_mem_eq(b.data, "cdefghij", 8);
	ck_assert_uint_eq(b.dropped, 2);
	xc_buf_consume(&b, 3);
	ck_assert_mem_eq(b.data, "fghij", 5);
	ck_assert(xc_buf_append(&b, "0123456789AB", 12)); /* only the newest 8 */
	ck_assert_uint_eq(b.len, 8);
	ck_assert_mem_eq(b.data, "456789AB", 8);
	ck_assert_uint_eq(b.dropped, 2 + 5 + 4);
	xc_buf_consume(&b, 100);
	ck_assert_uint_eq(b.len, 0);
	xc_buf_free(&b);
}
END_TEST

START_TEST(output_to_log_and_pty_buffer)
{
	char tmpl[] = "/tmp/xcXXXXXX", got[64];
	int fd = mkstemp(tmpl);
	bool corrupt = true;

	ck_assert_int_ge(fd, 0);
	unlink(tmpl);
	xc_console_init(&con, 3, "demo", intf, fd);
	ck_assert_uint_eq(xc_console_take_output(&con, &corrupt), 0);
	ck_assert(!corrupt);
	guest_puts("hello, ");
	guest_puts("world\n");
	ck_assert_uint_eq(xc_console_take_output(&con, &corrupt), 13);
	ck_assert_uint_eq(intf->out_cons, intf->out_prod);
	ck_assert_mem_eq(con.out.data, "hello, world\n", 13);
	ck_assert_int_eq(pread(fd, got, sizeof(got), 0), 13);
	ck_assert_mem_eq(got, "hello, world\n", 13);

	/* Wrapping output, past 2^32 too. */
	intf->out_cons = intf->out_prod = 0xfffffffe;
	xc_buf_consume(&con.out, con.out.len);
	for (int i = 0; i < 204; i++)
		guest_puts("0123456789");
	guest_puts("abcdefgh");
	ck_assert_uint_eq(xc_console_take_output(&con, NULL), 2048); /* ring full */
	ck_assert_uint_eq(con.out.len, 2048);
	ck_assert_mem_eq(con.out.data + 2040, "abcdefgh", 8);
	/* Impossible indices: nothing taken, reported. */
	intf->out_prod = intf->out_cons + 5000;
	ck_assert_uint_eq(xc_console_take_output(&con, &corrupt), 0);
	ck_assert(corrupt);
	close(fd);
}
END_TEST

START_TEST(input_waits_for_room)
{
	char got[2048];

	xc_console_init(&con, 4, "x", intf, -1);
	memset(con.in, 'k', sizeof(con.in));
	con.in_len = sizeof(con.in); /* 1024: exactly the ring */
	ck_assert_uint_eq(xc_console_give_input(&con, NULL), 1024);
	ck_assert_uint_eq(con.in_len, 0);
	memcpy(con.in, "ls\r", 3);
	con.in_len = 3;
	ck_assert_uint_eq(xc_console_give_input(&con, NULL), 0); /* ring full */
	ck_assert_uint_eq(con.in_len, 3);
	ck_assert_uint_eq(guest_gets(got, 1), 1); /* room for one byte */
	ck_assert_uint_eq(xc_console_give_input(&con, NULL), 1);
	ck_assert_uint_eq(con.in_len, 2);
	ck_assert_mem_eq(con.in, "s\r", 2);
	ck_assert_uint_eq(guest_gets(got, sizeof(got)), 1024);
	ck_assert_uint_eq(xc_console_give_input(&con, NULL), 2);
	ck_assert_uint_eq(guest_gets(got, sizeof(got)), 2);
	ck_assert_mem_eq(got, "s\r", 2);
	ck_assert_uint_eq(guest_gets(got, sizeof(got)), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("xenconsoled");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, paths);
	tcase_add_test(tc, bounded_buffer);
	tcase_add_test(tc, output_to_log_and_pty_buffer);
	tcase_add_test(tc, input_waits_for_room);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
