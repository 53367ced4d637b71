/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TLB flushes across CPUs (arch/x86/flushtlb.c).
 *
 * A guest's translations can be cached only on CPUs that run one of its
 * vCPUs now: switching vCPUs reloads CR3, and guest mappings are never
 * global (PGE is not offered to PV guests). So "flush the domain" means
 * this CPU plus every CPU where one of its vCPUs is running.
 */
#ifndef MICA_FLUSHTLB_H
#define MICA_FLUSHTLB_H

#include <mica/types.h>

struct domain;

/* CPUs running a vCPU of d (bit n = CPU n). */
uint64_t domain_running_cpus(const struct domain *d);
/* Flush the whole TLB (all == false: the one address va) on the CPUs in mask. */
void flush_tlb_cpus(uint64_t mask, bool all, uint64_t va);
/* This CPU and every CPU running d: whole TLB. */
void flush_tlb_domain(const struct domain *d);
/* The same for one linear address. */
void flush_va_domain(const struct domain *d, uint64_t va);
/*
 * The TLB-flush clock (see flushtlb.c). tlb_stamp: nr frames from pg go
 * back to the heap now, or lose their last type reference (a translation
 * made under the old use may survive in some TLB). tlb_flush_reused: nr
 * frames from pg are about to be used again (reallocated, or given a new
 * type); flush every CPU that may still hold a translation to one of them
 * made before the stamp.
 */
struct page_info;
void tlb_stamp(struct page_info *pg, unsigned long nr);
void tlb_flush_reused(const struct page_info *pg, unsigned long nr);
/* Might some CPU still cache a translation made before pg was last freed? */
bool tlb_may_be_cached(const struct page_info *pg);

#endif
