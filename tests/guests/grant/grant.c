/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables, dom0 granting to itself: setup_table and query_size, v1
 * entries written through the mapped table, map_grant_ref by linear address
 * and by PTE machine address (contains_pte), read-only grants, revocation
 * while mapped, unmap (incl. bad handles, wrong addresses and the "implicit
 * unmap" by mmu_update and by tearing down the L1), unmap_and_replace,
 * copy gref<->gmfn with offsets and bounds errors, swap_grant_ref,
 * cache_flush, set/get_version with live mappings, get_status_frames, and
 * the whole-hypercall errors.
 *
 * Map names the granting domain by its real id (Xen refuses DOMID_SELF
 * there); dom0 is domain 0, so entries say domid 0.
 */
#include "../lib/guest.h"
#include <public/grant_table.h>

const char test_title[] = "grant tables: setup, map/unmap by VA and PTE, copy, revoke, versions";

#define SELF_ID 0           /* dom0 */
/* Refs 0-7 are the toolstack's (and exempt from set_version's busy check). */
#define REF_RW   10
#define REF_RO   11
#define REF_COPY 12
#define REF_A    13
#define REF_B    14
#define REF_BAD  15         /* stays GTF_invalid */

static grant_entry_v1_t *gtab;          /* table frame 0, mapped at scratch_va(20) */
static unsigned long page_mfn, page2_mfn;
static volatile uint8_t *page, *page2;  /* our own mappings of the granted frames */

static long gnttab_op(unsigned cmd, void *arg, unsigned count)
{
    return HC3(__HYPERVISOR_grant_table_op, cmd, arg, count);
}

static unsigned long read_probe(unsigned long va)
{
    unsigned long ex = 0;
    __asm__ volatile("1: mov (%[va]), %%rcx; 2:" _ASM_EXTABLE(1b, 2b)
                     : "+a"(ex) : [va] "r"(va) : "rcx", "memory");
    return ex;
}

static unsigned long write_probe(unsigned long va)
{
    unsigned long ex = 0;
    __asm__ volatile("1: movb $0x5a, (%[va]); 2:" _ASM_EXTABLE(1b, 2b)
                     : "+a"(ex) : [va] "r"(va) : "memory");
    return ex;
}

#define PTE_RW(mfn) (((unsigned long)(mfn) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

static unsigned long l1e_ma(unsigned idx)
{
    return (scratch_l1_mfn << PAGE_SHIFT) + idx * 8;
}

static uint16_t flags_of(unsigned ref)
{
    return __atomic_load_n(&gtab[ref].flags, __ATOMIC_SEQ_CST);
}

/* Granter side: fill in domid and frame before the flags make it valid. */
static void grant(unsigned ref, unsigned long mfn, uint16_t extra)
{
    gtab[ref].domid = SELF_ID;
    gtab[ref].frame = (uint32_t)mfn;
    __atomic_store_n(&gtab[ref].flags, (uint16_t)(GTF_permit_access | extra), __ATOMIC_SEQ_CST);
}

static int16_t map(unsigned long addr, uint32_t flags, unsigned ref, domid_t dom, grant_handle_t *h)
{
    struct gnttab_map_grant_ref m = { .host_addr = addr, .flags = flags, .ref = ref, .dom = dom,
                                      .status = 99, .handle = 0xdead };
    long rc = gnttab_op(GNTTABOP_map_grant_ref, &m, 1);
    CHECK(rc == 0, "map_grant_ref hypercall returned %ld", rc);
    if (h)
        *h = m.handle;
    if (m.status == GNTST_okay)
        CHECK(m.dev_bus_addr == (((unsigned long)gtab[ref].frame) << PAGE_SHIFT) || ref >= 512,
              "dev_bus_addr %#lx", (unsigned long)m.dev_bus_addr);
    return m.status;
}

static int16_t unmap(unsigned long addr, grant_handle_t h)
{
    struct gnttab_unmap_grant_ref u = { .host_addr = addr, .handle = h, .status = 99 };
    long rc = gnttab_op(GNTTABOP_unmap_grant_ref, &u, 1);
    CHECK(rc == 0, "unmap_grant_ref hypercall returned %ld", rc);
    return u.status;
}

static void test_setup_and_query(void)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF, .status = 99 };
    CHECK_RC(gnttab_op(GNTTABOP_query_size, &q, 1), 0);
    /* x86: one initial frame; dom0 may grow to gnttab_max_frames (64). */
    CHECK(q.status == GNTST_okay && q.nr_frames == 1 && q.max_nr_frames == 64,
          "query_size: status %d, %u of %u frames", q.status, q.nr_frames, q.max_nr_frames);
    /* Exactly one argument record, else -EINVAL. */
    CHECK_RC(gnttab_op(GNTTABOP_query_size, &q, 2), -XEN_EINVAL);
    q.dom = 7;          /* no such domain: a per-op status */
    CHECK_RC(gnttab_op(GNTTABOP_query_size, &q, 1), 0);
    CHECK(q.status == GNTST_bad_domain, "query_size of d7: status %d", q.status);
    q.dom = SELF_ID;    /* our own id works as well as DOMID_SELF */
    CHECK_RC(gnttab_op(GNTTABOP_query_size, &q, 1), 0);
    CHECK(q.status == GNTST_okay, "query_size by own id: status %d", q.status);

    xen_pfn_t frames[3] = { 0, 0, 0x1234 };
    struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 2, .status = 99 };
    set_xen_guest_handle(s.frame_list, frames);
    CHECK_RC(gnttab_op(GNTTABOP_setup_table, &s, 1), 0);
    CHECK(s.status == GNTST_okay, "setup_table: status %d", s.status);
    CHECK(frames[0] && frames[1] && frames[0] != frames[1] && frames[2] == 0x1234,
          "setup_table frames %#lx %#lx %#lx", frames[0], frames[1], frames[2]);
    q.dom = DOMID_SELF;
    CHECK_RC(gnttab_op(GNTTABOP_query_size, &q, 1), 0);
    CHECK(q.nr_frames == 2, "after growing: %u frames", q.nr_frames);

    /* Asking again for one frame does not shrink; the first frame is stable. */
    xen_pfn_t again = 0;
    s.nr_frames = 1;
    set_xen_guest_handle(s.frame_list, &again);
    CHECK_RC(gnttab_op(GNTTABOP_setup_table, &s, 1), 0);
    CHECK(s.status == GNTST_okay && again == frames[0], "setup_table(1): %d %#lx", s.status, again);

    /* Errors: beyond the maximum is a per-op general error; the frame list
     * is checked as an address range first (Xen's range -> -EFAULT), an
     * unwritable list in the guest's range gives GNTST_bad_virt_addr. */
    s.nr_frames = 65;
    CHECK_RC(gnttab_op(GNTTABOP_setup_table, &s, 1), 0);
    CHECK(s.status == GNTST_general_error, "setup_table(65): status %d", s.status);
    CHECK_RC(gnttab_op(GNTTABOP_setup_table, &s, 0), -XEN_EINVAL);
    s.nr_frames = 1;
    set_xen_guest_handle(s.frame_list, (xen_pfn_t *)NONCANON_VA);
    CHECK_RC(gnttab_op(GNTTABOP_setup_table, &s, 1), -XEN_EFAULT);
    set_xen_guest_handle(s.frame_list, (xen_pfn_t *)BAD_VA);
    CHECK_RC(gnttab_op(GNTTABOP_setup_table, &s, 1), 0);
    CHECK(s.status == GNTST_bad_virt_addr, "setup_table to unmapped list: status %d", s.status);
    CHECK_RC(gnttab_op(GNTTABOP_setup_table, BAD_VA, 1), -XEN_EFAULT);

    /* The table frame is ours to map writable, like any page we own. */
    CHECK_RC(update_va_mapping(scratch_va(20), PTE_RW(frames[0]), UVMF_INVLPG), 0);
    gtab = (grant_entry_v1_t *)scratch_va(20);
    /* ...but it can never become a page table. */
    CHECK_RC(mmuext1(MMUEXT_PIN_L1_TABLE, frames[0], 0), -XEN_EINVAL);
}

static void test_map_by_va_and_pte(void)
{
    grant_handle_t h1, h2, h3;

    grant(REF_RW, page_mfn, 0);
    for (unsigned i = 0; i < PAGE_SIZE; i++)
        page[i] = (uint8_t)(i * 7);

    /* By linear address: an entry in the scratch L1. */
    CHECK(map(scratch_va(1), GNTMAP_host_map, REF_RW, SELF_ID, &h1) == GNTST_okay, "map by VA");
    CHECK((flags_of(REF_RW) & (GTF_reading | GTF_writing)) == (GTF_reading | GTF_writing),
          "busy bits after a rw map: flags %#x", flags_of(REF_RW));
    uint64_t pte = scratch_l1()[1];
    CHECK(PTE_MFN(pte) == page_mfn && (pte & (_PAGE_PRESENT | _PAGE_RW)) == (_PAGE_PRESENT | _PAGE_RW),
          "grant PTE %#lx", (unsigned long)pte);
    volatile uint8_t *m1 = (void *)scratch_va(1);
    CHECK(m1[0] == 0 && m1[1] == 7 && m1[4095] == (uint8_t)(4095 * 7), "read through grant mapping");
    m1[100] = 0xab;
    CHECK(page[100] == 0xab, "write through grant mapping not seen: %#x", page[100]);

    /* By PTE machine address: entry 2 of the scratch L1. */
    CHECK(map(l1e_ma(2), GNTMAP_host_map | GNTMAP_contains_pte, REF_RW, SELF_ID, &h2) == GNTST_okay,
          "map by PTE");
    CHECK(h2 != h1, "two mappings, one handle %u", h1);
    volatile uint8_t *m2 = (void *)scratch_va(2);
    CHECK(m2[100] == 0xab, "read through PTE mapping");
    m2[101] = 0xcd;
    CHECK(m1[101] == 0xcd, "write through PTE mapping");

    /* Read-only grant: a writable map is Xen's general error (not
     * permission_denied); a read-only map works and cannot be written. */
    grant(REF_RO, page_mfn, GTF_readonly);
    CHECK_RC(map(scratch_va(3), GNTMAP_host_map, REF_RO, SELF_ID, NULL), GNTST_general_error);
    CHECK(flags_of(REF_RO) == (GTF_permit_access | GTF_readonly), "failed map left flags %#x",
          flags_of(REF_RO));
    CHECK(map(scratch_va(3), GNTMAP_host_map | GNTMAP_readonly, REF_RO, SELF_ID, &h3) == GNTST_okay,
          "read-only map");
    CHECK(flags_of(REF_RO) == (GTF_permit_access | GTF_readonly | GTF_reading),
          "read-only map flags %#x", flags_of(REF_RO));
    CHECK(!(scratch_l1()[3] & _PAGE_RW), "read-only grant PTE is writable");
    CHECK(((volatile uint8_t *)scratch_va(3))[100] == 0xab, "read through read-only mapping");
    unsigned long ex = write_probe(scratch_va(3));
    CHECK(ex == EXINFO(X86_EXC_PF, 3), "write to read-only grant mapping: exinfo %#lx", ex);
    CHECK_RC(unmap(scratch_va(3), h3), GNTST_okay);
    CHECK(flags_of(REF_RO) == (GTF_permit_access | GTF_readonly), "after unmap flags %#x",
          flags_of(REF_RO));

    /*
     * Revocation while mapped: the granter's cmpxchg of the flags word
     * (Linux's gnttab_end_foreign_access) fails because the busy bits are
     * set. A granter that clears GTF_permit_access anyway does not get the
     * frame back: the busy bits stay, the mappings keep working.
     */
    uint16_t expect = GTF_permit_access;
    CHECK(!__atomic_compare_exchange_n(&gtab[REF_RW].flags, &expect, 0, false,
                                       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST),
          "revoking a mapped grant succeeded");
    __atomic_fetch_and(&gtab[REF_RW].flags, (uint16_t)~GTF_permit_access, __ATOMIC_SEQ_CST);
    CHECK(flags_of(REF_RW) == (GTF_reading | GTF_writing), "revoked while mapped: flags %#x",
          flags_of(REF_RW));
    CHECK(m1[101] == 0xcd && m2[100] == 0xab, "mapping gone after revocation");

    /* Unmap errors: wrong address (not the grant's PTE), bad handles. */
    CHECK_RC(unmap(scratch_va(4), h1), GNTST_general_error);
    CHECK_RC(unmap(scratch_va(1), 0xffffffffU), GNTST_bad_handle);
    CHECK_RC(unmap(scratch_va(1), h3), GNTST_bad_handle);      /* already unmapped */
    /* host_addr 0 asks for nothing: okay, and the mapping stays. */
    CHECK_RC(unmap(0, h1), GNTST_okay);
    CHECK(m1[100] == 0xab, "mapping gone after a no-op unmap");

    /* Unmap by VA: the PTE is cleared and the TLB flushed. */
    CHECK_RC(unmap(scratch_va(1), h1), GNTST_okay);
    CHECK(scratch_l1()[1] == 0, "PTE after unmap %#lx", (unsigned long)scratch_l1()[1]);
    ex = read_probe(scratch_va(1));
    CHECK(ex == EXINFO(X86_EXC_PF, 0), "read after unmap: exinfo %#lx", ex);
    CHECK_RC(unmap(scratch_va(1), h1), GNTST_bad_handle);
    CHECK(flags_of(REF_RW) == (GTF_reading | GTF_writing), "one mapping left: flags %#x",
          flags_of(REF_RW));
    /* Unmap by PTE: the last pin goes, and with it the busy bits. */
    CHECK_RC(unmap(l1e_ma(2), h2), GNTST_okay);
    CHECK(scratch_l1()[2] == 0, "PTE after unmap by PTE %#lx", (unsigned long)scratch_l1()[2]);
    ex = read_probe(scratch_va(2));
    CHECK(ex == EXINFO(X86_EXC_PF, 0), "read after unmap by PTE: exinfo %#lx", ex);
    CHECK(flags_of(REF_RW) == 0, "flags after the last unmap %#x", flags_of(REF_RW));
    /* Revoked, idle: a new map is refused. */
    CHECK_RC(map(scratch_va(1), GNTMAP_host_map, REF_RW, SELF_ID, NULL), GNTST_general_error);
    CHECK(scratch_l1()[1] == 0, "refused map wrote a PTE");
}

static void test_map_errors(void)
{
    grant(REF_COPY, page_mfn, 0);
    /* Map wants a real domain id, not DOMID_SELF; unknown domains too. */
    CHECK_RC(map(scratch_va(1), GNTMAP_host_map, REF_COPY, DOMID_SELF, NULL), GNTST_bad_domain);
    CHECK_RC(map(scratch_va(1), GNTMAP_host_map, REF_COPY, 7, NULL), GNTST_bad_domain);
    /* Refs beyond the table (2 frames = 1024 v1 entries), unused entries. */
    CHECK_RC(map(scratch_va(1), GNTMAP_host_map, 1024, SELF_ID, NULL), GNTST_bad_gntref);
    CHECK_RC(map(scratch_va(1), GNTMAP_host_map, 0x7fffffffU, SELF_ID, NULL), GNTST_bad_gntref);
    CHECK_RC(map(scratch_va(1), GNTMAP_host_map, REF_BAD, SELF_ID, NULL), GNTST_general_error);
    /* Neither host_map nor device_map: Xen calls that a bad ref. */
    CHECK_RC(map(scratch_va(1), 0, REF_COPY, SELF_ID, NULL), GNTST_bad_gntref);
    /* No L1 for that address, Xen's own range, non-canonical. */
    CHECK_RC(map(0x00007f0000000000UL, GNTMAP_host_map, REF_COPY, SELF_ID, NULL), GNTST_general_error);
    CHECK_RC(map(0xffff800000000000UL, GNTMAP_host_map, REF_COPY, SELF_ID, NULL), GNTST_general_error);
    CHECK_RC(map((unsigned long)NONCANON_VA, GNTMAP_host_map, REF_COPY, SELF_ID, NULL),
             GNTST_general_error);
    /* By PTE: misaligned, not a page table, not a frame at all. */
    CHECK_RC(map(l1e_ma(1) + 4, GNTMAP_host_map | GNTMAP_contains_pte, REF_COPY, SELF_ID, NULL),
             GNTST_general_error);
    CHECK_RC(map((page2_mfn << PAGE_SHIFT) + 8, GNTMAP_host_map | GNTMAP_contains_pte, REF_COPY,
                 SELF_ID, NULL), GNTST_general_error);
    CHECK_RC(map(1UL << 50, GNTMAP_host_map | GNTMAP_contains_pte, REF_COPY, SELF_ID, NULL),
             GNTST_general_error);
    /* A grant of a frame we do not own (beyond RAM). */
    grant(REF_A, 0xfffff000U, 0);
    CHECK_RC(map(scratch_va(1), GNTMAP_host_map, REF_A, SELF_ID, NULL), GNTST_bad_page);
    /* Every failure left the entries idle. */
    CHECK(flags_of(REF_COPY) == GTF_permit_access && flags_of(REF_A) == GTF_permit_access,
          "flags after failed maps %#x %#x", flags_of(REF_COPY), flags_of(REF_A));
    CHECK(scratch_l1()[1] == 0, "a failed map wrote a PTE");
    gtab[REF_A].flags = 0;
}

/* Grant PTEs that vanish behind the grant interface's back. */
static void test_implicit_unmap(void)
{
    grant_handle_t h;

    /* Cleared by update_va_mapping: Xen (release build) lets it happen; the
     * grant unmap then finds no matching PTE, and the entry stays pinned. */
    CHECK(map(scratch_va(5), GNTMAP_host_map, REF_COPY, SELF_ID, &h) == GNTST_okay, "map at va 5");
    CHECK_RC(update_va_mapping(scratch_va(5), 0, UVMF_INVLPG), 0);
    CHECK_RC(unmap(scratch_va(5), h), GNTST_general_error);
    CHECK(flags_of(REF_COPY) == (GTF_permit_access | GTF_reading | GTF_writing),
          "flags after implicit unmap %#x", flags_of(REF_COPY));
    /* An ordinary mapping of the same frame (we own it) matches the grant
     * again, so the grant unmap can complete and release the pin. */
    CHECK_RC(update_va_mapping(scratch_va(5), PTE_RW(page_mfn), UVMF_INVLPG), 0);
    CHECK_RC(unmap(scratch_va(5), h), GNTST_okay);
    CHECK(scratch_l1()[5] == 0, "PTE after unmap %#lx", (unsigned long)scratch_l1()[5]);
    CHECK(flags_of(REF_COPY) == GTF_permit_access, "flags after the final unmap %#x",
          flags_of(REF_COPY));

    /* Overwritten by mmu_update with another frame: unmap refuses. */
    CHECK(map(scratch_va(5), GNTMAP_host_map, REF_COPY, SELF_ID, &h) == GNTST_okay, "map again");
    mmu_update_t u = { .ptr = l1e_ma(5) | MMU_NORMAL_PT_UPDATE, .val = PTE_RW(page2_mfn) };
    CHECK_RC(mmu_update(&u, 1, NULL, DOMID_SELF), 0);
    CHECK_RC(unmap(scratch_va(5), h), GNTST_general_error);
    u.val = PTE_RW(page_mfn);
    CHECK_RC(mmu_update(&u, 1, NULL, DOMID_SELF), 0);
    CHECK_RC(unmap(scratch_va(5), h), GNTST_okay);

    /*
     * The L1 holding a grant PTE loses its page-table type (unhooked from
     * its L2): its entries' references go with it. The frame is no longer
     * an L1, so the unmap by PTE fails; hooked up again (revalidated with
     * the grant PTE still in it), the unmap succeeds.
     */
    unsigned long l1_mfn = p2m()[alloc_pfn()];
    unsigned long va = scratch_va(0) + (2UL << 20);     /* the next 2 MiB */
    unsigned long l2e = pte_maddr(va, 2);
    CHECK(l2e && !(pte_read(va, 2) & _PAGE_PRESENT), "no free L2 slot for the second L1");
    CHECK_RC(mmuext1(MMUEXT_CLEAR_PAGE, l1_mfn, 0), 0);
    mmu_update_t hook = { .ptr = l2e | MMU_NORMAL_PT_UPDATE,
                          .val = (l1_mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED };
    CHECK_RC(mmu_update(&hook, 1, NULL, DOMID_SELF), 0);
    CHECK(map(l1_mfn << PAGE_SHIFT, GNTMAP_host_map | GNTMAP_contains_pte, REF_COPY, SELF_ID, &h)
          == GNTST_okay, "map into the second L1");
    CHECK(((volatile uint8_t *)va)[100] == 0xab, "read through the second L1");
    mmu_update_t unhook = { .ptr = l2e | MMU_NORMAL_PT_UPDATE, .val = 0 };
    CHECK_RC(mmu_update(&unhook, 1, NULL, DOMID_SELF), 0);
    CHECK_RC(unmap(l1_mfn << PAGE_SHIFT, h), GNTST_general_error);
    CHECK_RC(mmu_update(&hook, 1, NULL, DOMID_SELF), 0);
    CHECK_RC(unmap(l1_mfn << PAGE_SHIFT, h), GNTST_okay);
    CHECK_RC(mmu_update(&unhook, 1, NULL, DOMID_SELF), 0);
    CHECK(flags_of(REF_COPY) == GTF_permit_access, "flags after the L1 test %#x", flags_of(REF_COPY));
}

static void test_unmap_and_replace(void)
{
    grant_handle_t h;

    CHECK(map(scratch_va(6), GNTMAP_host_map, REF_COPY, SELF_ID, &h) == GNTST_okay, "map at va 6");
    page2[0] = 0x77;
    CHECK_RC(update_va_mapping(scratch_va(7), PTE_RW(page2_mfn), UVMF_INVLPG), 0);

    /* contains_pte has no replace form. */
    struct gnttab_unmap_and_replace r = { .host_addr = l1e_ma(6), .new_addr = scratch_va(7),
                                          .handle = h, .status = 99 };
    /* (the handle's flags decide the addressing mode: a VA mapping) */
    r.host_addr = scratch_va(6);
    r.new_addr = scratch_va(7);
    CHECK_RC(gnttab_op(GNTTABOP_unmap_and_replace, &r, 1), 0);
    CHECK(r.status == GNTST_okay, "unmap_and_replace: status %d", r.status);
    /* The entry at new_addr moved to host_addr. */
    CHECK(scratch_l1()[7] == 0, "new_addr still mapped: %#lx", (unsigned long)scratch_l1()[7]);
    CHECK(PTE_MFN(scratch_l1()[6]) == page2_mfn, "host_addr maps %#lx",
          (unsigned long)PTE_MFN(scratch_l1()[6]));
    CHECK(((volatile uint8_t *)scratch_va(6))[0] == 0x77, "replaced mapping reads wrong data");
    CHECK(flags_of(REF_COPY) == GTF_permit_access, "flags after replace %#x", flags_of(REF_COPY));
    CHECK_RC(update_va_mapping(scratch_va(6), 0, UVMF_INVLPG), 0);

    /* The handle is gone now. */
    CHECK_RC(gnttab_op(GNTTABOP_unmap_and_replace, &r, 1), 0);
    CHECK(r.status == GNTST_bad_handle, "second replace: status %d", r.status);

    /* A contains_pte mapping cannot be replaced (general error, still mapped). */
    CHECK(map(l1e_ma(6), GNTMAP_host_map | GNTMAP_contains_pte, REF_COPY, SELF_ID, &h) == GNTST_okay,
          "map by PTE at 6");
    r.host_addr = l1e_ma(6);
    r.new_addr = scratch_va(7);
    r.handle = h;
    CHECK_RC(gnttab_op(GNTTABOP_unmap_and_replace, &r, 1), 0);
    CHECK(r.status == GNTST_general_error, "replace of a PTE mapping: status %d", r.status);
    /* new_addr 0 is a plain unmap. */
    r.new_addr = 0;
    CHECK_RC(gnttab_op(GNTTABOP_unmap_and_replace, &r, 1), 0);
    CHECK(r.status == GNTST_okay, "replace with new_addr 0: status %d", r.status);
    CHECK(scratch_l1()[6] == 0, "PTE 6 after unmap %#lx", (unsigned long)scratch_l1()[6]);
}

static int16_t copy1(struct gnttab_copy *c)
{
    c->status = 99;
    long rc = gnttab_op(GNTTABOP_copy, c, 1);
    CHECK(rc == 0, "copy hypercall returned %ld", rc);
    return c->status;
}

static void test_copy(void)
{
    for (unsigned i = 0; i < PAGE_SIZE; i++) {
        page[i] = (uint8_t)(i ^ 0x5a);
        page2[i] = 0;
    }
    /* gref -> gmfn, with offsets. */
    struct gnttab_copy c = {
        .source = { .u.ref = REF_COPY, .domid = SELF_ID, .offset = 100 },
        .dest = { .u.gmfn = page2_mfn, .domid = DOMID_SELF, .offset = 200 },
        .len = 300, .flags = GNTCOPY_source_gref,
    };
    CHECK_RC(copy1(&c), GNTST_okay);
    bool same = true;
    for (unsigned i = 0; i < 300; i++)
        same &= page2[200 + i] == (uint8_t)((100 + i) ^ 0x5a);
    CHECK(same && page2[199] == 0 && page2[500] == 0, "gref->gmfn copy data");
    CHECK(flags_of(REF_COPY) == GTF_permit_access, "copy left flags %#x", flags_of(REF_COPY));

    /* gmfn -> gref, up to the very end of the page. */
    page2[0] = 0xee;
    c = (struct gnttab_copy){
        .source = { .u.gmfn = page2_mfn, .domid = DOMID_SELF, .offset = 0 },
        .dest = { .u.ref = REF_COPY, .domid = DOMID_SELF, .offset = 4000 },
        .len = 96, .flags = GNTCOPY_dest_gref,
    };
    CHECK_RC(copy1(&c), GNTST_okay);
    CHECK(page[4000] == 0xee && page[4095] == page2[95] && page[3999] == (uint8_t)(3999 ^ 0x5a),
          "gmfn->gref copy data");
    /* gref -> gref (the same frame) and len 0 are fine. */
    c.flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
    c.source.u.ref = REF_COPY;
    c.len = 0;
    CHECK_RC(copy1(&c), GNTST_okay);

    /* Bounds: offset + len beyond the page is a bad copy argument. */
    c = (struct gnttab_copy){
        .source = { .u.gmfn = page2_mfn, .domid = DOMID_SELF, .offset = 0 },
        .dest = { .u.ref = REF_COPY, .domid = SELF_ID, .offset = 4000 },
        .len = 97, .flags = GNTCOPY_dest_gref,
    };
    CHECK_RC(copy1(&c), GNTST_bad_copy_arg);
    c.dest.offset = 0;
    c.source.offset = 4095;
    c.len = 2;
    CHECK_RC(copy1(&c), GNTST_bad_copy_arg);
    /* Frames by number only from DOMID_SELF, even when it is our own id. */
    c.source.offset = 0;
    c.source.domid = SELF_ID;
    CHECK_RC(copy1(&c), GNTST_permission_denied);
    c.source.domid = DOMID_SELF;
    /* Bad refs, an unused entry, a read-only grant as destination. */
    c.dest.u.ref = 1024;
    CHECK_RC(copy1(&c), GNTST_bad_gntref);
    c.dest.u.ref = REF_BAD;
    CHECK_RC(copy1(&c), GNTST_general_error);
    c.dest.u.ref = REF_RO;
    CHECK_RC(copy1(&c), GNTST_general_error);
    /* ...which is fine as a source. */
    c.flags = GNTCOPY_source_gref;
    c.source = (struct gnttab_copy_ptr){ .u.ref = REF_RO, .domid = SELF_ID, .offset = 0 };
    c.dest = (struct gnttab_copy_ptr){ .u.gmfn = page2_mfn, .domid = DOMID_SELF, .offset = 0 };
    CHECK_RC(copy1(&c), GNTST_okay);
    /* A frame that is not ours, an unknown domain. */
    c.flags = 0;
    c.source.u.gmfn = 1UL << 40;
    c.source.domid = DOMID_SELF;
    CHECK_RC(copy1(&c), GNTST_bad_page);
    c.flags = GNTCOPY_source_gref;
    c.source.u.ref = REF_COPY;
    c.source.domid = 7;
    CHECK_RC(copy1(&c), GNTST_bad_domain);
    CHECK(flags_of(REF_COPY) == GTF_permit_access && flags_of(REF_RO) == (GTF_permit_access | GTF_readonly),
          "flags after failed copies %#x %#x", flags_of(REF_COPY), flags_of(REF_RO));

    /* Several in one call: each gets its own status. */
    struct gnttab_copy cs[2] = {
        { .source = { .u.ref = REF_COPY, .domid = SELF_ID }, .dest = { .u.gmfn = page2_mfn, .domid = DOMID_SELF },
          .len = 8, .flags = GNTCOPY_source_gref, .status = 99 },
        { .source = { .u.ref = REF_BAD, .domid = SELF_ID }, .dest = { .u.gmfn = page2_mfn, .domid = DOMID_SELF },
          .len = 8, .flags = GNTCOPY_source_gref, .status = 99 },
    };
    CHECK_RC(gnttab_op(GNTTABOP_copy, cs, 2), 0);
    CHECK(cs[0].status == GNTST_okay && cs[1].status == GNTST_general_error, "batch statuses %d %d",
          cs[0].status, cs[1].status);
    CHECK_RC(gnttab_op(GNTTABOP_copy, (void *)0xffff800000000000UL, 1), -XEN_EFAULT);
    CHECK_RC(gnttab_op(GNTTABOP_copy, BAD_VA, 1), -XEN_EFAULT);
}

static void test_swap_and_flush(void)
{
    grant_handle_t h;

    grant(REF_A, page_mfn, 0);
    grant(REF_B, page2_mfn, GTF_readonly);
    struct gnttab_swap_grant_ref s = { .ref_a = REF_A, .ref_b = REF_B, .status = 99 };
    CHECK_RC(gnttab_op(GNTTABOP_swap_grant_ref, &s, 1), 0);
    CHECK(s.status == GNTST_okay, "swap: status %d", s.status);
    CHECK(gtab[REF_A].frame == page2_mfn && gtab[REF_A].flags == (GTF_permit_access | GTF_readonly) &&
          gtab[REF_B].frame == page_mfn && gtab[REF_B].flags == GTF_permit_access, "entries not swapped");
    s.ref_b = 1024;
    CHECK_RC(gnttab_op(GNTTABOP_swap_grant_ref, &s, 1), 0);
    CHECK(s.status == GNTST_bad_gntref, "swap beyond the table: status %d", s.status);
    /* A pinned entry cannot move. */
    CHECK(map(scratch_va(8), GNTMAP_host_map, REF_B, SELF_ID, &h) == GNTST_okay, "map REF_B");
    s.ref_b = REF_B;
    CHECK_RC(gnttab_op(GNTTABOP_swap_grant_ref, &s, 1), 0);
    CHECK(s.status == GNTST_eagain, "swap of a mapped entry: status %d", s.status);
    CHECK_RC(unmap(scratch_va(8), h), GNTST_okay);
    gtab[REF_A].flags = 0;
    gtab[REF_B].flags = 0;

    /* cache_flush on our own frame: CLEAN works, INVAL alone is not
     * offered on x86, SOURCE_GREF is outside the op mask. */
    struct gnttab_cache_flush f = { .a.dev_bus_addr = page_mfn << PAGE_SHIFT, .offset = 0,
                                    .length = 64, .op = GNTTAB_CACHE_CLEAN };
    CHECK_RC(gnttab_op(GNTTABOP_cache_flush, &f, 1), 0);
    f.op = GNTTAB_CACHE_CLEAN | GNTTAB_CACHE_INVAL;
    CHECK_RC(gnttab_op(GNTTABOP_cache_flush, &f, 1), 0);
    f.op = GNTTAB_CACHE_INVAL;
    CHECK_RC(gnttab_op(GNTTABOP_cache_flush, &f, 1), -XEN_EOPNOTSUPP);
    f.op = GNTTAB_CACHE_SOURCE_GREF | GNTTAB_CACHE_CLEAN;
    CHECK_RC(gnttab_op(GNTTABOP_cache_flush, &f, 1), -XEN_EINVAL);
    f.op = GNTTAB_CACHE_CLEAN;
    f.offset = 4000;
    f.length = 97;
    CHECK_RC(gnttab_op(GNTTABOP_cache_flush, &f, 1), -XEN_EINVAL);
    f.offset = 0;
    f.length = 0;       /* nothing to do */
    CHECK_RC(gnttab_op(GNTTABOP_cache_flush, &f, 1), 0);
    f.length = 64;
    f.a.dev_bus_addr = 1UL << 52;
    CHECK_RC(gnttab_op(GNTTABOP_cache_flush, &f, 1), -XEN_EINVAL);
}

static void test_versions(void)
{
    grant_handle_t h;
    struct gnttab_get_version gv = { .dom = DOMID_SELF };
    CHECK_RC(gnttab_op(GNTTABOP_get_version, &gv, 1), 0);
    CHECK(gv.version == 1, "initial version %u", gv.version);
    gv.dom = 7;
    CHECK_RC(gnttab_op(GNTTABOP_get_version, &gv, 1), -XEN_ESRCH);

    /* v1 has no status frames: asking for one is a per-op error. */
    uint64_t sf[2] = { 0, 0 };
    struct gnttab_get_status_frames g = { .nr_frames = 1, .dom = DOMID_SELF, .status = 99 };
    set_xen_guest_handle(g.frame_list, sf);
    CHECK_RC(gnttab_op(GNTTABOP_get_status_frames, &g, 1), 0);
    CHECK(g.status == GNTST_general_error, "status frames of a v1 table: %d", g.status);

    /* A live mapping (outside the reserved refs) blocks the switch. */
    CHECK(map(scratch_va(9), GNTMAP_host_map, REF_COPY, SELF_ID, &h) == GNTST_okay, "map for version test");
    struct gnttab_set_version sv = { .version = 2 };
    CHECK_RC(gnttab_op(GNTTABOP_set_version, &sv, 1), -XEN_EBUSY);
    CHECK(sv.version == 1, "version after refused switch %u", sv.version);
    CHECK_RC(unmap(scratch_va(9), h), GNTST_okay);
    sv.version = 3;
    CHECK_RC(gnttab_op(GNTTABOP_set_version, &sv, 1), -XEN_EINVAL);
    CHECK(sv.version == 1, "version after set_version(3) %u", sv.version);

    sv.version = 2;
    CHECK_RC(gnttab_op(GNTTABOP_set_version, &sv, 1), 0);
    CHECK(sv.version == 2, "version after switch %u", sv.version);
    gv.dom = DOMID_SELF;
    CHECK_RC(gnttab_op(GNTTABOP_get_version, &gv, 1), 0);
    CHECK(gv.version == 2, "get_version after switch %u", gv.version);
    /* Two v1 frames = 256 v2 entries each; their status fits one frame. */
    CHECK_RC(gnttab_op(GNTTABOP_get_status_frames, &g, 1), 0);
    CHECK(g.status == GNTST_okay && sf[0] && !sf[1], "get_status_frames: %d %#lx", g.status,
          (unsigned long)sf[0]);
    g.nr_frames = 2;
    CHECK_RC(gnttab_op(GNTTABOP_get_status_frames, &g, 1), 0);
    CHECK(g.status == GNTST_general_error, "two status frames of one: %d", g.status);
    CHECK_RC(gnttab_op(GNTTABOP_get_status_frames, &g, 2), -XEN_EINVAL);
    /* The switch cleared the (non-reserved) entries. */
    CHECK(gtab[REF_COPY].flags == 0 && gtab[REF_COPY].frame == 0, "entry survived the switch");

    /* A status frame the guest still maps cannot be taken back: the switch
     * to v1 is refused and the table stays v2 (Xen re-shares the frames). */
    CHECK_RC(update_va_mapping(scratch_va(21), (sf[0] << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED,
                               UVMF_INVLPG), 0);
    sv.version = 1;
    CHECK_RC(gnttab_op(GNTTABOP_set_version, &sv, 1), -XEN_EBUSY);
    CHECK(sv.version == 2, "version after refused switch to v1: %u", sv.version);
    CHECK_RC(update_va_mapping(scratch_va(21), 0, UVMF_INVLPG), 0);
    g.nr_frames = 1;
    sf[0] = 0;
    CHECK_RC(gnttab_op(GNTTABOP_get_status_frames, &g, 1), 0);
    CHECK(g.status == GNTST_okay && sf[0], "status frames after refused switch: %d", g.status);

    sv.version = 1;
    CHECK_RC(gnttab_op(GNTTABOP_set_version, &sv, 1), 0);
    CHECK(sv.version == 1, "back to v1: %u", sv.version);
}

static void test_hypercall_errors(void)
{
    struct gnttab_map_grant_ref m = { 0 };
    /* Unknown ops (dump_table is not offered by 4.17 either). */
    CHECK_RC(gnttab_op(GNTTABOP_dump_table, &m, 1), -XEN_ENOSYS);
    CHECK_RC(gnttab_op(13, &m, 1), -XEN_ENOSYS);
    /* Continuation bits are only cache_flush's; a negative count. */
    CHECK_RC(gnttab_op(GNTTABOP_map_grant_ref | 0x1000, &m, 1), -XEN_EINVAL);
    CHECK_RC(gnttab_op(GNTTABOP_map_grant_ref, &m, 0x80000000U), -XEN_EINVAL);
    CHECK_RC(gnttab_op(GNTTABOP_map_grant_ref, (void *)0xffff800000000000UL, 1), -XEN_EFAULT);
    CHECK_RC(gnttab_op(GNTTABOP_unmap_grant_ref, BAD_VA, 1), -XEN_EFAULT);
    CHECK_RC(gnttab_op(GNTTABOP_map_grant_ref, &m, 0), 0);
}

void test_main(void)
{
    trap_init();
    scratch_init();
    page_mfn = p2m()[alloc_pfn()];
    page2_mfn = p2m()[alloc_pfn()];
    CHECK_RC(update_va_mapping(scratch_va(30), PTE_RW(page_mfn), UVMF_INVLPG), 0);
    CHECK_RC(update_va_mapping(scratch_va(31), PTE_RW(page2_mfn), UVMF_INVLPG), 0);
    page = (volatile uint8_t *)scratch_va(30);
    page2 = (volatile uint8_t *)scratch_va(31);

    test_setup_and_query();
    if (failure_count())
        finish();       /* without the table mapped nothing else can run */
    test_map_by_va_and_pte();
    test_map_errors();
    test_implicit_unmap();
    test_unmap_and_replace();
    test_copy();
    test_swap_and_flush();
    test_versions();
    test_hypercall_errors();
    finish();
}
