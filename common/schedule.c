/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vCPU scheduler: proportional share with credits, per-CPU run queues,
 * idle CPUs taking work from busy ones. docs/architecture.md ("Scheduling
 * vCPUs") describes the algorithm; the arithmetic is in common/sched_credit.c
 * (host-tested), this file applies it to vCPUs and CPUs.
 *
 * In short, as Xen's credit scheduler: every 30 ms accounting period the
 * CPU time that passed is handed out as credit to the domains with active
 * vCPUs, in proportion to their weights (and no more than a cap allows),
 * split evenly among each domain's active vCPUs; running costs credit.
 * A vCPU with credit left is UNDER, one without OVER; a vCPU woken from
 * blocking with credit left is BOOSTed ahead of both and preempts them as
 * soon as the running one has had 1 ms (the rate limit), so interrupts and
 * I/O completions are seen quickly. Each CPU runs the best of its queue
 * (FIFO within a priority) for a 30 ms slice. A CPU
 * about to idle or to run an OVER vCPU first takes a better vCPU waiting on
 * another CPU. A capped domain that has used its cap for the period is
 * parked (not runnable) until the next one.
 *
 * The hypervisor runs on per-CPU stacks, not per-vCPU ones: switching
 * away from a vCPU saves its guest state (frame, segments, FPU) into the
 * vCPU and restarts the CPU's stack for the next vCPU, or for the idle
 * loop. So a vCPU never sleeps inside Mica (a blocking hypercall sets its
 * return value first and the vCPU resumes on its exit path), and a vCPU
 * that is not running can resume on any CPU: pv_run_vcpu loads everything
 * per CPU (page tables, GDT with this CPU's own entries, FPU, timers).
 *
 * Locks, in the order they nest:
 *   acct_lock       accounting rounds, weight/cap changes, vCPU removal;
 *   pc->walk_lock   a CPU's list of placed vCPUs (its timers walk it);
 *   pc->lock        a CPU's run queue, and everything scheduling-related
 *                   of the vCPUs placed there: pause flags, queue links,
 *                   credit, is_running, even v->processor (vcpu_lock
 *                   re-checks it). Two CPU locks are only ever held
 *                   together with the second taken by trylock (stealing),
 *                   and a walk lock under a CPU lock only by trylock.
 * All with interrupts off (the timer interrupt wakes vCPUs). Callers may
 * hold a domain's event lock (the event core's kick); nothing here takes one.
 */
#include <asm/x86.h>
#include <public/errno.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/event.h>
#include <mica/mm.h>
#include <mica/panic.h>
#include <mica/param.h>
#include <mica/pv.h>
#include <mica/rcu.h>
#include <mica/runstate.h>
#include <mica/sched.h>
#include <mica/sched_credit.h>
#include <mica/smp.h>
#include <mica/spinlock.h>
#include <mica/time.h>

/*
 * Xen's sched_ratelimit_us: a vCPU switched in runs at least this long
 * before a waiting one (even a BOOSTed one) may preempt it, unless it
 * yields or blocks. Without it a guest and dom0 trading event-channel
 * notifications on one CPU switch on every one (a guest replaying its
 * console log to xenconsoled). 0 turns it off; at most the slice.
 */
static unsigned int opt_sched_ratelimit_us = 1000;
integer_param("sched_ratelimit_us", opt_sched_ratelimit_us);

#define CAP_KEEP 0xffffu        /* putinfo's "leave the cap as it is" (Xen's (uint16_t)~0) */

struct pcpu_sched {
    spinlock_t lock;
    spinlock_t walk_lock;
    bool ready;                             /* sched_cpu_init done */
    struct vcpu *curr;                      /* running here, NULL: idle */
    struct vcpu *runq_head;                 /* runnable, not running; best first */
    struct vcpu *placed;                    /* every vCPU living here (list) */
    unsigned int nr_placed, nr_queued;
    uint64_t slice_end;                     /* when the running vCPU's slice ends */
    uint64_t cap_end;                       /* when its capped domain runs out, 0: not capped */
    uint64_t run_since;                     /* when the running vCPU was switched in */
    uint64_t ratelimit_end;                 /* a preemption held back until then, 0: none */
    bool resched;                           /* look again at the next exit */
} __attribute__((aligned(64)));

static struct pcpu_sched pcpus[NR_CPUS];
static spinlock_t placement_lock = SPINLOCK_INIT;
static spinlock_t acct_lock = SPINLOCK_INIT;
static uint64_t next_acct, last_acct;      /* accounting times (acct_lock) */
static uint32_t acct_gen;
static unsigned int nr_parked;              /* domains parked by their cap */
static uint32_t idle_cpus;                  /* bit n: CPU n runs nothing */

_Static_assert(NR_CPUS <= 32, "idle_cpus is a 32-bit mask");

/* ---- vCPUs and their CPU's lock ----------------------------------------- */

static bool runnable(const struct vcpu *v)
{
    const struct domain *d = v->domain;
    return !v->pause_flags && !__atomic_load_n(&d->pause_count, __ATOMIC_ACQUIRE) &&
           !d->is_dying && !d->is_shutting_down && !__atomic_load_n(&d->sched.parked, __ATOMIC_ACQUIRE);
}

/* Runstate of a vCPU that stops running or waiting (Xen's rule). */
static int stopped_state(const struct vcpu *v)
{
    return v->pause_flags & VPF_BLOCKED ? RUNSTATE_blocked : RUNSTATE_offline;
}

/* Lock the CPU a vCPU lives on; it cannot move while that is held. */
static struct pcpu_sched *vcpu_lock(struct vcpu *v, unsigned long *flags)
{
    for (;;) {
        unsigned int cpu = __atomic_load_n(&v->processor, __ATOMIC_ACQUIRE);
        struct pcpu_sched *pc = &pcpus[cpu];
        *flags = spin_lock_irqsave(&pc->lock);
        if (__atomic_load_n(&v->processor, __ATOMIC_RELAXED) == cpu)
            return pc;
        spin_unlock_irqrestore(&pc->lock, *flags);
    }
}

static unsigned int pc_cpu(const struct pcpu_sched *pc)
{
    return (unsigned int)(pc - pcpus);
}

static void poke_cpu(unsigned int cpu)
{
    if (cpu != smp_processor_id())
        smp_send_event_check(cpu);
}

/* ---- run queues: sorted by priority, FIFO within one ----------------------- */

/* Insert at the tail of v's priority class; a yielder goes behind at least one. */
static void runq_insert(struct pcpu_sched *pc, struct vcpu *v, bool yielded)
{
    struct vcpu **pp = &pc->runq_head;
    while (*pp && (*pp)->sched.pri >= v->sched.pri)
        pp = &(*pp)->runq_next;
    if (yielded && pp == &pc->runq_head && *pp)
        pp = &(*pp)->runq_next;
    v->runq_next = *pp;
    *pp = v;
    v->on_runq = true;
    pc->nr_queued++;
}

static void runq_remove(struct pcpu_sched *pc, struct vcpu *v)
{
    struct vcpu **pp = &pc->runq_head;
    while (*pp && *pp != v)
        pp = &(*pp)->runq_next;
    if (!*pp)
        return;
    *pp = v->runq_next;
    v->on_runq = false;
    v->runq_next = NULL;
    pc->nr_queued--;
}

static struct vcpu *runq_pop(struct pcpu_sched *pc)
{
    struct vcpu *v = pc->runq_head;
    if (v)
        runq_remove(pc, v);
    return v;
}

/* Drop what may no longer run (its domain paused or parked meanwhile). */
static void runq_purge(struct pcpu_sched *pc)
{
    struct vcpu **pp = &pc->runq_head;
    while (*pp) {
        struct vcpu *v = *pp;
        if (runnable(v)) {
            pp = &v->runq_next;
            continue;
        }
        *pp = v->runq_next;
        v->on_runq = false;
        v->runq_next = NULL;
        pc->nr_queued--;
        runstate_change(v, stopped_state(v));
    }
}

/* Priorities changed (accounting): re-sort, keeping FIFO order within each. */
static void runq_resort(struct pcpu_sched *pc)
{
    struct vcpu *list = pc->runq_head;
    pc->runq_head = NULL;
    pc->nr_queued = 0;
    while (list) {
        struct vcpu *v = list;
        list = v->runq_next;
        runq_insert(pc, v, false);
    }
}

static enum credit_pri runq_best(const struct pcpu_sched *pc)
{
    return pc->runq_head ? (enum credit_pri)pc->runq_head->sched.pri : CREDIT_PRI_NONE;
}

/* ---- credit and caps -------------------------------------------------------- */

/* The domain ran out of its cap: park it; its vCPUs leave their CPUs at the next exit. */
static void park_domain(struct domain *d)
{
    if (__atomic_exchange_n(&d->sched.parked, true, __ATOMIC_ACQ_REL))
        return;
    __atomic_add_fetch(&nr_parked, 1, __ATOMIC_RELEASE);
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        if (v && __atomic_load_n(&v->is_running, __ATOMIC_ACQUIRE)) {
            unsigned int cpu = v->processor;
            pcpus[cpu].resched = true;
            poke_cpu(cpu);
        }
    }
}

/* The domain may run again (its vCPUs are queued by the caller); false if it was not parked. */
static bool unpark_domain(struct domain *d)
{
    if (!__atomic_exchange_n(&d->sched.parked, false, __ATOMIC_ACQ_REL))
        return false;
    __atomic_sub_fetch(&nr_parked, 1, __ATOMIC_RELEASE);
    return true;
}

/* Charge a running vCPU (its CPU's lock held) for its time up to now. */
static void charge(struct vcpu *v, uint64_t now)
{
    if (now <= v->sched.run_start)
        return;
    uint64_t ran = now - v->sched.run_start;
    v->sched.run_start = now;
    v->sched.ran = true;
    v->sched.credit -= (int64_t)ran;
    if (v->sched.credit < -(int64_t)CREDIT_PERIOD_NS)
        v->sched.credit = -(int64_t)CREDIT_PERIOD_NS;
    struct domain *d = v->domain;
    if (__atomic_load_n(&d->sched.cap, __ATOMIC_RELAXED) &&
        __atomic_sub_fetch(&d->sched.cap_budget, (int64_t)ran, __ATOMIC_ACQ_REL) <= 0)
        park_domain(d);
}

/* When the vCPU starting (or going on) on this CPU exhausts its domain's cap: 0 = never. */
static uint64_t cap_deadline(const struct vcpu *v, uint64_t now)
{
    const struct domain *d = v->domain;
    if (!__atomic_load_n(&d->sched.cap, __ATOMIC_RELAXED))
        return 0;
    int64_t left = __atomic_load_n(&d->sched.cap_budget, __ATOMIC_ACQUIRE);
    return now + (left > 0 ? (uint64_t)left : 1);
}

/* ---- waking ------------------------------------------------------------------ */

/* Take an idle CPU other than `busy` out of its sleep so it looks for work to take. */
static void poke_idle_cpu(unsigned int busy)
{
    uint32_t idle = __atomic_load_n(&idle_cpus, __ATOMIC_ACQUIRE) & ~(1u << busy);
    if (!idle)
        return;
    unsigned int cpu = (unsigned int)__builtin_ctz(idle);
    pcpus[cpu].resched = true;
    poke_cpu(cpu);
}

/*
 * Queue v if it can run and is not running or queued (its CPU's lock
 * held); true if that CPU must look at its queue. `boost`: it was blocked.
 */
static bool wake_locked(struct pcpu_sched *pc, struct vcpu *v, bool boost)
{
    if (!runnable(v) || v->is_running || v->on_runq)
        return false;
    v->boosted = boost && credit_wake_boosts(v->sched.credit);
    v->sched.pri = v->boosted ? CREDIT_PRI_BOOST : credit_priority(v->sched.credit);
    runq_insert(pc, v, false);
    runstate_change(v, RUNSTATE_runnable);
    pc->resched = true;
    /* It will wait here: another CPU with nothing to do may take it instead. */
    if (pc->curr && pc->curr->sched.pri >= v->sched.pri)
        poke_idle_cpu(pc_cpu(pc));
    return true;
}

void vcpu_clear_pause_flag(struct vcpu *v, unsigned int flag)
{
    unsigned long flags;
    struct pcpu_sched *pc = vcpu_lock(v, &flags);
    bool was_blocked = v->pause_flags & VPF_BLOCKED & flag;
    v->pause_flags &= ~flag;
    if (was_blocked) {
        /* The wait is over, whatever it was (block or poll). */
        v->polling = false;
        v->poll_deadline = 0;
    }
    bool poke = wake_locked(pc, v, was_blocked);
    spin_unlock_irqrestore(&pc->lock, flags);
    if (poke)
        poke_cpu(pc_cpu(pc));
}

void vcpu_set_pause_flag(struct vcpu *v, unsigned int flag)
{
    unsigned long flags;
    struct pcpu_sched *pc = vcpu_lock(v, &flags);
    v->pause_flags |= flag;
    if (v->on_runq) {
        runq_remove(pc, v);
        runstate_change(v, stopped_state(v));
    }
    bool running = v->is_running;
    if (running)
        pc->resched = true;
    spin_unlock_irqrestore(&pc->lock, flags);
    if (running)
        poke_cpu(pc_cpu(pc));
}

void vcpu_kick(struct vcpu *v)
{
    if (v->pause_flags & VPF_BLOCKED) {
        vcpu_clear_pause_flag(v, VPF_BLOCKED);
        return;
    }
    /* Running elsewhere: an interrupt makes it pass its exit path, which delivers. */
    unsigned int cpu = __atomic_load_n(&v->processor, __ATOMIC_ACQUIRE);
    if (__atomic_load_n(&v->is_running, __ATOMIC_ACQUIRE) && cpu != smp_processor_id())
        smp_send_event_check(cpu);
}

void vcpu_block_begin(void)
{
    struct vcpu *v = current;
    unsigned long flags;
    struct pcpu_sched *pc = vcpu_lock(v, &flags);
    v->pause_flags |= VPF_BLOCKED;
    spin_unlock_irqrestore(&pc->lock, flags);
}

void vcpu_block_cancel(void)
{
    struct vcpu *v = current;
    unsigned long flags;
    struct pcpu_sched *pc = vcpu_lock(v, &flags);
    v->pause_flags &= ~VPF_BLOCKED;
    spin_unlock_irqrestore(&pc->lock, flags);
}

/* ---- placement ----------------------------------------------------------------- */

void sched_cpu_init(unsigned int cpu)
{
    struct pcpu_sched *pc = &pcpus[cpu];
    pc->lock = (spinlock_t)SPINLOCK_INIT;
    pc->walk_lock = (spinlock_t)SPINLOCK_INIT;
    __atomic_or_fetch(&idle_cpus, 1u << cpu, __ATOMIC_RELEASE);
    __atomic_store_n(&pc->ready, true, __ATOMIC_RELEASE);
}

void sched_place_vcpu(struct vcpu *v)
{
    unsigned int cpus = nr_cpus_online(), cpu = 0;
    struct domain *d = v->domain;

    spin_lock(&placement_lock);
    if (!d->sched.weight)
        d->sched.weight = CREDIT_WEIGHT_DEFAULT;
    if (d->domain_id == 0) {
        cpu = v->vcpu_id % cpus;        /* as Xen places dom0's vCPUs */
    } else {
        for (unsigned int c = 1; c < cpus; c++)
            if (pcpus[c].nr_placed < pcpus[cpu].nr_placed)
                cpu = c;
    }
    struct pcpu_sched *pc = &pcpus[cpu];
    unsigned long flags = spin_lock_irqsave(&pc->walk_lock);
    spin_lock(&pc->lock);
    v->processor = cpu;
    v->pause_flags = VPF_DOWN;
    v->placed_next = pc->placed;
    pc->placed = v;
    pc->nr_placed++;
    spin_unlock(&pc->lock);
    spin_unlock_irqrestore(&pc->walk_lock, flags);
    spin_unlock(&placement_lock);
}

void sched_destroy_vcpu(struct vcpu *v)
{
    unsigned long aflags = spin_lock_irqsave(&acct_lock);    /* no accounting round holds v */
    spin_lock(&placement_lock);
    for (;;) {
        unsigned int cpu = __atomic_load_n(&v->processor, __ATOMIC_ACQUIRE);
        struct pcpu_sched *pc = &pcpus[cpu];
        spin_lock(&pc->walk_lock);
        spin_lock(&pc->lock);
        if (v->processor != cpu) {
            spin_unlock(&pc->lock);
            spin_unlock(&pc->walk_lock);
            continue;
        }
        if (v->on_runq)
            runq_remove(pc, v);
        for (struct vcpu **pp = &pc->placed; *pp; pp = &(*pp)->placed_next) {
            if (*pp == v) {
                *pp = v->placed_next;
                pc->nr_placed--;
                break;
            }
        }
        v->placed_next = NULL;
        if (v->is_running || pc->curr == v)
            panic("sched_destroy_vcpu: d%u v%u is running", v->domain->domain_id, v->vcpu_id);
        spin_unlock(&pc->lock);
        spin_unlock(&pc->walk_lock);
        break;
    }
    spin_unlock(&placement_lock);
    /*
     * A domain destroyed while its cap had it parked would otherwise stay
     * counted in nr_parked (only accounting unparks, and it no longer sees
     * the vCPUs), keeping the accounting timer running for ever. It is
     * dying and paused, so unparking lets nothing run.
     */
    unpark_domain(v->domain);
    spin_unlock_irqrestore(&acct_lock, aflags);
}

/* ---- accounting ----------------------------------------------------------------- */

/*
 * One accounting round, by whichever CPU schedules first after a period
 * ended. The credit handed out is the time that actually passed (times the
 * CPUs), so slightly late rounds neither inflate nor starve anyone.
 * Pass 1 counts each domain's active vCPUs (those that ran or waited,
 * charging the running ones up to now); pass 2 credits them, refreshes
 * priorities, re-sorts the queues and wakes domains whose cap refilled.
 */
static void account(uint64_t now)
{
    static struct domain *doms[MAX_DOMAINS];
    static struct credit_share shares[MAX_DOMAINS];
    unsigned int nd = 0, ncpus = 0;

    if (!spin_trylock(&acct_lock))
        return;
    if (now < next_acct) {
        spin_unlock(&acct_lock);
        return;
    }
    uint64_t elapsed = last_acct && now > last_acct ? now - last_acct : CREDIT_PERIOD_NS;
    if (elapsed > 4 * CREDIT_PERIOD_NS)
        elapsed = 4 * CREDIT_PERIOD_NS;     /* a long quiet gap: nothing was contended */
    last_acct = now;
    next_acct = now + CREDIT_PERIOD_NS;
    uint32_t gen = ++acct_gen ? acct_gen : ++acct_gen;     /* never 0 */

    for (unsigned int c = 0; c < NR_CPUS; c++) {
        struct pcpu_sched *pc = &pcpus[c];
        if (!__atomic_load_n(&pc->ready, __ATOMIC_ACQUIRE))
            continue;
        ncpus++;
        spin_lock(&pc->lock);
        for (struct vcpu *v = pc->placed; v; v = v->placed_next) {
            struct domain *d = v->domain;
            if (v->is_running)
                charge(v, now);
            if (d->sched.acct_gen != gen && nd < MAX_DOMAINS) {
                d->sched.acct_gen = gen;
                d->sched.acct_idx = nd;
                doms[nd] = d;
                shares[nd] = (struct credit_share){ .weight = d->sched.weight, .cap = d->sched.cap };
                nd++;
            }
            if (d->sched.acct_gen == gen && (v->sched.ran || v->on_runq || v->is_running)) {
                shares[d->sched.acct_idx].nr_active++;
                v->sched.acct_gen = gen;
            }
            v->sched.ran = v->is_running;
        }
        spin_unlock(&pc->lock);
    }

    credit_shares(shares, nd, elapsed * ncpus, elapsed);
    for (unsigned int i = 0; i < nd; i++) {
        struct domain *d = doms[i];
        if (!d->sched.cap)
            continue;
        int64_t left = __atomic_load_n(&d->sched.cap_budget, __ATOMIC_ACQUIRE);
        __atomic_store_n(&d->sched.cap_budget, credit_cap_refill(left, d->sched.cap, elapsed),
                         __ATOMIC_RELEASE);
    }

    for (unsigned int c = 0; c < NR_CPUS; c++) {
        struct pcpu_sched *pc = &pcpus[c];
        if (!__atomic_load_n(&pc->ready, __ATOMIC_ACQUIRE))
            continue;
        bool poke = false;
        spin_lock(&pc->lock);
        for (struct vcpu *v = pc->placed; v; v = v->placed_next) {
            struct domain *d = v->domain;
            if (d->sched.acct_gen != gen)
                continue;
            const struct credit_share *s = &shares[d->sched.acct_idx];
            if (v->sched.acct_gen == gen && v->sched.paid_gen != gen && s->nr_active) {
                v->sched.paid_gen = gen;
                v->sched.credit = credit_earn(v->sched.credit, s->share / s->nr_active, elapsed);
            }
            if (!v->boosted)
                v->sched.pri = credit_priority(v->sched.credit);
            /* Capped domains whose budget came back run again. */
            if (__atomic_load_n(&d->sched.parked, __ATOMIC_ACQUIRE) &&
                (!d->sched.cap || __atomic_load_n(&d->sched.cap_budget, __ATOMIC_ACQUIRE) > 0))
                unpark_domain(d);
            if (!__atomic_load_n(&d->sched.parked, __ATOMIC_ACQUIRE) && !v->on_runq && !v->is_running)
                poke |= wake_locked(pc, v, false);
        }
        runq_resort(pc);
        if (pc->curr && runq_best(pc) > pc->curr->sched.pri) {
            pc->resched = true;
            poke = true;
        }
        spin_unlock(&pc->lock);
        if (poke)
            poke_cpu(c);
    }
    spin_unlock(&acct_lock);
}

/* ---- load balancing ---------------------------------------------------------- */

/*
 * A peer's lock, tried for a little while: it is usually held only for a
 * moment (a wake-up that poked us to come and steal), but two CPUs that
 * steal from each other must not wait for each other for ever.
 */
static bool trylock_briefly(spinlock_t *l)
{
    for (unsigned int i = 0; i < 256; i++) {
        if (spin_trylock(l))
            return true;
        cpu_relax();
    }
    return false;
}

/* The best vCPU waiting on pc (locked) that may move. */
static struct vcpu *movable(struct pcpu_sched *pc)
{
    for (struct vcpu *v = pc->runq_head; v; v = v->runq_next)
        if (runnable(v))
            return v;           /* queued vCPUs are saved and not running: any may move */
    return NULL;
}

/*
 * This CPU (its lock held) would idle or run an OVER vCPU: take a better
 * one from another CPU's queue, onto ours. Peers' locks are only tried
 * (trylock_briefly), never waited for: two CPUs may be stealing at once.
 */
static void steal(struct pcpu_sched *pc, enum credit_pri local)
{
    struct credit_peer peers[NR_CPUS];
    unsigned int me = pc_cpu(pc), n = 0;

    for (unsigned int c = 0; c < NR_CPUS; c++) {
        peers[c] = (struct credit_peer){ .best = CREDIT_PRI_NONE };
        struct pcpu_sched *o = &pcpus[c];
        /* Not from an idle CPU either (as Xen): it is about to run its queue itself. */
        if (c == me || !__atomic_load_n(&o->ready, __ATOMIC_ACQUIRE) || !o->runq_head ||
            !__atomic_load_n(&o->curr, __ATOMIC_RELAXED))
            continue;
        if (!trylock_briefly(&o->lock))
            continue;
        struct vcpu *v = movable(o);
        if (v)
            peers[c] = (struct credit_peer){ .best = (enum credit_pri)v->sched.pri, .queued = o->nr_queued };
        spin_unlock(&o->lock);
        n = c + 1;
    }
    int pick = credit_steal_pick(peers, n, local);
    if (pick < 0)
        return;
    struct pcpu_sched *o = &pcpus[pick];
    if (!trylock_briefly(&o->lock))
        return;
    struct vcpu *v = o->curr ? movable(o) : NULL;
    if (!v || v->sched.pri <= local) {
        spin_unlock(&o->lock);
        return;
    }
    /* Its timers move with it: both placement lists change under their walk locks. */
    if (!trylock_briefly(&o->walk_lock)) {
        spin_unlock(&o->lock);
        return;
    }
    if (!trylock_briefly(&pc->walk_lock)) {
        spin_unlock(&o->walk_lock);
        spin_unlock(&o->lock);
        return;
    }
    runq_remove(o, v);
    for (struct vcpu **pp = &o->placed; *pp; pp = &(*pp)->placed_next) {
        if (*pp == v) {
            *pp = v->placed_next;
            break;
        }
    }
    o->nr_placed--;
    __atomic_store_n(&v->processor, me, __ATOMIC_RELEASE);
    v->placed_next = pc->placed;
    pc->placed = v;
    pc->nr_placed++;
    spin_unlock(&pc->walk_lock);
    spin_unlock(&o->walk_lock);
    spin_unlock(&o->lock);
    runq_insert(pc, v, false);
}

/* ---- choosing and switching --------------------------------------------------- */

static void schedule(void);

static uint64_t ratelimit_ns(void)
{
    uint64_t ns = (uint64_t)opt_sched_ratelimit_us * 1000;
    return ns < SCHED_SLICE_NS ? ns : SCHED_SLICE_NS;
}

void vcpu_block_wait(void)
{
    cli();
    pcpus[smp_processor_id()].resched = true;
    schedule();
    sti();
}

void sched_yield(void)
{
    struct vcpu *v = current;
    unsigned long flags;
    struct pcpu_sched *pc = vcpu_lock(v, &flags);
    if (pc->runq_head) {
        v->yielded = true;
        pc->resched = true;
    }
    spin_unlock_irqrestore(&pc->lock, flags);
}

/*
 * Choose what this CPU runs next and switch to it. Interrupts off.
 * Returns only if the current vCPU (or idle) stays.
 */
static void schedule(void)
{
    unsigned int cpu = smp_processor_id();
    struct pcpu_sched *pc = &pcpus[cpu];
    struct vcpu *prev = current, *next;
    uint64_t now = now_ns();

    if (now >= __atomic_load_n(&next_acct, __ATOMIC_RELAXED))
        account(now);

    spin_lock(&pc->lock);
    pc->resched = false;
    if (prev)
        charge(prev, now);
    runq_purge(pc);
    bool slice_over = now >= pc->slice_end;
    bool keep = prev && runnable(prev);
    /* A boost lasts one slice at most. */
    if (keep && (!prev->boosted || slice_over)) {
        prev->boosted = false;
        prev->sched.pri = credit_priority(prev->sched.credit);
    }
    /* Nothing better than OVER to run here: take a better vCPU waiting elsewhere. */
    enum credit_pri local = runq_best(pc);
    if (keep && prev->sched.pri > local)
        local = prev->sched.pri;
    if (local <= CREDIT_PRI_OVER)
        steal(pc, local);
    pc->ratelimit_end = 0;
    if (keep && credit_preempts(prev->sched.pri, runq_best(pc), slice_over, prev->yielded) &&
        credit_ratelimited(now - pc->run_since, ratelimit_ns(), prev->yielded))
        pc->ratelimit_end = pc->run_since + ratelimit_ns();     /* the timer comes back then */
    else if (keep && credit_preempts(prev->sched.pri, runq_best(pc), slice_over, prev->yielded)) {
        prev->boosted = false;
        prev->sched.pri = credit_priority(prev->sched.credit);
        runq_insert(pc, prev, prev->yielded);
        keep = false;
    }
    if (prev)
        prev->yielded = false;
    next = keep ? prev : runq_pop(pc);
    if (next == prev) {
        /* Goes on: a new slice if the last one is over, and the deadlines to match. */
        if (prev && slice_over)
            pc->slice_end = now + SCHED_SLICE_NS;
        pc->cap_end = prev ? cap_deadline(prev, now) : 0;
        spin_unlock(&pc->lock);
        timer_reprogram();
        return;
    }
    pc->curr = next;
    /* Someone is left waiting here (a preempted vCPU): an idle CPU may take it. */
    if (next && pc->runq_head)
        poke_idle_cpu(cpu);
    if (next) {
        /* After its v->processor (stealing): TLB shootdowns read the two in this order. */
        __atomic_store_n(&next->is_running, true, __ATOMIC_RELEASE);
        next->sched.run_start = now;
        pc->run_since = now;
        pc->slice_end = now + SCHED_SLICE_NS;
        pc->cap_end = cap_deadline(next, now);
        __atomic_and_fetch(&idle_cpus, ~(1u << cpu), __ATOMIC_RELEASE);
    } else {
        pc->cap_end = 0;
        __atomic_or_fetch(&idle_cpus, 1u << cpu, __ATOMIC_RELEASE);
    }
    if (prev) {
        /*
         * Saved before it is marked not running, under the lock: from then
         * on another CPU may take it from the queue and load that state.
         */
        pv_save_vcpu(prev);
        prev->boosted = false;
        __atomic_store_n(&prev->is_running, false, __ATOMIC_RELEASE);
        runstate_change(prev, prev->on_runq ? RUNSTATE_runnable : stopped_state(prev));
    }
    spin_unlock(&pc->lock);

    if (!next)
        pv_enter_idle();        /* does not return */
    pv_run_vcpu(next);          /* does not return */
}

void sched_maybe_switch(void)
{
    if (pcpus[smp_processor_id()].resched)
        schedule();
}

/* Frames an idle CPU zeroes before it looks at its queue again (1 MiB). */
#define SCRUB_BATCH 256

static bool idle_cpu_has_work(void)
{
    const struct pcpu_sched *pc = &pcpus[smp_processor_id()];
    return __atomic_load_n(&pc->resched, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&pc->runq_head, __ATOMIC_ACQUIRE);
}

void __noreturn sched_idle(void)
{
    for (;;) {
        rcu_quiescent();        /* idle holds nothing (mica/rcu.h) */
        cli();
        if (idle_cpu_has_work())
            schedule();
        sti();
        /* Nothing to run: zero freed memory for the next allocation (mm.h). */
        if (scrub_free_frames(SCRUB_BATCH, idle_cpu_has_work))
            continue;
        cli();
        if (idle_cpu_has_work())
            continue;
        /* STI's one-instruction shadow: a wake-up IPI cannot slip in before HLT. */
        __asm__ volatile("sti; hlt" ::: "memory");
    }
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    return a < b ? a : b;
}

/* Does any CPU have vCPUs waiting? (A racy look: it only decides when timers fire.) */
static bool any_waiting(void)
{
    for (unsigned int c = 0; c < NR_CPUS; c++)
        if (__atomic_load_n(&pcpus[c].runq_head, __ATOMIC_RELAXED))
            return true;
    return false;
}

uint64_t sched_slice_end(unsigned int cpu)
{
    const struct pcpu_sched *pc = &pcpus[cpu];
    uint64_t t = 0;
    /*
     * Slices end while vCPUs wait anywhere: here for their turn, elsewhere
     * so that a CPU running an OVER vCPU looks for a better one to take.
     * With nobody waiting a vCPU runs on without timer interrupts.
     */
    bool contended = pc->runq_head || (pc->curr && any_waiting());
    if (contended)
        t = pc->slice_end;
    if (pc->curr)
        t = earliest(t, earliest(pc->cap_end, pc->ratelimit_end));
    /* Accounting on time while it matters: vCPUs wait, or caps are in play. */
    if (contended || pc->cap_end || __atomic_load_n(&nr_parked, __ATOMIC_ACQUIRE))
        t = earliest(t, __atomic_load_n(&next_acct, __ATOMIC_RELAXED));
    return t;
}

void sched_slice_expired(unsigned int cpu)
{
    pcpus[cpu].resched = true;
}

void sched_for_each_vcpu_on(unsigned int cpu, void (*fn)(struct vcpu *v, void *arg), void *arg)
{
    /* The walk lock keeps the list still (no vCPU leaves or arrives) while fn runs. */
    struct pcpu_sched *pc = &pcpus[cpu];
    unsigned long flags = spin_lock_irqsave(&pc->walk_lock);
    for (struct vcpu *v = pc->placed; v; v = v->placed_next)
        fn(v, arg);
    spin_unlock_irqrestore(&pc->walk_lock, flags);
}

uint64_t sched_domain_cpus(const struct domain *d)
{
    uint64_t mask = 0;
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            mask |= 1ULL << d->vcpu[i]->processor;
    return mask;
}

/* ---- pausing a domain ------------------------------------------------------------ */

void sched_domain_pause(struct domain *d)
{
    /* The caller raised d->pause_count: runnable() is false for all of d's vCPUs. */
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        if (v)
            vcpu_set_pause_flag(v, 0);      /* off its queue; its CPU looks again */
    }
    if (current && current->domain == d)
        return;                 /* our own vCPUs stop at their next exit */
    /* Not running means saved too (schedule() saves first). */
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        while (v && __atomic_load_n(&v->is_running, __ATOMIC_ACQUIRE))
            cpu_relax();
    }
}

void sched_domain_wake(struct domain *d)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        if (v)
            vcpu_clear_pause_flag(v, 0);    /* queues it if it can run now */
    }
}

/* ---- weight and cap (XEN_DOMCTL_scheduler_op) --------------------------------------- */

int sched_credit_get(struct domain *d, unsigned *weight, unsigned *cap)
{
    unsigned long flags = spin_lock_irqsave(&acct_lock);
    *weight = d->sched.weight ? d->sched.weight : CREDIT_WEIGHT_DEFAULT;
    *cap = d->sched.cap;
    spin_unlock_irqrestore(&acct_lock, flags);
    return 0;
}

int sched_credit_set(struct domain *d, unsigned weight, unsigned cap)
{
    /*
     * Xen's credit scheduler takes any 16-bit weight but 0 and any cap
     * (0xffff: keep the current one); the range checks against the vCPU
     * count are libxl's, not the hypervisor's, so they are not made here.
     */
    if (weight == 0 || weight > CREDIT_WEIGHT_MAX || cap > CREDIT_CAP_MAX)
        return -XEN_EINVAL;
    bool unpark = false;
    unsigned long flags = spin_lock_irqsave(&acct_lock);
    d->sched.weight = weight;
    if (cap != CAP_KEEP && cap != d->sched.cap) {
        /* A new cap starts with a full period's budget. */
        __atomic_store_n(&d->sched.cap_budget, (int64_t)credit_cap_refill(0, cap, CREDIT_PERIOD_NS),
                         __ATOMIC_RELEASE);
        __atomic_store_n(&d->sched.cap, cap, __ATOMIC_RELEASE);
        unpark = unpark_domain(d);
    }
    spin_unlock_irqrestore(&acct_lock, flags);
    if (unpark)
        sched_domain_wake(d);
    /* CPUs running the domain look again, so their cap deadlines follow the new cap. */
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        if (v && __atomic_load_n(&v->is_running, __ATOMIC_ACQUIRE)) {
            unsigned int cpu = __atomic_load_n(&v->processor, __ATOMIC_ACQUIRE);
            pcpus[cpu].resched = true;
            poke_cpu(cpu);
        }
    }
    return 0;
}
