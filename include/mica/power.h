/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Leaving the machine.
 *
 * machine_power_off(): ACPI S5, as a clean dom0 poweroff does; QEMU exits 0.
 * machine_restart():   ACPI reset register, then the keyboard controller,
 *                      then a triple fault.
 * machine_fail():      after a panic. Under QEMU the isa-debug-exit device
 *                      (debug_exit_port=, default 0xf4; 0 disables) makes QEMU
 *                      exit with status (code << 1) | 1, so a failure can
 *                      never look like success. Without it: halt when
 *                      'noreboot' is given, else restart, as Xen does.
 */
#ifndef MICA_POWER_H
#define MICA_POWER_H

#include <mica/types.h>

#define EXIT_CODE_PANIC     1   /* QEMU exit status 3 */
#define EXIT_CODE_DOM0_CRASH 2  /* QEMU exit status 5 */

void __noreturn machine_power_off(void);
void __noreturn machine_restart(void);
void __noreturn machine_fail(unsigned code);
void __noreturn machine_halt(void);
/* Read the ACPI tables needed for power-off and reset; 0 when usable. */
int acpi_power_init(void);

#endif
