/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The string/memory functions Mica provides (common/lib/string.c).
 * On the host (unit tests) the C library's versions are used instead; the
 * prototypes are the standard ones, so both builds see the same interface.
 */
#ifndef MICA_STRING_H
#define MICA_STRING_H

#include <mica/types.h>

#ifdef MICA_HOST
#include <string.h>
#include <stdlib.h>
#if !defined(__GLIBC__) || __GLIBC__ < 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ < 38)
/* glibc before 2.38 has no strlcpy; the hypervisor's semantics, for host tests. */
static inline size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);
    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}
#endif
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);
unsigned long strtoul(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
#endif

#endif
