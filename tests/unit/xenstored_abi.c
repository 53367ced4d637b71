// SPDX-License-Identifier: GPL-2.0-only
/*
 * Xen's own values for the xenstore protocol, from Debian's libxen-dev
 * header. Kept in its own file because its names clash with ours;
 * xenstored_test.c compares these with tools/xenstored/xs_proto.h.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

const unsigned long xen_xs_abi[] = {
	XS_CONTROL, XS_DIRECTORY, XS_READ, XS_GET_PERMS, XS_WATCH, XS_UNWATCH,
	XS_TRANSACTION_START, XS_TRANSACTION_END, XS_INTRODUCE, XS_RELEASE,
	XS_GET_DOMAIN_PATH, XS_WRITE, XS_MKDIR, XS_RM, XS_SET_PERMS,
	XS_WATCH_EVENT, XS_ERROR, XS_IS_DOMAIN_INTRODUCED, XS_RESUME,
	XS_SET_TARGET, XS_RESET_WATCHES, XS_DIRECTORY_PART, XS_TYPE_COUNT,
	sizeof(struct xsd_sockmsg), XENSTORE_PAYLOAD_MAX, XENSTORE_ABS_PATH_MAX,
	XENSTORE_REL_PATH_MAX, XENSTORE_RING_SIZE,
	sizeof(struct xenstore_domain_interface),
	offsetof(struct xenstore_domain_interface, rsp),
	offsetof(struct xenstore_domain_interface, req_cons),
	offsetof(struct xenstore_domain_interface, rsp_prod),
	offsetof(struct xenstore_domain_interface, server_features),
	offsetof(struct xenstore_domain_interface, error),
	XENSTORE_SERVER_FEATURE_ERROR, XENSTORE_ERROR_RINGIDX,
};
const unsigned xen_xs_abi_count = sizeof(xen_xs_abi) / sizeof(xen_xs_abi[0]);

/* Xen's error table, to check our strings and their errno mapping. */
const struct xsd_errors *xen_xs_errors = xsd_errors;
const unsigned xen_xs_nerrors = sizeof(xsd_errors) / sizeof(xsd_errors[0]);
