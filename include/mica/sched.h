/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vCPU scheduler (common/schedule.c): which vCPU each CPU runs.
 *
 * A vCPU runs when nothing holds it back: no pause flag (VPF_*), its
 * domain not paused, shut down or parked by its cap. Each vCPU lives on
 * one CPU at a time (placed when it is created; an idle CPU may take a
 * waiting vCPU over); each CPU keeps a run queue ordered by credit
 * priority (BOOST, UNDER, OVER; FIFO within one) and gives 30 ms slices.
 * Proportional share by weight, caps: see common/schedule.c.
 */
#ifndef MICA_SCHED_H
#define MICA_SCHED_H

#include <mica/types.h>
#include <mica/sched_state.h>

struct vcpu;
struct domain;

/* vcpu->pause_flags: reasons a vCPU does not run. */
#define VPF_DOWN     (1u << 0)   /* not brought up (VCPUOP_up) or taken down */
#define VPF_BLOCKED  (1u << 1)   /* SCHEDOP_block/poll: waiting for an event */

#define SCHED_SLICE_NS 30000000ULL   /* 30 ms, the credit scheduler's default */

/* This CPU joins scheduling (boot CPU and each secondary, after its set-up). */
void sched_cpu_init(unsigned int cpu);
/* Give a new vCPU a CPU. It starts down (VPF_DOWN). */
void sched_place_vcpu(struct vcpu *v);
/* Clear/set a pause flag; clearing the last one makes the vCPU runnable. */
void vcpu_clear_pause_flag(struct vcpu *v, unsigned int flag);
void vcpu_set_pause_flag(struct vcpu *v, unsigned int flag);
/* Make the vCPU notice new events: unblock it, or interrupt the CPU running it. */
void vcpu_kick(struct vcpu *v);
/*
 * Blocking the current vCPU, in three steps so that no wake-up is lost:
 * mark it blocked, check what it waits for (an event, a polled port) and
 * cancel if that is already there, else wait. A wake-up (vcpu_kick, its
 * timer, a poll timeout) after the mark makes the wait return at once.
 * The hypercall's return value must be in the guest frame before the
 * wait: when another vCPU runs meanwhile, vcpu_block_wait never returns,
 * and the vCPU later resumes at its exit path.
 */
void vcpu_block_begin(void);
void vcpu_block_cancel(void);
void vcpu_block_wait(void);
/* Let the run queue go first at the next exit (SCHEDOP_yield). */
void sched_yield(void);
/* The exit path: switch vCPUs if this CPU was asked to. Interrupts off. */
void sched_maybe_switch(void);
/* The CPU's idle loop: runs vCPUs as they become runnable. */
void __noreturn sched_idle(void);
/*
 * Timer: the scheduler's next deadline on this CPU (slice end while vCPUs
 * wait, cap exhausted, accounting round), 0 = none.
 */
uint64_t sched_slice_end(unsigned int cpu);
/* Timer: that deadline passed; look again at the next exit. */
void sched_slice_expired(unsigned int cpu);
/*
 * Visit every vCPU placed on this CPU (timer deadlines; cpu must be the
 * caller's own). The list holds still while fn runs; fn may wake vCPUs
 * but must not walk again. Caller holds no scheduler lock.
 */
void sched_for_each_vcpu_on(unsigned int cpu, void (*fn)(struct vcpu *v, void *arg), void *arg);
/*
 * Domain pause support (common/domain.c's domain_pause/unpause). After
 * raising d->pause_count: sched_domain_pause takes d's vCPUs off their
 * queues and CPUs and waits until none runs (not for the caller's own
 * domain); a vCPU not running has its state saved in struct vcpu. After
 * it dropped to 0: sched_domain_wake queues the runnable ones.
 */
void sched_domain_pause(struct domain *d);
void sched_domain_wake(struct domain *d);
/*
 * Domain destruction: v leaves its CPU's lists (placement, run queue,
 * timers) for good; its memory may be freed afterwards. The caller
 * guarantees it is paused and not running (domain_pause first).
 */
void sched_destroy_vcpu(struct vcpu *v);
/*
 * Credit parameters of a domain (XEN_DOMCTL_scheduler_op): weight is its
 * relative share (default 256), cap an upper bound in percent of one CPU
 * for the whole domain (0 = none; 200 = two CPUs' worth), as Xen's credit
 * scheduler. set: weight 1..65535 (0 is -XEN_EINVAL: the caller maps
 * putinfo's "0 = unchanged"), cap 0..65535 with 0xffff meaning "unchanged"
 * as on Xen; -XEN_EINVAL otherwise. Like Xen's hypervisor (not libxl), a
 * cap above 100 x vCPUs is accepted and simply never binds.
 */
int sched_credit_get(struct domain *d, unsigned *weight, unsigned *cap);
int sched_credit_set(struct domain *d, unsigned weight, unsigned cap);
/* CPUs where the domain's vCPUs run (bit n = CPU n): TLB shootdowns. */
uint64_t sched_domain_cpus(const struct domain *d);

#endif
