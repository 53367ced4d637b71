// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for arch/x86/pv/vpit.c (the PIT channel 2 of PV domains):
 * each 8254 mode's count and OUT against time, the gate, access modes,
 * latches and read-back, BCD, port 0x61, and Linux's calibration loop.
 */
#include <check.h>
#include <stdlib.h>
#include <mica/vpit.h>

/* The first ns at which 'ticks' whole PIT ticks have passed. */
static uint64_t T(uint64_t ticks)
{
    return (ticks * 1000000000ull + VPIT_HZ - 1) / VPIT_HZ;
}

static const uint64_t t0 = 5000000;     /* the channel is set up at 5 ms */

static void setup(struct vpit *p, uint8_t ctrl, unsigned int count, bool gate)
{
    vpit_reset(p);
    vpit_write(p, VPIT_PORT_B, gate ? 1 : 0, t0);
    vpit_write(p, VPIT_PORT_CTRL, ctrl, t0);
    switch ((ctrl >> 4) & 3) {
    case 1: vpit_write(p, VPIT_PORT_CH2, (uint8_t)count, t0); break;
    case 2: vpit_write(p, VPIT_PORT_CH2, (uint8_t)(count >> 8), t0); break;
    default:
        vpit_write(p, VPIT_PORT_CH2, (uint8_t)count, t0);
        vpit_write(p, VPIT_PORT_CH2, (uint8_t)(count >> 8), t0);
    }
}

/* Counter-latch command, then LSB and MSB (access mode 3). */
static unsigned int latched(struct vpit *p, uint64_t now)
{
    vpit_write(p, VPIT_PORT_CTRL, 0x80, now);
    unsigned int lo = vpit_read(p, VPIT_PORT_CH2, now);
    return lo | (unsigned int)vpit_read(p, VPIT_PORT_CH2, now) << 8;
}

static bool out2(struct vpit *p, uint64_t now)
{
    return vpit_read(p, VPIT_PORT_B, now) & 0x20;
}

START_TEST(test_mode0_counts_down_then_out_high)
{
    struct vpit p;
    setup(&p, 0xb0, 11932, true);
    ck_assert(!out2(&p, t0));
    ck_assert_uint_eq(latched(&p, t0), 11932);
    ck_assert_uint_eq(latched(&p, t0 + T(100)), 11832);
    ck_assert(!out2(&p, t0 + T(11931)));
    ck_assert(out2(&p, t0 + T(11932)));
    ck_assert_uint_eq(latched(&p, t0 + T(11932)), 0);
    /* Past terminal count the counter runs on through the whole range. */
    ck_assert_uint_eq(latched(&p, t0 + T(11933)), 0xffff);
    ck_assert(out2(&p, t0 + T(20000)));
    /* Live reads alternate LSB, MSB (what Linux's pit_expect_msb reads). */
    uint64_t t = t0 + T(11932 + 0x100);
    ck_assert_uint_eq(vpit_read(&p, VPIT_PORT_CH2, t), 0x00);
    ck_assert_uint_eq(vpit_read(&p, VPIT_PORT_CH2, t), 0xff);
    /* A new control word takes OUT low again until the count ends. */
    vpit_write(&p, VPIT_PORT_CTRL, 0xb0, t);
    ck_assert(!out2(&p, t));
}
END_TEST

START_TEST(test_mode0_gate_pauses)
{
    struct vpit p;
    setup(&p, 0xb0, 11932, true);
    vpit_write(&p, VPIT_PORT_B, 0, t0 + T(100));
    ck_assert_uint_eq(latched(&p, t0 + T(5000)), 11832);
    vpit_write(&p, VPIT_PORT_B, 1, t0 + T(5000));
    ck_assert_uint_eq(latched(&p, t0 + T(5100) + 1), 11732);
    /* Loaded with the gate low: nothing counts until it rises. */
    setup(&p, 0xb0, 500, false);
    ck_assert_uint_eq(latched(&p, t0 + T(1000)), 500);
    ck_assert(!out2(&p, t0 + T(1000)));
    vpit_write(&p, VPIT_PORT_B, 1, t0 + T(1000));
    ck_assert(out2(&p, t0 + T(1500) + 1));
}
END_TEST

START_TEST(test_mode2_rate_generator)
{
    struct vpit p;
    setup(&p, 0xb4, 1000, true);
    ck_assert_uint_eq(latched(&p, t0), 1000);
    ck_assert_uint_eq(latched(&p, t0 + T(999)), 1);
    ck_assert_uint_eq(latched(&p, t0 + T(1000)), 1000);
    ck_assert(out2(&p, t0 + T(998)));
    ck_assert(!out2(&p, t0 + T(999)));      /* low for the tick at count 1 */
    ck_assert(out2(&p, t0 + T(1000)));
    for (uint64_t t = 0; t < 5000; t += 7) {
        unsigned int c = latched(&p, t0 + T(t));
        ck_assert(c >= 1 && c <= 1000);
    }
    /* Gate low: held, OUT high; rising edge: reloaded. */
    vpit_write(&p, VPIT_PORT_B, 0, t0 + T(1999));
    ck_assert(out2(&p, t0 + T(1999)));
    ck_assert_uint_eq(latched(&p, t0 + T(3000)), 1);
    vpit_write(&p, VPIT_PORT_B, 1, t0 + T(3000));
    ck_assert_uint_eq(latched(&p, t0 + T(3000)), 1000);
    /* Mode 6 is mode 2. */
    setup(&p, 0xbc, 1000, true);
    ck_assert_uint_eq(latched(&p, t0 + T(999)), 1);
}
END_TEST

START_TEST(test_mode3_square_wave)
{
    struct vpit p;
    setup(&p, 0xb6, 1000, true);
    ck_assert(out2(&p, t0 + T(499)));
    ck_assert(!out2(&p, t0 + T(500)));
    ck_assert(!out2(&p, t0 + T(999)));
    ck_assert(out2(&p, t0 + T(1000)));
    ck_assert_uint_eq(latched(&p, t0 + T(1)), 998);      /* down by two a tick */
    for (uint64_t t = 0; t < 3000; t += 11) {
        unsigned int c = latched(&p, t0 + T(t));
        ck_assert(c >= 1 && c <= 1000);
    }
}
END_TEST

START_TEST(test_mode1_and_5_wait_for_the_gate)
{
    struct vpit p;
    setup(&p, 0xb2, 300, false);
    ck_assert(out2(&p, t0 + T(1000)));
    ck_assert_uint_eq(latched(&p, t0 + T(1000)), 300);
    vpit_write(&p, VPIT_PORT_B, 1, t0 + T(1000));            /* trigger */
    ck_assert(!out2(&p, t0 + T(1000)));
    ck_assert_uint_eq(latched(&p, t0 + T(1000) + T(100)), 200);
    ck_assert(!out2(&p, t0 + T(1000) + T(299)));
    ck_assert(out2(&p, t0 + T(1000) + T(300)));
    /* The gate falling changes nothing; rising again retriggers. */
    vpit_write(&p, VPIT_PORT_B, 0, t0 + T(1400));
    vpit_write(&p, VPIT_PORT_B, 1, t0 + T(1400));
    ck_assert(!out2(&p, t0 + T(1400)));
    /* Mode 5: OUT high but one tick at terminal count. */
    setup(&p, 0xba, 300, false);
    vpit_write(&p, VPIT_PORT_B, 1, t0);
    ck_assert(out2(&p, t0 + T(299)));
    ck_assert(!out2(&p, t0 + T(300)));
    ck_assert(out2(&p, t0 + T(301)));
}
END_TEST

START_TEST(test_mode4_strobe)
{
    struct vpit p;
    vpit_reset(&p);
    vpit_write(&p, VPIT_PORT_B, 1, t0);
    vpit_write(&p, VPIT_PORT_CTRL, 0xb8, t0);
    ck_assert(out2(&p, t0));                  /* high from the control word */
    vpit_write(&p, VPIT_PORT_CH2, 100, t0);
    vpit_write(&p, VPIT_PORT_CH2, 0, t0);
    ck_assert(out2(&p, t0 + T(99)));
    ck_assert(!out2(&p, t0 + T(100)));
    ck_assert(out2(&p, t0 + T(101)));
}
END_TEST

START_TEST(test_access_modes_and_bcd)
{
    struct vpit p;
    setup(&p, 0x90, 0xff, true);                /* LSB only */
    ck_assert_uint_eq(vpit_read(&p, VPIT_PORT_CH2, t0 + T(0x0f)), 0xf0);
    ck_assert_uint_eq(vpit_read(&p, VPIT_PORT_CH2, t0 + T(0x0f)), 0xf0);
    ck_assert(out2(&p, t0 + T(0xff)));
    setup(&p, 0xa0, 0x1200, true);              /* MSB only: count 0x1200 */
    ck_assert_uint_eq(vpit_read(&p, VPIT_PORT_CH2, t0 + T(0x100)), 0x11);
    setup(&p, 0xb1, 0x1000, true);              /* BCD 1000 */
    ck_assert_uint_eq(latched(&p, t0 + T(1)), 0x0999);
    ck_assert(out2(&p, t0 + T(1000)));
    ck_assert(!out2(&p, t0 + T(999)));
    setup(&p, 0xb1, 0, true);                   /* BCD 0 is 10000 */
    ck_assert_uint_eq(latched(&p, t0 + T(1)), 0x9999);
    setup(&p, 0xb0, 0, true);                   /* binary 0 is 65536 */
    ck_assert_uint_eq(latched(&p, t0 + T(1)), 0xffff);
    ck_assert(!out2(&p, t0 + T(65535)));
    ck_assert(out2(&p, t0 + T(65536)));
}
END_TEST

START_TEST(test_latch_and_readback)
{
    struct vpit p;
    setup(&p, 0xb0, 10000, true);
    vpit_write(&p, VPIT_PORT_CTRL, 0x80, t0 + T(10));
    vpit_write(&p, VPIT_PORT_CTRL, 0x80, t0 + T(20));    /* ignored: latch not read yet */
    ck_assert_uint_eq(vpit_read(&p, VPIT_PORT_CH2, t0 + T(30)), 9990 & 0xff);
    ck_assert_uint_eq(vpit_read(&p, VPIT_PORT_CH2, t0 + T(40)), 9990 >> 8);
    ck_assert_uint_eq(latched(&p, t0 + T(50)), 9950);
    /* Read-back of the status alone: OUT, null count, rw, mode, bcd. */
    vpit_write(&p, VPIT_PORT_CTRL, 0xe8, t0 + T(60));
    ck_assert_uint_eq(vpit_read(&p, VPIT_PORT_CH2, t0 + T(60)), 0x30);
    vpit_write(&p, VPIT_PORT_CTRL, 0xe8, t0 + T(10000));
    ck_assert_uint_eq(vpit_read(&p, VPIT_PORT_CH2, t0 + T(10000)), 0xb0);
    /* Status and count: status first, then the count latched with it. */
    vpit_write(&p, VPIT_PORT_CTRL, 0xc8, t0 + T(10100));
    ck_assert_uint_eq(vpit_read(&p, VPIT_PORT_CH2, t0 + T(20000)), 0xb0);
    unsigned int lo = vpit_read(&p, VPIT_PORT_CH2, t0 + T(20000));
    ck_assert_uint_eq(lo | (unsigned int)vpit_read(&p, VPIT_PORT_CH2, t0 + T(20000)) << 8,
                      (10000u + 65536u - 10100u) % 65536u);
    /* A control word without a count yet: null count set, OUT low in mode 0. */
    vpit_write(&p, VPIT_PORT_CTRL, 0xb4, t0 + T(20000));
    vpit_write(&p, VPIT_PORT_CTRL, 0xe8, t0 + T(20000));
    ck_assert_uint_eq(vpit_read(&p, VPIT_PORT_CH2, t0 + T(20000)), 0xc0 | 0x34);
    /* Read-back without counter 2 selected, and channel 0/1 words: no effect. */
    setup(&p, 0xb0, 10000, true);
    vpit_write(&p, VPIT_PORT_CTRL, 0xe2, t0);
    vpit_write(&p, VPIT_PORT_CTRL, 0x34, t0);
    vpit_write(&p, VPIT_PORT_CTRL, 0x76, t0);
    ck_assert_uint_eq(latched(&p, t0 + T(1)), 9999);
    ck_assert_uint_eq(vpit_read(&p, VPIT_PORT_CTRL, t0), 0xff);
}
END_TEST

START_TEST(test_port_b)
{
    struct vpit p;
    vpit_reset(&p);
    ck_assert_uint_eq(vpit_read(&p, VPIT_PORT_B, 0) & 0x03, 0);      /* gate and speaker off */
    vpit_write(&p, VPIT_PORT_B, 0x03, 0);
    ck_assert_uint_eq(vpit_read(&p, VPIT_PORT_B, 0) & 0x03, 0x03);
    vpit_write(&p, VPIT_PORT_B, 0xfc, 0);
    ck_assert_uint_eq(vpit_read(&p, VPIT_PORT_B, 0) & 0x03, 0x00);
    /* The refresh bit toggles (every ~15 us). */
    unsigned int seen = 0;
    for (uint64_t t = 0; t < 100000; t += 1000)
        seen |= 1u << !!(vpit_read(&p, VPIT_PORT_B, t) & 0x10);
    ck_assert_uint_eq(seen, 3);
    ck_assert(vpit_port(0x42) && vpit_port(0x43) && vpit_port(0x61));
    ck_assert(!vpit_port(0x40) && !vpit_port(0x41) && !vpit_port(0x60));
}
END_TEST

/*
 * Linux's quick_pit_calibrate in miniature: mode 0 from 0xffff, read LSB
 * then MSB in a loop (each trapped read costing 3 us of a 2.5 GHz TSC),
 * and time 40 MSB steps. The rate must come out at 1.193182 MHz.
 */
START_TEST(test_linux_style_calibration)
{
    struct vpit p;
    const uint64_t read_ns = 3000;
    uint64_t now = t0, first_ns = 0;
    unsigned int steps = 0, last_msb = 0xff;

    vpit_reset(&p);
    vpit_write(&p, VPIT_PORT_B, (vpit_read(&p, VPIT_PORT_B, now) & ~0x02) | 0x01, now);
    vpit_write(&p, VPIT_PORT_CTRL, 0xb0, now);
    vpit_write(&p, VPIT_PORT_CH2, 0xff, now);
    vpit_write(&p, VPIT_PORT_CH2, 0xff, now);
    while (steps < 40) {
        vpit_read(&p, VPIT_PORT_CH2, now);
        now += read_ns;
        unsigned int msb = vpit_read(&p, VPIT_PORT_CH2, now);
        now += read_ns;
        ck_assert_uint_le(msb, last_msb);
        if (msb != last_msb) {
            if (!steps++)
                first_ns = now;
            last_msb = msb;
        }
        ck_assert_uint_lt(now, t0 + 100000000);
    }
    double hz = 39.0 * 256 / ((double)(now - first_ns) / 1e9);
    ck_assert_msg(hz > VPIT_HZ * 0.995 && hz < VPIT_HZ * 1.005, "measured %.0f Hz", hz);
}
END_TEST

static Suite *vpit_suite(void)
{
    Suite *s = suite_create("vpit");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_mode0_counts_down_then_out_high);
    tcase_add_test(tc, test_mode0_gate_pauses);
    tcase_add_test(tc, test_mode2_rate_generator);
    tcase_add_test(tc, test_mode3_square_wave);
    tcase_add_test(tc, test_mode1_and_5_wait_for_the_gate);
    tcase_add_test(tc, test_mode4_strobe);
    tcase_add_test(tc, test_access_modes_and_bcd);
    tcase_add_test(tc, test_latch_and_readback);
    tcase_add_test(tc, test_port_b);
    tcase_add_test(tc, test_linux_style_calibration);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(vpit_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
