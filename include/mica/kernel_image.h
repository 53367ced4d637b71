/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dom0 kernel image: identify boot module 0, unwrap it to an ELF64 PV
 * kernel, validate the ELF, read its Xen ELF notes and load it.
 *
 * Accepted modules: a plain ELF64 x86-64 image, a gzip file holding one, a
 * .xz file holding one, or a Linux bzImage (boot protocol >= 2.08) whose
 * payload is gzip or xz. All parsing is bounds-checked against the image
 * size: a malformed image yields an error naming what is wrong, never an
 * out-of-bounds access.
 *
 * Typical use:
 *   struct kernel_image k;
 *   kimg_identify(&k, mod, mod_len);         // format, size estimate
 *   kimg_unwrap(&k, &work, buf, buf_cap);    // decompress if needed
 *   kimg_parse_elf(&k);                      // headers, notes, addresses
 *   kimg_check_features(&k, offered, true);  // XENFEAT negotiation
 *   kimg_load(&k, map_fn, ctx);              // copy segments to the guest
 * On failure each returns a kimg_err and leaves details in k.err, which
 * kimg_describe() turns into a sentence.
 */
#ifndef MICA_KERNEL_IMAGE_H
#define MICA_KERNEL_IMAGE_H

#include <mica/types.h>
#include <mica/inflate.h>
#include <mica/xz.h>

/* Xen ELF note types (xen/include/public/elfnote.h). */
#define XEN_ELFNOTE_ENTRY               1
#define XEN_ELFNOTE_HYPERCALL_PAGE      2
#define XEN_ELFNOTE_VIRT_BASE           3
#define XEN_ELFNOTE_PADDR_OFFSET        4
#define XEN_ELFNOTE_XEN_VERSION         5
#define XEN_ELFNOTE_GUEST_OS            6
#define XEN_ELFNOTE_GUEST_VERSION       7
#define XEN_ELFNOTE_LOADER              8
#define XEN_ELFNOTE_PAE_MODE            9
#define XEN_ELFNOTE_FEATURES            10
#define XEN_ELFNOTE_BSD_SYMTAB          11
#define XEN_ELFNOTE_HV_START_LOW        12
#define XEN_ELFNOTE_L1_MFN_VALID        13
#define XEN_ELFNOTE_SUSPEND_CANCEL      14
#define XEN_ELFNOTE_INIT_P2M            15
#define XEN_ELFNOTE_MOD_START_PFN       16
#define XEN_ELFNOTE_SUPPORTED_FEATURES  17
#define XEN_ELFNOTE_PHYS32_ENTRY        18
#define KIMG_NOTE_MAX                   18

/* XENFEAT_* bit numbers (xen/include/public/features.h). */
#define KIMG_XENFEAT_writable_page_tables        0
#define KIMG_XENFEAT_writable_descriptor_tables  1
#define KIMG_XENFEAT_auto_translated_physmap     2
#define KIMG_XENFEAT_supervisor_mode_kernel      3
#define KIMG_XENFEAT_pae_pgdir_above_4gb         4
#define KIMG_XENFEAT_mmu_pt_update_preserve_ad   5
#define KIMG_XENFEAT_highmem_assist              6
#define KIMG_XENFEAT_gnttab_map_avail_bits       7
#define KIMG_XENFEAT_hvm_callback_vector         8
#define KIMG_XENFEAT_hvm_safe_pvclock            9
#define KIMG_XENFEAT_hvm_pirqs                   10
#define KIMG_XENFEAT_dom0                        11
#define KIMG_XENFEAT_grant_map_identity          12
#define KIMG_XENFEAT_memory_op_vnode_supported   13
#define KIMG_XENFEAT_ARM_SMCCC_supported         14
#define KIMG_XENFEAT_linux_rsdp_unrestricted     15
#define KIMG_XENFEAT_not_direct_mapped           16
#define KIMG_XENFEAT_direct_mapped               17
#define KIMG_XENFEAT_NR                          18

#define KIMG_UNSET        UINT64_MAX  /* note absent */
#define KIMG_MAX_SEGMENTS 16
#define KIMG_MAX_NOTES    4096        /* bound on notes walked, as Xen has */
#define KIMG_STR_MAX      32          /* note strings are truncated to this */

enum kimg_format {
	KIMG_FMT_UNKNOWN = 0,
	KIMG_FMT_ELF,
	KIMG_FMT_GZIP,
	KIMG_FMT_XZ,
	KIMG_FMT_BZIMAGE,
};

enum kimg_comp {
	KIMG_COMP_NONE = 0,
	KIMG_COMP_GZIP,
	KIMG_COMP_XZ,
};

enum kimg_err {
	KIMG_OK = 0,
	/* identification / unwrapping */
	KIMG_ERR_UNKNOWN_FORMAT,     /* not ELF, gzip, xz or bzImage */
	KIMG_ERR_BZ_TRUNCATED,       /* bzImage shorter than its header says */
	KIMG_ERR_BZ_PROTOCOL,        /* boot protocol older than 2.08 */
	KIMG_ERR_BZ_PAYLOAD_RANGE,   /* payload_offset/length outside image */
	KIMG_ERR_BZ_PAYLOAD_FORMAT,  /* payload neither gzip nor xz */
	KIMG_ERR_DECOMPRESS,         /* decoder failed; k.err.sub has status */
	KIMG_ERR_BUFFER_TOO_SMALL,   /* caller's buffer below the size needed */
	/* ELF header */
	KIMG_ERR_ELF_TRUNCATED,      /* smaller than an ELF64 header */
	KIMG_ERR_ELF_MAGIC,
	KIMG_ERR_ELF_CLASS,          /* not ELFCLASS64 */
	KIMG_ERR_ELF_DATA,           /* not little-endian */
	KIMG_ERR_ELF_VERSION,
	KIMG_ERR_ELF_MACHINE,        /* not EM_X86_64 */
	KIMG_ERR_ELF_TYPE,           /* not ET_EXEC or ET_DYN */
	KIMG_ERR_ELF_PHDR_TABLE,     /* table size/offset invalid or past end */
	KIMG_ERR_ELF_SHDR_TABLE,
	/* program headers (k.err.index = header number) */
	KIMG_ERR_PHDR_RANGE,         /* file range extends past end of image */
	KIMG_ERR_PHDR_FILESZ,        /* filesz > memsz */
	KIMG_ERR_PHDR_WRAP,          /* address + memsz overflows */
	KIMG_ERR_PHDR_OVERLAP,       /* loads overlap (index and index2) */
	KIMG_ERR_TOO_MANY_SEGMENTS,
	KIMG_ERR_NO_SEGMENTS,
	KIMG_ERR_SHDR_RANGE,         /* note section extends past end */
	/* notes (k.err.index = header number, k.err.note = note type) */
	KIMG_ERR_NOTE_MALFORMED,     /* note header/name/desc past its area */
	KIMG_ERR_NOTE_TOO_MANY,
	KIMG_ERR_NOTE_SIZE,          /* numeric note with unusable size */
	KIMG_ERR_FEATURE_UNKNOWN,    /* '!name' not a known feature; k.err.name */
	KIMG_ERR_NO_XEN_NOTES,
	KIMG_ERR_NOT_LINUX_OR_GENERIC, /* GUEST_OS / LOADER unacceptable */
	KIMG_ERR_XEN_VERSION,        /* XEN_VERSION not "xen-3.0" */
	KIMG_ERR_PADDR_NO_VIRT_BASE, /* PADDR_OFFSET without VIRT_BASE */
	KIMG_ERR_ADDR_BOUNDS,        /* kstart/kend/entry/virt_base disagree */
	KIMG_ERR_P2M_BOUNDS,         /* INIT_P2M inside the kernel */
	KIMG_ERR_HYPERCALL_BOUNDS,   /* hypercall page outside the kernel */
	/* feature negotiation */
	KIMG_ERR_FEATURE_REQUIRED,   /* required feature not offered; .name */
	KIMG_ERR_NOT_DOM0_CAPABLE,   /* SUPPORTED_FEATURES lacks dom0 */
	/* loading */
	KIMG_ERR_NOT_PARSED,
	KIMG_ERR_MAP,                /* callback could not map a range */
};

struct kimg_segment {
	uint64_t offset;  /* in the ELF image */
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint32_t flags;   /* PF_X/PF_W/PF_R */
	uint16_t phdr;    /* program header index, for messages */
};

struct kimg_xen {
	uint32_t notes_seen;        /* bit n: XEN_ELFNOTE n present */
	bool from_sections;         /* notes came from SHT_NOTE, not PT_NOTE */
	/* raw note values, KIMG_UNSET when absent */
	uint64_t entry;
	uint64_t hypercall_page;
	uint64_t virt_base;
	uint64_t paddr_offset;
	uint64_t hv_start_low;
	uint64_t init_p2m;
	uint64_t phys32_entry;      /* recorded; PVH entry, unused for PV */
	uint64_t l1_mfn_valid[2];   /* mask, value (second 0 if one given) */
	uint64_t suspend_cancel;
	uint64_t mod_start_pfn;
	uint32_t supported_note;    /* SUPPORTED_FEATURES bitmap word 0 */
	char xen_version[KIMG_STR_MAX];
	char guest_os[KIMG_STR_MAX];
	char guest_version[KIMG_STR_MAX];
	char loader[KIMG_STR_MAX];
	char pae_mode[KIMG_STR_MAX];
	bool bsd_symtab;            /* BSD_SYMTAB "yes" (recorded, not acted on) */
	bool unmapped_initrd;       /* MOD_START_PFN != 0 */
	/* XENFEAT bitmaps from FEATURES and SUPPORTED_FEATURES */
	uint32_t f_required;
	uint32_t f_supported;
	/* computed as Xen's libelf does (elf_xen_addr_calc_check) */
	uint64_t virt_offset;       /* virt_base - paddr_offset */
	uint64_t virt_kstart;       /* pstart + virt_offset */
	uint64_t virt_kend;         /* pend + virt_offset */
	uint64_t virt_entry;        /* ENTRY note, else e_entry */
	uint64_t virt_hypercall;    /* HYPERCALL_PAGE note or KIMG_UNSET */
	/* End of SHF_ALLOC sections (e.g. NOLOAD .brk of Linux >= 5.19) in
	 * the same translation, >= virt_kend; memory up to here must not be
	 * handed out for start_info or page tables. */
	uint64_t virt_alloc_end;
};

struct kimg_error {
	enum kimg_err code;
	uint32_t index;             /* header number, where relevant */
	uint32_t index2;            /* second header for overlaps */
	uint32_t note;              /* note type, where relevant */
	int sub;                    /* decoder status for KIMG_ERR_DECOMPRESS */
	bool section;               /* index is a section, not a program header */
	uint64_t value;             /* offending size/address, where relevant */
	char name[KIMG_STR_MAX];    /* feature name, where relevant */
};

struct kernel_image {
	/* module as given */
	const uint8_t *module;
	size_t module_len;
	enum kimg_format format;
	enum kimg_comp comp;
	uint16_t boot_protocol;     /* bzImage only, e.g. 0x020f */
	const uint8_t *payload;     /* compressed data, or the ELF itself */
	size_t payload_len;
	uint64_t size_hint;         /* claimed decompressed size, 0 unknown */

	/* the ELF, after kimg_unwrap() */
	const uint8_t *elf;
	size_t elf_len;

	/* after kimg_parse_elf() */
	bool parsed;
	uint16_t e_type;
	uint64_t e_entry;
	unsigned nr_segments;
	struct kimg_segment seg[KIMG_MAX_SEGMENTS];
	uint64_t pstart, pend;      /* paddr span of the loadable segments */
	struct kimg_xen xen;

	struct kimg_error err;
};

/* Scratch space for the decompressors, provided by the caller. */
union kimg_work {
	struct inflate_state inflate;
	struct xz_dec xz;
};

enum kimg_err kimg_identify(struct kernel_image *k, const void *module,
			    size_t len);

/*
 * Decompress the payload into buf (capacity cap) if there is one, else
 * point k->elf at the module's ELF. Trailing bytes after the compressed
 * stream (Linux appends the size to xz payloads) are ignored.
 */
enum kimg_err kimg_unwrap(struct kernel_image *k, union kimg_work *work,
			  void *buf, size_t cap);

/* Validate the ELF, collect PT_LOAD segments and Xen notes, and compute the
 * virtual layout as Xen does. */
enum kimg_err kimg_parse_elf(struct kernel_image *k);

/* Point k at an ELF directly (no identify/unwrap), for callers that have
 * one in memory, then call kimg_parse_elf(). */
void kimg_set_elf(struct kernel_image *k, const void *elf, size_t len);

/*
 * Check the kernel's required features against 'offered' (XENFEAT bitmap
 * Mica provides). For dom0, a kernel with a SUPPORTED_FEATURES note must
 * list XENFEAT_dom0 there or in FEATURES, as Xen insists.
 */
enum kimg_err kimg_check_features(struct kernel_image *k, uint32_t offered,
				  bool dom0);

/*
 * Map callback for kimg_load(): return a writable pointer for guest virtual
 * address va, valid for *avail bytes (1 <= *avail <= len), or NULL if the
 * range cannot be mapped. Lets the caller map page by page.
 */
typedef void *(*kimg_map_fn)(void *ctx, uint64_t va, uint64_t len,
			     uint64_t *avail);

/* Copy every loadable segment to virt_offset + paddr, zero-filling from
 * filesz to memsz. */
enum kimg_err kimg_load(struct kernel_image *k, kimg_map_fn map, void *ctx);

/* Feature name for a XENFEAT bit, or NULL. */
const char *kimg_feature_name(unsigned bit);

/* Fixed text for an error code. */
const char *kimg_strerror(enum kimg_err e);

/* Full sentence for the last error, e.g. "program header 2 extends past
 * end of image"; writes into buf (always terminated) and returns it. */
const char *kimg_describe(const struct kernel_image *k, char *buf,
			  size_t len);

#endif
