/* SPDX-License-Identifier: GPL-2.0-only */
/* Host-only helpers for the decompressor and kernel image suites. */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "decomp_util.h"

static char tmpdir[256];
static pid_t tmp_owner;

static void cleanup(void)
{
	char cmd[300];

	if (tmpdir[0] && getpid() == tmp_owner) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "warning: could not remove %s\n", tmpdir);
	}
}

const char *tu_tmpdir(void)
{
	if (!tmpdir[0]) {
		const char *base = getenv("TMPDIR");

		snprintf(tmpdir, sizeof(tmpdir), "%s/mica-decomp-XXXXXX",
			 base ? base : "/tmp");
		ck_assert_msg(mkdtemp(tmpdir) != NULL, "mkdtemp failed");
		/* With CK_FORK each test is a child; only the process that
		 * created the directory removes it. */
		tmp_owner = getpid();
		atexit(cleanup);
	}
	return tmpdir;
}

const char *tu_write(const char *name, const void *data, size_t len)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tu_tmpdir(), name);
	f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "cannot create %s", path);
	ck_assert(fwrite(data, 1, len, f) == len);
	ck_assert(fclose(f) == 0);
	return path;
}

int tu_read(const char *path, struct blob *out)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	out->data = malloc((size_t)n + 1);
	out->len = (size_t)n;
	if (!out->data || fread(out->data, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		return -1;
	}
	out->data[n] = 0;
	fclose(f);
	return 0;
}

struct blob tu_filter(const char *cmd, const void *data, size_t len)
{
	char in[512], out[512], line[1400];
	struct blob b = { NULL, 0 };
	static unsigned seq;
	int rc;

	/* Unique names per call, and per forked test process. */
	snprintf(in, sizeof(in), "%s/in-%d-%u", tu_tmpdir(), (int)getpid(),
		 seq);
	snprintf(out, sizeof(out), "%s/out-%d-%u", tu_tmpdir(), (int)getpid(),
		 seq++);
	{
		FILE *f = fopen(in, "wb");

		ck_assert(f != NULL);
		ck_assert(fwrite(data, 1, len, f) == len);
		ck_assert(fclose(f) == 0);
	}
	snprintf(line, sizeof(line), "%s < '%s' > '%s'", cmd, in, out);
	rc = system(line);
	ck_assert_msg(rc == 0, "host command failed (%d): %s", rc, line);
	ck_assert_msg(tu_read(out, &b) == 0, "cannot read %s", out);
	unlink(in);
	unlink(out);
	return b;
}

uint64_t tu_rand(uint64_t *s)
{
	uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ull;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static const char *const words[] = {
	"hypervisor ", "page ", "table ", "grant ", "event ", "channel ",
	"domain ", "vcpu ", "the ", "of ", "and ", "kernel\n", "0x1000 ",
	"struct ", "{ ", "} ", "return ", "static ", "int ", "void ",
};

void tu_fill(uint8_t *buf, size_t len, enum tu_kind kind, uint64_t seed)
{
	uint64_t s = seed * 0x2545f4914f6cdd1dull + 1;
	size_t i = 0;

	switch (kind) {
	case TU_ZEROS:
		memset(buf, 0, len);
		break;
	case TU_RANDOM:
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)(tu_rand(&s) >> 24);
		break;
	case TU_TEXT:
		while (i < len) {
			const char *w = words[tu_rand(&s) % 20];

			while (*w && i < len)
				buf[i++] = (uint8_t)*w++;
		}
		break;
	case TU_CODE:
		while (i < len) {
			uint64_t r = tu_rand(&s);

			if (r % 7 == 0 && len - i >= 5) {
				/* call/jmp rel32 to a nearby "function" */
				int32_t rel = (int32_t)((r >> 8) % 65536) -
					      32768;

				buf[i++] = (r & 0x100) ? 0xe8 : 0xe9;
				memcpy(buf + i, &rel, 4);
				i += 4;
			} else {
				static const uint8_t ops[] = {
					0x48, 0x89, 0xe5, 0x8b, 0x45, 0xfc,
					0x83, 0xc0, 0x01, 0xc3, 0x55, 0x0f,
				};
				buf[i++] = ops[(r >> 16) % sizeof(ops)];
			}
		}
		break;
	}
}

double tu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

uint8_t *tu_dup(const void *p, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	ck_assert(d != NULL);
	if (len)
		memcpy(d, p, len);
	return d;
}
