/* SPDX-License-Identifier: MIT */
/*
 * vcpu.h - HYPERVISOR_vcpu_op: bring vCPUs up and down, timers, runstate.
 *
 * long HYPERVISOR_vcpu_op(int cmd, unsigned int vcpuid, void *extra_arg)
 *   cmd is VCPUOP_*, vcpuid the target vCPU of the calling domain,
 *   extra_arg the matching struct or NULL. Common errors: -ENOENT (no such
 *   vCPU), -EINVAL (bad argument), -EFAULT, -ENOSYS (unknown cmd).
 *   Example: HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL);
 */
#ifndef MICA_PUBLIC_VCPU_H
#define MICA_PUBLIC_VCPU_H

#include "xen.h"

/*
 * VCPUOP_initialise (struct vcpu_guest_context): set the initial register
 *   state of a vCPU that has never run. -EEXIST if it was already
 *   initialised. Ordering: initialise, then VCPUOP_up.
 * VCPUOP_up (NULL): start a vCPU (-EINVAL if not initialised).
 * VCPUOP_down (NULL): stop a vCPU; its state is kept for a later up.
 * VCPUOP_is_up (NULL): returns 1 if the vCPU is running, else 0.
 */
#define VCPUOP_initialise            0
#define VCPUOP_up                    1
#define VCPUOP_down                  2
#define VCPUOP_is_up                 3

/*
 * VCPUOP_get_runstate_info (struct vcpu_runstate_info, OUT): copy the
 * vCPU's runstate accounting. Any vCPU of the domain may be queried.
 */
#define VCPUOP_get_runstate_info     4

/*
 * struct vcpu_runstate_info: how a vCPU spent its time (all OUT).
 *   state            - RUNSTATE_*;
 *   state_entry_time - system time (ns) when state was entered; with
 *                      VMASST_TYPE_runstate_update_flag the hypervisor sets
 *                      XEN_RUNSTATE_UPDATE in it while it rewrites a
 *                      registered copy (re-read until clear);
 *   time[]           - ns spent in each RUNSTATE_*; the sum tracks system time.
 * Linux uses it for steal time (runnable + offline).
 */
struct vcpu_runstate_info {
    int      state;
    uint64_t state_entry_time;
#define XEN_RUNSTATE_UPDATE          (1ULL << 63)
    uint64_t time[4];
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_runstate_info_t);

#define RUNSTATE_running  0  /* running on a physical CPU */
#define RUNSTATE_runnable 1  /* wants to run, waiting for a CPU (steal time) */
#define RUNSTATE_blocked  2  /* blocked waiting for an event (idle) */
#define RUNSTATE_offline  3  /* down, or paused by the hypervisor/toolstack */

/*
 * VCPUOP_register_runstate_memory_area (struct
 * vcpu_register_runstate_memory_area): ask the hypervisor to keep a
 * vcpu_runstate_info at a guest virtual address up to date, on every
 * context switch of that vCPU. The address must be valid in every address
 * space the vCPU uses (a kernel address). Address 0 unregisters.
 * Example: r.addr.v = &per_cpu_runstate; HYPERVISOR_vcpu_op(
 *          VCPUOP_register_runstate_memory_area, cpu, &r);
 */
#define VCPUOP_register_runstate_memory_area 5
struct vcpu_register_runstate_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_runstate_info_t) h;
        struct vcpu_runstate_info *v;
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_runstate_memory_area vcpu_register_runstate_memory_area_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_runstate_memory_area_t);

/*
 * VCPUOP_set_periodic_timer (struct vcpu_set_periodic_timer): fire
 *   VIRQ_TIMER every period_ns (IN, at least 1 ms; -EINVAL below).
 *   PV guests start with a 10 ms periodic timer; Linux stops it.
 * VCPUOP_stop_periodic_timer (NULL): stop it.
 */
#define VCPUOP_set_periodic_timer    6
#define VCPUOP_stop_periodic_timer   7
struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_set_periodic_timer_t);

/*
 * VCPUOP_set_singleshot_timer (struct vcpu_set_singleshot_timer): fire
 *   VIRQ_TIMER once at timeout_abs_ns (IN, system time). Only the calling
 *   vCPU may set its own (-EINVAL otherwise). With VCPU_SSHOTTMR_future
 *   in flags a timeout already in the past fails with -ETIME instead of
 *   firing at once (the hypervisor may ignore the flag).
 * VCPUOP_stop_singleshot_timer (NULL): cancel it.
 * Example: t.timeout_abs_ns = now + delta; t.flags = 0;
 */
#define VCPUOP_set_singleshot_timer  8
#define VCPUOP_stop_singleshot_timer 9
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;
    uint32_t flags;
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_set_singleshot_timer_t);

#define _VCPU_SSHOTTMR_future (0)
#define VCPU_SSHOTTMR_future  (1U << _VCPU_SSHOTTMR_future)

/*
 * VCPUOP_register_vcpu_info (struct vcpu_register_vcpu_info): move the
 * vCPU's vcpu_info out of shared_info into guest page `mfn` at `offset`
 * (IN; the structure must not cross the page; rsvd must be 0). Needed for
 * vCPUs >= XEN_LEGACY_MAX_VCPUS; Linux does it for all. Can be done once
 * per vCPU (-EINVAL if repeated or misplaced). The hypervisor copies the
 * current contents and marks all event selector bits pending so no event
 * is lost in the move.
 */
#define VCPUOP_register_vcpu_info   10
struct vcpu_register_vcpu_info {
    uint64_t mfn;
    uint32_t offset;
    uint32_t rsvd;
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_vcpu_info_t);

/* VCPUOP_send_nmi (NULL): raise an NMI on the target vCPU. */
#define VCPUOP_send_nmi             11

/*
 * VCPUOP_get_physid (struct vcpu_get_physid, OUT): the APIC and ACPI ids
 * of the physical CPU with the same number (control domain only, for
 * vCPUs pinned 1:1). -EINVAL when unavailable.
 */
#define VCPUOP_get_physid           12
struct vcpu_get_physid {
    uint64_t phys_id;
};
typedef struct vcpu_get_physid vcpu_get_physid_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_get_physid_t);
#define xen_vcpu_physid_to_x86_apicid(physid) ((uint32_t)(physid))
#define xen_vcpu_physid_to_x86_acpiid(physid) ((uint32_t)((physid) >> 32))

/*
 * VCPUOP_register_vcpu_time_memory_area (struct
 * vcpu_register_time_memory_area): keep an extra copy of the vCPU's
 * vcpu_time_info at a guest virtual address (for a user-mapped vDSO
 * clock). Same address rules as the runstate area.
 */
#define VCPUOP_register_vcpu_time_memory_area   13
DEFINE_XEN_GUEST_HANDLE(vcpu_time_info_t);
struct vcpu_register_time_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_time_info_t) h;
        struct vcpu_time_info *v;
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_time_memory_area_t);

#endif /* MICA_PUBLIC_VCPU_H */
