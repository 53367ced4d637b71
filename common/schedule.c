/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vCPU scheduler: per-CPU round robin with wake-up preference.
 *
 * Every vCPU is placed on one CPU when it is created (dom0's vCPU n on CPU
 * n mod CPUs, as Xen places dom0's vCPUs; other vCPUs on the CPU with the
 * fewest) and stays there. Each CPU runs the vCPU it has until that vCPU
 * blocks, is paused, or has used its 30 ms slice while another waits;
 * then the head of its run queue. A vCPU woken from blocking goes to the
 * head of the queue and takes the CPU at the next exit, so an interrupt or
 * I/O completion is seen at once (the credit scheduler's BOOST, without
 * credits). Proportional shares (weight/cap) and load balancing between
 * CPUs are not done yet.
 *
 * The hypervisor runs on per-CPU stacks, not per-vCPU ones: switching
 * away from a vCPU saves its guest state (frame, segments, FPU) and
 * restarts the CPU's stack for the next vCPU, or for the idle loop. So a
 * vCPU never sleeps inside Mica; a blocking hypercall sets its return
 * value first and the vCPU resumes on its exit path.
 *
 * Locks: each CPU's run queue and its vCPUs' pause flags are under that
 * CPU's lock, taken with interrupts off (the timer interrupt wakes vCPUs).
 * Callers may hold a domain's event lock (ops->kick); the scheduler never
 * takes one.
 */
#include <asm/x86.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/pv.h>
#include <mica/runstate.h>
#include <mica/sched.h>
#include <mica/smp.h>
#include <mica/spinlock.h>
#include <mica/time.h>

struct pcpu_sched {
    spinlock_t lock;
    struct vcpu *runq_head, *runq_tail;     /* runnable vCPUs not running */
    struct vcpu *placed;                    /* every vCPU living here (list) */
    unsigned int nr_placed;
    uint64_t slice_end;                     /* when the running vCPU's slice ends */
    bool resched;                           /* look again at the next exit */
} __attribute__((aligned(64)));

static struct pcpu_sched pcpus[NR_CPUS];
static spinlock_t placement_lock = SPINLOCK_INIT;

static bool runnable(const struct vcpu *v)
{
    const struct domain *d = v->domain;
    return !v->pause_flags && !d->pause_count && !d->is_dying && !d->is_shutting_down;
}

static void runq_push(struct pcpu_sched *pc, struct vcpu *v, bool at_head)
{
    v->on_runq = true;
    v->runq_next = NULL;
    if (!pc->runq_head) {
        pc->runq_head = pc->runq_tail = v;
    } else if (at_head) {
        v->runq_next = pc->runq_head;
        pc->runq_head = v;
    } else {
        pc->runq_tail->runq_next = v;
        pc->runq_tail = v;
    }
}

static struct vcpu *runq_pop(struct pcpu_sched *pc)
{
    struct vcpu *v = pc->runq_head;
    if (v) {
        pc->runq_head = v->runq_next;
        if (!pc->runq_head)
            pc->runq_tail = NULL;
        v->on_runq = false;
        v->runq_next = NULL;
    }
    return v;
}

static void runq_remove(struct pcpu_sched *pc, struct vcpu *v)
{
    struct vcpu **pp = &pc->runq_head, *prev = NULL;
    while (*pp && *pp != v) {
        prev = *pp;
        pp = &(*pp)->runq_next;
    }
    if (!*pp)
        return;
    *pp = v->runq_next;
    if (pc->runq_tail == v)
        pc->runq_tail = prev;
    v->on_runq = false;
    v->runq_next = NULL;
}

void sched_cpu_init(unsigned int cpu)
{
    pcpus[cpu].lock = (spinlock_t)SPINLOCK_INIT;
}

void sched_place_vcpu(struct vcpu *v)
{
    unsigned int cpus = nr_cpus_online(), cpu = 0;

    spin_lock(&placement_lock);
    if (v->domain->domain_id == 0) {
        cpu = v->vcpu_id % cpus;
    } else {
        for (unsigned int c = 1; c < cpus; c++)
            if (pcpus[c].nr_placed < pcpus[cpu].nr_placed)
                cpu = c;
    }
    struct pcpu_sched *pc = &pcpus[cpu];
    unsigned long flags = spin_lock_irqsave(&pc->lock);
    v->processor = cpu;
    v->pause_flags = VPF_DOWN;
    v->placed_next = pc->placed;
    pc->placed = v;
    pc->nr_placed++;
    spin_unlock_irqrestore(&pc->lock, flags);
    spin_unlock(&placement_lock);
}

/* Queue v if it can run and is not running or queued; true if the CPU must look. */
static bool wake_locked(struct pcpu_sched *pc, struct vcpu *v, bool boost)
{
    if (!runnable(v) || v->is_running || v->on_runq)
        return false;
    runq_push(pc, v, boost);
    v->boosted = boost;
    runstate_change(v, RUNSTATE_runnable);
    pc->resched = true;
    return true;
}

static void poke_cpu(unsigned int cpu)
{
    if (cpu != smp_processor_id())
        smp_send_event_check(cpu);
}

void vcpu_clear_pause_flag(struct vcpu *v, unsigned int flag)
{
    struct pcpu_sched *pc = &pcpus[v->processor];
    unsigned long flags = spin_lock_irqsave(&pc->lock);
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
        poke_cpu(v->processor);
}

void vcpu_set_pause_flag(struct vcpu *v, unsigned int flag)
{
    struct pcpu_sched *pc = &pcpus[v->processor];
    unsigned long flags = spin_lock_irqsave(&pc->lock);
    v->pause_flags |= flag;
    if (v->on_runq) {
        runq_remove(pc, v);
        runstate_change(v, flag & VPF_DOWN ? RUNSTATE_offline : RUNSTATE_blocked);
    }
    bool running = v->is_running;
    if (running)
        pc->resched = true;
    spin_unlock_irqrestore(&pc->lock, flags);
    if (running)
        poke_cpu(v->processor);
}

void vcpu_kick(struct vcpu *v)
{
    if (v->pause_flags & VPF_BLOCKED) {
        vcpu_clear_pause_flag(v, VPF_BLOCKED);
        return;
    }
    /* Running elsewhere: an interrupt makes it pass its exit path, which delivers. */
    if (v->is_running && v->processor != smp_processor_id())
        smp_send_event_check(v->processor);
}

void vcpu_block_begin(void)
{
    struct vcpu *v = current;
    struct pcpu_sched *pc = &pcpus[v->processor];
    unsigned long flags = spin_lock_irqsave(&pc->lock);
    v->pause_flags |= VPF_BLOCKED;
    spin_unlock_irqrestore(&pc->lock, flags);
}

void vcpu_block_cancel(void)
{
    struct vcpu *v = current;
    struct pcpu_sched *pc = &pcpus[v->processor];
    unsigned long flags = spin_lock_irqsave(&pc->lock);
    v->pause_flags &= ~VPF_BLOCKED;
    spin_unlock_irqrestore(&pc->lock, flags);
}

static void schedule(void);

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
    struct pcpu_sched *pc = &pcpus[v->processor];
    unsigned long flags = spin_lock_irqsave(&pc->lock);
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

    spin_lock(&pc->lock);
    pc->resched = false;
    bool keep = prev && runnable(prev);
    if (keep && pc->runq_head &&
        (prev->yielded || pc->runq_head->boosted || now >= pc->slice_end)) {
        /* Its turn is over: to the back of the queue. */
        runq_push(pc, prev, false);
        keep = false;
    }
    if (prev)
        prev->yielded = false;
    next = keep ? prev : runq_pop(pc);
    if (next == prev) {
        spin_unlock(&pc->lock);
        return;
    }
    if (next) {
        next->boosted = false;
        next->is_running = true;
        pc->slice_end = now + SCHED_SLICE_NS;
    }
    if (prev) {
        prev->is_running = false;
        runstate_change(prev, prev->on_runq ? RUNSTATE_runnable :
                              (prev->pause_flags & VPF_DOWN) ? RUNSTATE_offline : RUNSTATE_blocked);
    }
    spin_unlock(&pc->lock);

    if (prev)
        pv_save_vcpu(prev);
    if (!next)
        pv_enter_idle();        /* does not return */
    pv_run_vcpu(next);          /* does not return */
}

void sched_maybe_switch(void)
{
    if (pcpus[smp_processor_id()].resched)
        schedule();
}

void __noreturn sched_idle(void)
{
    unsigned int cpu = smp_processor_id();
    for (;;) {
        cli();
        if (pcpus[cpu].resched || pcpus[cpu].runq_head)
            schedule();
        /* STI's one-instruction shadow: a wake-up IPI cannot slip in before HLT. */
        __asm__ volatile("sti; hlt" ::: "memory");
    }
}

uint64_t sched_slice_end(unsigned int cpu)
{
    return pcpus[cpu].runq_head ? pcpus[cpu].slice_end : 0;
}

void sched_slice_expired(unsigned int cpu)
{
    pcpus[cpu].resched = true;
}

void sched_for_each_vcpu_on(unsigned int cpu, void (*fn)(struct vcpu *v, void *arg), void *arg)
{
    /* The list only grows while Mica runs a domain; removal comes with domain destruction. */
    for (struct vcpu *v = __atomic_load_n(&pcpus[cpu].placed, __ATOMIC_ACQUIRE); v; v = v->placed_next)
        fn(v, arg);
}

uint64_t sched_domain_cpus(const struct domain *d)
{
    uint64_t mask = 0;
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            mask |= 1ULL << d->vcpu[i]->processor;
    return mask;
}
