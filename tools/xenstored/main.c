// SPDX-License-Identifier: GPL-2.0-only
/*
 * mica-xenstored: option parsing and the poll loop. One thread; every
 * descriptor is non-blocking and a client is only polled for input
 * while its reply backlog is below the outstanding-request quota, so a
 * slow or stuck client delays nobody else.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "xs_ring.h"
#include "xs_store.h"
#include "xs_unix.h"
#include "xs_xendev.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: mica-xenstored [options]\n"
	        "  -s, --socket PATH       unix socket (default %s)\n"
	        "  -E, --entry-nb N        nodes per domain (1000)\n"
	        "  -S, --entry-size N      bytes per node (2048)\n"
	        "  -W, --watch-nb N        watches per domain (128)\n"
	        "  -t, --transaction N     open transactions per domain (10)\n"
	        "  -A, --perm-nb N         permission entries per node (5)\n"
	        "  -M, --path-max N        path length below a domain's home (2048)\n"
	        "  -Q, --outstanding N     queued replies before reading pauses (20)\n"
	        "  -N, --no-rings          do not try /dev/xen\n"
	        "  -L, --no-local          do not serve dom0's own xenbus ring\n"
	        "  -D, --daemon            detach once ready (socket and dom0 ring up)\n"
	        "  -F, --pid-file PATH     write the daemon's pid there\n"
	        "  -v, --verbose           log connections and domains to stderr\n",
	        XS_DEFAULT_SOCKET);
}

static unsigned num_arg(const char *opt, const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v == 0 || v > 1000000) {
		fprintf(stderr, "mica-xenstored: %s: expected a positive number, "
		        "got '%s'\n", opt, s);
		exit(2);
	}
	return (unsigned)v;
}

struct slot {
	struct xs_conn *c;
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", 1, NULL, 's' }, { "entry-nb", 1, NULL, 'E' },
		{ "entry-size", 1, NULL, 'S' }, { "watch-nb", 1, NULL, 'W' },
		{ "transaction", 1, NULL, 't' }, { "perm-nb", 1, NULL, 'A' },
		{ "path-max", 1, NULL, 'M' }, { "outstanding", 1, NULL, 'Q' },
		{ "no-rings", 0, NULL, 'N' }, { "verbose", 0, NULL, 'v' },
		{ "no-local", 0, NULL, 'L' }, { "daemon", 0, NULL, 'D' },
		{ "pid-file", 1, NULL, 'F' },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *sock = XS_DEFAULT_SOCKET, *pidfile = NULL;
	struct xs_quota q;
	struct xs_store *s;
	bool verbose = false, rings = true, local = true, daemon = false;
	int opt, lfd, evfd = -1;
	struct pollfd *pfd = NULL;
	struct slot *slots = NULL;
	size_t cap = 0;

	xs_quota_defaults(&q);
	while ((opt = getopt_long(argc, argv, "s:E:S:W:t:A:M:Q:NLDF:vh", opts,
	                          NULL)) != -1) {
		switch (opt) {
		case 's': sock = optarg; break;
		case 'E': q.nodes = num_arg("--entry-nb", optarg); break;
		case 'S': q.entry_size = num_arg("--entry-size", optarg); break;
		case 'W': q.watches = num_arg("--watch-nb", optarg); break;
		case 't': q.transactions = num_arg("--transaction", optarg); break;
		case 'A': q.perms = num_arg("--perm-nb", optarg); break;
		case 'M':
			q.path_max = num_arg("--path-max", optarg);
			if (q.path_max > XS_REL_PATH_MAX)
				q.path_max = XS_REL_PATH_MAX;
			break;
		case 'Q': q.outstanding = num_arg("--outstanding", optarg); break;
		case 'N': rings = false; break;
		case 'L': local = false; break;
		case 'D': daemon = true; break;
		case 'F': pidfile = optarg; break;
		case 'v': verbose = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	s = xs_store_new(&q);
	if (!s) {
		fprintf(stderr, "mica-xenstored: out of memory\n");
		return 1;
	}
	s->verbose = verbose;
	if (rings) {
		char why[256];

		s->ring_be = xs_xendev_open(&s->ring_ctx, &evfd, why, sizeof(why));
		if (!s->ring_be)
			fprintf(stderr, "mica-xenstored: %s\n", why);
	}
	lfd = xs_unix_listen(sock);
	if (lfd < 0) {
		fprintf(stderr, "mica-xenstored: %s: %s\n", sock, strerror(errno));
		return 1;
	}
	if (s->ring_be && local) {
		char why[256];

		if (xs_xendev_local(s, s->ring_ctx, why, sizeof(why)))
			fprintf(stderr, "mica-xenstored: dom0 ring: %s\n", why);
		else
			xs_log(s, "serving dom0's xenbus ring");
	}
	/* Reports early whether the domain list (for VIRQ_DOM_EXC) works. */
	if (s->ring_be)
		xs_xendev_check_domains(s, s->ring_ctx);
	if (daemon && daemonize() < 0) {
		perror("mica-xenstored: fork");
		return 1;
	}
	if (pidfile)
		write_pidfile("mica-xenstored", pidfile);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	xs_log(s, "listening on %s", sock);

	while (!stop) {
		size_t n = 0, need = 2;

		for (struct xs_conn *c = s->conns; c; c = c->next)
			need++;
		if (need > cap) {
			cap = need * 2;
			pfd = realloc(pfd, cap * sizeof(*pfd));
			slots = realloc(slots, cap * sizeof(*slots));
			if (!pfd || !slots) {
				fprintf(stderr, "mica-xenstored: out of memory\n");
				return 1;
			}
		}
		pfd[n] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		slots[n++].c = NULL;
		if (evfd >= 0) {
			pfd[n] = (struct pollfd){ .fd = evfd, .events = POLLIN };
			slots[n++].c = NULL;
		}
		for (struct xs_conn *c = s->conns; c; c = c->next) {
			int fd = xs_unix_fd(c);

			if (fd < 0)
				continue;
			pfd[n].fd = fd;
			pfd[n].events = (short)((xs_conn_wants_input(c) ? POLLIN : 0) |
			                        (c->out_head ? POLLOUT : 0));
			pfd[n].revents = 0;
			slots[n++].c = c;
		}
		/* Rings are re-checked every second in case a kick was lost. */
		if (poll(pfd, n, s->domains ? 1000 : -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("mica-xenstored: poll");
			break;
		}
		if (pfd[0].revents & POLLIN) {
			struct xs_conn *c;

			while ((c = xs_unix_accept(s, lfd)))
				xs_log(s, "new client on fd %d", xs_unix_fd(c));
		}
		if (evfd >= 0 && (pfd[1].revents & POLLIN) &&
		    xs_xendev_drain(s->ring_ctx))
			xs_xendev_check_domains(s, s->ring_ctx);
		for (size_t i = 0; i < n; i++) {
			struct xs_conn *c = slots[i].c;

			if (!c || !pfd[i].revents)
				continue;
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				xs_conn_pump_in(c);
		}
		/* Requests may have queued watch events for anybody. */
		for (struct xs_conn *c = s->conns; c; c = c->next)
			if (xs_unix_fd(c) >= 0)
				xs_conn_flush(c);
		xs_ring_service(s);
		xs_store_reap(s);
	}
	unlink(sock);
	if (pidfile)
		unlink(pidfile);
	xs_store_free(s);
	free(pfd);
	free(slots);
	return 0;
}
