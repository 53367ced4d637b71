/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small XenStore client for xl-lite: the xs_wire protocol over the
 * daemon's unix socket ($XENSTORED_PATH, else /run/xenstored/socket), as
 * libxenstore speaks it. One request at a time, except in a batch; watch
 * events that arrive while a reply is awaited are queued for
 * xs_read_watch().
 *
 * Functions return 0 / a non-negative value, or -errno (the daemon's
 * error string mapped back to its errno, as libxenstore does).
 */
#ifndef XL_XS_CLIENT_H
#define XL_XS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

struct xs_client;

struct xs_client *xs_open(void);
void xs_close(struct xs_client *c);
/* The socket, for poll() while waiting for watch events. */
int xs_fileno(const struct xs_client *c);

/* @tx is a transaction id, 0 for none. Returned strings are malloc'd. */
char *xs_read(struct xs_client *c, uint32_t tx, const char *path, int *err);
int xs_write(struct xs_client *c, uint32_t tx, const char *path,
             const char *value);
int xs_mkdir(struct xs_client *c, uint32_t tx, const char *path);
int xs_rm(struct xs_client *c, uint32_t tx, const char *path);
/* Children names: a malloc'd array of malloc'd strings, *n entries. */
char **xs_directory(struct xs_client *c, uint32_t tx, const char *path,
                    unsigned *n, int *err);
void xs_free_list(char **list, unsigned n);
/* Permissions in the wire form, e.g. {"n0", "r5"} or {"b5", "r0"}. */
int xs_set_perms(struct xs_client *c, uint32_t tx, const char *path,
                 const char *const *perms, unsigned n);
int xs_transaction_start(struct xs_client *c, uint32_t *tx);
/* @commit 0 aborts; -EAGAIN means a conflict: start over. */
int xs_transaction_end(struct xs_client *c, uint32_t tx, int commit);
int xs_introduce(struct xs_client *c, uint32_t domid, uint64_t mfn,
                 uint32_t port);
int xs_release(struct xs_client *c, uint32_t domid);
int xs_watch(struct xs_client *c, const char *path, const char *token);
int xs_unwatch(struct xs_client *c, const char *path, const char *token);
/*
 * Next watch event (path and token, malloc'd); waits up to @timeout_ms
 * (-1: forever). Returns 1 with an event, 0 on timeout, -errno.
 */
int xs_read_watch(struct xs_client *c, int timeout_ms, char **path,
                  char **token);

/*
 * Pipelining. Between xs_batch_begin and xs_batch_end, requests that
 * return only a status (write, mkdir, rm, set_perms, ...) are sent
 * without waiting: they return 0 at once and their replies are collected
 * in order by the next request that wants an answer, or by xs_batch_end,
 * which returns the first error and the index (0-based, among the
 * requests of the batch that were only sent) of the request that had it.
 * The daemon answers a connection's requests in order, so a batch of N
 * costs one round trip instead of N.
 */
void xs_batch_begin(struct xs_client *c);
int xs_batch_end(struct xs_client *c, unsigned *failed);

/* errno for a daemon error string such as "ENOENT" (EINVAL if unknown). */
int xs_errno_from_string(const char *s);

#endif
