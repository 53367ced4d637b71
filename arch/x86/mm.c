/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Mica's own page tables, the frame table and the heap glue.
 *
 * Boot runs on head.S's static tables (first 4 GiB mapped three ways).
 * mm_init() replaces them with tables that map exactly what Mica needs:
 *  - the direct map of RAM and ACPI regions (never MMIO: device memory is
 *    reached through ioremap() with caching off, so no cacheable alias of a
 *    device register exists);
 *  - the image with W^X permissions, and each stack's guard page unmapped;
 *  - the frame table.
 * Until the heap exists, page-table and frame-table pages come from the
 * boot range allocator (the "free" memory map).
 */
#include <asm/x86.h>
#include <mica/bootinfo.h>
#include <mica/console.h>
#include <mica/domain.h>
#include <mica/memmap.h>
#include <mica/flushtlb.h>
#include <mica/mm.h>
#include <mica/panic.h>
#include <mica/setup.h>
#include <mica/spinlock.h>
#include <mica/string.h>

#define L1_SHIFT 12
#define L2_SHIFT 21
#define L3_SHIFT 30
#define L4_SHIFT 39
#define SUPERPAGE_SIZE (1ULL << L2_SHIFT)

struct page_info *frame_table = (struct page_info *)FRAMETABLE_VIRT_START;
mfn_t max_mfn;

static uint64_t *idle_l4;
static struct memmap free_map;
static struct page_heap heap;
static spinlock_t heap_lock = SPINLOCK_INIT;
static bool heap_ready;
static uint64_t page_nx;
static uint64_t ioremap_next = IOREMAP_VIRT_START;
static struct memmap mapped;     /* what the direct map covers */

extern char cpu_stacks[];

static unsigned table_index(uint64_t va, unsigned shift)
{
    return (unsigned)((va >> shift) & 511);
}

/* A zeroed frame for a page table (or the frame table) during boot or later. */
static paddr_t alloc_boot_frame(void)
{
    paddr_t pa;
    if (heap_ready) {
        void *va = alloc_pages(0);
        BUG_ON(!va);
        pa = virt_to_maddr(va);
    } else {
        /* Below 4 GiB: the boot direct map must reach it to clear it. */
        pa = memmap_take(&free_map, PAGE_SIZE, PAGE_SIZE, 1ULL << 32);
        if (!pa)
            panic("out of memory building page tables");
    }
    memset(maddr_to_virt(pa), 0, PAGE_SIZE);
    return pa;
}

/*
 * Entry for va at the level whose entries map 1 << shift bytes; missing
 * tables are created. Intermediate entries carry _PAGE_USER only where a
 * guest must reach through them (the read-only M2P), so everything else of
 * Mica's stays supervisor-only whatever the leaf says.
 */
static uint64_t *pte_slot(uint64_t *l4, uint64_t va, unsigned shift)
{
    uint64_t *table = l4;
    uint64_t inter = _PAGE_PRESENT | _PAGE_RW |
                     (va >= RO_MPT_VIRT_START && va < RO_MPT_VIRT_END ? _PAGE_USER : 0);
    for (unsigned s = L4_SHIFT; s > shift; s -= 9) {
        uint64_t *e = &table[table_index(va, s)];
        if (!(*e & _PAGE_PRESENT))
            *e = alloc_boot_frame() | inter;
        else if (*e & _PAGE_PSE)
            return NULL;    /* already covered by a larger page */
        table = maddr_to_virt(*e & PTE_ADDR_MASK);
    }
    return &table[table_index(va, shift)];
}

/*
 * Map [va, va+size) to [pa, ...). Superpages are used where alignment and
 * the caller allow; a range already covered by a superpage is left as is
 * (only the direct map, whose contents never differ, relies on that).
 */
static void map_range(uint64_t *l4, uint64_t va, paddr_t pa, uint64_t size,
                      uint64_t flags, bool superpages)
{
    uint64_t end = va + size;
    while (va < end) {
        if (superpages && !(va & (SUPERPAGE_SIZE - 1)) && !(pa & (SUPERPAGE_SIZE - 1)) &&
            end - va >= SUPERPAGE_SIZE) {
            uint64_t *e = pte_slot(l4, va, L2_SHIFT);
            if (e && !(*e & _PAGE_PRESENT))
                *e = pa | flags | _PAGE_PSE;
            va += SUPERPAGE_SIZE;
            pa += SUPERPAGE_SIZE;
            continue;
        }
        uint64_t *e = pte_slot(l4, va, L1_SHIFT);
        if (e)
            *e = pa | flags;
        va += PAGE_SIZE;
        pa += PAGE_SIZE;
    }
}

static void map_directmap(uint64_t *l4, paddr_t start, paddr_t end)
{
    start = ALIGN_DOWN(start, PAGE_SIZE);
    end = ALIGN_UP(end, PAGE_SIZE);
    if (end > start) {
        memmap_add(&mapped, start, end - start, MEM_RAM);
        map_range(l4, DIRECTMAP_VIRT_START + start, start, end - start,
                  _PAGE_PRESENT | _PAGE_RW | _PAGE_GLOBAL | page_nx, true);
    }
}

bool directmap_covers(paddr_t pa, uint64_t len)
{
    for (unsigned i = 0; i < mapped.nr; i++)
        if (pa >= mapped.r[i].addr && pa + len <= mapped.r[i].addr + mapped.r[i].size &&
            pa + len >= pa)
            return true;
    return false;
}

static void map_image(uint64_t *l4)
{
    uint64_t g = _PAGE_PRESENT | _PAGE_GLOBAL;
    uint64_t text = (uint64_t)__text_start, rodata = (uint64_t)__rodata_start;
    uint64_t data = (uint64_t)__data_start, end = ALIGN_UP((uint64_t)__image_end, PAGE_SIZE);

    map_range(l4, text, text - MICA_VIRT_START, rodata - text, g, false);
    map_range(l4, rodata, rodata - MICA_VIRT_START, data - rodata, g | page_nx, false);
    map_range(l4, data, data - MICA_VIRT_START, end - data, g | _PAGE_RW | page_nx, false);

    /* Every CPU's stack guard page. */
    for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
        uint64_t guard = (uint64_t)cpu_stacks + cpu * STACK_SIZE + STACK_PAGE_GUARD * PAGE_SIZE;
        *pte_slot(l4, guard, L1_SHIFT) = 0;
    }
}

static void build_frame_table(uint64_t *l4)
{
    uint64_t bytes = ALIGN_UP(max_mfn * sizeof(struct page_info), PAGE_SIZE);
    if (FRAMETABLE_VIRT_START + bytes > FRAMETABLE_VIRT_END)
        panic("frame table for %lu frames does not fit its virtual range", max_mfn);

    for (uint64_t off = 0; off < bytes;) {
        /* 2 MiB at a time where the boot allocator can give it. */
        paddr_t pa = 0;
        if (bytes - off >= SUPERPAGE_SIZE && !(off & (SUPERPAGE_SIZE - 1)))
            pa = memmap_take(&free_map, SUPERPAGE_SIZE, SUPERPAGE_SIZE, 1ULL << 32);
        if (pa) {
            memset(maddr_to_virt(pa), 0, SUPERPAGE_SIZE);
            map_range(l4, FRAMETABLE_VIRT_START + off, pa, SUPERPAGE_SIZE,
                      _PAGE_PRESENT | _PAGE_RW | _PAGE_GLOBAL | page_nx, true);
            off += SUPERPAGE_SIZE;
        } else {
            pa = alloc_boot_frame();
            map_range(l4, FRAMETABLE_VIRT_START + off, pa, PAGE_SIZE,
                      _PAGE_PRESENT | _PAGE_RW | _PAGE_GLOBAL | page_nx, false);
            off += PAGE_SIZE;
        }
    }
}

/*
 * The machine-to-phys table: one 8-byte entry per machine frame, giving the
 * guest pfn of frames that belong to PV guests (~0 otherwise). Mica writes
 * it through RDWR_MPT_VIRT_START; the same frames are mapped read-only and
 * user-accessible at RO_MPT_VIRT_START (L4 slot 256), where every PV guest
 * finds it (XENMEM_machphys_mapping).
 */
static uint64_t *m2p = (uint64_t *)RDWR_MPT_VIRT_START;
static uint64_t m2p_bytes;

static void build_m2p(void)
{
    m2p_bytes = ALIGN_UP(max_mfn * sizeof(uint64_t), SUPERPAGE_SIZE);
    for (uint64_t off = 0; off < m2p_bytes; off += SUPERPAGE_SIZE) {
        void *chunk = alloc_pages(9);
        if (!chunk)
            panic("no memory for the machine-to-phys table");
        memset(chunk, 0xff, SUPERPAGE_SIZE);
        paddr_t pa = virt_to_maddr(chunk);
        map_range(idle_l4, RDWR_MPT_VIRT_START + off, pa, SUPERPAGE_SIZE,
                  _PAGE_PRESENT | _PAGE_RW | _PAGE_GLOBAL | page_nx, true);
        map_range(idle_l4, RO_MPT_VIRT_START + off, pa, SUPERPAGE_SIZE,
                  _PAGE_PRESENT | _PAGE_USER | page_nx, true);
    }
}

void set_m2p(mfn_t mfn, uint64_t pfn)
{
    if (mfn < max_mfn)
        m2p[mfn] = pfn;
}

uint64_t get_m2p(mfn_t mfn)
{
    return mfn < max_mfn ? m2p[mfn] : ~0ULL;
}

uint64_t m2p_size_bytes(void)
{
    return m2p_bytes;
}

const uint64_t *idle_page_table(void)
{
    return idle_l4;
}

/*
 * A frame's last reference went. A guest's frame leaves its owner's page
 * list and tot_pages first (domain_page_released); every frame stops being
 * anyone's guest frame in the M2P, as in Xen's free path.
 */
static void release_frame(struct page_info *pg)
{
    if (pg->flags & PGF_DOMAIN_LIST)
        domain_page_released(pg);
    set_m2p(page_to_mfn(pg), INVALID_M2P_ENTRY);
    free_frames(page_to_mfn(pg), 0);
}

void mm_init(const struct boot_info *bi)
{
    if (rdmsr(MSR_EFER) & EFER_NXE)
        page_nx = _PAGE_NX;

    /* What is free: RAM, minus low memory, the image and the modules. */
    memmap_ram_only(&free_map, &bi->map);
    memmap_carve(&free_map, 0, 0x100000);
    memmap_carve(&free_map, MICA_PHYS_START, (uint64_t)__image_end - MICA_VIRT_START - MICA_PHYS_START);
    /*
     * Whole frames: a module's partial last frame is still the module's
     * (dom0 gets the initrd's frames in place), never the heap's.
     */
    for (unsigned i = 0; i < bi->nr_modules; i++) {
        uint64_t start = ALIGN_DOWN(bi->modules[i].start, PAGE_SIZE);
        memmap_carve(&free_map, start, ALIGN_UP(bi->modules[i].end, PAGE_SIZE) - start);
    }

    max_mfn = memmap_top(&bi->map, MEM_RAM) >> PAGE_SHIFT;

    idle_l4 = maddr_to_virt(alloc_boot_frame());
    map_directmap(idle_l4, 0, 0xA0000);             /* legacy low memory, not the VGA hole */
    map_directmap(idle_l4, 0xC0000, 0x100000);      /* option ROMs and BIOS: RSDP lives here */
    for (unsigned i = 0; i < bi->map.nr; i++) {
        const struct mem_region *r = &bi->map.r[i];
        if (r->type == MEM_RAM || r->type == MEM_ACPI || r->type == MEM_NVS)
            map_directmap(idle_l4, r->addr, r->addr + r->size);
    }
    memmap_sanitize(&mapped);
    /*
     * Every one of Mica's L4 slots gets its L3 now: guest L4s copy these
     * entries once, so they must never change afterwards (only what lies
     * below them does, and that is shared).
     */
    for (unsigned i = HV_L4_FIRST_SLOT; i <= HV_L4_LAST_SLOT; i++)
        if (!(idle_l4[i] & _PAGE_PRESENT))
            idle_l4[i] = alloc_boot_frame() | _PAGE_PRESENT | _PAGE_RW |
                         (i == HV_L4_FIRST_SLOT ? _PAGE_USER : 0);
    map_image(idle_l4);
    build_frame_table(idle_l4);

    write_cr3(virt_to_maddr(idle_l4));
    write_cr4(read_cr4() | X86_CR4_PGE);

    /* Every RAM frame starts owned by the hypervisor; free ones go to the heap. */
    for (unsigned i = 0; i < bi->map.nr; i++) {
        const struct mem_region *r = &bi->map.r[i];
        if (r->type != MEM_RAM)
            continue;
        for (mfn_t m = ALIGN_UP(r->addr, PAGE_SIZE) >> PAGE_SHIFT;
             m < (r->addr + r->size) >> PAGE_SHIFT && m < max_mfn; m++) {
            frame_table[m].flags = PGF_RAM;
            frame_table[m].owner = OWNER_HYPERVISOR;
            frame_table[m].count_info = PGC_ALLOCATED | 1;
        }
    }
    heap_init(&heap, frame_table, max_mfn);
    /* Only frames wholly inside a free range. */
    for (unsigned i = 0; i < free_map.nr; i++) {
        mfn_t first = ALIGN_UP(free_map.r[i].addr, PAGE_SIZE) >> PAGE_SHIFT;
        mfn_t end = (free_map.r[i].addr + free_map.r[i].size) >> PAGE_SHIFT;
        if (end > first)
            heap_add_range(&heap, first, end - first);
    }
    heap_ready = true;
    page_release_hook = release_frame;
    build_m2p();

    printk("mm: %lu MiB RAM, %lu MiB free in the heap, frame table %lu KiB for %lu frames\n",
           memmap_total(&bi->map, MEM_RAM) >> 20, heap.free_pages >> (20 - PAGE_SHIFT),
           (max_mfn * sizeof(struct page_info)) >> 10, max_mfn);
}

paddr_t virt_to_maddr(const void *p)
{
    uint64_t va = (uint64_t)p;
    if (va >= DIRECTMAP_VIRT_START && va < DIRECTMAP_VIRT_END)
        return va - DIRECTMAP_VIRT_START;
    if (va >= MICA_VIRT_START && va < MICA_VIRT_END)
        return va - MICA_VIRT_START;
    panic("virt_to_maddr: %#lx is neither direct-mapped nor in the image", va);
}

void *alloc_pages(unsigned order)
{
    struct page_info *pg = alloc_domain_pages(OWNER_HYPERVISOR, order);
    return pg ? mfn_to_virt(page_to_mfn(pg)) : NULL;
}

void free_frames(mfn_t mfn, unsigned order)
{
    /* A CPU may still cache a translation to them: reuse waits for its flush. */
    tlb_stamp(&frame_table[mfn], 1UL << order);
    unsigned long flags = spin_lock_irqsave(&heap_lock);
    int rc = heap_free(&heap, mfn, order);
    spin_unlock_irqrestore(&heap_lock, flags);
    if (rc)
        panic("freeing frame %#lx order %u: not an allocated block", mfn, order);
}

void free_pages(void *va, unsigned order)
{
    free_frames(virt_to_maddr(va) >> PAGE_SHIFT, order);
}

/* Guest memory from the top down, Mica's own by best fit (page_alloc.h). */
struct page_info *alloc_domain_pages(uint16_t owner, unsigned order)
{
    unsigned long flags = spin_lock_irqsave(&heap_lock);
    mfn_t mfn = owner == OWNER_HYPERVISOR ? heap_alloc(&heap, order) : heap_alloc_high(&heap, order, 0);
    spin_unlock_irqrestore(&heap_lock, flags);
    if (mfn == INVALID_MFN)
        return NULL;
    tlb_flush_reused(&frame_table[mfn], 1UL << order);
    for (mfn_t i = 0; i < (1ULL << order); i++)
        page_assign(&frame_table[mfn + i], owner);
    return &frame_table[mfn];
}

/*
 * Guest memory never takes the heap's last GUEST_RESERVE_PAGES frames, so
 * a guest that balloons up everything it may cannot make Mica's own later
 * allocations fail (a new domain, descriptor-table areas, grant and event
 * pages). Xen keeps no such reserve; the difference shows only when memory
 * is all but gone.
 */
#define GUEST_RESERVE_PAGES 1024

struct page_info *alloc_guest_frames(unsigned order, unsigned address_bits)
{
    mfn_t mfn = INVALID_MFN;
    unsigned long flags = spin_lock_irqsave(&heap_lock);
    if (order <= MAX_ORDER && heap.free_pages >= GUEST_RESERVE_PAGES + (1ULL << order))
        mfn = heap_alloc_high(&heap, order, address_bits);
    spin_unlock_irqrestore(&heap_lock, flags);
    if (mfn == INVALID_MFN)
        return NULL;
    tlb_flush_reused(&frame_table[mfn], 1UL << order);
    return &frame_table[mfn];
}

/* Frames looked at per search (bounds the time under the lock), and per call. */
#define SCRUB_SEARCH 4096
#define SCRUB_LOOK_MAX (16 * SCRUB_SEARCH)

unsigned int scrub_free_frames(unsigned int max, bool (*stop)(void))
{
    unsigned int done = 0, looked = 0;
    while (done < max && looked < SCRUB_LOOK_MAX && !stop()) {
        if (!__atomic_load_n(&heap.dirty_pages, __ATOMIC_RELAXED))
            break;
        unsigned long flags = spin_lock_irqsave(&heap_lock);
        mfn_t mfn = heap_scrub_next(&heap, SCRUB_SEARCH, tlb_may_be_cached);
        if (mfn != INVALID_MFN) {
            /* Under the lock: nobody can allocate it meanwhile. */
            memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
            heap_set_zeroed(&heap, mfn);
            done++;
        } else {
            looked += SCRUB_SEARCH;     /* only frames it must pass over, for now */
        }
        spin_unlock_irqrestore(&heap_lock, flags);
    }
    return done;
}

void clear_allocated_frames(struct page_info *pg, unsigned order)
{
    for (unsigned long i = 0; i < (1UL << order); i++) {
        if (!(pg[i].flags & PGF_ZEROED))
            memset(mfn_to_virt(page_to_mfn(&pg[i])), 0, PAGE_SIZE);
        pg[i].flags &= (uint8_t)~PGF_ZEROED;
    }
}

uint64_t heap_free_page_count(void) { return heap.free_pages; }
uint64_t heap_total_page_count(void) { return heap.total_pages; }

void *ioremap(paddr_t pa, size_t size)
{
    paddr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
    uint64_t len = ALIGN_UP(pa + size, PAGE_SIZE) - base;
    unsigned long flags = spin_lock_irqsave(&heap_lock);
    uint64_t va = ioremap_next;
    ioremap_next += len + PAGE_SIZE;    /* a hole between mappings catches overruns */
    spin_unlock_irqrestore(&heap_lock, flags);
    if (ioremap_next > IOREMAP_VIRT_END)
        panic("ioremap area exhausted");
    map_range(idle_l4, va, base, len, _PAGE_PRESENT | _PAGE_RW | _PAGE_PCD | _PAGE_PWT | page_nx, false);
    return (void *)(va + (pa - base));
}

static bool table_readable(paddr_t pa)
{
    /* Before the switch the boot tables map the first 4 GiB. */
    return heap_ready ? directmap_covers(pa, PAGE_SIZE) : pa < (1ULL << 32);
}

void show_page_walk(uint64_t cr3, uint64_t va)
{
    static const char *const names[] = { "L4", "L3", "L2", "L1" };
    paddr_t table = cr3 & PTE_ADDR_MASK;

    console_force("Page walk of %016lx under cr3 %016lx:\n", va, cr3);
    for (unsigned level = 0, shift = L4_SHIFT; level < 4; level++, shift -= 9) {
        if (!table_readable(table)) {
            console_force("  %s table at %#lx is not readable\n", names[level], table);
            return;
        }
        unsigned idx = table_index(va, shift);
        uint64_t e = ((uint64_t *)maddr_to_virt(table))[idx];
        console_force("  %s[%03u] = %016lx%s\n", names[level], idx, e,
                      !(e & _PAGE_PRESENT) ? "  (not present)" :
                      (level == 1 || level == 2) && (e & _PAGE_PSE) ? "  (large page)" : "");
        if (!(e & _PAGE_PRESENT) || ((level == 1 || level == 2) && (e & _PAGE_PSE)))
            return;
        table = e & PTE_ADDR_MASK;
    }
}
