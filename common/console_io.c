/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HYPERVISOR_console_io: the hypervisor console for the control domain.
 * CONSOLEIO_write prints guest text on Mica's console; CONSOLEIO_read takes
 * what arrived on the serial line. Only privileged domains may use it (on
 * Xen's default policy an unprivileged domain gets -EPERM); they use their
 * console ring instead.
 *
 * Input is announced with VIRQ_CONSOLE, as Xen does, which is what makes
 * Linux's hvc0 read. Mica drives the UART without interrupts, so CPU 0's
 * 10 ms housekeeping tick looks at the line (console_io_tick) and raises
 * the VIRQ once per batch of input: again only after a read has emptied
 * the UART.
 */
#include <public/errno.h>
#include <public/xen.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/event.h>
#include <mica/guest_access.h>
#include <mica/serial.h>

static bool input_announced;

/* The domain console_io input goes to: the control domain, if there is one. */
static struct domain *input_domain(void)
{
    struct domain *d = domain_lookup(0);
    return d && d->is_privileged && !d->is_dying && !d->is_shutting_down ? d : NULL;
}

bool console_io_polls(unsigned int cpu)
{
    return cpu == 0 && input_domain();
}

void console_io_tick(void)
{
    struct domain *d = input_domain();
    if (!d || __atomic_load_n(&input_announced, __ATOMIC_ACQUIRE) || !serial_rx_ready())
        return;
    /* Interrupt context: this CPU may have been interrupted holding it; the next tick will do. */
    if (spin_is_locked(&d->event_lock))
        return;
    __atomic_store_n(&input_announced, true, __ATOMIC_RELEASE);
    send_global_virq(d, VIRQ_CONSOLE);
}

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
        if (!serial_rx_ready())
            __atomic_store_n(&input_announced, false, __ATOMIC_RELEASE);
        if (got && copy_to_guest(buf, chunk, got))
            return -XEN_EFAULT;
        return got;
    }
    default:
        return -XEN_ENOSYS;
    }
}
