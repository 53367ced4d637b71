/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HYPERVISOR_xen_version. Mica reports the Xen interface version it
 * implements (4.17), so guests choose the same code paths as on Xen, and
 * names itself in extraversion/changeset so logs show what really ran.
 */
#include <public/errno.h>
#include <public/features.h>
#include <public/version.h>
#include <public/xen.h>
#include <mica/bootinfo.h>
#include <mica/domain.h>
#include <mica/guest_access.h>
#include <mica/setup.h>
#include <mica/string.h>

/* The XENFEAT bits a PV domain gets: exactly what Mica does for it (as Xen 4.17). */
static uint32_t guest_features(const struct domain *d)
{
    uint32_t f = (1u << XENFEAT_memory_op_vnode_supported) |
                 (1u << XENFEAT_mmu_pt_update_preserve_ad) |
                 (1u << XENFEAT_highmem_assist) |
                 (1u << XENFEAT_gnttab_map_avail_bits) |
                 (1u << XENFEAT_direct_mapped);
    if (vm_assist(d, VMASST_TYPE_pae_extended_cr3))
        f |= 1u << XENFEAT_pae_pgdir_above_4gb;
    if (d->is_privileged)
        f |= 1u << XENFEAT_dom0;
    return f;
}

static long copy_string(guest_ptr_t arg, const char *s, size_t size)
{
    char buf[1024];
    memset(buf, 0, size);
    strlcpy(buf, s, size);
    return copy_to_guest(arg, buf, size) ? -XEN_EFAULT : 0;
}

long do_xen_version(int cmd, guest_ptr_t arg)
{
    switch (cmd) {
    case XENVER_version:
        return (MICA_VERSION_MAJOR << 16) | MICA_VERSION_MINOR;
    case XENVER_extraversion:
        return copy_string(arg, MICA_EXTRAVERSION, sizeof(xen_extraversion_t));
    case XENVER_compile_info: {
        struct xen_compile_info info;
        memset(&info, 0, sizeof(info));
        strlcpy(info.compiler, "gcc " __VERSION__, sizeof(info.compiler));
        strlcpy(info.compile_by, "mica", sizeof(info.compile_by));
        strlcpy(info.compile_domain, "mica.invalid", sizeof(info.compile_domain));
        strlcpy(info.compile_date, __DATE__ " " __TIME__, sizeof(info.compile_date));
        return copy_to_guest(arg, &info, sizeof(info)) ? -XEN_EFAULT : 0;
    }
    case XENVER_capabilities:
        return copy_string(arg, "xen-3.0-x86_64", sizeof(xen_capabilities_info_t));
    case XENVER_changeset:
        return copy_string(arg, "mica", sizeof(xen_changeset_info_t));
    case XENVER_platform_parameters: {
        struct xen_platform_parameters p = { .virt_start = HV_VIRT_START };
        return copy_to_guest(arg, &p, sizeof(p)) ? -XEN_EFAULT : 0;
    }
    case XENVER_get_features: {
        struct xen_feature_info fi;
        if (copy_from_guest(&fi, arg, sizeof(fi)))
            return -XEN_EFAULT;
        if (fi.submap_idx != 0)
            return -XEN_EINVAL;
        fi.submap = guest_features(current->domain);
        return copy_to_guest(arg, &fi, sizeof(fi)) ? -XEN_EFAULT : 0;
    }
    case XENVER_pagesize:
        /* As Xen: a non-NULL argument is an error. */
        return arg ? -XEN_EINVAL : (long)PAGE_SIZE;
    case XENVER_guest_handle: {
        uint8_t handle[16] = { 0 };
        return copy_to_guest(arg, handle, sizeof(handle)) ? -XEN_EFAULT : 0;
    }
    case XENVER_commandline:
        return copy_string(arg, current->domain->is_privileged ? boot_info.cmdline : "<denied>",
                           sizeof(xen_commandline_t));
    default:
        return -XEN_ENOSYS;
    }
}
