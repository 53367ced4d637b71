/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#include <mica/layout.h>
#include <mica/types.h>

struct __packed tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

/* Per-CPU data at the top of each CPU's primary stack (found from %rsp). */
struct cpu_info {
    unsigned int cpu_id;
    unsigned int apic_id;
    uint64_t stack_base;        /* lowest address of the stack block */
    struct vcpu *curr_vcpu;     /* vCPU running here, NULL when idle */
    /* The exception the exit IRETQ took: vector | error code << 32 (do_trap). */
    uint64_t iret_fault;
};
_Static_assert(sizeof(struct cpu_info) <= CPU_INFO_SIZE, "cpu_info too big");

static inline struct cpu_info *get_cpu_info(void)
{
    uint64_t sp;
    __asm__("mov %%rsp, %0" : "=r"(sp));
    return (struct cpu_info *)((sp | (STACK_SIZE - 1)) + 1 - CPU_INFO_SIZE);
}

/*
 * Load this CPU's GDT, TSS and the IDT (built by CPU 0's call) and record
 * the CPU number in its cpu_info; stack is its stack block. A secondary
 * CPU's GDT must have been allocated first (cpu_desc_alloc, by the boot CPU).
 */
void cpu_desc_init(unsigned int cpu, void *stack);
/* Allocate the GDT of a secondary CPU; 0 or -1 (no memory). */
int cpu_desc_alloc(unsigned int cpu);

/* This CPU's page of Mica's reserved GDT entries (entry HV_FIRST_RESERVED_GDT_ENTRY first). */
uint64_t *cpu_reserved_gdt_page(void);
/* LGDT at base with the full limit (guest entries + Mica's); or this CPU's own GDT. */
void load_gdt(uint64_t base);
void load_cpu_gdt(void);

#endif
