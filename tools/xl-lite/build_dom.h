/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Creating a PV domU from an xl.cfg: the hypervisor steps of Xen's libxl
 * + libxc for a PV guest (createdomain, max_mem, populate_physmap, load
 * through foreign mappings, pin the L4, hypercall page, vCPU 0 context),
 * then its XenStore tree (dom_xs.c) and INTRODUCE. The domain is left
 * paused; the caller unpauses it.
 */
#ifndef XL_BUILD_DOM_H
#define XL_BUILD_DOM_H

#include <stddef.h>
#include <stdint.h>

#include "xlcfg.h"
#include "xs_client.h"

struct xl_built {
	uint32_t domid;
	uint64_t store_mfn, console_mfn;
	uint32_t store_port, console_port;
	uint64_t nr_pages;
};

/* Defaults xl applies when the file leaves them out. */
#define XL_DEFAULT_MEMORY_MB 128

/*
 * Build the domain described by @cfg (validated). On failure the
 * half-built domain is destroyed and @err says which step failed.
 * @verbose prints each step to stderr.
 */
int xl_build_domain(const struct xlcfg *cfg, struct xs_client *xs,
                    struct xl_built *out, int verbose, char *err,
                    size_t errsz);

/* Destroy @domid and remove its XenStore entries (xl destroy). */
int xl_destroy_domain(struct xs_client *xs, uint32_t domid, char *err,
                      size_t errsz);

#endif
