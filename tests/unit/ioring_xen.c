/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reference side of the ring tests: compiled against Debian's libxen-dev
 * headers (Xen's own io/ring.h, blkif.h, netif.h, console.h, xs_wire.h),
 * kept in its own translation unit so the two ring.h never meet.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define __XEN_INTERFACE_VERSION__ 0x00040e00  /* new enough to use our barriers */
#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/io/ring.h>
#include <xen/io/blkif.h>
#include <xen/io/netif.h>
#include <xen/io/console.h>
#include <xen/io/xs_wire.h>

#include "ioring_facts.h"

DEFINE_RING_TYPES(scen, uint32_t, uint32_t);
DEFINE_XEN_FLEX_RING_AND_INTF(xflex);

#define SCEN_FN xen_scenario
#include "ioring_scenario.inc"

void xen_ring_facts(struct ring_facts *f)
{
    static union { blkif_sring_t s; unsigned char p[4096]; } blk;
    static union { netif_tx_sring_t s; unsigned char p[4096]; } tx;
    static union { netif_rx_sring_t s; unsigned char p[4096]; } rx;
    blkif_front_ring_t bf;
    netif_tx_front_ring_t tf;
    netif_rx_back_ring_t rb;

    memset(f, 0, sizeof(*f));
    f->off_req_prod = offsetof(blkif_sring_t, req_prod);
    f->off_req_event = offsetof(blkif_sring_t, req_event);
    f->off_rsp_prod = offsetof(blkif_sring_t, rsp_prod);
    f->off_rsp_event = offsetof(blkif_sring_t, rsp_event);
    f->off_pvt = offsetof(blkif_sring_t, pvt);
    f->off_pad = offsetof(blkif_sring_t, __pad);
    f->off_ring = offsetof(blkif_sring_t, ring);
    f->blk_req_size = sizeof(struct blkif_request);
    f->blk_req_align = _Alignof(struct blkif_request);
    f->blk_rsp_size = sizeof(struct blkif_response);
    f->tx_req_size = sizeof(struct netif_tx_request);
    f->tx_req_align = _Alignof(struct netif_tx_request);
    f->tx_rsp_size = sizeof(struct netif_tx_response);
    f->rx_req_size = sizeof(struct netif_rx_request);
    f->rx_req_align = _Alignof(struct netif_rx_request);
    f->rx_rsp_size = sizeof(struct netif_rx_response);
    f->blk_const = __CONST_RING_SIZE(blkif, 4096);
    f->tx_const = __CONST_RING_SIZE(netif_tx, 4096);
    f->rx_const = __CONST_RING_SIZE(netif_rx, 4096);
    XEN_FRONT_RING_INIT(&bf, &blk.s, 4096);
    XEN_FRONT_RING_INIT(&tf, &tx.s, 4096);
    SHARED_RING_INIT(&rx.s);
    BACK_RING_INIT(&rb, &rx.s, 4096);
    f->blk_size = RING_SIZE(&bf);
    f->tx_size = RING_SIZE(&tf);
    f->rx_size = RING_SIZE(&rb);
    f->blk_sring_size = sizeof(blkif_sring_t);
    f->front_ring_size = sizeof(blkif_front_ring_t);
    f->back_ring_size = sizeof(blkif_back_ring_t);
    f->flex_size_order1 = XEN_FLEX_RING_SIZE(1);
    f->flex_off_out_cons = offsetof(struct xflex_data_intf, out_cons);
    f->flex_off_ring_order = offsetof(struct xflex_data_intf, ring_order);
    f->flex_off_ref = offsetof(struct xflex_data_intf, ref);

    f->cons_in = offsetof(struct xencons_interface, in);
    f->cons_out = offsetof(struct xencons_interface, out);
    f->cons_in_size = sizeof(((struct xencons_interface *)0)->in);
    f->cons_out_size = sizeof(((struct xencons_interface *)0)->out);
    f->cons_in_cons = offsetof(struct xencons_interface, in_cons);
    f->cons_in_prod = offsetof(struct xencons_interface, in_prod);
    f->cons_out_cons = offsetof(struct xencons_interface, out_cons);
    f->cons_out_prod = offsetof(struct xencons_interface, out_prod);
    f->xs_req = offsetof(struct xenstore_domain_interface, req);
    f->xs_rsp = offsetof(struct xenstore_domain_interface, rsp);
    f->xs_size = XENSTORE_RING_SIZE;
    f->xs_req_cons = offsetof(struct xenstore_domain_interface, req_cons);
    f->xs_req_prod = offsetof(struct xenstore_domain_interface, req_prod);
    f->xs_rsp_cons = offsetof(struct xenstore_domain_interface, rsp_cons);
    f->xs_rsp_prod = offsetof(struct xenstore_domain_interface, rsp_prod);
}

unsigned int xen_flex_queued(unsigned int prod, unsigned int cons, unsigned int size)
{
    return xflex_queued(prod, cons, size);
}
