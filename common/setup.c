/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * start_mica: from the first C instruction to "ready to build dom0".
 */
#include <asm/desc.h>
#include <asm/x86.h>
#include <mica/bootinfo.h>
#include <mica/console.h>
#include <mica/dom0.h>
#include <mica/event.h>
#include <mica/domain.h>
#include <mica/pv.h>
#include <mica/pv_desc.h>
#include <mica/irq.h>
#include <mica/lib.h>
#include <mica/mm.h>
#include <mica/panic.h>
#include <mica/param.h>
#include <mica/power.h>
#include <mica/selftest.h>
#include <mica/serial.h>
#include <mica/setup.h>
#include <mica/sched.h>
#include <mica/smp.h>
#include <mica/string.h>
#include <mica/time.h>

struct boot_info boot_info;

extern const struct param __param_start[], __param_end[];
extern char cpu_stacks[];
void maybe_test_fault(void);

/* Option complaints wait until the console (itself an option) is up. */
static char param_reports[8][96];
static unsigned nr_param_reports;

static void report_param(const char *what, const char *name, const char *value)
{
    if (nr_param_reports < ARRAY_SIZE(param_reports))
        snprintf(param_reports[nr_param_reports++], sizeof(param_reports[0]), "%s '%s%s%s'",
                 what, name, value ? "=" : "", value ? value : "");
}

static void show_memory_map(const struct memmap *m)
{
    printk("Memory map (%u regions):\n", m->nr);
    for (unsigned i = 0; i < m->nr; i++)
        printk(" %016lx - %016lx (%s)\n", m->r[i].addr, m->r[i].addr + m->r[i].size,
               mem_type_name(m->r[i].type));
}

static const char *module_kind(const struct boot_module *m)
{
    const uint8_t *p = maddr_to_virt(m->start);
    uint64_t len = m->end - m->start;
    if (len >= 20 && !memcmp(p, "\177ELF", 4))
        return p[4] == 2 && p[18] == 62 ? "ELF64 x86-64" : "ELF (not x86-64)";
    if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b)
        return "gzip";
    if (len >= 0x206 && !memcmp(p + 0x202, "HdrS", 4))
        return "Linux bzImage";
    return "unrecognised";
}

static void show_modules(const struct boot_info *bi)
{
    printk("Modules: %u%s\n", bi->nr_modules, bi->dropped_modules ? " (more were given and ignored)" : "");
    for (unsigned i = 0; i < bi->nr_modules; i++) {
        const struct boot_module *m = &bi->modules[i];
        printk(" module %u: %016lx - %016lx (%lu KiB) '%s'\n", i, m->start, m->end,
               (m->end - m->start) >> 10, m->cmdline);
    }
}

void __noreturn start_mica(uint32_t magic, uint32_t info)
{
    int rc = multiboot_parse(magic, info, &boot_info);

    /* Options first, so console=/com1= apply before the first line. */
    cmdline_parse(cmdline_cook(boot_info.cmdline, boot_info.loader), __param_start,
                  __param_end, report_param);
    serial_console_init();
    console_force("Mica %d.%d%s: a Xen-compatible PV hypervisor for x86_64\n",
                  MICA_VERSION_MAJOR, MICA_VERSION_MINOR, MICA_EXTRAVERSION);
    if (rc < 0) {
        console_force("boot: unrecognised boot loader (magic %#x); cannot continue\n", magic);
        machine_fail(EXIT_CODE_PANIC);
    }
    serial_console_describe();
    printk("boot: multiboot%s from %s\n", boot_info.protocol == 2 ? "2" : "",
           boot_info.loader[0] ? boot_info.loader : "an unnamed loader");
    printk("Command line: %s\n", boot_info.cmdline);
    for (unsigned i = 0; i < nr_param_reports; i++)
        pr_warn("command line: %s ignored\n", param_reports[i]);

    cpu_desc_init(0, cpu_stacks);
    show_memory_map(&boot_info.map);
    show_modules(&boot_info);
    mm_init(&boot_info);
    acpi_power_init();

    pic_disable();
    time_init();
    wallclock_init();
    apic_init();
    timer_cpu_init();
    sti();
    smp_init();
    io_apic_init();

    if (run_selftests())
        panic("boot self-tests failed");
    maybe_test_fault();

    if (boot_info.nr_modules == 0) {
        pr_err("No dom0 kernel: give it as module 0 (QEMU: -initrd \"kernel args,initrd\")\n");
        machine_power_off();
    }
    const struct boot_module *k = &boot_info.modules[0];
    printk("dom0 kernel: module 0, %s, %lu KiB, command line '%s'\n", module_kind(k),
           (k->end - k->start) >> 10, cmdline_cook(k->cmdline, boot_info.loader));
    if (boot_info.nr_modules > 1)
        printk("dom0 initrd: module 1, %lu KiB\n",
               (boot_info.modules[1].end - boot_info.modules[1].start) >> 10);
    printk("Ready to build dom0 (%lu ms since Mica started)\n", now_ns() / 1000000);

    pv_cpu_init(0);
    pv_fpu_cpu_init();
    sched_cpu_init(0);
    pv_mm_init();
    pv_desc_areas_init();
    if (dom0_build(&boot_info))
        panic("could not build dom0 from module 0");
    printk("Starting dom0 (%lu ms since Mica started)\n", now_ns() / 1000000);
    struct vcpu *v0 = domain_lookup(0)->vcpu[0];
    v0->initialised = true;
    vcpu_clear_pause_flag(v0, VPF_DOWN);
    pv_enter_idle();            /* the scheduler takes it from here */
}
