/* SPDX-License-Identifier: GPL-2.0-only */
/* Event-channel glue (common/event_channel.c) and timers (common/timer.c). */
#ifndef MICA_EVENT_H
#define MICA_EVENT_H

#include <mica/types.h>

struct domain;
struct vcpu;

void event_domain_init(struct domain *d);
void send_vcpu_virq(struct vcpu *v, unsigned virq);
/* A global VIRQ (VIRQ_CONSOLE, VIRQ_DOM_EXC, ...) to whichever vCPU it is bound on. */
void send_global_virq(struct domain *d, unsigned virq);
bool event_port_pending(struct domain *d, uint32_t port);

/* Timers. Deadlines are absolute system time (now_ns()). */
void timer_cpu_init(void);
/* Called from the timer interrupt: note expiries, program the next one. */
void timer_interrupt(void);
/* Reprogram the one-shot APIC timer for the earliest deadline. */
void timer_reprogram(void);
/* On the way to the guest: send VIRQ_TIMER for expired vCPU timers. */
void timer_deliver(struct vcpu *v);

#endif
