/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MICA_PANIC_H
#define MICA_PANIC_H

#include <mica/types.h>

/* Print the message and a backtrace, then stop the machine with a failure status. */
void __noreturn panic(const char *fmt, ...) __printf(1, 2);

#define BUG_ON(cond) do { if (unlikely(cond)) panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__); } while (0)

#endif
