/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * I/O capability range lists (common/iocap.c): which I/O ports or machine
 * frames the control domain has granted a domain with
 * XEN_DOMCTL_ioport_permission / XEN_DOMCTL_iomem_permission.
 *
 * A list holds disjoint, sorted, non-adjacent inclusive ranges; allowing
 * merges, denying cuts (possibly splitting a range in two). The list is
 * small and fixed-size: a domain rarely gets more than a handful of
 * device ranges. Pure logic: the same file runs in the host unit tests.
 */
#ifndef MICA_IOCAP_H
#define MICA_IOCAP_H

#include <mica/types.h>

#define IOCAP_MAX_RANGES 16

struct iocap_range {
    uint64_t first, last;       /* inclusive */
};

struct iocap_list {
    unsigned int nr;
    struct iocap_range r[IOCAP_MAX_RANGES];
};

/*
 * Allow (allow = true) or deny [first, last]. 0, -XEN_EINVAL for
 * first > last, -XEN_ENOSPC when the result would need more than
 * IOCAP_MAX_RANGES ranges (the list is then unchanged).
 */
int iocap_set(struct iocap_list *l, uint64_t first, uint64_t last, bool allow);
/* Whether every unit of [first, last] is allowed. */
bool iocap_contains(const struct iocap_list *l, uint64_t first, uint64_t last);

#endif
