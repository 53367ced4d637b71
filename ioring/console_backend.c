/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Console ring backend (see include/mica/console_backend.h). The index
 * snapshots and barriers are byte_ring's; this adds the backend's two
 * loops: drain what is there, fill what fits.
 */
#include <mica/console_backend.h>

void cons_backend_init(struct cons_backend *b, void *page)
{
    byte_ring_console(&b->out, page, BYTE_RING_GUEST_OUT);
    byte_ring_console(&b->in, page, BYTE_RING_GUEST_IN);
}

static void set_corrupt(bool *corrupt, bool v)
{
    if (corrupt)
        *corrupt = v;
}

size_t cons_backend_drain(const struct cons_backend *b,
                          void (*sink)(void *ctx, const char *s, size_t n), void *ctx,
                          bool *corrupt)
{
    bool ok;
    uint32_t left = byte_ring_queued(&b->out, &ok);
    size_t total = 0;
    char buf[CONS_BACKEND_CHUNK];

    set_corrupt(corrupt, !ok);
    while (left) {
        size_t n = byte_ring_read(&b->out, buf, MIN((size_t)left, sizeof(buf)));
        if (n == 0)
            break;          /* the guest moved the indices under us */
        sink(ctx, buf, n);
        left -= (uint32_t)n;
        total += n;
    }
    return total;
}

size_t cons_backend_feed(const struct cons_backend *b, int (*source)(void *ctx), void *ctx,
                         bool *corrupt)
{
    bool ok;
    uint32_t room = byte_ring_space(&b->in, &ok);
    size_t total = 0;
    char buf[64];

    set_corrupt(corrupt, !ok);
    while (room) {
        size_t want = MIN((size_t)room, sizeof(buf)), n = 0;
        int c;
        while (n < want && (c = source(ctx)) >= 0)
            buf[n++] = (char)c;
        if (n == 0)
            break;
        size_t put = byte_ring_write(&b->in, buf, n);
        total += put;
        if (put < n)
            break;          /* the guest moved the indices under us: the rest is lost */
        room -= (uint32_t)n;
        if (n < want)
            break;          /* the source ran dry */
    }
    return total;
}
