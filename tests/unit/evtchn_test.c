/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host tests for the event-channel core (event/evtchn*.c), part 1: the
 * port state machine, every EVTCHNOP and its errors, 2-level delivery.
 * Part 2 (FIFO, races) is evtchn_fifo_test.c.
 *
 * Each test builds a few fake domains: port storage, vCPUs, a shared_info
 * style pair of bitmaps, vcpu_info heads, and an ops table backed by a
 * registry, pthread mutexes and kick counters. Expected values come from
 * Xen 4.17's event_channel.c / event_2l.c / event_fifo.c behaviour.
 */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "evtchn_facts.h"
#include "evtchn_harness.h"

/* ---- ABI constants ----------------------------------------------------- */

START_TEST(test_abi_constants)
{
    struct evtchn_facts x;

    xen_evtchn_facts(&x);
    ck_assert_uint_eq(offsetof(struct evtchn_vcpu_info, upcall_pending), x.vi_upcall_pending);
    ck_assert_uint_eq(offsetof(struct evtchn_vcpu_info, upcall_mask), x.vi_upcall_mask);
    ck_assert_uint_eq(offsetof(struct evtchn_vcpu_info, pending_sel), x.vi_pending_sel);
    ck_assert_uint_eq(sizeof(uint64_t), x.sel_size);
    ck_assert_uint_eq(64, x.sh_pending_words);
    ck_assert_uint_eq(64, x.sh_mask_words);
    ck_assert_uint_eq(sizeof(struct evtchn_fifo_cb), x.cb_size);
    ck_assert_uint_eq(offsetof(struct evtchn_fifo_cb, ready), x.cb_ready);
    ck_assert_uint_eq(offsetof(struct evtchn_fifo_cb, head), x.cb_head);
    ck_assert_uint_eq(ECORE_2L_NR_CHANNELS, x.nr_2l);
    ck_assert_uint_eq(ECORE_FIFO_NR_CHANNELS, x.nr_fifo);
    ck_assert_uint_eq(EVTCHN_FIFO_LINK_BITS, x.link_bits);
    ck_assert_int_eq(EVTCHN_FIFO_PENDING, x.bit_pending);
    ck_assert_int_eq(EVTCHN_FIFO_MASKED, x.bit_masked);
    ck_assert_int_eq(EVTCHN_FIFO_LINKED, x.bit_linked);
    ck_assert_int_eq(EVTCHN_FIFO_BUSY, x.bit_busy);
    ck_assert_int_eq(EVTCHN_FIFO_PRIORITY_DEFAULT, x.prio_default);
    ck_assert_int_eq(EVTCHN_FIFO_PRIORITY_MIN, x.prio_min);
    ck_assert_int_eq(EVTCHN_NR_VIRQS, x.nr_virqs);
    ck_assert_int_eq(EVTCHN_DOMID_SELF, x.domid_self);
    ck_assert_int_eq(EVTCHN_STAT_CLOSED, x.stat_closed);
    ck_assert_int_eq(EVTCHN_STAT_UNBOUND, x.stat_unbound);
    ck_assert_int_eq(EVTCHN_STAT_INTERDOMAIN, x.stat_interdomain);
    ck_assert_int_eq(EVTCHN_STAT_PIRQ, x.stat_pirq);
    ck_assert_int_eq(EVTCHN_STAT_VIRQ, x.stat_virq);
    ck_assert_int_eq(EVTCHN_STAT_IPI, x.stat_ipi);
    ck_assert_int_eq(EVTCHN_EPERM, x.e_perm);
    ck_assert_int_eq(EVTCHN_ENOENT, x.e_noent);
    ck_assert_int_eq(EVTCHN_ESRCH, x.e_srch);
    ck_assert_int_eq(EVTCHN_EAGAIN, x.e_again);
    ck_assert_int_eq(EVTCHN_ENOMEM, x.e_nomem);
    ck_assert_int_eq(EVTCHN_EBUSY, x.e_busy);
    ck_assert_int_eq(EVTCHN_EEXIST, x.e_exist);
    ck_assert_int_eq(EVTCHN_EINVAL, x.e_inval);
    ck_assert_int_eq(EVTCHN_ENOSPC, x.e_nospc);
    ck_assert_int_eq(EVTCHN_ENOSYS, x.e_nosys);
    ck_assert_int_eq(EVTCHN_EOPNOTSUPP, x.e_opnotsupp);
}
END_TEST

/* ---- port 0, free ports, validity --------------------------------------- */

START_TEST(test_port0_reserved_and_validity)
{
    struct tdom *a = mk(1, 2, false);
    struct evtchn_status_info st;
    uint32_t p;

    st = st_of(a, SELF, 0);
    ck_assert_int_eq(st.status, EVTCHN_STAT_CLOSED);
    ck_assert_int_eq(evtchn_close(E(a), 0), -EVTCHN_EINVAL);
    ck_assert_int_eq(evtchn_send(E(a), 0), -EVTCHN_EINVAL);
    ck_assert_int_eq(evtchn_bind_vcpu(E(a), 0, 1), -EVTCHN_EINVAL);
    /* First allocation is port 1. */
    ck_assert_int_eq(evtchn_bind_ipi(E(a), 0, &p), 0);
    ck_assert_uint_eq(p, 1);
    /* Ports in the first bucket are valid-but-closed, beyond it invalid. */
    st = st_of(a, SELF, 63);
    ck_assert_int_eq(st.status, EVTCHN_STAT_CLOSED);
    ck_assert_int_eq(evtchn_status(E(a), SELF, 64, &st), -EVTCHN_EINVAL);
    ck_assert_int_eq(evtchn_close(E(a), 63), -EVTCHN_EINVAL);
    ck_assert_int_eq(evtchn_close(E(a), 100000), -EVTCHN_EINVAL);
    ck_assert_int_eq(evtchn_send(E(a), 0xffffffffu), -EVTCHN_EINVAL);
    ck_assert_int_eq(evtchn_unmask(E(a), 64), -EVTCHN_EINVAL);
    /* The lowest free port is reused. */
    ck_assert_int_eq(evtchn_bind_ipi(E(a), 0, &p), 0);
    ck_assert_uint_eq(p, 2);
    ck_assert_int_eq(evtchn_close(E(a), 1), 0);
    ck_assert_int_eq(evtchn_close(E(a), 1), -EVTCHN_EINVAL);   /* already closed */
    ck_assert_int_eq(evtchn_bind_ipi(E(a), 1, &p), 0);
    ck_assert_uint_eq(p, 1);
}
END_TEST

START_TEST(test_port_exhaustion)
{
    struct tdom *a = mk(1, 1, false);
    uint32_t p, n = 0;
    int rc;

    /* 2-level ABI: 4096 ports, port 0 reserved: 4095 usable. */
    while ((rc = evtchn_bind_ipi(E(a), 0, &p)) == 0)
        n++;
    ck_assert_int_eq(rc, -EVTCHN_ENOSPC);
    ck_assert_uint_eq(n, 4095);
    ck_assert_uint_eq(p, 4095);
    ck_assert_int_eq(evtchn_alloc_unbound(E(a), SELF, 0, &p), -EVTCHN_ENOSPC);
    ck_assert_int_eq(evtchn_bind_virq(E(a), EVTCHN_VIRQ_TIMER, 0, &p), -EVTCHN_ENOSPC);
    ck_assert_int_eq(evtchn_close(E(a), 777), 0);
    ck_assert_int_eq(evtchn_bind_ipi(E(a), 0, &p), 0);
    ck_assert_uint_eq(p, 777);

    /* A toolstack limit (max_evtchn_port) applies below the ABI limit. */
    struct tdom *b = mk(2, 1, false);
    evtchn_set_max_port(E(b), 5);
    for (int i = 1; i <= 5; i++)
        ck_assert_int_eq(evtchn_bind_ipi(E(b), 0, &p), 0);
    ck_assert_int_eq(evtchn_bind_ipi(E(b), 0, &p), -EVTCHN_ENOSPC);
    ck_assert_uint_eq(evtchn_max_ports(E(b)), 6);

    /* Binding interdomain needs a local port too. */
    uint32_t rp;
    ck_assert_int_eq(evtchn_close(E(b), 5), 0);
    ck_assert_int_eq(evtchn_alloc_unbound(E(b), SELF, 1, &rp), 0);
    ck_assert_int_eq(evtchn_bind_interdomain(E(a), 2, rp, &p), -EVTCHN_ENOSPC);
}
END_TEST

/* ---- alloc_unbound ---------------------------------------------------- */

START_TEST(test_alloc_unbound)
{
    struct tdom *d0 = mk(0, 1, true);
    struct tdom *a = mk(1, 2, false);
    struct tdom *b = mk(2, 1, false);
    struct evtchn_status_info st;
    uint32_t p;

    ck_assert_int_eq(evtchn_alloc_unbound(E(a), SELF, 2, &p), 0);
    st = st_of(a, SELF, p);
    ck_assert_int_eq(st.status, EVTCHN_STAT_UNBOUND);
    ck_assert_uint_eq(st.dom, 2);
    ck_assert_uint_eq(st.vcpu, 0);
    /* Own domid works like DOMID_SELF. */
    ck_assert_int_eq(evtchn_alloc_unbound(E(a), 1, 2, &p), 0);
    /* DOMID_SELF as the remote means the *caller*: dom0 allocating in A
     * for itself names dom0, not A. */
    ck_assert_int_eq(evtchn_alloc_unbound(E(d0), 1, SELF, &p), 0);
    st = st_of(d0, 1, p);
    ck_assert_int_eq(st.status, EVTCHN_STAT_UNBOUND);
    ck_assert_uint_eq(st.dom, 0);
    /* Errors. */
    ck_assert_int_eq(evtchn_alloc_unbound(E(a), 5, 0, &p), -EVTCHN_ESRCH);
    ck_assert_int_eq(evtchn_alloc_unbound(E(a), 2, 1, &p), -EVTCHN_EPERM);
    ck_assert_int_eq(evtchn_status(E(a), 2, 1, &st), -EVTCHN_EPERM);
    /* The remote domain is not validated (Xen does not either). */
    ck_assert_int_eq(evtchn_alloc_unbound(E(b), SELF, 0x1234, &p), 0);
    ck_assert_uint_eq(st_of(b, SELF, p).dom, 0x1234);
    ck_assert_int_eq(evtchn_status(E(a), 7, 1, &st), -EVTCHN_ESRCH);
}
END_TEST

/* ---- bind_interdomain --------------------------------------------------- */

START_TEST(test_bind_interdomain)
{
    struct tdom *a = mk(1, 2, false);
    struct tdom *b = mk(2, 2, false);
    struct tdom *c = mk(3, 1, false);
    struct evtchn_status_info st;
    uint32_t pa, pb, pc, x;

    ck_assert_int_eq(evtchn_bind_ipi(E(a), 0, &x), 0);         /* a: port 1 busy */
    ck_assert_int_eq(evtchn_alloc_unbound(E(b), SELF, 1, &pb), 0);
    ck_assert_int_eq(evtchn_bind_interdomain(E(a), 2, pb, &pa), 0);
    ck_assert_uint_eq(pa, 2);
    st = st_of(a, SELF, pa);
    ck_assert_int_eq(st.status, EVTCHN_STAT_INTERDOMAIN);
    ck_assert_uint_eq(st.dom, 2);
    ck_assert_uint_eq(st.port, pb);
    st = st_of(b, SELF, pb);
    ck_assert_int_eq(st.status, EVTCHN_STAT_INTERDOMAIN);
    ck_assert_uint_eq(st.dom, 1);
    ck_assert_uint_eq(st.port, pa);
    /* The binder's port is set pending once (events to an unbound port are lost). */
    ck_assert(pend(a, pa));
    ck_assert_uint_eq(a->kicks[0], 1);
    ck_assert(!pend(b, pb));

    /* Errors. */
    ck_assert_int_eq(evtchn_bind_interdomain(E(a), 6, pb, &x), -EVTCHN_ESRCH);
    ck_assert_int_eq(evtchn_bind_interdomain(E(a), 2, 999, &x), -EVTCHN_EINVAL);
    ck_assert_int_eq(evtchn_bind_interdomain(E(a), 2, pb, &x), -EVTCHN_EINVAL); /* not unbound */
    ck_assert_int_eq(evtchn_bind_interdomain(E(a), 2, 0, &x), -EVTCHN_EINVAL);  /* reserved */
    ck_assert_int_eq(evtchn_bind_interdomain(E(a), 2, 40, &x), -EVTCHN_EINVAL); /* free */
    ck_assert_int_eq(evtchn_alloc_unbound(E(b), SELF, 3, &pc), 0);
    ck_assert_int_eq(evtchn_bind_interdomain(E(a), 2, pc, &x), -EVTCHN_EINVAL); /* named for c */
    ck_assert_int_eq(evtchn_bind_interdomain(E(c), 2, pc, &x), 0);
    /* A failed bind did not consume a local port. */
    ck_assert_int_eq(evtchn_bind_ipi(E(a), 0, &x), 0);
    ck_assert_uint_eq(x, 3);
}
END_TEST

START_TEST(test_loopback)
{
    struct tdom *a = mk(1, 2, false);
    uint32_t p1, p2;

    ck_assert_int_eq(evtchn_alloc_unbound(E(a), SELF, SELF, &p1), 0);
    ck_assert_uint_eq(st_of(a, SELF, p1).dom, 1);
    ck_assert_int_eq(evtchn_bind_interdomain(E(a), SELF, p1, &p2), 0);
    ck_assert_uint_eq(st_of(a, SELF, p1).port, p2);
    ck_assert_uint_eq(st_of(a, SELF, p2).port, p1);
    a->pending[0] = 0;
    ck_assert_int_eq(evtchn_send(E(a), p2), 0);
    ck_assert(pend(a, p1));
    ck_assert(!pend(a, p2));
    ck_assert_int_eq(evtchn_close(E(a), p1), 0);
    ck_assert_int_eq(st_of(a, SELF, p2).status, EVTCHN_STAT_UNBOUND);
    ck_assert_uint_eq(st_of(a, SELF, p2).dom, 1);
    ck_assert_int_eq(evtchn_send(E(a), p2), 0);       /* unbound: dropped */
    ck_assert_int_eq(evtchn_close(E(a), p2), 0);
}
END_TEST

/* ---- send -------------------------------------------------------------- */

START_TEST(test_send_cases)
{
    struct tdom *a = mk(1, 2, false);
    struct tdom *b = mk(2, 2, false);
    uint32_t pa, pb, ipi, virq, unb;

    connect(a, b, &pa, &pb);
    /* Interdomain: the remote port goes pending on its notify vCPU. */
    ck_assert_int_eq(evtchn_bind_vcpu(E(b), pb, 1), 0);
    ck_assert_int_eq(evtchn_send(E(a), pa), 0);
    ck_assert(pend(b, pb));
    ck_assert_uint_eq(b->kicks[1], 1);
    ck_assert_uint_eq(b->kicks[0], 0);
    /* Also from the other side (higher domid sends to lower). */
    a->pending[0] = 0;
    ck_assert_int_eq(evtchn_send(E(b), pb), 0);
    ck_assert(pend(a, pa));
    /* IPI: own port, own vCPU. */
    ck_assert_int_eq(evtchn_bind_ipi(E(a), 1, &ipi), 0);
    ck_assert_int_eq(evtchn_send(E(a), ipi), 0);
    ck_assert(pend(a, ipi));
    ck_assert_uint_eq(a->kicks[1], 1);
    /* Unbound: silently dropped. */
    ck_assert_int_eq(evtchn_alloc_unbound(E(a), SELF, 2, &unb), 0);
    ck_assert_int_eq(evtchn_send(E(a), unb), 0);
    ck_assert(!pend(a, unb));
    /* VIRQ: not sendable. */
    ck_assert_int_eq(evtchn_bind_virq(E(a), EVTCHN_VIRQ_TIMER, 0, &virq), 0);
    ck_assert_int_eq(evtchn_send(E(a), virq), -EVTCHN_EINVAL);
    /* Closed. */
    ck_assert_int_eq(evtchn_close(E(a), ipi), 0);
    ck_assert_int_eq(evtchn_send(E(a), ipi), -EVTCHN_EINVAL);
    ck_assert_int_eq(a->refs + b->refs, 0);
}
END_TEST

/* ---- close ------------------------------------------------------------- */

START_TEST(test_close_interdomain_both_sides)
{
    struct tdom *a = mk(1, 1, false);
    struct tdom *b = mk(2, 1, false);
    struct evtchn_status_info st;
    uint32_t pa, pb, pa2;

    /* Lower domid closes: the peer's end becomes unbound, named for it. */
    connect(a, b, &pa, &pb);
    ck_assert_int_eq(evtchn_close(E(a), pa), 0);
    ck_assert_int_eq(st_of(a, SELF, pa).status, EVTCHN_STAT_CLOSED);
    st = st_of(b, SELF, pb);
    ck_assert_int_eq(st.status, EVTCHN_STAT_UNBOUND);
    ck_assert_uint_eq(st.dom, 1);
    ck_assert(!pend(a, pa));                  /* close cleared the bind's pending */
    ck_assert_int_eq(evtchn_send(E(b), pb), 0);   /* now dropped */
    /* ... and A can bind to it again. */
    ck_assert_int_eq(evtchn_bind_interdomain(E(a), 2, pb, &pa2), 0);
    ck_assert_uint_eq(st_of(b, SELF, pb).port, pa2);

    /* Higher domid closes (lock order reversed). */
    ck_assert_int_eq(evtchn_close(E(b), pb), 0);
    st = st_of(a, SELF, pa2);
    ck_assert_int_eq(st.status, EVTCHN_STAT_UNBOUND);
    ck_assert_uint_eq(st.dom, 2);
    ck_assert_int_eq(st_of(b, SELF, pb).status, EVTCHN_STAT_CLOSED);
    ck_assert_int_eq(evtchn_close(E(a), pa2), 0);
    ck_assert_int_eq(st_of(a, SELF, pa2).status, EVTCHN_STAT_CLOSED);
    ck_assert_int_eq(a->refs + b->refs, 0);
}
END_TEST

START_TEST(test_close_resets_vcpu_and_pending)
{
    struct tdom *a = mk(1, 2, false);
    struct tdom *b = mk(2, 2, false);
    uint32_t pa, pb, p;

    connect(a, b, &pa, &pb);
    ck_assert_int_eq(evtchn_bind_vcpu(E(b), pb, 1), 0);
    set_mask(b, pb);
    ck_assert_int_eq(evtchn_send(E(a), pa), 0);
    ck_assert(pend(b, pb));
    ck_assert_int_eq(evtchn_close(E(b), pb), 0);
    ck_assert(!pend(b, pb));
    ck_assert_int_eq(evtchn_alloc_unbound(E(b), SELF, 1, &p), 0);
    ck_assert_uint_eq(p, pb);
    ck_assert_uint_eq(st_of(b, SELF, p).vcpu, 0);   /* reused port starts on vCPU 0 */
}
END_TEST

/* ---- virq / ipi / pirq ------------------------------------------------ */

START_TEST(test_bind_virq)
{
    struct tdom *a = mk(1, 3, false);
    struct evtchn_status_info st;
    uint32_t t0, t2, con, x;

    ck_assert(!evtchn_virq_is_global(EVTCHN_VIRQ_TIMER));
    ck_assert(!evtchn_virq_is_global(EVTCHN_VIRQ_DEBUG));
    ck_assert(!evtchn_virq_is_global(EVTCHN_VIRQ_XENOPROF));
    ck_assert(!evtchn_virq_is_global(EVTCHN_VIRQ_XENPMU));
    ck_assert(evtchn_virq_is_global(2));      /* VIRQ_CONSOLE */
    ck_assert(evtchn_virq_is_global(16));     /* VIRQ_ARCH_0 (x86: MCA) */

    ck_assert_int_eq(evtchn_bind_virq(E(a), EVTCHN_VIRQ_TIMER, 0, &t0), 0);
    ck_assert_int_eq(evtchn_bind_virq(E(a), EVTCHN_VIRQ_TIMER, 2, &t2), 0);
    st = st_of(a, SELF, t2);
    ck_assert_int_eq(st.status, EVTCHN_STAT_VIRQ);
    ck_assert_uint_eq(st.virq, EVTCHN_VIRQ_TIMER);
    ck_assert_uint_eq(st.vcpu, 2);
    /* Errors, in Xen's order. */
    ck_assert_int_eq(evtchn_bind_virq(E(a), 24, 0, &x), -EVTCHN_EINVAL);
    ck_assert_int_eq(evtchn_bind_virq(E(a), 0xffffffffu, 0, &x), -EVTCHN_EINVAL);
    ck_assert_int_eq(evtchn_bind_virq(E(a), 2, 1, &x), -EVTCHN_EINVAL);  /* global on vCPU 1 */
    ck_assert_int_eq(evtchn_bind_virq(E(a), EVTCHN_VIRQ_TIMER, 3, &x), -EVTCHN_ENOENT);
    ck_assert_int_eq(evtchn_bind_virq(E(a), EVTCHN_VIRQ_TIMER, 0, &x), -EVTCHN_EEXIST);
    ck_assert_int_eq(evtchn_bind_virq(E(a), EVTCHN_VIRQ_TIMER, 2, &x), -EVTCHN_EEXIST);
    a->vcpus[1].online = false;
    ck_assert_int_eq(evtchn_bind_virq(E(a), EVTCHN_VIRQ_TIMER, 1, &x), -EVTCHN_ENOENT);
    a->vcpus[1].online = true;

    /* Delivery: per-vCPU VIRQ to its own vCPU only. */
    evtchn_send_vcpu_virq(E(a), 2, EVTCHN_VIRQ_TIMER);
    ck_assert(pend(a, t2));
    ck_assert(!pend(a, t0));
    ck_assert_uint_eq(a->kicks[2], 1);
    evtchn_send_vcpu_virq(E(a), 1, EVTCHN_VIRQ_TIMER);   /* not bound there */
    ck_assert_uint_eq(a->kicks[1], 0);
    evtchn_send_vcpu_virq(E(a), 1, 30);                  /* out of range: ignored */

    /* Global VIRQ: moves with bind_vcpu. */
    ck_assert_int_eq(evtchn_bind_virq(E(a), 2, 0, &con), 0);
    ck_assert_int_eq(evtchn_bind_vcpu(E(a), con, 1), 0);
    evtchn_send_global_virq(E(a), 2);
    ck_assert(pend(a, con));
    ck_assert_uint_eq(a->kicks[1], 1);

    /* Close releases the VIRQ for re-binding. */
    ck_assert_int_eq(evtchn_close(E(a), t2), 0);
    evtchn_send_vcpu_virq(E(a), 2, EVTCHN_VIRQ_TIMER);
    ck_assert_uint_eq(a->kicks[2], 1);
    ck_assert_int_eq(evtchn_bind_virq(E(a), EVTCHN_VIRQ_TIMER, 2, &x), 0);
    ck_assert_uint_eq(x, t2);
}
END_TEST

START_TEST(test_bind_ipi)
{
    struct tdom *a = mk(1, 2, false);
    struct evtchn_status_info st;
    uint32_t p;

    ck_assert_int_eq(evtchn_bind_ipi(E(a), 2, &p), -EVTCHN_ENOENT);
    ck_assert_int_eq(evtchn_bind_ipi(E(a), 0xffffffffu, &p), -EVTCHN_ENOENT);
    ck_assert_int_eq(evtchn_bind_ipi(E(a), 1, &p), 0);
    st = st_of(a, SELF, p);
    ck_assert_int_eq(st.status, EVTCHN_STAT_IPI);
    ck_assert_uint_eq(st.vcpu, 1);
}
END_TEST

START_TEST(test_bind_pirq)
{
    struct tdom *a = mk(1, 2, false);
    struct tdom *d = mk_ops(2, 2, true, &ops_pirq);
    struct evtchn_status_info st;
    uint32_t p, x;

    a->ed.nr_pirqs = d->ed.nr_pirqs = 32;
    ck_assert_int_eq(evtchn_bind_pirq(E(a), 40, 0, &p), -EVTCHN_EINVAL);
    ck_assert_int_eq(evtchn_bind_pirq(E(a), 5, 0, &p), -EVTCHN_EPERM);
    a->pirq_ok = true;
    ck_assert_int_eq(evtchn_bind_pirq(E(a), 5, 0, &p), -EVTCHN_ENOSYS);  /* no IRQ layer */
    ck_assert_int_eq(st_of(a, SELF, 1).status, EVTCHN_STAT_CLOSED);     /* port not taken */

    d->pirq_ok = true;
    ck_assert_int_eq(evtchn_bind_pirq(E(d), 5, EVTCHN_BIND_PIRQ_WILL_SHARE, &p), 0);
    st = st_of(d, SELF, p);
    ck_assert_int_eq(st.status, EVTCHN_STAT_PIRQ);
    ck_assert_uint_eq(st.pirq, 5);
    ck_assert_int_eq(evtchn_bind_pirq(E(d), 5, 0, &x), -EVTCHN_EEXIST);
    ck_assert_int_eq(evtchn_bind_pirq(E(d), 13, 0, &x), -EVTCHN_EBUSY);  /* hook's error */
    ck_assert_int_eq(evtchn_send(E(d), p), -EVTCHN_EINVAL);
    evtchn_send_pirq(E(d), 5);
    ck_assert(pend(d, p));
    ck_assert_int_eq(evtchn_bind_vcpu(E(d), p, 1), 0);
    ck_assert_int_eq(evtchn_bind_vcpu(E(d), p, 1), 0);                   /* no change */
    ck_assert_uint_eq(d->affinity_calls, 1);
    ck_assert_int_eq(evtchn_close(E(d), p), 0);
    ck_assert_uint_eq(d->pirq_unbinds, 1);
    ck_assert_int_eq(evtchn_bind_pirq(E(d), 5, 0, &x), 0);
}
END_TEST

/* The IRQ glue's helpers: port lookup, mask state, delivery under the caller's lock. */
START_TEST(test_pirq_glue_helpers)
{
    struct tdom *d = mk_ops(2, 2, true, &ops_pirq);
    uint32_t p, q;

    d->ed.nr_pirqs = 32;
    d->pirq_ok = true;
    ck_assert_uint_eq(evtchn_pirq_port(E(d), 7), 0);
    ck_assert_int_eq(evtchn_bind_pirq(E(d), 7, 0, &p), 0);
    ck_assert_int_eq(evtchn_bind_pirq(E(d), 9, 0, &q), 0);
    ck_assert_uint_eq(evtchn_pirq_port(E(d), 7), p);
    ck_assert_uint_eq(evtchn_pirq_port(E(d), 9), q);
    ck_assert_uint_eq(evtchn_pirq_port(E(d), 8), 0);

    ck_assert(!evtchn_port_masked(E(d), p));
    set_mask(d, p);
    ck_assert(evtchn_port_masked(E(d), p));
    ck_assert(evtchn_port_masked(E(d), NCH + 5));           /* no such port: masked */
    ck_assert_int_eq(evtchn_unmask(E(d), p), 0);
    ck_assert(!evtchn_port_masked(E(d), p));

    /* The caller holds the lock (the device interrupt's trylock): same result as send_pirq. */
    d->ed.ops->lock(E(d));
    evtchn_send_pirq_locked(E(d), 9);
    evtchn_send_pirq_locked(E(d), 8);                       /* unbound pirq: nothing */
    d->ed.ops->unlock(E(d));
    ck_assert(pend(d, q));
    ck_assert(!pend(d, p));
    ck_assert_uint_eq(d->vi[0].upcall_pending, 1);
    ck_assert_int_eq(evtchn_close(E(d), q), 0);
    ck_assert_uint_eq(evtchn_pirq_port(E(d), 9), 0);
}
END_TEST

/* ---- bind_vcpu -------------------------------------------------------- */

START_TEST(test_bind_vcpu_rules)
{
    struct tdom *a = mk(1, 2, false);
    struct tdom *b = mk(2, 2, false);
    uint32_t ipi, timer, con, unb, pa, pb;

    ck_assert_int_eq(evtchn_bind_ipi(E(a), 0, &ipi), 0);
    ck_assert_int_eq(evtchn_bind_virq(E(a), EVTCHN_VIRQ_TIMER, 0, &timer), 0);
    ck_assert_int_eq(evtchn_bind_virq(E(a), 2, 0, &con), 0);
    ck_assert_int_eq(evtchn_alloc_unbound(E(a), SELF, 2, &unb), 0);
    connect(a, b, &pa, &pb);

    ck_assert_int_eq(evtchn_bind_vcpu(E(a), ipi, 1), -EVTCHN_EINVAL);
    ck_assert_int_eq(evtchn_bind_vcpu(E(a), timer, 1), -EVTCHN_EINVAL);
    ck_assert_int_eq(evtchn_bind_vcpu(E(a), con, 1), 0);
    ck_assert_int_eq(evtchn_bind_vcpu(E(a), unb, 1), 0);
    ck_assert_int_eq(evtchn_bind_vcpu(E(a), pa, 1), 0);
    ck_assert_int_eq(evtchn_bind_vcpu(E(a), 50, 1), -EVTCHN_EINVAL);     /* free */
    ck_assert_int_eq(evtchn_bind_vcpu(E(a), 5000, 1), -EVTCHN_EINVAL);   /* invalid */
    ck_assert_int_eq(evtchn_bind_vcpu(E(a), pa, 2), -EVTCHN_ENOENT);     /* checked first */
    ck_assert_int_eq(evtchn_bind_vcpu(E(a), 5000, 7), -EVTCHN_ENOENT);
    ck_assert_uint_eq(st_of(a, SELF, ipi).vcpu, 0);
    ck_assert_uint_eq(st_of(a, SELF, con).vcpu, 1);
    ck_assert_uint_eq(st_of(a, SELF, unb).vcpu, 1);
    /* The vCPU of an unbound port survives the remote binding to it. */
    uint32_t bp;
    ck_assert_int_eq(evtchn_bind_interdomain(E(b), 1, unb, &bp), 0);
    ck_assert_uint_eq(st_of(a, SELF, unb).vcpu, 1);
    ck_assert_int_eq(evtchn_send(E(b), bp), 0);
    ck_assert_uint_eq(a->kicks[1], 1);
}
END_TEST

/* ---- 2-level delivery ------------------------------------------------- */

START_TEST(test_2l_bits_exact)
{
    struct tdom *a = mk(1, 2, false);
    uint32_t p[200], n = 0, x;

    /* Ports 1..199 as IPIs on vCPU 0. */
    while (n < 199 && evtchn_bind_ipi(E(a), 0, &x) == 0)
        p[n++] = x;
    ck_assert_uint_eq(p[129], 130);

    /* Port 130 = word 2, bit 2. */
    ck_assert_int_eq(evtchn_send(E(a), 130), 0);
    ck_assert_uint_eq(a->pending[2], 1ull << 2);
    ck_assert_uint_eq(a->vi[0].pending_sel, 1ull << 2);
    ck_assert_uint_eq(a->vi[0].upcall_pending, 1);
    ck_assert_uint_eq(a->kicks[0], 1);
    ck_assert_uint_eq(a->vi[1].pending_sel, 0);
    /* Same word again: selector already set, no new kick. */
    ck_assert_int_eq(evtchn_send(E(a), 131), 0);
    ck_assert_uint_eq(a->pending[2], (1ull << 2) | (1ull << 3));
    ck_assert_uint_eq(a->kicks[0], 1);
    /* Different word while the upcall is still pending: selector bit, no kick. */
    ck_assert_int_eq(evtchn_send(E(a), 5), 0);
    ck_assert_uint_eq(a->vi[0].pending_sel, (1ull << 2) | 1ull);
    ck_assert_uint_eq(a->kicks[0], 1);
    /* Already pending port: nothing at all changes. */
    a->vi[0].pending_sel = 0;
    a->vi[0].upcall_pending = 0;
    ck_assert_int_eq(evtchn_send(E(a), 5), 0);
    ck_assert_uint_eq(a->vi[0].pending_sel, 0);
    ck_assert_uint_eq(a->kicks[0], 1);
    /* Guest handled everything (Linux: clear upcall, xchg sel, clear pending). */
    memset(a->pending, 0, sizeof(a->pending));
    ck_assert_int_eq(evtchn_send(E(a), 64), 0);     /* word 1 bit 0 */
    ck_assert_uint_eq(a->pending[1], 1);
    ck_assert_uint_eq(a->vi[0].pending_sel, 2);
    ck_assert_uint_eq(a->vi[0].upcall_pending, 1);
    ck_assert_uint_eq(a->kicks[0], 2);
    /* upcall_mask is the guest's business: delivery marks pending anyway. */
    a->vi[0].upcall_mask = 1;
    memset(a->pending, 0, sizeof(a->pending));
    a->vi[0].pending_sel = 0;
    a->vi[0].upcall_pending = 0;
    ck_assert_int_eq(evtchn_send(E(a), 64), 0);
    ck_assert_uint_eq(a->vi[0].upcall_pending, 1);
    ck_assert_uint_eq(a->vi[0].upcall_mask, 1);
    ck_assert_uint_eq(a->kicks[0], 3);
    /* poll support. */
    ck_assert_int_eq(evtchn_poll_port(E(a), 64), 1);
    ck_assert_int_eq(evtchn_poll_port(E(a), 65), 0);
    ck_assert_int_eq(evtchn_poll_port(E(a), 4095), -EVTCHN_EINVAL);
    ck_assert_uint_gt(a->polls, 0);
}
END_TEST

START_TEST(test_2l_masked_then_unmask)
{
    struct tdom *a = mk(1, 2, false);
    uint32_t p;

    ck_assert_int_eq(evtchn_bind_ipi(E(a), 1, &p), 0);
    set_mask(a, p);
    ck_assert_int_eq(evtchn_send(E(a), p), 0);
    ck_assert(pend(a, p));                        /* latched */
    ck_assert_uint_eq(a->vi[1].pending_sel, 0);   /* but not signalled */
    ck_assert_uint_eq(a->vi[1].upcall_pending, 0);
    ck_assert_uint_eq(a->kicks[1], 0);
    /* Unmask delivers what was held back. */
    ck_assert_int_eq(evtchn_unmask(E(a), p), 0);
    ck_assert_uint_eq(a->mask[0], 0);
    ck_assert_uint_eq(a->vi[1].pending_sel, 1);
    ck_assert_uint_eq(a->vi[1].upcall_pending, 1);
    ck_assert_uint_eq(a->kicks[1], 1);
    /* Unmasking an unmasked port does nothing more. */
    a->vi[1].pending_sel = 0;
    a->vi[1].upcall_pending = 0;
    ck_assert_int_eq(evtchn_unmask(E(a), p), 0);
    ck_assert_uint_eq(a->kicks[1], 1);
    ck_assert_uint_eq(a->vi[1].pending_sel, 0);
    /* Masked but not pending: unmask clears the mask only. */
    a->pending[0] = 0;
    set_mask(a, p);
    ck_assert_int_eq(evtchn_unmask(E(a), p), 0);
    ck_assert_uint_eq(a->mask[0], 0);
    ck_assert_uint_eq(a->kicks[1], 1);
    /* Unmask goes to the *current* notify vCPU of a movable port. */
    struct tdom *b = mk(2, 1, false);
    uint32_t pa, pb;
    connect(a, b, &pa, &pb);
    ck_assert_int_eq(evtchn_bind_vcpu(E(a), pa, 1), 0);
    set_mask(a, pa);
    ck_assert_int_eq(evtchn_unmask(E(a), pa), 0);   /* pending from the bind */
    ck_assert_uint_eq(a->kicks[1], 2);
}
END_TEST

/* ---- status ----------------------------------------------------------- */

START_TEST(test_status_fields_and_privilege)
{
    struct tdom *d0 = mk(0, 1, true);
    struct tdom *a = mk(1, 2, false);
    struct evtchn_status_info st;
    uint32_t pa, p0, v;

    ck_assert_int_eq(evtchn_alloc_unbound(E(a), SELF, 0, &pa), 0);
    ck_assert_int_eq(evtchn_bind_interdomain(E(d0), 1, pa, &p0), 0);
    ck_assert_int_eq(evtchn_bind_virq(E(a), EVTCHN_VIRQ_DEBUG, 1, &v), 0);
    /* dom0 may inspect domU ports, not the other way round. */
    st = st_of(d0, 1, pa);
    ck_assert_int_eq(st.status, EVTCHN_STAT_INTERDOMAIN);
    ck_assert_uint_eq(st.dom, 0);
    ck_assert_uint_eq(st.port, p0);
    st = st_of(d0, 1, v);
    ck_assert_int_eq(st.status, EVTCHN_STAT_VIRQ);
    ck_assert_uint_eq(st.virq, EVTCHN_VIRQ_DEBUG);
    ck_assert_uint_eq(st.vcpu, 1);
    ck_assert_int_eq(evtchn_status(E(a), 0, p0, &st), -EVTCHN_EPERM);
    ck_assert_int_eq(evtchn_status(E(a), 0, 9999, &st), -EVTCHN_EINVAL);  /* port first */
    ck_assert_int_eq(d0->refs + a->refs, 0);
}
END_TEST

/* ---- reset and death ---------------------------------------------------- */

START_TEST(test_reset)
{
    struct tdom *d0 = mk(0, 1, true);
    struct tdom *a = mk(1, 2, false);
    struct tdom *b = mk(2, 1, false);
    uint32_t pa, pb, x;

    connect(a, b, &pa, &pb);
    ck_assert_int_eq(evtchn_bind_ipi(E(a), 1, &x), 0);
    ck_assert_int_eq(evtchn_bind_virq(E(a), EVTCHN_VIRQ_TIMER, 1, &x), 0);

    ck_assert_int_eq(evtchn_reset(E(b), 1), -EVTCHN_EPERM);
    ck_assert_int_eq(evtchn_reset(E(d0), 1), -EVTCHN_EINVAL);   /* not paused */
    ck_assert_int_eq(evtchn_reset(E(d0), 6), -EVTCHN_ESRCH);
    a->paused = true;
    ck_assert_int_eq(evtchn_reset(E(d0), 1), 0);
    for (uint32_t p = 1; p < 64; p++)
        ck_assert_int_eq(st_of(a, SELF, p).status, EVTCHN_STAT_CLOSED);
    ck_assert_int_eq(st_of(b, SELF, pb).status, EVTCHN_STAT_UNBOUND);
    ck_assert_uint_eq(st_of(b, SELF, pb).dom, 1);
    /* VIRQs are free again. */
    ck_assert_int_eq(evtchn_bind_virq(E(a), EVTCHN_VIRQ_TIMER, 1, &x), 0);
    /* Self reset, DOMID_SELF. */
    ck_assert_int_eq(evtchn_reset(E(a), SELF), 0);
    ck_assert_int_eq(st_of(a, SELF, x).status, EVTCHN_STAT_CLOSED);
    ck_assert_int_eq(d0->refs + a->refs + b->refs, 0);
}
END_TEST

START_TEST(test_dying_domain)
{
    struct tdom *a = mk(1, 1, false);
    struct tdom *b = mk(2, 1, false);
    uint32_t pa, pb, p;

    connect(a, b, &pa, &pb);
    evtchn_domain_destroy(E(b));
    ck_assert_int_eq(st_of(a, SELF, pa).status, EVTCHN_STAT_UNBOUND);
    ck_assert_uint_eq(st_of(a, SELF, pa).dom, 2);
    ck_assert_int_eq(st_of(b, SELF, pb).status, EVTCHN_STAT_CLOSED);
    ck_assert_int_eq(evtchn_alloc_unbound(E(b), SELF, 1, &p), -EVTCHN_EINVAL);
    ck_assert_int_eq(evtchn_bind_ipi(E(b), 0, &p), -EVTCHN_EINVAL);
    ck_assert_int_eq(evtchn_send(E(a), pa), 0);
    ck_assert_int_eq(a->refs + b->refs, 0);
}
END_TEST

static Suite *evtchn_suite(void)
{
    Suite *s = suite_create("evtchn");
    TCase *t = tcase_create("core");

    tcase_add_checked_fixture(t, NULL, teardown);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_abi_constants);
    tcase_add_test(t, test_port0_reserved_and_validity);
    tcase_add_test(t, test_port_exhaustion);
    tcase_add_test(t, test_alloc_unbound);
    tcase_add_test(t, test_bind_interdomain);
    tcase_add_test(t, test_loopback);
    tcase_add_test(t, test_send_cases);
    tcase_add_test(t, test_close_interdomain_both_sides);
    tcase_add_test(t, test_close_resets_vcpu_and_pending);
    tcase_add_test(t, test_bind_virq);
    tcase_add_test(t, test_bind_ipi);
    tcase_add_test(t, test_bind_pirq);
    tcase_add_test(t, test_pirq_glue_helpers);
    tcase_add_test(t, test_bind_vcpu_rules);
    tcase_add_test(t, test_2l_bits_exact);
    tcase_add_test(t, test_2l_masked_then_unmask);
    tcase_add_test(t, test_status_fields_and_privilege);
    tcase_add_test(t, test_reset);
    tcase_add_test(t, test_dying_domain);
    suite_add_tcase(s, t);
    suite_add_tcase(s, evtchn_fifo_tcase());
    suite_add_tcase(s, evtchn_race_tcase());
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(evtchn_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
