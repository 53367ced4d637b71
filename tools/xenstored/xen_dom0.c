// SPDX-License-Identifier: GPL-2.0-only
/*
 * PLATFORM GLUE (see xen_dom0.h): thin wrappers over Linux's /dev/xen
 * ioctls. Linux's uapi privcmd.h cannot be included from userland (it
 * pulls in a kernel-only header), so its two structures are declared
 * here with the same layout.
 */
#include "xen_dom0.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/types.h>

#include <public/xen.h>
#include <public/sysctl.h>
#include <public/domctl.h>
#include <xen/evtchn.h>

struct xd_privcmd_hypercall {
	__u64 op;
	__u64 arg[5];
};

struct xd_privcmd_mmapbatch_v2 {
	unsigned int num;
	domid_t dom;
	__u64 addr;
	const xen_pfn_t *arr;
	int *err;
};

#define XD_IOCTL_PRIVCMD_HYPERCALL \
	_IOC(_IOC_NONE, 'P', 0, sizeof(struct xd_privcmd_hypercall))
#define XD_IOCTL_PRIVCMD_MMAPBATCH_V2 \
	_IOC(_IOC_NONE, 'P', 4, sizeof(struct xd_privcmd_mmapbatch_v2))

#define XD_PAGE 4096

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

int xd_evtchn_open(void)
{
	int fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);

	return fd < 0 ? neg_errno() : fd;
}

int xd_evtchn_bind(int fd, uint32_t domid, uint32_t port)
{
	struct ioctl_evtchn_bind_interdomain b = { domid, port };
	int r = ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);

	return r < 0 ? neg_errno() : r;
}

int xd_evtchn_bind_virq(int fd, unsigned virq)
{
	struct ioctl_evtchn_bind_virq b = { virq };
	int r = ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &b);

	return r < 0 ? neg_errno() : r;
}

void xd_evtchn_notify(int fd, uint32_t lport)
{
	struct ioctl_evtchn_notify n = { lport };

	ioctl(fd, IOCTL_EVTCHN_NOTIFY, &n);
}

void xd_evtchn_unbind(int fd, uint32_t lport)
{
	struct ioctl_evtchn_unbind u = { lport };

	ioctl(fd, IOCTL_EVTCHN_UNBIND, &u);
}

size_t xd_evtchn_pending(int fd, uint32_t *ports, size_t max)
{
	ssize_t n = read(fd, ports, max * sizeof(*ports));

	if (n <= 0)
		return 0;
	/* The driver masks a port it reports; writing it back unmasks it. */
	if (write(fd, ports, (size_t)n) < 0) {
		/* Nothing useful to do: the port stays masked. */
	}
	return (size_t)n / sizeof(*ports);
}

int xd_privcmd_open(void)
{
	int fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);

	return fd < 0 ? neg_errno() : fd;
}

void *xd_map_foreign(int privcmd_fd, uint32_t domid, uint64_t mfn)
{
	xen_pfn_t arr = (xen_pfn_t)mfn;
	int err = 0;
	struct xd_privcmd_mmapbatch_v2 m = { .num = 1, .dom = (domid_t)domid,
	                                     .arr = &arr, .err = &err };
	void *p = mmap(NULL, XD_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
	               privcmd_fd, 0);

	if (p == MAP_FAILED)
		return NULL;
	m.addr = (uintptr_t)p;
	if (ioctl(privcmd_fd, XD_IOCTL_PRIVCMD_MMAPBATCH_V2, &m) < 0 || err) {
		int e = err ? -err : errno;

		munmap(p, XD_PAGE);
		errno = e ? e : EIO;
		return NULL;
	}
	return p;
}

void xd_unmap_foreign(void *page)
{
	munmap(page, XD_PAGE);
}

int xd_domain_list(int privcmd_fd, struct xd_dominfo *out, size_t max)
{
	/* Static and locked: the hypervisor copies into it during the call. */
	static struct xen_domctl_getdomaininfo info[64];
	static struct xen_sysctl op;
	struct xd_privcmd_hypercall hc = { .op = __HYPERVISOR_sysctl };
	uint32_t first = 0;
	size_t n = 0;

	mlock(info, sizeof(info));
	mlock(&op, sizeof(op));
	while (n < max) {
		uint32_t want = max - n < 64 ? (uint32_t)(max - n) : 64, got;

		memset(&op, 0, sizeof(op));
		memset(info, 0, sizeof(info));
		op.cmd = XEN_SYSCTL_getdomaininfolist;
		op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
		op.u.getdomaininfolist.first_domain = (domid_t)first;
		op.u.getdomaininfolist.max_domains = want;
		set_xen_guest_handle(op.u.getdomaininfolist.buffer, info);
		hc.arg[0] = (uintptr_t)&op;
		if (ioctl(privcmd_fd, XD_IOCTL_PRIVCMD_HYPERCALL, &hc) < 0)
			return neg_errno();
		got = op.u.getdomaininfolist.num_domains;
		if (got > want)
			return -EIO;
		for (uint32_t i = 0; i < got; i++) {
			uint32_t f = info[i].flags;

			out[n].domid = info[i].domain;
			out[n].dying = f & XEN_DOMINF_dying;
			out[n].shutdown = f & XEN_DOMINF_shutdown;
			out[n].reason = (f >> XEN_DOMINF_shutdownshift) &
			                XEN_DOMINF_shutdownmask;
			n++;
		}
		if (got < want)
			break;
		first = info[got - 1].domain + 1u;
	}
	return (int)n;
}
