/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * printk, log levels and the console ring.
 *
 * Each line is prefixed with "(MICA) " the way Xen prefixes "(XEN) ", so a
 * serial log that mixes hypervisor and guest output (hvc0 through
 * console_io) can be told apart. A message is written to the ring and to the
 * sinks when its level passes loglvl= (default: info).
 */
#include <stdarg.h>
#include <mica/console.h>
#include <mica/lib.h>
#include <mica/param.h>
#include <mica/spinlock.h>
#include <mica/string.h>

#define CONSOLE_RING_SIZE (64 * 1024)
#define MAX_SINKS 4

static char ring_buf[CONSOLE_RING_SIZE];
struct log_ring console_ring = { ring_buf, CONSOLE_RING_SIZE, 0 };

static const struct console_sink *sinks[MAX_SINKS];
static unsigned nr_sinks;
static spinlock_t console_lock = SPINLOCK_INIT;
static bool at_line_start = true;
/* The last text was a guest's and its line is not finished yet. */
static bool guest_line_open;
static enum log_level loglvl = LOG_INFO;

static const char *const level_names[] = {
    [LOG_ERR] = "error", [LOG_WARN] = "warning", [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

/* Xen's syntax: loglvl=<level>[/<rate-limited level>]; level names as Xen's. */
int parse_loglvl(const char *s, enum log_level *out)
{
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    if (n == 4 && !strncmp(s, "none", 4)) {
        *out = (enum log_level)-1;
        return 0;
    }
    if (n == 3 && !strncmp(s, "all", 3)) {
        *out = LOG_DEBUG;
        return 0;
    }
    for (unsigned i = 0; i < ARRAY_SIZE(level_names); i++) {
        if (strlen(level_names[i]) == n && !strncmp(s, level_names[i], n)) {
            *out = (enum log_level)i;
            return 0;
        }
    }
    return -1;
}

static int set_loglvl(const char *val)
{
    /* The rate-limited level after '/' is accepted; Mica does not rate-limit. */
    return parse_loglvl(val, &loglvl);
}
custom_param("loglvl", set_loglvl);

/* A new sink first gets what was logged before it existed. */
void console_add_sink(const struct console_sink *sink)
{
    unsigned long flags = spin_lock_irqsave(&console_lock);
    if (nr_sinks < MAX_SINKS) {
        sinks[nr_sinks++] = sink;
        uint64_t pos = 0;
        char buf[128];
        size_t n;
        while ((n = log_ring_read(&console_ring, &pos, buf, sizeof(buf))) > 0)
            sink->write(buf, n);
    }
    spin_unlock_irqrestore(&console_lock, flags);
}

size_t console_ring_read(uint64_t *pos, char *out, size_t n, uint64_t *head)
{
    unsigned long flags = spin_lock_irqsave(&console_lock);
    size_t got = log_ring_read(&console_ring, pos, out, n);
    *head = console_ring.head;
    spin_unlock_irqrestore(&console_lock, flags);
    return got;
}

static void emit(const char *s, size_t n)
{
    log_ring_write(&console_ring, s, n);
    for (unsigned i = 0; i < nr_sinks; i++)
        sinks[i]->write(s, n);
}

/* Called with console_lock held: write text, prefixing each new line. */
static void emit_lines(const char *s)
{
    if (guest_line_open && *s) {
        emit("\n", 1);     /* a Mica line never continues a guest's */
        guest_line_open = false;
        at_line_start = true;
    }
    while (*s) {
        if (at_line_start) {
            emit("(MICA) ", 7);
            at_line_start = false;
        }
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s + 1) : strlen(s);
        emit(s, n);
        if (nl)
            at_line_start = true;
        s += n;
    }
}

static void print_locked(const char *fmt, va_list ap)
{
    char buf[512];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    unsigned long flags = spin_lock_irqsave(&console_lock);
    emit_lines(buf);
    spin_unlock_irqrestore(&console_lock, flags);
}

void vprintk_level(enum log_level lvl, const char *fmt, va_list ap)
{
    if ((int)lvl > (int)loglvl)
        return;
    print_locked(fmt, ap);
}

void printk_level(enum log_level lvl, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk_level(lvl, fmt, ap);
    va_end(ap);
}

void console_force(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_locked(fmt, ap);
    va_end(ap);
}

/*
 * Text a guest wrote with console_io: passed through unprefixed (as Xen
 * prints dom0's output), into the log ring and the sinks alike. Linux
 * writes its console in 16-byte pieces, so a guest line may arrive in
 * several calls: it is continued as is, and only Mica's own output breaks
 * it (emit_lines starts a new line first).
 */
void console_guest_write(const char *s, size_t n)
{
    if (!n)
        return;
    unsigned long flags = spin_lock_irqsave(&console_lock);
    if (!at_line_start && !guest_line_open)
        emit("\n", 1);     /* never glue guest text onto a half Mica line */
    emit(s, n);
    at_line_start = s[n - 1] == '\n';
    guest_line_open = !at_line_start;
    spin_unlock_irqrestore(&console_lock, flags);
}

void console_force_unlock(void)
{
    console_lock = (spinlock_t)SPINLOCK_INIT;
}
