/* SPDX-License-Identifier: GPL-2.0-only */
#include <mica/log_ring.h>

void log_ring_init(struct log_ring *r, char *buf, uint32_t size)
{
    r->buf = buf;
    r->size = size;
    r->head = 0;
}

void log_ring_write(struct log_ring *r, const char *s, size_t n)
{
    /* Only the last r->size bytes can survive; skip the rest up front. */
    if (n > r->size) {
        r->head += n - r->size;
        s += n - r->size;
        n = r->size;
    }
    for (size_t i = 0; i < n; i++)
        r->buf[(r->head + i) & (r->size - 1)] = s[i];
    r->head += n;
}

uint64_t log_ring_tail(const struct log_ring *r)
{
    return r->head > r->size ? r->head - r->size : 0;
}

size_t log_ring_read(const struct log_ring *r, uint64_t *pos, char *out, size_t n)
{
    uint64_t tail = log_ring_tail(r);
    if (*pos < tail)
        *pos = tail;
    if (*pos > r->head)
        *pos = r->head;

    size_t avail = (size_t)(r->head - *pos);
    size_t count = n < avail ? n : avail;
    for (size_t i = 0; i < count; i++)
        out[i] = r->buf[(*pos + i) & (r->size - 1)];
    *pos += count;
    return count;
}
