/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ACPI MADT parser; see include/mica/madt.h. All multi-byte fields are read
 * with memcpy: entries are packed and need not be aligned.
 */
#include <mica/madt.h>
#include <mica/string.h>

#define MADT_HEADER_LEN 44      /* ACPI header (36) + local APIC address (4) + flags (4) */

enum {
    ENTRY_LAPIC = 0,
    ENTRY_IOAPIC = 1,
    ENTRY_OVERRIDE = 2,
    ENTRY_LAPIC_NMI = 4,
    ENTRY_LAPIC_ADDR = 5,
    ENTRY_X2APIC = 9,
};

static uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static void add_cpu(struct madt_info *m, uint32_t apic_id, uint32_t uid, uint32_t flags, bool x2apic)
{
    /* Firmware may describe one processor in both entry kinds: keep the first. */
    for (unsigned i = 0; i < m->nr_cpus; i++) {
        if (m->cpu[i].apic_id == apic_id) {
            m->nr_cpus_dropped++;
            return;
        }
    }
    if (m->nr_cpus == MADT_MAX_CPUS) {
        m->nr_cpus_dropped++;
        return;
    }
    struct madt_cpu *c = &m->cpu[m->nr_cpus++];
    c->apic_id = apic_id;
    c->acpi_uid = uid;
    c->enabled = flags & MADT_LAPIC_ENABLED;
    c->online_capable = !c->enabled && (flags & MADT_LAPIC_ONLINE_CAPABLE);
    c->x2apic = x2apic;
}

/* One entry of known length; false if it is too short for its type. */
static bool parse_entry(struct madt_info *m, const uint8_t *e, unsigned len)
{
    switch (e[0]) {
    case ENTRY_LAPIC:
        if (len < 8)
            return false;
        add_cpu(m, e[3], e[2], get32(e + 4), false);
        return true;
    case ENTRY_X2APIC:
        if (len < 16)
            return false;
        add_cpu(m, get32(e + 4), get32(e + 12), get32(e + 8), true);
        return true;
    case ENTRY_IOAPIC:
        if (len < 12)
            return false;
        if (m->nr_ioapics < MADT_MAX_IOAPICS)
            m->ioapic[m->nr_ioapics++] = (struct madt_ioapic){
                .id = e[2], .addr = get32(e + 4), .gsi_base = get32(e + 8) };
        return true;
    case ENTRY_OVERRIDE:
        if (len < 10)
            return false;
        if (m->nr_overrides < MADT_MAX_OVERRIDES)
            m->override[m->nr_overrides++] = (struct madt_override){
                .bus = e[2], .irq = e[3], .gsi = get32(e + 4), .flags = get16(e + 8) };
        return true;
    case ENTRY_LAPIC_NMI:
        if (len < 6)
            return false;
        if (m->nr_nmis < MADT_MAX_NMIS)
            m->nmi[m->nr_nmis++] = (struct madt_nmi){
                .acpi_uid = e[2] == 0xff ? MADT_UID_ALL : e[2], .flags = get16(e + 3), .lint = e[5] };
        return true;
    case ENTRY_LAPIC_ADDR:
        if (len < 12)
            return false;
        m->lapic_addr = get64(e + 4);
        return true;
    default:
        m->nr_unknown++;
        return true;
    }
}

int madt_parse(const void *table, size_t avail, struct madt_info *out)
{
    const uint8_t *t = table;

    memset(out, 0, sizeof(*out));
    if (avail < MADT_HEADER_LEN)
        return MADT_E_SHORT;
    if (memcmp(t, "APIC", 4))
        return MADT_E_SIGNATURE;
    uint32_t len = get32(t + 4);
    if (len < MADT_HEADER_LEN || len > avail)
        return MADT_E_SHORT;
    uint8_t sum = 0;
    for (uint32_t i = 0; i < len; i++)
        sum += t[i];
    if (sum)
        return MADT_E_CHECKSUM;

    out->lapic_addr = get32(t + 36);
    out->flags = get32(t + 40);
    for (uint32_t off = MADT_HEADER_LEN; off < len;) {
        /* Type and length must both be inside, and the length must make progress. */
        if (len - off < 2 || t[off + 1] < 2 || t[off + 1] > len - off) {
            memset(out, 0, sizeof(*out));
            return MADT_E_ENTRY;
        }
        unsigned elen = t[off + 1];
        if (!parse_entry(out, t + off, elen))
            out->nr_bad++;
        off += elen;
    }
    return MADT_OK;
}

const char *madt_strerror(int err)
{
    switch (err) {
    case MADT_OK: return "ok";
    case MADT_E_SHORT: return "truncated";
    case MADT_E_SIGNATURE: return "not an MADT";
    case MADT_E_CHECKSUM: return "bad checksum";
    case MADT_E_ENTRY: return "malformed entry list";
    default: return "unknown error";
    }
}

unsigned madt_enabled_cpus(const struct madt_info *m)
{
    unsigned n = 0;
    for (unsigned i = 0; i < m->nr_cpus; i++)
        n += m->cpu[i].enabled;
    return n;
}
