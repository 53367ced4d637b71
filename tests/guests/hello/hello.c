/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The smallest PV guest: it is entered, reads start_info's magic, prints
 * through console_io and powers off. Boot tests use it as "a PV kernel".
 */
#include "../lib/guest.h"

const char test_title[] = "hello";

void test_main(void)
{
    const char *magic = guest_start_info;
    /* start_info begins with "xen-<major>.<minor>-x86_64". */
    CHECK(magic && magic[0] == 'x' && magic[1] == 'e' && magic[2] == 'n' && magic[3] == '-',
          "start_info magic does not start with 'xen-'");
    printk("start_info magic: %.32s\n", magic);
}
