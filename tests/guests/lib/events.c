/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Minimal 2-level event-channel handling for the test guests: an event
 * callback that records and clears pending ports, and helpers for masking.
 */
#include "guest.h"
#include <public/callback.h>
#include <public/event_channel.h>

volatile unsigned long event_upcalls;
volatile unsigned long port_hits[64];       /* ports 0..63 */

static void record_events(struct trap_frame *f)
{
    (void)f;
    shared_info_t *s = shared_info();
    vcpu_info_t *v = &s->vcpu_info[0];
    event_upcalls++;
    v->evtchn_upcall_pending = 0;
    unsigned long sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while (sel) {
        unsigned w = __builtin_ctzl(sel);
        sel &= sel - 1;
        unsigned long bits = s->evtchn_pending[w] & ~s->evtchn_mask[w];
        __atomic_fetch_and(&s->evtchn_pending[w], ~bits, __ATOMIC_SEQ_CST);
        while (bits) {
            unsigned b = __builtin_ctzl(bits);
            bits &= bits - 1;
            unsigned port = w * 64 + b;
            if (port < 64)
                port_hits[port]++;
        }
    }
}

void events_init(void)
{
    shared_info();
    event_hook = record_events;
    struct callback_register cb = {
        .type = CALLBACKTYPE_event, .flags = CALLBACKF_mask_events,
        .address = (unsigned long)entry_event,
    };
    long rc = HC2(__HYPERVISOR_callback_op, CALLBACKOP_register, &cb);
    if (rc)
        fail("registering the event callback: %ld", rc);
}

void events_unmask(void)
{
    vcpu_info_t *v = &shared_info()->vcpu_info[0];
    v->evtchn_upcall_mask = 0;
    barrier();
    /* An event that arrived while masked needs a kick: any hypercall delivers it. */
    if (v->evtchn_upcall_pending)
        HC2(__HYPERVISOR_xen_version, 0, 0);
}

void events_mask(void)
{
    shared_info()->vcpu_info[0].evtchn_upcall_mask = 1;
    barrier();
}

long evtchn_op(int cmd, void *arg)
{
    return HC2(__HYPERVISOR_event_channel_op, cmd, arg);
}

uint64_t system_time_ns(void)
{
    vcpu_time_info_t *t = &shared_info()->vcpu_info[0].time;
    uint32_t ver;
    uint64_t st, ts, mul;
    int8_t shift;
    do {
        ver = ACCESS_ONCE(t->version);
        barrier();
        st = t->system_time;
        ts = t->tsc_timestamp;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        barrier();
    } while ((ver & 1) || ver != ACCESS_ONCE(t->version));
    uint64_t delta = rdtsc() - ts;
    if (shift >= 0)
        delta <<= shift;
    else
        delta >>= -shift;
    return st + (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}
