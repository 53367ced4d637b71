/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Secondary CPUs: discovery (ACPI MADT), start-up (INIT-SIPI-SIPI into
 * arch/x86/boot/trampoline.S), inter-processor interrupts, and stopping the
 * other CPUs when one crashes.
 *
 * Start-up, one CPU at a time, as the MP specification describes it: the
 * boot CPU copies the trampoline into a free page below 1 MiB (low memory
 * never enters the heap: mm_init keeps the first MiB out of it), publishes
 * what the new CPU needs (CR0, EFER, CR3, its stack), sends INIT, waits
 * 10 ms, then two STARTUP IPIs naming the page, and waits for the CPU to
 * report in from start_secondary(). Options, with Xen's names:
 *   maxcpus=<n>   use at most n CPUs, the boot CPU included (0: all)
 *   nosmp         use the boot CPU only
 */
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/x86.h>
#include <mica/bootinfo.h>
#include <mica/console.h>
#include <mica/madt.h>
#include <mica/mm.h>
#include <mica/panic.h>
#include <mica/param.h>
#include <mica/selftest.h>
#include <mica/smp.h>
#include <mica/sched.h>
#include <mica/pv.h>
#include <mica/event.h>
#include <mica/string.h>
#include <mica/time.h>

static bool opt_nosmp;
boolean_param("nosmp", opt_nosmp);
static unsigned int opt_maxcpus;
integer_param("maxcpus", opt_maxcpus);

#define AP_CALLIN_TIMEOUT_MS 5000   /* as Xen: a CPU is given 5 s to report in */
#define XAPIC_BROADCAST_ID   0xff

extern char trampoline_start[], trampoline_end[], cpu_stacks[];
void __noreturn start_secondary(void);

/* Read by the trampoline (at their physical addresses) and by ap_start64. */
uint32_t ap_boot_cr0, ap_boot_efer;
uint64_t ap_boot_cr3, ap_boot_stack;
/* The CPU being started, and the boot CPU's CR4 for it to copy. */
static unsigned int ap_boot_cpu;
static uint64_t ap_boot_cr4;

static uint32_t apic_ids[NR_CPUS];
static uint32_t acpi_ids[NR_CPUS];     /* the MADT's processor UID, for dom0 (platform_op) */
static bool online[NR_CPUS];
static unsigned int nr_online = 1;
static struct madt_info madt;
static bool have_madt;

unsigned int nr_cpus_online(void)
{
    return __atomic_load_n(&nr_online, __ATOMIC_ACQUIRE);
}

bool cpu_online(unsigned int cpu)
{
    return cpu < NR_CPUS && __atomic_load_n(&online[cpu], __ATOMIC_ACQUIRE);
}

const struct madt_info *smp_madt(void)
{
    return have_madt ? &madt : NULL;
}

uint32_t cpu_apic_id(unsigned int cpu)
{
    return cpu < NR_CPUS ? apic_ids[cpu] : 0;
}

uint32_t cpu_acpi_id(unsigned int cpu)
{
    return cpu < NR_CPUS ? acpi_ids[cpu] : 0;
}

unsigned int cpu_max_online(void)
{
    unsigned int last = 0;
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
        if (cpu_online(cpu))
            last = cpu;
    return last;
}

/* ------------------------------------------------------------------ */
/* Bring-up */

/*
 * The trampoline's page: the highest whole page of RAM below the EBDA/VGA
 * hole (0xA0000) that no boot module occupies. Page 0 (real-mode IVT and
 * BIOS data) is never used. 0 when there is none.
 */
static paddr_t find_trampoline_page(void)
{
    paddr_t best = 0;
    for (unsigned i = 0; i < boot_info.map.nr; i++) {
        const struct mem_region *r = &boot_info.map.r[i];
        if (r->type != MEM_RAM || r->addr >= 0xA0000)
            continue;
        paddr_t lo = MAX(ALIGN_UP(r->addr, PAGE_SIZE), PAGE_SIZE);
        paddr_t hi = ALIGN_DOWN(MIN(r->addr + r->size, 0xA0000), PAGE_SIZE);
        for (paddr_t p = hi; p >= lo + PAGE_SIZE; p -= PAGE_SIZE) {
            paddr_t page = p - PAGE_SIZE;
            bool used = false;
            for (unsigned m = 0; m < boot_info.nr_modules; m++)
                if (boot_info.modules[m].start < page + PAGE_SIZE && boot_info.modules[m].end > page)
                    used = true;
            if (!used) {
                best = MAX(best, page);
                break;
            }
        }
    }
    return best;
}

/* First C code of a secondary CPU, on its own stack, on Mica's page tables. */
void __noreturn start_secondary(void)
{
    unsigned int cpu = __atomic_load_n(&ap_boot_cpu, __ATOMIC_ACQUIRE);

    get_cpu_info()->cpu_id = cpu;
    write_cr4(ap_boot_cr4);
    cpu_desc_init(cpu, cpu_stacks + cpu * STACK_SIZE);
    apic_ap_init();
    get_cpu_info()->apic_id = apic_id();
    apic_ids[cpu] = apic_id();
    __atomic_store_n(&online[cpu], true, __ATOMIC_RELEASE);

    /* Ready for guests: SYSCALL/SYSENTER entries, FPU control, timers; then idle. */
    pv_cpu_init(cpu);
    pv_fpu_cpu_init();
    sched_cpu_init(cpu);
    timer_cpu_init();
    pv_enter_idle();
}

/* Start one CPU through INIT-SIPI-SIPI; true once it has reported in. */
static bool start_cpu(unsigned int cpu, uint32_t apic, paddr_t tramp)
{
    if (cpu_desc_alloc(cpu)) {
        pr_warn("cpu%u: no memory for its descriptor tables\n", cpu);
        return false;
    }
    ap_boot_stack = (uint64_t)cpu_stacks + (cpu + 1) * STACK_SIZE - CPU_INFO_SIZE;
    __atomic_store_n(&ap_boot_cpu, cpu, __ATOMIC_RELEASE);

    apic_icr_send(apic, APIC_INT_LEVELTRIG | APIC_INT_ASSERT | APIC_DM_INIT);
    apic_icr_wait(1000);
    udelay(10000);
    apic_icr_send(apic, APIC_INT_LEVELTRIG | APIC_DM_INIT);   /* de-assert */
    apic_icr_wait(1000);
    for (int i = 0; i < 2 && !cpu_online(cpu); i++) {
        apic_icr_send(apic, APIC_DM_STARTUP | (uint32_t)(tramp >> PAGE_SHIFT));
        udelay(200);
        if (!apic_icr_wait(1000))
            pr_warn("cpu%u: STARTUP IPI to APIC id %u not accepted\n", cpu, apic);
    }

    uint64_t deadline = now_ns() + AP_CALLIN_TIMEOUT_MS * 1000000ULL;
    while (!cpu_online(cpu)) {
        if (now_ns() > deadline) {
            pr_warn("cpu%u: APIC id %u did not respond; left stopped\n", cpu, apic);
            /* Back to wait-for-SIPI, so it cannot wake up on a stale stack later. */
            apic_icr_send(apic, APIC_INT_LEVELTRIG | APIC_INT_ASSERT | APIC_DM_INIT);
            return false;
        }
        cpu_relax();
    }
    if (apic_ids[cpu] != apic)
        pr_warn("cpu%u: reports APIC id %u, the MADT says %u\n", cpu, apic_ids[cpu], apic);
    __atomic_fetch_add(&nr_online, 1, __ATOMIC_RELEASE);
    printk("cpu%u: up (apic id %u)\n", cpu, apic_ids[cpu]);
    return true;
}

/* The MADT as Xen prints it; false when there is none to use. */
static bool read_madt(void)
{
    uint32_t len = 0;
    const void *t = acpi_find_table("APIC", &len);
    if (!t) {
        printk("smp: no ACPI MADT; using the boot CPU only\n");
        return false;
    }
    int rc = madt_parse(t, len, &madt);
    if (rc) {
        pr_warn("smp: ACPI MADT unusable (%s); using the boot CPU only\n", madt_strerror(rc));
        return false;
    }
    for (unsigned i = 0; i < madt.nr_cpus; i++) {
        const struct madt_cpu *c = &madt.cpu[i];
        printk("ACPI: %s (acpi_id[0x%02x] %s[0x%02x] %s)\n", c->x2apic ? "X2APIC" : "LAPIC",
               c->acpi_uid, c->x2apic ? "x2apic_id" : "lapic_id", c->apic_id,
               c->enabled ? "enabled" : c->online_capable ? "online capable" : "disabled");
    }
    for (unsigned i = 0; i < madt.nr_ioapics; i++)
        printk("ACPI: IOAPIC (id[0x%02x] address[0x%08x] gsi_base[%u])\n",
               madt.ioapic[i].id, madt.ioapic[i].addr, madt.ioapic[i].gsi_base);
    if (madt.nr_bad || madt.nr_cpus_dropped)
        pr_warn("smp: MADT: %u malformed entries skipped, %u processor entries dropped\n",
                madt.nr_bad, madt.nr_cpus_dropped);
    return true;
}

void smp_init(void)
{
    unsigned int limit = opt_nosmp ? 1 : opt_maxcpus ? MIN(opt_maxcpus, (unsigned)NR_CPUS) : NR_CPUS;

    apic_ids[0] = apic_id();
    get_cpu_info()->apic_id = apic_ids[0];
    online[0] = true;

    have_madt = read_madt();
    if (have_madt) {
        bool bsp_listed = false;
        unsigned int wanted = 0, skipped = 0;
        for (unsigned i = 0; i < madt.nr_cpus; i++) {
            if (madt.cpu[i].apic_id == apic_ids[0]) {
                bsp_listed = true;
                acpi_ids[0] = madt.cpu[i].acpi_uid;
            }
            else if (madt.cpu[i].enabled)
                wanted++;
        }
        if (!bsp_listed)
            pr_warn("smp: the boot CPU (APIC id %u) is not in the MADT\n", apic_ids[0]);

        paddr_t tramp = wanted && limit > 1 ? find_trampoline_page() : 0;
        if (wanted && limit > 1 && !tramp)
            pr_warn("smp: no free page below 1 MiB for the start-up code; using the boot CPU only\n");
        if (tramp) {
            memcpy(maddr_to_virt(tramp), trampoline_start, trampoline_end - trampoline_start);
            ap_boot_cr0 = (uint32_t)(read_cr0() & ~(1UL << 3));     /* not TS */
            ap_boot_efer = (uint32_t)(rdmsr(MSR_EFER) & ~EFER_LMA);
            ap_boot_cr3 = virt_to_maddr(idle_page_table());
            ap_boot_cr4 = read_cr4();
        }

        unsigned int next = 1;
        for (unsigned i = 0; i < madt.nr_cpus; i++) {
            const struct madt_cpu *c = &madt.cpu[i];
            if (!c->enabled || c->apic_id == apic_ids[0])
                continue;
            if (next >= limit) {
                skipped++;
                continue;
            }
            if (c->apic_id >= XAPIC_BROADCAST_ID) {
                pr_warn("smp: APIC id %u needs x2APIC mode; CPU not used\n", c->apic_id);
                continue;
            }
            acpi_ids[next] = c->acpi_uid;
            if (tramp && start_cpu(next, c->apic_id, tramp))
                next++;
        }
        if (skipped)
            printk("smp: %u more CPU(s) not used: at most %u (%s)\n", skipped, limit,
                   opt_nosmp ? "nosmp" : limit < NR_CPUS ? "maxcpus=" : "NR_CPUS");
    }
    printk("smp: %u CPU%s online\n", nr_online, nr_online == 1 ? "" : "s");
}

/* ------------------------------------------------------------------ */
/* Inter-processor interrupts */

void send_ipi(unsigned int cpu, uint8_t vector)
{
    if (cpu_online(cpu))
        apic_icr_send(apic_ids[cpu], APIC_DM_FIXED | APIC_INT_ASSERT | vector);
}

static uint64_t event_checks[NR_CPUS];

void smp_send_event_check(unsigned int cpu)
{
    send_ipi(cpu, EVENT_CHECK_VECTOR);
}

void smp_event_check_interrupt(void)
{
    /*
     * Waking from hlt, or passing the exit path, is the point: whoever
     * wanted the CPU to look for work left it somewhere (a run queue, a
     * pending event). A vCPU's timers may have changed too.
     */
    __atomic_fetch_add(&event_checks[smp_processor_id()], 1, __ATOMIC_RELAXED);
    timer_reprogram();
}

uint64_t smp_event_checks(unsigned int cpu)
{
    return cpu < NR_CPUS ? __atomic_load_n(&event_checks[cpu], __ATOMIC_RELAXED) : 0;
}

/*
 * One mailbox per target CPU. A sender owns it (owner = its CPU + 1) from
 * posting to completion; the state moves IDLE -> POSTED (sender) ->
 * RUNNING (target, which takes fn/arg) -> DONE (target, after fn, when the
 * sender waits) or straight back to IDLE (when it does not) -> IDLE.
 */
enum { CALL_IDLE, CALL_POSTED, CALL_RUNNING, CALL_DONE };

struct call_mailbox {
    uint32_t owner;
    uint32_t state;
    void (*fn)(void *);
    void *arg;
    bool wait;
} __attribute__((aligned(64)));

static struct call_mailbox mailbox[NR_CPUS];

/* Run the request waiting in this CPU's mailbox, if there is one. */
static void serve_mailbox(unsigned int cpu)
{
    struct call_mailbox *mb = &mailbox[cpu];
    uint32_t posted = CALL_POSTED;
    if (!__atomic_compare_exchange_n(&mb->state, &posted, CALL_RUNNING, false,
                                     __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return;
    void (*fn)(void *) = mb->fn;
    void *arg = mb->arg;
    bool wait = mb->wait;
    if (!wait)
        __atomic_store_n(&mb->state, CALL_IDLE, __ATOMIC_RELEASE);
    fn(arg);
    if (wait)
        __atomic_store_n(&mb->state, CALL_DONE, __ATOMIC_RELEASE);
}

void smp_call_function_interrupt(void)
{
    serve_mailbox(smp_processor_id());
}

void smp_call_function(unsigned int cpu, void (*fn)(void *), void *arg, bool wait)
{
    unsigned int self = smp_processor_id();
    uint64_t flags = read_rflags();

    cli();
    if (cpu == self) {
        fn(arg);
    } else if (!cpu_online(cpu)) {
        pr_warn("smp_call_function: cpu%u is not online\n", cpu);
    } else {
        struct call_mailbox *mb = &mailbox[cpu];
        uint32_t free_ = 0;
        while (!__atomic_compare_exchange_n(&mb->owner, &free_, self + 1, false,
                                            __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
            free_ = 0;
            serve_mailbox(self);
            cpu_relax();
        }
        mb->fn = fn;
        mb->arg = arg;
        mb->wait = wait;
        __atomic_store_n(&mb->state, CALL_POSTED, __ATOMIC_RELEASE);
        send_ipi(cpu, CALL_FUNCTION_VECTOR);
        uint32_t until = wait ? CALL_DONE : CALL_IDLE;
        while (__atomic_load_n(&mb->state, __ATOMIC_ACQUIRE) != until) {
            serve_mailbox(self);
            cpu_relax();
        }
        __atomic_store_n(&mb->state, CALL_IDLE, __ATOMIC_RELAXED);
        __atomic_store_n(&mb->owner, 0, __ATOMIC_RELEASE);
    }
    if (flags & X86_EFLAGS_IF)
        sti();
}

/* ------------------------------------------------------------------ */
/* Crashes */

static int crashing_cpu = -1;
static unsigned int nr_stopped;

static void __noreturn stop_this_cpu(void)
{
    __atomic_fetch_add(&nr_stopped, 1, __ATOMIC_RELEASE);
    for (;;) {
        cli();
        halt();
    }
}

void smp_crash_begin(void)
{
    int self = (int)smp_processor_id(), none = -1;

    cli();
    if (!__atomic_compare_exchange_n(&crashing_cpu, &none, self, false,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        if (none == self)
            return;             /* a fault while this CPU reports: carry on */
        stop_this_cpu();        /* another CPU reports and ends the run */
    }
    unsigned int others = 0;
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
        if (cpu != (unsigned)self && cpu_online(cpu)) {
            apic_icr_send(apic_ids[cpu], APIC_DM_NMI | APIC_INT_ASSERT);
            others++;
        }
    }
    /* Give them a moment, so nothing else is printed once the report starts. */
    for (unsigned int i = 0; i < 1000 && __atomic_load_n(&nr_stopped, __ATOMIC_ACQUIRE) < others; i++)
        udelay(100);
    if (others) {
        /* A stopped CPU may have held the console lock. */
        console_force_unlock();
        console_force("smp: CPU %d crashing; stopped %u of %u other CPUs\n", self,
                      __atomic_load_n(&nr_stopped, __ATOMIC_ACQUIRE), others);
    }
}

void smp_nmi_stop(void)
{
    int c = __atomic_load_n(&crashing_cpu, __ATOMIC_ACQUIRE);
    if (c >= 0 && c != (int)smp_processor_id())
        stop_this_cpu();
}

/* ------------------------------------------------------------------ */
/* Boot self-test: every secondary CPU answers both kinds of IPI. */

static void note_cpu(void *p)
{
    *(unsigned int *)p = smp_processor_id();
}

static void count_call(void *p)
{
    __atomic_fetch_add((unsigned int *)p, 1, __ATOMIC_RELAXED);
}

static const char *test_ipis(void)
{
    for (unsigned int cpu = 1; cpu < NR_CPUS; cpu++) {
        if (!cpu_online(cpu))
            continue;
        unsigned int seen = ~0u;
        smp_call_function(cpu, note_cpu, &seen, true);
        if (seen != cpu)
            return "smp_call_function did not run on the CPU it named";

        /* Without waiting, the calls still all run, in order, before a waited one returns. */
        unsigned int count = 0;
        for (int i = 0; i < 8; i++)
            smp_call_function(cpu, count_call, &count, false);
        smp_call_function(cpu, count_call, &count, true);
        if (__atomic_load_n(&count, __ATOMIC_RELAXED) != 9)
            return "a call without wait was lost";

        uint64_t before = smp_event_checks(cpu);
        smp_send_event_check(cpu);
        uint64_t deadline = now_ns() + 100000000ULL;
        while (smp_event_checks(cpu) == before) {
            if (now_ns() > deadline)
                return "an event-check IPI was not taken";
            cpu_relax();
        }
    }
    return NULL;
}
SELFTEST(test_ipis);
