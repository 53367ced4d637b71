/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A domain's PV console ring served on Mica's serial console
 * (common/console_ring.c): the console of a boot domain built unprivileged
 * (dom0_unprivileged), which has no console_io and no xenconsoled.
 */
#ifndef MICA_CONSOLE_RING_H
#define MICA_CONSOLE_RING_H

#include <mica/types.h>

struct domain;

/*
 * Serve the console ring in d's frame mfn (cleared here) on the serial
 * console. On success *port is the guest's event channel for
 * start_info.console.domU.evtchn. One domain at a time; 0 or -1.
 */
int console_ring_attach(struct domain *d, mfn_t mfn, uint32_t *port);

/* Whether the housekeeping tick must run on this CPU (even idle) to poll the UART. */
bool console_ring_polls(unsigned int cpu);

/* The housekeeping tick (interrupt context): serial input into the ring. */
void console_ring_tick(void);

#endif
