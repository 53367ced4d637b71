/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The tiny runtime of Mica's PV test guests: hypercalls, console output,
 * and the verdict. Each test defines test_main(); the verdict line has the
 * same form as Xen's XTF tests ("Test result: SUCCESS"), so the harness can
 * judge Mica and real Xen alike.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

extern char hypercall_page[4096];
extern void *guest_start_info;

long hypercall2(unsigned nr, unsigned long a1, unsigned long a2);
long hypercall3(unsigned nr, unsigned long a1, unsigned long a2, unsigned long a3);

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* Record a failure (the test goes on; the verdict becomes FAILURE). */
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

/* Provided by each test. */
void test_main(void);
extern const char test_title[];

/* Print the verdict and shut the domain down (poweroff). */
void __attribute__((noreturn)) finish(void);

#endif
