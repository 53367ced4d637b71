/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MICA_SERIAL_H
#define MICA_SERIAL_H

void serial_console_init(void);
void serial_console_describe(void);
/* A received byte, or -1 when none is waiting. */
int serial_getc(void);
/* A byte is waiting in the console UART (serial_getc would return it). */
bool serial_rx_ready(void);
/* I/O base of the console UART (8 ports), or 0 without one: guests must not touch it. */
unsigned int serial_console_io_base(void);
/* Its IRQ (com1=...,<irq>; COM1 4, COM2 3), 0 for none: Mica keeps it from guests, as Xen. */
unsigned int serial_console_irq(void);

#endif
