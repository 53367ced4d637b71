/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels whose remote end is Mica itself (common/hv_evtchn.c).
 *
 * Where Xen has a backend in another domain answer a guest's channel
 * (xenconsoled for the console ring), Mica may serve the ring itself. The
 * guest sees an ordinary interdomain channel; its peer is a port of a
 * pseudo-domain standing for the hypervisor, domid DOMID_XEN, with a small
 * port table of its own in the event core (event/). So the core's rules
 * hold unchanged on both sides: a guest's send sets Mica's port pending,
 * Mica's send sets the guest's port pending (2-level or FIFO), closing the
 * guest's end makes Mica's end UNBOUND for that guest, which may bind it
 * again with EVTCHNOP_bind_interdomain(DOMID_XEN, port).
 *
 * Each of Mica's ports has a handler. Handlers run after a guest's
 * EVTCHNOP_send, outside every event lock (hv_evtchn_run()), so they may
 * copy, print and send. They may run on several CPUs at once (for
 * different events): a handler serialises its own state.
 *
 * Guests cannot operate on Mica's ports: EVTCHNOP_status, alloc_unbound
 * and reset naming DOMID_XEN get -EPERM (Xen: -ESRCH, as DOMID_XEN is no
 * domain there).
 */
#ifndef MICA_HV_EVTCHN_H
#define MICA_HV_EVTCHN_H

#include <mica/evtchn.h>
#include <mica/types.h>

struct domain;

/* A handler: called once per notification batch on its port. */
typedef void (*hv_evtchn_handler_t)(void *arg);

/*
 * Give domain d a new port connected to a new port of Mica's whose events
 * run fn(arg). On success *guest_port is the guest's port (for
 * start_info or the like) and *hv_port Mica's, for hv_evtchn_notify().
 * Errors are the core's (negative Xen errno values).
 */
int hv_evtchn_connect(struct domain *d, hv_evtchn_handler_t fn, void *arg,
                      uint32_t *guest_port, uint32_t *hv_port);

/*
 * Notify the guest end of one of Mica's ports. Takes the guest's event
 * lock: from interrupt context, only when the guest's event_lock is free
 * (spin_is_locked() false), since the interrupted code may hold it.
 * Mica's own lock disables interrupts, so it never needs that care.
 */
int hv_evtchn_notify(uint32_t hv_port);

/* Run the handlers of Mica's pending ports (after a guest's send). */
void hv_evtchn_run(void);

/* The pseudo-domain (domid DOMID_XEN), for the glue's domain lookup. */
struct evtchn_domain *hv_evtchn_domain(void);

#endif
