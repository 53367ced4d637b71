/* SPDX-License-Identifier: GPL-2.0-only */
/* Formatting helpers (common/lib/vsnprintf.c). */
#ifndef MICA_LIB_H
#define MICA_LIB_H

#include <stdarg.h>
#include <mica/types.h>

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
