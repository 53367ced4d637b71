/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Local APIC (xAPIC, memory-mapped) and its timer.
 *
 * The timer's input clock is unknown, so it is measured against the TSC
 * (already calibrated) over a few milliseconds. It then runs in one-shot
 * mode, driven by common/timer.c.
 */
#include <asm/apic.h>
#include <asm/x86.h>
#include <mica/console.h>
#include <mica/irq.h>
#include <mica/irq_core.h>
#include <mica/layout.h>
#include <mica/mm.h>
#include <mica/panic.h>
#include <mica/time.h>
#include <mica/smp.h>
#include <mica/domain.h>
#include <mica/event.h>
#include <public/xen.h>

#define APIC_ID        0x020
#define APIC_VERSION   0x030
#define APIC_TPR       0x080
#define APIC_EOI       0x0b0
#define APIC_SVR       0x0f0
#define APIC_ICR       0x300
#define APIC_ICR2      0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_ICR 0x380
#define APIC_TIMER_CCR 0x390
#define APIC_TIMER_DCR 0x3e0

#define LVT_MASKED     (1u << 16)
#define LVT_PERIODIC   (1u << 17)
#define APIC_BASE_ENABLE (1ULL << 11)

static volatile uint32_t *apic;
static uint32_t apic_ticks_per_ms;
static volatile uint64_t ticks;

static uint32_t apic_read(unsigned reg) { return apic[reg / 4]; }
static void apic_write(unsigned reg, uint32_t v) { apic[reg / 4] = v; }

void apic_eoi(void) { apic_write(APIC_EOI, 0); }
uint64_t timer_ticks(void) { return ticks; }

void pic_disable(void)
{
    /* ICW1-4: remap master to 0x20, slave to 0x28, then mask everything. */
    outb(0x20, 0x11); outb(0xa0, 0x11);
    outb(0x21, PIC_VECTOR_BASE); outb(0xa1, PIC_VECTOR_BASE + 8);
    outb(0x21, 0x04); outb(0xa1, 0x02);
    outb(0x21, 0x01); outb(0xa1, 0x01);
    outb(0x21, 0xff); outb(0xa1, 0xff);
}

/* What every CPU's local APIC gets: LINT1 as NMI, timer stopped at divide-by-16. */
static void apic_setup_local(void)
{
    apic_write(APIC_TPR, 0);
    apic_write(APIC_LVT_LINT0, LVT_MASKED);
    apic_write(APIC_LVT_LINT1, 0x400);      /* NMI delivery */
    apic_write(APIC_LVT_ERROR, LVT_MASKED);
    apic_write(APIC_SVR, 0x100 | SPURIOUS_VECTOR);
    apic_write(APIC_TIMER_DCR, 0x3);        /* divide by 16 */
    apic_write(APIC_LVT_TIMER, LVT_MASKED);
    apic_write(APIC_TIMER_ICR, 0);
}

void apic_init(void)
{
    if (!(cpuid(1).edx & (1u << 9)))
        panic("this CPU has no local APIC");
    uint64_t base = rdmsr(MSR_APIC_BASE);
    wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
    apic = ioremap(base & ~0xfffULL, PAGE_SIZE);
    apic_setup_local();

    /* Measure the timer's rate: count down from the top for 10 ms of TSC. */
    apic_write(APIC_TIMER_ICR, 0xffffffff);
    udelay(10000);
    uint32_t left = apic_read(APIC_TIMER_CCR);
    apic_write(APIC_TIMER_ICR, 0);
    apic_ticks_per_ms = (0xffffffffu - left) / 10;
    if (!apic_ticks_per_ms)
        panic("the local APIC timer does not count");
    printk("apic: local APIC id %u version %#x at %#lx, timer %u kHz (bus/16)\n",
           apic_read(APIC_ID) >> 24, apic_read(APIC_VERSION) & 0xff,
           (unsigned long)(base & ~0xfffULL), apic_ticks_per_ms);
}

/*
 * A secondary CPU's APIC: every CPU sees its own at the same address, so
 * the boot CPU's mapping serves; the bus clock is common, so is its
 * calibration. The timer stays stopped until apic_timer_oneshot().
 */
void apic_ap_init(void)
{
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE);
    apic_setup_local();
}

uint32_t apic_id(void)
{
    return apic ? apic_read(APIC_ID) >> 24 : 0;
}

bool apic_icr_wait(unsigned timeout_us)
{
    uint64_t end = rdtsc() + (uint64_t)timeout_us * tsc_khz / 1000;
    while (apic_read(APIC_ICR) & APIC_ICR_BUSY) {
        if (rdtsc() > end)
            return false;
        cpu_relax();
    }
    return true;
}

bool apic_icr_send(uint32_t dest, uint32_t icr)
{
    if (!apic)
        return false;
    /* The two halves must not be split by an interrupt handler that sends too. */
    uint64_t flags = read_rflags();
    cli();
    bool idle = apic_icr_wait(1000);
    apic_write(APIC_ICR2, dest << 24);
    apic_write(APIC_ICR, icr);
    if (flags & X86_EFLAGS_IF)
        sti();
    return idle;
}

/*
 * One-shot mode: interrupt once at the absolute system time 'deadline'
 * (already past: as soon as possible). common/timer.c decides the deadline.
 */
void apic_timer_oneshot(uint64_t deadline)
{
    uint64_t now = now_ns();
    uint64_t delta = deadline > now ? deadline - now : 0;
    uint64_t count = delta * apic_ticks_per_ms / 1000000ULL;
    if (count == 0)
        count = 1;
    if (count > 0xffffffffULL)
        count = 0xffffffffULL;
    apic_write(APIC_LVT_TIMER, TIMER_VECTOR);
    apic_write(APIC_TIMER_ICR, (uint32_t)count);
}

void do_irq(unsigned vector, struct cpu_user_regs *regs)
{
    switch (vector) {
    case TIMER_VECTOR:
        ticks++;
        apic_eoi();
        timer_interrupt();
        break;
    case CALL_FUNCTION_VECTOR:
        apic_eoi();
        smp_call_function_interrupt();
        break;
    case EVENT_CHECK_VECTOR:
        apic_eoi();
        smp_event_check_interrupt();
        break;
    case SPURIOUS_VECTOR:
        break;              /* no EOI for spurious interrupts */
    case PIC_VECTOR_BASE + 7:
    case PIC_VECTOR_BASE + 15:
        break;              /* spurious 8259 interrupts while masked */
    case IRQ_FIRST_DEVICE_VECTOR ... IRQ_LAST_DEVICE_VECTOR:
        do_device_irq(vector);          /* IOAPIC pins (arch/x86/io_apic.c): EOIs itself */
        break;
    default:
        pr_warn("irq: unexpected interrupt vector %#x\n", vector);
        apic_eoi();
        break;
    }
}
