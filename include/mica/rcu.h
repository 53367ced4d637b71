/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Deferred freeing after a grace period (common/rcu.c), Xen's call_rcu
 * done the quiescent-state way.
 *
 * Mica reads its domain table without locks: a hypercall looks a domain
 * up (domain_lookup), and may still be using it, its vCPUs, event
 * channels or grant table, while another CPU destroys it. What the
 * destroyer unlinks (the table slot, d->vcpu[i]) is therefore freed only
 * when every CPU that was online when it was unlinked has since passed a
 * quiescent state: a point where it holds no pointer it looked up before,
 * which in Mica is every return to a guest (pv_exit_prepare) and every turn
 * of the idle loop. No hypervisor path keeps such a pointer across a
 * return to a guest (continuations look their domain up again).
 *
 * So a lookup is valid until its hypercall returns; it must not be kept.
 *
 * call_rcu(head, fn): fn(head) runs once such a grace period has passed
 * since the call, on whichever CPU ends it, with interrupts on and no lock
 * held. Grace periods are started on demand; CPUs that might sit in a
 * guest or in HLT are woken (event check) so that one ends promptly.
 * rcu_quiescent(): this CPU holds nothing from before (its fast path is one
 * load). rcu_barrier_done(): no callback is queued (tests, statistics).
 *
 * The state machine (rcu_ctl_*) is pure and host-tested
 * (tests/unit/test_rcu.c); the hypervisor glue adds the lock and the IPIs.
 */
#ifndef MICA_RCU_H
#define MICA_RCU_H

#include <mica/types.h>

struct rcu_head {
    struct rcu_head *next;
    void (*func)(struct rcu_head *head);
};

/*
 * Callbacks wait in two lists: `cur`, for the grace period in progress
 * (pending: CPUs that have still to pass a quiescent state, one bit per
 * CPU), and `next`, queued since it began, for the one after. A period
 * ends when pending is empty; `cur` is then ready to run and `next`
 * starts the following period if it is not empty.
 */
struct rcu_ctl {
    struct rcu_head *cur, **cur_tail;
    struct rcu_head *next, **next_tail;
    uint64_t pending;
    bool in_progress;
    uint64_t completed;         /* grace periods ended */
};

void rcu_ctl_init(struct rcu_ctl *c);
/* Queue head; true when no period was in progress and the caller must start one. */
bool rcu_ctl_enqueue(struct rcu_ctl *c, struct rcu_head *head, void (*func)(struct rcu_head *));
/* Begin a period over the CPUs in `online` with what `next` holds. */
void rcu_ctl_start(struct rcu_ctl *c, uint64_t online);
/*
 * CPU `cpu` passed a quiescent state. Returns the callbacks whose period
 * ended (a list through ->next, to run), else NULL; *start is set when the
 * caller must begin the next period (rcu_ctl_start).
 */
struct rcu_head *rcu_ctl_quiescent(struct rcu_ctl *c, unsigned int cpu, bool *start);

#ifndef MICA_HOST
void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head));
void rcu_quiescent(void);
bool rcu_barrier_done(void);
#endif

#endif
