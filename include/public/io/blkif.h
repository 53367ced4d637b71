/* SPDX-License-Identifier: MIT */
/*
 * io/blkif.h - the PV block device protocol (blkfront <-> blkback).
 *
 * Setup goes through xenstore: the frontend allocates a shared ring page
 * (DEFINE_RING_TYPES below, from ring.h), grants it to the backend,
 * allocates an event channel and writes "ring-ref", "event-channel" and
 * "protocol" = "x86_64-abi" under its device directory; the backend
 * publishes "sectors", "sector-size", "info" (VDISK_*) and its feature-*
 * keys (feature-flush-cache, feature-discard, feature-persistent,
 * feature-max-indirect-segments), then both switch to Connected.
 *
 * I/O: the frontend puts a request on the ring, each data segment being
 * a granted page plus a sector range within it (sectors are 512 bytes
 * regardless of the disk's sector size), pushes and notifies; the backend
 * does the I/O and puts a response with the same id. Responses may come
 * out of order. The frontend must not reuse or revoke the grants of a
 * request until its response has arrived.
 * Example: req->operation = BLKIF_OP_READ; req->nr_segments = 1;
 *          req->sector_number = lba; req->seg[0] = (struct
 *          blkif_request_segment){ gref, 0, 7 };   (one 4 KiB page)
 */
#ifndef MICA_PUBLIC_IO_BLKIF_H
#define MICA_PUBLIC_IO_BLKIF_H

#include "ring.h"
#include "../grant_table.h"

/* Device handle (from the xenstore device number) and sector number. */
#ifndef blkif_vdev_t
#define blkif_vdev_t   uint16_t
#endif
#define blkif_sector_t uint64_t

/* Operations (blkif_request.operation). */
#define BLKIF_OP_READ              0  /* read sectors into the segments */
#define BLKIF_OP_WRITE             1  /* write sectors from the segments */
#define BLKIF_OP_WRITE_BARRIER     2  /* write, ordered after all earlier writes
                                         (feature-barrier; obsolete) */
#define BLKIF_OP_FLUSH_DISKCACHE   3  /* flush the disk cache (feature-flush-cache);
                                         may carry data like a write */
#define BLKIF_OP_RESERVED_1        4  /* used by a vendor; never reuse */
#define BLKIF_OP_DISCARD           5  /* struct blkif_request_discard (feature-discard) */
#define BLKIF_OP_INDIRECT          6  /* struct blkif_request_indirect
                                         (feature-max-indirect-segments) */

/* Direct segments per request; larger requests need BLKIF_OP_INDIRECT. */
#define BLKIF_MAX_SEGMENTS_PER_REQUEST 11

/* Pages of segment descriptors one indirect request may reference. */
#define BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST 8

/*
 * struct blkif_request_segment: one data page of a request.
 *   gref       - grant of the page;
 *   first_sect, last_sect - first and last 512-byte sector within the
 *                page to transfer, inclusive (0..7).
 * Indirect pages hold arrays of these.
 */
struct blkif_request_segment {
    grant_ref_t gref;
    uint8_t     first_sect, last_sect;
};

/*
 * struct blkif_request: read/write/flush/barrier request.
 *   operation     - BLKIF_OP_*;
 *   nr_segments   - used entries of seg (1..11; 0 allowed for a flush);
 *   handle        - device handle;
 *   id            - frontend cookie, echoed in the response;
 *   sector_number - first disk sector (512-byte units);
 *   seg           - data pages, contiguous on disk in order.
 */
struct blkif_request {
    uint8_t        operation;
    uint8_t        nr_segments;
    blkif_vdev_t   handle;
    uint64_t       id;
    blkif_sector_t sector_number;
    struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};
typedef struct blkif_request blkif_request_t;

/*
 * struct blkif_request_discard: discard nr_sectors sectors from
 * sector_number. flag may carry BLKIF_DISCARD_SECURE if the backend
 * advertised discard-secure.
 */
struct blkif_request_discard {
    uint8_t        operation;
    uint8_t        flag;
#define BLKIF_DISCARD_SECURE (1 << 0)
    blkif_vdev_t   handle;
    uint64_t       id;
    blkif_sector_t sector_number;
    uint64_t       nr_sectors;
};
typedef struct blkif_request_discard blkif_request_discard_t;

/*
 * struct blkif_request_indirect: a read or write (indirect_op) with up to
 * feature-max-indirect-segments segments, whose descriptors sit in the
 * granted pages indirect_grefs (512 struct blkif_request_segment each).
 * nr_segments counts data segments, not indirect pages.
 */
struct blkif_request_indirect {
    uint8_t        operation;
    uint8_t        indirect_op;
    uint16_t       nr_segments;
    uint64_t       id;
    blkif_sector_t sector_number;
    blkif_vdev_t   handle;
    grant_ref_t    indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
};
typedef struct blkif_request_indirect blkif_request_indirect_t;

/*
 * struct blkif_response: id and operation copied from the request,
 * status BLKIF_RSP_*.
 */
struct blkif_response {
    uint64_t        id;
    uint8_t         operation;
    int16_t         status;
};
typedef struct blkif_response blkif_response_t;

#define BLKIF_RSP_EOPNOTSUPP  -2  /* operation not supported (barrier/flush/discard) */
#define BLKIF_RSP_ERROR       -1  /* I/O failed */
#define BLKIF_RSP_OKAY         0  /* done */

/*
 * The ring: one page; each slot holds a request or, later, its response
 * (a 112-byte union, so 32 slots on x86_64). Declares struct blkif_sring,
 * blkif_front_ring and blkif_back_ring.
 */
DEFINE_RING_TYPES(blkif, struct blkif_request, struct blkif_response);

/* Bits of the backend's "info" xenstore key. */
#define VDISK_CDROM        0x1
#define VDISK_REMOVABLE    0x2
#define VDISK_READONLY     0x4

#endif /* MICA_PUBLIC_IO_BLKIF_H */
