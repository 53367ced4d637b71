/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HYPERVISOR_platform_op: the control domain's view of the machine
 * (include/public/platform.h). Privileged domains only (-EPERM otherwise),
 * and the caller must speak XENPF_INTERFACE_VERSION (-EACCES otherwise).
 *
 * Implemented: settime32/64 (dom0 sets the wall clock of every domain),
 * firmware_info (Mica collects no BIOS EDD/EDID data, so every index is
 * past the end: -ESRCH, as on a Xen booted without them; not booted by EFI:
 * -ENOSYS as Xen; keyboard shift flags read as 0), get_cpuinfo and
 * get_cpu_version (physical CPUs; Mica has no CPU hotplug, so the
 * present CPUs are the online ones), enter_acpi_sleep (S5 only). Memory types, microcode, frequency and
 * idle management, CPU/memory hotplug and EFI runtime calls are -ENOSYS: Linux copes with each (it logs and carries on).
 */
#include <asm/x86.h>
#include <public/errno.h>
#include <public/platform.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/guest_access.h>
#include <mica/power.h>
#include <mica/smp.h>
#include <mica/string.h>
#include <mica/time.h>

static long firmware_info(struct xenpf_firmware_info *fw)
{
    switch (fw->type) {
    case XEN_FW_DISK_INFO:
    case XEN_FW_DISK_MBR_SIGNATURE:
    case XEN_FW_VBEDDC_INFO:
        return -XEN_ESRCH;
    case XEN_FW_EFI_INFO:
        return -XEN_ENOSYS;
    case XEN_FW_KBD_SHIFT_FLAGS:
        if (fw->index != 0)
            return -XEN_ESRCH;
        fw->u.kbd_shift_flags = 0;
        return 0;
    default:
        return -XEN_EINVAL;
    }
}

static void cpu_version(struct xenpf_pcpu_version *ver)
{
    struct cpuid_regs r = cpuid(0);
    memcpy(&ver->vendor_id[0], &r.ebx, 4);
    memcpy(&ver->vendor_id[4], &r.edx, 4);
    memcpy(&ver->vendor_id[8], &r.ecx, 4);
    r = cpuid(1);
    unsigned family = (r.eax >> 8) & 0xf, model = (r.eax >> 4) & 0xf;
    if (family == 0xf)
        family += (r.eax >> 20) & 0xff;
    if (family >= 6)
        model |= ((r.eax >> 16) & 0xf) << 4;
    ver->family = family;
    ver->model = model;
    ver->stepping = r.eax & 0xf;
}

long do_platform_op(guest_ptr_t uop)
{
    struct xen_platform_op op;

    /* Xen's order: the buffer, its version, then the privilege (XSM_PRIV). */
    if (copy_from_guest(&op, uop, sizeof(op)))
        return -XEN_EFAULT;
    if (op.interface_version != XENPF_INTERFACE_VERSION)
        return -XEN_EACCES;
    if (!current->domain->is_privileged)
        return -XEN_EPERM;

    long rc = 0;
    switch (op.cmd) {
    case XENPF_settime32:
        wallclock_set(op.u.settime32.secs, op.u.settime32.nsecs, op.u.settime32.system_time);
        return 0;
    case XENPF_settime64:
        if (op.u.settime64.mbz)
            return -XEN_EINVAL;
        wallclock_set(op.u.settime64.secs, op.u.settime64.nsecs, op.u.settime64.system_time);
        return 0;
    case XENPF_firmware_info:
        rc = firmware_info(&op.u.firmware_info);
        break;
    case XENPF_get_cpuinfo: {
        struct xenpf_pcpuinfo *pi = &op.u.pcpu_info;
        unsigned int cpu = pi->xen_cpuid;
        pi->max_present = cpu_max_online();
        if (!cpu_online(cpu)) {
            pi->flags = XEN_PCPU_FLAGS_INVALID;
        } else {
            pi->apic_id = cpu_apic_id(cpu);
            pi->acpi_id = cpu_acpi_id(cpu);
            pi->flags = XEN_PCPU_FLAGS_ONLINE;
        }
        break;
    }
    case XENPF_enter_acpi_sleep: {
        /*
         * Linux dom0 hands its ACPI sleep request to the hypervisor, which
         * owns the machine. S5 is power-off: Mica does it with its own
         * FADT values (as Xen enters S5 itself). Mica has no suspend to
         * RAM or disk: S1-S4 are -EOPNOTSUPP, and Linux reports the failure.
         */
        struct xenpf_enter_acpi_sleep *sl = &op.u.enter_acpi_sleep;
        if (sl->sleep_state < 1 || sl->sleep_state > 5 || (sl->flags & ~XENPF_ACPI_SLEEP_EXTENDED))
            return -XEN_EINVAL;
        if (sl->sleep_state != 5)
            return -XEN_EOPNOTSUPP;
        machine_power_off();
    }
    case XENPF_get_cpu_version: {
        struct xenpf_pcpu_version *ver = &op.u.pcpu_version;
        ver->max_present = cpu_max_online();
        if (!cpu_online(ver->xen_cpuid)) {
            /* Xen leaves the identity empty for a CPU that is not there. */
            ver->family = ver->model = ver->stepping = 0;
            memset(ver->vendor_id, 0, sizeof(ver->vendor_id));
        } else {
            /* All CPUs of a machine Mica runs on report the same identity. */
            cpu_version(ver);
        }
        break;
    }
    default:
        pr_debug("d%u: platform_op %u: -ENOSYS\n", current->domain->domain_id, op.cmd);
        return -XEN_ENOSYS;
    }
    if (rc == 0 && copy_to_guest(uop, &op, sizeof(op)))
        return -XEN_EFAULT;
    return rc;
}
