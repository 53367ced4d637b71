/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Descriptor validation (arch/x86/pv/descriptor.c): what a 64-bit PV guest
 * may put in its GDT/LDT, and the form in which it is stored. The expected
 * values follow Xen 4.17's check_descriptor() for 64-bit guests.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <mica/descriptor.h>

#define CODE64_DPL3 0x00affa000000ffffULL   /* present, DPL 3, code, L */
#define CODE64_DPL0 0x00af9a000000ffffULL
#define DATA_DPL3   0x00cff2000000ffffULL
#define DATA_DPL0   0x00cf92000000ffffULL
#define DATA_DPL1   0x00cfb2000000ffffULL
#define DPL(d)      (((d) >> 45) & 3)

/* 64-bit call gate, low half: offset 15:0, selector, type 0xc, DPL, P, offset 31:16. */
static uint64_t gate(unsigned sel, unsigned dpl, uint32_t off)
{
    return (off & 0xffffULL) | ((uint64_t)sel << 16) | ((0x8cULL | (dpl << 5)) << 40) |
           ((uint64_t)(off & 0xffff0000u) << 32);
}

static bool check(uint64_t in, uint64_t *out)
{
    *out = in;
    return desc_check(out);
}

START_TEST(not_present_anything_goes)
{
    uint64_t d;
    /* Any garbage without P: the CPU faults on use. Stored unchanged. */
    ck_assert(check(0, &d) && d == 0);
    ck_assert(check(0xffff7fffffffffffULL, &d) && d == 0xffff7fffffffffffULL);
    ck_assert(check(gate(0xe008, 0, 0) & ~(1ULL << 47), &d));
}
END_TEST

START_TEST(code_data_dpl3_unchanged)
{
    uint64_t d;
    ck_assert(check(CODE64_DPL3, &d) && d == CODE64_DPL3);
    ck_assert(check(DATA_DPL3, &d) && d == DATA_DPL3);
    /* Base and limit are not checked: 64-bit guests cannot reach Mica through them. */
    ck_assert(check(0xffcff2ffffffffffULL, &d) && d == 0xffcff2ffffffffffULL);
}
END_TEST

START_TEST(code_data_dpl_raised)
{
    uint64_t d;
    ck_assert(check(CODE64_DPL0, &d));
    ck_assert_uint_eq(DPL(d), 3);
    ck_assert_uint_eq(d & ~(3ULL << 45), CODE64_DPL0 & ~(3ULL << 45));
    ck_assert(check(DATA_DPL0, &d) && d == DATA_DPL3);
    ck_assert(check(DATA_DPL1, &d) && d == DATA_DPL3);
    /* Idempotent: checking the stored form again changes nothing. */
    uint64_t again = d;
    ck_assert(desc_check(&again) && again == d);
}
END_TEST

START_TEST(system_descriptors_refused)
{
    uint64_t d;
    /* Present system descriptors other than 64-bit call gates. */
    static const unsigned types[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15 };
    for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        uint64_t in = 0x0000800000001000ULL | ((uint64_t)types[i] << 40) | (3ULL << 45);
        ck_assert_msg(!check(in, &d), "type %u accepted", types[i]);
        ck_assert_uint_eq(d, in);   /* left alone */
    }
    /* A present type-0 system descriptor is invalid to the CPU: harmless, kept. */
    ck_assert(check(0x0000e00000000000ULL, &d) && d == 0x0000e00000000000ULL);
}
END_TEST

START_TEST(call_gates)
{
    uint64_t d;
    /* Into Mica's code selectors: refused. */
    ck_assert(!check(gate(0xe008, 3, 0x100000), &d));
    ck_assert(!check(gate(0xe018, 3, 0x100000), &d));
    ck_assert(!check(gate(0xe030, 3, 0x100000), &d));     /* flat CS with RPL 0: not exact */
    /* Into the flat kernel CS: stored with DPL 0, guest DPL in the RPL. */
    ck_assert(check(gate(0xe033, 3, 0x100000), &d));
    ck_assert_uint_eq(DPL(d), 0);
    ck_assert_uint_eq((d >> 16) & 0xffff, 0xe033);
    ck_assert_uint_eq(d & ~((3ULL << 45) | (0xffffULL << 16)), gate(0xe033, 3, 0x100000) & ~((3ULL << 45) | (0xffffULL << 16)));
    /* Into a guest GDT selector: the DPL is first raised to 3. */
    ck_assert(check(gate(0x0010, 0, 0x2000), &d));
    ck_assert_uint_eq(DPL(d), 0);
    ck_assert_uint_eq((d >> 16) & 0xffff, 0x0013);
    /* The last guest GDT entry, and the first reserved one. */
    ck_assert(check(gate((7167 << 3), 3, 0), &d));
    ck_assert(!check(gate((7168 << 3), 3, 0), &d));
    /* Any LDT selector, even one whose index lies in the reserved range. */
    ck_assert(check(gate(0xe00c, 3, 0), &d));
    ck_assert_uint_eq((d >> 16) & 0xffff, 0xe00f);
    /* IST or reserved bits set: refused. */
    ck_assert(!check(gate(0xe033, 3, 0) | (1ULL << 32), &d));
    ck_assert(!check(gate(0xe033, 3, 0) | (0x80ULL << 32), &d));
    /* The stored gate passes again unchanged (update_descriptor of a read-back value). */
    ck_assert(check(gate(0xe033, 3, 0x1234), &d));
    uint64_t again = d;
    ck_assert(desc_check(&again));
}
END_TEST

START_TEST(page_check)
{
    uint64_t *p = calloc(DESCS_PER_PAGE, sizeof(*p));
    ck_assert_uint_eq(desc_check_page(p), DESCS_PER_PAGE);
    p[1] = CODE64_DPL0;
    p[2] = DATA_DPL3;
    ck_assert_uint_eq(desc_check_page(p), DESCS_PER_PAGE);
    ck_assert_uint_eq(DPL(p[1]), 3);    /* rewritten in place */
    p[511] = gate(0xe008, 3, 0);
    ck_assert_uint_eq(desc_check_page(p), 511);
    p[511] = 0;
    p[7] = 0x0000890000000000ULL;       /* available TSS */
    ck_assert_uint_eq(desc_check_page(p), 7);
    free(p);
}
END_TEST

static Suite *descriptor_suite(void)
{
    Suite *s = suite_create("descriptor");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, not_present_anything_goes);
    tcase_add_test(tc, code_data_dpl3_unchanged);
    tcase_add_test(tc, code_data_dpl_raised);
    tcase_add_test(tc, system_descriptors_refused);
    tcase_add_test(tc, call_gates);
    tcase_add_test(tc, page_check);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(descriptor_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
