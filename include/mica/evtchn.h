/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels: the arch-free core.
 *
 * A port is a per-domain number naming one channel. Each port is in one of
 * these states:
 *
 *   FREE        not in use (the hypercalls report it as "closed")
 *   RESERVED    port 0: never allocated, so 0 can mean "no port"
 *   UNBOUND     allocated, waiting for a named remote domain to bind to it
 *   INTERDOMAIN connected to (remote domid, remote port); always symmetric
 *   VIRQ        bound to a virtual IRQ of one vCPU (or a global VIRQ)
 *   IPI         bound to one of the domain's own vCPUs
 *   PIRQ        bound to a physical IRQ (state only; the glue does the IRQ)
 *
 * Transitions (every EVTCHNOP_*): alloc_unbound FREE->UNBOUND;
 * bind_interdomain FREE->INTERDOMAIN locally and UNBOUND->INTERDOMAIN on
 * the remote; bind_virq/bind_ipi/bind_pirq FREE->VIRQ/IPI/PIRQ; close
 * any->FREE, and an INTERDOMAIN peer goes back to UNBOUND (named for the
 * closer) so it can be re-bound; reset and domain death close everything.
 *
 * Delivery sets a port pending through one of two guest-visible ABIs: the
 * 2-level bitmaps in shared_info (evtchn_2l.c) or the FIFO queues
 * (evtchn_fifo.c), chosen by the guest with EVTCHNOP_init_control.
 *
 * What the core needs from the rest of the hypervisor comes through
 * struct evtchn_ops (domain lookup and references, privilege checks, vCPU
 * kicks, locks). The core never maps guest memory: the glue hands it
 * already-validated pointers (the shared_info bitmaps, each vCPU's
 * vcpu_info, FIFO control blocks and event-array pages). Storage for ports
 * and per-vCPU state is also provided by the glue, so there is no
 * allocation here.
 *
 * Locking: every operation on a domain's channels holds that domain's
 * event lock (ops->lock/unlock). Operations touching two domains
 * (bind_interdomain, close of an interdomain port, send to a remote) take
 * both locks, the lower domid first, as Xen does, so two domains doing
 * mirror-image operations cannot deadlock. ops->get_domain and
 * ops->put_domain may be called with event locks held: they must not take
 * any event lock themselves. Delivery into a domain (set pending) always
 * happens under the receiving domain's lock, which is what serialises the
 * FIFO queue tails; ops->kick is called with that lock held and must not
 * take an event lock either.
 *
 * Errors are negative Xen errno values (EVTCHN_E*), which are the values
 * guests see from the hypercall.
 */
#ifndef MICA_EVTCHN_H
#define MICA_EVTCHN_H

#include <mica/types.h>

/* Xen's errno values (public/errno.h), returned negated. */
#define EVTCHN_EPERM        1
#define EVTCHN_ENOENT       2
#define EVTCHN_ESRCH        3
#define EVTCHN_EAGAIN      11
#define EVTCHN_ENOMEM      12
#define EVTCHN_EBUSY       16
#define EVTCHN_EEXIST      17
#define EVTCHN_EINVAL      22
#define EVTCHN_ENOSPC      28
#define EVTCHN_ENOSYS      38
#define EVTCHN_EOPNOTSUPP  95

/* ABI constants (public/xen.h, public/event_channel.h). */
#define EVTCHN_DOMID_SELF          0x7FF0u
#define EVTCHN_DOMID_FIRST_RESERVED 0x7FF0u
#define EVTCHN_NR_VIRQS            24
#define EVTCHN_VIRQ_TIMER          0
#define EVTCHN_VIRQ_DEBUG          1
#define EVTCHN_VIRQ_XENOPROF       7
#define EVTCHN_VIRQ_XENPMU         13
#define ECORE_2L_NR_CHANNELS      4096u   /* 64 words * 64 bits on x86_64 */
#define ECORE_FIFO_NR_CHANNELS    (1u << 17)
#define EVTCHN_FIFO_LINK_BITS      17
#define EVTCHN_FIFO_PRIORITY_MAX   0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN   15
#define ECORE_FIFO_MAX_QUEUES     16
#define EVTCHN_FIFO_WORDS_PER_PAGE 1024u   /* 4 KiB of uint32_t words */
#define EVTCHN_FIFO_MAX_PAGES      (ECORE_FIFO_NR_CHANNELS / EVTCHN_FIFO_WORDS_PER_PAGE)
#define EVTCHN_BIND_PIRQ_WILL_SHARE 1

/* Event word bits (FIFO ABI). */
#define EVTCHN_FIFO_PENDING   31
#define EVTCHN_FIFO_MASKED    30
#define EVTCHN_FIFO_LINKED    29
#define EVTCHN_FIFO_BUSY      28
#define ECORE_FIFO_LINK_MASK ((1u << EVTCHN_FIFO_LINK_BITS) - 1)

/* EVTCHNSTAT_* values reported by status. */
enum evtchn_stat {
    EVTCHN_STAT_CLOSED = 0,
    EVTCHN_STAT_UNBOUND = 1,
    EVTCHN_STAT_INTERDOMAIN = 2,
    EVTCHN_STAT_PIRQ = 3,
    EVTCHN_STAT_VIRQ = 4,
    EVTCHN_STAT_IPI = 5,
};

enum evtchn_state {
    ECS_FREE = 0,
    ECS_RESERVED,
    ECS_UNBOUND,
    ECS_INTERDOMAIN,
    ECS_PIRQ,
    ECS_VIRQ,
    ECS_IPI,
};

/*
 * The first 16 bytes of struct vcpu_info (public/xen.h): the only part
 * event delivery writes. The glue points each vCPU at its vcpu_info.
 */
struct evtchn_vcpu_info {
    uint8_t upcall_pending;
    uint8_t upcall_mask;
    uint8_t pad[6];
    uint64_t pending_sel;
};

/* struct evtchn_fifo_control_block (public/event_channel.h). */
struct evtchn_fifo_cb {
    uint32_t ready;
    uint32_t rsvd;
    uint32_t head[ECORE_FIFO_MAX_QUEUES];
};

/* One channel. Private to the core; the glue only provides the storage. */
struct evtchn_chan {
    uint8_t state;            /* enum evtchn_state */
    uint8_t priority;         /* FIFO priority for the next linking */
    uint8_t fifo_pending;     /* FIFO: pending while its event word is unmapped */
    uint8_t last_priority;    /* FIFO: queue the port was last linked on ... */
    uint32_t last_vcpu;       /* ... and its vCPU */
    uint32_t notify_vcpu;     /* vCPU that is told about this port */
    uint16_t remote_dom;      /* UNBOUND: who may bind; INTERDOMAIN: peer */
    uint16_t pad;
    uint32_t u;               /* INTERDOMAIN: remote port; VIRQ: virq; PIRQ: pirq */
};

struct evtchn_fifo_queue {
    uint32_t tail;            /* last port linked on this queue (0 = none) */
};

/* Per-vCPU state; the glue provides an array of nr_vcpus of these. */
struct evtchn_vcpu {
    bool online;                          /* vCPU exists (Xen's d->vcpu[i]) */
    struct evtchn_vcpu_info *info;        /* mapped vcpu_info, or NULL */
    uint32_t virq_to_port[EVTCHN_NR_VIRQS];
    struct evtchn_fifo_cb *fifo_cb;       /* FIFO control block, or NULL */
    void *fifo_cb_page;                   /* page it lives in (for fifo_unmap) */
    struct evtchn_fifo_queue fifo_q[ECORE_FIFO_MAX_QUEUES];
};

struct evtchn_domain;

/*
 * Services from the hypervisor. Functions marked optional may be NULL.
 */
struct evtchn_ops {
    /* Find a live domain by id and take a reference, or NULL. */
    struct evtchn_domain *(*get_domain)(struct evtchn_domain *caller, uint16_t domid);
    void (*put_domain)(struct evtchn_domain *d);
    /* Xen's XSM_TARGET rule: caller is target, or privileged over it. */
    bool (*may_control)(const struct evtchn_domain *caller,
                        const struct evtchn_domain *target);
    /* The event lock of one domain. */
    void (*lock)(struct evtchn_domain *d);
    void (*unlock)(struct evtchn_domain *d);
    /* evtchn_upcall_pending went 0 -> 1 on this vCPU: make it notice. */
    void (*kick)(struct evtchn_domain *d, uint32_t vcpu);
    /* optional: a port became pending; wake SCHEDOP_poll waiters. */
    void (*poll_wake)(struct evtchn_domain *d, uint32_t port);
    /* optional: is the domain paused by its controller (reset rule). */
    bool (*controller_paused)(const struct evtchn_domain *d);
    /* optional: physical IRQ hooks. Without pirq_bind, bind_pirq is -ENOSYS. */
    bool (*pirq_permitted)(const struct evtchn_domain *d, uint32_t pirq);
    int (*pirq_bind)(struct evtchn_domain *d, uint32_t pirq, uint32_t vcpu, bool share);
    void (*pirq_unbind)(struct evtchn_domain *d, uint32_t pirq);
    void (*pirq_set_affinity)(struct evtchn_domain *d, uint32_t pirq, uint32_t vcpu);
    /* optional: a FIFO page handed to the core is no longer used. */
    void (*fifo_unmap)(struct evtchn_domain *d, void *page);
};

enum evtchn_abi { EVTCHN_ABI_2L, EVTCHN_ABI_FIFO };

struct evtchn_domain {
    uint16_t domid;
    bool dying;
    bool resetting;
    enum evtchn_abi abi;
    const struct evtchn_ops *ops;
    void *owner;                  /* the glue's domain, for its callbacks */

    struct evtchn_chan *chans;    /* storage for nr_chans ports */
    uint32_t nr_chans;
    uint32_t valid;               /* ports [0, valid) have been handed out in buckets */
    uint32_t max_port;            /* highest port the domain may use */
    uint32_t nr_pirqs;            /* pirqs [0, nr_pirqs) may be bound */

    struct evtchn_vcpu *vcpus;
    uint32_t nr_vcpus;

    /* 2-level ABI: shared_info's evtchn_pending[] / evtchn_mask[] (64 words). */
    uint64_t *sh_pending;
    uint64_t *sh_mask;

    /* FIFO ABI: event-array pages, EVTCHN_FIFO_WORDS_PER_PAGE words each. */
    uint32_t *fifo_pages[EVTCHN_FIFO_MAX_PAGES];
    uint32_t fifo_nr_words;
};

/* Status of one port (EVTCHNOP_status OUT fields). */
struct evtchn_status_info {
    enum evtchn_stat status;
    uint32_t vcpu;
    uint16_t dom;     /* UNBOUND / INTERDOMAIN */
    uint32_t port;    /* INTERDOMAIN */
    uint32_t virq;    /* VIRQ */
    uint32_t pirq;    /* PIRQ */
};

/* ---- setup (glue) ---------------------------------------------------- */

/*
 * Initialise d. chans/nr_chans is the port storage (at least 1), vcpus an
 * array of nr_vcpus (all marked online). Port 0 is reserved, the ABI is
 * 2-level and max_port is the storage limit.
 */
void evtchn_domain_init(struct evtchn_domain *d, uint16_t domid,
                        const struct evtchn_ops *ops, void *owner,
                        struct evtchn_chan *chans, uint32_t nr_chans,
                        struct evtchn_vcpu *vcpus, uint32_t nr_vcpus);
/* Lower the highest usable port (toolstack's max_evtchn_port). */
void evtchn_set_max_port(struct evtchn_domain *d, uint32_t max_port);
/* The shared_info bitmaps (64 uint64_t words each). */
void evtchn_attach_shared(struct evtchn_domain *d, uint64_t *pending, uint64_t *mask);
/* Point vCPU v at its vcpu_info (NULL detaches). */
void evtchn_attach_vcpu_info(struct evtchn_domain *d, uint32_t v,
                             struct evtchn_vcpu_info *info);

/* Close every port of a dying domain; later allocations fail with -EINVAL. */
void evtchn_domain_destroy(struct evtchn_domain *d);

/* ---- hypercalls (EVTCHNOP_*); caller is the domain making the call ---- */

int evtchn_alloc_unbound(struct evtchn_domain *caller, uint16_t dom,
                         uint16_t remote_dom, uint32_t *port);
int evtchn_bind_interdomain(struct evtchn_domain *caller, uint16_t remote_dom,
                            uint32_t remote_port, uint32_t *local_port);
int evtchn_bind_virq(struct evtchn_domain *d, uint32_t virq, uint32_t vcpu,
                     uint32_t *port);
int evtchn_bind_ipi(struct evtchn_domain *d, uint32_t vcpu, uint32_t *port);
int evtchn_bind_pirq(struct evtchn_domain *d, uint32_t pirq, uint32_t flags,
                     uint32_t *port);
int evtchn_close(struct evtchn_domain *d, uint32_t port);
int evtchn_send(struct evtchn_domain *d, uint32_t port);
int evtchn_status(struct evtchn_domain *caller, uint16_t dom, uint32_t port,
                  struct evtchn_status_info *st);
int evtchn_bind_vcpu(struct evtchn_domain *d, uint32_t port, uint32_t vcpu);
int evtchn_unmask(struct evtchn_domain *d, uint32_t port);
int evtchn_reset(struct evtchn_domain *caller, uint16_t dom);
int evtchn_set_priority(struct evtchn_domain *d, uint32_t port, uint32_t priority);
/*
 * FIFO setup. The glue translates and maps the guest frame first; cb
 * points at the start of that mapped page (offset is applied here after
 * checking it). On error the glue unmaps the page again.
 */
int evtchn_init_control(struct evtchn_domain *d, uint32_t vcpu, void *page,
                        uint32_t offset, uint8_t *link_bits);
int evtchn_expand_array(struct evtchn_domain *d, void *page);

/* ---- hypervisor-originated events ------------------------------------ */

/* Per-vCPU VIRQ (TIMER, DEBUG, ...). */
void evtchn_send_vcpu_virq(struct evtchn_domain *d, uint32_t vcpu, uint32_t virq);
/* Global VIRQ (bound on vCPU 0's table, delivered to its notify vCPU). */
void evtchn_send_global_virq(struct evtchn_domain *d, uint32_t virq);
/* Physical IRQ routed to the port bound to pirq, if any. */
void evtchn_send_pirq(struct evtchn_domain *d, uint32_t pirq);
/*
 * The same with d's event lock already held by the caller (the glue's
 * device interrupt takes it with a trylock: it must never wait for it).
 */
void evtchn_send_pirq_locked(struct evtchn_domain *d, uint32_t pirq);
/* The port bound to pirq, 0 if none. */
uint32_t evtchn_pirq_port(struct evtchn_domain *d, uint32_t pirq);
/* Is the port masked (an invalid port counts as masked)? */
bool evtchn_port_masked(struct evtchn_domain *d, uint32_t port);
bool evtchn_virq_is_global(uint32_t virq);

/* ---- queries ---------------------------------------------------------- */

/* For SCHEDOP_poll: <0 error, 0 not pending, 1 pending. */
int evtchn_poll_port(struct evtchn_domain *d, uint32_t port);
/* Ports a domain may use under its current ABI and limits. */
uint32_t evtchn_max_ports(const struct evtchn_domain *d);

/* ---- ABI back ends (internal to event/, used by evtchn.c) ------------- */

void evtchn_2l_set_pending(struct evtchn_domain *d, uint32_t vcpu, uint32_t port);
void evtchn_2l_clear_pending(struct evtchn_domain *d, uint32_t port);
void evtchn_2l_unmask(struct evtchn_domain *d, uint32_t vcpu, uint32_t port);
bool evtchn_2l_is_pending(const struct evtchn_domain *d, uint32_t port);
bool evtchn_2l_is_masked(const struct evtchn_domain *d, uint32_t port);

void evtchn_fifo_set_pending(struct evtchn_domain *d, uint32_t vcpu, uint32_t port);
void evtchn_fifo_clear_pending(struct evtchn_domain *d, uint32_t port);
void evtchn_fifo_unmask(struct evtchn_domain *d, uint32_t vcpu, uint32_t port);
bool evtchn_fifo_is_pending(const struct evtchn_domain *d, uint32_t port);
bool evtchn_fifo_is_masked(const struct evtchn_domain *d, uint32_t port);
bool evtchn_fifo_is_busy(const struct evtchn_domain *d, uint32_t port);
void evtchn_fifo_port_init(struct evtchn_domain *d, uint32_t port);
void evtchn_fifo_destroy(struct evtchn_domain *d);

/* Set evtchn_upcall_pending on a vCPU and kick it if it was clear. */
void evtchn_mark_vcpu_pending(struct evtchn_domain *d, uint32_t vcpu);

#endif
