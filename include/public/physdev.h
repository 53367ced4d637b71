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
 */
#ifndef MICA_PUBLIC_PHYSDEV_H
#define MICA_PUBLIC_PHYSDEV_H

#include "xen.h"

/*
 * PHYSDEVOP_eoi (struct physdev_eoi): tell the hypervisor the guest has
 * handled level-triggered pirq `irq` (IN), so the line can be unmasked.
 * Needed when PHYSDEVOP_irq_status_query reported XENIRQSTAT_needs_eoi.
 */
#define PHYSDEVOP_eoi                   12
struct physdev_eoi {
    uint32_t irq;
};
typedef struct physdev_eoi physdev_eoi_t;
DEFINE_XEN_GUEST_HANDLE(physdev_eoi_t);

/*
 * PHYSDEVOP_pirq_eoi_gmfn_v1/_v2 (struct physdev_pirq_eoi_gmfn): register
 * a guest page (gmfn, IN) holding one bit per pirq that the hypervisor
 * sets when the pirq needs an EOI, so the guest can skip the query. With
 * v2 the bits are also cleared by the hypervisor on EOI; v1 is obsolete.
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
 * OUT for read, IN for write. Control domain only; Linux dom0 uses it to
 * read IO-APIC ids and entries at boot.
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

/* PHYSDEVOP_unmap_pirq (struct physdev_unmap_pirq): release domid's pirq (IN). */
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
 * PHYSDEVOP_pci_device_add/remove.
 */
#define PHYSDEVOP_manage_pci_add         15
#define PHYSDEVOP_manage_pci_remove      16
struct physdev_manage_pci {
    uint8_t bus;
    uint8_t devfn;
};
typedef struct physdev_manage_pci physdev_manage_pci_t;
DEFINE_XEN_GUEST_HANDLE(physdev_manage_pci_t);

/* PHYSDEVOP_restore_msi (struct physdev_restore_msi): rewrite a device's MSI state after resume. */
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
 * physfn (all IN).
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
 * (cmd + argument in one structure).
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
 * (0 high, 1 low) from ACPI (all IN). Control domain only; -EEXIST if it
 * was already set up.
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
 * unused pirq; type (IN, MAP_PIRQ_TYPE_GSI or _MSI), pirq (OUT).
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
 * XEN_PCI_MMCFG_RESERVED), so it may use it (all IN).
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
 * domain when XEN_PCI_DEV_PXM is set.
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

/* Old sub-op number, kept so old guests keep working (no argument). */
#define PHYSDEVOP_IRQ_UNMASK_NOTIFY      4

#endif /* MICA_PUBLIC_PHYSDEV_H */
