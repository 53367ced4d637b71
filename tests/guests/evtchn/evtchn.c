/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels, dom0 on itself: loopback interdomain channels
 * (alloc_unbound to DOMID_SELF + bind_interdomain), delivery through the
 * 2-level ABI (pending bits, selector word, upcall_pending, the event
 * callback, exactly one upcall per batch), per-port masking and re-delivery
 * on unmask, close of one end, status for every port state, bind_vcpu,
 * reset, the error paths, and the FIFO ABI (init_control, expand_array,
 * delivery through a queue, set_priority).
 *
 * The upcall handler here is Linux's 2-level one (drivers/xen/events/
 * events_2l.c in spirit): clear upcall_pending, exchange the selector with
 * 0, then for each word take pending & ~mask and clear those pending bits.
 * Before clearing anything it snapshots what Xen set, so the test can check
 * the delivery state the hypervisor produced.
 */
#include "../lib/guest.h"
#include <public/event_channel.h>

const char test_title[] = "event channels: loopback, 2-level delivery, mask/unmask, close, status, reset, FIFO";

#define SELF_ID 0               /* dom0 */
#define NPORTS 128              /* ports this test tracks */

static shared_info_t *s;
static vcpu_info_t *vi;

/* What the handler saw and did. */
static volatile unsigned upcalls;
static volatile unsigned hits[NPORTS];
static volatile unsigned long seen_sel;          /* selector at entry, OR of all upcalls */
static volatile unsigned seen_upcall_pending;    /* upcall_pending at entry (count of 1s) */
static volatile unsigned nested;                 /* upcall entered while already inside */
static volatile bool in_handler;

/* FIFO state (test_fifo). */
static bool fifo_mode;
static evtchn_fifo_control_block_t *fifo_cb;
static volatile event_word_t *fifo_words;        /* event array page 0: ports 0..1023 */
static uint32_t fifo_local_head[EVTCHN_FIFO_MAX_QUEUES];
static volatile unsigned fifo_order[16];         /* ports in delivery order */
static volatile unsigned fifo_norder;

static void handle_port(unsigned port)
{
    if (port < NPORTS)
        hits[port]++;
    if (fifo_norder < 16)
        fifo_order[fifo_norder++] = port;
}

static void upcall_2l(void)
{
    unsigned long sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    seen_sel |= sel;
    while (sel) {
        unsigned w = __builtin_ctzl(sel);
        sel &= sel - 1;
        unsigned long bits = s->evtchn_pending[w] & ~s->evtchn_mask[w];
        while (bits) {
            unsigned b = __builtin_ctzl(bits);
            bits &= bits - 1;
            /* Linux clears the pending bit before handling the port. */
            __atomic_fetch_and(&s->evtchn_pending[w], ~(1UL << b), __ATOMIC_SEQ_CST);
            handle_port(w * 64 + b);
        }
    }
}

/* Linux's events_fifo.c consume_one_event(), one queue at a time. */
static void upcall_fifo(void)
{
    uint32_t ready = __atomic_exchange_n(&fifo_cb->ready, 0, __ATOMIC_SEQ_CST);
    while (ready) {
        unsigned q = __builtin_ctz(ready);
        uint32_t head = fifo_local_head[q];
        if (head == 0)
            head = __atomic_load_n(&fifo_cb->head[q], __ATOMIC_SEQ_CST);
        unsigned port = head;
        volatile event_word_t *w = &fifo_words[port];
        /* clear_linked(): drop LINKED and the link, keep the next port. */
        event_word_t old = *w, new;
        do {
            new = old & ~((1U << EVTCHN_FIFO_LINKED) | EVTCHN_FIFO_LINK_MASK);
        } while (!__atomic_compare_exchange_n(w, &old, new, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
        head = old & EVTCHN_FIFO_LINK_MASK;
        if (head == 0)
            ready &= ~(1U << q);
        if ((old & (1U << EVTCHN_FIFO_PENDING)) && !(old & (1U << EVTCHN_FIFO_MASKED))) {
            __atomic_fetch_and(w, ~(1U << EVTCHN_FIFO_PENDING), __ATOMIC_SEQ_CST);
            handle_port(port);
        }
        fifo_local_head[q] = head;
        ready |= __atomic_exchange_n(&fifo_cb->ready, 0, __ATOMIC_SEQ_CST);
    }
}

static void upcall(struct trap_frame *f)
{
    (void)f;
    if (in_handler)
        nested++;
    in_handler = true;
    upcalls++;
    seen_upcall_pending += vi->evtchn_upcall_pending;
    vi->evtchn_upcall_pending = 0;
    if (fifo_mode)
        upcall_fifo();
    else
        upcall_2l();
    in_handler = false;
}

static void reset_counts(void)
{
    upcalls = 0;
    seen_sel = 0;
    seen_upcall_pending = 0;
    fifo_norder = 0;
    for (unsigned i = 0; i < NPORTS; i++)
        hits[i] = 0;
}

static bool pending(unsigned port)
{
    return s->evtchn_pending[port / 64] & (1UL << (port % 64));
}

static bool sel_bit(unsigned port)
{
    return vi->evtchn_pending_sel & (1UL << (port / 64));
}

static void set_mask(unsigned port, bool on)
{
    if (on)
        __atomic_fetch_or(&s->evtchn_mask[port / 64], 1UL << (port % 64), __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(&s->evtchn_mask[port / 64], ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
}

/* ---- op wrappers ---- */

static long alloc_unbound(domid_t dom, domid_t remote, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote, .port = 0xdead };
    long rc = evtchn_op(EVTCHNOP_alloc_unbound, &a);
    if (port)
        *port = a.port;
    return rc;
}

static long bind_interdomain(domid_t remote, evtchn_port_t rport, evtchn_port_t *port)
{
    struct evtchn_bind_interdomain b = { .remote_dom = remote, .remote_port = rport, .local_port = 0xdead };
    long rc = evtchn_op(EVTCHNOP_bind_interdomain, &b);
    if (port)
        *port = b.local_port;
    return rc;
}

static long bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu, .port = 0xdead };
    long rc = evtchn_op(EVTCHNOP_bind_virq, &b);
    if (port)
        *port = b.port;
    return rc;
}

static long bind_ipi(uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu, .port = 0xdead };
    long rc = evtchn_op(EVTCHNOP_bind_ipi, &b);
    if (port)
        *port = b.port;
    return rc;
}

static long send(evtchn_port_t port)
{
    struct evtchn_send a = { .port = port };
    return evtchn_op(EVTCHNOP_send, &a);
}

static long close_port(evtchn_port_t port)
{
    struct evtchn_close a = { .port = port };
    return evtchn_op(EVTCHNOP_close, &a);
}

static long unmask(evtchn_port_t port)
{
    struct evtchn_unmask a = { .port = port };
    return evtchn_op(EVTCHNOP_unmask, &a);
}

static long bind_vcpu(evtchn_port_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu a = { .port = port, .vcpu = vcpu };
    return evtchn_op(EVTCHNOP_bind_vcpu, &a);
}

static long status(domid_t dom, evtchn_port_t port, struct evtchn_status *st)
{
    memset(st, 0xa5, sizeof(*st));
    st->dom = dom;
    st->port = port;
    return evtchn_op(EVTCHNOP_status, st);
}

/* status must succeed with state `want`; returns the record. */
static struct evtchn_status expect_status(evtchn_port_t port, uint32_t want, const char *what)
{
    struct evtchn_status st;
    long rc = status(DOMID_SELF, port, &st);
    CHECK(rc == 0 && st.status == want, "%s: status of port %u: rc %ld state %u (want %u)", what, port,
          rc, st.status, want);
    return st;
}

/* ---- tests ---- */

static evtchn_port_t pa, pb;         /* the loopback pair */

static void test_loopback_bind(void)
{
    /* alloc_unbound: the port waits for a connection from the named domain. */
    CHECK_RC(alloc_unbound(DOMID_SELF, DOMID_SELF, &pa), 0);
    CHECK(pa > 0 && pa < NPORTS, "alloc_unbound gave port %u", pa);
    struct evtchn_status st = expect_status(pa, EVTCHNSTAT_unbound, "after alloc_unbound");
    /* Xen stores DOMID_SELF as the caller's real id. */
    CHECK(st.u.unbound.dom == SELF_ID && st.vcpu == 0, "unbound: dom %u vcpu %u", st.u.unbound.dom, st.vcpu);
    /* An unbound port has nobody to notify: send succeeds and drops it. */
    CHECK_RC(send(pa), 0);
    CHECK(!pending(pa), "send on an unbound port set it pending");

    CHECK_RC(bind_interdomain(DOMID_SELF, pa, &pb), 0);
    CHECK(pb > 0 && pb < NPORTS && pb != pa, "bind_interdomain gave port %u", pb);
    st = expect_status(pa, EVTCHNSTAT_interdomain, "bound end a");
    CHECK(st.u.interdomain.dom == SELF_ID && st.u.interdomain.port == pb, "a -> d%u port %u",
          st.u.interdomain.dom, st.u.interdomain.port);
    st = expect_status(pb, EVTCHNSTAT_interdomain, "bound end b");
    CHECK(st.u.interdomain.dom == SELF_ID && st.u.interdomain.port == pa && st.vcpu == 0,
          "b -> d%u port %u vcpu %u", st.u.interdomain.dom, st.u.interdomain.port, st.vcpu);

    /*
     * Xen marks the binding end pending right away ("we may have lost
     * notifications on the remote unbound port"), so a driver never misses
     * a send made before it connected. Events are masked at the vCPU level:
     * the bits are set, the upcall waits.
     */
    CHECK(pending(pb) && !pending(pa), "after bind: pending a %d b %d", pending(pa), pending(pb));
    CHECK(sel_bit(pb) && vi->evtchn_upcall_pending, "after bind: sel %#lx upcall_pending %u",
          (unsigned long)vi->evtchn_pending_sel, vi->evtchn_upcall_pending);
    CHECK(upcalls == 0, "upcall while masked");
    events_unmask();        /* the kick delivers the one upcall */
    CHECK(upcalls == 1 && hits[pb] == 1 && hits[pa] == 0, "bind's event: %u upcalls, hits a %u b %u",
          upcalls, hits[pa], hits[pb]);
    events_mask();
}

static void test_send_upcall(void)
{
    /*
     * Events unmasked: the upcall runs on the way out of the send
     * hypercall, before the next instruction, exactly once; the handler
     * cleared every bit it consumed.
     */
    events_unmask();
    for (int round = 0; round < 3; round++) {
        reset_counts();
        CHECK_RC(send(pa), 0);
        unsigned u = upcalls, hb = hits[pb], ha = hits[pa];
        CHECK(u == 1 && hb == 1 && ha == 0, "send a: %u upcalls, hits a %u b %u", u, ha, hb);
        CHECK(seen_upcall_pending == 1 && (seen_sel & (1UL << (pb / 64))), "upcall state: pending %u sel %#lx",
              seen_upcall_pending, (unsigned long)seen_sel);
        CHECK(!pending(pb) && !vi->evtchn_pending_sel && !vi->evtchn_upcall_pending,
              "state after handler: pending %d sel %#lx upcall_pending %u", pending(pb),
              (unsigned long)vi->evtchn_pending_sel, vi->evtchn_upcall_pending);
        /* The other direction. */
        reset_counts();
        CHECK_RC(send(pb), 0);
        CHECK(upcalls == 1 && hits[pa] == 1 && hits[pb] == 0, "send b: %u upcalls, hits a %u b %u",
              upcalls, hits[pa], hits[pb]);
    }
    CHECK(nested == 0, "upcall nested %u times", nested);
    events_mask();

    /* Masked at the vCPU: sends accumulate in the pending bit, one upcall on unmask. */
    reset_counts();
    CHECK_RC(send(pa), 0);
    CHECK_RC(send(pa), 0);
    CHECK_RC(send(pb), 0);
    CHECK(upcalls == 0 && pending(pa) && pending(pb) && vi->evtchn_upcall_pending,
          "masked sends: %u upcalls, pending %d %d", upcalls, pending(pa), pending(pb));
    events_unmask();
    CHECK(upcalls == 1 && hits[pa] == 1 && hits[pb] == 1, "after unmask: %u upcalls, hits a %u b %u",
          upcalls, hits[pa], hits[pb]);
    events_mask();
}

static void test_port_mask(void)
{
    events_unmask();
    reset_counts();
    /*
     * A masked port: Xen sets its pending bit but neither the selector bit
     * nor upcall_pending (2-level set_pending), so no upcall.
     */
    set_mask(pb, true);
    CHECK_RC(send(pa), 0);
    CHECK(upcalls == 0, "upcall for a masked port");
    CHECK(pending(pb) && !sel_bit(pb) && !vi->evtchn_upcall_pending,
          "masked send: pending %d sel %#lx upcall_pending %u", pending(pb),
          (unsigned long)vi->evtchn_pending_sel, vi->evtchn_upcall_pending);
    /* A second send on an already pending port changes nothing. */
    CHECK_RC(send(pa), 0);
    CHECK(upcalls == 0, "second masked send raised an upcall");
    /* EVTCHNOP_unmask clears the mask and, as the port is pending, delivers. */
    CHECK_RC(unmask(pb), 0);
    CHECK(!(s->evtchn_mask[pb / 64] & (1UL << (pb % 64))), "unmask left the mask bit");
    CHECK(upcalls == 1 && hits[pb] == 1, "unmask re-delivery: %u upcalls, hits %u", upcalls, hits[pb]);
    /* Unmasking a port that is not pending delivers nothing. */
    CHECK_RC(unmask(pb), 0);
    CHECK(upcalls == 1, "unmask of an idle port raised an upcall");
    /*
     * Mask, send, then clear the mask bit by hand: nothing is delivered, and
     * EVTCHNOP_unmask on a port whose mask is already clear does nothing
     * either (Xen's 2-level unmask only acts on a mask bit it clears itself).
     * That is why Linux, after clearing the bit, raises the selector and
     * upcall_pending itself when the port is pending, then kicks Xen.
     */
    set_mask(pb, true);
    CHECK_RC(send(pa), 0);
    set_mask(pb, false);
    CHECK(upcalls == 1 && pending(pb), "after a manual unmask: %u upcalls", upcalls);
    CHECK_RC(unmask(pb), 0);
    CHECK(upcalls == 1 && pending(pb), "unmask of an unmasked pending port: %u upcalls, pending %d", upcalls,
          pending(pb));
    if (!__atomic_fetch_or(&vi->evtchn_pending_sel, 1UL << (pb / 64), __ATOMIC_SEQ_CST))
        vi->evtchn_upcall_pending = 1;
    events_mask();
    events_unmask();        /* the kick */
    CHECK(upcalls == 2 && hits[pb] == 2 && !pending(pb), "Linux-style unmask: %u upcalls, hits %u", upcalls,
          hits[pb]);
    events_mask();
}

static void test_status_and_bind_vcpu(void)
{
    evtchn_port_t ipi, virq_t, virq_c;
    struct evtchn_status st;

    CHECK_RC(bind_ipi(0, &ipi), 0);
    st = expect_status(ipi, EVTCHNSTAT_ipi, "ipi");
    CHECK(st.vcpu == 0, "ipi vcpu %u", st.vcpu);
    CHECK_RC(bind_virq(VIRQ_TIMER, 0, &virq_t), 0);
    st = expect_status(virq_t, EVTCHNSTAT_virq, "virq timer");
    CHECK(st.u.virq == VIRQ_TIMER && st.vcpu == 0, "virq %u vcpu %u", st.u.virq, st.vcpu);
    CHECK_RC(bind_virq(VIRQ_CONSOLE, 0, &virq_c), 0);
    st = expect_status(virq_c, EVTCHNSTAT_virq, "virq console");
    CHECK(st.u.virq == VIRQ_CONSOLE, "virq %u", st.u.virq);

    /* A free port (one we allocated and closed) and the reserved port 0
     * read as closed. */
    evtchn_port_t freed;
    CHECK_RC(alloc_unbound(DOMID_SELF, DOMID_SELF, &freed), 0);
    CHECK_RC(close_port(freed), 0);
    expect_status(freed, EVTCHNSTAT_closed, "free port");
    expect_status(0, EVTCHNSTAT_closed, "port 0");
    /* Status of another domain's port: dom0 may look, a missing domain is -ESRCH. */
    CHECK_RC(status(SELF_ID, pa, &st), 0);
    CHECK(st.status == EVTCHNSTAT_interdomain, "status by own id: %u", st.status);
    CHECK_RC(status(7, 1, &st), -XEN_ESRCH);
    /* Beyond the 2-level ABI's 4096 ports. */
    CHECK_RC(status(DOMID_SELF, EVTCHN_2L_NR_CHANNELS, &st), -XEN_EINVAL);

    /*
     * bind_vcpu: interdomain and unbound ports and global VIRQs may move;
     * per-vCPU VIRQs and IPIs are tied to their vCPU (-EINVAL); a vCPU
     * that does not exist is -ENOENT (checked before the port).
     */
    CHECK_RC(bind_vcpu(pb, 0), 0);
    CHECK_RC(bind_vcpu(virq_c, 0), 0);
    CHECK_RC(bind_vcpu(virq_t, 0), -XEN_EINVAL);
    CHECK_RC(bind_vcpu(ipi, 0), -XEN_EINVAL);
    CHECK_RC(bind_vcpu(pb, 100), -XEN_ENOENT);
    CHECK_RC(bind_vcpu(NPORTS - 1, 0), -XEN_EINVAL);       /* free */
    CHECK_RC(bind_vcpu(EVTCHN_2L_NR_CHANNELS, 0), -XEN_EINVAL);
    evtchn_port_t u;
    CHECK_RC(alloc_unbound(DOMID_SELF, DOMID_SELF, &u), 0);
    CHECK_RC(bind_vcpu(u, 0), 0);

    /* bind_virq errors: a second binding of the same VIRQ on the vCPU is
     * -EEXIST; VIRQ numbers past NR_VIRQS -EINVAL; a global VIRQ only on
     * vCPU 0 (-EINVAL); a missing vCPU -ENOENT. */
    CHECK_RC(bind_virq(VIRQ_TIMER, 0, NULL), -XEN_EEXIST);
    CHECK_RC(bind_virq(VIRQ_CONSOLE, 0, NULL), -XEN_EEXIST);
    CHECK_RC(bind_virq(NR_VIRQS, 0, NULL), -XEN_EINVAL);
    CHECK_RC(bind_virq(VIRQ_CONSOLE, 1, NULL), -XEN_EINVAL);
    CHECK_RC(bind_virq(VIRQ_DEBUG, 100, NULL), -XEN_ENOENT);
    CHECK_RC(bind_ipi(100, NULL), -XEN_ENOENT);

    /* Sending on a VIRQ port is refused; on an IPI it notifies ourselves. */
    CHECK_RC(send(virq_t), -XEN_EINVAL);
    CHECK_RC(send(ipi), 0);
    CHECK(pending(ipi), "ipi send not pending");

    /*
     * Closing a VIRQ frees the binding (it can be bound again), closing a
     * pending port clears its pending bit (Xen clears it on free so a
     * re-used port starts clean).
     */
    CHECK_RC(close_port(virq_t), 0);
    expect_status(virq_t, EVTCHNSTAT_closed, "closed virq");
    evtchn_port_t again;
    CHECK_RC(bind_virq(VIRQ_TIMER, 0, &again), 0);
    CHECK(again == virq_t, "rebinding VIRQ_TIMER gave port %u, the lowest free is %u", again, virq_t);
    CHECK_RC(close_port(again), 0);
    CHECK_RC(close_port(ipi), 0);
    CHECK(!pending(ipi), "close left the port pending");
    CHECK_RC(close_port(virq_c), 0);
    CHECK_RC(close_port(u), 0);
}

static void test_close(void)
{
    struct evtchn_status st;

    /* Closing one end of the pair turns the other back into an unbound port
     * that waits for the same domain (us). */
    CHECK_RC(close_port(pa), 0);
    expect_status(pa, EVTCHNSTAT_closed, "closed end");
    st = expect_status(pb, EVTCHNSTAT_unbound, "surviving end");
    CHECK(st.u.unbound.dom == SELF_ID, "surviving end waits for d%u", st.u.unbound.dom);
    /* Sending on it is silently dropped; sending on the closed end fails. */
    CHECK_RC(send(pb), 0);
    CHECK(!pending(pa) && !pending(pb), "send after close set a pending bit");
    CHECK_RC(send(pa), -XEN_EINVAL);
    CHECK_RC(close_port(pa), -XEN_EINVAL);

    /* The survivor can be connected again. */
    evtchn_port_t c;
    CHECK_RC(bind_interdomain(DOMID_SELF, pb, &c), 0);
    CHECK(c == pa, "re-bind took port %u, the lowest free is %u", c, pa);
    events_unmask();
    reset_counts();
    CHECK_RC(send(pb), 0);
    CHECK(upcalls == 1 && hits[c] == 1, "send over the re-bound pair: %u upcalls hits %u", upcalls, hits[c]);
    events_mask();
    /* Close the other end this time. */
    CHECK_RC(close_port(pb), 0);
    st = expect_status(c, EVTCHNSTAT_unbound, "other survivor");
    CHECK_RC(close_port(c), 0);
}

static void test_errors(void)
{
    evtchn_port_t p, q;

    /* alloc_unbound in a domain that does not exist: -ESRCH. The remote
     * domain is not checked (it may be created later)... */
    CHECK_RC(alloc_unbound(7, DOMID_SELF, NULL), -XEN_ESRCH);
    CHECK_RC(alloc_unbound(DOMID_SELF, 7, &p), 0);
    /* ...but only that domain may bind to the port. */
    CHECK_RC(bind_interdomain(DOMID_SELF, p, NULL), -XEN_EINVAL);
    CHECK_RC(close_port(p), 0);

    /* bind_interdomain: missing remote domain, out-of-range, free and
     * already-bound remote ports. */
    CHECK_RC(alloc_unbound(DOMID_SELF, SELF_ID, &p), 0);
    CHECK_RC(bind_interdomain(7, p, NULL), -XEN_ESRCH);
    CHECK_RC(bind_interdomain(DOMID_SELF, EVTCHN_2L_NR_CHANNELS, NULL), -XEN_EINVAL);
    CHECK_RC(bind_interdomain(DOMID_SELF, NPORTS - 1, NULL), -XEN_EINVAL);
    CHECK_RC(bind_interdomain(SELF_ID, p, &q), 0);      /* our own id works like DOMID_SELF */
    CHECK_RC(bind_interdomain(DOMID_SELF, p, NULL), -XEN_EINVAL);
    CHECK_RC(bind_interdomain(DOMID_SELF, q, NULL), -XEN_EINVAL);
    CHECK_RC(close_port(q), 0);
    CHECK_RC(close_port(p), 0);

    /* Closed, reserved and out-of-range ports. */
    CHECK_RC(send(NPORTS - 1), -XEN_EINVAL);
    CHECK_RC(send(EVTCHN_2L_NR_CHANNELS), -XEN_EINVAL);
    CHECK_RC(send(0xffffffffU), -XEN_EINVAL);
    CHECK_RC(close_port(0), -XEN_EINVAL);
    CHECK_RC(close_port(EVTCHN_2L_NR_CHANNELS), -XEN_EINVAL);
    CHECK_RC(unmask(EVTCHN_2L_NR_CHANNELS), -XEN_EINVAL);

    /* The argument must be readable; unknown ops are -ENOSYS. */
    CHECK_RC(evtchn_op(EVTCHNOP_send, BAD_VA), -XEN_EFAULT);
    CHECK_RC(evtchn_op(EVTCHNOP_alloc_unbound, BAD_VA), -XEN_EFAULT);
    CHECK_RC(evtchn_op(EVTCHNOP_status, NONCANON_VA), -XEN_EFAULT);
    struct evtchn_send dummy = { 0 };
    CHECK_RC(evtchn_op(99, &dummy), -XEN_ENOSYS);
    CHECK_RC(evtchn_op(-1, &dummy), -XEN_ENOSYS);
}

static void test_reset(void)
{
    evtchn_port_t p[4];

    CHECK_RC(alloc_unbound(DOMID_SELF, DOMID_SELF, &p[0]), 0);
    CHECK_RC(bind_interdomain(DOMID_SELF, p[0], &p[1]), 0);
    CHECK_RC(bind_ipi(0, &p[2]), 0);
    CHECK_RC(bind_virq(VIRQ_TIMER, 0, &p[3]), 0);
    CHECK_RC(send(p[2]), 0);
    CHECK(pending(p[1]) && pending(p[2]), "before reset: pending %d %d", pending(p[1]), pending(p[2]));

    struct evtchn_reset r = { .dom = 7 };
    CHECK_RC(evtchn_op(EVTCHNOP_reset, &r), -XEN_ESRCH);
    r.dom = DOMID_SELF;
    CHECK_RC(evtchn_op(EVTCHNOP_reset, &r), 0);
    /* Every port is closed, pending bits cleared, VIRQs unbound. */
    for (int i = 0; i < 4; i++) {
        expect_status(p[i], EVTCHNSTAT_closed, "after reset");
        CHECK(!pending(p[i]), "port %u still pending after reset", p[i]);
    }
    /* Port numbers start again from the lowest (1: 0 is reserved). */
    evtchn_port_t n;
    CHECK_RC(bind_virq(VIRQ_TIMER, 0, &n), 0);
    CHECK(n == 1, "first port after reset %u", n);
    r.dom = SELF_ID;
    CHECK_RC(evtchn_op(EVTCHNOP_reset, &r), 0);
    expect_status(n, EVTCHNSTAT_closed, "after reset by id");
    CHECK_RC(evtchn_op(EVTCHNOP_reset, BAD_VA), -XEN_EFAULT);
    /* Nothing left pending anywhere for the FIFO switch below. */
    vi->evtchn_upcall_pending = 0;
    vi->evtchn_pending_sel = 0;
}

/* ---- FIFO ---- */

static void test_fifo(void)
{
    unsigned long cb_pfn = alloc_pfn(), arr_pfn = alloc_pfn();
    unsigned long cb_mfn = p2m()[cb_pfn], arr_mfn = p2m()[arr_pfn];
    scratch_init();
    unsigned long cb_va = scratch_va(0), arr_va = scratch_va(1);
    uint64_t pte = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY;
    CHECK_RC(update_va_mapping(cb_va, (cb_mfn << PAGE_SHIFT) | pte, UVMF_INVLPG), 0);
    CHECK_RC(update_va_mapping(arr_va, (arr_mfn << PAGE_SHIFT) | pte, UVMF_INVLPG), 0);
    memset((void *)cb_va, 0, PAGE_SIZE);
    /* As Linux does, new event-array pages start with every port masked. */
    for (unsigned i = 0; i < PAGE_SIZE / sizeof(event_word_t); i++)
        ((event_word_t *)arr_va)[i] = 1U << EVTCHN_FIFO_MASKED;

    /* expand_array before any control block: the domain is not FIFO yet. */
    struct evtchn_expand_array ea = { .array_gfn = arr_mfn };
    long rc = evtchn_op(EVTCHNOP_expand_array, &ea);
    CHECK(rc == -XEN_EOPNOTSUPP, "expand_array before init_control: %ld", rc);
    struct evtchn_set_priority sp = { .port = 1, .priority = 3 };
    rc = evtchn_op(EVTCHNOP_set_priority, &sp);
    /* The 2-level ABI has no priorities: Xen's port ops lack the hook (-ENOSYS). */
    CHECK(rc == -XEN_ENOSYS, "set_priority under 2-level: %ld", rc);

    /* init_control argument errors: misaligned, crossing the page, bad vCPU. */
    struct evtchn_init_control ic = { .control_gfn = cb_mfn, .offset = 4, .vcpu = 0 };
    CHECK_RC(evtchn_op(EVTCHNOP_init_control, &ic), -XEN_EINVAL);
    ic.offset = PAGE_SIZE - 8;
    CHECK_RC(evtchn_op(EVTCHNOP_init_control, &ic), -XEN_EINVAL);
    ic.offset = 64;
    ic.vcpu = 100;
    CHECK_RC(evtchn_op(EVTCHNOP_init_control, &ic), -XEN_ENOENT);

    /* The real thing: control block at offset 64 of its own page. */
    ic.vcpu = 0;
    ic.link_bits = 0;
    CHECK_RC(evtchn_op(EVTCHNOP_init_control, &ic), 0);
    CHECK(ic.link_bits == EVTCHN_FIFO_LINK_BITS, "link_bits %u", ic.link_bits);
    /* A second control block for the same vCPU is refused. */
    CHECK_RC(evtchn_op(EVTCHNOP_init_control, &ic), -XEN_EINVAL);
    fifo_cb = (evtchn_fifo_control_block_t *)(cb_va + 64);
    fifo_words = (volatile event_word_t *)arr_va;
    CHECK_RC(evtchn_op(EVTCHNOP_expand_array, &ea), 0);
    fifo_mode = true;

    /* A loopback pair over FIFO. */
    evtchn_port_t a, b;
    CHECK_RC(alloc_unbound(DOMID_SELF, DOMID_SELF, &a), 0);
    CHECK_RC(bind_interdomain(DOMID_SELF, a, &b), 0);
    CHECK(a < 1024 && b < 1024, "FIFO ports %u %u beyond page 0", a, b);
    if (failure_count())
        return;
    /* Port b came up pending (bind's fix-up) but masked: no link, no upcall. */
    CHECK((fifo_words[b] & (1U << EVTCHN_FIFO_PENDING)) && !(fifo_words[b] & (1U << EVTCHN_FIFO_LINKED)),
          "b after bind: word %#x", fifo_words[b]);
    /* Unmask both the Linux way: clear MASKED, then ask Xen to link a pending one. */
    __atomic_fetch_and(&fifo_words[a], ~(1U << EVTCHN_FIFO_MASKED), __ATOMIC_SEQ_CST);
    __atomic_fetch_and(&fifo_words[b], ~(1U << EVTCHN_FIFO_MASKED), __ATOMIC_SEQ_CST);
    reset_counts();
    CHECK_RC(unmask(b), 0);
    /* Linked into the default queue (7) at the head; ready bit 7; upcall_pending. */
    CHECK(fifo_words[b] & (1U << EVTCHN_FIFO_LINKED), "unmask did not link b: %#x", fifo_words[b]);
    CHECK(fifo_cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT] == b && fifo_cb->ready == (1U << EVTCHN_FIFO_PRIORITY_DEFAULT),
          "queue: head %u ready %#x", fifo_cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], fifo_cb->ready);
    CHECK(vi->evtchn_upcall_pending, "FIFO link did not set upcall_pending");
    events_unmask();
    CHECK(upcalls == 1 && hits[b] == 1, "FIFO bind event: %u upcalls hits %u", upcalls, hits[b]);
    CHECK(fifo_words[b] == 0 && fifo_cb->ready == 0, "after FIFO upcall: word %#x ready %#x", fifo_words[b],
          fifo_cb->ready);

    /* Send delivers through the queue, one upcall each. */
    for (int i = 0; i < 3; i++) {
        reset_counts();
        CHECK_RC(send(a), 0);
        CHECK(upcalls == 1 && hits[b] == 1 && hits[a] == 0, "FIFO send a: %u upcalls hits %u", upcalls, hits[b]);
        reset_counts();
        CHECK_RC(send(b), 0);
        CHECK(upcalls == 1 && hits[a] == 1, "FIFO send b: %u upcalls hits %u", upcalls, hits[a]);
    }

    /* Priorities: with the vCPU masked, send a (prio 7) then b after moving
     * b to priority 3; the upcall drains queue 3 (higher) before queue 7. */
    sp.port = a;
    sp.priority = 3;
    CHECK_RC(evtchn_op(EVTCHNOP_set_priority, &sp), 0);
    sp.priority = EVTCHN_FIFO_PRIORITY_MIN + 1;
    CHECK_RC(evtchn_op(EVTCHNOP_set_priority, &sp), -XEN_EINVAL);
    sp.port = 4000;     /* no event array page for it */
    sp.priority = 3;
    CHECK_RC(evtchn_op(EVTCHNOP_set_priority, &sp), -XEN_EINVAL);
    events_mask();
    reset_counts();
    CHECK_RC(send(a), 0);   /* b pending in queue 7 */
    CHECK_RC(send(b), 0);   /* a pending in queue 3 */
    CHECK(fifo_cb->ready == ((1U << 3) | (1U << 7)), "ready %#x", fifo_cb->ready);
    CHECK(fifo_cb->head[3] == a && fifo_cb->head[7] == b, "heads %u %u", fifo_cb->head[3], fifo_cb->head[7]);
    events_unmask();
    CHECK(upcalls == 1 && fifo_norder == 2 && fifo_order[0] == a && fifo_order[1] == b,
          "priority order: %u upcalls, %u events, first %u", upcalls, fifo_norder, fifo_order[0]);

    /* A masked FIFO port: pending, not linked, no upcall; unmask delivers. */
    reset_counts();
    __atomic_fetch_or(&fifo_words[b], 1U << EVTCHN_FIFO_MASKED, __ATOMIC_SEQ_CST);
    CHECK_RC(send(a), 0);
    CHECK(upcalls == 0 && (fifo_words[b] & (1U << EVTCHN_FIFO_PENDING)) &&
          !(fifo_words[b] & (1U << EVTCHN_FIFO_LINKED)), "masked FIFO send: %u upcalls word %#x", upcalls,
          fifo_words[b]);
    __atomic_fetch_and(&fifo_words[b], ~(1U << EVTCHN_FIFO_MASKED), __ATOMIC_SEQ_CST);
    CHECK_RC(unmask(b), 0);
    CHECK(upcalls == 1 && hits[b] == 1, "FIFO unmask re-delivery: %u upcalls hits %u", upcalls, hits[b]);
    events_mask();

    /* Status still works; reset takes the domain back to 2-level. */
    expect_status(a, EVTCHNSTAT_interdomain, "FIFO port");
    struct evtchn_reset r = { .dom = DOMID_SELF };
    CHECK_RC(evtchn_op(EVTCHNOP_reset, &r), 0);
    fifo_mode = false;
    sp.port = 1;
    rc = evtchn_op(EVTCHNOP_set_priority, &sp);
    CHECK(rc == -XEN_ENOSYS, "set_priority after reset to 2-level: %ld", rc);
    /* 2-level delivery works again. */
    evtchn_port_t x;
    CHECK_RC(bind_ipi(0, &x), 0);
    events_unmask();
    reset_counts();
    CHECK_RC(send(x), 0);
    CHECK(upcalls == 1 && hits[x] == 1, "2-level after FIFO reset: %u upcalls hits %u", upcalls, hits[x]);
    events_mask();
    CHECK_RC(close_port(x), 0);
}

void test_main(void)
{
    trap_init();
    s = shared_info();
    vi = &s->vcpu_info[0];
    events_init();
    event_hook = upcall;    /* our Linux-like handler instead of the runtime's */
    events_mask();

    test_loopback_bind();
    if (failure_count())
        finish();           /* no working pair: the rest would only repeat it */
    test_send_upcall();
    test_port_mask();
    test_status_and_bind_vcpu();
    test_close();
    test_errors();
    test_reset();
    test_fifo();
    finish();
}
