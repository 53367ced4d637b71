/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The XenStore wire protocol as Xen 4.17 defines it (io/xs_wire.h): message
 * numbers, the 16-byte header, limits and the shared ring page. Written
 * out here so the daemon builds without libxen-dev; a unit test checks
 * every value against Debian's header.
 */
#ifndef MICA_XS_PROTO_H
#define MICA_XS_PROTO_H

#include <stdint.h>

enum xs_msg_type {
	XS_CONTROL = 0,
	XS_DIRECTORY = 1,
	XS_READ = 2,
	XS_GET_PERMS = 3,
	XS_WATCH = 4,
	XS_UNWATCH = 5,
	XS_TRANSACTION_START = 6,
	XS_TRANSACTION_END = 7,
	XS_INTRODUCE = 8,
	XS_RELEASE = 9,
	XS_GET_DOMAIN_PATH = 10,
	XS_WRITE = 11,
	XS_MKDIR = 12,
	XS_RM = 13,
	XS_SET_PERMS = 14,
	XS_WATCH_EVENT = 15,
	XS_ERROR = 16,
	XS_IS_DOMAIN_INTRODUCED = 17,
	XS_RESUME = 18,
	XS_SET_TARGET = 19,
	/* 20 was XS_RESTRICT; removed upstream, so it is an unknown type. */
	XS_RESET_WATCHES = 21,
	XS_DIRECTORY_PART = 22,
	XS_TYPE_COUNT = 23,
};

/* Every message starts with this header; len bytes of payload follow. */
struct xs_msg_hdr {
	uint32_t type;
	uint32_t req_id; /* echoed in the reply */
	uint32_t tx_id;  /* 0 outside a transaction */
	uint32_t len;
};

#define XS_PAYLOAD_MAX 4096
#define XS_ABS_PATH_MAX 3072
#define XS_REL_PATH_MAX 2048

/* The page a guest shares with the daemon: two byte rings. */
#define XS_RING_SIZE 1024
#define XS_RING_MASK(i) ((i) & (XS_RING_SIZE - 1))
struct xs_ring_page {
	char req[XS_RING_SIZE]; /* guest -> daemon */
	char rsp[XS_RING_SIZE]; /* daemon -> guest: replies and watch events */
	uint32_t req_cons, req_prod;
	uint32_t rsp_cons, rsp_prod;
	uint32_t server_features;
	uint32_t connection;
	uint32_t error;
};

#define XS_FEATURE_RECONNECTION 1
#define XS_FEATURE_ERROR 2
#define XS_CONNECTED 0
#define XS_RECONNECT 1
#define XS_RING_ERROR_NONE 0
#define XS_RING_ERROR_COMM 1
#define XS_RING_ERROR_RINGIDX 2
#define XS_RING_ERROR_PROTO 3

#endif
