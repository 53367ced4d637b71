// SPDX-License-Identifier: GPL-2.0-only
/*
 * mica-xenconsoled: the console daemon of dom0. For every domU that
 * XenStore lists with /local/domain/N/console/{ring-ref,port}, it maps
 * the ring page by frame (privcmd), binds the event channel, logs the
 * guest's output to DIR/guest-NAME.log and offers the console on a pty
 * whose slave it publishes as /local/domain/N/console/tty (what
 * `xl console` and `xl-lite console` open). Domains are found again on
 * @introduceDomain and /local/domain changes, and dropped on
 * @releaseDomain once the hypervisor no longer lists them alive (or,
 * where the domain list is unavailable, once their XenStore directory
 * is gone). One thread, one poll loop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../xenstored/daemon.h"
#include "../xenstored/xen_dom0.h"
#include "../xl-lite/xs_client.h"
#include "xc_console.h"

#define MAX_DOMS 1024

struct dom {
	struct dom *next;
	struct xc_console con;
	int master, slave; /* pty */
	int lport;         /* bound event channel */
	bool seen;         /* still listed in the last scan */
};

static struct {
	struct xs_client *xs;
	int evtchn, privcmd;
	const char *log_dir; /* NULL: no logs */
	bool verbose;
	struct dom *doms;
	/* Domains whose console could not be set up: not retried until
	 * they are introduced again. */
	uint32_t failed[64];
	unsigned nfailed;
	/* Domains introduced before their console nodes were written: each
	 * has a watch on its console directory until they appear. (A watch
	 * on all of /local/domain would wake us, and rescan, on every write
	 * any domain makes.) */
	uint32_t waiting[64];
	unsigned nwaiting;
} g = { .evtchn = -1, .privcmd = -1, .log_dir = "/var/log/xen/console" };

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

#define logv(...) do { if (g.verbose) { fprintf(stderr, "mica-xenconsoled: " __VA_ARGS__); \
	fputc('\n', stderr); } } while (0)
#define logerr(...) do { fprintf(stderr, "mica-xenconsoled: " __VA_ARGS__); \
	fputc('\n', stderr); } while (0)

static char *read_key(uint32_t domid, const char *rel)
{
	char path[128];
	int err;

	snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, rel);
	return xs_read(g.xs, 0, path, &err);
}

static int open_pty(int *master, int *slave, char *name, size_t sz)
{
	struct termios t;
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), s;
	const char *n;

	if (m < 0)
		return -1;
	if (grantpt(m) || unlockpt(m) || !(n = ptsname(m)))
		goto fail;
	snprintf(name, sz, "%s", n);
	s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		goto fail;
	/*
	 * Raw, so the guest's bytes reach the reader unchanged and ours the
	 * guest. We keep the slave open: with no reader its input queue holds
	 * the newest output, and the master never sees a hang-up.
	 */
	if (tcgetattr(s, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(s, TCSANOW, &t);
	}
	fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
	*master = m;
	*slave = s;
	return 0;
fail:
	close(m);
	return -1;
}

static bool failed_before(uint32_t domid)
{
	for (unsigned i = 0; i < g.nfailed; i++)
		if (g.failed[i] == domid)
			return true;
	return false;
}

static void mark_failed(uint32_t domid)
{
	if (g.nfailed < sizeof(g.failed) / sizeof(g.failed[0]))
		g.failed[g.nfailed++] = domid;
}

static void console_dir(char *path, size_t sz, uint32_t domid)
{
	snprintf(path, sz, "/local/domain/%u/console", domid);
}

/* Watch @domid's console directory until its nodes are there. */
static void wait_for_console(uint32_t domid)
{
	char path[64];

	for (unsigned i = 0; i < g.nwaiting; i++)
		if (g.waiting[i] == domid)
			return;
	if (g.nwaiting == sizeof(g.waiting) / sizeof(g.waiting[0]))
		return; /* retried at the next introduce or release instead */
	console_dir(path, sizeof(path), domid);
	if (xs_watch(g.xs, path, "con") == 0)
		g.waiting[g.nwaiting++] = domid;
}

/* Stop waiting for @domid (console up, or domain gone). */
static void stop_waiting(uint32_t domid)
{
	char path[64];

	for (unsigned i = 0; i < g.nwaiting; i++) {
		if (g.waiting[i] != domid)
			continue;
		console_dir(path, sizeof(path), domid);
		xs_unwatch(g.xs, path, "con");
		g.waiting[i] = g.waiting[--g.nwaiting];
		return;
	}
}

static struct dom *find_dom(uint32_t domid)
{
	for (struct dom *d = g.doms; d; d = d->next)
		if (d->con.domid == domid)
			return d;
	return NULL;
}

static void pump(struct dom *d);

static void add_dom(uint32_t domid)
{
	char *ref = read_key(domid, "console/ring-ref");
	char *port = read_key(domid, "console/port");
	char *name = read_key(domid, "name");
	char tty[128], path[256];
	uint64_t mfn, evtchn;
	struct dom *d = NULL;
	void *page = NULL;
	int log_fd = -1, lport = -1;

	if (!ref || !port) {
		/* Not written yet: retried when they are. */
		wait_for_console(domid);
		goto out;
	}
	stop_waiting(domid);
	if (!xc_parse_u64(ref, &mfn) || !xc_parse_u64(port, &evtchn) ||
	    evtchn > UINT32_MAX) {
		logerr("domain %u: bad console/ring-ref '%s' or port '%s'", domid,
		       ref, port);
		mark_failed(domid);
		goto out;
	}
	page = xd_map_foreign(g.privcmd, domid, mfn);
	if (!page) {
		logerr("domain %u: map console frame %#llx: %s", domid,
		       (unsigned long long)mfn, strerror(errno));
		mark_failed(domid);
		goto out;
	}
	lport = xd_evtchn_bind(g.evtchn, domid, (uint32_t)evtchn);
	if (lport < 0) {
		logerr("domain %u: bind port %llu: %s", domid,
		       (unsigned long long)evtchn, strerror(-lport));
		mark_failed(domid);
		goto out;
	}
	d = calloc(1, sizeof(*d));
	if (!d || open_pty(&d->master, &d->slave, tty, sizeof(tty))) {
		logerr("domain %u: no pty: %s", domid, strerror(errno));
		mark_failed(domid);
		goto out;
	}
	if (g.log_dir && xc_log_path(path, sizeof(path), g.log_dir, name, domid) > 0) {
		log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (log_fd < 0)
			logerr("domain %u: %s: %s", domid, path, strerror(errno));
	}
	xc_console_init(&d->con, domid, name, page, log_fd);
	d->lport = lport;
	d->seen = true;
	d->next = g.doms;
	g.doms = d;
	xc_console_path(path, sizeof(path), domid, "tty");
	if (xs_write(g.xs, 0, path, tty) < 0)
		logerr("domain %u: cannot write %s", domid, path);
	logv("domain %u (%s): console on %s", domid, name ? name : "", tty);
	page = NULL;
	lport = -1;
	d = g.doms;
	pump(d); /* output written before we came */
	d = NULL;
out:
	if (d)
		free(d);
	if (lport >= 0)
		xd_evtchn_unbind(g.evtchn, (uint32_t)lport);
	if (page)
		xd_unmap_foreign(page);
	free(ref);
	free(port);
	free(name);
}

static void drop_dom(struct dom *d)
{
	struct dom **pp;

	for (pp = &g.doms; *pp != d; pp = &(*pp)->next)
		;
	*pp = d->next;
	xc_console_take_output(&d->con, NULL); /* its last words, for the log */
	logv("domain %u: console closed", d->con.domid);
	xd_evtchn_unbind(g.evtchn, (uint32_t)d->lport);
	xd_unmap_foreign(d->con.page);
	if (d->con.log_fd >= 0)
		close(d->con.log_fd);
	close(d->master);
	close(d->slave);
	xc_console_fini(&d->con);
	free(d);
}

/* Which domains are alive; -1 if the hypervisor cannot say. */
static int alive_list(struct xd_dominfo *info, size_t max)
{
	int n = g.privcmd >= 0 ? xd_domain_list(g.privcmd, info, max) : -ENOSYS;

	return n < 0 ? -1 : n;
}

/* Bring our set of consoles in line with XenStore (and the hypervisor). */
static void scan(bool check_alive)
{
	static struct xd_dominfo info[MAX_DOMS];
	unsigned n = 0;
	int err, alive = check_alive ? alive_list(info, MAX_DOMS) : -1;
	char **ids = xs_directory(g.xs, 0, "/local/domain", &n, &err);

	for (struct dom *d = g.doms; d; d = d->next)
		d->seen = false;
	for (unsigned i = 0; ids && i < n; i++) {
		uint64_t id;
		struct dom *d;

		if (!xc_parse_u64(ids[i], &id) || id == 0 || id >= 0x7ff0)
			continue;
		d = find_dom((uint32_t)id);
		if (d)
			d->seen = true;
		else if (!failed_before((uint32_t)id))
			add_dom((uint32_t)id);
	}
	for (unsigned w = 0; w < g.nwaiting; w++) {
		bool listed = false;

		for (unsigned i = 0; ids && i < n; i++)
			if (strtoul(ids[i], NULL, 10) == g.waiting[w])
				listed = true;
		if (!listed)
			stop_waiting(g.waiting[w--]);
	}
	xs_free_list(ids, n);
	for (struct dom *d = g.doms, *next; d; d = next) {
		bool live = d->seen;

		next = d->next;
		if (live && alive >= 0) {
			live = false;
			for (int i = 0; i < alive; i++)
				if (info[i].domid == d->con.domid && !info[i].dying)
					live = true;
		}
		if (!live)
			drop_dom(d);
	}
}

/* Move bytes both ways for one console. */
static void pump(struct dom *d)
{
	bool corrupt = false, moved = false;

	if (xc_console_take_output(&d->con, &corrupt))
		moved = true;
	while (d->con.out.len) {
		ssize_t w = write(d->master, d->con.out.data, d->con.out.len);

		if (w <= 0)
			break; /* EAGAIN: the pty is full; poll says when */
		xc_buf_consume(&d->con.out, (size_t)w);
	}
	if (d->con.in_len < sizeof(d->con.in)) {
		ssize_t r = read(d->master, d->con.in + d->con.in_len,
		                 sizeof(d->con.in) - d->con.in_len);

		if (r > 0)
			d->con.in_len += (size_t)r;
	}
	if (d->con.in_len && xc_console_give_input(&d->con, &corrupt))
		moved = true;
	if (corrupt && !d->con.corrupt_reported) {
		logerr("domain %u: console ring indices corrupt", d->con.domid);
		d->con.corrupt_reported = true;
	}
	if (moved)
		xd_evtchn_notify(g.evtchn, (uint32_t)d->lport);
}

static void handle_watch(void)
{
	char *path, *token;
	bool rescan = false, released = false;

	while (xs_read_watch(g.xs, 0, &path, &token) == 1) {
		if (strcmp(path, "@releaseDomain") == 0)
			released = true;
		else if (strcmp(path, "@introduceDomain") == 0) {
			g.nfailed = 0; /* a new domain may reuse an id */
			rescan = true;
		} else
			rescan = true;
		free(path);
		free(token);
	}
	if (rescan || released)
		scan(released);
}

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: mica-xenconsoled [options]\n"
	        "  --log=none|guest|all     log guest output (default guest)\n"
	        "  --log-dir=DIR            where (default /var/log/xen/console)\n"
	        "  -D, --daemon             detach once connected to XenStore\n"
	        "  -F, --pid-file PATH      write the daemon's pid there\n"
	        "  -v, --verbose            log consoles opened and closed\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "log", 1, NULL, 'l' }, { "log-dir", 1, NULL, 'd' },
		{ "daemon", 0, NULL, 'D' }, { "pid-file", 1, NULL, 'F' },
		{ "verbose", 0, NULL, 'v' }, { "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pidfile = NULL, *log = "guest";
	bool daemon = false;
	struct pollfd *pfd = NULL;
	struct dom **slot = NULL;
	size_t cap = 0;
	int opt;

	while ((opt = getopt_long(argc, argv, "DF:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'l': log = optarg; break;
		case 'd': g.log_dir = optarg; break;
		case 'D': daemon = true; break;
		case 'F': pidfile = optarg; break;
		case 'v': g.verbose = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (strcmp(log, "none") == 0 || strcmp(log, "hv") == 0)
		g.log_dir = NULL;
	else if (strcmp(log, "guest") && strcmp(log, "all")) {
		fprintf(stderr, "mica-xenconsoled: --log: expected none, guest, hv "
		        "or all, got '%s'\n", log);
		return 2;
	}
	g.evtchn = xd_evtchn_open();
	g.privcmd = xd_privcmd_open();
	if (g.evtchn < 0 || g.privcmd < 0) {
		logerr("need /dev/xen/evtchn and /dev/xen/privcmd (dom0 only): %s",
		       strerror(-(g.evtchn < 0 ? g.evtchn : g.privcmd)));
		return 1;
	}
	g.xs = xs_open();
	if (!g.xs) {
		logerr("cannot connect to XenStore: %s", strerror(errno));
		return 1;
	}
	if (xs_watch(g.xs, "@introduceDomain", "intro") < 0 ||
	    xs_watch(g.xs, "@releaseDomain", "release") < 0) {
		logerr("cannot watch XenStore");
		return 1;
	}
	if (daemon && daemonize() < 0) {
		perror("mica-xenconsoled: fork");
		return 1;
	}
	if (pidfile)
		write_pidfile("mica-xenconsoled", pidfile);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	while (!stop) {
		size_t n = 0, need = 2;

		handle_watch(); /* events queued while a reply was awaited */
		for (struct dom *d = g.doms; d; d = d->next)
			need++;
		if (need > cap) {
			cap = need * 2;
			pfd = realloc(pfd, cap * sizeof(*pfd));
			slot = realloc(slot, cap * sizeof(*slot));
			if (!pfd || !slot) {
				logerr("out of memory");
				return 1;
			}
		}
		pfd[n] = (struct pollfd){ .fd = xs_fileno(g.xs), .events = POLLIN };
		slot[n++] = NULL;
		pfd[n] = (struct pollfd){ .fd = g.evtchn, .events = POLLIN };
		slot[n++] = NULL;
		for (struct dom *d = g.doms; d; d = d->next) {
			short ev = 0;

			if (d->con.in_len < sizeof(d->con.in))
				ev |= POLLIN;
			if (d->con.out.len)
				ev |= POLLOUT;
			pfd[n] = (struct pollfd){ .fd = d->master, .events = ev };
			slot[n++] = d;
		}
		/* Rings are looked at every second too, in case a kick was lost. */
		if (poll(pfd, n, g.doms ? 1000 : -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("mica-xenconsoled: poll");
			break;
		}
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			logerr("XenStore connection lost");
			break;
		}
		if (pfd[1].revents & POLLIN) {
			uint32_t ports[64];

			while (xd_evtchn_pending(g.evtchn, ports, 64) > 0)
				;
		}
		for (struct dom *d = g.doms; d; d = d->next)
			pump(d);
		if (pfd[0].revents & POLLIN)
			handle_watch(); /* reads what the socket has */
	}
	while (g.doms)
		drop_dom(g.doms);
	if (pidfile)
		unlink(pidfile);
	xs_close(g.xs);
	free(pfd);
	free(slot);
	return 0;
}
