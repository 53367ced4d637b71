/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PV descriptor tables: set_gdt, update_descriptor and MMUEXT_SET_LDT.
 *
 * The CPU reads a PV guest's GDT and LDT itself, so their frames are
 * guest memory the guest can no longer write: a frame in use takes type
 * PGT_SEG_DESC, which validates every descriptor (arch/x86/pv/descriptor.c)
 * and excludes writable mappings; the guest changes entries only through
 * update_descriptor, which checks them the same way.
 *
 * Each vCPU has a 32-page area at GDT_LDT_VIRT_START (include/mica/layout.h),
 * mapped supervisor-only, so the guest never reaches it (it runs in ring 3):
 *   pages 0-13   the guest's GDT frames, or a shared zero page where the
 *                guest has none (selectors there fault as for a null entry);
 *   page 14      the running CPU's page of Mica's own entries, so the CPU's
 *                GDT is "guest entries 0..7167, then Mica's from 7168" as on
 *                Xen, and Mica's selectors work whatever the guest loaded;
 *   pages 16-31  the LDT, described by the LDT descriptor in the CPU's
 *                reserved page and loaded with LLDT.
 * The frames are mapped writable for Mica because the CPU sets descriptors'
 * accessed bits (and a TSS busy bit) in place; the guest's view is unchanged.
 *
 * LDT pages are mapped eagerly at SET_LDT, then lazily: a page that cannot
 * be mapped then (not present in the guest's kernel page tables, or still
 * writable) is tried again when the CPU first faults on it, and if it still
 * fails the guest gets the #PF at its own LDT address, as on Xen. Mapping
 * eagerly means Mica itself (IRET to an LDT code segment, loading a user GS
 * selector) finds the LDT present for any sane guest; Xen relies on fixups
 * in those paths instead. A mapped LDT page stays mapped (and referenced)
 * until the next SET_LDT, even if the guest changes the linear mapping
 * meanwhile; Xen drops it then and re-faults it in. Linux never does that.
 *
 * The area's page-table pages come from the heap the first time a vCPU
 * installs a GDT or LDT and go back when its domain is destroyed
 * (pv_desc_areas_free: a domain's 32 areas span two L1 tables). They hang
 * below Mica's L4 slot for the per-domain range, which every guest L4
 * shares, so no guest page table needs touching; the L2 table above them
 * is shared by all domains and stays.
 */
#include <asm/desc.h>
#include <asm/regs.h>
#include <asm/x86.h>
#include <public/errno.h>
#include <public/xen.h>
#include <mica/console.h>
#include <mica/descriptor.h>
#include <mica/domain.h>
#include <mica/flushtlb.h>
#include <mica/guest_access.h>
#include <mica/mm.h>
#include <mica/panic.h>
#include <mica/pv.h>
#include <mica/pv_desc.h>
#include <mica/smp.h>
#include <mica/spinlock.h>
#include <mica/string.h>

#define GUEST_GDT_PAGES    (HV_FIRST_RESERVED_GDT_ENTRY / DESCS_PER_PAGE)    /* 14 */
#define RESERVED_GDT_PAGE  GUEST_GDT_PAGES
#define LDT_PAGES          (GDT_LDT_VCPU_PAGES - GDT_LDT_LDT_PAGE)          /* 16 */
#define MAX_LDT_ENTS       8192
#define PFEC_USER          (1u << 2)
#define PFEC_RSVD          (1u << 3)
/* Mica-only mappings: present, writable, not user; A/D preset so the CPU never writes them. */
#define AREA_PTE_FLAGS     (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

_Static_assert(HV_FIRST_RESERVED_GDT_ENTRY % DESCS_PER_PAGE == 0, "reserved GDT entries start a page");
_Static_assert(ARRAY_SIZE(((struct pv_vcpu *)0)->gdt_frames) == GUEST_GDT_PAGES, "gdt_frames size");
_Static_assert(ARRAY_SIZE(((struct pv_vcpu *)0)->ldt_frames) == LDT_PAGES, "ldt_frames size");
_Static_assert(MAX_LDT_ENTS * 8 == LDT_PAGES * PAGE_SIZE, "LDT area holds the largest LDT");
/* All areas fit the first GiB of the per-domain range (one L2 table). */
_Static_assert((uint64_t)MAX_DOMAINS * MAX_VCPUS_PER_DOMAIN * GDT_LDT_VCPU_PAGES * PAGE_SIZE <= (1ULL << 30),
               "GDT/LDT areas exceed one GiB");

static spinlock_t area_lock = SPINLOCK_INIT;     /* allocation of the area's tables */
static mfn_t zero_mfn = INVALID_MFN;             /* the page behind unused GDT pages */

static uint64_t area_va(const struct vcpu *v)
{
    uint64_t idx = (uint64_t)v->domain->domain_id * MAX_VCPUS_PER_DOMAIN + v->vcpu_id;
    return GDT_LDT_VIRT_START + idx * GDT_LDT_VCPU_PAGES * PAGE_SIZE;
}

static uint64_t ldt_va(const struct vcpu *v)
{
    return area_va(v) + GDT_LDT_LDT_PAGE * PAGE_SIZE;
}

static void *zalloc_page(void)
{
    void *p = alloc_pages(0);
    if (p)
        memset(p, 0, PAGE_SIZE);
    return p;
}

/*
 * The L1 entry mapping va in the per-domain range, allocating missing
 * tables when 'alloc' (caller holds area_lock). NULL when out of memory.
 * Mica's L4 slot for the range has its L3 from boot (arch/x86/mm.c).
 */
static uint64_t *area_l1e(uint64_t va, bool alloc)
{
    const uint64_t *l4 = idle_page_table();
    uint64_t *t = maddr_to_virt(l4[(va >> 39) & 511] & PTE_ADDR_MASK);
    for (unsigned shift = 30; shift > 12; shift -= 9) {
        uint64_t *e = &t[(va >> shift) & 511];
        if (!(*e & _PAGE_PRESENT)) {
            void *p = alloc ? zalloc_page() : NULL;
            if (!p)
                return NULL;
            *e = virt_to_maddr(p) | _PAGE_PRESENT | _PAGE_RW;
        }
        t = maddr_to_virt(*e & PTE_ADDR_MASK);
    }
    return &t[(va >> 12) & 511];
}

/*
 * At boot: the shared zero page and the L2 table of the areas, which all
 * domains use, so that what a domain's first GDT or LDT allocates is its
 * own and goes with it (pv_desc_areas_free).
 */
void pv_desc_areas_init(void)
{
    void *z = zalloc_page(), *l2 = zalloc_page();
    if (!z || !l2)
        panic("no memory for the descriptor-table areas");
    zero_mfn = virt_to_maddr(z) >> PAGE_SHIFT;
    const uint64_t *l4 = idle_page_table();
    uint64_t *l3 = maddr_to_virt(l4[(GDT_LDT_VIRT_START >> 39) & 511] & PTE_ADDR_MASK);
    l3[(GDT_LDT_VIRT_START >> 30) & 511] = virt_to_maddr(l2) | _PAGE_PRESENT | _PAGE_RW;
}

/*
 * The L1 tables of d's areas leave the per-domain range (area_lock held,
 * as for their allocation) and return to the heap. Another CPU may still
 * cache translations through them, from a vCPU of d it ran before, so all
 * CPUs flush before the frames can be reused for anything else.
 */
void pv_desc_areas_free(struct domain *d)
{
    const struct vcpu first = { .domain = d, .vcpu_id = 0 };
    uint64_t start = area_va(&first);
    uint64_t end = start + (uint64_t)MAX_VCPUS_PER_DOMAIN * GDT_LDT_VCPU_PAGES * PAGE_SIZE;
    void *tables[(MAX_VCPUS_PER_DOMAIN * GDT_LDT_VCPU_PAGES + 511) / 512 + 1];
    unsigned int n = 0;

    spin_lock(&area_lock);
    for (uint64_t va = start & ~((1ULL << 21) - 1); va < end && n < ARRAY_SIZE(tables); va += 1ULL << 21) {
        const uint64_t *l4 = idle_page_table();
        uint64_t *l3 = maddr_to_virt(l4[(va >> 39) & 511] & PTE_ADDR_MASK);
        uint64_t *l3e = &l3[(va >> 30) & 511];
        if (!(*l3e & _PAGE_PRESENT))
            continue;
        uint64_t *l2e = (uint64_t *)maddr_to_virt(*l3e & PTE_ADDR_MASK) + ((va >> 21) & 511);
        if (!(*l2e & _PAGE_PRESENT))
            continue;
        tables[n++] = maddr_to_virt(*l2e & PTE_ADDR_MASK);
        __atomic_store_n(l2e, 0, __ATOMIC_RELEASE);
    }
    spin_unlock(&area_lock);
    if (!n)
        return;
    uint64_t all = 0;
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
        if (cpu_online(cpu))
            all |= 1ULL << cpu;
    flush_tlb_cpus(all, true, 0);
    for (unsigned int i = 0; i < n; i++)
        free_pages(tables[i], 0);
}

static void area_set(uint64_t va, uint64_t pte)
{
    uint64_t *e = area_l1e(va, false);
    __atomic_store_n(e, pte, __ATOMIC_RELEASE);
    invlpg((void *)va);
}

/* First GDT/LDT use of v: its tables, zero pages in the GDT, nothing in the LDT. */
static int area_init(struct vcpu *v)
{
    if (v->pv.desc_area)
        return 0;
    uint64_t va = area_va(v);
    spin_lock(&area_lock);
    for (unsigned i = 0; i < GDT_LDT_VCPU_PAGES; i++) {
        if (zero_mfn == INVALID_MFN || !area_l1e(va + i * PAGE_SIZE, true)) {
            spin_unlock(&area_lock);
            return -XEN_ENOMEM;
        }
    }
    spin_unlock(&area_lock);
    for (unsigned i = 0; i < GDT_LDT_VCPU_PAGES; i++) {
        uint64_t pte = 0;
        /* Read-only: the zero page is shared, and nothing valid is ever written there. */
        if (i < GUEST_GDT_PAGES)
            pte = (zero_mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED;
        else if (i == RESERVED_GDT_PAGE)
            pte = virt_to_maddr(cpu_reserved_gdt_page()) | AREA_PTE_FLAGS;
        area_set(va + i * PAGE_SIZE, pte);
    }
    v->pv.desc_area = true;
    return 0;
}

static void put_desc_frame(mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);
    put_page_type(pg);
    put_page(pg);
}

/* A frame of d that may serve as a descriptor page: one general and one PGT_SEG_DESC reference. */
static bool get_desc_frame(struct domain *d, mfn_t mfn)
{
    if (!mfn_valid(mfn))
        return false;
    struct page_info *pg = mfn_to_page(mfn);
    if (!get_page(pg, d->domain_id))
        return false;
    if (get_page_type(pg, PGT_SEG_DESC)) {
        put_page(pg);
        return false;
    }
    return true;
}

void pv_load_desc_tables(struct vcpu *v)
{
    if (!v->pv.desc_area) {
        load_cpu_gdt();
        __asm__ volatile("lldt %w0" :: "r"(0));
        return;
    }
    uint64_t va = area_va(v);
    uint64_t *rsv = cpu_reserved_gdt_page();
    uint64_t pte = virt_to_maddr(rsv) | AREA_PTE_FLAGS;
    /* The vCPU may have last run on another CPU: show this CPU's own entries. */
    if (*area_l1e(va + RESERVED_GDT_PAGE * PAGE_SIZE, false) != pte)
        area_set(va + RESERVED_GDT_PAGE * PAGE_SIZE, pte);
    load_gdt(va);

    if (!v->pv.ldt_ents) {
        __asm__ volatile("lldt %w0" :: "r"(0));
        return;
    }
    /* 16-byte LDT system descriptor (type 2, present, DPL 0) for the vCPU's LDT area. */
    uint64_t base = ldt_va(v), limit = v->pv.ldt_ents * 8 - 1;
    uint64_t *slot = &rsv[(LDT_SELECTOR >> 3) - HV_FIRST_RESERVED_GDT_ENTRY];
    slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x82ULL << 40) |
              (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    slot[1] = base >> 32;
    __asm__ volatile("lldt %w0" :: "r"(LDT_SELECTOR) : "memory");
}

/* ---- GDT ---------------------------------------------------------------- */

static void destroy_gdt(struct vcpu *v)
{
    uint64_t va = area_va(v);
    for (unsigned i = 0; i < GUEST_GDT_PAGES; i++) {
        if (!v->pv.gdt_frames[i])
            continue;
        area_set(va + i * PAGE_SIZE, (zero_mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED);
        put_desc_frame(v->pv.gdt_frames[i]);
        v->pv.gdt_frames[i] = 0;
    }
    v->pv.gdt_ents = 0;
}

static long set_gdt(struct vcpu *v, const mfn_t *frames, unsigned int entries)
{
    unsigned nr = (entries + DESCS_PER_PAGE - 1) / DESCS_PER_PAGE;
    unsigned i;

    int rc = area_init(v);
    if (rc)
        return rc;
    /* References on the new frames first: the same frame may be in the old GDT. */
    for (i = 0; i < nr; i++)
        if (!get_desc_frame(v->domain, frames[i]))
            goto fail;
    destroy_gdt(v);
    uint64_t va = area_va(v);
    for (i = 0; i < nr; i++) {
        v->pv.gdt_frames[i] = frames[i];
        area_set(va + i * PAGE_SIZE, (frames[i] << PAGE_SHIFT) | AREA_PTE_FLAGS);
    }
    v->pv.gdt_ents = entries;
    return 0;

fail:
    while (i-- > 0)
        put_desc_frame(frames[i]);
    return -XEN_EINVAL;
}

long pv_set_gdt(struct vcpu *v, const mfn_t *frames, unsigned int entries)
{
    /* The guest's entries end where Mica's begin. */
    if (entries > HV_FIRST_RESERVED_GDT_ENTRY)
        return -XEN_EINVAL;
    long rc = set_gdt(v, frames, entries);
    if (rc == 0 && v == current)
        pv_load_desc_tables(v);
    return rc;
}

long do_set_gdt(guest_ptr_t frame_list, unsigned int entries)
{
    mfn_t frames[GUEST_GDT_PAGES];

    if (entries > HV_FIRST_RESERVED_GDT_ENTRY)
        return -XEN_EINVAL;
    unsigned nr = (entries + DESCS_PER_PAGE - 1) / DESCS_PER_PAGE;
    if (copy_from_guest(frames, frame_list, nr * sizeof(frames[0])))
        return -XEN_EFAULT;
    return pv_set_gdt(current, frames, entries);
}

/*
 * One descriptor in any frame the domain owns: a live GDT/LDT page (typed
 * PGT_SEG_DESC), or an ordinary page (which must be able to take the
 * writable type, so never a page table). Checked like a whole page.
 */
long do_update_descriptor(uint64_t maddr, uint64_t desc)
{
    struct domain *d = current->domain;

    /* Misaligned, it would straddle (and corrupt) two descriptors. */
    if ((maddr & 7) || !desc_check(&desc))
        return -XEN_EINVAL;
    mfn_t mfn = maddr >> PAGE_SHIFT;
    if (!mfn_valid(mfn))
        return -XEN_EINVAL;
    struct page_info *pg = mfn_to_page(mfn);
    if (!get_page(pg, d->domain_id))
        return -XEN_EINVAL;
    uint64_t type = page_type(pg) == PGT_SEG_DESC ? PGT_SEG_DESC : PGT_WRITABLE;
    if (get_page_type(pg, type)) {
        put_page(pg);
        return -XEN_EINVAL;
    }
    /* One aligned 8-byte store: the CPU never sees half a descriptor. */
    uint64_t *slot = (uint64_t *)((char *)mfn_to_virt(mfn) + (maddr & (PAGE_SIZE - 1)));
    __atomic_store_n(slot, desc, __ATOMIC_RELEASE);
    put_page_type(pg);
    put_page(pg);
    return 0;
}

/* ---- LDT ---------------------------------------------------------------- */

static bool guest_linear_ok(uint64_t va)
{
    return pv_is_canonical(va) && !(va >= HV_VIRT_START && va < HV_VIRT_END);
}

/* The guest kernel page tables' L1 entry for va (0 when unmapped). As Xen, kernel tables in either mode. */
static uint64_t guest_kernel_l1e(const struct vcpu *v, uint64_t va)
{
    mfn_t table = v->pv.guest_table;
    uint64_t e = 0;
    for (unsigned shift = 39; shift >= 12; shift -= 9) {
        if (!mfn_valid(table))
            return 0;
        e = ((const uint64_t *)mfn_to_virt(table))[(va >> shift) & 511];
        if (!(e & _PAGE_PRESENT) || (shift > 12 && (e & _PAGE_PSE)))
            return 0;
        table = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    }
    return e;
}

/* Map LDT page i of v from the guest's current mapping; false if it cannot serve. */
static bool map_ldt_page(struct vcpu *v, unsigned i)
{
    uint64_t linear = v->pv.ldt_base + (uint64_t)i * PAGE_SIZE;

    if (i >= LDT_PAGES || v->pv.ldt_frames[i] || !guest_linear_ok(linear))
        return false;
    uint64_t e = guest_kernel_l1e(v, linear);
    if (!(e & _PAGE_PRESENT))
        return false;
    mfn_t mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    if (!get_desc_frame(v->domain, mfn))
        return false;
    v->pv.ldt_frames[i] = mfn;
    area_set(ldt_va(v) + (uint64_t)i * PAGE_SIZE, (mfn << PAGE_SHIFT) | AREA_PTE_FLAGS);
    return true;
}

static void destroy_ldt(struct vcpu *v)
{
    for (unsigned i = 0; i < LDT_PAGES; i++) {
        if (!v->pv.ldt_frames[i])
            continue;
        area_set(ldt_va(v) + (uint64_t)i * PAGE_SIZE, 0);
        put_desc_frame(v->pv.ldt_frames[i]);
        v->pv.ldt_frames[i] = 0;
    }
}

int pv_set_ldt(struct vcpu *v, uint64_t linear, unsigned int ents)
{
    if (!ents)
        linear = 0;
    if (ents > MAX_LDT_ENTS || (ents && ((linear & (PAGE_SIZE - 1)) || !guest_linear_ok(linear))))
        return -XEN_EINVAL;
    if (ents == v->pv.ldt_ents && linear == v->pv.ldt_base)
        return 0;
    if (ents) {
        int rc = area_init(v);
        if (rc)
            return rc;
    }
    destroy_ldt(v);
    v->pv.ldt_base = linear;
    v->pv.ldt_ents = ents;
    for (unsigned i = 0; i < (ents * 8 + PAGE_SIZE - 1) / PAGE_SIZE; i++)
        (void)map_ldt_page(v, i);   /* best effort: the rest fault in later */
    if (v == current)
        pv_load_desc_tables(v);
    return 0;
}

bool pv_ldt_fault(struct vcpu *v, struct cpu_user_regs *regs, uint64_t addr)
{
    uint64_t base = ldt_va(v);

    if (!v->pv.desc_area || addr < base || addr >= base + LDT_PAGES * PAGE_SIZE)
        return false;
    /* The CPU's own descriptor reads are supervisor accesses; anything else is the guest poking Mica's range. */
    if (regs->error_code & (PFEC_USER | PFEC_RSVD))
        return false;
    uint64_t off = addr - base;
    if (map_ldt_page(v, (unsigned)(off >> PAGE_SHIFT)))
        return true;    /* retry the instruction */
    uint64_t linear = v->pv.ldt_base + off;
    if (!pv_is_canonical(linear))
        pv_inject_exception(v, 13, (int)((off & ~3ULL & 0xffff) | 4));   /* #GP(LDT selector) */
    else
        pv_inject_page_fault(v, linear, (uint32_t)regs->error_code);
    return true;
}
