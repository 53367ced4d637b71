/* SPDX-License-Identifier: GPL-2.0-only */
/* Unix-domain socket transport for dom0 tools (libxenstore clients). */
#ifndef MICA_XS_UNIX_H
#define MICA_XS_UNIX_H

#include "xs_store.h"

#define XS_DEFAULT_SOCKET "/run/xenstored/socket"

/* Create the listening socket (and its directory). fd, or -1 with errno. */
int xs_unix_listen(const char *path);
/* Accept one client as a privileged dom0 connection; NULL if none. */
struct xs_conn *xs_unix_accept(struct xs_store *s, int lfd);
/* The socket behind @c, or -1 if @c is not a unix connection. */
int xs_unix_fd(const struct xs_conn *c);

#endif
