/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FIFO event delivery (EVTCHNOP_init_control and friends).
 *
 * Guest-visible state:
 *   event array   one 32-bit word per port, in pages the guest adds with
 *                 EVTCHNOP_expand_array (1024 ports per page). A word holds
 *                 PENDING, MASKED, LINKED and BUSY flags and a 17-bit LINK:
 *                 the next port on the same queue.
 *   control block one per vCPU (EVTCHNOP_init_control): READY, one bit per
 *                 priority with a non-empty queue, and HEAD[16], the first
 *                 port of each priority's queue.
 * Each (vCPU, priority) queue is a singly linked list through LINK. The
 * hypervisor appends at the tail (it alone remembers the tail, privately);
 * the guest consumes from HEAD, clearing LINKED on each word it takes.
 *
 * Appending (set pending):
 *  - PENDING is set atomically; the port is linked only if it is unmasked
 *    and was not LINKED already (test-and-set LINKED, so a port is on at
 *    most one queue).
 *  - If the queue has a tail and that tail word is still LINKED, the new
 *    port goes into the tail's LINK field with a compare-and-swap that only
 *    succeeds while LINKED is set. If the guest unlinked the tail first,
 *    the queue is empty as far as the guest is concerned, so the port
 *    becomes the new HEAD instead.
 *  - The guest may change a LINKED word concurrently (mask, unmask, clear
 *    PENDING, unlink), so the CAS can fail. After the first failure we set
 *    BUSY, which the guest honours by not unmasking the word, bounding the
 *    retries; BUSY is cleared again by the successful CAS.
 *  - READY[priority] is set when the port became a HEAD (the queue was
 *    empty); if READY was clear, the vCPU gets an upcall.
 * A channel remembers the queue it was last linked on: if it moves (new
 * priority, new vCPU) while still being the old queue's tail, the old tail
 * is forgotten so a later append to the old queue does not link into the
 * new one.
 *
 * Serialisation: all calls come from evtchn.c with the domain's event
 * lock held, so the private tails need no lock of their own (Xen uses a
 * lock per queue because its locking is per channel).
 */
#include <mica/evtchn.h>

#define BIT(n) (1u << (n))

static uint32_t *word_of(const struct evtchn_domain *d, uint32_t port)
{
    if (port >= d->fifo_nr_words)
        return NULL;
    return d->fifo_pages[port / EVTCHN_FIFO_WORDS_PER_PAGE] +
           port % EVTCHN_FIFO_WORDS_PER_PAGE;
}

static bool word_test(const uint32_t *w, unsigned int bit)
{
    return (__atomic_load_n(w, __ATOMIC_SEQ_CST) & BIT(bit)) != 0;
}

static bool word_test_and_set(uint32_t *w, unsigned int bit)
{
    return (__atomic_fetch_or(w, BIT(bit), __ATOMIC_SEQ_CST) & BIT(bit)) != 0;
}

static void word_clear(uint32_t *w, unsigned int bit)
{
    __atomic_fetch_and(w, ~BIT(bit), __ATOMIC_SEQ_CST);
}

/*
 * One CAS attempt to put link into *word while it is LINKED.
 * Returns 1 linked, 0 tail no longer linked, -1 lost a race (retry).
 */
static int try_link(uint32_t *word, uint32_t *seen, uint32_t link)
{
    uint32_t want;

    if (!(*seen & BIT(EVTCHN_FIFO_LINKED)))
        return 0;
    want = (*seen & ~(BIT(EVTCHN_FIFO_BUSY) | ECORE_FIFO_LINK_MASK)) | link;
    if (__atomic_compare_exchange_n(word, seen, want, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        return 1;
    return -1;   /* *seen now holds the current value */
}

/* Link port after the tail word. Returns true if it is now on the list. */
static bool link_after(uint32_t *tail_word, uint32_t port)
{
    uint32_t seen = __atomic_load_n(tail_word, __ATOMIC_SEQ_CST);
    int r = try_link(tail_word, &seen, port);

    if (r >= 0)
        return r == 1;

    word_test_and_set(tail_word, EVTCHN_FIFO_BUSY);
    seen = __atomic_load_n(tail_word, __ATOMIC_SEQ_CST);
    /*
     * With BUSY set the guest may still mask, clear PENDING or unlink,
     * each at most once, so a few attempts suffice for a guest that
     * follows the rules.
     */
    for (int tries = 0; tries < 4; tries++) {
        r = try_link(tail_word, &seen, port);
        if (r == 1)
            return true;          /* the CAS also cleared BUSY */
        if (r == 0) {
            word_clear(tail_word, EVTCHN_FIFO_BUSY);
            return false;
        }
    }
    /*
     * A guest that keeps rewriting the word loses this event, as on Xen
     * (which also reports "linked" here); the hypervisor is unharmed.
     */
    word_clear(tail_word, EVTCHN_FIFO_BUSY);
    return true;
}

void evtchn_fifo_set_pending(struct evtchn_domain *d, uint32_t vcpu, uint32_t port)
{
    struct evtchn_chan *c = &d->chans[port];
    uint32_t *word = word_of(d, port);
    struct evtchn_vcpu *v, *old_v;
    struct evtchn_fifo_queue *q, *old_q;
    bool was_pending, linked = true;
    uint8_t prio;

    if (!word) {
        /* No event word yet: remember it; expand_array raises it. */
        c->fifo_pending = 1;
        return;
    }
    if (vcpu >= d->nr_vcpus)
        return;
    v = &d->vcpus[vcpu];
    prio = c->priority;
    q = &v->fifo_q[prio];
    old_v = &d->vcpus[c->last_vcpu < d->nr_vcpus ? c->last_vcpu : 0];
    old_q = &old_v->fifo_q[c->last_priority];

    was_pending = word_test_and_set(word, EVTCHN_FIFO_PENDING);

    /*
     * Without a control block there is nowhere to queue. The guest may
     * not unmask before it has one, so the PENDING bit is enough.
     */
    if (v->fifo_cb && !word_test(word, EVTCHN_FIFO_MASKED) &&
        !word_test_and_set(word, EVTCHN_FIFO_LINKED)) {
        if (old_q->tail == port)
            old_q->tail = 0;
        if (old_q != q) {
            c->last_vcpu = vcpu;
            c->last_priority = prio;
        }
        linked = false;
        if (q->tail) {
            uint32_t *tw = word_of(d, q->tail);

            if (tw)
                linked = link_after(tw, port);
        }
        if (!linked)
            __atomic_store_n(&v->fifo_cb->head[prio], port, __ATOMIC_SEQ_CST);
        q->tail = port;
    }

    if (!linked && !word_test_and_set(&v->fifo_cb->ready, prio))
        evtchn_mark_vcpu_pending(d, vcpu);
    if (!was_pending && d->ops->poll_wake)
        d->ops->poll_wake(d, port);
}

void evtchn_fifo_clear_pending(struct evtchn_domain *d, uint32_t port)
{
    uint32_t *word = word_of(d, port);

    d->chans[port].fifo_pending = 0;
    /* Only PENDING: the guest unlinks words it finds not pending. */
    if (word)
        word_clear(word, EVTCHN_FIFO_PENDING);
}

void evtchn_fifo_unmask(struct evtchn_domain *d, uint32_t vcpu, uint32_t port)
{
    uint32_t *word = word_of(d, port);

    if (!word)
        return;
    word_clear(word, EVTCHN_FIFO_MASKED);
    if (word_test(word, EVTCHN_FIFO_PENDING))
        evtchn_fifo_set_pending(d, vcpu, port);
}

bool evtchn_fifo_is_pending(const struct evtchn_domain *d, uint32_t port)
{
    const uint32_t *word = word_of(d, port);

    return word && word_test(word, EVTCHN_FIFO_PENDING);
}

bool evtchn_fifo_is_masked(const struct evtchn_domain *d, uint32_t port)
{
    const uint32_t *word = word_of(d, port);

    return !word || word_test(word, EVTCHN_FIFO_MASKED);
}

/* A free port still LINKED on a queue cannot be reused yet (as in Xen). */
bool evtchn_fifo_is_busy(const struct evtchn_domain *d, uint32_t port)
{
    const uint32_t *word = word_of(d, port);

    return word && word_test(word, EVTCHN_FIFO_LINKED);
}

void evtchn_fifo_port_init(struct evtchn_domain *d, uint32_t port)
{
    d->chans[port].priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
}

void evtchn_fifo_destroy(struct evtchn_domain *d)
{
    for (uint32_t i = 0; i < d->nr_vcpus; i++) {
        struct evtchn_vcpu *v = &d->vcpus[i];

        if (v->fifo_cb_page && d->ops->fifo_unmap)
            d->ops->fifo_unmap(d, v->fifo_cb_page);
        v->fifo_cb = NULL;
        v->fifo_cb_page = NULL;
        for (unsigned int p = 0; p < ECORE_FIFO_MAX_QUEUES; p++)
            v->fifo_q[p].tail = 0;
    }
    for (uint32_t i = 0; i < EVTCHN_FIFO_MAX_PAGES; i++) {
        if (d->fifo_pages[i] && d->ops->fifo_unmap)
            d->ops->fifo_unmap(d, d->fifo_pages[i]);
        d->fifo_pages[i] = NULL;
    }
    d->fifo_nr_words = 0;
    for (uint32_t p = 0; p < d->valid && p < d->nr_chans; p++)
        d->chans[p].fifo_pending = 0;
    d->abi = EVTCHN_ABI_2L;
}

/*
 * Switching a live domain from 2-level to FIFO: ports bound so far keep
 * their pending state (latched into fifo_pending until their event word
 * exists) and get the default priority.
 */
static void switch_to_fifo(struct evtchn_domain *d)
{
    uint32_t limit = MIN(d->valid, MIN(d->nr_chans, ECORE_2L_NR_CHANNELS));

    for (uint32_t i = 0; i < d->nr_vcpus; i++) {
        d->vcpus[i].fifo_cb = NULL;
        d->vcpus[i].fifo_cb_page = NULL;
        for (unsigned int p = 0; p < ECORE_FIFO_MAX_QUEUES; p++)
            d->vcpus[i].fifo_q[p].tail = 0;
    }
    d->fifo_nr_words = 0;
    for (uint32_t port = 1; port < limit; port++) {
        struct evtchn_chan *c = &d->chans[port];

        c->fifo_pending = evtchn_2l_is_pending(d, port);
        c->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
        c->last_vcpu = 0;
        c->last_priority = 0;
    }
    d->abi = EVTCHN_ABI_FIFO;
}

/*
 * EVTCHNOP_init_control. Xen: link_bits is written even on failure;
 * unknown vCPU -ENOENT; offset must leave the whole block inside the page
 * and be 8-byte aligned (-EINVAL); a vCPU's block can be set only once
 * (-EINVAL). The first call switches the domain to FIFO.
 */
int evtchn_init_control(struct evtchn_domain *d, uint32_t vcpu, void *page,
                        uint32_t offset, uint8_t *link_bits)
{
    struct evtchn_vcpu *v;
    int rc = 0;

    *link_bits = EVTCHN_FIFO_LINK_BITS;
    if (vcpu >= d->nr_vcpus || !d->vcpus[vcpu].online)
        return -EVTCHN_ENOENT;
    if (offset > PAGE_SIZE - sizeof(struct evtchn_fifo_cb) || (offset & 7))
        return -EVTCHN_EINVAL;
    if (!page)
        return -EVTCHN_EINVAL;
    v = &d->vcpus[vcpu];

    d->ops->lock(d);
    if (d->abi != EVTCHN_ABI_FIFO)
        switch_to_fifo(d);
    if (v->fifo_cb) {
        rc = -EVTCHN_EINVAL;
    } else {
        v->fifo_cb_page = page;
        v->fifo_cb = (struct evtchn_fifo_cb *)((uint8_t *)page + offset);
    }
    d->ops->unlock(d);
    return rc;
}

/*
 * EVTCHNOP_expand_array: add the next page of event words. Xen: -EOPNOTSUPP
 * before init_control, -ENOSPC once all 2^17 ports have words. Events that
 * arrived for ports of the new page while it was missing are raised now.
 */
int evtchn_expand_array(struct evtchn_domain *d, void *page)
{
    uint32_t first, slot;

    if (d->abi != EVTCHN_ABI_FIFO)
        return -EVTCHN_EOPNOTSUPP;
    if (!page)
        return -EVTCHN_EINVAL;

    d->ops->lock(d);
    if (d->abi != EVTCHN_ABI_FIFO) {
        d->ops->unlock(d);
        return -EVTCHN_EOPNOTSUPP;
    }
    first = d->fifo_nr_words;
    slot = first / EVTCHN_FIFO_WORDS_PER_PAGE;
    if (slot >= EVTCHN_FIFO_MAX_PAGES) {
        d->ops->unlock(d);
        return -EVTCHN_ENOSPC;
    }
    d->fifo_pages[slot] = page;
    d->fifo_nr_words = first + EVTCHN_FIFO_WORDS_PER_PAGE;

    for (uint32_t port = first; port < d->fifo_nr_words && port < d->valid &&
                                port < d->nr_chans; port++) {
        struct evtchn_chan *c = &d->chans[port];

        if (c->fifo_pending) {
            c->fifo_pending = 0;
            evtchn_fifo_set_pending(d, c->notify_vcpu, port);
        }
    }
    d->ops->unlock(d);
    return 0;
}
