/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control interfaces as a PV dom0 uses them: domctl (create, inspect,
 * size, pause, shut down and destroy domains) and sysctl (physinfo,
 * sched_id, getdomaininfolist, readconsole), with their common checks
 * (interface version, unknown command, missing domain) and the error paths
 * of each operation. Real Xen 4.17 is the oracle for every number below.
 *
 * The domains made here are never built or run: they stay paused with no
 * vCPU context, which is all the toolstack's first steps need.
 */
#include "../lib/guest.h"
#include <public/domctl.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/sysctl.h>

const char test_title[] = "domctl and sysctl: domain lifecycle and host queries";

static long domctl(struct xen_domctl *op)
{
    return HC1(__HYPERVISOR_domctl, op);
}

static long sysctl(struct xen_sysctl *op)
{
    return HC1(__HYPERVISOR_sysctl, op);
}

static struct xen_domctl dop(uint32_t cmd, domid_t dom)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op.domain = dom;
    return op;
}

static struct xen_sysctl sop(uint32_t cmd)
{
    struct xen_sysctl op;
    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return op;
}

/* A page of ours: a frame dom0 owns, for "not the target's" checks. */
static char page_buf[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static const uint8_t test_handle[16] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

/* createdomain; returns the rc and the id in *id. */
static long create(domid_t want, uint32_t max_vcpus, uint32_t flags, domid_t *id)
{
    struct xen_domctl op = dop(XEN_DOMCTL_createdomain, want);
    op.u.createdomain.max_vcpus = max_vcpus;
    op.u.createdomain.flags = flags;
    op.u.createdomain.max_evtchn_port = 1023;
    op.u.createdomain.max_grant_frames = 32;
    op.u.createdomain.max_maptrack_frames = -1;
    op.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
    memcpy(op.u.createdomain.handle, test_handle, sizeof(test_handle));
    long rc = domctl(&op);
    if (id)
        *id = op.domain;
    return rc;
}

static long info(domid_t dom, struct xen_domctl_getdomaininfo *out, domid_t *found)
{
    struct xen_domctl op = dop(XEN_DOMCTL_getdomaininfo, dom);
    long rc = domctl(&op);
    *out = op.u.getdomaininfo;
    if (found)
        *found = op.domain;
    return rc;
}

static long simple(uint32_t cmd, domid_t dom)
{
    struct xen_domctl op = dop(cmd, dom);
    return domctl(&op);
}

static uint64_t free_pages(void)
{
    struct xen_sysctl op = sop(XEN_SYSCTL_physinfo);
    CHECK_RC(sysctl(&op), 0);
    return op.u.physinfo.free_pages;
}

static void test_common_checks(void)
{
    struct xen_domctl op = dop(XEN_DOMCTL_getdomaininfo, 0);
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
    CHECK_RC(domctl(&op), -XEN_EACCES);
    struct xen_sysctl s = sop(XEN_SYSCTL_physinfo);
    s.interface_version = XEN_SYSCTL_INTERFACE_VERSION + 1;
    CHECK_RC(sysctl(&s), -XEN_EACCES);
    /* An unknown command is looked at only after its domain: -ESRCH, then -ENOSYS. */
    CHECK_RC(simple(9999, 0), -XEN_ENOSYS);
    CHECK_RC(simple(9999, 1000), -XEN_ESRCH);
    s = sop(9999);
    CHECK_RC(sysctl(&s), -XEN_ENOSYS);
    /* Domains are named by number only: DOMID_SELF is not a domain here. */
    CHECK_RC(simple(XEN_DOMCTL_pausedomain, DOMID_SELF), -XEN_ESRCH);
    CHECK_RC(simple(XEN_DOMCTL_pausedomain, 1000), -XEN_ESRCH);
    /* The structure itself unreadable. */
    CHECK_RC(HC1(__HYPERVISOR_domctl, 0xffff800000000000UL), -XEN_EFAULT);
    CHECK_RC(HC1(__HYPERVISOR_sysctl, 0xffff800000000000UL), -XEN_EFAULT);
}

static void test_sysctl(void)
{
    struct xen_sysctl op = sop(XEN_SYSCTL_physinfo);
    CHECK_RC(sysctl(&op), 0);
    const struct xen_sysctl_physinfo *pi = &op.u.physinfo;
    CHECK(pi->nr_cpus >= 1 && pi->max_cpu_id >= pi->nr_cpus - 1, "physinfo cpus %u max %u",
          pi->nr_cpus, pi->max_cpu_id);
    CHECK(pi->threads_per_core >= 1 && pi->cores_per_socket >= 1, "physinfo topology");
    CHECK(pi->nr_nodes == 1, "physinfo nr_nodes %u", pi->nr_nodes);
    CHECK(pi->cpu_khz > 100000, "physinfo cpu_khz %u", pi->cpu_khz);
    CHECK(pi->capabilities & XEN_SYSCTL_PHYSCAP_pv, "physinfo caps %#x", pi->capabilities);
    CHECK(pi->total_pages > pi->free_pages && pi->free_pages > 1000,
          "physinfo total %lu free %lu", pi->total_pages, pi->free_pages);
    /* 1 GiB of RAM, dom0 64 MiB of it. */
    CHECK(pi->total_pages > 200000 && pi->total_pages <= 262144, "total_pages %lu", pi->total_pages);
    CHECK(pi->max_mfn >= pi->total_pages - 1, "max_mfn %#lx", pi->max_mfn);
    CHECK(pi->hw_cap[0] & (1u << 0), "hw_cap[0] (CPUID 1 EDX) %#x lacks FPU", pi->hw_cap[0]);

    op = sop(XEN_SYSCTL_sched_id);
    CHECK_RC(sysctl(&op), 0);
    /* Xen 4.17 defaults to credit2 (6); Mica's scheduler is credit-style (5). */
    CHECK(op.u.sched_id.sched_id == XEN_SCHEDULER_CREDIT ||
          op.u.sched_id.sched_id == XEN_SCHEDULER_CREDIT2, "sched_id %u", op.u.sched_id.sched_id);

    /* readconsole: the hypervisor's boot log from the oldest byte, then in pieces. */
    static char buf[2049];
    op = sop(XEN_SYSCTL_readconsole);
    set_xen_guest_handle(op.u.readconsole.buffer, buf);
    op.u.readconsole.count = sizeof(buf) - 1;
    CHECK_RC(sysctl(&op), 0);
    uint32_t got = op.u.readconsole.count;
    CHECK(got > 100 && got < sizeof(buf), "readconsole count %u", got);
    buf[got < sizeof(buf) ? got : 0] = 0;
    CHECK(strstr(buf, "(XEN)") || strstr(buf, "(MICA)"), "readconsole: %.40s", buf);
    /* Follow with incremental reads until nothing is left; then a read gives 0 bytes. */
    uint32_t idx = op.u.readconsole.index;
    unsigned rounds = 0;
    do {
        op = sop(XEN_SYSCTL_readconsole);
        set_xen_guest_handle(op.u.readconsole.buffer, buf);
        op.u.readconsole.count = sizeof(buf) - 1;
        op.u.readconsole.incremental = 1;
        op.u.readconsole.index = idx;
        CHECK_RC(sysctl(&op), 0);
        CHECK(op.u.readconsole.index - idx == op.u.readconsole.count,
              "readconsole index %u -> %u for %u bytes", idx, op.u.readconsole.index,
              op.u.readconsole.count);
        idx = op.u.readconsole.index;
    } while (op.u.readconsole.count && ++rounds < 200);
    CHECK(rounds < 200 && op.u.readconsole.count == 0, "readconsole never ran dry");
}

static void check_new_domain(domid_t id, uint32_t max_vcpus)
{
    struct xen_domctl_getdomaininfo di;
    domid_t found;
    CHECK_RC(info(id, &di, &found), 0);
    CHECK(found == id && di.domain == id, "getdomaininfo(%u) gave %u/%u", id, found, di.domain);
    /*
     * Created paused by the controller, no vCPU up: no blocked/running bits.
     * No shutdown reason yet: Xen's ~0 code, shifted, fills the top half.
     */
    CHECK(di.flags == (XEN_DOMINF_paused | 0xffff0000u), "d%u flags %#x", id, di.flags);
    CHECK(di.tot_pages == 0 && di.max_pages == 0, "d%u tot %lu max %lu", id, di.tot_pages, di.max_pages);
    CHECK(di.nr_online_vcpus == 0, "d%u online vcpus %u", id, di.nr_online_vcpus);
    /* Xen's vCPUs come with XEN_DOMCTL_max_vcpus; until then there are none. */
    CHECK(di.max_vcpu_id == XEN_INVALID_MAX_VCPU_ID, "d%u max_vcpu_id %#x", id, di.max_vcpu_id);
    CHECK(di.shared_info_frame != 0, "d%u shared_info_frame 0", id);
    CHECK(memcmp(di.handle, test_handle, 16) == 0, "d%u handle", id);
    CHECK(di.cpupool == 0 && di.ssidref == 0 && di.shr_pages == 0 && di.cpu_time == 0,
          "d%u cpupool %u ssidref %u shr %lu time %lu", id, di.cpupool, di.ssidref, di.shr_pages,
          di.cpu_time);
    CHECK(di.arch_config.emulation_flags == 0, "d%u emulation flags %#x", id,
          di.arch_config.emulation_flags);

    struct xen_domctl op = dop(XEN_DOMCTL_max_vcpus, id);
    op.u.max_vcpus.max = max_vcpus + 1;
    CHECK_RC(domctl(&op), -XEN_EINVAL);     /* must repeat createdomain's number */
    op.u.max_vcpus.max = max_vcpus;
    CHECK_RC(domctl(&op), 0);
    CHECK_RC(info(id, &di, NULL), 0);
    CHECK(di.max_vcpu_id == max_vcpus - 1 && di.nr_online_vcpus == 0,
          "d%u after max_vcpus: max_vcpu_id %u online %u", id, di.max_vcpu_id, di.nr_online_vcpus);
    CHECK(di.flags == (XEN_DOMINF_paused | 0xffff0000u), "d%u flags %#x", id, di.flags);

    op = dop(XEN_DOMCTL_getvcpuinfo, id);
    op.u.getvcpuinfo.vcpu = 0;
    CHECK_RC(domctl(&op), 0);
    CHECK(!op.u.getvcpuinfo.online && !op.u.getvcpuinfo.running && op.u.getvcpuinfo.cpu_time == 0,
          "d%u vcpu0 online %u running %u time %lu", id, op.u.getvcpuinfo.online,
          op.u.getvcpuinfo.running, op.u.getvcpuinfo.cpu_time);
    op.u.getvcpuinfo.vcpu = max_vcpus;
    CHECK_RC(domctl(&op), -XEN_EINVAL);

    /* A context whose page table (ctrlreg[3]) is no frame of the domain's is refused. */
    static struct vcpu_guest_context ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.flags = VGCF_in_kernel | VGCF_online;
    ctx.ctrlreg[3] = virt_to_mfn(page_buf) << PAGE_SHIFT;
    op = dop(XEN_DOMCTL_setvcpucontext, id);
    op.u.vcpucontext.vcpu = 0;
    set_xen_guest_handle(op.u.vcpucontext.ctxt, &ctx);
    CHECK_RC(domctl(&op), -XEN_EINVAL);
    op.u.vcpucontext.vcpu = max_vcpus;
    CHECK_RC(domctl(&op), -XEN_EINVAL);
    /* Still a vCPU that never had a context, and still down. */
    op = dop(XEN_DOMCTL_getvcpucontext, id);
    op.u.vcpucontext.vcpu = 0;
    set_xen_guest_handle(op.u.vcpucontext.ctxt, &ctx);
    CHECK_RC(domctl(&op), -XEN_ENODATA);
    op.u.vcpucontext.vcpu = max_vcpus;
    CHECK_RC(domctl(&op), -XEN_EINVAL);
    CHECK_RC(info(id, &di, NULL), 0);
    CHECK(di.nr_online_vcpus == 0, "d%u: a refused context brought a vCPU up", id);
}

static void test_pause_counting(domid_t id)
{
    struct xen_domctl_getdomaininfo di;
    /* The creation pause is the controller's: one unpause takes it away, a second is refused. */
    CHECK_RC(simple(XEN_DOMCTL_unpausedomain, id), 0);
    CHECK_RC(info(id, &di, NULL), 0);
    CHECK(!(di.flags & XEN_DOMINF_paused), "d%u still paused: %#x", id, di.flags);
    CHECK_RC(simple(XEN_DOMCTL_unpausedomain, id), -XEN_EINVAL);
    CHECK_RC(simple(XEN_DOMCTL_pausedomain, id), 0);
    CHECK_RC(simple(XEN_DOMCTL_pausedomain, id), 0);
    CHECK_RC(info(id, &di, NULL), 0);
    CHECK(di.flags & XEN_DOMINF_paused, "d%u not paused: %#x", id, di.flags);
    CHECK_RC(simple(XEN_DOMCTL_unpausedomain, id), 0);
    CHECK_RC(info(id, &di, NULL), 0);
    CHECK(di.flags & XEN_DOMINF_paused, "d%u paused twice, unpaused once: %#x", id, di.flags);
    CHECK_RC(simple(XEN_DOMCTL_unpausedomain, id), 0);
    CHECK_RC(simple(XEN_DOMCTL_unpausedomain, id), -XEN_EINVAL);
    /* The caller cannot pause itself (Xen would wait for its own vCPU). */
    CHECK_RC(simple(XEN_DOMCTL_pausedomain, 0), -XEN_EINVAL);
    CHECK_RC(simple(XEN_DOMCTL_pausedomain, id), 0);
}

static void test_memory(domid_t id)
{
    struct xen_domctl_getdomaininfo di;
    struct xen_domctl op = dop(XEN_DOMCTL_max_mem, id);
    op.u.max_mem.max_memkb = 1024;              /* 256 pages */
    CHECK_RC(domctl(&op), 0);
    CHECK_RC(info(id, &di, NULL), 0);
    CHECK(di.max_pages == 256, "d%u max_pages %lu", id, di.max_pages);

    /* Memory for it, as a domain builder gets it: populate_physmap with its id. */
    static xen_pfn_t pfns[16];
    for (unsigned i = 0; i < 16; i++)
        pfns[i] = i;
    struct xen_memory_reservation r = { .nr_extents = 16, .extent_order = 0, .domid = id };
    set_xen_guest_handle(r.extent_start, pfns);
    CHECK_RC(HC2(__HYPERVISOR_memory_op, XENMEM_populate_physmap, &r), 16);
    CHECK_RC(info(id, &di, NULL), 0);
    CHECK(di.tot_pages == 16, "d%u tot_pages %lu after populate", id, di.tot_pages);
    domid_t dom = id;
    CHECK_RC(HC2(__HYPERVISOR_memory_op, XENMEM_current_reservation, &dom), 16);

    /* The frames are the new domain's: hypercall_init into one works, into ours not. */
    op = dop(XEN_DOMCTL_hypercall_init, id);
    op.u.hypercall_init.gmfn = pfns[3];
    CHECK_RC(domctl(&op), 0);
    op.u.hypercall_init.gmfn = virt_to_mfn(page_buf);
    CHECK_RC(domctl(&op), -XEN_EINVAL);

    /* A limit below what it has is allowed (Xen's "ratchet down"). */
    op = dop(XEN_DOMCTL_max_mem, id);
    op.u.max_mem.max_memkb = 32;
    CHECK_RC(domctl(&op), 0);
    CHECK_RC(info(id, &di, NULL), 0);
    CHECK(di.max_pages == 8 && di.tot_pages == 16, "d%u max %lu tot %lu", id, di.max_pages,
          di.tot_pages);
    CHECK_RC(HC2(__HYPERVISOR_memory_op, XENMEM_populate_physmap, &r), 0);
}

static void test_misc_ops(domid_t id)
{
    struct xen_domctl_getdomaininfo di;
    struct xen_domctl op = dop(XEN_DOMCTL_setdomainhandle, id);
    for (unsigned i = 0; i < 16; i++)
        op.u.setdomainhandle.handle[i] = (uint8_t)(0x40 + i);
    CHECK_RC(domctl(&op), 0);
    CHECK_RC(info(id, &di, NULL), 0);
    CHECK(di.handle[0] == 0x40 && di.handle[15] == 0x4f, "handle not set");

    op = dop(XEN_DOMCTL_settimeoffset, id);
    op.u.settimeoffset.time_offset_seconds = -3600;
    CHECK_RC(domctl(&op), 0);

    op = dop(XEN_DOMCTL_get_address_size, id);
    CHECK_RC(domctl(&op), 0);
    CHECK(op.u.address_size.size == 64, "address size %u", op.u.address_size.size);

    op = dop(XEN_DOMCTL_ioport_permission, id);
    op.u.ioport_permission.first_port = 0x300;
    op.u.ioport_permission.nr_ports = 8;
    op.u.ioport_permission.allow_access = 1;
    CHECK_RC(domctl(&op), 0);
    op.u.ioport_permission.allow_access = 0;
    CHECK_RC(domctl(&op), 0);
    op.u.ioport_permission.nr_ports = 0;
    CHECK_RC(domctl(&op), -XEN_EINVAL);
    op.u.ioport_permission.first_port = 0xfff0;
    op.u.ioport_permission.nr_ports = 0x20;
    CHECK_RC(domctl(&op), -XEN_EINVAL);

    op = dop(XEN_DOMCTL_iomem_permission, id);
    op.u.iomem_permission.first_mfn = 0xfd000;      /* PCI space, dom0's to give */
    op.u.iomem_permission.nr_mfns = 16;
    op.u.iomem_permission.allow_access = 1;
    CHECK_RC(domctl(&op), 0);
    /* The local APIC is the hypervisor's: dom0 cannot grant what it may not use. */
    op.u.iomem_permission.first_mfn = 0xfee00;
    op.u.iomem_permission.nr_mfns = 1;
    CHECK_RC(domctl(&op), -XEN_EPERM);
    op.u.iomem_permission.first_mfn = ~0UL;
    op.u.iomem_permission.nr_mfns = 2;
    CHECK_RC(domctl(&op), -XEN_EINVAL);

    /* Scheduler parameters: Xen answers for its credit2 default; Mica for credit. */
    struct xen_sysctl s = sop(XEN_SYSCTL_sched_id);
    CHECK_RC(sysctl(&s), 0);
    op = dop(XEN_DOMCTL_scheduler_op, id);
    op.u.scheduler_op.sched_id = s.u.sched_id.sched_id;
    op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    long rc = domctl(&op);
    if (rc == -XEN_ENOSYS) {
        printk("NOTE: scheduler_op not implemented by this hypervisor yet\n");
    } else {
        CHECK_RC(rc, 0);
        CHECK(op.u.scheduler_op.u.credit.weight == 256 && op.u.scheduler_op.u.credit.cap == 0,
              "default weight %u cap %u", op.u.scheduler_op.u.credit.weight,
              op.u.scheduler_op.u.credit.cap);
        op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
        op.u.scheduler_op.u.credit.weight = 512;
        op.u.scheduler_op.u.credit.cap = 50;
        CHECK_RC(domctl(&op), 0);
        op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
        CHECK_RC(domctl(&op), 0);
        CHECK(op.u.scheduler_op.u.credit.weight == 512 && op.u.scheduler_op.u.credit.cap == 50,
              "set weight %u cap %u", op.u.scheduler_op.u.credit.weight,
              op.u.scheduler_op.u.credit.cap);
    }
    op.u.scheduler_op.sched_id = XEN_SCHEDULER_RTDS;      /* not the running scheduler */
    CHECK_RC(domctl(&op), -XEN_EINVAL);
}

static void test_list(const domid_t *ids, unsigned n)
{
    static struct xen_domctl_getdomaininfo list[8];
    struct xen_sysctl op = sop(XEN_SYSCTL_getdomaininfolist);
    op.u.getdomaininfolist.first_domain = 0;
    op.u.getdomaininfolist.max_domains = 8;
    set_xen_guest_handle(op.u.getdomaininfolist.buffer, list);
    CHECK_RC(sysctl(&op), 0);
    CHECK(op.u.getdomaininfolist.num_domains == n + 1, "list: %u domains, expected %u",
          op.u.getdomaininfolist.num_domains, n + 1);
    CHECK(list[0].domain == 0 && (list[0].flags & XEN_DOMINF_running),
          "list[0]: d%u flags %#x", list[0].domain, list[0].flags);
    for (unsigned i = 0; i < n && i + 1 < 8; i++)
        CHECK(list[i + 1].domain == ids[i], "list[%u] = d%u, expected d%u", i + 1,
              list[i + 1].domain, ids[i]);
    /* From the second domain on, one at a time. */
    op.u.getdomaininfolist.first_domain = ids[1];
    op.u.getdomaininfolist.max_domains = 1;
    CHECK_RC(sysctl(&op), 0);
    CHECK(op.u.getdomaininfolist.num_domains == 1 && list[0].domain == ids[1],
          "list from d%u: %u, d%u", ids[1], op.u.getdomaininfolist.num_domains, list[0].domain);
    op.u.getdomaininfolist.first_domain = 0;
    op.u.getdomaininfolist.max_domains = 8;
    set_xen_guest_handle(op.u.getdomaininfolist.buffer, (void *)0xffff800000000000UL);
    CHECK_RC(sysctl(&op), -XEN_EFAULT);
}

/*
 * After destroydomain returns, Xen keeps the dead domain (XEN_DOMINF_dying)
 * until its last reference goes in an RCU callback, which runs when the
 * CPU next passes through Xen's softirqs: yield until it has. Mica removes
 * it before destroydomain returns.
 */
static void wait_gone(domid_t id)
{
    struct xen_domctl_getdomaininfo di;
    domid_t found;
    unsigned n = 0;
    while (info(id, &di, &found) == 0 && found == id && n < 100000) {
        CHECK(di.flags & XEN_DOMINF_dying, "d%u after destroy: flags %#x", id, di.flags);
        HC2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
        n++;
    }
    CHECK(n < 100000, "d%u still there after destroy", id);
    if (n)
        printk("d%u: gone after %u yields\n", id, n);
}

/* physinfo's free_pages once the deferred frees (an RCU callback on Xen and on Mica) are done. */
static uint64_t settled_free_pages(uint64_t want)
{
    uint64_t now = free_pages();
    unsigned n = 0;
    for (; now != want && n < 20000; n++) {
        HC2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
        now = free_pages();
    }
    if (n && now == want)
        printk("free pages settled after %u yields\n", n);
    return now;
}

void test_main(void)
{
    test_common_checks();
    test_sysctl();
    uint64_t free_before = free_pages();

    domid_t a, b, c, d;
    CHECK_RC(create(0, 2, 0, &a), 0);
    /* Both pick 1 for the first domain after dom0 (both continue from the last automatic id). */
    CHECK(a == 1, "first created domain is d%u", a);
    CHECK_RC(create(5, 1, 0, &b), 0);
    CHECK(b == 5, "explicit id gave d%u", b);
    CHECK_RC(create(0, 1, 0, &c), 0);
    CHECK(c == 2, "second automatic id d%u", c);
    /* Refused requests (Xen's rover moves past an id even then: create these last). */
    CHECK_RC(create(5, 1, 0, NULL), -XEN_EEXIST);
    CHECK_RC(create(0, 0, 0, NULL), -XEN_EINVAL);
    CHECK_RC(create(0, 100000, 0, NULL), -XEN_EINVAL);
    CHECK_RC(create(0, 1, XEN_DOMCTL_CDF_hap, NULL), -XEN_EINVAL);     /* HAP without HVM */
    CHECK_RC(create(0, 1, 1u << 20, NULL), -XEN_EINVAL);
    /*
     * HVM: QEMU's TCG emulates SVM, so Xen has HVM and refuses only the
     * emulator selection (-EOPNOTSUPP); Mica builds PV domains only (-EINVAL).
     */
    long hvm_rc = create(0, 1, XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap, NULL);
    CHECK(hvm_rc == -XEN_EOPNOTSUPP || hvm_rc == -XEN_EINVAL, "HVM createdomain: %ld", hvm_rc);

    check_new_domain(a, 2);
    check_new_domain(b, 1);
    check_new_domain(c, 1);

    /* getdomaininfo of a free id gives the next domain above it (Xen 4.17). */
    struct xen_domctl_getdomaininfo di;
    domid_t found;
    CHECK_RC(info(3, &di, &found), 0);
    CHECK(found == b && di.domain == b, "getdomaininfo(3) gave d%u/%u", found, di.domain);
    CHECK_RC(info(100, &di, NULL), -XEN_ESRCH);
    CHECK_RC(info(DOMID_SELF, &di, NULL), -XEN_EINVAL);
    /* The PV hardware domain always has the PIT (channel 2, port 0x61). */
    CHECK_RC(info(0, &di, NULL), 0);
    CHECK(di.arch_config.emulation_flags == XEN_X86_EMU_PIT, "d0 emulation flags %#x",
          di.arch_config.emulation_flags);

    test_pause_counting(a);
    test_memory(a);
    test_misc_ops(c);
    domid_t ids[3] = { a, c, b };
    test_list(ids, 3);

    /* The toolstack's shutdown: SCHEDOP_remote_shutdown; the reason shows in the flags. */
    struct sched_remote_shutdown rs = { .domain_id = c, .reason = SHUTDOWN_reboot };
    CHECK_RC(HC2(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, &rs), 0);
    CHECK_RC(info(c, &di, NULL), 0);
    CHECK((di.flags & XEN_DOMINF_shutdown) &&
          ((di.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask) == SHUTDOWN_reboot,
          "d%u after remote shutdown: flags %#x", c, di.flags);
    rs.domain_id = 1000;
    CHECK_RC(HC2(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, &rs), -XEN_ESRCH);

    /* Destruction: not ourselves; then each domain, and its id is free again. */
    CHECK_RC(simple(XEN_DOMCTL_destroydomain, 0), -XEN_EINVAL);
    long rc = simple(XEN_DOMCTL_destroydomain, b);
    if (rc == -XEN_ENOSYS) {
        /* Mica before domain destruction exists (see EXPECT). */
        fail("destroydomain not implemented: cannot check teardown");
        return;
    }
    CHECK_RC(rc, 0);
    wait_gone(b);
    CHECK_RC(info(b, &di, NULL), -XEN_ESRCH);
    CHECK_RC(simple(XEN_DOMCTL_destroydomain, a), 0);
    wait_gone(a);
    CHECK_RC(info(a, &di, &found), 0);          /* d1 gone: the next one is c */
    CHECK(found == c, "getdomaininfo(%u) after destroy gave d%u", a, found);
    CHECK_RC(simple(XEN_DOMCTL_destroydomain, c), 0);
    wait_gone(c);
    CHECK_RC(info(1, &di, NULL), -XEN_ESRCH);
    CHECK_RC(simple(XEN_DOMCTL_destroydomain, c), -XEN_ESRCH);

    /*
     * Every page of the three domains is back, but for one: Xen keeps a
     * page it allocated for the first domain it created (Mica keeps none).
     */
    uint64_t free_after = settled_free_pages(free_before);
    CHECK(free_after == free_before || free_after == free_before - 1,
          "free pages %lu before create, %lu after destroy", free_before, free_after);

    /* Create, give memory, destroy: three times, and not one page lost. */
    for (unsigned i = 0; i < 3; i++) {
        CHECK_RC(create(0, 2, 0, &d), 0);
        struct xen_domctl op = dop(XEN_DOMCTL_max_mem, d);
        op.u.max_mem.max_memkb = 1024;
        CHECK_RC(domctl(&op), 0);
        static xen_pfn_t pfns[64];
        for (unsigned j = 0; j < 64; j++)
            pfns[j] = j;
        struct xen_memory_reservation r = { .nr_extents = 64, .extent_order = 0, .domid = d };
        set_xen_guest_handle(r.extent_start, pfns);
        CHECK_RC(HC2(__HYPERVISOR_memory_op, XENMEM_populate_physmap, &r), 64);
        CHECK_RC(simple(XEN_DOMCTL_destroydomain, d), 0);
        wait_gone(d);
    }
    uint64_t free_cycled = settled_free_pages(free_after);
    CHECK(free_cycled == free_after, "free pages %lu before 3 create/destroy cycles, %lu after",
          free_after, free_cycled);

    /* A new domain after all that: Mica takes d1 again, Xen continues after the last id tried. */
    CHECK_RC(create(0, 1, 0, &d), 0);
    CHECK(d == 1 || d > c, "id after destroy d%u", d);
    CHECK_RC(simple(XEN_DOMCTL_destroydomain, d), 0);
}
