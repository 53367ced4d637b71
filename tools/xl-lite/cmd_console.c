// SPDX-License-Identifier: GPL-2.0-only
/*
 * xl console: relay the terminal to the pty the console daemon created
 * for the domain (named in /local/domain/N/console/tty) until Ctrl-]
 * (0x1d), as xenconsole does. The terminal is raw while attached.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "hcall.h"
#include "xl.h"

#define ESCAPE_CHAR 0x1d
#define TTY_WAIT_MS 10000

static char *wait_tty(struct xl_ctx *ctx, uint32_t domid)
{
	char p[64];

	snprintf(p, sizeof(p), "/local/domain/%u/console/tty", domid);
	for (int waited = 0; waited <= TTY_WAIT_MS; waited += 100) {
		char *tty = xs_read(ctx->xs, 0, p, NULL);

		if (tty && *tty)
			return tty;
		free(tty);
		usleep(100 * 1000);
	}
	return NULL;
}

static int write_all(int fd, const char *b, ssize_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, b, (size_t)n);

		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= w;
	}
	return 0;
}

int xl_console_attach(struct xl_ctx *ctx, uint32_t domid)
{
	struct termios saved, raw;
	bool is_tty = isatty(STDIN_FILENO);
	char *tty;
	int fd;

	if (xl_need_xs(ctx) < 0)
		return 1;
	tty = wait_tty(ctx, domid);
	if (!tty) {
		fprintf(ctx->err, "xl-lite: domain %u has no console tty (is the "
		        "console daemon running?)\n", domid);
		return 1;
	}
	fd = open(tty, O_RDWR | O_NOCTTY);
	if (fd < 0) {
		fprintf(ctx->err, "xl-lite: %s: %s\n", tty, strerror(errno));
		free(tty);
		return 1;
	}
	free(tty);
	/* The pty side too: no echo or line editing of the guest's bytes. */
	if (tcgetattr(fd, &raw) == 0) {
		cfmakeraw(&raw);
		tcsetattr(fd, TCSANOW, &raw);
	}
	if (is_tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	} else {
		is_tty = false;
	}
	for (;;) {
		struct pollfd p[2] = { { STDIN_FILENO, POLLIN, 0 },
		                       { fd, POLLIN, 0 } };
		char buf[4096];
		ssize_t n;

		if (poll(p, 2, 1000) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents & (POLLIN | POLLHUP)) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0)
				break;
			char *esc = memchr(buf, ESCAPE_CHAR, (size_t)n);
			if (esc) {
				write_all(fd, buf, esc - buf);
				break;
			}
			if (write_all(fd, buf, n) < 0)
				break;
		}
		if (p[1].revents & POLLIN) {
			n = read(fd, buf, sizeof(buf));
			if (n <= 0)
				break;
			if (write_all(STDOUT_FILENO, buf, n) < 0)
				break;
		} else if (p[1].revents & (POLLHUP | POLLERR)) {
			/* The daemon closed the pty: the domain went away. */
			struct xen_domctl_getdomaininfo info;

			if (hc_getdomaininfo(domid, &info) < 0)
				break;
			usleep(100 * 1000);
		}
	}
	if (is_tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	close(fd);
	return 0;
}

int cmd_console(struct xl_ctx *ctx, int argc, char **argv)
{
	uint32_t id;
	int opt;

	while ((opt = getopt(argc, argv, "t:n:")) != -1) {
		if (opt == 't' && strcmp(optarg, "pv")) {
			fprintf(ctx->err, "console type %s is not supported (PV only)\n",
			        optarg);
			return 1;
		}
		if (opt == 'n' && strcmp(optarg, "0")) {
			fprintf(ctx->err, "only console 0 is supported\n");
			return 1;
		}
		if (opt == '?')
			return 1;
	}
	if (optind != argc - 1) {
		xl_verb_help(ctx, "console");
		return 1;
	}
	if (xl_find_domain(ctx, argv[optind], &id) < 0)
		return 1;
	return xl_console_attach(ctx, id);
}
