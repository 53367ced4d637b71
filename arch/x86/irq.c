/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Physical interrupts for guests: each domain's pirq table, binding a
 * pirq's irq to the domain's event channel, EOIs, the pirq EOI page, and
 * delivering device interrupts as events. The rules are Xen 4.17's
 * (xen/arch/x86/irq.c, physdev.c, common/event_channel.c) and live, pure,
 * in irq_core.c; this file adds the locks, the hardware (io_apic.c) and
 * the guest page. The hypercalls are decoded in arch/x86/pv/physdev.c.
 *
 * Locks: a domain's pirq table is guarded by its event lock, as Xen's is.
 * An irq descriptor's lock (interrupts off) nests inside it. The device
 * interrupt takes only descriptor locks, and a domain's event lock only
 * with spin_trylock: the interrupted code may hold it. When the trylock
 * fails, the pirq is marked in the domain's deferred bitmap and the event
 * goes out on the next exit to a guest (irq_do_deferred, from
 * pv_exit_prepare), in ordinary hypercall context.
 */
#include <asm/io_apic.h>
#include <public/errno.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/evtchn.h>
#include <mica/irq.h>
#include <mica/irq_core.h>
#include <mica/mm.h>
#include <mica/smp.h>
#include <mica/string.h>

struct domain_irqs {
    struct pirq_domain pd;
    mfn_t eoi_mfn;              /* the pirq EOI page (PHYSDEVOP_pirq_eoi_gmfn), 0: none */
    uint64_t *eoi_map;
    bool auto_unmask;           /* registered with _v1: EOI also unmasks the port */
    bool deferred_any;
    uint64_t *deferred;         /* pirqs whose event waits for irq_do_deferred */
};

static struct domain_irqs *dom_irqs[MAX_DOMAINS];
volatile bool irq_deferred_work;

static struct domain_irqs *irqs_of(const struct domain *d)
{
    return d->domain_id < MAX_DOMAINS ? dom_irqs[d->domain_id] : NULL;
}

void irq_domain_init(struct domain *d)
{
    unsigned int gsi = irq_nr_irqs_gsi(), nr_irqs = irq_nr_irqs_total();
    if (!gsi) {                     /* before io_apic_init (never for real domains) */
        gsi = IRQ_NR_ISA;
        nr_irqs = irq_nr_irqs(gsi, nr_cpus_online());
    }
    uint32_t nr_pirqs = irq_nr_pirqs(gsi, nr_irqs, nr_cpus_online(), d->max_vcpus,
                                     d->is_privileged);
    size_t words = PIRQ_ACCESS_WORDS(nr_irqs), pwords = PIRQ_ACCESS_WORDS(nr_pirqs);
    size_t bytes = sizeof(struct domain_irqs) + nr_pirqs * sizeof(struct pirq_entry) +
                   (words + pwords) * sizeof(uint64_t);
    unsigned int order = 0;
    while ((PAGE_SIZE << order) < bytes)
        order++;
    struct domain_irqs *di = d->domain_id < MAX_DOMAINS ? alloc_pages(order) : NULL;
    if (!di) {
        pr_err("d%u: no pirq table: physical interrupts unavailable\n", d->domain_id);
        return;
    }
    memset(di, 0, PAGE_SIZE << order);
    struct pirq_entry *pirqs = (struct pirq_entry *)(di + 1);
    uint64_t *access = (uint64_t *)(pirqs + nr_pirqs);
    di->deferred = access + words;
    pirq_domain_init(&di->pd, nr_pirqs, nr_irqs, gsi, pirqs, access, d->is_privileged);
    dom_irqs[d->domain_id] = di;
    d->evtchn.nr_pirqs = nr_pirqs;
    if (d->is_privileged)
        printk("d%u has maximum %u PIRQs\n", d->domain_id, nr_pirqs);
}

/*
 * A dying domain's pirq table, after its event channels are closed (so no
 * pirq is bound to an interrupt any more): the EOI page's references and
 * the table itself go.
 */
void irq_domain_destroy(struct domain *d)
{
    struct domain_irqs *di = irqs_of(d);
    if (!di)
        return;
    __atomic_store_n(&dom_irqs[d->domain_id], NULL, __ATOMIC_SEQ_CST);
    mfn_t eoi = __atomic_exchange_n(&di->eoi_mfn, 0, __ATOMIC_SEQ_CST);
    if (eoi) {
        struct page_info *pg = mfn_to_page(eoi);
        put_page_type(pg);
        put_page(pg);
    }
    size_t bytes = sizeof(struct domain_irqs) + di->pd.nr_pirqs * sizeof(struct pirq_entry) +
                   (PIRQ_ACCESS_WORDS(di->pd.nr_irqs) + PIRQ_ACCESS_WORDS(di->pd.nr_pirqs)) *
                   sizeof(uint64_t);
    unsigned int order = 0;
    while ((PAGE_SIZE << order) < bytes)
        order++;
    free_pages(di, order);
}

uint32_t irq_domain_nr_pirqs(struct domain *d)
{
    struct domain_irqs *di = irqs_of(d);
    return di ? di->pd.nr_pirqs : 0;
}

/* ---- the pirq EOI page ------------------------------------------------------ */

static void eoi_bit(struct domain_irqs *di, uint32_t pirq, bool set)
{
    if (!di->eoi_map || pirq >= PAGE_SIZE * 8)
        return;
    uint64_t bit = 1ULL << (pirq % 64);
    if (set)
        __atomic_fetch_or(&di->eoi_map[pirq / 64], bit, __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(&di->eoi_map[pirq / 64], ~bit, __ATOMIC_SEQ_CST);
}

/*
 * Xen: the frame must be the domain's and take a writable type (-EINVAL
 * otherwise), and only one registration per domain (-EBUSY). From then
 * on, binding a pirq sets its bit if the guest must EOI it (level) and
 * clears it if not; v1 also makes PHYSDEVOP_eoi unmask the event channel.
 */
int irq_register_eoi_map(struct domain *d, uint64_t gmfn, bool v1)
{
    struct domain_irqs *di = irqs_of(d);
    if (!di || !mfn_valid(gmfn))
        return -XEN_EINVAL;
    struct page_info *pg = mfn_to_page(gmfn);
    if (!get_page(pg, d->domain_id))
        return -XEN_EINVAL;
    if (get_page_type(pg, PGT_WRITABLE)) {
        put_page(pg);
        return -XEN_EINVAL;
    }
    mfn_t none = 0;
    if (!__atomic_compare_exchange_n(&di->eoi_mfn, &none, gmfn, false, __ATOMIC_SEQ_CST,
                                     __ATOMIC_SEQ_CST)) {
        put_page_type(pg);
        put_page(pg);
        return -XEN_EBUSY;
    }
    di->eoi_map = mfn_to_virt(gmfn);
    if (v1)
        di->auto_unmask = true;
    return 0;
}

/* ---- binding (the event-channel core's hooks) ---------------------------------- */

bool irq_pirq_permitted(struct domain *d, uint32_t pirq)
{
    struct domain_irqs *di = irqs_of(d);
    if (!di)
        return false;
    spin_lock(&d->event_lock);
    bool ok = pirq_access(&di->pd, (int)pirq);
    spin_unlock(&d->event_lock);
    return ok;
}

/*
 * Xen's pirq_guest_bind. -EINVAL if the pirq lost its irq meanwhile;
 * -EBUSY for Mica's own irqs ("in use by" the hypervisor) and for sharing
 * that either side refuses. The first guest unmasks the pin.
 */
int irq_pirq_bind(struct domain *d, uint32_t pirq, bool will_share)
{
    struct domain_irqs *di = irqs_of(d);
    int irq = di ? pirq_to_irq(&di->pd, (int)pirq) : 0;
    if (irq <= 0 || (unsigned int)irq >= irq_nr_irqs_gsi())
        return -XEN_EINVAL;
    struct irq_desc *desc = &irq_desc[irq];
    unsigned long flags = spin_lock_irqsave(&desc->lock);
    int rc = -XEN_EBUSY, op = IRQ_PIN_NOTHING;
    if (!desc->mica_owned)
        rc = irq_action_bind(&desc->action, d, pirq, will_share, desc->vector && desc->level, &op);
    if (rc == 0) {
        desc->enabled = true;
        di->pd.pirq[pirq].bound = 1;
        eoi_bit(di, pirq, desc->action.ack != IRQ_ACK_NONE);
        irq_pin_apply(desc, op);
    }
    spin_unlock_irqrestore(&desc->lock, flags);
    return rc;
}

static void unbind_desc(struct domain *d, uint32_t pirq, int irq)
{
    if (irq <= 0 || (unsigned int)irq >= irq_nr_irqs_gsi())
        return;
    struct irq_desc *desc = &irq_desc[irq];
    int op;
    unsigned long flags = spin_lock_irqsave(&desc->lock);
    irq_action_unbind(&desc->action, d, pirq, &op);
    if (desc->action.nr_guests == 0)
        desc->enabled = false;
    irq_pin_apply(desc, op);
    spin_unlock_irqrestore(&desc->lock, flags);
}

void irq_pirq_unbind(struct domain *d, uint32_t pirq)
{
    struct domain_irqs *di = irqs_of(d);
    if (di)
        unbind_desc(d, pirq, pirq_port_closed(&di->pd, (int)pirq));
}

bool irq_pirq_shared(struct domain *d, uint32_t pirq)
{
    struct domain_irqs *di = irqs_of(d);
    if (!di)
        return false;
    spin_lock(&d->event_lock);
    int irq = pirq_to_irq(&di->pd, (int)pirq);
    spin_unlock(&d->event_lock);
    if (irq <= 0 || (unsigned int)irq >= irq_nr_irqs_gsi())
        return false;
    struct irq_desc *desc = &irq_desc[irq];
    unsigned long flags = spin_lock_irqsave(&desc->lock);
    bool shared = desc->action.nr_guests > 1;
    spin_unlock_irqrestore(&desc->lock, flags);
    return shared;
}

/* ---- mapping ------------------------------------------------------------------- */

/* Xen's allocate_and_map_gsi_pirq. */
int irq_map_gsi(struct domain *caller, struct domain *d, int index, int *pirq_p)
{
    struct domain_irqs *ci = irqs_of(caller), *di = irqs_of(d);
    if (!ci || !di)
        return -XEN_EINVAL;
    if (index < 0 || (unsigned int)index >= irq_nr_irqs_gsi())
        return -XEN_EINVAL;

    /* The caller's own pirq `index` names the irq; else dom0 means the irq itself. */
    spin_lock(&caller->event_lock);
    int irq = pirq_to_irq(&ci->pd, index);
    bool caller_ok = irq > 0 && irq_access(&ci->pd, irq);
    if (irq <= 0) {
        irq = caller->is_privileged ? index : -XEN_EINVAL;
        caller_ok = irq > 0 && irq_access(&ci->pd, irq);
    }
    spin_unlock(&caller->event_lock);
    if (irq < 0)
        return irq;

    spin_lock(&d->event_lock);
    int rc = pirq_choose(&di->pd, irq, *pirq_p, IRQ_TYPE_GSI, NULL);
    if (rc >= 0) {
        int pirq = rc;
        rc = pirq_map(&di->pd, caller_ok, pirq, irq, 0);
        if (rc == 0)
            *pirq_p = pirq;
    }
    spin_unlock(&d->event_lock);
    return rc;
}

/*
 * Xen's allocate_and_map_msi_pirq with MSI switched off (Xen's msi=0):
 * everything is checked as Xen checks it, and the device step fails with
 * device_rc (-ENODEV for a device the domain does not own, -EPERM when it
 * does: Xen's pci_enable_msi without MSI). index -1 (or MULTI_MSI) stands
 * for a fresh irq beyond the GSIs, which the caller may use.
 */
int irq_map_msi(struct domain *caller, struct domain *d, int type, int index, int *pirq_p,
                int *entry_nr, bool msix, int device_rc)
{
    struct domain_irqs *ci = irqs_of(caller), *di = irqs_of(d);
    if (!ci || !di)
        return -XEN_EINVAL;
    unsigned int gsis = irq_nr_irqs_gsi(), nr_irqs = irq_nr_irqs_total();
    bool created = false;
    int irq = index;

    if (type == IRQ_TYPE_MSI && !msix)
        *entry_nr = 1;
    if (type == IRQ_TYPE_MULTI_MSI || index == -1) {
        irq = (int)gsis;                /* the first dynamic irq: none is ever live */
        created = true;
    }
    if (irq < (int)gsis || (unsigned int)irq >= nr_irqs)
        return -XEN_EINVAL;

    spin_lock(&caller->event_lock);
    bool caller_ok = created || irq_access(&ci->pd, irq);
    spin_unlock(&caller->event_lock);

    spin_lock(&d->event_lock);
    int rc = pirq_choose(&di->pd, irq, *pirq_p, type, entry_nr);
    if (rc >= 0) {
        int pirq = rc;
        rc = pirq_map(&di->pd, caller_ok, pirq, irq, device_rc);
        if (rc == 0)
            *pirq_p = pirq;
    }
    spin_unlock(&d->event_lock);
    return rc;
}

/* Xen's unmap_domain_pirq: a bound pirq is taken from its event channel first. */
int irq_unmap(struct domain *d, int pirq)
{
    struct domain_irqs *di = irqs_of(d);
    if (!di)
        return -XEN_EINVAL;
    int irq;
    bool was_bound;
    spin_lock(&d->event_lock);
    int rc = pirq_unmap(&di->pd, pirq, &irq, &was_bound);
    if (rc == 0 && was_bound)
        unbind_desc(d, (uint32_t)pirq, irq);
    spin_unlock(&d->event_lock);
    return rc;
}

int irq_get_free_pirq(struct domain *d, int type, uint32_t *pirq)
{
    struct domain_irqs *di = irqs_of(d);
    if (!di)
        return -XEN_ENOSPC;
    spin_lock(&d->event_lock);
    int rc = pirq_reserve_free(&di->pd, type);
    spin_unlock(&d->event_lock);
    if (rc < 0)
        return rc;
    *pirq = (uint32_t)rc;
    return 0;
}

unsigned int irq_dom0_nr_pirqs(void)
{
    struct domain *d = domain_lookup(0);
    return d ? irq_domain_nr_pirqs(d) : 0;
}

/* PHYSDEVOP_apic_write's map_domain_pirq(hardware_domain, pirq, irq): dom0 is the caller. */
int irq_dom0_map(int pirq, int irq)
{
    struct domain *d = domain_lookup(0);
    struct domain_irqs *di = d ? irqs_of(d) : NULL;
    if (!di)
        return -XEN_EINVAL;
    spin_lock(&d->event_lock);
    int rc = pirq_map(&di->pd, irq_access(&di->pd, irq), pirq, irq, 0);
    spin_unlock(&d->event_lock);
    return rc;
}

/* ---- EOI ------------------------------------------------------------------------- */

static void guest_eoi(struct domain *d, uint32_t pirq, int irq)
{
    if (irq <= 0 || (unsigned int)irq >= irq_nr_irqs_gsi())
        return;
    struct irq_desc *desc = &irq_desc[irq];
    int op;
    unsigned long flags = spin_lock_irqsave(&desc->lock);
    irq_action_eoi(&desc->action, d, pirq, &op);
    if (desc->enabled)
        irq_pin_apply(desc, op);
    spin_unlock_irqrestore(&desc->lock, flags);
}

/*
 * PHYSDEVOP_eoi. Xen: -EINVAL for a pirq out of range or one it keeps no
 * state for; otherwise 0, whether or not anything was waiting.
 */
int irq_eoi(struct domain *d, uint32_t pirq)
{
    struct domain_irqs *di = irqs_of(d);
    if (!di || pirq >= di->pd.nr_pirqs)
        return -XEN_EINVAL;
    spin_lock(&d->event_lock);
    bool exists = pirq_exists(&di->pd, (int)pirq);
    int irq = pirq_to_irq(&di->pd, (int)pirq);
    bool unmask = di->auto_unmask;
    spin_unlock(&d->event_lock);
    if (!exists)
        return -XEN_EINVAL;
    if (unmask) {
        uint32_t port = evtchn_pirq_port(&d->evtchn, pirq);
        if (port)
            evtchn_unmask(&d->evtchn, port);
    }
    guest_eoi(d, pirq, irq);
    return 0;
}

/* PHYSDEVOP_IRQ_UNMASK_NOTIFY: EOI every pirq in flight whose port the guest has unmasked. */
int irq_unmask_notify(struct domain *d)
{
    struct domain_irqs *di = irqs_of(d);
    if (!di)
        return 0;
    for (uint32_t pirq = 0; pirq < di->pd.nr_pirqs; pirq++) {
        spin_lock(&d->event_lock);
        int irq = di->pd.pirq[pirq].bound ? pirq_to_irq(&di->pd, (int)pirq) : 0;
        spin_unlock(&d->event_lock);
        if (irq <= 0 || (unsigned int)irq >= irq_nr_irqs_gsi())
            continue;
        uint32_t port = evtchn_pirq_port(&d->evtchn, pirq);
        if (port && !evtchn_port_masked(&d->evtchn, port))
            guest_eoi(d, pirq, irq);
    }
    return 0;
}

/* ---- delivery ----------------------------------------------------------------------- */

static void defer(struct domain *d, uint32_t pirq)
{
    struct domain_irqs *di = irqs_of(d);
    if (!di || pirq >= di->pd.nr_pirqs)
        return;
    __atomic_fetch_or(&di->deferred[pirq / 64], 1ULL << (pirq % 64), __ATOMIC_SEQ_CST);
    __atomic_store_n(&di->deferred_any, true, __ATOMIC_SEQ_CST);
    __atomic_store_n(&irq_deferred_work, true, __ATOMIC_SEQ_CST);
}

/* Device interrupt context: never wait for an event lock. */
void irq_notify_guests(unsigned int irq, const struct irq_guest *guests, unsigned int n)
{
    (void)irq;
    for (unsigned int i = 0; i < n; i++) {
        struct domain *d = guests[i].dom;
        if (spin_trylock(&d->event_lock)) {
            evtchn_send_pirq_locked(&d->evtchn, guests[i].pirq);
            spin_unlock(&d->event_lock);
        } else {
            defer(d, guests[i].pirq);
        }
    }
}

/* On the way out to a guest, interrupts on: the events the interrupt could not send. */
void irq_do_deferred(void)
{
    if (!__atomic_exchange_n(&irq_deferred_work, false, __ATOMIC_SEQ_CST))
        return;
    for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
        struct domain_irqs *di = dom_irqs[id];
        struct domain *d = domain_lookup((domid_t)id);
        if (!di || !d || !__atomic_exchange_n(&di->deferred_any, false, __ATOMIC_SEQ_CST))
            continue;
        for (uint32_t w = 0; w < PIRQ_ACCESS_WORDS(di->pd.nr_pirqs); w++) {
            uint64_t bits = __atomic_exchange_n(&di->deferred[w], 0, __ATOMIC_SEQ_CST);
            while (bits) {
                unsigned int b = (unsigned int)__builtin_ctzll(bits);
                bits &= bits - 1;
                evtchn_send_pirq(&d->evtchn, w * 64 + b);
            }
        }
    }
}
