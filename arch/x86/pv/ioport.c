/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Port I/O from a PV guest: IN, OUT, INS, OUTS.
 *
 * The guest runs with the hardware IOPL at 0, so every port access faults
 * with #GP(0) and comes here. Two checks decide, as on Xen 4.17:
 *
 * 1. May this vCPU do port I/O at all? Its virtual IOPL (PHYSDEVOP_set_iopl,
 *    or IRET with VMASST_TYPE_architectural_iopl) against its virtual CPL:
 *    the guest kernel counts as ring 1 (ring 0 with architectural_iopl),
 *    guest user as ring 3. No: the guest gets the #GP(0). (Xen's second way
 *    in, PHYSDEVOP_set_iobitmap, is not implemented: -ENOSYS.)
 *
 * 2. Which ports reach the hardware? Only the privileged domain's, and not
 *    these, which Mica drives itself or which Xen also keeps from dom0:
 *
 *    | ports            | owner            | guest sees                           |
 *    |------------------|------------------|--------------------------------------|
 *    | 0x20-0x21, 0xa0-0xa1 | legacy PIC (masked by Mica) | reads all ones, writes dropped |
 *    | 0x40-0x41        | PIT channels 0, 1 (Mica's TSC calibration) | all ones, dropped (as Xen) |
 *    | 0x42-0x43, 0x61  | PIT channel 2, port B | emulated for a domain created with XEN_X86_EMU_PIT (dom0 always): arch/x86/pv/vpit.c; else all ones, dropped (as Xen) |
 *    | console UART, 8 ports | Mica's console (COM1 = 0x3f8) | all ones, dropped (as Xen) |
 *    | 0x70-0x71        | CMOS RTC (Mica's wall clock) | emulated: 0x70 latches the index per domain, 0x71 reads/writes that CMOS register (privileged domain only), as Xen |
 *    | 0xcf8 (dword), 0xcfc-0xcff | PCI configuration | emulated: CONFIG_ADDRESS is latched per domain, data accesses go to the device under Mica's control (privileged domain only), as Xen |
 *
 *    Everything else (0x80, ACPI, keyboard controller, other UARTs ...) is
 *    passed through for the privileged domain, which Xen also permits to
 *    dom0, and for another domain where the control domain granted the
 *    ports (XEN_DOMCTL_ioport_permission; the table above still applies).
 *    Otherwise all ones and dropped writes.
 *
 * INS/OUTS honour REP, the address-size prefix, DF and (OUTS) FS/GS
 * overrides; a long REP is done in slices so a guest cannot hold Mica with
 * interrupts off, the instruction restarting like a real one after an
 * interrupt. A guest buffer that faults gives the guest #PF (#GP for a
 * non-canonical address).
 */
#include <asm/regs.h>
#include <asm/x86.h>
#include <public/domctl.h>
#include <mica/domain.h>
#include <mica/spinlock.h>
#include <mica/guest_access.h>
#include <mica/pv.h>
#include <mica/serial.h>
#include <mica/time.h>

#define EFLAGS_DF        (1UL << 10)
#define EFLAGS_IOPL      (3UL << 12)
#define RTC_INDEX        0x70
#define RTC_DATA         0x71
#define PCI_CF8          0xcf8
#define PCI_CFC          0xcfc
#define REP_SLICE        1024   /* iterations per trap */

struct port_range { uint16_t first, last; };

static const struct port_range denied[] = {
    { 0x20, 0x21 }, { 0xa0, 0xa1 },     /* PIC */
    { 0x40, 0x43 }, { 0x61, 0x61 },     /* PIT, port B */
    { 0xcfc, 0xcff },                   /* PCI data: emulated below */
};

/* May domain d touch ports first..last on the hardware? */
static bool ioports_permitted(const struct domain *d, unsigned int first, unsigned int last)
{
    if (last > 0xffff)
        return false;
    /* Other domains: only the ports the control domain granted (domctl ioport_permission). */
    if (!d->is_privileged && !iocap_contains(&d->ioports, first, last))
        return false;
    for (unsigned i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
        if (first <= denied[i].last && last >= denied[i].first)
            return false;
    unsigned int uart = serial_console_io_base();
    if (uart && first <= uart + 7 && last >= uart)
        return false;
    return true;
}

/* The whole access straight to the hardware? Never for CF8 dwords and the RTC. */
static bool direct_ok(const struct domain *d, unsigned int port, unsigned int bytes)
{
    if (port == PCI_CF8 && bytes == 4)
        return false;
    if (port <= RTC_DATA && port + bytes > RTC_INDEX)
        return false;
    return ioports_permitted(d, port, port + bytes - 1);
}

static uint32_t hw_in(unsigned int port, unsigned int bytes)
{
    switch (bytes) {
    case 1: return inb((uint16_t)port);
    case 2: return inw((uint16_t)port);
    default: return inl((uint16_t)port);
    }
}

static void hw_out(unsigned int port, unsigned int bytes, uint32_t val)
{
    switch (bytes) {
    case 1: outb((uint16_t)port, (uint8_t)val); break;
    case 2: outw((uint16_t)port, (uint16_t)val); break;
    default: outl((uint16_t)port, val); break;
    }
}

/*
 * Index-then-data pairs (CMOS, PCI config) must not be split by another
 * user of the index register: done under one lock for all CPUs (a
 * domain's vCPUs may run on several), with interrupts off. Mica's own
 * CMOS reads happen at boot, before any guest runs.
 */
static spinlock_t index_data_lock = SPINLOCK_INIT;

/* Size of a PCI data access at port (0xcfc-0xcff) within 'bytes'. */
static unsigned int pci_data_size(unsigned int port, unsigned int bytes)
{
    unsigned int size = 4 - (port & 3);
    if (size > bytes)
        size = bytes;
    return size == 3 ? 2 : size;
}

/* Port 0x42, 0x43 or 0x61 of a domain created with the emulated PIT. */
static bool has_vpit(const struct domain *d, unsigned int port)
{
    return (d->arch_emulation_flags & XEN_X86_EMU_PIT) && vpit_port(port);
}

static bool pci_cf8_enabled(const struct domain *d)
{
    return d->is_privileged && (d->pci_cf8 & 0x80000000u);
}

static uint32_t guest_in(struct domain *d, unsigned int port, unsigned int bytes)
{
    if (direct_ok(d, port, bytes))
        return hw_in(port, bytes);

    /* Piece by piece, like a bus splitting the access. */
    uint32_t data = 0;
    unsigned int shift = 0;
    while (bytes) {
        unsigned int size = 1;
        uint32_t sub = ~0u;

        if (port == RTC_INDEX) {
            sub = d->cmos_idx;
        } else if (port == RTC_DATA) {
            if (ioports_permitted(d, RTC_INDEX, RTC_DATA)) {
                unsigned long f = spin_lock_irqsave(&index_data_lock);
                outb(RTC_INDEX, d->cmos_idx & 0x7f);    /* bit 7 is NMI masking: not the guest's */
                sub = inb(RTC_DATA);
                spin_unlock_irqrestore(&index_data_lock, f);
            }
        } else if (port == PCI_CF8 && bytes == 4) {
            size = 4;
            sub = d->pci_cf8;
        } else if ((port & ~3u) == PCI_CFC) {
            size = pci_data_size(port, bytes);
            if (pci_cf8_enabled(d)) {
                unsigned long f = spin_lock_irqsave(&index_data_lock);
                outl(PCI_CF8, d->pci_cf8);
                sub = hw_in(port, size);
                spin_unlock_irqrestore(&index_data_lock, f);
            }
        } else if (has_vpit(d, port)) {
            unsigned long f = spin_lock_irqsave(&d->vpit_lock);
            sub = vpit_read(&d->vpit, port, now_ns());
            spin_unlock_irqrestore(&d->vpit_lock, f);
        } else if (ioports_permitted(d, port, port)) {
            if (bytes > 1 && !(port & 1) && ioports_permitted(d, port, port + 1)) {
                size = 2;
                sub = inw((uint16_t)port);
            } else {
                sub = inb((uint16_t)port);
            }
        }
        if (size == 4)
            return sub;
        data |= (sub & ((1u << (size * 8)) - 1)) << shift;
        shift += size * 8;
        port += size;
        bytes -= size;
    }
    return data;
}

static void guest_out(struct domain *d, unsigned int port, unsigned int bytes, uint32_t data)
{
    if (direct_ok(d, port, bytes)) {
        hw_out(port, bytes, data);
        return;
    }
    while (bytes) {
        unsigned int size = 1;

        if (port == RTC_INDEX) {
            d->cmos_idx = (uint8_t)data;
        } else if (port == RTC_DATA) {
            if (ioports_permitted(d, RTC_INDEX, RTC_DATA)) {
                unsigned long f = spin_lock_irqsave(&index_data_lock);
                outb(RTC_INDEX, d->cmos_idx & 0x7f);
                outb(RTC_DATA, (uint8_t)data);
                spin_unlock_irqrestore(&index_data_lock, f);
            }
        } else if (port == PCI_CF8 && bytes == 4) {
            size = 4;
            d->pci_cf8 = data;
        } else if ((port & ~3u) == PCI_CFC) {
            size = pci_data_size(port, bytes);
            if (pci_cf8_enabled(d)) {
                unsigned long f = spin_lock_irqsave(&index_data_lock);
                outl(PCI_CF8, d->pci_cf8);
                hw_out(port, size, data);
                spin_unlock_irqrestore(&index_data_lock, f);
            }
        } else if (has_vpit(d, port)) {
            unsigned long f = spin_lock_irqsave(&d->vpit_lock);
            vpit_write(&d->vpit, port, (uint8_t)data, now_ns());
            spin_unlock_irqrestore(&d->vpit_lock, f);
        } else if (ioports_permitted(d, port, port)) {
            if (bytes > 1 && !(port & 1) && ioports_permitted(d, port, port + 1))
                size = 2;
            hw_out(port, size, data);
        }
        if (size == 4)
            return;
        port += size;
        bytes -= size;
        data >>= size * 8;
    }
}

/* Virtual IOPL against virtual CPL (see the header). */
bool pv_iopl_ok(const struct vcpu *v)
{
    unsigned int cpl = v->pv.kernel_mode
        ? (vm_assist(v->domain, VMASST_TYPE_architectural_iopl) ? 0 : 1) : 3;
    return ((uint64_t)cpl << 12) <= (v->pv.iopl & EFLAGS_IOPL);
}

/* A fault on the guest buffer of INS/OUTS: #GP if non-canonical, else #PF. */
static void buffer_fault(struct vcpu *v, uint64_t addr, bool write)
{
    if (!pv_is_canonical(addr)) {
        pv_inject_exception(v, 13, 0);
        return;
    }
    /* Present or not is unknown here; "not present" lets the kernel resolve it. */
    pv_inject_page_fault(v, addr, (write ? 2u : 0u) | (v->pv.kernel_mode ? 0u : 4u));
}

static bool emulate_string(struct vcpu *v, struct cpu_user_regs *regs, bool in, unsigned int size,
                           bool rep, bool addr32, int seg, unsigned int len)
{
    struct domain *d = v->domain;
    uint64_t amask = addr32 ? 0xffffffffULL : ~0ULL;
    uint64_t count = rep ? regs->rcx & amask : 1;
    int64_t step = (regs->rflags & EFLAGS_DF) ? -(int64_t)size : (int64_t)size;
    unsigned int port = (uint16_t)regs->rdx;
    uint64_t base = 0;

    /* 64-bit mode: only FS and GS have bases; INS always writes through ES. */
    if (!in && seg == 4)
        base = rdmsr(MSR_FS_BASE);
    else if (!in && seg == 5)
        base = rdmsr(MSR_GS_BASE);

    for (unsigned done = 0; count && done < REP_SLICE; done++) {
        uint32_t val = 0;
        if (in) {
            uint64_t addr = regs->rdi & amask;
            val = guest_in(d, port, size);
            if (copy_to_guest(addr, &val, size)) {
                buffer_fault(v, addr, true);
                return true;
            }
            regs->rdi = addr32 ? (uint32_t)(regs->rdi + step) : regs->rdi + step;
        } else {
            uint64_t addr = base + (regs->rsi & amask);
            if (copy_from_guest(&val, addr, size)) {
                buffer_fault(v, addr, false);
                return true;
            }
            guest_out(d, port, size, val);
            regs->rsi = addr32 ? (uint32_t)(regs->rsi + step) : regs->rsi + step;
        }
        count--;
        if (rep)
            regs->rcx = addr32 ? (uint32_t)count : count;
    }
    if (!count)
        regs->rip += len;   /* finished; otherwise the instruction runs again */
    return true;
}

bool pv_emulate_io(struct vcpu *v, struct cpu_user_regs *regs, const uint8_t *insn, unsigned int len)
{
    bool opsz16 = false, addr32 = false, rep = false;
    int seg = -1;
    unsigned int i = 0;

    for (;; i++) {
        if (i >= len)
            return false;
        switch (insn[i]) {
        case 0x66: opsz16 = true; continue;
        case 0x67: addr32 = true; continue;
        case 0xf2: case 0xf3: rep = true; continue;
        case 0x26: case 0x2e: case 0x36: case 0x3e: seg = -1; continue;
        case 0x64: seg = 4; continue;
        case 0x65: seg = 5; continue;
        }
        break;
    }
    /* A REX prefix counts only right before the opcode; W does not widen port I/O. */
    if ((insn[i] & 0xf0) == 0x40 && ++i >= len)
        return false;

    uint8_t op = insn[i++];
    unsigned int size = (op & 1) ? (opsz16 ? 2 : 4) : 1;
    unsigned int port;
    bool in;

    switch (op) {
    case 0xe4: case 0xe5: case 0xe6: case 0xe7:
        if (i >= len)
            return false;
        port = insn[i++];
        in = op < 0xe6;
        break;
    case 0xec: case 0xed: case 0xee: case 0xef:
        port = (uint16_t)regs->rdx;
        in = op < 0xee;
        break;
    case 0x6c: case 0x6d: case 0x6e: case 0x6f:
        if (!pv_iopl_ok(v))
            return false;
        return emulate_string(v, regs, op < 0x6e, size, rep, addr32, seg, i);
    default:
        return false;
    }

    if (!pv_iopl_ok(v))
        return false;
    if (in) {
        uint32_t val = guest_in(v->domain, port, size);
        if (size == 1)
            regs->rax = (regs->rax & ~0xffULL) | (uint8_t)val;
        else if (size == 2)
            regs->rax = (regs->rax & ~0xffffULL) | (uint16_t)val;
        else
            regs->rax = val;            /* 32-bit results zero-extend */
    } else {
        guest_out(v->domain, port, size, (uint32_t)regs->rax);
    }
    regs->rip += i;
    return true;
}
