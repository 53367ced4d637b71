// SPDX-License-Identifier: GPL-2.0-only
/*
 * xl-lite's verbs with a fake backend (no hypervisor): exit codes, help,
 * `list` output byte for byte in xl's format, `list -l` JSON, domid /
 * domname, memory-size parsing, uptime text, create's config errors and
 * dry run. The XenStore client runs against build/tools/mica-xenstored
 * (started here on a private socket) when that binary exists.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dom_xs.h"
#include "xl.h"
#include "xs_client.h"

static const struct xl_dom fake[] = {
	{ .domid = 0, .name = "Domain-0", .current_kb = 524288,
	  .cpu_time_ns = 12345678901ULL, .vcpu_online = 2, .max_vcpu_id = 1,
	  .running = true },
	{ .domid = 3, .name = "web", .current_kb = 131072,
	  .cpu_time_ns = 1500000000ULL, .vcpu_online = 1, .max_vcpu_id = 0,
	  .blocked = true, .uuid = { 0x12, 0x34 } },
	{ .domid = 7, .name = "crashy", .current_kb = 65536, .vcpu_online = 0,
	  .max_vcpu_id = 0, .shutdown = true, .shutdown_reason = 3,
	  .paused = true },
};

static int fake_list(struct xl_ctx *ctx, struct xl_dom *out, unsigned max)
{
	unsigned n = sizeof(fake) / sizeof(fake[0]);

	memcpy(out, fake, (n < max ? n : max) * sizeof(*out));
	return (int)n;
}

static int fake_lookup(struct xl_ctx *ctx, const char *s, uint32_t *domid)
{
	for (size_t i = 0; i < sizeof(fake) / sizeof(fake[0]); i++) {
		char id[16];

		snprintf(id, sizeof(id), "%u", fake[i].domid);
		if (!strcmp(s, fake[i].name) || !strcmp(s, id)) {
			*domid = fake[i].domid;
			return 0;
		}
	}
	return -2;
}

static const struct xl_backend fake_be = { fake_list, fake_lookup };

struct run {
	int rc;
	char *out, *err;
};

static struct run run(const char *const *args)
{
	struct run r;
	size_t ol, el;
	char *argv[16];
	int argc = 0;
	FILE *o = open_memstream(&r.out, &ol), *e = open_memstream(&r.err, &el);
	struct xl_ctx ctx = { o, e, &fake_be, NULL, 0, "xl-lite" };

	argv[argc++] = (char *)"xl-lite";
	while (*args)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	r.rc = xl_main(&ctx, argc, argv);
	fclose(o);
	fclose(e);
	return r;
}

static void done(struct run *r)
{
	free(r->out);
	free(r->err);
}

#define RUN(...) run((const char *const[]){ __VA_ARGS__, NULL })

START_TEST(test_list_format)
{
	struct run r = RUN("list");
	const char *want =
	    "Name                                        ID   Mem VCPUs\tState\tTime(s)\n"
	    "Domain-0                                     0   512     2     r-----      12.3\n"
	    "web                                          3   128     1     -b----       1.5\n"
	    "crashy                                       7    64     0     --psc-       0.0\n";

	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(r.out, want);
	done(&r);
	r = RUN("list", "web");
	ck_assert_int_eq(r.rc, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "\nweb "));
	ck_assert_ptr_null(strstr(r.out, "Domain-0"));
	done(&r);
	r = RUN("list", "nosuch");
	ck_assert_int_eq(r.rc, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "nosuch is an invalid domain"));
	done(&r);
}
END_TEST

START_TEST(test_list_verbose_json)
{
	struct run r = RUN("list", "-v");

	ck_assert_int_eq(r.rc, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "UUID                            Reason-Code"));
	ck_assert_ptr_nonnull(strstr(r.out, " 12340000-0000-0000-0000-000000000000        -"));
	ck_assert_ptr_nonnull(strstr(r.out, "        3"));  /* crash code */
	done(&r);
	r = RUN("list", "-l");
	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.out[0], '[');
	ck_assert_ptr_nonnull(strstr(r.out, "\"domid\": 3,"));
	ck_assert_ptr_nonnull(strstr(r.out, "\"name\": \"crashy\""));
	ck_assert_ptr_nonnull(strstr(r.out, "\"target_memkb\": 131072"));
	done(&r);
}
END_TEST

START_TEST(test_help_and_codes)
{
	struct run r = RUN("help");

	ck_assert_int_eq(r.rc, 0);
	ck_assert_ptr_nonnull(strstr(r.out, " mem-set "));
	done(&r);
	r = RUN("shutdown", "--help");
	ck_assert_int_eq(r.rc, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "Usage: xl-lite [-v] shutdown [options] <-a|Domain>"));
	ck_assert_ptr_nonnull(strstr(r.out, "-w, --wait"));
	done(&r);
	r = RUN("create", "-h");
	ck_assert_int_eq(r.rc, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "-c                      Connect to the console"));
	done(&r);
	r = RUN("frobnicate");
	ck_assert_int_eq(r.rc, 1);
	ck_assert_str_eq(r.err, "command not implemented\n");
	done(&r);
	r = RUN("pause");
	ck_assert_int_eq(r.rc, 1); /* missing domain: usage, failure */
	ck_assert_ptr_nonnull(strstr(r.out, "Usage: xl-lite [-v] pause <Domain>"));
	done(&r);
	r = RUN("destroy", "0");
	ck_assert_int_eq(r.rc, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "Cannot destroy privileged domain 0"));
	done(&r);
	r = run((const char *const[]){ NULL });
	ck_assert_int_eq(r.rc, 1);
	done(&r);
}
END_TEST

START_TEST(test_domid_domname)
{
	struct run r = RUN("domid", "web");

	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(r.out, "3\n");
	done(&r);
	r = RUN("domname", "7");
	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(r.out, "crashy\n");
	done(&r);
	r = RUN("domid", "ghost");
	ck_assert_int_eq(r.rc, 1);
	done(&r);
	r = RUN("domname", "x1");
	ck_assert_int_eq(r.rc, 1);
	done(&r);
}
END_TEST

START_TEST(test_mem_and_uptime)
{
	uint64_t kb;
	char b[48];

	ck_assert_int_eq(xl_parse_mem_kb("128", 'm', &kb), 0);
	ck_assert_uint_eq(kb, 131072);
	ck_assert_int_eq(xl_parse_mem_kb("1g", 'm', &kb), 0);
	ck_assert_uint_eq(kb, 1048576);
	ck_assert_int_eq(xl_parse_mem_kb("512k", 'm', &kb), 0);
	ck_assert_uint_eq(kb, 512);
	ck_assert_int_eq(xl_parse_mem_kb("8192b", 'm', &kb), 0);
	ck_assert_uint_eq(kb, 8);
	ck_assert_int_eq(xl_parse_mem_kb("12x", 'm', &kb), -1);
	ck_assert_int_eq(xl_parse_mem_kb("-5", 'm', &kb), -1);
	ck_assert_int_eq(xl_parse_mem_kb("", 'm', &kb), -1);
	xl_uptime_string(3723, b, sizeof(b));
	ck_assert_str_eq(b, " 1:02:03");
	xl_uptime_string(86400 + 5, b, sizeof(b));
	ck_assert_str_eq(b, "1 day,  0:00:05");
	xl_uptime_string(3 * 86400 + 36000, b, sizeof(b));
	ck_assert_str_eq(b, "3 days, 10:00:00");
}
END_TEST

START_TEST(test_create_config_errors)
{
	char path[] = "/tmp/xlcliXXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct run r;

	fputs("name = \"t\"\nkernel = \"/k\"\nvcpus = two\n", f);
	fclose(f);
	r = RUN("create", path);
	ck_assert_int_eq(r.rc, 1);
	ck_assert_msg(strstr(r.err, ":3: vcpus: expected") != NULL, "%s", r.err);
	done(&r);
	f = fopen(path, "w");
	fputs("name = \"t\"\nkernel = \"/k\"\nmemory = 64\n", f);
	fclose(f);
	r = RUN("create", "-n", path, "vcpus=3", "memory=96");
	ck_assert_int_eq(r.rc, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "\"max_vcpus\": 3"));
	ck_assert_ptr_nonnull(strstr(r.out, "\"target_memkb\": 98304"));
	done(&r);
	r = RUN("create", "-n", path, "vcpus=");
	ck_assert_int_eq(r.rc, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "<command line>:1"));
	done(&r);
	r = RUN("create");
	ck_assert_int_eq(r.rc, 1);
	done(&r);
	unlink(path);
	/* A file that cannot be read: xl's message and its ERROR_FAIL (3). */
	r = RUN("create", path);
	ck_assert_int_eq(r.rc, 3);
	ck_assert_msg(strstr(r.err, "Failed to read config file: ") != NULL &&
		      strstr(r.err, "No such file or directory") != NULL &&
		      strstr(r.err, "Parsing config") == NULL, "%s", r.err);
	done(&r);
}
END_TEST

/* The client against the real daemon, on a private socket. */
START_TEST(test_xs_client_daemon)
{
	const char *bin = "build/tools/mica-xenstored";
	char sock[64], **list, *v;
	unsigned n;
	pid_t pid;
	struct xs_client *c = NULL;
	uint32_t tx;
	int err;

	if (access(bin, X_OK) != 0) {
		fprintf(stderr, "xlcli: %s not built, client test skipped\n", bin);
		return;
	}
	snprintf(sock, sizeof(sock), "/tmp/xlcli-xs-%d", (int)getpid());
	pid = fork();
	if (pid == 0) {
		execl(bin, bin, "-N", "-L", "-s", sock, (char *)NULL);
		_exit(127);
	}
	setenv("XENSTORED_PATH", sock, 1);
	for (int i = 0; i < 100 && !c; i++) {
		c = xs_open();
		if (!c)
			usleep(20000);
	}
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(xs_write(c, 0, "/local/domain/5/name", "web"), 0);
	v = xs_read(c, 0, "/local/domain/5/name", &err);
	ck_assert_str_eq(v, "web");
	free(v);
	ck_assert_int_eq(xs_mkdir(c, 0, "/local/domain/5/control"), 0);
	const char *perms[] = { "n5", "r0" };
	ck_assert_int_eq(xs_set_perms(c, 0, "/local/domain/5/control", perms, 2), 0);
	list = xs_directory(c, 0, "/local/domain/5", &n, &err);
	ck_assert_uint_eq(n, 2);
	xs_free_list(list, n);
	ck_assert_ptr_null(xs_read(c, 0, "/nope", &err));
	ck_assert_int_eq(err, -ENOENT);
	/* A conflicting writer makes the transaction end with EAGAIN. */
	ck_assert_int_eq(xs_transaction_start(c, &tx), 0);
	v = xs_read(c, tx, "/local/domain/5/name", &err);
	free(v);
	ck_assert_int_eq(xs_write(c, tx, "/local/domain/5/name", "a"), 0);
	ck_assert_int_eq(xs_write(c, 0, "/local/domain/5/name", "b"), 0);
	ck_assert_int_eq(xs_transaction_end(c, tx, 1), -EAGAIN);
	/* A batch: sent without waiting, errors found in order at the end. */
	unsigned failed = 99;
	xs_batch_begin(c);
	ck_assert_int_eq(xs_write(c, 0, "/local/domain/5/b0", "0"), 0);
	ck_assert_int_eq(xs_set_perms(c, 0, "/local/domain/5/none", perms, 2), 0); /* ENOENT, later */
	ck_assert_int_eq(xs_write(c, 0, "/local/domain/5/b1", "1"), 0);
	v = xs_read(c, 0, "/local/domain/5/b1", &err);   /* wants an answer: waits for the rest first */
	ck_assert_str_eq(v, "1");
	free(v);
	ck_assert_int_eq(xs_set_perms(c, 0, "/local/domain/5/none2", perms, 2), 0);
	for (int i = 0; i < 150; i++)                     /* more than the client keeps outstanding */
		ck_assert_int_eq(xs_write(c, 0, "/local/domain/5/b2", "2"), 0);
	ck_assert_int_eq(xs_batch_end(c, &failed), -ENOENT);
	ck_assert_uint_eq(failed, 1);                     /* the first error, by position */
	v = xs_read(c, 0, "/local/domain/5/b2", &err);
	ck_assert_str_eq(v, "2");
	free(v);
	ck_assert_int_eq(xs_set_perms(c, 0, "/local/domain/5/none", perms, 2), -ENOENT); /* unbatched again */
	ck_assert_int_eq(xs_rm(c, 0, "/local/domain/5/b0"), 0);
	ck_assert_int_eq(xs_rm(c, 0, "/local/domain/5/b1"), 0);
	ck_assert_int_eq(xs_rm(c, 0, "/local/domain/5/b2"), 0);
	/* Watches: the initial event, then one per change. */
	char *p, *t;
	ck_assert_int_eq(xs_watch(c, "/local/domain/5", "tok"), 0);
	ck_assert_int_eq(xs_read_watch(c, 2000, &p, &t), 1);
	ck_assert_str_eq(t, "tok");
	free(p);
	free(t);
	ck_assert_int_eq(xs_write(c, 0, "/local/domain/5/data", "x"), 0);
	ck_assert_int_eq(xs_read_watch(c, 2000, &p, &t), 1);
	ck_assert_str_eq(p, "/local/domain/5/data");
	free(p);
	free(t);
	ck_assert_int_eq(xs_rm(c, 0, "/local/domain/5"), 0);

	/* A domain's tree as the builder writes it (INTRODUCE needs /dev/xen,
	 * which the host lacks: the daemon refuses it, after the tree). */
	struct xlcfg cfg;
	struct xl_built b = { .domid = 9, .store_mfn = 0x1234,
	                      .console_mfn = 0x1235, .store_port = 1,
	                      .console_port = 2 };
	uint8_t uuid[16] = { 0xab };
	char e[300];
	xlcfg_init(&cfg);
	ck_assert_int_eq(xlcfg_parse_string(&cfg, "t.cfg", "name='nine'\n"
	                 "memory=64\nmaxmem=128\nvcpus=1\nmaxvcpus=2\n", e,
	                 sizeof(e)), 0);
	int rr = xl_dom_xs_setup(c, &cfg, &b, uuid, e, sizeof(e));
	if (rr < 0)
		ck_assert_msg(strstr(e, "INTRODUCE") != NULL, "%s", e);
	static const char *const want[][2] = {
		{ "/local/domain/9/name", "nine" },
		{ "/local/domain/9/domid", "9" },
		{ "/local/domain/9/vm", "/vm/ab000000-0000-0000-0000-000000000000" },
		{ "/vm/ab000000-0000-0000-0000-000000000000/name", "nine" },
		{ "/local/domain/9/memory/target", "65536" },
		{ "/local/domain/9/memory/static-max", "131072" },
		{ "/local/domain/9/cpu/0/availability", "online" },
		{ "/local/domain/9/cpu/1/availability", "offline" },
		{ "/local/domain/9/store/ring-ref", "4660" },
		{ "/local/domain/9/store/port", "1" },
		{ "/local/domain/9/console/ring-ref", "4661" },
		{ "/local/domain/9/console/port", "2" },
		{ "/local/domain/9/console/type", "xenconsoled" },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		v = xs_read(c, 0, want[i][0], &err);
		ck_assert_msg(v && !strcmp(v, want[i][1]), "%s: %s", want[i][0],
		              v ? v : "(missing)");
		free(v);
	}
	ck_assert_int_eq(xl_dom_lookup(c, "nine", &tx), 0);
	ck_assert_uint_eq(tx, 9);
	xl_dom_xs_cleanup(c, 9);
	ck_assert_ptr_null(xs_read(c, 0, "/local/domain/9/name", &err));
	ck_assert_ptr_null(xs_read(c, 0, "/vm/ab000000-0000-0000-0000-000000000000", &err));
	xlcfg_free(&cfg);
	xs_close(c);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	unlink(sock);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("xlcli");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_list_format);
	tcase_add_test(tc, test_list_verbose_json);
	tcase_add_test(tc, test_help_and_codes);
	tcase_add_test(tc, test_domid_domname);
	tcase_add_test(tc, test_mem_and_uptime);
	tcase_add_test(tc, test_create_config_errors);
	tcase_add_test(tc, test_xs_client_daemon);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
