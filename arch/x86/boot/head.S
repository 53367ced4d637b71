/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry from a multiboot loader.
 *
 * Both headers sit at the very start of the image. Multiboot1 (QEMU -kernel)
 * uses the "address kludge" (flag 16), so QEMU loads the file as a flat image
 * instead of insisting on an ELF32; multiboot2 (GRUB) uses the address tag
 * for the same reason. Either way we are entered in 32-bit protected mode,
 * paging off, at start32 with EAX = loader magic and EBX = info pointer.
 *
 * start32 switches to long mode on a small set of static page tables that map
 * the first 4 GiB three times: identity (needed while paging is switched on),
 * at the direct map, and the image at its link address. C code later builds
 * the real page tables (arch/x86/mm.c) and drops the identity map.
 */
#include <mica/layout.h>

#define PHYS(x)         ((x) - MICA_VIRT_START)

#define MB1_MAGIC       0x1BADB002
#define MB1_FLAGS       ((1 << 0) | (1 << 1) | (1 << 16)) /* page-align modules, mem info, addresses */
#define MB2_MAGIC       0xE85250D6

#define BOOT_CS64       0x08
#define BOOT_DS         0x10

    .section .text.head, "ax", @progbits
    .code32

    .align 4
multiboot1_header:
    .long MB1_MAGIC
    .long MB1_FLAGS
    .long -(MB1_MAGIC + MB1_FLAGS)
    .long PHYS(multiboot1_header)   /* header_addr */
    .long PHYS(__image_start)       /* load_addr */
    .long PHYS(__data_end)          /* load_end_addr: file-backed part */
    .long PHYS(__bss_end)           /* bss_end_addr: loader zeroes up to here */
    .long PHYS(start32)             /* entry_addr */

    .align 8
multiboot2_header:
    .long MB2_MAGIC
    .long 0                         /* architecture: i386 protected mode */
    .long mb2_end - multiboot2_header
    .long -(MB2_MAGIC + (mb2_end - multiboot2_header))

    .align 8
mb2_info_request:                   /* tags we want in the boot information */
    .short 1, 0
    .long mb2_info_request_end - mb2_info_request
    .long 1                         /* command line */
    .long 2                         /* boot loader name */
    .long 3                         /* modules */
    .long 6                         /* memory map */
mb2_info_request_end:

    .align 8
    .short 2, 0                     /* address tag */
    .long 24
    .long PHYS(multiboot2_header)
    .long PHYS(__image_start)
    .long PHYS(__data_end)
    .long PHYS(__bss_end)

    .align 8
    .short 3, 0                     /* entry address tag */
    .long 12
    .long PHYS(start32)

    .align 8
    .short 6, 0                     /* page-align modules */
    .long 8

    .align 8
    .short 0, 0                     /* end tag */
    .long 8
mb2_end:

    .section .text.boot32, "ax", @progbits
    .code32
    .globl start32
start32:
    cli
    cld
    mov     %eax, %edi              /* loader magic, 1st argument of start_mica */
    mov     %ebx, %esi              /* info pointer, 2nd argument */
    mov     $PHYS(cpu_stacks) + STACK_SIZE - CPU_INFO_SIZE, %esp

    /* Long mode is all we can run on: say so on COM1 if it is missing. */
    mov     $0x80000000, %eax
    cpuid
    cmp     $0x80000001, %eax
    jb      no_long_mode
    mov     $0x80000001, %eax
    cpuid
    bt      $29, %edx
    jnc     no_long_mode
    mov     %edx, %ebp              /* keep: bit 20 = NX */

    /* Four page directories of 2 MiB pages cover the first 4 GiB. */
    mov     $PHYS(boot_pd), %ebx
    xor     %ecx, %ecx
1:  mov     %ecx, %eax
    shl     $21, %eax
    or      $0x83, %eax             /* present, writable, 2 MiB page */
    mov     %eax, (%ebx, %ecx, 8)
    movl    $0, 4(%ebx, %ecx, 8)
    inc     %ecx
    cmp     $2048, %ecx
    jb      1b

    mov     %cr4, %eax
    or      $(1 << 5), %eax         /* PAE */
    mov     %eax, %cr4
    mov     $PHYS(boot_pml4), %eax
    mov     %eax, %cr3

    mov     $0xC0000080, %ecx       /* EFER */
    rdmsr
    or      $(1 << 8), %eax         /* LME */
    bt      $20, %ebp
    jnc     2f
    or      $(1 << 11), %eax        /* NXE, when the CPU has NX */
2:  wrmsr

    mov     %cr0, %eax
    or      $0x80050023, %eax       /* PG | AM | WP | NE | MP | PE (AM: as Xen, guests may use EFLAGS.AC) */
    and     $~0x60000000, %eax      /* caches on: clear CD and NW */
    mov     %eax, %cr0

    lgdt    PHYS(boot_gdtr)
    ljmp    $BOOT_CS64, $PHYS(start64_low)

no_long_mode:
    mov     $PHYS(no_lm_msg), %esi
3:  lodsb
    test    %al, %al
    jz      4f
    mov     $0x3f8, %dx
    out     %al, %dx
    jmp     3b
4:  hlt
    jmp     4b

    .code64
start64_low:
    movabs  $start64, %rax          /* leave the identity map */
    jmp     *%rax

    .text
start64:
    mov     $BOOT_DS, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    xor     %eax, %eax
    mov     %eax, %fs
    mov     %eax, %gs
    lea     cpu_stacks + STACK_SIZE - CPU_INFO_SIZE(%rip), %rsp
    xor     %ebp, %ebp              /* terminates crash-dump backtraces */
    mov     %edi, %edi              /* zero-extend both arguments */
    mov     %esi, %esi
    call    start_mica
    ud2

    .section .rodata, "a", @progbits
no_lm_msg:
    .asciz  "Mica: this CPU has no long mode (x86_64); cannot boot.\r\n"

    .section .data.page_aligned, "aw", @progbits
    .align 4096
    .globl boot_pml4
boot_pml4:
    .quad   PHYS(boot_pdpt_low) + 0x3                 /* identity, slot 0 */
    .fill   260, 8, 0
    .quad   PHYS(boot_pdpt_mica) + 0x3                /* slot 261: image */
    .quad   PHYS(boot_pdpt_low) + 0x3                 /* slot 262: direct map */
    .fill   249, 8, 0

boot_pdpt_low:
    .quad   PHYS(boot_pd) + 0x0000 + 0x3
    .quad   PHYS(boot_pd) + 0x1000 + 0x3
    .quad   PHYS(boot_pd) + 0x2000 + 0x3
    .quad   PHYS(boot_pd) + 0x3000 + 0x3
    .fill   508, 8, 0

boot_pdpt_mica:                     /* MICA_VIRT_START is L3 slot 321 */
    .fill   321, 8, 0
    .quad   PHYS(boot_pd) + 0x3     /* first GiB of memory */
    .fill   190, 8, 0

    .globl boot_pd
boot_pd:
    .fill   4 * 512, 8, 0

    .section .data, "aw", @progbits
    .align 16
boot_gdt:
    .quad   0
    .quad   0x00af9a000000ffff      /* 0x08: 64-bit ring-0 code */
    .quad   0x00cf92000000ffff      /* 0x10: ring-0 data */
boot_gdt_end:
boot_gdtr:
    .short  boot_gdt_end - boot_gdt - 1
    .long   PHYS(boot_gdt)

    /*
     * Every CPU's stack block, naturally aligned (see layout.h). The
     * alignment comes from the linker script: a 32 KiB section alignment
     * would raise the segment's file alignment and push the multiboot
     * headers past the first 8 KiB of the file.
     */
    .section .bss.stacks, "aw", @nobits
    .align  4096
    .globl cpu_stacks
cpu_stacks:
    .skip   NR_CPUS * STACK_SIZE
