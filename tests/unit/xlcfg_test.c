// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for the xl.cfg parser (tools/xl-lite/xlcfg.c). */
#include <check.h>
#include <string.h>

#include "xlcfg.h"

static struct xlcfg cfg;
static char err[512];

static void setup(void)
{
	xlcfg_init(&cfg);
	err[0] = '\0';
}

static void teardown(void)
{
	xlcfg_free(&cfg);
}

START_TEST(good_file)
{
	ck_assert_msg(xlcfg_parse_file(&cfg, "tests/unit/xlcfg/good.cfg", err,
	                               sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(xlcfg_validate(&cfg, err, sizeof(err)), 0);
	ck_assert_str_eq(cfg.name, "demo");
	ck_assert_int_eq(cfg.memory, 512);
	ck_assert_int_eq(cfg.maxmem, 1024);
	ck_assert_int_eq(cfg.vcpus, 2);
	ck_assert_int_eq(cfg.maxvcpus, 4);
	ck_assert_str_eq(cfg.kernel, "/boot/vmlinuz-6.1.0-pv");
	ck_assert_str_eq(cfg.ramdisk, "/boot/initrd.img-6.1.0-pv");
	ck_assert_str_eq(cfg.cmdline, "console=hvc0 root=/dev/xvda1 ro");
	ck_assert_str_eq(cfg.extra, "quiet");
	ck_assert_str_eq(cfg.root, "/dev/xvda1");
	ck_assert_int_eq(cfg.on_poweroff, XLCFG_DESTROY);
	ck_assert_int_eq(cfg.on_reboot, XLCFG_RESTART);
	ck_assert_int_eq(cfg.on_crash, XLCFG_COREDUMP_RESTART);

	ck_assert_uint_eq(cfg.ndisks, 4);
	ck_assert_str_eq(cfg.disks[0].target, "/dev/vg0/demo");
	ck_assert_str_eq(cfg.disks[0].format, "raw");
	ck_assert_str_eq(cfg.disks[0].vdev, "xvda");
	ck_assert(!cfg.disks[0].readonly);
	ck_assert_str_eq(cfg.disks[1].format, "qcow2");
	ck_assert_str_eq(cfg.disks[1].vdev, "xvdb");
	ck_assert(cfg.disks[1].readonly);
	ck_assert_str_eq(cfg.disks[2].target, "/srv/with,comma.img");
	ck_assert_str_eq(cfg.disks[2].vdev, "xvdc");
	ck_assert(!cfg.disks[2].readonly);
	ck_assert(cfg.disks[3].cdrom);
	ck_assert(cfg.disks[3].readonly);
	ck_assert_str_eq(cfg.disks[3].vdev, "hdc");

	ck_assert_uint_eq(cfg.nvifs, 3);
	ck_assert_str_eq(cfg.vifs[0].mac, "00:16:3e:01:02:03");
	ck_assert_str_eq(cfg.vifs[0].bridge, "xenbr0");
	ck_assert_str_eq(cfg.vifs[0].ip, "10.0.0.2/24 fd00::2");
	ck_assert_str_eq(cfg.vifs[1].model, "e1000");
	ck_assert_str_eq(cfg.vifs[1].script, "vif-bridge");
	ck_assert_int_eq(cfg.vifs[1].mtu, 9000);
	ck_assert_ptr_null(cfg.vifs[2].mac);

	ck_assert_uint_eq(cfg.nunknown, 2);
	ck_assert_str_eq(cfg.unknown[0].key, "builder");
	ck_assert_str_eq(cfg.unknown[0].value, "generic");
	ck_assert_str_eq(cfg.unknown[0].where, "tests/unit/xlcfg/good.cfg:22");
	ck_assert_str_eq(cfg.unknown[1].key, "pci");
	ck_assert_str_eq(cfg.unknown[1].value, "[0000:00:1f.0]");
}
END_TEST

START_TEST(overrides)
{
	ck_assert_int_eq(xlcfg_parse_file(&cfg, "tests/unit/xlcfg/good.cfg", err,
	                                  sizeof(err)), 0);
	ck_assert_msg(xlcfg_override(&cfg, "memory=768", 1, err, sizeof(err)) == 0,
	              "%s", err);
	ck_assert_int_eq(xlcfg_override(&cfg, "name=web", 2, err, sizeof(err)), 0);
	ck_assert_int_eq(xlcfg_override(&cfg, "cmdline=\"a b\"", 3, err,
	                                sizeof(err)), 0);
	ck_assert_int_eq(xlcfg_override(&cfg, "disk=['/x,,xvdz']", 4, err,
	                                sizeof(err)), 0);
	ck_assert_int_eq(cfg.memory, 768);
	ck_assert_str_eq(cfg.name, "web");
	ck_assert_str_eq(cfg.cmdline, "a b");
	ck_assert_uint_eq(cfg.ndisks, 1);
	ck_assert_str_eq(cfg.disks[0].vdev, "xvdz");
	ck_assert_int_eq(xlcfg_override(&cfg, "vcpus=two", 5, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "<command line>:5: vcpus: expected a positive "
	                      "integer, got 'two'");
	ck_assert_int_eq(xlcfg_override(&cfg, "vcpus", 6, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "<command line>:6: expected KEY=VALUE, got 'vcpus'");
	ck_assert_int_eq(xlcfg_override(&cfg, "maxmem=512", 7, err, sizeof(err)), 0);
	ck_assert_int_eq(xlcfg_validate(&cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "maxmem: expected at least memory (768), got '512'");
}
END_TEST

static void file_error(const char *path, const char *want)
{
	ck_assert_int_eq(xlcfg_parse_file(&cfg, path, err, sizeof(err)), -1);
	ck_assert_str_eq(err, want);
}

START_TEST(bad_files)
{
	file_error("tests/unit/xlcfg/bad-memory.cfg",
	           "tests/unit/xlcfg/bad-memory.cfg:3: memory: expected an integer "
	           "number of MiB, got 'abc'");
	xlcfg_free(&cfg);
	xlcfg_init(&cfg);
	file_error("tests/unit/xlcfg/bad-disk.cfg",
	           "tests/unit/xlcfg/bad-disk.cfg:3: disk: vdev: missing (expected "
	           "e.g. xvda) in '/dev/sda'");
	xlcfg_free(&cfg);
	xlcfg_init(&cfg);
	file_error("tests/unit/xlcfg/bad-vif.cfg",
	           "tests/unit/xlcfg/bad-vif.cfg:2: vif: mac: expected six hex "
	           "bytes like 00:16:3e:12:34:56, got '00:16:3e:zz:00:01' in "
	           "'mac=00:16:3e:zz:00:01'");
	xlcfg_free(&cfg);
	xlcfg_init(&cfg);
	file_error("tests/unit/xlcfg/bad-unterminated.cfg",
	           "tests/unit/xlcfg/bad-unterminated.cfg:2: unterminated list "
	           "(missing ']')");
	xlcfg_free(&cfg);
	xlcfg_init(&cfg);
	file_error("tests/unit/xlcfg/does-not-exist.cfg",
	           "tests/unit/xlcfg/does-not-exist.cfg: No such file or directory");
}
END_TEST

/* Each bad text and its exact message, file name "demo.cfg". */
static const struct {
	const char *text, *msg;
} bad_texts[] = {
	{ "name = \"d\"\n\nmemory = 'abc'\n",
	  "demo.cfg:3: memory: expected an integer number of MiB, got 'abc'" },
	{ "memory = -5\n",
	  "demo.cfg:1: memory: expected an integer number of MiB, got '-5'" },
	{ "memory = [ 1 ]\n",
	  "demo.cfg:1: memory: expected an integer number of MiB, got a list" },
	{ "vcpus = 0\n",
	  "demo.cfg:1: vcpus: expected a positive integer, got '0'" },
	{ "name = demo\n", "demo.cfg:1: name: expected a quoted string, got 'demo'" },
	{ "name = ''\n", "demo.cfg:1: name: expected a non-empty name, got ''" },
	{ "kernel = [ 'a' ]\n",
	  "demo.cfg:1: kernel: expected a quoted string, got a list" },
	{ "on_crash = 'explode'\n",
	  "demo.cfg:1: on_crash: expected one of destroy, restart, preserve, "
	  "coredump-destroy, coredump-restart, rename-restart, soft-reset, got "
	  "'explode'" },
	{ "memory 512\n", "demo.cfg:1: syntax error: expected '=' after 'memory'" },
	{ "memory =\n", "demo.cfg:1: memory: expected a value after '='" },
	{ "name = \"abc\n", "demo.cfg:1: unterminated string (missing \")" },
	{ "name = 'a' 'b'\n",
	  "demo.cfg:1: syntax error: unexpected ''' after the value of name" },
	{ "= 5\n", "demo.cfg:1: syntax error: expected KEY = VALUE, got '='" },
	{ "disk = [ 'a' 'b' ]\n",
	  "demo.cfg:1: expected ',' or ']' in list, got '''" },
	{ "disk = '/x,,xvda'\n",
	  "demo.cfg:1: disk: expected a list of disk specs [ '...', ... ], got "
	  "'/x,,xvda'" },
	{ "disk = [\n '/x,,xvda',\n '/y,vmdk,xvdb' ]\n",
	  "demo.cfg:3: disk: format: expected raw, qcow, qcow2, vhd or qed, got "
	  "'vmdk' in '/y,vmdk,xvdb'" },
	{ "disk = [ '/x,raw,xvda,rx' ]\n",
	  "demo.cfg:1: disk: access: expected ro or rw, got 'rx' in '/x,raw,xvda,rx'" },
	{ "disk = [ '/x,raw,floppy' ]\n",
	  "demo.cfg:1: disk: vdev: expected xvd<x>, hd<x>, sd<x> or d<n>[p<n>], got "
	  "'floppy' in '/x,raw,floppy'" },
	{ "disk = [ '/x,raw,xvda,rw,extra' ]\n",
	  "demo.cfg:1: disk: too many positional parameters at 'extra' (expected "
	  "target,format,vdev,access) in '/x,raw,xvda,rw,extra'" },
	{ "disk = [ 'vdev=xvda,vdev=xvdb,target=/x' ]\n",
	  "demo.cfg:1: disk: vdev given twice in 'vdev=xvda,vdev=xvdb,target=/x'" },
	{ "disk = [ 'colour=red,/x,,xvda' ]\n",
	  "demo.cfg:1: disk: unknown key 'colour' in 'colour=red,/x,,xvda'" },
	{ "disk = [ ',,xvda' ]\n",
	  "demo.cfg:1: disk: target: missing (only an empty cdrom may omit it) in "
	  "',,xvda'" },
	{ "vif = [ 'bridge' ]\n",
	  "demo.cfg:1: vif: expected key=value, got 'bridge' in 'bridge'" },
	{ "vif = [ 'colour=red' ]\n",
	  "demo.cfg:1: vif: unknown key 'colour' in 'colour=red'" },
	{ "vif = [ 'ip=10.0.0.300' ]\n",
	  "demo.cfg:1: vif: ip: expected IP addresses separated by spaces, got "
	  "'10.0.0.300' in 'ip=10.0.0.300'" },
	{ "vif = [ 'mtu=big' ]\n",
	  "demo.cfg:1: vif: mtu: expected an integer 68..65535, got 'big' in "
	  "'mtu=big'" },
	{ "vif = [ 'type=tap' ]\n",
	  "demo.cfg:1: vif: type: expected vif or ioemu, got 'tap' in 'type=tap'" },
};

START_TEST(bad_text)
{
	ck_assert_msg(xlcfg_parse_string(&cfg, "demo.cfg", bad_texts[_i].text, err,
	                                 sizeof(err)) == -1,
	              "accepted: %s", bad_texts[_i].text);
	ck_assert_str_eq(err, bad_texts[_i].msg);
}
END_TEST

START_TEST(syntax_variants)
{
	static const char text[] =
		"name='x';memory=64 # comment ; not a statement\n"
		"disk=[\n"
		"  # a comment inside a list\n"
		"  'format=raw, vdev=xvda, access=ro, target=/x',\n"
		"  \"/y,,xvdb\",\n"
		"]\n"
		"vcpus = \"3\"\n"
		"cmdline = \"say \\\"hi\\\"\\tnow\"\n"
		"on_reboot = 'soft-reset'\n"
		"disk_extra=[]\n";

	ck_assert_msg(xlcfg_parse_string(&cfg, "v.cfg", text, err, sizeof(err)) == 0,
	              "%s", err);
	ck_assert_int_eq(cfg.memory, 64);
	ck_assert_int_eq(cfg.vcpus, 3);
	ck_assert_uint_eq(cfg.ndisks, 2);
	ck_assert(cfg.disks[0].readonly);
	ck_assert_str_eq(cfg.disks[1].target, "/y");
	ck_assert_str_eq(cfg.cmdline, "say \"hi\"\tnow");
	ck_assert_int_eq(cfg.on_reboot, XLCFG_SOFT_RESET);
	ck_assert_uint_eq(cfg.nunknown, 1);
	ck_assert_str_eq(cfg.unknown[0].value, "[]");
	/* Missing name is caught by the final check. */
	xlcfg_free(&cfg);
	xlcfg_init(&cfg);
	ck_assert_int_eq(xlcfg_parse_string(&cfg, "v.cfg", "memory=1\n", err,
	                                    sizeof(err)), 0);
	ck_assert_int_eq(xlcfg_validate(&cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "name: missing (expected name = \"...\")");
}
END_TEST

START_TEST(disk_specs)
{
	struct xlcfg_disk d;
	char w[256];

	/* The equivalent forms of xl-disk-configuration(5). */
	static const char *const same[] = {
		"/dev/vg/guest-volume,,hda",
		"/dev/vg/guest-volume,raw,hda,rw",
		"format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume",
		"raw:/dev/vg/guest-volume,hda,w",
	};
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_msg(xlcfg_parse_disk(same[i], &d, w, sizeof(w)) == 0, "%s", w);
		ck_assert_str_eq(d.target, "/dev/vg/guest-volume");
		ck_assert_str_eq(d.format, "raw");
		ck_assert_str_eq(d.vdev, "hda");
		ck_assert(!d.readonly && !d.cdrom);
		xlcfg_disk_free(&d);
	}
	static const char *const iso[] = {
		"/root/image.iso,,hdc,cdrom",
		"/root/image.iso,,hdc,,cdrom",
		"/root/image.iso,raw,hdc,devtype=cdrom",
		"format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/root/image.iso",
		"raw:/root/image.iso,hdc:cdrom,ro",
	};
	for (unsigned i = 0; i < 5; i++) {
		ck_assert_msg(xlcfg_parse_disk(iso[i], &d, w, sizeof(w)) == 0, "%s", w);
		ck_assert_str_eq(d.target, "/root/image.iso");
		ck_assert_str_eq(d.vdev, "hdc");
		ck_assert(d.readonly && d.cdrom);
		xlcfg_disk_free(&d);
	}
	ck_assert_int_eq(xlcfg_parse_disk(",,hdc,cdrom", &d, w, sizeof(w)), 0);
	ck_assert_ptr_null(d.target); /* empty drive */
	xlcfg_disk_free(&d);
	ck_assert_int_eq(xlcfg_parse_disk("/x,,d0p1,backendtype=qdisk,backend=drv",
	                                  &d, w, sizeof(w)), 0);
	ck_assert_str_eq(d.backendtype, "qdisk");
	ck_assert_str_eq(d.backend, "drv");
	xlcfg_disk_free(&d);
	ck_assert_int_eq(xlcfg_parse_disk("/x,,xvda,backendtype=nfs", &d, w,
	                                  sizeof(w)), -1);
	ck_assert_str_eq(w, "backendtype: expected phy, qdisk, tap or standalone, "
	                    "got 'nfs'");
}
END_TEST

static Suite *xlcfg_suite(void)
{
	Suite *s = suite_create("xlcfg");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, good_file);
	tcase_add_test(tc, overrides);
	tcase_add_test(tc, bad_files);
	tcase_add_loop_test(tc, bad_text, 0,
	                    sizeof(bad_texts) / sizeof(bad_texts[0]));
	tcase_add_test(tc, syntax_variants);
	tcase_add_test(tc, disk_specs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(xlcfg_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
