// SPDX-License-Identifier: GPL-2.0-only
/*
 * I/O capability range lists: see include/mica/iocap.h.
 *
 * Both operations rebuild the list into a scratch copy and commit it only
 * when it fits, so a refused change leaves the old list intact.
 */
#include <public/errno.h>
#include <mica/iocap.h>

/* Append [first, last] to a sorted list under construction, merging with its tail. */
static bool push(struct iocap_list *out, uint64_t first, uint64_t last)
{
    if (out->nr && out->r[out->nr - 1].last != UINT64_MAX &&
        first <= out->r[out->nr - 1].last + 1) {
        if (last > out->r[out->nr - 1].last)
            out->r[out->nr - 1].last = last;
        return true;
    }
    if (out->nr == IOCAP_MAX_RANGES)
        return false;
    out->r[out->nr].first = first;
    out->r[out->nr].last = last;
    out->nr++;
    return true;
}

int iocap_set(struct iocap_list *l, uint64_t first, uint64_t last, bool allow)
{
    struct iocap_list out = { 0 };
    bool placed = !allow;       /* a deny inserts nothing */

    if (first > last)
        return -XEN_EINVAL;
    for (unsigned int i = 0; i < l->nr; i++) {
        const struct iocap_range *r = &l->r[i];
        if (!placed && first <= r->first) {
            if (!push(&out, first, last))
                return -XEN_ENOSPC;
            placed = true;
        }
        if (allow || r->last < first || r->first > last) {
            if (!push(&out, r->first, r->last))
                return -XEN_ENOSPC;
            continue;
        }
        /* Deny overlapping r: keep what lies outside [first, last]. */
        if (r->first < first && !push(&out, r->first, first - 1))
            return -XEN_ENOSPC;
        if (r->last > last && !push(&out, last + 1, r->last))
            return -XEN_ENOSPC;
    }
    if (!placed && !push(&out, first, last))
        return -XEN_ENOSPC;
    *l = out;
    return 0;
}

bool iocap_contains(const struct iocap_list *l, uint64_t first, uint64_t last)
{
    if (first > last)
        return false;
    /* Ranges are merged, so one range must cover the whole request. */
    for (unsigned int i = 0; i < l->nr; i++)
        if (l->r[i].first <= first && last <= l->r[i].last)
            return true;
    return false;
}
