/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * GDT, TSS and IDT.
 *
 * Mica's descriptors sit at HV_FIRST_RESERVED_GDT_ENTRY (selector 0xe000 up),
 * where the x86_64 PV ABI puts the hypervisor's, so that PV guests can own
 * GDT entries 0..7167 and the flat ring-3 selectors (0xe02b, 0xe033, ...)
 * mean the same as on Xen. The TSS gives three IST stacks so that NMI, #DF
 * and #MC always run on a known-good stack, even after a stack overflow.
 *
 * Each CPU has its own GDT (its TSS descriptor, busy once loaded, and its
 * per-CPU segment differ) and TSS (its stacks); the IDT is shared.
 */
#include <asm/desc.h>
#include <asm/x86.h>
#include <mica/mm.h>
#include <mica/string.h>

#define GDT_ENTRIES (HV_FIRST_RESERVED_GDT_ENTRY + NR_RESERVED_GDT_ENTRIES)
#define IST_DF  1
#define IST_NMI 2
#define IST_MC  3

struct __packed idt_entry {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
};

struct __packed desc_ptr {
    uint16_t limit;
    uint64_t base;
};

/* CPU 0's GDT is static; secondary CPUs' come from the heap (cpu_desc_alloc). */
static uint64_t boot_gdt[GDT_ENTRIES] __attribute__((aligned(4096)));
static uint64_t *cpu_gdt[NR_CPUS] = { boot_gdt };
/* 128-byte slots, so no TSS straddles a page. */
static struct { struct tss64 tss; } __attribute__((aligned(128))) cpu_tss[NR_CPUS];
static struct idt_entry idt[256] __attribute__((aligned(4096)));

#define GDT_ORDER 4     /* 16 pages hold the GDT_ENTRIES * 8 bytes */
_Static_assert(sizeof(boot_gdt) <= (PAGE_SIZE << GDT_ORDER), "GDT larger than its allocation");

static uint64_t *this_cpu_gdt(void)
{
    return cpu_gdt[get_cpu_info()->cpu_id];
}

int cpu_desc_alloc(unsigned int cpu)
{
    if (cpu >= NR_CPUS)
        return -1;
    if (!cpu_gdt[cpu]) {
        uint64_t *gdt = alloc_pages(GDT_ORDER);
        if (!gdt)
            return -1;
        memset(gdt, 0, PAGE_SIZE << GDT_ORDER);
        cpu_gdt[cpu] = gdt;
    }
    return 0;
}

extern char trap_stubs[];

/*
 * The page of this CPU's GDT holding Mica's reserved entries: PV vCPUs'
 * GDT areas map it behind the guest's frames (arch/x86/pv/desc_tables.c).
 * Page-aligned, since HV_FIRST_RESERVED_GDT_ENTRY is a multiple of 512.
 */
uint64_t *cpu_reserved_gdt_page(void)
{
    return &this_cpu_gdt()[HV_FIRST_RESERVED_GDT_ENTRY];
}

void load_gdt(uint64_t base)
{
    /* The limit always covers Mica's entries: they sit at the same index in every GDT. */
    struct desc_ptr gdtr = { sizeof(boot_gdt) - 1, base };
    __asm__ volatile("lgdt %0" :: "m"(gdtr) : "memory");
}

/* Back to this CPU's own table (no guest descriptor tables in use). */
void load_cpu_gdt(void)
{
    load_gdt((uint64_t)this_cpu_gdt());
}

static void set_gdt_entry(uint64_t *gdt, unsigned sel, uint64_t desc)
{
    gdt[sel >> 3] = desc;
}

static void set_tss_desc(uint64_t *gdt, unsigned sel, const struct tss64 *tss)
{
    uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;
    gdt[sel >> 3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
                    (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[(sel >> 3) + 1] = base >> 32;
}

static void set_idt_gate(unsigned vec, unsigned ist, unsigned dpl)
{
    uint64_t addr = (uint64_t)trap_stubs + 16 * vec;
    idt[vec] = (struct idt_entry){
        .offset_lo = (uint16_t)addr,
        .selector = HYPERVISOR_CS,
        .ist = (uint8_t)ist,
        .type_attr = (uint8_t)(0x8e | (dpl << 5)),  /* present, interrupt gate */
        .offset_mid = (uint16_t)(addr >> 16),
        .offset_hi = (uint32_t)(addr >> 32),
    };
}

static void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        set_idt_gate(v, 0, 0);
    /* INT3 and INTO may be used from ring 3 (guest kernels and users), as on Xen. */
    set_idt_gate(3, 0, 3);
    set_idt_gate(4, 0, 3);
    set_idt_gate(0x80, 0, 3);
    set_idt_gate(2, IST_NMI, 0);
    set_idt_gate(8, IST_DF, 0);
    set_idt_gate(18, IST_MC, 0);
}

void cpu_desc_init(unsigned int cpu, void *stack)
{
    uint64_t *gdt = cpu_gdt[cpu];
    struct tss64 *tss = &cpu_tss[cpu].tss;
    uint64_t base = (uint64_t)stack;

    if (cpu == 0)
        idt_init();

    memset(tss, 0, sizeof(*tss));
    tss->rsp[0] = base + STACK_SIZE - CPU_INFO_SIZE - GUEST_FRAME_SEGS;
    tss->ist[IST_DF - 1] = base + (STACK_PAGE_DF + 1) * PAGE_SIZE;
    tss->ist[IST_NMI - 1] = base + (STACK_PAGE_NMI + 1) * PAGE_SIZE;
    tss->ist[IST_MC - 1] = base + (STACK_PAGE_MC + 1) * PAGE_SIZE;
    tss->iomap_base = sizeof(*tss);     /* no I/O bitmap: ring 3 gets no ports */

    set_gdt_entry(gdt, HYPERVISOR_CS, 0x00af9a000000ffffULL);
    set_gdt_entry(gdt, HYPERVISOR_DS, 0x00cf92000000ffffULL);
    set_gdt_entry(gdt, HYPERVISOR_CS32, 0x00cf9a000000ffffULL);
    set_gdt_entry(gdt, FLAT_RING3_CS32 & ~3, 0x00cffa000000ffffULL);
    set_gdt_entry(gdt, FLAT_RING3_DS32 & ~3, 0x00cff2000000ffffULL);
    set_gdt_entry(gdt, FLAT_RING3_CS64 & ~3, 0x00affa000000ffffULL);
    set_tss_desc(gdt, TSS_SELECTOR, tss);
    /* Per-CPU segment: its limit is the CPU number (read back with LSL). */
    set_gdt_entry(gdt, PER_CPU_SELECTOR, 0x0000f30000000000ULL | cpu);

    struct desc_ptr gdtr = { sizeof(boot_gdt) - 1, (uint64_t)gdt };
    struct desc_ptr idtr = { sizeof(idt) - 1, (uint64_t)idt };
    __asm__ volatile(
        "lgdt %0\n\t"
        "lidt %1\n\t"
        "pushq %2\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "mov %3, %%ss\n\t"
        "mov %4, %%ds\n\t"
        "mov %4, %%es\n\t"
        "mov %4, %%fs\n\t"
        "mov %4, %%gs\n\t"
        "ltr %w5\n\t"
        :: "m"(gdtr), "m"(idtr), "i"(HYPERVISOR_CS), "r"(HYPERVISOR_DS), "r"(0), "r"(TSS_SELECTOR)
        : "rax", "memory");

    struct cpu_info *ci = (struct cpu_info *)(base + STACK_SIZE - CPU_INFO_SIZE);
    ci->cpu_id = cpu;
    ci->stack_base = base;
}
