/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dom0 kernel image: format identification, decompression, ELF64
 * validation and segment loading. The Xen ELF notes and the address rules
 * that depend on them are in xen_elfnote.c.
 *
 * Every field read from the image goes through the rd*() helpers with an
 * offset that has been checked against the image size first; offsets and
 * sizes are 64-bit and every addition is checked for overflow, because the
 * image is untrusted input (it may have been corrupted on the way, and a
 * boot loader bug should produce a message, not a hypervisor fault).
 */
#include <mica/kernel_image.h>
#include <mica/kernel_image_internal.h>
#include <mica/string.h>

/* ELF constants (System V ABI, x86-64 supplement). */
#define EI_NIDENT     16
#define ELFCLASS64    2
#define ELFDATA2LSB   1
#define EV_CURRENT    1
#define ET_EXEC       2
#define ET_DYN        3
#define EM_X86_64     62
#define PT_LOAD       1
#define PT_NOTE       4
#define PF_MASK       7       /* PF_X | PF_W | PF_R */
#define PN_XNUM       0xffff
#define EHDR_SIZE     64
#define PHDR_SIZE     56
#define SHDR_SIZE     64

/* Linux x86 boot protocol (Documentation/x86/boot.rst). */
#define BZ_SETUP_SECTS    0x1f1
#define BZ_HEADER         0x202   /* "HdrS" */
#define BZ_VERSION        0x206
#define BZ_PAYLOAD_OFFSET 0x248
#define BZ_PAYLOAD_LENGTH 0x24c
#define BZ_MIN_HDR        0x250
#define BZ_MIN_VERSION    0x0208  /* first with payload_offset/length */

uint16_t kimg_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

uint32_t kimg_rd32(const uint8_t *p)
{
	return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

uint64_t kimg_rd64(const uint8_t *p)
{
	return kimg_rd32(p) | ((uint64_t)kimg_rd32(p + 4) << 32);
}

/* True if [off, off + len) lies inside a buffer of 'size' bytes. */
bool kimg_range_ok(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

enum kimg_err kimg_fail(struct kernel_image *k, enum kimg_err code,
			uint32_t index)
{
	memset(&k->err, 0, sizeof(k->err));
	k->err.code = code;
	k->err.index = index;
	return code;
}

static const uint8_t elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

static bool is_bzimage(const uint8_t *p, size_t len)
{
	return len >= BZ_MIN_HDR && memcmp(p + BZ_HEADER, "HdrS", 4) == 0;
}

enum kimg_err kimg_identify(struct kernel_image *k, const void *module,
			    size_t len)
{
	const uint8_t *p = module;

	memset(k, 0, sizeof(*k));
	k->module = p;
	k->module_len = len;

	if (len >= 4 && memcmp(p, elf_magic, 4) == 0) {
		k->format = KIMG_FMT_ELF;
		k->comp = KIMG_COMP_NONE;
		k->payload = p;
		k->payload_len = len;
		k->size_hint = len;
		return KIMG_OK;
	}
	if (gzip_is_gzip(p, len)) {
		uint32_t isize = 0;

		k->format = KIMG_FMT_GZIP;
		k->comp = KIMG_COMP_GZIP;
		k->payload = p;
		k->payload_len = len;
		if (gzip_isize(p, len, &isize))
			k->size_hint = isize;
		return KIMG_OK;
	}
	if (xz_is_xz(p, len)) {
		uint64_t size;

		k->format = KIMG_FMT_XZ;
		k->comp = KIMG_COMP_XZ;
		k->payload = p;
		k->payload_len = len;
		if (xz_uncompressed_size(p, len, &size) == XZ_OK)
			k->size_hint = size;
		return KIMG_OK;
	}
	if (is_bzimage(p, len)) {
		uint64_t setup, off, plen;

		k->format = KIMG_FMT_BZIMAGE;
		k->boot_protocol = kimg_rd16(p + BZ_VERSION);
		if (k->boot_protocol < BZ_MIN_VERSION)
			return kimg_fail(k, KIMG_ERR_BZ_PROTOCOL, 0);
		/* setup_sects == 0 means 4 for historical reasons; the
		 * protected-mode part starts after the boot sector and the
		 * setup sectors, and payload_offset counts from there. */
		setup = p[BZ_SETUP_SECTS] ? p[BZ_SETUP_SECTS] : 4;
		setup = (setup + 1) * 512;
		if (setup > len)
			return kimg_fail(k, KIMG_ERR_BZ_TRUNCATED, 0);
		off = setup + kimg_rd32(p + BZ_PAYLOAD_OFFSET);
		plen = kimg_rd32(p + BZ_PAYLOAD_LENGTH);
		if (!kimg_range_ok(off, plen, len)) {
			kimg_fail(k, KIMG_ERR_BZ_PAYLOAD_RANGE, 0);
			k->err.value = off;
			return KIMG_ERR_BZ_PAYLOAD_RANGE;
		}
		k->payload = p + off;
		k->payload_len = (size_t)plen;
		if (gzip_is_gzip(k->payload, k->payload_len))
			k->comp = KIMG_COMP_GZIP;
		else if (xz_is_xz(k->payload, k->payload_len))
			k->comp = KIMG_COMP_XZ;
		else
			return kimg_fail(k, KIMG_ERR_BZ_PAYLOAD_FORMAT, 0);
		/* Linux's build leaves the decompressed size in the last four
		 * payload bytes for every compressor (gzip's ISIZE, appended
		 * explicitly for xz). */
		if (plen >= 4)
			k->size_hint = kimg_rd32(k->payload + plen - 4);
		return KIMG_OK;
	}
	return kimg_fail(k, KIMG_ERR_UNKNOWN_FORMAT, 0);
}

enum kimg_err kimg_unwrap(struct kernel_image *k, union kimg_work *work,
			  void *buf, size_t cap)
{
	size_t used = 0, out_len = 0;

	if (k->comp == KIMG_COMP_NONE) {
		if (!k->payload)
			return kimg_fail(k, KIMG_ERR_UNKNOWN_FORMAT, 0);
		kimg_set_elf(k, k->payload, k->payload_len);
		return KIMG_OK;
	}
	if (k->size_hint > cap) {
		kimg_fail(k, KIMG_ERR_BUFFER_TOO_SMALL, 0);
		k->err.value = k->size_hint;
		return KIMG_ERR_BUFFER_TOO_SMALL;
	}
	if (k->comp == KIMG_COMP_GZIP) {
		enum inflate_status s;

		s = gzip_decompress(&work->inflate, k->payload, k->payload_len,
				    &used, buf, cap, &out_len);
		if (s == INFLATE_OUTPUT_TOO_SMALL)
			return kimg_fail(k, KIMG_ERR_BUFFER_TOO_SMALL, 0);
		if (s != INFLATE_OK) {
			kimg_fail(k, KIMG_ERR_DECOMPRESS, 0);
			k->err.sub = (int)s;
			return KIMG_ERR_DECOMPRESS;
		}
	} else {
		enum xz_status s;
		/* A bare .xz file may hold several streams; a bzImage
		 * payload is one stream followed by the size word. */
		unsigned flags = k->format == KIMG_FMT_XZ ? XZ_FLAG_CONCAT : 0;

		s = xz_decode(&work->xz, k->payload, k->payload_len, &used,
			      buf, cap, &out_len, flags);
		if (s == XZ_OUTPUT_TOO_SMALL)
			return kimg_fail(k, KIMG_ERR_BUFFER_TOO_SMALL, 0);
		if (s != XZ_OK) {
			kimg_fail(k, KIMG_ERR_DECOMPRESS, 0);
			k->err.sub = (int)s;
			return KIMG_ERR_DECOMPRESS;
		}
	}
	kimg_set_elf(k, buf, out_len);
	return KIMG_OK;
}

void kimg_set_elf(struct kernel_image *k, const void *elf, size_t len)
{
	k->elf = elf;
	k->elf_len = len;
	k->parsed = false;
	k->nr_segments = 0;
}

/* Header checks; leaves the table geometry in the out parameters. */
static enum kimg_err check_ehdr(struct kernel_image *k, uint64_t *phoff,
				unsigned *phnum)
{
	const uint8_t *e = k->elf;
	uint64_t size = k->elf_len, shoff;
	unsigned phentsize, shentsize, shnum;

	if (size < 4 || memcmp(e, elf_magic, 4) != 0)
		return kimg_fail(k, size < 4 ? KIMG_ERR_ELF_TRUNCATED
					     : KIMG_ERR_ELF_MAGIC, 0);
	if (size < EHDR_SIZE)
		return kimg_fail(k, KIMG_ERR_ELF_TRUNCATED, 0);
	if (e[4] != ELFCLASS64)
		return kimg_fail(k, KIMG_ERR_ELF_CLASS, 0);
	if (e[5] != ELFDATA2LSB)
		return kimg_fail(k, KIMG_ERR_ELF_DATA, 0);
	if (e[6] != EV_CURRENT || kimg_rd32(e + 20) != EV_CURRENT)
		return kimg_fail(k, KIMG_ERR_ELF_VERSION, 0);
	k->e_type = kimg_rd16(e + 16);
	if (k->e_type != ET_EXEC && k->e_type != ET_DYN)
		return kimg_fail(k, KIMG_ERR_ELF_TYPE, 0);
	if (kimg_rd16(e + 18) != EM_X86_64)
		return kimg_fail(k, KIMG_ERR_ELF_MACHINE, 0);
	k->e_entry = kimg_rd64(e + 24);

	*phoff = kimg_rd64(e + 32);
	phentsize = kimg_rd16(e + 54);
	*phnum = kimg_rd16(e + 56);
	if (*phnum == 0 || *phnum == PN_XNUM || phentsize != PHDR_SIZE ||
	    !kimg_range_ok(*phoff, (uint64_t)*phnum * PHDR_SIZE, size))
		return kimg_fail(k, KIMG_ERR_ELF_PHDR_TABLE, 0);

	/* Section headers are optional, but if present must be sane since
	 * the note fallback and the NOLOAD rule read them. */
	shoff = kimg_rd64(e + 40);
	shentsize = kimg_rd16(e + 58);
	shnum = kimg_rd16(e + 60);
	if (shoff != 0 && shnum != 0 &&
	    (shentsize != SHDR_SIZE ||
	     !kimg_range_ok(shoff, (uint64_t)shnum * SHDR_SIZE, size)))
		return kimg_fail(k, KIMG_ERR_ELF_SHDR_TABLE, 0);
	return KIMG_OK;
}

static enum kimg_err phdr_fail(struct kernel_image *k, enum kimg_err e,
			       unsigned i, uint64_t value)
{
	kimg_fail(k, e, i);
	k->err.value = value;
	return e;
}

/* Validate every program header and collect the loadable ones. */
static enum kimg_err collect_segments(struct kernel_image *k, uint64_t phoff,
				      unsigned phnum)
{
	unsigned i, j;

	k->nr_segments = 0;
	k->pstart = UINT64_MAX;
	k->pend = 0;
	for (i = 0; i < phnum; i++) {
		const uint8_t *ph = k->elf + phoff + (uint64_t)i * PHDR_SIZE;
		uint32_t type = kimg_rd32(ph), flags = kimg_rd32(ph + 4);
		struct kimg_segment s;

		s.offset = kimg_rd64(ph + 8);
		s.vaddr = kimg_rd64(ph + 16);
		s.paddr = kimg_rd64(ph + 24);
		s.filesz = kimg_rd64(ph + 32);
		s.memsz = kimg_rd64(ph + 40);
		s.flags = flags;
		s.phdr = (uint16_t)i;

		/* Xen skips note headers with a zero offset (an old binutils
		 * quirk); only check what is going to be read. */
		if (type == PT_NOTE && s.offset == 0)
			continue;
		if ((type == PT_LOAD || type == PT_NOTE) &&
		    !kimg_range_ok(s.offset, s.filesz, k->elf_len))
			return phdr_fail(k, KIMG_ERR_PHDR_RANGE, i, s.offset);
		/* Xen loads PT_LOAD headers with any of R/W/X set. */
		if (type != PT_LOAD || !(flags & PF_MASK))
			continue;
		if (s.filesz > s.memsz)
			return phdr_fail(k, KIMG_ERR_PHDR_FILESZ, i, s.filesz);
		if (s.paddr + s.memsz < s.paddr ||
		    s.vaddr + s.memsz < s.vaddr)
			return phdr_fail(k, KIMG_ERR_PHDR_WRAP, i, s.paddr);
		if (k->nr_segments == KIMG_MAX_SEGMENTS)
			return kimg_fail(k, KIMG_ERR_TOO_MANY_SEGMENTS, i);

		/* Segments are copied by physical address; two that
		 * overlap would overwrite each other. */
		for (j = 0; j < k->nr_segments; j++) {
			const struct kimg_segment *o = &k->seg[j];

			if (s.memsz && o->memsz &&
			    s.paddr < o->paddr + o->memsz &&
			    o->paddr < s.paddr + s.memsz) {
				kimg_fail(k, KIMG_ERR_PHDR_OVERLAP, o->phdr);
				k->err.index2 = i;
				return KIMG_ERR_PHDR_OVERLAP;
			}
		}
		k->seg[k->nr_segments++] = s;
		if (s.paddr < k->pstart)
			k->pstart = s.paddr;
		if (s.paddr + s.memsz > k->pend)
			k->pend = s.paddr + s.memsz;
	}
	if (k->nr_segments == 0)
		return kimg_fail(k, KIMG_ERR_NO_SEGMENTS, 0);
	return KIMG_OK;
}

enum kimg_err kimg_parse_elf(struct kernel_image *k)
{
	uint64_t phoff;
	unsigned phnum;
	enum kimg_err e;

	k->parsed = false;
	memset(&k->err, 0, sizeof(k->err));
	if (!k->elf)
		return kimg_fail(k, KIMG_ERR_NOT_PARSED, 0);
	e = check_ehdr(k, &phoff, &phnum);
	if (e == KIMG_OK)
		e = collect_segments(k, phoff, phnum);
	if (e == KIMG_OK)
		e = kimg_parse_xen_notes(k, phoff, phnum);
	if (e == KIMG_OK)
		e = kimg_xen_layout(k);
	if (e == KIMG_OK)
		k->parsed = true;
	return e;
}

/* Copy (src != NULL) or zero 'len' bytes at guest address va. */
static enum kimg_err put_range(struct kernel_image *k, kimg_map_fn map,
			       void *ctx, uint64_t va, const uint8_t *src,
			       uint64_t len, unsigned phdr)
{
	while (len) {
		uint64_t avail = 0;
		uint8_t *dst = map(ctx, va, len, &avail);

		if (!dst || avail == 0 || avail > len) {
			kimg_fail(k, KIMG_ERR_MAP, phdr);
			k->err.value = va;
			return KIMG_ERR_MAP;
		}
		if (src) {
			memcpy(dst, src, (size_t)avail);
			src += avail;
		} else {
			memset(dst, 0, (size_t)avail);
		}
		va += avail;
		len -= avail;
	}
	return KIMG_OK;
}

enum kimg_err kimg_load(struct kernel_image *k, kimg_map_fn map, void *ctx)
{
	unsigned i;

	if (!k->parsed)
		return kimg_fail(k, KIMG_ERR_NOT_PARSED, 0);
	for (i = 0; i < k->nr_segments; i++) {
		const struct kimg_segment *s = &k->seg[i];
		/* Xen's rule: physical address plus the note-derived offset
		 * (for Linux this equals the segment's vaddr). */
		uint64_t va = s->paddr + k->xen.virt_offset;
		enum kimg_err e;

		e = put_range(k, map, ctx, va, k->elf + s->offset, s->filesz,
			      s->phdr);
		if (e == KIMG_OK)
			e = put_range(k, map, ctx, va + s->filesz, NULL,
				      s->memsz - s->filesz, s->phdr);
		if (e != KIMG_OK)
			return e;
	}
	return KIMG_OK;
}

const char *kimg_strerror(enum kimg_err e)
{
	switch (e) {
	case KIMG_OK: return "ok";
	case KIMG_ERR_UNKNOWN_FORMAT:
		return "module 0 is not an ELF, gzip, xz or bzImage kernel";
	case KIMG_ERR_BZ_TRUNCATED:
		return "bzImage is shorter than its setup header says";
	case KIMG_ERR_BZ_PROTOCOL:
		return "bzImage boot protocol is older than 2.08";
	case KIMG_ERR_BZ_PAYLOAD_RANGE:
		return "bzImage payload lies outside the image";
	case KIMG_ERR_BZ_PAYLOAD_FORMAT:
		return "bzImage payload is neither gzip nor xz";
	case KIMG_ERR_DECOMPRESS: return "decompressing the kernel failed";
	case KIMG_ERR_BUFFER_TOO_SMALL:
		return "buffer too small for the decompressed kernel";
	case KIMG_ERR_ELF_TRUNCATED:
		return "image is smaller than an ELF64 header";
	case KIMG_ERR_ELF_MAGIC: return "not an ELF image";
	case KIMG_ERR_ELF_CLASS: return "ELF image is not 64-bit";
	case KIMG_ERR_ELF_DATA: return "ELF image is not little-endian";
	case KIMG_ERR_ELF_VERSION: return "ELF version is not 1";
	case KIMG_ERR_ELF_MACHINE: return "ELF image is not for x86-64";
	case KIMG_ERR_ELF_TYPE: return "ELF image is not an executable";
	case KIMG_ERR_ELF_PHDR_TABLE:
		return "program header table is malformed or past end of image";
	case KIMG_ERR_ELF_SHDR_TABLE:
		return "section header table is malformed or past end of image";
	case KIMG_ERR_PHDR_RANGE:
		return "program header extends past end of image";
	case KIMG_ERR_PHDR_FILESZ:
		return "program header has filesz larger than memsz";
	case KIMG_ERR_PHDR_WRAP:
		return "program header address range wraps around";
	case KIMG_ERR_PHDR_OVERLAP: return "loadable segments overlap";
	case KIMG_ERR_TOO_MANY_SEGMENTS: return "too many loadable segments";
	case KIMG_ERR_NO_SEGMENTS: return "no loadable segments";
	case KIMG_ERR_SHDR_RANGE:
		return "note section extends past end of image";
	case KIMG_ERR_NOTE_MALFORMED: return "malformed ELF note";
	case KIMG_ERR_NOTE_TOO_MANY: return "too many ELF notes";
	case KIMG_ERR_NOTE_SIZE: return "Xen ELF note has an unusable size";
	case KIMG_ERR_FEATURE_UNKNOWN:
		return "Xen FEATURES note requires an unknown feature";
	case KIMG_ERR_NO_XEN_NOTES:
		return "not a Xen PV kernel: no Xen ELF notes";
	case KIMG_ERR_NOT_LINUX_OR_GENERIC:
		return "kernel is neither for the generic loader nor Linux";
	case KIMG_ERR_XEN_VERSION: return "kernel is not built for xen-3.0";
	case KIMG_ERR_PADDR_NO_VIRT_BASE:
		return "PADDR_OFFSET note given without VIRT_BASE";
	case KIMG_ERR_ADDR_BOUNDS:
		return "kernel start, end or entry out of bounds";
	case KIMG_ERR_P2M_BOUNDS:
		return "INIT_P2M address lies inside the kernel";
	case KIMG_ERR_HYPERCALL_BOUNDS:
		return "HYPERCALL_PAGE is not a page inside the kernel";
	case KIMG_ERR_FEATURE_REQUIRED:
		return "kernel requires a feature Mica does not offer";
	case KIMG_ERR_NOT_DOM0_CAPABLE:
		return "kernel does not support dom0 operation";
	case KIMG_ERR_NOT_PARSED: return "no parsed ELF image";
	case KIMG_ERR_MAP:
		return "cannot map guest memory for a kernel segment";
	}
	return "unknown kernel image error";
}

/* Minimal bounded string builder for kimg_describe() (no printf here). */
struct sbuf {
	char *p;
	size_t len, pos;
};

static void sb_str(struct sbuf *b, const char *s)
{
	while (*s && b->pos + 1 < b->len)
		b->p[b->pos++] = *s++;
	b->p[b->pos] = 0;
}

static void sb_num(struct sbuf *b, uint64_t v, unsigned base)
{
	char tmp[24];
	int n = 0;

	if (base == 16)
		sb_str(b, "0x");
	do {
		unsigned d = (unsigned)(v % base);

		tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v);
	while (n--) {
		char c[2] = { tmp[n], 0 };

		sb_str(b, c);
	}
}

static const char *const note_names[KIMG_NOTE_MAX + 1] = {
	"INFO", "ENTRY", "HYPERCALL_PAGE", "VIRT_BASE", "PADDR_OFFSET",
	"XEN_VERSION", "GUEST_OS", "GUEST_VERSION", "LOADER", "PAE_MODE",
	"FEATURES", "BSD_SYMTAB", "HV_START_LOW", "L1_MFN_VALID",
	"SUSPEND_CANCEL", "INIT_P2M", "MOD_START_PFN", "SUPPORTED_FEATURES",
	"PHYS32_ENTRY",
};

static void sb_where(struct sbuf *b, const struct kimg_error *e)
{
	sb_str(b, e->section ? "section " : "program header ");
	sb_num(b, e->index, 10);
}

const char *kimg_describe(const struct kernel_image *k, char *buf,
			  size_t len)
{
	const struct kimg_error *e = &k->err;
	struct sbuf b = { buf, len, 0 };

	if (!len)
		return buf;
	buf[0] = 0;
	switch (e->code) {
	case KIMG_ERR_PHDR_RANGE:
		sb_where(&b, e);
		sb_str(&b, " extends past end of image");
		break;
	case KIMG_ERR_PHDR_FILESZ:
		sb_where(&b, e);
		sb_str(&b, " has filesz larger than memsz");
		break;
	case KIMG_ERR_PHDR_WRAP:
		sb_where(&b, e);
		sb_str(&b, " address range wraps around");
		break;
	case KIMG_ERR_PHDR_OVERLAP:
		sb_str(&b, "program headers ");
		sb_num(&b, e->index, 10);
		sb_str(&b, " and ");
		sb_num(&b, e->index2, 10);
		sb_str(&b, " overlap");
		break;
	case KIMG_ERR_TOO_MANY_SEGMENTS:
		sb_str(&b, "program header ");
		sb_num(&b, e->index, 10);
		sb_str(&b, " exceeds the limit of ");
		sb_num(&b, KIMG_MAX_SEGMENTS, 10);
		sb_str(&b, " loadable segments");
		break;
	case KIMG_ERR_SHDR_RANGE:
		sb_where(&b, e);
		sb_str(&b, " (notes) extends past end of image");
		break;
	case KIMG_ERR_NOTE_MALFORMED:
		sb_str(&b, "malformed ELF note at offset ");
		sb_num(&b, e->value, 16);
		sb_str(&b, " in ");
		sb_where(&b, e);
		break;
	case KIMG_ERR_NOTE_TOO_MANY:
		sb_str(&b, "more than ");
		sb_num(&b, KIMG_MAX_NOTES, 10);
		sb_str(&b, " ELF notes");
		break;
	case KIMG_ERR_NOTE_SIZE:
		sb_str(&b, "Xen note ");
		sb_str(&b, e->note <= KIMG_NOTE_MAX ? note_names[e->note] : "?");
		sb_str(&b, " (");
		sb_num(&b, e->note, 10);
		sb_str(&b, ") in ");
		sb_where(&b, e);
		sb_str(&b, " has unusable size ");
		sb_num(&b, e->value, 10);
		break;
	case KIMG_ERR_FEATURE_UNKNOWN:
		sb_str(&b, "Xen FEATURES note requires unknown feature '");
		sb_str(&b, e->name);
		sb_str(&b, "'");
		break;
	case KIMG_ERR_FEATURE_REQUIRED:
		sb_str(&b, "kernel requires feature '");
		sb_str(&b, e->name);
		sb_str(&b, "' (XENFEAT ");
		sb_num(&b, e->index, 10);
		sb_str(&b, "), which Mica does not offer");
		break;
	case KIMG_ERR_DECOMPRESS:
		sb_str(&b, "decompressing the ");
		sb_str(&b, k->comp == KIMG_COMP_GZIP ? "gzip" : "xz");
		sb_str(&b, " kernel failed: ");
		sb_str(&b, k->comp == KIMG_COMP_GZIP
			   ? inflate_status_str((enum inflate_status)e->sub)
			   : xz_status_str((enum xz_status)e->sub));
		break;
	case KIMG_ERR_BUFFER_TOO_SMALL:
	case KIMG_ERR_BZ_PAYLOAD_RANGE:
	case KIMG_ERR_ADDR_BOUNDS:
	case KIMG_ERR_P2M_BOUNDS:
	case KIMG_ERR_HYPERCALL_BOUNDS:
	case KIMG_ERR_MAP:
		sb_str(&b, kimg_strerror(e->code));
		if (e->value) {
			sb_str(&b, " (");
			sb_num(&b, e->value, 16);
			sb_str(&b, ")");
		}
		break;
	default:
		sb_str(&b, kimg_strerror(e->code));
		break;
	}
	return buf;
}
