/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Byte-stream rings (console / xenstore pages). See include/mica/byte_ring.h.
 *
 * Ordering, producer side:
 *   load cons (acquire)   - the consumer's release of cons means it has
 *                           finished reading the bytes it gave back, so we
 *                           may overwrite them;
 *   copy bytes in;
 *   store prod (release)  - the consumer must not see the new prod before
 *                           the bytes it covers.
 * Consumer side mirrors it:
 *   load prod (acquire)   - bytes covered by prod are visible afterwards;
 *   copy bytes out;
 *   store cons (release)  - our reads complete before the producer may
 *                           reuse the space.
 * The peer's indices are read exactly once per call; everything after that
 * works on the checked snapshot, so a peer changing them mid-call can only
 * corrupt its own data, never make us read or write outside the buffer.
 */
#include <mica/byte_ring.h>
#include <mica/string.h>

static uint32_t load_acquire(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static uint32_t load_relaxed(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void store_release(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

bool byte_ring_init(struct byte_ring *r, void *buf, uint32_t size,
                    uint32_t *cons, uint32_t *prod)
{
    if (size == 0 || (size & (size - 1)) != 0)
        return false;
    r->buf = buf;
    r->size = size;
    r->cons = cons;
    r->prod = prod;
    return true;
}

static void *at(void *page, size_t off)
{
    return (uint8_t *)page + off;
}

void byte_ring_console(struct byte_ring *r, void *page, enum byte_ring_dir d)
{
    if (d == BYTE_RING_GUEST_IN)
        byte_ring_init(r, at(page, XENCONS_IN_OFF), XENCONS_IN_SIZE,
                       at(page, XENCONS_IN_CONS_OFF), at(page, XENCONS_IN_PROD_OFF));
    else
        byte_ring_init(r, at(page, XENCONS_OUT_OFF), XENCONS_OUT_SIZE,
                       at(page, XENCONS_OUT_CONS_OFF), at(page, XENCONS_OUT_PROD_OFF));
}

void byte_ring_xenstore(struct byte_ring *r, void *page, enum byte_ring_dir d)
{
    if (d == BYTE_RING_GUEST_IN)
        byte_ring_init(r, at(page, XENSTORE_RSP_OFF), XENSTORE_BUF_SIZE,
                       at(page, XENSTORE_RSP_CONS_OFF), at(page, XENSTORE_RSP_PROD_OFF));
    else
        byte_ring_init(r, at(page, XENSTORE_REQ_OFF), XENSTORE_BUF_SIZE,
                       at(page, XENSTORE_REQ_CONS_OFF), at(page, XENSTORE_REQ_PROD_OFF));
}

static void set_ok(bool *ok, bool v)
{
    if (ok)
        *ok = v;
}

uint32_t byte_ring_queued(const struct byte_ring *r, bool *ok)
{
    uint32_t used = load_acquire(r->prod) - load_relaxed(r->cons);

    set_ok(ok, used <= r->size);
    return used <= r->size ? used : 0;
}

uint32_t byte_ring_space(const struct byte_ring *r, bool *ok)
{
    uint32_t used = load_relaxed(r->prod) - load_acquire(r->cons);

    set_ok(ok, used <= r->size);
    return used <= r->size ? r->size - used : 0;
}

/* Copy n bytes from the ring starting at free-running index idx. */
static void copy_out(const struct byte_ring *r, uint32_t idx, void *dst, uint32_t n)
{
    uint32_t off = idx & (r->size - 1);
    uint32_t first = MIN(n, r->size - off);

    memcpy(dst, r->buf + off, first);
    memcpy((uint8_t *)dst + first, r->buf, n - first);
}

static void copy_in(const struct byte_ring *r, uint32_t idx, const void *src, uint32_t n)
{
    uint32_t off = idx & (r->size - 1);
    uint32_t first = MIN(n, r->size - off);

    memcpy(r->buf + off, src, first);
    memcpy(r->buf, (const uint8_t *)src + first, n - first);
}

size_t byte_ring_write(const struct byte_ring *r, const void *data, size_t len)
{
    /* We own prod, so our own earlier value needs no ordering. */
    uint32_t prod = load_relaxed(r->prod);
    uint32_t cons = load_acquire(r->cons);
    uint32_t used = prod - cons;
    uint32_t n;

    if (used > r->size)
        return 0;
    n = (uint32_t)MIN((size_t)(r->size - used), len);
    if (n == 0)
        return 0;
    copy_in(r, prod, data, n);
    store_release(r->prod, prod + n);
    return n;
}

/*
 * Snapshot the indices for a consumer operation. Returns the number of
 * bytes it may take (at most len), 0 if empty or corrupt.
 */
static uint32_t consumer_snapshot(const struct byte_ring *r, size_t len,
                                  uint32_t *cons_out)
{
    uint32_t prod = load_acquire(r->prod);
    uint32_t cons = load_relaxed(r->cons);
    uint32_t used = prod - cons;

    *cons_out = cons;
    if (used > r->size)
        return 0;
    return (uint32_t)MIN((size_t)used, len);
}

size_t byte_ring_read(const struct byte_ring *r, void *data, size_t len)
{
    uint32_t cons;
    uint32_t n = consumer_snapshot(r, len, &cons);

    if (n == 0)
        return 0;
    copy_out(r, cons, data, n);
    store_release(r->cons, cons + n);
    return n;
}

size_t byte_ring_peek(const struct byte_ring *r, void *data, size_t len)
{
    uint32_t cons;
    uint32_t n = consumer_snapshot(r, len, &cons);

    if (n != 0)
        copy_out(r, cons, data, n);
    return n;
}

size_t byte_ring_discard(const struct byte_ring *r, size_t len)
{
    uint32_t cons;
    uint32_t n = consumer_snapshot(r, len, &cons);

    if (n != 0)
        store_release(r->cons, cons + n);
    return n;
}
