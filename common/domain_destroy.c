// SPDX-License-Identifier: GPL-2.0-only
/*
 * Domain destruction (XEN_DOMCTL_destroydomain): take a domain apart and
 * give everything it held back, the way Xen's domain_kill and
 * domain_relinquish_resources do.
 *
 * Order, and why:
 *  1. Mark it dying (under its page lock, so no populate_physmap can add
 *     frames afterwards), pause it and wait until none of its vCPUs runs,
 *     then take every vCPU off the scheduler for good (its timers go with
 *     it: they live in the vCPU and are only walked from the CPU's list).
 *  2. Close every event channel: interdomain peers see their end become
 *     unbound, as on Xen; pirqs are unbound and unmapped.
 *  3. Grants: every mapping it holds of others' grants is dropped
 *     (maptrack), and its own table refuses new maps. Grants others still
 *     map keep their frames (and the table) until they unmap.
 *  4. Memory: the references Mica holds for its vCPUs (base page tables,
 *     GDT/LDT frames, vcpu_info page) go; every pin goes, which takes the
 *     page-table types down level by level (Mica allows no linear page
 *     tables, so the typed tables form no cycles and nothing needs Xen's
 *     forced invalidation); then the allocation reference of every frame
 *     on its list. Frames nothing else holds return to the heap here.
 *  5. Frames another domain still maps (a foreign mapping by the control
 *     domain, a grant mapping) stay, counted in tot_pages, and so does the
 *     domain, dying, with its id, as on Xen. When the last of them goes,
 *     domain_reap_dead() (called at the end of the MMU and grant
 *     hypercalls, which are where such references drop) frees the rest:
 *     the grant table, the event-channel storage, the struct domain, and
 *     its id.
 *
 * Mica's domain table is read without locks or reference counts (see
 * common/domain.c): the control domain's domctl lock serialises the
 * lifecycle, and a dying domain refuses new users (event channels,
 * grant maps, foreign MMU operations look it up and see is_dying). A
 * hypercall on another CPU may still hold what it looked up before, so
 * the vCPU structures (step 4) and the struct domain with its event
 * channels (step 5) are freed through call_rcu, a grace period after they
 * became unreachable (mica/rcu.h).
 */
#include <public/errno.h>
#include <public/xen.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/event.h>
#include <mica/flushtlb.h>
#include <mica/irq.h>
#include <mica/rcu.h>
#include <mica/mm.h>
#include <mica/pv_desc.h>
#include <mica/sched.h>
#include <mica/smp.h>
#include <mica/spinlock.h>
#include <mica/string.h>

/* Domains domain_kill has taken apart that are still in the table. */
static bool killed[MAX_DOMAINS];
static unsigned int nr_killed;
static spinlock_t reap_lock = SPINLOCK_INIT;

static unsigned order_for(size_t bytes)
{
    unsigned order = 0;
    while ((PAGE_SIZE << order) < bytes)
        order++;
    return order;
}

/* What Mica holds for a vCPU: its page tables, descriptor tables, vcpu_info page. */
static void release_vcpu_refs(struct vcpu *v)
{
    if (v->pv.guest_table != INVALID_MFN && v->pv.guest_table != 0)
        put_page_and_type(mfn_to_page(v->pv.guest_table));
    v->pv.guest_table = INVALID_MFN;
    if (v->pv.guest_table_user != INVALID_MFN && v->pv.guest_table_user != 0)
        put_page_and_type(mfn_to_page(v->pv.guest_table_user));
    v->pv.guest_table_user = INVALID_MFN;
    if (v->pv.desc_area) {
        /* The area's own tables go once every vCPU is done (pv_desc_areas_free). */
        (void)pv_set_gdt(v, NULL, 0);
        (void)pv_set_ldt(v, 0, 0);
    }
    if (v->vcpu_info_mfn != INVALID_MFN) {
        v->vcpu_info = &v->domain->shared_info->vcpu_info[v->vcpu_id < 32 ? v->vcpu_id : 0];
        put_page_and_type(mfn_to_page(v->vcpu_info_mfn));
        v->vcpu_info_mfn = INVALID_MFN;
    }
}

/*
 * Drop every pin on d's frames (its own, and those the toolstack made with
 * mmuext_op(foreigndom)). The page lock cannot be held while a pin goes:
 * the types coming down may drop the last reference of a frame the guest
 * had already given back, whose release takes the page lock. So the walk
 * holds a reference on the frame it stands on, which keeps it on the list.
 */
static void drop_pins(struct domain *d)
{
    struct page_info *cursor = NULL;

    for (;;) {
        struct page_info *next = NULL;
        spin_lock(&d->page_lock);
        uint32_t m = cursor ? cursor->next : d->page_list_head;
        for (; m != PAGE_LIST_NULL; m = frame_table[m].next) {
            struct page_info *pg = &frame_table[m];
            if (__atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE) & PGT_PINNED) {
                get_page_nocheck(pg);   /* the pin's own reference makes this safe */
                next = pg;
                break;
            }
        }
        spin_unlock(&d->page_lock);
        if (cursor)
            put_page(cursor);
        if (!next)
            return;
        if (__atomic_fetch_and(&next->type_info, ~PGT_PINNED, __ATOMIC_SEQ_CST) & PGT_PINNED) {
            put_page_type(next);
            put_page(next);
        }
        cursor = next;
    }
}

/*
 * Give up the allocation reference of every frame on d's list. A frame
 * nothing else holds leaves the list here, under the lock, and is freed
 * after it (the release hook would take the lock we hold); the others stay
 * listed and counted until their last user goes.
 */
static void drop_allocations(struct domain *d)
{
    uint32_t to_free = PAGE_LIST_NULL;

    spin_lock(&d->page_lock);
    uint32_t m = d->page_list_head;
    while (m != PAGE_LIST_NULL) {
        struct page_info *pg = &frame_table[m];
        uint32_t next = pg->next;
        uint64_t x = __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED), nx;
        bool last;
        do {
            if (!(x & PGC_ALLOCATED))
                break;
            last = (x & PGC_COUNT_MASK) == 1;
            nx = last ? 0 : (x & ~PGC_ALLOCATED) - 1;
        } while (!__atomic_compare_exchange_n(&pg->count_info, &x, nx, false, __ATOMIC_ACQ_REL,
                                              __ATOMIC_RELAXED));
        if ((x & PGC_ALLOCATED) && last) {
            /* Ours alone now: nobody can take a reference to a count of 0. */
            domain_page_list_del(d, pg);
            d->tot_pages--;
            pg->next = to_free;
            to_free = m;
        }
        m = next;
    }
    spin_unlock(&d->page_lock);

    while (to_free != PAGE_LIST_NULL) {
        struct page_info *pg = &frame_table[to_free];
        to_free = pg->next;
        pg->next = pg->prev = PAGE_LIST_NULL;
        pg->type_info = PGT_NONE;
        page_release_hook(pg);      /* off the M2P, back to the heap */
    }
}

/*
 * Mica's pages lent to the guest (shared_info): the allocation reference
 * goes; a mapping the control domain still holds keeps the frame until it
 * unmaps. The owner is cleared first so that a later domain with the same
 * id can never take a reference to it.
 */
static void release_lent_page(void *va)
{
    struct page_info *pg = mfn_to_page(virt_to_maddr(va) >> PAGE_SHIFT);
    __atomic_store_n(&pg->owner, OWNER_NONE, __ATOMIC_SEQ_CST);
    page_unassign(pg);
}

/* Everything but what others may still hold. d is paused and dying. */
static void relinquish(struct domain *d)
{
    for (unsigned i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            release_vcpu_refs(d->vcpu[i]);
    pv_desc_areas_free(d);
    drop_pins(d);
    drop_allocations(d);
}

static void free_vcpu_rcu(struct rcu_head *head)
{
    struct vcpu *v = container_of(head, struct vcpu, rcu);
    free_pages(v->fpu_area, 0);
    free_pages(v, order_for(sizeof(struct vcpu)));
}

static void free_domain_rcu(struct rcu_head *head)
{
    struct domain *d = container_of(head, struct domain, rcu);
    domid_t id = d->domain_id;
    free_pages(d->evtchn_chans, order_for(ECORE_2L_NR_CHANNELS * sizeof(struct evtchn_chan)));
    free_pages(d, order_for(sizeof(struct domain)));
    /* Its vCPUs were queued before it, so they are back too: the count is final. */
    printk("d%u: all resources released (free pages: %lu)\n", id, heap_free_page_count());
}

/* The last step: nothing refers to d any more. Caller holds reap_lock. */
static bool try_finish(struct domain *d)
{
    spin_lock(&d->page_lock);       /* waits out a release still delisting a frame */
    bool pages = d->tot_pages == 0 && d->page_list_head == PAGE_LIST_NULL;
    spin_unlock(&d->page_lock);
    if (!pages || gnttab_destroy(&d->grant) != 0)
        return false;

    domid_t id = d->domain_id;
    domain_unlink(d);
    killed[id] = false;
    nr_killed--;
    call_rcu(&d->rcu, free_domain_rcu);
    /* Gone from the table now: the toolstack looks again (Xen: complete_domain_destroy). */
    struct domain *dom0 = domain_lookup(0);
    if (dom0)
        send_global_virq(dom0, VIRQ_DOM_EXC);
    return true;
}

void domain_reap_dead(void)
{
    if (!__atomic_load_n(&nr_killed, __ATOMIC_ACQUIRE))
        return;
    if (!spin_trylock(&reap_lock))
        return;             /* someone else is reaping: they will find it */
    for (unsigned id = 1; id < MAX_DOMAINS && nr_killed; id++) {
        struct domain *d = killed[id] ? domain_lookup((domid_t)id) : NULL;
        if (d)
            try_finish(d);
    }
    spin_unlock(&reap_lock);
}

int domain_kill(struct domain *d)
{
    struct domain *curr = current ? current->domain : NULL;

    if (d == curr || d->domain_id == 0 || d->domain_id >= MAX_DOMAINS)
        return -XEN_EINVAL;
    spin_lock(&d->page_lock);
    bool again = d->is_dying;
    __atomic_store_n(&d->is_dying, true, __ATOMIC_SEQ_CST);
    spin_unlock(&d->page_lock);
    if (again) {
        /* Already taken apart: Xen answers 0 while the dead domain lingers. */
        domain_reap_dead();
        return 0;
    }

    /* 1. Nothing of it runs, now or later. */
    domain_pause(d);
    for (unsigned i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            sched_destroy_vcpu(d->vcpu[i]);

    /* 2. Event channels (peers' ends become unbound), then its pirqs. */
    evtchn_domain_destroy(&d->evtchn);
    irq_domain_destroy(d);

    /* 3. Grants: its mappings of others go; its own table takes no new ones. */
    gnttab_release_mappings(&d->grant);
    gnttab_set_dying(&d->grant);

    /* 4. Memory. */
    relinquish(d);
    for (unsigned i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        if (!v)
            continue;
        __atomic_store_n(&d->vcpu[i], NULL, __ATOMIC_SEQ_CST);
        call_rcu(&v->rcu, free_vcpu_rcu);
    }
    release_lent_page(d->shared_info);
    /* Stale translations of what was freed are the TLB clock's business (flushtlb.c). */

    spin_lock(&reap_lock);
    killed[d->domain_id] = true;
    nr_killed++;
    domid_t id = d->domain_id;
    uint64_t left = d->tot_pages;
    bool gone = try_finish(d);
    spin_unlock(&reap_lock);
    if (!gone)
        printk("d%u: dying, %lu frames still mapped by others\n", id, left);

    /* The control domain's toolstack learns of it (xenstored: @releaseDomain). */
    struct domain *dom0 = domain_lookup(0);
    if (dom0)
        send_global_virq(dom0, VIRQ_DOM_EXC);
    return 0;
}
