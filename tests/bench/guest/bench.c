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
