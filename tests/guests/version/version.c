/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_version: every sub-op a PV guest uses, with the values Xen 4.17 gives
 * a 64-bit PV dom0, plus the error paths (unknown sub-op, bad buffers).
 */
#include "../lib/guest.h"
#include <public/version.h>

const char test_title[] = "xen_version sub-ops and errors";

static long xv(int cmd, void *arg)
{
    return HC2(__HYPERVISOR_xen_version, cmd, arg);
}

/* A string sub-op must NUL-terminate within its fixed-size buffer. */
static bool terminated(const char *s, size_t n)
{
    return strnlen(s, n) < n;
}

void test_main(void)
{
    /* XENVER_version: (major << 16) | minor; the oracle is Xen 4.17. */
    CHECK_RC(xv(XENVER_version, NULL), 0x40011);

    xen_extraversion_t extra;
    memset(extra, 0xff, sizeof(extra));
    CHECK_RC(xv(XENVER_extraversion, extra), 0);
    CHECK(terminated(extra, sizeof(extra)), "extraversion not NUL-terminated");
    /* Xen's extraversion is the ".patch..." suffix of "4.17". */
    CHECK(extra[0] == '.', "extraversion '%.16s' does not start with '.'", extra);
    printk("extraversion: %.16s\n", extra);

    struct xen_compile_info ci;
    memset(&ci, 0xff, sizeof(ci));
    CHECK_RC(xv(XENVER_compile_info, &ci), 0);
    CHECK(terminated(ci.compiler, sizeof(ci.compiler)) &&
          terminated(ci.compile_by, sizeof(ci.compile_by)) &&
          terminated(ci.compile_domain, sizeof(ci.compile_domain)) &&
          terminated(ci.compile_date, sizeof(ci.compile_date)), "compile_info strings not terminated");
    printk("compiler: %.64s\n", ci.compiler);

    static xen_capabilities_info_t caps;
    CHECK_RC(xv(XENVER_capabilities, caps), 0);
    CHECK(terminated(caps, sizeof(caps)), "capabilities not terminated");
    /* A 64-bit PV guest can run only if the list has xen-3.0-x86_64. */
    CHECK(strstr(caps, "xen-3.0-x86_64") == caps, "capabilities '%s' lack leading xen-3.0-x86_64", caps);
    printk("capabilities: %s\n", caps);

    xen_changeset_info_t cs;
    memset(cs, 0xff, sizeof(cs));
    CHECK_RC(xv(XENVER_changeset, cs), 0);
    CHECK(terminated(cs, sizeof(cs)), "changeset not terminated");
    printk("changeset: %s\n", cs);

    /* 64-bit PV: virt_start is the start of the hypervisor hole (L4 slot 256). */
    struct xen_platform_parameters pp = { 0 };
    CHECK_RC(xv(XENVER_platform_parameters, &pp), 0);
    CHECK(pp.virt_start == HYPERVISOR_VIRT_START, "virt_start %#lx", pp.virt_start);

    struct xen_feature_info fi = { .submap_idx = 0, .submap = 0xdeadbeef };
    CHECK_RC(xv(XENVER_get_features, &fi), 0);
    printk("features[0]: %#x\n", fi.submap);
    /*
     * Xen 4.17 gives a 64-bit PV dom0 0x228e0: mmu_pt_update_preserve_ad,
     * highmem_assist, gnttab_map_avail_bits (every PV guest), dom0 (hardware
     * domain), memory_op_vnode_supported and direct_mapped. What matters to a
     * PV kernel: it must see XENFEAT_dom0, and must NOT see writable or
     * auto-translated page tables, supervisor-mode kernel or HVM features
     * (Linux would then skip its PV MMU paths).
     */
    CHECK(fi.submap & (1u << XENFEAT_dom0), "XENFEAT_dom0 missing");
    CHECK(fi.submap & (1u << XENFEAT_mmu_pt_update_preserve_ad), "preserve_ad missing");
    const uint32_t never = (1u << XENFEAT_writable_page_tables) |
                           (1u << XENFEAT_writable_descriptor_tables) |
                           (1u << XENFEAT_auto_translated_physmap) |
                           (1u << XENFEAT_supervisor_mode_kernel) |
                           (1u << XENFEAT_hvm_callback_vector) |
                           (1u << XENFEAT_hvm_safe_pvclock) | (1u << XENFEAT_hvm_pirqs) |
                           (1u << XENFEAT_not_direct_mapped);
    CHECK(!(fi.submap & never), "features %#x include PV-incompatible bits %#x",
          fi.submap, fi.submap & never);


    /* Only submap 0 exists (XENFEAT_NR_SUBMAPS == 1). */
    fi.submap_idx = XENFEAT_NR_SUBMAPS;
    CHECK_RC(xv(XENVER_get_features, &fi), -XEN_EINVAL);

    CHECK_RC(xv(XENVER_pagesize, NULL), 4096);

    /* dom0's handle is all zeroes (no toolstack set one). */
    xen_domain_handle_t h;
    memset(h, 0xff, sizeof(h));
    CHECK_RC(xv(XENVER_guest_handle, h), 0);
    static const xen_domain_handle_t zero;
    CHECK(!memcmp(h, zero, sizeof(h)), "dom0 handle not zero");

    /* dom0 may read the hypervisor command line (the harness passes dom0_mem=64M). */
    static xen_commandline_t cmdline;
    CHECK_RC(xv(XENVER_commandline, cmdline), 0);
    CHECK(terminated(cmdline, sizeof(cmdline)) && strstr(cmdline, "dom0_mem=64M"),
          "commandline '%.80s'", cmdline);
    CHECK_RC(xv(XENVER_commandline, BAD_VA), -XEN_EFAULT);
    /* build_id with a NULL buffer returns its length on Xen (20); informational. */
    printk("build_id(NULL): %ld\n", xv(XENVER_build_id, NULL));

    /* Unknown sub-ops (Xen 4.17's last one is XENVER_build_id = 10). */
    CHECK_RC(xv(11, NULL), -XEN_ENOSYS);
    CHECK_RC(xv(12, NULL), -XEN_ENOSYS);
    CHECK_RC(xv(0x7fffffff, NULL), -XEN_ENOSYS);
    CHECK_RC(xv(-1, NULL), -XEN_ENOSYS);

    /* Bad buffers: the copy to the guest fails. */
    CHECK_RC(xv(XENVER_extraversion, BAD_VA), -XEN_EFAULT);
    CHECK_RC(xv(XENVER_compile_info, BAD_VA), -XEN_EFAULT);
    CHECK_RC(xv(XENVER_capabilities, BAD_VA), -XEN_EFAULT);
    CHECK_RC(xv(XENVER_changeset, BAD_VA), -XEN_EFAULT);
    CHECK_RC(xv(XENVER_platform_parameters, BAD_VA), -XEN_EFAULT);
    CHECK_RC(xv(XENVER_get_features, BAD_VA), -XEN_EFAULT);
    CHECK_RC(xv(XENVER_guest_handle, BAD_VA), -XEN_EFAULT);
    CHECK_RC(xv(XENVER_extraversion, NONCANON_VA), -XEN_EFAULT);
    /* Read-only page: the text of this guest is mapped writable by the builder, so use the M2P. */
    CHECK_RC(xv(XENVER_extraversion, (void *)MACH2PHYS_VIRT_START), -XEN_EFAULT);
    /* Hypervisor memory is not guest memory. */
    CHECK_RC(xv(XENVER_extraversion, (void *)0xffff830000000000UL), -XEN_EFAULT);
}
