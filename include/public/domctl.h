/* SPDX-License-Identifier: MIT */
/*
 * domctl.h - HYPERVISOR_domctl: the control domain manages other domains.
 *
 * long HYPERVISOR_domctl(struct xen_domctl *op)
 *   The caller fills cmd, interface_version, domain and the union member
 *   that belongs to cmd; the hypervisor reads the whole 144-byte structure,
 *   acts, and (for the operations that say "OUT") writes it back.
 *
 * Only the control domain (dom0) may call it. The checks come in this
 * order, as on Xen, so an error tells which stage refused:
 *   -EFAULT   op cannot be read (or written back);
 *   -EACCES   interface_version is not XEN_DOMCTL_INTERFACE_VERSION;
 *   -ESRCH    `domain` names no existing domain (not for createdomain;
 *             getdomaininfo has its own rule, see there). DOMID_SELF is
 *             not resolved: a domctl always names its target by number;
 *   -EPERM    the caller is not the control domain;
 *   -ENOSYS   cmd is unknown or not implemented by Mica;
 * and then the errors of the operation itself.
 *
 * The structures are Xen 4.17's byte for byte (interface version 0x15),
 * so Xen's own toolstack libraries could drive Mica; only the operations
 * a PV toolstack needs are defined here. Fields are plain fixed-width
 * types: this header compiles in the hypervisor and in userland alike.
 *
 * Example (pause domain 5):
 *   struct xen_domctl op = { .cmd = XEN_DOMCTL_pausedomain,
 *       .interface_version = XEN_DOMCTL_INTERFACE_VERSION, .domain = 5 };
 *   HYPERVISOR_domctl(&op);   (from dom0 userland: privcmd's hypercall ioctl)
 */
#ifndef MICA_PUBLIC_DOMCTL_H
#define MICA_PUBLIC_DOMCTL_H

#include "xen.h"

#define XEN_DOMCTL_INTERFACE_VERSION 0x00000015

/*
 * 64-bit fields of control structures are 8-byte aligned on every
 * architecture (Xen uses these names so 32-bit tools agree with a 64-bit
 * hypervisor). On x86_64 they are the plain types; a userland program may
 * define them itself before including this header.
 */
#ifndef uint64_aligned_t
#define uint64_aligned_t uint64_t
#endif
#ifndef int64_aligned_t
#define int64_aligned_t int64_t
#endif
#ifndef XEN_GUEST_HANDLE_64
#define XEN_GUEST_HANDLE_64(name) XEN_GUEST_HANDLE(name)
#endif

/*
 * Command numbers (xen_domctl.cmd). The gaps are numbers Xen retired.
 * Mica implements: createdomain, destroydomain, pausedomain,
 * unpausedomain, getdomaininfo, max_mem, setvcpucontext, getvcpucontext,
 * getvcpuinfo, max_vcpus, scheduler_op, setdomainhandle, iomem_permission,
 * ioport_permission, hypercall_init, settimeoffset, set_address_size,
 * get_address_size. All other numbers answer -ENOSYS (after the common
 * checks above).
 */
#define XEN_DOMCTL_createdomain                   1
#define XEN_DOMCTL_destroydomain                  2
#define XEN_DOMCTL_pausedomain                    3
#define XEN_DOMCTL_unpausedomain                  4
#define XEN_DOMCTL_getdomaininfo                  5
#define XEN_DOMCTL_setvcpuaffinity                9
#define XEN_DOMCTL_shadow_op                     10
#define XEN_DOMCTL_max_mem                       11
#define XEN_DOMCTL_setvcpucontext                12
#define XEN_DOMCTL_getvcpucontext                13
#define XEN_DOMCTL_getvcpuinfo                   14
#define XEN_DOMCTL_max_vcpus                     15
#define XEN_DOMCTL_scheduler_op                  16
#define XEN_DOMCTL_setdomainhandle               17
#define XEN_DOMCTL_setdebugging                  18
#define XEN_DOMCTL_irq_permission                19
#define XEN_DOMCTL_iomem_permission              20
#define XEN_DOMCTL_ioport_permission             21
#define XEN_DOMCTL_hypercall_init                22
#define XEN_DOMCTL_settimeoffset                 24
#define XEN_DOMCTL_getvcpuaffinity               25
#define XEN_DOMCTL_resumedomain                  27
#define XEN_DOMCTL_sendtrigger                   28
#define XEN_DOMCTL_subscribe                     29
#define XEN_DOMCTL_set_address_size              35
#define XEN_DOMCTL_get_address_size              36
#define XEN_DOMCTL_set_ext_vcpucontext           42
#define XEN_DOMCTL_get_ext_vcpucontext           43
#define XEN_DOMCTL_set_target                    46
#define XEN_DOMCTL_gettscinfo                    59
#define XEN_DOMCTL_settscinfo                    60
#define XEN_DOMCTL_getpageframeinfo3             61
#define XEN_DOMCTL_setvcpuextstate               62
#define XEN_DOMCTL_getvcpuextstate               63
#define XEN_DOMCTL_set_virq_handler              66
#define XEN_DOMCTL_get_vcpu_msrs                 72
#define XEN_DOMCTL_set_vcpu_msrs                 73
#define XEN_DOMCTL_soft_reset                    79
#define XEN_DOMCTL_get_cpu_policy                82
#define XEN_DOMCTL_set_cpu_policy                83

/*
 * struct xen_arch_domainconfig: x86 emulation choices for a new domain.
 * A PV domain may ask for one emulated device: emulation_flags is 0 or
 * XEN_X86_EMU_PIT (PIT channel 2 and port 0x61, which the hardware domain
 * always gets; arch/x86/pv/vpit.c). The other XEN_X86_EMU_* are HVM
 * devices (-EOPNOTSUPP), unknown bits -EINVAL, as on Xen. misc_flags may hold XEN_X86_MSR_RELAXED, which Mica
 * accepts and ignores (its PV MSR emulation already answers unknown
 * reads with 0). Reported back unchanged by getdomaininfo.
 */
#define XEN_X86_EMU_LAPIC           (1U << 0)
#define XEN_X86_EMU_HPET            (1U << 1)
#define XEN_X86_EMU_PM              (1U << 2)
#define XEN_X86_EMU_RTC             (1U << 3)
#define XEN_X86_EMU_IOAPIC          (1U << 4)
#define XEN_X86_EMU_PIC             (1U << 5)
#define XEN_X86_EMU_VGA             (1U << 6)
#define XEN_X86_EMU_IOMMU           (1U << 7)
#define XEN_X86_EMU_PIT             (1U << 8)
#define XEN_X86_EMU_USE_PIRQ        (1U << 9)
#define XEN_X86_EMU_VPCI            (1U << 10)
#define XEN_X86_MSR_RELAXED         (1U << 0)
struct xen_arch_domainconfig {
    uint32_t emulation_flags;
    uint32_t misc_flags;
};

/*
 * XEN_DOMCTL_createdomain (struct xen_domctl_createdomain, IN; the chosen
 * id is written back into xen_domctl.domain, OUT).
 *   xen_domctl.domain: 0 or >= DOMID_FIRST_RESERVED = "pick one": the
 *     next free id after the last one picked, wrapping round (Xen moves on
 *     even for a request it then refuses, Mica only for one it accepts, so
 *     the two differ after a failed request); otherwise exactly
 *     that id (-EEXIST if it is in use; Mica: -EINVAL beyond its table of
 *     64 domains).
 *   ssidref: security label, ignored (no XSM policy).
 *   handle: the domain's UUID, reported by getdomaininfo.
 *   flags: XEN_DOMCTL_CDF_*. Mica builds PV domains only: hvm, hap,
 *     nested_virt, vpmu, iommu and s3_integrity are -EINVAL (Xen with
 *     hardware virtualisation may accept hvm); oos_off and xs_domain are
 *     accepted and have no effect. Unknown flags: -EINVAL.
 *   iommu_opts: must be 0 (-EINVAL).
 *   max_vcpus: 1..the hypervisor's per-domain limit (Mica: 32), else -EINVAL.
 *   max_evtchn_port, max_grant_frames, max_maptrack_frames: limits;
 *     Mica uses its fixed per-domain limits and ignores these (negative
 *     grant limits mean "default" on Xen too).
 *   grant_opts: XEN_DOMCTL_GRANT_version(v) = the highest grant-table
 *     version the guest may choose; 0 is taken as "default".
 *   vmtrace_size: must be 0 (-EINVAL). cpupool_id: must be 0 (-ENOENT).
 *   arch: see struct xen_arch_domainconfig (emulation_flags other than 0
 *     or XEN_X86_EMU_PIT: -EOPNOTSUPP; unknown bits -EINVAL).
 * The new domain has no memory (tot_pages 0, max_pages 0) and no shutdown
 * code (getdomaininfo's flags carry ~0 in bits 16-31, as on Xen), it is
 * paused once by the controller, and it has no vCPUs until
 * XEN_DOMCTL_max_vcpus: the toolstack calls max_vcpus, builds it, then
 * XEN_DOMCTL_unpausedomain. Errors (beyond the common ones): -EEXIST,
 * -EINVAL, -EOPNOTSUPP, -ENOENT (cpupool), -ENOMEM (no memory or no free
 * id).
 */
#define XEN_DOMCTL_CDF_hvm            (1U << 0)
#define XEN_DOMCTL_CDF_hap            (1U << 1)
#define XEN_DOMCTL_CDF_s3_integrity   (1U << 2)
#define XEN_DOMCTL_CDF_oos_off        (1U << 3)
#define XEN_DOMCTL_CDF_xs_domain      (1U << 4)
#define XEN_DOMCTL_CDF_iommu          (1U << 5)
#define XEN_DOMCTL_CDF_nested_virt    (1U << 6)
#define XEN_DOMCTL_CDF_vpmu           (1U << 7)
#define XEN_DOMCTL_GRANT_version_mask 0xf
#define XEN_DOMCTL_GRANT_version(v)   ((v) & XEN_DOMCTL_GRANT_version_mask)
struct xen_domctl_createdomain {
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t flags;
    uint32_t iommu_opts;
    uint32_t max_vcpus;
    uint32_t max_evtchn_port;
    int32_t max_grant_frames;
    int32_t max_maptrack_frames;
    uint32_t grant_opts;
    uint32_t vmtrace_size;
    uint32_t cpupool_id;
    struct xen_arch_domainconfig arch;
};

/*
 * XEN_DOMCTL_getdomaininfo (struct xen_domctl_getdomaininfo, all OUT).
 *   Which domain: the one named by xen_domctl.domain if it exists;
 *   otherwise (Xen 4.17's rule, kept) the existing domain with the next
 *   higher id, and xen_domctl.domain is rewritten to that id. -ESRCH when
 *   there is none above; -EINVAL for ids >= DOMID_FIRST_RESERVED that do
 *   not exist (DOMID_SELF included). A caller that wants exactly one
 *   domain compares the returned `domain` with the id it asked for.
 *   domain: its id.  flags: XEN_DOMINF_* below, and from bit 16 up the
 *     shutdown code shifted whole (SHUTDOWN_* once a reason was given,
 *     before that ~0, so 0xffff in bits 16-31): read it as
 *     (flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask.
 *     blocked/running are only reported while some vCPU is up: blocked
 *     when every up vCPU waits for an event, running when one is on a CPU.
 *     paused = paused by the controller (pausedomain, or created paused).
 *   tot_pages: pages the domain owns; max_pages: its limit (max_mem).
 *   outstanding_pages, shr_pages, paged_pages: always 0 on Mica.
 *   shared_info_frame: machine frame of the domain's shared_info page.
 *   cpu_time: ns its vCPUs have spent running, summed.
 *   nr_online_vcpus: vCPUs up; max_vcpu_id: highest vCPU id that exists
 *     (XEN_INVALID_MAX_VCPU_ID if none: before XEN_DOMCTL_max_vcpus).
 *   ssidref 0, handle as set, cpupool 0, gpaddr_bits 0 (PV: no guest-
 *   physical address space), arch_config as given at creation.
 */
#define XEN_DOMINF_dying        (1U << 0)
#define XEN_DOMINF_hvm_guest    (1U << 1)
#define XEN_DOMINF_shutdown     (1U << 2)
#define XEN_DOMINF_paused       (1U << 3)
#define XEN_DOMINF_blocked      (1U << 4)
#define XEN_DOMINF_running      (1U << 5)
#define XEN_DOMINF_debugged     (1U << 6)
#define XEN_DOMINF_xs_domain    (1U << 7)
#define XEN_DOMINF_hap          (1U << 8)
#define XEN_DOMINF_shutdownmask 255
#define XEN_DOMINF_shutdownshift 16
#define XEN_INVALID_MAX_VCPU_ID (~0U)
struct xen_domctl_getdomaininfo {
    domid_t  domain;
    uint16_t pad1;
    uint32_t flags;
    uint64_aligned_t tot_pages;
    uint64_aligned_t max_pages;
    uint64_aligned_t outstanding_pages;
    uint64_aligned_t shr_pages;
    uint64_aligned_t paged_pages;
    uint64_aligned_t shared_info_frame;
    uint64_aligned_t cpu_time;
    uint32_t nr_online_vcpus;
    uint32_t max_vcpu_id;
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t cpupool;
    uint8_t gpaddr_bits;
    uint8_t pad2[7];
    struct xen_arch_domainconfig arch_config;
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_getdomaininfo_t);

/*
 * XEN_DOMCTL_destroydomain (no argument): kill the domain: it is marked
 * dying at once, then every page, grant, event channel, timer and vCPU is
 * released and the id becomes free. Returns 0 when the domain is gone
 * (Mica: from the table at once; Xen may still show it, with
 * XEN_DOMINF_dying, until its last reference goes a moment later).
 * Errors: -EINVAL for the caller's own domain (and, on Mica, domain 0).
 */

/*
 * XEN_DOMCTL_pausedomain / XEN_DOMCTL_unpausedomain (no argument): the
 * controller's pause count. pausedomain adds one and returns once no vCPU
 * of the domain runs anywhere; unpausedomain takes one away, and the
 * vCPUs may run again when the count reaches 0 (and nothing else holds
 * them: down, blocked, shut down). A new domain starts with a count of 1.
 * Errors: pausedomain -EINVAL for the caller's own domain, -EOVERFLOW
 * beyond 255; unpausedomain -EINVAL when the controller's count is 0.
 */

/*
 * XEN_DOMCTL_max_mem (struct xen_domctl_max_mem, IN): set the domain's
 * page limit to max_memkb / 4. A limit below the current tot_pages is
 * allowed: the domain keeps its pages but gets no new ones until it is
 * under the limit again.
 */
struct xen_domctl_max_mem {
    uint64_aligned_t max_memkb;
};

/*
 * XEN_DOMCTL_setvcpucontext / XEN_DOMCTL_getvcpucontext
 * (struct xen_domctl_vcpucontext).
 *   vcpu (IN): vCPU id of the target domain (-EINVAL if none such).
 *   ctxt (IN for set, OUT for get): a struct vcpu_guest_context in the
 *     caller's memory.
 * set: give a vCPU its register state, the way VCPUOP_initialise does
 *   for the guest itself (same validation of the page tables, GDT, LDT,
 *   callbacks and addresses; -EINVAL when something is refused); for
 *   vCPU 0 also the domain's vm_assist bits. VGCF_online in flags brings
 *   the vCPU up (it runs once the domain is unpaused), its absence takes
 *   it down. The vCPU must exist (after XEN_DOMCTL_max_vcpus). A NULL
 *   ctxt is Xen's "reset vCPU", which Mica does not do (-EINVAL).
 *   -EINVAL for the caller's own domain.
 * get: the vCPU's current register state (the same format).
 *   -ENODATA if the vCPU was never initialised, -EINVAL for a vCPU that
 *   does not exist and (Mica) for any vCPU of the caller's own domain
 *   (Xen: only the calling vCPU).
 */
struct xen_domctl_vcpucontext {
    uint32_t vcpu;
    XEN_GUEST_HANDLE_64(vcpu_guest_context_t) ctxt;
};

/*
 * XEN_DOMCTL_getvcpuinfo (struct xen_domctl_getvcpuinfo).
 *   vcpu (IN): -EINVAL if >= the domain's max_vcpus, -ESRCH if that vCPU
 *   was not created. OUT: online (up), blocked (waiting for an event),
 *   running (on a CPU right now), cpu_time (ns spent running), cpu (the
 *   physical CPU it last ran on or is queued for).
 */
struct xen_domctl_getvcpuinfo {
    uint32_t vcpu;
    uint8_t  online;
    uint8_t  blocked;
    uint8_t  running;
    uint64_aligned_t cpu_time;
    uint32_t cpu;
};

/*
 * XEN_DOMCTL_max_vcpus (struct xen_domctl_max_vcpus, IN). On Xen 4.17 the
 * number of vCPUs is fixed by createdomain; this call only has to repeat
 * it (-EINVAL otherwise, or for the caller's own domain). Mica already
 * created the vCPUs in createdomain, so it only checks.
 */
struct xen_domctl_max_vcpus {
    uint32_t max;
};

/*
 * XEN_DOMCTL_scheduler_op (struct xen_domctl_scheduler_op).
 *   sched_id (IN): must be the running scheduler, XEN_SCHEDULER_CREDIT
 *     (see XEN_SYSCTL_sched_id), else -EINVAL.
 *   cmd (IN): XEN_DOMCTL_SCHEDOP_getinfo fills u.credit (OUT);
 *     XEN_DOMCTL_SCHEDOP_putinfo sets it from u.credit (IN):
 *     weight: relative share of CPU time (default 256; 0 means "leave
 *       unchanged"); cap: upper bound in percent of one CPU (0 = none).
 *       Values the scheduler refuses are -EINVAL.
 *     The per-vCPU commands are -EINVAL with the credit scheduler.
 *   The credit2/rtds members exist for layout only.
 */
#define XEN_SCHEDULER_CREDIT   5
#define XEN_SCHEDULER_CREDIT2  6
#define XEN_SCHEDULER_ARINC653 7
#define XEN_SCHEDULER_RTDS     8
#define XEN_SCHEDULER_NULL     9
#define XEN_DOMCTL_SCHEDOP_putinfo     0
#define XEN_DOMCTL_SCHEDOP_getinfo     1
#define XEN_DOMCTL_SCHEDOP_putvcpuinfo 2
#define XEN_DOMCTL_SCHEDOP_getvcpuinfo 3
#define XEN_DOMCTL_SCHEDRT_extra       (1U << 0)
struct xen_domctl_sched_credit {
    uint16_t weight;
    uint16_t cap;
};
struct xen_domctl_sched_credit2 {
    uint16_t weight;
    uint16_t cap;
};
struct xen_domctl_sched_rtds {
    uint32_t period;
    uint32_t budget;
    uint32_t flags;
};
typedef struct xen_domctl_schedparam_vcpu {
    union {
        struct xen_domctl_sched_credit credit;
        struct xen_domctl_sched_credit2 credit2;
        struct xen_domctl_sched_rtds rtds;
    } u;
    uint32_t vcpuid;
} xen_domctl_schedparam_vcpu_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_schedparam_vcpu_t);
struct xen_domctl_scheduler_op {
    uint32_t sched_id;
    uint32_t cmd;
    union {
        struct xen_domctl_sched_credit credit;
        struct xen_domctl_sched_credit2 credit2;
        struct xen_domctl_sched_rtds rtds;
        struct {
            XEN_GUEST_HANDLE_64(xen_domctl_schedparam_vcpu_t) vcpus;
            uint32_t nr_vcpus;
            uint32_t padding;
        } v;
    } u;
};

/* XEN_DOMCTL_setdomainhandle (IN): replace the domain's UUID. */
struct xen_domctl_setdomainhandle {
    xen_domain_handle_t handle;
};

/*
 * XEN_DOMCTL_iomem_permission (struct xen_domctl_iomem_permission, IN):
 * allow (allow_access != 0) or deny the domain mapping the machine frames
 * first_mfn .. first_mfn + nr_mfns - 1 (I/O memory). -EINVAL if the range
 * wraps, -EPERM if the caller itself may not access it (the interrupt
 * controllers' pages), -ENOSPC when the domain's small range list (16
 * ranges) is full. Mica records the grant; mapping I/O memory into a
 * domU does not consult it yet.
 */
struct xen_domctl_iomem_permission {
    uint64_aligned_t first_mfn;
    uint64_aligned_t nr_mfns;
    uint8_t  allow_access;
};

/*
 * XEN_DOMCTL_ioport_permission (struct xen_domctl_ioport_permission, IN):
 * allow or deny the domain the I/O ports first_port .. first_port +
 * nr_ports - 1 (a PV guest's IN/OUT, with its virtual IOPL allowing port
 * I/O, reach the hardware only for allowed ports, never Mica's own). -EINVAL
 * if the range is empty or ends beyond port 0xffff, -EPERM for an
 * unprivileged caller, -ENOSPC when the range list (16 ranges) is full.
 */
struct xen_domctl_ioport_permission {
    uint32_t first_port;
    uint32_t nr_ports;
    uint8_t  allow_access;
};

/*
 * XEN_DOMCTL_hypercall_init (struct xen_domctl_hypercall_init, IN): write
 * the hypercall page (the 32-byte stubs of xen.h) into frame gmfn of the
 * domain (for PV: a machine frame the domain owns that is not a page
 * table or descriptor page; -EINVAL otherwise).
 */
struct xen_domctl_hypercall_init {
    uint64_aligned_t gmfn;
};

/*
 * XEN_DOMCTL_settimeoffset (struct xen_domctl_settimeoffset, IN): the
 * domain's wallclock (shared_info wc_sec/wc_nsec) becomes the host's plus
 * time_offset_seconds, from now on.
 */
struct xen_domctl_settimeoffset {
    int64_aligned_t time_offset_seconds;
};

/*
 * XEN_DOMCTL_set_address_size / XEN_DOMCTL_get_address_size
 * (struct xen_domctl_address_size): the guest's word size in bits.
 * Mica runs 64-bit PV guests only: get answers 64, set accepts 64 and
 * refuses anything else (-EINVAL).
 */
struct xen_domctl_address_size {
    uint32_t size;
};

/*
 * struct xen_domctl: the argument of every domctl.
 *   cmd (IN), interface_version (IN), domain (IN, and OUT for
 *   createdomain and getdomaininfo); u holds the operation's structure
 *   and is padded to 128 bytes, so the whole is 144 bytes with u at
 *   offset 16.
 */
struct xen_domctl {
    uint32_t cmd;
    uint32_t interface_version;
    domid_t  domain;
    uint16_t _pad[3];
    union {
        struct xen_domctl_createdomain      createdomain;
        struct xen_domctl_getdomaininfo     getdomaininfo;
        struct xen_domctl_max_mem           max_mem;
        struct xen_domctl_vcpucontext       vcpucontext;
        struct xen_domctl_getvcpuinfo       getvcpuinfo;
        struct xen_domctl_max_vcpus         max_vcpus;
        struct xen_domctl_scheduler_op      scheduler_op;
        struct xen_domctl_setdomainhandle   setdomainhandle;
        struct xen_domctl_iomem_permission  iomem_permission;
        struct xen_domctl_ioport_permission ioport_permission;
        struct xen_domctl_hypercall_init    hypercall_init;
        struct xen_domctl_settimeoffset     settimeoffset;
        struct xen_domctl_address_size      address_size;
        uint8_t                             pad[128];
    } u;
};
typedef struct xen_domctl xen_domctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_t);

#endif /* MICA_PUBLIC_DOMCTL_H */
