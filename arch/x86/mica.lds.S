/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Mica's image: one contiguous PT_LOAD segment so the multiboot "address
 * kludge" (QEMU -kernel) and the multiboot2 address tag (GRUB) can load the
 * file as a flat image: file offset - first offset == load address - 2 MiB.
 */
#include <mica/layout.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(start32)

PHDRS
{
    image PT_LOAD FLAGS(7);
}

SECTIONS
{
    . = MICA_VIRT_START + MICA_PHYS_START;
    __image_start = .;

    .text : AT(ADDR(.text) - MICA_VIRT_START) {
        __text_start = .;
        KEEP(*(.text.head))        /* multiboot headers: must be first */
        *(.text.boot32)
        *(.text .text.*)
        *(.fixup)                  /* exception fixup code, see asm/extable.h */
        . = ALIGN(4096);
        __text_end = .;
    } :image

    .rodata : AT(ADDR(.rodata) - MICA_VIRT_START) {
        __rodata_start = .;
        *(.rodata .rodata.*)
        . = ALIGN(8);
        __param_start = .;
        KEEP(*(.data.param))       /* command-line option table */
        __param_end = .;
        . = ALIGN(8);
        __selftest_start = .;
        KEEP(*(.data.selftest))    /* boot self-tests */
        __selftest_end = .;
        . = ALIGN(8);
        __extable_start = .;
        KEEP(*(.ex_table))
        __extable_end = .;
        . = ALIGN(4096);
        __rodata_end = .;
    } :image

    .data : AT(ADDR(.data) - MICA_VIRT_START) {
        __data_start = .;
        *(.data.page_aligned)
        *(.data .data.*)
        . = ALIGN(16);
        KEEP(*(.symbols))          /* symbol table for crash dumps, see Makefile */
        . = ALIGN(4096);
        __data_end = .;
    } :image

    .bss (NOLOAD) : AT(ADDR(.bss) - MICA_VIRT_START) {
        __bss_start = .;
        . = ALIGN(STACK_SIZE);
        *(.bss.stacks)
        *(.bss.page_aligned)
        *(.bss .bss.* COMMON)
        . = ALIGN(4096);
        __bss_end = .;
    } :image

    __image_end = .;

    /DISCARD/ : {
        *(.note.gnu.property) *(.note.GNU-stack) *(.comment)
        *(.eh_frame) *(.interp) *(.dynamic) *(.dynsym) *(.dynstr)
        *(.hash) *(.gnu.hash)
    }
}
