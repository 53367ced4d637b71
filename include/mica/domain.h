/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains and virtual CPUs.
 */
#ifndef MICA_DOMAIN_H
#define MICA_DOMAIN_H

#include <public/xen.h>
#include <public/arch-x86_64.h>
#include <public/vcpu.h>
#include <mica/evtchn.h>
#include <mica/grant.h>
#include <mica/iocap.h>
#include <mica/page.h>
#include <mica/rcu.h>
#include <mica/sched_state.h>
#include <mica/spinlock.h>
#include <mica/types.h>
#include <mica/vpit.h>

#define MAX_VCPUS_PER_DOMAIN 32   /* XEN_LEGACY_MAX_VCPUS: vcpu_info in shared_info */
#define MAX_DOMAINS          64
#define SHUTDOWN_CODE_INVALID (~0u)
/* Hypervisor-internal "call me again" (Xen's ERESTART; never returned to a guest). */
#ifndef XEN_ERESTART
#define XEN_ERESTART 85
#endif

struct domain;

/* An exception or event to deliver to the guest on the way out. */
struct trap_bounce {
    uint32_t error_code;
    uint8_t flags;              /* TBF_* */
    uint64_t eip;               /* guest handler address */
};
#define TBF_EXCEPTION          1
#define TBF_EXCEPTION_ERRCODE  2
#define TBF_INTERRUPT          8  /* mask events on delivery */

#define PV_VMCE_BANKS 2                 /* machine-check banks a guest sees (Xen's) */

struct pv_vcpu {
    struct trap_info trap_ctxt[256];    /* virtual IDT from set_trap_table */
    uint64_t kernel_ss, kernel_sp;      /* guest kernel stack (stack_switch) */
    uint64_t event_callback_eip;
    uint64_t failsafe_callback_eip;
    uint64_t syscall_callback_eip;
    /* 32-bit user entries (traps.c); the NMI callback lives in trap_ctxt[2]. */
    uint64_t syscall32_callback_eip, sysenter_callback_eip;
    bool syscall32_disables_events, sysenter_disables_events;
    unsigned int vgc_flags;             /* VGCF_* (syscall/failsafe disables events) */
    uint64_t fs_base, gs_base_kernel, gs_base_user;
    uint32_t iopl;                      /* virtual IOPL in EFLAGS position */
    /* Debug registers as the guest set them (arch/x86/pv/debugreg.c). */
    uint64_t dr[4], dr6, dr7;
    bool fpu_ts;                        /* virtual CR0.TS (arch/x86/pv/fpu.c) */
    uint64_t xcr0;                      /* guest's XCR0, 0 = never set (fpu.c) */
    uint64_t cr2;                       /* virtual CR2 (ctrlreg.c, traps.c) */
    uint64_t cr4;                       /* guest-controlled CR4 bits (ctrlreg.c) */
    bool kernel_mode;                   /* guest kernel (true) or guest user */
    mfn_t guest_table;                  /* kernel-mode L4 frame */
    mfn_t guest_table_user;             /* user-mode L4 frame, or INVALID_MFN */
    /* Descriptor tables (arch/x86/pv/desc_tables.c). */
    mfn_t gdt_frames[14];               /* set_gdt frames (typed PGT_SEG_DESC), 0 = none */
    unsigned int gdt_ents;
    uint64_t ldt_base;                  /* guest linear address, from MMUEXT_SET_LDT */
    unsigned int ldt_ents;
    mfn_t ldt_frames[16];               /* LDT pages mapped in the vCPU's area, 0 = none */
    bool desc_area;                     /* GDT/LDT area set up: LGDT uses it */
    uint16_t saved_sel[4];              /* DS ES FS GS while not running (context.c) */
    /* Virtual machine-check registers (arch/x86/pv/vmce.c). */
    struct {
        uint64_t mcg_status;
        uint64_t bank[PV_VMCE_BANKS][3];        /* STATUS, ADDR, MISC */
        uint64_t ctl2[PV_VMCE_BANKS];
    } vmce;
};

struct vcpu {
    unsigned int vcpu_id;
    unsigned int processor;
    struct domain *domain;
    struct vcpu_info *vcpu_info;        /* in shared_info, or the guest's page */
    mfn_t vcpu_info_mfn;                /* that page (register_vcpu_info), or INVALID_MFN */
    struct pv_vcpu pv;
    struct trap_bounce trap_bounce;
    bool is_running;
    /* Scheduling (common/schedule.c): VPF_* flags, run queue, placement. */
    unsigned int pause_flags;
    bool on_runq, boosted, yielded;
    struct vcpu *runq_next, *placed_next;
    struct sched_vcpu sched;            /* credit, priority */
    bool initialised;                   /* has a context (builder or VCPUOP_initialise) */
    bool has_run;
    /* SCHEDOP_poll in progress: its timeout (0 = none). */
    bool polling;
    uint64_t poll_deadline;
    /* FPU register state while not running (arch/x86/pv/fpu.c), 64-byte aligned. */
    void *fpu_area;
    /* Timers (common/timer.c): absolute system-time deadlines in ns, 0 = off. */
    uint64_t singleshot_deadline;
    uint64_t periodic_period, periodic_next;
    bool timer_virq_due;                /* expired: send VIRQ_TIMER on the way out */
    struct cpu_user_regs user_regs;     /* saved frame while not running */
    /* Runstate accounting (common/runstate.c) and the guest's copy, 0 = none. */
    struct vcpu_runstate_info runstate;
    uint64_t runstate_guest;
    bool runstate_stale;                /* the guest's copy awaits kernel mode */
    struct rcu_head rcu;                /* freed a grace period after destruction (mica/rcu.h) */
};

struct domain {
    domid_t domain_id;
    bool is_privileged;
    /* Emulated port state (arch/x86/pv/ioport.c): CMOS index, PCI CONFIG_ADDRESS. */
    uint8_t cmos_idx;
    uint32_t pci_cf8;
    /* PIT channel 2 (arch/x86/pv/vpit.c), with XEN_X86_EMU_PIT. */
    struct vpit vpit;
    spinlock_t vpit_lock;
    bool is_dying;
    bool is_shutting_down;
    unsigned int pause_count;           /* paused by the toolstack/hypervisor */
    struct sched_domain sched;          /* weight, cap (common/schedule.c) */
    /* Control (common/domctl.c): the toolstack's own part of pause_count. */
    unsigned int controller_pause_count;
    bool vcpus_visible;                 /* XEN_DOMCTL_max_vcpus done (or built by Mica) */
    xen_domain_handle_t handle;         /* UUID set by the toolstack */
    uint32_t arch_emulation_flags, arch_misc_flags;   /* createdomain's arch config */
    int64_t time_offset_seconds;        /* XEN_DOMCTL_settimeoffset */
    struct iocap_list ioports, iomem;   /* domctl ioport/iomem_permission grants */
    unsigned int shutdown_code;         /* SHUTDOWN_*, or SHUTDOWN_CODE_INVALID until one is given */
    unsigned long vm_assist;            /* VMASST_TYPE_* bits */
    spinlock_t page_lock;
    spinlock_t domain_lock;             /* vCPU contexts (VCPUOP_initialise) */
    uint64_t tot_pages, max_pages;
    uint32_t page_list_head;            /* frames owned, linked through page_info */
    struct shared_info *shared_info;
    unsigned int max_vcpus;
    struct vcpu *vcpu[MAX_VCPUS_PER_DOMAIN];
    bool enosys_logged[64];             /* -ENOSYS hypercalls already reported */
    /* Event channels: the core's state (event/), its storage and lock. */
    struct evtchn_domain evtchn;
    struct evtchn_chan *evtchn_chans;
    struct evtchn_vcpu evtchn_vcpus[MAX_VCPUS_PER_DOMAIN];
    spinlock_t event_lock;
    /* Grant table: the core's state (grant/) and its lock (common/grant_table.c). */
    struct gnttab grant;
    spinlock_t grant_lock;
    char name[32];
    struct rcu_head rcu;        /* freed a grace period after unlinking (mica/rcu.h) */
};

/* The vCPU running on this CPU (NULL while idle). */
struct vcpu *current_vcpu(void);
void set_current_vcpu(struct vcpu *v);
#define current (current_vcpu())

/*
 * The domain table (common/domain.c). domain_create makes domain `id`
 * with its vCPUs (down, uninitialised) and shared_info, event channels and
 * grant table; NULL when the id is taken or out of range (>= MAX_DOMAINS)
 * or memory is short (nothing is left allocated then). domain_first /
 * domain_next walk the existing domains in increasing id order;
 * domain_find_from is the first domain with id >= `id` (NULL: none).
 * domain_free_id: an unused id >= 1 for a new domain, or DOMID_INVALID:
 * the first free one after the id it last handed out, wrapping round
 * (Xen's rolling counter), so a restarted guest gets a new id as on Xen.
 * domain_unlink: take d out of the table (its id becomes free); for the
 * last step of destruction. A domain found by lookup or walk stays valid
 * (if dying) until the hypercall that found it returns to its guest: the
 * struct and its vCPUs are freed a grace period after they are unlinked
 * (mica/rcu.h). Pointers to them must not be kept beyond that.
 * What domain_create allocates, for its undoing: the domain and each vCPU
 * structure (alloc_pages, order for their size), each vCPU's fpu_area (one
 * page), shared_info (one page, page_assign'ed to the domain), the event
 * channels (event_domain_init, with the pirq table of irq_domain_init), the
 * grant table (grant_domain_init) and each vCPU's place on a CPU
 * (sched_place_vcpu).
 */
struct domain *domain_create(domid_t id, bool privileged, unsigned int max_vcpus);
struct domain *domain_lookup(domid_t id);
struct domain *domain_find_from(unsigned int id);
struct domain *domain_first(void);
struct domain *domain_next(const struct domain *d);
domid_t domain_free_id(void);
void domain_unlink(struct domain *d);
/*
 * Pausing (common/domain.c, on the scheduler's sched_domain_pause/wake).
 * domain_pause: one more pause; returns when no vCPU of d runs on any CPU
 * (d must not be the caller's domain). domain_unpause: one less; at 0 the
 * vCPUs may run again. The _by_controller pair is the toolstack's
 * (XEN_DOMCTL_pausedomain/unpausedomain), counted separately as on Xen:
 * -EOVERFLOW beyond 255 pauses, -EINVAL for unpausing a domain the
 * controller has not paused.
 */
void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);
int domain_pause_by_controller(struct domain *d);
int domain_unpause_by_controller(struct domain *d);
/*
 * Destruction (common/domain_destroy.c): mark d dying and release all it
 * holds. 0 when d is gone from the table, -XEN_ERESTART when the caller
 * must call again (long teardown done in steps).
 */
int domain_kill(struct domain *d);
/*
 * A killed domain whose frames others still map (a foreign or grant
 * mapping) stays in the table, dying, until the last of them goes; its
 * id is taken until then, as on Xen. domain_reap_dead() frees such
 * domains once nothing holds them: call it where no lock is held (the
 * end of a hypercall that may have dropped the last reference).
 */
void domain_reap_dead(void);
/* Set the domain's VMASST_TYPE_* bits (those a 64-bit PV guest may have); -EINVAL otherwise. */
int domain_set_vm_assist(struct domain *d, unsigned long bits);
/* Take ownership of freshly allocated frames. */
void domain_add_page(struct domain *d, struct page_info *pg);
/*
 * Guest memory accounting (common/domain_page.c). Ordinary guest frames
 * are on their owner's page list (PGF_DOMAIN_LIST) and counted in
 * tot_pages; Mica's pages lent to a guest (shared_info, grant frames) are
 * not, and none of these functions touch them.
 *  - domain_assign_pages: give 2^order fresh frames (alloc_guest_frames) to
 *    d. With count_pages, tot_pages grows and max_pages holds (-E2BIG,
 *    nothing assigned); without, the caller keeps tot_pages balanced
 *    (XENMEM_exchange). -EINVAL once d is dying.
 *  - domain_steal_page: Xen's steal_page. Takes a frame away from d if only
 *    its allocation holds it (no mapping, pin, type use or other
 *    reference): it comes back with no owner, no references, off d's list,
 *    tot_pages unchanged. 0 or -EINVAL.
 *  - domain_page_released: the release hook's part for a guest frame whose
 *    last reference went: off its owner's list, tot_pages - 1.
 */
int domain_assign_pages(struct domain *d, struct page_info *pg, unsigned int order, bool count_pages);
int domain_steal_page(struct domain *d, struct page_info *pg);
void domain_page_released(struct page_info *pg);
/* Take pg off d's page list (caller holds d->page_lock; tot_pages unchanged). */
void domain_page_list_del(struct domain *d, struct page_info *pg);
/* Give a new domain its grant table (common/grant_table.c). */
void grant_domain_init(struct domain *d);
/* A domain asked to stop (SCHEDOP_shutdown) or crashed. */
void domain_shutdown(struct domain *d, unsigned int reason);
void __noreturn domain_crash(struct domain *d, const char *why);

static inline bool vm_assist(const struct domain *d, unsigned int type)
{
    return d->vm_assist & (1UL << type);
}

#endif
