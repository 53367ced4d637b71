/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exceptions and interrupts taken in the hypervisor, and the crash dump.
 *
 * A fault in Mica itself is fatal unless the faulting instruction has an
 * exception-table fixup (asm/extable.h). The dump is meant to be enough to
 * debug from a serial log alone: vector and its name, decoded error code,
 * all registers, control registers, the faulting address with its symbol,
 * a page walk of CR2 for page faults, the raw stack and a symbolized
 * backtrace.
 */
#include <asm/desc.h>
#include <asm/extable.h>
#include <asm/regs.h>
#include <asm/x86.h>
#include <mica/console.h>
#include <mica/irq.h>
#include <mica/mm.h>
#include <mica/panic.h>
#include <mica/power.h>
#include <mica/pv.h>
#include <mica/smp.h>
#include <mica/symbols.h>

static const char *const vector_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
    "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved (15)", "#MF x87 error", "#AC alignment check",
    "#MC machine check", "#XM SIMD error", "#VE virtualization", "#CP control protection",
    "reserved (22)", "reserved (23)", "reserved (24)", "reserved (25)", "reserved (26)",
    "reserved (27)", "#HV hypervisor injection", "#VC VMM communication", "#SX security",
    "reserved (31)",
};

extern const struct extable_entry __extable_start[], __extable_end[];

uint64_t search_extable(uint64_t rip)
{
    for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
        if ((uint64_t)&e->insn + e->insn == rip)
            return (uint64_t)&e->fixup + e->fixup;
    return 0;
}

static void show_sym(const char *label, uint64_t addr)
{
    char buf[128];
    symbol_format(addr, buf, sizeof(buf));
    console_force("%s[<%016lx>] %s\n", label, addr, buf);
}

static void show_registers(const struct cpu_user_regs *r)
{
    console_force("CPU:    %u\n", get_cpu_info()->cpu_id);
    console_force("RIP:    %04x:", r->cs);
    show_sym("", r->rip);
    console_force("RFLAGS: %016lx   CONTEXT: %s\n", r->rflags,
                  regs_from_hypervisor(r) ? "hypervisor" : "guest");
    console_force("rax: %016lx   rbx: %016lx   rcx: %016lx\n", r->rax, r->rbx, r->rcx);
    console_force("rdx: %016lx   rsi: %016lx   rdi: %016lx\n", r->rdx, r->rsi, r->rdi);
    console_force("rbp: %016lx   rsp: %016lx   r8:  %016lx\n", r->rbp, r->rsp, r->r8);
    console_force("r9:  %016lx   r10: %016lx   r11: %016lx\n", r->r9, r->r10, r->r11);
    console_force("r12: %016lx   r13: %016lx   r14: %016lx\n", r->r12, r->r13, r->r14);
    console_force("r15: %016lx   cr0: %016lx   cr4: %016lx\n", r->r15, read_cr0(), read_cr4());
    console_force("cr3: %016lx   cr2: %016lx\n", read_cr3(), read_cr2());
    console_force("ss: %04x   cs: %04x\n", r->ss, r->cs);
}

/* True if [p, p+len) lies inside the stack block that holds sp. */
static bool on_stack(uint64_t sp, uint64_t p, uint64_t len)
{
    uint64_t base = sp & ~(STACK_SIZE - 1);
    uint64_t guard = base + STACK_PAGE_GUARD * PAGE_SIZE;
    if (p < base || p + len > base + STACK_SIZE || p + len < p)
        return false;
    /* Never touch the unmapped guard page. */
    return p + len <= guard || p >= guard + PAGE_SIZE;
}

static void show_stack(const struct cpu_user_regs *r)
{
    uint64_t sp = r->rsp;
    console_force("Stack at %016lx:", sp);
    for (unsigned i = 0; i < 24; i++) {
        uint64_t p = sp + 8 * i;
        if (!on_stack(sp, p, 8))
            break;
        if (i % 4 == 0)
            console_force("\n   ");
        console_force(" %016lx", *(uint64_t *)p);
    }
    console_force("\n");
}

/*
 * Frame-pointer walk (Mica is built with -fno-omit-frame-pointer). Each
 * frame must stay inside the stack and move upwards, so a corrupt chain
 * ends the walk instead of faulting again.
 */
void show_backtrace(uint64_t rip, uint64_t rbp)
{
    console_force("Call trace:\n");
    show_sym("    ", rip);
    for (unsigned depth = 0; depth < 32 && rbp; depth++) {
        if ((rbp & 7) || !on_stack(rbp, rbp, 16))
            break;
        uint64_t next = ((uint64_t *)rbp)[0];
        uint64_t ret = ((uint64_t *)rbp)[1];
        if (!ret)
            break;
        show_sym("    ", ret);
        if (next <= rbp)
            break;
        rbp = next;
    }
}

static void describe_pf(uint32_t ec)
{
    console_force("Page fault: %s, %s mode, %s%s%s\n",
                  ec & 2 ? "write" : "read", ec & 4 ? "user" : "supervisor",
                  ec & 1 ? "protection violation" : "page not present",
                  ec & 8 ? ", reserved bit set" : "", ec & 16 ? ", instruction fetch" : "");
    show_page_walk(read_cr3(), read_cr2());
}

static void __noreturn fatal_trap(const struct cpu_user_regs *r)
{
    unsigned vec = r->entry_vector;

    cli();
    smp_crash_begin();      /* the other CPUs stop here and now */
    console_force_unlock();
    console_force("----[ Mica crash: %s (vector %u), error code %04x ]----\n",
                  vec < 32 ? vector_names[vec] : "interrupt", vec, r->error_code);
    show_registers(r);
    if (vec == 14)
        describe_pf(r->error_code);
    if (vec == 8)
        console_force("Double fault: often a stack overflow into the guard page\n");
    show_stack(r);
    show_backtrace(r->rip, r->rbp);
    console_force("Panic on CPU %u: fatal trap %u (%s) in the hypervisor\n",
                  get_cpu_info()->cpu_id, vec, vec < 32 ? vector_names[vec] : "interrupt");
    machine_fail(EXIT_CODE_PANIC);
}

void do_trap(struct cpu_user_regs *r)
{
    unsigned vec = r->entry_vector;

    /* An NMI may be another CPU's crash asking this one to stop: then it never returns. */
    if (vec == 2)
        smp_nmi_stop();
    if (vec == 0x80 && !regs_from_hypervisor(r)) {
        pv_int80(r);
        return;
    }
    if (vec >= 32) {
        do_irq(vec, r);
        return;
    }

    /* A guest data breakpoint met by Mica's access to guest memory: not a fault. */
    if (vec == 1 && regs_from_hypervisor(r)) {
        pv_debug_in_hypervisor(r);
        return;
    }
    if (regs_from_hypervisor(r)) {
        uint64_t fixup = search_extable(r->rip);
        if (fixup && vec != 8 && vec != 2 && vec != 18) {
            extern char exit_iretq[];
            /* The guest's refused frame: its fixup needs to know which exception. */
            if (r->rip == (uint64_t)exit_iretq)
                get_cpu_info()->iret_fault = vec | ((uint64_t)r->error_code << 32);
            r->rip = fixup;
            return;
        }
    }
    if (!regs_from_hypervisor(r)) {
        /* The guest's own exception: its kernel handles it (arch/x86/pv/traps.c). */
        pv_do_guest_trap(r);
        return;
    }
    fatal_trap(r);
}
