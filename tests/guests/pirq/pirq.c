/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Physical interrupts as dom0 sees them (PHYSDEVOP_* and EVTCHNOP_bind_pirq),
 * on QEMU's pc machine: one IOAPIC with 24 pins (ISA IRQ 0 on pin 2, IRQs
 * 5/9/10/11 level), one CPU, so Xen gives dom0 208 pirqs.
 *
 *  - irq_status_query, map_pirq (GSI: Linux's pirq == gsi, the pirq search,
 *    -EEXIST, Xen's "already mapped: 0" quirk, irq 0 refused; MSI/MULTI_MSI
 *    argument checks and a device without MSI), unmap_pirq (dom0 loses the
 *    irq: mapping it again is -EPERM), get_free_pirq, setup_gsi (the
 *    hypervisor's console UART IRQ 4 is taken; -EEXIST the second time),
 *    eoi, apic_read/apic_write, alloc_irq_vector, PCI device reports,
 *    restore_msi, physdev_op_compat;
 *  - bind_pirq errors (-EINVAL, -EPERM, -EBUSY for the UART's IRQ, -EEXIST),
 *    status of a pirq port, the pirq EOI page (bit set for level, clear for
 *    edge);
 *  - a real edge interrupt: the RTC's periodic interrupt (ISA IRQ 8), five
 *    events, each acknowledged at the RTC (register C); then 30 more at
 *    1024 Hz while the guest keeps making event-channel hypercalls (an
 *    interrupt that meets the guest's event lock held must not be lost);
 *  - a real level interrupt: the e1000 NIC's INTx (its PCI interrupt line,
 *    GSI 11 here) raised with its Interrupt Cause Set register: one event,
 *    then after an EOI with the line still asserted another one, then quiet
 *    once the device is acknowledged and the EOI given;
 *  - unmapping a bound pirq (the port stays a pirq port, the pirq is stuck
 *    until the port is closed).
 *
 * Xen keeps a level interrupt in flight until the guest EOIs, but forces an
 * EOI after 1 ms (its eoi_timer); under TCG that can deliver the same level
 * interrupt more than once before the guest gets to it, so the level checks
 * ask for "at least one event", and for none once the device is quiet.
 */
#include "../lib/guest.h"
#include <public/event_channel.h>
#include <public/physdev.h>

const char test_title[] = "physical interrupts: map/unmap/setup_gsi/bind_pirq, EOI page, RTC edge and e1000 level interrupts";

#define NR_PIRQS   208          /* Xen: 24 GSIs + 208 per CPU, capped at nr_irqs (208) */
#define NR_GSIS    24
#define IOAPIC     0xfec00000UL

static long physdev(int cmd, void *arg) { return HC2(__HYPERVISOR_physdev_op, cmd, arg); }

static long map_gsi(int gsi, int *pirq)
{
    struct physdev_map_pirq m = { .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_GSI, .index = gsi,
                                  .pirq = *pirq };
    long rc = physdev(PHYSDEVOP_map_pirq, &m);
    *pirq = m.pirq;
    return rc;
}

static long unmap(int pirq)
{
    struct physdev_unmap_pirq u = { .domid = DOMID_SELF, .pirq = pirq };
    return physdev(PHYSDEVOP_unmap_pirq, &u);
}

static long setup_gsi(int gsi, int level, int low)
{
    struct physdev_setup_gsi s = { .gsi = gsi, .triggering = (uint8_t)level, .polarity = (uint8_t)low };
    return physdev(PHYSDEVOP_setup_gsi, &s);
}

static long eoi(uint32_t pirq)
{
    struct physdev_eoi e = { .irq = pirq };
    return physdev(PHYSDEVOP_eoi, &e);
}

static long bind(uint32_t pirq, uint32_t flags, uint32_t *port)
{
    struct evtchn_bind_pirq b = { .pirq = pirq, .flags = flags };
    long rc = evtchn_op(EVTCHNOP_bind_pirq, &b);
    if (port)
        *port = b.port;
    return rc;
}

static long close_port(uint32_t port)
{
    struct evtchn_close c = { .port = port };
    return evtchn_op(EVTCHNOP_close, &c);
}

/* ---- port I/O, CMOS, PCI configuration (virtual IOPL 1) ---- */

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static uint8_t cmos_read(uint8_t reg) { outb(0x70, reg); return inb(0x71); }
static void cmos_write(uint8_t reg, uint8_t v) { outb(0x70, reg); outb(0x71, v); }

static uint32_t pci_read(unsigned devfn, unsigned reg)
{
    outl(0xcf8, 0x80000000u | (devfn << 8) | (reg & 0xfc));
    return inl(0xcfc);
}

static void pci_write(unsigned devfn, unsigned reg, uint32_t v)
{
    outl(0xcf8, 0x80000000u | (devfn << 8) | (reg & 0xfc));
    outl(0xcfc, v);
}

/* ---- waiting for events ---- */

static unsigned long hits(uint32_t port) { return port < 64 ? ACCESS_ONCE(port_hits[port]) : 0; }

/* Wait up to ms for port's count to pass `than`; true if it did. */
static bool wait_hits(uint32_t port, unsigned long than, unsigned ms)
{
    uint64_t end = system_time_ns() + (uint64_t)ms * 1000000;
    while (system_time_ns() < end)
        if (hits(port) > than)
            return true;
    return hits(port) > than;
}

static void idle_ms(unsigned ms)
{
    uint64_t end = system_time_ns() + (uint64_t)ms * 1000000;
    while (system_time_ns() < end)
        barrier();
}

/* ---- the tests ---- */

static void test_status_query(void)
{
    struct physdev_irq_status_query q = { .irq = 0, .flags = 0xdead };
    CHECK_RC(physdev(PHYSDEVOP_irq_status_query, &q), 0);
    /* Xen always says "needs EOI" (the EOI page tells which really do); nothing is shared. */
    CHECK(q.flags == XENIRQSTAT_needs_eoi, "status of pirq 0: flags %#x", q.flags);
    q.irq = NR_PIRQS - 1;
    CHECK_RC(physdev(PHYSDEVOP_irq_status_query, &q), 0);
    q.irq = NR_PIRQS;
    CHECK_RC(physdev(PHYSDEVOP_irq_status_query, &q), -XEN_EINVAL);
    q.irq = 0x80000000u;
    CHECK_RC(physdev(PHYSDEVOP_irq_status_query, &q), -XEN_EINVAL);
    CHECK_RC(physdev(PHYSDEVOP_irq_status_query, BAD_VA), -XEN_EFAULT);
    /* The same through the pre-3.0.2 physdev_op_compat: cmd and argument in one struct. */
    struct physdev_op op = { .cmd = PHYSDEVOP_irq_status_query };
    op.u.irq_status_query.irq = 7;
    CHECK_RC(HC1(__HYPERVISOR_physdev_op_compat, &op), 0);
    CHECK(op.u.irq_status_query.flags == XENIRQSTAT_needs_eoi, "compat status flags %#x",
          op.u.irq_status_query.flags);
    op.u.irq_status_query.irq = NR_PIRQS;
    CHECK_RC(HC1(__HYPERVISOR_physdev_op_compat, &op), -XEN_EINVAL);
    CHECK_RC(HC1(__HYPERVISOR_physdev_op_compat, BAD_VA), -XEN_EFAULT);
    op.cmd = 99;
    CHECK_RC(HC1(__HYPERVISOR_physdev_op_compat, &op), -XEN_ENOSYS);
    CHECK_RC(physdev(99, &q), -XEN_ENOSYS);
    /* The legacy "unmask notify" takes no argument and always succeeds. */
    CHECK_RC(physdev(PHYSDEVOP_IRQ_UNMASK_NOTIFY, NULL), 0);
}

static void test_map_gsi(void)
{
    int p;
    struct physdev_map_pirq m = { .domid = DOMID_SELF, .type = 7, .index = 8, .pirq = 8 };
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), -XEN_EINVAL);          /* unknown type */
    m = (struct physdev_map_pirq){ .domid = 1000, .type = MAP_PIRQ_TYPE_GSI, .index = 8, .pirq = 8 };
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), -XEN_ESRCH);           /* no such domain */
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, BAD_VA), -XEN_EFAULT);
    p = -1;
    CHECK_RC(map_gsi(-1, &p), -XEN_EINVAL);
    CHECK_RC(map_gsi(NR_GSIS, &p), -XEN_EINVAL);
    /* GSI 0 is irq 0, the timer: dom0 never gets it. */
    p = 0;
    CHECK_RC(map_gsi(0, &p), -XEN_EPERM);
    /* Linux's way: pirq == gsi. Again is fine; another pirq for the GSI is not. */
    p = 8;
    CHECK_RC(map_gsi(8, &p), 0);
    CHECK(p == 8, "map GSI 8 gave pirq %d", p);
    CHECK_RC(map_gsi(8, &p), 0);
    p = 9;
    CHECK_RC(map_gsi(8, &p), -XEN_EEXIST);
    p = -1;
    CHECK_RC(map_gsi(8, &p), 0);
    CHECK(p == 8, "map GSI 8 with pirq -1 gave %d, not its pirq 8", p);
    /* Xen's quirk: pirq 8 names irq 8 already, so this "succeeds" and maps nothing. */
    p = 8;
    CHECK_RC(map_gsi(10, &p), 0);
    CHECK(p == 8, "pirq changed to %d", p);
    CHECK_RC(unmap(10), -XEN_EINVAL);
    /* Any pirq for a fresh GSI: the first free one from 16. */
    p = -1;
    CHECK_RC(map_gsi(13, &p), 0);
    CHECK(p == 16, "map GSI 13 with pirq -1 gave %d, expected 16", p);
    /* Unmapping takes the irq away from dom0 for good (Xen's irq_deny_access). */
    CHECK_RC(unmap(p), 0);
    CHECK_RC(unmap(p), -XEN_EINVAL);
    p = 13;
    CHECK_RC(map_gsi(13, &p), -XEN_EPERM);
    p = -1;
    CHECK_RC(map_gsi(13, &p), -XEN_EPERM);
    CHECK_RC(unmap(-1), -XEN_EINVAL);
    CHECK_RC(unmap(NR_PIRQS), -XEN_EINVAL);
    struct physdev_unmap_pirq u = { .domid = 1000, .pirq = 8 };
    CHECK_RC(physdev(PHYSDEVOP_unmap_pirq, &u), -XEN_ESRCH);
    CHECK_RC(physdev(PHYSDEVOP_unmap_pirq, BAD_VA), -XEN_EFAULT);
}

static void test_map_msi(void)
{
    struct physdev_map_pirq m = { .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MULTI_MSI, .index = -1,
                                  .pirq = 77, .entry_nr = 1, .table_base = 0x1000 };
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), -XEN_EINVAL);          /* MULTI_MSI has no table */
    CHECK(m.pirq == 77, "refused MULTI_MSI changed pirq to %d", m.pirq);
    /* An MSI irq must be beyond the GSIs and below nr_irqs (208). */
    m = (struct physdev_map_pirq){ .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MSI, .index = 5, .pirq = -1 };
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), -XEN_EINVAL);
    m.index = 500;
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), -XEN_EINVAL);
    /* An existing MSI irq dom0 was never given: -EPERM. */
    m.index = 100;
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), -XEN_EPERM);
    /* A fresh irq (index -1) for a device nobody has, or one without MSI (the e1000): -ENODEV. */
    m = (struct physdev_map_pirq){ .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MSI, .index = -1,
                                   .pirq = -1, .bus = 0xff, .devfn = 0 };
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), -XEN_ENODEV);
    m = (struct physdev_map_pirq){ .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MSI_SEG, .index = -1,
                                   .pirq = -1, .bus = 0, .devfn = 3 << 3 };
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), -XEN_ENODEV);
    /* MULTI_MSI vector counts: 1..32, and more than one needs interrupt remapping. */
    m = (struct physdev_map_pirq){ .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MULTI_MSI, .index = -1,
                                   .pirq = -1, .bus = 0, .devfn = 3 << 3, .entry_nr = 0 };
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), -XEN_EDOM);
    m.entry_nr = 33;
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), -XEN_EDOM);
    m.entry_nr = 2;
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), -XEN_EOPNOTSUPP);
    m.entry_nr = 1;
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), -XEN_ENODEV);

    /* get_free_pirq: MSI from the top, and the pirq stays taken. */
    struct physdev_get_free_pirq f = { .type = MAP_PIRQ_TYPE_MSI };
    CHECK_RC(physdev(PHYSDEVOP_get_free_pirq, &f), 0);
    CHECK(f.pirq == NR_PIRQS - 1, "get_free_pirq MSI gave %u", f.pirq);
    CHECK_RC(physdev(PHYSDEVOP_get_free_pirq, &f), 0);
    CHECK(f.pirq == NR_PIRQS - 2, "second get_free_pirq MSI gave %u", f.pirq);
    f.type = MAP_PIRQ_TYPE_GSI;
    CHECK_RC(physdev(PHYSDEVOP_get_free_pirq, &f), 0);
    CHECK(f.pirq == 16, "get_free_pirq GSI gave %u, expected 16 (free again since GSI 13's unmap)", f.pirq);
    CHECK_RC(physdev(PHYSDEVOP_get_free_pirq, BAD_VA), -XEN_EFAULT);
    /* A reserved pirq has state: its EOI is accepted, as is a mapped one's; others are -EINVAL. */
    CHECK_RC(eoi(NR_PIRQS - 1), 0);
    CHECK_RC(eoi(8), 0);
    CHECK_RC(eoi(100), -XEN_EINVAL);
    CHECK_RC(eoi(NR_PIRQS), -XEN_EINVAL);
    CHECK_RC(physdev(PHYSDEVOP_eoi, BAD_VA), -XEN_EFAULT);
}

static void test_setup_gsi(void)
{
    CHECK_RC(setup_gsi(-1, 0, 0), -XEN_EINVAL);
    CHECK_RC(setup_gsi(NR_GSIS, 0, 0), -XEN_EINVAL);
    CHECK_RC(physdev(PHYSDEVOP_setup_gsi, BAD_VA), -XEN_EFAULT);
    /* IRQ 4 is the hypervisor's console UART. (GSI 2, the timer's pin, is left alone.) */
    CHECK_RC(setup_gsi(4, 0, 0), -XEN_EEXIST);
    CHECK_RC(setup_gsi(0, 0, 0), -XEN_EEXIST);  /* irq 0: the hypervisor's timer */
    CHECK_RC(setup_gsi(8, 0, 0), 0);
    CHECK_RC(setup_gsi(8, 0, 0), -XEN_EEXIST);
    /* PCI-style level, active high, as QEMU's ACPI says for the PCI links. */
    CHECK_RC(setup_gsi(11, 1, 0), 0);
    CHECK_RC(setup_gsi(11, 1, 0), -XEN_EEXIST);
}

static void test_apic(void)
{
    struct physdev_apic a = { .apic_physbase = IOAPIC, .reg = 1 };
    CHECK_RC(physdev(PHYSDEVOP_apic_read, &a), 0);
    /* QEMU's IOAPIC: version 0x20, 24 entries. */
    CHECK(a.value == 0x00170020, "IOAPIC version register %#x", a.value);
    a.reg = 0x10;                       /* pin 0's entry: nothing is wired there, masked */
    CHECK_RC(physdev(PHYSDEVOP_apic_read, &a), 0);
    CHECK(a.value & 0x10000, "IOAPIC pin 0 not masked: %#x", a.value);
    a = (struct physdev_apic){ .apic_physbase = IOAPIC + 0x1000, .reg = 1, .value = 0x1234 };
    CHECK_RC(physdev(PHYSDEVOP_apic_read, &a), -XEN_EINVAL);
    CHECK(a.value == 0x1234, "failed apic_read changed value to %#x", a.value);
    CHECK_RC(physdev(PHYSDEVOP_apic_read, BAD_VA), -XEN_EFAULT);
    /* Writes: only the low halves of redirection entries mean anything. */
    CHECK_RC(physdev(PHYSDEVOP_apic_write, &a), -XEN_EINVAL);
    a = (struct physdev_apic){ .apic_physbase = IOAPIC, .reg = 0, .value = 0x0f000000 };
    CHECK_RC(physdev(PHYSDEVOP_apic_write, &a), 0);
    a.reg = 0x11;
    CHECK_RC(physdev(PHYSDEVOP_apic_write, &a), 0);
    a.reg = 0;
    CHECK_RC(physdev(PHYSDEVOP_apic_read, &a), 0);
    CHECK((a.value >> 24) == 0, "IOAPIC id changed by apic_write: %#x", a.value);
    a = (struct physdev_apic){ .apic_physbase = IOAPIC, .reg = 0x10, .value = 0x10000 | (7 << 8) };
    CHECK_RC(physdev(PHYSDEVOP_apic_write, &a), -XEN_EINVAL);   /* ExtINT delivery */
    /* alloc_irq_vector is Xen's dummy: the vector is the irq. */
    struct physdev_irq v = { .irq = 9, .vector = 0 };
    CHECK_RC(physdev(PHYSDEVOP_alloc_irq_vector, &v), 0);
    CHECK(v.vector == 9, "alloc_irq_vector gave %u", v.vector);
    CHECK_RC(physdev(PHYSDEVOP_free_irq_vector, &v), -XEN_ENOSYS);
}

static void test_pci(void)
{
    struct {
        struct physdev_pci_device_add add;
        uint32_t pxm;
    } add = { .add = { .seg = 0, .bus = 0, .devfn = 3 << 3 } };
    CHECK_RC(physdev(PHYSDEVOP_pci_device_add, &add), 0);
    add.add.flags = XEN_PCI_DEV_PXM;
    CHECK_RC(physdev(PHYSDEVOP_pci_device_add, &add), 0);
    CHECK_RC(physdev(PHYSDEVOP_pci_device_add, BAD_VA), -XEN_EFAULT);
    struct physdev_manage_pci mp = { .bus = 0, .devfn = 1 << 3 };
    CHECK_RC(physdev(PHYSDEVOP_manage_pci_add, &mp), 0);
    struct physdev_manage_pci_ext me = { .bus = 0, .devfn = 2 << 3, .is_extfn = 2 };
    CHECK_RC(physdev(PHYSDEVOP_manage_pci_add_ext, &me), -XEN_EINVAL);
    me.is_extfn = 0;
    CHECK_RC(physdev(PHYSDEVOP_manage_pci_add_ext, &me), 0);
    /* A device nothing knows cannot be removed; restore_msi needs a known device. */
    struct physdev_pci_device d = { .seg = 0, .bus = 0, .devfn = (31 << 3) | 7 };
    CHECK_RC(physdev(PHYSDEVOP_pci_device_remove, &d), -XEN_ENODEV);
    d.seg = 5;
    CHECK_RC(physdev(PHYSDEVOP_pci_device_remove, &d), -XEN_ENODEV);
    struct physdev_restore_msi r = { .bus = 0, .devfn = (31 << 3) | 7 };
    CHECK_RC(physdev(PHYSDEVOP_restore_msi, &r), -XEN_ENODEV);
    r.devfn = 3 << 3;                   /* the e1000: no MSI state, nothing to restore */
    CHECK_RC(physdev(PHYSDEVOP_restore_msi, &r), 0);
    d = (struct physdev_pci_device){ .seg = 0, .bus = 0, .devfn = 3 << 3 };
    CHECK_RC(physdev(PHYSDEVOP_restore_msi_ext, &d), 0);
    /* Removing a device Xen found itself works once; then it is unknown. */
    d.devfn = 2 << 3;
    CHECK_RC(physdev(PHYSDEVOP_pci_device_remove, &d), 0);
    CHECK_RC(physdev(PHYSDEVOP_pci_device_remove, &d), -XEN_ENODEV);
    CHECK_RC(physdev(PHYSDEVOP_restore_msi_ext, &d), -XEN_ENODEV);
    CHECK_RC(physdev(PHYSDEVOP_manage_pci_add, &(struct physdev_manage_pci){ .bus = 0, .devfn = 2 << 3 }), 0);
    CHECK_RC(physdev(PHYSDEVOP_manage_pci_remove, &(struct physdev_manage_pci){ .bus = 0, .devfn = 2 << 3 }), 0);
    CHECK_RC(physdev(PHYSDEVOP_manage_pci_add, &(struct physdev_manage_pci){ .bus = 0, .devfn = 2 << 3 }), 0);
    /* No MMCONFIG area is in use. */
    struct physdev_pci_mmcfg_reserved mc = { .address = 0xb0000000, .segment = 0, .start_bus = 0,
                                             .end_bus = 255, .flags = XEN_PCI_MMCFG_RESERVED };
    CHECK_RC(physdev(PHYSDEVOP_pci_mmcfg_reserved, &mc), -XEN_ENODEV);
    mc.flags = 2;
    CHECK_RC(physdev(PHYSDEVOP_pci_mmcfg_reserved, &mc), -XEN_EINVAL);
}

/* The pirq EOI page: registered once; binds set (level) or clear (edge) the pirq's bit. */
static uint64_t eoi_page[512] __attribute__((aligned(4096)));

static void test_bind_errors(void)
{
    uint32_t port;
    int p;
    CHECK_RC(bind(NR_PIRQS, 0, NULL), -XEN_EINVAL);
    CHECK_RC(bind(30, 0, NULL), -XEN_EPERM);             /* not mapped */
    CHECK_RC(evtchn_op(EVTCHNOP_bind_pirq, BAD_VA), -XEN_EFAULT);
    /* The hypervisor's UART IRQ can be mapped, not bound. */
    p = 4;
    CHECK_RC(map_gsi(4, &p), 0);
    CHECK_RC(bind(4, 0, NULL), -XEN_EBUSY);
    CHECK_RC(unmap(4), 0);

    struct physdev_pirq_eoi_gmfn g = { .gmfn = 0xfffffffffUL };
    CHECK_RC(physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &g), -XEN_EINVAL);
    eoi_page[0] = 1UL << 8;             /* bind must clear it: the RTC is edge */
    g.gmfn = virt_to_mfn(eoi_page);
    CHECK_RC(physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &g), 0);
    CHECK_RC(physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &g), -XEN_EBUSY);
    CHECK_RC(physdev(PHYSDEVOP_pirq_eoi_gmfn_v1, &g), -XEN_EBUSY);

    CHECK_RC(bind(8, 0, &port), 0);
    CHECK_RC(bind(8, 0, NULL), -XEN_EEXIST);
    struct evtchn_status st = { .dom = DOMID_SELF, .port = port };
    CHECK_RC(evtchn_op(EVTCHNOP_status, &st), 0);
    CHECK(st.status == EVTCHNSTAT_pirq && st.u.pirq == 8, "pirq port status %u pirq %u",
          st.status, st.u.pirq);
    CHECK(!(eoi_page[0] & (1UL << 8)), "EOI page bit 8 still set after binding edge pirq 8");
    /* Closing unbinds; the pirq stays mapped and binds again. */
    CHECK_RC(close_port(port), 0);
    CHECK_RC(bind(8, 0, &port), 0);
    CHECK_RC(close_port(port), 0);
}

static void test_rtc_edge(void)
{
    uint32_t port;
    CHECK_RC(bind(8, 0, &port), 0);
    if (port >= 64) {
        fail("pirq 8 got port %u, beyond what the test watches", port);
        return;
    }
    unsigned long base = hits(port);
    uint8_t a = cmos_read(0x0a), b = cmos_read(0x0b);
    cmos_read(0x0c);
    cmos_write(0x0a, (uint8_t)((a & 0xf0) | 0x09));     /* 128 Hz */
    cmos_write(0x0b, (uint8_t)(b | 0x40));               /* periodic interrupt on */
    unsigned got = 0;
    for (unsigned i = 0; i < 5; i++) {
        if (!wait_hits(port, base, 500))
            break;
        base = hits(port);
        got++;
        cmos_read(0x0c);                /* acknowledge at the RTC: the next period raises IRQ 8 again */
        CHECK_RC(eoi(8), 0);            /* Linux does it if the EOI page says so: harmless either way */
    }
    cmos_write(0x0b, b);
    cmos_write(0x0a, a);
    cmos_read(0x0c);
    CHECK(got == 5, "RTC periodic interrupt: %u of 5 events on port %u", got, port);
    printk("RTC (pirq 8, port %u): %u periodic interrupts\n", port, got);
    CHECK(!(eoi_page[0] & (1UL << 8)), "EOI page says edge pirq 8 needs an EOI");
    CHECK_RC(close_port(port), 0);
}

/*
 * The RTC at 1024 Hz while the guest keeps making event-channel hypercalls,
 * which hold its event lock: interrupts land inside those calls too. Each
 * event is needed for the next (register C is read only after it), so a
 * lost one stops the stream.
 */
static void test_rtc_during_hypercalls(void)
{
    uint32_t port;
    CHECK_RC(bind(8, 0, &port), 0);
    if (port >= 64) {
        fail("pirq 8 got port %u, beyond what the test watches", port);
        return;
    }
    uint8_t a = cmos_read(0x0a), b = cmos_read(0x0b);
    cmos_read(0x0c);
    cmos_write(0x0a, (uint8_t)((a & 0xf0) | 0x06));     /* 1024 Hz */
    cmos_write(0x0b, (uint8_t)(b | 0x40));
    unsigned long seen = hits(port);
    unsigned got = 0, calls = 0;
    uint64_t quiet_since = system_time_ns();
    while (got < 30) {
        struct evtchn_status st = { .dom = DOMID_SELF, .port = port };
        evtchn_op(EVTCHNOP_status, &st);
        calls++;
        if (hits(port) != seen) {
            seen = hits(port);
            got++;
            cmos_read(0x0c);
            quiet_since = system_time_ns();
        } else if (system_time_ns() - quiet_since > 500 * 1000000ULL) {
            break;                      /* half a second without an event: one was lost */
        }
    }
    cmos_write(0x0b, b);
    cmos_write(0x0a, a);
    cmos_read(0x0c);
    CHECK(got == 30, "RTC at 1024 Hz during %u hypercalls: the events stopped after %u", calls, got);
    CHECK_RC(close_port(port), 0);
}

/* e1000 registers */
#define E1000_ICR 0xc0      /* cause, read to clear */
#define E1000_ICS 0xc8      /* cause set */
#define E1000_IMS 0xd0      /* mask set (enable) */
#define E1000_IMC 0xd8      /* mask clear */
#define E1000_CAUSE 0x4     /* LSC, link status change: a cause software may set */

static void test_e1000_level(void)
{
    unsigned devfn = 0;
    for (unsigned slot = 0; slot < 32 && !devfn; slot++)
        if (pci_read(slot << 3, 0) == 0x100e8086)
            devfn = slot << 3;
    if (!devfn) {
        fail("no e1000 (8086:100e) on bus 0");
        return;
    }
    uint32_t bar = pci_read(devfn, 0x10) & ~0xfu;
    unsigned gsi = pci_read(devfn, 0x3c) & 0xff;
    CHECK(gsi == 11, "e1000 interrupt line %u (QEMU's LNKC is 11)", gsi);
    /* Memory decoding on, INTx not disabled. */
    pci_write(devfn, 0x04, (pci_read(devfn, 0x04) & 0xffff & ~0x400u) | 0x2);

    scratch_init();
    unsigned long va = scratch_va(0);
    CHECK_RC(update_va_mapping(va, (uint64_t)bar | _PAGE_PRESENT | _PAGE_RW | _PAGE_PCD | _PAGE_PWT,
                               UVMF_INVLPG), 0);
    volatile uint32_t *regs = (volatile uint32_t *)va;
    regs[E1000_IMC / 4] = 0xffffffff;
    (void)regs[E1000_ICR / 4];

    int p = (int)gsi;
    CHECK_RC(map_gsi((int)gsi, &p), 0);
    uint32_t port;
    CHECK_RC(bind(gsi, BIND_PIRQ__WILL_SHARE, &port), 0);
    if (port >= 64) {
        fail("pirq %u got port %u, beyond what the test watches", gsi, port);
        return;
    }
    CHECK(eoi_page[gsi / 64] & (1UL << (gsi % 64)), "EOI page bit %u clear for a level pirq", gsi);
    CHECK_RC(eoi(gsi), 0);              /* Linux's startup EOI: nothing in flight */

    for (unsigned round = 0; round < 3; round++) {
        unsigned long before = hits(port);
        regs[E1000_IMS / 4] = E1000_CAUSE;
        regs[E1000_ICS / 4] = E1000_CAUSE;      /* assert INTx */
        CHECK(wait_hits(port, before, 500), "round %u: no event for the level interrupt", round);
        if (round == 1) {
            /* EOI with the line still asserted: the interrupt comes straight back. */
            before = hits(port);
            CHECK_RC(eoi(gsi), 0);
            CHECK(wait_hits(port, before, 500), "no new event after an EOI with INTx still asserted");
        }
        uint32_t icr = regs[E1000_ICR / 4];     /* the device's acknowledgement: INTx drops */
        CHECK(icr & E1000_CAUSE, "round %u: ICR %#x", round, icr);
        regs[E1000_IMC / 4] = 0xffffffff;
        CHECK_RC(eoi(gsi), 0);
    }
    printk("e1000 (pirq %u, port %u): %lu events in 3 rounds\n", gsi, port, hits(port));
    /* Quiet device: no more events. */
    idle_ms(5);
    unsigned long settled = hits(port);
    idle_ms(30);
    CHECK(hits(port) == settled, "%lu events from a quiet level interrupt", hits(port) - settled);

    struct physdev_irq_status_query q = { .irq = gsi };
    CHECK_RC(physdev(PHYSDEVOP_irq_status_query, &q), 0);
    CHECK(q.flags == XENIRQSTAT_needs_eoi, "status flags %#x for the e1000's pirq", q.flags);
    CHECK_RC(close_port(port), 0);
    CHECK_RC(update_va_mapping(va, 0, UVMF_INVLPG), 0);
}

/* Unmapping a bound pirq: the port stays, the pirq is stuck until the port closes. */
static void test_unmap_bound(void)
{
    uint32_t port;
    int p;
    CHECK_RC(bind(8, 0, &port), 0);
    CHECK_RC(unmap(8), 0);
    struct evtchn_status st = { .dom = DOMID_SELF, .port = port };
    CHECK_RC(evtchn_op(EVTCHNOP_status, &st), 0);
    CHECK(st.status == EVTCHNSTAT_pirq && st.u.pirq == 8, "orphaned port status %u pirq %u",
          st.status, st.u.pirq);
    CHECK_RC(unmap(8), -XEN_EINVAL);
    p = 8;
    CHECK_RC(map_gsi(8, &p), -XEN_EEXIST);
    p = -1;
    CHECK_RC(map_gsi(8, &p), -XEN_EBUSY);
    CHECK_RC(bind(8, 0, NULL), -XEN_EPERM);
    CHECK_RC(eoi(8), 0);
    CHECK_RC(close_port(port), 0);
    CHECK_RC(eoi(8), -XEN_EINVAL);      /* now nothing is left of pirq 8 */
    p = 8;
    CHECK_RC(map_gsi(8, &p), -XEN_EPERM);
}

void test_main(void)
{
    trap_init();
    events_init();
    struct physdev_set_iopl iopl = { .iopl = 1 };
    CHECK_RC(physdev(PHYSDEVOP_set_iopl, &iopl), 0);

    test_status_query();
    test_map_gsi();
    test_map_msi();
    test_setup_gsi();
    test_apic();
    test_pci();
    test_bind_errors();
    events_unmask();
    test_rtc_edge();
    test_rtc_during_hypercalls();
    test_e1000_level();
    events_mask();
    test_unmap_bound();
    finish();
}
