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

/*
 * The domain table. Lookups read it without a lock: what they find stays
 * allocated until every CPU has passed a quiescent state after its removal
 * (common/domain_destroy.c frees through call_rcu); insertions and
 * removals take domlist_lock.
 */
static struct domain *domains[MAX_DOMAINS];
static spinlock_t domlist_lock = SPINLOCK_INIT;

struct domain *domain_lookup(domid_t id)
{
    return id < MAX_DOMAINS ? __atomic_load_n(&domains[id], __ATOMIC_ACQUIRE) : NULL;
}

struct domain *domain_find_from(unsigned int id)
{
    for (; id < MAX_DOMAINS; id++) {
        struct domain *d = __atomic_load_n(&domains[id], __ATOMIC_ACQUIRE);
        if (d)
            return d;
    }
    return NULL;
}

struct domain *domain_first(void)
{
    return domain_find_from(0);
}

struct domain *domain_next(const struct domain *d)
{
    return domain_find_from((unsigned int)d->domain_id + 1);
}

domid_t domain_free_id(void)
{
    /* Callers hold the domctl lock, which serialises creations. */
    static domid_t last;
    for (unsigned n = 0; n < MAX_DOMAINS - 1; n++) {
        domid_t id = (domid_t)(last % (MAX_DOMAINS - 1) + 1);
        last = id;
        if (!domain_lookup(id))
            return id;
    }
    return DOMID_INVALID;
}

void domain_unlink(struct domain *d)
{
    spin_lock(&domlist_lock);
    if (d->domain_id < MAX_DOMAINS && domains[d->domain_id] == d)
        __atomic_store_n(&domains[d->domain_id], NULL, __ATOMIC_RELEASE);
    spin_unlock(&domlist_lock);
}

static unsigned order_for(size_t bytes)
{
    unsigned order = 0;
    while ((PAGE_SIZE << order) < bytes)
        order++;
    return order;
}

/*
 * Pages domain_create will take: the domain, shared_info, per vCPU its
 * structure and FPU area, the event channels, the grant table's first
 * frames and the pirq table (rounded up generously). Event channels and
 * the grant table are set up by code that still panics when memory runs
 * out; checking the heap first turns that into -ENOMEM in all but a race
 * with another allocation.
 */
#define DOMAIN_CREATE_MARGIN 64
static uint64_t create_pages_needed(unsigned int max_vcpus)
{
    return (1ULL << order_for(sizeof(struct domain))) + 1 +
           max_vcpus * ((1ULL << order_for(sizeof(struct vcpu))) + 1) +
           (1ULL << order_for(ECORE_2L_NR_CHANNELS * sizeof(struct evtchn_chan))) +
           DOMAIN_CREATE_MARGIN;
}

/* Undo the part of domain_create done before event channels and grants. */
static void free_partial_domain(struct domain *d, unsigned int nr_vcpus)
{
    for (unsigned i = 0; i < nr_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        if (!v)
            continue;
        if (v->fpu_area)
            free_pages(v->fpu_area, 0);
        free_pages(v, order_for(sizeof(struct vcpu)));
    }
    if (d->shared_info)
        free_pages(d->shared_info, 0);
    free_pages(d, order_for(sizeof(struct domain)));
}

struct domain *domain_create(domid_t id, bool privileged, unsigned int max_vcpus)
{
    if (id >= MAX_DOMAINS || domain_lookup(id))
        return NULL;
    if (max_vcpus == 0 || max_vcpus > MAX_VCPUS_PER_DOMAIN)
        return NULL;
    if (heap_free_page_count() < create_pages_needed(max_vcpus))
        return NULL;

    struct domain *d = alloc_pages(order_for(sizeof(struct domain)));
    if (!d)
        return NULL;
    memset(d, 0, PAGE_SIZE << order_for(sizeof(struct domain)));
    d->domain_id = id;
    d->is_privileged = privileged;
    d->max_vcpus = max_vcpus;
    d->shutdown_code = SHUTDOWN_CODE_INVALID;   /* no reason given yet (Xen's value) */
    d->page_list_head = PAGE_LIST_NULL;
    d->page_lock = (spinlock_t)SPINLOCK_INIT;
    d->domain_lock = (spinlock_t)SPINLOCK_INIT;
    d->vpit_lock = (spinlock_t)SPINLOCK_INIT;
    vpit_reset(&d->vpit);

    /* shared_info: a Mica page the guest maps by its machine address. */
    d->shared_info = alloc_pages(0);
    if (!d->shared_info) {
        free_partial_domain(d, 0);
        return NULL;
    }
    memset(d->shared_info, 0, PAGE_SIZE);

    for (unsigned i = 0; i < max_vcpus; i++) {
        unsigned order = order_for(sizeof(struct vcpu));
        struct vcpu *v = alloc_pages(order);
        if (!v) {
            free_partial_domain(d, i);
            return NULL;
        }
        memset(v, 0, PAGE_SIZE << order);
        d->vcpu[i] = v;
        v->fpu_area = alloc_pages(0);       /* XSAVE area: 64-byte aligned, one page is enough */
        if (!v->fpu_area) {
            free_partial_domain(d, i + 1);
            return NULL;
        }
    }
    /* Nothing can fail from here on (but see create_pages_needed). */
    page_assign(mfn_to_page(virt_to_maddr(d->shared_info) >> PAGE_SHIFT), id);
    for (unsigned i = 0; i < max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
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
        pv_fpu_vcpu_init(v);
        sched_place_vcpu(v);                /* down until the builder or VCPUOP_up */
    }
    event_domain_init(d);
    grant_domain_init(d);
    snprintf(d->name, sizeof(d->name), "d%u", id);

    spin_lock(&domlist_lock);
    bool taken = domains[id] != NULL;
    if (!taken)
        __atomic_store_n(&domains[id], d, __ATOMIC_RELEASE);
    spin_unlock(&domlist_lock);
    if (taken) {
        /* Lost a race for the id: only the control domain creates, so this is a bug. */
        panic("domain_create: d%u appeared while it was being created", id);
    }
    return d;
}

/* ------------------------------------------------------------------------
 * Pausing. pause_count holds the domain off every CPU (schedule.c's
 * runnable()); controller_pause_count is the toolstack's share of it.
 */
void domain_pause(struct domain *d)
{
    __atomic_add_fetch(&d->pause_count, 1, __ATOMIC_SEQ_CST);
    sched_domain_pause(d);
}

void domain_unpause(struct domain *d)
{
    if (__atomic_sub_fetch(&d->pause_count, 1, __ATOMIC_SEQ_CST) == 0)
        sched_domain_wake(d);
}

/* The toolstack's count; the control domain's domctl lock serialises these. */
int domain_pause_by_controller(struct domain *d)
{
    /* Xen's limit, so repeated calls cannot overflow the pause count. */
    if (d->controller_pause_count >= 255)
        return -XEN_EOVERFLOW;
    d->controller_pause_count++;
    domain_pause(d);
    return 0;
}

int domain_unpause_by_controller(struct domain *d)
{
    if (d->controller_pause_count == 0)
        return -XEN_EINVAL;
    d->controller_pause_count--;
    domain_unpause(d);
    return 0;
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

/*
 * A domain stops (SCHEDOP_shutdown, remote_shutdown, its last vCPU going
 * down, or a crash). dom0 decides for the machine, as on Xen. Any other
 * domain is held: is_shutting_down keeps every vCPU of it off the CPUs
 * (the scheduler's runnable()) until the toolstack destroys it (or, one
 * day, resumes a suspended one); the first reason given sticks, and the
 * control domain hears of it through VIRQ_DOM_EXC, the global VIRQ its
 * xenstored binds, then reads the reason with getdomaininfo.
 */
void domain_shutdown(struct domain *d, unsigned int reason)
{
    static const char *const names[] = { "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset" };
    if (d->domain_id == 0) {
        d->is_shutting_down = true;
        d->shutdown_code = reason;
        printk("d%u: shut down (%s)\n", d->domain_id, reason < ARRAY_SIZE(names) ? names[reason] : "unknown");
        switch (reason) {
        case SHUTDOWN_poweroff:
            machine_power_off();
        case SHUTDOWN_reboot:
            machine_restart();
        default:
            domain_crash(d, "dom0 shut down with a crash or unknown reason");
        }
    }
    if (d->is_dying || __atomic_exchange_n(&d->is_shutting_down, true, __ATOMIC_SEQ_CST))
        return;             /* already stopping: the first reason stands (Xen's) */
    d->shutdown_code = reason;
    printk("d%u: shut down (%s)\n", d->domain_id, reason < ARRAY_SIZE(names) ? names[reason] : "unknown");
    /* Off every CPU at its next exit (our own vCPU included: see domain_crash). */
    sched_domain_pause(d);
    struct domain *ctl = domain_lookup(0);
    if (ctl)
        send_global_virq(ctl, VIRQ_DOM_EXC);
}

void __noreturn domain_crash(struct domain *d, const char *why)
{
    struct cpu_user_regs *r = guest_cpu_user_regs();
    struct vcpu *v = current;
    bool dom0 = d->domain_id == 0;

    if (dom0)
        console_force_unlock();
    /* dom0's report must get out whatever the console's state; a domU's is ordinary output. */
#define REPORT(...) do { if (dom0) console_force(__VA_ARGS__); else printk(__VA_ARGS__); } while (0)
    REPORT("d%u crashed: %s\n", d->domain_id, why);
    REPORT("  guest rip %016lx rsp %016lx rflags %016lx cs %04x ss %04x\n",
           r->rip, r->rsp, r->rflags, r->cs, r->ss);
    REPORT("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", r->rax, r->rbx, r->rcx, r->rdx);
    REPORT("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", r->rsi, r->rdi, r->rbp, r->r8);
#undef REPORT
    if (dom0) {
        if (v && v->domain == d)
            show_page_walk(v->pv.kernel_mode ? v->pv.guest_table << PAGE_SHIFT
                                             : v->pv.guest_table_user << PAGE_SHIFT, r->rip);
        /* The control domain is gone: so is the machine (Xen: panic on dom0 crash). */
        machine_fail(EXIT_CODE_DOM0_CRASH);
    }
    /* Callers are on the crashing domain's own vCPU (trap and bounce paths). */
    if (!v || v->domain != d)
        panic("domain_crash: d%u from outside it", d->domain_id);
    domain_shutdown(d, SHUTDOWN_crash);
    /*
     * Never back into the guest: it is no longer runnable, so the
     * scheduler saves it and gives this CPU to someone else (or idles);
     * vcpu_block_wait() does not return for a vCPU that cannot run.
     */
    for (;;)
        vcpu_block_wait();
}

/* The assists a 64-bit PV guest may turn on (as Xen 4.17 allows). */
static const unsigned long vm_assist_valid =
    (1UL << VMASST_TYPE_4gb_segments) | (1UL << VMASST_TYPE_4gb_segments_notify) |
    (1UL << VMASST_TYPE_writable_pagetables) | (1UL << VMASST_TYPE_pae_extended_cr3) |
    (1UL << VMASST_TYPE_architectural_iopl) | (1UL << VMASST_TYPE_runstate_update_flag) |
    (1UL << VMASST_TYPE_m2p_strict);

int domain_set_vm_assist(struct domain *d, unsigned long bits)
{
    if (bits & ~vm_assist_valid)
        return -XEN_EINVAL;
    d->vm_assist = bits;
    return 0;
}

long do_vm_assist(unsigned int cmd, unsigned int type)
{
    struct domain *d = current->domain;
    if (type >= 64 || !(vm_assist_valid & (1UL << type)))
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
