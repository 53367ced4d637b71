/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IOAPICs: the machine's device interrupts, routed to CPU 0.
 *
 * At boot (io_apic_init, after the local APIC and SMP bring-up) every
 * IOAPIC the MADT lists is mapped and every pin masked; the legacy 8259s
 * are already masked (pic_disable). The ISA IRQs are then programmed, still
 * masked, as Xen does at boot: each gets a vector and its pin's trigger and
 * polarity from the interrupt source overrides (ISA default: edge, active
 * high). Other GSIs are programmed when dom0 describes them
 * (PHYSDEVOP_setup_gsi, from ACPI: PCI is normally level, active low). A
 * pin is unmasked only while a guest has its irq bound (arch/x86/irq.c).
 *
 * Every pin delivers a fixed vector to CPU 0's local APIC (physical
 * destination). Vectors come from the allocator in irq_core.c; do_irq()
 * (arch/x86/apic.c) hands device vectors to do_device_irq() here, which
 * acknowledges the interrupt as Xen does for guest-bound IOAPIC irqs:
 *
 *   edge   local APIC EOI at once; the guests are told (event channel).
 *   level  the pin is masked, then the local APIC EOI (which clears the
 *          pin's remote IRR); the guests are told, and the pin is unmasked
 *          when the last of them EOIs (PHYSDEVOP_eoi). A line still
 *          asserted then interrupts again. This is Xen's ACKTYPE_UNMASK;
 *          Xen 4.17 on this hardware uses its "new ack" variant instead,
 *          which holds back the local APIC EOI rather than masking the
 *          pin: what the guest sees is the same.
 *
 * Mica keeps two irqs to itself, as Xen does: irq 0 (the timer; no domain
 * is ever given access to it) and the console UART's (Xen runs its UART on
 * its IRQ: dom0's setup_gsi gets -EEXIST and bind_pirq -EBUSY). Mica's
 * UART is polled, so that pin simply stays masked.
 */
#include <asm/apic.h>
#include <asm/io_apic.h>
#include <asm/x86.h>
#include <mica/console.h>
#include <mica/irq.h>
#include <mica/madt.h>
#include <mica/mm.h>
#include <mica/serial.h>
#include <mica/smp.h>
#include <mica/string.h>
#include <mica/time.h>

#define IOAPIC_REGSEL  0x00
#define IOAPIC_WINDOW  0x10     /* bytes from the base */
#define IOAPIC_REG_ID  0x00
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REG_RTE 0x10     /* pin n: 0x10 + 2n (low), 0x11 + 2n (high) */

struct irq_desc irq_desc[IRQ_MAX_GSIS];

static struct irq_layout layout;
static volatile uint32_t *ioapic_base[MADT_MAX_IOAPICS];
static uint64_t ioapic_phys[MADT_MAX_IOAPICS];
static unsigned int nr_irqs_all;
/* PHYSDEVOP_setup_gsi has programmed this pin (Xen's pin_programmed): bit per pin. */
static uint64_t pin_programmed[MADT_MAX_IOAPICS][4];
static struct vector_map vectors;
static int16_t vector_irq[256];             /* vector -> irq, -1 none */
static spinlock_t ioapic_lock = SPINLOCK_INIT;   /* the index/window pairs; vectors */
static uint8_t dest_apic_id;                /* CPU 0 */

unsigned int irq_nr_irqs_gsi(void) { return layout.nr_irqs_gsi; }
unsigned int irq_nr_irqs_total(void) { return nr_irqs_all; }

static uint32_t reg_read(unsigned int apic, uint32_t reg)
{
    unsigned long flags = spin_lock_irqsave(&ioapic_lock);
    ioapic_base[apic][IOAPIC_REGSEL / 4] = reg;
    uint32_t v = ioapic_base[apic][IOAPIC_WINDOW / 4];
    spin_unlock_irqrestore(&ioapic_lock, flags);
    return v;
}

static void reg_write(unsigned int apic, uint32_t reg, uint32_t v)
{
    unsigned long flags = spin_lock_irqsave(&ioapic_lock);
    ioapic_base[apic][IOAPIC_REGSEL / 4] = reg;
    ioapic_base[apic][IOAPIC_WINDOW / 4] = v;
    spin_unlock_irqrestore(&ioapic_lock, flags);
}

/* A whole entry: the high half (destination) first, so an unmasked low half never points at a stale CPU. */
static void rte_write(unsigned int apic, unsigned int pin, uint64_t rte)
{
    reg_write(apic, IOAPIC_REG_RTE + 2 * pin + 1, (uint32_t)(rte >> 32));
    reg_write(apic, IOAPIC_REG_RTE + 2 * pin, (uint32_t)rte);
}

static void rte_set_mask(const struct irq_desc *desc, bool masked)
{
    if (desc->apic < 0 || !desc->vector)
        return;
    uint32_t reg = IOAPIC_REG_RTE + 2 * desc->pin;
    unsigned long flags = spin_lock_irqsave(&ioapic_lock);
    volatile uint32_t *b = ioapic_base[(unsigned int)desc->apic];
    b[IOAPIC_REGSEL / 4] = reg;
    uint32_t lo = b[IOAPIC_WINDOW / 4];
    lo = masked ? lo | (uint32_t)IOAPIC_RTE_MASKED : lo & ~(uint32_t)IOAPIC_RTE_MASKED;
    b[IOAPIC_REGSEL / 4] = reg;
    b[IOAPIC_WINDOW / 4] = lo;
    spin_unlock_irqrestore(&ioapic_lock, flags);
}

void irq_pin_mask(struct irq_desc *desc) { rte_set_mask(desc, true); }
void irq_pin_unmask(struct irq_desc *desc) { rte_set_mask(desc, false); }

static int vector_get(unsigned int irq)
{
    unsigned long flags = spin_lock_irqsave(&ioapic_lock);
    int v = vector_alloc(&vectors);
    if (v >= 0)
        vector_irq[v] = (int16_t)irq;
    spin_unlock_irqrestore(&ioapic_lock, flags);
    return v;
}

/* Program desc's pin (its lock held or not yet shared): masked, with a vector. */
static int program_pin(struct irq_desc *desc, unsigned int irq, bool level, bool active_low)
{
    if (desc->apic < 0)
        return 0;
    if (!desc->vector) {
        int v = vector_get(irq);
        if (v < 0)
            return -IRQ_ENOSPC;
        desc->vector = (uint8_t)v;
    }
    desc->level = level;
    desc->active_low = active_low;
    rte_write((unsigned int)desc->apic, desc->pin,
              ioapic_rte_build(desc->vector, dest_apic_id, level, active_low, true));
    return 0;
}

void io_apic_init(void)
{
    const struct madt_info *m = smp_madt();
    unsigned int nr_pins[MADT_MAX_IOAPICS] = { 0 };

    for (unsigned int i = 0; i < 256; i++)
        vector_irq[i] = -1;
    vector_map_init(&vectors);
    dest_apic_id = (uint8_t)cpu_apic_id(0);

    for (unsigned int i = 0; m && i < m->nr_ioapics; i++) {
        ioapic_phys[i] = m->ioapic[i].addr;
        ioapic_base[i] = ioremap(m->ioapic[i].addr, PAGE_SIZE);
        uint32_t ver = reg_read(i, IOAPIC_REG_VER);
        if (ver == 0xffffffffu) {
            pr_warn("ioapic: IOAPIC %u at %#x does not answer; not used\n", i, m->ioapic[i].addr);
            continue;
        }
        nr_pins[i] = ((ver >> 16) & 0xff) + 1;
        for (unsigned int pin = 0; pin < nr_pins[i]; pin++)
            rte_write(i, pin, IOAPIC_RTE_MASKED);
        printk("ioapic: IOAPIC %u id %u version %#x at %#x, GSI %u-%u\n", i,
               reg_read(i, IOAPIC_REG_ID) >> 24, ver & 0xff, m->ioapic[i].addr,
               m->ioapic[i].gsi_base, m->ioapic[i].gsi_base + nr_pins[i] - 1);
    }
    if (m)
        irq_layout_build(&layout, m, nr_pins);
    else
        layout.nr_irqs_gsi = IRQ_NR_ISA;
    nr_irqs_all = irq_nr_irqs(layout.nr_irqs_gsi, nr_cpus_online());
    if (layout.nr_gsis_dropped)
        pr_warn("ioapic: %u GSIs beyond %u are not used\n", layout.nr_gsis_dropped, IRQ_MAX_GSIS);

    for (unsigned int irq = 0; irq < layout.nr_irqs_gsi; irq++) {
        struct irq_desc *desc = &irq_desc[irq];
        unsigned int apic, pin;
        desc->lock = (spinlock_t)SPINLOCK_INIT;
        desc->apic = -1;
        if (irq < IRQ_NR_ISA) {
            desc->apic = layout.isa[irq].apic;
            desc->pin = layout.isa[irq].pin;
        } else if (irq_layout_gsi_pin(&layout, irq, &apic, &pin) && ioapic_base[apic] && nr_pins[apic]) {
            desc->apic = (int8_t)apic;
            desc->pin = (uint8_t)pin;
        }
    }

    /* Mica's own: the timer's irq and the console UART's. */
    irq_desc[0].mica_owned = true;
    unsigned int uart_irq = serial_console_irq();
    if (uart_irq && uart_irq < layout.nr_irqs_gsi)
        irq_desc[uart_irq].mica_owned = true;

    /* The ISA IRQs, masked, as Xen's setup_IO_APIC_irqs leaves them. */
    unsigned int programmed = 0;
    for (unsigned int irq = 1; irq < IRQ_NR_ISA && irq < layout.nr_irqs_gsi; irq++) {
        const struct irq_pin *p = &layout.isa[irq];
        if (p->apic < 0 || irq_desc[irq].mica_owned)
            continue;
        if (program_pin(&irq_desc[irq], irq, p->level, p->active_low) == 0)
            programmed++;
    }
    printk("ioapic: %u GSIs, %u irqs in all; %u ISA IRQs routed, all masked (8259s off)\n",
           layout.nr_irqs_gsi, nr_irqs_all, programmed);
}

/*
 * Xen's mp_register_gsi: -EINVAL without an IOAPIC for the GSI; -EEXIST if
 * the irq of that number is in use (Mica's own, or bound) or the pin was
 * programmed by an earlier call. The pin is programmed masked; a bound
 * guest (which keeps the ack type of its bind) does not unmask it.
 */
int io_apic_setup_gsi(unsigned int gsi, bool level, bool active_low)
{
    unsigned int apic, pin;
    if (!irq_layout_gsi_pin(&layout, gsi, &apic, &pin) || !ioapic_base[apic] ||
        gsi >= layout.nr_irqs_gsi)
        return -IRQ_EINVAL;
    struct irq_desc *desc = &irq_desc[gsi];
    unsigned long flags = spin_lock_irqsave(&desc->lock);
    int rc = 0;
    if (desc->mica_owned || (desc->enabled && desc->vector)) {
        rc = -IRQ_EEXIST;                       /* Xen: enabled and of an IOAPIC type */
    } else if ((pin_programmed[apic][pin / 64] >> (pin % 64)) & 1) {
        rc = -IRQ_EEXIST;
    } else {
        pin_programmed[apic][pin / 64] |= 1ULL << (pin % 64);
        /*
         * Xen writes pin (gsi - base) with irq gsi's vector. An ISA irq
         * keeps the pin it was wired to at boot, so for a GSI whose pin
         * belongs to another ISA irq (QEMU: GSI 2, the timer's pin) or to
         * none, Xen's write never reaches an unmasked entry: Mica leaves
         * the hardware alone there.
         */
        if (desc->apic == (int8_t)apic && desc->pin == pin)
            rc = program_pin(desc, gsi, level, active_low);
    }
    spin_unlock_irqrestore(&desc->lock, flags);
    return rc;
}

static int apic_by_physbase(uint64_t physbase)
{
    for (unsigned int i = 0; i < layout.nr_ioapics; i++)
        if (ioapic_base[i] && layout.ioapic[i].nr_pins && ioapic_phys[i] == physbase)
            return (int)i;
    return -IRQ_EINVAL;
}

int io_apic_guest_read(uint64_t physbase, uint32_t reg, uint32_t *value)
{
    int apic = apic_by_physbase(physbase);
    if (apic < 0)
        return apic;
    *value = reg_read((unsigned int)apic, reg);
    return 0;
}

/*
 * Xen's ioapic_guest_write, for old dom0 kernels that program the IOAPIC
 * through Xen: only the low half of a redirection entry means anything
 * (other registers: ignored, 0). Delivery modes beyond lowest priority are
 * -EINVAL. The guest's vector field names the pirq to map to the pin's irq
 * (PHYSDEVOP_alloc_irq_vector gave out vector = irq); an irq already in
 * use is left alone. The entry is written with Mica's vector and CPU,
 * masked if level-triggered (a guest bind unmasks it).
 */
int io_apic_guest_write(uint64_t physbase, uint32_t reg, uint32_t value)
{
    int apic = apic_by_physbase(physbase);
    if (apic < 0)
        return apic;
    if (reg < IOAPIC_REG_RTE || (reg & 1))
        return 0;
    unsigned int pin = (reg - IOAPIC_REG_RTE) >> 1;
    if (pin >= layout.ioapic[apic].nr_pins)
        return -IRQ_EINVAL;
    if (((value >> IOAPIC_RTE_DELMODE_SHIFT) & 7) > 1)
        return -IRQ_EINVAL;

    /* The pin's irq: an ISA irq wired there, else its GSI. */
    int irq = -1;
    for (unsigned int i = 0; i < IRQ_NR_ISA && i < layout.nr_irqs_gsi; i++)
        if (irq_desc[i].apic == apic && irq_desc[i].pin == pin)
            irq = (int)i;
    if (irq < 0)
        irq = (int)(layout.ioapic[apic].gsi_base + pin);
    if ((unsigned int)irq >= layout.nr_irqs_gsi)
        return -IRQ_EINVAL;

    bool masked = value & IOAPIC_RTE_MASKED;
    bool level = value & IOAPIC_RTE_LEVEL;
    int pirq = masked ? -1 : (int)(value & 0xff);
    if (pirq >= 0 && (unsigned int)pirq >= irq_dom0_nr_pirqs())
        return -IRQ_EINVAL;

    struct irq_desc *desc = &irq_desc[irq];
    unsigned long flags = spin_lock_irqsave(&desc->lock);
    bool in_use = desc->mica_owned || desc->enabled;
    spin_unlock_irqrestore(&desc->lock, flags);
    if (in_use)
        return 0;
    if (desc->apic < 0) {
        desc->apic = (int8_t)apic;      /* Xen's add_pin_to_irq for a GSI irq */
        desc->pin = (uint8_t)pin;
    }
    if (pirq >= 0) {
        int rc = irq_dom0_map(pirq, irq);
        if (rc < 0)
            return rc;
    }
    flags = spin_lock_irqsave(&desc->lock);
    int rc = desc->enabled ? 0 : program_pin(desc, (unsigned int)irq, level,
                                             value & IOAPIC_RTE_ACTIVE_LOW);
    if (!rc && !level && !desc->enabled)
        irq_pin_unmask(desc);           /* Xen: "mask iff level triggered" */
    spin_unlock_irqrestore(&desc->lock, flags);
    return rc;
}

/*
 * A device vector (do_irq). Interrupts are off. The event channel is sent
 * after the descriptor lock is dropped (arch/x86/irq.c).
 */
void do_device_irq(unsigned int vector)
{
    int irq = vector < 256 ? vector_irq[vector] : -1;
    if (irq < 0) {
        apic_eoi();
        return;
    }
    struct irq_desc *desc = &irq_desc[irq];
    struct irq_guest notify[IRQ_MAX_GUESTS];
    unsigned int n = 0;
    int op;

    spin_lock(&desc->lock);
    desc->count++;
    if (!desc->enabled) {
        /* Nobody wants it (a stray, or unbound meanwhile): keep it quiet. */
        irq_pin_mask(desc);
        apic_eoi();
        spin_unlock(&desc->lock);
        return;
    }
    n = irq_action_fire(&desc->action, notify, &op);
    irq_pin_apply(desc, op);            /* level: masked before the EOI clears remote IRR */
    apic_eoi();
    spin_unlock(&desc->lock);
    irq_notify_guests((unsigned int)irq, notify, n);
}
