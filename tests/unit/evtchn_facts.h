/* SPDX-License-Identifier: GPL-2.0-only */
/* ABI facts measured by evtchn_xen.c (Xen's headers) for evtchn_test.c. */
#ifndef EVTCHN_FACTS_H
#define EVTCHN_FACTS_H
#include <stddef.h>

struct evtchn_facts {
    size_t vi_upcall_pending, vi_upcall_mask, vi_pending_sel, sel_size;
    size_t sh_pending_words, sh_mask_words;
    size_t cb_size, cb_ready, cb_head;
    unsigned long nr_2l, nr_fifo, link_bits;
    int bit_pending, bit_masked, bit_linked, bit_busy, prio_default, prio_min;
    int nr_virqs, domid_self;
    int stat_closed, stat_unbound, stat_interdomain, stat_pirq, stat_virq, stat_ipi;
    int e_perm, e_noent, e_srch, e_again, e_nomem, e_busy, e_exist, e_inval;
    int e_nospc, e_nosys, e_opnotsupp;
};

void xen_evtchn_facts(struct evtchn_facts *f);
#endif
