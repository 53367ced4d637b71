/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A split-driver ring inside one guest: the "front" allocates a page,
 * grants it to itself and initialises a request/response ring on it
 * (DEFINE_RING_TYPES, include/public/io/ring.h); the "back" maps the page
 * through the grant (GNTTABOP_map_grant_ref by linear address) and serves
 * the ring over that second mapping. A loopback event channel (alloc_unbound
 * to DOMID_SELF + bind_interdomain) carries the notifications both ways.
 *
 * A pseudo-random schedule interleaves front batches, back steps and front
 * response steps with random budgets, for several thousand requests; the
 * indices start just below 2^32 so the free-running counters wrap mid-run
 * (and the 128 slots wrap many times). Every response is checked, and every
 * notification is predicted independently of the macros by the rule the
 * thresholds implement: a producer must notify exactly when the consumer
 * has gone idle (its final check found nothing and armed the threshold)
 * since the producer last published. Each notification must arrive as
 * exactly one event on the peer's port, and only while the peer is idle
 * (never a spurious wake-up, never a lost one: all requests complete).
 */
#include "../lib/guest.h"
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/io/ring.h>

const char test_title[] = "shared ring over a self-granted page with a loopback event channel";

#define SELF_ID 0
#define REF_RING 10
#define TOTAL 6000
#define START_IDX ((RING_IDX)0 - 2500)     /* the 32-bit indices wrap after 2500 */

struct test_req { uint32_t id; uint32_t op; uint64_t val; };
struct test_rsp { uint32_t id; int32_t status; uint64_t val; };
DEFINE_RING_TYPES(test, struct test_req, struct test_rsp);

static test_front_ring_t front;
static test_back_ring_t back;
static evtchn_port_t front_port, back_port;     /* front sends on front_port, back listens on back_port */

static volatile unsigned front_events, back_events;     /* upcall hits per port */
static unsigned long upcalls;

static void upcall(struct trap_frame *f)
{
    (void)f;
    shared_info_t *s = shared_info();
    vcpu_info_t *v = &s->vcpu_info[0];
    upcalls++;
    v->evtchn_upcall_pending = 0;
    unsigned long sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while (sel) {
        unsigned w = __builtin_ctzl(sel);
        sel &= sel - 1;
        unsigned long bits = __atomic_exchange_n(&s->evtchn_pending[w], 0, __ATOMIC_SEQ_CST) &
                             ~s->evtchn_mask[w];
        while (bits) {
            unsigned port = w * 64 + __builtin_ctzl(bits);
            bits &= bits - 1;
            if (port == back_port)
                back_events++;
            else if (port == front_port)
                front_events++;
        }
    }
}

static long gnttab_op(unsigned cmd, void *arg, unsigned count)
{
    return HC3(__HYPERVISOR_grant_table_op, cmd, arg, count);
}

static uint32_t rng = 12345;
static uint32_t rnd(uint32_t n)
{
    rng = rng * 1103515245u + 12345u;
    return (rng >> 16) % n;
}

static uint64_t value_of(uint32_t id) { return (uint64_t)id * 0x9e3779b97f4a7c15ULL; }

/* Model state: who is idle (armed its threshold) and expected counts. */
static bool back_idle = true, front_idle = true;    /* SHARED_RING_INIT arms both at index+1 */
static bool back_awake, front_awake;                /* woken by an event and not yet idle again */
static unsigned req_notifies, rsp_notifies, req_predicted, rsp_predicted;
static unsigned sent, answered, next_check;
static unsigned pending_rsp;                        /* requests consumed by the back, not yet pushed */

static long send(evtchn_port_t port)
{
    struct evtchn_send a = { .port = port };
    return evtchn_op(EVTCHNOP_send, &a);
}

/* Front: produce a batch of requests and notify if the macro says so. */
static void front_push(unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        struct test_req *r = RING_GET_REQUEST(&front, front.req_prod_pvt);
        r->id = sent;
        r->op = sent % 3;
        r->val = value_of(sent);
        front.req_prod_pvt++;
        sent++;
    }
    int notify;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
    bool predicted = back_idle;     /* the back armed req_event since our last push */
    back_idle = false;
    if (predicted)
        req_predicted++;
    CHECK(notify == predicted, "request push of %u: notify %d, predicted %d (sent %u)", n, notify, predicted,
          sent);
    if (notify) {
        req_notifies++;
        unsigned before = back_events;
        CHECK_RC(send(front_port), 0);
        /* Events are unmasked: the upcall ran before send() returned. */
        CHECK(back_events == before + 1, "request notify: %u back events (was %u)", back_events, before);
        back_awake = true;
    }
}

/* Back: consume up to budget requests, answer them, then maybe go idle. */
static void back_step(unsigned budget)
{
    if (!back_awake)
        return;
    while (budget) {
        RING_IDX prod = back.sring->req_prod;
        xen_rmb();
        while (back.req_cons != prod && budget) {
            struct test_req req = *RING_GET_REQUEST(&back, back.req_cons);
            back.req_cons++;
            budget--;
            struct test_rsp *rsp = RING_GET_RESPONSE(&back, back.rsp_prod_pvt);
            rsp->id = req.id;
            rsp->status = (int32_t)req.op;
            rsp->val = req.op == 0 ? req.val : req.op == 1 ? ~req.val : req.val + req.id;
            back.rsp_prod_pvt++;
            pending_rsp++;
        }
        /* Push responses in random-sized groups, as a driver completing I/O would. */
        if (pending_rsp && (rnd(2) || !budget || back.req_cons == prod)) {
            int notify;
            RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, notify);
            pending_rsp = 0;
            bool predicted = front_idle;
            front_idle = false;
            if (predicted)
                rsp_predicted++;
            CHECK(notify == predicted, "response push: notify %d, predicted %d", notify, predicted);
            if (notify) {
                rsp_notifies++;
                unsigned before = front_events;
                CHECK_RC(send(back_port), 0);
                CHECK(front_events == before + 1, "response notify: %u front events", front_events);
                front_awake = true;
            }
        }
        if (!budget)
            return;             /* still busy: no final check, threshold not armed */
        int more;
        RING_FINAL_CHECK_FOR_REQUESTS(&back, more);
        if (!more) {
            if (pending_rsp)
                continue;       /* publish what is left before sleeping */
            back_idle = true;
            back_awake = false;
            return;
        }
    }
}

/* Front: consume up to budget responses and check each. */
static void front_step(unsigned budget)
{
    if (!front_awake)
        return;
    while (budget) {
        RING_IDX prod = front.sring->rsp_prod;
        xen_rmb();
        while (front.rsp_cons != prod && budget) {
            struct test_rsp rsp = *RING_GET_RESPONSE(&front, front.rsp_cons);
            front.rsp_cons++;
            budget--;
            uint32_t op = rsp.id % 3;
            uint64_t v = value_of(rsp.id);
            uint64_t want = op == 0 ? v : op == 1 ? ~v : v + rsp.id;
            /* One back, one queue: responses come in request order. */
            CHECK(rsp.id == next_check && rsp.status == (int32_t)op && rsp.val == want,
                  "response %u: id %u status %d val %#lx", next_check, rsp.id, rsp.status,
                  (unsigned long)rsp.val);
            next_check++;
            answered++;
        }
        if (!budget)
            return;
        int more;
        RING_FINAL_CHECK_FOR_RESPONSES(&front, more);
        if (!more) {
            front_idle = true;
            front_awake = false;
            return;
        }
    }
}

void test_main(void)
{
    trap_init();
    scratch_init();
    shared_info_t *s = shared_info();

    /* The front's page, its own mapping at scratch_va(30). */
    unsigned long ring_mfn = p2m()[alloc_pfn()];
    uint64_t rw = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY;
    CHECK_RC(update_va_mapping(scratch_va(30), (ring_mfn << PAGE_SHIFT) | rw, UVMF_INVLPG), 0);
    test_sring_t *fs = (test_sring_t *)scratch_va(30);
    memset(fs, 0, PAGE_SIZE);
    SHARED_RING_INIT(fs);
    /* Start the free-running indices just below 2^32; thresholds one past. */
    fs->req_prod = fs->rsp_prod = START_IDX;
    fs->req_event = fs->rsp_event = START_IDX + 1;
    FRONT_RING_ATTACH(&front, fs, START_IDX, PAGE_SIZE);
    CHECK(RING_SIZE(&front) == 128, "ring of 16-byte entries in a page: %u slots", RING_SIZE(&front));

    /* Grant it (to ourselves) through our grant table's first frame. */
    xen_pfn_t gframe = 0;
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1, .status = 99 };
    set_xen_guest_handle(st.frame_list, &gframe);
    CHECK_RC(gnttab_op(GNTTABOP_setup_table, &st, 1), 0);
    CHECK(st.status == GNTST_okay, "setup_table status %d", st.status);
    CHECK_RC(update_va_mapping(scratch_va(20), (gframe << PAGE_SHIFT) | rw, UVMF_INVLPG), 0);
    grant_entry_v1_t *gtab = (grant_entry_v1_t *)scratch_va(20);
    gtab[REF_RING].domid = SELF_ID;
    gtab[REF_RING].frame = (uint32_t)ring_mfn;
    __atomic_store_n(&gtab[REF_RING].flags, (uint16_t)GTF_permit_access, __ATOMIC_SEQ_CST);

    /* The back maps the grant by linear address and attaches to the ring. */
    struct gnttab_map_grant_ref m = { .host_addr = scratch_va(1), .flags = GNTMAP_host_map,
                                      .ref = REF_RING, .dom = SELF_ID, .status = 99 };
    CHECK_RC(gnttab_op(GNTTABOP_map_grant_ref, &m, 1), 0);
    CHECK(m.status == GNTST_okay, "map_grant_ref status %d", m.status);
    if (failure_count())
        finish();
    test_sring_t *bs = (test_sring_t *)scratch_va(1);
    CHECK(bs->req_prod == START_IDX, "the back's mapping shows req_prod %#x", bs->req_prod);
    BACK_RING_ATTACH(&back, bs, START_IDX, PAGE_SIZE);

    /* Loopback channel: the back offers a port, the front binds to it. */
    events_init();
    event_hook = upcall;
    events_mask();
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    CHECK_RC(evtchn_op(EVTCHNOP_alloc_unbound, &au), 0);
    back_port = au.port;
    struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF, .remote_port = back_port };
    CHECK_RC(evtchn_op(EVTCHNOP_bind_interdomain, &bi), 0);
    front_port = bi.local_port;
    if (failure_count())
        finish();
    /* bind_interdomain leaves the binding (front) end pending: consume it
     * now, so the counts below are the ring's alone. */
    events_unmask();
    CHECK(front_events == 1 && back_events == 0, "bind fix-up event: front %u back %u", front_events,
          back_events);
    front_events = 0;

    /* The schedule. */
    unsigned steps = 0;
    while (answered < TOTAL && steps < 200000 && !failure_count()) {
        steps++;
        switch (rnd(3)) {
        case 0: {
            unsigned room = RING_FREE_REQUESTS(&front);
            unsigned left = TOTAL - sent;
            unsigned n = 1 + rnd(12);
            if (n > room)
                n = room;
            if (n > left)
                n = left;
            if (n)
                front_push(n);
            break;
        }
        case 1:
            back_step(1 + rnd(16));
            break;
        default:
            front_step(1 + rnd(16));
            break;
        }
        /* A full ring blocks the front: the schedule lets the others run. */
    }
    CHECK(answered == TOTAL && sent == TOTAL, "after %u steps: sent %u answered %u", steps, sent, answered);
    CHECK(back_events == req_notifies && front_events == rsp_notifies,
          "events back %u (notifies %u), front %u (notifies %u)", back_events, req_notifies, front_events,
          rsp_notifies);
    CHECK(req_notifies == req_predicted && rsp_notifies == rsp_predicted, "notifies %u/%u predicted %u/%u",
          req_notifies, rsp_notifies, req_predicted, rsp_predicted);
    /* Batching must have saved notifications, else the test proved nothing. */
    CHECK(req_notifies > 10 && req_notifies < TOTAL / 2 && rsp_notifies > 10 && rsp_notifies < TOTAL / 2,
          "notification counts %u/%u", req_notifies, rsp_notifies);
    CHECK((RING_IDX)(front.req_prod_pvt - START_IDX) == TOTAL && front.req_prod_pvt < START_IDX,
          "indices did not wrap: %#x", front.req_prod_pvt);
    printk("ring: %u requests, %u steps, %u request and %u response notifications, %lu upcalls\n", TOTAL,
           steps, req_notifies, rsp_notifies, upcalls);
    events_mask();
    (void)s;

    /* Tear down: unmap the back's view, revoke the grant, close the channel. */
    struct gnttab_unmap_grant_ref u = { .host_addr = scratch_va(1), .handle = m.handle, .status = 99 };
    CHECK_RC(gnttab_op(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    CHECK(u.status == GNTST_okay, "unmap status %d", u.status);
    uint16_t expect = GTF_permit_access;
    CHECK(__atomic_compare_exchange_n(&gtab[REF_RING].flags, &expect, 0, false, __ATOMIC_SEQ_CST,
                                      __ATOMIC_SEQ_CST), "revoking the unmapped grant: flags %#x", expect);
    struct evtchn_close c = { .port = front_port };
    CHECK_RC(evtchn_op(EVTCHNOP_close, &c), 0);
    c.port = back_port;
    CHECK_RC(evtchn_op(EVTCHNOP_close, &c), 0);
    finish();
}
