/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Mica's virtual address layout.
 *
 * Every 64-bit PV guest shares its address space with the hypervisor: L4
 * slots 256-271 (0xffff800000000000 - 0xffff87ffffffffff) belong to us and
 * are present in every guest L4; everything else is the guest's. Inside that
 * range we use the same carve-up as Xen 4.17, so guests (and people reading
 * guest crash dumps) find things where they expect them:
 *
 *  0xffff800000000000  256G  read-only machine-to-phys table (guest visible)
 *  0xffff810000000000  512G  guest linear page table
 *  0xffff820000000000  512G  per-domain mappings (GDT/LDT frames)
 *  0xffff828000000000  256G  machine-to-phys table (writable, hypervisor)
 *  0xffff82c000000000   64G  ioremap / fixmap area
 *  0xffff82d040000000    1G  Mica text, data, bss
 *  0xffff82e000000000  128G  frame table (struct page_info per machine frame)
 *  0xffff830000000000    5T  1:1 direct map of all machine memory
 *
 * The image is linked at MICA_VIRT_START + MICA_PHYS_START and loaded at
 * MICA_PHYS_START, so virt = phys + MICA_VIRT_START inside the image.
 */
#ifndef MICA_LAYOUT_H
#define MICA_LAYOUT_H

#ifdef __ASSEMBLY__
#define _AC(x, y) x
#else
#define _AC(x, y) x##y
#endif

#define HV_VIRT_START  _AC(0xffff800000000000, UL)
#define HV_VIRT_END    _AC(0xffff880000000000, UL)
#define HV_L4_FIRST_SLOT       256
#define HV_L4_LAST_SLOT        271

#define RO_MPT_VIRT_START      _AC(0xffff800000000000, UL)
#define RO_MPT_VIRT_END        _AC(0xffff804000000000, UL)
#define LINEAR_PT_VIRT_START   _AC(0xffff810000000000, UL)
#define PERDOMAIN_VIRT_START   _AC(0xffff820000000000, UL)
/*
 * Its first GiB holds the vCPUs' GDT/LDT areas (arch/x86/pv/desc_tables.c),
 * 32 pages per vCPU, indexed by (domain id, vCPU id): pages 0-13 the guest's
 * GDT frames, page 14 the running CPU's page of Mica's reserved entries
 * (so selectors 0xe000+ mean the same in every GDT), 16-31 the LDT.
 */
#define GDT_LDT_VIRT_START     PERDOMAIN_VIRT_START
#define GDT_LDT_VCPU_PAGES     32
#define GDT_LDT_LDT_PAGE       16
#define RDWR_MPT_VIRT_START    _AC(0xffff828000000000, UL)
#define IOREMAP_VIRT_START     _AC(0xffff82c000000000, UL)
#define IOREMAP_VIRT_END       _AC(0xffff82d000000000, UL)
#define MICA_VIRT_START        _AC(0xffff82d040000000, UL)
#define MICA_VIRT_END          _AC(0xffff82d080000000, UL)
#define FRAMETABLE_VIRT_START  _AC(0xffff82e000000000, UL)
#define FRAMETABLE_VIRT_END    _AC(0xffff830000000000, UL)
#define DIRECTMAP_VIRT_START   _AC(0xffff830000000000, UL)
#define DIRECTMAP_VIRT_END     _AC(0xffff880000000000, UL)

#define MICA_PHYS_START        _AC(0x200000, UL)

/*
 * Each CPU's stack block (STACK_SIZE, naturally aligned):
 *   page 0      #DF IST stack
 *   page 1      NMI IST stack
 *   page 2      #MC IST stack
 *   page 3      guard page, left unmapped: running off the primary stack
 *               faults, and the #DF that follows runs on its own stack
 *   pages 4-7   primary stack; struct cpu_info sits at its very top
 */
#define STACK_ORDER            3
#define STACK_SIZE             (_AC(4096, UL) << STACK_ORDER)
#define STACK_PAGE_DF          0
#define STACK_PAGE_NMI         1
#define STACK_PAGE_MC          2
#define STACK_PAGE_GUARD       3
#define STACK_PAGE_PRIMARY     4
#define CPU_INFO_SIZE          64     /* reserved at the top of the primary stack */
#define NR_CPUS                16     /* stacks are static: cpu_stacks[NR_CPUS] */
/*
 * A guest's register frame (struct cpu_user_regs) sits right below
 * cpu_info. Its last four fields (es, ds, fs, gs) lie above what the CPU
 * pushes (up to ss), so the hardware frame ends GUEST_FRAME_SEGS bytes
 * lower: that is where TSS.rsp0 and the SYSCALL stubs point.
 */
#define GUEST_FRAME_SEGS       32

/* Selectors: Mica's own descriptors live at the top of every GDT, as Xen's. */
#define HV_FIRST_RESERVED_GDT_ENTRY 7168
#define HYPERVISOR_CS          0xe008
#define HYPERVISOR_DS          0xe010
#define HYPERVISOR_CS32        0xe018
#define FLAT_RING3_CS32        0xe023
#define FLAT_RING3_DS32        0xe02b
#define FLAT_RING3_CS64        0xe033
#define TSS_SELECTOR           0xe040
#define LDT_SELECTOR           0xe050
#define PER_CPU_SELECTOR       0xe060
#define NR_RESERVED_GDT_ENTRIES 16

/* Interrupt vectors Mica uses for itself. */
#define PIC_VECTOR_BASE        0x20   /* legacy 8259s, remapped and masked */
#define TIMER_VECTOR           0xf0
#define CALL_FUNCTION_VECTOR   0xfb   /* IPI: run the mailbox's function (smp_call_function) */
#define EVENT_CHECK_VECTOR     0xfc   /* IPI: wake the CPU to look for work */
#define SPURIOUS_VECTOR        0xff

#endif
