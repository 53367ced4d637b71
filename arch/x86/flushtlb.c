/* SPDX-License-Identifier: GPL-2.0-only */
/* TLB flushes across CPUs; the rules are in include/mica/flushtlb.h. */
#include <asm/x86.h>
#include <mica/domain.h>
#include <mica/flushtlb.h>
#include <mica/smp.h>

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

void flush_tlb_domain_others(const struct domain *d)
{
    uint64_t others = domain_running_cpus(d) & ~(1ULL << smp_processor_id());
    if (others)
        flush_tlb_cpus(others, true, 0);
}
