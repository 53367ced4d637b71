/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Multiprocessor support: CPU numbers, bring-up of the secondary CPUs
 * (arch/x86/smp.c) and inter-processor interrupts.
 *
 * CPU 0 is the boot CPU; the others are numbered in MADT order as they are
 * brought up, up to NR_CPUS (and maxcpus=). A CPU's number is fixed for
 * the life of the machine and is the index of its stack block, TSS and
 * GDT. Secondary CPUs idle (sti; hlt) until an interrupt wakes them.
 */
#ifndef MICA_SMP_H
#define MICA_SMP_H

#include <mica/types.h>
#include <mica/layout.h>

#ifndef MICA_HOST
#include <asm/desc.h>

/* The number of the CPU this runs on (from struct cpu_info on its stack). */
static inline unsigned int smp_processor_id(void)
{
    return get_cpu_info()->cpu_id;
}
#endif

/* Boot CPU, after the local APIC and the timer: find the CPUs and start them. */
void smp_init(void);

unsigned int nr_cpus_online(void);
/* The MADT as parsed at boot (IOAPICs, overrides for later IRQ work); NULL without one. */
struct madt_info;
const struct madt_info *smp_madt(void);
bool cpu_online(unsigned int cpu);
/* Local APIC id of a CPU that is online. */
uint32_t cpu_apic_id(unsigned int cpu);
/* The CPU's ACPI processor UID (MADT), as dom0's ACPI code names it. */
uint32_t cpu_acpi_id(unsigned int cpu);
/* The highest CPU number online (CPUs are numbered densely from 0). */
unsigned int cpu_max_online(void);

/* A fixed interrupt with this vector on that CPU (ignored if it is not online). */
void send_ipi(unsigned int cpu, uint8_t vector);
/* Wake that CPU (EVENT_CHECK_VECTOR) so it looks for work. */
void smp_send_event_check(unsigned int cpu);

/*
 * Run fn(arg) on that CPU, in interrupt context there (interrupts off).
 * Calls to one CPU are serialized through its mailbox. With wait the call
 * returns after fn has returned; without, once the target has taken the
 * request. On the calling CPU itself fn runs directly. While waiting, the
 * caller serves requests sent to its own mailbox, so two CPUs calling each
 * other cannot deadlock even with interrupts off.
 */
void smp_call_function(unsigned int cpu, void (*fn)(void *), void *arg, bool wait);

/* Interrupt handlers (arch/x86/apic.c dispatches the vectors here). */
void smp_call_function_interrupt(void);
void smp_event_check_interrupt(void);
/* Event-check IPIs taken by a CPU so far (tests, statistics). */
uint64_t smp_event_checks(unsigned int cpu);

/*
 * The crash path (panic(), fatal traps). smp_crash_begin() makes this CPU
 * the one that reports: the others are stopped by NMI (they halt for
 * good). A CPU that finds another already crashing stops itself and never
 * returns. smp_nmi_stop() is the NMI handler's first question: it halts
 * this CPU forever when a crash asked it to, and returns otherwise.
 */
void smp_crash_begin(void);
void smp_nmi_stop(void);

#endif
