/* SPDX-License-Identifier: GPL-2.0-only */
/* Power-off, restart and failure exit; see include/mica/power.h. */
#include <asm/acpi.h>
#include <asm/x86.h>
#include <mica/console.h>
#include <mica/param.h>
#include <mica/power.h>
#include <mica/time.h>

static bool opt_noreboot;
boolean_param("noreboot", opt_noreboot);
static unsigned int opt_debug_exit_port = 0xf4;
integer_param("debug_exit_port", opt_debug_exit_port);

void __noreturn machine_halt(void)
{
    for (;;) {
        cli();
        halt();
    }
}

void __noreturn machine_power_off(void)
{
    printk("power: powering off\n");
    cli();
    acpi_enter_s5();
    udelay(100000);
    /* Still here: no ACPI S5. QEMU's isa-debug-exit cannot express 0, so halt. */
    console_force("power: ACPI power-off failed; halting\n");
    machine_halt();
}

void __noreturn machine_restart(void)
{
    printk("power: restarting\n");
    cli();
    if (acpi_reset())
        udelay(100000);
    /* Keyboard controller pulse on the reset line. */
    for (int i = 0; i < 100 && (inb(0x64) & 0x02); i++)
        udelay(100);
    outb(0x64, 0xfe);
    udelay(100000);
    /* Last resort: a triple fault with an empty IDT. */
    struct __packed { uint16_t limit; uint64_t base; } none = { 0, 0 };
    __asm__ volatile("lidt %0; int3" :: "m"(none));
    machine_halt();
}

void __noreturn machine_fail(unsigned code)
{
    cli();
    if (opt_debug_exit_port)
        outl((uint16_t)opt_debug_exit_port, code);
    /* No debug-exit device: behave like Xen after a panic. */
    if (opt_noreboot) {
        console_force("noreboot: halting\n");
        machine_halt();
    }
    console_force("rebooting\n");
    machine_restart();
}
