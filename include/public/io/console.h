/* SPDX-License-Identifier: MIT */
/*
 * io/console.h - the PV console ring page.
 *
 * One page shared between a domU and its console backend (the console
 * daemon in dom0; Mica itself for a boot domain built with Mica's
 * dom0_unprivileged option). Its mfn and event channel are in
 * start_info.console.domU. Dom0 has no ring; it uses
 * HYPERVISOR_console_io.
 *
 * Two byte rings: `out` carries guest output to the backend, `in` carries
 * input to the guest. Indexes are free-running 32-bit counters; the byte
 * at index i is ring[MASK_XENCONS_IDX(i, ring)]; prod - cons is the number
 * of unread bytes.
 *   Producer: check space (prod - cons < sizeof ring), write bytes,
 *             write barrier, advance prod, notify the event channel.
 *   Consumer: read prod, read barrier, read bytes, full barrier, advance
 *             cons, notify.
 * The guest produces `out` and consumes `in`; the backend the reverse.
 * Example: intf->out[MASK_XENCONS_IDX(prod++, intf->out)] = c;
 */
#ifndef MICA_PUBLIC_IO_CONSOLE_H
#define MICA_PUBLIC_IO_CONSOLE_H

#include <stdint.h>

typedef uint32_t XENCONS_RING_IDX;

#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

struct xencons_interface {
    char in[1024];
    char out[2048];
    XENCONS_RING_IDX in_cons, in_prod;
    XENCONS_RING_IDX out_cons, out_prod;
};

#endif /* MICA_PUBLIC_IO_CONSOLE_H */
