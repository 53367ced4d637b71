/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry and ELF notes of Mica's PV test guests.
 *
 * The notes say what any Xen-compatible builder needs: where to enter, where
 * the hypercall page goes, that addresses are used as linked (VIRT_BASE 0),
 * and the features we need. On entry (x86_64 PV ABI): ring 3 with flat
 * selectors, %rsi = start_info, %rsp = a stack the builder set up.
 */
#define ELFNOTE(type, desc_begin, desc_end)             \
    .pushsection .note.Xen, "a", @note;                 \
    .balign 4;                                          \
    .long 4, desc_end - desc_begin, type;               \
    .asciz "Xen";                                       \
    .balign 4;                                          \
    .popsection

#define XEN_ELFNOTE_ENTRY          1
#define XEN_ELFNOTE_HYPERCALL_PAGE 2
#define XEN_ELFNOTE_VIRT_BASE      3
#define XEN_ELFNOTE_PADDR_OFFSET   4
#define XEN_ELFNOTE_XEN_VERSION    5
#define XEN_ELFNOTE_GUEST_OS       6
#define XEN_ELFNOTE_LOADER         8
#define XEN_ELFNOTE_FEATURES       10

    .pushsection .note.Xen, "a", @note
    .balign 4
    .long 4, 2f - 1f, XEN_ELFNOTE_GUEST_OS
    .asciz "Xen"
1:  .asciz "Mica-test"
2:  .balign 4
    .long 4, 4f - 3f, XEN_ELFNOTE_XEN_VERSION
    .asciz "Xen"
3:  .asciz "xen-3.0"
4:  .balign 4
    .long 4, 6f - 5f, XEN_ELFNOTE_LOADER
    .asciz "Xen"
5:  .asciz "generic"
6:  .balign 4
    .long 4, 8, XEN_ELFNOTE_VIRT_BASE
    .asciz "Xen"
    .quad 0
    .long 4, 8, XEN_ELFNOTE_PADDR_OFFSET
    .asciz "Xen"
    .quad 0
    .long 4, 8, XEN_ELFNOTE_ENTRY
    .asciz "Xen"
    .quad _start
    .long 4, 8, XEN_ELFNOTE_HYPERCALL_PAGE
    .asciz "Xen"
    .quad hypercall_page
    .long 4, 8f - 7f, XEN_ELFNOTE_FEATURES
    .asciz "Xen"
7:  .asciz "!writable_page_tables|pae_pgdir_above_4gb"
8:  .balign 4
    .popsection

    .text
    .globl _start
_start:
    lea     boot_stack_top(%rip), %rsp
    mov     %rsi, %rdi              /* start_info */
    call    guest_main
    ud2

    .section .text.hypercall_page, "ax", @progbits
    .balign 4096
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0xcc             /* the hypervisor writes the stubs here */

    .bss
    .balign 16
boot_stack:
    .skip 16384
boot_stack_top:
