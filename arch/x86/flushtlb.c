/* SPDX-License-Identifier: GPL-2.0-only */
/* TLB flushes across CPUs; the rules are in include/mica/flushtlb.h. */
#include <asm/x86.h>
#include <mica/domain.h>
#include <mica/flushtlb.h>
#include <mica/mm.h>
#include <mica/page.h>
#include <mica/selftest.h>
#include <mica/smp.h>

/* ------------------------------------------------------------------------
 * The TLB-flush clock (Xen's tlbflush_clock, simplified).
 *
 * tlb_clock ticks at every CR3 load on any CPU; each CPU remembers the
 * tick of its last load (cpu_time) and whether it now runs on Mica's idle
 * page tables, which map nothing of any guest (cpu_idle). A frame going
 * back to the heap is stamped with the clock (tlb_stamp). Before
 * frames are handed out again, every CPU that may still cache a
 * translation made before the free -- one that has not loaded CR3 since
 * and is not idling on the idle tables -- is flushed (tlb_flush_reused).
 * So a frame whose last reference went inside a hypercall, before that
 * hypercall's own flush, can never be reused while a stale entry to it
 * survives anywhere.
 *
 * Type changes use the same clock (Xen's rule): the last type reference
 * of a frame stamps it, and a frame taking a different type is treated
 * as reused (arch/x86/pv/mm.c). So a guest may remove a mapping without a
 * flush -- it flushes itself, as on hardware -- and still never write a
 * page table through a stale writable translation, or have the CPU walk
 * a table it has since made writable.
 *
 * The clock is 32 bits (the stamp lives in struct page_info) and wraps:
 * comparisons are made relative to the current tick, and a CPU whose last
 * flush is too old to compare is flushed, which is always safe.
 */
static uint32_t tlb_clock = 1;
static uint32_t cpu_time[NR_CPUS];
static bool cpu_idle[NR_CPUS];

void write_cr3(uint64_t cr3)
{
    unsigned int cpu = smp_processor_id();
    uint32_t t = __atomic_add_fetch(&tlb_clock, 1, __ATOMIC_SEQ_CST);
    raw_write_cr3(cr3);
    if (cpu < NR_CPUS) {
        /* An interrupt's own load in between can only make this older: safe. */
        __atomic_store_n(&cpu_time[cpu], t, __ATOMIC_RELEASE);
        __atomic_store_n(&cpu_idle[cpu], cr3 == virt_to_maddr(idle_page_table()), __ATOMIC_RELEASE);
    }
}

void tlb_stamp(struct page_info *pg, unsigned long nr)
{
    uint32_t now = __atomic_load_n(&tlb_clock, __ATOMIC_SEQ_CST);
    if (!now)
        now = 1;                /* 0 means "never mapped since boot" */
    for (unsigned long i = 0; i < nr; i++)
        pg[i].tlbflush_stamp = now;
}

/* The CPUs that may cache a translation made before clock time freed_at. */
static uint64_t stale_cpus(uint32_t freed_at, uint32_t now)
{
    uint64_t mask = 0;
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
        if (!cpu_online(cpu) || __atomic_load_n(&cpu_idle[cpu], __ATOMIC_ACQUIRE))
            continue;
        uint32_t t = __atomic_load_n(&cpu_time[cpu], __ATOMIC_ACQUIRE);
        /* Not flushed since the free, or too long ago to tell. */
        if ((int32_t)(t - freed_at) <= 0 || now - t >= 0x80000000u)
            mask |= 1ULL << cpu;
    }
    return mask;
}

void tlb_flush_reused(const struct page_info *pg, unsigned long nr)
{
    uint32_t now = __atomic_load_n(&tlb_clock, __ATOMIC_SEQ_CST);
    uint32_t youngest = UINT32_MAX;     /* age of the most recent free */
    for (unsigned long i = 0; i < nr; i++) {
        uint32_t s = pg[i].tlbflush_stamp;
        if (s && now - s < youngest)
            youngest = now - s;
    }
    if (youngest == UINT32_MAX)
        return;
    uint64_t mask = stale_cpus(now - youngest, now);
    if (mask)
        flush_tlb_cpus(mask, true, 0);
}

bool tlb_may_be_cached(const struct page_info *pg)
{
    uint32_t now = __atomic_load_n(&tlb_clock, __ATOMIC_SEQ_CST);
    return pg->tlbflush_stamp && stale_cpus(pg->tlbflush_stamp, now);
}

uint64_t domain_running_cpus(const struct domain *d)
{
    uint64_t mask = 0;
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        const struct vcpu *v = d->vcpu[i];
        if (v && __atomic_load_n(&v->is_running, __ATOMIC_ACQUIRE))
            mask |= 1ULL << v->processor;
    }
    return mask;
}

static void flush_all_local(void *unused)
{
    (void)unused;
    write_cr3(read_cr3());
}

static void flush_one_local(void *va)
{
    invlpg(va);
}

void flush_tlb_cpus(uint64_t mask, bool all, uint64_t va)
{
    unsigned int self = smp_processor_id();
    for (unsigned int cpu = 0; cpu < NR_CPUS && mask; cpu++) {
        if (!(mask & (1ULL << cpu)))
            continue;
        mask &= ~(1ULL << cpu);
        if (cpu == self)
            all ? flush_all_local(NULL) : flush_one_local((void *)va);
        else
            smp_call_function(cpu, all ? flush_all_local : flush_one_local, (void *)va, true);
    }
}

void flush_tlb_domain(const struct domain *d)
{
    flush_tlb_cpus(domain_running_cpus(d) | (1ULL << smp_processor_id()), true, 0);
}

void flush_va_domain(const struct domain *d, uint64_t va)
{
    flush_tlb_cpus(domain_running_cpus(d) | (1ULL << smp_processor_id()), false, va);
}

/*
 * Boot self-test of the clock on this CPU (as if it ran a guest): a frame
 * freed after its last CR3 load makes the next reuse flush it; once it
 * has, reusing the same frame again needs no flush.
 */
static const char *test_tlb_clock(void)
{
    unsigned int cpu = smp_processor_id();
    void *p = alloc_pages(0);
    if (!p)
        return "no page for the test";
    struct page_info *pg = mfn_to_page(virt_to_maddr(p) >> PAGE_SHIFT);
    bool idle = cpu_idle[cpu];
    const char *err = NULL;

    cpu_idle[cpu] = false;
    free_pages(p, 0);                   /* stamped now, after our last load */
    uint32_t before = cpu_time[cpu];
    tlb_flush_reused(pg, 1);
    uint32_t after = cpu_time[cpu];
    if (after == before)
        err = "a frame freed after this CPU's last flush was reused without one";
    tlb_flush_reused(pg, 1);
    if (!err && cpu_time[cpu] != after)
        err = "a flush although nothing was freed since the last one";
    cpu_idle[cpu] = idle;
    return err;
}
SELFTEST(test_tlb_clock);
