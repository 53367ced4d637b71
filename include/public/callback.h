/* SPDX-License-Identifier: MIT */
/*
 * callback.h - HYPERVISOR_callback_op: register guest entry points.
 *
 * A PV kernel tells the hypervisor where to enter it for events
 * (upcalls), for the failsafe path, for SYSCALL from user mode and for
 * NMIs. The addresses are guest virtual kernel addresses.
 *
 * long HYPERVISOR_callback_op(int cmd, const void *arg)
 *   cmd is CALLBACKOP_register (struct callback_register) or
 *   CALLBACKOP_unregister (struct callback_unregister).
 *   Errors: -EINVAL (unknown type, non-canonical address, or unregistering
 *   a type that cannot be unregistered), -EFAULT, -ENOSYS.
 *   Example: struct callback_register cb = { .type = CALLBACKTYPE_event,
 *            .address = (unsigned long)xen_hypervisor_callback };
 *            HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
 */
#ifndef MICA_PUBLIC_CALLBACK_H
#define MICA_PUBLIC_CALLBACK_H

#include "xen.h"

/* Entered when an event is pending and the upcall mask is clear. */
#define CALLBACKTYPE_event                 0
/*
 * Entered when the hypervisor cannot return to the guest because a
 * segment register or the iret frame is bad; the guest fixes it up.
 */
#define CALLBACKTYPE_failsafe              1
/* Entered for SYSCALL from 64-bit user mode. */
#define CALLBACKTYPE_syscall               2
/* Old number of the SYSENTER callback (32-bit compat guests). */
#define CALLBACKTYPE_sysenter_deprecated   3
/* Entered for NMIs (replaces XENNMI_register_callback). */
#define CALLBACKTYPE_nmi                   4
/* Entered for SYSENTER from 32-bit user mode. */
#define CALLBACKTYPE_sysenter              5
/* Entered for SYSCALL from 32-bit user mode. */
#define CALLBACKTYPE_syscall32             7

/*
 * flags: with CALLBACKF_mask_events the hypervisor sets the upcall mask
 * on entry, like an interrupt gate clearing IF (for syscall/failsafe).
 */
#define _CALLBACKF_mask_events             0
#define CALLBACKF_mask_events              (1U << _CALLBACKF_mask_events)

/*
 * struct callback_register (all IN): type (CALLBACKTYPE_*), flags
 * (CALLBACKF_*), address (entry point). Re-registering replaces.
 */
#define CALLBACKOP_register                0
struct callback_register {
    uint16_t type;
    uint16_t flags;
    xen_callback_t address;
};
typedef struct callback_register callback_register_t;
DEFINE_XEN_GUEST_HANDLE(callback_register_t);

/*
 * struct callback_unregister (IN): type. Only the NMI callback can be
 * unregistered; the others fail with -EINVAL.
 */
#define CALLBACKOP_unregister              1
struct callback_unregister {
    uint16_t type;
    uint16_t _unused;
};
typedef struct callback_unregister callback_unregister_t;
DEFINE_XEN_GUEST_HANDLE(callback_unregister_t);

#endif /* MICA_PUBLIC_CALLBACK_H */
