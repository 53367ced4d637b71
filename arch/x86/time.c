/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TSC calibration against PIT channel 2.
 *
 * The PIT runs at a fixed 1.193182 MHz on every PC (and in QEMU), so
 * counting TSC cycles across a known number of PIT ticks gives the TSC
 * rate without trusting CPUID frequency leaves, which QEMU's TCG does not
 * provide. Channel 2 is used because its output can be polled through port
 * 0x61 without any interrupt set-up.
 */
#include <asm/x86.h>
#include <mica/console.h>
#include <mica/time.h>

#define PIT_HZ        1193182u
#define PIT_CH2       0x42
#define PIT_CMD       0x43
#define PORT_B        0x61
#define CAL_MS        20

uint64_t tsc_khz;
static uint64_t tsc_at_boot;
/* ns = (delta * ns_mul) >> 32 */
static uint64_t ns_mul;

static uint64_t measure_tsc_khz(void)
{
    uint32_t ticks = PIT_HZ / 1000 * CAL_MS;

    /* Gate on, speaker off; channel 2, lobyte/hibyte, mode 0 (count down once). */
    outb(PORT_B, (uint8_t)((inb(PORT_B) & ~0x02) | 0x01));
    outb(PIT_CMD, 0xb0);
    outb(PIT_CH2, (uint8_t)ticks);
    outb(PIT_CH2, (uint8_t)(ticks >> 8));

    uint64_t start = rdtsc();
    uint64_t spins = 0;
    /* OUT2 (bit 5) goes high when the count reaches zero. */
    while (!(inb(PORT_B) & 0x20)) {
        if (++spins > 100000000)
            return 0;   /* no PIT: caller falls back */
    }
    uint64_t end = rdtsc();
    return (end - start) / CAL_MS;
}

uint64_t tsc_delta_to_ns(uint64_t delta)
{
    return (uint64_t)(((unsigned __int128)delta * ns_mul) >> 32);
}

uint64_t now_ns(void)
{
    return tsc_delta_to_ns(rdtsc() - tsc_at_boot);
}

void udelay(uint64_t us)
{
    uint64_t end = rdtsc() + us * tsc_khz / 1000;
    while (rdtsc() < end)
        cpu_relax();
}

void time_init(void)
{
    /* Take the best of a few runs: an interruption only makes a run longer. */
    uint64_t best = 0;
    for (int i = 0; i < 3; i++) {
        uint64_t k = measure_tsc_khz();
        if (k && (!best || k < best))
            best = k;
    }
    if (!best) {
        pr_warn("time: PIT calibration failed; assuming a 1 GHz TSC\n");
        best = 1000000;
    }
    tsc_khz = best;
    ns_mul = (1000000ULL << 32) / tsc_khz;
    tsc_at_boot = rdtsc();
    printk("time: TSC %lu.%03lu MHz (calibrated against the PIT over %u ms)\n",
           tsc_khz / 1000, tsc_khz % 1000, CAL_MS);
}
