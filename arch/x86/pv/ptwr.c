/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writable page tables (VMASST_TYPE_writable_pagetables).
 *
 * Page tables are mapped read-only in a PV guest. With this assist on, a
 * guest kernel that writes straight into one of its own L1 tables (Linux
 * does, for set_pte and friends) takes a write fault; Mica decodes the
 * instruction (ptwr_decode.c), validates the new entry exactly as
 * mmu_update would (pv_update_entry: same rules, same references), stores
 * it and steps past the instruction. The rules follow Xen 4.17:
 *   - only the guest kernel, only write faults on present read-only
 *     mappings (not reserved-bit or instruction-fetch faults);
 *   - the faulting page must be an L1 table owned by the domain, found
 *     through the kernel's current page tables; L2-L4 writes are not
 *     emulated (the guest gets its #PF);
 *   - the store must be naturally aligned and inside the faulting page;
 *     1/2/4-byte stores are merged into the 8-byte entry and the result
 *     validated as a whole;
 *   - an entry that fails validation, an instruction that is not an
 *     accepted write, or a misaligned store: the guest gets the #PF it took;
 *   - an unreadable instruction or operand: a #PF for that read instead;
 *   - a locked update that loses a race is retried by re-running the
 *     instruction; a CMPXCHG that loses reports the value it saw.
 * A read-modify-write that leaves the value unchanged stores nothing, so
 * it succeeds without touching the entry (as in Xen's emulator).
 *
 * As on Xen (and on hardware), an emulated store that removes or weakens
 * a mapping does not flush the TLB: the guest flushes when it is done
 * (Linux's munmap clears thousands of entries this way, then flushes
 * once). The TLB-flush clock (arch/x86/flushtlb.c) makes the stale
 * translations harmless: a frame is not reused, and does not change type,
 * while a CPU may still hold one.
 */
#include <asm/regs.h>
#include <asm/x86.h>
#include <mica/domain.h>
#include <mica/flushtlb.h>
#include <mica/guest_access.h>
#include <mica/mm.h>
#include <mica/pv.h>
#include <mica/pv_mm.h>
#include <mica/ptwr_decode.h>

#define PFEC_PRESENT    (1u << 0)
#define PFEC_WRITE      (1u << 1)
#define PFEC_USER       (1u << 2)
#define PFEC_RSVD       (1u << 3)
#define PFEC_INSN_FETCH (1u << 4)

#define X86_EFLAGS_TF   (1UL << 8)

/* The kernel page tables' L1 entry for va (0 if the walk stops). */
static uint64_t kernel_l1e(struct vcpu *v, uint64_t va)
{
    mfn_t table = v->pv.guest_table;
    for (unsigned shift = 39; shift > 12; shift -= 9) {
        if (!mfn_valid(table))
            return 0;
        uint64_t e = ((uint64_t *)mfn_to_virt(table))[(va >> shift) & 511];
        if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
            return 0;
        table = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    }
    if (!mfn_valid(table))
        return 0;
    return ((uint64_t *)mfn_to_virt(table))[(va >> 12) & 511];
}

/*
 * Read n bytes of guest memory; returns how many could be read, so a
 * fault can be reported at the first unreadable byte, as hardware would.
 */
static size_t guest_read(void *dst, uint64_t src, size_t n)
{
    if (!guest_range_ok(src, n))
        return 0;
    size_t left = raw_copy_fault_safe(dst, (const void *)src, n);
    if (!left)
        return n;
    /* A partial copy: find the exact boundary byte by byte. */
    size_t ok = 0;
    while (ok < n && !raw_copy_fault_safe((uint8_t *)dst + ok, (const void *)(src + ok), 1))
        ok++;
    return ok;
}

enum outcome { PTWR_DONE, PTWR_RETRY, PTWR_REFUSE };

/*
 * Store 'val' (size bytes at byte offset 'off' of the entry *slot), with
 * validation and references as for mmu_update. When 'atomic', the store
 * happens only if the entry's bytes still equal 'expect'.
 */
static enum outcome store_entry(struct domain *d, uint64_t *slot, unsigned idx, unsigned off,
                                unsigned size, uint64_t val, bool atomic, uint64_t expect)
{
    uint64_t full = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    uint64_t mask = size == 8 ? ~0ULL : ((1ULL << (8 * size)) - 1) << (8 * off);
    uint64_t nval = (full & ~mask) | ((val << (8 * off)) & mask);

    if (atomic && ((full & mask) >> (8 * off)) != expect)
        return PTWR_RETRY;
    return pv_update_entry(d, d, slot, PGT_L1, idx, nval, false) ? PTWR_REFUSE : PTWR_DONE;
}

static enum outcome emulate(struct vcpu *v, struct cpu_user_regs *regs, uint64_t cr2,
                            mfn_t l1mfn)
{
    uint8_t bytes[PTWR_MAX_INSN];
    struct ptwr_insn insn;
    size_t need = 0;

    size_t avail = guest_read(bytes, regs->rip, sizeof(bytes));
    int rc = ptwr_decode(bytes, avail, &insn, &need);
    if (rc == PTWR_DEC_TRUNCATED) {
        /* The instruction could not be read whole: a fetch fault, as hardware. */
        pv_inject_page_fault(v, regs->rip + need, PFEC_INSN_FETCH);
        return PTWR_DONE;
    }
    if (rc != PTWR_DEC_OK)
        return PTWR_REFUSE;

    struct ptwr_state st;
    for (unsigned i = 0; i < 16; i++)
        st.gpr[i] = *regs_gpr(regs, i);
    st.rflags = regs->rflags;
    uint64_t ea = ptwr_effective_address(&insn, &st, regs->rip + insn.len);

    /* Read-modify-write forms see the operand's current value first. */
    uint64_t old = 0;
    if (insn.op != PTWR_MOV) {
        size_t got = guest_read(&old, ea, insn.size);
        if (got != insn.size) {
            pv_inject_page_fault(v, ea + got, 0);
            return PTWR_DONE;
        }
    }

    struct ptwr_state out = st;
    struct ptwr_result res = { 0 };
    ptwr_execute(&insn, &out, old, &res);

    if (res.write) {
        /* Only a naturally aligned store inside the faulting L1 page. */
        if (((ea ^ cr2) & PAGE_MASK) || (ea & (insn.size - 1)))
            return PTWR_REFUSE;
        uint64_t *slot = (uint64_t *)mfn_to_virt(l1mfn) + ((ea & ~PAGE_MASK) >> 3);
        enum outcome o = store_entry(v->domain, slot, (unsigned)((ea & ~PAGE_MASK) >> 3),
                                     (unsigned)(ea & 7), insn.size, res.mem_new, res.atomic,
                                     old);
        if (o == PTWR_REFUSE)
            return PTWR_REFUSE;
        if (o == PTWR_RETRY) {
            if (insn.op != PTWR_CMPXCHG && insn.op != PTWR_CMPXCHG8B)
                return PTWR_RETRY;
            /* A compare-exchange that lost: it reports what it found. */
            uint64_t full = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
            uint64_t now = insn.size == 8 ? full : (full >> (8 * (ea & 7))) &
                                                   ((1ULL << (8 * insn.size)) - 1);
            out = st;
            ptwr_execute(&insn, &out, now, &res);
        }
    }

    for (unsigned i = 0; i < 16; i++)
        *regs_gpr(regs, i) = out.gpr[i];
    regs->rflags = (regs->rflags & ~PTWR_FLAGS_MASK) | (out.rflags & PTWR_FLAGS_MASK);
    regs->rip += insn.len;
    /* Single-stepping the guest: the emulated instruction retires like a real one. */
    if (regs->rflags & X86_EFLAGS_TF)
        pv_inject_exception(v, 1, -1);
    return PTWR_DONE;
}

bool pv_ptwr_fault(struct vcpu *v, struct cpu_user_regs *regs, uint64_t addr)
{
    struct domain *d = v->domain;
    uint32_t ec = regs->error_code;

    /* The privileged dom0 is Xen's hardware domain: emulated whether or not it asked. */
    if (!v->pv.kernel_mode ||
        !(vm_assist(d, VMASST_TYPE_writable_pagetables) || d->is_privileged))
        return false;
    if ((ec & (PFEC_RSVD | PFEC_INSN_FETCH)) || (ec & (PFEC_PRESENT | PFEC_WRITE)) !=
                                                (PFEC_PRESENT | PFEC_WRITE))
        return false;
    if (!guest_range_ok(addr, 1))
        return false;

    /* The faulting page must be mapped present and read-only... */
    uint64_t pte = kernel_l1e(v, addr);
    if ((pte & (_PAGE_PRESENT | _PAGE_RW)) != _PAGE_PRESENT)
        return false;
    mfn_t mfn = (pte & PTE_ADDR_MASK) >> PAGE_SHIFT;
    if (!mfn_valid(mfn))
        return false;
    /* ...and be one of the domain's live L1 tables, held as such while we work. */
    struct page_info *pg = mfn_to_page(mfn);
    if (!get_page(pg, d->domain_id))
        return false;
    enum outcome o = PTWR_REFUSE;
    if (page_type(pg) == PGT_L1 && page_type_count(pg) > 0 && !get_page_type(pg, PGT_L1)) {
        o = emulate(v, regs, addr, mfn);
        put_page_type(pg);
    }
    put_page(pg);
    /* A retry returns to the same instruction, which faults again if it must. */
    return o != PTWR_REFUSE;
}
