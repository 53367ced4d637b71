/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry to and exit from the hypervisor.
 *
 * Interrupts and exceptions: every vector has a stub that makes the frame
 * uniform (a zero error code where the CPU pushes none), records the vector
 * in the upper half of the error-code slot, and jumps to trap_common, which
 * saves the general registers in struct cpu_user_regs order and calls
 * do_trap().
 *
 * SYSCALL from a PV guest (hypercalls, and guest-user syscalls that are
 * bounced to the guest kernel): SYSCALL does not switch stacks, so each CPU
 * has a stub of its own that stores the guest %rsp into the frame at the top
 * of that CPU's stack and switches to it with RIP-relative addressing (the
 * stacks are static, within reach of the code). No swapgs is needed, so the
 * guest's FS/GS bases stay loaded while Mica runs.
 *
 * SYSCALL from 32-bit code (CSTAR) has per-CPU stubs of the same shape;
 * SYSENTER needs none, since the CPU loads a per-CPU RSP for it.
 *
 * Whatever the entry, a frame that came from a guest (CS RPL 3) sits at the
 * top of the stack, and leaving goes through exit_to_guest, which lets
 * pv_exit_prepare() deliver exceptions and events before IRETQ.
 */
#include <mica/layout.h>

#define FRAME_TOP(cpu)  (cpu_stacks + ((cpu) + 1) * STACK_SIZE - CPU_INFO_SIZE - GUEST_FRAME_SEGS)
#define UREGS_R11       0x30
#define UREGS_RCX       0x58
#define UREGS_VECTOR_SLOT 0x78   /* error code (low) and vector (high) */
#define UREGS_VECTOR    0x7c
#define UREGS_RIP       0x80
#define UREGS_CS        0x88
#define UREGS_RFLAGS    0x90
#define UREGS_RSP       0x98
#define UREGS_SS        0xa0
#define FLAT_KERNEL_SS  0xe02b
#define FLAT_KERNEL_CS  0xe033
#define FLAT_USER_SS    0xe02b
#define FLAT_USER_SS32  0xe02b
#define FLAT_USER_CS32  0xe023
#define TRAP_syscall    0x100
#define X86_EFLAGS_IF   0x200

.macro SAVE_GPRS
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
.endm

.macro RESTORE_GPRS
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
.endm

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
    SAVE_GPRS
    mov     %rsp, %rdi
    /* A frame record so backtraces continue through the trap. */
    pushq   UREGS_RIP(%rsp)
    pushq   %rbp
    mov     %rsp, %rbp
    call    do_trap
    add     $16, %rsp
    testb   $3, UREGS_CS(%rsp)
    jnz     exit_to_guest
restore_and_iret:
    RESTORE_GPRS
    add     $8, %rsp                /* error code + vector */
    .globl exit_iretq
exit_iretq:
    iretq

    /*
     * Only a return to a guest can fault here: a guest frame with a bad CS,
     * SS or RIP (the iret hypercall lets the guest choose them). As on Xen,
     * the fault is the guest's own exception, raised at the frame it asked
     * for: do_trap() noted which one, %rsp is back at the refused frame's
     * RIP and the general registers are the guest's again, so the frame is
     * rebuilt in place and handed to pv_iret_fault(), which queues the
     * exception for the guest's handler (or kills a domain without one).
     */
    .pushsection .fixup, "ax", @progbits
.Liret_fault:
    sub     $8, %rsp                /* error code + vector, filled in by C */
    SAVE_GPRS
    mov     %rsp, %rdi
    xor     %ebp, %ebp
    call    pv_iret_fault
    jmp     exit_to_guest
    .popsection
    .pushsection .ex_table, "a"
    .balign 4
    .long   exit_iretq - .
    .long   .Liret_fault - .
    .popsection

/* %rsp = the guest's frame at the top of this CPU's stack. */
    .globl exit_to_guest
exit_to_guest:
    cli
    mov     %rsp, %rdi
    xor     %ebp, %ebp
    call    pv_exit_prepare         /* returns with interrupts disabled */
    /*
     * A frame that came in by SYSCALL and was not turned into something
     * else (a bounce or an iret clears TRAP_syscall) can leave by SYSRET,
     * which is cheaper than IRETQ, as Xen does. SYSRET loads the flat
     * selectors from STAR, so the frame must hold exactly those, and RCX
     * (the return RIP) must be canonical: SYSRET with a non-canonical RCX
     * faults in ring 0 on Intel CPUs. Anything else takes IRETQ.
     */
    testl   $TRAP_syscall, UREGS_VECTOR(%rsp)
    jz      restore_and_iret
    cmpw    $FLAT_KERNEL_CS, UREGS_CS(%rsp)
    jne     restore_and_iret
    cmpw    $FLAT_KERNEL_SS, UREGS_SS(%rsp)
    jne     restore_and_iret
    mov     UREGS_RIP(%rsp), %rcx
    mov     %rcx, %r11
    sar     $47, %r11               /* canonical: bits 63-47 all equal */
    inc     %r11
    cmp     $1, %r11
    ja      restore_and_iret
    mov     UREGS_RFLAGS(%rsp), %r11
    mov     %rcx, UREGS_RCX(%rsp)   /* SYSRET's RIP and RFLAGS come from RCX/R11 */
    mov     %r11, UREGS_R11(%rsp)
    RESTORE_GPRS
    mov     UREGS_RSP - UREGS_VECTOR_SLOT(%rsp), %rsp   /* the guest's stack, last */
    sysretq

/*
 * Per-CPU SYSCALL stubs; LSTAR of CPU n points at syscall_stubs + 32 * n,
 * CSTAR (SYSCALL from 32-bit compatibility-mode code) at cstar_stubs + 32 * n.
 * The two need separate entries because the CPU does not save CS: the entry
 * point is the only record of which mode the guest was in.
 */
.macro SYSCALL_STUBS common
    .balign 32
    .set cpu, 0
    .rept NR_CPUS
    .balign 32
    mov     %rsp, FRAME_TOP(cpu) - 16(%rip)     /* guest rsp into the frame */
    lea     FRAME_TOP(cpu) - 16(%rip), %rsp
    jmp     \common
    .set cpu, cpu + 1
    .endr
.endm

/*
 * The rest of a guest frame (RIP and RFLAGS from RCX/R11, the flat
 * selectors that this entry point stands for), the entry marker, the general registers, then C
 * with interrupts on. %rsp = the frame's RSP slot.
 */
.macro SYSCALL_FRAME ss, cs, handler
    movq    $\ss, 8(%rsp)
    pushq   %r11                    /* rflags */
    pushq   $\cs
    pushq   %rcx                    /* rip */
    pushq   $0
    GUEST_ENTRY \handler
.endm

/* %rsp = the frame's error-code slot; the rest of the frame is filled in. */
.macro GUEST_ENTRY handler
    movl    $TRAP_syscall, 4(%rsp)
    cld
    SAVE_GPRS
    mov     %rsp, %rdi
    xor     %ebp, %ebp
    sti                             /* hypercalls and bounces run with interrupts on */
    call    \handler
    jmp     exit_to_guest
.endm

    .globl syscall_stubs
    .balign 32                      /* stub n is at exactly syscall_stubs + 32 * n */
syscall_stubs:
    SYSCALL_STUBS syscall_common
syscall_common:
    SYSCALL_FRAME FLAT_KERNEL_SS, FLAT_KERNEL_CS, pv_syscall_entry

    /*
     * A compat-mode SYSCALL is never a hypercall (the hypercall page is
     * 64-bit code): the frame records the 32-bit user selectors, as Xen's
     * does, so the guest kernel's syscall32 callback sees where it came
     * from and exit_to_guest does not take SYSRETQ back to it.
     */
    .globl cstar_stubs
    .balign 32
cstar_stubs:
    SYSCALL_STUBS cstar_common
cstar_common:
    SYSCALL_FRAME FLAT_USER_SS32, FLAT_USER_CS32, pv_syscall32_entry

    /*
     * SYSENTER (IA32_SYSENTER_EIP of every CPU). The CPU loads RSP from
     * IA32_SYSENTER_ESP, which is this CPU's frame top, and saves neither
     * the guest's RIP nor its RSP (the guest's user code passes them in
     * registers by convention). As Xen, the frame gets RIP 0, RSP 0 and a
     * null CS with RPL 3: it is a guest frame, and it can only leave as a
     * bounce, since a null CS never reaches SYSRET or IRETQ unchanged.
     * SYSENTER clears IF but leaves NT, AC, DF and TF as the guest had
     * them: they are recorded, then cleared, because IRETQ with NT set
     * faults and Mica's code assumes DF and AC clear. (A guest TF raises
     * #DB at the first instruction here, before PUSHF; Mica's #DB handler
     * clears it, so the frame shows TF clear.)
     */
    .globl sysenter_entry
sysenter_entry:
    pushq   $FLAT_USER_SS
    pushq   $0                      /* rsp */
    pushfq
    orq     $X86_EFLAGS_IF, (%rsp)  /* the guest ran with IF on */
    pushq   $2
    popfq
    pushq   $3                      /* cs */
    pushq   $0                      /* rip */
    pushq   $0
    GUEST_ENTRY pv_sysenter_entry

/*
 * Start this CPU's stack afresh: %rdi = the new top (the guest frame slot),
 * %rsi = the function to run there, which never returns (the idle loop).
 */
    .globl reset_stack_and_call
reset_stack_and_call:
    mov     %rdi, %rsp
    xor     %ebp, %ebp
    call    *%rsi
    ud2

/* Start a vCPU: %rdi = its initial frame, already at the top of this stack. */
    .globl start_guest
start_guest:
    mov     %rdi, %rsp
    jmp     exit_to_guest
