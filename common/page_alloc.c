/* SPDX-License-Identifier: GPL-2.0-only */
/* Buddy allocator with Xen-style address zones; see include/mica/page_alloc.h. */
#include <mica/page_alloc.h>

/* Bit width of x: 0 for 0, 1 for 1, 2 for 2-3, ... */
static unsigned width(uint64_t x)
{
    return x ? 64u - (unsigned)__builtin_clzll(x) : 0;
}

unsigned heap_zone(mfn_t mfn, unsigned order)
{
    return width(mfn + (1ULL << order) - 1);
}

/* The highest zone whose frames all lie below 2^address_bits bytes (Xen's bits_to_zone). */
static unsigned zone_limit(unsigned address_bits)
{
    if (!address_bits)
        return HEAP_ZONES - 1;
    if (address_bits <= PAGE_SHIFT)
        return 1;
    return address_bits - PAGE_SHIFT < HEAP_ZONES - 1 ? address_bits - PAGE_SHIFT : HEAP_ZONES - 1;
}

/* A PGF_CLEAN block goes to the front of its list, any other to the back. */
static void list_push(struct page_heap *h, mfn_t mfn, unsigned order)
{
    struct page_info *pg = &h->frames[mfn];
    unsigned zone = heap_zone(mfn, order);
    uint32_t *head = &h->free_head[zone][order], *tail = &h->free_tail[zone][order];

    if (*head == PAGE_LIST_NULL) {
        pg->prev = pg->next = PAGE_LIST_NULL;
        *head = *tail = (uint32_t)mfn;
    } else if (pg->flags & PGF_CLEAN) {
        pg->prev = PAGE_LIST_NULL;
        pg->next = *head;
        h->frames[*head].prev = (uint32_t)mfn;
        *head = (uint32_t)mfn;
    } else {
        pg->next = PAGE_LIST_NULL;
        pg->prev = *tail;
        h->frames[*tail].next = (uint32_t)mfn;
        *tail = (uint32_t)mfn;
    }
    h->zone_free[zone] += 1ULL << order;
}

static void list_remove(struct page_heap *h, mfn_t mfn, unsigned order)
{
    struct page_info *pg = &h->frames[mfn];
    unsigned zone = heap_zone(mfn, order);

    if (pg->prev != PAGE_LIST_NULL)
        h->frames[pg->prev].next = pg->next;
    else
        h->free_head[zone][order] = pg->next;
    if (pg->next != PAGE_LIST_NULL)
        h->frames[pg->next].prev = pg->prev;
    else
        h->free_tail[zone][order] = pg->prev;
    h->zone_free[zone] -= 1ULL << order;
}

/* Flags for a block that is now free (a head carrying the order) or taken. */
static void mark_block(struct page_heap *h, mfn_t mfn, unsigned order, bool free)
{
    bool zeroed = true;

    for (mfn_t i = 0; i < (1ULL << order); i++) {
        struct page_info *pg = &h->frames[mfn + i];
        pg->flags = (uint8_t)((pg->flags & (PGF_RAM | PGF_ZEROED | PGF_DIRTY)) | (free ? PGF_FREE : 0));
        pg->order = 0;
        zeroed = zeroed && (pg->flags & PGF_ZEROED);
    }
    if (free) {
        h->frames[mfn].flags |= PGF_FREE_HEAD | (zeroed ? PGF_CLEAN : 0);
        h->frames[mfn].order = (uint8_t)order;
    }
}

void heap_init(struct page_heap *h, struct page_info *frames, mfn_t nr_frames)
{
    h->frames = frames;
    h->nr_frames = nr_frames;
    h->free_pages = 0;
    h->total_pages = 0;
    h->dirty_pages = 0;
    h->dirty_lo = h->dirty_hi = 0;
    h->scrub_cursor = 0;
    for (unsigned z = 0; z < HEAP_ZONES; z++) {
        h->zone_free[z] = 0;
        for (unsigned o = 0; o <= MAX_ORDER; o++)
            h->free_head[z][o] = h->free_tail[z][o] = PAGE_LIST_NULL;
    }
}

/* dirty: may hold data (freed by a user, or RAM as found at boot). */
static void free_block(struct page_heap *h, mfn_t mfn, unsigned order, bool dirty)
{
    h->free_pages += 1ULL << order;
    for (mfn_t i = 0; i < (1ULL << order); i++) {
        struct page_info *pg = &h->frames[mfn + i];
        pg->flags = (uint8_t)((pg->flags & ~(PGF_ZEROED | PGF_DIRTY)) | (dirty ? PGF_DIRTY : 0));
    }
    if (dirty) {
        if (!h->dirty_pages || mfn < h->dirty_lo)
            h->dirty_lo = mfn;
        if (!h->dirty_pages || mfn + (1ULL << order) > h->dirty_hi)
            h->dirty_hi = mfn + (1ULL << order);
        h->dirty_pages += 1ULL << order;
    }

    /* Merge upwards while the buddy is a whole free block of our order. */
    while (order < MAX_ORDER) {
        mfn_t buddy = mfn ^ (1ULL << order);
        if (buddy + (1ULL << order) > h->nr_frames)
            break;
        struct page_info *b = &h->frames[buddy];
        if (!(b->flags & PGF_FREE_HEAD) || b->order != order)
            break;
        list_remove(h, buddy, order);
        b->flags &= (uint8_t)~(PGF_FREE_HEAD | PGF_CLEAN);
        b->order = 0;
        mfn &= ~(1ULL << order);
        order++;
    }
    mark_block(h, mfn, order, true);
    list_push(h, mfn, order);
}

void heap_add_range(struct page_heap *h, mfn_t start, mfn_t count)
{
    mfn_t end = start + count;
    if (end > h->nr_frames)
        end = h->nr_frames;

    /* Largest naturally aligned blocks first: fewer merges, same result. */
    while (start < end) {
        unsigned order = 0;
        while (order < MAX_ORDER && !(start & (1ULL << order)) &&
               start + (2ULL << order) <= end)
            order++;
        for (mfn_t i = 0; i < (1ULL << order); i++) {
            h->frames[start + i].flags |= PGF_RAM;
            h->frames[start + i].owner = OWNER_NONE;
            h->frames[start + i].count_info = 0;
            h->frames[start + i].type_info = 0;
        }
        h->total_pages += 1ULL << order;
        free_block(h, start, order, true);
        start += 1ULL << order;
    }
}

/*
 * Take the free block of 2^have frames at mfn off its list and cut it down
 * to 2^order frames, returning the rest to the lists; the part kept is the
 * lowest (high == false) or the highest one.
 */
static mfn_t take_block(struct page_heap *h, mfn_t mfn, unsigned have, unsigned order, bool high)
{
    list_remove(h, mfn, have);
    while (have > order) {
        have--;
        mfn_t rest = high ? mfn : mfn + (1ULL << have);
        if (high)
            mfn += 1ULL << have;
        mark_block(h, rest, have, true);
        list_push(h, rest, have);
    }
    mark_block(h, mfn, order, false);
    h->free_pages -= 1ULL << order;
    for (mfn_t i = 0; i < (1ULL << order); i++) {
        if (h->frames[mfn + i].flags & PGF_DIRTY) {
            h->frames[mfn + i].flags &= (uint8_t)~PGF_DIRTY;
            h->dirty_pages--;
        }
        h->frames[mfn + i].owner = OWNER_NONE;
        h->frames[mfn + i].count_info = 0;
        h->frames[mfn + i].type_info = 0;
    }
    return mfn;
}

mfn_t heap_alloc(struct page_heap *h, unsigned order)
{
    if (order > MAX_ORDER)
        return INVALID_MFN;
    for (unsigned o = order; o <= MAX_ORDER; o++)
        for (unsigned z = HEAP_ZONES; z-- > 0;)
            if (h->free_head[z][o] != PAGE_LIST_NULL)
                return take_block(h, h->free_head[z][o], o, order, false);
    return INVALID_MFN;
}

mfn_t heap_alloc_high(struct page_heap *h, unsigned order, unsigned address_bits)
{
    if (order > MAX_ORDER)
        return INVALID_MFN;
    /* Scrubbed memory first: a clean block heads its list if there is one. */
    for (unsigned z = zone_limit(address_bits) + 1; z-- > 0;) {
        if (h->zone_free[z] < (1ULL << order))
            continue;
        for (unsigned o = order; o <= MAX_ORDER; o++) {
            uint32_t m = h->free_head[z][o];
            if (m != PAGE_LIST_NULL && (h->frames[m].flags & PGF_CLEAN))
                return take_block(h, m, o, order, true);
        }
    }
    for (unsigned z = zone_limit(address_bits) + 1; z-- > 0;) {
        if (h->zone_free[z] < (1ULL << order))
            continue;
        for (unsigned o = order; o <= MAX_ORDER; o++)
            if (h->free_head[z][o] != PAGE_LIST_NULL)
                return take_block(h, h->free_head[z][o], o, order, true);
    }
    return INVALID_MFN;
}

uint64_t heap_free_below(const struct page_heap *h, unsigned address_bits)
{
    uint64_t n = 0;
    for (unsigned z = 0; z <= zone_limit(address_bits); z++)
        n += h->zone_free[z];
    return n;
}

int heap_free(struct page_heap *h, mfn_t mfn, unsigned order)
{
    if (order > MAX_ORDER || mfn >= h->nr_frames || (mfn & ((1ULL << order) - 1)) ||
        (1ULL << order) > h->nr_frames - mfn)
        return -1;
    for (mfn_t i = 0; i < (1ULL << order); i++)
        if ((h->frames[mfn + i].flags & (PGF_FREE | PGF_RAM)) != PGF_RAM)
            return -1;
    free_block(h, mfn, order, true);
    return 0;
}

mfn_t heap_scrub_next(struct page_heap *h, mfn_t budget, bool (*skip)(const struct page_info *pg))
{
    if (!h->dirty_pages)
        return INVALID_MFN;
    for (mfn_t n = 0; n < budget; n++) {
        mfn_t m = h->scrub_cursor;
        if (m < h->dirty_lo || m >= h->dirty_hi)
            m = h->dirty_lo;
        h->scrub_cursor = m + 1;
        const struct page_info *pg = &h->frames[m];
        if ((pg->flags & (PGF_FREE | PGF_DIRTY)) == (PGF_FREE | PGF_DIRTY) && !(skip && skip(pg)))
            return m;
    }
    return INVALID_MFN;
}

/* Every free frame is zeroed now: every free block is clean. */
static void mark_all_clean(struct page_heap *h)
{
    for (unsigned z = 0; z < HEAP_ZONES; z++)
        for (unsigned o = 0; o <= MAX_ORDER; o++)
            for (uint32_t m = h->free_head[z][o]; m != PAGE_LIST_NULL; m = h->frames[m].next)
                h->frames[m].flags |= PGF_CLEAN;
}

/* The free block holding frame mfn: its head, and its order in *order. */
static mfn_t block_of(const struct page_heap *h, mfn_t mfn, unsigned *order)
{
    for (unsigned o = 0; o <= MAX_ORDER; o++) {
        mfn_t head = mfn & ~((1ULL << o) - 1);
        const struct page_info *pg = &h->frames[head];
        if ((pg->flags & PGF_FREE_HEAD) && pg->order == o) {
            *order = o;
            return head;
        }
    }
    return INVALID_MFN;
}

void heap_set_zeroed(struct page_heap *h, mfn_t mfn)
{
    struct page_info *pg = &h->frames[mfn];
    if ((pg->flags & (PGF_FREE | PGF_DIRTY)) != (PGF_FREE | PGF_DIRTY))
        return;
    pg->flags = (uint8_t)((pg->flags & ~PGF_DIRTY) | PGF_ZEROED);
    if (!--h->dirty_pages) {
        mark_all_clean(h);
        return;
    }
    /*
     * The scrubber goes up through memory: when it reaches the last frame
     * of a block, see whether the whole block is clean now (once a pass,
     * not once a frame), and if so move it to the front of its list.
     */
    unsigned order;
    mfn_t head = block_of(h, mfn, &order);
    if (head == INVALID_MFN || mfn != head + (1ULL << order) - 1 ||
        (h->frames[head].flags & PGF_CLEAN))
        return;
    for (mfn_t i = 0; i < (1ULL << order); i++)
        if (!(h->frames[head + i].flags & PGF_ZEROED))
            return;
    list_remove(h, head, order);
    h->frames[head].flags |= PGF_CLEAN;
    list_push(h, head, order);
}

int heap_check(const struct page_heap *h)
{
    uint64_t counted = 0, dirty = 0;

    for (unsigned z = 0; z < HEAP_ZONES; z++) {
        uint64_t in_zone = 0;
        for (unsigned o = 0; o <= MAX_ORDER; o++) {
            uint32_t prev = PAGE_LIST_NULL;
            bool seen_unclean = false;
            for (uint32_t m = h->free_head[z][o]; m != PAGE_LIST_NULL; m = h->frames[m].next) {
                const struct page_info *pg = &h->frames[m];
                if (m >= h->nr_frames || pg->prev != prev)
                    return -1;
                if (!(pg->flags & PGF_FREE_HEAD) || pg->order != o || (m & ((1u << o) - 1)))
                    return -2;
                for (uint64_t i = 0; i < (1ULL << o); i++) {
                    if (!(h->frames[m + i].flags & PGF_FREE))
                        return -3;
                    if (h->frames[m + i].flags & PGF_DIRTY) {
                        if (m + i < h->dirty_lo || m + i >= h->dirty_hi)
                            return -9;      /* outside the range the scrubber searches */
                        dirty++;
                    }
                }
                if (heap_zone(m, o) != z)
                    return -6;  /* on the wrong zone's list */
                if (pg->flags & PGF_CLEAN) {
                    if (seen_unclean)
                        return -10;     /* clean blocks go first */
                    for (uint64_t i = 0; i < (1ULL << o); i++)
                        if (!(h->frames[m + i].flags & PGF_ZEROED))
                            return -11; /* "clean" with a frame not zeroed */
                } else {
                    seen_unclean = true;
                }
                for (uint64_t i = 1; i < (1ULL << o); i++)
                    if (h->frames[m + i].flags & PGF_CLEAN)
                        return -12;     /* only heads say it */
                counted += 1ULL << o;
                in_zone += 1ULL << o;
                prev = m;
                if (counted > h->nr_frames)
                    return -4;   /* a cycle */
            }
            if (h->free_tail[z][o] != prev)
                return -13;
        }
        if (in_zone != h->zone_free[z])
            return -7;
    }
    if (dirty != h->dirty_pages)
        return -8;
    return counted == h->free_pages ? 0 : -5;
}
