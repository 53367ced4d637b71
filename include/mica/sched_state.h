/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scheduler's per-vCPU and per-domain state, embedded in struct vcpu
 * and struct domain (include/mica/domain.h); only common/schedule.c uses
 * the fields. Types only, so domain.h can include it anywhere (host unit
 * tests too, where <mica/sched.h>'s sched_yield would clash with libc's).
 */
#ifndef MICA_SCHED_STATE_H
#define MICA_SCHED_STATE_H

#include <mica/types.h>

/* The credit scheduler's state of a vCPU (struct vcpu), under its CPU's lock. */
struct sched_vcpu {
    int64_t credit;             /* ns: earned every period, paid while running */
    uint64_t run_start;         /* running and paid for up to this time */
    int8_t pri;                 /* enum credit_pri while queued or running */
    bool ran;                   /* ran in the current accounting period */
    uint32_t acct_gen, paid_gen;        /* accounting rounds it was counted/credited in */
};

/* ... and of a domain (struct domain). */
struct sched_domain {
    uint32_t weight;            /* 1..65535 (0 until its first vCPU: the default) */
    uint32_t cap;               /* percent of one CPU, 0 = none */
    int64_t cap_budget;         /* ns it may still run this period (capped only) */
    bool parked;                /* capped out until the next period */
    uint32_t acct_gen, acct_idx;        /* accounting round scratch */
};

#endif
