/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest timers: each vCPU has a single-shot deadline (set_timer_op,
 * VCPUOP_set_singleshot_timer) and a periodic timer (VCPUOP_set_periodic_timer;
 * 10 ms by default, as on Xen, until the guest stops it). Both raise
 * VIRQ_TIMER. Each CPU's local APIC runs in one-shot mode, programmed for
 * the earliest of: the timers and poll timeouts of every vCPU placed on
 * that CPU (running, runnable or blocked: an expiry wakes a blocked one),
 * the end of the running vCPU's time slice when another waits, and, while
 * a vCPU runs, Mica's 10 ms housekeeping tick (which refreshes the guest's
 * pvclock record).
 *
 * The interrupt only notes an expiry; the VIRQ is sent on the way back to
 * the guest (timer_deliver), in hypercall-like context, because sending
 * takes the domain's event lock, which an interrupted hypercall may hold.
 */
#include <asm/x86.h>
#include <public/xen.h>
#include <mica/console.h>
#include <mica/console_ring.h>
#include <mica/domain.h>
#include <mica/event.h>
#include <mica/sched.h>
#include <mica/smp.h>
#include <mica/time.h>

#define HOUSEKEEPING_NS 10000000ULL    /* 10 ms */

static uint64_t next_housekeeping[NR_CPUS];

static uint64_t earliest(uint64_t a, uint64_t b)
{
    if (!a) return b;
    if (!b) return a;
    return a < b ? a : b;
}

static void vcpu_deadline(struct vcpu *v, void *arg)
{
    uint64_t *deadline = arg;
    *deadline = earliest(*deadline, v->singleshot_deadline);
    *deadline = earliest(*deadline, v->periodic_period ? v->periodic_next : 0);
    *deadline = earliest(*deadline, v->polling ? v->poll_deadline : 0);
}

void timer_reprogram(void)
{
    unsigned int cpu = smp_processor_id();
    unsigned long flags = irq_save();
    /* The housekeeping tick only matters while a vCPU runs here (its pvclock),
     * or where a console ring polls the serial line (common/console_ring.c). */
    uint64_t deadline = current || console_ring_polls(cpu) || console_io_polls(cpu)
                        ? next_housekeeping[cpu] : 0;
    sched_for_each_vcpu_on(cpu, vcpu_deadline, &deadline);
    deadline = earliest(deadline, sched_slice_end(cpu));
    apic_timer_oneshot(deadline);
    irq_restore(flags);
}

void timer_cpu_init(void)
{
    next_housekeeping[smp_processor_id()] = now_ns() + HOUSEKEEPING_NS;
    timer_reprogram();
}

/* A vCPU's timers that have expired: VIRQ_TIMER is due; a poll times out. */
static void vcpu_expiry(struct vcpu *v, void *arg)
{
    uint64_t now = *(uint64_t *)arg;
    bool fired = false;
    if (v->singleshot_deadline && now >= v->singleshot_deadline) {
        v->singleshot_deadline = 0;
        fired = true;
    }
    if (v->periodic_period && now >= v->periodic_next) {
        /* Missed periods are not replayed: one tick, then the next one on time. */
        while (v->periodic_next <= now)
            v->periodic_next += v->periodic_period;
        fired = true;
    }
    /* As on Xen, a tick for an unbound VIRQ_TIMER is dropped: it neither
     * becomes due later nor wakes the vCPU (a SCHEDOP_poll waiting for
     * other ports must sleep on until its own timeout). */
    if (fired && !v->domain->evtchn_vcpus[v->vcpu_id].virq_to_port[VIRQ_TIMER])
        fired = false;
    if (fired)
        v->timer_virq_due = true;
    if (v->polling && v->poll_deadline && now >= v->poll_deadline) {
        v->poll_deadline = 0;
        fired = true;
    }
    /* A blocked vCPU wakes; the VIRQ is sent when it next leaves Mica. */
    if (fired && v != current)
        vcpu_kick(v);
}

void timer_interrupt(void)
{
    unsigned int cpu = smp_processor_id();
    uint64_t now = now_ns();
    struct vcpu *v = current;

    if (now >= next_housekeeping[cpu]) {
        next_housekeeping[cpu] = now + HOUSEKEEPING_NS;
        if (v)
            update_vcpu_time(&v->vcpu_info->time);
        if (console_ring_polls(cpu))
            console_ring_tick();
        if (console_io_polls(cpu))
            console_io_tick();
    }
    sched_for_each_vcpu_on(cpu, vcpu_expiry, &now);
    uint64_t slice_end = sched_slice_end(cpu);
    if (slice_end && now >= slice_end)
        sched_slice_expired(cpu);
    timer_reprogram();
}

void timer_deliver(struct vcpu *v)
{
    if (v->timer_virq_due) {
        v->timer_virq_due = false;
        send_vcpu_virq(v, VIRQ_TIMER);
    }
}

/* HYPERVISOR_set_timer_op: single-shot deadline, 0 cancels. */
long do_set_timer_op(uint64_t timeout)
{
    struct vcpu *v = current;
    uint64_t now = now_ns();

    if (timeout == 0) {
        v->singleshot_deadline = 0;
    } else if ((int64_t)(timeout - now) <= 0 && (timeout >> 50) != 0) {
        /*
         * A deadline far "in the past" with the top bits set is a guest's
         * overflowed computation of "a long way off" (old Linux did this):
         * Xen then fires in 50 ms instead of at once; so does Mica.
         */
        v->singleshot_deadline = now + 50000000ULL;
    } else {
        /* A deadline already past fires at once (1 ns: never 0, which means "off"). */
        v->singleshot_deadline = timeout > now ? timeout : now + 1;
    }
    timer_reprogram();
    return 0;
}
