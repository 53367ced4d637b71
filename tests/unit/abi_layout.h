/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * abi_layout.h - the row format shared by the two measuring translation
 * units of the ABI layout test. Includes no Xen or Mica header, so both
 * units can use it.
 */
#ifndef ABI_LAYOUT_H
#define ABI_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

/* One measured fact. kind says how to read a, b and c. */
enum abi_kind {
    ABI_K_STRUCT,  /* a = sizeof, b = alignof */
    ABI_K_FIELD,   /* a = offsetof, b = sizeof member */
    ABI_K_FLEX,    /* a = offsetof */
    ABI_K_TYPEDEF, /* a = sizeof, b = alignof */
    ABI_K_TYPE,    /* a = sizeof, b = alignof, c = 1 if signed */
    ABI_K_CONST,   /* a = value */
    ABI_K_STR,     /* s = the string */
    ABI_K_EXPR,    /* a = value */
};

struct abi_row {
    enum abi_kind kind;
    const char *name;   /* what was measured, e.g. "struct mmu_update.val" */
    long long a, b, c;
    const char *s;
};

/* Fill up to max rows; return the number the list holds. */
size_t abi_fill_ours(struct abi_row *rows, size_t max);
size_t abi_fill_xen(struct abi_row *rows, size_t max);
/* Shared-ring rows; ours returns 0 while io/ring.h is only the stub. */
size_t abi_fill_ours_ring(struct abi_row *rows, size_t max);
size_t abi_fill_xen_ring(struct abi_row *rows, size_t max);
/* domctl.h / sysctl.h rows (abi_layout_list_ctl.h). */
size_t abi_fill_ours_ctl(struct abi_row *rows, size_t max);
size_t abi_fill_xen_ctl(struct abi_row *rows, size_t max);
size_t abi_fill_ours_ctl_ring(struct abi_row *rows, size_t max);
size_t abi_fill_xen_ctl_ring(struct abi_row *rows, size_t max);

/*
 * Hashes for tables of strings (GNTTABOP_error_msgs, xsd_errors): FNV-1a
 * in unsigned arithmetic, so no overflow is undefined.
 */
static inline uint64_t abi_hash_mix(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return (h ^ 0xff) * 0x100000001b3ULL;
}

static inline long long abi_hash_strv(const char *const *v, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL + n;
    for (size_t i = 0; i < n; i++)
        h = abi_hash_mix(h, v[i]);
    return (long long)(h >> 1);
}

/* Generic over the element type, which differs only in its origin. */
#define abi_hash_xsd(tab, n) ({                                  \
    uint64_t h_ = 0xcbf29ce484222325ULL + (n);                    \
    for (size_t i_ = 0; i_ < (n); i_++)                           \
        h_ = abi_hash_mix(h_ * 31 + (uint64_t)(tab)[i_].errnum,   \
                          (tab)[i_].errstring);                    \
    (long long)(h_ >> 1);                                         \
})

#endif /* ABI_LAYOUT_H */
