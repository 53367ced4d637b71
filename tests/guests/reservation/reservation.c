/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * XENMEM reservation operations of a PV dom0: decrease_reservation (giving
 * frames back, also while they are still mapped or pinned), populate_physmap
 * and increase_reservation (getting memory back, M2P entries, max_pages,
 * address limits, NUMA flags), XENMEM_exchange (Linux's
 * xen_create_contiguous_region) and the error paths of all four.
 *
 * Runs with dom0_mem=64M,max:65M (EXPECT): 16384 pages and room for 256 more.
 */
#include "../lib/guest.h"
#include <public/memory.h>
#include <public/event_channel.h>
#include <public/sched.h>

const char test_title[] = "memory_op reservations: decrease, populate, increase, exchange";

/* cmd's start extent: bits 6 and up (Xen's MEMOP_EXTENT_SHIFT, not a public name). */
#define MEMOP_EXTENT_SHIFT 6

#define TOT_START  16384L
#define MAX_PAGES  16640L       /* 65 MiB */
#define INVALID_M2P (~0UL)
#define PTE_RW(mfn) (((unsigned long)(mfn) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

static long mem(unsigned long cmd, void *arg)
{
    return HC2(__HYPERVISOR_memory_op, cmd, arg);
}

static long resv(unsigned long cmd, xen_pfn_t *list, unsigned long nr, unsigned order,
                 unsigned flags, domid_t dom)
{
    struct xen_memory_reservation r = {
        .nr_extents = nr, .extent_order = order, .mem_flags = flags, .domid = dom,
    };
    set_xen_guest_handle(r.extent_start, list);
    return mem(cmd, &r);
}

static long decrease(xen_pfn_t mfn)
{
    return resv(XENMEM_decrease_reservation, &mfn, 1, 0, 0, DOMID_SELF);
}

static long cur(void)
{
    domid_t self = DOMID_SELF;
    return mem(XENMEM_current_reservation, &self);
}

/* Expected tot_pages, tracked through the test. */
static long tot = TOT_START;
#define CHECK_TOT() do {                                                    \
        long c_ = cur();                                                    \
        CHECK(c_ == tot, "%s:%d: current_reservation %ld, expected %ld",    \
              __FILE__, __LINE__, c_, tot);                                 \
    } while (0)

/* A frame of ours that nothing maps. */
static unsigned long free_mfn(void)
{
    return p2m()[alloc_pfn()];
}

static bool zeroed(const volatile uint64_t *p)
{
    for (unsigned i = 0; i < 512; i++)
        if (p[i])
            return false;
    return true;
}

static void test_queries(void)
{
    domid_t self = DOMID_SELF;
    CHECK_TOT();
    /* dom0_mem=...,max:65M sets the limit (the memory test sees ~0U without max:). */
    CHECK_RC(mem(XENMEM_maximum_reservation, &self), MAX_PAGES);
    /* Queries take no start extent: -EINVAL. */
    CHECK_RC(mem(XENMEM_current_reservation | (1 << MEMOP_EXTENT_SHIFT), &self), -XEN_EINVAL);
    CHECK_RC(mem(XENMEM_maximum_ram_page | (1 << MEMOP_EXTENT_SHIFT), NULL), -XEN_EINVAL);
    /* The x86 sub-ops match the whole cmd: with a start extent they are unknown. */
    struct xen_machphys_mapping mp;
    CHECK_RC(mem(XENMEM_machphys_mapping | (1 << MEMOP_EXTENT_SHIFT), &mp), -XEN_ENOSYS);
}

static void test_decrease(void)
{
    /* A frame nothing uses goes at once: tot_pages drops, its M2P entry is cleared. */
    unsigned long a = free_mfn();
    CHECK(M2P[a] != INVALID_M2P, "M2P of a dom0 frame is invalid");
    CHECK_RC(decrease(a), 1);
    tot--;
    CHECK_TOT();
    CHECK(M2P[a] == INVALID_M2P, "M2P[%#lx] = %#lx after decrease", a, M2P[a]);
    /* It is no longer ours: giving it back again does nothing. */
    CHECK_RC(decrease(a), 0);
    /* Nor can it be mapped any more. */
    CHECK_RC(update_va_mapping(scratch_va(0), PTE_RW(a), UVMF_INVLPG), -XEN_EBUSY);

    /* A list stops at the first frame that is not ours: Xen's own frame 0, a frame beyond RAM. */
    unsigned long b = free_mfn(), c = free_mfn();
    xen_pfn_t list[3] = { b, 0, c };
    CHECK_RC(resv(XENMEM_decrease_reservation, list, 3, 0, 0, DOMID_SELF), 1);
    tot--;
    CHECK_TOT();
    list[0] = c;
    list[1] = 1UL << 40;
    CHECK_RC(resv(XENMEM_decrease_reservation, list, 2, 0, 0, DOMID_SELF), 1);
    tot--;
    CHECK_TOT();

    /* An order-1 extent gives back two frames from its first gmfn (any two of ours in a row). */
    unsigned long d0 = 0;
    for (int tries = 0; tries < 64 && !d0; tries++) {
        unsigned long pfn = alloc_pfn();
        if (p2m()[pfn + 1] == p2m()[pfn] + 1) {
            d0 = p2m()[pfn];
            alloc_pfn();
        }
    }
    CHECK(d0, "no two dom0 frames in a row");
    xen_pfn_t e = d0;
    CHECK_RC(resv(XENMEM_decrease_reservation, &e, 1, 1, 0, DOMID_SELF), 1);
    tot -= 2;
    CHECK_TOT();
    CHECK(M2P[d0] == INVALID_M2P && M2P[d0 + 1] == INVALID_M2P, "order-1 decrease left M2P entries");
    /* An extent whose second frame is gone already: its first frame goes, the extent does not count. */
    unsigned long h0 = 0;
    for (int tries = 0; tries < 64 && !h0; tries++) {
        unsigned long pfn = alloc_pfn();
        if (p2m()[pfn + 1] == p2m()[pfn] + 1) {
            h0 = p2m()[pfn];
            alloc_pfn();
        }
    }
    CHECK(h0, "no two dom0 frames in a row");
    CHECK_RC(decrease(h0 + 1), 1);
    e = h0;
    CHECK_RC(resv(XENMEM_decrease_reservation, &e, 1, 1, 0, DOMID_SELF), 0);
    tot -= 2;
    CHECK_TOT();
    CHECK(M2P[h0] == INVALID_M2P, "first frame of a half-done extent kept its M2P entry");

    /*
     * The start extent in cmd >> MEMOP_EXTENT_SHIFT: entries before it are
     * not even read, and the count returned includes them.
     */
    unsigned long f = free_mfn();
    list[0] = 0xdeadbeefUL;
    list[1] = f;
    CHECK_RC(resv(XENMEM_decrease_reservation | (1 << MEMOP_EXTENT_SHIFT), list, 2, 0, 0, DOMID_SELF), 2);
    tot--;
    CHECK_TOT();
    /* A start at or beyond nr_extents does nothing and returns the start. */
    CHECK_RC(resv(XENMEM_decrease_reservation | (5 << MEMOP_EXTENT_SHIFT), list, 2, 0, 0, DOMID_SELF), 5);

    /* Errors are not errnos: the count of extents done (0, or the start extent). */
    unsigned long g = free_mfn();
    xen_pfn_t gl = g;
    CHECK_RC(resv(XENMEM_decrease_reservation, &gl, 1, 19, 0, DOMID_SELF), 0);   /* order > 18 */
    CHECK_RC(resv(XENMEM_decrease_reservation, &gl, 1, 0, 0, 7), 0);            /* no domain 7 */
    CHECK_RC(resv(XENMEM_decrease_reservation, &gl, 1, 0, 0, DOMID_XEN), 0);
    CHECK_RC(resv(XENMEM_decrease_reservation, BAD_VA, 1, 0, 0, DOMID_SELF), 0);
    CHECK_RC(resv(XENMEM_decrease_reservation, (void *)HYPERVISOR_VIRT_START, 1, 0, 0, DOMID_SELF), 0);
    CHECK_RC(mem(XENMEM_decrease_reservation, BAD_VA), 0);
    CHECK_RC(mem(XENMEM_decrease_reservation | (3 << MEMOP_EXTENT_SHIFT), BAD_VA), 3);
    /* nr_extents must fit the continuation encoding (32 - 6 bits). */
    CHECK_RC(resv(XENMEM_decrease_reservation, &gl, 1UL << 26, 0, 0, DOMID_SELF), 0);
    CHECK_TOT();
    /* dom0 may name itself by number. */
    CHECK_RC(resv(XENMEM_decrease_reservation, &gl, 1, 0, 0, 0), 1);
    tot--;
    CHECK_TOT();
}

static void test_decrease_while_in_use(void)
{
    volatile uint64_t *va = (void *)scratch_va(0);

    /*
     * A mapped frame: decrease_reservation succeeds (the allocation reference
     * goes) but the frame lives on, still ours and counted, with its M2P
     * entry, until the mapping goes. This is Xen's guest_remove_page.
     */
    unsigned long pfn = alloc_pfn(), m = p2m()[pfn];
    CHECK_RC(update_va_mapping(scratch_va(0), PTE_RW(m), UVMF_INVLPG), 0);
    va[0] = 0x5555aaaa5555aaaaUL;
    CHECK_RC(decrease(m), 1);
    CHECK_TOT();
    CHECK(M2P[m] == pfn, "M2P of a mapped, given-back frame: %#lx", M2P[m]);
    CHECK(va[0] == 0x5555aaaa5555aaaaUL, "mapped frame lost its contents");
    /* Still ours to reference: a second decrease counts again but changes nothing. */
    CHECK_RC(decrease(m), 1);
    CHECK_TOT();
    /* Nor can it be traded: it is not held by its allocation alone. */
    xen_pfn_t in = m, out = pfn;
    struct xen_memory_exchange ex = {
        .in = { .nr_extents = 1, .domid = DOMID_SELF },
        .out = { .nr_extents = 1, .domid = DOMID_SELF },
    };
    set_xen_guest_handle(ex.in.extent_start, &in);
    set_xen_guest_handle(ex.out.extent_start, &out);
    CHECK_RC(mem(XENMEM_exchange, &ex), -XEN_EINVAL);
    CHECK(ex.nr_exchanged == 0, "nr_exchanged %lu", ex.nr_exchanged);
    /* The last mapping goes: now the frame is freed. */
    CHECK_RC(update_va_mapping(scratch_va(0), 0, UVMF_INVLPG), 0);
    tot--;
    CHECK_TOT();
    CHECK(M2P[m] == INVALID_M2P, "M2P[%#lx] = %#lx after the last unmap", m, M2P[m]);
    CHECK_RC(decrease(m), 0);

    /* A pinned page table: the same, freed at unpin. */
    unsigned long l1 = free_mfn();
    CHECK_RC(mmuext1(MMUEXT_CLEAR_PAGE, l1, 0), 0);
    CHECK_RC(mmuext1(MMUEXT_PIN_L1_TABLE, l1, 0), 0);
    CHECK_RC(decrease(l1), 1);
    CHECK_TOT();
    in = l1;
    CHECK_RC(mem(XENMEM_exchange, &ex), -XEN_EINVAL);
    CHECK_RC(mmuext1(MMUEXT_UNPIN_TABLE, l1, 0), 0);
    tot--;
    CHECK_TOT();
    CHECK_RC(mmuext1(MMUEXT_PIN_L1_TABLE, l1, 0), -XEN_EINVAL);
}

static void test_populate(void)
{
    volatile uint64_t *va = (void *)scratch_va(1);

    /* Memory for two gpfns: the mfns come back in the list, the M2P maps them to the gpfns. */
    unsigned long p0 = alloc_pfn(), p1 = alloc_pfn();
    CHECK_RC(decrease(p2m()[p0]), 1);
    CHECK_RC(decrease(p2m()[p1]), 1);
    tot -= 2;
    xen_pfn_t list[4] = { p0, p1 };
    CHECK_RC(resv(XENMEM_populate_physmap, list, 2, 0, 0, DOMID_SELF), 2);
    tot += 2;
    CHECK_TOT();
    for (int i = 0; i < 2; i++) {
        unsigned long pfn = i ? p1 : p0;
        CHECK(list[i] != pfn && M2P[list[i]] == pfn, "populate: mfn %#lx, M2P %#lx, gpfn %#lx",
              list[i], M2P[list[i]], pfn);
        p2m()[pfn] = list[i];
        /* New memory is ours, writable and scrubbed. */
        CHECK_RC(update_va_mapping(scratch_va(1), PTE_RW(list[i]), UVMF_INVLPG), 0);
        CHECK(zeroed(va), "populated frame %#lx not zeroed", list[i]);
        va[3] = 3;
    }
    CHECK_RC(update_va_mapping(scratch_va(1), 0, UVMF_INVLPG), 0);

    /* An order-2 extent: four contiguous, aligned frames for gpfns g..g+3. */
    xen_pfn_t g = 0x7000000;    /* any gpfn: a PV guest's p2m is its own business */
    CHECK_RC(resv(XENMEM_populate_physmap, &g, 1, 2, 0, DOMID_SELF), 1);
    tot += 4;
    CHECK_TOT();
    CHECK((g & 3) == 0, "order-2 extent at %#lx", g);
    for (int k = 0; k < 4; k++)
        CHECK(M2P[g + k] == 0x7000000UL + k, "M2P[%#lx] = %#lx", g + k, M2P[g + k]);
    /* Give them back as one extent. */
    CHECK_RC(resv(XENMEM_decrease_reservation, &g, 1, 2, 0, DOMID_SELF), 1);
    tot -= 4;
    CHECK_TOT();

    /* Errors stop the count. */
    xen_pfn_t q = alloc_pfn();
    CHECK_RC(resv(XENMEM_populate_physmap, &q, 1, 19, 0, DOMID_SELF), 0);
    CHECK_RC(resv(XENMEM_populate_physmap, &q, 1, 0, 0, 7), 0);
    CHECK_RC(resv(XENMEM_populate_physmap, BAD_VA, 1, 0, 0, DOMID_SELF), 0);
    /* Populate-on-demand is not for a domain itself. */
    CHECK_RC(resv(XENMEM_populate_physmap, &q, 1, 0, XENMEMF_populate_on_demand, DOMID_SELF), 0);
    /* No node 70 (at most 64 exist); an exact request for absent node 1 finds no memory. */
    CHECK_RC(resv(XENMEM_populate_physmap, &q, 1, 0, XENMEMF_node(70), DOMID_SELF), 0);
    CHECK_RC(resv(XENMEM_populate_physmap, &q, 1, 0, XENMEMF_exact_node(1), DOMID_SELF), 0);
    /* An address limit inside the first page is refused outright. */
    CHECK_RC(resv(XENMEM_populate_physmap, &q, 1, 0, XENMEMF_address_bits(12), DOMID_SELF), 0);
    CHECK_TOT();
    /* Node 0 exactly, a preference for node 1, or a virtual node (no vNUMA: ignored) all work. */
    xen_pfn_t ql[3] = { q, q, q };
    CHECK_RC(resv(XENMEM_populate_physmap, &ql[0], 1, 0, XENMEMF_exact_node(0), DOMID_SELF), 1);
    CHECK_RC(resv(XENMEM_populate_physmap, &ql[1], 1, 0, XENMEMF_node(1), DOMID_SELF), 1);
    CHECK_RC(resv(XENMEM_populate_physmap, &ql[2], 1, 0, XENMEMF_vnode | XENMEMF_node(5), DOMID_SELF), 1);
    tot += 3;
    CHECK_TOT();
    CHECK_RC(resv(XENMEM_decrease_reservation, ql, 3, 0, 0, DOMID_SELF), 3);
    tot -= 3;
    CHECK_TOT();
}

static void test_increase(void)
{
    /* increase_reservation: mfns in the list, and no M2P entry (Xen sets none). */
    xen_pfn_t list[2] = { 0, 0 };
    CHECK_RC(resv(XENMEM_increase_reservation, list, 2, 0, 0, DOMID_SELF), 2);
    tot += 2;
    CHECK_TOT();
    CHECK(M2P[list[0]] == INVALID_M2P && M2P[list[1]] == INVALID_M2P,
          "increase: M2P %#lx %#lx", M2P[list[0]], M2P[list[1]]);
    CHECK_RC(resv(XENMEM_decrease_reservation, list, 2, 0, 0, DOMID_SELF), 2);
    tot -= 2;

    /* Below 16 MiB (XENMEMF_address_bits(24)): every frame of the extent. */
    xen_pfn_t low = 0;
    CHECK_RC(resv(XENMEM_increase_reservation, &low, 1, 3, XENMEMF_address_bits(24), DOMID_SELF), 1);
    CHECK(low && low + 8 <= (1UL << 12) && !(low & 7), "order-3 extent below 16 MiB at %#lx", low);
    tot += 8;
    CHECK_TOT();
    CHECK_RC(resv(XENMEM_decrease_reservation, &low, 1, 3, 0, DOMID_SELF), 1);
    tot -= 8;
    /* 13 bits leaves frames 0 and 1, which are never free: nothing. */
    CHECK_RC(resv(XENMEM_increase_reservation, &low, 1, 0, XENMEMF_address_bits(13), DOMID_SELF), 0);
    /* A limit above all RAM is no limit. */
    CHECK_RC(resv(XENMEM_increase_reservation, &low, 1, 0, XENMEMF_address_bits(40), DOMID_SELF), 1);
    CHECK_RC(resv(XENMEM_decrease_reservation, &low, 1, 0, 0, DOMID_SELF), 1);
    /* Without a list the frames are allocated all the same, just not reported. */
    CHECK_RC(resv(XENMEM_increase_reservation, NULL, 1, 0, 0, DOMID_SELF), 1);
    tot++;
    CHECK_TOT();
    CHECK_RC(resv(XENMEM_increase_reservation, list, 1, 19, 0, DOMID_SELF), 0);
    CHECK_RC(resv(XENMEM_increase_reservation, list, 1, 0, 0, DOMID_XEN), 0);
    CHECK_TOT();
    /*
     * A list that cannot be written: the extent is allocated (and stays the
     * domain's) before its mfn fails to go back, so it is not counted, yet
     * tot_pages grew. Xen does the same.
     */
    CHECK_RC(resv(XENMEM_increase_reservation, BAD_VA, 1, 0, 0, DOMID_SELF), 0);
    tot++;
    CHECK_TOT();
}

static void test_max_pages(void)
{
    /* Fill up to max_pages: the count stops exactly there. */
    static xen_pfn_t list[400];
    long room = MAX_PAGES - tot;
    CHECK(room > 0 && room + 8 < 400, "room %ld", room);
    if (room <= 0 || room + 8 >= 400)
        return;
    CHECK_RC(resv(XENMEM_increase_reservation, list, room + 8, 0, 0, DOMID_SELF), room);
    tot = MAX_PAGES;
    CHECK_TOT();
    xen_pfn_t one = alloc_pfn();
    CHECK_RC(resv(XENMEM_increase_reservation, &one, 1, 0, 0, DOMID_SELF), 0);
    CHECK_RC(resv(XENMEM_populate_physmap, &one, 1, 0, 0, DOMID_SELF), 0);
    CHECK_TOT();
    /* An exchange gives as many frames as it takes: max_pages does not stop it. */
    struct xen_memory_exchange ex = {
        .in = { .nr_extents = 1, .domid = DOMID_SELF },
        .out = { .nr_extents = 1, .domid = DOMID_SELF },
    };
    xen_pfn_t in = list[1], out = 0x400;
    set_xen_guest_handle(ex.in.extent_start, &in);
    set_xen_guest_handle(ex.out.extent_start, &out);
    CHECK_RC(mem(XENMEM_exchange, &ex), 0);
    CHECK(out != list[1] && M2P[out] == 0x400, "exchange at max_pages: %#lx", out);
    list[1] = out;
    CHECK_TOT();
    /* One frame of room is not enough for an order-1 extent. */
    CHECK_RC(decrease(list[0]), 1);
    tot--;
    one = alloc_pfn();
    CHECK_RC(resv(XENMEM_populate_physmap, &one, 1, 1, 0, DOMID_SELF), 0);
    CHECK_RC(resv(XENMEM_populate_physmap, &one, 1, 0, 0, DOMID_SELF), 1);
    tot++;
    CHECK_TOT();
    /* Give it all back. */
    CHECK_RC(decrease(one), 1);
    CHECK_RC(resv(XENMEM_decrease_reservation, &list[1], room - 1, 0, 0, DOMID_SELF), room - 1);
    tot -= room;
    CHECK_TOT();
}

static long exchange(struct xen_memory_exchange *ex, xen_pfn_t *in, unsigned long nin, unsigned in_order,
                     xen_pfn_t *out, unsigned long nout, unsigned out_order, unsigned out_flags)
{
    *ex = (struct xen_memory_exchange){
        .in = { .nr_extents = nin, .extent_order = in_order, .domid = DOMID_SELF },
        .out = { .nr_extents = nout, .extent_order = out_order, .mem_flags = out_flags,
                 .domid = DOMID_SELF },
    };
    set_xen_guest_handle(ex->in.extent_start, in);
    set_xen_guest_handle(ex->out.extent_start, out);
    return mem(XENMEM_exchange, ex);
}

static void test_exchange(void)
{
    struct xen_memory_exchange ex;
    volatile uint64_t *va = (void *)scratch_va(2);

    /*
     * Linux's xen_create_contiguous_region: 2^k single frames for one
     * contiguous extent below a DMA limit, mapped at the first one's gpfn.
     */
    unsigned long gpfn = alloc_pfn();
    xen_pfn_t in[8] = { p2m()[gpfn], free_mfn(), free_mfn(), free_mfn() };
    xen_pfn_t old[4];
    memcpy(old, in, sizeof(old));
    xen_pfn_t out = gpfn;
    CHECK_RC(exchange(&ex, in, 4, 0, &out, 1, 2, XENMEMF_address_bits(32)), 0);
    CHECK(ex.nr_exchanged == 4, "nr_exchanged %lu", ex.nr_exchanged);
    CHECK_TOT();    /* as many frames came as went */
    CHECK(out != gpfn && !(out & 3) && out < (1UL << 20), "exchanged extent at %#lx", out);
    for (int k = 0; k < 4; k++) {
        CHECK(M2P[out + k] == gpfn + k, "M2P[new + %d] = %#lx", k, M2P[out + k]);
        CHECK(M2P[old[k]] == INVALID_M2P, "M2P[old %#lx] = %#lx", old[k], M2P[old[k]]);
        CHECK_RC(update_va_mapping(scratch_va(2), PTE_RW(out + k), UVMF_INVLPG), 0);
        CHECK(zeroed(va), "exchanged frame not zeroed");
        /* The old frames are gone: neither mappable nor ours to give back. */
        CHECK_RC(update_va_mapping(scratch_va(2), PTE_RW(old[k]), UVMF_INVLPG), -XEN_EBUSY);
        CHECK_RC(decrease(old[k]), 0);
    }
    CHECK_RC(update_va_mapping(scratch_va(2), 0, UVMF_INVLPG), 0);

    /* The other way: one order-2 extent for four single frames below 16 MiB. */
    xen_pfn_t big = out, outs[4] = { 0x100, 0x101, 0x102, 0x103 };
    CHECK_RC(exchange(&ex, &big, 1, 2, outs, 4, 0, XENMEMF_address_bits(24)), 0);
    CHECK(ex.nr_exchanged == 1, "nr_exchanged %lu", ex.nr_exchanged);
    for (int k = 0; k < 4; k++)
        CHECK(outs[k] < (1UL << 12) && M2P[outs[k]] == 0x100UL + k, "out %d: mfn %#lx M2P %#lx",
              k, outs[k], M2P[outs[k]]);
    CHECK_TOT();

    /* Two chunks; the second holds a frame that is not ours: the first stays done. */
    xen_pfn_t in2[2] = { outs[0], 0 }, out2[2] = { 0x200, 0x201 };
    CHECK_RC(exchange(&ex, in2, 2, 0, out2, 2, 0, 0), -XEN_EINVAL);
    CHECK(ex.nr_exchanged == 1, "partial exchange: nr_exchanged %lu", ex.nr_exchanged);
    CHECK(M2P[out2[0]] == 0x200, "first chunk's frame M2P %#lx", M2P[out2[0]]);
    CHECK_RC(decrease(outs[0]), 0);     /* traded away */
    CHECK_TOT();

    /* A failed chunk gives every stolen frame back, unchanged. */
    va = (void *)scratch_va(3);
    CHECK_RC(update_va_mapping(scratch_va(3), PTE_RW(outs[2]), UVMF_INVLPG), 0);
    va[0] = 0x77;
    xen_pfn_t in3[4] = { outs[1], outs[2], outs[3], out2[0] }, out3 = 0x300;
    CHECK_RC(exchange(&ex, in3, 4, 0, &out3, 1, 2, 0), -XEN_EINVAL);    /* outs[2] is mapped */
    CHECK(ex.nr_exchanged == 0, "nr_exchanged %lu", ex.nr_exchanged);
    CHECK(M2P[outs[1]] == 0x101 && M2P[outs[2]] == 0x102 && va[0] == 0x77, "stolen frames not restored");
    CHECK_RC(update_va_mapping(scratch_va(3), 0, UVMF_INVLPG), 0);
    CHECK_TOT();
    /* No memory where asked (frames 0-1 only; an absent node): -ENOMEM, nothing traded. */
    CHECK_RC(exchange(&ex, in3, 4, 0, &out3, 1, 2, XENMEMF_address_bits(13)), -XEN_ENOMEM);
    CHECK(ex.nr_exchanged == 0, "nr_exchanged %lu", ex.nr_exchanged);
    CHECK_RC(exchange(&ex, in3, 4, 0, &out3, 1, 2, XENMEMF_exact_node(1)), -XEN_ENOMEM);
    CHECK_TOT();
    /* Now it works, and the restored frames were ordinary ones again. */
    CHECK_RC(exchange(&ex, in3, 4, 0, &out3, 1, 2, 0), 0);
    CHECK(M2P[out3] == 0x300 && M2P[out3 + 3] == 0x303, "M2P after retry");
    CHECK_TOT();

    /* Argument errors. */
    xen_pfn_t f[2] = { free_mfn(), free_mfn() }, o = 0;
    CHECK_RC(exchange(&ex, f, 2, 0, &o, 1, 0, 0), -XEN_EINVAL);     /* 2 frames for 1 */
    CHECK_RC(exchange(&ex, f, 2, 0, &o, 1, 19, 0), -XEN_EPERM);     /* order > 18 */
    CHECK_RC(exchange(&ex, f, 1, 19, &o, 1, 19, 0), -XEN_EPERM);
    CHECK_RC(exchange(&ex, f, 1, 0, &o, 1, 0, XENMEMF_node(99)), -XEN_EINVAL);
    exchange(&ex, f, 1, 0, &o, 1, 0, 0);    /* a good one to edit */
    CHECK_RC(ex.nr_exchanged, 1);
    ex.nr_exchanged = 0;
    ex.in.domid = 7;
    CHECK_RC(mem(XENMEM_exchange, &ex), -XEN_EINVAL);    /* in and out domains differ */
    ex.out.domid = 7;
    CHECK_RC(mem(XENMEM_exchange, &ex), -XEN_ESRCH);
    ex.in.domid = ex.out.domid = DOMID_XEN;
    CHECK_RC(mem(XENMEM_exchange, &ex), -XEN_ESRCH);
    ex.in.domid = ex.out.domid = DOMID_SELF;
    ex.nr_exchanged = 2;
    CHECK_RC(mem(XENMEM_exchange, &ex), -XEN_EINVAL);    /* beyond nr_extents */
    CHECK(ex.nr_exchanged == 2, "nr_exchanged %lu written back", ex.nr_exchanged);
    ex.nr_exchanged = 1;
    CHECK_RC(mem(XENMEM_exchange, &ex), 0);               /* all done already */
    CHECK_RC(mem(XENMEM_exchange | (1 << MEMOP_EXTENT_SHIFT), &ex), -XEN_EINVAL);
    CHECK_RC(mem(XENMEM_exchange, BAD_VA), -XEN_EFAULT);
    /*
     * Frames that cannot be traded: not RAM, Xen's, given back just now
     * (a freed frame may soon be handed out again, to anyone).
     */
    xen_pfn_t bad[3] = { 1UL << 40, 0, free_mfn() };
    CHECK_RC(decrease(bad[2]), 1);
    tot--;
    for (int i = 0; i < 3; i++) {
        CHECK_RC(exchange(&ex, &bad[i], 1, 0, &o, 1, 0, 0), -XEN_EINVAL);
        CHECK(ex.nr_exchanged == 0, "nr_exchanged %lu", ex.nr_exchanged);
    }
    /* Unreadable lists: in Xen's range at once, elsewhere when the entry is read. */
    CHECK_RC(exchange(&ex, (void *)HYPERVISOR_VIRT_START, 1, 0, &o, 1, 0, 0), -XEN_EFAULT);
    CHECK_RC(exchange(&ex, f + 1, 1, 0, (void *)HYPERVISOR_VIRT_START, 1, 0, 0), -XEN_EFAULT);
    CHECK_RC(exchange(&ex, BAD_VA, 1, 0, &o, 1, 0, 0), -XEN_EFAULT);
    CHECK(ex.nr_exchanged == 0, "nr_exchanged %lu", ex.nr_exchanged);
    CHECK_TOT();
}

/*
 * Frames given back full of data, then idle time, then memory asked for
 * again: on Mica every frame comes back zeroed, whether the idle scrubber
 * or the allocation cleared it. Which frames come back is the allocator's
 * choice (scrubbed blocks first), so whether they include the ones given
 * back is only reported; the scrubber's own bookkeeping is unit-tested
 * with modelled frame contents (tests/unit/test_page_alloc.c). Xen 4.17
 * scrubs only a dying domain's memory (a live domain is to clear what it
 * gives back if it cares): there frames may come back as they were, which
 * is reported, not failed.
 */
static void test_scrubbed_after_idle(void)
{
    enum { N = 16, GET = 240 };
    volatile uint64_t *va = (void *)scratch_va(2);
    static unsigned long freed[N];
    static xen_pfn_t list[GET];

    for (int i = 0; i < N; i++) {
        freed[i] = p2m()[alloc_pfn()];
        CHECK_RC(update_va_mapping(scratch_va(2), PTE_RW(freed[i]), UVMF_INVLPG), 0);
        for (unsigned k = 0; k < 512; k++)
            va[k] = 0x5a5a5a5a00000000UL | k;
        CHECK_RC(update_va_mapping(scratch_va(2), 0, UVMF_INVLPG), 0);
        CHECK_RC(decrease(freed[i]), 1);
        tot--;
    }
    CHECK_TOT();
    /* 20 ms of idle: poll a port nobody signals. */
    struct evtchn_bind_ipi ipi = { .vcpu = 0 };
    CHECK_RC(evtchn_op(EVTCHNOP_bind_ipi, &ipi), 0);
    struct sched_poll poll = { .nr_ports = 1, .timeout = system_time_ns() + 20000000 };
    set_xen_guest_handle(poll.ports, &ipi.port);
    CHECK_RC(HC2(__HYPERVISOR_sched_op, SCHEDOP_poll, &poll), 0);
    /* Enough single frames that the allocator reaches the ones just freed. */
    long get = MAX_PAGES - tot < GET ? MAX_PAGES - tot : GET;
    for (long i = 0; i < get; i++)
        list[i] = 0x7100000 + i;       /* any gpfns: the p2m is the guest's business */
    CHECK_RC(resv(XENMEM_populate_physmap, list, get, 0, 0, DOMID_SELF), get);
    tot += get;
    CHECK_TOT();
    unsigned again = 0, dirty = 0;
    for (long i = 0; i < get; i++) {
        for (int k = 0; k < N; k++)
            again += list[i] == freed[k];
        CHECK_RC(update_va_mapping(scratch_va(2), PTE_RW(list[i]), UVMF_INVLPG), 0);
        dirty += !zeroed(va);
        CHECK_RC(update_va_mapping(scratch_va(2), 0, UVMF_INVLPG), 0);
    }
    printk("%u of the %d frames given back came back among %ld, %u not zeroed\n", again, N, get, dirty);
    if (on_mica())
        CHECK(dirty == 0, "%u frames populated after idle hold data", dirty);
    for (long i = 0; i < get; i++)
        CHECK_RC(decrease(list[i]), 1);
    tot -= get;
    CHECK_TOT();
}

void test_main(void)
{
    scratch_init();
    test_queries();
    test_decrease();
    test_decrease_while_in_use();
    test_populate();
    test_increase();
    test_max_pages();
    test_exchange();
    test_scrubbed_after_idle();
    printk("current_reservation %ld at the end\n", cur());
}
