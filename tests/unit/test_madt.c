/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ACPI MADT parser (arch/x86/madt.c): two tables exactly as QEMU's
 * firmware builds them, tables built here entry by entry for what QEMU
 * does not produce (x2APIC, address override, online-capable CPUs, odd
 * entries), every kind of malformed table, and every truncation of a real
 * table in a buffer of exactly its size, so ASan sees any read past the end.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mica/madt.h>

/* QEMU 7.2 (SeaBIOS 1.16.2), -machine pc -smp 4: dumped from a Mica boot. */
static const uint8_t qemu_smp4[] = {
	0x41, 0x50, 0x49, 0x43, 0x90, 0x00, 0x00, 0x00, 0x01, 0x4b, 0x42, 0x4f,
	0x43, 0x48, 0x53, 0x20, 0x42, 0x58, 0x50, 0x43, 0x20, 0x20, 0x20, 0x20,
	0x01, 0x00, 0x00, 0x00, 0x42, 0x58, 0x50, 0x43, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xe0, 0xfe, 0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x08, 0x02, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x03, 0x03,
	0x01, 0x00, 0x00, 0x00, 0x01, 0x0c, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xfe,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x02, 0x0a, 0x00, 0x05, 0x05, 0x00, 0x00, 0x00, 0x0d, 0x00,
	0x02, 0x0a, 0x00, 0x09, 0x09, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x02, 0x0a,
	0x00, 0x0a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x02, 0x0a, 0x00, 0x0b,
	0x0b, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x04, 0x06, 0xff, 0x00, 0x00, 0x01,
};

/* QEMU 7.2, -machine q35 -smp 2,maxcpus=4: two present, two hot-pluggable (disabled). */
static const uint8_t qemu_smp2_max4[] = {
	0x41, 0x50, 0x49, 0x43, 0x90, 0x00, 0x00, 0x00, 0x01, 0x4d, 0x42, 0x4f,
	0x43, 0x48, 0x53, 0x20, 0x42, 0x58, 0x50, 0x43, 0x20, 0x20, 0x20, 0x20,
	0x01, 0x00, 0x00, 0x00, 0x42, 0x58, 0x50, 0x43, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xe0, 0xfe, 0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x08, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x03, 0x03,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x0c, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xfe,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x02, 0x0a, 0x00, 0x05, 0x05, 0x00, 0x00, 0x00, 0x0d, 0x00,
	0x02, 0x0a, 0x00, 0x09, 0x09, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x02, 0x0a,
	0x00, 0x0a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x02, 0x0a, 0x00, 0x0b,
	0x0b, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x04, 0x06, 0xff, 0x00, 0x00, 0x01,
};

static struct madt_info info;

/* ---- building tables ---- */

struct table {
	uint8_t b[8192];
	size_t n;
};

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static void t_begin(struct table *t, uint32_t lapic_addr, uint32_t flags)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->b, "APIC", 4);
	t->b[8] = 5;                            /* revision (ACPI 6.3+) */
	memcpy(t->b + 10, "MICA  ", 6);
	memcpy(t->b + 16, "UNITTEST", 8);
	put32(t->b + 36, lapic_addr);
	put32(t->b + 40, flags);
	t->n = 44;
}

static uint8_t *t_entry(struct table *t, uint8_t type, uint8_t len)
{
	uint8_t *e = t->b + t->n;
	ck_assert_uint_le(t->n + len, sizeof(t->b));
	e[0] = type;
	e[1] = len;
	t->n += len;
	return e;
}

static void t_lapic(struct table *t, uint8_t uid, uint8_t id, uint32_t flags)
{
	uint8_t *e = t_entry(t, 0, 8);
	e[2] = uid;
	e[3] = id;
	put32(e + 4, flags);
}

static void t_x2apic(struct table *t, uint32_t id, uint32_t flags, uint32_t uid)
{
	uint8_t *e = t_entry(t, 9, 16);
	put32(e + 4, id);
	put32(e + 8, flags);
	put32(e + 12, uid);
}

static void t_ioapic(struct table *t, uint8_t id, uint32_t addr, uint32_t gsi)
{
	uint8_t *e = t_entry(t, 1, 12);
	e[2] = id;
	put32(e + 4, addr);
	put32(e + 8, gsi);
}

/* Length and checksum, as the last step. */
static void t_end(struct table *t)
{
	uint8_t sum = 0;
	put32(t->b + 4, (uint32_t)t->n);
	t->b[9] = 0;
	for (size_t i = 0; i < t->n; i++)
		sum += t->b[i];
	t->b[9] = (uint8_t)-sum;
}

/* Parse from a heap copy of exactly avail bytes (ASan guards the end). */
static int parse_exact(const void *p, size_t avail)
{
	uint8_t *copy = malloc(avail ? avail : 1);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, p, avail);
	int rc = madt_parse(copy, avail, &info);
	free(copy);
	return rc;
}

static void check_cpu(unsigned i, uint32_t apic_id, uint32_t uid, bool enabled,
		      bool online_capable, bool x2apic)
{
	ck_assert_uint_lt(i, info.nr_cpus);
	ck_assert_uint_eq(info.cpu[i].apic_id, apic_id);
	ck_assert_uint_eq(info.cpu[i].acpi_uid, uid);
	ck_assert_int_eq(info.cpu[i].enabled, enabled);
	ck_assert_int_eq(info.cpu[i].online_capable, online_capable);
	ck_assert_int_eq(info.cpu[i].x2apic, x2apic);
}

static void check_override(unsigned i, uint8_t irq, uint32_t gsi, uint16_t flags)
{
	ck_assert_uint_lt(i, info.nr_overrides);
	ck_assert_uint_eq(info.override[i].bus, 0);
	ck_assert_uint_eq(info.override[i].irq, irq);
	ck_assert_uint_eq(info.override[i].gsi, gsi);
	ck_assert_uint_eq(info.override[i].flags, flags);
}

/* ---- real tables ---- */

START_TEST(test_qemu_smp4)
{
	ck_assert_int_eq(parse_exact(qemu_smp4, sizeof(qemu_smp4)), MADT_OK);
	ck_assert_uint_eq(info.lapic_addr, 0xfee00000);
	ck_assert_uint_eq(info.flags, MADT_PCAT_COMPAT);
	ck_assert_uint_eq(info.nr_cpus, 4);
	for (unsigned i = 0; i < 4; i++)
		check_cpu(i, i, i, true, false, false);
	ck_assert_uint_eq(madt_enabled_cpus(&info), 4);
	ck_assert_uint_eq(info.nr_ioapics, 1);
	ck_assert_uint_eq(info.ioapic[0].id, 0);
	ck_assert_uint_eq(info.ioapic[0].addr, 0xfec00000);
	ck_assert_uint_eq(info.ioapic[0].gsi_base, 0);
	/* The timer on pin 2; SCI and PCI links level-triggered, active high (0xd). */
	ck_assert_uint_eq(info.nr_overrides, 5);
	check_override(0, 0, 2, 0);
	check_override(1, 5, 5, 0xd);
	check_override(2, 9, 9, 0xd);
	check_override(3, 10, 10, 0xd);
	check_override(4, 11, 11, 0xd);
	ck_assert_uint_eq(info.nr_nmis, 1);
	ck_assert_uint_eq(info.nmi[0].acpi_uid, MADT_UID_ALL);
	ck_assert_uint_eq(info.nmi[0].flags, 0);
	ck_assert_uint_eq(info.nmi[0].lint, 1);
	ck_assert_uint_eq(info.nr_bad, 0);
	ck_assert_uint_eq(info.nr_unknown, 0);
	ck_assert_uint_eq(info.nr_cpus_dropped, 0);
}
END_TEST

START_TEST(test_qemu_hotplug_cpus_disabled)
{
	ck_assert_int_eq(parse_exact(qemu_smp2_max4, sizeof(qemu_smp2_max4)), MADT_OK);
	ck_assert_uint_eq(info.nr_cpus, 4);
	check_cpu(0, 0, 0, true, false, false);
	check_cpu(1, 1, 1, true, false, false);
	check_cpu(2, 2, 2, false, false, false);
	check_cpu(3, 3, 3, false, false, false);
	ck_assert_uint_eq(madt_enabled_cpus(&info), 2);
}
END_TEST

/* A buffer longer than the table: only the header's length counts. */
START_TEST(test_extra_bytes_after_table_ignored)
{
	uint8_t buf[sizeof(qemu_smp4) + 16];
	memcpy(buf, qemu_smp4, sizeof(qemu_smp4));
	memset(buf + sizeof(qemu_smp4), 0x00, 16);  /* would be a zero-length entry */
	ck_assert_int_eq(parse_exact(buf, sizeof(buf)), MADT_OK);
	ck_assert_uint_eq(info.nr_cpus, 4);
}
END_TEST

/* ---- built tables ---- */

START_TEST(test_x2apic_and_duplicates)
{
	struct table t;
	t_begin(&t, 0xfee00000, 0);
	t_lapic(&t, 0, 0, MADT_LAPIC_ENABLED);
	t_lapic(&t, 1, 1, MADT_LAPIC_ENABLED);
	t_x2apic(&t, 1, MADT_LAPIC_ENABLED, 1);         /* the same CPU again */
	t_x2apic(&t, 300, MADT_LAPIC_ENABLED, 0x1234);  /* beyond xAPIC's 8 bits */
	t_lapic(&t, 2, 2, MADT_LAPIC_ONLINE_CAPABLE);   /* hot-pluggable */
	t_lapic(&t, 3, 3, MADT_LAPIC_ENABLED | MADT_LAPIC_ONLINE_CAPABLE);
	t_end(&t);
	ck_assert_int_eq(parse_exact(t.b, t.n), MADT_OK);
	ck_assert_uint_eq(info.flags, 0);
	ck_assert_uint_eq(info.nr_cpus, 5);
	check_cpu(0, 0, 0, true, false, false);
	check_cpu(1, 1, 1, true, false, false);
	check_cpu(2, 300, 0x1234, true, false, true);
	check_cpu(3, 2, 2, false, true, false);
	/* Enabled wins: online-capable describes only CPUs that are not enabled. */
	check_cpu(4, 3, 3, true, false, false);
	ck_assert_uint_eq(info.nr_cpus_dropped, 1);
	ck_assert_uint_eq(madt_enabled_cpus(&info), 4);
}
END_TEST

START_TEST(test_lapic_address_override)
{
	struct table t;
	t_begin(&t, 0xfee00000, MADT_PCAT_COMPAT);
	uint8_t *e = t_entry(&t, 5, 12);
	put64(e + 4, 0x123456789000ULL);
	t_lapic(&t, 0, 0, MADT_LAPIC_ENABLED);
	t_end(&t);
	ck_assert_int_eq(parse_exact(t.b, t.n), MADT_OK);
	ck_assert_uint_eq(info.lapic_addr, 0x123456789000ULL);
	ck_assert_uint_eq(info.nr_cpus, 1);
}
END_TEST

START_TEST(test_nmi_entries)
{
	struct table t;
	t_begin(&t, 0xfee00000, 0);
	uint8_t *e = t_entry(&t, 4, 6);
	e[2] = 3;
	put16(e + 3, 0x5);
	e[5] = 0;
	t_end(&t);
	ck_assert_int_eq(parse_exact(t.b, t.n), MADT_OK);
	ck_assert_uint_eq(info.nr_nmis, 1);
	ck_assert_uint_eq(info.nmi[0].acpi_uid, 3);
	ck_assert_uint_eq(info.nmi[0].flags, 5);
	ck_assert_uint_eq(info.nmi[0].lint, 0);
}
END_TEST

/* Too short for its type: skipped and counted; later entries still read. */
START_TEST(test_short_entries_skipped)
{
	struct table t;
	t_begin(&t, 0xfee00000, 0);
	t_entry(&t, 0, 6);              /* local APIC needs 8 */
	t_entry(&t, 9, 12);             /* x2APIC needs 16 */
	t_entry(&t, 1, 10);             /* IOAPIC needs 12 */
	t_entry(&t, 2, 8);              /* override needs 10 */
	t_entry(&t, 4, 5);              /* NMI needs 6 */
	t_entry(&t, 5, 11);             /* address override needs 12 */
	t_lapic(&t, 7, 7, MADT_LAPIC_ENABLED);
	t_end(&t);
	ck_assert_int_eq(parse_exact(t.b, t.n), MADT_OK);
	ck_assert_uint_eq(info.nr_bad, 6);
	ck_assert_uint_eq(info.nr_cpus, 1);
	check_cpu(0, 7, 7, true, false, false);
	ck_assert_uint_eq(info.nr_ioapics, 0);
	ck_assert_uint_eq(info.nr_overrides, 0);
	ck_assert_uint_eq(info.nr_nmis, 0);
	ck_assert_uint_eq(info.lapic_addr, 0xfee00000);
}
END_TEST

/* Longer entries than the spec's (later revisions may grow them) still parse. */
START_TEST(test_long_and_unknown_entries)
{
	struct table t;
	t_begin(&t, 0xfee00000, 0);
	uint8_t *e = t_entry(&t, 0, 12);
	e[2] = 9;
	e[3] = 4;
	put32(e + 4, MADT_LAPIC_ENABLED);
	t_entry(&t, 0x7f, 2);           /* unknown, minimal */
	t_entry(&t, 0x0b, 80);          /* GIC CPU interface: not x86, ignored */
	t_lapic(&t, 1, 5, MADT_LAPIC_ENABLED);
	t_end(&t);
	ck_assert_int_eq(parse_exact(t.b, t.n), MADT_OK);
	ck_assert_uint_eq(info.nr_unknown, 2);
	ck_assert_uint_eq(info.nr_cpus, 2);
	check_cpu(0, 4, 9, true, false, false);
	check_cpu(1, 5, 1, true, false, false);
}
END_TEST

START_TEST(test_capacity_limits)
{
	struct table t;
	t_begin(&t, 0xfee00000, 0);
	for (uint32_t i = 0; i < MADT_MAX_CPUS + 44; i++)
		t_x2apic(&t, i, MADT_LAPIC_ENABLED, i);
	for (uint8_t i = 0; i < MADT_MAX_IOAPICS + 2; i++)
		t_ioapic(&t, i, 0xfec00000 + 0x1000 * i, 24 * i);
	for (uint8_t i = 0; i < MADT_MAX_OVERRIDES + 3; i++) {
		uint8_t *e = t_entry(&t, 2, 10);
		e[3] = i;
		put32(e + 4, i);
	}
	t_end(&t);
	ck_assert_int_eq(parse_exact(t.b, t.n), MADT_OK);
	ck_assert_uint_eq(info.nr_cpus, MADT_MAX_CPUS);
	ck_assert_uint_eq(info.nr_cpus_dropped, 44);
	check_cpu(MADT_MAX_CPUS - 1, MADT_MAX_CPUS - 1, MADT_MAX_CPUS - 1, true, false, true);
	ck_assert_uint_eq(info.nr_ioapics, MADT_MAX_IOAPICS);
	ck_assert_uint_eq(info.ioapic[MADT_MAX_IOAPICS - 1].gsi_base, 24 * (MADT_MAX_IOAPICS - 1));
	ck_assert_uint_eq(info.nr_overrides, MADT_MAX_OVERRIDES);
}
END_TEST

START_TEST(test_empty_entry_list)
{
	struct table t;
	t_begin(&t, 0xfee00000, MADT_PCAT_COMPAT);
	t_end(&t);
	ck_assert_int_eq(parse_exact(t.b, t.n), MADT_OK);
	ck_assert_uint_eq(info.nr_cpus, 0);
	ck_assert_uint_eq(madt_enabled_cpus(&info), 0);
}
END_TEST

/* ---- refused tables ---- */

START_TEST(test_bad_signature)
{
	uint8_t buf[sizeof(qemu_smp4)];
	memcpy(buf, qemu_smp4, sizeof(buf));
	memcpy(buf, "FACP", 4);
	ck_assert_int_eq(parse_exact(buf, sizeof(buf)), MADT_E_SIGNATURE);
	ck_assert_uint_eq(info.nr_cpus, 0);
}
END_TEST

START_TEST(test_bad_checksum)
{
	uint8_t buf[sizeof(qemu_smp4)];
	memcpy(buf, qemu_smp4, sizeof(buf));
	buf[50] ^= 1;                   /* the second CPU's id */
	ck_assert_int_eq(parse_exact(buf, sizeof(buf)), MADT_E_CHECKSUM);
	ck_assert_uint_eq(info.nr_cpus, 0);
}
END_TEST

START_TEST(test_lengths)
{
	/* Shorter buffer than the header says. */
	ck_assert_int_eq(parse_exact(qemu_smp4, sizeof(qemu_smp4) - 1), MADT_E_SHORT);
	/* Shorter than the fixed part. */
	ck_assert_int_eq(parse_exact(qemu_smp4, 43), MADT_E_SHORT);
	ck_assert_int_eq(parse_exact(qemu_smp4, 0), MADT_E_SHORT);
	/* A header length below the fixed part. */
	struct table t;
	t_begin(&t, 0xfee00000, 0);
	t_end(&t);
	put32(t.b + 4, 40);
	ck_assert_int_eq(parse_exact(t.b, t.n), MADT_E_SHORT);
}
END_TEST

static int parse_with_tail(const uint8_t *tail, size_t n)
{
	struct table t;
	t_begin(&t, 0xfee00000, 0);
	t_lapic(&t, 0, 0, MADT_LAPIC_ENABLED);
	memcpy(t.b + t.n, tail, n);
	t.n += n;
	t_end(&t);
	return parse_exact(t.b, t.n);
}

START_TEST(test_malformed_entry_lists)
{
	static const uint8_t zero_len[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t one_len[] = { 0, 1, 0, 0 };
	static const uint8_t past_end[] = { 0, 8, 1, 1 };
	static const uint8_t lone_byte[] = { 0 };
	ck_assert_int_eq(parse_with_tail(zero_len, sizeof(zero_len)), MADT_E_ENTRY);
	ck_assert_int_eq(parse_with_tail(one_len, sizeof(one_len)), MADT_E_ENTRY);
	ck_assert_int_eq(parse_with_tail(past_end, sizeof(past_end)), MADT_E_ENTRY);
	ck_assert_int_eq(parse_with_tail(lone_byte, sizeof(lone_byte)), MADT_E_ENTRY);
	/* Nothing half-parsed is left behind. */
	ck_assert_uint_eq(info.nr_cpus, 0);
	ck_assert_uint_eq(info.lapic_addr, 0);
}
END_TEST

/*
 * Every truncation of the real table, re-checksummed so only the entry
 * walk can object: it must end cleanly (whole entries) or refuse, and
 * never read a byte past the given length.
 */
START_TEST(test_every_truncation)
{
	for (size_t n = 44; n <= sizeof(qemu_smp4); n++) {
		struct table t;
		memset(&t, 0, sizeof(t));
		memcpy(t.b, qemu_smp4, n);
		t.n = n;
		t_end(&t);
		int rc = parse_exact(t.b, t.n);
		/* Entry boundaries of the QEMU table: 4 x 8, 12, 5 x 10, 6. */
		bool boundary = n == 44 || (n <= 76 && (n - 44) % 8 == 0) || n == 88 ||
				(n >= 88 && n <= 138 && (n - 88) % 10 == 0) || n == 144;
		ck_assert_msg(rc == (boundary ? MADT_OK : MADT_E_ENTRY),
			      "length %zu: rc %d", n, rc);
	}
}
END_TEST

START_TEST(test_strerror)
{
	ck_assert_str_eq(madt_strerror(MADT_OK), "ok");
	ck_assert_str_eq(madt_strerror(MADT_E_SHORT), "truncated");
	ck_assert_str_eq(madt_strerror(MADT_E_SIGNATURE), "not an MADT");
	ck_assert_str_eq(madt_strerror(MADT_E_CHECKSUM), "bad checksum");
	ck_assert_str_eq(madt_strerror(MADT_E_ENTRY), "malformed entry list");
	ck_assert_str_eq(madt_strerror(-99), "unknown error");
}
END_TEST

static Suite *madt_suite(void)
{
	Suite *s = suite_create("madt");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_qemu_smp4);
	tcase_add_test(tc, test_qemu_hotplug_cpus_disabled);
	tcase_add_test(tc, test_extra_bytes_after_table_ignored);
	tcase_add_test(tc, test_x2apic_and_duplicates);
	tcase_add_test(tc, test_lapic_address_override);
	tcase_add_test(tc, test_nmi_entries);
	tcase_add_test(tc, test_short_entries_skipped);
	tcase_add_test(tc, test_long_and_unknown_entries);
	tcase_add_test(tc, test_capacity_limits);
	tcase_add_test(tc, test_empty_entry_list);
	tcase_add_test(tc, test_bad_signature);
	tcase_add_test(tc, test_bad_checksum);
	tcase_add_test(tc, test_lengths);
	tcase_add_test(tc, test_malformed_entry_lists);
	tcase_add_test(tc, test_every_truncation);
	tcase_add_test(tc, test_strerror);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(madt_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
