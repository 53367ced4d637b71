/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host tests for include/public/io/ring.h and ioring/byte_ring.c.
 *
 * Layout is compared with Xen's headers measured in ioring_xen.c; the
 * notification rule is checked with hand-worked scenarios (exact counts)
 * and with a long random exchange run through both Xen's and our macros;
 * a two-thread test moves 2,000,000 sequence-numbered requests and their
 * responses through one ring, sleeping only when RING_FINAL_CHECK says so,
 * so a lost notification shows up as a timeout.
 */
#include <check.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>

/* The barrier hooks, set explicitly to the C11 fences (also the defaults). */
#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#include "../../include/public/io/ring.h"
#include <mica/byte_ring.h>
#include "ioring_facts.h"

DEFINE_RING_TYPES(scen, uint32_t, uint32_t);
#define SCEN_FN mica_scenario
#include "ioring_scenario.inc"

/* Stand-ins with the sizes and alignment of the blkif/netif messages. */
struct blk_req { uint64_t w[14]; };                      /* 112 bytes */
struct blk_rsp { uint64_t id; uint8_t op; int16_t st; };   /* 16 bytes */
struct tx_req { uint32_t gref; uint16_t a, b, c, d; };    /* 12 bytes */
struct tx_rsp { uint16_t id; int16_t st; };
struct rx_req { uint16_t id, pad; uint32_t gref; };
struct rx_rsp { uint16_t id, off, flags; int16_t st; };
DEFINE_RING_TYPES(tblk, struct blk_req, struct blk_rsp);
DEFINE_RING_TYPES(ttx, struct tx_req, struct tx_rsp);
DEFINE_RING_TYPES(trx, struct rx_req, struct rx_rsp);
typedef uint32_t grant_ref_t;
DEFINE_XEN_FLEX_RING_AND_INTF(mflex);

/* A ring of 16-byte messages in one page: 252 fit, so 128 slots. */
struct msg { uint64_t seq; uint64_t val; };
DEFINE_RING_TYPES(t, struct msg, struct msg);
union page { t_sring_t s; unsigned char b[4096]; };

/* ---- layout ------------------------------------------------------------ */

START_TEST(test_layout_matches_xen)
{
    struct ring_facts x;
    static union { tblk_sring_t s; unsigned char p[4096]; } blk;
    static union { ttx_sring_t s; unsigned char p[4096]; } tx;
    static union { trx_sring_t s; unsigned char p[4096]; } rx;
    tblk_front_ring_t bf;
    ttx_front_ring_t tf;
    trx_back_ring_t rb;

    xen_ring_facts(&x);
    /* Our stand-ins really have the Xen message shapes... */
    ck_assert_uint_eq(sizeof(struct blk_req), x.blk_req_size);
    ck_assert_uint_eq(_Alignof(struct blk_req), x.blk_req_align);
    ck_assert_uint_eq(sizeof(struct blk_rsp), x.blk_rsp_size);
    ck_assert_uint_eq(sizeof(struct tx_req), x.tx_req_size);
    ck_assert_uint_eq(_Alignof(struct tx_req), x.tx_req_align);
    ck_assert_uint_eq(sizeof(struct tx_rsp), x.tx_rsp_size);
    ck_assert_uint_eq(sizeof(struct rx_req), x.rx_req_size);
    ck_assert_uint_eq(_Alignof(struct rx_req), x.rx_req_align);
    ck_assert_uint_eq(sizeof(struct rx_rsp), x.rx_rsp_size);
    /* ...so the header and ring geometry must agree. */
    ck_assert_uint_eq(offsetof(tblk_sring_t, req_prod), x.off_req_prod);
    ck_assert_uint_eq(offsetof(tblk_sring_t, req_event), x.off_req_event);
    ck_assert_uint_eq(offsetof(tblk_sring_t, rsp_prod), x.off_rsp_prod);
    ck_assert_uint_eq(offsetof(tblk_sring_t, rsp_event), x.off_rsp_event);
    ck_assert_uint_eq(offsetof(tblk_sring_t, pvt), x.off_pvt);
    ck_assert_uint_eq(offsetof(tblk_sring_t, __pad), x.off_pad);
    ck_assert_uint_eq(offsetof(tblk_sring_t, ring), x.off_ring);
    ck_assert_uint_eq(x.off_ring, 64);
    ck_assert_uint_eq(sizeof(tblk_sring_t), x.blk_sring_size);
    ck_assert_uint_eq(sizeof(tblk_front_ring_t), x.front_ring_size);
    ck_assert_uint_eq(sizeof(tblk_back_ring_t), x.back_ring_size);
    ck_assert_uint_eq(__CONST_RING_SIZE(tblk, 4096), x.blk_const);
    ck_assert_uint_eq(__CONST_RING_SIZE(ttx, 4096), x.tx_const);
    ck_assert_uint_eq(__CONST_RING_SIZE(trx, 4096), x.rx_const);
    XEN_FRONT_RING_INIT(&bf, &blk.s, 4096);
    XEN_FRONT_RING_INIT(&tf, &tx.s, 4096);
    SHARED_RING_INIT(&rx.s);
    BACK_RING_INIT(&rb, &rx.s, 4096);
    ck_assert_uint_eq(RING_SIZE(&bf), x.blk_size);
    ck_assert_uint_eq(RING_SIZE(&tf), x.tx_size);
    ck_assert_uint_eq(RING_SIZE(&rb), x.rx_size);
    /* The well-known figures Linux relies on. */
    ck_assert_uint_eq(RING_SIZE(&bf), 32);
    ck_assert_uint_eq(RING_SIZE(&tf), 256);
    ck_assert_uint_eq(RING_SIZE(&rb), 256);
    /* Flex rings. */
    ck_assert_uint_eq(XEN_FLEX_RING_SIZE(1), x.flex_size_order1);
    ck_assert_uint_eq(offsetof(struct mflex_data_intf, out_cons), x.flex_off_out_cons);
    ck_assert_uint_eq(offsetof(struct mflex_data_intf, ring_order), x.flex_off_ring_order);
    ck_assert_uint_eq(offsetof(struct mflex_data_intf, ref), x.flex_off_ref);
}
END_TEST

START_TEST(test_rounding)
{
    ck_assert_uint_eq(__RD32(1), 1);
    ck_assert_uint_eq(__RD32(3), 2);
    ck_assert_uint_eq(__RD32(36), 32);
    ck_assert_uint_eq(__RD32(255), 128);
    ck_assert_uint_eq(__RD32(256), 256);
    ck_assert_uint_eq(__RD32(0x12345678u), 0x10000000u);
    ck_assert_uint_eq(__RD32(0xffffffffu), 0x80000000u);
}
END_TEST

START_TEST(test_byte_ring_layout_matches_xen)
{
    struct ring_facts x;
    static unsigned char page[4096];
    struct byte_ring r;

    xen_ring_facts(&x);
    ck_assert_uint_eq(XENCONS_IN_OFF, x.cons_in);
    ck_assert_uint_eq(XENCONS_OUT_OFF, x.cons_out);
    ck_assert_uint_eq(XENCONS_IN_SIZE, x.cons_in_size);
    ck_assert_uint_eq(XENCONS_OUT_SIZE, x.cons_out_size);
    ck_assert_uint_eq(XENCONS_IN_CONS_OFF, x.cons_in_cons);
    ck_assert_uint_eq(XENCONS_IN_PROD_OFF, x.cons_in_prod);
    ck_assert_uint_eq(XENCONS_OUT_CONS_OFF, x.cons_out_cons);
    ck_assert_uint_eq(XENCONS_OUT_PROD_OFF, x.cons_out_prod);
    ck_assert_uint_eq(XENSTORE_REQ_OFF, x.xs_req);
    ck_assert_uint_eq(XENSTORE_RSP_OFF, x.xs_rsp);
    ck_assert_uint_eq(XENSTORE_BUF_SIZE, x.xs_size);
    ck_assert_uint_eq(XENSTORE_REQ_CONS_OFF, x.xs_req_cons);
    ck_assert_uint_eq(XENSTORE_REQ_PROD_OFF, x.xs_req_prod);
    ck_assert_uint_eq(XENSTORE_RSP_CONS_OFF, x.xs_rsp_cons);
    ck_assert_uint_eq(XENSTORE_RSP_PROD_OFF, x.xs_rsp_prod);

    byte_ring_console(&r, page, BYTE_RING_GUEST_OUT);
    ck_assert_ptr_eq(r.buf, page + x.cons_out);
    ck_assert_ptr_eq((unsigned char *)r.prod, page + x.cons_out_prod);
    ck_assert_uint_eq(r.size, 2048);
    byte_ring_xenstore(&r, page, BYTE_RING_GUEST_IN);
    ck_assert_ptr_eq(r.buf, page + x.xs_rsp);
    ck_assert_ptr_eq((unsigned char *)r.cons, page + x.xs_rsp_cons);
}
END_TEST

/* ---- behaviour --------------------------------------------------------- */

static void attach_at(union page *p, t_front_ring_t *f, t_back_ring_t *b, RING_IDX start)
{
    memset(p, 0, sizeof(*p));
    SHARED_RING_INIT(&p->s);
    p->s.req_prod = p->s.rsp_prod = start;
    p->s.req_event = p->s.rsp_event = start + 1;
    FRONT_RING_ATTACH(f, &p->s, start, sizeof(*p));
    BACK_RING_ATTACH(b, &p->s, start, sizeof(*p));
}

START_TEST(test_init_values)
{
    static union page p;
    t_front_ring_t f;

    memset(&p, 0xff, sizeof(p));
    XEN_FRONT_RING_INIT(&f, &p.s, sizeof(p));
    ck_assert_uint_eq(p.s.req_prod, 0);
    ck_assert_uint_eq(p.s.rsp_prod, 0);
    ck_assert_uint_eq(p.s.req_event, 1);
    ck_assert_uint_eq(p.s.rsp_event, 1);
    ck_assert_uint_eq(p.s.pvt.pvt_pad[3], 0);
    ck_assert_uint_eq(p.s.__pad[43], 0);
    ck_assert_uint_eq(RING_SIZE(&f), 128);
    ck_assert_uint_eq(RING_FREE_REQUESTS(&f), 128);
}
END_TEST

/* Fill to full and drain to empty, with indices crossing 2^32 (_i). */
START_TEST(test_full_empty_wrap)
{
    static const RING_IDX starts[] = { 0, 0xffffffffu - 5, 0xffffffffu - 127,
                                       0xffffffffu, 0x80000000u - 3 };
    static union page p;
    t_front_ring_t f;
    t_back_ring_t b;
    RING_IDX start = starts[_i];
    uint64_t seq = 1000;

    attach_at(&p, &f, &b, start);
    for (int round = 0; round < 5; round++) {
        ck_assert(!RING_FULL(&f));
        ck_assert_uint_eq(RING_HAS_UNCONSUMED_REQUESTS(&b), 0);
        ck_assert_uint_eq(RING_HAS_UNCONSUMED_RESPONSES(&f), 0);
        /* Fill. */
        for (unsigned int i = 0; i < RING_SIZE(&f); i++) {
            ck_assert_uint_eq(RING_FREE_REQUESTS(&f), RING_SIZE(&f) - i);
            RING_GET_REQUEST(&f, f.req_prod_pvt)->seq = seq + i;
            f.req_prod_pvt++;
        }
        ck_assert(RING_FULL(&f));
        ck_assert_uint_eq(RING_FREE_REQUESTS(&f), 0);
        RING_PUSH_REQUESTS(&f);
        ck_assert_uint_eq(RING_HAS_UNCONSUMED_REQUESTS(&b), 128);
        /* Back consumes all; RING_REQUEST_CONS_OVERFLOW guards the last. */
        for (unsigned int i = 0; i < 128; i++) {
            struct msg m;

            ck_assert(!RING_REQUEST_CONS_OVERFLOW(&b, b.req_cons));
            RING_COPY_REQUEST(&b, b.req_cons, &m);
            ck_assert_uint_eq(m.seq, seq + i);
            b.req_cons++;
        }
        ck_assert(RING_REQUEST_CONS_OVERFLOW(&b, b.req_cons));
        ck_assert_uint_eq(RING_HAS_UNCONSUMED_REQUESTS(&b), 0);
        /* Answer half, the front is still full until it consumes. */
        for (unsigned int i = 0; i < 64; i++) {
            RING_GET_RESPONSE(&b, b.rsp_prod_pvt)->seq = seq + i;
            b.rsp_prod_pvt++;
        }
        RING_PUSH_RESPONSES(&b);
        ck_assert(RING_FULL(&f));
        ck_assert_uint_eq(RING_HAS_UNCONSUMED_RESPONSES(&f), 64);
        ck_assert(!RING_REQUEST_CONS_OVERFLOW(&b, b.req_cons));
        for (unsigned int i = 64; i < 128; i++) {
            RING_GET_RESPONSE(&b, b.rsp_prod_pvt)->seq = seq + i;
            b.rsp_prod_pvt++;
        }
        RING_PUSH_RESPONSES(&b);
        for (unsigned int i = 0; i < 128; i++) {
            struct msg m;

            RING_COPY_RESPONSE(&f, f.rsp_cons, &m);
            ck_assert_uint_eq(m.seq, seq + i);
            f.rsp_cons++;
        }
        ck_assert_uint_eq(RING_FREE_REQUESTS(&f), 128);
        ck_assert_uint_eq(f.rsp_cons, start + 128u * (round + 1));
        seq += 128;
    }
    /* The slot of an index is index mod size, also after the wrap. */
    ck_assert_ptr_eq((void *)RING_GET_REQUEST(&f, 0xffffffffu), (void *)(p.b + 64 + 127 * 16));
    ck_assert_ptr_eq((void *)RING_GET_REQUEST(&f, 0x100u), (void *)(p.b + 64));
}
END_TEST

/* A frontend publishing more than fits must not make the back overrun. */
START_TEST(test_bogus_req_prod_is_capped)
{
    static union page p;
    t_front_ring_t f;
    t_back_ring_t b;

    attach_at(&p, &f, &b, 0xfffffff0u);
    p.s.req_prod = 0xfffffff0u + 1000;       /* malicious */
    ck_assert_uint_eq(RING_HAS_UNCONSUMED_REQUESTS(&b), 128);
    ck_assert(RING_REQUEST_PROD_OVERFLOW(&b, p.s.req_prod));
    ck_assert(!RING_REQUEST_PROD_OVERFLOW(&b, 0xfffffff0u + 128));
    p.s.rsp_prod = 0xfffffff0u + 129;
    ck_assert(RING_RESPONSE_PROD_OVERFLOW(&f, p.s.rsp_prod));
}
END_TEST

static int push_req(t_front_ring_t *f, unsigned int n)
{
    int notify;

    for (unsigned int i = 0; i < n; i++) {
        RING_GET_REQUEST(f, f->req_prod_pvt)->seq = f->req_prod_pvt;
        f->req_prod_pvt++;
    }
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(f, notify);
    return notify ? 1 : 0;
}

static int push_rsp(t_back_ring_t *b, unsigned int n)
{
    int notify;

    for (unsigned int i = 0; i < n; i++) {
        RING_GET_RESPONSE(b, b->rsp_prod_pvt)->seq = b->rsp_prod_pvt;
        b->rsp_prod_pvt++;
    }
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(b, notify);
    return notify ? 1 : 0;
}

static unsigned int consume_req(t_back_ring_t *b)
{
    unsigned int n = 0;

    while (RING_HAS_UNCONSUMED_REQUESTS(b)) {
        b->req_cons++;
        n++;
    }
    return n;
}

/*
 * The notification rule, worked by hand. Runs at several start indices,
 * including ones where the batch straddles the 2^32 wrap.
 */
START_TEST(test_notify_exact_counts)
{
    static const RING_IDX starts[] = { 0, 0xfffffffeu, 0xffffffffu, 0x7fffffffu };
    static union page p;
    t_front_ring_t f;
    t_back_ring_t b;
    int work;

    attach_at(&p, &f, &b, starts[_i]);

    /* First request after init: the back asked for index start (event=start+1). */
    ck_assert_int_eq(push_req(&f, 1), 1);
    /* The back has not re-armed: further pushes are silent. */
    ck_assert_int_eq(push_req(&f, 1), 0);
    ck_assert_int_eq(push_req(&f, 5), 0);
    ck_assert_uint_eq(consume_req(&b), 7);
    /* Re-arm: nothing new, so the back may sleep... */
    RING_FINAL_CHECK_FOR_REQUESTS(&b, work);
    ck_assert_int_eq(work, 0);
    ck_assert_uint_eq(p.s.req_event, b.req_cons + 1);
    /* ...and a batch of 10 costs exactly one notification. */
    ck_assert_int_eq(push_req(&f, 10), 1);
    ck_assert_int_eq(push_req(&f, 1), 0);

    /* Race window: entries pushed after the back's last look but before it
     * re-arms are caught by the final check, not by a notification. */
    ck_assert_uint_eq(consume_req(&b), 11);
    ck_assert_uint_eq(RING_HAS_UNCONSUMED_REQUESTS(&b), 0);
    RING_PUSH_REQUESTS(&f);                 /* nothing new: no change */
    RING_GET_REQUEST(&f, f.req_prod_pvt)->seq = 0;
    f.req_prod_pvt++;
    RING_PUSH_REQUESTS(&f);                 /* published without a kick */
    RING_FINAL_CHECK_FOR_REQUESTS(&b, work);
    ck_assert_uint_eq(work, 1);             /* found on the first look */
    ck_assert_uint_eq(consume_req(&b), 1);
    RING_FINAL_CHECK_FOR_REQUESTS(&b, work);
    ck_assert_int_eq(work, 0);

    /* Deliberate batching: the back wants a kick only at the 4th request. */
    p.s.req_event = b.req_cons + 4;
    xen_mb();
    ck_assert_int_eq(push_req(&f, 1), 0);
    ck_assert_int_eq(push_req(&f, 1), 0);
    ck_assert_int_eq(push_req(&f, 1), 0);
    ck_assert_int_eq(push_req(&f, 1), 1);
    ck_assert_int_eq(push_req(&f, 1), 0);
    /* A batch jumping over the threshold also notifies exactly once. */
    ck_assert_uint_eq(consume_req(&b), 5);
    p.s.req_event = b.req_cons + 3;
    ck_assert_int_eq(push_req(&f, 7), 1);
    ck_assert_int_eq(push_req(&f, 0), 0);   /* empty push never notifies */

    /* Responses follow the same rule with rsp_event. */
    ck_assert_int_eq(push_rsp(&b, 1), 1);   /* rsp_event = start + 1 */
    ck_assert_int_eq(push_rsp(&b, 3), 0);
    while (RING_HAS_UNCONSUMED_RESPONSES(&f))
        f.rsp_cons++;
    RING_FINAL_CHECK_FOR_RESPONSES(&f, work);
    ck_assert_int_eq(work, 0);
    ck_assert_int_eq(push_rsp(&b, 2), 1);
    ck_assert_int_eq(push_rsp(&b, 2), 0);
    RING_FINAL_CHECK_FOR_RESPONSES(&f, work);
    ck_assert_uint_eq(work, 4);             /* count, not just a flag */
}
END_TEST

/* 20,000 random steps through both headers must decide identically. */
START_TEST(test_same_decisions_as_xen)
{
    static const RING_IDX starts[] = { 0, 0xffffff00u, 0x7fffff00u };
    struct scen_result a, x;

    for (uint32_t seed = 1; seed <= 3; seed++) {
        mica_scenario(starts[_i], seed, &a);
        xen_scenario(starts[_i], seed, &x);
        ck_assert_uint_eq(a.steps, 20000);
        ck_assert_uint_eq(a.req_notify, x.req_notify);
        ck_assert_uint_eq(a.rsp_notify, x.rsp_notify);
        ck_assert_uint_eq(a.work_req, x.work_req);
        ck_assert_uint_eq(a.work_rsp, x.work_rsp);
        ck_assert_uint_eq(a.checksum, x.checksum);
        /* The scenario is not degenerate: both sides had to be woken. */
        ck_assert_uint_gt(a.req_notify, 1000);
        ck_assert_uint_gt(a.rsp_notify, 1000);
    }
}
END_TEST

START_TEST(test_flex_ring)
{
    unsigned char buf[16], out[16];
    RING_IDX prod = 0, cons = 0;

    for (int i = 0; i < 16; i++)
        buf[i] = 0;
    mflex_write_packet(buf, "abcdefghij", 10, &prod, cons, 16);
    ck_assert_uint_eq(prod, 10);
    mflex_read_packet(out, buf, 8, prod, &cons, 16);
    ck_assert_uint_eq(cons, 8);
    ck_assert_int_eq(memcmp(out, "abcdefgh", 8), 0);
    /* Crosses the end of the buffer. */
    mflex_write_packet(buf, "0123456789", 10, &prod, cons, 16);
    ck_assert_uint_eq(prod, 4);
    ck_assert_int_eq(memcmp(buf, "6789", 4), 0);
    mflex_read_packet(out, buf, 12, prod, &cons, 16);
    ck_assert_int_eq(memcmp(out, "ij0123456789", 12), 0);
    ck_assert_uint_eq(cons, 4);
    /* queued() agrees with Xen's on a grid of free-running indices. */
    for (unsigned int p = 0xfffffff0u, n = 0; n < 40; p++, n++)
        for (unsigned int d = 0; d <= 16; d++)
            ck_assert_uint_eq(mflex_queued(p, p - d, 16), xen_flex_queued(p, p - d, 16));
    ck_assert_uint_eq(mflex_queued(5, 5, 16), 0);
    ck_assert_uint_eq(mflex_queued(21, 5, 16), 16);
}
END_TEST

/* ---- two threads ------------------------------------------------------- */

#define NR_MSGS 2000000u

struct duplex {
    union page page;
    sem_t to_back, to_front;          /* the "event channel" each way */
    unsigned long back_kicks, front_kicks, back_sleeps, front_sleeps;
    int failed;
    char why[128];
};

static int wait_event(sem_t *s)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 10;
    while (sem_timedwait(s, &ts) != 0)
        if (errno != EINTR)
            return -1;
    return 0;
}

static void duplex_fail(struct duplex *d, const char *why)
{
    if (!__atomic_exchange_n(&d->failed, 1, __ATOMIC_SEQ_CST))
        strncpy(d->why, why, sizeof(d->why) - 1);
}

static void *backend(void *arg)
{
    struct duplex *d = arg;
    t_back_ring_t b;
    uint64_t expect = 0;

    BACK_RING_ATTACH(&b, &d->page.s, 0xffffff00u, sizeof(d->page));
    while (expect < NR_MSGS && !__atomic_load_n(&d->failed, __ATOMIC_RELAXED)) {
        int work, notify;

        RING_FINAL_CHECK_FOR_REQUESTS(&b, work);
        if (!work) {
            d->back_sleeps++;
            if (wait_event(&d->to_back)) {
                duplex_fail(d, "backend waited 10s: lost notification");
                break;
            }
            continue;
        }
        xen_rmb();      /* index read before slot reads */
        while (RING_HAS_UNCONSUMED_REQUESTS(&b)) {
            struct msg m;

            RING_COPY_REQUEST(&b, b.req_cons, &m);
            b.req_cons++;
            if (m.seq != expect || m.val != ~m.seq) {
                duplex_fail(d, "backend: request lost, duplicated or reordered");
                return NULL;
            }
            expect++;
            RING_GET_RESPONSE(&b, b.rsp_prod_pvt)->seq = m.seq;
            RING_GET_RESPONSE(&b, b.rsp_prod_pvt)->val = m.seq * 3;
            b.rsp_prod_pvt++;
        }
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&b, notify);
        if (notify) {
            d->front_kicks++;
            sem_post(&d->to_front);
        }
    }
    return NULL;
}

START_TEST(test_two_threads_millions)
{
    struct duplex *d = calloc(1, sizeof(*d));
    t_front_ring_t f;
    pthread_t th;
    uint64_t sent = 0, got = 0;

    sem_init(&d->to_back, 0, 0);
    sem_init(&d->to_front, 0, 0);
    SHARED_RING_INIT(&d->page.s);
    /* Start just below the wrap so it is crossed early and often. */
    d->page.s.req_prod = d->page.s.rsp_prod = 0xffffff00u;
    d->page.s.req_event = d->page.s.rsp_event = 0xffffff01u;
    FRONT_RING_ATTACH(&f, &d->page.s, 0xffffff00u, sizeof(d->page));
    ck_assert_int_eq(pthread_create(&th, NULL, backend, d), 0);

    while (got < NR_MSGS && !__atomic_load_n(&d->failed, __ATOMIC_RELAXED)) {
        int notify, work;
        unsigned int batch = 1 + (unsigned int)(sent % 37);

        for (unsigned int i = 0; i < batch && sent < NR_MSGS && !RING_FULL(&f); i++) {
            struct msg *m = RING_GET_REQUEST(&f, f.req_prod_pvt);

            m->seq = sent;
            m->val = ~sent;
            f.req_prod_pvt++;
            sent++;
        }
        RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f, notify);
        if (notify) {
            d->back_kicks++;
            sem_post(&d->to_back);
        }
        RING_FINAL_CHECK_FOR_RESPONSES(&f, work);
        if (!work && (RING_FULL(&f) || sent == NR_MSGS)) {
            /* Nothing to do until the back answers: sleep on the event. */
            d->front_sleeps++;
            if (wait_event(&d->to_front)) {
                duplex_fail(d, "frontend waited 10s: lost notification");
                break;
            }
            continue;
        }
        xen_rmb();
        while (RING_HAS_UNCONSUMED_RESPONSES(&f)) {
            struct msg m;

            RING_COPY_RESPONSE(&f, f.rsp_cons, &m);
            f.rsp_cons++;
            if (m.seq != got || m.val != got * 3) {
                duplex_fail(d, "frontend: response lost, duplicated or reordered");
                break;
            }
            got++;
        }
    }
    pthread_join(th, NULL);
    ck_assert_msg(!d->failed, "%s", d->why);
    ck_assert_uint_eq(got, NR_MSGS);
    ck_assert_uint_eq(sent, NR_MSGS);
    ck_assert_uint_eq(f.rsp_cons, 0xffffff00u + NR_MSGS);
    /* Notifications are batched: far fewer kicks than messages. */
    ck_assert_uint_lt(d->back_kicks, NR_MSGS / 2);
    sem_destroy(&d->to_back);
    sem_destroy(&d->to_front);
    free(d);
}
END_TEST

/* ---- byte rings -------------------------------------------------------- */

START_TEST(test_byte_ring_wrap)
{
    static const uint32_t starts[] = { 0, 0xfffffff0u, 0xffffffffu, 1000 };
    uint8_t buf[64], out[200], in[200];
    uint32_t cons = starts[_i], prod = starts[_i];
    struct byte_ring r;
    uint8_t next = 0, want = 0;
    size_t total = 0;

    ck_assert(byte_ring_init(&r, buf, sizeof(buf), &cons, &prod));
    ck_assert(!byte_ring_init(&r, buf, 48, &cons, &prod));
    ck_assert(byte_ring_init(&r, buf, sizeof(buf), &cons, &prod));
    ck_assert_uint_eq(byte_ring_space(&r, NULL), 64);
    ck_assert_uint_eq(byte_ring_read(&r, out, 10), 0);          /* empty */

    for (int step = 0; step < 1000; step++) {
        size_t wn = (size_t)(step * 7) % 50, rn = (size_t)(step * 13) % 45, n;

        for (size_t i = 0; i < wn; i++)
            in[i] = (uint8_t)(next + i);
        n = byte_ring_write(&r, in, wn);
        ck_assert_uint_le(n, wn);
        next = (uint8_t)(next + n);
        ck_assert_uint_le(byte_ring_queued(&r, NULL), 64);
        n = byte_ring_read(&r, out, rn);
        for (size_t i = 0; i < n; i++)
            ck_assert_uint_eq(out[i], (uint8_t)(want + i));
        want = (uint8_t)(want + n);
        total += n;
    }
    ck_assert_uint_gt(total, 10000);
    /* Fill completely: a full ring accepts nothing more. */
    while (byte_ring_write(&r, in, 7) != 0)
        ;
    ck_assert_uint_eq(byte_ring_space(&r, NULL), 0);
    ck_assert_uint_eq(byte_ring_queued(&r, NULL), 64);
    ck_assert_uint_eq(prod - cons, 64);
    ck_assert_uint_eq(byte_ring_peek(&r, out, 3), 3);
    ck_assert_uint_eq(byte_ring_queued(&r, NULL), 64);
    ck_assert_uint_eq(byte_ring_discard(&r, 100), 64);
    ck_assert_uint_eq(byte_ring_queued(&r, NULL), 0);
}
END_TEST

START_TEST(test_byte_ring_corrupt_indices)
{
    uint8_t buf[32], out[8];
    uint32_t cons = 10, prod = 10 + 33;     /* peer claims 33 bytes in 32 */
    struct byte_ring r;
    bool ok = true;

    byte_ring_init(&r, buf, sizeof(buf), &cons, &prod);
    ck_assert_uint_eq(byte_ring_queued(&r, &ok), 0);
    ck_assert(!ok);
    ck_assert_uint_eq(byte_ring_space(&r, &ok), 0);
    ck_assert(!ok);
    ck_assert_uint_eq(byte_ring_read(&r, out, 8), 0);
    ck_assert_uint_eq(byte_ring_write(&r, "x", 1), 0);
    ck_assert_uint_eq(cons, 10);           /* untouched */
    prod = 10 + 32;
    ck_assert_uint_eq(byte_ring_queued(&r, &ok), 32);
    ck_assert(ok);
}
END_TEST

START_TEST(test_console_page_roundtrip)
{
    static uint8_t page[4096];
    struct byte_ring out, in;
    char got[32];

    byte_ring_console(&out, page, BYTE_RING_GUEST_OUT);
    byte_ring_console(&in, page, BYTE_RING_GUEST_IN);
    ck_assert_uint_eq(byte_ring_write(&out, "hello", 5), 5);
    ck_assert_uint_eq(*(uint32_t *)(page + XENCONS_OUT_PROD_OFF), 5);
    ck_assert_uint_eq(byte_ring_queued(&in, NULL), 0);
    ck_assert_uint_eq(byte_ring_read(&out, got, sizeof(got)), 5);
    ck_assert_int_eq(memcmp(got, "hello", 5), 0);
    ck_assert_uint_eq(*(uint32_t *)(page + XENCONS_OUT_CONS_OFF), 5);
    ck_assert_uint_eq(byte_ring_space(&in, NULL), 1024);
}
END_TEST

static Suite *ioring_suite(void)
{
    Suite *s = suite_create("ioring");
    TCase *t = tcase_create("ring");

    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_layout_matches_xen);
    tcase_add_test(t, test_rounding);
    tcase_add_test(t, test_byte_ring_layout_matches_xen);
    tcase_add_test(t, test_init_values);
    tcase_add_loop_test(t, test_full_empty_wrap, 0, 5);
    tcase_add_test(t, test_bogus_req_prod_is_capped);
    tcase_add_loop_test(t, test_notify_exact_counts, 0, 4);
    tcase_add_loop_test(t, test_same_decisions_as_xen, 0, 3);
    tcase_add_test(t, test_flex_ring);
    tcase_add_test(t, test_two_threads_millions);
    tcase_add_loop_test(t, test_byte_ring_wrap, 0, 4);
    tcase_add_test(t, test_byte_ring_corrupt_indices);
    tcase_add_test(t, test_console_page_roundtrip);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ioring_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
