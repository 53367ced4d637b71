/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Mica's PV microbenchmark guest. It runs as dom0 on Mica and on real Xen
 * (same QEMU line) and times the hypervisor paths a PV kernel leans on, in
 * TSC cycles. Each benchmark prints one machine-readable line:
 *
 *   BENCH name=<id> median=<cycles> min=<cycles> p90=<cycles> n=<samples> unit=cycles [kind=calibration]
 *
 * or, when it cannot run, `BENCH name=<id> error=<what>`. Before each one
 * the guest prints `BENCH_BEGIN name=<id>`, so a run that dies half-way
 * shows which benchmark killed it. After the last: `BENCH_END count=<k>`
 * and the usual verdict line. tests/bench/run.py parses these lines;
 * adding a benchmark is adding a function to the table at the bottom.
 *
 * Every benchmark warms up first (caches, TLBs, lazily built state on both
 * sides), then records N single-operation samples and reports their median,
 * minimum and 90th percentile.
 *
 * dom0 command line (the rest of the module string): `only=a,b` runs just
 * those benchmarks, `skip=a,b` leaves those out.
 */
#include "../../guests/lib/guest.h"
#include <public/callback.h>
#include <public/version.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/io/ring.h>

const char test_title[] = "bench: PV microbenchmarks";

#define BENCH_SYSCALL_EXIT 0x5a5a       /* must match entry.S */
#define MAX_SAMPLES 10000

/* entry.S */
uint64_t bench_tsc_pair(void);
uint64_t bench_pf_once(const void *unmapped);
uint64_t bench_syscall_once(void);
uint64_t bench_null_hypercall_once(void);
extern char bench_pf_entry[], bench_syscall_iret_entry[], bench_syscall_sysret_entry[];
extern unsigned long bench_pf_fallback;

/* Written from guest user mode too: 64-bit PV kernel pages are user-accessible. */
static uint64_t samples[MAX_SAMPLES];

static inline uint64_t tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

/* ---- statistics ---- */

static void sift_down(uint64_t *a, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && a[child + 1] > a[child])
            child++;
        if (a[root] >= a[child])
            return;
        uint64_t t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void sort_u64(uint64_t *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (size_t end = n; end-- > 1;) {
        uint64_t t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end);
    }
}

static unsigned reported;

static void report(const char *name, uint64_t *s, size_t n, const char *extra)
{
    sort_u64(s, n);
    printk("BENCH name=%s median=%lu min=%lu p90=%lu n=%lu unit=cycles%s%s\n", name,
           (unsigned long)s[n / 2], (unsigned long)s[0], (unsigned long)s[n * 9 / 10],
           (unsigned long)n, extra ? " " : "", extra ? extra : "");
    reported++;
}

static void report_error(const char *name, const char *what, long rc)
{
    printk("BENCH name=%s error=%s(rc=%ld)\n", name, what, rc);
    fail("%s: %s returned %ld", name, what, rc);
}

/* ---- the benchmarks ---- */

/* Cost of taking two timestamps back to back: the floor under every row. */
static void bench_tsc_overhead(const char *name)
{
    const size_t n = 10000;
    for (size_t i = 0; i < 1000; i++)
        bench_tsc_pair();
    for (size_t i = 0; i < n; i++)
        samples[i] = bench_tsc_pair();
    report(name, samples, n, "kind=calibration");
}

/*
 * Pure guest work, no hypervisor involved: 1000 turns of a tight loop. Under
 * TCG this runs at the host's current speed, like the hypervisors' own code,
 * so its Mica/Xen ratio shows whether the runs compared ran on an equally
 * fast (equally loaded) machine. It should be 1.00.
 */
static uint64_t guest_loop_once(void)
{
    uint64_t t0 = tsc();
    unsigned long k = 1000;
    __asm__ volatile("1: dec %0; jnz 1b" : "+r"(k) :: "cc");
    return tsc() - t0;
}

static void bench_guest_loop(const char *name)
{
    const size_t n = 2000;
    for (size_t i = 0; i < 200; i++)
        guest_loop_once();
    for (size_t i = 0; i < n; i++)
        samples[i] = guest_loop_once();
    report(name, samples, n, "kind=calibration");
}

/* The cheapest hypercall there is: xen_version(XENVER_version, NULL). */
static void bench_null_hypercall(const char *name)
{
    const size_t n = 10000;
    long rc = HC2(__HYPERVISOR_xen_version, XENVER_version, 0);
    if (rc < 0)
        { report_error(name, "xen_version", rc); return; }
    for (size_t i = 0; i < 1000; i++)
        bench_null_hypercall_once();
    for (size_t i = 0; i < n; i++)
        samples[i] = bench_null_hypercall_once();
    report(name, samples, n, NULL);
}

/*
 * update_va_mapping of one PTE with UVMF_INVLPG: each call replaces the
 * mapping of a scratch page, alternating between two frames (one old
 * reference dropped, one new taken, one TLB entry flushed).
 */
static void bench_update_va_mapping(const char *name)
{
    const size_t n = 5000;
    scratch_init();
    unsigned long va = scratch_va(0);
    uint64_t pte[2];
    for (int k = 0; k < 2; k++)
        pte[k] = (p2m()[alloc_pfn()] << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW |
                 _PAGE_ACCESSED | _PAGE_DIRTY;
    long rc;
    for (size_t i = 0; i < 500; i++) {
        rc = update_va_mapping(va, pte[i & 1], UVMF_INVLPG);
        if (rc)
            { report_error(name, "update_va_mapping", rc); return; }
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t t0 = tsc();
        rc = update_va_mapping(va, pte[i & 1], UVMF_INVLPG);
        uint64_t t1 = tsc();
        if (rc)
            { report_error(name, "update_va_mapping", rc); return; }
        samples[i] = t1 - t0;
    }
    rc = update_va_mapping(va, 0, UVMF_INVLPG);
    if (rc)
        report_error(name, "update_va_mapping(unmap)", rc);
    report(name, samples, n, NULL);
}

/*
 * mmu_update with 512 MMU_NORMAL_PT_UPDATE requests filling (then
 * clearing) every slot of an L1 of our own: one batch maps 2 MiB of
 * distinct frames, the next unmaps them. Both directions are reported.
 */
static mmu_update_t map_req[512], unmap_req[512];
static uint64_t unmap_samples[1000];

static void bench_mmu_update_512(const char *name)
{
    const size_t n = 200;
    scratch_init();
    /* Our L1 serves the 2 MiB after the scratch L1's range (still unmapped). */
    unsigned long base = scratch_va(0) + (512UL << PAGE_SHIFT);
    if (pte_read(base, 2) & _PAGE_PRESENT)
        { report_error(name, "no_free_2MiB_range", -1); return; }
    unsigned long l1_mfn = p2m()[alloc_pfn()];
    long rc = mmuext1(MMUEXT_CLEAR_PAGE, l1_mfn, 0);
    if (rc)
        { report_error(name, "CLEAR_PAGE", rc); return; }
    mmu_update_t hook = {
        .ptr = pte_maddr(base, 2) | MMU_NORMAL_PT_UPDATE,
        .val = (l1_mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED,
    };
    rc = mmu_update(&hook, 1, NULL, DOMID_SELF);
    if (rc)
        { report_error(name, "hooking the L1", rc); return; }
    for (unsigned i = 0; i < 512; i++) {
        map_req[i].ptr = ((l1_mfn << PAGE_SHIFT) + i * 8) | MMU_NORMAL_PT_UPDATE;
        map_req[i].val = (p2m()[alloc_pfn()] << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW |
                         _PAGE_ACCESSED | _PAGE_DIRTY;
        unmap_req[i].ptr = map_req[i].ptr;
        unmap_req[i].val = 0;
    }
    unsigned done;
    for (size_t i = 0; i < n + 20; i++) {
        done = 0;
        uint64_t t0 = tsc();
        rc = mmu_update(map_req, 512, &done, DOMID_SELF);
        uint64_t t1 = tsc();
        if (rc || done != 512)
            { report_error(name, "mmu_update(map 512)", rc ? rc : (long)done); return; }
        done = 0;
        uint64_t t2 = tsc();
        rc = mmu_update(unmap_req, 512, &done, DOMID_SELF);
        uint64_t t3 = tsc();
        if (rc || done != 512)
            { report_error(name, "mmu_update(unmap 512)", rc ? rc : (long)done); return; }
        if (i >= 20) {                  /* the first 20 rounds warm up */
            samples[i - 20] = t1 - t0;
            unmap_samples[i - 20] = t3 - t2;
        }
    }
    /* Unhook the L1 again (its entries are all clear). */
    hook.val = 0;
    rc = mmu_update(&hook, 1, NULL, DOMID_SELF);
    if (rc)
        report_error(name, "unhooking the L1", rc);
    char row[64];
    snprintf(row, sizeof(row), "%s_map", name);
    report(row, samples, n, NULL);
    snprintf(row, sizeof(row), "%s_unmap", name);
    report(row, unmap_samples, n, NULL);
}

/* ---- user-mode benchmarks ---- */

static char user_stack[16384] __attribute__((aligned(16)));
static size_t user_n, user_warm;
static const void *user_fault_va;

static void __attribute__((noreturn)) user_exit(void)
{
    __asm__ volatile("syscall" :: "a"(BENCH_SYSCALL_EXIT) : "rcx", "r11", "memory");
    for (;;)
        ;
}

static void user_pf_loop(void)
{
    for (size_t i = 0; i < user_warm; i++)
        bench_pf_once(user_fault_va);
    for (size_t i = 0; i < user_n; i++)
        samples[i] = bench_pf_once(user_fault_va);
    user_exit();
}

static void user_syscall_loop(void)
{
    for (size_t i = 0; i < user_warm; i++)
        bench_syscall_once();
    for (size_t i = 0; i < user_n; i++)
        samples[i] = bench_syscall_once();
    user_exit();
}

static bool user_ready;

static bool user_setup(const char *name)
{
    if (!user_ready) {
        unsigned before = failure_count();
        user_mode_init();       /* user L4, kernel stack, runtime syscall callback */
        if (failure_count() != before) {
            report_error(name, "user_mode_init", -1);
            return false;
        }
        user_ready = true;
    }
    return true;
}

static long set_syscall_callback(void *entry)
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_syscall, .flags = CALLBACKF_mask_events,
        .address = (unsigned long)entry,
    };
    return HC2(__HYPERVISOR_callback_op, CALLBACKOP_register, &cb);
}

/*
 * Trap bounce: guest user mode reads a page that is not mapped; the
 * hypervisor bounces the #PF to the guest kernel's handler, which skips the
 * access and returns to user mode with the iret hypercall.
 */
static void bench_trap_bounce(const char *name)
{
    if (!user_setup(name))
        return;
    scratch_init();
    user_fault_va = (const void *)scratch_va(1);      /* never mapped */
    trap_info_t ti[2] = {
        { .vector = X86_EXC_PF, .flags = 0, .cs = FLAT_KERNEL_CS,
          .address = (unsigned long)bench_pf_entry },
        { 0 },
    };
    bench_pf_fallback = (unsigned long)trap_entry(X86_EXC_PF);
    long rc = HC1(__HYPERVISOR_set_trap_table, ti);
    if (rc)
        { report_error(name, "set_trap_table", rc); return; }
    user_n = 10000;
    user_warm = 1000;
    unsigned long ret = user_run(user_pf_loop, user_stack + sizeof(user_stack));
    /* Give #PF back to the runtime. */
    ti[0].address = bench_pf_fallback;
    rc = HC1(__HYPERVISOR_set_trap_table, ti);
    if (rc)
        report_error(name, "set_trap_table(restore)", rc);
    if (ret != BENCH_SYSCALL_EXIT)
        { report_error(name, "user_run", (long)ret); return; }
    report(name, samples, user_n, NULL);
}

/*
 * Syscall bounce: guest user mode executes SYSCALL; the hypervisor switches
 * to guest kernel mode and enters the registered syscall callback, which
 * returns at once with the iret hypercall. `_sysret` passes VGCF_in_syscall
 * as Linux does for its return to user space (rcx/r11 need not be restored).
 */
static void syscall_bench(const char *name, void *entry)
{
    if (!user_setup(name))
        return;
    long rc = set_syscall_callback(entry);
    if (rc)
        { report_error(name, "callback_op(syscall)", rc); return; }
    user_n = 10000;
    user_warm = 1000;
    unsigned long ret = user_run(user_syscall_loop, user_stack + sizeof(user_stack));
    rc = set_syscall_callback(entry_syscall);
    if (rc)
        report_error(name, "callback_op(restore)", rc);
    if (ret != BENCH_SYSCALL_EXIT)
        { report_error(name, "user_run", (long)ret); return; }
    report(name, samples, user_n, NULL);
}

static void bench_syscall_bounce(const char *name)
{
    syscall_bench(name, bench_syscall_iret_entry);
}

static void bench_syscall_bounce_sysret(const char *name)
{
    syscall_bench(name, bench_syscall_sysret_entry);
}

/* ---- event channels, grant tables, rings ---- */

/*
 * A loopback event channel (alloc_unbound to DOMID_SELF, bind_interdomain)
 * and a Linux-like 2-level upcall handler that stamps the TSC on entry,
 * then clears upcall_pending, the selector and the pending bits it handles
 * and calls the port's handler; like Linux it loops while upcall_pending
 * is set again (an event raised by a handler is taken in the same upcall).
 */
static volatile uint64_t upcall_tsc;
static volatile unsigned long bench_upcalls;
static void (*port_handler[64])(void);
static evtchn_port_t lb_a, lb_b;        /* lb_a sends to lb_b and back */
static bool lb_ready;

static void bench_upcall(struct trap_frame *f)
{
    (void)f;
    upcall_tsc = tsc();
    bench_upcalls++;
    shared_info_t *s = shared_info();
    vcpu_info_t *v = &s->vcpu_info[0];
    while (v->evtchn_upcall_pending) {
        v->evtchn_upcall_pending = 0;
        unsigned long sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        while (sel) {
            unsigned w = __builtin_ctzl(sel);
            sel &= sel - 1;
            unsigned long bits = s->evtchn_pending[w] & ~s->evtchn_mask[w];
            while (bits) {
                unsigned b = __builtin_ctzl(bits);
                bits &= bits - 1;
                __atomic_fetch_and(&s->evtchn_pending[w], ~(1UL << b), __ATOMIC_SEQ_CST);
                unsigned port = w * 64 + b;
                if (port < 64 && port_handler[port])
                    port_handler[port]();
            }
        }
    }
}

static long evtchn_send(evtchn_port_t port)
{
    struct evtchn_send a = { .port = port };
    return HC2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, &a);
}

static bool loopback_setup(const char *name)
{
    if (lb_ready)
        return true;
    events_init();
    event_hook = bench_upcall;
    events_mask();
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    long rc = evtchn_op(EVTCHNOP_alloc_unbound, &au);
    if (rc)
        { report_error(name, "alloc_unbound", rc); return false; }
    struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF, .remote_port = au.port };
    rc = evtchn_op(EVTCHNOP_bind_interdomain, &bi);
    if (rc)
        { report_error(name, "bind_interdomain", rc); return false; }
    lb_b = au.port;
    lb_a = bi.local_port;
    if (lb_a >= 64 || lb_b >= 64)
        { report_error(name, "port_beyond_63", (long)(lb_a > lb_b ? lb_a : lb_b)); return false; }
    events_unmask();        /* takes bind_interdomain's event on lb_a */
    lb_ready = true;
    return true;
}

/* Send on a loopback port -> our upcall handler entered (the TSC it stamps). */
static void nop_port(void) { }

static void bench_evtchn_send_upcall(const char *name)
{
    const size_t n = 5000;
    if (!loopback_setup(name))
        return;
    port_handler[lb_b] = nop_port;
    for (size_t i = 0; i < n + 500; i++) {
        unsigned long before = bench_upcalls;
        uint64_t t0 = tsc();
        long rc = evtchn_send(lb_a);
        if (rc)
            { report_error(name, "send", rc); return; }
        if (bench_upcalls != before + 1)
            { report_error(name, "upcall_count", (long)(bench_upcalls - before)); return; }
        if (i >= 500)
            samples[i - 500] = upcall_tsc - t0;
    }
    port_handler[lb_b] = NULL;
    report(name, samples, n, NULL);
}

/*
 * Grant table: frame 0 mapped at scratch_va(100); 16 source pages (ours,
 * at scratch_va(101..116)) granted to ourselves as refs 10..25, 16
 * destination pages at scratch_va(117..132), the ring page as ref 30.
 */
#define BG_REF_SRC 10
#define BG_REF_RING 30
#define BG_PAGES 16
static grant_entry_v1_t *bg_tab;
static unsigned long bg_src_mfn[BG_PAGES], bg_dst_mfn[BG_PAGES], bg_ring_mfn;
static bool bg_ready;

static long gnttab_op(unsigned cmd, void *arg, unsigned count)
{
    return HC3(__HYPERVISOR_grant_table_op, cmd, arg, count);
}

static void bg_grant(unsigned ref, unsigned long mfn)
{
    bg_tab[ref].domid = 0;      /* dom0 grants to itself (map refuses DOMID_SELF) */
    bg_tab[ref].frame = (uint32_t)mfn;
    __atomic_store_n(&bg_tab[ref].flags, (uint16_t)GTF_permit_access, __ATOMIC_SEQ_CST);
}

static bool grant_setup(const char *name)
{
    if (bg_ready)
        return true;
    scratch_init();
    const uint64_t rw = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY;
    xen_pfn_t frame = 0;
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
    set_xen_guest_handle(st.frame_list, &frame);
    long rc = gnttab_op(GNTTABOP_setup_table, &st, 1);
    if (rc || st.status != GNTST_okay)
        { report_error(name, "setup_table", rc ? rc : st.status); return false; }
    rc = update_va_mapping(scratch_va(100), (frame << PAGE_SHIFT) | rw, UVMF_INVLPG);
    if (rc)
        { report_error(name, "map_grant_table", rc); return false; }
    bg_tab = (grant_entry_v1_t *)scratch_va(100);
    for (unsigned i = 0; i < BG_PAGES; i++) {
        bg_src_mfn[i] = p2m()[alloc_pfn()];
        bg_dst_mfn[i] = p2m()[alloc_pfn()];
        rc = update_va_mapping(scratch_va(101 + i), (bg_src_mfn[i] << PAGE_SHIFT) | rw, UVMF_INVLPG);
        if (!rc)
            rc = update_va_mapping(scratch_va(117 + i), (bg_dst_mfn[i] << PAGE_SHIFT) | rw, UVMF_INVLPG);
        if (rc)
            { report_error(name, "map_pages", rc); return false; }
        for (unsigned k = 0; k < PAGE_SIZE / 8; k++)
            ((uint64_t *)scratch_va(101 + i))[k] = (uint64_t)i << 32 | k;
        bg_grant(BG_REF_SRC + i, bg_src_mfn[i]);
    }
    bg_ring_mfn = p2m()[alloc_pfn()];
    rc = update_va_mapping(scratch_va(133), (bg_ring_mfn << PAGE_SHIFT) | rw, UVMF_INVLPG);
    if (rc)
        { report_error(name, "map_ring_page", rc); return false; }
    bg_grant(BG_REF_RING, bg_ring_mfn);
    bg_ready = true;
    return true;
}

/* map_grant_ref (by linear address) + unmap_grant_ref of one self-granted page. */
static void bench_grant_map_unmap(const char *name)
{
    const size_t n = 2000;
    if (!grant_setup(name))
        return;
    struct gnttab_map_grant_ref m = { .host_addr = scratch_va(140), .flags = GNTMAP_host_map,
                                      .ref = BG_REF_SRC, .dom = 0 };
    struct gnttab_unmap_grant_ref u = { .host_addr = scratch_va(140) };
    for (size_t i = 0; i < n + 200; i++) {
        uint64_t t0 = tsc();
        long rc = gnttab_op(GNTTABOP_map_grant_ref, &m, 1);
        u.handle = m.handle;
        long rc2 = gnttab_op(GNTTABOP_unmap_grant_ref, &u, 1);
        uint64_t t1 = tsc();
        if (rc || m.status != GNTST_okay)
            { report_error(name, "map_grant_ref", rc ? rc : m.status); return; }
        if (rc2 || u.status != GNTST_okay)
            { report_error(name, "unmap_grant_ref", rc2 ? rc2 : u.status); return; }
        if (i == 0 && ((volatile uint64_t *)scratch_va(101))[5] != 5)
            { report_error(name, "mapped_data", -1); return; }
        if (i >= 200)
            samples[i - 200] = t1 - t0;
    }
    report(name, samples, n, NULL);
}

/*
 * GNTTABOP_copy throughput: `pages` ops of 4 KiB each in one hypercall,
 * gref (our granted source pages) -> gmfn (our destination pages).
 * Each sample is one hypercall turned into MB/s (10^6 bytes per second at
 * the TSC rate pvclock reports); min= is the worst sample, p90= the rate
 * 90% of the samples reach.
 */
static unsigned long tsc_khz(void);
static struct gnttab_copy bg_copy[BG_PAGES];

static void grant_copy_bench(const char *name, unsigned pages, size_t n)
{
    if (!grant_setup(name))
        return;
    unsigned long khz = tsc_khz();
    if (!khz)
        { report_error(name, "tsc_khz", 0); return; }
    for (unsigned i = 0; i < pages; i++)
        bg_copy[i] = (struct gnttab_copy){
            .source = { .u.ref = BG_REF_SRC + i, .domid = 0, .offset = 0 },
            .dest = { .u.gmfn = bg_dst_mfn[i], .domid = DOMID_SELF, .offset = 0 },
            .len = PAGE_SIZE, .flags = GNTCOPY_source_gref,
        };
    for (size_t i = 0; i < n + 50; i++) {
        if (i == 0)
            memset((void *)scratch_va(117), 0, PAGE_SIZE * pages);
        uint64_t t0 = tsc();
        long rc = gnttab_op(GNTTABOP_copy, bg_copy, pages);
        uint64_t t1 = tsc();
        if (rc)
            { report_error(name, "copy", rc); return; }
        for (unsigned k = 0; k < pages; k++)
            if (bg_copy[k].status != GNTST_okay)
                { report_error(name, "copy_status", bg_copy[k].status); return; }
        if (i == 0 && memcmp((void *)scratch_va(117), (void *)scratch_va(101), PAGE_SIZE * pages))
            { report_error(name, "copied_data", -1); return; }
        if (i >= 50) {
            uint64_t cyc = t1 - t0 ? t1 - t0 : 1;
            samples[i - 50] = (uint64_t)pages * PAGE_SIZE * khz / (cyc * 1000);
        }
    }
    sort_u64(samples, n);
    printk("BENCH name=%s median=%lu min=%lu p90=%lu n=%lu unit=MB/s better=higher\n", name,
           (unsigned long)samples[n / 2], (unsigned long)samples[0], (unsigned long)samples[n / 10],
           (unsigned long)n);
    reported++;
}

static void bench_grant_copy_4k(const char *name)
{
    grant_copy_bench(name, 1, 2000);
}

static void bench_grant_copy_64k(const char *name)
{
    grant_copy_bench(name, BG_PAGES, 500);
}

/*
 * Ring round trip over the granted ring page (the back maps it through
 * the grant) and the loopback channel: the front pushes one request and
 * notifies (send on lb_a); the back's port handler (lb_b) consumes it,
 * responds and notifies (send on lb_b); the front's handler (lb_a)
 * consumes the response and stamps the TSC. One sample: push -> response
 * seen.
 */
struct bench_req { uint64_t id, val; };
struct bench_rsp { uint64_t id, val; };
DEFINE_RING_TYPES(bench, struct bench_req, struct bench_rsp);
static bench_front_ring_t rt_front;
static bench_back_ring_t rt_back;
static volatile uint64_t rt_done_tsc, rt_last_id;
static volatile long rt_error;

static void rt_back_handler(void)
{
    int more;
    do {
        while (RING_HAS_UNCONSUMED_REQUESTS(&rt_back)) {
            struct bench_req req = *RING_GET_REQUEST(&rt_back, rt_back.req_cons);
            rt_back.req_cons++;
            struct bench_rsp *rsp = RING_GET_RESPONSE(&rt_back, rt_back.rsp_prod_pvt);
            rsp->id = req.id;
            rsp->val = req.val + 1;
            rt_back.rsp_prod_pvt++;
        }
        int notify;
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&rt_back, notify);
        if (notify) {
            long rc = evtchn_send(lb_b);
            if (rc)
                rt_error = rc;
        }
        RING_FINAL_CHECK_FOR_REQUESTS(&rt_back, more);
    } while (more);
}

static void rt_front_handler(void)
{
    int more;
    do {
        while (RING_HAS_UNCONSUMED_RESPONSES(&rt_front)) {
            struct bench_rsp rsp = *RING_GET_RESPONSE(&rt_front, rt_front.rsp_cons);
            rt_front.rsp_cons++;
            if (rsp.val != rsp.id * 3 + 1)
                rt_error = -1000;
            rt_last_id = rsp.id;
        }
        RING_FINAL_CHECK_FOR_RESPONSES(&rt_front, more);
    } while (more);
    rt_done_tsc = tsc();
}

static void bench_ring_round_trip(const char *name)
{
    const size_t n = 3000;
    if (!loopback_setup(name) || !grant_setup(name))
        return;
    bench_sring_t *fs = (bench_sring_t *)scratch_va(133);
    SHARED_RING_INIT(fs);
    FRONT_RING_INIT(&rt_front, fs, PAGE_SIZE);
    struct gnttab_map_grant_ref m = { .host_addr = scratch_va(141), .flags = GNTMAP_host_map,
                                      .ref = BG_REF_RING, .dom = 0 };
    long rc = gnttab_op(GNTTABOP_map_grant_ref, &m, 1);
    if (rc || m.status != GNTST_okay)
        { report_error(name, "map_grant_ref", rc ? rc : m.status); return; }
    BACK_RING_INIT(&rt_back, (bench_sring_t *)scratch_va(141), PAGE_SIZE);
    port_handler[lb_b] = rt_back_handler;
    port_handler[lb_a] = rt_front_handler;
    for (size_t i = 0; i < n + 300; i++) {
        struct bench_req *r = RING_GET_REQUEST(&rt_front, rt_front.req_prod_pvt);
        r->id = i;
        r->val = i * 3;
        rt_front.req_prod_pvt++;
        rt_done_tsc = 0;
        uint64_t t0 = tsc();
        int notify;
        RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&rt_front, notify);
        if (notify)
            rc = evtchn_send(lb_a);
        if (!notify || rc || rt_error || rt_last_id != i || !rt_done_tsc) {
            report_error(name, !notify ? "no_notify" : rc ? "send" : rt_error ? "handler" : "no_response",
                         rc ? rc : rt_error ? rt_error : (long)i);
            return;
        }
        if (i >= 300)
            samples[i - 300] = rt_done_tsc - t0;
    }
    port_handler[lb_b] = port_handler[lb_a] = NULL;
    struct gnttab_unmap_grant_ref u = { .host_addr = scratch_va(141), .handle = m.handle };
    rc = gnttab_op(GNTTABOP_unmap_grant_ref, &u, 1);
    if (rc || u.status != GNTST_okay)
        { report_error(name, "unmap_grant_ref", rc ? rc : u.status); return; }
    report(name, samples, n, NULL);
}

/* ---- driver ---- */

static const struct bench {
    const char *name;
    void (*fn)(const char *name);
} benches[] = {
    { "tsc_overhead", bench_tsc_overhead },
    { "guest_loop", bench_guest_loop },
    { "null_hypercall", bench_null_hypercall },
    { "update_va_mapping", bench_update_va_mapping },
    { "mmu_update_512", bench_mmu_update_512 },
    { "trap_bounce", bench_trap_bounce },
    { "syscall_bounce", bench_syscall_bounce },
    { "syscall_bounce_sysret", bench_syscall_bounce_sysret },
    { "evtchn_send_upcall", bench_evtchn_send_upcall },
    { "grant_map_unmap", bench_grant_map_unmap },
    { "grant_copy_4k", bench_grant_copy_4k },
    { "grant_copy_64k", bench_grant_copy_64k },
    { "ring_round_trip", bench_ring_round_trip },
};

/* Is name in the comma-separated list after `key=` on the command line? */
static bool cmdline_lists(const char *key, const char *name, bool *present)
{
    const char *cl = (const char *)SI->cmd_line;
    size_t klen = strlen(key), nlen = strlen(name);
    *present = false;
    for (const char *p = cl; *p; ) {
        while (*p == ' ')
            p++;
        const char *word = p;
        while (*p && *p != ' ')
            p++;
        if ((size_t)(p - word) <= klen || strncmp(word, key, klen) || word[klen] != '=')
            continue;
        *present = true;
        for (const char *q = word + klen + 1; q < p; ) {
            const char *item = q;
            while (q < p && *q != ',')
                q++;
            if ((size_t)(q - item) == nlen && !strncmp(item, name, nlen))
                return true;
            if (q < p)
                q++;
        }
    }
    return false;
}

static bool selected(const char *name)
{
    bool have_only, have_skip;
    bool in_only = cmdline_lists("only", name, &have_only);
    bool in_skip = cmdline_lists("skip", name, &have_skip);
    if (have_only && !in_only)
        return false;
    return !in_skip;
}

/* TSC frequency as the hypervisor calibrated it (pvclock), for reading cycles as time. */
static unsigned long tsc_khz(void)
{
    volatile struct vcpu_time_info *t = &shared_info()->vcpu_info[0].time;
    uint32_t mul = t->tsc_to_system_mul;
    int8_t shift = t->tsc_shift;
    if (!mul)
        return 0;
    uint64_t khz = (1000000ULL << 32) / mul;
    return shift >= 0 ? khz >> shift : khz << -shift;
}

void test_main(void)
{
    trap_init();
    printk("BENCH_INFO tsc_khz=%lu clock=lfence-rdtsc-lfence\n", tsc_khz());
    for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
        if (!selected(benches[i].name)) {
            printk("BENCH name=%s skipped=cmdline\n", benches[i].name);
            continue;
        }
        printk("BENCH_BEGIN name=%s\n", benches[i].name);
        benches[i].fn(benches[i].name);
    }
    printk("BENCH_END count=%u\n", reported);
}
