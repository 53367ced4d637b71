/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fake glue for the grant-table core tests: four domains, 64 frames of
 * guest memory with reference counts, a table of "PTEs", and locks that
 * fail the test if the core ever holds two grant-table locks at once.
 */
#ifndef TEST_GRANT_FAKE_H
#define TEST_GRANT_FAKE_H

#include <mica/grant.h>
#include <check.h>

#define NDOM    4
#define NFRAMES 64
#define NPTES   512
#define BAD_ADDR 0xdead000ULL

struct fake_pte {
    bool used;
    int dom;
    uint64_t addr;
    uint64_t mfn;
    bool rw;
    uint32_t flags;
};

struct fake {
    struct gnttab gt[NDOM];
    bool exists[NDOM];
    bool privileged[NDOM];
    int table_refs[NDOM];       /* get_table minus put_table */
    int idle_calls[NDOM];
    int lock_depth[NDOM];
    int locks_held;             /* across all domains */

    uint8_t mem[NFRAMES][PAGE_SIZE];
    int owner[NFRAMES];
    int refs[NFRAMES];
    int wrefs[NFRAMES];
    bool no_writable[NFRAMES];  /* e.g. a page table: no writable type */

    long allocs;                /* outstanding core allocations */
    long table_frames;          /* outstanding table frames */
    uint64_t next_gfn;
    bool status_frame_busy;     /* release_table_frame(status) -> EBUSY */

    struct fake_pte pte[NPTES];
    int flushes;
    int maps_live;              /* map_frame minus unmap_frame */
};

extern struct fake fk;
extern const struct gnttab_ops fake_ops;

void fake_setup(void);
void fake_teardown(void);
void fake_add_domain(int d, int max_frames, int max_maptrack, int max_ver);

/* Guest-side helpers. */
struct gnt_entry_v1 *v1e(int d, gnt_ref_t ref);
union gnt_entry_v2 *v2e(int d, gnt_ref_t ref);
uint16_t *v2status(int d, gnt_ref_t ref);
void grant_v1(int d, gnt_ref_t ref, int to, uint32_t frame, uint16_t flags);
void grant_v2(int d, gnt_ref_t ref, int to, uint64_t frame, uint16_t flags);
struct fake_pte *pte_find(int d, uint64_t addr);
int total_refs(void);

#endif
