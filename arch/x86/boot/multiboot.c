/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Multiboot (QEMU -kernel, GRUB "multiboot") and multiboot2 (GRUB
 * "multiboot2") boot information, copied into struct boot_info.
 *
 * Module 0 is the dom0 kernel and its string is the kernel's command line,
 * module 1 (if any) is dom0's initrd: the convention Xen uses. The strings
 * are copied because the loader's memory is handed to the page allocator.
 */
#include <asm/boot_phys.h>
#include <mica/bootinfo.h>
#include <mica/string.h>

#define MB1_BOOT_MAGIC 0x2BADB002u
#define MB2_BOOT_MAGIC 0x36D76289u

/* multiboot 1 information structure (fields we use) */
struct mb1_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;      /* KiB, flag bit 0 */
    uint32_t boot_device;
    uint32_t cmdline;                   /* flag bit 2 */
    uint32_t mods_count, mods_addr;     /* flag bit 3 */
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;    /* flag bit 6 */
    uint32_t drives_length, drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;          /* flag bit 9 */
} __packed;

struct mb1_module {
    uint32_t mod_start, mod_end, string, reserved;
} __packed;

struct mb1_mmap {
    uint32_t size;                      /* of the rest of this entry */
    uint64_t addr, len;
    uint32_t type;
} __packed;

struct mb2_tag {
    uint32_t type, size;
} __packed;

enum {
    MB2_TAG_END = 0, MB2_TAG_CMDLINE = 1, MB2_TAG_LOADER = 2, MB2_TAG_MODULE = 3,
    MB2_TAG_MEMINFO = 4, MB2_TAG_MMAP = 6, MB2_TAG_ACPI_OLD = 14, MB2_TAG_ACPI_NEW = 15,
};

/*
 * Copy a NUL-terminated string from loader memory, bounded by the
 * destination and by 'max' bytes of source (the end of its multiboot2 tag;
 * multiboot1 strings have no such bound and pass SIZE_MAX).
 */
static void copy_str(char *dst, size_t size, paddr_t pa, size_t max)
{
    const char *s = boot_phys(pa);
    size_t i = 0;
    if (pa)
        for (; i + 1 < size && i < max && s[i]; i++)
            dst[i] = s[i];
    dst[i] = '\0';
}

static void add_module(struct boot_info *bi, paddr_t start, paddr_t end, paddr_t str,
                       size_t max)
{
    if (bi->nr_modules >= BOOT_MAX_MODULES) {
        bi->dropped_modules++;
        return;
    }
    struct boot_module *m = &bi->modules[bi->nr_modules++];
    m->start = start;
    m->end = end < start ? start : end;
    copy_str(m->cmdline, sizeof(m->cmdline), str, max);
}

static int parse_mb1(paddr_t info, struct boot_info *bi)
{
    const struct mb1_info *mbi = boot_phys(info);

    bi->protocol = 1;
    if (mbi->flags & (1u << 2))
        copy_str(bi->cmdline, sizeof(bi->cmdline), mbi->cmdline, SIZE_MAX);
    if (mbi->flags & (1u << 9))
        copy_str(bi->loader, sizeof(bi->loader), mbi->boot_loader_name, SIZE_MAX);
    if (mbi->flags & (1u << 3)) {
        const struct mb1_module *mods = boot_phys(mbi->mods_addr);
        for (uint32_t i = 0; i < mbi->mods_count && i < 1024; i++)
            add_module(bi, mods[i].mod_start, mods[i].mod_end, mods[i].string, SIZE_MAX);
    }
    if (mbi->flags & (1u << 6)) {
        uint64_t off = 0;
        while (off + sizeof(struct mb1_mmap) <= mbi->mmap_length) {
            const struct mb1_mmap *e = boot_phys(mbi->mmap_addr + off);
            if (e->size < 20)
                break;      /* malformed: stop rather than loop forever */
            memmap_add(&bi->map, e->addr, e->len, e->type);
            off += e->size + 4;
        }
    } else if (mbi->flags & (1u << 0)) {
        /* No map: the two classic ranges below 1 MiB and above it. */
        memmap_add(&bi->map, 0, (uint64_t)mbi->mem_lower << 10, MEM_RAM);
        memmap_add(&bi->map, 0x100000, (uint64_t)mbi->mem_upper << 10, MEM_RAM);
    } else {
        return -1;
    }
    return 0;
}

static int parse_mb2(paddr_t info, struct boot_info *bi)
{
    const uint32_t *hdr = boot_phys(info);
    uint32_t total = hdr[0];
    uint64_t meminfo_lower = 0, meminfo_upper = 0;
    bool have_mmap = false, have_meminfo = false;

    bi->protocol = 2;
    if (total < 16 || total > (64u << 20))
        return -1;

    for (uint32_t off = 8; off + sizeof(struct mb2_tag) <= total;) {
        const struct mb2_tag *t = boot_phys(info + off);
        if (t->size < 8 || t->size > total - off)
            return -1;
        paddr_t body = info + off + 8;
        size_t body_len = t->size - 8;
        switch (t->type) {
        case MB2_TAG_END:
            off = total;
            continue;
        case MB2_TAG_CMDLINE:
            copy_str(bi->cmdline, sizeof(bi->cmdline), body, body_len);
            break;
        case MB2_TAG_LOADER:
            copy_str(bi->loader, sizeof(bi->loader), body, body_len);
            break;
        case MB2_TAG_MODULE:
            if (t->size >= 16) {
                const uint32_t *m = boot_phys(body);
                add_module(bi, m[0], m[1], body + 8, body_len - 8);
            }
            break;
        case MB2_TAG_MEMINFO:
            if (t->size >= 16) {
                const uint32_t *m = boot_phys(body);
                meminfo_lower = m[0];
                meminfo_upper = m[1];
                have_meminfo = true;
            }
            break;
        case MB2_TAG_MMAP: {
            if (t->size < 16)
                break;
            const uint32_t *m = boot_phys(body);
            uint32_t esize = m[0];
            if (esize < 24)
                break;
            for (uint32_t e = 16; e + esize <= t->size; e += esize) {
                const uint64_t *ent = boot_phys(info + off + e);
                memmap_add(&bi->map, ent[0], ent[1], (uint32_t)ent[2]);
            }
            have_mmap = true;
            break;
        }
        case MB2_TAG_ACPI_OLD:
        case MB2_TAG_ACPI_NEW:
            /* Prefer the ACPI 2.0 copy (it has the XSDT), whichever comes last. */
            if (!bi->have_rsdp || t->type == MB2_TAG_ACPI_NEW) {
                size_t n = MIN((size_t)(t->size - 8), sizeof(bi->rsdp));
                memcpy(bi->rsdp, boot_phys(body), n);
                bi->have_rsdp = n >= 20;
            }
            break;
        default:
            break;
        }
        off += ALIGN_UP(t->size, 8);
    }

    if (!have_mmap) {
        if (!have_meminfo)
            return -1;
        memmap_add(&bi->map, 0, meminfo_lower << 10, MEM_RAM);
        memmap_add(&bi->map, 0x100000, meminfo_upper << 10, MEM_RAM);
    }
    return 0;
}

int multiboot_parse(uint32_t magic, paddr_t info, struct boot_info *bi)
{
    int rc;

    memset(bi, 0, sizeof(*bi));
    if (magic == MB1_BOOT_MAGIC)
        rc = parse_mb1(info, bi);
    else if (magic == MB2_BOOT_MAGIC)
        rc = parse_mb2(info, bi);
    else
        return -1;
    if (rc == 0)
        memmap_sanitize(&bi->map);
    return rc;
}
