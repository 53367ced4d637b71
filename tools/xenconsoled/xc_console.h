/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mica-xenconsoled's per-domain console, in pure form: XenStore paths,
 * log file names, the bounded buffer between the ring and the pty, and
 * moving bytes between a mapped xencons_interface page and those
 * buffers (through ioring/console_backend.c, the same backend Mica uses
 * for a boot domain's console). No file descriptors except the log,
 * which may be -1; the daemon (main.c) does the pty, event channel and
 * XenStore I/O. Host-tested in tests/unit/xenconsoled_test.c.
 */
#ifndef MICA_XC_CONSOLE_H
#define MICA_XC_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mica/console_backend.h>

/* Output kept for the pty while nobody reads it; older bytes are dropped. */
#define XC_OUTBUF_MAX (64 * 1024)
/* Input taken from the pty before the guest has consumed it. */
#define XC_INBUF_SIZE 1024

struct xc_buf {
	char *data;
	size_t len, cap;
	size_t max;     /* bound; the oldest bytes go beyond it */
	size_t dropped; /* bytes dropped so far */
};

/* Append, dropping the oldest bytes past b->max. False if out of memory. */
bool xc_buf_append(struct xc_buf *b, const char *s, size_t n);
/* Remove n bytes from the front. */
void xc_buf_consume(struct xc_buf *b, size_t n);
void xc_buf_free(struct xc_buf *b);

struct xc_console {
	uint32_t domid;
	char name[64];
	void *page;             /* the mapped ring page */
	struct cons_backend be;
	int log_fd;             /* -1: no log */
	struct xc_buf out;      /* guest output waiting for the pty */
	char in[XC_INBUF_SIZE]; /* pty input waiting for ring space */
	size_t in_len;
	bool corrupt_reported;
};

/* "/local/domain/N/console/LEAF" (LEAF may be NULL: the directory). */
int xc_console_path(char *buf, size_t sz, uint32_t domid, const char *leaf);
/*
 * The log file: DIR/guest-NAME.log as xenconsoled --log=guest names it,
 * with '/' and control characters in NAME replaced by '_'; an empty NAME
 * gives guest-<domid>. Returns the length, or -1 if it did not fit.
 */
int xc_log_path(char *buf, size_t sz, const char *dir, const char *name,
                uint32_t domid);
/* Parse a decimal frame or port number as the toolstack wrote it. */
bool xc_parse_u64(const char *s, uint64_t *v);

void xc_console_init(struct xc_console *c, uint32_t domid, const char *name,
                     void *page, int log_fd);
/*
 * Take the guest's output: to the log (if any) and to c->out. Returns the
 * bytes taken; sets *corrupt when the ring's indices are impossible.
 */
size_t xc_console_take_output(struct xc_console *c, bool *corrupt);
/*
 * Give the guest the pending pty input (c->in) that fits in its ring.
 * Returns the bytes moved (notify the guest if > 0).
 */
size_t xc_console_give_input(struct xc_console *c, bool *corrupt);
void xc_console_fini(struct xc_console *c);

#endif
