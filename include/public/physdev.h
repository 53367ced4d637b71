/* SPDX-License-Identifier: MIT */
/*
 * physdev.h - HYPERVISOR_physdev_op: physical devices, IRQs and I/O ports.
 *
 * Used by the control/driver domain to route physical interrupts to event
 * channels (pirqs), tell the hypervisor about PCI devices, and by any PV
 * guest to set its I/O privilege level.
 *
 * long HYPERVISOR_physdev_op(int cmd, void *arg)
 *   cmd is PHYSDEVOP_*, arg the matching struct physdev_*.
 *   Common errors: -EPERM (no access to the device or IRQ), -EINVAL,
 *   -EFAULT, -ESRCH (bad domid), -ENOSPC (no free pirq), -ENOSYS.
 *   Example: struct physdev_set_iopl io = { .iopl = 1 };
 *            HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &io);
 *
 * Numbers. An "irq" is the hypervisor's name for an interrupt line: irqs
 * below 16 are the ISA IRQs, wired to IOAPIC pins as the ACPI MADT's
 * interrupt source overrides say (on QEMU's pc machine ISA IRQ 0 is GSI 2);
 * every other irq is the GSI of the same number. A guest's "GSI" in
 * map_pirq and setup_gsi means this irq. A "pirq" is a domain's own number
 * for an irq it was given; Linux dom0 asks for pirq == GSI. A domain has a
 * fixed number of pirqs, Xen's: for dom0 the GSIs plus 208 times the
 * smaller of its vCPU count and the bit length of the CPU count, for
 * other domains the GSIs plus 32; at most max(208 per CPU, 8 per GSI) and
 * 32768. On QEMU's one-CPU pc machine (24 GSIs) dom0 has 208.
 *
 * Who may do what. Commands marked "privileged" need the control domain
 * (-EPERM otherwise, Xen's default XSM policy). Each command's checks are
 * listed in the order they are made, so the first failing one decides the
 * errno. -EFAULT (a struct that cannot be read) always comes first, except
 * for pci_mmcfg_reserved and dbgp_op, which check privilege first.
 *
 * Delivery. Binding a pirq (EVTCHNOP_bind_pirq) unmasks its line. An
 * edge-triggered interrupt is acknowledged by the hypervisor at once and
 * sets the port pending. A level-triggered one is masked at the IOAPIC
 * and sets the port pending; the line opens again when every domain
 * sharing it has called PHYSDEVOP_eoi, and if the device still asserts it
 * then, the interrupt comes straight back. (Xen also forces the EOI of a
 * level line after 1 ms if the guest has not given it; Mica waits.)
 *
 * MSI. The hypervisor does not set up MSI or MSI-X: map_pirq for them
 * answers as Xen booted with MSI off (msi=0) would, after the same checks
 * (below); Linux then falls back to the device's INTx line. PCI devices
 * that dom0 reports are only recorded: there is no passthrough.
 */
#ifndef MICA_PUBLIC_PHYSDEV_H
#define MICA_PUBLIC_PHYSDEV_H

#include "xen.h"

/*
 * PHYSDEVOP_eoi (struct physdev_eoi): tell the hypervisor the guest has
 * handled pirq `irq` (IN), so a level-triggered line can be unmasked.
 * Needed when the pirq EOI page has the pirq's bit set (or, without that
 * page, whenever PHYSDEVOP_irq_status_query says XENIRQSTAT_needs_eoi).
 * Any domain. -EINVAL for irq >= the pirq count, or a pirq the domain
 * holds nothing for (never mapped or reserved, or freed since); otherwise
 * 0, also when nothing was waiting. With the v1 EOI page the pirq's port
 * is unmasked first (EVTCHNOP_unmask).
 */
#define PHYSDEVOP_eoi                   12
struct physdev_eoi {
    uint32_t irq;
};
typedef struct physdev_eoi physdev_eoi_t;
DEFINE_XEN_GUEST_HANDLE(physdev_eoi_t);

/*
 * PHYSDEVOP_pirq_eoi_gmfn_v1/_v2 (struct physdev_pirq_eoi_gmfn): register
 * a page of the guest's (gmfn, IN: for a PV guest its machine frame) with
 * one bit per pirq. EVTCHNOP_bind_pirq sets the pirq's bit when the guest
 * must PHYSDEVOP_eoi it (a level-triggered line) and clears it otherwise,
 * so the guest EOIs only where needed. Any domain, once: -EINVAL if the
 * frame is not the caller's or cannot be mapped writable (it is a page
 * table, say), -EBUSY on a second registration. v1 additionally makes
 * PHYSDEVOP_eoi unmask the pirq's port; Linux uses v2.
 */
#define PHYSDEVOP_pirq_eoi_gmfn_v1       17
#define PHYSDEVOP_pirq_eoi_gmfn_v2       28
#define PHYSDEVOP_pirq_eoi_gmfn          PHYSDEVOP_pirq_eoi_gmfn_v2
struct physdev_pirq_eoi_gmfn {
    xen_pfn_t gmfn;
};
typedef struct physdev_pirq_eoi_gmfn physdev_pirq_eoi_gmfn_t;
DEFINE_XEN_GUEST_HANDLE(physdev_pirq_eoi_gmfn_t);

/*
 * PHYSDEVOP_irq_status_query (struct physdev_irq_status_query):
 *   irq (IN) - a pirq; flags (OUT) - XENIRQSTAT_*.
 * Any domain, any pirq below its pirq count (-EINVAL otherwise, also for
 * irq >= 2^31), mapped or not. needs_eoi is always set: it is the
 * conservative answer for guests without the EOI page, which has the
 * precise one. shared is set while more than one domain has the line bound.
 */
#define PHYSDEVOP_irq_status_query       5
struct physdev_irq_status_query {
    uint32_t irq;
    uint32_t flags;
};
typedef struct physdev_irq_status_query physdev_irq_status_query_t;
DEFINE_XEN_GUEST_HANDLE(physdev_irq_status_query_t);

#define _XENIRQSTAT_needs_eoi   (0)  /* guest must PHYSDEVOP_eoi after handling */
#define  XENIRQSTAT_needs_eoi   (1U << _XENIRQSTAT_needs_eoi)
#define _XENIRQSTAT_shared      (1)  /* line is shared with other domains */
#define  XENIRQSTAT_shared      (1U << _XENIRQSTAT_shared)

/*
 * PHYSDEVOP_set_iopl (struct physdev_set_iopl): set the virtual IOPL
 * (iopl 0..3, IN); at 1 or more the guest kernel may use IN/OUT on ports
 * it has access to. -EINVAL for iopl > 3.
 */
#define PHYSDEVOP_set_iopl               6
struct physdev_set_iopl {
    uint32_t iopl;
};
typedef struct physdev_set_iopl physdev_set_iopl_t;
DEFINE_XEN_GUEST_HANDLE(physdev_set_iopl_t);

/*
 * PHYSDEVOP_set_iobitmap (struct physdev_set_iobitmap): give the guest a
 * TSS-style I/O bitmap (bitmap, IN, a guest VA) covering nr_ports ports
 * (IN); ports whose bit is clear are accessible from user mode.
 * Mica: -ENOSYS for now (port access follows the virtual IOPL alone).
 */
#define PHYSDEVOP_set_iobitmap           7
struct physdev_set_iobitmap {
    XEN_GUEST_HANDLE(uint8) bitmap;
    uint32_t nr_ports;
};
typedef struct physdev_set_iobitmap physdev_set_iobitmap_t;
DEFINE_XEN_GUEST_HANDLE(physdev_set_iobitmap_t);

/*
 * PHYSDEVOP_apic_read / PHYSDEVOP_apic_write (struct physdev_apic): read
 * or write register `reg` of the IO-APIC at apic_physbase (IN); value is
 * OUT for read, IN for write. Linux dom0 reads the IO-APIC ids and version
 * registers this way at boot. Privileged; -EINVAL if no IO-APIC has that
 * base. apic_read reads any register and copies the struct back even when
 * it fails. apic_write is for old kernels that programmed the IO-APIC
 * through the hypervisor: only the low half of a redirection entry
 * (reg >= 0x10, even) does anything, other registers are ignored (0).
 * Delivery modes beyond lowest priority are -EINVAL. An unmasked entry's
 * vector field names the dom0 pirq to map to the pin's irq (-EINVAL if it
 * is not below the pirq count); a pin whose irq is in use is left alone.
 * The entry is written with the hypervisor's own vector and CPU, masked if
 * level-triggered.
 */
#define PHYSDEVOP_apic_read              8
#define PHYSDEVOP_apic_write             9
struct physdev_apic {
    unsigned long apic_physbase;
    uint32_t reg;
    uint32_t value;
};
typedef struct physdev_apic physdev_apic_t;
DEFINE_XEN_GUEST_HANDLE(physdev_apic_t);

/*
 * PHYSDEVOP_alloc_irq_vector / PHYSDEVOP_free_irq_vector (struct
 * physdev_irq): obsolete vector management; irq (IN), vector (OUT/IN).
 * Vectors belong to the hypervisor: alloc_irq_vector (privileged) only
 * hands back vector = irq, which apic_write later reads as the pirq.
 * free_irq_vector is -ENOSYS (as in Xen 4.17).
 */
#define PHYSDEVOP_alloc_irq_vector      10
#define PHYSDEVOP_free_irq_vector       11
struct physdev_irq {
    uint32_t irq;
    uint32_t vector;
};
typedef struct physdev_irq physdev_irq_t;
DEFINE_XEN_GUEST_HANDLE(physdev_irq_t);

/* Kinds of interrupt source for PHYSDEVOP_map_pirq. */
#define MAP_PIRQ_TYPE_MSI               0x0  /* MSI/MSI-X vector of a PCI device (segment 0) */
#define MAP_PIRQ_TYPE_GSI               0x1  /* IO-APIC GSI */
#define MAP_PIRQ_TYPE_UNKNOWN           0x2
#define MAP_PIRQ_TYPE_MSI_SEG           0x3  /* MSI with segment in bus[31:16] */
#define MAP_PIRQ_TYPE_MULTI_MSI         0x4  /* several MSI vectors at once */

/*
 * PHYSDEVOP_map_pirq (struct physdev_map_pirq): create a pirq for an
 * interrupt source so it can be bound with EVTCHNOP_bind_pirq.
 *   domid (IN)    - domain that gets the pirq (DOMID_SELF);
 *   type (IN)     - MAP_PIRQ_TYPE_*;
 *   index (IN)    - GSI number for GSI; MSI-X entry for MSI (-1 = MSI);
 *   pirq (IN/OUT) - wanted pirq (-1 = any), the pirq assigned;
 *   bus, devfn (IN) - PCI device (MSI types);
 *   entry_nr (IN) - MSI-X entry / number of vectors (MULTI_MSI, also OUT);
 *   table_base (IN) - MSI-X table physical base.
 * Errors: -EINVAL, -EPERM, -ENOSPC, -EEXIST.
 * The struct is copied back in every case but the first below.
 *   1. MULTI_MSI with a table_base: -EINVAL.
 *   2. domid names no domain: -ESRCH; the caller is not privileged: -EPERM;
 *      an unknown type: -EINVAL. (MSI_SEG is MSI with the segment in bus
 *      bits 16-31.)
 *   GSI:
 *   3. index outside the GSIs: -EINVAL. The irq is the index (or, if the
 *      caller has pirq `index` mapped, that pirq's irq).
 *   4. Which pirq: with pirq -1 the one the irq already has (-EBUSY if
 *      that one was unmapped while bound and its port is still open), else
 *      the first free one from 16 up to the last GSI, else from the top
 *      down; -ENOSPC if none. An explicit pirq: -EEXIST if the irq already
 *      has a different one.
 *   5. -EPERM if the caller may not use the irq: irq 0 (the timer) never,
 *      and dom0 loses an irq for good when it unmaps it.
 *   6. -EINVAL for a pirq outside the domain's count.
 *   7. If the pirq already names another irq, or the irq has another pirq,
 *      nothing happens and the result is 0 (Xen's behaviour, kept).
 *   8. Mapped: pirq (OUT) is set, and the domain may now bind it.
 *   MSI, MULTI_MSI:
 *   3. index -1 (always, for MULTI_MSI) stands for a fresh irq beyond the
 *      GSIs; any other index must be such an irq (-EINVAL otherwise).
 *   4. As for GSIs; MULTI_MSI asks for a block of entry_nr pirqs: entry_nr
 *      outside 1..32 is -EDOM, more than 1 -EOPNOTSUPP (that needs
 *      interrupt remapping).
 *   5.-7. As for GSIs (an explicit irq the caller was never given: -EPERM).
 *   8. -ENODEV if the device (bus/devfn) is not the domain's or lacks the
 *      MSI capability (MSI-X when table_base is given); otherwise -EPERM:
 *      MSI is off.
 */
#define PHYSDEVOP_map_pirq               13
struct physdev_map_pirq {
    domid_t domid;
    int type;
    int index;
    int pirq;
    int bus;
    int devfn;
    int entry_nr;
    uint64_t table_base;
};
typedef struct physdev_map_pirq physdev_map_pirq_t;
DEFINE_XEN_GUEST_HANDLE(physdev_map_pirq_t);

/*
 * PHYSDEVOP_unmap_pirq (struct physdev_unmap_pirq): release domid's pirq
 * (IN). -ESRCH, then -EPERM (privileged), then -EINVAL for a pirq outside
 * the count or not mapped. A bound pirq is taken from its port first; the
 * port stays an EVTCHNSTAT_pirq port until EVTCHNOP_close, and the pirq
 * cannot be mapped again before that. The domain loses access to the irq:
 * a later map_pirq of it is -EPERM.
 */
#define PHYSDEVOP_unmap_pirq             14
struct physdev_unmap_pirq {
    domid_t domid;
    int pirq;
};
typedef struct physdev_unmap_pirq physdev_unmap_pirq_t;
DEFINE_XEN_GUEST_HANDLE(physdev_unmap_pirq_t);

/*
 * PHYSDEVOP_manage_pci_add / _remove (struct physdev_manage_pci): report
 * a PCI device on segment 0 (bus, devfn IN). Superseded by
 * PHYSDEVOP_pci_device_add/remove, which behave the same: privileged
 * (-EPERM); add records the device and succeeds for any device (-ENOMEM
 * only if the hypervisor's record is full); remove is -ENODEV for a device
 * the hypervisor does not know (every device present on segment 0 counts
 * as known until it is removed, as if scanned at boot, plus those added).
 */
#define PHYSDEVOP_manage_pci_add         15
#define PHYSDEVOP_manage_pci_remove      16
struct physdev_manage_pci {
    uint8_t bus;
    uint8_t devfn;
};
typedef struct physdev_manage_pci physdev_manage_pci_t;
DEFINE_XEN_GUEST_HANDLE(physdev_manage_pci_t);

/*
 * PHYSDEVOP_restore_msi (struct physdev_restore_msi): rewrite a device's
 * MSI state after resume. -ENODEV for an unknown device, then -EPERM
 * (privileged); 0, since no device has MSI state to restore.
 */
#define PHYSDEVOP_restore_msi            19
struct physdev_restore_msi {
    uint8_t bus;
    uint8_t devfn;
};
typedef struct physdev_restore_msi physdev_restore_msi_t;
DEFINE_XEN_GUEST_HANDLE(physdev_restore_msi_t);

/*
 * PHYSDEVOP_manage_pci_add_ext (struct physdev_manage_pci_ext): add a
 * device that is an extended function or an SR-IOV virtual function of
 * physfn (all IN). -EINVAL if is_extfn or is_virtfn is more than 1; a
 * virtual function's unknown physfn is recorded first. Otherwise as
 * manage_pci_add.
 */
#define PHYSDEVOP_manage_pci_add_ext     20
struct physdev_manage_pci_ext {
    uint8_t bus;
    uint8_t devfn;
    uint32_t is_extfn;
    uint32_t is_virtfn;
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn;
};
typedef struct physdev_manage_pci_ext physdev_manage_pci_ext_t;
DEFINE_XEN_GUEST_HANDLE(physdev_manage_pci_ext_t);

/*
 * struct physdev_op: argument of the old __HYPERVISOR_physdev_op_compat
 * (cmd + argument in one structure). The hypervisor reads the whole struct
 * (-EFAULT if it cannot), then runs cmd on the union as physdev_op would,
 * whatever cmd is.
 */
struct physdev_op {
    uint32_t cmd;
    union {
        physdev_irq_status_query_t irq_status_query;
        physdev_set_iopl_t         set_iopl;
        physdev_set_iobitmap_t     set_iobitmap;
        physdev_apic_t             apic_op;
        physdev_irq_t              irq_op;
    } u;
};
typedef struct physdev_op physdev_op_t;
DEFINE_XEN_GUEST_HANDLE(physdev_op_t);

/*
 * PHYSDEVOP_setup_gsi (struct physdev_setup_gsi): program the IO-APIC
 * pin of `gsi` with the trigger mode (0 edge, 1 level) and polarity
 * (0 high, 1 low) from ACPI (all IN; only bit 0 of each counts). Linux
 * dom0 calls it for each device's GSI before binding the pirq. -EINVAL for
 * a gsi outside the GSIs, then -EPERM (privileged), -EINVAL if no IO-APIC
 * pin is that GSI, -EEXIST if the irq of that number is in use (bound by a
 * guest, or the hypervisor's own: its timer, its console UART's IRQ) or
 * the pin was set up before: each pin once per boot. The pin is left
 * masked until a pirq of it is bound.
 */
#define PHYSDEVOP_setup_gsi    21
struct physdev_setup_gsi {
    int gsi;
    uint8_t triggering;
    uint8_t polarity;
};
typedef struct physdev_setup_gsi physdev_setup_gsi_t;
DEFINE_XEN_GUEST_HANDLE(physdev_setup_gsi_t);

/*
 * PHYSDEVOP_get_free_pirq (struct physdev_get_free_pirq): reserve an
 * unused pirq; type (IN, MAP_PIRQ_TYPE_GSI or _MSI), pirq (OUT). Any
 * domain. GSI: the first free pirq from 16 up to the last GSI, then as
 * MSI; other types: the highest free pirq above the GSIs. -ENOSPC if none.
 * The pirq stays reserved for a later map_pirq with that pirq.
 */
#define PHYSDEVOP_get_free_pirq    23
struct physdev_get_free_pirq {
    int type;
    uint32_t pirq;
};
typedef struct physdev_get_free_pirq physdev_get_free_pirq_t;
DEFINE_XEN_GUEST_HANDLE(physdev_get_free_pirq_t);

/*
 * PHYSDEVOP_pci_mmcfg_reserved (struct physdev_pci_mmcfg_reserved): tell
 * the hypervisor whether the MMCONFIG area at `address` for segment and
 * bus range is reserved in the firmware tables (flags
 * XEN_PCI_MMCFG_RESERVED), so it may use it (all IN). Privileged
 * (checked before the struct is read), -EINVAL for unknown flags, then
 * -ENODEV: Mica uses no MMCONFIG area, so none matches.
 */
#define XEN_PCI_MMCFG_RESERVED         0x1
#define PHYSDEVOP_pci_mmcfg_reserved    24
struct physdev_pci_mmcfg_reserved {
    uint64_t address;
    uint16_t segment;
    uint8_t start_bus;
    uint8_t end_bus;
    uint32_t flags;
};
typedef struct physdev_pci_mmcfg_reserved physdev_pci_mmcfg_reserved_t;
DEFINE_XEN_GUEST_HANDLE(physdev_pci_mmcfg_reserved_t);

/*
 * PHYSDEVOP_pci_device_add (struct physdev_pci_device_add): report a PCI
 * device found by dom0 (all IN): seg/bus/devfn, flags XEN_PCI_DEV_*,
 * physfn for extended/virtual functions, and optarr[0] = proximity
 * domain when XEN_PCI_DEV_PXM is set (read, -EFAULT if it cannot be).
 * As manage_pci_add, on any segment.
 */
#define XEN_PCI_DEV_EXTFN              0x1
#define XEN_PCI_DEV_VIRTFN             0x2
#define XEN_PCI_DEV_PXM                0x4
#define PHYSDEVOP_pci_device_add        25
struct physdev_pci_device_add {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
    uint32_t flags;
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn;
    uint32_t optarr[XEN_FLEX_ARRAY_DIM];
};
typedef struct physdev_pci_device_add physdev_pci_device_add_t;
DEFINE_XEN_GUEST_HANDLE(physdev_pci_device_add_t);

/*
 * PHYSDEVOP_pci_device_remove, PHYSDEVOP_restore_msi_ext,
 * PHYSDEVOP_prepare_msix, PHYSDEVOP_release_msix (struct
 * physdev_pci_device, IN): act on the device seg:bus:devfn.
 * pci_device_remove as manage_pci_remove; restore_msi_ext as restore_msi;
 * prepare/release_msix: privileged, -ENODEV for an unknown device, else 0
 * (no MSI-X is ever set up).
 */
#define PHYSDEVOP_pci_device_remove     26
#define PHYSDEVOP_restore_msi_ext       27
#define PHYSDEVOP_prepare_msix          30
#define PHYSDEVOP_release_msix          31
struct physdev_pci_device {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
};
typedef struct physdev_pci_device physdev_pci_device_t;
DEFINE_XEN_GUEST_HANDLE(physdev_pci_device_t);

/*
 * PHYSDEVOP_dbgp_op (struct physdev_dbgp_op): the guest is about to reset
 * (op RESET_PREPARE) or has reset (RESET_DONE) a USB controller the
 * hypervisor may use as a debug port; bus selects how u identifies it.
 * The hardware domain only (-EPERM, before the struct is read); 0, as
 * Mica drives no EHCI debug port.
 */
#define PHYSDEVOP_DBGP_RESET_PREPARE    1
#define PHYSDEVOP_DBGP_RESET_DONE       2
#define PHYSDEVOP_DBGP_BUS_UNKNOWN      0
#define PHYSDEVOP_DBGP_BUS_PCI          1
#define PHYSDEVOP_dbgp_op               29
struct physdev_dbgp_op {
    uint8_t op;
    uint8_t bus;
    union {
        physdev_pci_device_t pci;
    } u;
};
typedef struct physdev_dbgp_op physdev_dbgp_op_t;
DEFINE_XEN_GUEST_HANDLE(physdev_dbgp_op_t);

/*
 * Old sub-op (no argument), from before the EOI page: EOI every pirq of
 * the caller that is waiting for one and whose port is not masked. 0.
 */
#define PHYSDEVOP_IRQ_UNMASK_NOTIFY      4

#endif /* MICA_PUBLIC_PHYSDEV_H */
