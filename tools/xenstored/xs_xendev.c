// SPDX-License-Identifier: GPL-2.0-only
/*
 * PLATFORM GLUE: the only xenstored file that talks to /dev/xen (through
 * xen_dom0.c). Untested on the host (there is no /dev/xen there); when
 * the devices are missing xs_xendev_open() reports "not available" and
 * the daemon serves unix sockets only, answering INTRODUCE with ENOSYS.
 *
 * Three kinds of ring page:
 *  - a guest's, mapped by its frame number through privcmd (the domain
 *    builder need not seed grant entries), or else through gntdev with
 *    Xen's reserved xenstore grant entry (1), which libxl-built guests have;
 *  - dom0's own: a Linux dom0 started without a store event channel runs
 *    xenbus "locally": the kernel allocates the page and an unbound port
 *    and exposes them as /proc/xen/xsd_kva and /proc/xen/xsd_port. Once
 *    the page is served and the port kicked, its xenbus_probe thread wakes
 *    and the kernel (and /dev/xen/xenbus) use the store.
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

#include <public/xen.h>
#include <public/grant_table.h>
#include <xen/gntdev.h>

#include "xen_dom0.h"
#include "xs_store.h"

/* Xen's reserved grant entry for the xenstore page. */
#define GNTTAB_RESERVED_XENSTORE 1
#define PAGE 4096
#define MAX_DOMS 1024

struct xendev {
	int evtchn_fd;
	int privcmd_fd; /* -1 if absent */
	int gntdev_fd;  /* -1 if absent */
	int virq_port;  /* VIRQ_DOM_EXC's local port, -1 if unbound */
};

enum map_kind { MAP_FOREIGN, MAP_GNTDEV, MAP_LOCAL };

struct xendev_handle {
	uint32_t local_port;
	enum map_kind kind;
	uint64_t index; /* gntdev mapping, for unmap */
};

static int map_gntdev(struct xendev *xd, uint32_t domid, void **page,
                      uint64_t *index)
{
	struct ioctl_gntdev_map_grant_ref map = { .count = 1 };
	struct ioctl_gntdev_unmap_grant_ref unmap = { .count = 1 };
	void *p;

	if (xd->gntdev_fd < 0)
		return ENOSYS;
	map.refs[0].domid = domid;
	map.refs[0].ref = GNTTAB_RESERVED_XENSTORE;
	if (ioctl(xd->gntdev_fd, IOCTL_GNTDEV_MAP_GRANT_REF, &map) < 0)
		return errno;
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, xd->gntdev_fd,
	         (off_t)map.index);
	if (p == MAP_FAILED) {
		int e = errno;

		unmap.index = map.index;
		ioctl(xd->gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap);
		return e;
	}
	*page = p;
	*index = map.index;
	return 0;
}

static void unmap_page(struct xendev *xd, struct xendev_handle *h, void *page)
{
	struct ioctl_gntdev_unmap_grant_ref um = { .index = h->index, .count = 1 };

	munmap(page, PAGE);
	if (h->kind == MAP_GNTDEV)
		ioctl(xd->gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &um);
}

static int xd_attach(void *ctx, uint32_t domid, uint64_t mfn, uint32_t port,
                     struct xs_ring_page **page, void **handle)
{
	struct xendev *xd = ctx;
	struct xendev_handle *h = calloc(1, sizeof(*h));
	void *p = NULL;
	int lport, err = ENOSYS;

	if (!h)
		return ENOMEM;
	if (xd->privcmd_fd >= 0) {
		p = xd_map_foreign(xd->privcmd_fd, domid, mfn);
		err = p ? 0 : errno;
		h->kind = MAP_FOREIGN;
	}
	if (!p) {
		int e = map_gntdev(xd, domid, &p, &h->index);

		if (e) {
			free(h);
			return err != ENOSYS ? err : e;
		}
		h->kind = MAP_GNTDEV;
	}
	lport = xd_evtchn_bind(xd->evtchn_fd, domid, port);
	if (lport < 0) {
		unmap_page(xd, h, p);
		free(h);
		return -lport;
	}
	h->local_port = (uint32_t)lport;
	*page = p;
	*handle = h;
	return 0;
}

static void xd_notify(void *ctx, void *handle)
{
	struct xendev *xd = ctx;
	struct xendev_handle *h = handle;

	xd_evtchn_notify(xd->evtchn_fd, h->local_port);
}

static void xd_detach(void *ctx, void *handle, struct xs_ring_page *page)
{
	struct xendev *xd = ctx;
	struct xendev_handle *h = handle;

	xd_evtchn_unbind(xd->evtchn_fd, h->local_port);
	unmap_page(xd, h, page);
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
	int e = xd_evtchn_open();

	if (e < 0) {
		snprintf(why, whysz, "guest rings not available: /dev/xen/evtchn: %s",
		         strerror(-e));
		return NULL;
	}
	xd = calloc(1, sizeof(*xd));
	if (!xd) {
		close(e);
		snprintf(why, whysz, "out of memory");
		return NULL;
	}
	xd->evtchn_fd = e;
	xd->privcmd_fd = xd_privcmd_open();
	xd->gntdev_fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
	if (xd->privcmd_fd < 0 && xd->gntdev_fd < 0) {
		snprintf(why, whysz, "guest rings not available: neither "
		         "/dev/xen/privcmd nor /dev/xen/gntdev opens");
		close(e);
		free(xd);
		return NULL;
	}
	/* Without it dead domains are noticed only through RELEASE. */
	xd->virq_port = xd_evtchn_bind_virq(e, XEN_DOM0_VIRQ_DOM_EXC);
	if (xd->virq_port < 0)
		fprintf(stderr, "mica-xenstored: VIRQ_DOM_EXC: %s (dead domains "
		        "are noticed only when released)\n", strerror(-xd->virq_port));
	*ctx = xd;
	*evfd = e;
	return &xendev_backend;
}

int xs_xendev_local(struct xs_store *s, void *ctx, char *why, size_t whysz)
{
	struct xendev *xd = ctx;
	struct xendev_handle *h;
	unsigned long port;
	void *p;
	int fd, lport, err;
	char buf[32];
	ssize_t n;

	fd = open("/proc/xen/xsd_port", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whysz, "/proc/xen/xsd_port: %s (is xenfs mounted?)",
		         strerror(errno));
		return errno;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		snprintf(why, whysz, "/proc/xen/xsd_port: cannot read");
		return EIO;
	}
	buf[n] = '\0';
	port = strtoul(buf, NULL, 10);
	if (port == 0) {
		/* The kernel has a real store ring: some other daemon's. */
		snprintf(why, whysz, "dom0 has no local store port");
		return ENOENT;
	}
	fd = open("/proc/xen/xsd_kva", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whysz, "/proc/xen/xsd_kva: %s", strerror(errno));
		return errno;
	}
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	err = errno;
	close(fd);
	if (p == MAP_FAILED) {
		snprintf(why, whysz, "mmap /proc/xen/xsd_kva: %s", strerror(err));
		return err;
	}
	/* The kernel allocated the port with itself as the remote end. */
	lport = xd_evtchn_bind(xd->evtchn_fd, 0, (uint32_t)port);
	if (lport < 0) {
		snprintf(why, whysz, "bind dom0 store port %lu: %s", port,
		         strerror(-lport));
		munmap(p, PAGE);
		return -lport;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		xd_evtchn_unbind(xd->evtchn_fd, (uint32_t)lport);
		munmap(p, PAGE);
		return ENOMEM;
	}
	h->kind = MAP_LOCAL;
	h->local_port = (uint32_t)lport;
	err = xs_domain_add(s, 0, 0, (uint32_t)port, p, h);
	if (err) {
		snprintf(why, whysz, "dom0 ring: %s", strerror(err));
		return err;
	}
	/* Wakes the kernel's xenbus_probe thread, which waits for this. */
	xd_evtchn_notify(xd->evtchn_fd, (uint32_t)lport);
	return 0;
}

bool xs_xendev_drain(void *ctx)
{
	struct xendev *xd = ctx;
	uint32_t ports[64];
	bool dom_exc = false;
	size_t n;

	while ((n = xd_evtchn_pending(xd->evtchn_fd, ports, 64)) > 0)
		for (size_t i = 0; i < n; i++)
			if (xd->virq_port >= 0 && ports[i] == (uint32_t)xd->virq_port)
				dom_exc = true;
	return dom_exc;
}

void xs_xendev_check_domains(struct xs_store *s, void *ctx)
{
	struct xendev *xd = ctx;
	static struct xd_dominfo info[MAX_DOMS];
	static struct xs_dominfo live[MAX_DOMS];
	int n;

	if (xd->privcmd_fd < 0)
		return;
	n = xd_domain_list(xd->privcmd_fd, info, MAX_DOMS);
	if (n < 0) {
		/* Not knowing is not a reason to drop anybody. */
		fprintf(stderr, "mica-xenstored: getdomaininfolist: %s\n",
		        strerror(-n));
		return;
	}
	for (int i = 0; i < n; i++)
		live[i] = (struct xs_dominfo){ info[i].domid, info[i].dying,
		                               info[i].shutdown };
	xs_log(s, "hypervisor lists %d domains", n);
	xs_domain_cleanup(s, live, (size_t)n);
}
