/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The credit scheduler's arithmetic (include/mica/sched_credit.h): shares
 * per domain, credit bounds, priorities, caps and which peer to steal from.
 * The rules follow Xen's credit scheduler; the share computation is a
 * plain "water filling" instead of Xen's single pass with a running
 * balance, which gives the same result when every domain is busy and
 * hands unused credit out exactly rather than over later periods.
 */
#include <mica/sched_credit.h>

/* What one domain can use in a period: its active vCPUs for the whole period, and its cap. */
static uint64_t usable(const struct credit_share *d, uint64_t period_ns)
{
    uint64_t most = (uint64_t)d->nr_active * period_ns;
    if (d->cap) {
        uint64_t capped = (uint64_t)d->cap * period_ns / 100;
        if (capped < most)
            most = capped;
    }
    return most;
}

void credit_shares(struct credit_share *doms, unsigned int n, uint64_t total_ns, uint64_t period_ns)
{
    uint64_t left = total_ns;

    /* settled: the domain's share is final (it is saturated, or inactive). */
    for (unsigned int i = 0; i < n; i++) {
        doms[i].share = 0;
        doms[i].settled = doms[i].nr_active == 0 || doms[i].weight == 0;
    }
    /*
     * Each pass offers the credit left to the domains not yet settled, in
     * proportion to weight x active vCPUs. A domain offered at least what
     * it can use takes only that, and the pass starts over with the rest;
     * a pass where everyone fits is final. At most n passes.
     */
    for (;;) {
        uint64_t weights = 0;
        for (unsigned int i = 0; i < n; i++)
            if (!doms[i].settled)
                weights += (uint64_t)doms[i].weight * doms[i].nr_active;
        if (!weights)
            return;
        bool settled_one = false;
        for (unsigned int i = 0; i < n; i++) {
            if (doms[i].settled)
                continue;
            /* left < 2^42 and weight x vCPUs < 2^22 (see the header): no overflow. */
            uint64_t fair = left * doms[i].weight * doms[i].nr_active / weights;
            uint64_t most = usable(&doms[i], period_ns);
            if (fair >= most) {
                doms[i].share = most;
                left -= most;
                doms[i].settled = true;
                settled_one = true;
            }
        }
        if (settled_one)
            continue;
        for (unsigned int i = 0; i < n; i++)
            if (!doms[i].settled)
                doms[i].share = left * doms[i].weight * doms[i].nr_active / weights;
        return;
    }
}

int64_t credit_earn(int64_t credit, uint64_t earned, uint64_t period_ns)
{
    /*
     * Bounded both ways, as on Xen: a vCPU that idles cannot hoard credit
     * for a later burst, and one that ran long does not stay OVER forever.
     */
    int64_t c = credit + (int64_t)earned, p = (int64_t)period_ns;
    if (c > p)
        c = p;
    if (c < -p)
        c = -p;
    return c;
}

enum credit_pri credit_priority(int64_t credit)
{
    return credit >= 0 ? CREDIT_PRI_UNDER : CREDIT_PRI_OVER;
}

bool credit_wake_boosts(int64_t credit)
{
    return credit >= 0;
}

bool credit_preempts(enum credit_pri running, enum credit_pri waiting, bool slice_over, bool yielded)
{
    if (waiting == CREDIT_PRI_NONE)
        return false;
    if (waiting > running)
        return true;
    /* A yield lets even a lower priority go once (Xen puts the yielder behind one). */
    if (yielded)
        return true;
    return waiting == running && slice_over;
}

bool credit_ratelimited(uint64_t ran_ns, uint64_t limit_ns, bool yielded)
{
    return !yielded && ran_ns < limit_ns;
}

int64_t credit_cap_refill(int64_t left, uint32_t cap, uint64_t period_ns)
{
    int64_t budget = (int64_t)((uint64_t)cap * period_ns / 100);
    int64_t debt = left < 0 ? left : 0;
    if (debt < -(int64_t)period_ns)
        debt = -(int64_t)period_ns;
    return budget + debt;
}

int credit_steal_pick(const struct credit_peer *peers, unsigned int n, enum credit_pri local)
{
    /* As Xen: a CPU with an UNDER (or BOOST) vCPU of its own to run does not look elsewhere. */
    if (local > CREDIT_PRI_OVER)
        return -1;
    int pick = -1;
    for (unsigned int i = 0; i < n; i++) {
        if (peers[i].best <= local)
            continue;
        if (pick < 0 || peers[i].best > peers[pick].best ||
            (peers[i].best == peers[pick].best && peers[i].queued > peers[pick].queued))
            pick = (int)i;
    }
    return pick;
}
