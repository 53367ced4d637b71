/* SPDX-License-Identifier: MIT */
/*
 * sched.h - HYPERVISOR_sched_op: yield, block, shut down, poll.
 *
 * long HYPERVISOR_sched_op(int cmd, void *arg)
 *   cmd is SCHEDOP_*; arg is the matching struct (or NULL where noted).
 *   Returns 0 or a negative error: -EFAULT (arg unreadable), -EINVAL (bad
 *   argument), -EPERM (remote_shutdown without privilege), -ENOSYS.
 *   Example: HYPERVISOR_sched_op(SCHEDOP_block, NULL);
 */
#ifndef MICA_PUBLIC_SCHED_H
#define MICA_PUBLIC_SCHED_H

#include "event_channel.h"

/*
 * SCHEDOP_yield (arg NULL): give up the CPU; the vCPU stays runnable.
 * SCHEDOP_block (arg NULL): sleep until an event is pending for this
 *   vCPU. Also clears evtchn_upcall_mask, so the usual idle loop is
 *   "mask; check for work; SCHEDOP_block" with no lost-wakeup window.
 *   Returns immediately if an event is already pending.
 * SCHEDOP_shutdown (struct sched_shutdown): stop the whole domain for
 *   `reason`; for poweroff/reboot/crash it does not return. suspend
 *   returns (0) when the domain is resumed, or 1 if the suspend was
 *   cancelled and the guest continues where it was.
 * SCHEDOP_poll (struct sched_poll): block until one of the ports is
 *   pending or the timeout passes. Used by Linux for PV spinlocks.
 * SCHEDOP_remote_shutdown (struct sched_remote_shutdown): shut down
 *   another domain (privileged).
 * SCHEDOP_shutdown_code (struct sched_shutdown): record the reason that
 *   will be reported when the domain later shuts down (e.g. crash before
 *   the final shutdown), without shutting down now.
 * SCHEDOP_watchdog (struct sched_watchdog): create, re-arm or destroy a
 *   domain watchdog.
 * SCHEDOP_pin_override (struct sched_pin_override): temporarily pin the
 *   vCPU to a physical CPU (dom0 only; pcpu -1 ends the override).
 */
#define SCHEDOP_yield           0
#define SCHEDOP_block           1
#define SCHEDOP_shutdown        2
#define SCHEDOP_poll            3
#define SCHEDOP_remote_shutdown 4
#define SCHEDOP_shutdown_code   5
#define SCHEDOP_watchdog        6
#define SCHEDOP_pin_override    7

/*
 * struct sched_shutdown: reason (IN) is SHUTDOWN_*.
 * Example: struct sched_shutdown s = { SHUTDOWN_poweroff };
 *          HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
 */
struct sched_shutdown {
    unsigned int reason;
};
typedef struct sched_shutdown sched_shutdown_t;
DEFINE_XEN_GUEST_HANDLE(sched_shutdown_t);

/*
 * struct sched_poll (all IN):
 *   ports    - array of local ports to wait on;
 *   nr_ports - its length, at most 128 (-EINVAL beyond);
 *   timeout  - absolute system time in ns, 0 = no timeout.
 * Returns 0 when a port is pending or the timeout passed (also when a
 * port was already pending at the call). Errors: -EINVAL (bad port or
 * count), -EFAULT.
 * Example: p.ports = &port; p.nr_ports = 1; p.timeout = 0;
 */
struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port_t) ports;
    unsigned int nr_ports;
    uint64_t timeout;
};
typedef struct sched_poll sched_poll_t;
DEFINE_XEN_GUEST_HANDLE(sched_poll_t);

/* struct sched_remote_shutdown: domain_id, reason (IN, SHUTDOWN_*). */
struct sched_remote_shutdown {
    domid_t domain_id;
    unsigned int reason;
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;
DEFINE_XEN_GUEST_HANDLE(sched_remote_shutdown_t);

/*
 * struct sched_watchdog:
 *   id (IN/OUT) - 0 creates a new watchdog and returns its id as the
 *                 hypercall result; non-zero names an existing one;
 *   timeout (IN) - seconds until the domain is shut down with
 *                  SHUTDOWN_watchdog; 0 with a non-zero id destroys it.
 * Errors: -EINVAL (bad id), -EEXIST (no free watchdog).
 */
struct sched_watchdog {
    uint32_t id;
    uint32_t timeout;
};
typedef struct sched_watchdog sched_watchdog_t;
DEFINE_XEN_GUEST_HANDLE(sched_watchdog_t);

/* struct sched_pin_override: pcpu (IN), a physical CPU or -1 to end. */
struct sched_pin_override {
    int32_t pcpu;
};
typedef struct sched_pin_override sched_pin_override_t;
DEFINE_XEN_GUEST_HANDLE(sched_pin_override_t);

/* Shutdown reasons, reported to the toolstack (and VIRQ_DOM_EXC). */
#define SHUTDOWN_poweroff   0  /* normal exit: clean up and destroy */
#define SHUTDOWN_reboot     1  /* destroy, then start again */
#define SHUTDOWN_suspend    2  /* save state for a later resume */
#define SHUTDOWN_crash      3  /* the guest crashed */
#define SHUTDOWN_watchdog   4  /* a watchdog expired */
#define SHUTDOWN_soft_reset 5  /* reset in place (kexec-style) */
#define SHUTDOWN_MAX        5  /* highest valid reason */

#endif /* MICA_PUBLIC_SCHED_H */
