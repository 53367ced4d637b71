/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HYPERVISOR_console_io: the hypervisor console for the control domain.
 * CONSOLEIO_write prints guest text on Mica's console; CONSOLEIO_read takes
 * what arrived on the serial line. Only privileged domains may use it (on
 * Xen's default policy an unprivileged domain gets -EPERM); they use their
 * console ring instead.
 */
#include <public/errno.h>
#include <public/xen.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/guest_access.h>
#include <mica/serial.h>

long do_console_io(int cmd, unsigned int count, guest_ptr_t buf)
{
    struct domain *d = current->domain;
    char chunk[128];

    if (!d->is_privileged)
        return -XEN_EPERM;

    switch (cmd) {
    case CONSOLEIO_write:
        /* In chunks: a long write must not need a long buffer in Mica. */
        while (count) {
            unsigned int n = count < sizeof(chunk) ? count : sizeof(chunk);
            if (copy_from_guest(chunk, buf, n))
                return -XEN_EFAULT;
            console_guest_write(chunk, n);
            buf += n;
            count -= n;
        }
        return 0;
    case CONSOLEIO_read: {
        unsigned int got = 0;
        int c;
        while (got < count && got < sizeof(chunk) && (c = serial_getc()) >= 0)
            chunk[got++] = (char)c;
        if (got && copy_to_guest(buf, chunk, got))
            return -XEN_EFAULT;
        return got;
    }
    default:
        return -XEN_ENOSYS;
    }
}
