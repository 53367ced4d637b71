/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest memory accounting: which frames are a domain's ordinary memory
 * (on its page list, counted in tot_pages), how frames join it and how
 * they leave it. See include/mica/domain.h.
 *
 * A guest frame leaves in one of two ways, as in Xen:
 *  - its owner gives it up (XENMEM_decrease_reservation drops the
 *    allocation reference): it stays the domain's, listed and counted,
 *    until the last mapping, pin or hypervisor reference goes; then the
 *    release hook (arch/x86/mm.c) calls domain_page_released() and frees it;
 *  - it is stolen (XENMEM_exchange): only possible while nothing but the
 *    allocation holds it, so it leaves at once, with no references at all.
 */
#include <public/errno.h>
#include <mica/domain.h>
#include <mica/flushtlb.h>
#include <mica/mm.h>

/* Both under d->page_lock. */
static void page_list_add(struct domain *d, struct page_info *pg)
{
    pg->next = d->page_list_head;
    pg->prev = PAGE_LIST_NULL;
    if (d->page_list_head != PAGE_LIST_NULL)
        frame_table[d->page_list_head].prev = (uint32_t)page_to_mfn(pg);
    d->page_list_head = (uint32_t)page_to_mfn(pg);
    pg->flags |= PGF_DOMAIN_LIST;
}

void domain_page_list_del(struct domain *d, struct page_info *pg)
{
    if (pg->prev != PAGE_LIST_NULL)
        frame_table[pg->prev].next = pg->next;
    else
        d->page_list_head = pg->next;
    if (pg->next != PAGE_LIST_NULL)
        frame_table[pg->next].prev = pg->prev;
    pg->next = pg->prev = PAGE_LIST_NULL;
    pg->flags &= (uint8_t)~PGF_DOMAIN_LIST;
}

int domain_assign_pages(struct domain *d, struct page_info *pg, unsigned int order, bool count_pages)
{
    uint64_t n = 1ULL << order;
    int rc = 0;

    spin_lock(&d->page_lock);
    if (d->is_dying)
        rc = -XEN_EINVAL;
    else if (count_pages && d->tot_pages + n > d->max_pages)
        rc = -XEN_E2BIG;        /* Xen: "Over-allocation" */
    if (!rc) {
        for (uint64_t i = 0; i < n; i++) {
            page_assign(pg + i, d->domain_id);
            page_list_add(d, pg + i);
        }
        if (count_pages)
            d->tot_pages += n;
    }
    spin_unlock(&d->page_lock);
    return rc;
}

int domain_steal_page(struct domain *d, struct page_info *pg)
{
    /* Our own reference keeps the frame from changing hands meanwhile. */
    if (!get_page(pg, d->domain_id))
        return -XEN_EINVAL;
    /* Mica's pages lent to the guest are never its to trade (Xen's is_special_page). */
    if (!(pg->flags & PGF_DOMAIN_LIST))
        goto fail_put;
    /*
     * Exactly two references, ours and the allocation's, or something else
     * still uses the frame. Dropping both at once leaves the count at zero,
     * where get_page() refuses everyone: nobody can map it from now on.
     */
    uint64_t x = __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED);
    do {
        if ((x & (PGC_COUNT_MASK | PGC_ALLOCATED)) != (PGC_ALLOCATED | 2))
            goto fail_put;
    } while (!__atomic_compare_exchange_n(&pg->count_info, &x, x & ~(PGC_COUNT_MASK | PGC_ALLOCATED),
                                          false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
    /*
     * Type uses always come with a general reference, so none can be left;
     * Xen treats one as a bug. Here it is a refusal: the frame is given its
     * allocation reference back.
     */
    if (page_type_count(pg) || (__atomic_load_n(&pg->type_info, __ATOMIC_RELAXED) & PGT_PINNED)) {
        __atomic_fetch_or(&pg->count_info, PGC_ALLOCATED | 1, __ATOMIC_ACQ_REL);
        return -XEN_EINVAL;
    }

    spin_lock(&d->page_lock);
    domain_page_list_del(d, pg);
    pg->type_info = PGT_NONE;
    __atomic_store_n(&pg->owner, OWNER_NONE, __ATOMIC_RELEASE);
    spin_unlock(&d->page_lock);
    /*
     * The frame goes to another owner without passing through the heap:
     * no CPU may keep a translation d made to it and has not flushed yet
     * (d's guest removes mappings without flushing, as on hardware).
     */
    flush_tlb_domain(d);
    return 0;

fail_put:
    put_page(pg);
    return -XEN_EINVAL;
}

void domain_page_released(struct page_info *pg)
{
    struct domain *d = domain_lookup(pg->owner);

    if (!d)
        return;
    spin_lock(&d->page_lock);
    domain_page_list_del(d, pg);
    d->tot_pages--;
    spin_unlock(&d->page_lock);
}
