// SPDX-License-Identifier: GPL-2.0-only
/*
 * Measures Debian's libxen-dev headers (/usr/include/xen), the reference
 * for the Xen 4.17 ABI. This unit must see none of Mica's headers.
 *
 * The interface version is pinned to Xen 4.17's so that no compatibility
 * branch of the headers is taken. __XEN_TOOLS__ is not defined: nothing
 * Mica defines is tools-only.
 */
#define __XEN_INTERFACE_VERSION__ 0x00040e00

/* Xen's headers expect the fixed-width types to be declared already. */
#include <stddef.h>
#include <stdint.h>
/* xs_wire.h only builds its error table when the host errno names exist. */
#include <errno.h>

#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/elfnote.h>
#include <xen/features.h>
#include <xen/event_channel.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>
#include <xen/memory.h>
#include <xen/callback.h>
#include <xen/nmi.h>
#include <xen/physdev.h>
#include <xen/platform.h>
#include <xen/grant_table.h>
#include <xen/arch-x86/xen-mca.h>
#include <xen/io/console.h>
#include <xen/io/xs_wire.h>
#include <xen/io/blkif.h>
#include <xen/io/netif.h>

#include "abi_layout.h"

struct abi_probe { int x; };
typedef struct abi_probe abi_probe_t;
DEFINE_XEN_GUEST_HANDLE(abi_probe_t);

#define ABI_FILL_FN      abi_fill_xen
#define ABI_FILL_RING_FN abi_fill_xen_ring
#include "abi_layout_fill.h"
