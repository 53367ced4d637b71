/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lean entry points and timed probes of the bench guest.
 *
 * The test-guest runtime (tests/guests/lib/traps.S) saves every register
 * and runs C for each exception; that is right for tests, but it would
 * bury the hypervisor's share of a trap bounce under guest work. These
 * handlers do the minimum a real kernel must: take the bounce frame, fix
 * it up, and return with the iret hypercall. Anything else is forwarded to
 * the runtime's handlers, so an unexpected exception still ends the run
 * with a FAILURE line.
 *
 * Bounce frame on the guest kernel stack (64-bit PV ABI):
 *   %rsp -> rcx, r11, [error code,] rip, cs, rflags, rsp, ss
 * iret hypercall frame (the hypercall-page stub pushes rax, rcx, r11):
 *   flags, rip, cs, rflags, rsp, ss
 *
 * Timestamps: `lfence; rdtsc; lfence` on both sides, so neither earlier
 * nor later instructions leak into the measured window. The same sequence
 * is used everywhere, on both hypervisors (no RDTSCP feature dependence).
 */
#define HYPERCALL_iret      23
#define VGCF_in_syscall     (1 << 8)
/* %rax values of the user-mode syscall probes (see bench.h). */
#define BENCH_SYSCALL_EXIT  0x5a5a

    .text

/* %rax = TSC (clobbers %rdx). */
.macro TSC
    lfence
    rdtsc
    lfence
    shl     $32, %rdx
    or      %rdx, %rax
.endm

/*
 * #PF handler for the trap-bounce benchmark. A fault at bench_pf_insn
 * resumes at bench_pf_fixup; every other #PF goes to the runtime's handler
 * (its address is in bench_pf_fallback).
 */
    .globl bench_pf_entry
    .balign 16
bench_pf_entry:
    push    %rax                    /* rax, rcx, r11, ec, rip, ... */
    lea     bench_pf_insn(%rip), %rax
    cmp     %rax, 32(%rsp)
    jne     1f
    lea     bench_pf_fixup(%rip), %rax
    mov     %rax, 32(%rsp)
    pop     %rax
    pop     %rcx
    pop     %r11
    add     $8, %rsp                /* error code */
    push    $0                      /* iret flags */
    jmp     hypercall_page + HYPERCALL_iret * 32
1:  pop     %rax
    jmp     *bench_pf_fallback(%rip)

/*
 * Syscall callbacks for the syscall-bounce benchmarks: straight back to
 * the caller. BENCH_SYSCALL_EXIT in %rax leaves user mode for good through
 * the runtime's syscall entry (user_run() returns).
 */
    .globl bench_syscall_iret_entry
    .balign 16
bench_syscall_iret_entry:
    cmp     $BENCH_SYSCALL_EXIT, %rax
    je      entry_syscall
    pop     %rcx
    pop     %r11
    push    $0                      /* full iret: rcx/r11 restored from the frame */
    jmp     hypercall_page + HYPERCALL_iret * 32

    .globl bench_syscall_sysret_entry
    .balign 16
bench_syscall_sysret_entry:
    cmp     $BENCH_SYSCALL_EXIT, %rax
    je      entry_syscall
    pop     %rcx
    pop     %r11
    push    $VGCF_in_syscall        /* Linux's sysret-style return */
    jmp     hypercall_page + HYPERCALL_iret * 32

/* uint64_t bench_tsc_pair(void): cycles between two back-to-back timestamps. */
    .globl bench_tsc_pair
bench_tsc_pair:
    TSC
    mov     %rax, %rsi
    TSC
    sub     %rsi, %rax
    ret

/* uint64_t bench_pf_once(const void *unmapped): one user-mode #PF round trip. */
    .globl bench_pf_once, bench_pf_insn, bench_pf_fixup
bench_pf_once:
    TSC
    mov     %rax, %rsi
bench_pf_insn:
    cmpb    $0, (%rdi)
bench_pf_fixup:
    TSC
    sub     %rsi, %rax
    ret

/* uint64_t bench_syscall_once(void): one user-mode syscall round trip. */
    .globl bench_syscall_once
bench_syscall_once:
    TSC
    mov     %rax, %rsi
    mov     $1, %eax
    syscall                         /* clobbers rcx, r11 (caller-saved) */
    TSC
    sub     %rsi, %rax
    ret

/* uint64_t bench_null_hypercall_once(void): xen_version(XENVER_version, NULL). */
#define HYPERCALL_xen_version 17
    .globl bench_null_hypercall_once
bench_null_hypercall_once:
    push    %rbx
    TSC
    mov     %rax, %rbx
    xor     %edi, %edi              /* XENVER_version */
    xor     %esi, %esi              /* NULL */
    call    hypercall_page + HYPERCALL_xen_version * 32
    TSC
    sub     %rbx, %rax
    pop     %rbx
    ret

    .bss
    .balign 8
    .globl bench_pf_fallback
bench_pf_fallback:
    .quad 0
