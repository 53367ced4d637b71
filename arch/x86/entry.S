/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interrupt and exception entry.
 *
 * Every vector has a stub that makes the frame uniform (a zero error code
 * where the CPU pushes none), records the vector number in the upper half of
 * the error-code slot, and jumps to common code that saves the general
 * registers in struct cpu_user_regs order and calls do_trap().
 */
#include <mica/layout.h>

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

    .text
    .balign 16
    .globl trap_stubs
trap_stubs:
    .set vec, 0
    .rept 256
    .balign 16
    .if !(vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30)
    pushq   $0
    .endif
    movl    $vec, 4(%rsp)
    jmp     trap_common
    .set vec, vec + 1
    .endr

trap_common:
    cld
    pushq   %rdi
    pushq   %rsi
    pushq   %rdx
    pushq   %rcx
    pushq   %rax
    pushq   %r8
    pushq   %r9
    pushq   %r10
    pushq   %r11
    pushq   %rbx
    pushq   %rbp
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    mov     %rsp, %rdi
    /* A frame record so backtraces continue through the trap. */
    pushq   0x80(%rsp)              /* interrupted rip */
    pushq   %rbp
    mov     %rsp, %rbp
    call    do_trap
    add     $16, %rsp
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbp
    popq    %rbx
    popq    %r11
    popq    %r10
    popq    %r9
    popq    %r8
    popq    %rax
    popq    %rcx
    popq    %rdx
    popq    %rsi
    popq    %rdi
    add     $8, %rsp                /* error code + vector */
    iretq
