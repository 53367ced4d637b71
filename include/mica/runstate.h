/* SPDX-License-Identifier: GPL-2.0-only */
/* vCPU runstate accounting (common/runstate.c). */
#ifndef MICA_RUNSTATE_H
#define MICA_RUNSTATE_H

#include <public/vcpu.h>
#include <mica/guest_access.h>

struct vcpu;
void runstate_init(struct vcpu *v, int state);
/* Enter RUNSTATE_*; updates the guest's registered copy. */
void runstate_change(struct vcpu *v, int state);
/* Totals including the time spent in the current state so far. */
void runstate_get(const struct vcpu *v, struct vcpu_runstate_info *out);
/* The vCPU (current) entered its kernel: write a copy that could not be written before. */
void runstate_catch_up(struct vcpu *v);
/* VCPUOP_register_runstate_memory_area: 0 unregisters. */
long runstate_register(struct vcpu *v, guest_ptr_t area);

#endif
