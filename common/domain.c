/* SPDX-License-Identifier: GPL-2.0-only */
/* Domains, their vCPUs and pages; vm_assist. */
#include <asm/regs.h>
#include <public/errno.h>
#include <public/sched.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/runstate.h>
#include <mica/sched.h>
#include <mica/event.h>
#include <mica/mm.h>
#include <mica/panic.h>
#include <mica/power.h>
#include <mica/pv.h>
#include <mica/lib.h>
#include <mica/string.h>

static struct domain *domains[MAX_DOMAINS];

struct domain *domain_lookup(domid_t id)
{
    return id < MAX_DOMAINS ? domains[id] : NULL;
}

struct domain *domain_create(domid_t id, bool privileged, unsigned int max_vcpus)
{
    if (id >= MAX_DOMAINS || domains[id])
        panic("domain_create: domain %u exists or is out of range", id);
    if (max_vcpus == 0 || max_vcpus > MAX_VCPUS_PER_DOMAIN)
        max_vcpus = 1;

    unsigned order = 0;
    while ((PAGE_SIZE << order) < sizeof(struct domain))
        order++;
    struct domain *d = alloc_pages(order);
    if (!d)
        panic("domain_create: out of memory");
    memset(d, 0, PAGE_SIZE << order);
    d->domain_id = id;
    d->is_privileged = privileged;
    d->max_vcpus = max_vcpus;
    d->page_list_head = PAGE_LIST_NULL;
    d->page_lock = (spinlock_t)SPINLOCK_INIT;
    d->domain_lock = (spinlock_t)SPINLOCK_INIT;

    /* shared_info: a Mica page the guest maps by its machine address. */
    d->shared_info = alloc_pages(0);
    if (!d->shared_info)
        panic("domain_create: out of memory");
    memset(d->shared_info, 0, PAGE_SIZE);
    page_assign(mfn_to_page(virt_to_maddr(d->shared_info) >> PAGE_SHIFT), id);

    for (unsigned i = 0; i < max_vcpus; i++) {
        order = 0;
        while ((PAGE_SIZE << order) < sizeof(struct vcpu))
            order++;
        struct vcpu *v = alloc_pages(order);
        if (!v)
            panic("domain_create: out of memory");
        memset(v, 0, PAGE_SIZE << order);
        v->vcpu_id = i;
        v->domain = d;
        v->vcpu_info = &d->shared_info->vcpu_info[i];
        v->vcpu_info_mfn = INVALID_MFN;
        v->vcpu_info->evtchn_upcall_mask = 1;   /* events masked until the guest is ready */
        v->pv.guest_table_user = INVALID_MFN;
        pv_debugreg_vcpu_init(v);           /* DR6/DR7 reset values */
        /* Every vCPU starts with Xen's default 10 ms periodic timer. */
        v->periodic_period = 10000000ULL;
        /* vCPU 0 is brought up by the builder; the others wait for VCPUOP_up. */
        runstate_init(v, RUNSTATE_offline);
        v->fpu_area = alloc_pages(0);       /* XSAVE area: 64-byte aligned, one page is enough */
        if (!v->fpu_area)
            panic("domain_create: out of memory");
        pv_fpu_vcpu_init(v);
        sched_place_vcpu(v);                /* down until the builder or VCPUOP_up */
        d->vcpu[i] = v;
    }
    event_domain_init(d);
    grant_domain_init(d);
    domains[id] = d;
    snprintf(d->name, sizeof(d->name), "d%u", id);
    return d;
}

void domain_add_page(struct domain *d, struct page_info *pg)
{
    spin_lock(&d->page_lock);
    pg->next = d->page_list_head;
    pg->prev = PAGE_LIST_NULL;
    if (d->page_list_head != PAGE_LIST_NULL)
        frame_table[d->page_list_head].prev = (uint32_t)page_to_mfn(pg);
    d->page_list_head = (uint32_t)page_to_mfn(pg);
    pg->flags |= PGF_DOMAIN_LIST;
    d->tot_pages++;
    spin_unlock(&d->page_lock);
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    static const char *const names[] = { "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset" };
    d->is_shutting_down = true;
    d->shutdown_code = reason;
    printk("d%u: shut down (%s)\n", d->domain_id, reason < ARRAY_SIZE(names) ? names[reason] : "unknown");
    if (d->domain_id != 0)
        return;
    /* dom0 decides for the machine, as on Xen. */
    switch (reason) {
    case SHUTDOWN_poweroff:
        machine_power_off();
    case SHUTDOWN_reboot:
        machine_restart();
    default:
        domain_crash(d, "dom0 shut down with a crash or unknown reason");
    }
}

void __noreturn domain_crash(struct domain *d, const char *why)
{
    struct cpu_user_regs *r = guest_cpu_user_regs();
    console_force_unlock();
    console_force("d%u crashed: %s\n", d->domain_id, why);
    console_force("  guest rip %016lx rsp %016lx rflags %016lx cs %04x ss %04x\n",
                  r->rip, r->rsp, r->rflags, r->cs, r->ss);
    console_force("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", r->rax, r->rbx, r->rcx, r->rdx);
    console_force("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", r->rsi, r->rdi, r->rbp, r->r8);
    if (current && current->domain == d)
        show_page_walk(current->pv.kernel_mode ? current->pv.guest_table << PAGE_SHIFT
                                               : current->pv.guest_table_user << PAGE_SHIFT, r->rip);
    /* With one domain there is nothing else to run: a dom0 crash ends the machine. */
    machine_fail(EXIT_CODE_DOM0_CRASH);
}

long do_vm_assist(unsigned int cmd, unsigned int type)
{
    struct domain *d = current->domain;
    /* The assists a 64-bit PV guest may turn on (as Xen 4.17 allows). */
    const unsigned long valid = (1UL << VMASST_TYPE_4gb_segments) |
                                (1UL << VMASST_TYPE_4gb_segments_notify) |
                                (1UL << VMASST_TYPE_writable_pagetables) |
                                (1UL << VMASST_TYPE_pae_extended_cr3) |
                                (1UL << VMASST_TYPE_architectural_iopl) |
                                (1UL << VMASST_TYPE_runstate_update_flag) |
                                (1UL << VMASST_TYPE_m2p_strict);
    if (type >= 64 || !(valid & (1UL << type)))
        return -XEN_EINVAL;
    switch (cmd) {
    case VMASST_CMD_enable:
        d->vm_assist |= 1UL << type;
        return 0;
    case VMASST_CMD_disable:
        d->vm_assist &= ~(1UL << type);
        return 0;
    default:
        return -XEN_ENOSYS;
    }
}
