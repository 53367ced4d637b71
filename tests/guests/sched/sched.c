/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sched_op (yield, block with a pending event, poll with and without
 * timeout, shutdown argument errors) and vm_assist.
 */
#include "../lib/guest.h"
#include <public/sched.h>
#include <public/event_channel.h>
#include <public/vcpu.h>

const char test_title[] = "sched_op and vm_assist";

static long sched(int cmd, void *arg)
{
    return HC2(__HYPERVISOR_sched_op, cmd, arg);
}

static void test_block_and_poll(void)
{
    events_init();
    struct evtchn_bind_ipi ipi = { .vcpu = 0 };
    CHECK_RC(evtchn_op(EVTCHNOP_bind_ipi, &ipi), 0);
    evtchn_port_t port = ipi.port;
    CHECK(port > 0 && port < 64, "ipi port %u", port);
    if (failure_count())
        finish();   /* without a port, block/poll below could wait forever */

    /* Poll (events masked, as Xen requires for a meaningful poll) times out. */
    uint64_t t0 = system_time_ns();
    struct sched_poll poll = { .nr_ports = 1, .timeout = t0 + 2000000 };
    set_xen_guest_handle(poll.ports, &port);
    CHECK_RC(sched(SCHEDOP_poll, &poll), 0);
    uint64_t waited = system_time_ns() - t0;
    CHECK(waited >= 2000000 && waited < 500000000, "poll with 2 ms timeout waited %lu ns", waited);

    /* A pending port ends the poll at once; the event stays pending. */
    struct evtchn_send send = { .port = port };
    CHECK_RC(evtchn_op(EVTCHNOP_send, &send), 0);
    shared_info_t *s = shared_info();
    CHECK(s->evtchn_pending[0] & (1UL << port), "sent port not pending");
    CHECK(s->vcpu_info[0].evtchn_upcall_pending, "upcall_pending not set");
    CHECK(event_upcalls == 0, "upcall delivered while masked");
    poll.timeout = 0;   /* no timeout: would wait forever if the port were not pending */
    t0 = system_time_ns();
    CHECK_RC(sched(SCHEDOP_poll, &poll), 0);
    CHECK(system_time_ns() - t0 < 100000000, "poll on a pending port blocked");

    /*
     * SCHEDOP_block unmasks events; with one pending it returns at once and
     * the upcall runs on the way back (before the next instruction).
     */
    CHECK_RC(sched(SCHEDOP_block, NULL), 0);
    CHECK(event_upcalls == 1 && port_hits[port] == 1, "after block: %lu upcalls, port hits %lu",
          event_upcalls, port_hits[port]);
    CHECK(s->vcpu_info[0].evtchn_upcall_mask == 0, "block left events masked");
    events_mask();

    /* Poll errors. */
    poll.nr_ports = 1;
    set_xen_guest_handle(poll.ports, (evtchn_port_t *)BAD_VA);
    CHECK_RC(sched(SCHEDOP_poll, &poll), -XEN_EFAULT);
    evtchn_port_t bad_port = 100000;
    set_xen_guest_handle(poll.ports, &bad_port);
    CHECK_RC(sched(SCHEDOP_poll, &poll), -XEN_EINVAL);
    poll.nr_ports = 129;    /* Xen caps a poll at 128 ports */
    set_xen_guest_handle(poll.ports, &port);
    CHECK_RC(sched(SCHEDOP_poll, &poll), -XEN_EINVAL);
    CHECK_RC(sched(SCHEDOP_poll, BAD_VA), -XEN_EFAULT);
    /* Xen does not insist on masked events for a poll: it just times out. */
    events_unmask();
    poll.nr_ports = 1;
    poll.timeout = system_time_ns() + 1000000;
    CHECK_RC(sched(SCHEDOP_poll, &poll), 0);
    events_mask();

    struct evtchn_close cl = { .port = port };
    CHECK_RC(evtchn_op(EVTCHNOP_close, &cl), 0);
}

static void test_vm_assist(void)
{
    /* Linux enables writable page tables; enabling/disabling is idempotent. */
    CHECK_RC(HC2(__HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);
    CHECK_RC(HC2(__HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);
    CHECK_RC(HC2(__HYPERVISOR_vm_assist, VMASST_CMD_disable, VMASST_TYPE_writable_pagetables), 0);
    CHECK_RC(HC2(__HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_m2p_strict), 0);
    CHECK_RC(HC2(__HYPERVISOR_vm_assist, VMASST_CMD_disable, VMASST_TYPE_m2p_strict), 0);
    CHECK_RC(HC2(__HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag), 0);
    /*
     * Xen 4.17's valid set for 64-bit PV (VM_ASSIST_VALID) still includes the
     * legacy 4gb_segments(_notify) and pae_extended_cr3 bits, which are
     * accepted and ignored, and architectural_iopl.
     */
    CHECK_RC(HC2(__HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_4gb_segments), 0);
    CHECK_RC(HC2(__HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_pae_extended_cr3), 0);
    CHECK_RC(HC2(__HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_architectural_iopl), 0);
    CHECK_RC(HC2(__HYPERVISOR_vm_assist, VMASST_CMD_disable, VMASST_TYPE_architectural_iopl), 0);
    /* Unknown types: -EINVAL. */
    CHECK_RC(HC2(__HYPERVISOR_vm_assist, VMASST_CMD_enable, 31), -XEN_EINVAL);
    CHECK_RC(HC2(__HYPERVISOR_vm_assist, VMASST_CMD_enable, 64), -XEN_EINVAL);
    CHECK_RC(HC2(__HYPERVISOR_vm_assist, 2, VMASST_TYPE_writable_pagetables), -XEN_ENOSYS);
}

/*
 * The runstate area: registered, it shows the vCPU running; time spent
 * blocked in a poll with a timeout is accounted as blocked.
 */
static struct vcpu_runstate_info runstate;

static void test_runstate(void)
{
    struct vcpu_register_runstate_memory_area area = { .addr.v = &runstate };
    CHECK_RC(HC3(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 0, &area), 0);
    CHECK(runstate.state == RUNSTATE_running, "runstate %d after registering", runstate.state);
    CHECK(runstate.state_entry_time > 0, "state_entry_time 0");
    uint64_t blocked = runstate.time[RUNSTATE_blocked];

    /* Port 0 (reserved) and free ports cannot be polled. */
    evtchn_port_t port = 0;
    struct sched_poll poll = { .nr_ports = 1, .timeout = system_time_ns() + 3000000 };
    set_xen_guest_handle(poll.ports, &port);
    CHECK_RC(sched(SCHEDOP_poll, &poll), -XEN_EINVAL);
    port = 60;
    CHECK_RC(sched(SCHEDOP_poll, &poll), -XEN_EINVAL);

    /* A bound port that is not pending: the poll waits for its timeout. */
    struct evtchn_bind_ipi ipi = { .vcpu = 0 };
    CHECK_RC(evtchn_op(EVTCHNOP_bind_ipi, &ipi), 0);
    port = ipi.port;
    /*
     * The timeout is absolute: the poll must not return before it (Xen may
     * fire a timer up to its 50 us slop early), and the vCPU is blocked for
     * most of it. "Most" is 1 of the 3 ms: a loaded host can delay the
     * guest between reading the clock and blocking (2 ms asked for once
     * failed in CI with 1.88 ms blocked).
     */
    poll.timeout = system_time_ns() + 3000000;
    CHECK_RC(sched(SCHEDOP_poll, &poll), 0);
    uint64_t after = system_time_ns();
    CHECK(after + 100000 >= poll.timeout, "poll returned %ld ns before its timeout",
          (long)(poll.timeout - after));
    CHECK(runstate.state == RUNSTATE_running, "runstate %d after the poll", runstate.state);
    CHECK(runstate.time[RUNSTATE_blocked] >= blocked + 1000000,
          "blocked time grew by %lu ns over a 3 ms poll", runstate.time[RUNSTATE_blocked] - blocked);

    struct vcpu_runstate_info r;
    CHECK_RC(HC3(__HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 0, &r), 0);
    CHECK(r.state == RUNSTATE_running && r.time[RUNSTATE_running] > 0, "get_runstate_info: state %d", r.state);
    area.addr.p = 0;            /* unregister */
    CHECK_RC(HC3(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 0, &area), 0);
    struct evtchn_close close = { .port = ipi.port };
    CHECK_RC(evtchn_op(EVTCHNOP_close, &close), 0);
}

void test_main(void)
{
    trap_init();
    test_runstate();
    CHECK_RC(sched(SCHEDOP_yield, NULL), 0);
    /* The old sched_op_compat hypercall takes the argument by value. */
    CHECK_RC(HC2(__HYPERVISOR_sched_op_compat, SCHEDOP_yield, 0), 0);
    test_block_and_poll();

    /* Shutdown: only argument errors here (a real shutdown ends the test). */
    CHECK_RC(sched(SCHEDOP_shutdown, BAD_VA), -XEN_EFAULT);
    CHECK_RC(sched(SCHEDOP_shutdown_code, BAD_VA), -XEN_EFAULT);
    struct sched_remote_shutdown rs = { .domain_id = 7, .reason = SHUTDOWN_poweroff };
    CHECK_RC(sched(SCHEDOP_remote_shutdown, &rs), -XEN_ESRCH);
    CHECK_RC(sched(99, NULL), -XEN_ENOSYS);
    CHECK_RC(sched(-1, NULL), -XEN_ENOSYS);

    test_vm_assist();
}
