/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Just enough ACPI to switch the machine off and reset it: the FADT's PM1
 * control blocks and reset register, and the S5 sleep type from the DSDT's
 * \_S5 package. Every table is checksummed and bounds-checked; anything
 * unexpected means "no ACPI power control", never a crash.
 */
#include <asm/x86.h>
#include <mica/bootinfo.h>
#include <mica/console.h>
#include <mica/mm.h>
#include <mica/power.h>
#include <mica/string.h>
#include <mica/time.h>
#include <asm/acpi.h>

struct __packed acpi_rsdp {
    char signature[8];
    uint8_t checksum;
    char oem_id[6];
    uint8_t revision;
    uint32_t rsdt;
    uint32_t length;
    uint64_t xsdt;
    uint8_t ext_checksum;
    uint8_t reserved[3];
};

struct __packed acpi_header {
    char signature[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
};

/* FADT offsets (ACPI spec, table 5.9). */
#define FADT_DSDT          40
#define FADT_SMI_CMD       48
#define FADT_ACPI_ENABLE   52
#define FADT_PM1A_CNT      64
#define FADT_PM1B_CNT      68
#define FADT_FLAGS         112
#define FADT_RESET_REG     116
#define FADT_RESET_VALUE   128
#define FADT_X_DSDT        140
#define FADT_RESET_REG_SUP (1u << 10)

#define PM1_SCI_EN  (1u << 0)
#define PM1_SLP_EN  (1u << 13)

struct acpi_power {
    bool have_s5;
    uint16_t pm1a_cnt, pm1b_cnt;
    uint8_t slp_typa, slp_typb;
    bool have_reset;
    uint8_t reset_space;        /* 0 memory, 1 I/O */
    uint64_t reset_addr;
    uint8_t reset_value;
    uint32_t smi_cmd;
    uint8_t acpi_enable;
};
static struct acpi_power pm;

static bool checksum_ok(const void *p, size_t n)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += ((const uint8_t *)p)[i];
    return sum == 0;
}

/*
 * Map a table: through the direct map when it covers it (RAM and ACPI
 * regions), otherwise with ioremap (firmware often puts tables in
 * "reserved" ranges, as QEMU's SeaBIOS does). The header is mapped first to
 * learn the length; a bad checksum or an absurd length refuses the table.
 */
static const void *acpi_map(paddr_t pa, size_t len)
{
    if (directmap_covers(pa, len))
        return maddr_to_virt(pa);
    return ioremap(pa, len);
}

static const struct acpi_header *table_at(paddr_t pa)
{
    if (!pa)
        return NULL;
    const struct acpi_header *h = acpi_map(pa, sizeof(*h));
    uint32_t len = h->length;
    if (len < sizeof(*h) || len > (1u << 20))
        return NULL;
    h = acpi_map(pa, len);
    return checksum_ok(h, len) ? h : NULL;
}

static const struct acpi_rsdp *find_rsdp(void)
{
    static struct acpi_rsdp copy;
    if (boot_info.have_rsdp) {
        memcpy(&copy, boot_info.rsdp, sizeof(copy));
        return &copy;
    }
    /* The first KiB of the EBDA, then the BIOS area, on 16-byte boundaries. */
    paddr_t ebda = (paddr_t)*(uint16_t *)maddr_to_virt(0x40e) << 4;
    paddr_t ranges[2][2] = { { ebda, ebda + 1024 }, { 0xe0000, 0x100000 } };
    for (int r = 0; r < 2; r++) {
        if (ranges[r][0] < 0x80000 && r == 0)
            continue;   /* no believable EBDA */
        for (paddr_t p = ranges[r][0]; p + 20 <= ranges[r][1]; p += 16) {
            const struct acpi_rsdp *rsdp = maddr_to_virt(p);
            if (!memcmp(rsdp->signature, "RSD PTR ", 8) && checksum_ok(rsdp, 20))
                return rsdp;
        }
    }
    return NULL;
}

static const struct acpi_header *find_table(const struct acpi_rsdp *rsdp, const char *sig)
{
    bool xsdt = rsdp->revision >= 2 && rsdp->xsdt;
    const struct acpi_header *root = table_at(xsdt ? rsdp->xsdt : rsdp->rsdt);
    if (!root)
        return NULL;
    size_t entry = xsdt ? 8 : 4;
    size_t n = (root->length - sizeof(*root)) / entry;
    const uint8_t *p = (const uint8_t *)(root + 1);
    for (size_t i = 0; i < n; i++) {
        uint64_t pa = 0;
        memcpy(&pa, p + i * entry, entry);
        const struct acpi_header *t = table_at(pa);
        if (t && !memcmp(t->signature, sig, 4))
            return t;
    }
    return NULL;
}

/*
 * Any table by signature (checksum verified), for the parsers that need
 * more than power control (arch/x86/smp.c reads the MADT). The whole table
 * is mapped; its length is in its header.
 */
const void *acpi_find_table(const char *sig, uint32_t *len)
{
    const struct acpi_rsdp *rsdp = find_rsdp();
    const struct acpi_header *t = rsdp ? find_table(rsdp, sig) : NULL;
    if (t && len)
        *len = t->length;
    return t;
}

/* An AML integer constant at p (ZeroOp, OneOp, BytePrefix, WordPrefix). */
static int aml_int(const uint8_t *p, const uint8_t *end, uint8_t *out, size_t *used)
{
    if (p >= end) return -1;
    switch (p[0]) {
    case 0x00: *out = 0; *used = 1; return 0;
    case 0x01: *out = 1; *used = 1; return 0;
    case 0x0a: if (p + 1 >= end) return -1; *out = p[1]; *used = 2; return 0;
    case 0x0b: if (p + 2 >= end) return -1; *out = p[1]; *used = 3; return 0;
    default: return -1;
    }
}

/* Find Name(_S5, Package() { SLP_TYPa, SLP_TYPb, ... }) in the DSDT. */
static bool parse_s5(const struct acpi_header *dsdt)
{
    const uint8_t *p = (const uint8_t *)dsdt, *end = p + dsdt->length;
    for (const uint8_t *q = p + sizeof(*dsdt); q + 8 < end; q++) {
        if (memcmp(q, "_S5_", 4) || (q[-1] != 0x08 && !(q[-1] == '\\' && q[-2] == 0x08)))
            continue;
        q += 4;
        if (*q++ != 0x12)           /* PackageOp */
            return false;
        q += (*q >> 6) + 1;         /* PkgLength: lead byte + follow-on bytes */
        q++;                        /* NumElements */
        size_t used;
        if (aml_int(q, end, &pm.slp_typa, &used))
            return false;
        q += used;
        if (aml_int(q, end, &pm.slp_typb, &used))
            pm.slp_typb = 0;
        return true;
    }
    return false;
}

int acpi_power_init(void)
{
    const struct acpi_rsdp *rsdp = find_rsdp();
    if (!rsdp) {
        pr_warn("acpi: no RSDP found; power-off and reset use fallbacks\n");
        return -1;
    }
    const struct acpi_header *fadt = find_table(rsdp, "FACP");
    if (!fadt || fadt->length < FADT_PM1B_CNT + 4) {
        pr_warn("acpi: no usable FADT\n");
        return -1;
    }
    const uint8_t *f = (const uint8_t *)fadt;
    uint32_t v32;
    memcpy(&v32, f + FADT_PM1A_CNT, 4); pm.pm1a_cnt = (uint16_t)v32;
    memcpy(&v32, f + FADT_PM1B_CNT, 4); pm.pm1b_cnt = (uint16_t)v32;
    memcpy(&pm.smi_cmd, f + FADT_SMI_CMD, 4);
    pm.acpi_enable = f[FADT_ACPI_ENABLE];

    if (fadt->length >= FADT_RESET_VALUE + 1) {
        uint32_t flags;
        memcpy(&flags, f + FADT_FLAGS, 4);
        if (flags & FADT_RESET_REG_SUP) {
            pm.reset_space = f[FADT_RESET_REG];
            memcpy(&pm.reset_addr, f + FADT_RESET_REG + 4, 8);
            pm.reset_value = f[FADT_RESET_VALUE];
            pm.have_reset = pm.reset_space <= 1 && pm.reset_addr;
        }
    }

    uint64_t dsdt_pa = 0;
    if (fadt->length >= FADT_X_DSDT + 8)
        memcpy(&dsdt_pa, f + FADT_X_DSDT, 8);
    if (!dsdt_pa) {
        memcpy(&v32, f + FADT_DSDT, 4);
        dsdt_pa = v32;
    }
    const struct acpi_header *dsdt = table_at(dsdt_pa);
    pm.have_s5 = pm.pm1a_cnt && dsdt && parse_s5(dsdt);
    printk("acpi: RSDP rev %u, PM1a_CNT %#x, S5 %s, reset register %s\n", rsdp->revision,
           pm.pm1a_cnt, pm.have_s5 ? "found" : "missing", pm.have_reset ? "present" : "absent");
    return pm.have_s5 ? 0 : -1;
}

bool acpi_enter_s5(void)
{
    if (!pm.have_s5)
        return false;
    /* Firmware may still own the PM registers: ask for ACPI mode first. */
    if (!(inw(pm.pm1a_cnt) & PM1_SCI_EN) && pm.smi_cmd && pm.acpi_enable) {
        outb((uint16_t)pm.smi_cmd, pm.acpi_enable);
        for (int i = 0; i < 300 && !(inw(pm.pm1a_cnt) & PM1_SCI_EN); i++)
            udelay(1000);
    }
    outw(pm.pm1a_cnt, (uint16_t)((pm.slp_typa << 10) | PM1_SLP_EN));
    if (pm.pm1b_cnt)
        outw(pm.pm1b_cnt, (uint16_t)((pm.slp_typb << 10) | PM1_SLP_EN));
    return true;
}

bool acpi_reset(void)
{
    if (!pm.have_reset)
        return false;
    if (pm.reset_space == 1)
        outb((uint16_t)pm.reset_addr, pm.reset_value);
    else
        *(volatile uint8_t *)ioremap(pm.reset_addr, 1) = pm.reset_value;
    return true;
}
