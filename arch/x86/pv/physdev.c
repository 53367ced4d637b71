/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * physdev_op: the guest's access to physical devices.
 *
 * Implemented: PHYSDEVOP_set_iopl, the vCPU's virtual IOPL, which decides
 * whether its port I/O is emulated (arch/x86/pv/ioport.c) or gets #GP.
 * Every other command (IRQs, MSI, PCI device management, the I/O bitmap)
 * is -ENOSYS until Mica routes physical interrupts to guests.
 */
#include <public/errno.h>
#include <public/physdev.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/guest_access.h>

long do_physdev_op(int cmd, guest_ptr_t arg)
{
    struct vcpu *v = current;

    switch (cmd) {
    case PHYSDEVOP_set_iopl: {
        struct physdev_set_iopl set;
        if (copy_from_guest(&set, arg, sizeof(set)))
            return -XEN_EFAULT;
        if (set.iopl > 3)
            return -XEN_EINVAL;
        /* Kept in EFLAGS position, as IRET with architectural_iopl stores it. */
        v->pv.iopl = set.iopl << 12;
        return 0;
    }
    default:
        return -XEN_ENOSYS;
    }
}
