/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The console ring backend (ioring/console_backend.c): Mica's half of a
 * struct xencons_interface page. The guest's half is played here the way
 * Linux's hvc_xen plays it (producer of `out`, consumer of `in`), through
 * the public struct, so the backend's offsets are checked against
 * include/public/io/console.h as a side effect. The page is malloc'd at
 * its exact size so ASan catches any access outside it.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <mica/console_backend.h>
#include "../../include/public/io/console.h"

static struct xencons_interface *intf;
static struct cons_backend be;

static void setup(void)
{
    intf = calloc(1, sizeof(*intf));
    ck_assert_ptr_nonnull(intf);
    cons_backend_init(&be, intf);
}

static void teardown(void)
{
    free(intf);
    intf = NULL;
}

static char pattern(uint32_t i)
{
    return (char)('a' + (i * 7 + i / 26) % 26);
}

/* The guest writes n pattern bytes (numbered from first) into out, as hvc_xen does. */
static uint32_t guest_write(uint32_t first, uint32_t n)
{
    uint32_t prod = intf->out_prod, cons = intf->out_cons, i = 0;
    while (i < n && prod - cons < sizeof(intf->out))
        intf->out[MASK_XENCONS_IDX(prod++, intf->out)] = pattern(first + i++);
    __atomic_store_n(&intf->out_prod, prod, __ATOMIC_RELEASE);
    return i;
}

/* The guest reads up to n input bytes, as domU_read_console does. */
static uint32_t guest_read(char *buf, uint32_t n)
{
    uint32_t cons = intf->in_cons, prod = __atomic_load_n(&intf->in_prod, __ATOMIC_ACQUIRE), i = 0;
    while (cons != prod && i < n)
        buf[i++] = intf->in[MASK_XENCONS_IDX(cons++, intf->in)];
    intf->in_cons = cons;
    return i;
}

/* ---- output ----------------------------------------------------------- */

static char got[1 << 16];
static size_t got_len, sink_calls, max_piece;
static void (*sink_hook)(void);

static void sink(void *ctx, const char *s, size_t n)
{
    ck_assert_ptr_eq(ctx, &got);
    ck_assert_uint_le(got_len + n, sizeof(got));
    memcpy(got + got_len, s, n);
    got_len += n;
    sink_calls++;
    if (n > max_piece)
        max_piece = n;
    if (sink_hook)
        sink_hook();
}

static void reset_sink(void)
{
    got_len = sink_calls = max_piece = 0;
    sink_hook = NULL;
}

static void expect_pattern(uint32_t first, size_t n)
{
    ck_assert_uint_eq(got_len, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(got[i], pattern(first + (uint32_t)i));
}

START_TEST(test_drain_empty)
{
    bool corrupt = true;
    reset_sink();
    ck_assert_uint_eq(cons_backend_drain(&be, sink, &got, &corrupt), 0);
    ck_assert(!corrupt);
    ck_assert_uint_eq(sink_calls, 0);
}
END_TEST

START_TEST(test_drain_in_order_in_pieces)
{
    bool corrupt = true;
    reset_sink();
    ck_assert_uint_eq(guest_write(0, 300), 300);
    ck_assert_uint_eq(cons_backend_drain(&be, sink, &got, &corrupt), 300);
    ck_assert(!corrupt);
    expect_pattern(0, 300);
    ck_assert_uint_le(max_piece, CONS_BACKEND_CHUNK);
    ck_assert_uint_eq(sink_calls, (300 + CONS_BACKEND_CHUNK - 1) / CONS_BACKEND_CHUNK);
    ck_assert_uint_eq(intf->out_cons, 300);
    ck_assert_uint_eq(intf->out_prod, 300);
    /* Input is untouched by output. */
    ck_assert_uint_eq(intf->in_cons, 0);
    ck_assert_uint_eq(intf->in_prod, 0);
}
END_TEST

/* A full ring whose indices and buffer both wrap (2^32 and 2048). */
START_TEST(test_drain_full_ring_across_index_wrap)
{
    bool corrupt = true;
    uint32_t start = 0xffffffffu - 700;
    reset_sink();
    intf->out_cons = intf->out_prod = start;
    ck_assert_uint_eq(guest_write(0, 5000), sizeof(intf->out));      /* only 2048 fit */
    ck_assert_uint_eq(cons_backend_drain(&be, sink, &got, &corrupt), sizeof(intf->out));
    ck_assert(!corrupt);
    expect_pattern(0, sizeof(intf->out));
    ck_assert_uint_eq(intf->out_cons, start + (uint32_t)sizeof(intf->out));
    /* And again after the wrap, in small writes. */
    reset_sink();
    for (uint32_t i = 0; i < 10; i++)
        guest_write(i * 33, 33);
    ck_assert_uint_eq(cons_backend_drain(&be, sink, &got, NULL), 330);
    expect_pattern(0, 330);
}
END_TEST

/* prod - cons beyond the buffer: nothing consumed, nothing moved, reported. */
START_TEST(test_drain_corrupt_indices)
{
    static const uint32_t bad[][2] = {          /* cons, prod */
        { 0, 2049 }, { 100, 99 }, { 0xfffffff0u, 0x00000900u }, { 5, 0x80000000u },
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        bool corrupt = false;
        reset_sink();
        intf->out_cons = bad[i][0];
        intf->out_prod = bad[i][1];
        ck_assert_uint_eq(cons_backend_drain(&be, sink, &got, &corrupt), 0);
        ck_assert(corrupt);
        ck_assert_uint_eq(sink_calls, 0);
        ck_assert_uint_eq(intf->out_cons, bad[i][0]);
        ck_assert_uint_eq(intf->out_prod, bad[i][1]);
    }
    /* Exactly full is not corrupt. */
    intf->out_cons = 7;
    intf->out_prod = 7 + 2048;
    bool corrupt = true;
    reset_sink();
    ck_assert_uint_eq(cons_backend_drain(&be, sink, &got, &corrupt), 2048);
    ck_assert(!corrupt);
}
END_TEST

/* A guest writing while we drain: we take what was there at the start only. */
static uint32_t racer_next;
static void racer(void)
{
    racer_next += guest_write(racer_next, 50);
}

START_TEST(test_drain_bounded_by_snapshot)
{
    reset_sink();
    racer_next = guest_write(0, 1000);
    sink_hook = racer;
    ck_assert_uint_eq(cons_backend_drain(&be, sink, &got, NULL), 1000);
    ck_assert_uint_eq(got_len, 1000);
    uint32_t more = racer_next - 1000;
    ck_assert_uint_gt(more, 0);                         /* the guest did write meanwhile */
    /* The next drain takes the rest, still in order. */
    sink_hook = NULL;
    ck_assert_uint_eq(cons_backend_drain(&be, sink, &got, NULL), more);
    expect_pattern(0, 1000 + more);
}
END_TEST

/* ---- input ------------------------------------------------------------ */

static const char *src;
static size_t src_len, src_pos, src_calls;

static int source(void *ctx)
{
    ck_assert_ptr_eq(ctx, &src);
    src_calls++;
    return src_pos < src_len ? (unsigned char)src[src_pos++] : -1;
}

static void set_source(const char *s, size_t n)
{
    src = s;
    src_len = n;
    src_pos = src_calls = 0;
}

START_TEST(test_feed_until_source_dry)
{
    bool corrupt = true;
    char buf[64];
    set_source("ls -l\r", 6);
    ck_assert_uint_eq(cons_backend_feed(&be, source, &src, &corrupt), 6);
    ck_assert(!corrupt);
    ck_assert_uint_eq(intf->in_prod, 6);
    ck_assert_uint_eq(guest_read(buf, sizeof(buf)), 6);
    ck_assert_mem_eq(buf, "ls -l\r", 6);
    /* Nothing more to give: the ring is left alone. */
    ck_assert_uint_eq(cons_backend_feed(&be, source, &src, &corrupt), 0);
    ck_assert_uint_eq(intf->in_prod, 6);
    /* Output is untouched by input. */
    ck_assert_uint_eq(intf->out_prod, 0);
}
END_TEST

/* Only as many bytes as fit are taken from the source; the rest stay there. */
START_TEST(test_feed_takes_only_what_fits)
{
    static char data[5000];
    char buf[2048];
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = pattern(i);
    intf->in_cons = intf->in_prod = 0xfffffe00u;        /* wraps 2^32 on the way */
    set_source(data, sizeof(data));
    ck_assert_uint_eq(cons_backend_feed(&be, source, &src, NULL), sizeof(intf->in));
    ck_assert_uint_eq(src_pos, sizeof(intf->in));
    ck_assert_uint_eq(src_calls, sizeof(intf->in));     /* never a byte too many */
    /* Full: not one more call to the source. */
    ck_assert_uint_eq(cons_backend_feed(&be, source, &src, NULL), 0);
    ck_assert_uint_eq(src_calls, sizeof(intf->in));
    /* The guest reads 1000; exactly 1000 more go in. */
    ck_assert_uint_eq(guest_read(buf, 1000), 1000);
    ck_assert_mem_eq(buf, data, 1000);
    ck_assert_uint_eq(cons_backend_feed(&be, source, &src, NULL), 1000);
    ck_assert_uint_eq(src_pos, sizeof(intf->in) + 1000);
    ck_assert_uint_eq(guest_read(buf, sizeof(buf)), sizeof(intf->in));
    ck_assert_mem_eq(buf, data + 1000, sizeof(intf->in));
    ck_assert_uint_eq(intf->in_prod, 0xfffffe00u + (uint32_t)sizeof(intf->in) + 1000);
}
END_TEST

START_TEST(test_feed_corrupt_indices)
{
    bool corrupt = false;
    intf->in_cons = 0;
    intf->in_prod = 1025;
    set_source("x", 1);
    ck_assert_uint_eq(cons_backend_feed(&be, source, &src, &corrupt), 0);
    ck_assert(corrupt);
    ck_assert_uint_eq(src_calls, 0);                    /* the input waits */
    ck_assert_uint_eq(intf->in_prod, 1025);
    /* The guest repairs its index: input flows again. */
    intf->in_cons = 1025;
    ck_assert_uint_eq(cons_backend_feed(&be, source, &src, &corrupt), 1);
    ck_assert(!corrupt);
}
END_TEST

/* Both directions at once, many rounds, random sizes: nothing lost or reordered. */
START_TEST(test_both_directions_random)
{
    static char data[200000], in_got[200000];
    uint32_t out_next = 0;
    size_t in_have = 0;
    unsigned seed = 12345;
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (char)(i * 131 + 7);
    set_source(data, sizeof(data));
    reset_sink();
    intf->out_cons = intf->out_prod = intf->in_cons = intf->in_prod = 0xffff0000u;
    while (in_have < sizeof(data) || out_next < 60000) {
        seed = seed * 1103515245u + 12345u;
        if (out_next < 60000)
            out_next += guest_write(out_next, MIN(60000 - out_next, (seed >> 8) % 700));
        if (seed & 0x10000)
            cons_backend_drain(&be, sink, &got, NULL);
        if (seed & 0x20000)
            cons_backend_feed(&be, source, &src, NULL);
        in_have += guest_read(in_got + in_have, (seed >> 20) % 900);
    }
    cons_backend_drain(&be, sink, &got, NULL);
    expect_pattern(0, 60000);
    ck_assert_mem_eq(in_got, data, sizeof(data));
}
END_TEST

static Suite *console_backend_suite(void)
{
    Suite *s = suite_create("console_backend");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_drain_empty);
    tcase_add_test(tc, test_drain_in_order_in_pieces);
    tcase_add_test(tc, test_drain_full_ring_across_index_wrap);
    tcase_add_test(tc, test_drain_corrupt_indices);
    tcase_add_test(tc, test_drain_bounded_by_snapshot);
    tcase_add_test(tc, test_feed_until_source_dry);
    tcase_add_test(tc, test_feed_takes_only_what_fits);
    tcase_add_test(tc, test_feed_corrupt_indices);
    tcase_add_test(tc, test_both_directions_random);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(console_backend_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
