/* SPDX-License-Identifier: MIT */
/*
 * nmi.h - HYPERVISOR_nmi_op and the NMI reason bits.
 *
 * long HYPERVISOR_nmi_op(unsigned int cmd, void *arg)
 *   XENNMI_register_callback (struct xennmi_callback): enter the guest at
 *     handler_address when an NMI is delivered to it (only the control
 *     domain receives physical NMIs). pad must be 0.
 *   XENNMI_unregister_callback (arg NULL): stop delivering NMIs.
 *   Errors: -EINVAL (bad address or cmd), -EFAULT, -ENOSYS.
 *   New guests use CALLBACKOP_register with CALLBACKTYPE_nmi instead.
 *   Example: struct xennmi_callback cb = { (unsigned long)nmi_entry, 0 };
 *            HYPERVISOR_nmi_op(XENNMI_register_callback, &cb);
 *
 * Why an NMI happened is published in shared_info.arch.nmi_reason as the
 * bits below; the guest clears the bits it handled.
 */
#ifndef MICA_PUBLIC_NMI_H
#define MICA_PUBLIC_NMI_H

#include "xen.h"

/* I/O check error (system port 0x61 bit 6). */
#define _XEN_NMIREASON_io_error     0
#define XEN_NMIREASON_io_error      (1UL << _XEN_NMIREASON_io_error)
/* PCI SERR (system port 0x61 bit 7). */
#define _XEN_NMIREASON_pci_serr     1
#define XEN_NMIREASON_pci_serr      (1UL << _XEN_NMIREASON_pci_serr)
/* NMI with no known hardware source. */
#define _XEN_NMIREASON_unknown      2
#define XEN_NMIREASON_unknown       (1UL << _XEN_NMIREASON_unknown)

#define XENNMI_register_callback   0
struct xennmi_callback {
    unsigned long handler_address;
    unsigned long pad;
};
typedef struct xennmi_callback xennmi_callback_t;
DEFINE_XEN_GUEST_HANDLE(xennmi_callback_t);

#define XENNMI_unregister_callback 1

#endif /* MICA_PUBLIC_NMI_H */
