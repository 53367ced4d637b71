/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The credit scheduler's arithmetic and decisions (common/sched_credit.c),
 * free of locks and CPUs so the same source runs under Check on the host.
 * common/schedule.c applies them to real vCPUs; docs/architecture.md
 * ("Scheduling vCPUs") describes the whole algorithm.
 *
 * Credit is kept in nanoseconds of CPU time: a vCPU earns its share every
 * accounting period and pays for the time it runs. Priorities, highest
 * first: BOOST (woken from blocking while it still had credit), UNDER
 * (credit >= 0), OVER (credit < 0).
 */
#ifndef MICA_SCHED_CREDIT_H
#define MICA_SCHED_CREDIT_H

#include <mica/types.h>

#define CREDIT_PERIOD_NS        30000000ULL     /* accounting period (Xen's 30 ms) */
#define CREDIT_WEIGHT_DEFAULT   256
#define CREDIT_WEIGHT_MAX       65535
#define CREDIT_CAP_MAX          65535           /* the ABI's uint16_t */

enum credit_pri {
    CREDIT_PRI_NONE = -1,       /* nothing (an idle CPU, an empty queue) */
    CREDIT_PRI_OVER = 0,
    CREDIT_PRI_UNDER = 1,
    CREDIT_PRI_BOOST = 2,
};

/* One domain in an accounting round. */
struct credit_share {
    uint32_t weight;            /* IN: 1..65535 */
    uint32_t cap;               /* IN: percent of one CPU for the domain, 0 = none */
    uint32_t nr_active;         /* IN: its vCPUs that ran or wanted to run */
    uint64_t share;             /* OUT: credit for the domain this period (ns) */
    bool settled;               /* scratch */
};

/*
 * Divide total_ns (period x CPUs) among the domains in proportion to
 * weight x active vCPUs, but never more than a domain can use (its active
 * vCPUs for a whole period) or its cap allows; what one domain cannot use
 * goes to the others in proportion again. Domains with no active vCPU get 0.
 * Limits (64-bit arithmetic): total_ns < 2^42, nr_active <= 32.
 */
void credit_shares(struct credit_share *doms, unsigned int n, uint64_t total_ns, uint64_t period_ns);

/* A vCPU's credit after earning `earned`: bounded to one period either way. */
int64_t credit_earn(int64_t credit, uint64_t earned, uint64_t period_ns);

/* Priority from credit (UNDER or OVER); BOOST is only ever given on wake-up. */
enum credit_pri credit_priority(int64_t credit);

/* Does a vCPU woken from blocking get BOOST? Only with credit left, as on Xen. */
bool credit_wake_boosts(int64_t credit);

/*
 * Must the running vCPU (priority `running`) give the CPU to the best
 * waiting one (`waiting`, CREDIT_PRI_NONE if none)? Always to a higher
 * priority; to an equal one when its slice is over or it yielded.
 */
bool credit_preempts(enum credit_pri running, enum credit_pri waiting, bool slice_over, bool yielded);

/*
 * Is a preemption held back because the running vCPU was switched in only
 * ran_ns ago, less than the rate limit (Xen's sched_ratelimit_us)? Never
 * for a vCPU that yielded.
 */
bool credit_ratelimited(uint64_t ran_ns, uint64_t limit_ns, bool yielded);

/*
 * A capped domain's run-time budget for the next period: cap% of one
 * period, less any overshoot of the last one (at most one period's worth
 * is carried). Unused budget is not carried.
 */
int64_t credit_cap_refill(int64_t left, uint32_t cap, uint64_t period_ns);

/* Load balancing: what a CPU sees of a peer's run queue. */
struct credit_peer {
    enum credit_pri best;       /* best waiting vCPU that may move, CREDIT_PRI_NONE if none */
    unsigned int queued;        /* vCPUs waiting there */
};

/*
 * Which peer to take a vCPU from, or -1: the one whose best movable vCPU
 * has the highest priority, strictly above `local` (what this CPU would
 * run otherwise: CREDIT_PRI_NONE when it would idle); ties go to the
 * longer queue, then the lower index.
 */
int credit_steal_pick(const struct credit_peer *peers, unsigned int n, enum credit_pri local);
/* (A CPU with a BOOST or UNDER vCPU of its own to run never steals: -1.) */

#endif
