/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Access to guest memory. Every pointer a guest hands us is untrusted: it
 * may be unmapped, non-canonical, or point into Mica's own range. These
 * accessors refuse Mica's range up front and take any fault through the
 * exception table, so a bad pointer becomes -EFAULT, never a crash.
 *
 * They run on the current vCPU's page tables (which are loaded while Mica
 * handles that vCPU's hypercall), so a guest virtual address is used as is.
 */
#ifndef MICA_GUEST_ACCESS_H
#define MICA_GUEST_ACCESS_H

#include <mica/layout.h>
#include <mica/types.h>

typedef uint64_t guest_ptr_t;

/* Bytes NOT copied (0 on success); defined in arch/x86/usercopy.S. */
size_t raw_copy_fault_safe(void *dst, const void *src, size_t n);

static inline bool guest_range_ok(guest_ptr_t p, size_t n)
{
    uint64_t end = p + n;
    if (end < p)
        return false;
    /* Mica's slots: no guest pointer may reach into them. */
    return end <= HV_VIRT_START || p >= HV_VIRT_END;
}

/* 0, or -EFAULT (as the negative Xen errno). */
static inline int copy_from_guest(void *dst, guest_ptr_t src, size_t n)
{
    if (!guest_range_ok(src, n) || raw_copy_fault_safe(dst, (const void *)src, n))
        return -14;
    return 0;
}

static inline int copy_to_guest(guest_ptr_t dst, const void *src, size_t n)
{
    if (!guest_range_ok(dst, n) || raw_copy_fault_safe((void *)dst, src, n))
        return -14;
    return 0;
}

#endif
