/* SPDX-License-Identifier: MIT */
/*
 * elfnote.h - ELF notes a PV kernel carries to describe itself.
 *
 * The domain builder (the hypervisor for dom0, xl-lite for domUs) reads
 * notes of name "Xen" (namesz 4, "Xen\0") from the kernel's PT_NOTE
 * segments. The note type is one of XEN_ELFNOTE_*; the descriptor is
 * either a NUL-terminated string or a little-endian number of 4 or 8
 * bytes ("numeric"). Unknown types are ignored.
 *
 * Example (GNU as), as Linux writes it:
 *   .pushsection .note.Xen, "a", @note
 *   .long 4, 8, XEN_ELFNOTE_ENTRY; .asciz "Xen"; .quad startup_xen
 *   .popsection
 *
 * Features: XEN_ELFNOTE_FEATURES is a string of XENFEAT_* names without
 * the prefix, separated by '|'; a leading '!' marks a feature the kernel
 * cannot run without, e.g. "!writable_page_tables|pae_pgdir_above_4gb".
 * XEN_ELFNOTE_SUPPORTED_FEATURES is a 32-bit bitmap of XENFEAT_* numbers
 * (features.h); the kernel's supported set is the union of both notes.
 */
#ifndef MICA_PUBLIC_ELFNOTE_H
#define MICA_PUBLIC_ELFNOTE_H

#define XEN_ELFNOTE_INFO           0  /* string: NAME=VALUE, informational */
#define XEN_ELFNOTE_ENTRY          1  /* numeric: VA of the PV entry point */
#define XEN_ELFNOTE_HYPERCALL_PAGE 2  /* numeric: VA of the page the builder fills
                                         with hypercall stubs (32 bytes each) */
#define XEN_ELFNOTE_VIRT_BASE      3  /* numeric: VA the image is linked for
                                         (VA = paddr + VIRT_BASE - PADDR_OFFSET) */
#define XEN_ELFNOTE_PADDR_OFFSET   4  /* numeric: subtract from ELF p_paddr to get the
                                         pseudo-physical address (default 0) */
#define XEN_ELFNOTE_XEN_VERSION    5  /* string: ABI version, "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS       6  /* string: guest OS name, e.g. "linux" */
#define XEN_ELFNOTE_GUEST_VERSION  7  /* string: guest OS version */
#define XEN_ELFNOTE_LOADER         8  /* string: loader type, "generic" */
#define XEN_ELFNOTE_PAE_MODE       9  /* string: 32-bit PAE support ("yes"/"no") */
#define XEN_ELFNOTE_FEATURES      10  /* string: feature list, see above */
#define XEN_ELFNOTE_BSD_SYMTAB    11  /* string: "yes" to load the symbol table */
#define XEN_ELFNOTE_HV_START_LOW  12  /* numeric: lowest start of the hypervisor hole
                                         (32-bit guests) */
#define XEN_ELFNOTE_L1_MFN_VALID  13  /* numeric pairs: mask/value identifying
                                         non-present L1 entries that hold an mfn */
#define XEN_ELFNOTE_SUSPEND_CANCEL 14 /* numeric: 1 if suspend can be cancelled */
#define XEN_ELFNOTE_INIT_P2M      15  /* numeric: VA where the builder should map the
                                         p2m list instead of inside the image mapping */
#define XEN_ELFNOTE_MOD_START_PFN 16  /* numeric: 1 if the initrd may be passed by pfn
                                         (SIF_MOD_START_PFN), unmapped */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17 /* numeric: XENFEAT_* bitmap */
#define XEN_ELFNOTE_PHYS32_ENTRY  18  /* numeric: 32-bit physical entry (PVH only) */
#define XEN_ELFNOTE_MAX           XEN_ELFNOTE_PHYS32_ENTRY

/* Notes written into crash dumps, not read from kernels. */
#define XEN_ELFNOTE_CRASH_INFO 0x1000001  /* system information at crash */
#define XEN_ELFNOTE_CRASH_REGS 0x1000002  /* per-CPU extra registers */

/* Notes in domain core-dump files written by the toolstack. */
#define XEN_ELFNOTE_DUMPCORE_NONE               0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER             0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION        0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION     0x2000003

#endif /* MICA_PUBLIC_ELFNOTE_H */
