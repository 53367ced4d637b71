/* SPDX-License-Identifier: MIT */
/*
 * io/xs_wire.h - the XenStore wire protocol and its shared ring page.
 *
 * A guest talks to the XenStore daemon through one shared page
 * (start_info.store_mfn, event channel start_info.store_evtchn) holding
 * two byte rings: `req` (guest -> daemon) and `rsp` (daemon -> guest,
 * replies and watch events). The ring discipline is the same as the
 * console's: free-running 32-bit indexes, MASK_XENSTORE_IDX, barriers,
 * then an event-channel notification. Dom0 tools may instead use a Unix
 * socket to the daemon carrying the same messages.
 *
 * Every message is a struct xsd_sockmsg header followed by `len` bytes of
 * payload (len <= XENSTORE_PAYLOAD_MAX), usually NUL-separated strings.
 * Requests carry a req_id the reply echoes and a tx_id (0 = outside a
 * transaction). A failed request gets an XS_ERROR reply whose payload is
 * an errno name such as "ENOENT" (see xsd_errors). Watch events arrive
 * unsolicited as XS_WATCH_EVENT with payload "path\0token\0".
 * Example: read "domid": { .type = XS_READ, .req_id = 1, .tx_id = 0,
 *          .len = 6 } followed by "domid\0".
 */
#ifndef MICA_PUBLIC_IO_XS_WIRE_H
#define MICA_PUBLIC_IO_XS_WIRE_H

#include <stdint.h>
#include "../errno.h"

/*
 * Message types. Payloads (requests -> replies):
 *   XS_DIRECTORY path -> child names; XS_READ path -> value;
 *   XS_WRITE path\0value -> "OK"; XS_MKDIR / XS_RM path -> "OK";
 *   XS_GET_PERMS path -> perms; XS_SET_PERMS path\0perms... -> "OK";
 *   XS_WATCH / XS_UNWATCH path\0token -> "OK";
 *   XS_TRANSACTION_START "" -> tx id; XS_TRANSACTION_END "T"/"F" (commit
 *   or abort) -> "OK" or EAGAIN when the transaction must be retried;
 *   XS_INTRODUCE / XS_RELEASE / XS_RESUME / XS_SET_TARGET /
 *   XS_IS_DOMAIN_INTRODUCED: toolstack domain management;
 *   XS_GET_DOMAIN_PATH domid -> "/local/domain/<domid>";
 *   XS_RESET_WATCHES: drop all of the caller's watches;
 *   XS_DIRECTORY_PART path\0offset -> generation\0children (large dirs);
 *   XS_CONTROL: daemon control/debug commands.
 */
enum xsd_sockmsg_type
{
    XS_CONTROL,
#define XS_DEBUG XS_CONTROL
    XS_DIRECTORY,
    XS_READ,
    XS_GET_PERMS,
    XS_WATCH,
    XS_UNWATCH,
    XS_TRANSACTION_START,
    XS_TRANSACTION_END,
    XS_INTRODUCE,
    XS_RELEASE,
    XS_GET_DOMAIN_PATH,
    XS_WRITE,
    XS_MKDIR,
    XS_RM,
    XS_SET_PERMS,
    XS_WATCH_EVENT,
    XS_ERROR,
    XS_IS_DOMAIN_INTRODUCED,
    XS_RESUME,
    XS_SET_TARGET,
    /* 20 was XS_RESTRICT, now removed; the number stays unused. */
    XS_RESET_WATCHES = XS_SET_TARGET + 2,
    XS_DIRECTORY_PART,
    XS_TYPE_COUNT,      /* number of types */
    XS_INVALID = 0xffff /* never a valid type */
};

/* Old write-mode strings, kept for compatibility. */
#define XS_WRITE_NONE "NONE"
#define XS_WRITE_CREATE "CREATE"
#define XS_WRITE_CREATE_EXCL "CREATE|EXCL"

/*
 * Errors travel as the errno name string. This table maps names to
 * numbers (Xen's errno values, equal to Linux's). New entries are only
 * ever appended.
 */
struct xsd_errors
{
    int errnum;
    const char *errstring;
};
#define XSD_ERROR(x) { XEN_##x, #x }
static const struct xsd_errors xsd_errors[]
#if defined(__GNUC__)
__attribute__((unused))
#endif
    = {
    XSD_ERROR(EINVAL),
    XSD_ERROR(EACCES),
    XSD_ERROR(EEXIST),
    XSD_ERROR(EISDIR),
    XSD_ERROR(ENOENT),
    XSD_ERROR(ENOMEM),
    XSD_ERROR(ENOSPC),
    XSD_ERROR(EIO),
    XSD_ERROR(ENOTEMPTY),
    XSD_ERROR(ENOSYS),
    XSD_ERROR(EROFS),
    XSD_ERROR(EBUSY),
    XSD_ERROR(EAGAIN),
    XSD_ERROR(EISCONN),
    XSD_ERROR(E2BIG),
    XSD_ERROR(EPERM),
};

/*
 * struct xsd_sockmsg: message header.
 *   type   - XS_*;
 *   req_id - chosen by the requester, echoed in the reply;
 *   tx_id  - transaction id, 0 if none;
 *   len    - payload bytes that follow.
 */
struct xsd_sockmsg
{
    uint32_t type;
    uint32_t req_id;
    uint32_t tx_id;
    uint32_t len;
};

/* Index of the path and token strings in an XS_WATCH_EVENT payload. */
enum xs_watch_type
{
    XS_WATCH_PATH = 0,
    XS_WATCH_TOKEN
};

/*
 * struct xenstore_domain_interface: the shared ring page.
 *   req, rsp            - the two rings;
 *   req_cons, req_prod  - daemon consumes, guest produces;
 *   rsp_cons, rsp_prod  - guest consumes, daemon produces;
 *   server_features     - XENSTORE_SERVER_FEATURE_* the daemon supports;
 *   connection          - XENSTORE_CONNECTED or XENSTORE_RECONNECT: the
 *                         guest sets RECONNECT to ask the daemon to reset
 *                         the ring, and waits for CONNECTED;
 *   error               - XENSTORE_ERROR_*, set by the daemon when it
 *                         stops serving the ring because of a fault.
 */
#define XENSTORE_RING_SIZE 1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))
struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE];
    char rsp[XENSTORE_RING_SIZE];
    XENSTORE_RING_IDX req_cons, req_prod;
    XENSTORE_RING_IDX rsp_cons, rsp_prod;
    uint32_t server_features;
    uint32_t connection;
    uint32_t error;
};

/* Larger payloads are a protocol violation; the daemon may drop the connection. */
#define XENSTORE_PAYLOAD_MAX 4096

/* Longer paths are refused with an error reply. */
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

#define XENSTORE_SERVER_FEATURE_RECONNECTION 1  /* `connection` is honoured */
#define XENSTORE_SERVER_FEATURE_ERROR        2  /* `error` is filled in */

#define XENSTORE_CONNECTED 0  /* normal operation */
#define XENSTORE_RECONNECT 1  /* reset requested / in progress */

#define XENSTORE_ERROR_NONE    0  /* no error */
#define XENSTORE_ERROR_COMM    1  /* communication problem */
#define XENSTORE_ERROR_RINGIDX 2  /* invalid ring index */
#define XENSTORE_ERROR_PROTO   3  /* protocol violation (e.g. payload too long) */

#endif /* MICA_PUBLIC_IO_XS_WIRE_H */
