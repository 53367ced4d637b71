/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MICA_SERIAL_H
#define MICA_SERIAL_H

void serial_console_init(void);
void serial_console_describe(void);
/* A received byte, or -1 when none is waiting. */
int serial_getc(void);
/* I/O base of the console UART (8 ports), or 0 without one: guests must not touch it. */
unsigned int serial_console_io_base(void);

#endif
