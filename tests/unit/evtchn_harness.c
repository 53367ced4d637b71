/* SPDX-License-Identifier: GPL-2.0-only */
/* Fake domains for the event-channel tests (see evtchn_harness.h). */
#include <stdlib.h>
#include <string.h>
#include "evtchn_harness.h"



struct tdom *doms[8];

static struct tdom *T(struct evtchn_domain *d) { return d->owner; }

static struct evtchn_domain *op_get(struct evtchn_domain *caller, uint16_t id)
{
    if (id >= 8 || !doms[id])
        return NULL;
    __atomic_fetch_add(&doms[id]->refs, 1, __ATOMIC_SEQ_CST);
    return &doms[id]->ed;
}

static void op_put(struct evtchn_domain *d)
{
    __atomic_fetch_sub(&T(d)->refs, 1, __ATOMIC_SEQ_CST);
}

static bool op_may(const struct evtchn_domain *c, const struct evtchn_domain *t)
{
    return ((struct tdom *)c->owner)->privileged;
}

static void op_lock(struct evtchn_domain *d) { pthread_mutex_lock(&T(d)->lock); }
static void op_unlock(struct evtchn_domain *d) { pthread_mutex_unlock(&T(d)->lock); }

static void op_kick(struct evtchn_domain *d, uint32_t v)
{
    __atomic_fetch_add(&T(d)->kicks[v], 1, __ATOMIC_SEQ_CST);
}

static void op_poll(struct evtchn_domain *d, uint32_t port) { T(d)->polls++; }
static bool op_paused(const struct evtchn_domain *d) { return ((struct tdom *)d->owner)->paused; }
static bool op_pirq_ok(const struct evtchn_domain *d, uint32_t p) { return ((struct tdom *)d->owner)->pirq_ok; }

static int op_pirq_bind(struct evtchn_domain *d, uint32_t pirq, uint32_t v, bool share)
{
    T(d)->pirq_binds++;
    return pirq == 13 ? -EVTCHN_EBUSY : 0;     /* 13: IRQ layer refuses */
}

static void op_pirq_unbind(struct evtchn_domain *d, uint32_t pirq) { T(d)->pirq_unbinds++; }
static void op_affinity(struct evtchn_domain *d, uint32_t p, uint32_t v) { T(d)->affinity_calls++; }
static void op_unmap(struct evtchn_domain *d, void *page) { T(d)->unmaps++; }

const struct evtchn_ops ops = {
    .get_domain = op_get, .put_domain = op_put, .may_control = op_may,
    .lock = op_lock, .unlock = op_unlock, .kick = op_kick,
    .poll_wake = op_poll, .controller_paused = op_paused,
    .pirq_permitted = op_pirq_ok, .fifo_unmap = op_unmap,
};

const struct evtchn_ops ops_pirq = {
    .get_domain = op_get, .put_domain = op_put, .may_control = op_may,
    .lock = op_lock, .unlock = op_unlock, .kick = op_kick,
    .poll_wake = op_poll, .controller_paused = op_paused,
    .pirq_permitted = op_pirq_ok, .pirq_bind = op_pirq_bind,
    .pirq_unbind = op_pirq_unbind, .pirq_set_affinity = op_affinity,
    .fifo_unmap = op_unmap,
};

struct tdom *mk_ops(uint16_t id, uint32_t nv, bool priv, const struct evtchn_ops *o)
{
    struct tdom *t = calloc(1, sizeof(*t));

    pthread_mutex_init(&t->lock, NULL);
    t->privileged = priv;
    evtchn_domain_init(&t->ed, id, o, t, t->chans, NCH, t->vcpus, nv);
    evtchn_attach_shared(&t->ed, t->pending, t->mask);
    for (uint32_t i = 0; i < nv; i++)
        evtchn_attach_vcpu_info(&t->ed, i, &t->vi[i]);
    doms[id] = t;
    return t;
}

struct tdom *mk(uint16_t id, uint32_t nv, bool priv)
{
    return mk_ops(id, nv, priv, &ops);
}

void teardown(void)
{
    for (int i = 0; i < 8; i++) {
        if (doms[i]) {
            ck_assert_int_eq(doms[i]->refs, 0);    /* no leaked references */
            pthread_mutex_destroy(&doms[i]->lock);
            free(doms[i]);
            doms[i] = NULL;
        }
    }
}


bool pend(struct tdom *t, uint32_t p) { return (t->pending[p / 64] >> (p % 64)) & 1; }
void set_mask(struct tdom *t, uint32_t p) { t->mask[p / 64] |= 1ull << (p % 64); }

struct evtchn_status_info st_of(struct tdom *caller, uint16_t dom, uint32_t port)
{
    struct evtchn_status_info st;

    memset(&st, 0xee, sizeof(st));
    ck_assert_int_eq(evtchn_status(E(caller), dom, port, &st), 0);
    return st;
}

/* A <-> B interdomain pair: B offers, A binds. */
void connect(struct tdom *a, struct tdom *b, uint32_t *pa, uint32_t *pb)
{
    ck_assert_int_eq(evtchn_alloc_unbound(E(b), SELF, a->ed.domid, pb), 0);
    ck_assert_int_eq(evtchn_bind_interdomain(E(a), b->ed.domid, *pb, pa), 0);
}

