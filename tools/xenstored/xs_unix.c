// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unix socket connections. Sockets are non-blocking: a client that
 * stops reading only grows its own output queue and never stalls the
 * daemon. Whoever can open the socket is dom0 root (the directory is
 * 0755 root-owned, the socket 0600), so these clients are privileged,
 * as with Xen's xenstored.
 */
#define _GNU_SOURCE /* accept4 */
#include "xs_unix.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static long ux_read(struct xs_conn *c, void *buf, size_t len)
{
	int fd = *(int *)c->priv;
	ssize_t n = recv(fd, buf, len, MSG_DONTWAIT);

	if (n > 0)
		return (long)n;
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return 0;
	return -1; /* EOF or error */
}

static long ux_write(struct xs_conn *c, const void *buf, size_t len)
{
	int fd = *(int *)c->priv;
	ssize_t n = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n >= 0)
		return (long)n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	return -1;
}

static void ux_release(struct xs_conn *c)
{
	close(*(int *)c->priv);
	free(c->priv);
}

static const struct xs_conn_ops unix_ops = {
	.read = ux_read,
	.write = ux_write,
	.release = ux_release,
};

int xs_unix_fd(const struct xs_conn *c)
{
	return c->ops == &unix_ops ? *(int *)c->priv : -1;
}

/* mkdir -p for the socket's directory. */
static void make_parent_dirs(const char *path)
{
	char tmp[sizeof(((struct sockaddr_un *)0)->sun_path)];

	strncpy(tmp, path, sizeof(tmp) - 1);
	tmp[sizeof(tmp) - 1] = '\0';
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(tmp, 0755);
		*p = '/';
	}
}

int xs_unix_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	make_parent_dirs(path);
	unlink(path); /* a stale socket from a previous run */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0600) < 0 || listen(fd, 64) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

struct xs_conn *xs_unix_accept(struct xs_store *s, int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	int *priv;
	struct xs_conn *c;

	if (fd < 0)
		return NULL;
	priv = malloc(sizeof(*priv));
	if (!priv) {
		close(fd);
		return NULL;
	}
	*priv = fd;
	c = xs_conn_new(s, &unix_ops, priv, 0, true);
	if (!c) {
		close(fd);
		free(priv);
	}
	return c;
}
