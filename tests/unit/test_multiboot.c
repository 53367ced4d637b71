/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Multiboot information parsing (arch/x86/boot/multiboot.c).
 *
 * Under MICA_HOST a "physical address" is a plain pointer
 * (asm/boot_phys.h), so the tests build loader structures in host memory:
 *
 *  - Multiboot 1 stores addresses in 32-bit fields, so everything it points
 *    to must live below 4 GiB. A static buffer would need a non-PIE link,
 *    which the shared unit rule does not give us; mmap(MAP_32BIT) works in
 *    any build (it maps within the first 2 GiB; ASan's shadow starts above
 *    0x7fff8000 and leaves that range to the program). Each object is put
 *    at the very end of its mapping, followed by a PROT_NONE guard page, so
 *    a read past its end faults (ASan does not watch mmap'd memory).
 *  - Multiboot 2 is self-contained (all strings and entries inside the info
 *    block; the 32-bit module addresses are never dereferenced), so its
 *    blocks are malloc'd at their exact total_size: ASan reports any read
 *    beyond it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <mica/bootinfo.h>

#define MB1_MAGIC 0x2BADB002u
#define MB2_MAGIC 0x36D76289u

static struct boot_info bi;

struct exp { uint64_t addr, size; uint32_t type; };
#define CHECK_MAP(...)                                                      \
	do {                                                                \
		static const struct exp want_[] = { __VA_ARGS__ };          \
		check_map(want_, ARRAY_SIZE(want_), __LINE__);               \
	} while (0)

static void check_map(const struct exp *want, unsigned n, int line)
{
	ck_assert_msg(bi.map.nr == n, "line %d: %u regions, want %u", line, bi.map.nr, n);
	for (unsigned i = 0; i < n; i++)
		ck_assert_msg(bi.map.r[i].addr == want[i].addr &&
			      bi.map.r[i].size == want[i].size &&
			      bi.map.r[i].type == want[i].type,
			      "line %d: region %u is %#llx+%#llx type %u", line, i,
			      (unsigned long long)bi.map.r[i].addr,
			      (unsigned long long)bi.map.r[i].size, bi.map.r[i].type);
}

/* ---- memory below 4 GiB with a guard page after each object ---- */

struct lowmap { void *base; size_t len; };
static struct lowmap lowmaps[256];
static unsigned nr_lowmaps;
static long pagesz;

static void *low_alloc(size_t size)
{
	size_t pages = (size + (size_t)pagesz - 1) / (size_t)pagesz + 1;
	size_t len = pages * (size_t)pagesz;
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	ck_assert_msg(p != MAP_FAILED, "mmap(MAP_32BIT) failed");
	ck_assert_uint_lt((uintptr_t)p + len, 1ull << 32);
	ck_assert_int_eq(mprotect(p + len - (size_t)pagesz, (size_t)pagesz, PROT_NONE), 0);
	ck_assert_uint_lt(nr_lowmaps, ARRAY_SIZE(lowmaps));
	lowmaps[nr_lowmaps++] = (struct lowmap){ p, len };
	uint8_t *obj = p + len - (size_t)pagesz - size;
	memset(obj, 0, size);
	return obj;
}

static uint32_t low32(const void *p)
{
	ck_assert_uint_lt((uintptr_t)p, 1ull << 32);
	return (uint32_t)(uintptr_t)p;
}

/* A NUL-terminated copy whose terminator is the last byte before the guard. */
static uint32_t low_str(const char *s)
{
	size_t n = strlen(s) + 1;
	return low32(memcpy(low_alloc(n), s, n));
}

/* An address that faults if read: the guard page of a fresh mapping. */
static uint32_t poison_addr(void)
{
	return low32((uint8_t *)low_alloc(0));
}

static void setup(void)
{
	pagesz = sysconf(_SC_PAGESIZE);
	memset(&bi, 0xa5, sizeof(bi));  /* parse must reset everything */
}

static void teardown(void)
{
	while (nr_lowmaps) {
		nr_lowmaps--;
		munmap(lowmaps[nr_lowmaps].base, lowmaps[nr_lowmaps].len);
	}
}

/* ---- multiboot 1 structures, as the specification lays them out ---- */

struct mb1_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr, config_table, boot_loader_name;
} __attribute__((packed));
_Static_assert(sizeof(struct mb1_info) == 68, "multiboot 1 info up to boot_loader_name");

struct mb1_mod { uint32_t start, end, string, reserved; } __attribute__((packed));
struct mb1_mmap { uint32_t size; uint64_t addr, len; uint32_t type; } __attribute__((packed));

#define MB1_MEM     (1u << 0)
#define MB1_CMDLINE (1u << 2)
#define MB1_MODS    (1u << 3)
#define MB1_MMAP    (1u << 6)
#define MB1_LOADER  (1u << 9)

static struct mb1_info *mb1_new(void)
{
	struct mb1_info *mbi = low_alloc(sizeof(*mbi));
	/* Every pointer field faults unless a test sets it (and its flag). */
	mbi->cmdline = mbi->mods_addr = mbi->mmap_addr = poison_addr();
	mbi->boot_loader_name = poison_addr();
	return mbi;
}

static int parse1(struct mb1_info *mbi)
{
	return multiboot_parse(MB1_MAGIC, (paddr_t)(uintptr_t)mbi, &bi);
}

START_TEST(test_mb1_mmap)
{
	struct mb1_info *mbi = mb1_new();
	/* Entries exactly as QEMU's SeaBIOS reports them, plus one with a
	 * larger size field (the next entry starts at size + 4). */
	uint8_t *m = low_alloc(4 * 24 + 28);
	const struct mb1_mmap e[] = {
		{ 20, 0, 0x9fc00, 1 },
		{ 20, 0x9fc00, 0x400, 2 },
		{ 20, 0xf0000, 0x10000, 2 },
		{ 20, 0x100000, 0x3fee0000, 1 },
	};
	memcpy(m, e, sizeof(e));
	const struct mb1_mmap big = { 24, 0xfffc0000, 0x40000, 2 };
	memcpy(m + sizeof(e), &big, sizeof(big));   /* 4 padding bytes follow */
	mbi->flags = MB1_MEM | MB1_CMDLINE | MB1_MMAP | MB1_LOADER;
	mbi->mem_lower = 1;                          /* ignored: the map wins */
	mbi->mem_upper = 1;
	mbi->mmap_addr = low32(m);
	mbi->mmap_length = 4 * 24 + 28;
	mbi->cmdline = low_str("/boot/mica console=com1 loglvl=all");
	mbi->boot_loader_name = low_str("qemu");

	ck_assert_int_eq(parse1(mbi), 0);
	ck_assert_uint_eq(bi.protocol, 1);
	ck_assert_str_eq(bi.cmdline, "/boot/mica console=com1 loglvl=all");
	ck_assert_str_eq(bi.loader, "qemu");
	ck_assert_uint_eq(bi.nr_modules, 0);
	ck_assert_uint_eq(bi.dropped_modules, 0);
	ck_assert(!bi.have_rsdp);
	CHECK_MAP({ 0, 0x9fc00, MEM_RAM }, { 0x9fc00, 0x400, MEM_RESERVED },
		  { 0xf0000, 0x10000, MEM_RESERVED }, { 0x100000, 0x3fee0000, MEM_RAM },
		  { 0xfffc0000, 0x40000, MEM_RESERVED });
}
END_TEST

START_TEST(test_mb1_mmap_malformed_entry_stops)
{
	struct mb1_info *mbi = mb1_new();
	uint8_t *m = low_alloc(3 * 24 + 10);
	const struct mb1_mmap e[] = {
		{ 20, 0x100000, 0x100000, 1 },
		{ 8, 0x300000, 0x100000, 1 },       /* size < 20: stop here */
		{ 20, 0x500000, 0x100000, 1 },
	};
	memcpy(m, e, sizeof(e));
	mbi->flags = MB1_MMAP;
	mbi->mmap_addr = low32(m);
	mbi->mmap_length = 3 * 24 + 10;            /* 10 trailing bytes: not an entry */
	ck_assert_int_eq(parse1(mbi), 0);
	CHECK_MAP({ 0x100000, 0x100000, MEM_RAM });

	/* A length that ends inside an entry: that entry is not read. */
	memcpy(m + 24, &e[2], sizeof(e[2]));
	mbi->mmap_length = 24 + 23;
	ck_assert_int_eq(parse1(mbi), 0);
	CHECK_MAP({ 0x100000, 0x100000, MEM_RAM });
	mbi->mmap_length = 48;
	ck_assert_int_eq(parse1(mbi), 0);
	CHECK_MAP({ 0x100000, 0x100000, MEM_RAM }, { 0x500000, 0x100000, MEM_RAM });
}
END_TEST

START_TEST(test_mb1_mem_only)
{
	struct mb1_info *mbi = mb1_new();
	mbi->flags = MB1_MEM;
	mbi->mem_lower = 639;
	mbi->mem_upper = 130048;                   /* KiB above 1 MiB */
	ck_assert_int_eq(parse1(mbi), 0);
	ck_assert_uint_eq(bi.protocol, 1);
	/* No flags for these: empty, and the poisoned pointers were not read. */
	ck_assert_str_eq(bi.cmdline, "");
	ck_assert_str_eq(bi.loader, "");
	ck_assert_uint_eq(bi.nr_modules, 0);
	CHECK_MAP({ 0, 639 * 1024, MEM_RAM }, { 0x100000, 130048ull * 1024, MEM_RAM });
}
END_TEST

START_TEST(test_mb1_no_memory_info)
{
	struct mb1_info *mbi = mb1_new();
	mbi->flags = MB1_CMDLINE;
	mbi->cmdline = low_str("x");
	ck_assert_int_eq(parse1(mbi), -1);
}
END_TEST

START_TEST(test_mb1_modules)
{
	struct mb1_info *mbi = mb1_new();
	struct mb1_mod *mods = low_alloc(3 * sizeof(*mods));
	mods[0] = (struct mb1_mod){ 0x200000, 0x5f0000, low_str("vmlinuz root=/dev/xvda1 console=hvc0"), 0 };
	mods[1] = (struct mb1_mod){ 0x600000, 0x600800, low_str("initrd.img"), 0 };
	mods[2] = (struct mb1_mod){ 0x700000, 0x6fffff, 0, 0 };  /* end < start, no string */
	mbi->flags = MB1_MEM | MB1_MODS;
	mbi->mem_upper = 1024;
	mbi->mods_count = 3;
	mbi->mods_addr = low32(mods);
	ck_assert_int_eq(parse1(mbi), 0);
	ck_assert_uint_eq(bi.nr_modules, 3);
	ck_assert_uint_eq(bi.dropped_modules, 0);
	ck_assert_uint_eq(bi.modules[0].start, 0x200000);
	ck_assert_uint_eq(bi.modules[0].end, 0x5f0000);
	ck_assert_str_eq(bi.modules[0].cmdline, "vmlinuz root=/dev/xvda1 console=hvc0");
	ck_assert_uint_eq(bi.modules[1].start, 0x600000);
	ck_assert_uint_eq(bi.modules[1].end, 0x600800);
	ck_assert_str_eq(bi.modules[1].cmdline, "initrd.img");
	/* A backwards module becomes empty rather than huge. */
	ck_assert_uint_eq(bi.modules[2].start, 0x700000);
	ck_assert_uint_eq(bi.modules[2].end, 0x700000);
	ck_assert_str_eq(bi.modules[2].cmdline, "");
	CHECK_MAP({ 0x100000, 0x100000, MEM_RAM });  /* mem_lower 0: dropped */
}
END_TEST

START_TEST(test_mb1_too_many_modules)
{
	enum { N = BOOT_MAX_MODULES + 5 };
	struct mb1_info *mbi = mb1_new();
	struct mb1_mod *mods = low_alloc(N * sizeof(*mods));
	for (unsigned i = 0; i < N; i++) {
		char s[16];
		snprintf(s, sizeof(s), "mod%u", i);
		mods[i] = (struct mb1_mod){ 0x1000000 + i * 0x1000, 0x1000800 + i * 0x1000,
					    low_str(s), 0 };
	}
	mbi->flags = MB1_MEM | MB1_MODS;
	mbi->mem_upper = 1024;
	mbi->mods_count = N;
	mbi->mods_addr = low32(mods);
	ck_assert_int_eq(parse1(mbi), 0);
	ck_assert_uint_eq(bi.nr_modules, BOOT_MAX_MODULES);
	ck_assert_uint_eq(bi.dropped_modules, 5);
	/* The first ones are kept, in order. */
	ck_assert_str_eq(bi.modules[0].cmdline, "mod0");
	ck_assert_str_eq(bi.modules[BOOT_MAX_MODULES - 1].cmdline, "mod15");
	ck_assert_uint_eq(bi.modules[BOOT_MAX_MODULES - 1].start, 0x1000000 + 15 * 0x1000);
}
END_TEST

START_TEST(test_mb1_long_strings)
{
	char *longs = malloc(3000);
	memset(longs, 'c', 2999);
	longs[2999] = '\0';
	struct mb1_info *mbi = mb1_new();
	struct mb1_mod *mods = low_alloc(sizeof(*mods));
	mods[0] = (struct mb1_mod){ 0x200000, 0x300000, low_str(longs), 0 };
	mbi->flags = MB1_MEM | MB1_CMDLINE | MB1_LOADER | MB1_MODS;
	mbi->mem_upper = 1024;
	mbi->cmdline = low_str(longs);
	mbi->boot_loader_name = low_str(longs);
	mbi->mods_count = 1;
	mbi->mods_addr = low32(mods);
	ck_assert_int_eq(parse1(mbi), 0);
	/* Truncated to the field size minus one, and terminated. */
	ck_assert_uint_eq(strnlen(bi.cmdline, sizeof(bi.cmdline)), BOOT_STRING_MAX - 1);
	ck_assert_uint_eq(strnlen(bi.loader, sizeof(bi.loader)), sizeof(bi.loader) - 1);
	ck_assert_uint_eq(strnlen(bi.modules[0].cmdline, BOOT_STRING_MAX), BOOT_STRING_MAX - 1);
	ck_assert(memcmp(bi.cmdline, longs, BOOT_STRING_MAX - 1) == 0);
	ck_assert(memcmp(bi.loader, longs, sizeof(bi.loader) - 1) == 0);
	/* Exactly BOOT_STRING_MAX - 1 characters fit without loss. */
	longs[BOOT_STRING_MAX - 1] = '\0';
	longs[BOOT_STRING_MAX - 2] = 'Z';
	mbi->cmdline = low_str(longs);
	ck_assert_int_eq(parse1(mbi), 0);
	ck_assert_str_eq(bi.cmdline, longs);
	free(longs);
}
END_TEST

START_TEST(test_unknown_magic)
{
	struct mb1_info *mbi = mb1_new();
	mbi->flags = MB1_MEM;
	mbi->mem_upper = 1024;
	ck_assert_int_eq(multiboot_parse(0, (paddr_t)(uintptr_t)mbi, &bi), -1);
	ck_assert_int_eq(multiboot_parse(0x1BADB002, (paddr_t)(uintptr_t)mbi, &bi), -1);
	ck_assert_int_eq(multiboot_parse(0xE85250D6, (paddr_t)(uintptr_t)mbi, &bi), -1);
	/* The info is not read at all (the address faults if it were). */
	ck_assert_int_eq(multiboot_parse(0x12345678, poison_addr(), &bi), -1);
	ck_assert_uint_eq(bi.protocol, 0);
	ck_assert_uint_eq(bi.map.nr, 0);
}
END_TEST

/* The guard pages must really fault, or the "not read" checks prove nothing. */
START_TEST(test_guard_page_faults)
{
	const volatile char *p = (const volatile char *)(uintptr_t)low_str("ab");
	ck_assert_int_eq(p[2], '\0');
	(void)p[3];                 /* faults: ASan reports the SEGV and exits 1 */
}
END_TEST

/* ---- multiboot 2 builder ---- */

static uint8_t stage[1 << 16];
static size_t stage_len;
static uint8_t *mb2;        /* exact-size malloc'd copy */

static void mb2_begin(void)
{
	memset(stage, 0, sizeof(stage));
	stage_len = 8;          /* total_size, reserved */
}

/* A tag with the given size field (normally 8 + n), padded to 8 bytes. */
static void mb2_tag_sized(uint32_t type, uint32_t size, const void *body, size_t n)
{
	ck_assert_uint_le(stage_len + 8 + n + 8, sizeof(stage));
	memcpy(stage + stage_len, &type, 4);
	memcpy(stage + stage_len + 4, &size, 4);
	if (n)
		memcpy(stage + stage_len + 8, body, n);
	stage_len += (8 + n + 7) & ~(size_t)7;
}

static void mb2_tag(uint32_t type, const void *body, size_t n)
{
	mb2_tag_sized(type, (uint32_t)(8 + n), body, n);
}

static void mb2_str(uint32_t type, const char *s)
{
	mb2_tag(type, s, strlen(s) + 1);
}

static void mb2_module(uint32_t start, uint32_t end, const char *s)
{
	uint8_t body[2048];
	size_t n = strlen(s) + 1;
	ck_assert_uint_le(8 + n, sizeof(body));
	memcpy(body, &start, 4);
	memcpy(body + 4, &end, 4);
	memcpy(body + 8, s, n);
	mb2_tag(3, body, 8 + n);
}

struct mb2_mmap_entry { uint64_t addr, len; uint32_t type, zero; };

static void mb2_mmap(const struct mb2_mmap_entry *e, unsigned n)
{
	uint8_t body[8 + 64 * 24];
	uint32_t esize = 24, ver = 0;
	ck_assert_uint_le(n, 64);
	memcpy(body, &esize, 4);
	memcpy(body + 4, &ver, 4);
	memcpy(body + 8, e, n * 24);
	mb2_tag(6, body, 8 + n * 24);
}

static void mb2_meminfo(uint32_t lower, uint32_t upper)
{
	uint32_t b[2] = { lower, upper };
	mb2_tag(4, b, 8);
}

/* Finish with total_size = len (the builder's length unless overridden). */
static paddr_t mb2_finish_len(size_t len, uint32_t total)
{
	memcpy(stage, &total, 4);
	free(mb2);
	mb2 = malloc(len);
	ck_assert_ptr_nonnull(mb2);
	memcpy(mb2, stage, len);
	return (paddr_t)(uintptr_t)mb2;
}

static paddr_t mb2_finish(void)
{
	mb2_tag(0, NULL, 0);    /* end tag */
	return mb2_finish_len(stage_len, (uint32_t)stage_len);
}

static void mb2_teardown(void)
{
	free(mb2);
	mb2 = NULL;
	teardown();
}

static int parse2(paddr_t info)
{
	return multiboot_parse(MB2_MAGIC, info, &bi);
}

START_TEST(test_mb2_full)
{
	uint8_t rsdp1[20], rsdp2[36];
	for (unsigned i = 0; i < sizeof(rsdp1); i++)
		rsdp1[i] = (uint8_t)(0x10 + i);
	for (unsigned i = 0; i < sizeof(rsdp2); i++)
		rsdp2[i] = (uint8_t)(0x80 + i);
	static const struct mb2_mmap_entry map[] = {
		{ 0, 0x9fc00, 1, 0 },
		{ 0xf0000, 0x10000, 2, 0 },
		{ 0x100000, 0x3ff00000, 1, 0 },
		{ 0x40000000, 0x10000, 3, 0 },
		{ 0x40010000, 0x1000, 4, 0 },
		{ 0x80000000, 0x1000, 5, 0 },
		{ 0xc0000000, 0x1000, 9, 0 },          /* unknown: reserved */
		{ 0x100000000, 0x40000000, 1, 0 },
		{ 0x120000000, 0, 2, 0 },              /* empty: dropped */
	};

	mb2_begin();
	mb2_str(1, "console=com1 dom0_mem=512M");
	mb2_str(2, "GRUB 2.06-13+deb12u1");
	mb2_meminfo(639, 1047552);                 /* ignored: there is a map */
	mb2_module(0x1000000, 0x1800000, "/boot/vmlinuz root=/dev/sda1");
	mb2_module(0x1800000, 0x2000000, "/boot/initrd.img");
	mb2_tag(14, rsdp1, sizeof(rsdp1));
	mb2_tag(8, "framebuf", 8);                 /* unknown tags are skipped */
	mb2_mmap(map, ARRAY_SIZE(map));
	mb2_tag(15, rsdp2, sizeof(rsdp2));
	mb2_tag(21, "\0\0\0\0", 4);
	paddr_t info = mb2_finish();

	ck_assert_int_eq(parse2(info), 0);
	ck_assert_uint_eq(bi.protocol, 2);
	ck_assert_str_eq(bi.cmdline, "console=com1 dom0_mem=512M");
	ck_assert_str_eq(bi.loader, "GRUB 2.06-13+deb12u1");
	ck_assert_uint_eq(bi.nr_modules, 2);
	ck_assert_uint_eq(bi.dropped_modules, 0);
	ck_assert_uint_eq(bi.modules[0].start, 0x1000000);
	ck_assert_uint_eq(bi.modules[0].end, 0x1800000);
	ck_assert_str_eq(bi.modules[0].cmdline, "/boot/vmlinuz root=/dev/sda1");
	ck_assert_uint_eq(bi.modules[1].start, 0x1800000);
	ck_assert_uint_eq(bi.modules[1].end, 0x2000000);
	ck_assert_str_eq(bi.modules[1].cmdline, "/boot/initrd.img");
	/* The ACPI 2.0 RSDP (tag 15) replaces the 1.0 one. */
	ck_assert(bi.have_rsdp);
	ck_assert_mem_eq(bi.rsdp, rsdp2, sizeof(rsdp2));
	CHECK_MAP({ 0, 0x9fc00, MEM_RAM }, { 0xf0000, 0x10000, MEM_RESERVED },
		  { 0x100000, 0x3ff00000, MEM_RAM }, { 0x40000000, 0x10000, MEM_ACPI },
		  { 0x40010000, 0x1000, MEM_NVS }, { 0x80000000, 0x1000, MEM_UNUSABLE },
		  { 0xc0000000, 0x1000, MEM_RESERVED },
		  { 0x100000000, 0x40000000, MEM_RAM });
}
END_TEST

START_TEST(test_mb2_acpi_order)
{
	uint8_t rsdp1[20], rsdp2[36];
	memset(rsdp1, 0x11, sizeof(rsdp1));
	memset(rsdp2, 0x22, sizeof(rsdp2));

	/* New first, old after: the new one stays. */
	mb2_begin();
	mb2_meminfo(0, 1024);
	mb2_tag(15, rsdp2, sizeof(rsdp2));
	mb2_tag(14, rsdp1, sizeof(rsdp1));
	ck_assert_int_eq(parse2(mb2_finish()), 0);
	ck_assert(bi.have_rsdp);
	ck_assert_mem_eq(bi.rsdp, rsdp2, sizeof(rsdp2));

	/* Only the old one: its 20 bytes, the rest zero. */
	mb2_begin();
	mb2_meminfo(0, 1024);
	mb2_tag(14, rsdp1, sizeof(rsdp1));
	ck_assert_int_eq(parse2(mb2_finish()), 0);
	ck_assert(bi.have_rsdp);
	ck_assert_mem_eq(bi.rsdp, rsdp1, sizeof(rsdp1));
	static const uint8_t zero[16];
	ck_assert_mem_eq(bi.rsdp + 20, zero, 16);

	/* A tag too short to hold an RSDP is not taken as one. */
	mb2_begin();
	mb2_meminfo(0, 1024);
	mb2_tag(14, rsdp1, 12);
	ck_assert_int_eq(parse2(mb2_finish()), 0);
	ck_assert(!bi.have_rsdp);
}
END_TEST

START_TEST(test_mb2_meminfo_only)
{
	mb2_begin();
	mb2_meminfo(639, 130048);
	ck_assert_int_eq(parse2(mb2_finish()), 0);
	CHECK_MAP({ 0, 639 * 1024, MEM_RAM }, { 0x100000, 130048ull * 1024, MEM_RAM });
	ck_assert_str_eq(bi.cmdline, "");
	ck_assert_str_eq(bi.loader, "");
	ck_assert_uint_eq(bi.nr_modules, 0);

	/* Neither map nor meminfo: no way to know the memory. */
	mb2_begin();
	mb2_str(1, "x");
	ck_assert_int_eq(parse2(mb2_finish()), -1);

	/* A map whose entry size is too small does not count as a map. */
	mb2_begin();
	uint32_t bad[4] = { 16, 0, 0, 0 };
	mb2_tag(6, bad, sizeof(bad));
	ck_assert_int_eq(parse2(mb2_finish()), -1);
}
END_TEST

START_TEST(test_mb2_no_end_tag)
{
	/* Tags simply run to total_size. */
	mb2_begin();
	mb2_str(1, "abc");
	mb2_meminfo(0, 2048);
	ck_assert_int_eq(parse2(mb2_finish_len(stage_len, (uint32_t)stage_len)), 0);
	ck_assert_str_eq(bi.cmdline, "abc");
	CHECK_MAP({ 0x100000, 0x200000, MEM_RAM });

	/* Tags after the end tag are ignored. */
	mb2_begin();
	mb2_meminfo(0, 2048);
	mb2_tag(0, NULL, 0);
	mb2_str(1, "after-end");
	ck_assert_int_eq(parse2(mb2_finish_len(stage_len, (uint32_t)stage_len)), 0);
	ck_assert_str_eq(bi.cmdline, "");
}
END_TEST

START_TEST(test_mb2_malformed)
{
	/* Tag size 0 (would loop forever) and below the 8-byte header. */
	mb2_begin();
	mb2_meminfo(0, 1024);
	mb2_tag_sized(1, 0, "abc", 4);
	ck_assert_int_eq(parse2(mb2_finish()), -1);
	mb2_begin();
	mb2_tag_sized(1, 4, "abc", 4);
	ck_assert_int_eq(parse2(mb2_finish()), -1);

	/* A tag claiming to run past total_size. */
	mb2_begin();
	mb2_meminfo(0, 1024);
	mb2_tag_sized(1, 4096, "abc", 4);
	ck_assert_int_eq(parse2(mb2_finish()), -1);

	/* total_size absurd: rejected before reading any tag. The buffers
	 * hold only the 8-byte header, so any tag read is an ASan error. */
	mb2_begin();
	ck_assert_int_eq(parse2(mb2_finish_len(8, 0xffffffffu)), -1);
	ck_assert_int_eq(parse2(mb2_finish_len(8, (64u << 20) + 8)), -1);
	ck_assert_int_eq(parse2(mb2_finish_len(8, 8)), -1);
	ck_assert_int_eq(parse2(mb2_finish_len(8, 0)), -1);
	ck_assert_int_eq(parse2(mb2_finish_len(8, 15)), -1);
}
END_TEST

START_TEST(test_mb2_too_many_modules)
{
	enum { N = BOOT_MAX_MODULES + 3 };
	mb2_begin();
	mb2_meminfo(0, 1024);
	for (unsigned i = 0; i < N; i++) {
		char s[16];
		snprintf(s, sizeof(s), "m%u", i);
		mb2_module(0x1000000 + i * 0x10000, 0x1000000 + i * 0x10000 + 0x100, s);
	}
	ck_assert_int_eq(parse2(mb2_finish()), 0);
	ck_assert_uint_eq(bi.nr_modules, BOOT_MAX_MODULES);
	ck_assert_uint_eq(bi.dropped_modules, 3);
	ck_assert_str_eq(bi.modules[0].cmdline, "m0");
	ck_assert_str_eq(bi.modules[15].cmdline, "m15");
	ck_assert_uint_eq(bi.modules[15].end, 0x1000000 + 15 * 0x10000 + 0x100);
}
END_TEST

START_TEST(test_mb2_long_strings)
{
	char s[1500];
	memset(s, 'q', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	mb2_begin();
	mb2_meminfo(0, 1024);
	mb2_str(1, s);
	mb2_str(2, s);
	mb2_module(0x100000, 0x200000, s);
	ck_assert_int_eq(parse2(mb2_finish()), 0);
	ck_assert_uint_eq(strnlen(bi.cmdline, sizeof(bi.cmdline)), BOOT_STRING_MAX - 1);
	ck_assert_uint_eq(strnlen(bi.loader, sizeof(bi.loader)), sizeof(bi.loader) - 1);
	ck_assert_uint_eq(strnlen(bi.modules[0].cmdline, BOOT_STRING_MAX), BOOT_STRING_MAX - 1);
	ck_assert(memcmp(bi.modules[0].cmdline, s, BOOT_STRING_MAX - 1) == 0);
}
END_TEST

/*
 * Regression test (fixed bug) (arch/x86/boot/multiboot.c parse_mb2, MB2_TAG_MMAP): the entry
 * size m[0] is read before checking t->size >= 16, so an 8-byte mmap tag at
 * the end of the info block reads 4 bytes past total_size (ASan:
 * heap-buffer-overflow). Fix: test t->size < 16 before reading m[0].
 */
START_TEST(test_mb2_short_mmap_tag_in_bounds)
{
	mb2_begin();
	mb2_meminfo(0, 1024);
	mb2_tag(6, NULL, 0);        /* size 8, last thing in the block */
	ck_assert_int_eq(parse2(mb2_finish_len(stage_len, (uint32_t)stage_len)), 0);
	CHECK_MAP({ 0x100000, 0x100000, MEM_RAM });
}
END_TEST

/*
 * Regression test (fixed bug) (arch/x86/boot/multiboot.c parse_mb2, CMDLINE/LOADER/MODULE):
 * the strings are copied with copy_str(), bounded only by the destination
 * size, not by the tag: a string that is not NUL-terminated inside its tag
 * is read on into the following tags and past total_size (ASan:
 * heap-buffer-overflow). A 16-byte module tag (no string at all) reads past
 * the tag the same way. Fix: pass the tag's remaining length to copy_str
 * and stop at it (an unterminated string is truncated there).
 */
START_TEST(test_mb2_unterminated_string_in_bounds)
{
	mb2_begin();
	mb2_meminfo(0, 1024);
	size_t tag = stage_len;
	mb2_tag(1, "abcde", 5);     /* no NUL */
	/* The block ends right after the string: 8 + 8 + 16 + 8 + 5 bytes. */
	ck_assert_int_eq(parse2(mb2_finish_len(tag + 13, (uint32_t)(tag + 13))), 0);
	ck_assert_str_eq(bi.cmdline, "abcde");
}
END_TEST

START_TEST(test_mb2_module_without_string_in_bounds)
{
	mb2_begin();
	mb2_meminfo(0, 1024);
	uint32_t m[2] = { 0x100000, 0x200000 };
	mb2_tag(3, m, sizeof(m));   /* size 16: no string bytes */
	ck_assert_int_eq(parse2(mb2_finish_len(stage_len, (uint32_t)stage_len)), 0);
	ck_assert_uint_eq(bi.nr_modules, 1);
	ck_assert_str_eq(bi.modules[0].cmdline, "");
}
END_TEST

static Suite *multiboot_suite(void)
{
	Suite *s = suite_create("multiboot");
	TCase *t1 = tcase_create("mb1");
	TCase *t2 = tcase_create("mb2");

	tcase_add_checked_fixture(t1, setup, teardown);
	tcase_add_test(t1, test_mb1_mmap);
	tcase_add_test(t1, test_mb1_mmap_malformed_entry_stops);
	tcase_add_test(t1, test_mb1_mem_only);
	tcase_add_test(t1, test_mb1_no_memory_info);
	tcase_add_test(t1, test_mb1_modules);
	tcase_add_test(t1, test_mb1_too_many_modules);
	tcase_add_test(t1, test_mb1_long_strings);
	tcase_add_test(t1, test_unknown_magic);
	tcase_add_exit_test(t1, test_guard_page_faults, 1);
	suite_add_tcase(s, t1);

	tcase_add_checked_fixture(t2, setup, mb2_teardown);
	tcase_add_test(t2, test_mb2_full);
	tcase_add_test(t2, test_mb2_acpi_order);
	tcase_add_test(t2, test_mb2_meminfo_only);
	tcase_add_test(t2, test_mb2_no_end_tag);
	tcase_add_test(t2, test_mb2_malformed);
	tcase_add_test(t2, test_mb2_too_many_modules);
	tcase_add_test(t2, test_mb2_long_strings);
	tcase_add_test(t2, test_mb2_short_mmap_tag_in_bounds);
	tcase_add_test(t2, test_mb2_unterminated_string_in_bounds);
	tcase_add_test(t2, test_mb2_module_without_string_in_bounds);
	suite_add_tcase(s, t2);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(multiboot_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
