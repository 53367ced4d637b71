/* SPDX-License-Identifier: GPL-2.0-only */
/* Exception dispatch of the test guests (entry stubs in traps.S). */
#include "guest.h"
#include <public/callback.h>

struct extable_entry { unsigned long fault, fixup; };
extern const struct extable_entry __start_ex_table[], __stop_ex_table[];

bool (*trap_hook)(struct trap_frame *f);
void (*event_hook)(struct trap_frame *f);
void (*syscall_hook)(struct trap_frame *f);
struct trap_frame last_trap;
unsigned long trap_count;

void do_trap(struct trap_frame *f);
void do_trap(struct trap_frame *f)
{
    trap_count++;
    last_trap = *f;
    if (f->vector == 256) {             /* event upcall */
        if (event_hook)
            event_hook(f);
        return;
    }
    if (f->vector == 258) {             /* syscall from user mode */
        if (syscall_hook)
            syscall_hook(f);
        else
            user_return(f->rax);
        return;
    }
    if (trap_hook && trap_hook(f))
        return;
    for (const struct extable_entry *e = __start_ex_table; e < __stop_ex_table; e++) {
        if (e->fault == f->rip) {
            f->rip = e->fixup;
            f->rax = EXINFO(f->vector, f->error_code);
            return;
        }
    }
    fail("unexpected exception: vector %lu error %#lx at rip %#lx cs %#lx rsp %#lx",
         f->vector, f->error_code, f->rip, f->cs, f->rsp);
    if (f->vector == X86_EXC_PF && guest_start_info)
        printk("  cr2 %#lx\n", shared_info()->vcpu_info[0].arch.cr2);
    finish();
}

static trap_info_t traps[32];

void trap_init(void)
{
    unsigned n = 0;
    for (unsigned v = 0; v <= 20; v++) {
        if (v == 2 || v == 8 || v == 15)
            continue;           /* NMI/#DF use callbacks or are fatal; 15 is reserved */
        traps[n].vector = v;
        /* #BP and #OF must be usable with int3/into from any ring: DPL 3. */
        traps[n].flags = (v == 3 || v == 4) ? 3 : 0;
        traps[n].cs = FLAT_KERNEL_CS;
        traps[n].address = (unsigned long)trap_entry(v);
        n++;
    }
    traps[n].vector = 0;
    traps[n].address = 0;       /* terminator */
    long rc = HC1(__HYPERVISOR_set_trap_table, traps);
    if (rc)
        fail("set_trap_table: %ld", rc);
}

/* Kernel stack used when entering the kernel from user mode. */
static char kernel_stack[8192] __attribute__((aligned(16)));

void user_mode_init(void)
{
    /* User mode gets the same L4: Xen forces _PAGE_USER on 64-bit PV mappings. */
    long rc = mmuext1(MMUEXT_NEW_USER_BASEPTR, virt_to_mfn((void *)SI->pt_base), 0);
    if (rc)
        fail("NEW_USER_BASEPTR: %ld", rc);
    rc = HC2(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS, kernel_stack + sizeof(kernel_stack));
    if (rc)
        fail("stack_switch: %ld", rc);
    struct callback_register cb = {
        .type = CALLBACKTYPE_syscall, .flags = CALLBACKF_mask_events,
        .address = (unsigned long)entry_syscall,
    };
    rc = HC2(__HYPERVISOR_callback_op, CALLBACKOP_register, &cb);
    if (rc)
        fail("callback_op syscall: %ld", rc);
}
