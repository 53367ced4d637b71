/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HYPERVISOR_mca as Linux's xen_mcelog uses it at boot (physcpuinfo: count,
 * then the array; fetch), and the error paths of Xen 4.17's do_mca.
 */
#include "../lib/guest.h"
#include <public/xen-mca.h>

const char test_title[] = "mca: physcpuinfo, fetch and errors";

static long mca(struct xen_mc *mc)
{
    return HC1(__HYPERVISOR_mca, mc);
}

static struct xen_mc new_op(uint32_t cmd)
{
    struct xen_mc mc;
    memset(&mc, 0, sizeof(mc));
    mc.cmd = cmd;
    mc.interface_version = XEN_MCA_INTERFACE_VERSION;
    return mc;
}

static struct mcinfo_logical_cpu cpus[2];

void test_main(void)
{
    /* A NULL info handle asks for the count only: one CPU under -smp 1. */
    struct xen_mc mc = new_op(XEN_MC_physcpuinfo);
    mc.u.mc_physcpuinfo.ncpus = 77;
    CHECK_RC(mca(&mc), 0);
    CHECK(mc.u.mc_physcpuinfo.ncpus == 1, "ncpus %u, want 1", mc.u.mc_physcpuinfo.ncpus);

    /* With a buffer: min(ncpus IN, online) entries, ncpus OUT = that. */
    memset(cpus, 0xa5, sizeof(cpus));
    mc = new_op(XEN_MC_physcpuinfo);
    mc.u.mc_physcpuinfo.ncpus = 2;
    set_xen_guest_handle(mc.u.mc_physcpuinfo.info, cpus);
    CHECK_RC(mca(&mc), 0);
    CHECK(mc.u.mc_physcpuinfo.ncpus == 1, "ncpus %u, want 1", mc.u.mc_physcpuinfo.ncpus);
    const struct mcinfo_logical_cpu *c = &cpus[0];
    CHECK(c->mc_cpunr == 0, "mc_cpunr %u", c->mc_cpunr);
    /* Entry 1 is beyond the online count: untouched. */
    CHECK(cpus[1].mc_cpunr == 0xa5a5a5a5, "entry 1 was written");

    /* The identity the hypervisor reads from CPUID leaves 0 and 1. */
    uint32_t a, b, cx, d;
    __asm__ volatile(XEN_CPUID : "=a"(a), "=b"(b), "=c"(cx), "=d"(d) : "a"(1), "c"(0));
    uint32_t family = (a >> 8) & 0xf, model = (a >> 4) & 0xf;
    if (family == 0xf)
        family += (a >> 20) & 0xff;
    if (family >= 6)
        model |= ((a >> 16) & 0xf) << 4;
    CHECK(c->mc_family == family, "mc_family %u, CPUID says %u", c->mc_family, family);
    CHECK(c->mc_model == model, "mc_model %u, CPUID says %u", c->mc_model, model);
    CHECK(c->mc_step == (a & 0xf), "mc_step %u, CPUID says %u", c->mc_step, a & 0xf);
    __asm__ volatile(XEN_CPUID : "=a"(a), "=b"(b), "=c"(cx), "=d"(d) : "a"(0), "c"(0));
    char vendor[12];
    memcpy(&vendor[0], &b, 4);
    memcpy(&vendor[4], &d, 4);
    memcpy(&vendor[8], &cx, 4);
    CHECK(memcmp(c->mc_vendorid, vendor, 12) == 0, "mc_vendorid '%.12s', CPUID says '%.12s'",
          c->mc_vendorid, vendor);
    /* Xen's vendor codes: Intel 1, AMD 2 (QEMU's CPU is one of those). */
    uint32_t want_vendor = memcmp(vendor, "GenuineIntel", 12) == 0 ? 1 :
                           memcmp(vendor, "AuthenticAMD", 12) == 0 ? 2 : c->mc_vendor;
    CHECK(c->mc_vendor == want_vendor, "mc_vendor %u, want %u", c->mc_vendor, want_vendor);
    CHECK(c->mc_cpuid_level >= 1, "mc_cpuid_level %d", c->mc_cpuid_level);
    CHECK(strnlen(c->mc_brandid, sizeof(c->mc_brandid)) < sizeof(c->mc_brandid),
          "brand string not terminated");
    /* Word 0 is CPUID.1:EDX; FPU (bit 0) is always there. */
    CHECK(c->mc_cpu_caps[0] & 1, "mc_cpu_caps[0] %#x lacks FPU", c->mc_cpu_caps[0]);
    printk("cpu0: apic %u family %u model %u step %u vendor %u '%.12s' level %d\n",
           c->mc_apicid, c->mc_family, c->mc_model, c->mc_step, c->mc_vendor,
           c->mc_vendorid, c->mc_cpuid_level);
    printk("cpu0: brand '%.64s' cache %u align %u nmsr %d caps %x %x %x %x\n", c->mc_brandid,
           c->mc_cache_size, c->mc_cache_alignment, c->mc_nmsrvals,
           c->mc_cpu_caps[0], c->mc_cpu_caps[1], c->mc_cpu_caps[2], c->mc_cpu_caps[3]);

    /* A buffer with ncpus 0: Xen refuses (ncpus <= 0) before writing anything. */
    mc = new_op(XEN_MC_physcpuinfo);
    set_xen_guest_handle(mc.u.mc_physcpuinfo.info, cpus);
    CHECK_RC(mca(&mc), -XEN_EINVAL);

    /* A buffer Xen cannot write: -EFAULT, but ncpus is still written back. */
    mc = new_op(XEN_MC_physcpuinfo);
    mc.u.mc_physcpuinfo.ncpus = 1;
    set_xen_guest_handle(mc.u.mc_physcpuinfo.info, BAD_VA);
    CHECK_RC(mca(&mc), -XEN_EFAULT);

    /* The struct itself unreadable: -EFAULT. */
    CHECK_RC(HC1(__HYPERVISOR_mca, BAD_VA), -XEN_EFAULT);

    /* Another interface version: -EACCES, whatever the cmd. */
    mc = new_op(XEN_MC_physcpuinfo);
    mc.interface_version = XEN_MCA_INTERFACE_VERSION - 1;
    CHECK_RC(mca(&mc), -XEN_EACCES);

    /* fetch: nothing was ever logged, so NODATA and fetch_id 0. */
    static uint8_t mc_info_buf[4096];
    mc = new_op(XEN_MC_fetch);
    mc.u.mc_fetch.flags = XEN_MC_NONURGENT;
    mc.u.mc_fetch.fetch_id = 1234;
    set_xen_guest_handle(mc.u.mc_fetch.data, mc_info_buf);
    CHECK_RC(mca(&mc), 0);
    CHECK(mc.u.mc_fetch.flags == XEN_MC_NODATA, "fetch flags %#x", mc.u.mc_fetch.flags);
    CHECK(mc.u.mc_fetch.fetch_id == 0, "fetch_id %#lx", (unsigned long)mc.u.mc_fetch.fetch_id);
    mc = new_op(XEN_MC_fetch);
    mc.u.mc_fetch.flags = XEN_MC_URGENT;
    set_xen_guest_handle(mc.u.mc_fetch.data, mc_info_buf);
    CHECK_RC(mca(&mc), 0);
    CHECK(mc.u.mc_fetch.flags == XEN_MC_NODATA, "urgent fetch flags %#x", mc.u.mc_fetch.flags);
    /* Both or neither queue: -EINVAL; no buffer: -EINVAL. */
    mc.u.mc_fetch.flags = XEN_MC_URGENT | XEN_MC_NONURGENT;
    CHECK_RC(mca(&mc), -XEN_EINVAL);
    mc.u.mc_fetch.flags = 0;
    CHECK_RC(mca(&mc), -XEN_EINVAL);
    mc.u.mc_fetch.flags = XEN_MC_URGENT;
    set_xen_guest_handle(mc.u.mc_fetch.data, NULL);
    CHECK_RC(mca(&mc), -XEN_EINVAL);
    /* ACK of an id that matches nothing: 0 (the buffer is not needed). */
    mc.u.mc_fetch.flags = XEN_MC_URGENT | XEN_MC_ACK;
    mc.u.mc_fetch.fetch_id = 1234;
    CHECK_RC(mca(&mc), 0);

    /* notifydomain is not supported by Xen: -EINVAL. Unknown cmds: -EINVAL. */
    mc = new_op(XEN_MC_notifydomain);
    CHECK_RC(mca(&mc), -XEN_EINVAL);
    mc = new_op(99);
    CHECK_RC(mca(&mc), -XEN_EINVAL);
}
