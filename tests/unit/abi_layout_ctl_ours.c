// SPDX-License-Identifier: GPL-2.0-only
/*
 * Measures Mica's include/public/domctl.h and sysctl.h (see
 * abi_layout_ctl_xen.c for why they have their own pair of units).
 */
#include <public/xen.h>
#include <public/domctl.h>
#include <public/sysctl.h>

#include "abi_layout.h"

#define ABI_LIST_FILE    "abi_layout_list_ctl.h"
#define ABI_SKIP_RING
#define ABI_FILL_FN      abi_fill_ours_ctl
#define ABI_FILL_RING_FN abi_fill_ours_ctl_ring
#include "abi_layout_fill.h"
