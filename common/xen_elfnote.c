/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Xen ELF notes of a PV kernel, and the layout rules Xen derives from them.
 *
 * A PV kernel describes itself to the domain builder with ELF notes named
 * "Xen" (xen/include/public/elfnote.h): entry point, hypercall page, the
 * virtual base of its mapping, which XENFEAT features it needs or handles,
 * and so on. To be a drop-in for Xen we read them with Xen's rules
 * (xen/common/libelf/libelf-dominfo.c):
 *  - notes come from PT_NOTE program headers (those with a zero file
 *    offset are skipped); only if none held a Xen note are SHT_NOTE
 *    sections tried;
 *  - a later note of the same type overrides an earlier one;
 *  - GUEST_OS must start with "linux" or LOADER with "generic", and
 *    XEN_VERSION with "xen-3.0";
 *  - VIRT_BASE defaults to 0, PADDR_OFFSET to 0, and PADDR_OFFSET without
 *    VIRT_BASE is an error; the kernel's virtual span is the physical span
 *    of its loadable segments plus (VIRT_BASE - PADDR_OFFSET);
 *  - the entry is the ENTRY note, or e_entry; it must lie in that span,
 *    and VIRT_BASE may not be above its start;
 *  - FEATURES is a '|'-separated list of feature names, '!' marking a
 *    required one; SUPPORTED_FEATURES is a bitmap of further supported ones.
 * Where Xen would silently accept garbage (a numeric note with a size that
 * is not 1, 2, 4 or 8 reads as 0), we reject the image with a message
 * naming the note instead: it is easier to debug and no real kernel does it.
 */
#include <mica/kernel_image.h>
#include <mica/kernel_image_internal.h>
#include <mica/string.h>

#define PT_NOTE     4
#define SHT_NOTE    7
#define SHF_ALLOC   0x2
#define PHDR_SIZE   56
#define SHDR_SIZE   64
#define NOTE_HDR    12

static const char *const feature_names[KIMG_XENFEAT_NR] = {
	[KIMG_XENFEAT_writable_page_tables] = "writable_page_tables",
	[KIMG_XENFEAT_writable_descriptor_tables] =
		"writable_descriptor_tables",
	[KIMG_XENFEAT_auto_translated_physmap] = "auto_translated_physmap",
	[KIMG_XENFEAT_supervisor_mode_kernel] = "supervisor_mode_kernel",
	[KIMG_XENFEAT_pae_pgdir_above_4gb] = "pae_pgdir_above_4gb",
	[KIMG_XENFEAT_mmu_pt_update_preserve_ad] = "mmu_pt_update_preserve_ad",
	[KIMG_XENFEAT_highmem_assist] = "highmem_assist",
	[KIMG_XENFEAT_gnttab_map_avail_bits] = "gnttab_map_avail_bits",
	[KIMG_XENFEAT_hvm_callback_vector] = "hvm_callback_vector",
	[KIMG_XENFEAT_hvm_safe_pvclock] = "hvm_safe_pvclock",
	[KIMG_XENFEAT_hvm_pirqs] = "hvm_pirqs",
	[KIMG_XENFEAT_dom0] = "dom0",
	[KIMG_XENFEAT_grant_map_identity] = "grant_map_identity",
	[KIMG_XENFEAT_memory_op_vnode_supported] = "memory_op_vnode_supported",
	[KIMG_XENFEAT_ARM_SMCCC_supported] = "ARM_SMCCC_supported",
	[KIMG_XENFEAT_linux_rsdp_unrestricted] = "linux_rsdp_unrestricted",
	[KIMG_XENFEAT_not_direct_mapped] = "not_direct_mapped",
	[KIMG_XENFEAT_direct_mapped] = "direct_mapped",
};

const char *kimg_feature_name(unsigned bit)
{
	return bit < KIMG_XENFEAT_NR ? feature_names[bit] : NULL;
}

/* Copy a note string: up to the first NUL or the end of the descriptor
 * (Linux writes FEATURES with .ascii, without a terminator), truncated to
 * the field and always terminated. */
static void note_str(char *dst, const uint8_t *desc, uint32_t descsz)
{
	size_t n = 0;

	while (n < descsz && n < KIMG_STR_MAX - 1 && desc[n] != 0) {
		dst[n] = (char)desc[n];
		n++;
	}
	dst[n] = 0;
}

static enum kimg_err note_fail(struct kernel_image *k, enum kimg_err e,
			       unsigned where, bool section, uint32_t type,
			       uint64_t value)
{
	kimg_fail(k, e, where);
	k->err.section = section;
	k->err.note = type;
	k->err.value = value;
	return e;
}

static enum kimg_err parse_features(struct kernel_image *k,
				    const uint8_t *s, uint32_t len)
{
	uint32_t pos = 0;

	while (pos < len && s[pos] != 0) {
		uint32_t start = pos, n;
		bool required = false;
		unsigned bit;

		while (pos < len && s[pos] != 0 && s[pos] != '|')
			pos++;
		n = pos - start;
		if (pos < len && s[pos] == '|')
			pos++;
		if (n && s[start] == '!') {
			required = true;
			start++;
			n--;
		}
		if (n == 0)
			continue;
		for (bit = 0; bit < KIMG_XENFEAT_NR; bit++)
			if (strlen(feature_names[bit]) == n &&
			    memcmp(feature_names[bit], s + start, n) == 0)
				break;
		if (bit == KIMG_XENFEAT_NR) {
			/* Unknown optional features are ignored, as in Xen;
			 * an unknown required one means the kernel cannot
			 * run here. */
			if (required) {
				kimg_fail(k, KIMG_ERR_FEATURE_UNKNOWN, 0);
				k->err.note = XEN_ELFNOTE_FEATURES;
				note_str(k->err.name, s + start, n);
				return KIMG_ERR_FEATURE_UNKNOWN;
			}
			continue;
		}
		k->xen.f_supported |= 1u << bit;
		if (required)
			k->xen.f_required |= 1u << bit;
	}
	return KIMG_OK;
}

static bool numeric(const uint8_t *d, uint32_t sz, uint64_t *v)
{
	switch (sz) {
	case 1: *v = d[0]; return true;
	case 2: *v = kimg_rd16(d); return true;
	case 4: *v = kimg_rd32(d); return true;
	case 8: *v = kimg_rd64(d); return true;
	}
	return false;
}

static enum kimg_err parse_note(struct kernel_image *k, uint32_t type,
				const uint8_t *d, uint32_t sz,
				unsigned where, bool section)
{
	struct kimg_xen *x = &k->xen;
	uint64_t v = 0;

	if (type == 0 || type > KIMG_NOTE_MAX)
		return KIMG_OK; /* INFO and unknown notes are ignored */

	switch (type) {
	case XEN_ELFNOTE_XEN_VERSION:
		note_str(x->xen_version, d, sz);
		break;
	case XEN_ELFNOTE_GUEST_OS:
		note_str(x->guest_os, d, sz);
		break;
	case XEN_ELFNOTE_GUEST_VERSION:
		note_str(x->guest_version, d, sz);
		break;
	case XEN_ELFNOTE_LOADER:
		note_str(x->loader, d, sz);
		break;
	case XEN_ELFNOTE_PAE_MODE:
		note_str(x->pae_mode, d, sz);
		break;
	case XEN_ELFNOTE_BSD_SYMTAB: {
		char tmp[KIMG_STR_MAX];

		note_str(tmp, d, sz);
		x->bsd_symtab = strcmp(tmp, "yes") == 0;
		break;
	}
	case XEN_ELFNOTE_FEATURES: {
		enum kimg_err e = parse_features(k, d, sz);

		if (e != KIMG_OK) {
			k->err.index = where;
			k->err.section = section;
			return e;
		}
		break;
	}
	case XEN_ELFNOTE_SUPPORTED_FEATURES:
		/* An array of 32-bit bitmap words; only word 0 has
		 * defined bits. */
		if (sz < 4 || sz % 4)
			return note_fail(k, KIMG_ERR_NOTE_SIZE, where, section,
					 type, sz);
		x->supported_note = kimg_rd32(d);
		x->f_supported |= x->supported_note;
		break;
	case XEN_ELFNOTE_L1_MFN_VALID:
		/* Linux gives (mask, value) as two quads. */
		if (sz == 16) {
			x->l1_mfn_valid[0] = kimg_rd64(d);
			x->l1_mfn_valid[1] = kimg_rd64(d + 8);
		} else if (numeric(d, sz, &v)) {
			x->l1_mfn_valid[0] = v;
			x->l1_mfn_valid[1] = 0;
		} else {
			return note_fail(k, KIMG_ERR_NOTE_SIZE, where, section,
					 type, sz);
		}
		break;
	default:
		if (!numeric(d, sz, &v))
			return note_fail(k, KIMG_ERR_NOTE_SIZE, where, section,
					 type, sz);
		switch (type) {
		case XEN_ELFNOTE_ENTRY: x->entry = v; break;
		case XEN_ELFNOTE_HYPERCALL_PAGE: x->hypercall_page = v; break;
		case XEN_ELFNOTE_VIRT_BASE: x->virt_base = v; break;
		case XEN_ELFNOTE_PADDR_OFFSET: x->paddr_offset = v; break;
		case XEN_ELFNOTE_HV_START_LOW: x->hv_start_low = v; break;
		case XEN_ELFNOTE_SUSPEND_CANCEL: x->suspend_cancel = v; break;
		case XEN_ELFNOTE_INIT_P2M: x->init_p2m = v; break;
		case XEN_ELFNOTE_MOD_START_PFN:
			x->mod_start_pfn = v;
			x->unmapped_initrd = v != 0;
			break;
		case XEN_ELFNOTE_PHYS32_ENTRY: x->phys32_entry = v; break;
		}
		break;
	}
	x->notes_seen |= 1u << type;
	return KIMG_OK;
}

/*
 * Walk the notes in elf[off, off + len) (already range-checked). Notes are
 * padded to 4 bytes, or to 8 when the container asks for more alignment,
 * which is how current toolchains lay out 64-bit notes.
 */
static enum kimg_err walk_notes(struct kernel_image *k, uint64_t off,
				uint64_t len, uint64_t align, unsigned where,
				bool section, unsigned *count, unsigned *found)
{
	const uint8_t *base = k->elf + off;
	uint64_t a = align > 4 ? 8 : 4, pos = 0;

	while (pos < len) {
		uint32_t namesz, descsz, type;
		uint64_t desc, next;
		enum kimg_err e;

		if (len - pos < NOTE_HDR)
			return note_fail(k, KIMG_ERR_NOTE_MALFORMED, where,
					 section, 0, off + pos);
		namesz = kimg_rd32(base + pos);
		descsz = kimg_rd32(base + pos + 4);
		type = kimg_rd32(base + pos + 8);
		desc = pos + ALIGN_UP(NOTE_HDR + (uint64_t)namesz, a);
		if (desc > len || descsz > len - desc)
			return note_fail(k, KIMG_ERR_NOTE_MALFORMED, where,
					 section, type, off + pos);
		if (++*count > KIMG_MAX_NOTES)
			return note_fail(k, KIMG_ERR_NOTE_TOO_MANY, where,
					 section, type, *count);
		if (namesz == 4 && memcmp(base + pos + NOTE_HDR, "Xen", 4) == 0) {
			e = parse_note(k, type, base + desc, descsz, where,
				       section);
			if (e != KIMG_OK)
				return e;
			++*found;
		}
		next = desc + ALIGN_UP((uint64_t)descsz, a);
		pos = next; /* padding past the end just ends the walk */
	}
	return KIMG_OK;
}

enum kimg_err kimg_parse_xen_notes(struct kernel_image *k, uint64_t phoff,
				   unsigned phnum)
{
	struct kimg_xen *x = &k->xen;
	const uint8_t *e = k->elf;
	unsigned i, count = 0, found = 0;
	enum kimg_err err;

	memset(x, 0, sizeof(*x));
	x->entry = x->hypercall_page = x->virt_base = KIMG_UNSET;
	x->paddr_offset = x->hv_start_low = x->init_p2m = KIMG_UNSET;
	x->phys32_entry = x->suspend_cancel = x->mod_start_pfn = KIMG_UNSET;

	for (i = 0; i < phnum; i++) {
		const uint8_t *ph = e + phoff + (uint64_t)i * PHDR_SIZE;
		uint64_t off = kimg_rd64(ph + 8);

		if (kimg_rd32(ph) != PT_NOTE || off == 0)
			continue;
		/* Range already checked by collect_segments(). */
		err = walk_notes(k, off, kimg_rd64(ph + 32),
				 kimg_rd64(ph + 48), i, false, &count, &found);
		if (err != KIMG_OK)
			return err;
	}

	if (found == 0) {
		uint64_t shoff = kimg_rd64(e + 40);
		unsigned shnum = shoff ? kimg_rd16(e + 60) : 0;

		for (i = 1; i < shnum; i++) {
			const uint8_t *sh = e + shoff + (uint64_t)i * SHDR_SIZE;
			uint64_t off = kimg_rd64(sh + 24);
			uint64_t size = kimg_rd64(sh + 32);

			if (kimg_rd32(sh + 4) != SHT_NOTE)
				continue;
			if (!kimg_range_ok(off, size, k->elf_len)) {
				note_fail(k, KIMG_ERR_SHDR_RANGE, i, true, 0,
					  off);
				return KIMG_ERR_SHDR_RANGE;
			}
			err = walk_notes(k, off, size, kimg_rd64(sh + 48), i,
					 true, &count, &found);
			if (err != KIMG_OK)
				return err;
		}
		x->from_sections = found != 0;
	}
	if (found == 0)
		return kimg_fail(k, KIMG_ERR_NO_XEN_NOTES, 0);
	return KIMG_OK;
}

/* End of SHF_ALLOC sections translated like the segments (NOLOAD areas
 * have no program header but the kernel still uses them). */
static uint64_t alloc_end(const struct kernel_image *k, uint64_t vkend)
{
	const uint8_t *e = k->elf;
	uint64_t shoff = kimg_rd64(e + 40), vhigh = 0, phigh = 0, end = vkend;
	unsigned i, shnum = shoff ? kimg_rd16(e + 60) : 0;

	for (i = 0; i < k->nr_segments; i++) {
		const struct kimg_segment *s = &k->seg[i];

		if (s->vaddr + s->memsz > vhigh)
			vhigh = s->vaddr + s->memsz;
		if (s->paddr + s->memsz > phigh)
			phigh = s->paddr + s->memsz;
	}
	for (i = 1; i < shnum; i++) {
		const uint8_t *sh = e + shoff + (uint64_t)i * SHDR_SIZE;
		uint64_t addr = kimg_rd64(sh + 16), size = kimg_rd64(sh + 32);
		uint64_t v;

		if (!(kimg_rd64(sh + 8) & SHF_ALLOC) || addr + size < addr)
			continue;
		if (addr + size <= vhigh)
			continue;
		/* virtual end -> physical end -> load address */
		v = addr + size - (vhigh - phigh) + k->xen.virt_offset;
		if (v > end && v - vkend < (1ull << 32)) /* ignore nonsense */
			end = v;
	}
	return end;
}

enum kimg_err kimg_xen_layout(struct kernel_image *k)
{
	struct kimg_xen *x = &k->xen;
	uint64_t base, poff;

	if (strncmp(x->loader, "generic", 7) != 0 &&
	    strncmp(x->guest_os, "linux", 5) != 0)
		return kimg_fail(k, KIMG_ERR_NOT_LINUX_OR_GENERIC, 0);
	if (strncmp(x->xen_version, "xen-3.0", 7) != 0)
		return kimg_fail(k, KIMG_ERR_XEN_VERSION, 0);

	if (x->paddr_offset != KIMG_UNSET && x->virt_base == KIMG_UNSET)
		return kimg_fail(k, KIMG_ERR_PADDR_NO_VIRT_BASE, 0);
	base = x->virt_base == KIMG_UNSET ? 0 : x->virt_base;
	poff = x->paddr_offset == KIMG_UNSET ? 0 : x->paddr_offset;

	/* Unsigned wrap-around is intended: Linux has paddr 16 MiB and
	 * virt_base 0xffffffff80000000, so the offset is "negative". */
	x->virt_offset = base - poff;
	x->virt_kstart = k->pstart + x->virt_offset;
	x->virt_kend = k->pend + x->virt_offset;
	x->virt_entry = x->entry != KIMG_UNSET ? x->entry : k->e_entry;

	if (x->virt_kstart > x->virt_kend || x->virt_entry < x->virt_kstart ||
	    x->virt_entry > x->virt_kend || base > x->virt_kstart) {
		kimg_fail(k, KIMG_ERR_ADDR_BOUNDS, 0);
		k->err.value = x->virt_entry;
		return KIMG_ERR_ADDR_BOUNDS;
	}
	if (x->init_p2m != KIMG_UNSET && x->init_p2m >= x->virt_kstart &&
	    x->init_p2m < x->virt_kend) {
		kimg_fail(k, KIMG_ERR_P2M_BOUNDS, 0);
		k->err.value = x->init_p2m;
		return KIMG_ERR_P2M_BOUNDS;
	}
	/* The hypervisor writes a whole page of stubs there, so it has to
	 * be a page of the kernel image. */
	x->virt_hypercall = x->hypercall_page;
	if (x->virt_hypercall != KIMG_UNSET &&
	    ((x->virt_hypercall & (PAGE_SIZE - 1)) ||
	     x->virt_hypercall < x->virt_kstart ||
	     x->virt_hypercall >= x->virt_kend ||
	     x->virt_kend - x->virt_hypercall < PAGE_SIZE)) {
		kimg_fail(k, KIMG_ERR_HYPERCALL_BOUNDS, 0);
		k->err.value = x->virt_hypercall;
		return KIMG_ERR_HYPERCALL_BOUNDS;
	}
	x->virt_alloc_end = alloc_end(k, x->virt_kend);
	return KIMG_OK;
}

enum kimg_err kimg_check_features(struct kernel_image *k, uint32_t offered,
				  bool dom0)
{
	const struct kimg_xen *x = &k->xen;
	uint32_t missing;
	unsigned bit;

	if (!k->parsed)
		return kimg_fail(k, KIMG_ERR_NOT_PARSED, 0);
	missing = x->f_required & ~offered;
	if (missing) {
		for (bit = 0; !(missing & (1u << bit)); bit++)
			;
		kimg_fail(k, KIMG_ERR_FEATURE_REQUIRED, bit);
		note_str(k->err.name, (const uint8_t *)feature_names[bit],
			 KIMG_STR_MAX);
		return KIMG_ERR_FEATURE_REQUIRED;
	}
	/* Xen's dom0 builder: a kernel that lists what it supports must
	 * say it supports running as dom0. */
	if (dom0 && (x->notes_seen & (1u << XEN_ELFNOTE_SUPPORTED_FEATURES)) &&
	    !(x->f_supported & (1u << KIMG_XENFEAT_dom0)))
		return kimg_fail(k, KIMG_ERR_NOT_DOM0_CAPABLE, 0);
	return KIMG_OK;
}
