/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Building dom0 from boot module 0 (kernel) and module 1 (initrd), laid out
 * exactly as Xen 4.17 lays out a 64-bit PV dom0, because that is what the
 * guest's early boot code expects. From the kernel's virtual base upwards:
 *
 *   kernel image | initrd | p2m list | start_info | page tables | stack
 *
 * all mapped by the initial page tables, rounded up to a 4 MiB boundary
 * with at least 512 KiB to spare. The pseudo-physical frames behind that
 * range come first (pfn 0 = VIRT_BASE), the rest of dom0's memory follows
 * and is listed only in the p2m. A kernel that names an address for the
 * p2m list (XEN_ELFNOTE_INIT_P2M, as Linux does) gets it there instead, as
 * from Xen: mapped on its own, its frames and the tables mapping them
 * being the pfns right after the initial region (start_info's
 * first_p2m_pfn and nr_p2m_frames). Linux relies on that: it only cleans
 * the kernel mapping up to its p2m list when the list lies inside it, and
 * past its page tables only to the next 4 MiB, so a list inside the region
 * could leave the region's last 4 MiB mapped writable and executable.
 * The initrd's frames are given to dom0 in place, not copied. Page-table frames are mapped read-only and their
 * references come from validating the tables (pinning the L4), exactly as
 * if the guest had built them with mmu_update.
 */
#include <asm/regs.h>
#include <asm/x86.h>
#include <public/xen.h>
#include <public/domctl.h>
#include <mica/bootinfo.h>
#include <mica/console.h>
#include <mica/console_ring.h>
#include <mica/dom0.h>
#include <mica/domain.h>
#include <mica/smp.h>
#include <mica/time.h>
#include <mica/kernel_image.h>
#include <mica/mm.h>
#include <mica/panic.h>
#include <mica/param.h>
#include <mica/pv.h>
#include <mica/string.h>

static uint64_t opt_dom0_mem;           /* bytes; 0: all but a reserve */
static uint64_t opt_dom0_mem_max;
/* dom0's vCPUs: one per CPU unless limited (Xen's default and option name). */
static unsigned int opt_dom0_max_vcpus;
integer_param("dom0_max_vcpus", opt_dom0_max_vcpus);

/*
 * dom0_unprivileged (Mica's own option; Xen has none): build the boot
 * domain as an ordinary unprivileged guest, the way a toolstack would
 * build a domU: start_info flags without SIF_PRIVILEGED|SIF_INITDOMAIN,
 * and a console ring (start_info.console.domU) that Mica serves on the
 * serial line (common/console_ring.c), laid out as Xen's PV shim lays out
 * its guest: the ring page right after start_info. No XenStore: store_mfn
 * and store_evtchn stay 0, so Linux treats the store as local and still to
 * come (xenbus waits in the background) instead of blocking its boot on a
 * ring nobody answers. It keeps domid 0, so its poweroff ends the machine.
 */
static bool opt_dom0_unprivileged;
boolean_param("dom0_unprivileged", opt_dom0_unprivileged);

/* Xen's syntax: dom0_mem=[min:<sz>,][max:<sz>,][<sz>]; min is accepted and ignored. */
static int parse_dom0_mem(const char *s)
{
    while (*s) {
        const char *end;
        if (!strncmp(s, "min:", 4)) {
            parse_size_and_unit(s + 4, &end);
        } else if (!strncmp(s, "max:", 4)) {
            opt_dom0_mem_max = parse_size_and_unit(s + 4, &end);
        } else if (*s >= '0' && *s <= '9') {
            opt_dom0_mem = parse_size_and_unit(s, &end);
        } else {
            return -1;
        }
        if (*end == ',')
            end++;
        else if (*end)
            return -1;
        s = end;
    }
    return 0;
}
custom_param("dom0_mem", parse_dom0_mem);

#define L1_PROT (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_USER)
#define L2_PROT L1_PROT

static unsigned order_for_bytes(uint64_t bytes)
{
    unsigned order = 0;
    while ((PAGE_SIZE << order) < bytes)
        order++;
    return order;
}

/* How much dom0 gets: dom0_mem=, else all free memory less 1/16 (at most 128 MiB). */
static uint64_t dom0_nr_pages(void)
{
    uint64_t avail = heap_free_page_count();
    uint64_t pages;
    if (opt_dom0_mem) {
        pages = opt_dom0_mem >> PAGE_SHIFT;
    } else {
        uint64_t reserve = MIN(avail / 16, (128ULL << 20) >> PAGE_SHIFT);
        pages = avail - reserve;
    }
    if (opt_dom0_mem_max && pages > opt_dom0_mem_max >> PAGE_SHIFT)
        pages = opt_dom0_mem_max >> PAGE_SHIFT;
    /* Leave Mica some room for its own allocations whatever was asked. */
    if (pages + 1024 > avail)
        pages = avail > 1024 ? avail - 1024 : 0;
    return pages;
}

struct dom0_layout {
    uint64_t v_start, v_kstart, v_kend;
    uint64_t v_initrd, v_initrd_end;
    uint64_t v_p2m, v_p2m_end;
    uint64_t v_startinfo, v_console, v_pt, v_stack, v_end;   /* v_console 0: none */
    uint64_t nr_pt_pages;
    /* The p2m list at the kernel's INIT_P2M address: its pfns (list, then tables). */
    bool p2m_apart;
    uint64_t p2m_pfn, nr_p2m_frames;
};

static uint64_t nr_tables(uint64_t lo, uint64_t hi, unsigned shift)
{
    uint64_t mask = (1ULL << shift) - 1;
    return (((hi + mask) & ~mask) - (lo & ~mask)) >> shift;
}

/* Solve Xen's two unknowns: page tables map the region that holds them. */
static void compute_layout(struct dom0_layout *l, const struct kernel_image *k,
                           uint64_t initrd_len, uint64_t nr_pages, bool console_ring)
{
    l->v_start = k->xen.virt_base;
    l->v_kstart = k->xen.virt_kstart;
    l->v_kend = k->xen.virt_kend;
    l->v_initrd = ALIGN_UP(l->v_kend, PAGE_SIZE);
    l->v_initrd_end = l->v_initrd + initrd_len;
    l->p2m_apart = k->xen.init_p2m != KIMG_UNSET;
    if (l->p2m_apart) {
        l->v_p2m = k->xen.init_p2m;
        l->v_p2m_end = l->v_p2m + nr_pages * sizeof(uint64_t);
        l->v_startinfo = ALIGN_UP(l->v_initrd_end, PAGE_SIZE);
    } else {
        l->v_p2m = ALIGN_UP(l->v_initrd_end, PAGE_SIZE);
        l->v_p2m_end = l->v_p2m + nr_pages * sizeof(uint64_t);
        l->v_startinfo = ALIGN_UP(l->v_p2m_end, PAGE_SIZE);
    }
    if (console_ring) {
        /* start_info, then the console ring page (Xen's PV shim layout, less its xenstore page). */
        l->v_console = ALIGN_UP(l->v_startinfo + sizeof(struct start_info), PAGE_SIZE);
        l->v_pt = l->v_console + PAGE_SIZE;
    } else {
        /* start_info, then (as Xen) room for the dom0 VGA console info. */
        l->v_console = 0;
        l->v_pt = ALIGN_UP(l->v_startinfo + sizeof(struct start_info) + 64, PAGE_SIZE);
    }
    for (l->nr_pt_pages = 2;; l->nr_pt_pages++) {
        l->v_stack = l->v_pt + l->nr_pt_pages * PAGE_SIZE;
        uint64_t stack_end = l->v_stack + PAGE_SIZE;
        l->v_end = ALIGN_UP(stack_end, 1ULL << 22);
        if (l->v_end - stack_end < (512ULL << 10))
            l->v_end += 1ULL << 22;
        uint64_t need = 1 + nr_tables(l->v_start, l->v_end, 39) + nr_tables(l->v_start, l->v_end, 30) +
                        nr_tables(l->v_start, l->v_end, 21);
        if (need <= l->nr_pt_pages)
            break;
    }
    /* The list's own frames, then one table per level and range it spans
     * (a table the initial mapping already has is shared, leaving a frame
     * of the range unused: the count is an upper bound, as it may be on Xen). */
    l->p2m_pfn = (l->v_end - l->v_start) >> PAGE_SHIFT;
    l->nr_p2m_frames = !l->p2m_apart ? 0 :
        ((ALIGN_UP(l->v_p2m_end, PAGE_SIZE) - l->v_p2m) >> PAGE_SHIFT) +
        nr_tables(l->v_p2m, l->v_p2m_end, 39) + nr_tables(l->v_p2m, l->v_p2m_end, 30) +
        nr_tables(l->v_p2m, l->v_p2m_end, 21);
}

struct builder {
    struct domain *d;
    struct dom0_layout l;
    uint64_t *p2m;              /* Mica's copy, pfn -> mfn */
    uint64_t nr_pages;
};

static void *guest_va_to_virt(struct builder *b, uint64_t va)
{
    uint64_t pfn = (va - b->l.v_start) >> PAGE_SHIFT;
    return (char *)mfn_to_virt(b->p2m[pfn]) + (va & (PAGE_SIZE - 1));
}

/* Where entry pfn of the guest's p2m list goes. */
static uint64_t *p2m_slot(struct builder *b, uint64_t pfn)
{
    if (!b->l.p2m_apart)
        return guest_va_to_virt(b, b->l.v_p2m + pfn * 8);
    uint64_t off = (b->l.v_p2m & (PAGE_SIZE - 1)) + pfn * 8;
    return (uint64_t *)mfn_to_virt(b->p2m[b->l.p2m_pfn + (off >> PAGE_SHIFT)]) + ((off & (PAGE_SIZE - 1)) >> 3);
}

/* kimg_load() callback: one page at a time through the p2m. */
static void *map_for_load(void *ctx, uint64_t va, uint64_t len, uint64_t *avail)
{
    struct builder *b = ctx;
    if (va < b->l.v_start || va + len > b->l.v_end || va + len < va)
        return NULL;
    *avail = MIN(len, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
    return guest_va_to_virt(b, va);
}

/* The 64-bit PV hypercall page: 32-byte stubs that SYSCALL into Mica. Also XEN_DOMCTL_hypercall_init's. */
void pv_write_hypercall_page(void *page)
{
    uint8_t *p = page;
    memset(p, 0xcc, PAGE_SIZE);     /* int3 between stubs */
    for (unsigned i = 0; i < PAGE_SIZE / 32; i++, p += 32) {
        const uint8_t push[] = { 0x51, 0x41, 0x53 };        /* push %rcx; push %r11 */
        memcpy(p, push, 3);
        if (i == __HYPERVISOR_iret) {
            /* iret does not return; it expects rax pushed too. */
            p[3] = 0x50;                                     /* push %rax */
            p[4] = 0xb8;                                     /* mov $i, %eax */
            memcpy(p + 5, &i, 4);
            p[9] = 0x0f; p[10] = 0x05;                       /* syscall */
            continue;
        }
        p[3] = 0xb8;
        memcpy(p + 4, &i, 4);
        const uint8_t tail[] = { 0x0f, 0x05, 0x41, 0x5b, 0x59, 0xc3 }; /* syscall; pop %r11; pop %rcx; ret */
        memcpy(p + 8, tail, sizeof(tail));
    }
}

/* Fill the page tables at v_pt so that [v_start, v_end) maps pfn 0.. */
static mfn_t build_page_tables(struct builder *b)
{
    const struct dom0_layout *l = &b->l;
    uint64_t next_pt = l->v_pt;
    uint64_t *l4 = NULL, *l3 = NULL, *l2 = NULL, *l1 = NULL;
    mfn_t l4_mfn = 0;

    /* Allocate table frames in order from the page-table area. */
#define NEW_TABLE(var, mfnvar)                                          \
    do {                                                                \
        BUG_ON(next_pt >= l->v_stack);                                  \
        var = guest_va_to_virt(b, next_pt);                             \
        mfnvar = b->p2m[(next_pt - l->v_start) >> PAGE_SHIFT];          \
        memset(var, 0, PAGE_SIZE);                                      \
        next_pt += PAGE_SIZE;                                           \
    } while (0)

    NEW_TABLE(l4, l4_mfn);
    pv_init_guest_l4(l4);
    for (uint64_t va = l->v_start; va < l->v_end; va += PAGE_SIZE) {
        unsigned i4 = (va >> 39) & 511, i3 = (va >> 30) & 511, i2 = (va >> 21) & 511, i1 = (va >> 12) & 511;
        mfn_t m;
        if (!(l4[i4] & _PAGE_PRESENT)) {
            NEW_TABLE(l3, m);
            l4[i4] = (m << PAGE_SHIFT) | L2_PROT;
        }
        l3 = mfn_to_virt((l4[i4] & PTE_ADDR_MASK) >> PAGE_SHIFT);
        if (!(l3[i3] & _PAGE_PRESENT)) {
            NEW_TABLE(l2, m);
            l3[i3] = (m << PAGE_SHIFT) | L2_PROT;
        }
        l2 = mfn_to_virt((l3[i3] & PTE_ADDR_MASK) >> PAGE_SHIFT);
        if (!(l2[i2] & _PAGE_PRESENT)) {
            NEW_TABLE(l1, m);
            l2[i2] = (m << PAGE_SHIFT) | L2_PROT;
        }
        l1 = mfn_to_virt((l2[i2] & PTE_ADDR_MASK) >> PAGE_SHIFT);
        l1[i1] = (b->p2m[(va - l->v_start) >> PAGE_SHIFT] << PAGE_SHIFT) | L1_PROT;
    }
#undef NEW_TABLE
    /*
     * The p2m list at its own address: the list's frames read-write, its
     * tables taken after them (they are in no writable mapping; Linux maps
     * the whole first_p2m_pfn range read-only when it builds its own).
     */
    if (l->p2m_apart) {
        uint64_t list_pages = (ALIGN_UP(l->v_p2m_end, PAGE_SIZE) - l->v_p2m) >> PAGE_SHIFT;
        uint64_t next = l->p2m_pfn + list_pages, end = l->p2m_pfn + l->nr_p2m_frames;
        for (uint64_t i = 0; i < list_pages; i++) {
            uint64_t va = l->v_p2m + i * PAGE_SIZE;
            uint64_t *t = l4;
            for (unsigned shift = 39; shift > 12; shift -= 9) {
                uint64_t *e = &t[(va >> shift) & 511];
                if (!(*e & _PAGE_PRESENT)) {
                    BUG_ON(next >= end);
                    memset(mfn_to_virt(b->p2m[next]), 0, PAGE_SIZE);
                    *e = (b->p2m[next++] << PAGE_SHIFT) | L2_PROT;
                }
                t = mfn_to_virt((*e & PTE_ADDR_MASK) >> PAGE_SHIFT);
            }
            t[(va >> 12) & 511] = (b->p2m[l->p2m_pfn + i] << PAGE_SHIFT) | L1_PROT;
        }
    }
    /* Page-table frames are never writable by the guest: map them read-only. */
    for (uint64_t va = l->v_pt; va < next_pt; va += PAGE_SIZE) {
        uint64_t *t4 = l4;
        uint64_t *t3 = mfn_to_virt((t4[(va >> 39) & 511] & PTE_ADDR_MASK) >> PAGE_SHIFT);
        uint64_t *t2 = mfn_to_virt((t3[(va >> 30) & 511] & PTE_ADDR_MASK) >> PAGE_SHIFT);
        uint64_t *t1 = mfn_to_virt((t2[(va >> 21) & 511] & PTE_ADDR_MASK) >> PAGE_SHIFT);
        t1[(va >> 12) & 511] &= ~_PAGE_RW;
    }
    b->l.nr_pt_pages = (next_pt - l->v_pt) >> PAGE_SHIFT;
    return l4_mfn;
}

static void fill_start_info(struct builder *b, const char *cmdline, uint64_t initrd_len,
                            uint32_t console_port)
{
    struct start_info *si = guest_va_to_virt(b, b->l.v_startinfo);
    memset(si, 0, PAGE_SIZE);
    strlcpy(si->magic, "xen-3.0-x86_64", sizeof(si->magic));
    si->nr_pages = b->nr_pages;
    si->shared_info = virt_to_maddr(b->d->shared_info);
    if (b->d->is_privileged) {
        si->flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
    } else {
        si->flags = 0;
        si->console.domU.mfn = b->p2m[(b->l.v_console - b->l.v_start) >> PAGE_SHIFT];
        si->console.domU.evtchn = console_port;
    }
    si->pt_base = b->l.v_pt;
    si->nr_pt_frames = b->l.nr_pt_pages;
    si->mfn_list = b->l.v_p2m;
    si->first_p2m_pfn = b->l.p2m_pfn;
    si->nr_p2m_frames = b->l.nr_p2m_frames;
    if (initrd_len) {
        si->mod_start = b->l.v_initrd;
        si->mod_len = initrd_len;
    }
    strlcpy((char *)si->cmd_line, cmdline, sizeof(si->cmd_line));
}

/* Give dom0 its frames: the initial region, the initrd in place, the rest. */
static void allocate_memory(struct builder *b, const struct boot_module *initrd)
{
    uint64_t initrd_pfn = (b->l.v_initrd - b->l.v_start) >> PAGE_SHIFT;
    uint64_t initrd_pages = initrd ? ALIGN_UP(initrd->end - initrd->start, PAGE_SIZE) >> PAGE_SHIFT : 0;
    uint64_t pfn = 0;

    b->p2m = alloc_pages(order_for_bytes(b->nr_pages * 8));
    if (!b->p2m)
        panic("dom0: no memory for the p2m");

    while (pfn < b->nr_pages) {
        if (initrd_pages && pfn == initrd_pfn) {
            for (uint64_t i = 0; i < initrd_pages; i++) {
                struct page_info *pg = mfn_to_page((initrd->start >> PAGE_SHIFT) + i);
                page_assign(pg, b->d->domain_id);
                domain_add_page(b->d, pg);
                b->p2m[pfn++] = page_to_mfn(pg);
            }
            continue;
        }
        /* Largest block that fits what is left (and the initial region's end). */
        uint64_t want = b->nr_pages - pfn;
        if (pfn < initrd_pfn && initrd_pages)
            want = MIN(want, initrd_pfn - pfn);
        unsigned order = 0;
        while (order < MAX_ORDER && (2ULL << order) <= want)
            order++;
        struct page_info *pg = NULL;
        for (; !pg; order--) {
            pg = alloc_domain_pages(b->d->domain_id, order);
            if (!pg && order == 0)
                panic("dom0: out of memory after %lu of %lu pages", pfn, b->nr_pages);
            if (pg)
                break;
        }
        for (uint64_t i = 0; i < (1ULL << order); i++) {
            domain_add_page(b->d, pg + i);
            b->p2m[pfn++] = page_to_mfn(pg + i);
        }
    }
}

static const struct boot_module *kernel_module, *initrd_module;

int dom0_build(const struct boot_info *bi)
{
    static union kimg_work work;
    static struct kernel_image k;
    char msg[160];

    kernel_module = &bi->modules[0];
    initrd_module = bi->nr_modules > 1 ? &bi->modules[1] : NULL;
    const void *image = maddr_to_virt(kernel_module->start);
    size_t image_len = kernel_module->end - kernel_module->start;

    if (kimg_identify(&k, image, image_len) != KIMG_OK) {
        pr_err("dom0: %s\n", kimg_describe(&k, msg, sizeof(msg)));
        return -1;
    }
    /* Compressed kernels are unpacked into a heap buffer first. */
    void *buf = NULL;
    unsigned buf_order = 0;
    if (k.payload != k.module || k.format != KIMG_FMT_ELF) {
        uint64_t need = k.size_hint ? k.size_hint : 64ULL << 20;
        buf_order = order_for_bytes(need);
        buf = alloc_pages(buf_order);
        if (!buf) {
            pr_err("dom0: no memory to decompress the kernel (%lu KiB)\n", need >> 10);
            return -1;
        }
    }
    uint64_t t_unwrap = now_ns();
    int unwrap_rc = kimg_unwrap(&k, &work, buf, buf ? PAGE_SIZE << buf_order : 0);
    uint64_t unwrap_ms = (now_ns() - t_unwrap) / 1000000;
    if (unwrap_rc != KIMG_OK ||
        kimg_parse_elf(&k) != KIMG_OK ||
        kimg_check_features(&k, MICA_ACCEPTED_REQUIRED_FEATURES, true) != KIMG_OK) {
        pr_err("dom0: %s\n", kimg_describe(&k, msg, sizeof(msg)));
        return -1;
    }
    printk("dom0: kernel '%s' (loader %s, %s), entry %#lx, unpacked in %lu ms\n",
           k.xen.guest_os[0] ? k.xen.guest_os : "?", k.xen.loader[0] ? k.xen.loader : "?",
           k.xen.xen_version[0] ? k.xen.xen_version : "?", k.xen.virt_entry, unwrap_ms);

    unsigned int nr_vcpus = nr_cpus_online();
    if (opt_dom0_max_vcpus && opt_dom0_max_vcpus < nr_vcpus)
        nr_vcpus = opt_dom0_max_vcpus;
    struct domain *d = domain_create(0, !opt_dom0_unprivileged, nr_vcpus);
    if (!d)
        panic("dom0: cannot create the domain (out of memory?)");
    d->vcpus_visible = true;
    d->arch_emulation_flags = XEN_X86_EMU_PIT;      /* as Xen gives its PV hardware domain */
    struct builder b = { .d = d, .nr_pages = dom0_nr_pages() };
    uint64_t initrd_len = initrd_module ? initrd_module->end - initrd_module->start : 0;
    compute_layout(&b.l, &k, initrd_len, b.nr_pages, !d->is_privileged);
    if (b.l.v_start < HV_VIRT_END && b.l.v_end > HV_VIRT_START) {
        pr_err("dom0: image overlaps Mica's private area\n");
        return -1;
    }
    if (((b.l.v_end - b.l.v_start) >> PAGE_SHIFT) + b.l.nr_p2m_frames > b.nr_pages) {
        pr_err("dom0: %lu pages of memory is too small for this kernel\n", b.nr_pages);
        return -1;
    }
    /* No dom0_mem=max: no limit, reported as ~0U the way Xen reports it. */
    d->max_pages = opt_dom0_mem_max ? opt_dom0_mem_max >> PAGE_SHIFT : 0xffffffffu;
    allocate_memory(&b, initrd_module);

    printk("dom0: %lu MiB, %u vCPU(s); layout:\n", b.nr_pages >> (20 - PAGE_SHIFT), d->max_vcpus);
    printk("  kernel     %016lx - %016lx\n", b.l.v_kstart, b.l.v_kend);
    if (initrd_len)
        printk("  initrd     %016lx - %016lx\n", b.l.v_initrd, b.l.v_initrd_end);
    printk("  p2m        %016lx - %016lx%s\n", b.l.v_p2m, b.l.v_p2m_end,
           b.l.p2m_apart ? " (INIT_P2M; its own mapping)" : "");
    printk("  start_info %016lx\n", b.l.v_startinfo);
    if (b.l.v_console)
        printk("  console    %016lx\n", b.l.v_console);
    printk("  tables     %016lx (%lu frames), stack %016lx, end %016lx\n", b.l.v_pt,
           b.l.nr_pt_pages, b.l.v_stack, b.l.v_end);
    printk("  entry      %016lx\n", k.xen.virt_entry);

    if (kimg_load(&k, map_for_load, &b) != KIMG_OK) {
        pr_err("dom0: %s\n", kimg_describe(&k, msg, sizeof(msg)));
        return -1;
    }
    if (buf)
        free_pages(buf, buf_order);
    if (k.xen.virt_hypercall != KIMG_UNSET) {
        if (k.xen.virt_hypercall < b.l.v_start || k.xen.virt_hypercall >= b.l.v_end) {
            pr_err("dom0: HYPERCALL_PAGE note points outside the initial mapping\n");
            return -1;
        }
        pv_write_hypercall_page(guest_va_to_virt(&b, k.xen.virt_hypercall & PAGE_MASK));
    }

    /* p2m for the guest, and the machine-to-phys table for everyone. */
    for (uint64_t i = 0; b.l.p2m_apart && i < b.l.nr_p2m_frames; i++)
        memset(mfn_to_virt(b.p2m[b.l.p2m_pfn + i]), 0, PAGE_SIZE);
    for (uint64_t pfn = 0; pfn < b.nr_pages; pfn++) {
        *p2m_slot(&b, pfn) = b.p2m[pfn];
        set_m2p(b.p2m[pfn], pfn);
    }
    uint32_t console_port = 0;
    if (!d->is_privileged) {
        mfn_t cons_mfn = b.p2m[(b.l.v_console - b.l.v_start) >> PAGE_SHIFT];
        if (console_ring_attach(d, cons_mfn, &console_port)) {
            pr_err("dom0: cannot set up its console ring\n");
            return -1;
        }
        printk("dom0: unprivileged (dom0_unprivileged): console ring mfn %#lx, event channel %u, "
               "served on the serial console; no XenStore\n", cons_mfn, console_port);
    }
    fill_start_info(&b, cmdline_cook(kernel_module->cmdline, bi->loader), initrd_len, console_port);

    mfn_t l4 = build_page_tables(&b);
    struct page_info *l4pg = mfn_to_page(l4);
    if (!get_page(l4pg, d->domain_id) || get_page_type(l4pg, PGT_L4)) {
        pr_err("dom0: initial page tables failed validation\n");
        return -1;
    }
    l4pg->type_info |= PGT_PINNED;
    /* A second reference for use as the current base pointer. */
    get_page(l4pg, d->domain_id);
    get_page_type(l4pg, PGT_L4);

    struct vcpu *v = d->vcpu[0];
    v->pv.guest_table = l4;
    v->pv.guest_table_user = INVALID_MFN;
    v->pv.kernel_mode = true;
    struct cpu_user_regs *r = &v->user_regs;
    memset(r, 0, sizeof(*r));
    r->rip = k.xen.virt_entry;
    r->rsp = b.l.v_stack + PAGE_SIZE;
    r->rsi = b.l.v_startinfo;
    r->rflags = X86_EFLAGS_IF;
    r->cs = FLAT_KERNEL_CS;
    r->ss = FLAT_KERNEL_SS;

    free_pages(b.p2m, order_for_bytes(b.nr_pages * 8));
    printk("dom0: built; %lu frames in use by its page tables\n", b.l.nr_pt_pages);
    return 0;
}
