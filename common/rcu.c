/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Deferred freeing after a grace period (include/mica/rcu.h): the state
 * machine, then the hypervisor's glue (one lock, the online CPUs, a wake-up
 * for CPUs that would otherwise not pass a quiescent state soon).
 */
#include <mica/rcu.h>

void rcu_ctl_init(struct rcu_ctl *c)
{
    c->cur = c->next = NULL;
    c->cur_tail = &c->cur;
    c->next_tail = &c->next;
    c->pending = 0;
    c->in_progress = false;
    c->completed = 0;
}

bool rcu_ctl_enqueue(struct rcu_ctl *c, struct rcu_head *head, void (*func)(struct rcu_head *))
{
    /*
     * Always behind the period in progress, never in it: a CPU may already
     * have passed its quiescent state for that one while still holding
     * what is being queued now.
     */
    head->func = func;
    head->next = NULL;
    *c->next_tail = head;
    c->next_tail = &head->next;
    return !c->in_progress;
}

void rcu_ctl_start(struct rcu_ctl *c, uint64_t online)
{
    c->cur = c->next;
    c->cur_tail = c->next ? c->next_tail : &c->cur;
    c->next = NULL;
    c->next_tail = &c->next;
    c->pending = online;
    c->in_progress = c->cur != NULL;
}

struct rcu_head *rcu_ctl_quiescent(struct rcu_ctl *c, unsigned int cpu, bool *start)
{
    *start = false;
    if (!c->in_progress || !(c->pending & (1ull << cpu)))
        return NULL;
    c->pending &= ~(1ull << cpu);
    if (c->pending)
        return NULL;
    struct rcu_head *done = c->cur;
    c->cur = NULL;
    c->cur_tail = &c->cur;
    c->in_progress = false;
    c->completed++;
    *start = c->next != NULL;
    return done;
}

#ifndef MICA_HOST
#include <mica/smp.h>
#include <mica/spinlock.h>
#include <asm/x86.h>

static struct rcu_ctl ctl = {
    .cur_tail = &ctl.cur,
    .next_tail = &ctl.next,
};
static spinlock_t rcu_lock = SPINLOCK_INIT;

static uint64_t online_mask(void)
{
    uint64_t m = 0;
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
        if (cpu_online(cpu))
            m |= 1ull << cpu;
    return m;
}

/* Start a period (rcu_lock held) and wake the others so each passes a quiescent state soon. */
static void start_period(void)
{
    rcu_ctl_start(&ctl, online_mask());
    uint64_t others = ctl.pending & ~(1ull << smp_processor_id());
    for (unsigned int cpu = 0; others; cpu++, others >>= 1)
        if (others & 1)
            smp_send_event_check(cpu);
}

void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head))
{
    unsigned long flags = spin_lock_irqsave(&rcu_lock);
    if (rcu_ctl_enqueue(&ctl, head, func))
        start_period();
    spin_unlock_irqrestore(&rcu_lock, flags);
}

void rcu_quiescent(void)
{
    unsigned int cpu = smp_processor_id();
    if (!(__atomic_load_n(&ctl.pending, __ATOMIC_ACQUIRE) & (1ull << cpu)))
        return;
    bool start;
    unsigned long flags = spin_lock_irqsave(&rcu_lock);
    struct rcu_head *done = rcu_ctl_quiescent(&ctl, cpu, &start);
    if (start)
        start_period();
    spin_unlock_irqrestore(&rcu_lock, flags);
    if (!done)
        return;
    /* The callbacks free memory (the heap lock): not with interrupts off. */
    bool was_off = !(flags & X86_EFLAGS_IF);
    sti();
    while (done) {
        struct rcu_head *h = done;
        done = h->next;
        h->func(h);
    }
    if (was_off)
        cli();
}

bool rcu_barrier_done(void)
{
    return !__atomic_load_n(&ctl.in_progress, __ATOMIC_ACQUIRE) &&
           !__atomic_load_n(&ctl.next, __ATOMIC_ACQUIRE);
}
#endif
