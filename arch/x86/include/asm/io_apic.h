/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IOAPICs and the irq descriptors behind them (arch/x86/io_apic.c), shared
 * with the guest side of physical interrupts (arch/x86/irq.c).
 */
#ifndef ASM_IO_APIC_H
#define ASM_IO_APIC_H

#include <mica/irq_core.h>
#include <mica/spinlock.h>

/*
 * One GSI-backed irq. The lock is taken with interrupts off (the device
 * interrupt takes it too); it nests inside a domain's event lock, never
 * the other way round.
 */
struct irq_desc {
    spinlock_t lock;
    int8_t apic;            /* its pin: IOAPIC index, -1 if it has none */
    uint8_t pin;
    uint8_t vector;         /* 0 until the pin is programmed */
    bool level;             /* trigger and polarity as programmed */
    bool active_low;
    bool mica_owned;        /* Mica's (the console UART's IRQ, the timer's): no guest binds it */
    bool enabled;           /* bound to a guest (Xen: !IRQ_DISABLED) */
    struct irq_action action;
    uint64_t count;         /* interrupts taken */
};

extern struct irq_desc irq_desc[IRQ_MAX_GSIS];

/* irqs [0, nr_irqs_gsi) have a descriptor; Xen's nr_irqs bounds MSI irqs. */
unsigned int irq_nr_irqs_gsi(void);
unsigned int irq_nr_irqs_total(void);

/* Pin control for a descriptor whose lock the caller holds. */
void irq_pin_mask(struct irq_desc *desc);
void irq_pin_unmask(struct irq_desc *desc);
static inline void irq_pin_apply(struct irq_desc *desc, int op)
{
    if (op == IRQ_PIN_MASK)
        irq_pin_mask(desc);
    else if (op == IRQ_PIN_UNMASK)
        irq_pin_unmask(desc);
}

/* PHYSDEVOP_setup_gsi (Xen's mp_register_gsi): program a GSI's pin, masked. */
int io_apic_setup_gsi(unsigned int gsi, bool level, bool active_low);
/* PHYSDEVOP_apic_read / apic_write: an IOAPIC register by its physical base. */
int io_apic_guest_read(uint64_t physbase, uint32_t reg, uint32_t *value);
int io_apic_guest_write(uint64_t physbase, uint32_t reg, uint32_t value);

#endif
