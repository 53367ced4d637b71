/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * console_io for dom0: writes of every length, reading the (empty) input
 * ring, and the error paths.
 */
#include "../lib/guest.h"

const char test_title[] = "console_io write/read and errors";

static long cio(int cmd, unsigned long count, const void *buf)
{
    return HC3(__HYPERVISOR_console_io, cmd, count, buf);
}

void test_main(void)
{
    static const char msg[] = "console: a line written with one console_io call\n";
    /* Xen returns 0 for a successful write, whatever the length. */
    CHECK_RC(cio(CONSOLEIO_write, 0, msg), 0);
    CHECK_RC(cio(CONSOLEIO_write, 0, BAD_VA), 0);  /* nothing to copy, nothing to fault */
    CHECK_RC(cio(CONSOLEIO_write, sizeof(msg) - 1, msg), 0);

    /* A write larger than Xen's internal 128-byte chunk still succeeds as a whole. */
    static char big[600];
    for (unsigned i = 0; i < sizeof(big) - 1; i++)
        big[i] = (i % 75 == 74) ? '\n' : 'a' + i % 26;
    big[sizeof(big) - 2] = '\n';
    CHECK_RC(cio(CONSOLEIO_write, sizeof(big) - 1, big), 0);

    /* Unreadable buffers: -EFAULT (nothing is printed). */
    CHECK_RC(cio(CONSOLEIO_write, 16, BAD_VA), -XEN_EFAULT);
    CHECK_RC(cio(CONSOLEIO_write, 16, NONCANON_VA), -XEN_EFAULT);
    CHECK_RC(cio(CONSOLEIO_write, 16, (void *)0xffff830000000000UL), -XEN_EFAULT);

    /*
     * CONSOLEIO_read: dom0 reads the hypervisor's serial input ring. Nobody
     * types here, so it returns 0 bytes and leaves the buffer alone.
     */
    char in[64];
    memset(in, 0x5a, sizeof(in));
    CHECK_RC(cio(CONSOLEIO_read, sizeof(in), in), 0);
    CHECK(in[0] == 0x5a, "read with no input changed the buffer");
    CHECK_RC(cio(CONSOLEIO_read, 0, in), 0);
    /* With nothing to copy, Xen never touches the buffer: no -EFAULT either. */
    CHECK_RC(cio(CONSOLEIO_read, 16, BAD_VA), 0);

    /* Unknown commands. */
    CHECK_RC(cio(2, 0, msg), -XEN_ENOSYS);
    CHECK_RC(cio(-1, 0, msg), -XEN_ENOSYS);
    printk("console: done\n");
}
