/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ACPI MADT ("APIC" table): which processors the machine has, their
 * local APIC ids, and the IOAPICs with the legacy-IRQ overrides.
 *
 * The table is untrusted input: the parser checks signature, length and
 * checksum, walks the entries without ever reading past the table, and
 * skips an entry that is too short for its type (counted in nr_bad). Pure
 * code: it builds on the host under Check as well (tests/unit/madt.mk).
 *
 * Entry types read (ACPI 6.5, section 5.2.12):
 *   0 processor local APIC     uid(1) apic id(1) flags(4)
 *   1 IOAPIC                   id(1) reserved(1) address(4) GSI base(4)
 *   2 interrupt source override bus(1) source(1) GSI(4) flags(2)
 *   4 local APIC NMI           uid(1) flags(2) LINT#(1)
 *   5 local APIC address override  reserved(2) address(8)
 *   9 processor local x2APIC   reserved(2) x2APIC id(4) flags(4) uid(4)
 * Others are counted in nr_unknown and ignored.
 */
#ifndef MICA_MADT_H
#define MICA_MADT_H

#include <mica/types.h>

#define MADT_MAX_CPUS       256
#define MADT_MAX_IOAPICS    8
#define MADT_MAX_OVERRIDES  16
#define MADT_MAX_NMIS       8

#define MADT_PCAT_COMPAT    (1u << 0)   /* MADT flags: legacy 8259 pair present */
#define MADT_LAPIC_ENABLED  (1u << 0)   /* processor flags */
#define MADT_LAPIC_ONLINE_CAPABLE (1u << 1)
#define MADT_UID_ALL        0xffffffffu /* NMI entry for every processor (uid 0xff) */

struct madt_cpu {
    uint32_t apic_id;
    uint32_t acpi_uid;
    bool enabled;           /* present and usable now */
    bool online_capable;    /* not enabled, but may be brought online later */
    bool x2apic;            /* came from an x2APIC entry */
};

struct madt_ioapic {
    uint8_t id;
    uint32_t addr;
    uint32_t gsi_base;
};

struct madt_override {
    uint8_t bus;
    uint8_t irq;            /* the ISA IRQ ... */
    uint32_t gsi;           /* ... is this global system interrupt */
    uint16_t flags;         /* MPS INTI flags: polarity bits 0-1, trigger bits 2-3 */
};

struct madt_nmi {
    uint32_t acpi_uid;      /* MADT_UID_ALL: every processor */
    uint16_t flags;
    uint8_t lint;           /* LINT0 or LINT1 */
};

struct madt_info {
    uint64_t lapic_addr;    /* after any address-override entry */
    uint32_t flags;
    unsigned nr_cpus;
    unsigned nr_cpus_dropped;   /* beyond MADT_MAX_CPUS, or a repeated APIC id */
    struct madt_cpu cpu[MADT_MAX_CPUS];
    unsigned nr_ioapics;
    struct madt_ioapic ioapic[MADT_MAX_IOAPICS];
    unsigned nr_overrides;
    struct madt_override override[MADT_MAX_OVERRIDES];
    unsigned nr_nmis;
    struct madt_nmi nmi[MADT_MAX_NMIS];
    unsigned nr_bad;        /* entries too short for their type: skipped */
    unsigned nr_unknown;    /* entry types not read */
};

enum madt_error {
    MADT_OK = 0,
    MADT_E_SHORT = -1,      /* shorter than the fixed part, or than its own length */
    MADT_E_SIGNATURE = -2,  /* not "APIC" */
    MADT_E_CHECKSUM = -3,
    MADT_E_ENTRY = -4,      /* an entry length of 0/1 or running past the end */
};

/*
 * Parse the table at 'table', of which 'avail' bytes may be read (the
 * header's length must fit in it). On success *out describes the table;
 * on error *out is left cleared and the negative madt_error is returned.
 */
int madt_parse(const void *table, size_t avail, struct madt_info *out);
const char *madt_strerror(int err);
/* Number of CPUs flagged enabled. */
unsigned madt_enabled_cpus(const struct madt_info *m);

#endif
