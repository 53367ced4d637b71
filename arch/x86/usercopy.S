/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * size_t raw_copy_fault_safe(void *dst, const void *src, size_t n)
 *
 * memcpy that survives a fault on either side: the exception table sends a
 * fault in the copy to the fixup, which returns the bytes left (rcx).
 */
    .text
    .globl raw_copy_fault_safe
raw_copy_fault_safe:
    mov     %rdx, %rcx
1:  rep movsb
2:  mov     %rcx, %rax
    ret

    .pushsection .fixup, "ax", @progbits
3:  jmp     2b
    .popsection

    .pushsection .ex_table, "a"
    .balign 4
    .long   1b - .
    .long   3b - .
    .popsection
