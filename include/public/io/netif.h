/* SPDX-License-Identifier: MIT */
/*
 * io/netif.h - the PV network protocol (netfront <-> netback).
 *
 * Each queue has two rings, each in its own granted page with its own
 * event channel (or one shared channel): tx (guest -> backend packets)
 * and rx (backend -> guest packets). Keys in xenstore: the frontend
 * writes "tx-ring-ref", "rx-ring-ref", "event-channel" (or
 * "event-channel-tx"/"-rx"), "request-rx-copy" = 1 and its feature-*
 * keys; the backend writes "mac", "feature-sg", "feature-gso-tcpv4", ...
 *
 * Transmit: a packet is one or more netif_tx_request slots; every slot
 * but the last has NETTXF_more_data; the first slot's size is the whole
 * packet length, the others their own fragment length. NETTXF_extra_info
 * means the next slot is a netif_extra_info (GSO, multicast, hash).
 * The backend answers each slot with a netif_tx_response (id copied);
 * extra-info slots get NETIF_RSP_NULL. A packet may use at most
 * XEN_NETIF_NR_SLOTS_MIN slots unless the backend says more.
 *
 * Receive: the frontend posts empty granted pages as netif_rx_request;
 * the backend copies a packet into them (grant copy) and returns
 * netif_rx_response entries: status is the byte count (or NETIF_RSP_*
 * if negative), with NETRXF_more_data chaining slots of one packet.
 * Example: tx->gref = ref; tx->offset = off; tx->flags = 0;
 *          tx->id = slot; tx->size = len;
 *
 * Xen's header also carries an optional Toeplitz hash helper function;
 * it is code rather than ABI and is not provided here.
 */
#ifndef MICA_PUBLIC_IO_NETIF_H
#define MICA_PUBLIC_IO_NETIF_H

#include "ring.h"
#include "../grant_table.h"

/* Slots per packet every backend must accept. */
#define XEN_NETIF_NR_SLOTS_MIN 18

/*
 * Control ring (feature-ctrl-ring): hash and grant-mapping configuration
 * requests from the frontend, each answered by a response with the same
 * id. The hash types and algorithm below are the values of the
 * SET_HASH_FLAGS / SET_HASH_ALGORITHM data fields.
 */
#define _XEN_NETIF_CTRL_HASH_TYPE_IPV4 0
#define XEN_NETIF_CTRL_HASH_TYPE_IPV4 \
    (1 << _XEN_NETIF_CTRL_HASH_TYPE_IPV4)
#define _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP 1
#define XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP \
    (1 << _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP)
#define _XEN_NETIF_CTRL_HASH_TYPE_IPV6 2
#define XEN_NETIF_CTRL_HASH_TYPE_IPV6 \
    (1 << _XEN_NETIF_CTRL_HASH_TYPE_IPV6)
#define _XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP 3
#define XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP \
    (1 << _XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP)

#define XEN_NETIF_CTRL_HASH_ALGORITHM_NONE 0
#define XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ 1

/*
 * struct xen_netif_ctrl_request: id (echoed), type XEN_NETIF_CTRL_TYPE_*,
 * data[] type-specific arguments (grant refs, sizes, flags).
 */
struct xen_netif_ctrl_request {
    uint16_t id;
    uint16_t type;
#define XEN_NETIF_CTRL_TYPE_INVALID               0
#define XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS        1
#define XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS        2
#define XEN_NETIF_CTRL_TYPE_SET_HASH_KEY          3
#define XEN_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE 4
#define XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE 5
#define XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING      6
#define XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM    7
#define XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE 8
#define XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING      9
#define XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING     10
    uint32_t data[3];
};

/* struct xen_netif_ctrl_response: id and type copied, status, one data word. */
struct xen_netif_ctrl_response {
    uint16_t id;
    uint16_t type;
    uint32_t status;
#define XEN_NETIF_CTRL_STATUS_SUCCESS           0
#define XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED     1
#define XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER 2
#define XEN_NETIF_CTRL_STATUS_BUFFER_OVERFLOW   3
    uint32_t data;
};

/*
 * struct xen_netif_gref: entry of the page passed with ADD/DEL_GREF_MAPPING;
 * ref and flags IN, status OUT (per-entry result).
 */
struct xen_netif_gref {
    grant_ref_t ref;
    uint16_t flags;
#define _XEN_NETIF_CTRLF_GREF_readonly    0
#define XEN_NETIF_CTRLF_GREF_readonly    (1U << _XEN_NETIF_CTRLF_GREF_readonly)
    uint16_t status;
};

DEFINE_RING_TYPES(xen_netif_ctrl,
                  struct xen_netif_ctrl_request,
                  struct xen_netif_ctrl_response);

/* netif_tx_request.flags */
#define _NETTXF_csum_blank     (0)   /* checksum not yet computed (offload) */
#define  NETTXF_csum_blank     (1U << _NETTXF_csum_blank)
#define _NETTXF_data_validated (1)   /* checksum already verified */
#define  NETTXF_data_validated (1U << _NETTXF_data_validated)
#define _NETTXF_more_data      (2)   /* packet continues in the next slot */
#define  NETTXF_more_data      (1U << _NETTXF_more_data)
#define _NETTXF_extra_info     (3)   /* next slot is a netif_extra_info */
#define  NETTXF_extra_info     (1U << _NETTXF_extra_info)

#define XEN_NETIF_MAX_TX_SIZE 0xFFFF  /* largest packet */

/*
 * struct netif_tx_request: one transmit slot.
 *   gref   - grant of the page holding the data;
 *   offset - start of the data in the page;
 *   flags  - NETTXF_*;
 *   id     - echoed in the response;
 *   size   - packet length (first slot) or fragment length (others).
 */
struct netif_tx_request {
    grant_ref_t gref;
    uint16_t offset;
    uint16_t flags;
    uint16_t id;
    uint16_t size;
};
typedef struct netif_tx_request netif_tx_request_t;

/* netif_extra_info.type */
#define XEN_NETIF_EXTRA_TYPE_NONE      (0)  /* never used */
#define XEN_NETIF_EXTRA_TYPE_GSO       (1)  /* u.gso */
#define XEN_NETIF_EXTRA_TYPE_MCAST_ADD (2)  /* u.mcast */
#define XEN_NETIF_EXTRA_TYPE_MCAST_DEL (3)  /* u.mcast */
#define XEN_NETIF_EXTRA_TYPE_HASH      (4)  /* u.hash */
#define XEN_NETIF_EXTRA_TYPE_MAX       (5)

/* netif_extra_info.flags: another extra-info slot follows. */
#define _XEN_NETIF_EXTRA_FLAG_MORE (0)
#define XEN_NETIF_EXTRA_FLAG_MORE  (1U << _XEN_NETIF_EXTRA_FLAG_MORE)

/* u.gso.type */
#define XEN_NETIF_GSO_TYPE_NONE         (0)
#define XEN_NETIF_GSO_TYPE_TCPV4        (1)
#define XEN_NETIF_GSO_TYPE_TCPV6        (2)

/*
 * struct netif_extra_info: a slot carrying metadata for the packet that
 * precedes it (in the tx or rx ring).
 *   gso   - segment size (MSS), GSO type, features (0);
 *   mcast - MAC address to add/remove from the multicast filter;
 *   hash  - hash type (_XEN_NETIF_CTRL_HASH_TYPE_*), algorithm, value.
 */
struct netif_extra_info {
    uint8_t type;
    uint8_t flags;
    union {
        struct {
            uint16_t size;
            uint8_t type;
            uint8_t pad;
            uint16_t features;
        } gso;
        struct {
            uint8_t addr[6];
        } mcast;
        struct {
            uint8_t type;
            uint8_t algorithm;
            uint8_t value[4];
        } hash;
        uint16_t pad[3];
    } u;
};
typedef struct netif_extra_info netif_extra_info_t;

/* struct netif_tx_response: id of the slot, status NETIF_RSP_*. */
struct netif_tx_response {
    uint16_t id;
    int16_t  status;
};
typedef struct netif_tx_response netif_tx_response_t;

/* struct netif_rx_request: an empty page (gref) for the backend to fill; id is echoed. */
struct netif_rx_request {
    uint16_t    id;
    uint16_t    pad;
    grant_ref_t gref;
};
typedef struct netif_rx_request netif_rx_request_t;

/* netif_rx_response.flags */
#define _NETRXF_data_validated (0)   /* checksum verified */
#define  NETRXF_data_validated (1U << _NETRXF_data_validated)
#define _NETRXF_csum_blank     (1)   /* checksum not computed */
#define  NETRXF_csum_blank     (1U << _NETRXF_csum_blank)
#define _NETRXF_more_data      (2)   /* packet continues in the next slot */
#define  NETRXF_more_data      (1U << _NETRXF_more_data)
#define _NETRXF_extra_info     (3)   /* next slot is a netif_extra_info */
#define  NETRXF_extra_info     (1U << _NETRXF_extra_info)
#define _NETRXF_gso_prefix     (4)   /* obsolete GSO prefix slot */
#define  NETRXF_gso_prefix     (1U << _NETRXF_gso_prefix)

/*
 * struct netif_rx_response: id of the request used, offset of the data
 * in its page, flags NETRXF_*, status = bytes received (>= 0) or
 * NETIF_RSP_* error.
 */
struct netif_rx_response {
    uint16_t id;
    uint16_t offset;
    uint16_t flags;
    int16_t  status;
};
typedef struct netif_rx_response netif_rx_response_t;

DEFINE_RING_TYPES(netif_tx, struct netif_tx_request, struct netif_tx_response);
DEFINE_RING_TYPES(netif_rx, struct netif_rx_request, struct netif_rx_response);

#define NETIF_RSP_DROPPED         -2  /* packet dropped */
#define NETIF_RSP_ERROR           -1  /* error */
#define NETIF_RSP_OKAY             0  /* done */
#define NETIF_RSP_NULL             1  /* no response: auxiliary (extra-info) slot */

#endif /* MICA_PUBLIC_IO_NETIF_H */
