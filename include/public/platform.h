/* SPDX-License-Identifier: MIT */
/*
 * platform.h - HYPERVISOR_platform_op: machine-wide operations for the
 * control domain.
 *
 * long HYPERVISOR_platform_op(struct xen_platform_op *op)
 *   op->cmd (IN) is XENPF_*; op->interface_version (IN) must be
 *   XENPF_INTERFACE_VERSION; op->u holds the sub-op's arguments and is
 *   copied back on return. Only the control domain may call it (-EPERM).
 *   Errors: -EACCES (wrong interface_version), -EINVAL, -EFAULT,
 *   -ENOSYS (sub-op not implemented).
 *   Example: op.cmd = XENPF_settime64; op.interface_version =
 *            XENPF_INTERFACE_VERSION; op.u.settime64 = ...;
 *            HYPERVISOR_platform_op(&op);
 *
 * Only the sub-ops a Linux dom0 issues while booting have structures
 * here (settime, firmware_info, get_cpuinfo, get_cpu_version, cpu
 * online/offline/hotadd, mem_hotadd, enter_acpi_sleep). The command
 * numbers of the others are listed so they can be recognised and
 * refused; their argument layouts are not part of Mica's ABI yet.
 */
#ifndef MICA_PUBLIC_PLATFORM_H
#define MICA_PUBLIC_PLATFORM_H

#include "xen.h"

#define XENPF_INTERFACE_VERSION 0x03000001

/* Sub-ops without a structure here (see above). */
#define XENPF_add_memtype         31
#define XENPF_del_memtype         32
#define XENPF_read_memtype        33
#define XENPF_microcode_update    35
#define XENPF_platform_quirk      39
#define XENPF_efi_runtime_call    49
#define XENPF_change_freq         52
#define XENPF_getidletime         53
#define XENPF_set_processor_pminfo 54
#define XENPF_core_parking        60
#define XENPF_resource_op         61
#define XENPF_get_symbol          63

/*
 * XENPF_settime32 / XENPF_settime64: set the wall clock (all IN). The
 * time secs:nsecs (Unix epoch) was current at system time system_time
 * (ns since boot); the hypervisor updates shared_info.wc_* of every
 * domain. mbz must be 0 (-EINVAL otherwise). Linux dom0 calls it when
 * it sets the clock (settime64 on a 4.17 hypervisor).
 */
#define XENPF_settime32           17
struct xenpf_settime32 {
    uint32_t secs;
    uint32_t nsecs;
    uint64_t system_time;
};
typedef struct xenpf_settime32 xenpf_settime32_t;

#define XENPF_settime64           62
struct xenpf_settime64 {
    uint64_t secs;
    uint32_t nsecs;
    uint32_t mbz;
    uint64_t system_time;
};
typedef struct xenpf_settime64 xenpf_settime64_t;

#define XENPF_settime   XENPF_settime64
#define xenpf_settime   xenpf_settime64
typedef struct xenpf_settime xenpf_settime_t;

/*
 * XENPF_firmware_info (struct xenpf_firmware_info): facts the hypervisor
 * collected from the BIOS/EFI before it took over the machine, which dom0
 * can no longer ask the firmware for.
 *   type (IN)  - XEN_FW_*; index (IN) - which disk/entry;
 *   u (OUT)    - the member matching type.
 * Errors: -ESRCH when index is past the last entry (ends Linux's loops),
 *   -EINVAL for an unknown type.
 * Example: op.u.firmware_info.type = XEN_FW_DISK_INFO;
 *          op.u.firmware_info.index = i;
 */
#define XENPF_firmware_info       50
#define XEN_FW_DISK_INFO          1  /* BIOS INT 13h disk parameters (EDD) */
#define XEN_FW_DISK_MBR_SIGNATURE 2  /* MBR signature at offset 0x1b8 */
#define XEN_FW_VBEDDC_INFO        3  /* VBE DDC (EDID) of the monitor */
#define XEN_FW_EFI_INFO           4  /* EFI facts, index = XEN_FW_EFI_* */
#define  XEN_FW_EFI_VERSION        0
#define  XEN_FW_EFI_CONFIG_TABLE   1
#define  XEN_FW_EFI_VENDOR         2
#define  XEN_FW_EFI_MEM_INFO       3
#define  XEN_FW_EFI_RT_VERSION     4
#define  XEN_FW_EFI_PCI_ROM        5
#define  XEN_FW_EFI_APPLE_PROPERTIES 6
#define XEN_FW_KBD_SHIFT_FLAGS    5  /* BIOS keyboard shift flags */
struct xenpf_firmware_info {
    uint32_t type;
    uint32_t index;
    union {
        struct {
            uint8_t device;                   /* BIOS drive number */
            uint8_t version;                  /* EDD major version */
            uint16_t interface_support;       /* EDD support bitmap */
            uint16_t legacy_max_cylinder;
            uint8_t legacy_max_head;
            uint8_t legacy_sectors_per_track;
            /* IN: buffer for the EDD parameter block; its first u16 is its size */
            XEN_GUEST_HANDLE(void) edd_params;
        } disk_info;
        struct {
            uint8_t device;                   /* BIOS drive number */
            uint32_t mbr_signature;
        } disk_mbr_signature;
        struct {
            uint8_t capabilities;
            uint8_t edid_transfer_time;
            XEN_GUEST_HANDLE(uint8) edid;     /* IN: 128-byte buffer */
        } vbeddc_info;
        union xenpf_efi_info {
            uint32_t version;
            struct {
                uint64_t addr;                /* EFI configuration table */
                uint32_t nent;
            } cfg;
            struct {
                uint32_t revision;
                uint32_t bufsz;               /* IN: size of name in bytes */
                XEN_GUEST_HANDLE(void) name;  /* UCS-2 firmware vendor */
            } vendor;
            struct {
                uint64_t addr;                /* IN: address to describe */
                uint64_t size;
                uint64_t attr;
                uint32_t type;
            } mem;
            struct {
                uint16_t segment;             /* IN */
                uint8_t bus;                  /* IN */
                uint8_t devfn;                /* IN */
                uint16_t vendor;              /* IN */
                uint16_t devid;               /* IN */
                uint64_t address;             /* OUT: ROM image */
                xen_ulong_t size;             /* OUT */
            } pci_rom;
            struct {
                uint64_t address;
                xen_ulong_t size;
            } apple_properties;
        } efi_info;
        uint8_t kbd_shift_flags;
    } u;
};
typedef struct xenpf_firmware_info xenpf_firmware_info_t;

/*
 * XENPF_enter_acpi_sleep (struct xenpf_enter_acpi_sleep): enter ACPI
 * sleep state sleep_state (S1..S5) by writing val_a/val_b to the PM1a/b
 * control registers (or, with XENPF_ACPI_SLEEP_EXTENDED, as sleep types
 * for the extended sleep register). All IN. Returns after wake-up.
 */
#define XENPF_enter_acpi_sleep    51
struct xenpf_enter_acpi_sleep {
    uint16_t val_a;
    uint16_t val_b;
    uint32_t sleep_state;
#define XENPF_ACPI_SLEEP_EXTENDED 0x00000001
    uint32_t flags;
};
typedef struct xenpf_enter_acpi_sleep xenpf_enter_acpi_sleep_t;

/*
 * XENPF_get_cpuinfo (struct xenpf_pcpuinfo): describe physical CPU
 * xen_cpuid (IN). OUT: max_present (highest present CPU number), flags
 * (XEN_PCPU_FLAGS_*), apic_id, acpi_id. Linux's xen-pcpu driver walks
 * CPUs 0..max_present with it.
 */
#define XENPF_get_cpuinfo 55
struct xenpf_pcpuinfo {
    uint32_t xen_cpuid;
    uint32_t max_present;
#define XEN_PCPU_FLAGS_ONLINE   1  /* CPU is online */
#define XEN_PCPU_FLAGS_INVALID  2  /* no CPU with this number */
    uint32_t flags;
    uint32_t apic_id;
    uint32_t acpi_id;
};
typedef struct xenpf_pcpuinfo xenpf_pcpuinfo_t;

/*
 * XENPF_get_cpu_version (struct xenpf_pcpu_version): CPUID identity of
 * physical CPU xen_cpuid (IN). OUT: max_present, vendor_id (12 chars,
 * not terminated), family, model, stepping.
 */
#define XENPF_get_cpu_version 48
struct xenpf_pcpu_version {
    uint32_t xen_cpuid;
    uint32_t max_present;
    char vendor_id[12];
    uint32_t family;
    uint32_t model;
    uint32_t stepping;
};
typedef struct xenpf_pcpu_version xenpf_pcpu_version_t;

/*
 * XENPF_cpu_online / XENPF_cpu_offline (struct xenpf_cpu_ol): bring
 * physical CPU cpuid (IN) up or down. -EBUSY if it cannot go offline.
 */
#define XENPF_cpu_online    56
#define XENPF_cpu_offline   57
struct xenpf_cpu_ol {
    uint32_t cpuid;
};
typedef struct xenpf_cpu_ol xenpf_cpu_ol_t;

/* XENPF_cpu_hotadd (struct xenpf_cpu_hotadd): a CPU was hot-added (all IN). */
#define XENPF_cpu_hotadd    58
struct xenpf_cpu_hotadd {
    uint32_t apic_id;
    uint32_t acpi_id;
    uint32_t pxm;
};
typedef struct xenpf_cpu_hotadd xenpf_cpu_hotadd_t;

/*
 * XENPF_mem_hotadd (struct xenpf_mem_hotadd): RAM frames [spfn, epfn) in
 * proximity domain pxm were hot-added (all IN; flags 0).
 */
#define XENPF_mem_hotadd    59
struct xenpf_mem_hotadd {
    uint64_t spfn;
    uint64_t epfn;
    uint32_t pxm;
    uint32_t flags;
};
typedef struct xenpf_mem_hotadd xenpf_mem_hotadd_t;

/*
 * struct xen_platform_op: the single argument of the hypercall. The
 * union is padded to 128 bytes so that sub-ops with larger structures
 * (not described here) keep the same overall size.
 */
struct xen_platform_op {
    uint32_t cmd;
    uint32_t interface_version;
    union {
        xenpf_settime_t               settime;
        xenpf_settime32_t             settime32;
        xenpf_settime64_t             settime64;
        xenpf_firmware_info_t         firmware_info;
        xenpf_enter_acpi_sleep_t      enter_acpi_sleep;
        xenpf_pcpuinfo_t              pcpu_info;
        xenpf_pcpu_version_t          pcpu_version;
        xenpf_cpu_ol_t                cpu_ol;
        xenpf_cpu_hotadd_t            cpu_add;
        xenpf_mem_hotadd_t            mem_add;
        uint8_t                       pad[128];
    } u;
};
typedef struct xen_platform_op xen_platform_op_t;
DEFINE_XEN_GUEST_HANDLE(xen_platform_op_t);

#endif /* MICA_PUBLIC_PLATFORM_H */
