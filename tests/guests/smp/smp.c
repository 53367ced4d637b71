/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A second vCPU: VCPUOP_initialise's rules, up/is_up/down, the new vCPU's
 * own hypercalls (SYSCALL on another CPU), an IPI event channel between
 * the two vCPUs, and a vCPU taking itself down. Needs 2 vCPUs
 * (EXPECT: smp: 2).
 */
#include "../lib/guest.h"
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>

const char test_title[] = "smp: a second vCPU";

static volatile unsigned long vcpu1_steps;
static volatile long vcpu1_rc;
static uint8_t vcpu1_stack[8192] __attribute__((aligned(16)));
static struct vcpu_guest_context ctxt;
static evtchn_port_t ipi_port_v0;

static long vcpu_op(int cmd, unsigned vcpu, void *arg)
{
    return HC3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg);
}

/* vCPU 1's life: hypercalls of its own, an IPI to vCPU 0, then down. */
static void __attribute__((noreturn, used)) vcpu1_main(void)
{
    vcpu1_steps = 1;
    /* A hypercall from this vCPU: its own view of is_up. */
    vcpu1_rc = vcpu_op(VCPUOP_is_up, 1, NULL);
    vcpu1_steps = 2;
    struct evtchn_send send = { .port = ipi_port_v0 };
    HC2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, &send);
    vcpu1_steps = 3;
    vcpu_op(VCPUOP_down, 1, NULL);
    /* Not reached while down. */
    vcpu1_steps = 99;
    for (;;)
        HC2(__HYPERVISOR_sched_op, SCHEDOP_block, NULL);
}

static bool wait_for(volatile unsigned long *what, unsigned long want)
{
    uint64_t end = system_time_ns() + 2000000000ULL;
    while (*what < want && system_time_ns() < end)
        HC2(__HYPERVISOR_sched_op, SCHEDOP_yield, NULL);
    return *what >= want;
}

void test_main(void)
{
    unsigned long cr3;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));     /* emulated: the L4's machine address */

    CHECK_RC(vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    CHECK_RC(vcpu_op(VCPUOP_is_up, 0, NULL), 1);
    CHECK_RC(vcpu_op(VCPUOP_is_up, 64, NULL), -XEN_ENOENT);
    /* No context yet: up is refused. */
    CHECK_RC(vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL);

    memset(&ctxt, 0, sizeof(ctxt));
    ctxt.flags = VGCF_in_kernel;
    ctxt.user_regs.rip = (unsigned long)vcpu1_main;
    ctxt.user_regs.rsp = (unsigned long)(vcpu1_stack + sizeof(vcpu1_stack) - 8);
    ctxt.user_regs.cs = FLAT_KERNEL_CS;
    ctxt.user_regs.ss = FLAT_KERNEL_SS;
    ctxt.user_regs.rflags = 0x200;
    ctxt.kernel_ss = FLAT_KERNEL_SS;
    ctxt.kernel_sp = ctxt.user_regs.rsp;
    ctxt.ctrlreg[3] = cr3;

    /* Bad contexts are refused and leave the vCPU without one. */
    ctxt.user_regs.rip = 0x0000800000000000UL;          /* non-canonical */
    CHECK_RC(vcpu_op(VCPUOP_initialise, 1, &ctxt), -XEN_EINVAL);
    ctxt.user_regs.rip = (unsigned long)vcpu1_main;
    ctxt.ldt_base = 0x1001; ctxt.ldt_ents = 1;          /* unaligned LDT */
    CHECK_RC(vcpu_op(VCPUOP_initialise, 1, &ctxt), -XEN_EINVAL);
    ctxt.ldt_base = 0; ctxt.ldt_ents = 0;
    CHECK_RC(vcpu_op(VCPUOP_initialise, 1, (void *)BAD_VA), -XEN_EFAULT);
    CHECK_RC(vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL);

    events_init();
    struct evtchn_bind_ipi ipi = { .vcpu = 0 };
    CHECK_RC(evtchn_op(EVTCHNOP_bind_ipi, &ipi), 0);
    ipi_port_v0 = ipi.port;
    events_unmask();

    CHECK_RC(vcpu_op(VCPUOP_initialise, 1, &ctxt), 0);
    CHECK_RC(vcpu_op(VCPUOP_initialise, 1, &ctxt), -XEN_EEXIST);
    CHECK_RC(vcpu_op(VCPUOP_is_up, 1, NULL), 0);        /* initialised is not up */
    CHECK_RC(vcpu_op(VCPUOP_up, 1, NULL), 0);

    CHECK(wait_for(&vcpu1_steps, 3), "vCPU 1 reached step %lu", vcpu1_steps);
    CHECK(vcpu1_rc == 1, "vCPU 1 saw is_up = %ld", vcpu1_rc);
    /* The IPI from vCPU 1 arrived here as an upcall. */
    uint64_t end = system_time_ns() + 1000000000ULL;
    while (!port_hits[ipi_port_v0] && system_time_ns() < end)
        HC2(__HYPERVISOR_sched_op, SCHEDOP_yield, NULL);
    CHECK(port_hits[ipi_port_v0] == 1, "IPI from vCPU 1: %lu upcalls", port_hits[ipi_port_v0]);

    /* vCPU 1 took itself down. */
    end = system_time_ns() + 1000000000ULL;
    while (vcpu_op(VCPUOP_is_up, 1, NULL) != 0 && system_time_ns() < end)
        HC2(__HYPERVISOR_sched_op, SCHEDOP_yield, NULL);
    CHECK_RC(vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    CHECK(vcpu1_steps == 3, "vCPU 1 ran on after going down (step %lu)", vcpu1_steps);
    events_mask();
}
