/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reference facts from Debian's libxen-dev headers for evtchn_test.c, in
 * a translation unit of their own (their macro names collide with ours).
 */
#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/errno.h>

#include "evtchn_facts.h"

void xen_evtchn_facts(struct evtchn_facts *f)
{
    f->vi_upcall_pending = offsetof(struct vcpu_info, evtchn_upcall_pending);
    f->vi_upcall_mask = offsetof(struct vcpu_info, evtchn_upcall_mask);
    f->vi_pending_sel = offsetof(struct vcpu_info, evtchn_pending_sel);
    f->sel_size = sizeof(((struct vcpu_info *)0)->evtchn_pending_sel);
    f->sh_pending_words = sizeof(((struct shared_info *)0)->evtchn_pending) / 8;
    f->sh_mask_words = sizeof(((struct shared_info *)0)->evtchn_mask) / 8;
    f->cb_size = sizeof(struct evtchn_fifo_control_block);
    f->cb_ready = offsetof(struct evtchn_fifo_control_block, ready);
    f->cb_head = offsetof(struct evtchn_fifo_control_block, head);
    f->nr_2l = EVTCHN_2L_NR_CHANNELS;
    f->nr_fifo = EVTCHN_FIFO_NR_CHANNELS;
    f->link_bits = EVTCHN_FIFO_LINK_BITS;
    f->bit_pending = EVTCHN_FIFO_PENDING;
    f->bit_masked = EVTCHN_FIFO_MASKED;
    f->bit_linked = EVTCHN_FIFO_LINKED;
    f->bit_busy = EVTCHN_FIFO_BUSY;
    f->prio_default = EVTCHN_FIFO_PRIORITY_DEFAULT;
    f->prio_min = EVTCHN_FIFO_PRIORITY_MIN;
    f->nr_virqs = NR_VIRQS;
    f->domid_self = DOMID_SELF;
    f->stat_closed = EVTCHNSTAT_closed;
    f->stat_unbound = EVTCHNSTAT_unbound;
    f->stat_interdomain = EVTCHNSTAT_interdomain;
    f->stat_pirq = EVTCHNSTAT_pirq;
    f->stat_virq = EVTCHNSTAT_virq;
    f->stat_ipi = EVTCHNSTAT_ipi;
    f->e_perm = XEN_EPERM;
    f->e_noent = XEN_ENOENT;
    f->e_srch = XEN_ESRCH;
    f->e_again = XEN_EAGAIN;
    f->e_nomem = XEN_ENOMEM;
    f->e_busy = XEN_EBUSY;
    f->e_exist = XEN_EEXIST;
    f->e_inval = XEN_EINVAL;
    f->e_nospc = XEN_ENOSPC;
    f->e_nosys = XEN_ENOSYS;
    f->e_opnotsupp = XEN_EOPNOTSUPP;
}
