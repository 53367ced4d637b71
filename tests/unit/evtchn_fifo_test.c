/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event-channel tests, part 2: the FIFO ABI (queue order by priority,
 * LINKED/BUSY rules, pending before the event page exists, ABI switches)
 * and the threaded close-versus-send race.
 */
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include "evtchn_harness.h"

/* ---- FIFO ------------------------------------------------------------- */

#define NPAGES 4
struct fifo_mem {
    uint32_t words[NPAGES][1024] __attribute__((aligned(4096)));
    uint8_t cb_page[NV][4096] __attribute__((aligned(4096)));
};

static struct evtchn_fifo_cb *setup_fifo(struct tdom *t, struct fifo_mem *m, uint32_t pages)
{
    uint8_t lb = 0;

    for (uint32_t v = 0; v < t->ed.nr_vcpus; v++)
        ck_assert_int_eq(evtchn_init_control(E(t), v, m->cb_page[v], 64, &lb), 0);
    ck_assert_uint_eq(lb, 17);
    for (uint32_t i = 0; i < pages; i++)
        ck_assert_int_eq(evtchn_expand_array(E(t), m->words[i]), 0);
    return (struct evtchn_fifo_cb *)(m->cb_page[0] + 64);
}

static uint32_t *W(struct fifo_mem *m, uint32_t port) { return &m->words[port / 1024][port % 1024]; }

#define F(bit) (1u << EVTCHN_FIFO_##bit)

/*
 * What Linux's FIFO upcall does, reduced: take the highest-priority ready
 * queue, pop its head (clear LINKED, follow LINK), and report the port if
 * it is pending and unmasked (clearing PENDING). Returns 0 when idle.
 */
static uint32_t guest_pop(struct fifo_mem *m, struct evtchn_fifo_cb *cb)
{
    while (cb->ready) {
        unsigned int q = (unsigned int)__builtin_ctz(cb->ready);
        uint32_t port = cb->head[q], w, next;

        if (port == 0) {
            cb->ready &= ~(1u << q);
            continue;
        }
        w = __atomic_fetch_and(W(m, port), ~(F(LINKED) | ECORE_FIFO_LINK_MASK),
                               __ATOMIC_SEQ_CST);
        next = w & ECORE_FIFO_LINK_MASK;
        cb->head[q] = next;
        if (next == 0)
            cb->ready &= ~(1u << q);
        if ((w & F(PENDING)) && !(w & F(MASKED))) {
            __atomic_fetch_and(W(m, port), ~F(PENDING), __ATOMIC_SEQ_CST);
            return port;
        }
    }
    return 0;
}

START_TEST(test_fifo_setup_errors)
{
    struct tdom *a = mk(1, 2, false);
    static struct fifo_mem m;
    uint8_t lb = 0;
    uint32_t p;

    ck_assert_int_eq(evtchn_expand_array(E(a), m.words[0]), -EVTCHN_EOPNOTSUPP);
    ck_assert_int_eq(evtchn_bind_ipi(E(a), 0, &p), 0);
    ck_assert_int_eq(evtchn_set_priority(E(a), p, 3), -EVTCHN_ENOSYS);
    ck_assert_int_eq(evtchn_init_control(E(a), 2, m.cb_page[0], 0, &lb), -EVTCHN_ENOENT);
    ck_assert_uint_eq(lb, 17);                     /* written even on failure */
    ck_assert_int_eq(evtchn_init_control(E(a), 0, m.cb_page[0], 4, &lb), -EVTCHN_EINVAL);
    ck_assert_int_eq(evtchn_init_control(E(a), 0, m.cb_page[0], 4096 - 64, &lb), -EVTCHN_EINVAL);
    ck_assert_int_eq(evtchn_init_control(E(a), 0, m.cb_page[0], 4096 - 72, &lb), 0);
    ck_assert_int_eq(evtchn_init_control(E(a), 0, m.cb_page[1], 0, &lb), -EVTCHN_EINVAL);
    ck_assert_uint_eq(evtchn_max_ports(E(a)), NCH);          /* FIFO limit > 4096 */
    ck_assert_int_eq(evtchn_set_priority(E(a), p, 16), -EVTCHN_EINVAL);
    ck_assert_int_eq(evtchn_set_priority(E(a), 4000, 1), -EVTCHN_EINVAL);
    ck_assert_int_eq(evtchn_set_priority(E(a), p, 15), 0);
    for (int i = 0; i < 128; i++)
        ck_assert_int_eq(evtchn_expand_array(E(a), m.words[i % NPAGES]), 0);
    ck_assert_int_eq(evtchn_expand_array(E(a), m.words[0]), -EVTCHN_ENOSPC);
}
END_TEST

START_TEST(test_fifo_priority_order)
{
    struct tdom *a = mk(1, 1, false);
    static struct fifo_mem m;
    struct evtchn_fifo_cb *cb;
    uint32_t p1, p2, p3, p4;

    cb = setup_fifo(a, &m, 1);
    ck_assert_int_eq(evtchn_bind_ipi(E(a), 0, &p1), 0);
    ck_assert_int_eq(evtchn_bind_ipi(E(a), 0, &p2), 0);
    ck_assert_int_eq(evtchn_bind_ipi(E(a), 0, &p3), 0);
    ck_assert_int_eq(evtchn_bind_ipi(E(a), 0, &p4), 0);
    ck_assert_int_eq(evtchn_set_priority(E(a), p3, 3), 0);
    ck_assert_int_eq(evtchn_set_priority(E(a), p4, 12), 0);

    ck_assert_int_eq(evtchn_send(E(a), p4), 0);
    ck_assert_int_eq(evtchn_send(E(a), p1), 0);
    ck_assert_int_eq(evtchn_send(E(a), p2), 0);
    ck_assert_int_eq(evtchn_send(E(a), p3), 0);
    /* Queue 7: p1 -> p2; queue 3: p3; queue 12: p4. */
    ck_assert_uint_eq(cb->head[7], p1);
    ck_assert_uint_eq(*W(&m, p1), F(PENDING) | F(LINKED) | p2);
    ck_assert_uint_eq(*W(&m, p2), F(PENDING) | F(LINKED));
    ck_assert_uint_eq(cb->head[3], p3);
    ck_assert_uint_eq(cb->head[12], p4);
    ck_assert_uint_eq(cb->ready, (1u << 3) | (1u << 7) | (1u << 12));
    /* One upcall for the lot: upcall_pending was set by the first. */
    ck_assert_uint_eq(a->vi[0].upcall_pending, 1);
    ck_assert_uint_eq(a->kicks[0], 1);
    /* Re-sending a linked port does not link it twice. */
    ck_assert_int_eq(evtchn_send(E(a), p1), 0);
    ck_assert_uint_eq(*W(&m, p2) & ECORE_FIFO_LINK_MASK, 0);
    /* The guest sees priority order, FIFO within a priority. */
    ck_assert_uint_eq(guest_pop(&m, cb), p3);
    ck_assert_uint_eq(guest_pop(&m, cb), p1);
    ck_assert_uint_eq(guest_pop(&m, cb), p2);
    ck_assert_uint_eq(guest_pop(&m, cb), p4);
    ck_assert_uint_eq(guest_pop(&m, cb), 0);
    ck_assert_uint_eq(cb->ready, 0);

    /* Queue drained by the guest (old tail unlinked): next event is a new HEAD. */
    a->vi[0].upcall_pending = 0;
    ck_assert_int_eq(evtchn_send(E(a), p2), 0);
    ck_assert_uint_eq(cb->head[7], p2);
    ck_assert_uint_eq(*W(&m, p2), F(PENDING) | F(LINKED));
    ck_assert_uint_eq(cb->ready, 1u << 7);
    ck_assert_uint_eq(a->kicks[0], 2);
    ck_assert_int_eq(evtchn_send(E(a), p1), 0);
    ck_assert_uint_eq(*W(&m, p2) & ECORE_FIFO_LINK_MASK, p1);   /* appended */
    ck_assert_uint_eq(a->kicks[0], 2);
    ck_assert_uint_eq(guest_pop(&m, cb), p2);
    ck_assert_uint_eq(guest_pop(&m, cb), p1);
}
END_TEST

START_TEST(test_fifo_masked_busy_and_reuse)
{
    struct tdom *a = mk(1, 1, false);
    static struct fifo_mem m;
    struct evtchn_fifo_cb *cb;
    uint32_t p1, p2, p3, x;

    cb = setup_fifo(a, &m, 1);
    ck_assert_int_eq(evtchn_bind_ipi(E(a), 0, &p1), 0);
    ck_assert_int_eq(evtchn_bind_ipi(E(a), 0, &p2), 0);
    /* Masked: PENDING only, not linked, no READY. */
    *W(&m, p1) = F(MASKED);
    ck_assert_int_eq(evtchn_send(E(a), p1), 0);
    ck_assert_uint_eq(*W(&m, p1), F(MASKED) | F(PENDING));
    ck_assert_uint_eq(cb->ready, 0);
    ck_assert_uint_eq(a->kicks[0], 0);
    /* Unmask links it. */
    ck_assert_int_eq(evtchn_unmask(E(a), p1), 0);
    ck_assert_uint_eq(*W(&m, p1), F(PENDING) | F(LINKED));
    ck_assert_uint_eq(cb->head[7], p1);
    ck_assert_uint_eq(a->kicks[0], 1);
    /* BUSY on the tail (left from a contended link) is cleared by the link. */
    *W(&m, p1) |= F(BUSY);
    ck_assert_int_eq(evtchn_send(E(a), p2), 0);
    ck_assert_uint_eq(*W(&m, p1), F(PENDING) | F(LINKED) | p2);

    /* A closed port still LINKED cannot be reallocated until unlinked. */
    ck_assert_int_eq(evtchn_close(E(a), p1), 0);
    ck_assert_uint_eq(*W(&m, p1) & F(PENDING), 0);           /* close cleared P */
    ck_assert(*W(&m, p1) & F(LINKED));
    ck_assert_int_eq(evtchn_bind_ipi(E(a), 0, &p3), 0);
    ck_assert_uint_ne(p3, p1);
    /* The guest drains: p1 is skipped (not pending), p2 delivered. */
    ck_assert_uint_eq(guest_pop(&m, cb), p2);
    ck_assert_int_eq(evtchn_bind_ipi(E(a), 0, &x), 0);
    ck_assert_uint_eq(x, p1);
    ck_assert_uint_eq(st_of(a, SELF, x).status, EVTCHN_STAT_IPI);
}
END_TEST

START_TEST(test_fifo_pending_before_page_and_switch)
{
    struct tdom *a = mk(1, 2, false);
    static struct fifo_mem m;
    struct evtchn_fifo_cb *cb;
    uint32_t p, hi = 0, x;
    uint8_t lb;

    /* 2-level pending survives the switch to FIFO. */
    ck_assert_int_eq(evtchn_bind_ipi(E(a), 1, &p), 0);
    ck_assert_int_eq(evtchn_send(E(a), p), 0);
    ck_assert(pend(a, p));
    ck_assert_int_eq(evtchn_init_control(E(a), 0, m.cb_page[0], 0, &lb), 0);
    ck_assert_int_eq(evtchn_init_control(E(a), 1, m.cb_page[1], 0, &lb), 0);
    cb = (struct evtchn_fifo_cb *)m.cb_page[1];
    ck_assert_int_eq(evtchn_expand_array(E(a), m.words[0]), 0);
    ck_assert_uint_eq(*W(&m, p), F(PENDING) | F(LINKED));
    ck_assert_uint_eq(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], p);

    /* An event for a port whose word page does not exist yet is kept. */
    for (uint32_t i = 0; i < 1100; i++) {
        ck_assert_int_eq(evtchn_bind_ipi(E(a), 1, &x), 0);
        hi = x;
    }
    ck_assert_uint_ge(hi, 1024);
    ck_assert_int_eq(evtchn_send(E(a), hi), 0);
    ck_assert_int_eq(evtchn_poll_port(E(a), hi), 0);
    ck_assert_int_eq(evtchn_expand_array(E(a), m.words[1]), 0);
    ck_assert_uint_eq(*W(&m, hi), F(PENDING) | F(LINKED));
    ck_assert_uint_eq(*W(&m, p) & ECORE_FIFO_LINK_MASK, hi);

    /* Reset switches back to 2-level and hands the pages back. */
    ck_assert_int_eq(evtchn_reset(E(a), SELF), 0);
    ck_assert_int_eq(a->ed.abi, EVTCHN_ABI_2L);
    ck_assert_uint_eq(a->unmaps, 4);                     /* 2 blocks + 2 pages */
    ck_assert_uint_eq(evtchn_max_ports(E(a)), 4096);
    ck_assert_int_eq(evtchn_expand_array(E(a), m.words[0]), -EVTCHN_EOPNOTSUPP);
}
END_TEST

START_TEST(test_fifo_queue_change)
{
    struct tdom *a = mk(1, 2, false);
    static struct fifo_mem m;
    struct evtchn_fifo_cb *cb0, *cb1;
    uint32_t p, q, r;

    cb0 = setup_fifo(a, &m, 1);
    cb1 = (struct evtchn_fifo_cb *)(m.cb_page[1] + 64);
    ck_assert_int_eq(evtchn_alloc_unbound(E(a), SELF, SELF, &p), 0);
    ck_assert_int_eq(evtchn_bind_interdomain(E(a), SELF, p, &q), 0);
    ck_assert_uint_eq(guest_pop(&m, cb0), q);            /* the bind's event */
    ck_assert_int_eq(evtchn_send(E(a), q), 0);           /* p on vCPU0 queue 7 */
    ck_assert_uint_eq(cb0->head[7], p);
    /* Move p to vCPU 1 and priority 2 while it is queued: the queued
     * event stays put, the next linking uses the new queue. */
    ck_assert_int_eq(evtchn_bind_vcpu(E(a), p, 1), 0);
    ck_assert_int_eq(evtchn_set_priority(E(a), p, 2), 0);
    ck_assert_int_eq(evtchn_send(E(a), q), 0);
    ck_assert_uint_eq(cb1->ready, 0);
    ck_assert_uint_eq(guest_pop(&m, cb0), p);
    ck_assert_int_eq(evtchn_send(E(a), q), 0);
    ck_assert_uint_eq(cb1->head[2], p);
    ck_assert_uint_eq(cb1->ready, 1u << 2);
    ck_assert_uint_eq(a->kicks[1], 1);
    /* vCPU0's old queue forgot p as its tail: a new event there is a HEAD,
     * not linked behind p (which now sits on vCPU1's queue). */
    ck_assert_int_eq(evtchn_bind_ipi(E(a), 0, &r), 0);
    ck_assert_int_eq(evtchn_send(E(a), r), 0);
    ck_assert_uint_eq(cb0->head[7], r);
    ck_assert_uint_eq(*W(&m, p) & ECORE_FIFO_LINK_MASK, 0);
}
END_TEST

/* ---- close racing send -------------------------------------------------- */

/*
 * Two sender threads hammer both ends of an A<->B channel while a third
 * thread repeatedly closes one end (alternating sides, so both lock orders
 * are exercised), reallocates the freed port number as an unbound port
 * offered to an unrelated domain C, checks it, closes it, and re-binds
 * A<->B.
 *
 * Asserted:
 *  - no crash, no sanitizer report, no leaked domain reference;
 *  - sends only ever return 0 or -EINVAL (port closed under them);
 *  - the freed port's new incarnation (unbound, for C) is never made
 *    pending: once close returns, no send can reach the old port number,
 *    because delivery re-checks the link under both domains' locks;
 *  - both ends always agree: after each rebind, status of each end names
 *    the other (the link is symmetric);
 *  - events do flow (the pending bit of the live end is seen set many
 *    times), so the test is not vacuous.
 */
struct race {
    struct tdom *dom[2];
    uint32_t port[2];           /* current port numbers, read by senders */
    int stop;
    int bad_rc;
    unsigned long sends[2];
};

static void *sender(void *arg)
{
    struct race *r = ((void **)arg)[0];
    int side = (int)(intptr_t)((void **)arg)[1];

    while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
        uint32_t p = __atomic_load_n(&r->port[side], __ATOMIC_ACQUIRE);
        int rc = evtchn_send(E(r->dom[side]), p);

        if (rc != 0 && rc != -EVTCHN_EINVAL)
            __atomic_store_n(&r->bad_rc, rc, __ATOMIC_RELEASE);
        /* Yield now and then: mutexes are unfair and the closer must run. */
        if ((++r->sends[side] & 7) == 0)
            sched_yield();
    }
    return NULL;
}

static bool apend(struct tdom *t, uint32_t p)
{
    return (__atomic_load_n(&t->pending[p / 64], __ATOMIC_SEQ_CST) >> (p % 64)) & 1;
}

static void aclear(struct tdom *t, uint32_t p)
{
    __atomic_fetch_and(&t->pending[p / 64], ~(1ull << (p % 64)), __ATOMIC_SEQ_CST);
}

START_TEST(test_close_races_send)
{
    struct tdom *a = mk(1, 2, false), *b = mk(2, 2, false);
    struct race r = { .dom = { a, b } };
    void *args[2][2] = { { &r, (void *)0 }, { &r, (void *)1 } };
    unsigned long seen_live = 0, wrong = 0;
    pthread_t th[2];

    mk(3, 1, false);
    connect(a, b, &r.port[0], &r.port[1]);
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, sender, args[i]), 0);

    for (int iter = 0; iter < 10000; iter++) {
        int x = iter & 1, y = !x;           /* x closes, y keeps its end */
        struct tdom *dx = r.dom[x], *dy = r.dom[y];
        uint32_t old = r.port[x], q, np;
        struct evtchn_status_info st;

        /* Let some sends through, and notice them on the live ends. */
        for (int k = 0; k < 3; k++)
            sched_yield();
        if (apend(dx, old))
            seen_live++;
        aclear(dx, old);

        ck_assert_int_eq(evtchn_close(E(dx), old), 0);
        ck_assert_int_eq(evtchn_status(E(dy), SELF, r.port[y], &st), 0);
        ck_assert_int_eq(st.status, EVTCHN_STAT_UNBOUND);
        ck_assert_uint_eq(st.dom, dx->ed.domid);

        /* Reuse the number for a port offered to domain 3. */
        ck_assert_int_eq(evtchn_alloc_unbound(E(dx), SELF, 3, &q), 0);
        ck_assert_uint_eq(q, old);
        if (apend(dx, q))
            wrong++;
        sched_yield();
        if (apend(dx, q))
            wrong++;
        ck_assert_int_eq(evtchn_close(E(dx), q), 0);

        /* Reconnect: x binds to y's still-unbound end. */
        ck_assert_int_eq(evtchn_bind_interdomain(E(dx), dy->ed.domid, r.port[y], &np), 0);
        aclear(dx, np);                     /* the bind's own event */
        __atomic_store_n(&r.port[x], np, __ATOMIC_RELEASE);
        ck_assert_int_eq(evtchn_status(E(dy), SELF, r.port[y], &st), 0);
        ck_assert_int_eq(st.status, EVTCHN_STAT_INTERDOMAIN);
        ck_assert_uint_eq(st.port, np);
        ck_assert_int_eq(evtchn_status(E(dx), SELF, np, &st), 0);
        ck_assert_uint_eq(st.port, r.port[y]);
    }
    __atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);

    ck_assert_uint_eq(wrong, 0);
    ck_assert_int_eq(r.bad_rc, 0);
    ck_assert_uint_gt(seen_live, 100);
    ck_assert_uint_gt(r.sends[0] + r.sends[1], 10000);
}
END_TEST


TCase *evtchn_fifo_tcase(void)
{
    TCase *t = tcase_create("fifo");

    tcase_add_checked_fixture(t, NULL, teardown);
    tcase_add_test(t, test_fifo_setup_errors);
    tcase_add_test(t, test_fifo_priority_order);
    tcase_add_test(t, test_fifo_masked_busy_and_reuse);
    tcase_add_test(t, test_fifo_pending_before_page_and_switch);
    tcase_add_test(t, test_fifo_queue_change);
    return t;
}

TCase *evtchn_race_tcase(void)
{
    TCase *t = tcase_create("race");

    tcase_add_checked_fixture(t, NULL, teardown);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_close_races_send);
    return t;
}
