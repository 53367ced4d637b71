/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fake domains for the event-channel tests: port storage, vCPUs, the
 * shared_info bitmaps, vcpu_info heads, and an ops table backed by a
 * registry (with reference counts), pthread mutexes and kick counters.
 */
#ifndef EVTCHN_HARNESS_H
#define EVTCHN_HARNESS_H
#include <check.h>
#include <pthread.h>
#include <mica/evtchn.h>

#define NCH 8192
#define NV  4
#define SELF EVTCHN_DOMID_SELF
#define E(d) (&(d)->ed)

struct tdom {
    struct evtchn_domain ed;
    struct evtchn_chan chans[NCH];
    struct evtchn_vcpu vcpus[NV];
    pthread_mutex_t lock;
    uint64_t pending[64], mask[64];
    struct evtchn_vcpu_info vi[NV];
    unsigned int kicks[NV];
    bool privileged, paused, pirq_ok;
    int refs;
    unsigned int unmaps, pirq_binds, pirq_unbinds, affinity_calls, polls;
};

extern struct tdom *doms[8];
extern const struct evtchn_ops ops, ops_pirq;

struct tdom *mk_ops(uint16_t id, uint32_t nv, bool priv, const struct evtchn_ops *o);
struct tdom *mk(uint16_t id, uint32_t nv, bool priv);
void teardown(void);
bool pend(struct tdom *t, uint32_t p);
void set_mask(struct tdom *t, uint32_t p);
struct evtchn_status_info st_of(struct tdom *caller, uint16_t dom, uint32_t port);
void connect(struct tdom *a, struct tdom *b, uint32_t *pa, uint32_t *pb);

TCase *evtchn_fifo_tcase(void);
TCase *evtchn_race_tcase(void);
#endif
