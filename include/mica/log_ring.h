/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The console log ring: everything the hypervisor prints is kept here so it
 * can be read later (xl-lite dmesg, via sysctl readconsole). Positions are
 * absolute byte counts since boot, so a reader can resume where it stopped
 * and can tell when older text has been overwritten.
 */
#ifndef MICA_LOG_RING_H
#define MICA_LOG_RING_H

#include <mica/types.h>

struct log_ring {
    char *buf;
    uint32_t size;      /* power of two */
    uint64_t head;      /* bytes ever written */
};

void log_ring_init(struct log_ring *r, char *buf, uint32_t size);
void log_ring_write(struct log_ring *r, const char *s, size_t n);
/* Oldest position still held. */
uint64_t log_ring_tail(const struct log_ring *r);
/*
 * Copy up to n bytes starting at *pos into out; a *pos older than the tail
 * is moved up to the tail first (the text before it is gone). *pos advances
 * by what was copied. Returns the number of bytes copied.
 */
size_t log_ring_read(const struct log_ring *r, uint64_t *pos, char *out, size_t n);

#endif
