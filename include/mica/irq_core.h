/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Physical interrupts: the pure logic (arch/x86/irq_core.c), which builds on
 * the host too and is tested there (tests/unit/irq_core.mk). The hardware
 * (arch/x86/io_apic.c) and the glue that takes locks and delivers events
 * (arch/x86/irq.c) sit on top of it.
 *
 * Names follow Xen's, because guests see Xen's numbering:
 *
 *   GSI   a global system interrupt: IOAPIC n's pin p is GSI gsi_base(n) + p.
 *   irq   Mica's (and Xen's) interrupt number. irq < 16 are the ISA IRQs,
 *         routed to a pin by the MADT's interrupt source overrides (QEMU: ISA
 *         IRQ 0 is on pin 2); every other irq is the GSI of the same number.
 *         What a guest calls the "GSI" in PHYSDEVOP_map_pirq is this irq.
 *   pirq  a domain's own name for an irq it was given (PHYSDEVOP_map_pirq),
 *         which it binds to an event channel (EVTCHNOP_bind_pirq). dom0
 *         normally asks for pirq == irq.
 *   vector the IDT vector the IOAPIC raises on CPU 0 for an irq.
 */
#ifndef MICA_IRQ_CORE_H
#define MICA_IRQ_CORE_H

#include <mica/madt.h>
#include <mica/types.h>

/* Xen's errno values, returned negated (public/errno.h). */
#define IRQ_EPERM      1
#define IRQ_ENOENT     2
#define IRQ_ESRCH      3
#define IRQ_ENOMEM    12
#define IRQ_EBUSY     16
#define IRQ_EEXIST    17
#define IRQ_ENODEV    19
#define IRQ_EINVAL    22
#define IRQ_ENOSPC    28
#define IRQ_EDOM      33
#define IRQ_EOPNOTSUPP 95

/* MAP_PIRQ_TYPE_* (public/physdev.h). */
#define IRQ_TYPE_MSI       0
#define IRQ_TYPE_GSI       1
#define IRQ_TYPE_MULTI_MSI 4

/* ---- vectors --------------------------------------------------------- */

/*
 * Device vectors come from 0x30-0xef. Below: the exceptions and the
 * remapped 8259s' 0x20-0x2f (their spurious interrupts may still arrive);
 * above: Mica's own (timer 0xf0, IPIs 0xfb/0xfc, spurious 0xff, see
 * include/mica/layout.h). 0x80 is never handed out: it is the guests'
 * int $0x80 gate (DPL 3), as Xen keeps LEGACY_SYSCALL_VECTOR.
 */
#define IRQ_FIRST_DEVICE_VECTOR  0x30
#define IRQ_LAST_DEVICE_VECTOR   0xef
#define IRQ_SYSCALL_VECTOR       0x80

struct vector_map {
    uint64_t used[4];                       /* bit v: vector v taken */
};

void vector_map_init(struct vector_map *m);
/* A free device vector, now taken; -1 when all are taken. */
int vector_alloc(struct vector_map *m);
/* Give back a vector from vector_alloc (anything else is ignored). */
void vector_free(struct vector_map *m, unsigned int vector);
bool vector_in_use(const struct vector_map *m, unsigned int vector);
/* Could vector_alloc ever return this one? */
bool vector_is_device(unsigned int vector);

/* ---- IOAPIC redirection entries -------------------------------------- */

#define IOAPIC_RTE_VECTOR_MASK  0xffULL
#define IOAPIC_RTE_DELMODE_SHIFT 8           /* 0 fixed, 1 lowest priority, 2 SMI, 4 NMI, 5 INIT, 7 ExtINT */
#define IOAPIC_RTE_DELMODE_MASK (7ULL << 8)
#define IOAPIC_RTE_DEST_LOGICAL (1ULL << 11)
#define IOAPIC_RTE_PENDING      (1ULL << 12)  /* delivery status (read-only) */
#define IOAPIC_RTE_ACTIVE_LOW   (1ULL << 13)
#define IOAPIC_RTE_REMOTE_IRR   (1ULL << 14)  /* read-only */
#define IOAPIC_RTE_LEVEL        (1ULL << 15)
#define IOAPIC_RTE_MASKED       (1ULL << 16)
#define IOAPIC_RTE_DEST_SHIFT   56

/* Fixed delivery, physical destination mode. */
uint64_t ioapic_rte_build(uint8_t vector, uint8_t dest_apic_id, bool level, bool active_low,
                          bool masked);

/*
 * Trigger and polarity of an ISA IRQ from an interrupt source override's
 * MPS INTI flags (polarity bits 0-1, trigger bits 2-3; 0 = "conforms to
 * the bus", which for ISA is active high, edge). Reserved encodings count
 * as the bus default.
 */
void irq_isa_mode(uint16_t inti_flags, bool *level, bool *active_low);

/* ---- the GSI layout --------------------------------------------------- */

#define IRQ_MAX_GSIS  256       /* irqs (GSIs) Mica drives; more are ignored */
#define IRQ_NR_ISA    16

struct irq_pin {
    int8_t apic;            /* index into irq_layout.ioapic, -1: none */
    uint8_t pin;
    bool level;
    bool active_low;
};

struct irq_layout {
    unsigned int nr_ioapics;
    struct {
        uint32_t gsi_base;
        unsigned int nr_pins;
    } ioapic[MADT_MAX_IOAPICS];
    unsigned int nr_irqs_gsi;       /* irqs [0, nr_irqs_gsi) are GSI-backed */
    unsigned int nr_gsis_dropped;   /* GSIs beyond IRQ_MAX_GSIS */
    struct irq_pin isa[IRQ_NR_ISA]; /* where ISA IRQ n is wired, and how */
};

/*
 * Build the layout from the MADT and each IOAPIC's pin count (nr_pins[i]
 * for m->ioapic[i], read from its version register; 0 = unusable).
 * nr_irqs_gsi follows Xen: the pins, at least the highest GSI + 1, at
 * least 16, at most IRQ_MAX_GSIS. ISA IRQ n is routed by its override
 * (bus 0, source n) if there is one; otherwise to GSI n unless an override
 * already routes another ISA IRQ there (QEMU: IRQ 0 -> GSI 2, so IRQ 2 has
 * no pin and pin 0 stays unused), exactly as Xen fabricates its ISA bus.
 */
void irq_layout_build(struct irq_layout *l, const struct madt_info *m, const unsigned int *nr_pins);
/* IOAPIC index and pin of a GSI; false if no IOAPIC has it. */
bool irq_layout_gsi_pin(const struct irq_layout *l, unsigned int gsi, unsigned int *apic,
                        unsigned int *pin);

/* ---- limits (Xen's formulas) -------------------------------------------- */

#define IRQ_NR_DYNAMIC_VECTORS 208          /* Xen's 0x20-0xef, per CPU */
#define IRQ_EXTRA_DOMU_PIRQS   32

/* Xen's nr_irqs: max(CPUs * 208, 8 * nr_irqs_gsi). */
unsigned int irq_nr_irqs(unsigned int nr_irqs_gsi, unsigned int nr_cpus);
/*
 * Xen's d->nr_pirqs. The hardware domain: nr_irqs_gsi + 208 per
 * min(fls(CPUs), dom0 vCPUs), at most nr_irqs and 32768 (one bit each in
 * the EOI page); others nr_irqs_gsi + 32, at most nr_irqs.
 */
unsigned int irq_nr_pirqs(unsigned int nr_irqs_gsi, unsigned int nr_irqs, unsigned int nr_cpus,
                          unsigned int nr_vcpus, bool hardware_domain);

/* ---- a domain's pirqs ---------------------------------------------------- */

enum pirq_state {
    PIRQ_FREE = 0,
    PIRQ_RESERVED,      /* PHYSDEVOP_get_free_pirq: taken, nothing mapped yet */
    PIRQ_MAPPED,        /* irq is this domain's pirq */
    PIRQ_ORPHANED,      /* unmapped while bound: only the event channel is left */
};

struct pirq_entry {
    int32_t irq;            /* MAPPED and ORPHANED: the irq */
    uint8_t state;          /* enum pirq_state */
    uint8_t bound;          /* an event channel is bound (EVTCHNOP_bind_pirq) */
    uint8_t pad[2];
};

/*
 * One domain's pirq table and the irqs it may use ("irq access", Xen's
 * irq_caps). The glue provides the storage and holds the domain's event
 * lock around every call, as Xen holds its event_lock.
 */
struct pirq_domain {
    uint32_t nr_pirqs;
    uint32_t nr_irqs;           /* access covers irqs [0, nr_irqs) */
    uint32_t nr_irqs_gsi;
    struct pirq_entry *pirq;    /* nr_pirqs entries */
    uint64_t *access;           /* nr_irqs bits */
};

/* Words of access storage for nr_irqs irqs. */
#define PIRQ_ACCESS_WORDS(nr_irqs) (((nr_irqs) + 63) / 64)

/*
 * Clear the table; the hardware domain may use irqs 1 .. nr_irqs_gsi - 1
 * (never irq 0, the timer), others none until irqs are mapped to them.
 */
void pirq_domain_init(struct pirq_domain *pd, uint32_t nr_pirqs, uint32_t nr_irqs,
                      uint32_t nr_irqs_gsi, struct pirq_entry *pirqs, uint64_t *access,
                      bool hardware_domain);

/* Xen's domain_pirq_to_irq: the irq (> 0), -1 reserved, -irq orphaned, 0 none. */
int pirq_to_irq(const struct pirq_domain *pd, int pirq);
/* Xen's domain_irq_to_pirq: the pirq (> 0), -pirq orphaned, 0 none. */
int irq_to_pirq(const struct pirq_domain *pd, int irq);
bool irq_access(const struct pirq_domain *pd, int irq);
void irq_access_grant(struct pirq_domain *pd, int irq);
void irq_access_revoke(struct pirq_domain *pd, int irq);
/* Xen's pirq_access_permitted: pirq is mapped and its irq is ours. */
bool pirq_access(const struct pirq_domain *pd, int pirq);
/* Does Xen keep a struct pirq for it (PHYSDEVOP_eoi says -EINVAL if not)? */
bool pirq_exists(const struct pirq_domain *pd, int pirq);

/*
 * Xen's get_free_pirq: GSI type first tries pirqs 16 .. nr_irqs_gsi - 1,
 * then every type goes down from nr_pirqs - 1 to nr_irqs_gsi. Nothing is
 * reserved. -ENOSPC if none.
 */
int pirq_find_free(const struct pirq_domain *pd, int type);
/* A run of nr free pirqs at or above nr_irqs_gsi, searching downwards; its lowest pirq. */
int pirq_find_free_block(const struct pirq_domain *pd, unsigned int nr);
/* PHYSDEVOP_get_free_pirq: pirq_find_free, and the pirq is reserved. */
int pirq_reserve_free(struct pirq_domain *pd, int type);

/*
 * Xen's allocate_pirq: which pirq a map of irq gets. want < 0: the pirq irq
 * already has (-EBUSY if orphaned), or a free one (MULTI_MSI: a block of
 * *nr rounded up to a power of two; -EDOM for nr outside 1..32, -EOPNOTSUPP
 * for more than one without interrupt remapping, which Mica never has).
 * want >= 0: -EEXIST if irq already has another pirq. Returns the pirq.
 */
int pirq_choose(const struct pirq_domain *pd, int irq, int want, int type, int *nr);

/*
 * Xen's map_domain_pirq on the table: -EPERM unless the caller may use irq
 * (caller_ok), -EINVAL for a pirq or irq out of range, then Xen's quirk:
 * when pirq already names another irq, or irq already has another pirq,
 * nothing happens and the result is 0. Otherwise device_rc (the MSI
 * device check, 0 for a GSI) decides; on success pirq maps irq and the
 * domain may use irq.
 */
int pirq_map(struct pirq_domain *pd, bool caller_ok, int pirq, int irq, int device_rc);

/*
 * Xen's unmap_domain_pirq on the table: -EINVAL for a pirq out of range or
 * not mapped. The domain loses access to the irq (so dom0 cannot map that
 * GSI again: Xen's -EPERM). A bound pirq becomes ORPHANED (*was_bound set:
 * the glue takes the irq away from the event channel), else FREE.
 */
int pirq_unmap(struct pirq_domain *pd, int pirq, int *irq, bool *was_bound);

/*
 * The event channel bound to pirq was closed. Returns the irq the glue
 * must unbind from (> 0), or 0 when there is nothing to do (an orphaned
 * pirq is freed here).
 */
int pirq_port_closed(struct pirq_domain *pd, int pirq);

/* ---- one irq's guests ------------------------------------------------------ */

#define IRQ_MAX_GUESTS 4

enum irq_ack {
    IRQ_ACK_NONE = 0,   /* edge: acknowledged at once, nothing waits for the guest */
    IRQ_ACK_UNMASK,     /* level: masked at the IOAPIC until every guest's EOI */
};

struct irq_guest {
    void *dom;              /* the glue's domain */
    uint32_t pirq;
    bool masked;            /* delivered, waiting for this guest's EOI */
};

/*
 * Xen's irq_guest_action: who gets an irq. Pure bookkeeping; each call
 * says what the glue must do to the pin (IRQ_PIN_*).
 */
struct irq_action {
    uint8_t nr_guests;
    bool shareable;
    uint8_t ack;            /* enum irq_ack, fixed by the first bind */
    uint8_t in_flight;      /* guests that have not EOI'd yet */
    struct irq_guest guest[IRQ_MAX_GUESTS];
};

#define IRQ_PIN_NOTHING 0
#define IRQ_PIN_UNMASK  1
#define IRQ_PIN_MASK    2

/*
 * Add a guest. The first one fixes the ack type (level -> UNMASK) and
 * whether the irq may be shared; the pin is then unmasked. A second guest
 * needs both to share (-EBUSY otherwise, and when IRQ_MAX_GUESTS bind).
 */
int irq_action_bind(struct irq_action *a, void *dom, uint32_t pirq, bool will_share, bool level,
                    int *pin_op);
/* Remove a guest (its EOI is implied); the last one masks the pin. */
void irq_action_unbind(struct irq_action *a, void *dom, uint32_t pirq, int *pin_op);
/*
 * The irq fired. For UNMASK irqs every guest not already waiting becomes
 * masked (in flight) and the pin is masked. Returns the guests to notify.
 */
unsigned int irq_action_fire(struct irq_action *a, struct irq_guest *notify, int *pin_op);
/* A guest's EOI (PHYSDEVOP_eoi): the last outstanding one unmasks the pin. */
void irq_action_eoi(struct irq_action *a, void *dom, uint32_t pirq, int *pin_op);

#endif
