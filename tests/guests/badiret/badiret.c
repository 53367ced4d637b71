/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A hostile guest: it asks the iret hypercall to return to an invalid code
 * selector (0x10, which Mica turns into 0x13: GDT entry 2, never set up). The CPU
 * refuses that frame at Mica's final IRETQ. The guest must die; the
 * hypervisor must not (tests/integration/hostile_tests.py checks Mica's
 * side). It never prints a verdict on purpose: reaching the printk after
 * the iret would mean the bad frame was accepted.
 */
#include "../lib/guest.h"

const char test_title[] = "badiret: iret to an invalid code selector";

void test_main(void)
{
    printk("iret with cs 0x13 now\n");
    __asm__ volatile("mov %%rsp, %%rbx\n\t"
                     "pushq $0xe02b\n\t"        /* ss */
                     "pushq %%rbx\n\t"          /* rsp */
                     "pushq $0x202\n\t"         /* rflags */
                     "pushq $0x10\n\t"          /* cs: kernel RPL, becomes 0x13: unusable */
                     "pushq $1f\n\t"            /* rip */
                     "pushq $0\n\t"             /* iret flags */
                     "jmp hypercall_page + 23 * 32\n"
                     "1:" ::: "rbx", "memory");
    printk("FAIL: iret to an invalid code selector came back\n");
}
