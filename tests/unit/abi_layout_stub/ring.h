/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stand-in for include/public/io/ring.h while that file does not exist
 * yet (another piece of work provides it). Found only through -I, so the
 * real ring.h next to blkif.h wins as soon as it is there. Declares
 * nothing usable: the layout test then skips its shared-ring rows.
 */
#ifndef ABI_LAYOUT_RING_STUB_H
#define ABI_LAYOUT_RING_STUB_H
#define ABI_LAYOUT_RING_STUB 1
#define DEFINE_RING_TYPES(name, req_t, rsp_t) struct abi_layout_stub_ ## name
#endif
