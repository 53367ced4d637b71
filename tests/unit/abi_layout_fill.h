/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * abi_layout_fill.h - the body shared by abi_layout_ours.c and
 * abi_layout_xen.c: expands abi_layout_list.h into row initialisers.
 * The includer defines ABI_FILL_FN and ABI_FILL_RING_FN (function names),
 * and ABI_SKIP_RING when its ring types are not real; ABI_LIST_FILE names
 * another list to expand (default abi_layout_list.h).
 */
#ifndef ABI_LIST_FILE
#define ABI_LIST_FILE "abi_layout_list.h"
#endif
/* ABI_TYPE's signedness test is always false for unsigned types, by design. */
#pragma GCC diagnostic ignored "-Wtype-limits"

#define ABI_ROW(k, n, x, y, z) \
    if (i < max) rows[i] = (struct abi_row){ (k), (n), (long long)(x), (long long)(y), (long long)(z), NULL }; \
    i++;
#define ABI_STRUCT(T)       ABI_ROW(ABI_K_STRUCT, #T, sizeof(T), _Alignof(T), 0)
#define ABI_FIELD(T, m)     ABI_ROW(ABI_K_FIELD, #T "." #m, offsetof(T, m), sizeof(((T *)0)->m), 0)
#define ABI_FLEX(T, m)      ABI_ROW(ABI_K_FLEX, #T "." #m, offsetof(T, m), 0, 0)
#define ABI_TYPEDEF(T)      ABI_ROW(ABI_K_TYPEDEF, #T, sizeof(T), _Alignof(T), 0)
#define ABI_TYPE(T)         ABI_ROW(ABI_K_TYPE, #T, sizeof(T), _Alignof(T), (T)-1 < (T)0)
#define ABI_CONST(N)        ABI_ROW(ABI_K_CONST, #N, (N), 0, 0)
#define ABI_EXPR(label, N, e) ABI_ROW(ABI_K_EXPR, label, (e), 0, 0)
#define ABI_STR(N) \
    if (i < max) rows[i] = (struct abi_row){ ABI_K_STR, #N, 0, 0, 0, (N) }; \
    i++;
#define ABI_EXEMPT(N, why)
#define ABI_RING(name)

size_t ABI_FILL_FN(struct abi_row *rows, size_t max)
{
    size_t i = 0;
#include ABI_LIST_FILE
    return i;
}

#undef ABI_STRUCT
#undef ABI_FIELD
#undef ABI_FLEX
#undef ABI_TYPEDEF
#undef ABI_TYPE
#undef ABI_CONST
#undef ABI_EXPR
#undef ABI_STR
#undef ABI_RING
#define ABI_STRUCT(T)
#define ABI_FIELD(T, m)
#define ABI_FLEX(T, m)
#define ABI_TYPEDEF(T)
#define ABI_TYPE(T)
#define ABI_CONST(N)
#define ABI_EXPR(label, N, e)
#define ABI_STR(N)
/*
 * The ring entry union and the shared page header. sizeof(struct sring)
 * is not compared: Xen ends it with ring[1], a flexible array is equally
 * valid and only changes sizeof.
 */
#define ABI_RING(name) \
    ABI_ROW(ABI_K_STRUCT, "union " #name "_sring_entry", sizeof(union name ## _sring_entry), \
            _Alignof(union name ## _sring_entry), 0) \
    ABI_ROW(ABI_K_FIELD, "struct " #name "_sring.req_prod", offsetof(struct name ## _sring, req_prod), \
            sizeof(((struct name ## _sring *)0)->req_prod), 0) \
    ABI_ROW(ABI_K_FIELD, "struct " #name "_sring.req_event", offsetof(struct name ## _sring, req_event), \
            sizeof(((struct name ## _sring *)0)->req_event), 0) \
    ABI_ROW(ABI_K_FIELD, "struct " #name "_sring.rsp_prod", offsetof(struct name ## _sring, rsp_prod), \
            sizeof(((struct name ## _sring *)0)->rsp_prod), 0) \
    ABI_ROW(ABI_K_FIELD, "struct " #name "_sring.rsp_event", offsetof(struct name ## _sring, rsp_event), \
            sizeof(((struct name ## _sring *)0)->rsp_event), 0) \
    ABI_ROW(ABI_K_FIELD, "struct " #name "_sring.ring", offsetof(struct name ## _sring, ring), \
            sizeof(((struct name ## _sring *)0)->ring[0]), 0) \
    ABI_ROW(ABI_K_TYPEDEF, #name "_sring_t", _Alignof(name ## _sring_t), 0, 0) \
    ABI_ROW(ABI_K_FIELD, "struct " #name "_front_ring.sring", offsetof(struct name ## _front_ring, sring), \
            sizeof(((struct name ## _front_ring *)0)->sring), 0) \
    ABI_ROW(ABI_K_FIELD, "struct " #name "_back_ring.sring", offsetof(struct name ## _back_ring, sring), \
            sizeof(((struct name ## _back_ring *)0)->sring), 0)

size_t ABI_FILL_RING_FN(struct abi_row *rows, size_t max)
{
    size_t i = 0;
#ifndef ABI_SKIP_RING
#include ABI_LIST_FILE
#else
    (void)rows; (void)max;
#endif
    return i;
}
