/* SPDX-License-Identifier: GPL-2.0-only */
/* Reference and type counting on frames; see include/mica/page.h. */
#include <mica/page.h>

const struct page_type_ops *page_type_ops;
void (*page_release_hook)(struct page_info *pg);

static bool cas64(uint64_t *p, uint64_t *old, uint64_t new)
{
    return __atomic_compare_exchange_n(p, old, new, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

bool get_page(struct page_info *pg, uint16_t owner)
{
    if (__atomic_load_n(&pg->owner, __ATOMIC_ACQUIRE) != owner)
        return false;
    uint64_t x = __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED);
    do {
        /* A frame with no references is free or being freed: not ours to revive. */
        if ((x & PGC_COUNT_MASK) == 0 || (x & PGC_COUNT_MASK) == PGC_COUNT_MASK)
            return false;
    } while (!cas64(&pg->count_info, &x, x + 1));
    /* The owner may have changed between the check and the increment. */
    if (__atomic_load_n(&pg->owner, __ATOMIC_ACQUIRE) != owner) {
        put_page(pg);
        return false;
    }
    return true;
}

void get_page_nocheck(struct page_info *pg)
{
    __atomic_fetch_add(&pg->count_info, 1, __ATOMIC_ACQ_REL);
}

void put_page(struct page_info *pg)
{
    uint64_t x = __atomic_sub_fetch(&pg->count_info, 1, __ATOMIC_ACQ_REL);
    if ((x & PGC_COUNT_MASK) == 0 && page_release_hook)
        page_release_hook(pg);
}

int get_page_type(struct page_info *pg, uint64_t type)
{
    uint64_t x = __atomic_load_n(&pg->type_info, __ATOMIC_RELAXED), nx;

    for (;;) {
        uint64_t count = x & PGT_COUNT_MASK;
        if (count == PGT_COUNT_MASK)
            return -1;
        if (count == 0) {
            /* Free to retype. Validation happens after we own the count. */
            if ((x & PGT_TYPE_MASK) != type)
                nx = type | 1;
            else
                nx = (x & ~PGT_COUNT_MASK) | 1;
        } else {
            if ((x & PGT_TYPE_MASK) != type)
                return -1;
            /* Someone else is still validating it: wait for them. */
            if (!(x & PGT_VALIDATED)) {
                __builtin_ia32_pause();
                x = __atomic_load_n(&pg->type_info, __ATOMIC_RELAXED);
                continue;
            }
            nx = x + 1;
        }
        if (cas64(&pg->type_info, &x, nx))
            break;
    }

    if ((x & PGT_TYPE_MASK) != type && page_type_ops && page_type_ops->retype)
        page_type_ops->retype(pg, x & PGT_TYPE_MASK);
    if (!(nx & PGT_VALIDATED)) {
        int rc = 0;
        if (page_type_ops && (pgt_is_pagetable(type) || type == PGT_SEG_DESC))
            rc = page_type_ops->validate(pg, type);
        if (rc) {
            /* Give the type reference back; the frame stays untyped. */
            __atomic_store_n(&pg->type_info, PGT_NONE, __ATOMIC_RELEASE);
            return rc < 0 ? rc : -1;
        }
        __atomic_fetch_or(&pg->type_info, PGT_VALIDATED, __ATOMIC_RELEASE);
    }
    return 0;
}

static void type_released(struct page_info *pg)
{
    if (page_type_ops && page_type_ops->type_released)
        page_type_ops->type_released(pg);
}

void put_page_type(struct page_info *pg)
{
    uint64_t x = __atomic_load_n(&pg->type_info, __ATOMIC_RELAXED), nx;

    for (;;) {
        uint64_t type = x & PGT_TYPE_MASK;
        bool last = (x & PGT_COUNT_MASK) == 1;
        if (last && (x & PGT_VALIDATED) && (pgt_is_pagetable(type) || type == PGT_SEG_DESC)) {
            /*
             * The last user of a page-table type: its entries' references
             * must go, and the contents must be validated again before the
             * type is used again (the guest may write to the frame in
             * between). Devalidate while our count still holds the frame,
             * with PGT_VALIDATED clear, so a concurrent get_page_type()
             * waits instead of revalidating or retyping under our feet.
             */
            nx = x & ~PGT_VALIDATED;
            if (!cas64(&pg->type_info, &x, nx))
                continue;
            if (page_type_ops)
                page_type_ops->devalidate(pg, type);
            type_released(pg);
            __atomic_store_n(&pg->type_info, nx - 1, __ATOMIC_RELEASE);
            return;
        }
        /* Noted before the count reaches zero, when a retype may begin. */
        if (last)
            type_released(pg);
        nx = x - 1;
        if (cas64(&pg->type_info, &x, nx))
            return;
    }
}

bool get_page_and_type(struct page_info *pg, uint16_t owner, uint64_t type)
{
    if (!get_page(pg, owner))
        return false;
    if (get_page_type(pg, type)) {
        put_page(pg);
        return false;
    }
    return true;
}

void put_page_and_type(struct page_info *pg)
{
    put_page_type(pg);
    put_page(pg);
}

void page_assign(struct page_info *pg, uint16_t owner)
{
    pg->type_info = PGT_NONE;
    pg->count_info = PGC_ALLOCATED | 1;
    __atomic_store_n(&pg->owner, owner, __ATOMIC_RELEASE);
}

void page_unassign(struct page_info *pg)
{
    uint64_t x = __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED);
    do {
        if (!(x & PGC_ALLOCATED))
            return;     /* already given up */
    } while (!cas64(&pg->count_info, &x, x & ~PGC_ALLOCATED));
    put_page(pg);
}
