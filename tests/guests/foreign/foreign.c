/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Foreign memory, as a domain builder and Linux's privcmd use it: dom0
 * creates a domain, gives it memory, maps its frames into dom0's own page
 * tables with mmu_update(foreigndom = its id), builds page tables in its
 * frames and pins them with mmuext_op(foreigndom), then destroys it while
 * still mapping some of its frames. Real Xen 4.17 is the oracle for every
 * result (xen/arch/x86/mm.c do_mmu_update/do_mmuext_op, get_page_from_l1e):
 *  - foreigndom's low 16 bits name pg_owner, the owner of the frames new
 *    L1 entries map; bits 16-31, when set, name pt_owner + 1, the owner
 *    of the tables changed (default: the caller);
 *  - a frame not owned by pg_owner is -EBUSY ("could not pin"), naming
 *    oneself by id or an unknown domain -ESRCH;
 *  - the references a foreign entry holds keep the frame alive after its
 *    domain is destroyed, until the entry goes.
 * The unprivileged side (-EPERM) cannot be run here: on Xen the boot
 * domain is always privileged.
 */
#include "../lib/guest.h"
#include <public/domctl.h>
#include <public/event_channel.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/sysctl.h>
#include <public/version.h>

const char test_title[] = "foreign mmu_update/mmuext_op: another domain's frames and page tables";

#define PTE_RW(mfn) (((unsigned long)(mfn) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PTE_RO(mfn) (((unsigned long)(mfn) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED)
#define PF_W EXINFO(X86_EXC_PF, 3)

#define NFRAMES 9                       /* frames[8]: the crashing guest's GDT */
static xen_pfn_t frames[NFRAMES];       /* the new domain's machine frames */
static domid_t dom;
static char own_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));   /* a frame of dom0's */

/* ---- control-domain helpers ---- */

static struct xen_domctl dop(uint32_t cmd, domid_t d)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op.domain = d;
    return op;
}

static long domctl(struct xen_domctl *op)
{
    return HC1(__HYPERVISOR_domctl, op);
}

static long create(domid_t *id)
{
    struct xen_domctl op = dop(XEN_DOMCTL_createdomain, 0);
    op.u.createdomain.max_vcpus = 1;
    op.u.createdomain.max_evtchn_port = 1023;
    op.u.createdomain.max_grant_frames = 4;
    op.u.createdomain.max_maptrack_frames = -1;
    op.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
    long rc = domctl(&op);
    *id = op.domain;
    return rc;
}

static long info(domid_t d, struct xen_domctl_getdomaininfo *out, domid_t *found)
{
    struct xen_domctl op = dop(XEN_DOMCTL_getdomaininfo, d);
    long rc = domctl(&op);
    *out = op.u.getdomaininfo;
    *found = op.domain;
    return rc;
}

static uint64_t free_pages(void)
{
    struct xen_sysctl op;
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_SYSCTL_physinfo;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    CHECK_RC(HC1(__HYPERVISOR_sysctl, &op), 0);
    return op.u.physinfo.free_pages;
}

/* ---- MMU helpers (foreigndom is 32 bits: pt_owner lives above bit 16) ---- */

static unsigned long l1e_ma(unsigned idx)
{
    return (scratch_l1_mfn << PAGE_SHIFT) + idx * 8;
}

static long mmu1(unsigned long ptr, unsigned long val, unsigned int foreigndom)
{
    mmu_update_t u = { .ptr = ptr, .val = val };
    return HC4(__HYPERVISOR_mmu_update, &u, 1, NULL, foreigndom);
}

static long ext1(unsigned cmd, unsigned long mfn, unsigned int foreigndom)
{
    mmuext_op_t op;
    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.arg1.mfn = mfn;
    return HC4(__HYPERVISOR_mmuext_op, &op, 1, NULL, foreigndom);
}

/*
 * mmu_update on an L1 leaves the TLB to the guest (Xen flushes only for
 * upper levels): the helpers flush the slot they changed, as Linux does.
 */
static long flushed(unsigned i, long rc)
{
    CHECK_RC(mmuext1(MMUEXT_INVLPG_LOCAL, scratch_va(i), 0), 0);
    return rc;
}

/* Map a frame of the new domain at scratch slot i (dom0's own L1, pg_owner = dom). */
static long map_foreign(unsigned i, unsigned long pte)
{
    return flushed(i, mmu1(l1e_ma(i) | MMU_NORMAL_PT_UPDATE, pte, dom));
}

static long unmap(unsigned i)
{
    return flushed(i, mmu1(l1e_ma(i) | MMU_NORMAL_PT_UPDATE, 0, DOMID_SELF));
}

static unsigned long write_probe(unsigned long va)
{
    unsigned long ex = 0;
    __asm__ volatile("1: movq $0, (%[va]); 2:" _ASM_EXTABLE(1b, 2b)
                     : "+a"(ex) : [va] "r"(va) : "memory");
    return ex;
}

static volatile uint64_t *page(unsigned i)
{
    return (volatile uint64_t *)scratch_va(i);
}

/* ---- the tests ---- */

static void setup(void)
{
    CHECK_RC(create(&dom), 0);
    struct xen_domctl op = dop(XEN_DOMCTL_max_vcpus, dom);
    op.u.max_vcpus.max = 1;
    CHECK_RC(domctl(&op), 0);
    op = dop(XEN_DOMCTL_max_mem, dom);
    op.u.max_mem.max_memkb = 1024;
    CHECK_RC(domctl(&op), 0);
    /* A PV domain's frames: populate_physmap writes their machine numbers back. */
    for (unsigned i = 0; i < NFRAMES; i++)
        frames[i] = i;
    struct xen_memory_reservation r = { .nr_extents = NFRAMES, .extent_order = 0, .domid = dom };
    set_xen_guest_handle(r.extent_start, frames);
    CHECK_RC(HC2(__HYPERVISOR_memory_op, XENMEM_populate_physmap, &r), NFRAMES);
}

/* Who may be named, and whose frames: checked before anything is changed. */
static void test_owner_errors(void)
{
    unsigned long own = virt_to_mfn(own_page);

    /* Naming oneself by id (get_pg_owner: never oneself), an unknown domain: -ESRCH. */
    CHECK_RC(mmu1(l1e_ma(0), PTE_RW(own), 0), -XEN_ESRCH);
    CHECK_RC(mmu1(l1e_ma(0), PTE_RW(frames[0]), 1000), -XEN_ESRCH);
    /* An unknown pt_owner (id + 1 in bits 16-31): -ESRCH too. */
    CHECK_RC(mmu1(l1e_ma(0), PTE_RW(own), DOMID_SELF | (1001u << 16)), -XEN_ESRCH);
    /* No request, a valid foreign domain: nothing to refuse. */
    CHECK_RC(HC4(__HYPERVISOR_mmu_update, NULL, 0, NULL, dom), 0);

    /* The frame must be pg_owner's: ours named as the new domain's, and the reverse. */
    CHECK_RC(map_foreign(0, PTE_RW(own)), -XEN_EBUSY);
    CHECK_RC(mmu1(l1e_ma(0), PTE_RW(frames[0]), DOMID_SELF), -XEN_EBUSY);
    /* DOMID_IO owns no RAM: a RAM frame through it is refused the same way. */
    CHECK_RC(mmu1(l1e_ma(0), PTE_RO(frames[0]), DOMID_IO), -XEN_EBUSY);
    CHECK_RC(mmu1(l1e_ma(0), PTE_RO(own), DOMID_IO), -XEN_EBUSY);
    CHECK(scratch_l1()[0] == 0, "a refused update changed the entry: %#lx", scratch_l1()[0]);

    /* Upper-level entries only when pg_owner is pt_owner: -EINVAL. */
    unsigned long l2e = pte_maddr(scratch_va(0), 2);
    CHECK_RC(mmu1(l2e, pte_read(scratch_va(0), 2), dom), -XEN_EINVAL);

    /* mmuext_op: an unknown domain or oneself by id is -ESRCH. */
    CHECK_RC(ext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 1000), -XEN_ESRCH);
    CHECK_RC(ext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), -XEN_ESRCH);
    /* Ops on the caller itself with a foreign domain named: -EPERM. */
    CHECK_RC(ext1(MMUEXT_TLB_FLUSH_LOCAL, 0, dom), -XEN_EPERM);
    CHECK_RC(ext1(MMUEXT_NEW_BASEPTR, frames[4], dom), -XEN_EPERM);
}

static void test_map(void)
{
    volatile uint64_t *a = page(0);

    /* privcmd's mapping: the control domain's L1, the guest's frame. */
    CHECK_RC(map_foreign(0, PTE_RW(frames[0])), 0);
    a[0] = 0x0123456789abcdefUL;
    a[511] = 0x5a5a;
    CHECK(a[0] == 0x0123456789abcdefUL && a[511] == 0x5a5a, "read-back through the foreign mapping");

    /*
     * The same entry rewritten as it is, even naming no foreign domain:
     * the frame and its access are unchanged, so the references the entry
     * holds still stand (Xen's fast path needs no new reference).
     */
    CHECK_RC(mmu1(l1e_ma(0) | MMU_PT_UPDATE_PRESERVE_AD, PTE_RW(frames[0]), dom), 0);
    CHECK_RC(flushed(0, mmu1(l1e_ma(0), PTE_RW(frames[0]), DOMID_SELF)), 0);
    /* Taking write access away is a new entry: it needs the right owner again. */
    CHECK_RC(mmu1(l1e_ma(0), PTE_RO(frames[0]), DOMID_SELF), -XEN_EBUSY);
    CHECK_RC(map_foreign(0, PTE_RO(frames[0])), 0);
    CHECK(write_probe(scratch_va(0)) == PF_W, "write through a read-only foreign mapping");
    CHECK(a[0] == 0x0123456789abcdefUL, "data after remapping read-only: %#lx", (unsigned long)a[0]);
    CHECK_RC(map_foreign(0, PTE_RW(frames[0])), 0);

    /* A frame mapped writable cannot become a page table, whoever pins it. */
    CHECK_RC(map_foreign(1, PTE_RW(frames[1])), 0);
    CHECK_RC(ext1(MMUEXT_PIN_L1_TABLE, frames[1], dom), -XEN_EINVAL);
    /* update_va_mapping_otherdomain: the same foreign rule, by address. */
    CHECK_RC(HC4(__HYPERVISOR_update_va_mapping_otherdomain, scratch_va(2), PTE_RW(frames[2]),
                 UVMF_INVLPG, dom), 0);
    page(2)[7] = 77;

    /* MMUEXT_CLEAR_PAGE / COPY_PAGE act on pg_owner's frames. */
    CHECK_RC(ext1(MMUEXT_CLEAR_PAGE, frames[3], dom), 0);
    CHECK_RC(ext1(MMUEXT_CLEAR_PAGE, frames[3], DOMID_SELF), -XEN_EINVAL);
    mmuext_op_t cp;
    memset(&cp, 0, sizeof(cp));
    cp.cmd = MMUEXT_COPY_PAGE;
    cp.arg1.mfn = frames[3];
    cp.arg2.src_mfn = frames[0];
    CHECK_RC(HC4(__HYPERVISOR_mmuext_op, &cp, 1, NULL, dom), 0);
    CHECK_RC(map_foreign(3, PTE_RO(frames[3])), 0);
    CHECK(page(3)[0] == 0x0123456789abcdefUL && page(3)[511] == 0x5a5a, "copied page: %#lx",
          (unsigned long)page(3)[0]);
    CHECK_RC(unmap(3), 0);

    /*
     * pt_owner: the control domain writes into a frame of the guest that
     * is not a page table (an ordinary write), by naming it in bits 16-31.
     * A frame of its own is then not pt_owner's: -EINVAL.
     */
    unsigned int as_guest = DOMID_SELF | ((unsigned)(dom + 1) << 16);
    CHECK_RC(mmu1((frames[1] << PAGE_SHIFT) + 5 * 8, 0xfeedfaceUL, as_guest), 0);
    CHECK(page(1)[5] == 0xfeedfaceUL, "pt_owner write gave %#lx", (unsigned long)page(1)[5]);
    CHECK_RC(mmu1(virt_to_maddr(own_page), 1, as_guest), -XEN_EINVAL);

    /* M2P entries of the guest's frames: MACHPHYS_UPDATE names it as pg_owner. */
    CHECK_RC(mmu1((frames[2] << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, 0x77, dom), 0);
    CHECK(M2P[frames[2]] == 0x77, "M2P of the guest's frame: %#lx", M2P[frames[2]]);
    CHECK_RC(mmu1((virt_to_mfn(own_page) << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, 0x77, dom),
             -XEN_EINVAL);
    /* ... and only with the caller's own tables (no pt_owner): -EPERM. */
    CHECK_RC(mmu1((frames[2] << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, 2, dom | ((unsigned)(dom + 1) << 16)),
             -XEN_EPERM);
}

/* A domain with no vCPUs yet cannot be pt_owner (Xen's vCPUs come with max_vcpus). */
static void test_pt_owner_without_vcpus(void)
{
    domid_t d2;
    CHECK_RC(create(&d2), 0);
    CHECK_RC(mmu1(virt_to_maddr(own_page), 1, DOMID_SELF | ((unsigned)(d2 + 1) << 16)), -XEN_EINVAL);
    struct xen_domctl op = dop(XEN_DOMCTL_destroydomain, d2);
    CHECK_RC(domctl(&op), 0);
}

/*
 * A domain builder's page tables: L4 -> L3 -> L2 -> L1 in the guest's
 * frames 4..7, written through foreign mappings, then pinned by the
 * control domain. Validation takes the guest as the owner of every entry.
 */
static void write_entry(unsigned frame, unsigned idx, unsigned long val)
{
    CHECK_RC(map_foreign(4, PTE_RW(frames[frame])), 0);
    page(4)[idx] = val;
    CHECK_RC(unmap(4), 0);
}

static void test_pin(void)
{
    for (unsigned f = 4; f < 8; f++)
        CHECK_RC(ext1(MMUEXT_CLEAR_PAGE, frames[f], dom), 0);
    write_entry(4, 0, (frames[5] << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW);
    write_entry(5, 0, (frames[6] << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW);
    write_entry(6, 0, (frames[7] << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW);
    /*
     * First the L1 maps a frame of dom0's: not the guest's, so the pin
     * fails, with the errno of that bad L1 entry (-EBUSY), passed up
     * through the three levels above it.
     */
    write_entry(7, 0, PTE_RW(virt_to_mfn(own_page)));

    CHECK_RC(ext1(MMUEXT_PIN_L4_TABLE, frames[4], DOMID_SELF), -XEN_EINVAL);   /* not ours */
    CHECK_RC(ext1(MMUEXT_PIN_L4_TABLE, frames[4], dom), -XEN_EBUSY);
    write_entry(7, 0, PTE_RW(frames[0]));
    CHECK_RC(ext1(MMUEXT_PIN_L4_TABLE, frames[4], dom), 0);
    CHECK_RC(ext1(MMUEXT_PIN_L4_TABLE, frames[4], dom), -XEN_EINVAL);          /* pinned already */

    /* Now page tables: no writable mapping, but a read-only one shows the entry. */
    CHECK_RC(map_foreign(5, PTE_RW(frames[7])), -XEN_EBUSY);
    CHECK_RC(map_foreign(5, PTE_RO(frames[7])), 0);
    CHECK(PTE_MFN(page(5)[0]) == frames[0], "L1 entry %#lx", (unsigned long)page(5)[0]);
    CHECK_RC(unmap(5), 0);

    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, frames[4], DOMID_SELF), -XEN_EINVAL);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, frames[4], dom), 0);
    CHECK_RC(ext1(MMUEXT_UNPIN_TABLE, frames[4], dom), -XEN_EINVAL);
    /* Unpinned, the L1 is an ordinary frame again. */
    CHECK_RC(map_foreign(5, PTE_RW(frames[7])), 0);
    CHECK_RC(unmap(5), 0);
    /* Pinned again: destruction must take it down (the builder's usual state). */
    CHECK_RC(ext1(MMUEXT_PIN_L4_TABLE, frames[4], dom), 0);
}

/* VIRQ_DOM_EXC, the control domain's "some domain changed state". */
static unsigned int bind_dom_exc(void)
{
    struct evtchn_bind_virq b = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
    CHECK_RC(evtchn_op(EVTCHNOP_bind_virq, &b), 0);
    return b.port;
}

static bool take_pending(unsigned int port)
{
    shared_info_t *s = shared_info();
    unsigned long bit = 1UL << (port % 64);
    bool was = __atomic_fetch_and(&s->evtchn_pending[port / 64], ~bit, __ATOMIC_SEQ_CST) & bit;
    return was;
}

/*
 * A domU that crashes: the tables above get a code page (ud2 at 0x1000,
 * written into the pinned L1 with pt_owner = pg_owner = the guest), vCPU 0
 * a context that starts there with no trap table. The #UD has no handler,
 * so the hypervisor crashes the domain: it stops for good with
 * SHUTDOWN_crash, dom0 hears VIRQ_DOM_EXC, and dom0 itself runs on.
 */
static void test_crash(unsigned int port)
{
    CHECK_RC(map_foreign(3, PTE_RW(frames[3])), 0);
    page(3)[0] = 0xfeebUL;                      /* first "jmp ." : it runs, and keeps running */
    CHECK_RC(unmap(3), 0);
    unsigned int as_guest = dom | ((unsigned)(dom + 1) << 16);
    CHECK_RC(mmu1((frames[7] << PAGE_SHIFT) + 1 * 8, PTE_RO(frames[3]), as_guest), 0);
    /*
     * Naming dom0 as pg_owner for the guest's frame works too: a
     * privileged pg_owner that is not the table's owner passes its right
     * to map any domain's frame on (Xen's xsm_priv_mapping case).
     */
    CHECK_RC(mmu1((frames[7] << PAGE_SHIFT) + 2 * 8, PTE_RO(frames[3]),
                  DOMID_SELF | ((unsigned)(dom + 1) << 16)), 0);
    /* dom0's own frame into the guest's table: simply pg_owner's. */
    CHECK_RC(mmu1((frames[7] << PAGE_SHIFT) + 3 * 8, PTE_RO(virt_to_mfn(own_page)),
                  DOMID_SELF | ((unsigned)(dom + 1) << 16)), 0);

    static vcpu_guest_context_t ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.flags = VGCF_in_kernel | VGCF_online;
    ctx.user_regs.rip = 0x1000;
    ctx.user_regs.cs = FLAT_KERNEL_CS;
    ctx.user_regs.ss = FLAT_KERNEL_SS;
    ctx.user_regs.rsp = 0x3000;
    ctx.user_regs.rflags = 0x200;
    ctx.kernel_ss = FLAT_KERNEL_SS;
    ctx.kernel_sp = 0x3000;
    ctx.ctrlreg[3] = frames[4] << PAGE_SHIFT;
    /*
     * A GDT of its own (one zeroed frame, all null descriptors), so the
     * hypervisor sets up the vCPU's descriptor-table mappings; their page
     * tables must be back at destruction like everything else
     * (test_destroy counts every free page).
     */
    ctx.gdt_frames[0] = frames[8];
    ctx.gdt_ents = 512;
    struct xen_domctl op = dop(XEN_DOMCTL_setvcpucontext, dom);
    op.u.vcpucontext.vcpu = 0;
    set_xen_guest_handle(op.u.vcpucontext.ctxt, &ctx);
    CHECK_RC(domctl(&op), 0);

    take_pending(port);
    op = dop(XEN_DOMCTL_unpausedomain, dom);
    CHECK_RC(domctl(&op), 0);

    /* It spins: it gets CPU time, and stays up. */
    struct xen_domctl_getdomaininfo di;
    domid_t found;
    unsigned n = 0;
    do {
        HC2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
        CHECK_RC(info(dom, &di, &found), 0);
    } while (!di.cpu_time && ++n < 100000);
    CHECK(di.cpu_time && !(di.flags & XEN_DOMINF_shutdown), "d%u spinning: cpu_time %lu flags %#x",
          dom, di.cpu_time, di.flags);

    /* Paused (taken off its CPU), its code becomes ud2, and it runs again. */
    op = dop(XEN_DOMCTL_pausedomain, dom);
    CHECK_RC(domctl(&op), 0);
    CHECK_RC(map_foreign(3, PTE_RW(frames[3])), 0);
    page(3)[0] = 0x0b0f0b0f0b0f0b0fUL;         /* ud2; ud2; ... */
    CHECK_RC(unmap(3), 0);
    /* (Xen also raises VIRQ_DOM_EXC when a destroyed domain is finally freed: d2's may come now.) */
    take_pending(port);
    op = dop(XEN_DOMCTL_unpausedomain, dom);
    CHECK_RC(domctl(&op), 0);
    n = 0;
    while (info(dom, &di, &found) == 0 && !(di.flags & XEN_DOMINF_shutdown) && n < 100000) {
        HC2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
        n++;
    }
    CHECK((di.flags & XEN_DOMINF_shutdown) &&
          ((di.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask) == SHUTDOWN_crash,
          "d%u after its #UD: flags %#x", dom, di.flags);
    CHECK(!(di.flags & XEN_DOMINF_running), "d%u still running after its crash", dom);
    CHECK(take_pending(port), "no VIRQ_DOM_EXC for the crash");
    /* It stays stopped: more time changes nothing. */
    for (n = 0; n < 50; n++)
        HC2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
    CHECK_RC(info(dom, &di, &found), 0);
    CHECK((di.flags & XEN_DOMINF_shutdown) && !(di.flags & XEN_DOMINF_running),
          "d%u after more yields: flags %#x", dom, di.flags);
}

/*
 * Destroy while dom0 still maps three of its frames (one of them through
 * the pinned tables too): destroydomain succeeds, the domain lingers,
 * dying, and the frames keep their contents until dom0 lets go; then the
 * domain disappears and every page is back.
 */
static void test_destroy(uint64_t free_before, unsigned int port)
{
    take_pending(port);

    struct xen_domctl op = dop(XEN_DOMCTL_destroydomain, dom);
    CHECK_RC(domctl(&op), 0);
    CHECK(take_pending(port), "no VIRQ_DOM_EXC after destroydomain");

    struct xen_domctl_getdomaininfo di;
    domid_t found;
    CHECK_RC(info(dom, &di, &found), 0);
    CHECK(found == dom && (di.flags & XEN_DOMINF_dying), "d%u after destroy: found d%u flags %#x",
          dom, found, di.flags);
    CHECK(di.tot_pages == 3, "d%u still holds %lu pages (3 mapped by dom0)", dom, di.tot_pages);
    CHECK(page(0)[0] == 0x0123456789abcdefUL && page(2)[7] == 77 && page(1)[5] == 0xfeedfaceUL,
          "a mapped frame changed when its domain died");
    page(0)[1] = 1;     /* still ours to write */

    /* Let go: slot 0 by mmu_update, slot 1 by a direct write (writable page tables), slot 2 by address. */
    CHECK_RC(unmap(0), 0);
    CHECK_RC(HC2(__HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);
    ((volatile uint64_t *)scratch_l1())[1] = 0;
    CHECK(scratch_l1()[1] == 0, "direct clear left %#lx", scratch_l1()[1]);
    CHECK_RC(mmuext1(MMUEXT_INVLPG_LOCAL, scratch_va(1), 0), 0);
    CHECK_RC(update_va_mapping(scratch_va(2), 0, UVMF_INVLPG), 0);

    /* Xen frees the dead domain in an RCU callback: yield until it has run. */
    unsigned n = 0;
    while (info(dom, &di, &found) == 0 && found == dom && n < 100000) {
        HC2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
        n++;
    }
    CHECK(n < 100000, "d%u still there after its frames were unmapped", dom);
    uint64_t after = free_pages();
    for (n = 0; after != free_before && n < 20000; n++) {
        HC2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
        after = free_pages();
    }
    /*
     * Xen keeps one page it allocated for the first domain it ever created;
     * Mica gives back every page, the descriptor-table mappings of the
     * guest's GDT included, so there the count must be exact.
     */
    bool mica = on_mica();
    CHECK(after == free_before || (!mica && after == free_before - 1), "free pages %lu before, %lu after (%s)",
          free_before, after, mica ? "Mica: exact" : "Xen: one kept");
}

void test_main(void)
{
    trap_init();
    scratch_init();
    uint64_t free_before = free_pages();
    setup();
    test_owner_errors();
    test_map();
    test_pt_owner_without_vcpus();
    test_pin();
    unsigned int port = bind_dom_exc();
    test_crash(port);
    test_destroy(free_before, port);
}
