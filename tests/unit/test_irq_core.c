/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Physical interrupts, the pure rules (arch/x86/irq_core.c): the vector
 * allocator, redirection-entry encoding, the GSI layout from QEMU's real
 * MADT and from made-up ones, Xen's irq/pirq limits, a domain's pirq table
 * (Xen's allocate_pirq / map_domain_pirq / unmap_domain_pirq, quirks
 * included) and the guests of one irq (bind, fire, EOI, unbind).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <mica/irq_core.h>
#include <mica/madt.h>
#include <mica/spinlock.h>

/* ---- vectors ---- */

START_TEST(test_vectors_reserved)
{
	struct vector_map m;
	memset(&m, 0xa5, sizeof(m));
	vector_map_init(&m);
	for (unsigned v = 0; v < 256; v++) {
		bool dev = v >= 0x30 && v <= 0xef && v != 0x80;
		ck_assert_int_eq(vector_is_device(v), dev);
		ck_assert_int_eq(vector_in_use(&m, v), !dev);
	}
	/* Mica's own: timer, IPIs, spurious; the 8259 range; int $0x80. */
	ck_assert(vector_in_use(&m, 0xf0) && vector_in_use(&m, 0xfb) && vector_in_use(&m, 0xfc));
	ck_assert(vector_in_use(&m, 0xff) && vector_in_use(&m, 0x20) && vector_in_use(&m, 0x2f));
	ck_assert(vector_in_use(&m, 0x80));
	ck_assert(vector_in_use(&m, 300));       /* out of range counts as taken */
}
END_TEST

START_TEST(test_vectors_alloc_free)
{
	struct vector_map m;
	vector_map_init(&m);
	ck_assert_int_eq(vector_alloc(&m), 0x30);
	ck_assert_int_eq(vector_alloc(&m), 0x31);
	unsigned n = 2;
	int v, last = 0;
	while ((v = vector_alloc(&m)) >= 0) {
		ck_assert(vector_is_device((unsigned)v));
		ck_assert_int_gt(v, last);
		last = v;
		n++;
	}
	ck_assert_uint_eq(n, 0xef - 0x30 + 1 - 1);   /* all device vectors but 0x80 */
	ck_assert_int_eq(last, 0xef);
	ck_assert_int_eq(vector_alloc(&m), -1);
	vector_free(&m, 0x57);
	ck_assert(!vector_in_use(&m, 0x57));
	ck_assert_int_eq(vector_alloc(&m), 0x57);
	/* Freeing what the allocator never gives out changes nothing. */
	vector_free(&m, 0x80);
	vector_free(&m, 0xf0);
	vector_free(&m, 0x10);
	vector_free(&m, 999);
	ck_assert(vector_in_use(&m, 0x80) && vector_in_use(&m, 0xf0) && vector_in_use(&m, 0x10));
	ck_assert_int_eq(vector_alloc(&m), -1);
}
END_TEST

/* ---- redirection entries and ISA modes ---- */

START_TEST(test_rte_build)
{
	uint64_t e = ioapic_rte_build(0x31, 0, false, false, true);
	ck_assert_uint_eq(e, 0x10031);             /* masked, edge, high, fixed, physical, CPU 0 */
	e = ioapic_rte_build(0x4a, 3, true, true, false);
	ck_assert_uint_eq(e & 0xff, 0x4a);
	ck_assert(e & IOAPIC_RTE_LEVEL);
	ck_assert(e & IOAPIC_RTE_ACTIVE_LOW);
	ck_assert(!(e & IOAPIC_RTE_MASKED));
	ck_assert_uint_eq(e & IOAPIC_RTE_DELMODE_MASK, 0);
	ck_assert(!(e & IOAPIC_RTE_DEST_LOGICAL));
	ck_assert_uint_eq(e >> 56, 3);
	ck_assert_uint_eq((uint32_t)(e >> 32), 3u << 24);   /* what the high register gets */
	e = ioapic_rte_build(0xef, 0xff, true, false, true);
	ck_assert_uint_eq(e, 0xff000000000180efULL);
}
END_TEST

START_TEST(test_isa_mode)
{
	static const struct { uint16_t flags; bool level, low; } t[] = {
		{ 0x0, false, false },  /* conforms: ISA edge, active high */
		{ 0x5, false, false },  /* edge, high */
		{ 0x7, false, true },   /* edge, low */
		{ 0xd, true, false },   /* level, high (QEMU's IRQ 5/9/10/11) */
		{ 0xf, true, true },    /* level, low */
		{ 0xa, false, false },  /* reserved encodings: the bus default */
		{ 0xc, true, false },
		{ 0x3, false, true },
	};
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		bool level = !t[i].level, low = !t[i].low;
		irq_isa_mode(t[i].flags, &level, &low);
		ck_assert_int_eq(level, t[i].level);
		ck_assert_int_eq(low, t[i].low);
	}
}
END_TEST

/* ---- GSI layout ---- */

/* QEMU 7.2 -machine pc (SeaBIOS), as in test_madt.c: one IOAPIC, overrides 0->2, 5, 9, 10, 11. */
static const uint8_t qemu_pc[] = {
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

static struct madt_info mi;
static struct irq_layout lay;

START_TEST(test_layout_qemu)
{
	ck_assert_int_eq(madt_parse(qemu_pc, sizeof(qemu_pc), &mi), MADT_OK);
	unsigned pins[MADT_MAX_IOAPICS] = { 24 };
	irq_layout_build(&lay, &mi, pins);
	ck_assert_uint_eq(lay.nr_ioapics, 1);
	ck_assert_uint_eq(lay.nr_irqs_gsi, 24);
	ck_assert_uint_eq(lay.nr_gsis_dropped, 0);
	/* IRQ 0 is on pin 2 (edge); IRQ 2 and pin 0 are left without each other. */
	ck_assert_int_eq(lay.isa[0].apic, 0);
	ck_assert_uint_eq(lay.isa[0].pin, 2);
	ck_assert(!lay.isa[0].level);
	ck_assert_int_eq(lay.isa[2].apic, -1);
	for (unsigned i = 0; i < 16; i++) {
		if (i != 0)
			ck_assert(!(lay.isa[i].apic == 0 && lay.isa[i].pin == 0));
		if (i == 0 || i == 2)
			continue;
		ck_assert_int_eq(lay.isa[i].apic, 0);
		ck_assert_uint_eq(lay.isa[i].pin, i);
		bool level = i == 5 || i == 9 || i == 10 || i == 11;
		ck_assert_int_eq(lay.isa[i].level, level);
		ck_assert(!lay.isa[i].active_low);
	}
	unsigned apic = 9, pin = 99;
	ck_assert(irq_layout_gsi_pin(&lay, 23, &apic, &pin));
	ck_assert_uint_eq(apic, 0);
	ck_assert_uint_eq(pin, 23);
	ck_assert(!irq_layout_gsi_pin(&lay, 24, &apic, &pin));
}
END_TEST

static void add_override(uint8_t bus, uint8_t irq, uint32_t gsi, uint16_t flags)
{
	mi.override[mi.nr_overrides++] = (struct madt_override){ bus, irq, gsi, flags };
}

START_TEST(test_layout_two_ioapics)
{
	memset(&mi, 0, sizeof(mi));
	mi.nr_ioapics = 2;
	mi.ioapic[0] = (struct madt_ioapic){ .id = 1, .addr = 0xfec00000, .gsi_base = 0 };
	mi.ioapic[1] = (struct madt_ioapic){ .id = 2, .addr = 0xfec01000, .gsi_base = 40 };
	add_override(0, 0, 2, 0xf);     /* a level timer override is a firmware bug: edge */
	add_override(0, 9, 20, 0xf);    /* SCI moved to GSI 20, level low */
	add_override(1, 4, 5, 0xf);     /* not the ISA bus: ignored */
	add_override(0, 3, 99, 0);      /* no IOAPIC has GSI 99: ignored */
	add_override(0, 9, 21, 0);      /* a second override of IRQ 9: the first wins */
	unsigned pins[MADT_MAX_IOAPICS] = { 24, 16 };
	irq_layout_build(&lay, &mi, pins);
	/* 40 pins, but GSIs reach 55. */
	ck_assert_uint_eq(lay.nr_irqs_gsi, 56);
	ck_assert_uint_eq(lay.isa[0].pin, 2);
	ck_assert(!lay.isa[0].level);
	ck_assert(lay.isa[0].active_low);          /* only the trigger is corrected */
	ck_assert_uint_eq(lay.isa[9].pin, 20);
	ck_assert(lay.isa[9].level && lay.isa[9].active_low);
	ck_assert_uint_eq(lay.isa[4].pin, 4);       /* default, edge high */
	ck_assert(!lay.isa[4].level && !lay.isa[4].active_low);
	ck_assert_uint_eq(lay.isa[3].pin, 3);
	ck_assert_int_eq(lay.isa[2].apic, -1);      /* pin 2 is IRQ 0's */
	unsigned apic, pin;
	ck_assert(irq_layout_gsi_pin(&lay, 45, &apic, &pin));
	ck_assert_uint_eq(apic, 1);
	ck_assert_uint_eq(pin, 5);
	ck_assert(!irq_layout_gsi_pin(&lay, 30, &apic, &pin));
	ck_assert(!irq_layout_gsi_pin(&lay, 56, &apic, &pin));
}
END_TEST

START_TEST(test_layout_limits)
{
	memset(&mi, 0, sizeof(mi));
	/* No IOAPIC at all, or an unusable one: still 16 GSIs (Xen), no pins. */
	irq_layout_build(&lay, &mi, (unsigned[MADT_MAX_IOAPICS]){ 0 });
	ck_assert_uint_eq(lay.nr_irqs_gsi, 16);
	for (unsigned i = 0; i < 16; i++)
		ck_assert_int_eq(lay.isa[i].apic, -1);
	mi.nr_ioapics = 1;
	mi.ioapic[0].gsi_base = 0;
	irq_layout_build(&lay, &mi, (unsigned[MADT_MAX_IOAPICS]){ 0 });
	ck_assert_uint_eq(lay.nr_irqs_gsi, 16);
	ck_assert_int_eq(lay.isa[1].apic, -1);
	/* 8 pins: ISA IRQs 8-15 have no pin. */
	irq_layout_build(&lay, &mi, (unsigned[MADT_MAX_IOAPICS]){ 8 });
	ck_assert_uint_eq(lay.nr_irqs_gsi, 16);
	ck_assert_int_eq(lay.isa[7].apic, 0);
	ck_assert_int_eq(lay.isa[8].apic, -1);
	/* Huge GSI bases: clamped to IRQ_MAX_GSIS. */
	mi.nr_ioapics = 2;
	mi.ioapic[1].gsi_base = 0xfffffff0u;
	irq_layout_build(&lay, &mi, (unsigned[MADT_MAX_IOAPICS]){ 24, 240 });
	ck_assert_uint_eq(lay.nr_irqs_gsi, IRQ_MAX_GSIS);
	ck_assert_uint_gt(lay.nr_gsis_dropped, 0);
}
END_TEST

/* ---- limits ---- */

START_TEST(test_limits)
{
	ck_assert_uint_eq(irq_nr_irqs(24, 1), 208);
	ck_assert_uint_eq(irq_nr_irqs(24, 2), 416);
	ck_assert_uint_eq(irq_nr_irqs(48, 1), 384);
	/* "d0 has maximum 208 PIRQs" on QEMU with one CPU, as Xen prints. */
	ck_assert_uint_eq(irq_nr_pirqs(24, 208, 1, 1, true), 208);
	ck_assert_uint_eq(irq_nr_pirqs(24, 416, 2, 1, true), 232);
	ck_assert_uint_eq(irq_nr_pirqs(24, 416, 2, 2, true), 416);
	ck_assert_uint_eq(irq_nr_pirqs(24, 16 * 208, 16, 32, true), 24 + 5 * 208);
	ck_assert_uint_eq(irq_nr_pirqs(40000, 100000, 1, 1, true), 32768);   /* one EOI-page bit each */
	ck_assert_uint_eq(irq_nr_pirqs(24, 208, 1, 1, false), 56);
	ck_assert_uint_eq(irq_nr_pirqs(24, 40, 1, 1, false), 40);
}
END_TEST

/* ---- pirq tables ---- */

#define NPIRQ 208
#define NIRQ 208
static struct pirq_entry pe[NPIRQ], pe2[NPIRQ];
static uint64_t acc[PIRQ_ACCESS_WORDS(NIRQ)], acc2[PIRQ_ACCESS_WORDS(NIRQ)];
static struct pirq_domain pd, pdu;

static void setup_pd(void)
{
	pirq_domain_init(&pd, NPIRQ, NIRQ, 24, pe, acc, true);
	pirq_domain_init(&pdu, 56, NIRQ, 24, pe2, acc2, false);
}

START_TEST(test_pirq_init_access)
{
	setup_pd();
	ck_assert(!irq_access(&pd, 0));            /* never the timer */
	for (int i = 1; i < 24; i++)
		ck_assert(irq_access(&pd, i));
	ck_assert(!irq_access(&pd, 24));
	ck_assert(!irq_access(&pd, -1));
	ck_assert(!irq_access(&pd, NIRQ));
	for (int i = 0; i < NIRQ; i++)
		ck_assert(!irq_access(&pdu, i));
	for (int p = -1; p <= NPIRQ; p++) {
		ck_assert_int_eq(pirq_to_irq(&pd, p), 0);
		ck_assert(!pirq_exists(&pd, p));
		ck_assert(!pirq_access(&pd, p));
	}
}
END_TEST

START_TEST(test_pirq_gsi_map_like_linux)
{
	setup_pd();
	/* dom0 asks pirq == gsi for the legacy IRQs. */
	for (int gsi = 1; gsi < 16; gsi++) {
		int p = pirq_choose(&pd, gsi, gsi, IRQ_TYPE_GSI, NULL);
		ck_assert_int_eq(p, gsi);
		ck_assert_int_eq(pirq_map(&pd, irq_access(&pd, gsi), p, gsi, 0), 0);
		ck_assert_int_eq(pirq_to_irq(&pd, gsi), gsi);
		ck_assert_int_eq(irq_to_pirq(&pd, gsi), gsi);
		ck_assert(pirq_access(&pd, gsi));
		ck_assert(pirq_exists(&pd, gsi));
	}
	/* Mapping the same pair again is fine; another pirq for the irq is -EEXIST. */
	ck_assert_int_eq(pirq_choose(&pd, 8, 8, IRQ_TYPE_GSI, NULL), 8);
	ck_assert_int_eq(pirq_map(&pd, true, 8, 8, 0), 0);
	ck_assert_int_eq(pirq_choose(&pd, 8, 30, IRQ_TYPE_GSI, NULL), -IRQ_EEXIST);
	/* want -1: the pirq the irq already has. */
	ck_assert_int_eq(pirq_choose(&pd, 8, -1, IRQ_TYPE_GSI, NULL), 8);
	/* A fresh GSI with want -1: 16 first (GSI type), then upwards. */
	ck_assert_int_eq(pirq_choose(&pd, 20, -1, IRQ_TYPE_GSI, NULL), 16);
	ck_assert_int_eq(pirq_map(&pd, true, 16, 20, 0), 0);
	ck_assert_int_eq(pirq_choose(&pd, 21, -1, IRQ_TYPE_GSI, NULL), 17);
	/* Xen's quirk: pirq 8 already names irq 8, so mapping irq 9 to it "succeeds" doing nothing. */
	ck_assert_int_eq(pirq_map(&pd, true, 8, 9, 0), 0);
	ck_assert_int_eq(pirq_to_irq(&pd, 8), 8);
	/* And irq 9 has pirq 9: asking for pirq 40 on it is the other half of the quirk. */
	ck_assert_int_eq(pirq_map(&pd, true, 40, 9, 0), 0);
	ck_assert_int_eq(pirq_to_irq(&pd, 40), 0);
}
END_TEST

START_TEST(test_pirq_map_errors)
{
	setup_pd();
	ck_assert_int_eq(pirq_map(&pd, false, 5, 5, 0), -IRQ_EPERM);   /* before range checks */
	ck_assert_int_eq(pirq_map(&pd, false, -3, 0, 0), -IRQ_EPERM);
	ck_assert_int_eq(pirq_map(&pd, true, -1, 5, 0), -IRQ_EINVAL);
	ck_assert_int_eq(pirq_map(&pd, true, NPIRQ, 5, 0), -IRQ_EINVAL);
	ck_assert_int_eq(pirq_map(&pd, true, 5, 0, 0), -IRQ_EINVAL);
	ck_assert_int_eq(pirq_map(&pd, true, 5, NIRQ, 0), -IRQ_EINVAL);
	ck_assert_int_eq(pirq_map(&pd, true, 5, 5, -IRQ_ENODEV), -IRQ_ENODEV);
	ck_assert_int_eq(pirq_to_irq(&pd, 5), 0);
	ck_assert_int_eq(pirq_map(&pd, true, NPIRQ - 1, 100, -IRQ_EPERM), -IRQ_EPERM);
	ck_assert(!irq_access(&pd, 100));
	/* Mapping grants the target access to the irq (a domU given a GSI). */
	ck_assert_int_eq(pirq_map(&pdu, true, 30, 11, 0), 0);
	ck_assert(irq_access(&pdu, 11));
	ck_assert(pirq_access(&pdu, 30));
}
END_TEST

START_TEST(test_pirq_free_search)
{
	setup_pd();
	/* MSI: from the top down; GSI: 16.. first. */
	ck_assert_int_eq(pirq_find_free(&pd, IRQ_TYPE_MSI), NPIRQ - 1);
	ck_assert_int_eq(pirq_find_free(&pd, IRQ_TYPE_GSI), 16);
	ck_assert_int_eq(pirq_find_free(&pd, 77), NPIRQ - 1);
	ck_assert_int_eq(pirq_reserve_free(&pd, IRQ_TYPE_MSI), NPIRQ - 1);
	ck_assert_int_eq(pirq_to_irq(&pd, NPIRQ - 1), -1);         /* Xen's PIRQ_ALLOCATED */
	ck_assert(pirq_exists(&pd, NPIRQ - 1));
	ck_assert(!pirq_access(&pd, NPIRQ - 1));
	ck_assert_int_eq(pirq_reserve_free(&pd, IRQ_TYPE_MSI), NPIRQ - 2);
	/* A reserved pirq can then be mapped. */
	ck_assert_int_eq(pirq_map(&pd, true, NPIRQ - 1, 12, 0), 0);
	ck_assert_int_eq(pirq_to_irq(&pd, NPIRQ - 1), 12);
	/* Fill 16..23: GSI search falls through to the top. */
	for (int p = 16; p < 24; p++)
		ck_assert_int_eq(pirq_reserve_free(&pd, IRQ_TYPE_GSI), p);
	ck_assert_int_eq(pirq_find_free(&pd, IRQ_TYPE_GSI), NPIRQ - 3);
	/* Blocks: a run of free pirqs, lowest returned. */
	ck_assert_int_eq(pirq_find_free_block(&pd, 1), NPIRQ - 3);
	ck_assert_int_eq(pirq_find_free_block(&pd, 4), NPIRQ - 6);
	ck_assert_int_eq(pirq_find_free_block(&pd, 0), -IRQ_ENOSPC);
	/* Exhaust: -ENOSPC (pirqs below 16 are never handed out). */
	int n = 0;
	while (pirq_reserve_free(&pd, IRQ_TYPE_MSI) >= 0)
		n++;
	ck_assert_int_eq(n, NPIRQ - 24 - 2);
	ck_assert_int_eq(pirq_find_free(&pd, IRQ_TYPE_GSI), -IRQ_ENOSPC);
	ck_assert_int_eq(pirq_find_free_block(&pd, 1), -IRQ_ENOSPC);
}
END_TEST

START_TEST(test_pirq_multi_msi)
{
	setup_pd();
	int nr = 0;
	ck_assert_int_eq(pirq_choose(&pd, 30, -1, IRQ_TYPE_MULTI_MSI, &nr), -IRQ_EDOM);
	nr = 33;
	ck_assert_int_eq(pirq_choose(&pd, 30, -1, IRQ_TYPE_MULTI_MSI, &nr), -IRQ_EDOM);
	nr = 2;
	ck_assert_int_eq(pirq_choose(&pd, 30, -1, IRQ_TYPE_MULTI_MSI, &nr), -IRQ_EOPNOTSUPP);
	nr = 1;
	ck_assert_int_eq(pirq_choose(&pd, 30, -1, IRQ_TYPE_MULTI_MSI, &nr), NPIRQ - 1);
	/* A wanted pirq skips all of that. */
	nr = 0;
	ck_assert_int_eq(pirq_choose(&pd, 30, 50, IRQ_TYPE_MULTI_MSI, &nr), 50);
}
END_TEST

START_TEST(test_pirq_unmap)
{
	setup_pd();
	int irq = -7;
	bool bound = true;
	ck_assert_int_eq(pirq_unmap(&pd, -1, &irq, &bound), -IRQ_EINVAL);
	ck_assert_int_eq(pirq_unmap(&pd, NPIRQ, &irq, &bound), -IRQ_EINVAL);
	ck_assert_int_eq(pirq_unmap(&pd, 12, &irq, &bound), -IRQ_EINVAL);   /* not mapped */
	ck_assert_int_eq(pirq_reserve_free(&pd, IRQ_TYPE_MSI), NPIRQ - 1);
	ck_assert_int_eq(pirq_unmap(&pd, NPIRQ - 1, &irq, &bound), -IRQ_EINVAL);   /* reserved only */
	ck_assert_int_eq(irq, -7);

	ck_assert_int_eq(pirq_map(&pd, true, 12, 12, 0), 0);
	ck_assert_int_eq(pirq_unmap(&pd, 12, &irq, &bound), 0);
	ck_assert_int_eq(irq, 12);
	ck_assert(!bound);
	ck_assert(!pirq_exists(&pd, 12));
	/* dom0 lost access to the irq: mapping it again is -EPERM in Xen. */
	ck_assert(!irq_access(&pd, 12));
	ck_assert_int_eq(pirq_map(&pd, irq_access(&pd, 12), 12, 12, 0), -IRQ_EPERM);
}
END_TEST

START_TEST(test_pirq_orphan)
{
	setup_pd();
	int irq;
	bool bound;
	ck_assert_int_eq(pirq_map(&pd, true, 8, 8, 0), 0);
	pd.pirq[8].bound = 1;                   /* the glue bound an event channel */
	ck_assert_int_eq(pirq_unmap(&pd, 8, &irq, &bound), 0);
	ck_assert(bound);
	ck_assert_int_eq(irq, 8);
	/* Orphaned: Xen's -irq / -pirq, not free, not bindable, still has state. */
	ck_assert_int_eq(pirq_to_irq(&pd, 8), -8);
	ck_assert_int_eq(irq_to_pirq(&pd, 8), -8);
	ck_assert(pirq_exists(&pd, 8));
	ck_assert(!pirq_access(&pd, 8));
	ck_assert_int_eq(pirq_unmap(&pd, 8, &irq, &bound), -IRQ_EINVAL);
	ck_assert_int_eq(pirq_choose(&pd, 8, -1, IRQ_TYPE_GSI, NULL), -IRQ_EBUSY);
	ck_assert_int_eq(pirq_choose(&pd, 8, 8, IRQ_TYPE_GSI, NULL), -IRQ_EEXIST);
	ck_assert_int_ne(pirq_find_free(&pd, IRQ_TYPE_GSI), 8);
	/* Closing the port frees it, with nothing for the glue to do. */
	ck_assert_int_eq(pirq_port_closed(&pd, 8), 0);
	ck_assert(!pirq_exists(&pd, 8));
	ck_assert_int_eq(pirq_to_irq(&pd, 8), 0);
	/* A mapped, bound pirq: closing its port hands back the irq to unbind. */
	ck_assert_int_eq(pirq_map(&pd, true, 9, 9, 0), 0);
	pd.pirq[9].bound = 1;
	ck_assert_int_eq(pirq_port_closed(&pd, 9), 9);
	ck_assert_int_eq(pd.pirq[9].bound, 0);
	ck_assert_int_eq(pirq_port_closed(&pd, 9), 0);
	ck_assert_int_eq(pirq_port_closed(&pd, -1), 0);
	ck_assert_int_eq(pirq_port_closed(&pd, NPIRQ), 0);
	ck_assert_int_eq(pirq_to_irq(&pd, 9), 9);
}
END_TEST

/* ---- one irq's guests ---- */

static int da, db;                          /* two "domains" */

START_TEST(test_action_edge)
{
	struct irq_action a = { 0 };
	struct irq_guest g[IRQ_MAX_GUESTS];
	int op;
	ck_assert_int_eq(irq_action_bind(&a, &da, 1, false, false, &op), 0);
	ck_assert_int_eq(op, IRQ_PIN_UNMASK);
	ck_assert_int_eq(a.ack, IRQ_ACK_NONE);
	for (int i = 0; i < 3; i++) {
		ck_assert_uint_eq(irq_action_fire(&a, g, &op), 1);
		ck_assert_int_eq(op, IRQ_PIN_NOTHING);      /* edge: never masked */
		ck_assert_ptr_eq(g[0].dom, &da);
		ck_assert_uint_eq(g[0].pirq, 1);
	}
	ck_assert_uint_eq(a.in_flight, 0);
	irq_action_eoi(&a, &da, 1, &op);                /* an EOI nobody waits for */
	ck_assert_int_eq(op, IRQ_PIN_NOTHING);
	/* Not shareable: a second guest is refused either way. */
	ck_assert_int_eq(irq_action_bind(&a, &db, 1, true, false, &op), -IRQ_EBUSY);
	ck_assert_int_eq(irq_action_bind(&a, &db, 1, false, false, &op), -IRQ_EBUSY);
	irq_action_unbind(&a, &db, 1, &op);             /* not a guest: nothing */
	ck_assert_int_eq(op, IRQ_PIN_NOTHING);
	irq_action_unbind(&a, &da, 1, &op);
	ck_assert_int_eq(op, IRQ_PIN_MASK);
	ck_assert_uint_eq(a.nr_guests, 0);
	ck_assert_uint_eq(irq_action_fire(&a, g, &op), 0);
}
END_TEST

START_TEST(test_action_level)
{
	struct irq_action a = { 0 };
	struct irq_guest g[IRQ_MAX_GUESTS];
	int op;
	ck_assert_int_eq(irq_action_bind(&a, &da, 9, true, true, &op), 0);
	ck_assert_int_eq(op, IRQ_PIN_UNMASK);
	ck_assert_int_eq(a.ack, IRQ_ACK_UNMASK);
	ck_assert_uint_eq(irq_action_fire(&a, g, &op), 1);
	ck_assert_int_eq(op, IRQ_PIN_MASK);
	ck_assert(g[0].masked);
	ck_assert_uint_eq(a.in_flight, 1);
	/* Fired again before the EOI (already pending): still one in flight. */
	ck_assert_uint_eq(irq_action_fire(&a, g, &op), 1);
	ck_assert_uint_eq(a.in_flight, 1);
	irq_action_eoi(&a, &db, 9, &op);                /* someone else's EOI */
	ck_assert_int_eq(op, IRQ_PIN_NOTHING);
	irq_action_eoi(&a, &da, 8, &op);                /* another pirq */
	ck_assert_int_eq(op, IRQ_PIN_NOTHING);
	irq_action_eoi(&a, &da, 9, &op);
	ck_assert_int_eq(op, IRQ_PIN_UNMASK);
	ck_assert_uint_eq(a.in_flight, 0);
	irq_action_eoi(&a, &da, 9, &op);                /* a second EOI: nothing more */
	ck_assert_int_eq(op, IRQ_PIN_NOTHING);

	/* Shared: both must EOI before the pin opens again. */
	ck_assert_int_eq(irq_action_bind(&a, &db, 30, true, true, &op), 0);
	ck_assert_int_eq(op, IRQ_PIN_NOTHING);
	ck_assert_uint_eq(irq_action_fire(&a, g, &op), 2);
	ck_assert_uint_eq(a.in_flight, 2);
	irq_action_eoi(&a, &da, 9, &op);
	ck_assert_int_eq(op, IRQ_PIN_NOTHING);
	irq_action_eoi(&a, &db, 30, &op);
	ck_assert_int_eq(op, IRQ_PIN_UNMASK);
	/* A guest leaving while in flight counts as its EOI. */
	irq_action_fire(&a, g, &op);
	irq_action_eoi(&a, &da, 9, &op);
	irq_action_unbind(&a, &db, 30, &op);
	ck_assert_int_eq(op, IRQ_PIN_UNMASK);
	ck_assert_uint_eq(a.nr_guests, 1);
	irq_action_fire(&a, g, &op);
	irq_action_unbind(&a, &da, 9, &op);
	ck_assert_int_eq(op, IRQ_PIN_MASK);
	ck_assert_uint_eq(a.in_flight, 0);
}
END_TEST

START_TEST(test_action_share_limits)
{
	struct irq_action a = { 0 };
	int op, doms[IRQ_MAX_GUESTS + 1];
	for (int i = 0; i < IRQ_MAX_GUESTS; i++)
		ck_assert_int_eq(irq_action_bind(&a, &doms[i], 5, true, true, &op), 0);
	ck_assert_int_eq(irq_action_bind(&a, &doms[IRQ_MAX_GUESTS], 5, true, true, &op), -IRQ_EBUSY);
	/* A newcomer that will not share is refused too. */
	irq_action_unbind(&a, &doms[0], 5, &op);
	ck_assert_int_eq(irq_action_bind(&a, &doms[0], 5, false, true, &op), -IRQ_EBUSY);
	/* The ack type stays what the first bind made it. */
	struct irq_action b = { 0 };
	ck_assert_int_eq(irq_action_bind(&b, &da, 20, true, false, &op), 0);
	ck_assert_int_eq(irq_action_bind(&b, &db, 20, true, true, &op), 0);
	ck_assert_int_eq(b.ack, IRQ_ACK_NONE);
}
END_TEST

/* The device interrupt's way into an event lock: never waits, keeps the ticket order. */
START_TEST(test_spin_trylock)
{
	spinlock_t l = SPINLOCK_INIT;
	ck_assert_uint_eq(_Alignof(spinlock_t), 4);
	ck_assert(spin_trylock(&l));
	ck_assert(spin_is_locked(&l));
	ck_assert(!spin_trylock(&l));
	spin_unlock(&l);
	ck_assert(!spin_is_locked(&l));
	spin_lock(&l);
	ck_assert(!spin_trylock(&l));
	spin_unlock(&l);
	/* Across the 16-bit wrap of the tickets. */
	for (unsigned i = 0; i < 70000; i++) {
		ck_assert(spin_trylock(&l));
		spin_unlock(&l);
	}
	ck_assert_uint_eq(l.next, l.owner);
	ck_assert_uint_eq(l.next, (uint16_t)(70000 + 2));
}
END_TEST

static Suite *irq_suite(void)
{
	Suite *s = suite_create("irq_core");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_vectors_reserved);
	tcase_add_test(tc, test_vectors_alloc_free);
	tcase_add_test(tc, test_rte_build);
	tcase_add_test(tc, test_isa_mode);
	tcase_add_test(tc, test_layout_qemu);
	tcase_add_test(tc, test_layout_two_ioapics);
	tcase_add_test(tc, test_layout_limits);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_pirq_init_access);
	tcase_add_test(tc, test_pirq_gsi_map_like_linux);
	tcase_add_test(tc, test_pirq_map_errors);
	tcase_add_test(tc, test_pirq_free_search);
	tcase_add_test(tc, test_pirq_multi_msi);
	tcase_add_test(tc, test_pirq_unmap);
	tcase_add_test(tc, test_pirq_orphan);
	tcase_add_test(tc, test_action_edge);
	tcase_add_test(tc, test_action_level);
	tcase_add_test(tc, test_action_share_limits);
	tcase_add_test(tc, test_spin_trylock);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(irq_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
