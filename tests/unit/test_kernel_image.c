/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dom0 kernel image handling (common/kernel_image.c, xen_elfnote.c).
 *
 * Small ELF64 images shaped like a Linux PV kernel are built here (two
 * PT_LOADs, a PT_NOTE with the Xen notes Linux emits, section headers with
 * a note section and a NOLOAD-style .brk), then damaged in specific ways
 * with exact expected errors, wrapped in gzip/xz/synthetic bzImages with
 * the host tools, and mutation-fuzzed. Debian's real vmlinuz is decoded
 * too when build/guest-kit/vmlinuz exists (skipped, and said so, if not).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mica/kernel_image.h>
#include "decomp_util.h"

#define IMG_SIZE   0x3900
#define PHOFF      64
#define NOTES_OFF  0x600
#define SHOFF      0x3800
#define VBASE      0xffffffff80000000ull
#define KSTART     0xffffffff81000000ull
#define ENTRY      (KSTART + 0x100)
#define HCALL      (KSTART + 0x1000)

struct note {
	uint32_t type;
	const void *desc;
	uint32_t size;
};

static const uint64_t v_vbase = VBASE, v_zero = 0, v_entry = ENTRY;
static const uint64_t v_hcall = HCALL, v_hvlow = 0xffff800000000000ull;
static const uint64_t v_p2m = 0x8000000000ull, v_l1[2] = { 1, 1 };
static const uint32_t v_one = 1, v_supp = (1u << 0) | (1u << 11);
static const uint32_t v_phys32 = 0x1000100;
static const char features[] = "!writable_page_tables|pae_pgdir_above_4gb";

/* The notes of Linux's arch/x86/xen/xen-head.S, in its order. */
static const struct note linux_notes[] = {
	{ 6, "linux", 6 },
	{ 7, "2.6", 4 },
	{ 5, "xen-3.0", 8 },
	{ 3, &v_vbase, 8 },
	{ 4, &v_zero, 8 },
	{ 1, &v_entry, 8 },
	{ 2, &v_hcall, 8 },
	{ 10, features, sizeof(features) - 1 },   /* .ascii, no NUL */
	{ 17, &v_supp, 4 },
	{ 9, "yes", 4 },
	{ 8, "generic", 8 },
	{ 13, v_l1, 16 },
	{ 14, &v_one, 4 },
	{ 16, &v_one, 4 },
	{ 12, &v_hvlow, 8 },
	{ 15, &v_p2m, 8 },
	{ 18, &v_phys32, 4 },
};
#define NR_LINUX_NOTES (sizeof(linux_notes) / sizeof(linux_notes[0]))

static void w16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void w32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void w64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static size_t put_notes(uint8_t *p, const struct note *n, size_t count,
			const char *name)
{
	size_t pos = 0;

	for (size_t i = 0; i < count; i++) {
		w32(p + pos, 4);
		w32(p + pos + 4, n[i].size);
		w32(p + pos + 8, n[i].type);
		memcpy(p + pos + 12, name, 4);
		pos += 16;
		memcpy(p + pos, n[i].desc, n[i].size);
		pos += (n[i].size + 3) & ~3u;
	}
	return pos;
}

static uint8_t *phdr(uint8_t *img, unsigned i)
{
	return img + PHOFF + i * 56;
}

static void set_phdr(uint8_t *img, unsigned i, uint32_t type, uint32_t flags,
		     uint64_t off, uint64_t vaddr, uint64_t paddr,
		     uint64_t filesz, uint64_t memsz)
{
	uint8_t *p = phdr(img, i);

	w32(p, type);
	w32(p + 4, flags);
	w64(p + 8, off);
	w64(p + 16, vaddr);
	w64(p + 24, paddr);
	w64(p + 32, filesz);
	w64(p + 40, memsz);
	w64(p + 48, type == 4 ? 4 : 0x1000);
}

/* Build a Linux-like PV kernel ELF with the given notes (exactly
 * IMG_SIZE bytes, malloc'ed). */
static uint8_t *build_elf_notes(const struct note *notes, size_t count)
{
	uint8_t *img = calloc(1, IMG_SIZE);
	size_t nlen;

	memcpy(img, "\x7f" "ELF", 4);
	img[4] = 2;
	img[5] = 1;
	img[6] = 1;
	w16(img + 16, 2);               /* ET_EXEC */
	w16(img + 18, 62);              /* EM_X86_64 */
	w32(img + 20, 1);
	w64(img + 24, KSTART + 0x200);  /* e_entry, overridden by note */
	w64(img + 32, PHOFF);
	w64(img + 40, SHOFF);
	w16(img + 52, 64);
	w16(img + 54, 56);
	w16(img + 56, 3);
	w16(img + 58, 64);
	w16(img + 60, 3);

	nlen = put_notes(img + NOTES_OFF, notes, count, "Xen");
	set_phdr(img, 0, 1, 5, 0x1000, KSTART, 0x1000000, 0x2000, 0x2000);
	set_phdr(img, 1, 1, 6, 0x3000, KSTART + 0x2000, 0x1002000, 0x800,
		 0x3000);
	set_phdr(img, 2, 4, 4, NOTES_OFF, 0, 0, nlen, nlen);

	for (size_t i = 0x1000; i < 0x3800; i++)
		img[i] = (uint8_t)(i * 13 + 1);

	/* Sections: null, .notes (SHT_NOTE), .brk (NOBITS, ALLOC|WRITE). */
	w32(img + SHOFF + 64 + 4, 7);
	w64(img + SHOFF + 64 + 24, NOTES_OFF);
	w64(img + SHOFF + 64 + 32, nlen);
	w64(img + SHOFF + 64 + 48, 4);
	w32(img + SHOFF + 128 + 4, 8);
	w64(img + SHOFF + 128 + 8, 3);
	w64(img + SHOFF + 128 + 16, KSTART + 0x5000);
	w64(img + SHOFF + 128 + 32, 0x2000);
	return img;
}

static uint8_t *build_elf(void)
{
	return build_elf_notes(linux_notes, NR_LINUX_NOTES);
}

static char msg[160];

static enum kimg_err parse(struct kernel_image *k, const uint8_t *img,
			   size_t len)
{
	enum kimg_err e;

	memset(k, 0, sizeof(*k));
	kimg_set_elf(k, img, len);
	e = kimg_parse_elf(k);
	kimg_describe(k, msg, sizeof(msg));
	return e;
}

START_TEST(test_linux_like)
{
	uint8_t *img = build_elf();
	struct kernel_image k;
	const struct kimg_xen *x = &k.xen;

	ck_assert_int_eq(kimg_identify(&k, img, IMG_SIZE), KIMG_OK);
	ck_assert_int_eq(k.format, KIMG_FMT_ELF);
	ck_assert_int_eq(kimg_unwrap(&k, NULL, NULL, 0), KIMG_OK);
	ck_assert_int_eq(kimg_parse_elf(&k), KIMG_OK);
	ck_assert_uint_eq(k.nr_segments, 2);
	ck_assert_uint_eq(k.seg[1].memsz, 0x3000);
	ck_assert_uint_eq(k.pstart, 0x1000000);
	ck_assert_uint_eq(k.pend, 0x1005000);
	ck_assert(!x->from_sections);
	ck_assert_uint_eq(x->virt_base, VBASE);
	ck_assert_uint_eq(x->paddr_offset, 0);
	ck_assert_uint_eq(x->virt_kstart, KSTART);
	ck_assert_uint_eq(x->virt_kend, KSTART + 0x5000);
	ck_assert_uint_eq(x->virt_alloc_end, KSTART + 0x7000);
	ck_assert_uint_eq(x->virt_entry, ENTRY);
	ck_assert_uint_eq(x->virt_hypercall, HCALL);
	ck_assert_uint_eq(x->hv_start_low, 0xffff800000000000ull);
	ck_assert_uint_eq(x->init_p2m, 0x8000000000ull);
	ck_assert_uint_eq(x->phys32_entry, 0x1000100);
	ck_assert_uint_eq(x->l1_mfn_valid[0], 1);
	ck_assert_uint_eq(x->l1_mfn_valid[1], 1);
	ck_assert_uint_eq(x->suspend_cancel, 1);
	ck_assert(x->unmapped_initrd);
	ck_assert_str_eq(x->guest_os, "linux");
	ck_assert_str_eq(x->guest_version, "2.6");
	ck_assert_str_eq(x->xen_version, "xen-3.0");
	ck_assert_str_eq(x->loader, "generic");
	ck_assert_str_eq(x->pae_mode, "yes");
	ck_assert_uint_eq(x->f_required, 1u << 0);
	ck_assert_uint_eq(x->f_supported, (1u << 0) | (1u << 4) | (1u << 11));
	ck_assert_uint_eq(x->notes_seen, 0x7f7feu); /* all but INFO and BSD_SYMTAB */

	/* Feature negotiation. */
	ck_assert_int_eq(kimg_check_features(&k, 1u << 0, true), KIMG_OK);
	ck_assert_int_eq(kimg_check_features(&k, 1u << 4, true),
			 KIMG_ERR_FEATURE_REQUIRED);
	ck_assert_str_eq(kimg_describe(&k, msg, sizeof(msg)),
			 "kernel requires feature 'writable_page_tables' "
			 "(XENFEAT 0), which Mica does not offer");
	free(img);
}
END_TEST

/* Map callback over a buffer standing for [KSTART, KSTART + 0x8000),
 * handing out at most up to the next page boundary per call. */
struct guest {
	uint8_t mem[0x8000];
	unsigned calls;
};

static void *map_guest(void *ctx, uint64_t va, uint64_t len, uint64_t *avail)
{
	struct guest *g = ctx;
	uint64_t off = va - KSTART, room = 0x1000 - (va & 0xfff);

	if (va < KSTART || off >= sizeof(g->mem))
		return NULL;
	g->calls++;
	*avail = len < room ? len : room;
	return g->mem + off;
}

START_TEST(test_load)
{
	uint8_t *img = build_elf();
	struct kernel_image k;
	struct guest *g = malloc(sizeof(*g));

	memset(g->mem, 0xaa, sizeof(g->mem));
	g->calls = 0;
	ck_assert_int_eq(parse(&k, img, IMG_SIZE), KIMG_OK);
	ck_assert_int_eq(kimg_load(&k, map_guest, g), KIMG_OK);
	ck_assert(memcmp(g->mem, img + 0x1000, 0x2800) == 0);
	for (size_t i = 0x2800; i < 0x5000; i++)
		ck_assert_uint_eq(g->mem[i], 0);       /* bss zeroed */
	for (size_t i = 0x5000; i < 0x8000; i++)
		ck_assert_uint_eq(g->mem[i], 0xaa);    /* untouched */
	ck_assert_uint_ge(g->calls, 5);

	/* A callback that cannot map reports the address. */
	w64(phdr(img, 1) + 40, 0x7000);
	w64(img + SHOFF + 128 + 32, 0);
	ck_assert_int_eq(parse(&k, img, IMG_SIZE), KIMG_OK);
	ck_assert_int_eq(kimg_load(&k, map_guest, g), KIMG_ERR_MAP);
	ck_assert_str_eq(kimg_describe(&k, msg, sizeof(msg)),
			 "cannot map guest memory for a kernel segment "
			 "(0xffffffff81008000)");
	/* Loading without a parsed image. */
	memset(&k, 0, sizeof(k));
	ck_assert_int_eq(kimg_load(&k, map_guest, g), KIMG_ERR_NOT_PARSED);
	free(g);
	free(img);
}
END_TEST

/* Parse a copy of 'img' after 'edit', expecting error e and message m. */
#define EXPECT_ERR(edit, e, m) do { \
		uint8_t *c = build_elf(); \
		struct kernel_image k; \
		edit; \
		ck_assert_int_eq(parse(&k, c, IMG_SIZE), (e)); \
		ck_assert_str_eq(msg, (m)); \
		free(c); \
	} while (0)

START_TEST(test_elf_header_errors)
{
	struct kernel_image k;
	uint8_t *c = build_elf();

	ck_assert_int_eq(parse(&k, c, 40), KIMG_ERR_ELF_TRUNCATED);
	ck_assert_int_eq(parse(&k, c, 3), KIMG_ERR_ELF_TRUNCATED);
	free(c);
	EXPECT_ERR(c[1] = 'e', KIMG_ERR_ELF_MAGIC, "not an ELF image");
	EXPECT_ERR(c[4] = 1, KIMG_ERR_ELF_CLASS, "ELF image is not 64-bit");
	EXPECT_ERR(c[5] = 2, KIMG_ERR_ELF_DATA,
		   "ELF image is not little-endian");
	EXPECT_ERR(c[6] = 0, KIMG_ERR_ELF_VERSION, "ELF version is not 1");
	EXPECT_ERR(w16(c + 18, 3), KIMG_ERR_ELF_MACHINE,
		   "ELF image is not for x86-64");
	EXPECT_ERR(w16(c + 16, 1), KIMG_ERR_ELF_TYPE,
		   "ELF image is not an executable");
	EXPECT_ERR(w64(c + 32, IMG_SIZE - 100), KIMG_ERR_ELF_PHDR_TABLE,
		   "program header table is malformed or past end of image");
	EXPECT_ERR(w64(c + 32, UINT64_MAX - 10), KIMG_ERR_ELF_PHDR_TABLE,
		   "program header table is malformed or past end of image");
	EXPECT_ERR(w16(c + 54, 32), KIMG_ERR_ELF_PHDR_TABLE,
		   "program header table is malformed or past end of image");
	EXPECT_ERR(w16(c + 56, 0), KIMG_ERR_ELF_PHDR_TABLE,
		   "program header table is malformed or past end of image");
	EXPECT_ERR(w16(c + 56, 0xffff), KIMG_ERR_ELF_PHDR_TABLE,
		   "program header table is malformed or past end of image");
	EXPECT_ERR(w16(c + 60, 200), KIMG_ERR_ELF_SHDR_TABLE,
		   "section header table is malformed or past end of image");
}
END_TEST

START_TEST(test_phdr_errors)
{
	EXPECT_ERR(w64(phdr(c, 1) + 32, 0x10000), KIMG_ERR_PHDR_RANGE,
		   "program header 1 extends past end of image");
	EXPECT_ERR(w64(phdr(c, 1) + 8, UINT64_MAX - 0x100), KIMG_ERR_PHDR_RANGE,
		   "program header 1 extends past end of image");
	EXPECT_ERR(w64(phdr(c, 2) + 32, 0x4000), KIMG_ERR_PHDR_RANGE,
		   "program header 2 extends past end of image");
	EXPECT_ERR(w64(phdr(c, 0) + 40, 0x1000), KIMG_ERR_PHDR_FILESZ,
		   "program header 0 has filesz larger than memsz");
	EXPECT_ERR(w64(phdr(c, 1) + 24, UINT64_MAX - 0x1000), KIMG_ERR_PHDR_WRAP,
		   "program header 1 address range wraps around");
	EXPECT_ERR(w64(phdr(c, 1) + 24, 0x1001000), KIMG_ERR_PHDR_OVERLAP,
		   "program headers 0 and 1 overlap");
	EXPECT_ERR({ w32(phdr(c, 0) + 4, 0); w32(phdr(c, 1) + 4, 0); },
		   KIMG_ERR_NO_SEGMENTS, "no loadable segments");
	/* Non-loadable (no RWX flags) segments are ignored, as in Xen. */
	{
		uint8_t *c = build_elf();
		struct kernel_image k;

		w32(phdr(c, 1) + 4, 0);
		w64(phdr(c, 1) + 24, 0x1001000);
		w64(c + SHOFF + 128 + 32, 0);
		ck_assert_int_eq(parse(&k, c, IMG_SIZE), KIMG_OK);
		ck_assert_uint_eq(k.nr_segments, 1);
		ck_assert_uint_eq(k.xen.virt_kend, KSTART + 0x2000);
		free(c);
	}
	/* 17 loadable segments exceed the limit. */
	{
		uint8_t *c = build_elf();
		struct kernel_image k;

		w16(c + 56, 20);
		for (unsigned i = 3; i < 20; i++)
			set_phdr(c, i, 1, 4, 0x1000, KSTART + 0x100000 * i,
				 0x1000000 + 0x100000 * i, 0x10, 0x10);
		ck_assert_int_eq(parse(&k, c, IMG_SIZE),
				 KIMG_ERR_TOO_MANY_SEGMENTS);
		ck_assert_str_eq(msg, "program header 17 exceeds the limit of "
				 "16 loadable segments");
		free(c);
	}
}
END_TEST

START_TEST(test_note_errors)
{
	/* Note header claims a name running past the PT_NOTE. */
	EXPECT_ERR(w32(c + NOTES_OFF, 0x10000), KIMG_ERR_NOTE_MALFORMED,
		   "malformed ELF note at offset 0x600 in program header 2");
	/* Descriptor size past the end. */
	EXPECT_ERR(w32(c + NOTES_OFF + 4, 0xfffffff0), KIMG_ERR_NOTE_MALFORMED,
		   "malformed ELF note at offset 0x600 in program header 2");
	/* PT_NOTE size that leaves a partial note header. */
	EXPECT_ERR(w64(phdr(c, 2) + 32, 8), KIMG_ERR_NOTE_MALFORMED,
		   "malformed ELF note at offset 0x600 in program header 2");

	{
		/* Numeric note with a 3-byte descriptor. */
		struct note n[NR_LINUX_NOTES];

		memcpy(n, linux_notes, sizeof(n));
		n[5].size = 3;
		uint8_t *c = build_elf_notes(n, NR_LINUX_NOTES);
		struct kernel_image k;

		ck_assert_int_eq(parse(&k, c, IMG_SIZE), KIMG_ERR_NOTE_SIZE);
		ck_assert_str_eq(msg, "Xen note ENTRY (1) in program header 2 "
				 "has unusable size 3");
		free(c);
	}
	{
		/* Unknown required feature. */
		struct note n[NR_LINUX_NOTES];
		struct kernel_image k;
		uint8_t *c;

		memcpy(n, linux_notes, sizeof(n));
		n[7].desc = "writable_page_tables|!time_travel";
		n[7].size = 34;
		c = build_elf_notes(n, NR_LINUX_NOTES);
		ck_assert_int_eq(parse(&k, c, IMG_SIZE),
				 KIMG_ERR_FEATURE_UNKNOWN);
		ck_assert_str_eq(msg, "Xen FEATURES note requires unknown "
				 "feature 'time_travel'");
		free(c);
		/* ... while an unknown optional one is ignored. */
		n[7].desc = "time_travel|!dom0||";
		n[7].size = 20;
		c = build_elf_notes(n, NR_LINUX_NOTES);
		ck_assert_int_eq(parse(&k, c, IMG_SIZE), KIMG_OK);
		ck_assert_uint_eq(k.xen.f_required, 1u << 11);
		free(c);
	}
	{
		/* Not linux/generic, wrong Xen version, no notes at all. */
		struct note n[NR_LINUX_NOTES];
		struct kernel_image k;
		uint8_t *c;

		memcpy(n, linux_notes, sizeof(n));
		n[0].desc = "plan9";
		n[10].desc = "special";
		c = build_elf_notes(n, NR_LINUX_NOTES);
		ck_assert_int_eq(parse(&k, c, IMG_SIZE),
				 KIMG_ERR_NOT_LINUX_OR_GENERIC);
		free(c);
		memcpy(n, linux_notes, sizeof(n));
		n[2].desc = "xen-2.0";
		c = build_elf_notes(n, NR_LINUX_NOTES);
		ck_assert_int_eq(parse(&k, c, IMG_SIZE), KIMG_ERR_XEN_VERSION);
		ck_assert_str_eq(msg, "kernel is not built for xen-3.0");
		free(c);
		c = build_elf_notes(n, 0);
		ck_assert_int_eq(parse(&k, c, IMG_SIZE), KIMG_ERR_NO_XEN_NOTES);
		ck_assert_str_eq(msg, "not a Xen PV kernel: no Xen ELF notes");
		free(c);
	}
	/* Notes not named "Xen" are not Xen notes. */
	{
		uint8_t *c = build_elf();
		struct kernel_image k;
		size_t n = put_notes(c + NOTES_OFF, linux_notes,
				     NR_LINUX_NOTES, "GNU");

		ck_assert_uint_gt(n, 0);
		ck_assert_int_eq(parse(&k, c, IMG_SIZE), KIMG_ERR_NO_XEN_NOTES);
		free(c);
	}
}
END_TEST

START_TEST(test_section_fallback)
{
	struct kernel_image k;
	uint8_t *c = build_elf();

	/* PT_NOTE with a zero offset is skipped (Xen's binutils quirk), so
	 * the notes come from the SHT_NOTE section. */
	w64(phdr(c, 2) + 8, 0);
	ck_assert_int_eq(parse(&k, c, IMG_SIZE), KIMG_OK);
	ck_assert(k.xen.from_sections);
	ck_assert_uint_eq(k.xen.virt_entry, ENTRY);
	/* A note section past the end of the image. */
	w64(c + SHOFF + 64 + 32, 0x10000);
	ck_assert_int_eq(parse(&k, c, IMG_SIZE), KIMG_ERR_SHDR_RANGE);
	ck_assert_str_eq(msg, "section 1 (notes) extends past end of image");
	/* Malformed note inside the section names the section. */
	w64(c + SHOFF + 64 + 32, 16);
	w32(c + NOTES_OFF + 4, 8);
	ck_assert_int_eq(parse(&k, c, IMG_SIZE), KIMG_ERR_NOTE_MALFORMED);
	ck_assert_str_eq(msg, "malformed ELF note at offset 0x600 in section 1");
	free(c);
}
END_TEST

START_TEST(test_address_rules)
{
	struct note n[NR_LINUX_NOTES];
	struct kernel_image k;
	uint8_t *c;
	static const uint64_t bad_entry = KSTART + 0x6000;
	static const uint64_t bad_hc = KSTART + 0x4800;
	static const uint64_t p2m_in = KSTART + 0x100;
	static const uint64_t poff = 0x100000;

	/* PADDR_OFFSET without VIRT_BASE. */
	memcpy(n, linux_notes, sizeof(n));
	n[3].type = 0x100; /* unknown type: ignored */
	c = build_elf_notes(n, NR_LINUX_NOTES);
	ck_assert_int_eq(parse(&k, c, IMG_SIZE), KIMG_ERR_PADDR_NO_VIRT_BASE);
	free(c);
	/* No VIRT_BASE and no PADDR_OFFSET: base 0, so kstart is the paddr
	 * and the (virtual) entry is out of bounds. */
	n[4].type = 0x101;
	c = build_elf_notes(n, NR_LINUX_NOTES);
	ck_assert_int_eq(parse(&k, c, IMG_SIZE), KIMG_ERR_ADDR_BOUNDS);
	free(c);
	/* Entry beyond kend. */
	memcpy(n, linux_notes, sizeof(n));
	n[5].desc = &bad_entry;
	c = build_elf_notes(n, NR_LINUX_NOTES);
	ck_assert_int_eq(parse(&k, c, IMG_SIZE), KIMG_ERR_ADDR_BOUNDS);
	ck_assert_str_eq(msg, "kernel start, end or entry out of bounds "
			 "(0xffffffff81006000)");
	free(c);
	/* No ENTRY note: e_entry is used. */
	memcpy(n, linux_notes, sizeof(n));
	n[5].type = 0x102;
	c = build_elf_notes(n, NR_LINUX_NOTES);
	ck_assert_int_eq(parse(&k, c, IMG_SIZE), KIMG_OK);
	ck_assert_uint_eq(k.xen.virt_entry, KSTART + 0x200);
	free(c);
	/* Hypercall page not a whole page inside the kernel. */
	memcpy(n, linux_notes, sizeof(n));
	n[6].desc = &bad_hc;
	c = build_elf_notes(n, NR_LINUX_NOTES);
	ck_assert_int_eq(parse(&k, c, IMG_SIZE), KIMG_ERR_HYPERCALL_BOUNDS);
	free(c);
	/* P2M inside the kernel. */
	memcpy(n, linux_notes, sizeof(n));
	n[15].desc = &p2m_in;
	c = build_elf_notes(n, NR_LINUX_NOTES);
	ck_assert_int_eq(parse(&k, c, IMG_SIZE), KIMG_ERR_P2M_BOUNDS);
	free(c);
	/* PADDR_OFFSET shifts the whole kernel: virt = paddr + base - off. */
	memcpy(n, linux_notes, sizeof(n));
	n[4].desc = &poff;
	n[5].type = 0x102;
	n[6].type = 0x103;
	c = build_elf_notes(n, NR_LINUX_NOTES);
	w64(c + 24, KSTART - poff + 0x10);
	ck_assert_int_eq(parse(&k, c, IMG_SIZE), KIMG_OK);
	ck_assert_uint_eq(k.xen.virt_kstart, KSTART - poff);
	ck_assert_uint_eq(k.xen.virt_hypercall, KIMG_UNSET);
	free(c);
	/* dom0 capability: SUPPORTED_FEATURES without the dom0 bit. */
	{
		static const uint32_t no_dom0 = 1;

		memcpy(n, linux_notes, sizeof(n));
		n[8].desc = &no_dom0;
		c = build_elf_notes(n, NR_LINUX_NOTES);
		ck_assert_int_eq(parse(&k, c, IMG_SIZE), KIMG_OK);
		ck_assert_int_eq(kimg_check_features(&k, ~0u, false), KIMG_OK);
		ck_assert_int_eq(kimg_check_features(&k, ~0u, true),
				 KIMG_ERR_NOT_DOM0_CAPABLE);
		free(c);
	}
}
END_TEST

static struct blob bzimage(const struct blob *payload, unsigned setup_sects,
			   uint16_t version)
{
	unsigned s = setup_sects ? setup_sects : 4;
	size_t start = (s + 1) * 512, poff = 0x300;
	struct blob b = { calloc(1, start + poff + payload->len), 0 };

	b.len = start + poff + payload->len;
	b.data[0x1f1] = (uint8_t)setup_sects;
	memcpy(b.data + 0x202, "HdrS", 4);
	w16(b.data + 0x206, version);
	w32(b.data + 0x248, (uint32_t)poff);
	w32(b.data + 0x24c, (uint32_t)payload->len);
	memcpy(b.data + start + poff, payload->data, payload->len);
	return b;
}

static void unwrap_ok(const struct blob *m, enum kimg_format fmt,
		      enum kimg_comp comp)
{
	static union kimg_work work;
	struct kernel_image k;
	uint8_t *buf = malloc(IMG_SIZE);
	uint8_t *ref = build_elf();

	ck_assert_int_eq(kimg_identify(&k, m->data, m->len), KIMG_OK);
	ck_assert_int_eq(k.format, fmt);
	ck_assert_int_eq(k.comp, comp);
	ck_assert_uint_eq(k.size_hint, IMG_SIZE);
	ck_assert_int_eq(kimg_unwrap(&k, &work, buf, IMG_SIZE), KIMG_OK);
	ck_assert_uint_eq(k.elf_len, IMG_SIZE);
	ck_assert(memcmp(k.elf, ref, IMG_SIZE) == 0);
	ck_assert_int_eq(kimg_parse_elf(&k), KIMG_OK);
	ck_assert_uint_eq(k.xen.virt_entry, ENTRY);
	/* Buffer one byte short of the claimed size. */
	ck_assert_int_eq(kimg_unwrap(&k, &work, buf, IMG_SIZE - 1),
			 KIMG_ERR_BUFFER_TOO_SMALL);
	free(buf);
	free(ref);
}

/* Linux's xz payload: xz_wrap.sh options, then the size appended. */
static struct blob linux_xz(const uint8_t *d, size_t len)
{
	struct blob x = tu_filter("xz -c -T1 --check=crc32 --x86 "
				  "--lzma2=,dict=32MiB", d, len);

	x.data = realloc(x.data, x.len + 4);
	w32(x.data + x.len, (uint32_t)len);
	x.len += 4;
	return x;
}

START_TEST(test_wrappers)
{
	uint8_t *elf = build_elf();
	struct blob gz = tu_filter("gzip -9 -n -c", elf, IMG_SIZE);
	struct blob xz = tu_filter("xz -c -T1", elf, IMG_SIZE);
	struct blob lx = linux_xz(elf, IMG_SIZE);
	struct blob b;
	struct kernel_image k;

	unwrap_ok(&gz, KIMG_FMT_GZIP, KIMG_COMP_GZIP);
	unwrap_ok(&xz, KIMG_FMT_XZ, KIMG_COMP_XZ);
	b = bzimage(&gz, 27, 0x020f);
	unwrap_ok(&b, KIMG_FMT_BZIMAGE, KIMG_COMP_GZIP);
	free(b.data);
	b = bzimage(&lx, 0, 0x0208);   /* setup_sects 0 means 4 */
	unwrap_ok(&b, KIMG_FMT_BZIMAGE, KIMG_COMP_XZ);
	ck_assert_int_eq(kimg_identify(&k, b.data, b.len), KIMG_OK);
	ck_assert_uint_eq(k.boot_protocol, 0x0208);

	/* Old protocol, payload out of range, uncompressed payload. */
	w16(b.data + 0x206, 0x0207);
	ck_assert_int_eq(kimg_identify(&k, b.data, b.len), KIMG_ERR_BZ_PROTOCOL);
	ck_assert_str_eq(kimg_describe(&k, msg, sizeof(msg)),
			 "bzImage boot protocol is older than 2.08");
	w16(b.data + 0x206, 0x020f);
	w32(b.data + 0x24c, (uint32_t)lx.len + 1);
	ck_assert_int_eq(kimg_identify(&k, b.data, b.len),
			 KIMG_ERR_BZ_PAYLOAD_RANGE);
	w32(b.data + 0x24c, (uint32_t)lx.len);
	w32(b.data + 0x248, 0xfffffff0u);
	ck_assert_int_eq(kimg_identify(&k, b.data, b.len),
			 KIMG_ERR_BZ_PAYLOAD_RANGE);
	w32(b.data + 0x248, 0x300);
	b.data[5 * 512 + 0x300] = 0;
	ck_assert_int_eq(kimg_identify(&k, b.data, b.len),
			 KIMG_ERR_BZ_PAYLOAD_FORMAT);
	free(b.data);

	/* A corrupt payload reports the decoder's verdict. */
	{
		static union kimg_work work;
		uint8_t *buf = malloc(IMG_SIZE);

		b = bzimage(&lx, 4, 0x020f);
		b.data[b.len - 4 - 20] ^= 0x55; /* inside the xz index/footer */
		ck_assert_int_eq(kimg_identify(&k, b.data, b.len), KIMG_OK);
		ck_assert_int_eq(kimg_unwrap(&k, &work, buf, IMG_SIZE),
				 KIMG_ERR_DECOMPRESS);
		kimg_describe(&k, msg, sizeof(msg));
		ck_assert_msg(strncmp(msg, "decompressing the xz kernel failed: ",
				      36) == 0, "%s", msg);
		free(b.data);
		free(buf);
	}
	/* Not a kernel at all. */
	ck_assert_int_eq(kimg_identify(&k, "#!/bin/sh\n", 10),
			 KIMG_ERR_UNKNOWN_FORMAT);
	free(gz.data);
	free(xz.data);
	free(lx.data);
	free(elf);
}
END_TEST

/* Debian's stock kernel, when the guest kit has been fetched. */
START_TEST(test_debian_vmlinuz)
{
	static union kimg_work work;
	struct blob v;
	struct kernel_image k;
	size_t cap;
	uint8_t *buf;
	double t;

	ck_assert_int_eq(tu_read("build/guest-kit/vmlinuz", &v), 0);
	ck_assert_int_eq(kimg_identify(&k, v.data, v.len), KIMG_OK);
	ck_assert_int_eq(k.format, KIMG_FMT_BZIMAGE);
	ck_assert_uint_gt(k.size_hint, 0);
	cap = (size_t)k.size_hint;
	buf = malloc(cap);
	t = tu_now();
	ck_assert_int_eq(kimg_unwrap(&k, &work, buf, cap), KIMG_OK);
	t = tu_now() - t;
	fprintf(stderr, "vmlinuz: %s payload %zu -> %zu bytes in %.3f s "
		"(ASan build)\n", k.comp == KIMG_COMP_XZ ? "xz" : "gzip",
		k.payload_len, k.elf_len, t);
	ck_assert_msg(kimg_parse_elf(&k) == KIMG_OK, "%s",
		      kimg_describe(&k, msg, sizeof(msg)));
	ck_assert(k.xen.notes_seen & (1u << XEN_ELFNOTE_ENTRY));
	ck_assert_uint_ne(k.xen.entry, KIMG_UNSET);
	ck_assert_uint_eq(k.xen.virt_entry, k.xen.entry);
	ck_assert_str_eq(k.xen.guest_os, "linux");
	ck_assert(k.xen.f_required & (1u << KIMG_XENFEAT_writable_page_tables));
	ck_assert_int_eq(kimg_check_features(&k, (1u << 0) | (1u << 4), true),
			 KIMG_OK);
	fprintf(stderr, "vmlinuz: entry %#llx hypercall %#llx kernel %#llx-%#llx\n",
		(unsigned long long)k.xen.virt_entry,
		(unsigned long long)k.xen.virt_hypercall,
		(unsigned long long)k.xen.virt_kstart,
		(unsigned long long)k.xen.virt_kend);
	free(buf);
	free(v.data);
}
END_TEST

static void *map_any(void *ctx, uint64_t va, uint64_t len, uint64_t *avail)
{
	struct guest *g = ctx;
	uint64_t off = va - KSTART;

	if (va < KSTART || off >= sizeof(g->mem))
		return NULL;
	*avail = sizeof(g->mem) - off < len ? sizeof(g->mem) - off : len;
	return g->mem + off;
}

/* Mutate valid images (ELF, gzip'd ELF, bzImage with xz) and run the
 * whole pipeline; no crash, no sanitizer report, sane error codes. */
START_TEST(test_fuzz)
{
	static union kimg_work work;
	uint8_t *elf = build_elf();
	struct blob gz = tu_filter("gzip -n -c", elf, IMG_SIZE);
	struct blob lx = linux_xz(elf, IMG_SIZE);
	struct blob bz = bzimage(&lx, 2, 0x020f);
	struct blob seeds[3] = { { elf, IMG_SIZE }, gz, bz };
	struct guest *g = malloc(sizeof(*g));
	uint64_t rng = 4242;
	double end = tu_now() + 3.0;
	unsigned iters = 0, ok = 0;

	while (tu_now() < end) {
		unsigned which = tu_rand(&rng) % 3;
		const struct blob *sd = &seeds[which];
		size_t len = sd->len, cap = IMG_SIZE + 64;
		uint8_t *in = tu_dup(sd->data, len);
		uint8_t *buf = malloc(cap);
		unsigned muts = 1 + tu_rand(&rng) % 6;
		struct kernel_image k;
		enum kimg_err e;

		for (unsigned m = 0; m < muts && len; m++) {
			/* Aim most mutations at headers and notes. */
			size_t span = which == 0 && tu_rand(&rng) % 4 ? 0x700 : len;
			size_t at = tu_rand(&rng) % (span < len ? span : len);

			switch (tu_rand(&rng) % 5) {
			case 0: in[at] ^= (uint8_t)(1u << (tu_rand(&rng) % 8)); break;
			case 1: in[at] = (uint8_t)tu_rand(&rng); break;
			case 2: if (tu_rand(&rng) % 4 == 0) len = at; break;
			case 3: in[at] = 0xff; break;
			case 4: in[at] = 0; break;
			}
		}
		e = kimg_identify(&k, in, len);
		if (e == KIMG_OK)
			e = kimg_unwrap(&k, &work, buf, cap);
		if (e == KIMG_OK)
			e = kimg_parse_elf(&k);
		if (e == KIMG_OK) {
			e = kimg_check_features(&k, ~0u, true);
			e = kimg_load(&k, map_any, g);
			ok++;
		}
		ck_assert(e <= KIMG_ERR_MAP);
		kimg_describe(&k, msg, sizeof(msg));
		ck_assert(strlen(msg) < sizeof(msg));
		free(in);
		free(buf);
		iters++;
	}
	fprintf(stderr, "kernel_image fuzz: %u inputs, %u parsed ok\n", iters,
		ok);
	ck_assert_uint_gt(iters, 100);
	free(g);
	free(elf);
	free(gz.data);
	free(lx.data);
	free(bz.data);
}
END_TEST

static Suite *kimg_suite(void)
{
	Suite *s = suite_create("kernel_image");
	TCase *tc = tcase_create("core");
	FILE *f;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_linux_like);
	tcase_add_test(tc, test_load);
	tcase_add_test(tc, test_elf_header_errors);
	tcase_add_test(tc, test_phdr_errors);
	tcase_add_test(tc, test_note_errors);
	tcase_add_test(tc, test_section_fallback);
	tcase_add_test(tc, test_address_rules);
	tcase_add_test(tc, test_wrappers);
	tcase_add_test(tc, test_fuzz);
	/* A skipped test must not count as passed: it is simply not added,
	 * and the skip is printed. */
	f = fopen("build/guest-kit/vmlinuz", "rb");
	if (f) {
		fclose(f);
		tcase_add_test(tc, test_debian_vmlinuz);
	} else {
		printf("SKIP: test_debian_vmlinuz (build/guest-kit/vmlinuz "
		       "not present)\n");
	}
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(kimg_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
