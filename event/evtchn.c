/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels: port state machine and the EVTCHNOP_* semantics.
 * See include/mica/evtchn.h for the states, locking and the ops contract.
 *
 * Each operation below notes Xen 4.17's behaviour where a guest can tell
 * the difference (error values and the order in which they are checked).
 */
#include <mica/evtchn.h>
#include <mica/string.h>

/*
 * Xen hands out ports in buckets (a page of struct evtchn, 64 on x86_64)
 * and treats every port inside an allocated bucket as "valid", even if
 * free. Guests can observe that: EVTCHNOP_status on a never-used port
 * inside the first bucket answers "closed", beyond it -EINVAL. We keep the
 * same granularity.
 */
#define EVTCHN_BUCKET 64u

/* ---- small helpers ---------------------------------------------------- */

uint32_t evtchn_max_ports(const struct evtchn_domain *d)
{
    uint32_t abi = d->abi == EVTCHN_ABI_FIFO ? ECORE_FIFO_NR_CHANNELS
                                             : ECORE_2L_NR_CHANNELS;
    uint32_t n = MIN(abi, d->nr_chans);

    return d->max_port < n ? d->max_port + 1 : n;
}

static bool port_valid(const struct evtchn_domain *d, uint32_t port)
{
    return port < d->valid;
}

static bool vcpu_valid(const struct evtchn_domain *d, uint32_t vcpu)
{
    return vcpu < d->nr_vcpus && d->vcpus[vcpu].online;
}

bool evtchn_virq_is_global(uint32_t virq)
{
    switch (virq) {
    case EVTCHN_VIRQ_TIMER:
    case EVTCHN_VIRQ_DEBUG:
    case EVTCHN_VIRQ_XENOPROF:
    case EVTCHN_VIRQ_XENPMU:
        return false;
    default:
        /* Everything else, including x86's arch VIRQs (VIRQ_MCA), is global. */
        return true;
    }
}

static void set_pending(struct evtchn_domain *d, uint32_t vcpu, uint32_t port)
{
    if (d->abi == EVTCHN_ABI_FIFO)
        evtchn_fifo_set_pending(d, vcpu, port);
    else
        evtchn_2l_set_pending(d, vcpu, port);
}

static void clear_pending(struct evtchn_domain *d, uint32_t port)
{
    if (d->abi == EVTCHN_ABI_FIFO)
        evtchn_fifo_clear_pending(d, port);
    else
        evtchn_2l_clear_pending(d, port);
}

static bool is_pending(const struct evtchn_domain *d, uint32_t port)
{
    return d->abi == EVTCHN_ABI_FIFO ? evtchn_fifo_is_pending(d, port)
                                     : evtchn_2l_is_pending(d, port);
}

/* Called when a port leaves FREE: per-ABI defaults (FIFO priority). */
static void port_init(struct evtchn_domain *d, uint32_t port)
{
    if (d->abi == EVTCHN_ABI_FIFO)
        evtchn_fifo_port_init(d, port);
}

/*
 * Back to FREE. The pending bit is cleared so the next owner of the port
 * does not inherit a stale event; the notify vCPU returns to 0 (the ABI
 * promises that a reused port starts bound to vCPU 0).
 */
static void free_chan(struct evtchn_domain *d, uint32_t port)
{
    struct evtchn_chan *c = &d->chans[port];

    clear_pending(d, port);
    c->state = ECS_FREE;
    c->notify_vcpu = 0;
    c->remote_dom = 0;
    c->u = 0;
}

/*
 * Find a free port (Xen's get_free_port): the lowest FREE port that is not
 * still linked on a FIFO queue. A dying domain gets -EINVAL, a full one
 * -ENOSPC. Must hold d's lock.
 */
static int get_free_port(struct evtchn_domain *d)
{
    uint32_t limit = evtchn_max_ports(d);

    if (d->dying)
        return -EVTCHN_EINVAL;
    for (uint32_t port = 0; port < limit; port++) {
        if (port < d->valid) {
            if (d->chans[port].state == ECS_FREE &&
                !(d->abi == EVTCHN_ABI_FIFO && evtchn_fifo_is_busy(d, port)))
                return (int)port;
            continue;
        }
        /* Open the next bucket. */
        uint32_t end = MIN(ALIGN_UP(port + 1, EVTCHN_BUCKET), d->nr_chans);

        memset(&d->chans[d->valid], 0, (end - d->valid) * sizeof(d->chans[0]));
        d->valid = end;
        return (int)port;
    }
    return -EVTCHN_ENOSPC;
}

/*
 * Domain by id for the "any id" hypercalls: DOMID_SELF and the caller's
 * own id give the caller itself (no reference needed: it is running).
 */
static struct evtchn_domain *get_any(struct evtchn_domain *caller, uint16_t dom)
{
    if (dom == EVTCHN_DOMID_SELF || dom == caller->domid)
        return caller;
    return caller->ops->get_domain(caller, dom);
}

static void put_any(struct evtchn_domain *caller, struct evtchn_domain *d)
{
    if (d != caller)
        caller->ops->put_domain(d);
}

static bool may_control(const struct evtchn_domain *caller,
                        const struct evtchn_domain *d)
{
    return caller == d || caller->ops->may_control(caller, d);
}

/* Lock two domains, lower domid first; once if they are the same. */
static void lock_pair(struct evtchn_domain *a, struct evtchn_domain *b)
{
    if (a == b) {
        a->ops->lock(a);
    } else if (a->domid < b->domid) {
        a->ops->lock(a);
        b->ops->lock(b);
    } else {
        b->ops->lock(b);
        a->ops->lock(a);
    }
}

static void unlock_pair(struct evtchn_domain *a, struct evtchn_domain *b)
{
    if (a != b)
        b->ops->unlock(b);
    a->ops->unlock(a);
}

/* ---- setup ---------------------------------------------------------------- */

void evtchn_domain_init(struct evtchn_domain *d, uint16_t domid,
                        const struct evtchn_ops *ops, void *owner,
                        struct evtchn_chan *chans, uint32_t nr_chans,
                        struct evtchn_vcpu *vcpus, uint32_t nr_vcpus)
{
    memset(d, 0, sizeof(*d));
    d->domid = domid;
    d->ops = ops;
    d->owner = owner;
    d->abi = EVTCHN_ABI_2L;
    d->chans = chans;
    d->nr_chans = nr_chans;
    d->max_port = nr_chans ? nr_chans - 1 : 0;
    d->vcpus = vcpus;
    d->nr_vcpus = nr_vcpus;
    memset(vcpus, 0, nr_vcpus * sizeof(vcpus[0]));
    for (uint32_t i = 0; i < nr_vcpus; i++)
        vcpus[i].online = true;
    /* Port 0 is never handed out: 0 means "no port" everywhere. */
    d->valid = MIN(EVTCHN_BUCKET, nr_chans);
    memset(chans, 0, d->valid * sizeof(chans[0]));
    if (nr_chans)
        chans[0].state = ECS_RESERVED;
}

void evtchn_set_max_port(struct evtchn_domain *d, uint32_t max_port)
{
    d->max_port = max_port;
}

void evtchn_attach_shared(struct evtchn_domain *d, uint64_t *pending, uint64_t *mask)
{
    d->sh_pending = pending;
    d->sh_mask = mask;
}

void evtchn_attach_vcpu_info(struct evtchn_domain *d, uint32_t v,
                             struct evtchn_vcpu_info *info)
{
    if (v < d->nr_vcpus)
        d->vcpus[v].info = info;
}

/* ---- close ------------------------------------------------------------- */

/*
 * Xen's evtchn_close. Errors: -EINVAL for an invalid, free or reserved
 * port. Closing one end of an interdomain channel turns the other end
 * back into UNBOUND, named for the closing domain, so the peer can wait
 * for a re-bind (this is how backends survive a frontend reconnect).
 *
 * The peer's lock is needed. If the peer has the lower domid we must drop
 * our lock, take the peer's, retake ours and look again: by then the port
 * may have been closed and re-bound elsewhere, which yields -EINVAL as if
 * we had seen it closed (it was, in between), exactly like Xen.
 */
static int close_port(struct evtchn_domain *d1, uint32_t port1)
{
    struct evtchn_domain *d2 = NULL;
    struct evtchn_chan *c;
    int rc = 0;

again:
    d1->ops->lock(d1);
    if (!port_valid(d1, port1)) {
        rc = -EVTCHN_EINVAL;
        goto out;
    }
    c = &d1->chans[port1];

    switch (c->state) {
    case ECS_FREE:
    case ECS_RESERVED:
        rc = -EVTCHN_EINVAL;
        goto out;

    case ECS_UNBOUND:
    case ECS_IPI:
        break;

    case ECS_PIRQ:
        if (d1->ops->pirq_unbind)
            d1->ops->pirq_unbind(d1, c->u);
        break;

    case ECS_VIRQ:
        for (uint32_t v = 0; v < d1->nr_vcpus; v++)
            if (d1->vcpus[v].virq_to_port[c->u] == port1)
                d1->vcpus[v].virq_to_port[c->u] = 0;
        break;

    case ECS_INTERDOMAIN: {
        struct evtchn_domain *peer;

        if (c->remote_dom == d1->domid) {
            peer = d1;              /* loopback: one lock covers both ends */
        } else if (d2 == NULL) {
            d2 = d1->ops->get_domain(d1, c->remote_dom);
            if (!d2) {
                /* Cannot happen while the link is symmetric; close our end. */
                break;
            }
            if (d1->domid < d2->domid) {
                d2->ops->lock(d2);
            } else {
                d1->ops->unlock(d1);
                d2->ops->lock(d2);
                goto again;
            }
            peer = d2;
        } else if (d2->domid != c->remote_dom) {
            rc = -EVTCHN_EINVAL;
            goto out;
        } else {
            peer = d2;
        }

        if (port_valid(peer, c->u)) {
            struct evtchn_chan *rc2 = &peer->chans[c->u];

            if (rc2->state == ECS_INTERDOMAIN && rc2->remote_dom == d1->domid &&
                rc2->u == port1) {
                rc2->state = ECS_UNBOUND;
                rc2->remote_dom = d1->domid;
                rc2->u = 0;
            }
        }
        break;
    }
    }

    free_chan(d1, port1);

out:
    if (d2) {
        d2->ops->unlock(d2);
        d1->ops->put_domain(d2);
    }
    d1->ops->unlock(d1);
    return rc;
}

int evtchn_close(struct evtchn_domain *d, uint32_t port)
{
    return close_port(d, port);
}

/* ---- allocation and binding ------------------------------------------- */

/*
 * EVTCHNOP_alloc_unbound. Xen: unknown dom -ESRCH; no free port -ENOSPC
 * (-EINVAL if dying); caller not allowed to act on dom -EPERM (checked
 * after a port was found). remote_dom is not validated; DOMID_SELF there
 * means the *caller*, not dom.
 */
int evtchn_alloc_unbound(struct evtchn_domain *caller, uint16_t dom,
                         uint16_t remote_dom, uint32_t *port)
{
    struct evtchn_domain *d = get_any(caller, dom);
    int p;

    if (!d)
        return -EVTCHN_ESRCH;
    d->ops->lock(d);
    p = get_free_port(d);
    if (p >= 0 && !may_control(caller, d))
        p = -EVTCHN_EPERM;
    if (p >= 0) {
        struct evtchn_chan *c = &d->chans[p];

        c->state = ECS_UNBOUND;
        c->remote_dom = remote_dom == EVTCHN_DOMID_SELF ? caller->domid : remote_dom;
        port_init(d, (uint32_t)p);
        *port = (uint32_t)p;
    }
    d->ops->unlock(d);
    put_any(caller, d);
    return p < 0 ? p : 0;
}

/*
 * EVTCHNOP_bind_interdomain. Xen: unknown remote -ESRCH; no local port
 * -ENOSPC; remote port invalid, not UNBOUND, or UNBOUND for someone else
 * -EINVAL. Binding to one's own unbound port (DOMID_SELF) gives a
 * loopback channel. The new local port is set pending once, because
 * events sent to the remote end while it was unbound were dropped.
 */
int evtchn_bind_interdomain(struct evtchn_domain *ld, uint16_t remote_dom,
                            uint32_t remote_port, uint32_t *local_port)
{
    struct evtchn_domain *rd;
    struct evtchn_chan *lc, *rc2;
    int lport, rc = 0;

    if (remote_dom == EVTCHN_DOMID_SELF)
        remote_dom = ld->domid;
    rd = get_any(ld, remote_dom);
    if (!rd)
        return -EVTCHN_ESRCH;

    lock_pair(ld, rd);
    lport = get_free_port(ld);
    if (lport < 0) {
        rc = lport;
        goto out;
    }
    if (!port_valid(rd, remote_port)) {
        rc = -EVTCHN_EINVAL;
        goto out;
    }
    rc2 = &rd->chans[remote_port];
    if (rc2->state != ECS_UNBOUND || rc2->remote_dom != ld->domid) {
        rc = -EVTCHN_EINVAL;
        goto out;
    }

    lc = &ld->chans[lport];
    lc->state = ECS_INTERDOMAIN;
    lc->remote_dom = rd->domid;
    lc->u = remote_port;
    port_init(ld, (uint32_t)lport);

    rc2->state = ECS_INTERDOMAIN;
    rc2->remote_dom = ld->domid;
    rc2->u = (uint32_t)lport;

    set_pending(ld, lc->notify_vcpu, (uint32_t)lport);
    *local_port = (uint32_t)lport;
out:
    unlock_pair(ld, rd);
    put_any(ld, rd);
    return rc;
}

/*
 * EVTCHNOP_bind_virq. Xen: virq >= NR_VIRQS -EINVAL; a global VIRQ on a
 * vCPU other than 0 -EINVAL; unknown vCPU -ENOENT; already bound on that
 * vCPU -EEXIST; no port -ENOSPC. Global VIRQs live in vCPU 0's table and
 * can later be moved with bind_vcpu; per-vCPU ones cannot.
 */
int evtchn_bind_virq(struct evtchn_domain *d, uint32_t virq, uint32_t vcpu,
                     uint32_t *port)
{
    int p;

    if (virq >= EVTCHN_NR_VIRQS)
        return -EVTCHN_EINVAL;
    if (evtchn_virq_is_global(virq) && vcpu != 0)
        return -EVTCHN_EINVAL;
    if (!vcpu_valid(d, vcpu))
        return -EVTCHN_ENOENT;

    d->ops->lock(d);
    if (d->vcpus[vcpu].virq_to_port[virq] != 0) {
        p = -EVTCHN_EEXIST;
    } else if ((p = get_free_port(d)) >= 0) {
        struct evtchn_chan *c = &d->chans[p];

        c->state = ECS_VIRQ;
        c->notify_vcpu = vcpu;
        c->u = virq;
        port_init(d, (uint32_t)p);
        d->vcpus[vcpu].virq_to_port[virq] = (uint32_t)p;
        *port = (uint32_t)p;
    }
    d->ops->unlock(d);
    return p < 0 ? p : 0;
}

/* EVTCHNOP_bind_ipi. Xen: unknown vCPU -ENOENT; no port -ENOSPC. */
int evtchn_bind_ipi(struct evtchn_domain *d, uint32_t vcpu, uint32_t *port)
{
    int p;

    if (!vcpu_valid(d, vcpu))
        return -EVTCHN_ENOENT;
    d->ops->lock(d);
    p = get_free_port(d);
    if (p >= 0) {
        struct evtchn_chan *c = &d->chans[p];

        c->state = ECS_IPI;
        c->notify_vcpu = vcpu;
        port_init(d, (uint32_t)p);
        *port = (uint32_t)p;
    }
    d->ops->unlock(d);
    return p < 0 ? p : 0;
}

/* Port bound to pirq, or 0. Must hold d's lock. */
static uint32_t pirq_port(const struct evtchn_domain *d, uint32_t pirq)
{
    for (uint32_t p = 1; p < d->valid; p++)
        if (d->chans[p].state == ECS_PIRQ && d->chans[p].u == pirq)
            return p;
    return 0;
}

/*
 * EVTCHNOP_bind_pirq. Xen: pirq out of range -EINVAL; no access -EPERM;
 * already bound -EEXIST; no port -ENOSPC; then the IRQ layer may refuse.
 * Here the IRQ layer is the glue's pirq_bind hook (Mica's is
 * arch/x86/irq.c); without one the call is -ENOSYS.
 */
int evtchn_bind_pirq(struct evtchn_domain *d, uint32_t pirq, uint32_t flags,
                     uint32_t *port)
{
    int p;

    if (pirq >= d->nr_pirqs)
        return -EVTCHN_EINVAL;
    if (!d->ops->pirq_permitted || !d->ops->pirq_permitted(d, pirq))
        return -EVTCHN_EPERM;

    d->ops->lock(d);
    if (pirq_port(d, pirq) != 0) {
        p = -EVTCHN_EEXIST;
    } else if ((p = get_free_port(d)) >= 0) {
        int rc = d->ops->pirq_bind
                     ? d->ops->pirq_bind(d, pirq, 0, flags & EVTCHN_BIND_PIRQ_WILL_SHARE)
                     : -EVTCHN_ENOSYS;
        if (rc < 0) {
            p = rc;     /* the port stays FREE */
        } else {
            struct evtchn_chan *c = &d->chans[p];

            c->state = ECS_PIRQ;
            c->u = pirq;
            c->notify_vcpu = 0;
            port_init(d, (uint32_t)p);
            *port = (uint32_t)p;
        }
    }
    d->ops->unlock(d);
    return p < 0 ? p : 0;
}

/* ---- send -------------------------------------------------------------- */

/*
 * EVTCHNOP_send. Xen: invalid port -EINVAL; INTERDOMAIN -> the peer's port
 * goes pending on the peer's notify vCPU; IPI -> our own port on its vCPU;
 * UNBOUND -> silently dropped (0); anything else (VIRQ, PIRQ, free,
 * reserved) -EINVAL.
 *
 * Delivery to the peer happens with both domains locked, after checking
 * that the link still exists: a close (which needs the same two locks)
 * either completes before - then we see UNBOUND/FREE and drop or fail - or
 * after, in which case it clears the pending bit it inherited. So an event
 * can never land on a peer port that has since been freed and reused.
 */
int evtchn_send(struct evtchn_domain *ld, uint32_t lport)
{
    for (;;) {
        struct evtchn_domain *rd;
        struct evtchn_chan *lc;
        uint16_t rdom;
        uint32_t rport;
        int rc = 0;

        ld->ops->lock(ld);
        if (!port_valid(ld, lport)) {
            ld->ops->unlock(ld);
            return -EVTCHN_EINVAL;
        }
        lc = &ld->chans[lport];
        switch (lc->state) {
        case ECS_IPI:
            set_pending(ld, lc->notify_vcpu, lport);
            break;
        case ECS_UNBOUND:
            break;
        case ECS_INTERDOMAIN:
            rdom = lc->remote_dom;
            rport = lc->u;
            if (rdom == ld->domid) {
                if (port_valid(ld, rport))
                    set_pending(ld, ld->chans[rport].notify_vcpu, rport);
                break;
            }
            rd = ld->ops->get_domain(ld, rdom);
            if (!rd)
                break;
            if (ld->domid > rdom) {
                /* Wrong order: retake both, lower domid first. */
                ld->ops->unlock(ld);
                lock_pair(ld, rd);
                if (lc->state != ECS_INTERDOMAIN || lc->remote_dom != rdom ||
                    lc->u != rport) {
                    unlock_pair(ld, rd);
                    ld->ops->put_domain(rd);
                    continue;       /* changed meanwhile: look again */
                }
            } else {
                rd->ops->lock(rd);
            }
            if (port_valid(rd, rport))
                set_pending(rd, rd->chans[rport].notify_vcpu, rport);
            rd->ops->unlock(rd);
            ld->ops->put_domain(rd);
            break;
        default:
            rc = -EVTCHN_EINVAL;
            break;
        }
        ld->ops->unlock(ld);
        return rc;
    }
}

/* ---- status, bind_vcpu, unmask, priority ------------------------------ */

/*
 * EVTCHNOP_status. Xen: unknown dom -ESRCH; invalid port -EINVAL; caller
 * may not inspect dom -EPERM. FREE and the reserved port 0 are "closed".
 */
int evtchn_status(struct evtchn_domain *caller, uint16_t dom, uint32_t port,
                  struct evtchn_status_info *st)
{
    struct evtchn_domain *d = get_any(caller, dom);
    int rc = 0;

    if (!d)
        return -EVTCHN_ESRCH;
    d->ops->lock(d);
    if (!port_valid(d, port)) {
        rc = -EVTCHN_EINVAL;
    } else if (!may_control(caller, d)) {
        rc = -EVTCHN_EPERM;
    } else {
        const struct evtchn_chan *c = &d->chans[port];

        memset(st, 0, sizeof(*st));
        switch (c->state) {
        case ECS_UNBOUND:
            st->status = EVTCHN_STAT_UNBOUND;
            st->dom = c->remote_dom;
            break;
        case ECS_INTERDOMAIN:
            st->status = EVTCHN_STAT_INTERDOMAIN;
            st->dom = c->remote_dom;
            st->port = c->u;
            break;
        case ECS_PIRQ:
            st->status = EVTCHN_STAT_PIRQ;
            st->pirq = c->u;
            break;
        case ECS_VIRQ:
            st->status = EVTCHN_STAT_VIRQ;
            st->virq = c->u;
            break;
        case ECS_IPI:
            st->status = EVTCHN_STAT_IPI;
            break;
        default:
            st->status = EVTCHN_STAT_CLOSED;
            break;
        }
        st->vcpu = c->notify_vcpu;
    }
    d->ops->unlock(d);
    put_any(caller, d);
    return rc;
}

/*
 * EVTCHNOP_bind_vcpu. Xen: unknown vCPU -ENOENT; invalid port -EINVAL;
 * only global VIRQs, UNBOUND, INTERDOMAIN and PIRQ ports can move (IPIs
 * and per-vCPU VIRQs are tied to their vCPU): anything else -EINVAL.
 * A pending event already delivered stays where it was; new ones go to
 * the new vCPU.
 */
int evtchn_bind_vcpu(struct evtchn_domain *d, uint32_t port, uint32_t vcpu)
{
    int rc = 0;

    if (!vcpu_valid(d, vcpu))
        return -EVTCHN_ENOENT;
    d->ops->lock(d);
    if (!port_valid(d, port)) {
        rc = -EVTCHN_EINVAL;
    } else {
        struct evtchn_chan *c = &d->chans[port];

        switch (c->state) {
        case ECS_VIRQ:
            if (evtchn_virq_is_global(c->u))
                c->notify_vcpu = vcpu;
            else
                rc = -EVTCHN_EINVAL;
            break;
        case ECS_UNBOUND:
        case ECS_INTERDOMAIN:
            c->notify_vcpu = vcpu;
            break;
        case ECS_PIRQ:
            if (c->notify_vcpu != vcpu) {
                c->notify_vcpu = vcpu;
                if (d->ops->pirq_set_affinity)
                    d->ops->pirq_set_affinity(d, c->u, vcpu);
            }
            break;
        default:
            rc = -EVTCHN_EINVAL;
            break;
        }
    }
    d->ops->unlock(d);
    return rc;
}

/*
 * EVTCHNOP_unmask. Xen: invalid port -EINVAL; otherwise clear the mask
 * and, if the port is pending, deliver it now to its notify vCPU.
 */
int evtchn_unmask(struct evtchn_domain *d, uint32_t port)
{
    d->ops->lock(d);
    if (!port_valid(d, port)) {
        d->ops->unlock(d);
        return -EVTCHN_EINVAL;
    }
    if (d->abi == EVTCHN_ABI_FIFO)
        evtchn_fifo_unmask(d, d->chans[port].notify_vcpu, port);
    else
        evtchn_2l_unmask(d, d->chans[port].notify_vcpu, port);
    d->ops->unlock(d);
    return 0;
}

/*
 * EVTCHNOP_set_priority. Xen: invalid port -EINVAL; 2-level ABI (no
 * priorities) -ENOSYS; priority > 15 -EINVAL. Takes effect the next time
 * the port is linked; an already queued event stays on its old queue.
 */
int evtchn_set_priority(struct evtchn_domain *d, uint32_t port, uint32_t priority)
{
    int rc = 0;

    d->ops->lock(d);
    if (!port_valid(d, port))
        rc = -EVTCHN_EINVAL;
    else if (d->abi != EVTCHN_ABI_FIFO)
        rc = -EVTCHN_ENOSYS;
    else if (priority > EVTCHN_FIFO_PRIORITY_MIN)
        rc = -EVTCHN_EINVAL;
    else
        d->chans[port].priority = (uint8_t)priority;
    d->ops->unlock(d);
    return rc;
}

/* ---- reset and destruction -------------------------------------------- */

static uint32_t bound_ports(const struct evtchn_domain *d)
{
    uint32_t n = 0;

    for (uint32_t p = 0; p < d->valid; p++)
        if (d->chans[p].state != ECS_FREE && d->chans[p].state != ECS_RESERVED)
            n++;
    return n;
}

/*
 * EVTCHNOP_reset (Xen 4.17's evtchn_reset). Errors: unknown dom -ESRCH;
 * caller may not act on dom -EPERM; resetting another domain that its
 * controller has not paused -EINVAL; a reset already in progress -EBUSY;
 * ports bound again while we were closing -EAGAIN. Closes every port
 * (peers of interdomain ports become UNBOUND). A domain using FIFO is
 * switched back to the 2-level ABI, as Xen does since kexec support: the
 * new kernel starts from the ABI every guest boots with.
 */
int evtchn_reset(struct evtchn_domain *caller, uint16_t dom)
{
    struct evtchn_domain *d = get_any(caller, dom);
    int rc = 0;

    if (!d)
        return -EVTCHN_ESRCH;
    if (!may_control(caller, d)) {
        rc = -EVTCHN_EPERM;
        goto out;
    }
    if (d != caller && !(d->ops->controller_paused && d->ops->controller_paused(d))) {
        rc = -EVTCHN_EINVAL;
        goto out;
    }

    d->ops->lock(d);
    if (d->resetting) {
        d->ops->unlock(d);
        rc = -EVTCHN_EBUSY;
        goto out;
    }
    d->resetting = true;
    d->ops->unlock(d);

    for (uint32_t p = 1; p < d->valid; p++)
        (void)close_port(d, p);

    d->ops->lock(d);
    d->resetting = false;
    if (bound_ports(d) != 0)
        rc = -EVTCHN_EAGAIN;
    else if (d->abi == EVTCHN_ABI_FIFO)
        evtchn_fifo_destroy(d);
    d->ops->unlock(d);
out:
    put_any(caller, d);
    return rc;
}

/*
 * Domain death: no new ports from now on (get_free_port refuses a dying
 * domain), close everything so peers see UNBOUND, and give the FIFO pages
 * back to the glue.
 */
void evtchn_domain_destroy(struct evtchn_domain *d)
{
    d->ops->lock(d);
    d->dying = true;
    d->ops->unlock(d);

    for (uint32_t p = 1; p < d->valid; p++)
        (void)close_port(d, p);

    d->ops->lock(d);
    if (d->abi == EVTCHN_ABI_FIFO)
        evtchn_fifo_destroy(d);
    d->ops->unlock(d);
}

/* ---- hypervisor-originated events ------------------------------------- */

void evtchn_send_vcpu_virq(struct evtchn_domain *d, uint32_t vcpu, uint32_t virq)
{
    uint32_t port;

    if (virq >= EVTCHN_NR_VIRQS || vcpu >= d->nr_vcpus || evtchn_virq_is_global(virq))
        return;
    d->ops->lock(d);
    port = d->vcpus[vcpu].virq_to_port[virq];
    if (port)
        set_pending(d, vcpu, port);
    d->ops->unlock(d);
}

void evtchn_send_global_virq(struct evtchn_domain *d, uint32_t virq)
{
    uint32_t port;

    if (virq >= EVTCHN_NR_VIRQS || d->nr_vcpus == 0 || !evtchn_virq_is_global(virq))
        return;
    d->ops->lock(d);
    port = d->vcpus[0].virq_to_port[virq];
    if (port)
        set_pending(d, d->chans[port].notify_vcpu, port);
    d->ops->unlock(d);
}

void evtchn_send_pirq_locked(struct evtchn_domain *d, uint32_t pirq)
{
    uint32_t port = pirq_port(d, pirq);

    if (port)
        set_pending(d, d->chans[port].notify_vcpu, port);
}

void evtchn_send_pirq(struct evtchn_domain *d, uint32_t pirq)
{
    d->ops->lock(d);
    evtchn_send_pirq_locked(d, pirq);
    d->ops->unlock(d);
}

uint32_t evtchn_pirq_port(struct evtchn_domain *d, uint32_t pirq)
{
    uint32_t port;

    d->ops->lock(d);
    port = pirq_port(d, pirq);
    d->ops->unlock(d);
    return port;
}

bool evtchn_port_masked(struct evtchn_domain *d, uint32_t port)
{
    bool masked;

    d->ops->lock(d);
    if (!port_valid(d, port))
        masked = true;
    else if (d->abi == EVTCHN_ABI_FIFO)
        masked = evtchn_fifo_is_masked(d, port);
    else
        masked = evtchn_2l_is_masked(d, port);
    d->ops->unlock(d);
    return masked;
}

int evtchn_poll_port(struct evtchn_domain *d, uint32_t port)
{
    int rc;

    d->ops->lock(d);
    /* As Xen: a free or reserved port (port 0) cannot be polled. */
    rc = port_valid(d, port) && d->chans[port].state > ECS_RESERVED ? is_pending(d, port)
                                                                    : -EVTCHN_EINVAL;
    d->ops->unlock(d);
    return rc;
}
