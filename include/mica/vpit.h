/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The emulated PIT a PV domain sees: channel 2 of an 8254 (ports 0x42 data,
 * 0x43 control) and the gate/speaker/OUT2 bits of port 0x61, for a domain
 * created with XEN_X86_EMU_PIT (dom0 always, as on Xen).
 *
 * Why: Linux calibrates the CPU clock against channel 2 at boot
 * (quick_pit_calibrate). Against ports that read as all ones the loop runs
 * 50,000 rounds of trapping port reads before giving up (~100-150 ms under
 * TCG, ~550 ms on Xen); against a counting channel it is over within a few
 * ms: it succeeds, or gives up at its first step when the trapped reads are
 * too slow for its error bound (the tsc_khz of the pvclock is used anyway).
 *
 * The channel counts at 1.193182 MHz of Mica's system time. Modes 0-5,
 * binary or BCD, LSB/MSB/both access, counter latch and read-back follow
 * the 8254 data sheet; gate 2 is port 0x61 bit 0 (modes 0/4 pause while it
 * is low, 2/3 hold OUT high and restart on its rising edge, 1/5 trigger on
 * it). Channels 0 and 1 are not emulated (their ports read all ones).
 *
 * Pure logic: the caller passes the time in ns and holds the domain's lock.
 */
#ifndef MICA_VPIT_H
#define MICA_VPIT_H

#include <mica/types.h>

#define VPIT_HZ         1193182u
#define VPIT_PORT_CH2   0x42
#define VPIT_PORT_CTRL  0x43
#define VPIT_PORT_B     0x61

struct vpit {
    uint16_t reload;        /* count as written (0 = 65536, or 10000 in BCD) */
    uint8_t mode;           /* 0-5 */
    uint8_t rw;             /* 1 LSB, 2 MSB, 3 LSB then MSB */
    bool bcd;
    bool loaded;            /* a complete count was written since the control word */
    bool write_msb_next;    /* rw 3: the LSB was written, the MSB is next */
    bool read_msb_next;     /* rw 3: the LSB was read, the MSB is next */
    uint8_t pending_lsb;
    bool count_latched, latch_msb_next;
    uint16_t latched_count;
    bool status_latched;
    uint8_t latched_status;
    bool gate, speaker;     /* port 0x61 bits 0 and 1 */
    bool triggered;         /* modes 1 and 5: a gate edge started the count */
    bool counting;          /* ticks are accruing since since_ns */
    uint64_t base_ticks;    /* ticks counted before since_ns */
    uint64_t since_ns;
};

/* Power-on state: mode 0, no count, gate and speaker off. */
void vpit_reset(struct vpit *p);

/* Is port one the emulation answers (0x42, 0x43, 0x61)? */
bool vpit_port(unsigned int port);

/* A byte read from or written to one of those ports at time now_ns. */
uint8_t vpit_read(struct vpit *p, unsigned int port, uint64_t now_ns);
void vpit_write(struct vpit *p, unsigned int port, uint8_t val, uint64_t now_ns);

#endif
