/* SPDX-License-Identifier: MIT */
/*
 * xen.h - core of the Xen 4.17 x86_64 PV guest ABI as Mica implements it.
 *
 * Hypercall numbers, the hypercalls that take no header of their own
 * (MMU updates, multicall, console, vm_assist, trap table, ...), and the
 * shared pages the hypervisor gives every PV guest: start_info,
 * shared_info and vcpu_info.
 *
 * Conventions used in the comments of all public headers:
 *   IN   the guest fills the field before the call;
 *   OUT  the hypervisor fills it before returning;
 *   Errors are returned as -XEN_Exxx (public/errno.h) in %rax.
 *   "MA" is a machine address, "VA" a guest virtual address,
 *   mfn a machine frame, gpfn/pfn a guest pseudo-physical frame.
 *
 * Layouts match Xen's public headers byte for byte (see
 * tests/unit/abi_layout); names match Xen's so existing guest code reads
 * naturally.
 */
#ifndef MICA_PUBLIC_XEN_H
#define MICA_PUBLIC_XEN_H

#include "arch-x86_64.h"

/* Handles for primitive types, used by several sub-op structures. */
__DEFINE_XEN_GUEST_HANDLE(char, char);
__DEFINE_XEN_GUEST_HANDLE(uchar, unsigned char);
__DEFINE_XEN_GUEST_HANDLE(int, int);
__DEFINE_XEN_GUEST_HANDLE(uint, unsigned int);
__DEFINE_XEN_GUEST_HANDLE(void, void);
__DEFINE_XEN_GUEST_HANDLE(uint64_t, uint64_t);
__DEFINE_XEN_GUEST_HANDLE(xen_pfn_t, xen_pfn_t);
__DEFINE_XEN_GUEST_HANDLE(xen_ulong_t, xen_ulong_t);
__DEFINE_XEN_GUEST_HANDLE(uint8, uint8_t);
__DEFINE_XEN_GUEST_HANDLE(uint16, uint16_t);
__DEFINE_XEN_GUEST_HANDLE(uint32, uint32_t);
__DEFINE_XEN_GUEST_HANDLE(uint64, uint64_t);

/* Trailing variable-length arrays are C99 flexible array members. */
#define XEN_FLEX_ARRAY_DIM

/*
 * Hypercall numbers. The guest calls hypercall_page + 32 * number.
 * Which of these Mica implements is listed in docs/hypercalls.md (generated
 * from the hypercall table); the others return -ENOSYS.
 *
 * Hypercalls documented in this file:
 *
 * long HYPERVISOR_set_trap_table(const struct trap_info *table)
 *   Install the virtual IDT: an array of trap_info, ended by an entry with
 *   address == 0. Entries replace earlier ones for the same vector; NULL
 *   clears the whole table. Errors: -EFAULT (unreadable array), -EINVAL
 *   (bad selector). Example: HYPERVISOR_set_trap_table(traps);
 *
 * long HYPERVISOR_mmu_update(mmu_update_t *req, unsigned int count,
 *                            unsigned int *done, domid_t foreign)
 *   Apply `count` checked page-table / M2P updates in order (struct
 *   mmu_update). Stops at the first failure; *done (if not NULL) gets the
 *   number applied. The low 16 bits of `foreign` name the owner of the
 *   frames new L1 entries map: DOMID_SELF, another domain (privileged
 *   callers: how the control domain maps a guest's memory into its own
 *   tables), or DOMID_IO (I/O memory); bits 16-31, when not zero, are the
 *   domain whose page tables are changed plus one (default: the caller).
 *   Upper-level entries need the two to be the same domain.
 *   Errors: -EINVAL (bad command or PTE), -EBUSY (a frame not the named
 *   owner's, or write access to a page table), -EPERM (a domain the caller
 *   may not act on, I/O memory it may not map), -EFAULT, -ESRCH (unknown
 *   domain, or the caller's own id).
 *   Example: u.ptr = pte_ma | MMU_NORMAL_PT_UPDATE; u.val = new;
 *            HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);
 *
 * long HYPERVISOR_set_gdt(const xen_pfn_t *frames, unsigned int entries)
 *   Install a GDT made of the given machine frames (at most 14 pages,
 *   entries < FIRST_RESERVED_GDT_ENTRY). The frames must be read-only in
 *   the guest and are validated as descriptor pages. Errors: -EINVAL.
 *
 * long HYPERVISOR_stack_switch(unsigned long ss, unsigned long sp)
 *   Set the kernel stack used when the hypervisor switches from user to
 *   kernel mode (the TSS.SP0 of a PV guest). Call it on every context
 *   switch. Returns 0. Example: HYPERVISOR_stack_switch(__KERNEL_DS, top);
 *
 * long HYPERVISOR_set_callbacks(unsigned long event, unsigned long failsafe,
 *                               unsigned long syscall)
 *   Old form of CALLBACKOP_register for the three main entry points.
 *
 * long HYPERVISOR_fpu_taskswitch(int set)
 *   set != 0 sets CR0.TS for the vCPU (the next FPU use traps with #NM),
 *   0 clears it. Returns 0.
 *
 * long HYPERVISOR_set_debugreg(int reg, unsigned long value)
 * unsigned long HYPERVISOR_get_debugreg(int reg)
 *   Write/read a virtual debug register DR0..DR7. -EINVAL for a bad
 *   register or a breakpoint address inside the hypervisor range.
 *
 * long HYPERVISOR_update_descriptor(uint64_t ma, uint64_t desc)
 *   Write one 8-byte descriptor at machine address `ma` inside a GDT/LDT
 *   page, after checking it. Errors: -EINVAL.
 *
 * long HYPERVISOR_multicall(multicall_entry_t *calls, unsigned int nr)
 *   Run several hypercalls in one entry (struct multicall_entry).
 *
 * long HYPERVISOR_update_va_mapping(unsigned long va, uint64_t pte,
 *                                   unsigned long flags)
 *   Replace the L1 entry that maps `va` in the current address space with
 *   `pte` (checked like MMU_NORMAL_PT_UPDATE), then flush as UVMF_* in
 *   `flags` says. The cheap way to change one mapping. Errors: -EINVAL,
 *   -EPERM. Example: HYPERVISOR_update_va_mapping(va, pte, UVMF_INVLPG);
 *
 * long HYPERVISOR_update_va_mapping_otherdomain(unsigned long va,
 *                      uint64_t pte, unsigned long flags, domid_t dom)
 *   As above, with the new PTE mapping a frame of domain `dom`.
 *
 * long HYPERVISOR_set_timer_op(uint64_t timeout)
 *   Arm the vCPU's one-shot timer for absolute system time `timeout` (ns);
 *   0 cancels it. VIRQ_TIMER fires when it expires. Returns 0.
 *
 * long HYPERVISOR_console_io(int cmd, int count, char *buf)
 *   Write to (CONSOLEIO_write) or read from (CONSOLEIO_read) the
 *   hypervisor console. Write returns 0 (domU output is only shown when
 *   the hypervisor allows it); read returns the number of bytes read and
 *   is for the control domain only (-EPERM otherwise).
 *   Example: HYPERVISOR_console_io(CONSOLEIO_write, len, msg);
 *
 * long HYPERVISOR_vm_assist(unsigned int cmd, unsigned int type)
 *   Enable (VMASST_CMD_enable) or disable an optional behaviour
 *   (VMASST_TYPE_*). Errors: -EINVAL for an unknown or unsupported type.
 *   Example: HYPERVISOR_vm_assist(VMASST_CMD_enable,
 *                                 VMASST_TYPE_writable_pagetables);
 *
 * long HYPERVISOR_iret(void), HYPERVISOR_set_segment_base(...)
 *   See arch-x86_64.h.
 *
 * long HYPERVISOR_mmuext_op(struct mmuext_op *ops, unsigned int count,
 *                           unsigned int *done, domid_t foreign)
 *   Extended MMU operations (struct mmuext_op), same batching rules as
 *   mmu_update. `foreign` (DOMID_SELF, or another domain for privileged
 *   callers) owns the frames PIN/UNPIN/CLEAR_PAGE/COPY_PAGE act on; the
 *   other ops concern the caller and are -EPERM with another domain named.
 *   -ESRCH for an unknown domain or the caller's own id, -EPERM for a
 *   domain an unprivileged caller names.
 *
 * The remaining hypercalls take a sub-command and a pointer to an argument
 * structure; see the header named next to each.
 */
#define __HYPERVISOR_set_trap_table        0
#define __HYPERVISOR_mmu_update            1
#define __HYPERVISOR_set_gdt               2
#define __HYPERVISOR_stack_switch          3
#define __HYPERVISOR_set_callbacks         4
#define __HYPERVISOR_fpu_taskswitch        5
#define __HYPERVISOR_sched_op_compat       6  /* old form of sched_op */
#define __HYPERVISOR_platform_op           7  /* platform.h */
#define __HYPERVISOR_set_debugreg          8
#define __HYPERVISOR_get_debugreg          9
#define __HYPERVISOR_update_descriptor    10
#define __HYPERVISOR_memory_op            12  /* memory.h */
#define __HYPERVISOR_multicall            13
#define __HYPERVISOR_update_va_mapping    14
#define __HYPERVISOR_set_timer_op         15
#define __HYPERVISOR_event_channel_op_compat 16 /* old form, struct evtchn_op */
#define __HYPERVISOR_xen_version          17  /* version.h */
#define __HYPERVISOR_console_io           18
#define __HYPERVISOR_physdev_op_compat    19  /* old form, struct physdev_op */
#define __HYPERVISOR_grant_table_op       20  /* grant_table.h */
#define __HYPERVISOR_vm_assist            21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                 23  /* arch-x86_64.h */
#define __HYPERVISOR_vcpu_op              24  /* vcpu.h */
#define __HYPERVISOR_set_segment_base     25  /* arch-x86_64.h */
#define __HYPERVISOR_mmuext_op            26
#define __HYPERVISOR_xsm_op               27
#define __HYPERVISOR_nmi_op               28  /* nmi.h */
#define __HYPERVISOR_sched_op             29  /* sched.h */
#define __HYPERVISOR_callback_op          30  /* callback.h */
#define __HYPERVISOR_xenoprof_op          31
#define __HYPERVISOR_event_channel_op     32  /* event_channel.h */
#define __HYPERVISOR_physdev_op           33  /* physdev.h */
#define __HYPERVISOR_hvm_op               34
#define __HYPERVISOR_sysctl               35
#define __HYPERVISOR_domctl               36
#define __HYPERVISOR_kexec_op             37
#define __HYPERVISOR_tmem_op              38
#define __HYPERVISOR_argo_op              39
#define __HYPERVISOR_xenpmu_op            40
#define __HYPERVISOR_dm_op                41
#define __HYPERVISOR_hypfs_op             42

/* Numbers reserved for architecture-specific hypercalls. */
#define __HYPERVISOR_arch_0               48
#define __HYPERVISOR_arch_1               49
#define __HYPERVISOR_arch_2               50
#define __HYPERVISOR_arch_3               51
#define __HYPERVISOR_arch_4               52
#define __HYPERVISOR_arch_5               53
#define __HYPERVISOR_arch_6               54
#define __HYPERVISOR_arch_7               55

/*
 * Virtual interrupts, bound to event channels with EVTCHNOP_bind_virq.
 * "per vCPU" ones are bound once per vCPU; "global" ones once per domain
 * and mostly only mean something to the control domain.
 */
#define VIRQ_TIMER      0  /* per vCPU: timer expired or time values updated */
#define VIRQ_DEBUG      1  /* per vCPU: request to dump debug state */
#define VIRQ_CONSOLE    2  /* global, dom0: input on the hypervisor console */
#define VIRQ_DOM_EXC    3  /* global, dom0: some domain crashed or shut down */
#define VIRQ_TBUF       4  /* global, dom0: trace buffer has records */
#define VIRQ_DEBUGGER   6  /* global, dom0: a domain paused for debugging */
#define VIRQ_XENOPROF   7  /* per vCPU: profiling sample available */
#define VIRQ_CON_RING   8  /* global, dom0: hypervisor console ring has data */
#define VIRQ_PCPU_STATE 9  /* global, dom0: a physical CPU changed state */
#define VIRQ_MEM_EVENT  10 /* global, dom0: a memory event occurred */
#define VIRQ_ARGO       11 /* global: Argo message notification */
#define VIRQ_ENOMEM     12 /* global, dom0: hypervisor heap is low */
#define VIRQ_XENPMU     13 /* per vCPU: performance counter interrupt */

#define VIRQ_ARCH_0    16
#define VIRQ_ARCH_1    17
#define VIRQ_ARCH_2    18
#define VIRQ_ARCH_3    19
#define VIRQ_ARCH_4    20
#define VIRQ_ARCH_5    21
#define VIRQ_ARCH_6    22
#define VIRQ_ARCH_7    23

#define NR_VIRQS       24

/*
 * mmu_update commands, carried in the low 2 bits of mmu_update.ptr (the
 * address is 8-byte aligned, so those bits are free).
 *   MMU_NORMAL_PT_UPDATE: ptr = MA of a PTE in a page-table page the
 *     caller owns; val = new PTE (frame field is an mfn). The hypervisor
 *     checks the new entry: mapped frames must belong to the caller (or to
 *     `foreign`), page tables may only be mapped read-only, and a PTE that
 *     points at another page-table page is typed/validated for that level.
 *   MMU_MACHPHYS_UPDATE: ptr = MA of a frame the caller owns; val = pfn.
 *     Sets machine_to_phys_mapping[ptr >> 12] = val.
 *   MMU_PT_UPDATE_PRESERVE_AD: like NORMAL, but the Accessed/Dirty bits
 *     already in the entry are kept (atomic read-modify-write).
 *   MMU_PT_UPDATE_NO_TRANSLATE: like NORMAL; val is never translated
 *     (only differs for translated guests).
 */
#define MMU_NORMAL_PT_UPDATE       0
#define MMU_MACHPHYS_UPDATE        1
#define MMU_PT_UPDATE_PRESERVE_AD  2
#define MMU_PT_UPDATE_NO_TRANSLATE 3

/*
 * struct mmu_update: one request for HYPERVISOR_mmu_update.
 *   ptr (IN) - machine address with the MMU_* command in bits 0-1;
 *   val (IN) - new PTE value or pfn, depending on the command.
 * Ordering: requests apply in array order; each sees the effect of the
 * earlier ones. A guest batching PTE writes must flush TLBs itself
 * (MMUEXT_TLB_FLUSH_* or MMUEXT_INVLPG_*) after the batch.
 * Example: { .ptr = ma | MMU_NORMAL_PT_UPDATE, .val = pte }
 */
struct mmu_update {
    uint64_t ptr;
    uint64_t val;
};
typedef struct mmu_update mmu_update_t;
DEFINE_XEN_GUEST_HANDLE(mmu_update_t);

/*
 * mmuext_op commands (struct mmuext_op.cmd). Arguments in brackets.
 *   PIN_Ln_TABLE [mfn]   validate the frame as a level-n page table and
 *                        keep it typed until UNPIN (saves revalidation).
 *                        -EINVAL if it is not a valid Ln table.
 *   UNPIN_TABLE [mfn]    drop the pin.
 *   NEW_BASEPTR [mfn]    load a (pinned or validatable) L4 as kernel CR3.
 *   NEW_USER_BASEPTR [mfn] set the L4 used while in user mode (0 = none).
 *   TLB_FLUSH_LOCAL      flush this vCPU's TLB.
 *   INVLPG_LOCAL [linear_addr] flush one address on this vCPU.
 *   TLB_FLUSH_MULTI / INVLPG_MULTI [vcpumask (+linear_addr)] on the vCPUs
 *                        in the bitmap.
 *   TLB_FLUSH_ALL / INVLPG_ALL [linear_addr] on all vCPUs of the domain.
 *   FLUSH_CACHE          WBINVD on this CPU (needs hardware access).
 *   FLUSH_CACHE_GLOBAL   WBINVD everywhere the domain ran.
 *   SET_LDT [linear_addr, nr_ents] install an LDT (page aligned address).
 *   CLEAR_PAGE [mfn]     zero a frame the caller owns.
 *   COPY_PAGE [mfn, src_mfn] copy src_mfn into mfn.
 *   MARK_SUPER / UNMARK_SUPER [mfn] superpage bookkeeping (obsolete).
 */
#define MMUEXT_PIN_L1_TABLE      0
#define MMUEXT_PIN_L2_TABLE      1
#define MMUEXT_PIN_L3_TABLE      2
#define MMUEXT_PIN_L4_TABLE      3
#define MMUEXT_UNPIN_TABLE       4
#define MMUEXT_NEW_BASEPTR       5
#define MMUEXT_TLB_FLUSH_LOCAL   6
#define MMUEXT_INVLPG_LOCAL      7
#define MMUEXT_TLB_FLUSH_MULTI   8
#define MMUEXT_INVLPG_MULTI      9
#define MMUEXT_TLB_FLUSH_ALL    10
#define MMUEXT_INVLPG_ALL       11
#define MMUEXT_FLUSH_CACHE      12
#define MMUEXT_SET_LDT          13
#define MMUEXT_NEW_USER_BASEPTR 15
#define MMUEXT_CLEAR_PAGE       16
#define MMUEXT_COPY_PAGE        17
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER       19
#define MMUEXT_UNMARK_SUPER     20

/*
 * struct mmuext_op: one request for HYPERVISOR_mmuext_op (all IN).
 *   cmd  - MMUEXT_*;
 *   arg1 - mfn or linear_addr, as listed above;
 *   arg2 - nr_ents (SET_LDT), vcpumask (a guest bitmap of vCPU ids, for
 *          *_MULTI) or src_mfn (COPY_PAGE).
 * Errors as for mmu_update; processing stops at the first failing op.
 * Example: { .cmd = MMUEXT_PIN_L4_TABLE, .arg1.mfn = pgd_mfn }
 */
struct mmuext_op {
    unsigned int cmd;
    union {
        xen_pfn_t     mfn;
        unsigned long linear_addr;
    } arg1;
    union {
        unsigned int nr_ents;
        XEN_GUEST_HANDLE(const_void) vcpumask;
        xen_pfn_t src_mfn;
    } arg2;
};
typedef struct mmuext_op mmuext_op_t;
DEFINE_XEN_GUEST_HANDLE(mmuext_op_t);

/*
 * Flags for update_va_mapping: a flush type ORed with a scope. For
 * UVMF_MULTI, OR in the guest address of a vCPU bitmap instead of a scope
 * (the bitmap is pointer-aligned, so the low bits stay free). UVMF_LOCAL
 * is UVMF_MULTI with no bitmap: this vCPU only.
 */
#define UVMF_NONE           (0UL << 0)  /* no flush */
#define UVMF_TLB_FLUSH      (1UL << 0)  /* flush whole TLB(s) */
#define UVMF_INVLPG         (2UL << 0)  /* flush only the changed address */
#define UVMF_FLUSHTYPE_MASK (3UL << 0)
#define UVMF_MULTI          (0UL << 2)  /* vCPUs in the bitmap */
#define UVMF_LOCAL          (0UL << 2)  /* this vCPU */
#define UVMF_ALL            (1UL << 2)  /* all vCPUs of the domain */

/* HYPERVISOR_console_io commands. */
#define CONSOLEIO_write         0
#define CONSOLEIO_read          1

/* HYPERVISOR_vm_assist commands and types. */
#define VMASST_CMD_enable                0
#define VMASST_CMD_disable               1
/* 32-bit guests only; not available to 64-bit PV guests. */
#define VMASST_TYPE_4gb_segments         0
#define VMASST_TYPE_4gb_segments_notify  1
/*
 * The guest may write its L1 page-table entries with ordinary stores. The
 * hypervisor write-protects page tables, traps the write, checks the new
 * entry and applies it (Linux relies on this).
 */
#define VMASST_TYPE_writable_pagetables  2
/* 32-bit PAE guests only. */
#define VMASST_TYPE_pae_extended_cr3     3
/* IOPL follows the real EFLAGS.IOPL semantics (PHYSDEVOP_set_iopl ignored). */
#define VMASST_TYPE_architectural_iopl   4
/* Set XEN_RUNSTATE_UPDATE in state_entry_time while runstate is updated. */
#define VMASST_TYPE_runstate_update_flag 5
/* M2P entries of frames the guest does not own read as invalid. */
#define VMASST_TYPE_m2p_strict           32

/*
 * Domain ids. Ordinary domains use 0..DOMID_FIRST_RESERVED-1; the values
 * above it have special meanings where an interface accepts them.
 */
#define DOMID_FIRST_RESERVED 0x7FF0U
#define DOMID_SELF           0x7FF0U  /* the calling domain */
#define DOMID_IO             0x7FF1U  /* owner of I/O memory (dom0 maps via foreign) */
#define DOMID_XEN            0x7FF2U  /* owner of hypervisor pages shared with guests */
#define DOMID_COW            0x7FF3U  /* owner of shared copy-on-write pages */
#define DOMID_INVALID        0x7FF4U  /* no owner / unknown */
#define DOMID_IDLE           0x7FFFU  /* the idle domain */
#define DOMID_MASK           0x7FFFU  /* mask for valid domain id values */

typedef uint16_t domid_t;

/*
 * struct multicall_entry: one call inside HYPERVISOR_multicall.
 *   op      (IN)  - __HYPERVISOR_* number;
 *   args    (IN)  - up to six arguments, as they would be in registers;
 *   result  (OUT) - the call's return value.
 * Calls run in array order. The multicall itself returns 0 once all
 * entries ran (each failure is only reported in its `result`), or
 * -EFAULT if the array cannot be read or written back. Calls that do not
 * return to their caller (iret) make no sense inside a batch.
 * Example: mc[0].op = __HYPERVISOR_update_va_mapping; mc[0].args[0] = va;
 *          ...; HYPERVISOR_multicall(mc, n);
 */
struct multicall_entry {
    xen_ulong_t op, result;
    xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;
DEFINE_XEN_GUEST_HANDLE(multicall_entry_t);

/*
 * struct vcpu_time_info: per-vCPU time base, written by the hypervisor,
 * read by the guest (pvclock). Read protocol, like a seqlock:
 *   do { v = version; rmb(); read fields; rmb(); } while ((v & 1) || v != version);
 * Current system time in ns since boot:
 *   system_time + ((((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32)
 * (a negative tsc_shift shifts right).
 *   flags - XEN_PVCLOCK_* bits.
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;     /* TSC at the last update */
    uint64_t system_time;       /* ns since boot at tsc_timestamp */
    uint32_t tsc_to_system_mul; /* 32.32 fixed-point ns per (shifted) tick */
    int8_t   tsc_shift;
    uint8_t  flags;
    uint8_t  pad1[2];
};
typedef struct vcpu_time_info vcpu_time_info_t;

#define XEN_PVCLOCK_TSC_STABLE_BIT     (1 << 0)  /* TSC is the same on all CPUs */
#define XEN_PVCLOCK_GUEST_STOPPED      (1 << 1)  /* vCPU was paused */

/*
 * struct vcpu_info: per-vCPU event and time state, 64 bytes. The first
 * XEN_LEGACY_MAX_VCPUS live in shared_info; VCPUOP_register_vcpu_info
 * moves one anywhere in guest memory.
 *   evtchn_upcall_pending - set by the hypervisor when an event is
 *       pending for this vCPU. The guest clears it before scanning
 *       evtchn_pending_sel, so an event arriving during the scan is
 *       never lost.
 *   evtchn_upcall_mask - the guest's "interrupts disabled" flag: while
 *       non-zero no upcall is delivered. Only the vCPU itself writes it,
 *       so no locked instructions are needed. Blocking (SCHEDOP_block)
 *       clears it.
 *   evtchn_pending_sel - 2-level ABI: bit i set means word i of
 *       shared_info.evtchn_pending has a pending, unmasked port. The guest
 *       clears it with an atomic exchange.
 *   arch - cr2 for page faults.
 *   time - this vCPU's time base.
 */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    xen_ulong_t evtchn_pending_sel;
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};
typedef struct vcpu_info vcpu_info_t;

/*
 * struct shared_info: one page shared by the hypervisor and the guest,
 * found through start_info.shared_info (a machine address the guest maps).
 *   vcpu_info      - state of vCPUs 0..31.
 *   evtchn_pending - 2-level ABI: one bit per port, set by the hypervisor
 *                    when the port fires, cleared by the guest.
 *   evtchn_mask    - one bit per port, owned by the guest: while set, the
 *                    port does not raise an upcall. A port that becomes
 *                    pending while masked gets no upcall when unmasked
 *                    with a plain store; use EVTCHNOP_unmask (or re-check
 *                    pending) to avoid losing it.
 *   wc_version, wc_sec, wc_nsec, wc_sec_hi - wall-clock time at system
 *                    time 0 (seconds = wc_sec | wc_sec_hi << 32); read with
 *                    the same version protocol as vcpu_time_info.
 *   arch           - x86 p2m and NMI fields.
 */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;
#define xen_wc_sec_hi wc_sec_hi

/*
 * struct start_info: the page a PV guest finds in %rsi at its entry point.
 * The domain builder maps it, together with the kernel, initrd, initial
 * page tables, p2m list and a small stack, in the initial virtual mapping.
 * Filled on boot and on resume:
 *   magic        - "xen-3.0-x86_64" (NUL padded);
 *   nr_pages     - pages given to the domain;
 *   shared_info  - MA of the shared_info page;
 *   flags        - SIF_*;
 *   store_mfn, store_evtchn - xenstore ring page and its event channel;
 *   console      - domU: console ring page (io/console.h) and event
 *                  channel; dom0: offset/size of a dom0_vga_console_info
 *                  inside this page (0 if none).
 * Filled on boot only:
 *   pt_base      - VA of the initial L4 page table;
 *   nr_pt_frames - number of frames of initial page tables;
 *   mfn_list     - VA of the p2m list (pfn -> mfn, nr_pages entries);
 *   mod_start, mod_len - VA (or pfn with SIF_MOD_START_PFN) and length of
 *                  the initrd, 0 if none;
 *   cmd_line     - NUL-terminated kernel command line;
 *   first_p2m_pfn, nr_p2m_frames - pfn range of the p2m list when it is
 *                  placed outside the initial mapping (else 0).
 */
#define MAX_GUEST_CMDLINE 1024
struct start_info {
    char magic[32];
    unsigned long nr_pages;
    unsigned long shared_info;
    uint32_t flags;
    xen_pfn_t store_mfn;
    uint32_t store_evtchn;
    union {
        struct {
            xen_pfn_t mfn;
            uint32_t  evtchn;
        } domU;
        struct {
            uint32_t info_off;
            uint32_t info_size;
        } dom0;
    } console;
    unsigned long pt_base;
    unsigned long nr_pt_frames;
    unsigned long mfn_list;
    unsigned long mod_start;
    unsigned long mod_len;
    int8_t cmd_line[MAX_GUEST_CMDLINE];
    unsigned long first_p2m_pfn;
    unsigned long nr_p2m_frames;
};
typedef struct start_info start_info_t;

/* start_info.flags */
#define SIF_PRIVILEGED      (1 << 0)  /* domain may use privileged hypercalls */
#define SIF_INITDOMAIN      (1 << 1)  /* this is the initial control domain */
#define SIF_MULTIBOOT_MOD   (1 << 2)  /* mod_start is a xen_multiboot_mod_list */
#define SIF_MOD_START_PFN   (1 << 3)  /* mod_start is a pfn, not a VA */
#define SIF_VIRT_P2M_4TOOLS (1 << 4)  /* tools understand a virtually mapped p2m */
#define SIF_PM_MASK         (0xFF << 8) /* reserved for power-management options */

/*
 * struct xen_multiboot_mod_list: with SIF_MULTIBOOT_MOD the module at
 * mod_start is a package of several modules. It begins with an array of
 * these descriptors, ended by one with mod_start == 0; all addresses in
 * them are offsets from the start of the package.
 */
struct xen_multiboot_mod_list {
    uint32_t mod_start;  /* first byte */
    uint32_t mod_end;    /* last byte, inclusive */
    uint32_t cmdline;    /* NUL-terminated command line */
    uint32_t pad;        /* zero */
};

/*
 * dom0_vga_console_info: what the boot console of the machine looks like,
 * so dom0 can take it over. Found at start_info.console.dom0.info_off.
 *   video_type - XEN_VGATYPE_*; the matching union member is valid.
 */
typedef struct dom0_vga_console_info {
    uint8_t video_type;
#define XEN_VGATYPE_TEXT_MODE_3 0x03
#define XEN_VGATYPE_VESA_LFB    0x23
#define XEN_VGATYPE_EFI_LFB     0x70
    union {
        struct {
            uint16_t font_height;        /* pixels */
            uint16_t cursor_x, cursor_y; /* column, row */
            uint16_t rows, columns;
        } text_mode_3;
        struct {
            uint16_t width, height;      /* pixels */
            uint16_t bytes_per_line;
            uint16_t bits_per_pixel;
            uint32_t lfb_base;           /* low 32 bits of the frame buffer address */
            uint32_t lfb_size;           /* in 64 KiB units */
            uint8_t  red_pos, red_size;
            uint8_t  green_pos, green_size;
            uint8_t  blue_pos, blue_size;
            uint8_t  rsvd_pos, rsvd_size;
            uint32_t gbl_caps;           /* VBE capabilities */
            uint16_t mode_attrs;         /* VBE mode attributes */
            uint16_t pad;
            uint32_t ext_lfb_base;       /* high 32 bits of lfb_base */
        } vesa_lfb;
    } u;
} dom0_vga_console_info_t;
#define xen_vga_console_info   dom0_vga_console_info
#define xen_vga_console_info_t dom0_vga_console_info_t

/* A domain's 16-byte handle (UUID as set by the toolstack). */
typedef uint8_t xen_domain_handle_t[16];

/* A UUID in byte order. */
typedef struct {
    uint8_t a[16];
} xen_uuid_t;

#endif /* MICA_PUBLIC_XEN_H */
