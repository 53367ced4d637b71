/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsbench: XenStore round trips per second, measured from one process that
 * speaks the xs_wire protocol itself (a shell loop of xenstore-read would
 * time process start-up, not the daemon). Used by tests/bench/xenstore.py in
 * Mica's dom0 and domUs and, for the reference, under real Xen's
 * oxenstored; the same binary on both sides.
 *
 *   xsbench [-x DEVICE | -s SOCKET] [-p PATH] [-t MS] [-l LABEL]
 *       Writes PATH once, then for MS milliseconds each: READ PATH, then
 *       WRITE PATH (a changing value), one request outstanding at a time;
 *       removes PATH. Prints
 *         xsbench: LABEL-read-per-s N (n=COUNT us=MEAN)
 *         xsbench: LABEL-write-per-s N (n=COUNT us=MEAN)
 *       Transport: the kernel's xenbus device (-x, e.g. /dev/xen/xenbus:
 *       the caller's own ring, the only way in from a domU) or the daemon's
 *       unix socket (-s; default $XENSTORED_PATH, else
 *       /run/xenstored/socket). PATH defaults to "data/xsbench", relative
 *       to the caller's /local/domain/<id>, writable by a guest.
 * Exit status 0 when every request got its reply, else 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "public/io/xs_wire.h"

static int fd = -1;
static uint32_t next_req = 1;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* All of @len bytes to (@out) or from the transport; -1 on EOF or error. */
static int move_all(bool out, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = out ? write(fd, p, len) : read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_all(const void *buf, size_t len)
{
	return move_all(true, (void *)buf, len);
}

static int read_all(void *buf, size_t len)
{
	return move_all(false, buf, len);
}

/*
 * One request and its reply. The xenbus device wants a whole message per
 * write() (it forwards once the header's length has arrived, so one buffer
 * is simplest for both transports). Returns the reply's type, or -1.
 */
static int request(uint32_t type, const char *a, const char *b, size_t blen,
		   char *reply, size_t rsize)
{
	char msg[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
	struct xsd_sockmsg h = { .type = type, .req_id = next_req++, .tx_id = 0 };
	size_t alen = strlen(a) + 1;

	if (alen + blen > XENSTORE_PAYLOAD_MAX)
		return -1;
	h.len = (uint32_t)(alen + blen);
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), a, alen);
	if (blen)
		memcpy(msg + sizeof(h) + alen, b, blen);
	if (write_all(msg, sizeof(h) + h.len) < 0)
		return -1;
	for (;;) {
		struct xsd_sockmsg r;
		char body[XENSTORE_PAYLOAD_MAX + 1];

		if (read_all(&r, sizeof(r)) < 0 || r.len > XENSTORE_PAYLOAD_MAX ||
		    read_all(body, r.len) < 0)
			return -1;
		/* No watches are set, but skip an event rather than miscount. */
		if (r.type == XS_WATCH_EVENT)
			continue;
		if (r.req_id != h.req_id)
			return -1;
		body[r.len] = '\0';
		if (reply && rsize) {
			size_t n = r.len < rsize - 1 ? r.len : rsize - 1;

			memcpy(reply, body, n);
			reply[n] = '\0';
		}
		return (int)r.type;
	}
}

static int open_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(s);
		return -1;
	}
	return s;
}

/* Round trips of one kind for @ms milliseconds; prints the rate. */
static int measure(const char *label, const char *kind, uint32_t type,
		   const char *path, unsigned ms)
{
	uint64_t start = now_ns(), end = start + (uint64_t)ms * 1000000u, t;
	unsigned long count = 0;
	char val[32], reply[64];

	do {
		/* Batches of 16 between clock reads: the clock is not free either. */
		for (int i = 0; i < 16; i++, count++) {
			int n = snprintf(val, sizeof(val), "%lu", count);
			int rc = type == XS_WRITE
				? request(XS_WRITE, path, val, (size_t)n, reply, sizeof(reply))
				: request(XS_READ, path, NULL, 0, reply, sizeof(reply));

			if (rc != (int)type) {
				fprintf(stderr, "xsbench: %s %s failed after %lu (%s)\n", kind,
					path, count, rc == XS_ERROR ? reply : "no reply");
				return -1;
			}
		}
		t = now_ns();
	} while (t < end);
	double secs = (double)(t - start) / 1e9;
	printf("xsbench: %s-%s-per-s %.0f (n=%lu us=%.1f)\n", label, kind,
	       (double)count / secs, count, secs * 1e6 / (double)count);
	fflush(stdout);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: xsbench [-x DEVICE | -s SOCKET] [-p PATH] [-t MS] [-l LABEL]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dev = NULL, *sock = getenv("XENSTORED_PATH");
	const char *path = "data/xsbench", *label = "xs";
	unsigned ms = 3000;
	int c;

	while ((c = getopt(argc, argv, "x:s:p:t:l:")) != -1) {
		switch (c) {
		case 'x': dev = optarg; break;
		case 's': sock = optarg; break;
		case 'p': path = optarg; break;
		case 't': ms = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'l': label = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || ms == 0)
		usage();
	if (dev) {
		fd = open(dev, O_RDWR | O_CLOEXEC);
	} else {
		sock = sock ? sock : "/run/xenstored/socket";
		fd = open_socket(sock);
	}
	if (fd < 0) {
		fprintf(stderr, "xsbench: cannot open %s: %s\n", dev ? dev : sock, strerror(errno));
		return 1;
	}
	char reply[64];
	if (request(XS_WRITE, path, "0", 1, reply, sizeof(reply)) != XS_WRITE) {
		fprintf(stderr, "xsbench: write %s: %s\n", path, reply);
		return 1;
	}
	int bad = measure(label, "read", XS_READ, path, ms) < 0;
	bad |= measure(label, "write", XS_WRITE, path, ms) < 0;
	request(XS_RM, path, NULL, 0, reply, sizeof(reply));
	return bad;
}
