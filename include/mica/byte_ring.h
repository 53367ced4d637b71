/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Byte-stream rings: the console (struct xencons_interface) and xenstore
 * (struct xenstore_domain_interface) pages.
 *
 * Each page holds two one-directional byte streams. A stream is a buffer
 * whose size is a power of two plus two free-running 32-bit indices: the
 * producer advances prod after writing bytes, the consumer advances cons
 * after reading them; prod - cons (mod 2^32) is the number of queued bytes
 * and byte i lives at buf[i & (size - 1)].
 *
 * The other end is another domain and may scribble on the indices at any
 * time, so every operation re-reads them once, checks that prod - cons is
 * at most the buffer size, and copies with the snapshot it checked.
 * Nothing here sends event-channel notifications: the caller notifies after
 * a call that moved data.
 *
 * Freestanding: used by the hypervisor's console code and by host tests.
 */
#ifndef MICA_BYTE_RING_H
#define MICA_BYTE_RING_H

#include <mica/types.h>

struct byte_ring {
    uint8_t *buf;        /* shared buffer, size bytes */
    uint32_t size;       /* power of two */
    uint32_t *cons;      /* shared consumer index */
    uint32_t *prod;      /* shared producer index */
};

/*
 * Offsets inside the 4 KiB pages, fixed by Xen's io/console.h and
 * io/xs_wire.h (checked against Debian's libxen-dev headers by the tests).
 */
#define XENCONS_IN_OFF        0      /* in[1024]: backend -> guest */
#define XENCONS_IN_SIZE       1024
#define XENCONS_OUT_OFF       1024   /* out[2048]: guest -> backend */
#define XENCONS_OUT_SIZE      2048
#define XENCONS_IN_CONS_OFF   3072
#define XENCONS_IN_PROD_OFF   3076
#define XENCONS_OUT_CONS_OFF  3080
#define XENCONS_OUT_PROD_OFF  3084

#define XENSTORE_REQ_OFF      0      /* req[1024]: guest -> xenstored */
#define XENSTORE_RSP_OFF      1024   /* rsp[1024]: xenstored -> guest */
#define XENSTORE_BUF_SIZE     1024
#define XENSTORE_REQ_CONS_OFF 2048
#define XENSTORE_REQ_PROD_OFF 2052
#define XENSTORE_RSP_CONS_OFF 2056
#define XENSTORE_RSP_PROD_OFF 2060

/* Which stream of a page. IN/OUT are named from the guest's point of view. */
enum byte_ring_dir {
    BYTE_RING_GUEST_IN,   /* console in[] / xenstore rsp[] */
    BYTE_RING_GUEST_OUT,  /* console out[] / xenstore req[] */
};

/* Describe a stream. Returns false if size is not a power of two. */
bool byte_ring_init(struct byte_ring *r, void *buf, uint32_t size,
                    uint32_t *cons, uint32_t *prod);

/* Streams of a mapped console or xenstore page. */
void byte_ring_console(struct byte_ring *r, void *page, enum byte_ring_dir d);
void byte_ring_xenstore(struct byte_ring *r, void *page, enum byte_ring_dir d);

/*
 * Bytes queued (consumer view) and free space (producer view). Both return
 * false in *ok (when ok is not NULL) and 0 if the indices are corrupt,
 * i.e. prod - cons exceeds the buffer size.
 */
uint32_t byte_ring_queued(const struct byte_ring *r, bool *ok);
uint32_t byte_ring_space(const struct byte_ring *r, bool *ok);

/*
 * Producer: copy up to len bytes in, publish them, return how many were
 * written (0 when full or corrupt).
 */
size_t byte_ring_write(const struct byte_ring *r, const void *data, size_t len);

/*
 * Consumer: copy up to len bytes out, release their space, return how
 * many were read (0 when empty or corrupt).
 */
size_t byte_ring_read(const struct byte_ring *r, void *data, size_t len);

/* Consumer: look at up to len bytes without consuming them. */
size_t byte_ring_peek(const struct byte_ring *r, void *data, size_t len);

/* Consumer: drop up to len queued bytes. Returns how many were dropped. */
size_t byte_ring_discard(const struct byte_ring *r, size_t len);

#endif
