/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Time: pvclock fields of vcpu_time_info, the shared wall clock, and the
 * timers (set_timer_op, VCPUOP single-shot/periodic) delivering VIRQ_TIMER
 * through the event callback.
 */
#include "../lib/guest.h"

#define TIMER_SLOP_NS 100000     /* Xen's timer_slop (50 us), twice */
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/event_channel.h>

const char test_title[] = "time: pvclock, wall clock, timers and VIRQ_TIMER";

static long vcpu_op(int cmd, unsigned vcpu, void *arg)
{
    return HC3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg);
}

/* Block until the timer port fires (or give up after many wake-ups). */
static bool wait_timer(evtchn_port_t port, unsigned long hits_before)
{
    for (unsigned i = 0; i < 100 && port_hits[port] == hits_before; i++) {
        HC2(__HYPERVISOR_sched_op, SCHEDOP_block, 0);
        events_mask();
    }
    return port_hits[port] != hits_before;
}

void test_main(void)
{
    trap_init();
    shared_info_t *s = shared_info();
    vcpu_time_info_t *t = &s->vcpu_info[0].time;

    /* pvclock: stable (even) version, a real multiplier, time moving forward. */
    CHECK(!(t->version & 1), "time version %u odd", t->version);
    CHECK(t->tsc_to_system_mul != 0, "tsc_to_system_mul 0");
    CHECK(t->tsc_shift >= -32 && t->tsc_shift <= 32, "tsc_shift %d", t->tsc_shift);
    printk("pvclock: version %u mul %u shift %d flags %#x\n", t->version, t->tsc_to_system_mul,
           t->tsc_shift, t->flags);
    uint64_t a = system_time_ns();
    for (volatile int i = 0; i < 100000; i++)
        ;
    uint64_t b = system_time_ns();
    CHECK(a > 0 && b > a && b - a < 1000000000UL, "system time %lu -> %lu", a, b);

    /* Wall clock: consistent version, a date after 2020 (QEMU's RTC follows the host). */
    CHECK(!(s->wc_version & 1), "wc_version %u odd", s->wc_version);
    uint64_t sec = s->wc_sec | ((uint64_t)s->wc_sec_hi << 32);
    CHECK(sec > 1577836800UL && s->wc_nsec < 1000000000U, "wall clock %lu s %u ns", sec, s->wc_nsec);

    /* VIRQ_TIMER: bind once; a second bind or an unknown VIRQ fail. */
    events_init();
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
    CHECK_RC(evtchn_op(EVTCHNOP_bind_virq, &bv), 0);
    evtchn_port_t port = bv.port;
    CHECK(port > 0 && port < 64, "timer port %u", port);
    if (failure_count())
        finish();   /* without a timer port the waits below would block forever */
    struct evtchn_bind_virq again = { .virq = VIRQ_TIMER, .vcpu = 0 };
    CHECK_RC(evtchn_op(EVTCHNOP_bind_virq, &again), -XEN_EEXIST);
    struct evtchn_bind_virq bogus = { .virq = 99, .vcpu = 0 };
    CHECK_RC(evtchn_op(EVTCHNOP_bind_virq, &bogus), -XEN_EINVAL);

    /* Xen starts PV vCPUs with a 10 ms periodic timer; stop it so only our timers fire. */
    CHECK_RC(vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    CHECK_RC(HC1(__HYPERVISOR_set_timer_op, 0), 0);     /* cancel the single-shot one */
    /*
     * A periodic tick may already be latched on the (masked) port: on a busy
     * host Xen can fire it just before the stop. Forget it, or the first
     * wait below would take it for the single-shot timer.
     */
    __atomic_and_fetch(&s->evtchn_pending[port / 64], ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);

    /* set_timer_op: absolute system time; the event arrives no earlier than asked. */
    unsigned long h = port_hits[port];
    uint64_t deadline = system_time_ns() + 3000000;
    CHECK_RC(HC1(__HYPERVISOR_set_timer_op, deadline), 0);
    CHECK(wait_timer(port, h), "set_timer_op: no VIRQ_TIMER");
    /*
     * "No earlier" within Xen's timer slop: Xen 4.17 may fire a timer up to
     * timer_slop (50 us by default) before its deadline, so allow 100 us.
     */
    CHECK(system_time_ns() + TIMER_SLOP_NS >= deadline, "timer fired %ld ns early",
          (long)(deadline - system_time_ns()));

    /* VCPUOP single-shot timer. */
    h = port_hits[port];
    struct vcpu_set_singleshot_timer ss = { .timeout_abs_ns = system_time_ns() + 2000000 };
    CHECK_RC(vcpu_op(VCPUOP_set_singleshot_timer, 0, &ss), 0);
    CHECK(wait_timer(port, h), "singleshot: no VIRQ_TIMER");
    CHECK(system_time_ns() + TIMER_SLOP_NS >= ss.timeout_abs_ns, "singleshot fired %ld ns early",
          (long)(ss.timeout_abs_ns - system_time_ns()));
    /*
     * A deadline already in the past fires at once. Xen 4.17.x (stable
     * updates, as in Debian's 4.17.7) ignores VCPU_SSHOTTMR_future instead
     * of returning -ETIME, because guests misused it.
     */
    h = port_hits[port];
    ss.timeout_abs_ns = system_time_ns() - 1000000;
    ss.flags = VCPU_SSHOTTMR_future;
    CHECK_RC(vcpu_op(VCPUOP_set_singleshot_timer, 0, &ss), 0);
    CHECK(wait_timer(port, h), "singleshot in the past: no VIRQ_TIMER");
    CHECK_RC(vcpu_op(VCPUOP_set_singleshot_timer, 0, BAD_VA), -XEN_EFAULT);
    CHECK_RC(vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);

    /* Periodic timer: fires repeatedly; too short a period is refused. */
    /*
     * The periodic timer only runs while the vCPU runs (Xen stops it when
     * the vCPU blocks), so spin with events enabled.
     */
    struct vcpu_set_periodic_timer pt = { .period_ns = 2000000 };
    h = port_hits[port];
    CHECK_RC(vcpu_op(VCPUOP_set_periodic_timer, 0, &pt), 0);
    uint64_t until = system_time_ns() + 500000000;
    events_unmask();
    while (port_hits[port] < h + 2 && system_time_ns() < until)
        ;
    events_mask();
    CHECK(port_hits[port] >= h + 2, "periodic: %lu ticks in 500 ms", port_hits[port] - h);
    CHECK_RC(vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    /* Xen refuses periods under its minimum (1 us is far below it). */
    pt.period_ns = 1000;
    CHECK_RC(vcpu_op(VCPUOP_set_periodic_timer, 0, &pt), -XEN_EINVAL);
    CHECK_RC(vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    CHECK_RC(vcpu_op(VCPUOP_set_periodic_timer, 0, BAD_VA), -XEN_EFAULT);

    /* vCPU ids: dom0 has one vCPU here. */
    /* vCPU ids: dom0 has one vCPU here; others are -ENOENT. Unknown ops: -ENOSYS. */
    CHECK_RC(vcpu_op(VCPUOP_stop_periodic_timer, 1, NULL), -XEN_ENOENT);
    CHECK_RC(vcpu_op(VCPUOP_stop_periodic_timer, 5000, NULL), -XEN_ENOENT);
    CHECK_RC(vcpu_op(VCPUOP_is_up, 1, NULL), -XEN_ENOENT);
    CHECK_RC(vcpu_op(VCPUOP_is_up, 0, NULL), 1);
    CHECK_RC(vcpu_op(99, 0, NULL), -XEN_ENOSYS);
    events_mask();
}
