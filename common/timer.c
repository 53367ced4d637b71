/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest timers: each vCPU has a single-shot deadline (set_timer_op,
 * VCPUOP_set_singleshot_timer) and a periodic timer (VCPUOP_set_periodic_timer;
 * 10 ms by default, as on Xen, until the guest stops it). Both raise
 * VIRQ_TIMER. The local APIC runs in one-shot mode, programmed for the
 * earliest of: the vCPU's timers, a pending poll timeout, and Mica's own
 * 10 ms housekeeping tick (which refreshes the guest's pvclock record).
 *
 * The interrupt only notes an expiry; the VIRQ is sent on the way back to
 * the guest (timer_deliver), in hypercall-like context, because sending
 * takes the domain's event lock, which an interrupted hypercall may hold.
 */
#include <public/xen.h>
#include <mica/domain.h>
#include <mica/event.h>
#include <mica/time.h>

#define HOUSEKEEPING_NS 10000000ULL    /* 10 ms */

static uint64_t next_housekeeping;
static uint64_t poll_deadline;          /* one CPU runs guests for now */

static uint64_t earliest(uint64_t a, uint64_t b)
{
    if (!a) return b;
    if (!b) return a;
    return a < b ? a : b;
}

void timer_reprogram(void)
{
    struct vcpu *v = current;
    uint64_t deadline = next_housekeeping;
    if (v) {
        deadline = earliest(deadline, v->singleshot_deadline);
        deadline = earliest(deadline, v->periodic_period ? v->periodic_next : 0);
    }
    deadline = earliest(deadline, poll_deadline);
    apic_timer_oneshot(deadline);
}

void timer_wake_at(uint64_t deadline)
{
    poll_deadline = deadline;
    timer_reprogram();
}

void timer_cpu_init(void)
{
    next_housekeeping = now_ns() + HOUSEKEEPING_NS;
    timer_reprogram();
}

void timer_interrupt(void)
{
    uint64_t now = now_ns();
    struct vcpu *v = current;

    if (now >= next_housekeeping) {
        next_housekeeping = now + HOUSEKEEPING_NS;
        if (v)
            update_vcpu_time(&v->vcpu_info->time);
    }
    if (poll_deadline && now >= poll_deadline)
        poll_deadline = 0;
    if (v) {
        if (v->singleshot_deadline && now >= v->singleshot_deadline) {
            v->singleshot_deadline = 0;
            v->timer_virq_due = true;
        }
        if (v->periodic_period && now >= v->periodic_next) {
            /* Missed periods are not replayed: one tick, then the next one on time. */
            while (v->periodic_next <= now)
                v->periodic_next += v->periodic_period;
            v->timer_virq_due = true;
        }
    }
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
