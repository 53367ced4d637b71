/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Time: the TSC is the clock. It is calibrated once against the PIT; system
 * time (ns since boot) is derived from it with the same mul/shift scaling
 * pvclock gives guests, so hypervisor and guest time agree.
 */
#ifndef MICA_TIME_H
#define MICA_TIME_H

#include <mica/types.h>

extern uint64_t tsc_khz;

void time_init(void);
/* Nanoseconds since time_init(). */
uint64_t now_ns(void);
/* Convert a TSC delta to nanoseconds. */
uint64_t tsc_delta_to_ns(uint64_t delta);
/* Busy-wait (interrupts may fire meanwhile). */
void udelay(uint64_t us);

/* Guest-visible time: pvclock record of one vCPU, and the shared wall clock. */
struct vcpu_time_info;
struct shared_info;
struct domain;
void update_vcpu_time(struct vcpu_time_info *t);
void wallclock_init(void);
/* Write the wall clock (plus the domain's time offset) into d's shared_info. */
void update_wallclock(struct domain *d);
/* XENPF_settime: secs.nsecs since 1970 was current at system_time (ns). */
void wallclock_set(uint64_t secs, uint32_t nsecs, uint64_t system_time);

/* Local APIC and its timer. */
void apic_init(void);
void apic_timer_oneshot(uint64_t deadline_ns);
void apic_eoi(void);
uint64_t timer_ticks(void);

#endif
