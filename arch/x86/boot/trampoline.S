/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Secondary CPU start-up.
 *
 * A STARTUP IPI starts a CPU in real mode at CS:IP = (vector << 8):0000,
 * so the first instructions must lie in a page below 1 MiB.
 * arch/x86/smp.c copies [trampoline_start, trampoline_end) into such a page
 * and points the SIPI at it. The code cannot know where it landed at
 * assembly time: it derives its base from CS and computes every address of
 * its own from that (symbols of the image, by contrast, are absolute).
 *
 *   16-bit  load a GDT kept in the page itself, set CR0.PE, far return
 *           into 32-bit code;
 *   32-bit  PAE, CR3 = head.S's boot tables (they map the first 4 GiB at
 *           identity and the image at its link address), EFER and CR0 as
 *           the boot CPU has them (ap_boot_efer, ap_boot_cr0, read at their
 *           physical addresses: paging is still off), then a far return
 *           into 64-bit code, still in the low page;
 *   64-bit  jump to ap_start64 in the image, which switches to Mica's own
 *           page tables (ap_boot_cr3) and the CPU's stack (ap_boot_stack),
 *           and calls start_secondary(), which loads the CPU's own GDT,
 *           TSS and the IDT.
 * The boot CPU starts one CPU at a time, so the ap_boot_* variables and the
 * page's own stack (its top bytes) serve every CPU in turn.
 */
#include <mica/layout.h>

#define PHYS(x)         ((x) - MICA_VIRT_START)
#define OFF(x)          ((x) - trampoline_start)
#define TRAMP_SIZE      4096

#define T_CS32          0x08
#define T_DS            0x10
#define T_CS64          0x18

    .section .rodata.trampoline, "a", @progbits
    .code16
    .balign 16
    .globl trampoline_start
trampoline_start:
    cli
    cld
    mov     %cs, %ax
    mov     %ax, %ds
    mov     %ax, %ss
    mov     $TRAMP_SIZE, %sp
    movzwl  %ax, %ebx
    shll    $4, %ebx                        /* %ebx = linear base of the page */

    leal    OFF(tramp_gdt)(%ebx), %eax
    movl    %eax, OFF(tramp_gdtr) + 2       /* the GDT's linear address */
    lgdtl   OFF(tramp_gdtr)

    mov     %cr0, %eax
    orl     $1, %eax                        /* PE */
    mov     %eax, %cr0
    leal    OFF(tramp32)(%ebx), %eax
    pushl   $T_CS32
    pushl   %eax
    lretl

    .code32
tramp32:
    mov     $T_DS, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    mov     %eax, %fs
    mov     %eax, %gs
    leal    TRAMP_SIZE(%ebx), %esp

    mov     %cr4, %eax
    orl     $(1 << 5), %eax                 /* PAE */
    mov     %eax, %cr4
    movl    $PHYS(boot_pml4), %eax
    mov     %eax, %cr3
    movl    $0xC0000080, %ecx               /* EFER: LME, NXE... as the boot CPU */
    movl    PHYS(ap_boot_efer), %eax
    xorl    %edx, %edx
    wrmsr
    movl    PHYS(ap_boot_cr0), %eax         /* PG, PE, WP, NE, MP, AM... */
    mov     %eax, %cr0

    leal    OFF(tramp64)(%ebx), %eax
    pushl   $T_CS64
    pushl   %eax
    lret

    .code64
tramp64:
    movabs  $ap_start64, %rax
    jmp     *%rax

    .balign 8
tramp_gdt:
    .quad   0
    .quad   0x00cf9a000000ffff              /* 0x08: 32-bit code, flat */
    .quad   0x00cf92000000ffff              /* 0x10: data, flat */
    .quad   0x00af9a000000ffff              /* 0x18: 64-bit code */
tramp_gdt_end:
    .balign 4
    .short  0
tramp_gdtr:
    .short  tramp_gdt_end - tramp_gdt - 1
    .long   0                               /* filled in at run time */
    .globl trampoline_end
trampoline_end:

    .text
    .globl ap_start64
ap_start64:
    mov     ap_boot_cr3(%rip), %rax
    mov     %rax, %cr3
    mov     ap_boot_stack(%rip), %rsp
    xor     %ebp, %ebp                      /* ends crash-dump backtraces */
    call    start_secondary
    ud2
