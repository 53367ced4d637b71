// SPDX-License-Identifier: GPL-2.0-only
/*
 * PLATFORM GLUE: the only file that talks to /dev/xen. Everything here
 * is untested on the host (there is no /dev/xen there); when the
 * devices are missing xs_xendev_open() reports "not available" and the
 * daemon serves unix sockets only, answering INTRODUCE with ENOSYS.
 */
#include "xs_xendev.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/types.h>
/* Linux's uapi headers expect these from Xen's headers; we do not include those. */
typedef uint16_t domid_t;
typedef uint32_t grant_ref_t;
#include <xen/evtchn.h>
#include <xen/gntdev.h>

/* Xen's reserved grant entry for the xenstore page. */
#define GNTTAB_RESERVED_XENSTORE 1

struct xendev {
	int evtchn_fd;
	int gntdev_fd;
};

struct xendev_handle {
	uint32_t local_port;
	uint64_t index; /* gntdev mapping, for unmap */
};

static int xd_attach(void *ctx, uint32_t domid, uint64_t mfn, uint32_t port,
                     struct xs_ring_page **page, void **handle)
{
	struct xendev *xd = ctx;
	struct ioctl_evtchn_bind_interdomain bind = { domid, port };
	struct ioctl_gntdev_map_grant_ref map = { .count = 1 };
	struct ioctl_gntdev_unmap_grant_ref unmap = { 0 };
	struct xendev_handle *h = calloc(1, sizeof(*h));
	void *p;
	int lport;

	(void)mfn; /* the grant names the page; the frame is for legacy mapping */
	if (!h)
		return ENOMEM;
	map.refs[0].domid = domid;
	map.refs[0].ref = GNTTAB_RESERVED_XENSTORE;
	if (ioctl(xd->gntdev_fd, IOCTL_GNTDEV_MAP_GRANT_REF, &map) < 0)
		goto fail;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, xd->gntdev_fd,
	         (off_t)map.index);
	if (p == MAP_FAILED)
		goto fail_unmap;
	lport = ioctl(xd->evtchn_fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
	if (lport < 0) {
		munmap(p, 4096);
		goto fail_unmap;
	}
	h->local_port = (uint32_t)lport;
	h->index = map.index;
	*page = p;
	*handle = h;
	return 0;
fail_unmap:
	unmap.index = map.index;
	unmap.count = 1;
	ioctl(xd->gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap);
fail:
	free(h);
	return errno ? errno : EIO;
}

static void xd_notify(void *ctx, void *handle)
{
	struct xendev *xd = ctx;
	struct xendev_handle *h = handle;
	struct ioctl_evtchn_notify n = { h->local_port };

	ioctl(xd->evtchn_fd, IOCTL_EVTCHN_NOTIFY, &n);
}

static void xd_detach(void *ctx, void *handle, struct xs_ring_page *page)
{
	struct xendev *xd = ctx;
	struct xendev_handle *h = handle;
	struct ioctl_evtchn_unbind ub = { h->local_port };
	struct ioctl_gntdev_unmap_grant_ref um = { .index = h->index, .count = 1 };

	ioctl(xd->evtchn_fd, IOCTL_EVTCHN_UNBIND, &ub);
	munmap(page, 4096);
	ioctl(xd->gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &um);
	free(h);
}

static const struct xs_ring_backend xendev_backend = {
	.name = "/dev/xen",
	.attach = xd_attach,
	.notify = xd_notify,
	.detach = xd_detach,
};

const struct xs_ring_backend *xs_xendev_open(void **ctx, int *evfd,
                                             char *why, size_t whysz)
{
	struct xendev *xd;
	int e = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	int g = e < 0 ? -1 : open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);

	if (e < 0 || g < 0) {
		snprintf(why, whysz, "guest rings not available: %s: %s",
		         e < 0 ? "/dev/xen/evtchn" : "/dev/xen/gntdev",
		         strerror(errno));
		if (e >= 0)
			close(e);
		return NULL;
	}
	xd = calloc(1, sizeof(*xd));
	if (!xd) {
		close(e);
		close(g);
		snprintf(why, whysz, "out of memory");
		return NULL;
	}
	xd->evtchn_fd = e;
	xd->gntdev_fd = g;
	*ctx = xd;
	*evfd = e;
	return &xendev_backend;
}

void xs_xendev_drain(void *ctx)
{
	struct xendev *xd = ctx;
	uint32_t ports[64];
	ssize_t n;

	/* Reading reports fired ports; writing them back unmasks them. */
	while ((n = read(xd->evtchn_fd, ports, sizeof(ports))) > 0)
		if (write(xd->evtchn_fd, ports, (size_t)n) < 0)
			break;
}
