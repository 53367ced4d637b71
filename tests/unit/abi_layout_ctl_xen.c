// SPDX-License-Identifier: GPL-2.0-only
/*
 * Measures Debian's libxen-dev domctl.h and sysctl.h. Xen shows them only
 * to tools, so this unit defines __XEN_TOOLS__ (which also switches Xen's
 * headers to their newest interface version, the one Xen 4.17 itself is
 * built with); the main units stay without it.
 */
#define __XEN_TOOLS__ 1

#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>

#include "abi_layout.h"

#define ABI_LIST_FILE    "abi_layout_list_ctl.h"
#define ABI_SKIP_RING
#define ABI_FILL_FN      abi_fill_xen_ctl
#define ABI_FILL_RING_FN abi_fill_xen_ctl_ring
#include "abi_layout_fill.h"
