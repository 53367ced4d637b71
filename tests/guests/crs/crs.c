/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Control registers and HLT from the PV guest kernel (which runs in ring 3,
 * so each of these faults with #GP(0) and is emulated), and what happens
 * when the frame of an iret hypercall is refused by the CPU on the way back
 * to the guest.
 */
#include "../lib/guest.h"
#include <public/callback.h>
#include <public/event_channel.h>

const char test_title[] = "crs: MOV CR0/CR2/CR3/CR4, HLT, bad iret frames";

#define CR0_PE   (1UL << 0)
#define CR0_TS   (1UL << 3)
#define CR0_WP   (1UL << 16)
#define CR0_CD   (1UL << 30)
#define CR0_PG   (1UL << 31)
#define CR4_TSD  (1UL << 2)
#define CR4_DE   (1UL << 3)
#define CR4_PAE  (1UL << 5)
#define CR4_MCE  (1UL << 6)
#define CR4_PGE  (1UL << 7)
#define CR4_OSFXSR (1UL << 9)
#define CR4_OSXMMEXCPT (1UL << 10)
#define CR4_FSGSBASE (1UL << 16)
#define CR4_OSXSAVE (1UL << 18)
#define CR4_SMEP (1UL << 20)

static unsigned long faulted_since(unsigned long before)
{
    return ACCESS_ONCE(trap_count) != before ? EXINFO(last_trap.vector, last_trap.error_code) : 0;
}

/* MOV from CRn: exception info or 0, value in *val. */
#define DEFINE_CR(n)                                                                   \
    static unsigned long read_cr##n(unsigned long *val)                                \
    {                                                                                  \
        unsigned long before = trap_count, v = 0;                                      \
        __asm__ volatile("1: mov %%cr" #n ", %0; 2:" _ASM_EXTABLE(1b, 2b)              \
                         : "+r"(v) :: "memory");                                       \
        *val = v;                                                                      \
        return faulted_since(before);                                                  \
    }                                                                                  \
    static unsigned long write_cr##n(unsigned long val)                                \
    {                                                                                  \
        unsigned long before = trap_count;                                             \
        __asm__ volatile("1: mov %0, %%cr" #n "; 2:" _ASM_EXTABLE(1b, 2b)              \
                         :: "r"(val) : "memory");                                      \
        return faulted_since(before);                                                  \
    }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)

#define FNOP() ({ unsigned long e_ = 0; __asm__ volatile("1: fnop; 2:" _ASM_EXTABLE(1b, 2b) : "+a"(e_) :: "memory"); e_; })

static void test_cr0(void)
{
    unsigned long cr0 = 0, ex;

    /* The hardware's: PG AM WP NE ET MP PE, as Xen runs it (AM lets guests use EFLAGS.AC). */
    ex = read_cr0(&cr0);
    CHECK(!ex && cr0 == 0x80050033UL, "read cr0: ex %#lx val %#lx", ex, cr0);
    CHECK(!(cr0 & CR0_TS), "cr0.TS set at start: %#lx", cr0);
    /* The TS bit read is the virtual one of fpu_taskswitch. */
    CHECK_RC(HC1(__HYPERVISOR_fpu_taskswitch, 1), 0);
    CHECK(!read_cr0(&cr0) && (cr0 & CR0_TS), "cr0.TS after fpu_taskswitch(1): %#lx", cr0);
    CHECK_RC(HC1(__HYPERVISOR_fpu_taskswitch, 0), 0);
    CHECK(!read_cr0(&cr0) && !(cr0 & CR0_TS), "cr0.TS after fpu_taskswitch(0): %#lx", cr0);
    /* Writing TS is fpu_taskswitch: the next FPU instruction takes #NM. */
    ex = write_cr0(cr0 | CR0_TS);
    CHECK(!ex, "write cr0 with TS: %#lx", ex);
    CHECK(!read_cr0(&cr0) && (cr0 & CR0_TS), "cr0.TS after writing it: %#lx", cr0);
    ex = FNOP();
    CHECK(ex == EXINFO(X86_EXC_NM, 0), "fnop after cr0.TS write: %#lx", ex);
    CHECK(!read_cr0(&cr0) && !(cr0 & CR0_TS), "#NM left cr0.TS set: %#lx", cr0);
    CHECK_RC(HC1(__HYPERVISOR_fpu_taskswitch, 1), 0);
    ex = write_cr0(cr0 & ~CR0_TS);
    CHECK(!ex && FNOP() == 0, "write cr0 without TS: %#lx", ex);
    /* Writing back the same value is fine; any other bit is #GP(0). */
    CHECK(!write_cr0(cr0), "write cr0 unchanged faulted");
    ex = write_cr0(cr0 | CR0_CD);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "write cr0 with CD: %#lx", ex);
    ex = write_cr0(cr0 & ~CR0_WP);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "write cr0 without WP: %#lx", ex);
    ex = write_cr0((cr0 & ~CR0_WP) | CR0_TS);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "write cr0 without WP, with TS: %#lx", ex);
    CHECK(!read_cr0(&cr0) && !(cr0 & CR0_TS), "refused write changed TS: %#lx", cr0);
    CHECK(FNOP() == 0, "fnop after refused cr0 writes");
}

static void test_cr2(void)
{
    unsigned long cr2 = 0, ex;
    volatile unsigned long *bad = (volatile unsigned long *)BAD_VA;

    /* After a page fault CR2 is the faulting address. */
    ex = 0;
    __asm__ volatile("1: mov (%1), %%rbx; 2:" _ASM_EXTABLE(1b, 2b) : "+a"(ex) : "r"(bad) : "rbx", "memory");
    CHECK(EXINFO_VEC(ex) == X86_EXC_PF, "read of BAD_VA: %#lx", ex);
    ex = read_cr2(&cr2);
    CHECK(!ex && cr2 == (unsigned long)BAD_VA, "cr2 after #PF: ex %#lx val %#lx", ex, cr2);
    /* Writable; vcpu_info's copy follows. */
    ex = write_cr2(0x1234000);
    CHECK(!ex, "write cr2: %#lx", ex);
    CHECK(!read_cr2(&cr2) && cr2 == 0x1234000, "cr2 after write: %#lx", cr2);
    CHECK(shared_info()->vcpu_info[0].arch.cr2 == 0x1234000, "vcpu_info cr2 after write: %#lx",
          (unsigned long)shared_info()->vcpu_info[0].arch.cr2);
}

static void test_cr3(void)
{
    unsigned long cr3 = 0, ex;
    unsigned long l4_mfn = virt_to_mfn((void *)SI->pt_base);

    /* CR3 is the machine address of the kernel's L4. */
    ex = read_cr3(&cr3);
    CHECK(!ex && cr3 == l4_mfn << PAGE_SHIFT, "read cr3: ex %#lx val %#lx (L4 mfn %#lx)", ex, cr3, l4_mfn);
    /* Reloading it is NEW_BASEPTR with the same table (a TLB flush). */
    ex = write_cr3(cr3);
    CHECK(!ex, "write cr3 unchanged: %#lx", ex);
    /* A frame that is not an L4 (a writable data page) is refused: #GP(0). */
    ex = write_cr3(virt_to_mfn(&cr3) << PAGE_SHIFT);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "write cr3 with a data frame: %#lx", ex);
    /* So is a frame that does not exist. */
    ex = write_cr3(0xfffffff000UL);
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "write cr3 with a bad frame: %#lx", ex);
    CHECK(!read_cr3(&cr3) && cr3 == l4_mfn << PAGE_SHIFT, "cr3 after refused writes: %#lx", cr3);
}

static uint32_t cpuid_ecx(uint32_t leaf, uint32_t sub, uint32_t *edx)
{
    uint32_t a, b, c, d;
    __asm__ volatile(XEN_CPUID : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(leaf), "c"(sub));
    if (edx)
        *edx = d;
    return c;
}

static unsigned long xsetbv_safe(uint32_t idx, uint64_t val)
{
    unsigned long before = trap_count;
    __asm__ volatile("1: .byte 0x0f, 0x01, 0xd1; 2:" _ASM_EXTABLE(1b, 2b)
                     :: "c"(idx), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)) : "memory");
    return faulted_since(before);
}

static void test_cr4(void)
{
    unsigned long cr4 = 0, ex;
    uint32_t edx1;
    uint32_t ecx1 = cpuid_ecx(1, 0, &edx1);

    ex = read_cr4(&cr4);
    /* The guest sees PAE, MCE, OSFXSR, OSXMMEXCPT of the hardware and its own choice of the rest. */
    CHECK(!ex && (cr4 & (CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT)) == (CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT),
          "read cr4: ex %#lx val %#lx", ex, cr4);
    CHECK(!!(cr4 & CR4_MCE) == !!(edx1 & (1u << 7)), "cr4.MCE %#lx vs cpuid MCE %#x", cr4, edx1);
    CHECK(!(cr4 & ~(CR4_PAE | CR4_MCE | CR4_OSFXSR | CR4_OSXMMEXCPT)), "cr4 at start shows %#lx", cr4);

    /* XSETBV needs the guest's own CR4.OSXSAVE: #UD before it sets it. */
    bool xsave = ecx1 & (1u << 26);
    if (xsave) {
        ex = xsetbv_safe(0, 3);
        CHECK(ex == EXINFO(X86_EXC_UD, 0), "xsetbv before cr4.OSXSAVE: %#lx", ex);
    }
    /* Guest-controlled bits (DE, OSXSAVE if the CPU has XSAVE) read back. */
    ex = write_cr4(cr4 | CR4_DE | CR4_OSXSAVE);
    CHECK(!ex, "write cr4 DE|OSXSAVE: %#lx", ex);
    unsigned long want = cr4 | CR4_DE | (xsave ? CR4_OSXSAVE : 0);
    unsigned long got = 0;
    CHECK(!read_cr4(&got) && got == want, "cr4 after setting DE|OSXSAVE: %#lx, expected %#lx", got, want);
    if (xsave) {
        ex = xsetbv_safe(0, 3);
        CHECK(ex == 0, "xsetbv x87|SSE with cr4.OSXSAVE: %#lx", ex);
        ex = xsetbv_safe(0, 2);
        CHECK(ex == EXINFO(X86_EXC_GP, 0), "xsetbv without x87: %#lx", ex);
    }
    /* With DE, DR4/5 no longer alias DR6/7. */
    CHECK_RC(HC1(__HYPERVISOR_get_debugreg, 4), -XEN_ENODEV);
    /* Bits the guest does not control are silently ignored, not faulted. */
    ex = write_cr4(want | CR4_PGE | CR4_SMEP);
    CHECK(!ex, "write cr4 PGE|SMEP: %#lx", ex);
    CHECK(!read_cr4(&got) && got == want, "cr4 after PGE|SMEP: %#lx, expected %#lx", got, want);
    /* Nor can the guest take away what it only observes. */
    ex = write_cr4(0);
    CHECK(!ex, "write cr4 0: %#lx", ex);
    CHECK(!read_cr4(&got) && got == cr4, "cr4 after writing 0: %#lx, expected %#lx", got, cr4);
    CHECK_RC(HC1(__HYPERVISOR_get_debugreg, 4), 0xffff0ff0);
    if (xsave) {
        ex = xsetbv_safe(0, 3);
        CHECK(ex == EXINFO(X86_EXC_UD, 0), "xsetbv after clearing cr4.OSXSAVE: %#lx", ex);
    }
}

/* MOV CR from guest user mode is #GP(0) like any ring-3 code. */
static volatile unsigned long user_ex;
static void user_cr_probe(void)
{
    unsigned long v;
    user_ex = read_cr0(&v);
    __asm__ volatile("syscall" ::: "rcx", "r11", "memory");
}

static void test_user(void)
{
    static char user_stack[4096] __attribute__((aligned(16)));
    user_mode_init();
    user_run(user_cr_probe, user_stack + sizeof(user_stack));
    CHECK(user_ex == EXINFO(X86_EXC_GP, 0), "mov from cr0 in user mode: %#lx", user_ex);
}

static void test_hlt(void)
{
    unsigned long ex = 0;

    events_init();
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
    CHECK_RC(evtchn_op(EVTCHNOP_bind_virq, &bv), 0);
    CHECK_RC(HC1(__HYPERVISOR_set_timer_op, system_time_ns() + 2000000), 0);
    events_unmask();
    uint64_t t0 = system_time_ns();
    __asm__ volatile("1: hlt; 2:" _ASM_EXTABLE(1b, 2b) : "+a"(ex) :: "memory");
    uint64_t t1 = system_time_ns();
    /*
     * Xen 4.17 does not emulate HLT for a PV kernel (its privileged-op
     * emulator refuses it): #GP(0) at once, without waiting for the timer.
     */
    CHECK(ex == EXINFO(X86_EXC_GP, 0), "hlt from the guest kernel: %#lx after %lu us", ex,
          (unsigned long)(t1 - t0) / 1000);
    CHECK_RC(HC1(__HYPERVISOR_set_timer_op, 0), 0);
}

/*
 * An iret hypercall to a code selector the CPU refuses (0x10: GDT entry 2,
 * which the guest never set up; RPL 3 is forced on). bad_iret() saves its
 * stack and irets; whichever guest entry point runs next (#GP handler or
 * failsafe callback) records its frame and resumes there.
 */
void bad_iret(unsigned long cs);
extern char bad_target[], failsafe_entry[];
unsigned long saved_rsp;
uint64_t failsafe_frame[11];
volatile int failsafe_hits;
__asm__(".text\n"
        ".globl bad_iret\n"
        "bad_iret:\n\t"
        "push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n\t"
        "mov %rsp, saved_rsp(%rip)\n\t"
        "mov %rsp, %rbx\n\t"
        "pushq $0xe02b\n\t"              /* ss */
        "pushq %rbx\n\t"                 /* rsp */
        "pushq $0x2\n\t"                 /* rflags: events masked */
        "pushq %rdi\n\t"                 /* cs */
        "lea bad_target(%rip), %rax\n\t"
        "pushq %rax\n\t"                 /* rip */
        "pushq $0\n\t"                   /* flags */
        "jmp hypercall_page + 23 * 32\n"
        ".globl bad_target\n"
        "bad_target:\n\t"
        "ud2\n"
        ".globl failsafe_entry\n"
        "failsafe_entry:\n\t"
        "mov %rsp, %rsi\n\t"
        "lea failsafe_frame(%rip), %rdi\n\t"
        "mov $11, %ecx\n\t"
        "rep movsq\n\t"
        "incl failsafe_hits(%rip)\n"
        "bad_iret_resume:\n\t"
        "mov saved_rsp(%rip), %rsp\n\t"
        "pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n\t"
        "ret\n");

static struct trap_frame gp_frame;
static volatile int gp_hits;
static bool bad_iret_hook(struct trap_frame *f)
{
    if (f->rip != (unsigned long)bad_target)
        return false;
    gp_frame = *f;
    gp_hits++;
    __asm__ volatile("jmp bad_iret_resume");
    __builtin_unreachable();
}

static void test_bad_iret(void)
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_failsafe, .flags = CALLBACKF_mask_events,
        .address = (unsigned long)failsafe_entry,
    };
    CHECK_RC(HC2(__HYPERVISOR_callback_op, CALLBACKOP_register, &cb), 0);
    trap_hook = bad_iret_hook;
    bad_iret(0x10);
    trap_hook = NULL;
    shared_info()->vcpu_info[0].evtchn_upcall_mask = 0;
    /*
     * Xen 4.17 turns the fault of its exit IRETQ into the guest's own #GP,
     * error code = the refused selector, raised at the frame it asked for:
     * the failsafe callback is not used for it (only for data segment
     * reloads on a context switch). The bounce frame shows the bad RIP and
     * CS (RPL cleared: kernel context, events masked by the iret's flags).
     */
    CHECK(failsafe_hits == 0 && gp_hits == 1, "bad iret: failsafe %d, #GP %d", failsafe_hits, gp_hits);
    CHECK(gp_frame.vector == X86_EXC_GP && gp_frame.error_code == 0x10, "bad iret: vector %lu error %#lx",
          gp_frame.vector, gp_frame.error_code);
    CHECK(gp_frame.rip == (unsigned long)bad_target && gp_frame.cs == 0x100000010UL &&
          gp_frame.rsp == saved_rsp && gp_frame.ss == 0xe02b && gp_frame.rflags == 0x2,
          "bad iret frame: rip %#lx cs %#lx rflags %#lx rsp %#lx ss %#lx", gp_frame.rip, gp_frame.cs,
          gp_frame.rflags, gp_frame.rsp, gp_frame.ss);
}

void test_main(void)
{
    trap_init();
    test_cr0();
    test_cr2();
    test_cr3();
    test_cr4();
    test_user();
    test_hlt();
    test_bad_iret();
}
