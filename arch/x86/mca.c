/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HYPERVISOR_mca (include/public/xen-mca.h): machine check reporting to
 * the control domain. Mica neither handles #MC nor polls the MCA banks, so
 * there is never telemetry to fetch; what it does answer is the CPU
 * description Linux's xen_mcelog driver asks for at boot
 * (XEN_MC_physcpuinfo), with the error numbers of Xen 4.17's do_mca for
 * everything else.
 */
#include <asm/x86.h>
#include <public/errno.h>
#include <public/xen-mca.h>
#include <mica/domain.h>
#include <mica/guest_access.h>
#include <mica/smp.h>
#include <mica/string.h>

/* Xen defines this cmd for its tools only (not in the guest header). */
#define XEN_MC_inject_v2    6

#define MSR_IA32_MCG_CAP    0x179
#define CPUID1_EDX_MCA      (1u << 14)
#define CPUID1_EDX_CLFLUSH  (1u << 19)

/* Xen's own vendor codes (mc_vendor carries them, not Linux's). */
#define MC_VENDOR_INTEL     (1u << 0)
#define MC_VENDOR_AMD       (1u << 1)
#define MC_VENDOR_CENTAUR   (1u << 2)
#define MC_VENDOR_SHANGHAI  (1u << 3)
#define MC_VENDOR_HYGON     (1u << 4)

static uint32_t vendor_code(const char id[12])
{
    static const struct { char id[13]; uint32_t code; } vendors[] = {
        { "GenuineIntel", MC_VENDOR_INTEL },
        { "AuthenticAMD", MC_VENDOR_AMD },
        { "CentaurHauls", MC_VENDOR_CENTAUR },
        { "  Shanghai  ", MC_VENDOR_SHANGHAI },
        { "HygonGenuine", MC_VENDOR_HYGON },
    };
    for (size_t i = 0; i < sizeof(vendors) / sizeof(vendors[0]); i++)
        if (memcmp(id, vendors[i].id, 12) == 0)
            return vendors[i].code;
    return 0;
}

/*
 * Describe the CPU this runs on (called there through smp_call_function,
 * so CPUID and the MSR are that CPU's).
 */
static void describe_this_cpu(void *arg)
{
    struct mcinfo_logical_cpu *lc = arg;
    unsigned int cpu = smp_processor_id();

    lc->mc_cpunr = cpu;
    lc->mc_apicid = cpu_apic_id(cpu);
    /*
     * Mica does not decode the package/core/thread topology. It reports
     * what Xen reports for a CPU whose topology is unknown: each CPU is
     * its own package with one core and one thread.
     */
    lc->mc_chipid = cpu;
    lc->mc_coreid = 0;
    lc->mc_threadid = 0;
    lc->mc_ncores = lc->mc_ncores_active = lc->mc_nthreads = 1;

    struct cpuid_regs r = cpuid(0);
    lc->mc_cpuid_level = (int32_t)r.eax;
    memcpy(&lc->mc_vendorid[0], &r.ebx, 4);
    memcpy(&lc->mc_vendorid[4], &r.edx, 4);
    memcpy(&lc->mc_vendorid[8], &r.ecx, 4);
    lc->mc_vendor = vendor_code(lc->mc_vendorid);

    uint32_t edx1 = 0;
    lc->mc_cache_alignment = 32;    /* Xen's default without CLFLUSH */
    if (lc->mc_cpuid_level >= 1) {
        r = cpuid(1);
        unsigned int family = (r.eax >> 8) & 0xf, model = (r.eax >> 4) & 0xf;
        if (family == 0xf)
            family += (r.eax >> 20) & 0xff;
        if (family >= 6)
            model |= ((r.eax >> 16) & 0xf) << 4;
        lc->mc_family = family;
        lc->mc_model = model;
        lc->mc_step = r.eax & 0xf;
        lc->mc_clusterid = r.ebx >> 24;
        if (r.edx & CPUID1_EDX_CLFLUSH)
            lc->mc_cache_alignment = ((r.ebx >> 8) & 0xff) * 8;
        /* Feature words in Xen's featureset order: 1d, 1c, e1d, e1c, Da1, 7b0, 7c0. */
        edx1 = r.edx;
        lc->mc_cpu_caps[0] = r.edx;
        lc->mc_cpu_caps[1] = r.ecx;
    } else {
        lc->mc_clusterid = lc->mc_apicid;
    }
    if (lc->mc_cpuid_level >= 0xd)
        lc->mc_cpu_caps[4] = cpuid_count(0xd, 1).eax;
    if (lc->mc_cpuid_level >= 7) {
        r = cpuid_count(7, 0);
        lc->mc_cpu_caps[5] = r.ebx;
        lc->mc_cpu_caps[6] = r.ecx;
    }

    uint32_t ext = cpuid(0x80000000).eax;
    if ((ext & 0xffff0000) != 0x80000000)
        ext = 0;
    if (ext >= 0x80000001) {
        r = cpuid(0x80000001);
        lc->mc_cpu_caps[2] = r.edx;
        lc->mc_cpu_caps[3] = r.ecx;
    }
    if (ext >= 0x80000004) {
        /* The brand string, leading blanks dropped (Intel right-justifies it). */
        char brand[49] = { 0 };
        for (unsigned int i = 0; i < 3; i++) {
            r = cpuid(0x80000002 + i);
            memcpy(&brand[i * 16], &r, 16);
        }
        const char *b = brand;
        while (*b == ' ')
            b++;
        memcpy(lc->mc_brandid, b, strlen(b));
    }
    /*
     * Cache size in KiB: the largest level the extended leaves describe
     * (L1 I+D, then L2, then L3), as Xen computes it for AMD-style CPUs;
     * ~0 when they describe none. (Xen uses leaf 4 on Intel instead.)
     */
    lc->mc_cache_size = ~0u;
    if (ext >= 0x80000005) {
        r = cpuid(0x80000005);
        if ((r.ecx | r.edx) >> 24)
            lc->mc_cache_size = (r.ecx >> 24) + (r.edx >> 24);
    }
    if (ext >= 0x80000006) {
        r = cpuid(0x80000006);
        if (r.ecx >> 16)
            lc->mc_cache_size = r.ecx >> 16;
        if (r.edx >> 18)
            lc->mc_cache_size = (r.edx >> 18) * 512;
    }

    /* MCG_CAP, which dom0's mcelog reports; no PPIN (Mica does not probe it). */
    if (edx1 & CPUID1_EDX_MCA) {
        lc->mc_nmsrvals = 1;
        lc->mc_msrvalues[0].reg = MSR_IA32_MCG_CAP;
        lc->mc_msrvalues[0].value = rdmsr(MSR_IA32_MCG_CAP);
    }
}

static long physcpuinfo(struct xen_mc_physcpuinfo *pi)
{
    unsigned int n = nr_cpus_online();
    long rc = 0;

    guest_ptr_t info = (guest_ptr_t)pi->info.p;

    if (info) {
        if (pi->ncpus == 0)
            return -XEN_EINVAL;
        if (pi->ncpus < n)
            n = pi->ncpus;
        /* CPUs are numbered densely from 0: entry i describes CPU i. */
        for (unsigned int cpu = 0; cpu < n; cpu++) {
            struct mcinfo_logical_cpu lc;
            memset(&lc, 0, sizeof(lc));
            smp_call_function(cpu, describe_this_cpu, &lc, true);
            if (copy_to_guest(info + cpu * sizeof(lc), &lc, sizeof(lc))) {
                /* Xen still writes the count back, then fails. */
                rc = -XEN_EFAULT;
                break;
            }
        }
    }
    pi->ncpus = n;
    return rc;
}

long do_mca(guest_ptr_t uop)
{
    struct xen_mc op;

    /* Xen's order: privilege (XSM_PRIV), the buffer, then its version. */
    if (!current->domain->is_privileged)
        return -XEN_EPERM;
    if (copy_from_guest(&op, uop, sizeof(op)))
        return -XEN_EFAULT;
    if (op.interface_version != XEN_MCA_INTERFACE_VERSION)
        return -XEN_EACCES;

    switch (op.cmd) {
    case XEN_MC_fetch: {
        struct xen_mc_fetch *f = &op.u.mc_fetch;
        uint32_t queue = f->flags & (XEN_MC_NONURGENT | XEN_MC_URGENT);
        if (queue != XEN_MC_NONURGENT && queue != XEN_MC_URGENT)
            return -XEN_EINVAL;
        /* Acknowledging a record that cannot exist changes nothing. */
        if (f->flags & XEN_MC_ACK)
            return 0;
        if (!f->data.p)
            return -XEN_EINVAL;
        /* Both queues are always empty. */
        f->flags = XEN_MC_OK | XEN_MC_NODATA;
        f->fetch_id = 0;
        if (copy_to_guest(uop, &op, sizeof(op)))
            return -XEN_EFAULT;
        return 0;
    }
    case XEN_MC_notifydomain:
        return -XEN_EINVAL;
    case XEN_MC_physcpuinfo: {
        long rc = physcpuinfo(&op.u.mc_physcpuinfo);
        if (rc == -XEN_EINVAL)
            return rc;
        if (copy_to_guest(uop, &op, sizeof(op)))
            return -XEN_EFAULT;
        return rc;
    }
    case XEN_MC_msrinject:
    case XEN_MC_mceinject:
    case XEN_MC_inject_v2:
        /* Xen refuses injection when it drives no MCA banks; Mica drives none. */
        return -XEN_ENODEV;
    default:
        return -XEN_EINVAL;
    }
}
