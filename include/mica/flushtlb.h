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
 * Other CPUs running d only: before a frame of d becomes a page table or
 * a descriptor page, no other CPU may still write it through a stale
 * writable translation (this CPU flushes its own on the way out).
 */
void flush_tlb_domain_others(const struct domain *d);

/*
 * The TLB-flush clock (see flushtlb.c). tlb_stamp_free: nr frames from pg
 * go back to the heap now. tlb_flush_reused: nr frames from pg are about
 * to be used again; flush every CPU that may still hold a translation to
 * one of them made before it was freed.
 */
struct page_info;
void tlb_stamp_free(struct page_info *pg, unsigned long nr);
void tlb_flush_reused(const struct page_info *pg, unsigned long nr);

#endif
