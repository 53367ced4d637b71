/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains and virtual CPUs.
 */
#ifndef MICA_DOMAIN_H
#define MICA_DOMAIN_H

#include <public/xen.h>
#include <public/arch-x86_64.h>
#include <mica/evtchn.h>
#include <mica/grant.h>
#include <mica/page.h>
#include <mica/spinlock.h>
#include <mica/types.h>

#define MAX_VCPUS_PER_DOMAIN 32   /* XEN_LEGACY_MAX_VCPUS: vcpu_info in shared_info */
#define MAX_DOMAINS          64

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
};

struct vcpu {
    unsigned int vcpu_id;
    unsigned int processor;
    struct domain *domain;
    struct vcpu_info *vcpu_info;        /* in the domain's shared_info */
    struct pv_vcpu pv;
    struct trap_bounce trap_bounce;
    bool is_running;
    bool blocked;
    /* Timers (common/timer.c): absolute system-time deadlines in ns, 0 = off. */
    uint64_t singleshot_deadline;
    uint64_t periodic_period, periodic_next;
    bool timer_virq_due;                /* expired: send VIRQ_TIMER on the way out */
    struct cpu_user_regs user_regs;     /* saved frame while not running */
};

struct domain {
    domid_t domain_id;
    bool is_privileged;
    /* Emulated port state (arch/x86/pv/ioport.c): CMOS index, PCI CONFIG_ADDRESS. */
    uint8_t cmos_idx;
    uint32_t pci_cf8;
    bool is_dying;
    bool is_shutting_down;
    unsigned int shutdown_code;
    unsigned long vm_assist;            /* VMASST_TYPE_* bits */
    spinlock_t page_lock;
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
};

/* The vCPU running on this CPU (NULL while idle). */
struct vcpu *current_vcpu(void);
void set_current_vcpu(struct vcpu *v);
#define current (current_vcpu())

struct domain *domain_create(domid_t id, bool privileged, unsigned int max_vcpus);
struct domain *domain_lookup(domid_t id);
/* Take ownership of freshly allocated frames. */
void domain_add_page(struct domain *d, struct page_info *pg);
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
