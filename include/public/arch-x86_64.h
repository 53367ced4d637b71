/* SPDX-License-Identifier: MIT */
/*
 * arch-x86_64.h - the x86_64 half of the PV guest ABI (Xen 4.17 layout).
 *
 * Everything here is specific to 64-bit PV guests: register frames, the
 * flat segment selectors, the hypervisor-reserved address range, the
 * virtual IDT entry format and the per-vCPU boot context. xen.h includes
 * this file first; guests normally include <public/xen.h> only.
 *
 * Hypercall calling convention (64-bit PV):
 *   arguments 1..5 in %rdi, %rsi, %rdx, %r10, %r8; result in %rax.
 *   The guest enters through the hypercall page the hypervisor filled in
 *   (see XEN_ELFNOTE_HYPERCALL_PAGE): `call hypercall_page + nr * 32`.
 *   Argument registers are clobbered; everything else is preserved.
 *   A negative result is -XEN_Exxx (public/errno.h).
 *
 * Binary layouts are identical to Xen's arch-x86/xen.h and
 * arch-x86/xen-x86_64.h; tests/unit/abi_layout checks that.
 */
#ifndef MICA_PUBLIC_ARCH_X86_64_H
#define MICA_PUBLIC_ARCH_X86_64_H

#include <stddef.h>
#include <stdint.h>

/*
 * Guest handles: a pointer into guest memory, wrapped in a one-member
 * struct so it is always 8 bytes and cannot be dereferenced by accident
 * inside the hypervisor. The typedef'd name (rather than an anonymous
 * struct per use) lets handles of the same type be assigned to each other.
 *
 *   __DEFINE_XEN_GUEST_HANDLE(name, type) declares handle types for
 *     `type *` and `const type *`, called name and const_name;
 *   XEN_GUEST_HANDLE(name) names such a type;
 *   set_xen_guest_handle(h, ptr) stores a pointer into one.
 *
 * Example: XEN_GUEST_HANDLE(xen_pfn_t) list; set_xen_guest_handle(list, pfns);
 */
#define ___DEFINE_XEN_GUEST_HANDLE(name, type) \
    typedef struct { type *p; } __guest_handle_ ## name
#define __DEFINE_XEN_GUEST_HANDLE(name, type) \
    ___DEFINE_XEN_GUEST_HANDLE(name, type);   \
    ___DEFINE_XEN_GUEST_HANDLE(const_ ## name, const type)
#define DEFINE_XEN_GUEST_HANDLE(name)   __DEFINE_XEN_GUEST_HANDLE(name, name)
#define __XEN_GUEST_HANDLE(name)        __guest_handle_ ## name
#define XEN_GUEST_HANDLE(name)          __XEN_GUEST_HANDLE(name)
#define XEN_GUEST_HANDLE_PARAM(name)    XEN_GUEST_HANDLE(name)
#define set_xen_guest_handle_raw(hnd, val) do { (hnd).p = (val); } while (0)
#define set_xen_guest_handle(hnd, val)  set_xen_guest_handle_raw(hnd, val)

/* A machine or guest frame number. 64 bits on x86_64. */
typedef unsigned long xen_pfn_t;
#define PRI_xen_pfn  "lx"
#define PRIu_xen_pfn "lu"

/* The natural word of the interface (multicall args, bitmaps). */
typedef unsigned long xen_ulong_t;
#define PRI_xen_ulong "lx"

/* A guest code address registered as a callback (CALLBACKOP_register). */
typedef unsigned long xen_callback_t;

/* A raw TSC value. */
typedef uint64_t tsc_timestamp_t;

/* Guest writers test these to know start_info and the upcall mask exist. */
#define XEN_HAVE_PV_GUEST_ENTRY 1
#define XEN_HAVE_PV_UPCALL_MASK 1

/*
 * The last two pages of every 16-page guest GDT (entries 3584..4095)
 * belong to the hypervisor: it keeps the flat selectors below there.
 * A guest's own GDT (HYPERVISOR_set_gdt) must stay below this entry.
 */
#define FIRST_RESERVED_GDT_PAGE  14
#define FIRST_RESERVED_GDT_BYTE  (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_BYTE / 8)

/* vCPUs whose vcpu_info lives in shared_info; more need VCPUOP_register_vcpu_info. */
#define XEN_LEGACY_MAX_VCPUS 32

/*
 * Flat 64-bit PV segment selectors. They live in the hypervisor's part of
 * every GDT, so a guest can run without loading a GDT of its own. Both
 * guest kernel and guest user run in ring 3, hence RPL 3 everywhere; the
 * hypervisor tracks which of the two is active.
 * Example: regs.cs = FLAT_KERNEL_CS; regs.ss = FLAT_KERNEL_SS;
 */
#define FLAT_RING3_CS32 0xe023  /* GDT entry 260: 32-bit code */
#define FLAT_RING3_CS64 0xe033  /* GDT entry 262: 64-bit code */
#define FLAT_RING3_DS32 0xe02b  /* GDT entry 261: data */
#define FLAT_RING3_DS64 0x0000  /* the null selector is fine for data in long mode */
#define FLAT_RING3_SS32 0xe02b  /* GDT entry 261 */
#define FLAT_RING3_SS64 0xe02b  /* GDT entry 261 */

#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_DS   FLAT_KERNEL_DS64
#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_CS   FLAT_KERNEL_CS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_SS   FLAT_KERNEL_SS64

#define FLAT_USER_DS64 FLAT_RING3_DS64
#define FLAT_USER_DS32 FLAT_RING3_DS32
#define FLAT_USER_DS   FLAT_USER_DS64
#define FLAT_USER_CS64 FLAT_RING3_CS64
#define FLAT_USER_CS32 FLAT_RING3_CS32
#define FLAT_USER_CS   FLAT_USER_CS64
#define FLAT_USER_SS64 FLAT_RING3_SS64
#define FLAT_USER_SS32 FLAT_RING3_SS32
#define FLAT_USER_SS   FLAT_USER_SS64

/*
 * The hypervisor owns L4 slots 256..271 of every guest address space:
 * [HYPERVISOR_VIRT_START, HYPERVISOR_VIRT_END). A guest may not map
 * anything there. The first 256 GiB of it is the read-only
 * machine-to-phys table: machine_to_phys_mapping[mfn] == pfn.
 * Example: pfn = machine_to_phys_mapping[mfn];
 */
#define __HYPERVISOR_VIRT_START 0xFFFF800000000000
#define __HYPERVISOR_VIRT_END   0xFFFF880000000000
#define __MACH2PHYS_VIRT_START  0xFFFF800000000000
#define __MACH2PHYS_VIRT_END    0xFFFF804000000000
#ifndef HYPERVISOR_VIRT_START
#define HYPERVISOR_VIRT_START 0xFFFF800000000000UL
#define HYPERVISOR_VIRT_END   0xFFFF880000000000UL
#endif
#define MACH2PHYS_VIRT_START  0xFFFF800000000000UL
#define MACH2PHYS_VIRT_END    0xFFFF804000000000UL
#define MACH2PHYS_NR_ENTRIES  ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)
#ifndef machine_to_phys_mapping
#define machine_to_phys_mapping ((unsigned long *)HYPERVISOR_VIRT_START)
#endif

/*
 * long HYPERVISOR_set_segment_base(unsigned int which, unsigned long base)
 *   Load a segment base the guest cannot write itself (FS, the user and
 *   kernel GS bases), or load the user %gs selector (base[15:0]).
 *   Returns 0, or -EINVAL for a bad `which` or non-canonical base,
 *   -EFAULT if the selector cannot be loaded.
 *   Example: HYPERVISOR_set_segment_base(SEGBASE_GS_USER, tls_base);
 */
#define SEGBASE_FS          0
#define SEGBASE_GS_USER     1
#define SEGBASE_GS_KERNEL   2
#define SEGBASE_GS_USER_SEL 3

/*
 * vcpu_guest_context.flags (VGCF_*). VGCF_in_syscall is also used in the
 * flags word of iret_context.
 */
#define VGCF_I387_VALID                (1 << 0)
#define VGCF_IN_KERNEL                 (1 << 2)
#define _VGCF_i387_valid               0
#define VGCF_i387_valid                (1 << _VGCF_i387_valid)
#define _VGCF_in_kernel                2
#define VGCF_in_kernel                 (1 << _VGCF_in_kernel)
#define _VGCF_failsafe_disables_events 3
#define VGCF_failsafe_disables_events  (1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events  4
#define VGCF_syscall_disables_events   (1 << _VGCF_syscall_disables_events)
#define _VGCF_online                   5
#define VGCF_online                    (1 << _VGCF_online)
#define _VGCF_in_syscall               8
#define VGCF_in_syscall                (1 << _VGCF_in_syscall)
#define VGCF_IN_SYSCALL                VGCF_in_syscall

/*
 * long HYPERVISOR_iret(void)  (__HYPERVISOR_iret)
 *   The PV kernel runs in ring 3, so it cannot use IRETQ to go to user
 *   mode (or to re-enable event delivery atomically). It pushes this frame
 *   on its stack instead (rax at the lowest address, where %rsp points at
 *   the call) and makes the hypercall; it never returns on success.
 *   The hypervisor restores RAX, R11, RCX, CS:RIP, RFLAGS, SS:RSP; with
 *   VGCF_in_syscall in `flags` it restores only RAX, RIP, RFLAGS, RSP and
 *   returns SYSRET-style. RPL 3 in cs returns to user mode, any other RPL
 *   to kernel mode. RFLAGS.IF becomes the inverse of the upcall mask.
 *   A frame that cannot be read or is invalid crashes the domain.
 *   Example: push the frame, then `jmp hypercall_page + __HYPERVISOR_iret*32`.
 */
struct iret_context {
    uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};

/*
 * cpu_user_regs: the guest-visible register frame (vcpu_guest_context,
 * and the frame the hypervisor saves on entry). error_code and
 * entry_vector are private to the hypervisor. saved_upcall_mask holds the
 * event mask at the time of the exception; rflags.IF is reported as its
 * inverse. Every selector is padded to 8 bytes.
 */
struct cpu_user_regs {
    uint64_t r15;
    uint64_t r14;
    uint64_t r13;
    uint64_t r12;
    uint64_t rbp;
    uint64_t rbx;
    uint64_t r11;
    uint64_t r10;
    uint64_t r9;
    uint64_t r8;
    uint64_t rax;
    uint64_t rcx;
    uint64_t rdx;
    uint64_t rsi;
    uint64_t rdi;
    uint32_t error_code;    /* private */
    uint32_t entry_vector;  /* private */
    uint64_t rip;
    uint16_t cs, _pad0[1];
    uint8_t  saved_upcall_mask;
    uint8_t  _pad1[3];
    uint64_t rflags;
    uint64_t rsp;
    uint16_t ss, _pad2[3];
    uint16_t es, _pad3[3];
    uint16_t ds, _pad4[3];
    uint16_t fs, _pad5[3];
    uint16_t gs, _pad6[3];
};
typedef struct cpu_user_regs cpu_user_regs_t;
DEFINE_XEN_GUEST_HANDLE(cpu_user_regs_t);

/* CR3 values carry a frame number shifted by the page size. */
#define xen_pfn_to_cr3(pfn) ((unsigned long)(pfn) << 12)
#define xen_cr3_to_pfn(cr3) ((unsigned long)(cr3) >> 12)

/*
 * arch_vcpu_info: the x86 part of vcpu_info. cr2 is written by the
 * hypervisor before it bounces a page fault to the guest (the guest
 * cannot read %cr2 itself). The pad keeps vcpu_info at 64 bytes.
 */
struct arch_vcpu_info {
    unsigned long cr2;
    unsigned long pad;
};
typedef struct arch_vcpu_info arch_vcpu_info_t;

/*
 * trap_info: one virtual IDT entry, for HYPERVISOR_set_trap_table and
 * vcpu_guest_context.trap_ctxt.
 *   vector  - exception/interrupt vector 0..255;
 *   flags   - bits 0-1: the lowest privilege that may raise it with INT n
 *             (3 lets user space use it); bit 2: mask events on entry, like
 *             an interrupt gate clearing IF;
 *   cs      - code selector to enter with (FLAT_KERNEL_CS);
 *   address - handler entry point; 0 means "no handler".
 * Example: { 14, 0, FLAT_KERNEL_CS, (unsigned long)page_fault_entry }
 */
#define TI_GET_DPL(_ti)      ((_ti)->flags & 3)
#define TI_GET_IF(_ti)       ((_ti)->flags & 4)
#define TI_SET_DPL(_ti, _dpl) ((_ti)->flags |= (_dpl))
#define TI_SET_IF(_ti, _if)  ((_ti)->flags |= ((!!(_if)) << 2))
struct trap_info {
    uint8_t       vector;
    uint8_t       flags;
    uint16_t      cs;
    unsigned long address;
};
typedef struct trap_info trap_info_t;
DEFINE_XEN_GUEST_HANDLE(trap_info_t);

/*
 * vcpu_guest_context: the full initial state of a vCPU, passed to
 * VCPUOP_initialise (secondary vCPUs of a PV guest) and used by the
 * toolstack's domain builder. All addresses are guest virtual unless
 * noted; gdt_frames are machine frames; ctrlreg[3] is the kernel page
 * table (xen_pfn_to_cr3(mfn)) and ctrlreg[1] the user page table.
 *   flags      - VGCF_*; VGCF_in_kernel must be set for a kernel start;
 *   fpu_ctxt   - FXSAVE image, used when VGCF_i387_valid is set;
 *   trap_ctxt  - the virtual IDT, indexed by vector;
 *   kernel_ss/sp - the stack the hypervisor switches to on user->kernel;
 *   event_callback_eip / failsafe_callback_eip / syscall_callback_eip
 *                - as set by CALLBACKOP_register;
 *   vm_assist  - bitmap of VMASST_TYPE_* to enable.
 * Example: ctxt.user_regs.rip = entry; ctxt.flags = VGCF_in_kernel;
 *          HYPERVISOR_vcpu_op(VCPUOP_initialise, cpu, &ctxt);
 */
struct vcpu_guest_context {
    struct { char x[512]; } fpu_ctxt;   /* first, so it is 16-byte aligned for FXRSTOR */
    unsigned long flags;
    struct cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];
    unsigned long ldt_base, ldt_ents;   /* linear address and entry count */
    unsigned long gdt_frames[16], gdt_ents;
    unsigned long kernel_ss, kernel_sp;
    unsigned long ctrlreg[8];
    unsigned long debugreg[8];
    unsigned long event_callback_eip;
    unsigned long failsafe_callback_eip;
    unsigned long syscall_callback_eip;
    unsigned long vm_assist;
    uint64_t      fs_base;
    uint64_t      gs_base_kernel;
    uint64_t      gs_base_user;
};
typedef struct vcpu_guest_context vcpu_guest_context_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_guest_context_t);

/*
 * arch_shared_info: the x86 tail of shared_info. The guest writes the
 * p2m fields so that the toolstack (save/restore, dump) can find its
 * pfn->mfn list; the hypervisor writes nmi_reason.
 *   max_pfn                    - entries in the p2m list;
 *   pfn_to_mfn_frame_list_list - mfn of the top of the 3-level frame list
 *                                (0 = not set up, ~0 = use p2m_vaddr);
 *   nmi_reason                 - XEN_NMIREASON_* bits (public/nmi.h);
 *   p2m_cr3, p2m_vaddr         - address space and address of a linear
 *                                p2m list (valid when p2m_cr3 != 0);
 *   p2m_generation             - bumped before and after each change of
 *                                the p2m mappings (odd = in progress).
 */
struct arch_shared_info {
    unsigned long max_pfn;
    xen_pfn_t     pfn_to_mfn_frame_list_list;
    unsigned long nmi_reason;
    unsigned long p2m_cr3;
    unsigned long p2m_vaddr;
    unsigned long p2m_generation;
};
typedef struct arch_shared_info arch_shared_info_t;

/* One CPUID leaf/subleaf result (toolstack CPUID policies). */
#define XEN_CPUID_NO_SUBLEAF 0xffffffffu
typedef struct xen_cpuid_leaf {
    uint32_t leaf, subleaf;
    uint32_t a, b, c, d;
} xen_cpuid_leaf_t;
DEFINE_XEN_GUEST_HANDLE(xen_cpuid_leaf_t);

/* One MSR index/value pair (toolstack MSR policies). flags must be 0. */
typedef struct xen_msr_entry {
    uint32_t idx;
    uint32_t flags;
    uint64_t val;
} xen_msr_entry_t;
DEFINE_XEN_GUEST_HANDLE(xen_msr_entry_t);

/*
 * Forced emulation prefix: `ud2; .ascii "xen"` followed by an instruction
 * makes the hypervisor emulate that instruction. A PV kernel uses it for
 * CPUID, so the hypervisor can hide or adjust feature bits.
 * Example: asm volatile(XEN_CPUID : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
 */
#define XEN_EMULATE_PREFIX ".byte 0x0f,0x0b,0x78,0x65,0x6e ; "
#define XEN_CPUID          XEN_EMULATE_PREFIX "cpuid"

/* Port of the HVM debug console (outb to it prints a character). */
#define XEN_HVM_DEBUGCONS_IOPORT 0xe9

#endif /* MICA_PUBLIC_ARCH_X86_64_H */
