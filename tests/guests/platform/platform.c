/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * platform_op (the control domain's machine view) and
 * VCPUOP_register_vcpu_info: their argument checks and a working call each.
 */
#include "../lib/guest.h"
#include <public/platform.h>
#include <public/vcpu.h>

const char test_title[] = "platform_op and register_vcpu_info";

static long platform(struct xen_platform_op *op)
{
    return HC1(__HYPERVISOR_platform_op, op);
}

static void test_platform_op(void)
{
    struct xen_platform_op op;

    CHECK_RC(HC1(__HYPERVISOR_platform_op, BAD_VA), -XEN_EFAULT);
    memset(&op, 0, sizeof(op));
    op.cmd = XENPF_get_cpuinfo;
    op.interface_version = XENPF_INTERFACE_VERSION + 1;
    CHECK_RC(platform(&op), -XEN_EACCES);

    /* CPU 0 is online; a CPU that is not there is flagged invalid. */
    op.interface_version = XENPF_INTERFACE_VERSION;
    op.u.pcpu_info.xen_cpuid = 0;
    CHECK_RC(platform(&op), 0);
    CHECK(op.u.pcpu_info.flags & XEN_PCPU_FLAGS_ONLINE, "cpu 0 flags %#x", op.u.pcpu_info.flags);
    CHECK(op.u.pcpu_info.max_present == 0, "max_present %u with one CPU", op.u.pcpu_info.max_present);
    op.u.pcpu_info.xen_cpuid = 100;
    CHECK_RC(platform(&op), 0);
    CHECK(op.u.pcpu_info.flags & XEN_PCPU_FLAGS_INVALID, "cpu 100 flags %#x", op.u.pcpu_info.flags);

    /* The identity matches what CPUID says. */
    memset(&op.u, 0, sizeof(op.u));
    op.cmd = XENPF_get_cpu_version;
    CHECK_RC(platform(&op), 0);
    uint32_t b, c, d, a = 0;
    __asm__ volatile(XEN_CPUID : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
    CHECK(!memcmp(op.u.pcpu_version.vendor_id, &b, 4) && !memcmp(op.u.pcpu_version.vendor_id + 4, &d, 4),
          "vendor %.12s", op.u.pcpu_version.vendor_id);

    /* settime64 insists on mbz; an impossible sleep state is refused. */
    memset(&op.u, 0, sizeof(op.u));
    op.cmd = XENPF_settime64;
    op.u.settime64.mbz = 1;
    CHECK_RC(platform(&op), -XEN_EINVAL);
    memset(&op.u, 0, sizeof(op.u));
    op.cmd = XENPF_enter_acpi_sleep;
    op.u.enter_acpi_sleep.sleep_state = 9;
    CHECK_RC(platform(&op), -XEN_EINVAL);
    /* An unknown firmware_info type. */
    memset(&op.u, 0, sizeof(op.u));
    op.cmd = XENPF_firmware_info;
    op.u.firmware_info.type = 99;
    CHECK_RC(platform(&op), -XEN_EINVAL);
    op.u.firmware_info.type = XEN_FW_KBD_SHIFT_FLAGS;
    op.u.firmware_info.index = 1;
    CHECK_RC(platform(&op), -XEN_ESRCH);
}

static uint8_t vi_page[4096] __attribute__((aligned(4096)));

static void test_register_vcpu_info(void)
{
    struct vcpu_register_vcpu_info info = { .mfn = virt_to_mfn(vi_page), .offset = 4096 - 32 };
#define VCPU_INFO(arg) HC3(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, (arg))
    CHECK_RC(VCPU_INFO(BAD_VA), -XEN_EFAULT);
    CHECK_RC(VCPU_INFO(&info), -XEN_ENXIO);             /* does not fit in the page */
    info.offset = 4;
    CHECK_RC(VCPU_INFO(&info), -XEN_ENXIO);             /* misaligned */
    info.offset = 128;
    info.mfn = 0x7fffffffUL;                           /* not the domain's frame */
    CHECK_RC(VCPU_INFO(&info), -XEN_EINVAL);
    info.mfn = virt_to_mfn(vi_page);
    CHECK_RC(VCPU_INFO(&info), 0);
    CHECK_RC(VCPU_INFO(&info), -XEN_EINVAL);            /* once only */
    /* The vcpu_info moved: its time record lives in the new place now. */
    struct vcpu_info *vi = (struct vcpu_info *)(vi_page + 128);
    CHECK(vi->time.tsc_to_system_mul != 0, "new vcpu_info has no time record");
#undef VCPU_INFO
}

void test_main(void)
{
    test_platform_op();
    test_register_vcpu_info();
}
