/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * physdev_op: the guest's access to physical devices: its I/O privilege,
 * physical interrupts (pirqs) and the PCI devices dom0 reports.
 *
 * Each command follows Xen 4.17 (xen/arch/x86/physdev.c, irq.c, msi.c,
 * drivers/passthrough/pci.c), including the order of its checks, so a guest
 * gets the same errno for the same mistake. include/public/physdev.h states
 * every command's rules; the interrupt machinery is arch/x86/irq.c and
 * io_apic.c. In short:
 *
 *   set_iopl                 the vCPU's virtual IOPL (ioport.c uses it)
 *   map_pirq / unmap_pirq    GSIs for privileged callers; MSI as Xen with
 *                            MSI off (msi=0): checked, then -ENODEV/-EPERM
 *   setup_gsi                program an IOAPIC pin (trigger, polarity)
 *   irq_status_query, eoi, pirq_eoi_gmfn_v1/v2, IRQ_UNMASK_NOTIFY
 *   apic_read / apic_write   IOAPIC registers (control domain)
 *   alloc_irq_vector         Xen's dummy: vector = irq
 *   get_free_pirq            reserve a pirq (Linux: for MSI)
 *   pci_device_add/remove, manage_pci_add/_ext/remove
 *                            recorded; Mica does no passthrough, so that is
 *                            all a device needs (Xen also just records it
 *                            when there is no IOMMU)
 *   restore_msi(_ext), prepare/release_msix, pci_mmcfg_reserved, dbgp_op
 *                            Xen's answers for devices without MSI state,
 *                            without MMCONFIG and without an EHCI debug port
 *
 * set_iobitmap and free_irq_vector are -ENOSYS (Xen implements the first;
 * the second does not exist in 4.17 either).
 */
#include <asm/io_apic.h>
#include <asm/x86.h>
#include <public/errno.h>
#include <public/physdev.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/guest_access.h>
#include <mica/irq.h>
#include <mica/spinlock.h>

/* Copy the op's struct in / the OUT fields back. */
#define IN(var)  do { if (copy_from_guest(&(var), arg, sizeof(var))) return -XEN_EFAULT; } while (0)
#define OUT(var) (copy_to_guest(arg, &(var), sizeof(var)) ? -XEN_EFAULT : 0)

/* Xen's XSM_PRIV / XSM_DM_PRIV for PV: the control domain only. */
static bool priv(const struct domain *d) { return d->is_privileged; }

/* ---- PCI devices dom0 has reported ----------------------------------------------- */

/*
 * Xen scans segment 0 at boot and knows every device there; dom0's reports
 * add devices (any segment) and removals take them away. Mica does not
 * scan: a device nobody reported counts as known if segment 0's
 * configuration space has it, unless it was removed. The table only grows
 * (removal is a state): PCI_MAX_RECORDS devices, then -ENOMEM as Xen's
 * allocation failure.
 */
#define PCI_MAX_RECORDS 256
enum { PCI_ADDED = 1, PCI_REMOVED = 2 };
static struct { uint32_t sbdf; uint8_t state; } pci_rec[PCI_MAX_RECORDS];
static unsigned int nr_pci_rec;
static spinlock_t pci_lock = SPINLOCK_INIT;

static uint32_t sbdf(unsigned int seg, unsigned int bus, unsigned int devfn)
{
    return ((seg & 0xffff) << 16) | ((bus & 0xff) << 8) | (devfn & 0xff);
}

static bool pci_present_seg0(uint32_t sbdf)
{
    if (sbdf >> 16)
        return false;
    unsigned long f = irq_save();
    outl(0xcf8, 0x80000000u | ((sbdf & 0xffff) << 8));
    uint32_t id = inl(0xcfc);
    irq_restore(f);
    return (id & 0xffff) != 0xffff;
}

/* Does a segment-0 device have this capability (PCI_CAP_ID_MSI 0x05, MSI-X 0x11)? */
static bool pci_has_cap(uint32_t sbdf, uint8_t id)
{
    if (sbdf >> 16)
        return false;
    uint32_t base = 0x80000000u | ((sbdf & 0xffff) << 8);
    bool found = false;
    unsigned long f = irq_save();
    outl(0xcf8, base | 0x04);
    if ((inl(0xcfc) >> 16) & 0x10) {                /* status: capability list */
        outl(0xcf8, base | 0x34);
        uint8_t pos = (uint8_t)inl(0xcfc);
        for (unsigned int n = 0; n < 48 && pos >= 0x40 && !found; n++) {
            outl(0xcf8, base | (pos & 0xfc));
            uint32_t cap = inl(0xcfc);
            found = (uint8_t)cap == id;
            pos = (uint8_t)(cap >> 8);
        }
    }
    irq_restore(f);
    return found;
}

static int pci_find(uint32_t sbdf)
{
    for (unsigned int i = 0; i < nr_pci_rec; i++)
        if (pci_rec[i].sbdf == sbdf)
            return (int)i;
    return -1;
}

static bool pci_known(uint32_t sbdf)
{
    unsigned long f = spin_lock_irqsave(&pci_lock);
    int i = pci_find(sbdf);
    bool known = i >= 0 ? pci_rec[i].state == PCI_ADDED : pci_present_seg0(sbdf);
    spin_unlock_irqrestore(&pci_lock, f);
    return known;
}

/* Xen's pci_add_device: -EPERM unless privileged; every device is accepted. */
static int pci_add(struct domain *caller, uint32_t sbdf)
{
    if (!priv(caller))
        return -XEN_EPERM;
    unsigned long f = spin_lock_irqsave(&pci_lock);
    int rc = 0, i = pci_find(sbdf);
    if (i >= 0)
        pci_rec[i].state = PCI_ADDED;
    else if (nr_pci_rec < PCI_MAX_RECORDS)
        pci_rec[nr_pci_rec++] = (typeof(pci_rec[0])){ sbdf, PCI_ADDED };
    else
        rc = -XEN_ENOMEM;
    spin_unlock_irqrestore(&pci_lock, f);
    return rc;
}

/* Xen's pci_remove_device: -EPERM, then -ENODEV for a device it does not know. */
static int pci_remove(struct domain *caller, uint32_t sbdf)
{
    if (!priv(caller))
        return -XEN_EPERM;
    unsigned long f = spin_lock_irqsave(&pci_lock);
    int rc = 0, i = pci_find(sbdf);
    if (i >= 0 && pci_rec[i].state == PCI_ADDED)
        pci_rec[i].state = PCI_REMOVED;
    else if (i < 0 && pci_present_seg0(sbdf) && nr_pci_rec < PCI_MAX_RECORDS)
        pci_rec[nr_pci_rec++] = (typeof(pci_rec[0])){ sbdf, PCI_REMOVED };
    else
        rc = -XEN_ENODEV;
    spin_unlock_irqrestore(&pci_lock, f);
    return rc;
}

/* ---- pirqs ----------------------------------------------------------------------- */

static struct domain *lookup_domid(struct domain *self, domid_t domid)
{
    if (domid == DOMID_SELF)
        return self;
    struct domain *d = domain_lookup(domid);
    return d && !d->is_dying ? d : NULL;
}

static int map_pirq(struct domain *caller, struct physdev_map_pirq *map)
{
    int type = map->type;
    unsigned int seg = 0;

    switch (type) {
    case MAP_PIRQ_TYPE_MSI_SEG:
        type = MAP_PIRQ_TYPE_MSI;
        seg = (unsigned int)map->bus >> 16;
        break;
    case MAP_PIRQ_TYPE_MULTI_MSI:
        seg = (unsigned int)map->bus >> 16;
        break;
    default:
        break;
    }

    struct domain *d = lookup_domid(caller, map->domid);
    if (!d)
        return -XEN_ESRCH;
    if (!priv(caller))
        return -XEN_EPERM;
    switch (type) {
    case MAP_PIRQ_TYPE_GSI:
        return irq_map_gsi(caller, d, map->index, &map->pirq);
    case MAP_PIRQ_TYPE_MSI:
    case MAP_PIRQ_TYPE_MULTI_MSI: {
        /*
         * Xen: the device must be d's (all known devices are dom0's) and have
         * the capability (MSI-X with a table base), else -ENODEV. Where Xen
         * would then set MSI up, Mica answers as Xen does with MSI off.
         */
        uint32_t dev = sbdf(seg, (unsigned int)map->bus, (unsigned int)map->devfn);
        int device_rc = d->is_privileged && pci_known(dev) &&
                        pci_has_cap(dev, map->table_base ? 0x11 : 0x05) ? -XEN_EPERM : -XEN_ENODEV;
        return irq_map_msi(caller, d, type, map->index, &map->pirq, &map->entry_nr,
                           map->table_base != 0, device_rc);
    }
    default:
        return -XEN_EINVAL;
    }
}

long do_physdev_op(int cmd, guest_ptr_t arg)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;
    long rc;

    switch (cmd) {
    case PHYSDEVOP_set_iopl: {
        struct physdev_set_iopl set;
        IN(set);
        if (set.iopl > 3)
            return -XEN_EINVAL;
        /* Kept in EFLAGS position, as IRET with architectural_iopl stores it. */
        v->pv.iopl = set.iopl << 12;
        return 0;
    }

    case PHYSDEVOP_eoi: {
        struct physdev_eoi eoi;
        IN(eoi);
        return irq_eoi(d, eoi.irq);
    }

    case PHYSDEVOP_pirq_eoi_gmfn_v1:
    case PHYSDEVOP_pirq_eoi_gmfn_v2: {
        struct physdev_pirq_eoi_gmfn info;
        IN(info);
        return irq_register_eoi_map(d, info.gmfn, cmd == PHYSDEVOP_pirq_eoi_gmfn_v1);
    }

    case PHYSDEVOP_IRQ_UNMASK_NOTIFY:
        return irq_unmask_notify(d);

    case PHYSDEVOP_irq_status_query: {
        struct physdev_irq_status_query q;
        IN(q);
        if ((int)q.irq < 0 || q.irq >= irq_domain_nr_pirqs(d))
            return -XEN_EINVAL;
        /* Xen: always "needs EOI" (the EOI page says which really do); shared if >1 guest. */
        q.flags = XENIRQSTAT_needs_eoi;
        if (irq_pirq_shared(d, q.irq))
            q.flags |= XENIRQSTAT_shared;
        return OUT(q);
    }

    case PHYSDEVOP_map_pirq: {
        struct physdev_map_pirq map;
        IN(map);
        if (map.type == MAP_PIRQ_TYPE_MULTI_MSI && map.table_base)
            return -XEN_EINVAL;             /* Xen: before anything, nothing copied back */
        rc = map_pirq(d, &map);
        if (OUT(map))
            rc = -XEN_EFAULT;
        return rc;
    }

    case PHYSDEVOP_unmap_pirq: {
        struct physdev_unmap_pirq unmap;
        IN(unmap);
        struct domain *t = lookup_domid(d, unmap.domid);
        if (!t)
            return -XEN_ESRCH;
        if (!priv(d))
            return -XEN_EPERM;
        return irq_unmap(t, unmap.pirq);
    }

    case PHYSDEVOP_setup_gsi: {
        struct physdev_setup_gsi gsi;
        IN(gsi);
        if (gsi.gsi < 0 || (unsigned int)gsi.gsi >= irq_nr_irqs_gsi())
            return -XEN_EINVAL;
        if (!priv(d))
            return -XEN_EPERM;
        /* Xen stores both in one-bit fields of the entry: only bit 0 counts. */
        return io_apic_setup_gsi((unsigned int)gsi.gsi, gsi.triggering & 1, gsi.polarity & 1);
    }

    case PHYSDEVOP_get_free_pirq: {
        struct physdev_get_free_pirq out;
        IN(out);
        rc = irq_get_free_pirq(d, out.type, &out.pirq);
        return rc ? rc : OUT(out);
    }

    case PHYSDEVOP_apic_read: {
        struct physdev_apic apic;
        IN(apic);
        if (!priv(d))
            return -XEN_EPERM;
        rc = io_apic_guest_read(apic.apic_physbase, apic.reg, &apic.value);
        if (OUT(apic))
            rc = -XEN_EFAULT;
        return rc;
    }

    case PHYSDEVOP_apic_write: {
        struct physdev_apic apic;
        IN(apic);
        if (!priv(d))
            return -XEN_EPERM;
        return io_apic_guest_write(apic.apic_physbase, apic.reg, apic.value);
    }

    case PHYSDEVOP_alloc_irq_vector: {
        struct physdev_irq irq;
        IN(irq);
        if (!priv(d))
            return -XEN_EPERM;
        /* Xen's dummy: vectors are the hypervisor's; dom0 gets its irq back as the "vector". */
        irq.vector = irq.irq;
        return OUT(irq);
    }

    case PHYSDEVOP_manage_pci_add: {
        struct physdev_manage_pci m;
        IN(m);
        return pci_add(d, sbdf(0, m.bus, m.devfn));
    }

    case PHYSDEVOP_manage_pci_remove: {
        struct physdev_manage_pci m;
        IN(m);
        return pci_remove(d, sbdf(0, m.bus, m.devfn));
    }

    case PHYSDEVOP_manage_pci_add_ext: {
        struct physdev_manage_pci_ext m;
        IN(m);
        if (m.is_extfn > 1 || m.is_virtfn > 1)
            return -XEN_EINVAL;
        /* A virtual function's physical function is added first if unknown (Xen). */
        if (m.is_virtfn && !pci_known(sbdf(0, m.physfn.bus, m.physfn.devfn)))
            pci_add(d, sbdf(0, m.physfn.bus, m.physfn.devfn));
        return pci_add(d, sbdf(0, m.bus, m.devfn));
    }

    case PHYSDEVOP_pci_device_add: {
        struct physdev_pci_device_add add;
        IN(add);
        if (add.flags & XEN_PCI_DEV_PXM) {
            uint32_t pxm;           /* read as Xen does; NUMA placement means nothing here */
            if (copy_from_guest(&pxm, arg + offsetof(struct physdev_pci_device_add, optarr), sizeof(pxm)))
                return -XEN_EFAULT;
        }
        if ((add.flags & XEN_PCI_DEV_VIRTFN) && !pci_known(sbdf(add.seg, add.physfn.bus, add.physfn.devfn)))
            pci_add(d, sbdf(add.seg, add.physfn.bus, add.physfn.devfn));
        return pci_add(d, sbdf(add.seg, add.bus, add.devfn));
    }

    case PHYSDEVOP_pci_device_remove: {
        struct physdev_pci_device dev;
        IN(dev);
        return pci_remove(d, sbdf(dev.seg, dev.bus, dev.devfn));
    }

    case PHYSDEVOP_restore_msi: {
        struct physdev_restore_msi r;
        IN(r);
        /* Xen: an unknown device -ENODEV, then -EPERM; no device has MSI state to restore. */
        if (!pci_known(sbdf(0, r.bus, r.devfn)))
            return -XEN_ENODEV;
        return priv(d) ? 0 : -XEN_EPERM;
    }

    case PHYSDEVOP_restore_msi_ext: {
        struct physdev_pci_device dev;
        IN(dev);
        if (!pci_known(sbdf(dev.seg, dev.bus, dev.devfn)))
            return -XEN_ENODEV;
        return priv(d) ? 0 : -XEN_EPERM;
    }

    case PHYSDEVOP_prepare_msix:
    case PHYSDEVOP_release_msix: {
        struct physdev_pci_device dev;
        IN(dev);
        if (!priv(d))
            return -XEN_EPERM;
        /* No MSI-X is ever set up: a known device has nothing to prepare or release. */
        return pci_known(sbdf(dev.seg, dev.bus, dev.devfn)) ? 0 : -XEN_ENODEV;
    }

    case PHYSDEVOP_pci_mmcfg_reserved: {
        struct physdev_pci_mmcfg_reserved r;
        if (!priv(d))
            return -XEN_EPERM;      /* Xen checks this one before reading the argument */
        IN(r);
        if (r.flags & ~XEN_PCI_MMCFG_RESERVED)
            return -XEN_EINVAL;
        return -XEN_ENODEV;         /* Mica uses no MMCONFIG area: none matches */
    }

    case PHYSDEVOP_dbgp_op: {
        struct physdev_dbgp_op op;
        if (!priv(d))
            return -XEN_EPERM;
        IN(op);
        return 0;                   /* no EHCI debug port in use: Xen answers 0 */
    }

    default:
        return -XEN_ENOSYS;
    }
}

/* The pre-3.0.2 entry point: struct physdev_op {cmd; union} in one argument. */
long do_physdev_op_compat(guest_ptr_t arg)
{
    struct physdev_op op;
    if (copy_from_guest(&op, arg, sizeof(op)))
        return -XEN_EFAULT;
    return do_physdev_op((int)op.cmd, arg + offsetof(struct physdev_op, u));
}
