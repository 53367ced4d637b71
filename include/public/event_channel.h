/* SPDX-License-Identifier: MIT */
/*
 * event_channel.h - event channels: HYPERVISOR_event_channel_op.
 *
 * An event channel is a numbered port in a domain that can be bound to
 * one source: the other end of an interdomain channel, a virtual IRQ, a
 * physical IRQ (pirq) or an IPI from another vCPU of the same domain.
 * When the source fires, the port becomes pending and, if not masked, the
 * bound vCPU gets an upcall (its event callback runs). Ports carry no
 * data; shared memory (grant tables, rings) carries the data.
 *
 * Two ways to find pending ports:
 *   2-level ABI (default): bits in shared_info.evtchn_pending/mask and
 *     vcpu_info.evtchn_pending_sel; EVTCHN_2L_NR_CHANNELS ports.
 *   FIFO ABI (after EVTCHNOP_init_control): one 32-bit event word per
 *     port in guest pages, linked into per-vCPU, per-priority queues;
 *     up to EVTCHN_FIFO_NR_CHANNELS ports.
 *
 * long HYPERVISOR_event_channel_op(int cmd, void *arg)
 *   cmd is EVTCHNOP_*, arg points at the matching struct evtchn_*.
 *   Returns 0 or a negative error; OUT fields are written on success.
 *   Common errors: -EFAULT (arg unreadable), -EINVAL (bad port, vCPU or
 *   VIRQ), -EPERM (not allowed for this domain), -ESRCH (no such domain),
 *   -ENOSPC/-EMFILE (no free port), -ENOSYS (unknown cmd).
 *   Example: struct evtchn_send s = { .port = p };
 *            HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
 */
#ifndef MICA_PUBLIC_EVENT_CHANNEL_H
#define MICA_PUBLIC_EVENT_CHANNEL_H

#include "xen.h"

#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq        1
#define EVTCHNOP_bind_pirq        2
#define EVTCHNOP_close            3
#define EVTCHNOP_send             4
#define EVTCHNOP_status           5
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_bind_ipi         7
#define EVTCHNOP_bind_vcpu        8
#define EVTCHNOP_unmask           9
#define EVTCHNOP_reset           10
#define EVTCHNOP_init_control    11
#define EVTCHNOP_expand_array    12
#define EVTCHNOP_set_priority    13

typedef uint32_t evtchn_port_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_port_t);

/*
 * EVTCHNOP_alloc_unbound: allocate a port in domain `dom` that domain
 * `remote_dom` may later connect to with EVTCHNOP_bind_interdomain.
 *   dom (IN)        - DOMID_SELF, or another domain (privileged callers);
 *   remote_dom (IN) - who may connect (DOMID_SELF allowed);
 *   port (OUT)      - the new port, in state EVTCHNSTAT_unbound.
 * The port number is then passed out of band (usually via xenstore).
 * Example: a.dom = DOMID_SELF; a.remote_dom = backend; -> a.port
 */
struct evtchn_alloc_unbound {
    domid_t dom, remote_dom;
    evtchn_port_t port;
};
typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;

/*
 * EVTCHNOP_bind_interdomain: connect a new local port to an unbound port
 * of another domain that was allocated for us.
 *   remote_dom, remote_port (IN) - the other end;
 *   local_port (OUT)             - the new local port, bound to vCPU 0.
 * Errors: -EINVAL if remote_port is not unbound or not meant for us,
 *   -ESRCH if remote_dom does not exist.
 * Both ends become EVTCHNSTAT_interdomain; a send on either end makes
 * the other pending.
 */
struct evtchn_bind_interdomain {
    domid_t remote_dom;
    evtchn_port_t remote_port;
    evtchn_port_t local_port;
};
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;

/*
 * EVTCHNOP_bind_virq: bind a new port to a virtual IRQ (VIRQ_* in xen.h).
 *   virq (IN) - the VIRQ; vcpu (IN) - vCPU that receives it (per-vCPU
 *   VIRQs are bound once per vCPU; global ones only on vCPU 0);
 *   port (OUT).
 * Errors: -EINVAL (bad virq/vcpu, or global VIRQ on vcpu != 0),
 *   -EEXIST (already bound on that vCPU).
 * Example: b.virq = VIRQ_TIMER; b.vcpu = cpu; -> b.port
 */
struct evtchn_bind_virq {
    uint32_t virq;
    uint32_t vcpu;
    evtchn_port_t port;
};
typedef struct evtchn_bind_virq evtchn_bind_virq_t;

/*
 * EVTCHNOP_bind_pirq: bind a new port to a physical IRQ previously
 * mapped with PHYSDEVOP_map_pirq (privileged domains).
 *   pirq (IN); flags (IN) - BIND_PIRQ__WILL_SHARE if the line may be
 *   shared; port (OUT). The port starts bound to vCPU 0.
 * Checked in this order: -EINVAL (pirq >= the domain's pirq count),
 *   -EPERM (pirq not mapped to an irq the domain may use), -EEXIST (already
 *   bound), -ENOSPC (no free port), then the IRQ itself: -EBUSY when the
 *   hypervisor uses it (its timer, its console UART's IRQ) or when another
 *   domain has it and either side will not share.
 * Binding unmasks the line. From then on every interrupt sets the port
 * pending; a level-triggered line stays masked until the domain's
 * PHYSDEVOP_eoi (see physdev.h). EVTCHNOP_close releases the line (masked
 * again when nobody else has it); the pirq stays mapped.
 */
struct evtchn_bind_pirq {
    uint32_t pirq;
#define BIND_PIRQ__WILL_SHARE 1
    uint32_t flags;
    evtchn_port_t port;
};
typedef struct evtchn_bind_pirq evtchn_bind_pirq_t;

/*
 * EVTCHNOP_bind_ipi: allocate a port for inter-processor events within
 * the domain. vcpu (IN) - the vCPU that will receive it; port (OUT).
 * Sending on the port notifies that vCPU.
 */
struct evtchn_bind_ipi {
    uint32_t vcpu;
    evtchn_port_t port;
};
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;

/*
 * EVTCHNOP_close: close a port (IN). An interdomain remote end returns to
 * EVTCHNSTAT_unbound; VIRQ/PIRQ bindings are released. A pending bit is
 * not cleared by close. Errors: -EINVAL (bad port).
 */
struct evtchn_close {
    evtchn_port_t port;
};
typedef struct evtchn_close evtchn_close_t;

/*
 * EVTCHNOP_send: notify the other end of an interdomain or IPI port (IN).
 * Sending on an unbound port is silently ignored. Errors: -EINVAL for a
 * closed port or one whose type cannot be sent on (VIRQ, PIRQ).
 */
struct evtchn_send {
    evtchn_port_t port;
};
typedef struct evtchn_send evtchn_send_t;

/*
 * EVTCHNOP_status: describe a port.
 *   dom, port (IN) - dom is DOMID_SELF or, for privileged callers, any;
 *   status (OUT)   - EVTCHNSTAT_*; vcpu (OUT) - the vCPU it notifies;
 *   u (OUT)        - the member matching status.
 */
struct evtchn_status {
    domid_t  dom;
    evtchn_port_t port;
#define EVTCHNSTAT_closed       0  /* not in use */
#define EVTCHNSTAT_unbound      1  /* waiting for an interdomain connection */
#define EVTCHNSTAT_interdomain  2  /* connected to a remote domain */
#define EVTCHNSTAT_pirq         3  /* bound to a physical IRQ */
#define EVTCHNSTAT_virq         4  /* bound to a virtual IRQ */
#define EVTCHNSTAT_ipi          5  /* bound to a virtual IPI */
    uint32_t status;
    uint32_t vcpu;
    union {
        struct {
            domid_t dom;
        } unbound;
        struct {
            domid_t dom;
            evtchn_port_t port;
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;
};
typedef struct evtchn_status evtchn_status_t;

/*
 * EVTCHNOP_bind_vcpu: deliver a port's events to another vCPU from now
 * on. port, vcpu (IN). Not allowed for per-vCPU VIRQs (-EINVAL).
 * An event already pending stays where it was signalled.
 */
struct evtchn_bind_vcpu {
    evtchn_port_t port;
    uint32_t vcpu;
};
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;

/*
 * EVTCHNOP_unmask: clear the port's mask bit (IN: port) and, if it is
 * pending, raise the upcall that was suppressed while it was masked.
 * The guest may clear the mask bit itself; this call is needed only if
 * it must not miss an event that arrived while masked.
 */
struct evtchn_unmask {
    evtchn_port_t port;
};
typedef struct evtchn_unmask evtchn_unmask_t;

/*
 * EVTCHNOP_reset: close every port of domain `dom` (IN; DOMID_SELF or,
 * privileged, any) and return to the 2-level ABI. Used on kexec and
 * resume.
 */
struct evtchn_reset {
    domid_t dom;
};
typedef struct evtchn_reset evtchn_reset_t;

/*
 * EVTCHNOP_init_control: switch to the FIFO ABI and register the control
 * block of one vCPU. Call it once per vCPU, vCPU 0 first.
 *   control_gfn (IN) - frame holding the control block;
 *   offset (IN)      - its byte offset in that frame (8-byte aligned, the
 *                      block must not cross the page);
 *   vcpu (IN);
 *   link_bits (OUT)  - EVTCHN_FIFO_LINK_BITS.
 * Errors: -EINVAL (bad offset/vcpu), -EEXIST (already registered for that
 *   vCPU), -ENOMEM.
 * Ordering: after the first call, pending state moves to the event array;
 * the guest must call EVTCHNOP_expand_array before using any port.
 */
struct evtchn_init_control {
    uint64_t control_gfn;
    uint32_t offset;
    uint32_t vcpu;
    uint8_t link_bits;
    uint8_t _pad[7];
};
typedef struct evtchn_init_control evtchn_init_control_t;

/*
 * EVTCHNOP_expand_array: add one page (array_gfn, IN) to the FIFO event
 * array; each page holds 1024 event words (ports). Pages are added in
 * order. Errors: -EINVAL (FIFO not set up), -ENOSPC (array at its limit).
 */
struct evtchn_expand_array {
    uint64_t array_gfn;
};
typedef struct evtchn_expand_array evtchn_expand_array_t;

/*
 * EVTCHNOP_set_priority: FIFO ABI only; put a port (IN) on queue
 * `priority` (IN, EVTCHN_FIFO_PRIORITY_MAX..MIN). Errors: -EINVAL.
 */
struct evtchn_set_priority {
    evtchn_port_t port;
    uint32_t priority;
};
typedef struct evtchn_set_priority evtchn_set_priority_t;

/*
 * struct evtchn_op: argument of the old __HYPERVISOR_event_channel_op_compat,
 * which takes a single pointer to cmd + argument.
 */
struct evtchn_op {
    uint32_t cmd;
    union {
        evtchn_alloc_unbound_t    alloc_unbound;
        evtchn_bind_interdomain_t bind_interdomain;
        evtchn_bind_virq_t        bind_virq;
        evtchn_bind_pirq_t        bind_pirq;
        evtchn_bind_ipi_t         bind_ipi;
        evtchn_close_t            close;
        evtchn_send_t             send;
        evtchn_status_t           status;
        evtchn_bind_vcpu_t        bind_vcpu;
        evtchn_unmask_t           unmask;
    } u;
};
typedef struct evtchn_op evtchn_op_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_op_t);

/* Ports of the 2-level ABI: one bit per port in evtchn_pending (4096). */
#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

/*
 * FIFO ABI.
 *
 * Each port has a 32-bit event word in the event array:
 *   bit 31 PENDING, bit 30 MASKED, bit 29 LINKED (on a queue),
 *   bit 28 BUSY (the hypervisor is updating it), bits 0-16 LINK (the next
 *   port in the queue, 0 = end).
 * The hypervisor appends a port that becomes pending and unmasked to the
 * tail of queue `priority` of its vCPU, sets that queue's bit in `ready`
 * and raises the upcall. The guest keeps its own head per queue: when
 * that is 0 it reloads it from control block head[q]; it then takes the
 * port at its head, atomically clears LINKED and LINK in that port's word
 * (reading the old LINK as its new head), and handles the port. When the
 * new head is 0 it clears bit q of `ready`. All event word updates are
 * atomic compare-and-exchange because the hypervisor writes the same
 * words. To unmask, the guest clears MASKED and, if the word is PENDING,
 * calls EVTCHNOP_unmask so the port gets queued.
 */
#define EVTCHN_FIFO_PRIORITY_MAX     0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN     15
#define EVTCHN_FIFO_MAX_QUEUES (EVTCHN_FIFO_PRIORITY_MIN + 1)

typedef uint32_t event_word_t;

#define EVTCHN_FIFO_PENDING 31
#define EVTCHN_FIFO_MASKED  30
#define EVTCHN_FIFO_LINKED  29
#define EVTCHN_FIFO_BUSY    28

#define EVTCHN_FIFO_LINK_BITS 17
#define EVTCHN_FIFO_LINK_MASK ((1 << EVTCHN_FIFO_LINK_BITS) - 1)
#define EVTCHN_FIFO_NR_CHANNELS (1 << EVTCHN_FIFO_LINK_BITS)

/*
 * struct evtchn_fifo_control_block: per-vCPU FIFO state in guest memory
 * (registered with EVTCHNOP_init_control).
 *   ready   - bit q set by the hypervisor when it links a port into
 *             queue q; cleared (atomically) by the guest when it has
 *             drained q;
 *   head[q] - first port of queue q, written by the hypervisor when it
 *             links a port into an empty queue; read-only for the guest.
 */
struct evtchn_fifo_control_block {
    uint32_t ready;
    uint32_t _rsvd;
    uint32_t head[EVTCHN_FIFO_MAX_QUEUES];
};
typedef struct evtchn_fifo_control_block evtchn_fifo_control_block_t;

#endif /* MICA_PUBLIC_EVENT_CHANNEL_H */
