/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PIT channel 2 as a PV dom0 sees it: ports 0x42 (channel 2 data), 0x43
 * (control word; write-only, never read here) and 0x61 (bit 0 gate 2, bit 1
 * speaker, bit 4 refresh toggle, bit 5 OUT2).
 *
 * Xen 4.17 hands dom0's accesses to 0x42, 0x61 and control words for
 * channel 2 (including a read-back naming channel 2) to the real 8254 -- here
 * QEMU's -- as long as Xen does not use the PIT itself (hwdom_pit_access;
 * under QEMU Xen's platform timer is the HPET). Mica emulates the channel
 * from its system time (arch/x86/pv/vpit.c). Either way Linux's boot-time
 * TSC calibration (quick_pit_calibrate, pit_calibrate_tsc) must find a
 * channel counting at 1.193182 MHz, and that is what this checks.
 */
#include "../lib/guest.h"
#include <public/physdev.h>

const char test_title[] = "pit: PIT channel 2 and port 0x61 (what Linux calibrates against)";

#define PIT_HZ      1193182ULL
#define CH2         0x42
#define CTRL        0x43
#define PORT_B      0x61
#define GATE2       0x01
#define SPEAKER     0x02
#define REFRESH     0x10
#define OUT2        0x20
#define MS          1000000ULL
#define GIVE_UP_NS  (500 * MS)

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %w1, %0" : "=a"(v) : "d"(port) : "memory");
    return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %w1" :: "a"(v), "d"(port) : "memory");
}

/* Exception info if the probe faulted, else 0 (as in the cpu guest). */
static unsigned long inb_safe(uint16_t port, uint8_t *val)
{
    unsigned long before = trap_count;
    uint8_t v;
    __asm__ volatile("1: inb %w[p], %%al; 2:" _ASM_EXTABLE(1b, 2b)
                     : "=a"(v) : [p] "d"(port), "a"(0) : "memory");
    *val = v;
    return ACCESS_ONCE(trap_count) != before ? EXINFO(last_trap.vector, last_trap.error_code) : 0;
}

/* PIT ticks in ns of system time (rounded down). */
static uint64_t ticks(uint64_t ns)
{
    return ns * PIT_HZ / 1000000000ULL;
}

static void spin_ns(uint64_t ns)
{
    uint64_t end = system_time_ns() + ns;
    while (system_time_ns() < end)
        ;
}

/* Gate on, speaker off (as Linux's calibration sets them), then a control word and a 16-bit count. */
static void program(uint8_t ctrl, uint16_t count)
{
    outb(PORT_B, (uint8_t)((inb(PORT_B) & ~SPEAKER) | GATE2));
    outb(CTRL, ctrl);
    outb(CH2, (uint8_t)count);
    outb(CH2, (uint8_t)(count >> 8));
}

/* Counter latch command for channel 2, then LSB and MSB of the latched count. */
static unsigned latched(void)
{
    outb(CTRL, 0x80);
    unsigned lo = inb(CH2);
    return lo | (unsigned)inb(CH2) << 8;
}

/* Wait (bounded) for OUT2 to go high; the system time it took since t0, or ~0 if it never did. */
static uint64_t wait_out2(uint64_t t0, uint64_t limit_ns)
{
    for (;;) {
        bool high = inb(PORT_B) & OUT2;
        uint64_t now = system_time_ns();
        if (high)
            return now - t0;
        if (now - t0 > limit_ns)
            return ~0ULL;
    }
}

/*
 * 1. Mode 0 ("interrupt on terminal count"): OUT goes low when the count is
 * written and high when it reaches 0, N ticks later: 11932 ticks = 10.0 ms
 * after the load, so at least 10 ms after t0, taken before it. Allow 10% for
 * two clocks (system time against the device's); late is allowed up to 60 ms
 * because TCG is slow, but not without bound.
 */
static void test_mode0_out(void)
{
    const uint16_t n = 11932;
    uint64_t t0 = system_time_ns();
    program(0xb0, n);
    bool out = inb(PORT_B) & OUT2;
    uint64_t t1 = system_time_ns();
    /* (Unless the host stalled the vCPU for most of the count.) */
    CHECK(!out || t1 - t0 > 9 * MS, "mode 0: OUT2 high right after loading %u", n);
    uint64_t took = wait_out2(t0, GIVE_UP_NS);
    printk("mode 0, count %u: OUT2 high after %lu us\n", n, (unsigned long)(took / 1000));
    CHECK(took >= 9 * MS && took <= 60 * MS, "mode 0 count %u: OUT2 high after %lu ns, want 10 ms",
          n, (unsigned long)took);
}

/*
 * 2. Counter latch: the count frozen at the latch command, read LSB then
 * MSB. Loaded with N = 35796 (30 ms) it is at most N, and 1 ms later it is
 * lower by about 1193 ticks: the difference must match the system time
 * between the latches (+-25%, plus a few ticks for the accesses around the
 * clock reads). All of this takes ~4 ms, well before the count would wrap
 * to 0xffff, unless the host stalls the vCPU for 25 ms (then the checks
 * that assume no wrap are left out, saying so).
 */
static void test_latch(void)
{
    const unsigned n = 35796;
    uint64_t t0 = system_time_ns();
    program(0xb0, n);
    unsigned a = latched();
    uint64_t t1 = system_time_ns();
    spin_ns(MS);
    uint64_t t2 = system_time_ns();
    unsigned b = latched();
    uint64_t t3 = system_time_ns();
    printk("latched: %u, then %u after %lu us\n", a, b, (unsigned long)((t3 - t0) / 1000));
    if (t3 - t0 > 25 * MS) {
        printk("host too slow: latch checks left out\n");
        return;
    }
    CHECK(a <= n && a + ticks(t1 - t0) * 5 / 4 + 20 >= n, "first latched count %u, loaded %u", a, n);
    CHECK(b < a, "latched counts %u then %u: not counting down", a, b);
    uint64_t lo = ticks(t2 - t1) * 3 / 4, hi = ticks(t3 - t0) * 5 / 4 + 20;
    CHECK(a - b >= lo && a - b <= hi, "%u ticks between latches, want %lu..%lu", a - b,
          (unsigned long)lo, (unsigned long)hi);
    /*
     * A latch command while a latched count is still unread is ignored (the
     * 8254 sheet; QEMU's pit_latch_count): the value read is the older one,
     * 1 ms of ticks above a fresh latch.
     */
    outb(CTRL, 0x80);
    spin_ns(MS);
    outb(CTRL, 0x80);
    unsigned lsb = inb(CH2);
    unsigned old = lsb | (unsigned)inb(CH2) << 8, fresh = latched();
    CHECK(old > fresh && old - fresh >= 600, "second latch command not ignored: %u then %u", old, fresh);
}

/*
 * 3. Live reads without a latch, as Linux's pit_expect_msb does: two reads of
 * 0x42, the second one the MSB (the flip-flop alternates LSB, MSB after the
 * control word; reading a latched count in between does not move it). The
 * two bytes make a count between the latched ones before and after, less up
 * to 255 when the MSB went down between the two reads. Over 2 ms (~2386
 * ticks, 9-10 MSB steps) the MSB goes down by the system time between the
 * reads (+-25%, +-1 for the LSB's part).
 */
static void test_live(void)
{
    program(0xb0, 0xffff);              /* 55 ms: no wrap below */
    unsigned a = latched();
    unsigned lsb = inb(CH2);
    unsigned v = lsb | (unsigned)inb(CH2) << 8;
    unsigned b = latched();
    CHECK(v <= a && v + 255 >= b, "live count %#x read between latched %#x and %#x", v, a, b);
    uint64_t t0 = system_time_ns();
    inb(CH2);
    unsigned m1 = inb(CH2);
    uint64_t t1 = system_time_ns();
    spin_ns(2 * MS);
    uint64_t t2 = system_time_ns();
    inb(CH2);
    unsigned m2 = inb(CH2);
    uint64_t t3 = system_time_ns();
    unsigned lo = (unsigned)(ticks(t2 - t1) * 3 / 4 / 256), hi = (unsigned)(ticks(t3 - t0) * 5 / 4 / 256 + 1);
    printk("live MSB: %#x, %lu us later %#x\n", m1, (unsigned long)((t2 - t1) / 1000), m2);
    CHECK(m2 < m1 && m1 - m2 >= lo && m1 - m2 <= hi, "live MSB %#x then %#x, want %u..%u steps down",
          m1, m2, lo, hi);
}

/*
 * 4. The gate in mode 0: on an 8254 a low gate 2 (port 0x61 bit 0)
 * suspends the count and a high one resumes it. Mica only: QEMU's i8254,
 * which Xen passes dom0's accesses through to, ignores the gate in modes 0
 * and 4 (pit_set_channel_gate: "XXX: just disable/enable counting"), so
 * there the count goes on; that is printed.
 */
static void test_gate(void)
{
    program(0xb0, 0xffff);
    outb(PORT_B, (uint8_t)(inb(PORT_B) & ~GATE2));
    unsigned a = latched();
    spin_ns(MS);
    unsigned b = latched();
    outb(PORT_B, (uint8_t)(inb(PORT_B) | GATE2));
    spin_ns(MS);
    unsigned c = latched();
    printk("gate off: %u, 1 ms later %u; gate on, 1 ms later %u\n", a, b, c);
    if (!on_mica())
        return;
    CHECK(a == b, "gate off, yet the count moved: %u -> %u", a, b);
    CHECK(c < b && b - c >= 600, "gate on again, count %u -> %u", b, c);
}

/*
 * 5. Modes 2 (rate generator) and 3 (square wave), N = 1000: they reload
 * themselves. In mode 2 the count runs N..1 (the 8254 sheet; QEMU's
 * pit_get_count computes N - (d % N)); in mode 3 it steps by two through
 * N..2 (QEMU: N - ((2d) % N), 0 < result <= N) -- the sheet and QEMU agree
 * on 0..N, so that is the check. 300 latched reads span several periods
 * (1000 ticks = 0.84 ms) under TCG; a second check makes sure the counts
 * moved at all.
 */
static void test_periodic(void)
{
    const unsigned n = 1000;
    static const uint8_t ctrl[2] = { 0xb4, 0xb6 };
    for (int m = 0; m < 2; m++) {
        program(ctrl[m], n);
        unsigned bad = 0, first = latched(), changed = 0, lo = ~0u, hi = 0;
        for (int i = 0; i < 300; i++) {
            unsigned c = latched();
            bad += m == 0 ? (c < 1 || c > n) : c > n;
            changed += c != first;
            lo = c < lo ? c : lo;
            hi = c > hi ? c : hi;
        }
        printk("mode %d, count %u: latched %u..%u\n", m ? 3 : 2, n, lo, hi);
        CHECK(bad == 0, "mode %d (count %u): %u reads out of range (%u..%u)", m ? 3 : 2, n, bad, lo, hi);
        CHECK(changed > 0, "mode %d: count stuck at %u", m ? 3 : 2, first);
    }
}

/*
 * 6. LSB-only access (control 0x90: channel 2, LSB only, mode 0): one byte
 * loads the whole count, the MSB being 0, so 0xff is a count of 255 ticks
 * (214 us) and OUT2 goes high soon. The channel was loaded with 0xffff just
 * before: if the byte did not load, or kept the old MSB, OUT2 would stay low
 * for 55 ms (QEMU's control word keeps the previous count running), so
 * "high within 50 ms" fails then. A latched read is one byte too: right
 * after the load it is at most 0xff and, when taken within ~150 us of the
 * load, no lower than 0xff minus the ticks since. The next read is a fresh
 * latched byte, not a left-over MSB.
 */
static void test_lsb_only(void)
{
    program(0xb0, 0xffff);
    outb(CTRL, 0x90);
    uint64_t t0 = system_time_ns();
    outb(CH2, 0xff);
    outb(CTRL, 0x80);
    unsigned c1 = inb(CH2);
    outb(CTRL, 0x80);
    unsigned c2 = inb(CH2);
    uint64_t t1 = system_time_ns();
    uint64_t took = wait_out2(t0, GIVE_UP_NS);
    printk("LSB only, count 0xff: latched %#x, %#x within %lu us of the load; OUT2 high after %lu us\n",
           c1, c2, (unsigned long)((t1 - t0) / 1000), (unsigned long)(took / 1000));
    /*
     * Both latched bytes are LSBs of a count still above 0 (an MSB would be
     * 0), going down. Only checkable when the host let both happen before
     * the count ended; it does unless it is very loaded (~40 us on Xen).
     */
    if (t1 - t0 < 150000)
        CHECK(c2 > 0 && c2 <= c1 && c1 + ticks(t1 - t0) * 5 / 4 + 10 >= 0xff,
              "LSB-only latched %#x then %#x within %lu ns of loading 0xff", c1, c2,
              (unsigned long)(t1 - t0));
    CHECK(took <= 50 * MS, "LSB-only count 0xff: OUT2 high after %lu ns", (unsigned long)took);
}

/*
 * 7. Port 0x61 reads back the gate (bit 0) and speaker (bit 1) as written
 * (Xen writes them into the real port, keeping its other bits; QEMU's pcspk
 * and Mica report them). Bit 4, the refresh toggle, changes over 100 reads
 * (QEMU flips it at every read, Mica and real hardware every ~15 us).
 * The speaker is left off.
 */
static void test_port_b(void)
{
    static const uint8_t vals[3] = { 0x01, 0x03, 0x00 };
    for (int i = 0; i < 3; i++) {
        outb(PORT_B, vals[i]);
        uint8_t v = inb(PORT_B);
        CHECK((v & 0x03) == vals[i], "port 0x61 written %#x, reads %#x", vals[i], v);
    }
    unsigned seen = 0;
    for (int i = 0; i < 100; i++) {
        seen |= 1u << !!(inb(PORT_B) & REFRESH);
        spin_ns(2000);
    }
    CHECK(seen == 3, "port 0x61 refresh bit never toggled (seen %#x)", seen);
}

/*
 * 8. What Linux needs: the TSC measured against the PIT. As in
 * quick_pit_calibrate: mode 0 from 0xffff, gate on, speaker off, reading 0x42
 * twice (the second byte is the MSB) and taking the TSC at MSB changes. A
 * change happened after the last read of the old MSB began and before the
 * read that saw the new one ended (the TSC is read around each MSB read, so
 * a vCPU descheduled there widens the bracket instead of moving it). Two
 * changes at least 15 ms apart are (msb1 - msb2) * 256 PIT ticks apart:
 * MSB values are counted, not changes, so a slow read that skips a value
 * costs nothing. As Linux insists on a small error, the first change
 * bracketed within 50 us is taken, or else the narrowest (a loaded host may
 * give no narrow one). The TSC rate found must agree within 2% with the one
 * in the pvclock (Xen's and Mica's own calibrations, which Linux uses as a
 * PV guest), allowing for the brackets' width when they are wide.
 */
struct msb_edge { uint64_t before, after; unsigned msb, reads; };

/*
 * Read until the MSB changes; false if it did not before t_end. *prev is the
 * TSC just before the last MSB read.
 */
static bool next_edge(unsigned *msb, uint64_t *prev, uint64_t t_end, struct msb_edge *e)
{
    unsigned reads = 0;
    while (system_time_ns() < t_end) {
        inb(CH2);
        uint64_t before = rdtsc();
        unsigned m = inb(CH2);
        uint64_t after = rdtsc();
        reads++;
        if (m != *msb) {
            *e = (struct msb_edge){ *prev, after, m, reads };
            *msb = m;
            *prev = before;
            return true;
        }
        *prev = before;
    }
    return false;
}

static uint64_t width(const struct msb_edge *e)
{
    return e->after - e->before;
}

static void test_calibration(void)
{
    const struct vcpu_time_info *t = &shared_info()->vcpu_info[0].time;
    /* pvclock: ns = ((tsc << shift) * mul) >> 32, so tsc_hz = 1e9 * 2^32 / mul, shifted back. */
    uint64_t hz = (1000000000ULL << 32) / t->tsc_to_system_mul;
    hz = t->tsc_shift >= 0 ? hz >> t->tsc_shift : hz << -t->tsc_shift;
    uint64_t pv_khz = hz / 1000, narrow = pv_khz * 50 / 1000, span = pv_khz * 15;

    program(0xb0, 0xffff);
    uint64_t t_end = system_time_ns() + GIVE_UP_NS;
    inb(CH2);
    uint64_t prev = rdtsc();
    unsigned msb = inb(CH2), edges = 0, reads = 0;
    struct msb_edge e, e1, e2;
    bool have2 = false;
    /* The first change: the narrowest until one is narrow or the MSB is down to 0xe8 (~5 ms). */
    if (!next_edge(&msb, &prev, t_end, &e1))
        goto stuck;
    for (e = e1; width(&e1) > narrow && e.msb > 0xe8;) {
        if (!next_edge(&msb, &prev, t_end, &e))
            goto stuck;
        if (width(&e) < width(&e1))
            e1 = e;
    }
    /*
     * The second: 15 ms later or more, the narrowest until one is narrow or
     * the MSB is down to 0x30 (~44 ms, before the count wraps at 55 ms).
     */
    do {
        if (!next_edge(&msb, &prev, t_end, &e))
            goto stuck;
        if (e.msb > e1.msb)
            break;                      /* wrapped past 0: a stalled vCPU */
        edges++;
        reads += e.reads;
        if (e.after - e1.after >= span && (!have2 || width(&e) < width(&e2))) {
            e2 = e;
            have2 = true;
        }
    } while (!have2 || (width(&e2) > narrow && e.msb > 0x30));
    if (!have2) {
        fail("calibration: the count wrapped before 15 ms after MSB %#x (host too slow?)", e1.msb);
        return;
    }
    /*
     * The two changes are (msb1 - msb2) * 256 ticks apart; the TSC between
     * them is known within the brackets, so the PIT's TSC rate is too.
     */
    unsigned steps = e1.msb - e2.msb;
    uint64_t div = steps * 256ULL * 1000;
    uint64_t d = (e2.before + e2.after) / 2 - (e1.before + e1.after) / 2;
    uint64_t lo = (e2.before - e1.after) * PIT_HZ / div, hi = (e2.after - e1.before) * PIT_HZ / div;
    uint64_t pit_khz = d * PIT_HZ / div;
    printk("TSC against the PIT: %lu kHz (MSB %#x -> %#x, %u changes, %u reads/step, +-%lu ppm); "
           "pvclock: %lu kHz\n", (unsigned long)pit_khz, e1.msb, e2.msb, edges, reads / steps,
           (unsigned long)((hi - lo) * 500000 / pit_khz), (unsigned long)pv_khz);
    CHECK(hi * 100 >= pv_khz * 98 && lo * 100 <= pv_khz * 102,
          "TSC %lu kHz (%lu..%lu) by the PIT, %lu kHz by the pvclock", (unsigned long)pit_khz,
          (unsigned long)lo, (unsigned long)hi, (unsigned long)pv_khz);
    return;
stuck:
    fail("calibration: the MSB stuck at %#x", msb);
}

/*
 * 9. Read-back (control 11xxxxxx). 0xe8 latches channel 2's status only:
 * bits 0-5 are the programmed access/mode/BCD bits (0x30 after 0xb0), bit 6
 * "null count" (0: the count was loaded; QEMU never sets it), bit 7 OUT. The
 * count is not latched, so two reads 1 ms later are the live count again:
 * no higher than a latch right after them by more than the ticks in between
 * (+25%; a count latched at the command would be ~1193 higher), and lower
 * by at most 255 (the MSB read after the LSB). 0xc8 latches status and
 * count: the status byte comes first, now with OUT high (0xb0) after the
 * terminal count, then the LSB and MSB of the count as it was at the
 * command (mode 0 counts on from 0xffff after 0), 1 ms of ticks above a
 * fresh latch.
 * Both hypervisors: Xen's hwdom_pit_access passes a read-back naming
 * channel 2 to the real 8254 (only the channel 0/1 bits cleared: those it
 * would emulate), and the data port too, so dom0 reads the hardware's
 * status.
 */
static void test_readback(void)
{
    program(0xb0, 0xffff);
    outb(CTRL, 0xe8);
    unsigned st = inb(CH2);
    spin_ns(MS);
    uint64_t t0 = system_time_ns();
    unsigned lsb = inb(CH2);
    unsigned live = lsb | (unsigned)inb(CH2) << 8, now = latched();
    uint64_t t1 = system_time_ns();
    program(0xb0, 0x100);               /* 256 ticks: OUT2 high after 215 us */
    uint64_t took = wait_out2(system_time_ns(), 50 * MS);
    outb(CTRL, 0xc8);
    spin_ns(MS);
    unsigned st2 = inb(CH2);
    unsigned lo = inb(CH2);
    unsigned cnt = lo | (unsigned)inb(CH2) << 8, fresh = latched();
    printk("read-back: status %#x, then live %#x (latched %#x); after the terminal count (%lu us) status %#x, "
           "count %#x (1 ms later %#x)\n", st, live, now, (unsigned long)(took / 1000), st2, cnt, fresh);
    CHECK(st == 0x30, "read-back status %#x after 0xb0 and 0xffff, want 0x30", st);
    CHECK(live + 255 >= now && live <= now + ticks(t1 - t0) * 5 / 4 + 20,
          "after a status read-back, count %#x read, %#x latched %lu ns later", live, now,
          (unsigned long)(t1 - t0));
    CHECK(st2 == 0xb0, "read-back status %#x at OUT high, want 0xb0", st2);
    CHECK(cnt > fresh && cnt - fresh >= 600, "read-back count %#x not latched (%#x 1 ms later)", cnt, fresh);
}

void test_main(void)
{
    trap_init();
    struct physdev_set_iopl iopl = { .iopl = 1 };
    uint8_t v;

    /* Port I/O from the guest kernel (ring 1 for Xen) needs virtual IOPL >= 1. */
    CHECK_RC(HC2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, &iopl), 0);
    unsigned long ex = inb_safe(PORT_B, &v);
    CHECK(ex == 0, "inb 0x61 with iopl 1: %#lx", ex);
    if (failure_count())
        return;
    uint64_t t0 = system_time_ns();
    for (int i = 0; i < 100; i++)
        inb(PORT_B);
    printk("port 0x61: %#x; one read takes %lu ns\n", v, (unsigned long)((system_time_ns() - t0) / 100));

    test_mode0_out();
    test_latch();
    test_live();
    test_gate();
    test_periodic();
    test_lsb_only();
    test_port_b();
    test_calibration();
    test_readback();
    outb(PORT_B, 0x00);                 /* gate off, speaker off */
}
