/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * 32-bit (compatibility-mode) guest user code entering the guest kernel:
 * SYSCALL, which the CPU sends through CSTAR, bounces to the syscall32
 * callback (or #UD without one); SYSENTER bounces to the sysenter callback
 * (or #GP(0) without one). The user code runs on a 32-bit code segment of
 * the guest's own GDT (set_gdt); the frames record Xen's fixed selectors,
 * not the one the user ran on, because the CPU saves no CS on these entries.
 */
#include "../lib/guest.h"
#include <public/callback.h>

const char test_title[] = "compat: 32-bit user SYSCALL (CSTAR) and SYSENTER callbacks";

#define DESC_CODE32_DPL3 0x00cffa000000ffffUL
#define DESC_DATA_DPL3   0x00cff2000000ffffUL
#define USER_CS32        0x23   /* GDT entry 4 of our own table, RPL 3 */
#define X86_EFLAGS_IF    0x200UL
#define X86_EFLAGS_DF    0x400UL

/* Where a guest-user entry arrived: a trap (vector) or a callback. */
enum { KIND_SYSCALL32 = 1000, KIND_SYSENTER = 1001 };

/*
 * enter_user(rip, cs, rsp, rflags) enters guest user mode through the iret
 * hypercall and returns whatever leave_user() is later given (from a
 * callback or an exception handler, on the kernel stack). The callbacks
 * get Xen's frame (rcx, r11, rip, cs, rflags, rsp, ss); cb_record() sees it
 * with the user's rax and the live RFLAGS at the callback, and either
 * leaves or returns, in which case the stub resumes the user through iret
 * exactly at the frame it was given.
 */
unsigned long enter_user(unsigned long rip, unsigned long cs, unsigned long rsp, unsigned long rflags);
void __attribute__((noreturn)) leave_user(unsigned long value);
void cb_record(uint64_t *frame, unsigned long kind, unsigned long rax, unsigned long live_rflags);
extern char cb_syscall32[], cb_sysenter[];
extern char u32_syscall_plain[], u32_syscall_plain_insn[];
extern char u32_syscall[], u32_syscall_ret[], u32_syscall_ret2[];
extern char u32_sysenter[], u32_sysenter_insn[];

__asm__(
    "    .text\n"
    "    .globl enter_user, leave_user, cb_syscall32, cb_sysenter\n"
    "enter_user:\n"
    "    push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
    "    mov %rsp, kern_rsp(%rip)\n"
    "    push $0xe02b\n"            /* ss */
    "    push %rdx\n"               /* rsp */
    "    push %rcx\n"               /* rflags */
    "    push %rsi\n"               /* cs: RPL 3 = user mode */
    "    push %rdi\n"               /* rip */
    "    push $0\n"                 /* iret flags */
    "    jmp hypercall_page + 23 * 32\n"
    "leave_user:\n"
    "    mov kern_rsp(%rip), %rsp\n"
    "    mov %rdi, %rax\n"
    "    pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
    "    ret\n"
    "cb_syscall32:\n"
    "    pushfq\n"
    "    pop %rcx\n"
    "    mov $1000, %esi\n"
    "    jmp cb_common\n"
    "cb_sysenter:\n"
    "    pushfq\n"
    "    pop %rcx\n"
    "    mov $1001, %esi\n"
    "cb_common:\n"
    "    cld\n"
    "    mov %rax, %rdx\n"
    "    mov %rsp, %rdi\n"
    "    mov %rsp, %rbx\n"
    "    and $-16, %rsp\n"
    "    call cb_record\n"
    "    mov %rbx, %rsp\n"
    "    pop %rcx\n"
    "    pop %r11\n"
    "    push $0\n"
    "    jmp hypercall_page + 23 * 32\n"
    "    .code32\n"
    "u32_syscall_plain:\n"
    "    mov $0x1234, %eax\n"
    "u32_syscall_plain_insn:\n"
    "    syscall\n"
    "    ud2\n"
    "u32_syscall:\n"
    "    std\n"
    "    mov $0x1234, %eax\n"
    "    syscall\n"
    "u32_syscall_ret:\n"
    "    cld\n"
    "    mov $0x4321, %eax\n"
    "    syscall\n"
    "u32_syscall_ret2:\n"
    "    ud2\n"
    "u32_sysenter:\n"
    "    mov $0x5678, %eax\n"
    "    mov %esp, %ebp\n"
    "u32_sysenter_insn:\n"
    "    sysenter\n"
    "    ud2\n"
    "    .code64\n"
    "    .bss\n"
    "    .balign 8\n"
    "kern_rsp: .quad 0\n"
    "    .text\n");

static char user_stack[4096] __attribute__((aligned(16)));
#define USER_TOP ((unsigned long)user_stack + sizeof(user_stack))

static struct {
    uint64_t frame[7];          /* rcx, r11, rip, cs, rflags, rsp, ss */
    unsigned long rax, live_rflags, calls;
    uint8_t upcall_mask;
    bool resume_once;
} cb;

void cb_record(uint64_t *frame, unsigned long kind, unsigned long rax, unsigned long live_rflags)
{
    memcpy(cb.frame, frame, sizeof(cb.frame));
    cb.rax = rax;
    cb.live_rflags = live_rflags;
    cb.upcall_mask = shared_info()->vcpu_info[0].evtchn_upcall_mask;
    if (cb.calls++ == 0 && cb.resume_once)
        return;
    leave_user(kind);
}

/* Exceptions from our user code end the user run with the vector. */
static bool user_trap(struct trap_frame *f)
{
    if ((f->cs & 3) != 3)
        return false;
    leave_user(f->vector);
}

static unsigned long run32(void *rip)
{
    cb.calls = 0;
    /* Events unmasked in user mode, so the callbacks' masking is visible. */
    unsigned long r = enter_user((unsigned long)rip, USER_CS32, USER_TOP, X86_EFLAGS_IF | 2);
    shared_info()->vcpu_info[0].evtchn_upcall_mask = 1;     /* the kernel runs masked */
    return r;
}

static long callback(unsigned type, unsigned flags, void *address)
{
    struct callback_register r = { .type = type, .flags = flags, .address = (unsigned long)address };
    return HC2(__HYPERVISOR_callback_op, CALLBACKOP_register, &r);
}

static void gdt_init(void)
{
    scratch_init();
    unsigned long mfn = p2m()[alloc_pfn()];
    uint64_t *gdt = (uint64_t *)scratch_va(0);
    CHECK_RC(update_va_mapping(scratch_va(0), (mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW, UVMF_INVLPG), 0);
    memset(gdt, 0, PAGE_SIZE);
    gdt[4] = DESC_CODE32_DPL3;
    gdt[5] = DESC_DATA_DPL3;
    CHECK_RC(update_va_mapping(scratch_va(0), (mfn << PAGE_SHIFT) | _PAGE_PRESENT, UVMF_INVLPG), 0);
    unsigned long frames[16] = { mfn };
    CHECK_RC(HC2(__HYPERVISOR_set_gdt, frames, 6), 0);
}

static void check_cstar_frame(const char *what, const char *ret)
{
    const uint64_t *f = cb.frame;
    CHECK(f[2] == (unsigned long)ret && f[0] == f[2], "%s: frame rip %#lx rcx %#lx", what, f[2], f[0]);
    /* Xen records FLAT_USER_CS32/SS32, whatever 32-bit selector the user ran on. */
    CHECK((f[3] & 0xffff) == FLAT_USER_CS32 && f[6] == FLAT_USER_SS32, "%s: frame cs %#lx ss %#lx", what,
          f[3], f[6]);
    CHECK(((f[3] >> 32) & 0xff) == 0 && (f[4] & X86_EFLAGS_IF), "%s: saved mask in cs %#lx rflags %#lx", what,
          f[3], f[4]);
    CHECK(f[5] == USER_TOP, "%s: frame rsp %#lx", what, f[5]);
}

static void compat_syscall(void)
{
    unsigned long r;

    /* No syscall32 callback: #UD at the SYSCALL, in the CSTAR frame. */
    r = run32(u32_syscall_plain);
    CHECK(r == X86_EXC_UD, "SYSCALL without a syscall32 callback: %lu", r);
    CHECK(last_trap.rip == (unsigned long)u32_syscall_plain_insn && (last_trap.cs & 0xffff) == FLAT_USER_CS32 &&
          last_trap.rsp == USER_TOP && last_trap.ss == FLAT_USER_SS32,
          "#UD frame rip %#lx cs %#lx rsp %#lx ss %#lx", last_trap.rip, last_trap.cs, last_trap.rsp, last_trap.ss);

    /*
     * With the callback: registered without CALLBACKF_mask_events, but the
     * 64-bit syscall callback (user_mode_init) has it. A 64-bit guest's
     * syscall32 bounce follows VGCF_syscall_disables_events (Xen's
     * switch_to_kernel), so events are masked. The callback runs with DF
     * clear (the PV SYSCALL_MASK) while the frame keeps the user's DF, and
     * resuming at the frame through iret (IRETQ, not SYSRET) works.
     */
    CHECK_RC(callback(CALLBACKTYPE_syscall32, 0, cb_syscall32), 0);
    cb.resume_once = true;
    r = run32(u32_syscall);
    cb.resume_once = false;
    CHECK(r == KIND_SYSCALL32 && cb.calls == 2, "SYSCALL32 with a callback: %lu after %lu calls", r, cb.calls);
    CHECK(cb.rax == 0x4321, "second SYSCALL32 rax %#lx", cb.rax);
    check_cstar_frame("SYSCALL32 resumed", u32_syscall_ret2);
    CHECK(cb.upcall_mask == 1, "SYSCALL32: upcall mask %u", cb.upcall_mask);

    r = run32(u32_syscall);
    CHECK(r == KIND_SYSCALL32 && cb.rax == 0x1234, "SYSCALL32: %lu rax %#lx", r, cb.rax);
    check_cstar_frame("SYSCALL32", u32_syscall_ret);
    CHECK((cb.frame[1] & X86_EFLAGS_DF) && (cb.frame[4] & X86_EFLAGS_DF) && !(cb.live_rflags & X86_EFLAGS_DF),
          "SYSCALL32 DF: r11 %#lx frame %#lx live %#lx", cb.frame[1], cb.frame[4], cb.live_rflags);

    /* The flags swapped: masking still follows the 64-bit registration. */
    CHECK_RC(callback(CALLBACKTYPE_syscall, 0, entry_syscall), 0);
    CHECK_RC(callback(CALLBACKTYPE_syscall32, CALLBACKF_mask_events, cb_syscall32), 0);
    r = run32(u32_syscall);
    CHECK(r == KIND_SYSCALL32 && cb.upcall_mask == 0, "SYSCALL32 (64-bit callback unmasked): %lu mask %u", r,
          cb.upcall_mask);
    CHECK_RC(callback(CALLBACKTYPE_syscall, CALLBACKF_mask_events, entry_syscall), 0);
}

static bool cpu_is_amd_like(void)     /* i.e. not Intel */
{
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
    return b != 0x756e6547;     /* "Genu"ineIntel: only Intel has SYSENTER in long mode */
}

static void compat_sysenter(void)
{
    bool amd = cpu_is_amd_like();
    unsigned long r;

    /*
     * Xen sets the SYSENTER MSRs only on Intel(-like) CPUs. Elsewhere the
     * CPU faults at the instruction itself: #UD on AMD hardware, #GP(0)
     * under QEMU TCG (SYSENTER_CS is 0), both reflected as ordinary user
     * exceptions with the user's own CS.
     */
    if (amd) {
        CHECK_RC(callback(CALLBACKTYPE_sysenter, CALLBACKF_mask_events, cb_sysenter), 0);
        r = run32(u32_sysenter);
        CHECK((r == X86_EXC_UD || (r == X86_EXC_GP && last_trap.error_code == 0)) &&
              last_trap.rip == (unsigned long)u32_sysenter_insn && (last_trap.cs & 0xffff) == USER_CS32,
              "SYSENTER on a non-Intel CPU: vector %lu ec %#lx rip %#lx cs %#lx", r, last_trap.error_code,
              last_trap.rip, last_trap.cs);
        printk("SYSENTER: vector %lu at the instruction (non-Intel CPU)\n", r);
        return;
    }

    /* Intel, no sysenter callback: #GP(0) at the empty frame (rip 0, null CS with RPL 3, rsp 0). */
    r = run32(u32_sysenter);
    CHECK(r == X86_EXC_GP && last_trap.error_code == 0, "SYSENTER without a callback: %lu ec %#lx", r,
          last_trap.error_code);
    CHECK(last_trap.rip == 0 && (last_trap.cs & 0xffff) == 3 && last_trap.rsp == 0 &&
          last_trap.ss == FLAT_USER_SS, "SYSENTER #GP frame rip %#lx cs %#lx rsp %#lx ss %#lx",
          last_trap.rip, last_trap.cs, last_trap.rsp, last_trap.ss);

    /* With a callback that masks events: the same empty frame, registers intact. */
    CHECK_RC(callback(CALLBACKTYPE_sysenter, CALLBACKF_mask_events, cb_sysenter), 0);
    r = run32(u32_sysenter);
    const uint64_t *f = cb.frame;
    CHECK(r == KIND_SYSENTER && cb.rax == 0x5678, "SYSENTER with a callback: %lu rax %#lx", r, cb.rax);
    CHECK(f[2] == 0 && (f[3] & 0xffff) == 3 && f[5] == 0 && f[6] == FLAT_USER_SS,
          "SYSENTER frame rip %#lx cs %#lx rsp %#lx ss %#lx", f[2], f[3], f[5], f[6]);
    CHECK(((f[3] >> 32) & 0xff) == 0 && (f[4] & X86_EFLAGS_IF) && cb.upcall_mask == 1,
          "SYSENTER: saved mask in cs %#lx rflags %#lx upcall mask %u", f[3], f[4], cb.upcall_mask);
}

static void unregister(void)
{
    /* These callbacks can be replaced, never removed. */
    struct callback_unregister u = { .type = CALLBACKTYPE_syscall32 };
    CHECK_RC(HC2(__HYPERVISOR_callback_op, CALLBACKOP_unregister, &u), -XEN_EINVAL);
    u.type = CALLBACKTYPE_sysenter;
    CHECK_RC(HC2(__HYPERVISOR_callback_op, CALLBACKOP_unregister, &u), -XEN_EINVAL);
    CHECK_RC(callback(CALLBACKTYPE_syscall32, 0, NONCANON_VA), -XEN_EINVAL);
    CHECK_RC(callback(CALLBACKTYPE_sysenter, 0, NONCANON_VA), -XEN_EINVAL);
}

void test_main(void)
{
    trap_init();
    user_mode_init();
    trap_hook = user_trap;
    (void)shared_info();    /* mapped before any callback needs it */
    gdt_init();
    compat_syscall();
    compat_sysenter();
    unregister();
}
