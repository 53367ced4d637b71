/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exception, event and syscall entry points of the test guests.
 *
 * A 64-bit PV guest gets a Xen "bounce frame" on its kernel stack:
 *   %rsp -> rcx, r11, [error code,] rip, cs, rflags, rsp, ss
 * (error code only for vectors 8, 10-14, 17). The stubs restore rcx/r11,
 * push a uniform (vector, error code) pair and all GPRs (struct
 * trap_frame), call C, then return with the iret hypercall, whose frame is
 *   flags, rip, cs, rflags, rsp, ss   (the hypercall-page stub pushes
 *   rcx, r11, rax on top of it).
 */
#define HYPERCALL_iret 23

    .text

.macro ENTRY_NOEC vec
    .balign 16
entry_\vec:
    pop     %rcx
    pop     %r11
    push    $0
    push    $\vec
    jmp     trap_common
.endm

.macro ENTRY_EC vec
    .balign 16
entry_\vec:
    pop     %rcx
    pop     %r11
    push    $\vec
    jmp     trap_common
.endm

    ENTRY_NOEC 0
    ENTRY_NOEC 1
    ENTRY_NOEC 2
    ENTRY_NOEC 3
    ENTRY_NOEC 4
    ENTRY_NOEC 5
    ENTRY_NOEC 6
    ENTRY_NOEC 7
    ENTRY_EC   8
    ENTRY_NOEC 9
    ENTRY_EC   10
    ENTRY_EC   11
    ENTRY_EC   12
    ENTRY_EC   13
    ENTRY_EC   14
    ENTRY_NOEC 15
    ENTRY_NOEC 16
    ENTRY_EC   17
    ENTRY_NOEC 18
    ENTRY_NOEC 19
    ENTRY_NOEC 20
    ENTRY_NOEC 128
    ENTRY_NOEC 129
    ENTRY_NOEC 130
    ENTRY_NOEC 131
    /* Pseudo vectors for callbacks. */
    ENTRY_NOEC 256      /* event upcall */
    ENTRY_NOEC 257      /* failsafe */
    ENTRY_NOEC 258      /* syscall from user mode */

    .globl entry_event, entry_failsafe, entry_syscall
    .set entry_event, entry_256
    .set entry_failsafe, entry_257
    .set entry_syscall, entry_258

trap_common:
    push    %rax
    push    %rbx
    push    %rcx
    push    %rdx
    push    %rsi
    push    %rdi
    push    %rbp
    push    %r8
    push    %r9
    push    %r10
    push    %r11
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    mov     %rsp, %rdi
    mov     %rsp, %rbx
    and     $-16, %rsp
    call    do_trap
    mov     %rbx, %rsp
    .globl trap_return
trap_return:
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %r11
    pop     %r10
    pop     %r9
    pop     %r8
    pop     %rbp
    pop     %rdi
    pop     %rsi
    pop     %rdx
    pop     %rcx
    pop     %rbx
    pop     %rax
    add     $16, %rsp           /* vector, error code */
    push    $0                  /* iret flags: not VGCF_in_syscall */
    jmp     hypercall_page + HYPERCALL_iret * 32

    /* void *trap_entry(unsigned vector) */
    .globl trap_entry
trap_entry:
    lea     entry_0(%rip), %rax
    cmp     $128, %edi
    jb      1f
    sub     $(128 - 21), %edi
1:  shl     $4, %rdi
    add     %rdi, %rax
    ret

    /* unsigned long user_run(void (*fn)(void), void *user_stack_top) */
    .globl user_run
user_run:
    push    %rbx
    push    %rbp
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    mov     %rsp, user_saved_rsp(%rip)
    push    $0xe02b             /* FLAT_USER_SS */
    push    %rsi                /* user rsp */
    push    $0x2                /* rflags: IF clear = events stay masked */
    push    $0xe033             /* FLAT_USER_CS: RPL 3 selects user mode */
    push    %rdi                /* rip */
    push    $0                  /* flags */
    jmp     hypercall_page + HYPERCALL_iret * 32

    /* void user_return(unsigned long value): back into user_run's caller */
    .globl user_return
user_return:
    mov     user_saved_rsp(%rip), %rsp
    mov     %rdi, %rax
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbp
    pop     %rbx
    ret

    .bss
    .balign 8
user_saved_rsp:
    .quad 0
