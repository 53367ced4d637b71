/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Physical interrupts as a domU (the boot domain built unprivileged with
 * Mica's dom0_unprivileged) meets them: Xen's XSM default policy refuses
 * the control-domain commands with -EPERM, after the checks that come
 * first in Xen's code (copy-in -EFAULT, range -EINVAL, unknown domain
 * -ESRCH, unknown device -ENODEV); what any PV guest may do still works:
 * irq_status_query over its 24 + 32 pirqs (Xen's extra_domU_irqs),
 * get_free_pirq, EOIs of pirqs it holds, its pirq EOI page, set_iopl.
 * With no irq mapped to it, it cannot bind any pirq.
 */
#include "../lib/guest.h"
#include <public/event_channel.h>
#include <public/physdev.h>

const char test_title[] = "physical interrupts in an unprivileged domain: control-domain commands refused";

#define NR_PIRQS 56             /* Xen: nr_irqs_gsi (24) + extra_domU_irqs (32) */

static long physdev(int cmd, void *arg) { return HC2(__HYPERVISOR_physdev_op, cmd, arg); }

static uint64_t eoi_page[512] __attribute__((aligned(4096)));

void test_main(void)
{
    /* Anyone may ask about its own pirqs. */
    struct physdev_irq_status_query q = { .irq = NR_PIRQS - 1 };
    CHECK_RC(physdev(PHYSDEVOP_irq_status_query, &q), 0);
    CHECK(q.flags == XENIRQSTAT_needs_eoi, "status flags %#x", q.flags);
    q.irq = NR_PIRQS;
    CHECK_RC(physdev(PHYSDEVOP_irq_status_query, &q), -XEN_EINVAL);

    /* map/unmap: XSM_DM_PRIV, after the domain lookup. */
    struct physdev_map_pirq m = { .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_GSI, .index = 8, .pirq = 8 };
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), -XEN_EPERM);
    m.index = 500;                      /* the range check comes after the permission check */
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), -XEN_EPERM);
    m.domid = 1000;
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), -XEN_ESRCH);
    m = (struct physdev_map_pirq){ .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MSI, .index = -1, .pirq = -1 };
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), -XEN_EPERM);
    m = (struct physdev_map_pirq){ .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MULTI_MSI, .table_base = 1 };
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), -XEN_EINVAL);   /* before anything else */
    struct physdev_unmap_pirq u = { .domid = DOMID_SELF, .pirq = 8 };
    CHECK_RC(physdev(PHYSDEVOP_unmap_pirq, &u), -XEN_EPERM);
    u.domid = 1000;
    CHECK_RC(physdev(PHYSDEVOP_unmap_pirq, &u), -XEN_ESRCH);

    /* setup_gsi: the GSI range first, then XSM_PRIV. */
    struct physdev_setup_gsi g = { .gsi = 24 };
    CHECK_RC(physdev(PHYSDEVOP_setup_gsi, &g), -XEN_EINVAL);
    g.gsi = 8;
    CHECK_RC(physdev(PHYSDEVOP_setup_gsi, &g), -XEN_EPERM);

    /* IOAPIC access and vectors: control domain only. */
    struct physdev_apic a = { .apic_physbase = 0xfec00000, .reg = 1, .value = 0x55 };
    CHECK_RC(physdev(PHYSDEVOP_apic_read, &a), -XEN_EPERM);
    CHECK(a.value == 0x55, "refused apic_read wrote %#x", a.value);
    CHECK_RC(physdev(PHYSDEVOP_apic_write, &a), -XEN_EPERM);
    struct physdev_irq v = { .irq = 9 };
    CHECK_RC(physdev(PHYSDEVOP_alloc_irq_vector, &v), -XEN_EPERM);
    CHECK_RC(physdev(PHYSDEVOP_alloc_irq_vector, BAD_VA), -XEN_EFAULT);

    /* PCI: add/remove are XSM_PRIV; restore_msi looks the device up first. */
    struct physdev_pci_device_add add = { .seg = 0, .bus = 0, .devfn = 3 << 3 };
    CHECK_RC(physdev(PHYSDEVOP_pci_device_add, &add), -XEN_EPERM);
    struct physdev_pci_device d = { .seg = 0, .bus = 0, .devfn = 3 << 3 };
    CHECK_RC(physdev(PHYSDEVOP_pci_device_remove, &d), -XEN_EPERM);
    struct physdev_manage_pci mp = { .bus = 0, .devfn = 3 << 3 };
    CHECK_RC(physdev(PHYSDEVOP_manage_pci_add, &mp), -XEN_EPERM);
    CHECK_RC(physdev(PHYSDEVOP_manage_pci_remove, &mp), -XEN_EPERM);
    struct physdev_restore_msi r = { .bus = 0, .devfn = 3 << 3 };
    CHECK_RC(physdev(PHYSDEVOP_restore_msi, &r), -XEN_EPERM);
    r.devfn = (31 << 3) | 7;
    CHECK_RC(physdev(PHYSDEVOP_restore_msi, &r), -XEN_ENODEV);
    CHECK_RC(physdev(PHYSDEVOP_prepare_msix, &d), -XEN_EPERM);
    CHECK_RC(physdev(PHYSDEVOP_release_msix, &d), -XEN_EPERM);
    struct physdev_pci_mmcfg_reserved mc = { 0 };
    CHECK_RC(physdev(PHYSDEVOP_pci_mmcfg_reserved, &mc), -XEN_EPERM);
    CHECK_RC(physdev(PHYSDEVOP_pci_mmcfg_reserved, BAD_VA), -XEN_EPERM);   /* checked before the copy */
    struct physdev_dbgp_op dbg = { .op = PHYSDEVOP_DBGP_RESET_PREPARE };
    CHECK_RC(physdev(PHYSDEVOP_dbgp_op, &dbg), -XEN_EPERM);

    /* What a domU may do with pirqs: reserve one, EOI it, register its EOI page. */
    struct physdev_get_free_pirq f = { .type = MAP_PIRQ_TYPE_GSI };
    CHECK_RC(physdev(PHYSDEVOP_get_free_pirq, &f), 0);
    CHECK(f.pirq == 16, "get_free_pirq GSI gave %u", f.pirq);
    f.type = MAP_PIRQ_TYPE_MSI;
    CHECK_RC(physdev(PHYSDEVOP_get_free_pirq, &f), 0);
    CHECK(f.pirq == NR_PIRQS - 1, "get_free_pirq MSI gave %u", f.pirq);
    struct physdev_eoi e = { .irq = 16 };
    CHECK_RC(physdev(PHYSDEVOP_eoi, &e), 0);
    e.irq = 17;
    CHECK_RC(physdev(PHYSDEVOP_eoi, &e), -XEN_EINVAL);
    struct physdev_pirq_eoi_gmfn eg = { .gmfn = virt_to_mfn(eoi_page) };
    CHECK_RC(physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &eg), 0);
    CHECK_RC(physdev(PHYSDEVOP_IRQ_UNMASK_NOTIFY, NULL), 0);

    /* Nothing is mapped to it: no pirq binds (a reserved one has no irq). */
    struct evtchn_bind_pirq b = { .pirq = 16 };
    CHECK_RC(evtchn_op(EVTCHNOP_bind_pirq, &b), -XEN_EPERM);
    b.pirq = 4;
    CHECK_RC(evtchn_op(EVTCHNOP_bind_pirq, &b), -XEN_EPERM);
    b.pirq = NR_PIRQS;
    CHECK_RC(evtchn_op(EVTCHNOP_bind_pirq, &b), -XEN_EINVAL);
    finish();
}
