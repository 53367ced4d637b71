/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PV MMU hypercalls: mmu_update, mmuext_op, update_va_mapping and
 * update_va_mapping_otherdomain.
 *
 * Every request names machine frames, so every frame is checked: it must
 * be RAM, owned by the domain the request acts on, and of the right type.
 * A failing request stops the batch; *done (when given) says how many went
 * through, as Xen reports it.
 */
#include <asm/regs.h>
#include <asm/x86.h>
#include <public/errno.h>
#include <public/xen.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/flushtlb.h>
#include <mica/guest_access.h>
#include <mica/mm.h>
#include <mica/pv.h>
#include <mica/pv_desc.h>
#include <mica/pv_mm.h>
#include <mica/string.h>


/*
 * Flags whose change needs no new references (Xen's fast-path whitelist):
 * NX, the software-available bits, GLOBAL, DIRTY, ACCESSED and USER.
 */
#define FASTPATH_FLAGS (_PAGE_NX | (0x7ffULL << 52) | (7ULL << 9) | _PAGE_GLOBAL | \
                        _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_USER)

int pv_update_entry(struct domain *d, struct domain *pg_owner, uint64_t *slot, uint64_t type,
                    unsigned idx, uint64_t val, bool preserve_ad)
{
    uint64_t old = *slot;

    if (type == PGT_L4 && idx >= HV_L4_FIRST_SLOT && idx <= HV_L4_LAST_SLOT)
        return -XEN_EINVAL;     /* Mica's slots are not the guest's to change */
    if (preserve_ad)
        val |= old & (_PAGE_ACCESSED | _PAGE_DIRTY);
    val = type == PGT_L1 ? pv_adjust_entry(val) : pv_adjust_upper_entry(val);

    if ((old & val & _PAGE_PRESENT) && !((old ^ val) & ~FASTPATH_FLAGS)) {
        /*
         * Same frame, same access: the references the old entry holds are
         * the new one's. This is how a foreign mapping's accessed/dirty
         * bits can be changed (or the entry rewritten) by a domain that
         * could not map the frame itself.
         */
        int rc = pv_check_entry(val, type);
        if (rc)
            return rc;
        if (!preserve_ad) {
            __atomic_store_n(slot, val, __ATOMIC_RELEASE);
        } else {
            /* A CPU may set A/D meanwhile (only those can change): keep them, as Xen. */
            uint64_t cur = old;
            while (!__atomic_compare_exchange_n(slot, &cur, val | (cur & (_PAGE_ACCESSED | _PAGE_DIRTY)),
                                                false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
                ;
        }
    } else {
        /* New references first, old ones after: correct even for the same frame. */
        int rc = pv_get_entry_refs(val, type, d, pg_owner);
        if (rc)
            return rc;
        __atomic_store_n(slot, val, __ATOMIC_RELEASE);
        pv_put_entry_refs(old, type);
    }
    return 0;
}

/*
 * Xen's get_pg_owner: the domain named in the low 16 bits of foreigndom.
 * DOMID_SELF is the caller; naming oneself by id is refused ("a foreign
 * domain is never oneself"), as is a domain that does not exist (both
 * -ESRCH for the caller). DOMID_IO is the I/O pseudo-domain. DOMID_XEN,
 * whose frames Xen shares with privileged guests, has no counterpart in
 * Mica (its own pages are never mapped by guests): also NULL.
 */
static struct domain *get_pg_owner(domid_t id)
{
    struct domain *curr = current->domain;
    if (id == DOMID_SELF)
        return curr;
    if (id == curr->domain_id)
        return NULL;
    if (id == DOMID_IO)
        return &pv_dom_io;
    /*
     * A dying domain is found too, as Xen's rcu_lock_domain_by_any_id:
     * its frames that others still hold may be mapped again (the
     * references keep it from being freed meanwhile); the rest are gone.
     */
    return domain_lookup(id);
}

/*
 * Xen's default XSM rule for foreign memory (XSM_TARGET): a domain acts on
 * its own memory, the control domain on anyone's. DOMID_IO is not checked
 * here: the I/O frames themselves are (pv_get_entry_refs).
 */
static bool may_use(const struct domain *curr, const struct domain *target)
{
    return target == curr || target == &pv_dom_io || curr->is_privileged;
}

/*
 * One MMU_NORMAL_PT_UPDATE: the table frame must be pt_owner's; an L1
 * entry maps a frame of pg_owner, and upper-level entries only when the
 * two are the same domain (-EINVAL otherwise, as Xen).
 */
static int mmu_normal_update(struct domain *pt_owner, struct domain *pg_owner, uint64_t ptr,
                             uint64_t val, bool preserve_ad)
{
    mfn_t mfn = ptr >> PAGE_SHIFT;
    unsigned idx = (ptr & (PAGE_SIZE - 1)) >> 3;

    if (!mfn_valid(mfn))
        return -XEN_EINVAL;
    struct page_info *pg = mfn_to_page(mfn);
    if (!get_page(pg, pt_owner->domain_id))
        return -XEN_EINVAL;

    uint64_t *slot = (uint64_t *)((char *)mfn_to_virt(mfn) + (ptr & (PAGE_SIZE - 1) & ~7ULL));
    uint64_t type = page_type(pg);
    int rc;
    if (pgt_is_pagetable(type) && page_type_count(pg) > 0) {
        /* Hold the type while we change the table, so it cannot go away. */
        if (get_page_type(pg, type)) {
            put_page(pg);
            return -XEN_EINVAL;
        }
        if (type != PGT_L1 && pg_owner != pt_owner)
            rc = -XEN_EINVAL;
        else
            rc = pv_update_entry(pt_owner, pg_owner, slot, type, idx, val, preserve_ad);
        put_page_type(pg);
    } else if (get_page_type(pg, PGT_WRITABLE) == 0) {
        /* Not a page table: an ordinary write to a writable frame. */
        *slot = val;
        put_page_type(pg);
        rc = 0;
    } else {
        rc = -XEN_EINVAL;
    }
    put_page(pg);
    return rc;
}

/*
 * foreigndom, as Xen 4.17 reads it: the low 16 bits name the owner of the
 * frames new L1 entries map (pg_owner: DOMID_SELF, another domain for the
 * control domain, DOMID_IO); bits 16-31, when not zero, are the owner of
 * the page tables being changed plus one (pt_owner; else the caller).
 * Linux's privcmd maps a guest's frames into the control domain's own
 * tables with pg_owner = the guest, pt_owner = itself. Errors in Xen's
 * order: an unknown pt_owner -ESRCH, one with no vCPU -EINVAL, a bad
 * pg_owner -ESRCH (before any request); then, per request, a domain the
 * caller may not act on -EPERM (so count 0 succeeds), and for
 * MMU_MACHPHYS_UPDATE a foreign pt_owner -EPERM.
 */
long do_mmu_update(guest_ptr_t reqs, unsigned int count, guest_ptr_t done, unsigned int foreigndom)
{
    struct domain *curr = current->domain, *pt_owner = curr, *pg_owner;
    unsigned int i;
    long rc = 0;

    unsigned int pt_dom = foreigndom >> 16;
    if (pt_dom) {
        pt_owner = domain_lookup((domid_t)(pt_dom - 1));
        /* Mica: a dying domain's tables are being taken apart (Xen would still find it). */
        if (!pt_owner || pt_owner->is_dying)
            return -XEN_ESRCH;
        /* Xen's domain has no vCPUs until XEN_DOMCTL_max_vcpus. */
        if (pt_owner != curr && (!pt_owner->vcpus_visible || !pt_owner->vcpu[0]))
            return -XEN_EINVAL;
    }
    if (!(pg_owner = get_pg_owner((domid_t)foreigndom)))
        return -XEN_ESRCH;

    for (i = 0; i < count; i++) {
        struct mmu_update req;
        if (copy_from_guest(&req, reqs + (uint64_t)i * sizeof(req), sizeof(req))) {
            rc = -XEN_EFAULT;
            break;
        }
        /* The command is in the low 3 bits (entries are 8-byte aligned). */
        unsigned cmd = req.ptr & 7;
        switch (cmd) {
        case MMU_NORMAL_PT_UPDATE:
        case MMU_PT_UPDATE_NO_TRANSLATE:    /* PV guests do not translate: the same */
        case MMU_PT_UPDATE_PRESERVE_AD:
            if (!may_use(curr, pg_owner) || !may_use(curr, pt_owner)) {
                rc = -XEN_EPERM;
                break;
            }
            rc = mmu_normal_update(pt_owner, pg_owner, req.ptr & ~7ULL, req.val,
                                   cmd == MMU_PT_UPDATE_PRESERVE_AD);
            break;
        case MMU_MACHPHYS_UPDATE: {
            mfn_t mfn = req.ptr >> PAGE_SHIFT;
            if (pt_owner != curr || !may_use(curr, pg_owner))
                rc = -XEN_EPERM;
            else if (!mfn_valid(mfn) || mfn_to_page(mfn)->owner != pg_owner->domain_id)
                rc = -XEN_EINVAL;
            else
                set_m2p(mfn, req.val);
            break;
        }
        default:
            rc = -XEN_ENOSYS;
            break;
        }
        if (rc)
            break;
    }
    /*
     * No flush, as on Xen: the guest flushes after removing or weakening
     * its own mappings (see pv_update_entry for why nothing else needs it).
     */
    /* As Xen: a *done that cannot be written is ignored, not an error. */
    if (done)
        (void)copy_to_guest(done, &i, sizeof(i));
    domain_reap_dead();
    return rc;
}

/* Walk the current guest page tables to the L1 entry mapping va (also
 * used by the grant-table PTE ops, arch/x86/pv/grant_table.c). */
uint64_t *guest_l1e_slot(struct vcpu *v, uint64_t va, struct page_info **l1pg)
{
    mfn_t table = v->pv.kernel_mode ? v->pv.guest_table : v->pv.guest_table_user;
    for (unsigned shift = 39; shift > 12; shift -= 9) {
        uint64_t e = ((uint64_t *)mfn_to_virt(table))[(va >> shift) & 511];
        if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
            return NULL;
        table = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
        if (!mfn_valid(table))
            return NULL;
    }
    *l1pg = mfn_to_page(table);
    return (uint64_t *)mfn_to_virt(table) + ((va >> 12) & 511);
}

/*
 * Replace the L1 entry mapping va in the caller's current page tables; the
 * new entry's frame must belong to pg_owner (the caller itself, or the
 * domain named to update_va_mapping_otherdomain).
 */
static long update_va_mapping(struct domain *pg_owner, unsigned long va, uint64_t val,
                              unsigned long flags)
{
    struct vcpu *v = current;
    struct page_info *l1pg;

    if (!pv_is_canonical(va) || (va >= HV_VIRT_START && va < HV_VIRT_END))
        return -XEN_EINVAL;
    uint64_t *slot = guest_l1e_slot(v, va, &l1pg);
    if (!slot || page_type(l1pg) != PGT_L1 || !get_page(l1pg, v->domain->domain_id))
        return -XEN_EINVAL;
    if (get_page_type(l1pg, PGT_L1)) {
        put_page(l1pg);
        return -XEN_EINVAL;
    }
    int rc = pv_update_entry(v->domain, pg_owner, slot, PGT_L1, (unsigned)((va >> 12) & 511), val,
                             false);
    put_page_type(l1pg);
    put_page(l1pg);
    if (rc)
        return rc;

    /*
     * Scope: UVMF_LOCAL is this vCPU; UVMF_ALL, or a vCPU bitmap (UVMF_MULTI),
     * is flushed as all vCPUs of the domain (a superset is always correct).
     */
    bool wide = flags & ~UVMF_FLUSHTYPE_MASK;
    switch (flags & UVMF_FLUSHTYPE_MASK) {
    case UVMF_TLB_FLUSH:
        if (wide)
            flush_tlb_domain(v->domain);
        else
            write_cr3(read_cr3());
        break;
    case UVMF_INVLPG:
    default:
        /* UVMF_NONE flushes nothing, as on Xen (the guest's business). */
        if (wide)
            flush_va_domain(v->domain, va);
        else if ((flags & UVMF_FLUSHTYPE_MASK) == UVMF_INVLPG)
            invlpg((void *)va);
        break;
    }
    return 0;
}

long do_update_va_mapping(unsigned long va, uint64_t val, unsigned long flags)
{
    long rc = update_va_mapping(current->domain, va, val, flags);
    domain_reap_dead();     /* the entry removed may have held a dead domain's last frame */
    return rc;
}

/*
 * The same, mapping a frame of domain 'domid' (the toolstack's way into a
 * guest's memory). As Xen 4.17: DOMID_SELF is the caller, but naming the
 * caller by its own id is -ESRCH (a "foreign" domain may not be oneself),
 * as is an unknown domain; then only the privileged domain may install a
 * present entry for another domain's frame (Xen's default XSM policy lets
 * anyone clear one). Xen's pseudo-domains DOMID_IO and DOMID_XEN have no
 * counterpart in Mica: -ESRCH.
 */
long do_update_va_mapping_otherdomain(unsigned long va, uint64_t val, unsigned long flags,
                                      unsigned int domid)
{
    struct domain *curr = current->domain;
    struct domain *pg_owner = curr;

    if ((domid_t)domid != DOMID_SELF) {
        if ((domid_t)domid == curr->domain_id || !(pg_owner = domain_lookup((domid_t)domid)))
            return -XEN_ESRCH;
        if (!curr->is_privileged && (val & _PAGE_PRESENT))
            return -XEN_EPERM;
    }
    long rc = update_va_mapping(pg_owner, va, val, flags);
    domain_reap_dead();
    return rc;
}

/*
 * Pin a table of d (the caller, or the domain named by a privileged
 * caller: a domain builder pins its guest's L4 this way). Validation
 * resolves the entries against the table's owner, whoever pins it.
 */
static int pin_table(struct domain *d, mfn_t mfn, uint64_t type)
{
    if (!mfn_valid(mfn))
        return -XEN_EINVAL;
    struct page_info *pg = mfn_to_page(mfn);
    if (!get_page(pg, d->domain_id))
        return -XEN_EINVAL;
    /* Contents that do not validate: the first bad entry's errno (Xen's). */
    int rc = get_page_type(pg, type);
    if (rc) {
        put_page(pg);
        return rc == -1 ? -XEN_EINVAL : rc;
    }
    if (__atomic_fetch_or(&pg->type_info, PGT_PINNED, __ATOMIC_SEQ_CST) & PGT_PINNED) {
        /* Already pinned: give back what we took (Xen: -EINVAL). */
        put_page_type(pg);
        put_page(pg);
        return -XEN_EINVAL;
    }
    /*
     * A foreign domain may have started dying meanwhile: its teardown
     * drops every pin it finds, and may have looked at this frame before
     * the pin was there. Whoever clears the bit drops the references.
     */
    if (d != current->domain && __atomic_load_n(&d->is_dying, __ATOMIC_SEQ_CST) &&
        (__atomic_fetch_and(&pg->type_info, ~PGT_PINNED, __ATOMIC_SEQ_CST) & PGT_PINNED)) {
        put_page_type(pg);
        put_page(pg);
    }
    return 0;
}

static int unpin_table(struct domain *d, mfn_t mfn)
{
    if (!mfn_valid(mfn))
        return -XEN_EINVAL;
    struct page_info *pg = mfn_to_page(mfn);
    if (pg->owner != d->domain_id)
        return -XEN_EINVAL;
    if (!(__atomic_fetch_and(&pg->type_info, ~PGT_PINNED, __ATOMIC_SEQ_CST) & PGT_PINNED))
        return -XEN_EINVAL;
    put_page_type(pg);
    put_page(pg);
    return 0;
}

/* Switch the kernel (or user) base pointer to the L4 at mfn. */
int new_baseptr(struct vcpu *v, mfn_t mfn, bool user)
{
    struct domain *d = v->domain;
    mfn_t *slot = user ? &v->pv.guest_table_user : &v->pv.guest_table;

    if (user && mfn == 0) {
        /* Dropping the user page tables. */
        mfn = INVALID_MFN;
    } else {
        if (!mfn_valid(mfn) || !get_page_and_type(mfn_to_page(mfn), d->domain_id, PGT_L4))
            return -XEN_EINVAL;
    }
    mfn_t old = *slot;
    *slot = mfn;
    if (v == current && v->pv.kernel_mode != user)
        write_cr3((v->pv.kernel_mode ? v->pv.guest_table : v->pv.guest_table_user) << PAGE_SHIFT);
    /*
     * A vCPU that never had page tables may say 0 (a zeroed struct vcpu):
     * frame 0 is never a guest's, and dropping "its" reference would hand
     * the real-mode frame to the heap.
     */
    if (old != INVALID_MFN && old != 0) {
        put_page_type(mfn_to_page(old));
        put_page(mfn_to_page(old));
    }
    return 0;
}

static int writable_frame(struct domain *d, mfn_t mfn, struct page_info **out)
{
    if (!mfn_valid(mfn) || !get_page_and_type(mfn_to_page(mfn), d->domain_id, PGT_WRITABLE))
        return -XEN_EINVAL;
    *out = mfn_to_page(mfn);
    return 0;
}

/* Xen's cache_flush_permitted: a domain with I/O memory or ports of its own. */
static bool cache_flush_permitted(const struct domain *d)
{
    return d->is_privileged || d->iomem.nr || d->ioports.nr;
}

/*
 * One mmuext op. d is the frame owner the caller named (pg_owner): the
 * frame operations (pin, unpin, clear, copy) act on its frames; every
 * other op concerns the caller's own vCPU and is -EPERM for another d.
 */
static int do_one_mmuext(struct vcpu *v, struct domain *d, const struct mmuext_op *op)
{
    struct page_info *pg, *src;
    bool foreign = d != v->domain;
    switch (op->cmd) {
    case MMUEXT_PIN_L1_TABLE: return pin_table(d, op->arg1.mfn, PGT_L1);
    case MMUEXT_PIN_L2_TABLE: return pin_table(d, op->arg1.mfn, PGT_L2);
    case MMUEXT_PIN_L3_TABLE: return pin_table(d, op->arg1.mfn, PGT_L3);
    case MMUEXT_PIN_L4_TABLE: return pin_table(d, op->arg1.mfn, PGT_L4);
    case MMUEXT_UNPIN_TABLE:  return unpin_table(d, op->arg1.mfn);
    case MMUEXT_CLEAR_PAGE:
        if (writable_frame(d, op->arg1.mfn, &pg))
            return -XEN_EINVAL;
        memset(mfn_to_virt(op->arg1.mfn), 0, PAGE_SIZE);
        put_page_and_type(pg);
        return 0;
    case MMUEXT_COPY_PAGE:
        if (!mfn_valid(op->arg2.src_mfn) || !get_page(src = mfn_to_page(op->arg2.src_mfn), d->domain_id))
            return -XEN_EINVAL;
        if (writable_frame(d, op->arg1.mfn, &pg)) {
            put_page(src);
            return -XEN_EINVAL;
        }
        memcpy(mfn_to_virt(op->arg1.mfn), mfn_to_virt(op->arg2.src_mfn), PAGE_SIZE);
        put_page_and_type(pg);
        put_page(src);
        return 0;
    case MMUEXT_MARK_SUPER:
    case MMUEXT_UNMARK_SUPER:
        return -XEN_EOPNOTSUPP;     /* superpages are not offered, as in Xen 4.17 */
    default:
        break;
    }

    /* The rest act on the caller itself. */
    switch (op->cmd) {
    case MMUEXT_NEW_BASEPTR:
    case MMUEXT_NEW_USER_BASEPTR:
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_TLB_FLUSH_ALL:
    case MMUEXT_INVLPG_LOCAL:
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_INVLPG_ALL:
    case MMUEXT_FLUSH_CACHE:
    case MMUEXT_FLUSH_CACHE_GLOBAL:
    case MMUEXT_SET_LDT:
        if (foreign)
            return -XEN_EPERM;
        break;
    default:
        return -XEN_ENOSYS;
    }
    switch (op->cmd) {
    case MMUEXT_NEW_BASEPTR:
        return new_baseptr(v, op->arg1.mfn, false);
    case MMUEXT_NEW_USER_BASEPTR:
        return new_baseptr(v, op->arg1.mfn, true);
    case MMUEXT_TLB_FLUSH_LOCAL:
        write_cr3(read_cr3());
        return 0;
    case MMUEXT_TLB_FLUSH_MULTI:        /* the vCPU set is treated as all: a superset */
    case MMUEXT_TLB_FLUSH_ALL:
        flush_tlb_domain(v->domain);
        return 0;
    case MMUEXT_INVLPG_LOCAL:
        if (pv_is_canonical(op->arg1.linear_addr))
            invlpg((void *)op->arg1.linear_addr);
        return 0;
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_INVLPG_ALL:
        if (pv_is_canonical(op->arg1.linear_addr))
            flush_va_domain(v->domain, op->arg1.linear_addr);
        return 0;
    case MMUEXT_FLUSH_CACHE:
        if (!cache_flush_permitted(d))
            return -XEN_EACCES;
        __asm__ volatile("wbinvd" ::: "memory");
        return 0;
    case MMUEXT_FLUSH_CACHE_GLOBAL:
        if (!cache_flush_permitted(d))
            return -XEN_EINVAL;
        __asm__ volatile("wbinvd" ::: "memory");
        return 0;
    default:    /* MMUEXT_SET_LDT (arch/x86/pv/desc_tables.c) */
        return pv_set_ldt(v, op->arg1.linear_addr, op->arg2.nr_ents);
    }
}

/*
 * foreigndom names the frame owner (pg_owner, Xen's get_pg_owner on its
 * low 16 bits): -ESRCH for an unknown domain or the caller's own id, then
 * -EPERM unless the caller is that domain or the control domain (Xen's
 * XSM_TARGET check, made before any op, also for DOMID_IO).
 */
long do_mmuext_op(guest_ptr_t ops, unsigned int count, guest_ptr_t done, unsigned int foreigndom)
{
    struct vcpu *v = current;
    struct domain *d = get_pg_owner((domid_t)foreigndom);
    unsigned int i;
    long rc = 0;

    if (!d)
        return -XEN_ESRCH;
    if (d != v->domain && !v->domain->is_privileged)
        return -XEN_EPERM;
    for (i = 0; i < count; i++) {
        struct mmuext_op op;
        if (copy_from_guest(&op, ops + (uint64_t)i * sizeof(op), sizeof(op))) {
            rc = -XEN_EFAULT;
            break;
        }
        rc = do_one_mmuext(v, d, &op);
        if (rc)
            break;
    }
    /* As Xen: a *done that cannot be written is ignored, not an error. */
    if (done)
        (void)copy_to_guest(done, &i, sizeof(i));
    domain_reap_dead();
    return rc;
}
