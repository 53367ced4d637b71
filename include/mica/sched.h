/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vCPU scheduler (common/schedule.c): which vCPU each CPU runs.
 *
 * A vCPU runs when nothing holds it back: no pause flag (VPF_*) and its
 * domain not paused. Each vCPU lives on one CPU (chosen when it is
 * created); each CPU keeps a FIFO run queue of its runnable vCPUs and
 * rotates them every time slice. Blocking and waking are the only ways a
 * vCPU leaves and re-enters its queue.
 */
#ifndef MICA_SCHED_H
#define MICA_SCHED_H

#include <mica/types.h>

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
/* Timer: the CPU's slice ends at this time (0: no other vCPU waits). */
uint64_t sched_slice_end(unsigned int cpu);
/* Timer: the slice ended; rotate at the next exit. */
void sched_slice_expired(unsigned int cpu);
/* Visit every vCPU placed on a CPU (timer deadlines). Caller holds nothing. */
void sched_for_each_vcpu_on(unsigned int cpu, void (*fn)(struct vcpu *v, void *arg), void *arg);
/* CPUs where the domain's vCPUs run (bit n = CPU n): TLB shootdowns. */
uint64_t sched_domain_cpus(const struct domain *d);

#endif
