/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * 2-level event delivery (the ABI every PV guest starts with).
 *
 * Guest-visible state, all in shared memory the guest also writes:
 *   shared_info.evtchn_pending[64]  one bit per port: the event happened
 *   shared_info.evtchn_mask[64]     one bit per port: guest does not want it
 *   vcpu_info.evtchn_pending_sel    one bit per pending[] word that may have
 *                                   unmasked pending ports (for that vCPU)
 *   vcpu_info.evtchn_upcall_pending "look at pending_sel"; the upcall is
 *                                   delivered when this is set and the
 *                                   guest's evtchn_upcall_mask is clear
 *
 * Linux's handler (drivers/xen/events/events_2l.c) does: clear
 * upcall_pending, atomically swap pending_sel with 0, and for each word
 * named there scan pending & ~mask. So each level must be set strictly
 * after the level below it, with atomic read-modify-writes: the guest
 * clears bits concurrently, and a plain store could resurrect or lose a
 * bit it just changed. Atomic RMWs on x86 are full barriers, which gives
 * the ordering; on the host the __atomic builtins give the same.
 *
 * Whether the upcall is actually taken (evtchn_upcall_mask) is the guest's
 * and the entry code's business; here we only raise upcall_pending and
 * kick the vCPU when it goes from 0 to 1.
 */
#include <mica/evtchn.h>

#define BITS_PER_WORD 64u

static bool test_and_set64(uint64_t *w, unsigned int bit)
{
    uint64_t m = 1ull << bit;

    return (__atomic_fetch_or(w, m, __ATOMIC_SEQ_CST) & m) != 0;
}

static bool test_and_clear64(uint64_t *w, unsigned int bit)
{
    uint64_t m = 1ull << bit;

    return (__atomic_fetch_and(w, ~m, __ATOMIC_SEQ_CST) & m) != 0;
}

static bool test64(const uint64_t *w, unsigned int bit)
{
    return (__atomic_load_n(w, __ATOMIC_SEQ_CST) >> bit) & 1;
}

void evtchn_mark_vcpu_pending(struct evtchn_domain *d, uint32_t vcpu)
{
    struct evtchn_vcpu_info *vi;

    if (vcpu >= d->nr_vcpus)
        return;
    vi = d->vcpus[vcpu].info;
    /*
     * Only the 0 -> 1 transition needs a kick: if upcall_pending was
     * already set, the vCPU has an upcall coming and will scan the
     * selector (which we set before getting here) when it runs.
     */
    if (vi && __atomic_exchange_n(&vi->upcall_pending, 1, __ATOMIC_SEQ_CST))
        return;
    d->ops->kick(d, vcpu);
}

/* Set the selector bit for port's word and raise the upcall if new. */
static void raise_selector(struct evtchn_domain *d, uint32_t vcpu, uint32_t port)
{
    struct evtchn_vcpu_info *vi;

    if (vcpu >= d->nr_vcpus)
        return;
    vi = d->vcpus[vcpu].info;
    if (vi && test_and_set64(&vi->pending_sel, port / BITS_PER_WORD))
        return;
    evtchn_mark_vcpu_pending(d, vcpu);
}

void evtchn_2l_set_pending(struct evtchn_domain *d, uint32_t vcpu, uint32_t port)
{
    if (!d->sh_pending || port >= ECORE_2L_NR_CHANNELS)
        return;
    /* Already pending: the guest has (or will get) a notification for it. */
    if (test_and_set64(&d->sh_pending[port / BITS_PER_WORD], port % BITS_PER_WORD))
        return;
    if (d->ops->poll_wake)
        d->ops->poll_wake(d, port);
    /* Masked: stays latched in pending[]; unmask delivers it later. */
    if (test64(&d->sh_mask[port / BITS_PER_WORD], port % BITS_PER_WORD))
        return;
    raise_selector(d, vcpu, port);
}

void evtchn_2l_clear_pending(struct evtchn_domain *d, uint32_t port)
{
    if (!d->sh_pending || port >= ECORE_2L_NR_CHANNELS)
        return;
    test_and_clear64(&d->sh_pending[port / BITS_PER_WORD], port % BITS_PER_WORD);
}

/*
 * Unmask: clear the mask bit; if it was set and the port is pending, the
 * event was held back, so deliver it now (selector + upcall).
 */
void evtchn_2l_unmask(struct evtchn_domain *d, uint32_t vcpu, uint32_t port)
{
    uint32_t w = port / BITS_PER_WORD, b = port % BITS_PER_WORD;

    if (!d->sh_pending || port >= ECORE_2L_NR_CHANNELS)
        return;
    if (test_and_clear64(&d->sh_mask[w], b) && test64(&d->sh_pending[w], b))
        raise_selector(d, vcpu, port);
}

bool evtchn_2l_is_pending(const struct evtchn_domain *d, uint32_t port)
{
    return d->sh_pending && port < ECORE_2L_NR_CHANNELS &&
           test64(&d->sh_pending[port / BITS_PER_WORD], port % BITS_PER_WORD);
}

bool evtchn_2l_is_masked(const struct evtchn_domain *d, uint32_t port)
{
    /* No shared_info yet: nothing can be delivered, which is "masked". */
    return !d->sh_mask || port >= ECORE_2L_NR_CHANNELS ||
           test64(&d->sh_mask[port / BITS_PER_WORD], port % BITS_PER_WORD);
}
