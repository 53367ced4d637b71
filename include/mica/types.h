/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Basic types shared by the hypervisor and by host unit tests.
 *
 * Only the compiler's freestanding headers are used, so the same pure-logic
 * sources build inside Mica (-ffreestanding) and on the host under Check
 * (-DMICA_HOST).
 */
#ifndef MICA_TYPES_H
#define MICA_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;   /* machine physical address */
typedef uint64_t mfn_t;     /* machine frame number */
typedef uint64_t vaddr_t;   /* hypervisor virtual address */

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)   (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
/* The structure of type `type` whose member `member` is at ptr. */
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __noreturn  __attribute__((noreturn))
#define __packed    __attribute__((packed))
#define __used      __attribute__((used))
#define __printf(f, a) __attribute__((format(printf, f, a)))

#endif
