/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypervisor console: printk with log levels (Xen's loglvl= option and level
 * names), the log ring, and output sinks (serial).
 */
#ifndef MICA_CONSOLE_H
#define MICA_CONSOLE_H

#include <mica/types.h>
#include <mica/log_ring.h>

/* Same order as Xen's XENLOG_* levels: lower is more important. */
enum log_level { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

void vprintk_level(enum log_level lvl, const char *fmt, __builtin_va_list ap);
void printk_level(enum log_level lvl, const char *fmt, ...) __printf(2, 3);

#define printk(...)   printk_level(LOG_INFO, __VA_ARGS__)
#define pr_err(...)   printk_level(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  printk_level(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  printk_level(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk_level(LOG_DEBUG, __VA_ARGS__)

/* Output sinks. A sink writes raw bytes; the console adds line prefixes. */
struct console_sink {
    void (*write)(const char *s, size_t n);
};
void console_add_sink(const struct console_sink *sink);

/* Output a guest wrote through console_io (unprefixed). */
void console_guest_write(const char *s, size_t n);

/* Print regardless of loglvl (crash dumps, the boot banner). */
void console_force(const char *fmt, ...) __printf(1, 2);
/* On a crash, break the console lock so the dump gets out. */
void console_force_unlock(void);

extern struct log_ring console_ring;
/*
 * Read the log ring under the console lock (XEN_SYSCTL_readconsole):
 * log_ring_read's rules for *pos; *head gets the position after the
 * newest byte. Returns the bytes copied.
 */
size_t console_ring_read(uint64_t *pos, char *out, size_t n, uint64_t *head);
int parse_loglvl(const char *s, enum log_level *out);

/* Serial input for the control domain's console_io (common/console_io.c):
 * does CPU cpu poll for it, and the poll (housekeeping tick, interrupt context). */
bool console_io_polls(unsigned int cpu);
void console_io_tick(void);

#endif
