/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The boot domain built unprivileged (Mica's dom0_unprivileged): what a PV
 * domU sees. Its start_info has neither SIF_PRIVILEGED nor SIF_INITDOMAIN
 * and names a console ring (console.domU) whose other end is Mica, which
 * prints the ring on its serial console and feeds serial input into it.
 * This guest's own output already goes through that ring (lib/guest.c),
 * so the verdict line is the first proof.
 *
 * Checked here: start_info and the ring page's place (Xen's PV shim
 * layout: right after start_info), the channel's status (interdomain,
 * remote DOMID_XEN), Mica consuming output during the notifying send, a
 * ring with impossible indices left alone, closing and re-binding the
 * channel (Mica's end waits UNBOUND for us, as a backend does), input
 * typed by the test runner (it answers the "mica-input:" line), and the
 * dom0-only operations refused as Xen's default policy refuses them to a
 * domU: console_io, platform_op, domctl, sysctl, remote shutdown,
 * machine_memory_map, the XENFEAT_dom0 bit, the command line, the host's
 * I/O memory and the CMOS.
 *
 * Real Xen cannot boot a test kernel this way (a domU needs dom0's
 * toolstack), so EXPECT skips the Xen run; the values asserted come from
 * Xen 4.17's source as noted at each check.
 */
#include "../lib/guest.h"
#include <public/domctl.h>
#include <public/event_channel.h>
#include <public/features.h>
#include <public/io/console.h>
#include <public/memory.h>
#include <public/physdev.h>
#include <public/platform.h>
#include <public/sched.h>
#include <public/sysctl.h>
#include <public/sched.h>
#include <public/version.h>
#include <public/xen-mca.h>

const char test_title[] = "unprivileged domain: console ring, dom0-only ops refused";

#define PTE_RW(mfn) (((unsigned long)(mfn) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PTE_RO(mfn) (((unsigned long)(mfn) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED)

static struct xencons_interface *ring(void)
{
    return mfn_to_virt(SI->console.domU.mfn);
}

static long send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };
    return evtchn_op(EVTCHNOP_send, &s);
}

static void check_start_info(void)
{
    unsigned long si_pfn = (unsigned long)guest_start_info >> PAGE_SHIFT;
    unsigned long mfn = SI->console.domU.mfn;

    CHECK((SI->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN)) == 0, "start_info flags %#x", SI->flags);
    CHECK(SI->console.domU.evtchn != 0, "no console event channel");
    /* Mica runs no xenstored: Linux then waits for one in the background. */
    CHECK(SI->store_mfn == 0 && SI->store_evtchn == 0, "store mfn %#lx evtchn %u",
          (unsigned long)SI->store_mfn, SI->store_evtchn);
    /* The ring is the domain's own page, right after start_info, mapped writable. */
    CHECK(M2P[mfn] == si_pfn + 1, "console mfn %#lx is pfn %#lx, start_info pfn %#lx", mfn, M2P[mfn], si_pfn);
    CHECK(p2m()[si_pfn + 1] == mfn, "p2m[%#lx] = %#lx, console mfn %#lx", si_pfn + 1, p2m()[si_pfn + 1], mfn);
    unsigned long pte = pte_read((unsigned long)ring(), 1);
    CHECK((pte & (_PAGE_PRESENT | _PAGE_RW)) == (_PAGE_PRESENT | _PAGE_RW) && PTE_MFN(pte) == mfn,
          "console page PTE %#lx", pte);
}

static void check_channel(void)
{
    evtchn_port_t port = SI->console.domU.evtchn;
    struct evtchn_status st = { .dom = DOMID_SELF, .port = port };

    CHECK_RC(evtchn_op(EVTCHNOP_status, &st), 0);
    CHECK(st.status == EVTCHNSTAT_interdomain && st.u.interdomain.dom == DOMID_XEN && st.vcpu == 0,
          "console port status %u dom %#x vcpu %u", st.status, st.u.interdomain.dom, st.vcpu);
    /* Mica's ends are nobody's to inspect or use (Xen: -ESRCH, no such domain). */
    struct evtchn_status xs = { .dom = DOMID_XEN, .port = st.u.interdomain.port };
    CHECK_RC(evtchn_op(EVTCHNOP_status, &xs), -XEN_EPERM);
    struct evtchn_alloc_unbound au = { .dom = DOMID_XEN, .remote_dom = DOMID_SELF };
    CHECK_RC(evtchn_op(EVTCHNOP_alloc_unbound, &au), -XEN_EPERM);

    /* Output is consumed during the notifying send (xenconsoled would take it later). */
    struct xencons_interface *r = ring();
    printk("console ring: this line went through the ring\n");
    CHECK(r->out_cons == r->out_prod, "output left in the ring: cons %u prod %u", r->out_cons, r->out_prod);

    /* Impossible indices: Mica takes nothing (and says so once), and carries on after a repair. */
    XENCONS_RING_IDX cons = r->out_cons, prod = r->out_prod;
    r->out_prod = cons + 4096;
    CHECK_RC(send(port), 0);
    XENCONS_RING_IDX cons_after = r->out_cons;
    r->out_prod = prod;
    CHECK(cons_after == cons, "out_cons moved from %u to %u on a corrupt ring", cons, cons_after);

    /*
     * Close our end: Mica's goes back to UNBOUND, waiting for this domain, so
     * binding to it again reconnects (a backend's view of a frontend
     * reconnecting). Output written meanwhile waits in the ring and comes
     * out with the first notification on the new port.
     */
    evtchn_port_t hv_port = st.u.interdomain.port;
    struct evtchn_close cl = { .port = port };
    CHECK_RC(evtchn_op(EVTCHNOP_close, &cl), 0);
    const char msg[] = "console ring: written while disconnected\n";
    for (unsigned i = 0; i < sizeof(msg) - 1; i++)
        r->out[MASK_XENCONS_IDX(r->out_prod + i, r->out)] = msg[i];
    __atomic_thread_fence(__ATOMIC_RELEASE);
    r->out_prod += sizeof(msg) - 1;
    CHECK_RC(send(port), -XEN_EINVAL);             /* the closed port */
    struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_XEN, .remote_port = hv_port };
    CHECK_RC(evtchn_op(EVTCHNOP_bind_interdomain, &bi), 0);
    SI->console.domU.evtchn = bi.local_port;     /* the runtime prints through this port */
    CHECK_RC(send(bi.local_port), 0);
    CHECK(r->out_cons == r->out_prod, "output not taken after re-binding: cons %u prod %u",
          r->out_cons, r->out_prod);
    struct evtchn_bind_interdomain again = { .remote_dom = DOMID_XEN, .remote_port = hv_port };
    CHECK_RC(evtchn_op(EVTCHNOP_bind_interdomain, &again), -XEN_EINVAL);   /* already connected */
}

/* The runner types "ping" and Enter when it sees the "mica-input:" line. */
static void check_input(void)
{
    struct xencons_interface *r = ring();
    evtchn_port_t port = SI->console.domU.evtchn;
    shared_info_t *s = shared_info();
    char got[16];
    unsigned n = 0;

    __atomic_fetch_and(&s->evtchn_pending[port / 64], ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
    printk("mica-input: ping\n");
    uint64_t deadline = system_time_ns() + 20000000000ULL;
    while (n < sizeof(got) && (n == 0 || got[n - 1] != '\r') && system_time_ns() < deadline) {
        struct sched_poll poll = { .nr_ports = 1, .timeout = deadline };
        set_xen_guest_handle(poll.ports, &port);
        CHECK_RC(HC2(__HYPERVISOR_sched_op, SCHEDOP_poll, &poll), 0);
        if (!(s->evtchn_pending[port / 64] & (1UL << (port % 64))))
            continue;       /* timed out: the loop condition ends it */
        __atomic_fetch_and(&s->evtchn_pending[port / 64], ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
        XENCONS_RING_IDX cons = r->in_cons, prod = ACCESS_ONCE(r->in_prod);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        CHECK(prod != cons, "input event with an empty ring");
        while (cons != prod && n < sizeof(got))
            got[n++] = r->in[MASK_XENCONS_IDX(cons++, r->in)];
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        r->in_cons = cons;
    }
    CHECK(n == 5 && !memcmp(got, "ping\r", 5), "input: %u bytes '%.*s'", n, (int)n, got);
}

static unsigned long inb_safe(uint16_t port, uint8_t *val)
{
    unsigned long ex = 0;
    uint8_t v = 0;
    __asm__ volatile("1: inb %w[p], %%al; 2:" _ASM_EXTABLE(1b, 2b)
                     : "+a"(ex) : [p] "Nd"(port) : "memory");
    v = (uint8_t)ex;
    *val = v;
    return ex & ~0xffUL;
}

static void check_refused(void)
{
    char buf[16] = "x";

    /* console_io: XSM_PRIV for every command on a release build of Xen. */
    CHECK_RC(HC3(__HYPERVISOR_console_io, CONSOLEIO_write, 1, buf), -XEN_EPERM);
    CHECK_RC(HC3(__HYPERVISOR_console_io, CONSOLEIO_read, sizeof(buf), buf), -XEN_EPERM);

    /* platform_op: buffer and version are checked first, then XSM_PRIV. */
    struct xen_platform_op op = { .cmd = XENPF_get_cpuinfo, .interface_version = XENPF_INTERFACE_VERSION };
    CHECK_RC(HC1(__HYPERVISOR_platform_op, &op), -XEN_EPERM);
    op.interface_version = 0;
    CHECK_RC(HC1(__HYPERVISOR_platform_op, &op), -XEN_EACCES);
    CHECK_RC(HC1(__HYPERVISOR_platform_op, BAD_VA), -XEN_EFAULT);

    /*
     * domctl: version, then the target domain (-ESRCH), then XSM_PRIV
     * (-EPERM); getdomaininfo and ioport_permission check privilege in
     * their own code, after the same lookup. sysctl: version, XSM_PRIV.
     */
    struct xen_domctl dc = { .cmd = XEN_DOMCTL_getdomaininfo,
                             .interface_version = XEN_DOMCTL_INTERFACE_VERSION, .domain = 0 };
    CHECK_RC(HC1(__HYPERVISOR_domctl, &dc), -XEN_EPERM);
    dc.cmd = XEN_DOMCTL_pausedomain;
    CHECK_RC(HC1(__HYPERVISOR_domctl, &dc), -XEN_EPERM);
    dc.domain = 7;
    CHECK_RC(HC1(__HYPERVISOR_domctl, &dc), -XEN_ESRCH);
    dc.interface_version = 0;
    CHECK_RC(HC1(__HYPERVISOR_domctl, &dc), -XEN_EACCES);
    struct xen_domctl cd = { .cmd = XEN_DOMCTL_createdomain,
                             .interface_version = XEN_DOMCTL_INTERFACE_VERSION };
    cd.u.createdomain.max_vcpus = 1;
    CHECK_RC(HC1(__HYPERVISOR_domctl, &cd), -XEN_EPERM);
    struct xen_domctl io = { .cmd = XEN_DOMCTL_ioport_permission,
                             .interface_version = XEN_DOMCTL_INTERFACE_VERSION, .domain = 0 };
    io.u.ioport_permission.first_port = 0x70;
    io.u.ioport_permission.nr_ports = 2;
    io.u.ioport_permission.allow_access = 1;
    CHECK_RC(HC1(__HYPERVISOR_domctl, &io), -XEN_EPERM);
    struct xen_sysctl sc = { .cmd = XEN_SYSCTL_physinfo, .interface_version = XEN_SYSCTL_INTERFACE_VERSION };
    CHECK_RC(HC1(__HYPERVISOR_sysctl, &sc), -XEN_EPERM);
    sc.interface_version = 0;
    CHECK_RC(HC1(__HYPERVISOR_sysctl, &sc), -XEN_EACCES);
    /* Shutting down a domain by id is the control domain's (or its device model's). */
    struct sched_remote_shutdown rs = { .domain_id = 0, .reason = SHUTDOWN_poweroff };
    CHECK_RC(HC2(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, &rs), -XEN_EPERM);

    /* mca: XSM_PRIV comes first, before the buffer and its version are read. */
    struct xen_mc mc = { .cmd = XEN_MC_physcpuinfo, .interface_version = XEN_MCA_INTERFACE_VERSION };
    CHECK_RC(HC1(__HYPERVISOR_mca, &mc), -XEN_EPERM);
    CHECK_RC(HC1(__HYPERVISOR_mca, BAD_VA), -XEN_EPERM);

    /* The host's memory map is the control domain's; a PV domU without a toolstack map gets -ENOSYS. */
    uint8_t e820[20 * 8];
    struct xen_memory_map map = { .nr_entries = 8 };
    set_xen_guest_handle(map.buffer, e820);
    CHECK_RC(HC2(__HYPERVISOR_memory_op, XENMEM_machine_memory_map, &map), -XEN_EPERM);
    CHECK_RC(HC2(__HYPERVISOR_memory_op, XENMEM_memory_map, &map), -XEN_ENOSYS);

    struct xen_feature_info fi = { .submap_idx = 0 };
    CHECK_RC(HC2(__HYPERVISOR_xen_version, XENVER_get_features, &fi), 0);
    CHECK(!(fi.submap & (1u << XENFEAT_dom0)), "features %#x include XENFEAT_dom0", fi.submap);
    static char cmdline[1024];
    CHECK_RC(HC2(__HYPERVISOR_xen_version, XENVER_commandline, cmdline), 0);
    CHECK(!strcmp(cmdline, "<denied>"), "XENVER_commandline gave '%.40s'", cmdline);

    /* No I/O memory: even the BIOS area dom0 may map is refused (no iomem permission). */
    scratch_init();
    CHECK_RC(update_va_mapping(scratch_va(0), PTE_RO(0xf0), UVMF_INVLPG), -XEN_EPERM);
    CHECK_RC(update_va_mapping(scratch_va(0), PTE_RW(0), UVMF_INVLPG), -XEN_EPERM);
    CHECK(scratch_l1()[0] == 0, "refused update left entry %#lx", scratch_l1()[0]);

    /*
     * Port I/O is allowed by the virtual IOPL but reaches no hardware: the
     * CMOS data port reads all ones (register D would read 0x80 on the
     * real RTC); the index is still latched per domain, as on Xen.
     */
    struct physdev_set_iopl iopl = { .iopl = 1 };
    CHECK_RC(HC2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, &iopl), 0);
    uint8_t v = 0;
    __asm__ volatile("outb %%al, $0x70" :: "a"(0x0d) : "memory");
    CHECK(inb_safe(0x71, &v) == 0 && v == 0xff, "CMOS register D read %#x", v);
    CHECK(inb_safe(0x70, &v) == 0 && v == 0x0d, "CMOS index read back %#x", v);
    iopl.iopl = 0;
    CHECK_RC(HC2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, &iopl), 0);
}

void test_main(void)
{
    trap_init();
    check_start_info();
    check_channel();
    check_refused();
    check_input();
}
