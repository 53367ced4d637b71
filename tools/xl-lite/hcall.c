// SPDX-License-Identifier: GPL-2.0-only
/*
 * privcmd glue for xl-lite (see hcall.h). Linux's uapi <xen/privcmd.h>
 * includes a kernel-internal header and Debian's libxen-dev ships a
 * different file under the same name, so the two ioctl structures are
 * declared here with the layout of Linux's include/uapi/xen/privcmd.h.
 */
#include "hcall.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/types.h>

#include <public/event_channel.h>
#include <public/memory.h>
#include <public/sched.h>

struct xl_privcmd_hypercall {
	__u64 op;
	__u64 arg[5];
};

struct xl_privcmd_mmapbatch_v2 {
	unsigned int num;
	domid_t dom;
	__u64 addr;
	const xen_pfn_t *arr;
	int *err;
};

#define XL_IOCTL_PRIVCMD_HYPERCALL \
	_IOC(_IOC_NONE, 'P', 0, sizeof(struct xl_privcmd_hypercall))
#define XL_IOCTL_PRIVCMD_MMAPBATCH_V2 \
	_IOC(_IOC_NONE, 'P', 4, sizeof(struct xl_privcmd_mmapbatch_v2))

#define XL_PAGE 4096UL

static int privcmd_fd = -1;

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

int hc_open(void)
{
	if (privcmd_fd >= 0)
		return 0;
	privcmd_fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	return privcmd_fd < 0 ? neg_errno() : 0;
}

void hc_close(void)
{
	if (privcmd_fd >= 0)
		close(privcmd_fd);
	privcmd_fd = -1;
}

static size_t round_pages(size_t len)
{
	return (len + XL_PAGE - 1) & ~(XL_PAGE - 1);
}

void *hc_buf(size_t len)
{
	size_t sz = round_pages(len ? len : 1);
	void *p = mmap(NULL, sz, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, sz); /* fault every page in, writable */
	/* Best effort: without CAP_IPC_LOCK the pages are still present. */
	mlock(p, sz);
	return p;
}

void hc_buf_free(void *p, size_t len)
{
	if (p)
		munmap(p, round_pages(len ? len : 1));
}

long hc_raw(unsigned op, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
            uint64_t a4)
{
	struct xl_privcmd_hypercall h = { op, { a0, a1, a2, a3, a4 } };
	long r;

	if (privcmd_fd < 0 && hc_open() < 0)
		return -ENODEV;
	r = ioctl(privcmd_fd, XL_IOCTL_PRIVCMD_HYPERCALL, &h);
	return r < 0 ? neg_errno() : r;
}

/* Copy @arg into a bounce buffer, make the call, copy the result back. */
static long bounce(unsigned op, uint64_t a0, void *arg, size_t len,
                   uint64_t a2, uint64_t a3)
{
	void *b = hc_buf(len);
	long r;

	if (!b)
		return -ENOMEM;
	memcpy(b, arg, len);
	r = hc_raw(op, a0, (uint64_t)(uintptr_t)b, a2, a3, 0);
	memcpy(arg, b, len);
	hc_buf_free(b, len);
	return r;
}

int hc_domctl(struct xen_domctl *d)
{
	void *b = hc_buf(sizeof(*d));
	long r;

	if (!b)
		return -ENOMEM;
	d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	memcpy(b, d, sizeof(*d));
	r = hc_raw(__HYPERVISOR_domctl, (uint64_t)(uintptr_t)b, 0, 0, 0, 0);
	memcpy(d, b, sizeof(*d));
	hc_buf_free(b, sizeof(*d));
	return (int)r;
}

int hc_sysctl(struct xen_sysctl *s)
{
	void *b = hc_buf(sizeof(*s));
	long r;

	if (!b)
		return -ENOMEM;
	s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	memcpy(b, s, sizeof(*s));
	r = hc_raw(__HYPERVISOR_sysctl, (uint64_t)(uintptr_t)b, 0, 0, 0, 0);
	memcpy(s, b, sizeof(*s));
	hc_buf_free(b, sizeof(*s));
	return (int)r;
}

long hc_memory_op(unsigned cmd, void *arg, size_t len)
{
	return bounce(__HYPERVISOR_memory_op, cmd, arg, len, 0, 0);
}

int hc_evtchn_op(unsigned cmd, void *arg, size_t len)
{
	return (int)bounce(__HYPERVISOR_event_channel_op, cmd, arg, len, 0, 0);
}

int hc_sched_op(unsigned cmd, void *arg, size_t len)
{
	return (int)bounce(__HYPERVISOR_sched_op, cmd, arg, len, 0, 0);
}

long hc_xen_version(unsigned cmd, void *buf, size_t len)
{
	void *b;
	long r;

	if (!buf || !len)
		return hc_raw(__HYPERVISOR_xen_version, cmd, 0, 0, 0, 0);
	b = hc_buf(len);
	if (!b)
		return -ENOMEM;
	r = hc_raw(__HYPERVISOR_xen_version, cmd, (uint64_t)(uintptr_t)b, 0, 0,
	           0);
	memcpy(buf, b, len);
	hc_buf_free(b, len);
	return r;
}

int hc_mmuext_op(const struct mmuext_op *ops, unsigned n, domid_t foreign)
{
	size_t len = n * sizeof(*ops);
	void *b = hc_buf(len);
	long r;

	if (!b)
		return -ENOMEM;
	memcpy(b, ops, len);
	r = hc_raw(__HYPERVISOR_mmuext_op, (uint64_t)(uintptr_t)b, n, 0,
	           foreign, 0);
	hc_buf_free(b, len);
	return (int)r;
}

int hc_domctl_simple(unsigned cmd, uint32_t domid)
{
	struct xen_domctl d;

	memset(&d, 0, sizeof(d));
	d.cmd = cmd;
	d.domain = (domid_t)domid;
	return hc_domctl(&d);
}

int hc_getdomaininfo(uint32_t domid, struct xen_domctl_getdomaininfo *out)
{
	struct xen_domctl d;
	int r;

	memset(&d, 0, sizeof(d));
	d.cmd = XEN_DOMCTL_getdomaininfo;
	d.domain = (domid_t)domid;
	r = hc_domctl(&d);
	if (r < 0)
		return r;
	/* Xen answers with the next domain up when @domid does not exist. */
	if (d.domain != domid)
		return -ESRCH;
	*out = d.u.getdomaininfo;
	return 0;
}

int hc_domain_list(uint32_t first, struct xen_domctl_getdomaininfo *out,
                   unsigned max)
{
	size_t len = max * sizeof(*out);
	struct xen_domctl_getdomaininfo *b = hc_buf(len);
	struct xen_sysctl s;
	int r;

	if (!b)
		return -ENOMEM;
	memset(&s, 0, sizeof(s));
	s.cmd = XEN_SYSCTL_getdomaininfolist;
	s.u.getdomaininfolist.first_domain = (domid_t)first;
	s.u.getdomaininfolist.max_domains = max;
	set_xen_guest_handle(s.u.getdomaininfolist.buffer, b);
	r = hc_sysctl(&s);
	if (r >= 0) {
		r = (int)s.u.getdomaininfolist.num_domains;
		if ((unsigned)r > max)
			r = (int)max;
		memcpy(out, b, r * sizeof(*out));
	}
	hc_buf_free(b, len);
	return r;
}

int hc_alloc_unbound(uint32_t domid, uint32_t remote, uint32_t *port)
{
	struct evtchn_alloc_unbound a;
	int r;

	memset(&a, 0, sizeof(a));
	a.dom = (domid_t)domid;
	a.remote_dom = (domid_t)remote;
	r = hc_evtchn_op(EVTCHNOP_alloc_unbound, &a, sizeof(a));
	if (r >= 0)
		*port = a.port;
	return r;
}

int hc_remote_shutdown(uint32_t domid, unsigned reason)
{
	struct sched_remote_shutdown s;

	memset(&s, 0, sizeof(s));
	s.domain_id = (domid_t)domid;
	s.reason = reason;
	return hc_sched_op(SCHEDOP_remote_shutdown, &s, sizeof(s));
}

void *hc_map_foreign(uint32_t domid, const xen_pfn_t *mfns, size_t n,
                     int *errs)
{
	struct xl_privcmd_mmapbatch_v2 m;
	xen_pfn_t *arr = NULL;
	int *err = NULL;
	void *addr;
	size_t i;
	int r, failed = 0;

	if (privcmd_fd < 0 && hc_open() < 0) {
		errno = ENODEV;
		return NULL;
	}
	/* privcmd maps into a VMA created by mmap() on its own fd. */
	addr = mmap(NULL, n * XL_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
	            privcmd_fd, 0);
	if (addr == MAP_FAILED)
		return NULL;
	arr = malloc(n * sizeof(*arr));
	err = calloc(n, sizeof(*err));
	if (!arr || !err) {
		free(arr);
		free(err);
		munmap(addr, n * XL_PAGE);
		errno = ENOMEM;
		return NULL;
	}
	memcpy(arr, mfns, n * sizeof(*arr));
	memset(&m, 0, sizeof(m));
	m.num = (unsigned)n;
	m.dom = (domid_t)domid;
	m.addr = (uint64_t)(uintptr_t)addr;
	m.arr = arr;
	m.err = err;
	r = ioctl(privcmd_fd, XL_IOCTL_PRIVCMD_MMAPBATCH_V2, &m);
	int saved = errno;
	for (i = 0; i < n; i++) {
		if (errs)
			errs[i] = err[i];
		if (err[i] && !failed)
			failed = err[i];
	}
	free(arr);
	free(err);
	if (r < 0 || failed) {
		munmap(addr, n * XL_PAGE);
		errno = failed ? -failed : saved;
		return NULL;
	}
	return addr;
}

void hc_unmap(void *addr, size_t n)
{
	if (addr)
		munmap(addr, n * XL_PAGE);
}

const char *hc_strerror(int err)
{
	if (err == -ENODEV)
		return "no /dev/xen/privcmd (not running in a Xen/Mica dom0?)";
	return strerror(err < 0 ? -err : err);
}
