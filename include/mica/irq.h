/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interrupts: the vectors Mica takes (arch/x86/apic.c), the IOAPICs
 * (arch/x86/io_apic.c) and physical interrupts given to guests as pirqs
 * (arch/x86/irq.c; the pure rules in arch/x86/irq_core.c). The guest
 * interface is PHYSDEVOP_* (arch/x86/pv/physdev.c) and EVTCHNOP_bind_pirq;
 * include/public/physdev.h states the rules.
 */
#ifndef MICA_IRQ_H
#define MICA_IRQ_H

#include <mica/types.h>

struct cpu_user_regs;
struct domain;
struct irq_guest;

void do_irq(unsigned vector, struct cpu_user_regs *regs);
/* Remap the legacy 8259 PICs away from exception vectors and mask them. */
void pic_disable(void);

/* Boot CPU, after smp_init(): map and mask the IOAPICs, route the ISA IRQs (masked). */
void io_apic_init(void);
/* A device vector (0x30-0xef) was taken: acknowledge it and tell the guests. */
void do_device_irq(unsigned int vector);

/* ---- per domain (arch/x86/irq.c) ---- */

/* A new domain's pirq table; sets d->evtchn.nr_pirqs. */
void irq_domain_init(struct domain *d);
/* Its pirq table and EOI page go (domain destruction, event channels closed first). */
void irq_domain_destroy(struct domain *d);

/* Event-channel hooks (common/event_channel.c's evtchn_ops). */
bool irq_pirq_permitted(struct domain *d, uint32_t pirq);
int irq_pirq_bind(struct domain *d, uint32_t pirq, bool will_share);   /* d's event lock held */
void irq_pirq_unbind(struct domain *d, uint32_t pirq);                 /* d's event lock held */

/* PHYSDEVOP_* back ends: Xen's errno values, negated. */
int irq_map_gsi(struct domain *caller, struct domain *d, int index, int *pirq);
int irq_map_msi(struct domain *caller, struct domain *d, int type, int index, int *pirq,
                int *entry_nr, bool msix, int device_rc);
int irq_unmap(struct domain *d, int pirq);
int irq_get_free_pirq(struct domain *d, int type, uint32_t *pirq);
int irq_eoi(struct domain *d, uint32_t pirq);
int irq_unmask_notify(struct domain *d);
int irq_register_eoi_map(struct domain *d, uint64_t gmfn, bool v1);
bool irq_pirq_shared(struct domain *d, uint32_t pirq);
uint32_t irq_domain_nr_pirqs(struct domain *d);
/* For PHYSDEVOP_apic_write: dom0's pirq count, and a map done on dom0's behalf. */
unsigned int irq_dom0_nr_pirqs(void);
int irq_dom0_map(int pirq, int irq);

/*
 * Delivery. The device interrupt sends the event at once when it can take
 * the domain's event lock without waiting; otherwise the event is kept and
 * sent on the next way out to a guest (pv_exit_prepare), where
 * irq_work_pending() is asked.
 */
void irq_notify_guests(unsigned int irq, const struct irq_guest *guests, unsigned int n);
extern volatile bool irq_deferred_work;
static inline bool irq_work_pending(void) { return irq_deferred_work; }
void irq_do_deferred(void);

#endif
