/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * String and memory functions for the freestanding hypervisor. GCC may emit
 * calls to memcpy/memset/memmove/memcmp on its own, so these must exist with
 * exactly the standard semantics.
 */
#include <mica/string.h>

/*
 * 64 bytes per iteration in plain moves, then 8 at a time, then the tail.
 * Fast-string microcode makes "rep movsb" as quick on modern hardware, but
 * QEMU's TCG runs string instructions an element per iteration: there an
 * unrolled loop clears or copies a page two to three times faster than
 * "rep stosq"/"rep movsq" (measured at boot, 16 MiB), and page clears
 * (every frame given to a guest) and copies (grant copy) dominate. The
 * moves are written in assembly so the compiler cannot turn the loops
 * back into calls to these very functions.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
    void *ret = dst;
    for (; n >= 64; n -= 64, dst = (char *)dst + 64, src = (const char *)src + 64)
        __asm__ volatile("movq 0(%1), %%rax; movq 8(%1), %%rcx; movq 16(%1), %%rdx; movq 24(%1), %%r8;"
                         "movq %%rax, 0(%0); movq %%rcx, 8(%0); movq %%rdx, 16(%0); movq %%r8, 24(%0);"
                         "movq 32(%1), %%rax; movq 40(%1), %%rcx; movq 48(%1), %%rdx; movq 56(%1), %%r8;"
                         "movq %%rax, 32(%0); movq %%rcx, 40(%0); movq %%rdx, 48(%0); movq %%r8, 56(%0)"
                         :: "r"(dst), "r"(src) : "rax", "rcx", "rdx", "r8", "memory");
    size_t quads = n / 8, tail = n % 8;
    __asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(quads) :: "memory");
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(tail) :: "memory");
    return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *ret = dst;
    uint64_t pattern = 0x0101010101010101ULL * (uint8_t)c;
    for (; n >= 64; n -= 64, dst = (char *)dst + 64)
        __asm__ volatile("movq %1, 0(%0); movq %1, 8(%0); movq %1, 16(%0); movq %1, 24(%0);"
                         "movq %1, 32(%0); movq %1, 40(%0); movq %1, 48(%0); movq %1, 56(%0)"
                         :: "r"(dst), "r"(pattern) : "memory");
    size_t quads = n / 8, tail = n % 8;
    __asm__ volatile("rep stosq" : "+D"(dst), "+c"(quads) : "a"(pattern) : "memory");
    __asm__ volatile("rep stosb" : "+D"(dst), "+c"(tail) : "a"(pattern) : "memory");
    return ret;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;
    for (; n; n--, p++)
        if (*p == (unsigned char)c)
            return (void *)p;
    return NULL;
}

size_t strlen(const char *s)
{
    const char *p = s;
    while (*p)
        p++;
    return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;
    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (!*s)
            return (char *)last;
    }
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);
    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
    unsigned long long v = 0;

    while (*s == ' ' || *s == '\t')
        s++;
    if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
        ((s[2] >= '0' && s[2] <= '9') || ((s[2] | 0x20) >= 'a' && (s[2] | 0x20) <= 'f'))) {
        s += 2;
        base = 16;
    } else if (base == 0) {
        base = s[0] == '0' ? 8 : 10;
    }
    for (;; s++) {
        int d;
        if (*s >= '0' && *s <= '9') d = *s - '0';
        else if ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') d = (*s | 0x20) - 'a' + 10;
        else break;
        if (d >= base)
            break;
        v = v * (unsigned)base + (unsigned)d;
    }
    if (end)
        *end = (char *)s;
    return v;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    return (unsigned long)strtoull(s, end, base);
}
