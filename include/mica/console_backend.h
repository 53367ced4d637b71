/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The backend half of a PV console ring (struct xencons_interface,
 * include/public/io/console.h): what xenconsoled does with a domU's ring,
 * in pure form. Mica serves a domain's ring on its serial console with it
 * (common/console_ring.c); host-tested (tests/unit/test_console_backend.c).
 *
 * The guest produces `out` and consumes `in`; the backend the reverse.
 * The guest may scribble on every index at any time: indices are read
 * once per call and checked (ioring/byte_ring.c), and a ring whose
 * prod - cons exceeds its size is reported corrupt and left alone (Linux's
 * hvc_xen does the same from its side: "Illegal ring page indices").
 * Neither call notifies: the caller sends the event after a call that
 * moved bytes into `in` (the guest needs no event for consumed output:
 * Linux's writer never waits for one).
 */
#ifndef MICA_CONSOLE_BACKEND_H
#define MICA_CONSOLE_BACKEND_H

#include <mica/byte_ring.h>
#include <mica/types.h>

/* Guest output is handed on in pieces of at most this many bytes. */
#define CONS_BACKEND_CHUNK 128

struct cons_backend {
    struct byte_ring out;     /* guest -> backend */
    struct byte_ring in;      /* backend -> guest */
};

/* Describe the two streams of a mapped console page. */
void cons_backend_init(struct cons_backend *b, void *page);

/*
 * Take the guest's output: every byte queued when the call starts (not
 * more, so a guest writing as fast as we read cannot hold us), passed to
 * sink in order, in pieces of at most CONS_BACKEND_CHUNK bytes. Returns
 * the bytes consumed; *corrupt (if not NULL) says whether the indices
 * were invalid (then nothing is consumed).
 */
size_t cons_backend_drain(const struct cons_backend *b,
                          void (*sink)(void *ctx, const char *s, size_t n), void *ctx,
                          bool *corrupt);

/*
 * Give the guest input: bytes from source (which returns a byte, or -1
 * when it has none) while `in` has room; a byte is taken from the source
 * only when there is room for it, so input the guest is not reading stays
 * where it came from. Returns the bytes added; *corrupt as above.
 */
size_t cons_backend_feed(const struct cons_backend *b, int (*source)(void *ctx), void *ctx,
                         bool *corrupt);

#endif
