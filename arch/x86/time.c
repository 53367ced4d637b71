/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TSC calibration against PIT channel 2.
 *
 * The PIT runs at a fixed 1.193182 MHz on every PC (and in QEMU), so
 * counting TSC cycles across a known number of PIT ticks gives the TSC
 * rate without trusting CPUID frequency leaves, which QEMU's TCG does not
 * provide. Channel 2 is used because it needs no interrupt set-up.
 *
 * Both ends of the measurement are readings of the channel's count taken
 * between two TSC reads, the tightest of several: a reading the CPU was
 * held up in (an SMI, or a host that descheduled QEMU) is wide and loses,
 * while a stall between the two ends costs nothing, both clocks running
 * on. (Timing until OUT2 was seen high counted any stall before it was
 * seen: a loaded host made Mica's clock up to 50% slow.)
 */
#include <asm/x86.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/time.h>
#include <public/xen.h>

#define PIT_HZ        1193182u
#define PIT_CH2       0x42
#define PIT_CMD       0x43
#define PORT_B        0x61
#define CAL_MS        20

uint64_t tsc_khz;
static uint64_t tsc_at_boot;
/* ns = (delta * ns_mul) >> 32 */
static uint64_t ns_mul;

/* A reading of channel 2's count, and the TSC around it. */
struct pit_reading {
    uint64_t tsc;       /* midway between the two TSC reads */
    uint64_t width;     /* TSC cycles between them: the reading's uncertainty */
    uint16_t count;
};

static struct pit_reading pit_read(void)
{
    uint64_t a = rdtsc();
    outb(PIT_CMD, 0x80);                /* latch channel 2's count */
    uint8_t lo = inb(PIT_CH2), hi = inb(PIT_CH2);
    uint64_t b = rdtsc();
    return (struct pit_reading){ a + (b - a) / 2, b - a, (uint16_t)(lo | hi << 8) };
}

/* The tightest of a few readings in a row. */
static struct pit_reading pit_read_best(void)
{
    struct pit_reading best = pit_read();
    for (int i = 0; i < 7; i++) {
        struct pit_reading r = pit_read();
        if (r.width < best.width)
            best = r;
    }
    return best;
}

/* TSC kHz, with *error the two readings' uncertainty; 0 without a PIT. */
static uint64_t measure_tsc_khz(uint64_t *error)
{
    const uint32_t ticks = PIT_HZ / 1000 * CAL_MS;

    /* Gate on, speaker off; channel 2, lobyte/hibyte, mode 0 from 0xffff (55 ms). */
    outb(PORT_B, (uint8_t)((inb(PORT_B) & ~0x02) | 0x01));
    outb(PIT_CMD, 0xb0);
    outb(PIT_CH2, 0xff);
    outb(PIT_CH2, 0xff);

    struct pit_reading first = pit_read_best();
    uint64_t spins = 0;
    while ((uint16_t)(first.count - pit_read().count) < ticks)
        if (++spins > 10000000)
            return 0;       /* not counting: no PIT */
    struct pit_reading last = pit_read_best();
    uint32_t elapsed = (uint16_t)(first.count - last.count);
    if (elapsed < ticks || last.tsc <= first.tsc)
        return 0;
    *error = first.width + last.width;
    return (last.tsc - first.tsc) * PIT_HZ / elapsed / 1000;
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
    /* The run whose end readings were tightest. */
    uint64_t best = 0, best_error = 0;
    for (int i = 0; i < 3; i++) {
        uint64_t error, k = measure_tsc_khz(&error);
        if (k && (!best || error < best_error)) {
            best = k;
            best_error = error;
        }
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

/*
 * Guest time (pvclock): each vCPU's vcpu_time_info gives a TSC timestamp,
 * the system time (ns since boot) at that moment, and the scale from TSC
 * ticks to ns as a 32.32 multiplier with a power-of-two shift:
 *     ns = system_time + (((tsc - tsc_timestamp) << shift) * mul >> 32)
 * (a negative shift shifts right). version is odd while Mica updates the
 * record, so a guest reading it retries until it sees the same even value
 * before and after.
 */
void update_vcpu_time(struct vcpu_time_info *t)
{
    uint64_t mul = ns_mul;
    int shift = 0;
    while (mul >= (1ULL << 32)) {
        mul >>= 1;
        shift++;
    }
    uint64_t tsc = rdtsc();
    t->version++;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->tsc_timestamp = tsc;
    t->system_time = tsc_delta_to_ns(tsc - tsc_at_boot);
    t->tsc_to_system_mul = (uint32_t)mul;
    t->tsc_shift = (int8_t)shift;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->version++;
}

/* ---- wall clock from the CMOS RTC ---------------------------------- */

static uint8_t cmos_read(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static unsigned bcd(uint8_t v, bool binary)
{
    return binary ? v : (v & 0xf) + (v >> 4) * 10;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static uint64_t days_since_epoch(unsigned y, unsigned m, unsigned d)
{
    /* Shift the year to start in March so the leap day comes last. */
    y -= m <= 2;
    uint64_t era = y / 400, yoe = y % 400;
    uint64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The wall clock at system time 0: seconds since 1970 and nanoseconds. */
static uint64_t boot_wallclock_sec;
static uint32_t boot_wallclock_nsec;

void wallclock_init(void)
{
    /* Wait for an update-in-progress to finish, then read twice until stable. */
    uint8_t sec, min, hour, day, mon, year, regb;
    for (int tries = 0; tries < 5; tries++) {
        for (unsigned spins = 0; (cmos_read(0x0a) & 0x80) && spins < 1000000; spins++)
            cpu_relax();
        sec = cmos_read(0); min = cmos_read(2); hour = cmos_read(4);
        day = cmos_read(7); mon = cmos_read(8); year = cmos_read(9);
        if (sec == cmos_read(0))
            break;
    }
    regb = cmos_read(0x0b);
    bool binary = regb & 0x04;
    unsigned h = bcd(hour & 0x7f, binary);
    if (!(regb & 0x02) && (hour & 0x80))
        h = (h % 12) + 12;      /* 12-hour mode, PM */
    unsigned y = bcd(year, binary) + 2000;
    uint64_t t = days_since_epoch(y, bcd(mon, binary), bcd(day, binary)) * 86400 +
                 h * 3600 + bcd(min, binary) * 60 + bcd(sec, binary);
    boot_wallclock_sec = t - now_ns() / 1000000000ULL;
    printk("time: wall clock %lu s since 1970 (CMOS RTC)\n", t);
}

void update_wallclock(struct domain *d)
{
    struct shared_info *s = d->shared_info;
    /* The domain's own offset (XEN_DOMCTL_settimeoffset) moves only its wall clock. */
    uint64_t sec = boot_wallclock_sec + (uint64_t)d->time_offset_seconds;
    s->wc_version++;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    s->wc_sec = (uint32_t)sec;
    s->wc_sec_hi = (uint32_t)(sec >> 32);
    s->wc_nsec = boot_wallclock_nsec;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    s->wc_version++;
}

void wallclock_set(uint64_t secs, uint32_t nsecs, uint64_t system_time)
{
    /* secs.nsecs was the time at system_time: move it back to system time 0. */
    uint64_t ns = secs * 1000000000ULL + nsecs - system_time;
    boot_wallclock_sec = ns / 1000000000ULL;
    boot_wallclock_nsec = (uint32_t)(ns % 1000000000ULL);
    for (domid_t id = 0; id < MAX_DOMAINS; id++) {
        struct domain *d = domain_lookup(id);
        if (d)
            update_wallclock(d);
    }
}
