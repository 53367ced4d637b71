/* SPDX-License-Identifier: GPL-2.0-only */
/* Layout facts measured by ioring_xen.c (Xen's headers) for ioring_test.c. */
#ifndef IORING_FACTS_H
#define IORING_FACTS_H
#include <stddef.h>
#include <stdint.h>

struct ring_facts {
    size_t off_req_prod, off_req_event, off_rsp_prod, off_rsp_event;
    size_t off_pvt, off_pad, off_ring;
    size_t blk_req_size, blk_req_align, blk_rsp_size;
    size_t tx_req_size, tx_req_align, tx_rsp_size;
    size_t rx_req_size, rx_req_align, rx_rsp_size;
    unsigned long blk_const, tx_const, rx_const;
    unsigned long blk_size, tx_size, rx_size;
    size_t blk_sring_size, front_ring_size, back_ring_size;
    unsigned long flex_size_order1;
    size_t flex_off_out_cons, flex_off_ring_order, flex_off_ref;
    size_t cons_in, cons_out, cons_in_size, cons_out_size;
    size_t cons_in_cons, cons_in_prod, cons_out_cons, cons_out_prod;
    size_t xs_req, xs_rsp, xs_size, xs_req_cons, xs_req_prod, xs_rsp_cons, xs_rsp_prod;
};

struct scen_result;
void xen_ring_facts(struct ring_facts *f);
void xen_scenario(uint32_t start, uint32_t seed, struct scen_result *r);
void mica_scenario(uint32_t start, uint32_t seed, struct scen_result *r);
unsigned int xen_flex_queued(unsigned int prod, unsigned int cons, unsigned int size);
#endif
