/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A domain's XenStore entries, as Xen's libxl writes them for a PV guest:
 *
 *   /local/domain/N                 owner dom0, N may read
 *     name, domid, vm, memory/{static-max,target}, cpu/I/availability,
 *     store/{ring-ref,port}, console/{ring-ref,port,type,limit,output}
 *     control/                      owner dom0, N may read
 *     control/shutdown, control/feature-{poweroff,reboot,suspend},
 *     control/sysrq, data, error, drivers, feature, attr, device,
 *     device/suspend/event-channel (owned by N: the guest writes there)
 *   /vm/UUID                        owner dom0, N may read
 *     uuid, name, start_time, image/ostype
 *   /libxl/N/type                   toolstack private (dom0 only)
 *
 * then INTRODUCE(N, store mfn, store port) so the daemon serves its ring.
 */
#ifndef XL_DOM_XS_H
#define XL_DOM_XS_H

#include <stddef.h>
#include <stdint.h>

#include "build_dom.h"
#include "xlcfg.h"
#include "xs_client.h"

int xl_dom_xs_setup(struct xs_client *xs, const struct xlcfg *cfg,
                    const struct xl_built *b, const uint8_t uuid[16],
                    char *err, size_t errsz);
/* RELEASE the domain in the daemon (ignored if already gone). */
void xl_dom_xs_release(struct xs_client *xs, uint32_t domid);
/* Remove /local/domain/N, its /vm/UUID and /libxl/N. */
void xl_dom_xs_cleanup(struct xs_client *xs, uint32_t domid);

/* Name from /local/domain/N/name (malloc'd), NULL if none. */
char *xl_dom_name(struct xs_client *xs, uint32_t domid);
/* Domain id for a name or a number; -ENOENT if no such domain. */
int xl_dom_lookup(struct xs_client *xs, const char *name_or_id,
                  uint32_t *domid);
/* Rename (xl rename / rename-restart); -EEXIST if another domain has the name. */
int xl_dom_rename(struct xs_client *xs, uint32_t domid, const char *name);

void xl_uuid_format(const uint8_t uuid[16], char out[37]);

#endif
