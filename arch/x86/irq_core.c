/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Physical interrupts, the pure part: vectors, redirection entries, the
 * GSI layout, Xen's limits, a domain's pirq table and an irq's guests.
 * See include/mica/irq_core.h. Xen 4.17's rules are cited where a guest
 * can see them (xen/arch/x86/irq.c, io_apic.c, mpparse.c).
 */
#include <mica/irq_core.h>
#include <mica/string.h>

/* ---- vectors ------------------------------------------------------------- */

bool vector_is_device(unsigned int vector)
{
    return vector >= IRQ_FIRST_DEVICE_VECTOR && vector <= IRQ_LAST_DEVICE_VECTOR &&
           vector != IRQ_SYSCALL_VECTOR;
}

void vector_map_init(struct vector_map *m)
{
    /* Everything that is not a device vector is taken for good. */
    for (unsigned int v = 0; v < 256; v++) {
        if (vector_is_device(v))
            m->used[v / 64] &= ~(1ULL << (v % 64));
        else
            m->used[v / 64] |= 1ULL << (v % 64);
    }
}

bool vector_in_use(const struct vector_map *m, unsigned int vector)
{
    return vector >= 256 || ((m->used[vector / 64] >> (vector % 64)) & 1);
}

int vector_alloc(struct vector_map *m)
{
    for (unsigned int v = IRQ_FIRST_DEVICE_VECTOR; v <= IRQ_LAST_DEVICE_VECTOR; v++) {
        if (!vector_in_use(m, v)) {
            m->used[v / 64] |= 1ULL << (v % 64);
            return (int)v;
        }
    }
    return -1;
}

void vector_free(struct vector_map *m, unsigned int vector)
{
    if (vector_is_device(vector))
        m->used[vector / 64] &= ~(1ULL << (vector % 64));
}

/* ---- redirection entries ------------------------------------------------- */

uint64_t ioapic_rte_build(uint8_t vector, uint8_t dest_apic_id, bool level, bool active_low,
                          bool masked)
{
    uint64_t e = vector;                    /* fixed delivery, physical destination */
    if (active_low)
        e |= IOAPIC_RTE_ACTIVE_LOW;
    if (level)
        e |= IOAPIC_RTE_LEVEL;
    if (masked)
        e |= IOAPIC_RTE_MASKED;
    return e | ((uint64_t)dest_apic_id << IOAPIC_RTE_DEST_SHIFT);
}

void irq_isa_mode(uint16_t inti_flags, bool *level, bool *active_low)
{
    *active_low = (inti_flags & 3) == 3;
    *level = ((inti_flags >> 2) & 3) == 3;
}

/* ---- the GSI layout ------------------------------------------------------ */

bool irq_layout_gsi_pin(const struct irq_layout *l, unsigned int gsi, unsigned int *apic,
                        unsigned int *pin)
{
    for (unsigned int i = 0; i < l->nr_ioapics; i++) {
        uint32_t base = l->ioapic[i].gsi_base;
        if (gsi >= base && gsi - base < l->ioapic[i].nr_pins) {
            *apic = i;
            *pin = gsi - base;
            return true;
        }
    }
    return false;
}

/* Is an ISA IRQ already wired to this pin (by an override or the default)? */
static bool pin_taken(const struct irq_layout *l, unsigned int apic, unsigned int pin)
{
    for (unsigned int i = 0; i < IRQ_NR_ISA; i++)
        if (l->isa[i].apic == (int8_t)apic && l->isa[i].pin == pin)
            return true;
    return false;
}

void irq_layout_build(struct irq_layout *l, const struct madt_info *m, const unsigned int *nr_pins)
{
    memset(l, 0, sizeof(*l));
    uint64_t pins = 0, top = 0;

    for (unsigned int i = 0; i < m->nr_ioapics && i < MADT_MAX_IOAPICS; i++) {
        l->ioapic[i].gsi_base = m->ioapic[i].gsi_base;
        l->ioapic[i].nr_pins = nr_pins[i];
        l->nr_ioapics = i + 1;
        if (!nr_pins[i])
            continue;
        pins += nr_pins[i];
        uint64_t end = (uint64_t)m->ioapic[i].gsi_base + nr_pins[i];
        if (end > top)
            top = end;
    }
    /* Xen's ioapic_init: the pins, at least the highest GSI + 1, at least 16. */
    uint64_t n = pins > top ? pins : top;
    if (n < IRQ_NR_ISA)
        n = IRQ_NR_ISA;
    if (n > IRQ_MAX_GSIS) {
        l->nr_gsis_dropped = (unsigned int)MIN(n - IRQ_MAX_GSIS, (uint64_t)UINT32_MAX);
        n = IRQ_MAX_GSIS;
    }
    l->nr_irqs_gsi = (unsigned int)n;

    for (unsigned int i = 0; i < IRQ_NR_ISA; i++)
        l->isa[i] = (struct irq_pin){ .apic = -1 };

    /* Overrides first (Xen's mp_override_legacy_irq), bus 0 = ISA. */
    for (unsigned int o = 0; o < m->nr_overrides; o++) {
        const struct madt_override *ov = &m->override[o];
        unsigned int apic, pin;
        if (ov->bus != 0 || ov->irq >= IRQ_NR_ISA || !irq_layout_gsi_pin(l, ov->gsi, &apic, &pin))
            continue;
        if (l->isa[ov->irq].apic >= 0)
            continue;                           /* the first override of an IRQ wins */
        uint16_t flags = ov->flags;
        /* Xen: a level-triggered override of the timer is a firmware bug: edge. */
        if (ov->irq == 0 && ((flags >> 2) & 3) == 3)
            flags = (uint16_t)((flags & ~0xcu) | 0x4u);
        struct irq_pin *p = &l->isa[ov->irq];
        p->apic = (int8_t)apic;
        p->pin = (uint8_t)pin;
        irq_isa_mode(flags, &p->level, &p->active_low);
    }
    /* Then identity for the rest (mp_config_acpi_legacy_irqs): edge, active high. */
    for (unsigned int i = 0; i < IRQ_NR_ISA; i++) {
        unsigned int apic, pin;
        if (l->isa[i].apic >= 0 || !irq_layout_gsi_pin(l, i, &apic, &pin) || pin_taken(l, apic, pin))
            continue;
        l->isa[i] = (struct irq_pin){ .apic = (int8_t)apic, .pin = (uint8_t)pin };
    }
}

/* ---- limits ----------------------------------------------------------- */

unsigned int irq_nr_irqs(unsigned int nr_irqs_gsi, unsigned int nr_cpus)
{
    unsigned int a = nr_cpus * IRQ_NR_DYNAMIC_VECTORS, b = 8 * nr_irqs_gsi;
    return a > b ? a : b;
}

static unsigned int fls(unsigned int x)
{
    return x ? 32 - (unsigned int)__builtin_clz(x) : 0;
}

unsigned int irq_nr_pirqs(unsigned int nr_irqs_gsi, unsigned int nr_irqs, unsigned int nr_cpus,
                          unsigned int nr_vcpus, bool hardware_domain)
{
    unsigned int n;
    if (hardware_domain) {
        unsigned int k = MIN(fls(nr_cpus), nr_vcpus);
        unsigned int cap = MIN(nr_irqs, (unsigned int)(PAGE_SIZE * 8));
        n = MIN(nr_irqs_gsi + k * IRQ_NR_DYNAMIC_VECTORS, cap);
    } else {
        n = MIN(nr_irqs_gsi + IRQ_EXTRA_DOMU_PIRQS, nr_irqs);
    }
    return n;
}

/* ---- a domain's pirqs ----------------------------------------------------- */

void pirq_domain_init(struct pirq_domain *pd, uint32_t nr_pirqs, uint32_t nr_irqs,
                      uint32_t nr_irqs_gsi, struct pirq_entry *pirqs, uint64_t *access,
                      bool hardware_domain)
{
    pd->nr_pirqs = nr_pirqs;
    pd->nr_irqs = nr_irqs;
    pd->nr_irqs_gsi = nr_irqs_gsi;
    pd->pirq = pirqs;
    pd->access = access;
    memset(pirqs, 0, nr_pirqs * sizeof(*pirqs));
    memset(access, 0, PIRQ_ACCESS_WORDS(nr_irqs) * sizeof(uint64_t));
    /* Xen's dom0_setup_permissions: irqs_permit_access(d, 1, nr_irqs_gsi - 1). */
    if (hardware_domain)
        for (uint32_t irq = 1; irq < nr_irqs_gsi && irq < nr_irqs; irq++)
            irq_access_grant(pd, (int)irq);
}

static bool pirq_valid(const struct pirq_domain *pd, int pirq)
{
    return pirq >= 0 && (uint32_t)pirq < pd->nr_pirqs;
}

int pirq_to_irq(const struct pirq_domain *pd, int pirq)
{
    if (!pirq_valid(pd, pirq))
        return 0;
    const struct pirq_entry *e = &pd->pirq[pirq];
    switch (e->state) {
    case PIRQ_MAPPED: return e->irq;
    case PIRQ_ORPHANED: return -e->irq;
    case PIRQ_RESERVED: return -1;
    default: return 0;
    }
}

int irq_to_pirq(const struct pirq_domain *pd, int irq)
{
    if (irq <= 0)
        return 0;
    for (uint32_t p = 0; p < pd->nr_pirqs; p++) {
        const struct pirq_entry *e = &pd->pirq[p];
        if (e->irq != irq)
            continue;
        if (e->state == PIRQ_MAPPED)
            return (int)p;
        if (e->state == PIRQ_ORPHANED)
            return -(int)p;
    }
    return 0;
}

bool irq_access(const struct pirq_domain *pd, int irq)
{
    return irq >= 0 && (uint32_t)irq < pd->nr_irqs && ((pd->access[irq / 64] >> (irq % 64)) & 1);
}

void irq_access_grant(struct pirq_domain *pd, int irq)
{
    if (irq >= 0 && (uint32_t)irq < pd->nr_irqs)
        pd->access[irq / 64] |= 1ULL << (irq % 64);
}

void irq_access_revoke(struct pirq_domain *pd, int irq)
{
    if (irq >= 0 && (uint32_t)irq < pd->nr_irqs)
        pd->access[irq / 64] &= ~(1ULL << (irq % 64));
}

bool pirq_access(const struct pirq_domain *pd, int pirq)
{
    int irq = pirq_to_irq(pd, pirq);
    return irq > 0 && irq_access(pd, irq);
}

bool pirq_exists(const struct pirq_domain *pd, int pirq)
{
    return pirq_valid(pd, pirq) && pd->pirq[pirq].state != PIRQ_FREE;
}

static bool pirq_is_free(const struct pirq_domain *pd, uint32_t pirq)
{
    return pd->pirq[pirq].state == PIRQ_FREE;
}

int pirq_find_free(const struct pirq_domain *pd, int type)
{
    if (type == IRQ_TYPE_GSI)
        for (uint32_t p = IRQ_NR_ISA; p < pd->nr_irqs_gsi && p < pd->nr_pirqs; p++)
            if (pirq_is_free(pd, p))
                return (int)p;
    for (uint32_t p = pd->nr_pirqs; p-- > pd->nr_irqs_gsi;)
        if (pirq_is_free(pd, p))
            return (int)p;
    return -IRQ_ENOSPC;
}

int pirq_find_free_block(const struct pirq_domain *pd, unsigned int nr)
{
    unsigned int found = 0;
    if (!nr)
        return -IRQ_ENOSPC;
    for (uint32_t p = pd->nr_pirqs; p-- > pd->nr_irqs_gsi;) {
        if (!pirq_is_free(pd, p)) {
            found = 0;
            continue;
        }
        if (++found == nr)
            return (int)p;
    }
    return -IRQ_ENOSPC;
}

int pirq_reserve_free(struct pirq_domain *pd, int type)
{
    int p = pirq_find_free(pd, type);
    if (p >= 0)
        pd->pirq[p] = (struct pirq_entry){ .state = PIRQ_RESERVED };
    return p;
}

#define MAX_MSI_IRQS 32

int pirq_choose(const struct pirq_domain *pd, int irq, int want, int type, int *nr)
{
    int current_pirq = irq_to_pirq(pd, irq);

    if (want >= 0) {
        if (current_pirq && want != current_pirq)
            return -IRQ_EEXIST;
        return want;
    }
    if (current_pirq)
        return current_pirq < 0 ? -IRQ_EBUSY : current_pirq;
    if (type == IRQ_TYPE_MULTI_MSI) {
        if (*nr <= 0 || *nr > MAX_MSI_IRQS)
            return -IRQ_EDOM;
        if (*nr != 1)
            return -IRQ_EOPNOTSUPP;     /* several vectors need interrupt remapping */
        return pirq_find_free_block(pd, 1);
    }
    return pirq_find_free(pd, type);
}

int pirq_map(struct pirq_domain *pd, bool caller_ok, int pirq, int irq, int device_rc)
{
    if (!caller_ok)
        return -IRQ_EPERM;
    if (!pirq_valid(pd, pirq) || irq <= 0 || (uint32_t)irq >= pd->nr_irqs)
        return -IRQ_EINVAL;
    int old_irq = pirq_to_irq(pd, pirq), old_pirq = irq_to_pirq(pd, irq);
    if ((old_irq > 0 && old_irq != irq) || (old_pirq && old_pirq != pirq))
        return 0;                       /* Xen: "already mapped", and says 0 */
    if (device_rc)
        return device_rc;
    struct pirq_entry *e = &pd->pirq[pirq];
    e->irq = irq;
    e->state = PIRQ_MAPPED;
    irq_access_grant(pd, irq);
    return 0;
}

int pirq_unmap(struct pirq_domain *pd, int pirq, int *irq, bool *was_bound)
{
    if (!pirq_valid(pd, pirq) || pd->pirq[pirq].state != PIRQ_MAPPED)
        return -IRQ_EINVAL;
    struct pirq_entry *e = &pd->pirq[pirq];
    *irq = e->irq;
    *was_bound = e->bound;
    if (e->bound)
        e->state = PIRQ_ORPHANED;
    else
        *e = (struct pirq_entry){ .state = PIRQ_FREE };
    irq_access_revoke(pd, *irq);
    return 0;
}

int pirq_port_closed(struct pirq_domain *pd, int pirq)
{
    if (!pirq_valid(pd, pirq))
        return 0;
    struct pirq_entry *e = &pd->pirq[pirq];
    if (e->state == PIRQ_ORPHANED) {
        *e = (struct pirq_entry){ .state = PIRQ_FREE };
        return 0;
    }
    if (e->state != PIRQ_MAPPED || !e->bound)
        return 0;
    e->bound = 0;
    return e->irq;
}

/* ---- one irq's guests ------------------------------------------------------- */

static int find_guest(const struct irq_action *a, void *dom, uint32_t pirq)
{
    for (unsigned int i = 0; i < a->nr_guests; i++)
        if (a->guest[i].dom == dom && a->guest[i].pirq == pirq)
            return (int)i;
    return -1;
}

int irq_action_bind(struct irq_action *a, void *dom, uint32_t pirq, bool will_share, bool level,
                    int *pin_op)
{
    *pin_op = IRQ_PIN_NOTHING;
    if (a->nr_guests == 0) {
        a->shareable = will_share;
        a->ack = level ? IRQ_ACK_UNMASK : IRQ_ACK_NONE;
        a->in_flight = 0;
        *pin_op = IRQ_PIN_UNMASK;
    } else if (!will_share || !a->shareable || a->nr_guests >= IRQ_MAX_GUESTS) {
        return -IRQ_EBUSY;
    }
    a->guest[a->nr_guests++] = (struct irq_guest){ .dom = dom, .pirq = pirq };
    return 0;
}

void irq_action_unbind(struct irq_action *a, void *dom, uint32_t pirq, int *pin_op)
{
    *pin_op = IRQ_PIN_NOTHING;
    int i = find_guest(a, dom, pirq);
    if (i < 0)
        return;
    bool was_masked = a->guest[i].masked;
    memmove(&a->guest[i], &a->guest[i + 1], (a->nr_guests - (unsigned int)i - 1) * sizeof(a->guest[0]));
    a->nr_guests--;
    if (a->nr_guests == 0) {
        a->in_flight = 0;
        *pin_op = IRQ_PIN_MASK;
        return;
    }
    if (was_masked && a->in_flight && --a->in_flight == 0 && a->ack == IRQ_ACK_UNMASK)
        *pin_op = IRQ_PIN_UNMASK;
}

unsigned int irq_action_fire(struct irq_action *a, struct irq_guest *notify, int *pin_op)
{
    *pin_op = IRQ_PIN_NOTHING;
    if (a->ack == IRQ_ACK_UNMASK && a->nr_guests) {
        *pin_op = IRQ_PIN_MASK;
        for (unsigned int i = 0; i < a->nr_guests; i++) {
            if (!a->guest[i].masked) {
                a->guest[i].masked = true;
                a->in_flight++;
            }
        }
    }
    for (unsigned int i = 0; i < a->nr_guests; i++)
        notify[i] = a->guest[i];
    return a->nr_guests;
}

void irq_action_eoi(struct irq_action *a, void *dom, uint32_t pirq, int *pin_op)
{
    *pin_op = IRQ_PIN_NOTHING;
    int i = find_guest(a, dom, pirq);
    if (i < 0 || !a->guest[i].masked)
        return;
    a->guest[i].masked = false;
    if (a->in_flight && --a->in_flight == 0 && a->ack == IRQ_ACK_UNMASK)
        *pin_op = IRQ_PIN_UNMASK;
}
