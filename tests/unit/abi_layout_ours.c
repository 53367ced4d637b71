// SPDX-License-Identifier: GPL-2.0-only
/*
 * Measures Mica's own ABI headers (include/public). This unit must see
 * no Xen header: only <public/...> from -Iinclude.
 */
#include <public/xen.h>
#include <public/errno.h>
#include <public/elfnote.h>
#include <public/features.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <public/memory.h>
#include <public/callback.h>
#include <public/nmi.h>
#include <public/physdev.h>
#include <public/platform.h>
#include <public/grant_table.h>
#include <public/xen-mca.h>
#include <public/io/console.h>
#include <public/io/xs_wire.h>
#include <public/io/blkif.h>
#include <public/io/netif.h>

#include "abi_layout.h"

/* A handle type made with the guest-handle macros, as guest code would. */
struct abi_probe { int x; };
typedef struct abi_probe abi_probe_t;
DEFINE_XEN_GUEST_HANDLE(abi_probe_t);

#ifdef ABI_LAYOUT_RING_STUB
#define ABI_SKIP_RING
#endif
#define ABI_FILL_FN      abi_fill_ours
#define ABI_FILL_RING_FN abi_fill_ours_ring
#include "abi_layout_fill.h"
