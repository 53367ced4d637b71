/* SPDX-License-Identifier: MIT */
/*
 * io/ring.h - shared request/response rings between two domains.
 *
 * A split driver (blkfront/blkback, netfront/netback, ...) talks through one
 * shared page laid out as a "sring": four 32-bit indices, 48 bytes of
 * padding, then a power-of-two array of slots. Each slot is a union of the
 * protocol's request and response structures, so one array carries both
 * directions: the frontend writes requests into free slots, the backend
 * consumes them and writes responses back into the same slots.
 *
 * These macros are binary- and source-compatible with Xen's io/ring.h as
 * Linux uses it: the same type and macro names, the same field offsets
 * (slots start at byte 64) and the same index arithmetic.
 *
 * ---------------------------------------------------------------------------
 * Indices
 *
 * All four indices are free-running 32-bit counters (RING_IDX). They are
 * never reduced modulo the ring size; only the slot lookup masks them with
 * (size - 1). Differences such as (prod - cons) are therefore computed in
 * unsigned 32-bit arithmetic, which stays correct across the wrap from
 * 0xffffffff to 0 as long as no more than 2^31 entries are ever
 * outstanding (always true: a ring has at most a few thousand slots).
 *
 *   req_prod  written by the front: requests [.., req_prod) are published.
 *   rsp_prod  written by the back:  responses [.., rsp_prod) are published.
 *   req_event written by the back:  "notify me when req_prod passes this".
 *   rsp_event written by the front: "notify me when rsp_prod passes this".
 *
 * Each side also keeps private copies (not shared): the front has
 * req_prod_pvt (next slot it will fill) and rsp_cons (next response it will
 * read); the back has rsp_prod_pvt and req_cons.
 *
 * ---------------------------------------------------------------------------
 * Why the event thresholds work (no lost and no spurious notifications)
 *
 * A consumer that has drained the ring and wants to sleep writes
 * "event = cons + 1": it wants a notification as soon as the producer
 * publishes the entry with index cons, i.e. when prod moves from <= cons to
 * > cons. A producer that moves prod from old to new must notify exactly
 * when the consumer's threshold lies in (old, new], which in wrap-safe
 * arithmetic is
 *
 *         (RING_IDX)(new - event) < (RING_IDX)(new - old)
 *
 * - No spurious notifications: if the consumer is still busy (it has not
 *   re-armed, so event <= old), the threshold is behind the batch and the
 *   producer stays quiet; the busy consumer will find the new entries when
 *   it re-checks before sleeping. A batch of N entries produces at most one
 *   notification, however large N is.
 * - No lost notifications: the race is "consumer re-arms" against "producer
 *   publishes". Both sides do store-then-load on two different words:
 *       producer: store prod;  full barrier;  load event
 *       consumer: store event; full barrier;  load prod
 *   With a full barrier on each side at least one of them sees the other's
 *   store: either the producer sees the new event and notifies, or the
 *   consumer sees the new prod and keeps working instead of sleeping. A
 *   write barrier alone is not enough: store->load reordering (allowed even
 *   on x86) would let both read the old values, and both would wait.
 *
 * Consumers can batch deliberately by setting event further ahead than
 * cons + 1 (e.g. netback sets req_event to wake only after several
 * requests); the producer rule above honours any threshold.
 *
 * ---------------------------------------------------------------------------
 * Where the barriers go
 *
 * xen_wmb()  producer, between writing slot contents and publishing the
 *            producer index, so the other side never sees an index that
 *            covers a slot whose contents are still in flight.
 * xen_mb()   producer, between publishing the index and reading the
 *            other side's event threshold (store->load, see above).
 *            consumer, between writing its event threshold and re-reading
 *            the producer index (RING_FINAL_CHECK_*), for the same reason.
 * xen_rmb()  consumer, between reading the producer index and reading the
 *            slots it covers, so slot reads are not satisfied before the
 *            index read (Linux's drivers place this after loading
 *            sring->req_prod / rsp_prod; the macros below leave it to the
 *            caller, as Xen's do, because where the loop reads the index is
 *            the caller's choice).
 *
 * The barrier macros may be defined by the includer before this header
 * (Linux maps them to virt_mb() and friends); otherwise they default to
 * the compiler's sequentially-consistent / acquire / release fences, which
 * are correct for two CPUs sharing ordinary write-back memory.
 *
 * The macros do no locking and no flow control: a frontend must never have
 * more than RING_SIZE() requests outstanding (RING_FULL tells it).
 */
#ifndef MICA_PUBLIC_IO_RING_H
#define MICA_PUBLIC_IO_RING_H

#ifndef MICA_RING_NO_STDINC
#include <stddef.h>
#include <stdint.h>
#endif

#ifndef xen_mb
#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#ifndef xen_rmb
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#endif
#ifndef xen_wmb
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif

typedef unsigned int RING_IDX;

/*
 * Largest power of two <= x, for a 32-bit constant, as a constant
 * expression (usable in array sizes). Each level tests the upper half of
 * its width and recurses into whichever half holds the top set bit.
 */
#define __RD2(_x)  (((_x) & 0x00000002) ? 0x2 : ((_x) & 0x1))
#define __RD4(_x)  (((_x) & 0x0000000c) ? (__RD2((_x) >> 2) << 2) : __RD2(_x))
#define __RD8(_x)  (((_x) & 0x000000f0) ? (__RD4((_x) >> 4) << 4) : __RD4(_x))
#define __RD16(_x) (((_x) & 0x0000ff00) ? (__RD8((_x) >> 8) << 8) : __RD8(_x))
#define __RD32(_x) (((_x) & 0xffff0000) ? (__RD16((_x) >> 16) << 16) : __RD16(_x))

/*
 * Number of slots of ring type _s that fit in _sz bytes of shared memory
 * after the header, rounded down to a power of two so that an index maps
 * to a slot with a mask. __CONST_RING_SIZE takes the ring's name tag and is
 * a constant expression; __RING_SIZE takes a pointer to the sring.
 */
#define __CONST_RING_SIZE(_s, _sz)                                         \
    (__RD32(((_sz) - offsetof(struct _s##_sring, ring)) /                  \
            sizeof(((struct _s##_sring *)0)->ring[0])))
#define __RING_SIZE(_s, _sz)                                               \
    (__RD32(((_sz) - (long)(_s)->ring + (long)(_s)) / sizeof((_s)->ring[0])))

/*
 * DEFINE_RING_TYPES(tag, req_t, rsp_t) declares
 *   union tag_sring_entry, struct tag_sring (tag_sring_t): the shared page;
 *   struct tag_front_ring (tag_front_ring_t): the frontend's private state;
 *   struct tag_back_ring (tag_back_ring_t): the backend's private state.
 *
 * Shared header layout (64 bytes, identical to Xen's):
 *   0 req_prod, 4 req_event, 8 rsp_prod, 12 rsp_event,
 *   16 pvt (4 bytes of protocol-private flags; netif once used byte 0 for
 *   "smartpoll"), 20 __pad[44], 64 ring[].
 */
#define DEFINE_RING_TYPES(__name, __req_t, __rsp_t)                        \
union __name##_sring_entry {                                               \
    __req_t req;                                                           \
    __rsp_t rsp;                                                           \
};                                                                         \
                                                                           \
struct __name##_sring {                                                    \
    RING_IDX req_prod, req_event;                                          \
    RING_IDX rsp_prod, rsp_event;                                          \
    union {                                                                \
        struct { uint8_t smartpoll_active; } netif;                        \
        struct { uint8_t msg; } tapif_user;                                \
        uint8_t pvt_pad[4];                                                \
    } pvt;                                                                 \
    uint8_t __pad[44];                                                     \
    union __name##_sring_entry ring[1]; /* really RING_SIZE entries */     \
};                                                                         \
                                                                           \
struct __name##_front_ring {                                               \
    RING_IDX req_prod_pvt;                                                 \
    RING_IDX rsp_cons;                                                     \
    unsigned int nr_ents;                                                  \
    struct __name##_sring *sring;                                          \
};                                                                         \
                                                                           \
struct __name##_back_ring {                                                \
    RING_IDX rsp_prod_pvt;                                                 \
    RING_IDX req_cons;                                                     \
    unsigned int nr_ents;                                                  \
    struct __name##_sring *sring;                                          \
};                                                                         \
                                                                           \
typedef struct __name##_sring __name##_sring_t;                            \
typedef struct __name##_front_ring __name##_front_ring_t;                  \
typedef struct __name##_back_ring __name##_back_ring_t

/*
 * Initialisation. Only the frontend (the side that allocates the page)
 * resets the shared header. The event thresholds start at 1: each side
 * wants to hear about the very first entry (index 0).
 */
#define SHARED_RING_INIT(_s) do {                                          \
    (_s)->req_prod = 0;                                                    \
    (_s)->rsp_prod = 0;                                                    \
    (_s)->req_event = 1;                                                   \
    (_s)->rsp_event = 1;                                                   \
    (void)__builtin_memset((_s)->pvt.pvt_pad, 0, sizeof((_s)->pvt.pvt_pad)); \
    (void)__builtin_memset((_s)->__pad, 0, sizeof((_s)->__pad));           \
} while (0)

/* Attach to a ring already in use, with both private indices at _i. */
#define FRONT_RING_ATTACH(_r, _s, _i, __size) do {                         \
    (_r)->req_prod_pvt = (_i);                                             \
    (_r)->rsp_cons = (_i);                                                 \
    (_r)->nr_ents = __RING_SIZE(_s, __size);                               \
    (_r)->sring = (_s);                                                    \
} while (0)

#define FRONT_RING_INIT(_r, _s, __size) FRONT_RING_ATTACH(_r, _s, 0, __size)

#define XEN_FRONT_RING_INIT(_r, _s, __size) do {                           \
    SHARED_RING_INIT(_s);                                                  \
    FRONT_RING_INIT(_r, _s, __size);                                       \
} while (0)

#define BACK_RING_ATTACH(_r, _s, _i, __size) do {                          \
    (_r)->rsp_prod_pvt = (_i);                                             \
    (_r)->req_cons = (_i);                                                 \
    (_r)->nr_ents = __RING_SIZE(_s, __size);                               \
    (_r)->sring = (_s);                                                    \
} while (0)

#define BACK_RING_INIT(_r, _s, __size) BACK_RING_ATTACH(_r, _s, 0, __size)

/* Number of slots. */
#define RING_SIZE(_r) ((_r)->nr_ents)

/*
 * Front side only: slots not holding an outstanding request. A slot is
 * busy from the moment its request is produced until its response has been
 * consumed, so this is size - (req_prod_pvt - rsp_cons).
 */
#define RING_FREE_REQUESTS(_r)                                             \
    (RING_SIZE(_r) - ((_r)->req_prod_pvt - (_r)->rsp_cons))

#define RING_FULL(_r) (RING_FREE_REQUESTS(_r) == 0)

/* Responses published by the back and not yet consumed by the front. */
#define XEN_RING_NR_UNCONSUMED_RESPONSES(_r)                               \
    ((_r)->sring->rsp_prod - (_r)->rsp_cons)

/*
 * Requests the back may consume now. The published count is capped by the
 * slots the back has not refilled with responses, so a frontend that
 * publishes a bogus req_prod cannot make the back read slots it still
 * owns. Evaluates each operand once (statement expression).
 */
#define XEN_RING_NR_UNCONSUMED_REQUESTS(_r) ({                             \
    unsigned int __reqs = (_r)->sring->req_prod - (_r)->req_cons;          \
    unsigned int __room = RING_SIZE(_r) -                                  \
        ((_r)->req_cons - (_r)->rsp_prod_pvt);                             \
    __reqs < __room ? __reqs : __room;                                     \
})

/*
 * Linux uses these as counts in places, so by default they return the
 * count; define XEN_RING_HAS_UNCONSUMED_IS_BOOL to get 0/1 instead.
 */
#ifdef XEN_RING_HAS_UNCONSUMED_IS_BOOL
#define RING_HAS_UNCONSUMED_RESPONSES(_r) (!!XEN_RING_NR_UNCONSUMED_RESPONSES(_r))
#define RING_HAS_UNCONSUMED_REQUESTS(_r)  (!!XEN_RING_NR_UNCONSUMED_REQUESTS(_r))
#else
#define RING_HAS_UNCONSUMED_RESPONSES(_r) XEN_RING_NR_UNCONSUMED_RESPONSES(_r)
#define RING_HAS_UNCONSUMED_REQUESTS(_r)  XEN_RING_NR_UNCONSUMED_REQUESTS(_r)
#endif

/* Slot for a free-running index. */
#define RING_GET_REQUEST(_r, _idx)                                         \
    (&((_r)->sring->ring[(_idx) & (RING_SIZE(_r) - 1)].req))
#define RING_GET_RESPONSE(_r, _idx)                                        \
    (&((_r)->sring->ring[(_idx) & (RING_SIZE(_r) - 1)].rsp))

/*
 * Copy a slot into private memory before looking at it. The other domain
 * can rewrite shared slots at any time; validating a field and then
 * re-reading it from shared memory would be a time-of-check/time-of-use
 * hole. The volatile read forces one real copy (the compiler may not
 * re-read the source later instead of using the copy).
 */
#define RING_COPY_(_type, _r, _idx, _dest) do {                            \
    *(_dest) = *(volatile __typeof__(_dest))RING_GET_##_type(_r, _idx);    \
} while (0)
#define RING_COPY_REQUEST(_r, _idx, _req)  RING_COPY_(REQUEST, _r, _idx, _req)
#define RING_COPY_RESPONSE(_r, _idx, _rsp) RING_COPY_(RESPONSE, _r, _idx, _rsp)

/*
 * Back side: would consuming request index _cons overrun the slots the
 * back still owes responses for? Used as a loop guard.
 */
#define RING_REQUEST_CONS_OVERFLOW(_r, _cons)                              \
    (((_cons) - (_r)->rsp_prod_pvt) >= RING_SIZE(_r))

/* Sanity checks against a misbehaving peer. */
#define RING_REQUEST_PROD_OVERFLOW(_r, _prod)                              \
    (((_prod) - (_r)->rsp_prod_pvt) > RING_SIZE(_r))
#define RING_RESPONSE_PROD_OVERFLOW(_r, _prod)                             \
    (((_prod) - (_r)->rsp_cons) > RING_SIZE(_r))

/* Publish privately produced entries (slot writes ordered before index). */
#define RING_PUSH_REQUESTS(_r) do {                                        \
    xen_wmb();                                                             \
    (_r)->sring->req_prod = (_r)->req_prod_pvt;                            \
} while (0)

#define RING_PUSH_RESPONSES(_r) do {                                       \
    xen_wmb();                                                             \
    (_r)->sring->rsp_prod = (_r)->rsp_prod_pvt;                            \
} while (0)

/*
 * Publish and decide whether the peer needs an event-channel kick:
 * _notify becomes true iff the peer's threshold lies in (old, new].
 * See the prose at the top for the barriers.
 */
#define RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(_r, _notify) do {              \
    RING_IDX __old = (_r)->sring->req_prod;                                \
    RING_IDX __new = (_r)->req_prod_pvt;                                   \
    xen_wmb();                                                             \
    (_r)->sring->req_prod = __new;                                         \
    xen_mb();                                                              \
    (_notify) = ((RING_IDX)(__new - (_r)->sring->req_event) <              \
                 (RING_IDX)(__new - __old));                               \
} while (0)

#define RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(_r, _notify) do {             \
    RING_IDX __old = (_r)->sring->rsp_prod;                                \
    RING_IDX __new = (_r)->rsp_prod_pvt;                                   \
    xen_wmb();                                                             \
    (_r)->sring->rsp_prod = __new;                                         \
    xen_mb();                                                              \
    (_notify) = ((RING_IDX)(__new - (_r)->sring->rsp_event) <              \
                 (RING_IDX)(__new - __old));                               \
} while (0)

/*
 * Before a consumer goes idle: if nothing is pending, arm the threshold
 * for the next entry and look once more, so an entry published between
 * the first look and the arming is not missed (see the prose at the top).
 * _work becomes non-zero if the caller must keep consuming.
 */
#define RING_FINAL_CHECK_FOR_REQUESTS(_r, _work) do {                      \
    (_work) = RING_HAS_UNCONSUMED_REQUESTS(_r);                            \
    if (_work)                                                             \
        break;                                                             \
    (_r)->sring->req_event = (_r)->req_cons + 1;                           \
    xen_mb();                                                              \
    (_work) = RING_HAS_UNCONSUMED_REQUESTS(_r);                            \
} while (0)

#define RING_FINAL_CHECK_FOR_RESPONSES(_r, _work) do {                     \
    (_work) = RING_HAS_UNCONSUMED_RESPONSES(_r);                           \
    if (_work)                                                             \
        break;                                                             \
    (_r)->sring->rsp_event = (_r)->rsp_cons + 1;                           \
    xen_mb();                                                              \
    (_work) = RING_HAS_UNCONSUMED_RESPONSES(_r);                           \
} while (0)

/*
 * ---------------------------------------------------------------------------
 * Flexible byte rings (pvcalls, 9pfs style): two one-directional byte
 * streams ("in" and "out") of XEN_FLEX_RING_SIZE(order) bytes each, with
 * free-running indices kept in a separate interface page.
 *
 * DEFINE_XEN_FLEX_RING(name) defines, for a ring size that is a power of
 * two:
 *   name_mask(idx, size)          idx reduced into [0, size)
 *   name_get_ring_ptr(buf, idx, size)
 *   name_read_packet(dst, buf, len, masked_prod, &masked_cons, size)
 *   name_write_packet(buf, src, len, &masked_prod, masked_cons, size)
 *   name_queued(prod, cons, size) bytes readable (size - queued is free)
 *   struct name_data { unsigned char *in, *out; }
 * The copy helpers split a copy that crosses the end of the buffer; the
 * caller checks space (name_queued) and does the barriers and index
 * updates itself. They need memcpy and size_t in scope.
 *
 * DEFINE_XEN_FLEX_RING_AND_INTF(name) adds struct name_data_intf, the
 * index page: in_cons/in_prod at 0, out_cons/out_prod at 64 (separate
 * cache lines for the two directions), ring_order at 128, then the grant
 * references of the data pages. It needs grant_ref_t in scope.
 */
#ifndef XEN_PAGE_SHIFT
#define XEN_PAGE_SHIFT 12   /* ring protocols always count in 4 KiB pages */
#endif
#define XEN_FLEX_RING_SIZE(order) (1UL << ((order) + XEN_PAGE_SHIFT - 1))

#define DEFINE_XEN_FLEX_RING(name)                                         \
static inline RING_IDX name##_mask(RING_IDX idx, RING_IDX ring_size)       \
{                                                                          \
    return idx & (ring_size - 1);                                          \
}                                                                          \
                                                                           \
static inline unsigned char *name##_get_ring_ptr(unsigned char *buf,       \
                                                 RING_IDX idx,             \
                                                 RING_IDX ring_size)       \
{                                                                          \
    return buf + name##_mask(idx, ring_size);                              \
}                                                                          \
                                                                           \
static inline void name##_read_packet(void *opaque,                        \
                                      const unsigned char *buf,            \
                                      size_t size,                         \
                                      RING_IDX masked_prod,                \
                                      RING_IDX *masked_cons,               \
                                      RING_IDX ring_size)                  \
{                                                                          \
    RING_IDX __tail = ring_size - *masked_cons;                            \
    if (*masked_cons < masked_prod || size <= __tail) {                    \
        memcpy(opaque, buf + *masked_cons, size);                          \
    } else {                                                               \
        memcpy(opaque, buf + *masked_cons, __tail);                        \
        memcpy((unsigned char *)opaque + __tail, buf, size - __tail);      \
    }                                                                      \
    *masked_cons = name##_mask(*masked_cons + size, ring_size);            \
}                                                                          \
                                                                           \
static inline void name##_write_packet(unsigned char *buf,                 \
                                       const void *opaque,                 \
                                       size_t size,                        \
                                       RING_IDX *masked_prod,              \
                                       RING_IDX masked_cons,               \
                                       RING_IDX ring_size)                 \
{                                                                          \
    RING_IDX __tail = ring_size - *masked_prod;                            \
    if (*masked_prod < masked_cons || size <= __tail) {                    \
        memcpy(buf + *masked_prod, opaque, size);                          \
    } else {                                                               \
        memcpy(buf + *masked_prod, opaque, __tail);                        \
        memcpy(buf, (const unsigned char *)opaque + __tail, size - __tail); \
    }                                                                      \
    *masked_prod = name##_mask(*masked_prod + size, ring_size);            \
}                                                                          \
                                                                           \
static inline RING_IDX name##_queued(RING_IDX prod, RING_IDX cons,         \
                                     RING_IDX ring_size)                   \
{                                                                          \
    RING_IDX __p, __c;                                                     \
    if (prod == cons)                                                      \
        return 0;                                                          \
    __p = name##_mask(prod, ring_size);                                    \
    __c = name##_mask(cons, ring_size);                                    \
    if (__p == __c)                  /* unequal indices, same slot: full */ \
        return ring_size;                                                  \
    return __p > __c ? __p - __c : ring_size - (__c - __p);                \
}                                                                          \
                                                                           \
struct name##_data {                                                       \
    unsigned char *in;   /* first half of the data pages */                \
    unsigned char *out;  /* second half */                                 \
}

#define DEFINE_XEN_FLEX_RING_AND_INTF(name)                                \
struct name##_data_intf {                                                  \
    RING_IDX in_cons, in_prod;                                             \
    uint8_t pad1[56];                                                      \
    RING_IDX out_cons, out_prod;                                           \
    uint8_t pad2[56];                                                      \
    RING_IDX ring_order;                                                   \
    grant_ref_t ref[];                                                     \
};                                                                         \
DEFINE_XEN_FLEX_RING(name)

#endif /* MICA_PUBLIC_IO_RING_H */
