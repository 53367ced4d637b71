// SPDX-License-Identifier: GPL-2.0-only
/*
 * PV domain builder, the part that talks to the hypervisor (see
 * build_dom.h). Layout and table contents come from build_layout.c; the
 * kernel is read by build_kernel.c. Step order follows libxl/libxc so
 * the hypervisor sees what it would see from Xen's toolstack.
 */
#include "build_dom.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <public/event_channel.h>
#include <public/memory.h>

#include "build_kernel.h"
#include "build_layout.h"
#include "dom_xs.h"
#include "hcall.h"

/* libxl adds this much to max_mem for the domain's own slack. */
#define MAXMEM_SLACK_KB 1024
#define POPULATE_CHUNK 4096
/* libxc's meminit_pv: 2 MiB extents first, then single pages for the rest. */
#define SUPERPAGE_ORDER 9

struct builder {
	const struct xlcfg *cfg;
	int verbose;
	uint32_t domid;
	uint64_t nr_pages;
	uint64_t *mfns;          /* p2m: pfn -> mfn */
	struct xl_kernel kernel;
	uint8_t *ramdisk;
	size_t ramdisk_len;
	struct xl_layout l;
	uint8_t *map;            /* pfns [0, xl_layout_pages) mapped writable */
	char *err;
	size_t errsz;
	struct timespec t0;      /* start of the build, for -v timings */
};

/* Verbose progress (xl -v): each step with the milliseconds since the
 * build began, so that a slow step shows. */
static void step(struct builder *b, const char *fmt, ...)
{
	struct timespec t;
	va_list ap;

	if (!b->verbose)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t);
	va_start(ap, fmt);
	fprintf(stderr, "xl-lite: [%5ld ms] ",
	        (long)((t.tv_sec - b->t0.tv_sec) * 1000 +
	               (t.tv_nsec - b->t0.tv_nsec) / 1000000));
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int fail(struct builder *b, int rc, const char *what)
{
	snprintf(b->err, b->errsz, "%s: %s", what, hc_strerror(rc));
	return -1;
}

static int create(struct builder *b)
{
	const struct xlcfg *c = b->cfg;
	struct xen_domctl d;
	long vcpus = c->maxvcpus ? c->maxvcpus : (c->vcpus ? c->vcpus : 1);
	FILE *ur;
	int r;

	memset(&d, 0, sizeof(d));
	d.cmd = XEN_DOMCTL_createdomain;
	d.domain = 0; /* the hypervisor picks the id */
	d.u.createdomain.max_vcpus = (uint32_t)vcpus;
	d.u.createdomain.max_evtchn_port = 1023;
	d.u.createdomain.max_grant_frames = 64;
	d.u.createdomain.max_maptrack_frames = 1024;
	d.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
	/*
	 * Unlike libxl (no emulated devices for PV), the PIT: Linux calibrates
	 * against channel 2 at boot, and against ports reading all ones it
	 * spins ~150 ms (Mica) to ~550 ms (Xen) first. Xen accepts this flag
	 * for PV domains too.
	 */
	d.u.createdomain.arch.emulation_flags = XEN_X86_EMU_PIT;
	/* A random UUID (version 4), as libxl generates one per domain. */
	ur = fopen("/dev/urandom", "rb");
	if (ur) {
		if (fread(d.u.createdomain.handle, 16, 1, ur) != 1)
			memset(d.u.createdomain.handle, 0x5a, 16);
		fclose(ur);
	}
	d.u.createdomain.handle[6] = (d.u.createdomain.handle[6] & 0x0f) | 0x40;
	d.u.createdomain.handle[8] = (d.u.createdomain.handle[8] & 0x3f) | 0x80;
	r = hc_domctl(&d);
	if (r < 0)
		return fail(b, r, "createdomain");
	b->domid = d.domain;
	step(b, "created domain %u", b->domid);

	memset(&d, 0, sizeof(d));
	d.cmd = XEN_DOMCTL_max_vcpus;
	d.domain = (domid_t)b->domid;
	d.u.max_vcpus.max = (uint32_t)vcpus;
	r = hc_domctl(&d);
	if (r < 0 && r != -ENOSYS)
		return fail(b, r, "max_vcpus");
	return 0;
}

static int set_memory(struct builder *b)
{
	const struct xlcfg *c = b->cfg;
	long mem = c->memory ? c->memory : XL_DEFAULT_MEMORY_MB;
	struct xen_domctl d;
	uint64_t done = 0;
	xen_pfn_t *list;
	int r;

	memset(&d, 0, sizeof(d));
	d.cmd = XEN_DOMCTL_max_mem;
	d.domain = (domid_t)b->domid;
	/* As libxl: the hypervisor's limit follows the target (memory=), not
	 * maxmem=; mem-set raises both when the guest may balloon up. */
	d.u.max_mem.max_memkb = (uint64_t)mem * 1024 + MAXMEM_SLACK_KB;
	r = hc_domctl(&d);
	if (r < 0)
		return fail(b, r, "max_mem");

	b->nr_pages = (uint64_t)mem << (20 - 12);
	b->mfns = calloc(b->nr_pages, sizeof(*b->mfns));
	list = hc_buf(POPULATE_CHUNK * sizeof(*list));
	if (!b->mfns || !list) {
		hc_buf_free(list, POPULATE_CHUNK * sizeof(*list));
		return fail(b, -ENOMEM, "populate_physmap");
	}
	/*
	 * As libxc's meminit_pv: as many 2 MiB extents as the hypervisor will
	 * give (one allocation and one list entry for 512 pages, the slack
	 * being the per-extent work), then single pages for the rest, including
	 * whatever it could not give in 2 MiB pieces. For PV the hypervisor
	 * writes each extent's first mfn back over the pfn given.
	 */
	for (unsigned order = SUPERPAGE_ORDER;; order = 0) {
		uint64_t per = 1ULL << order;

		while (b->nr_pages - done >= per) {
			uint64_t n = (b->nr_pages - done) >> order;
			struct xen_memory_reservation res;
			long got;

			if (n > POPULATE_CHUNK)
				n = POPULATE_CHUNK;
			for (uint64_t i = 0; i < n; i++)
				list[i] = done + i * per;
			memset(&res, 0, sizeof(res));
			set_xen_guest_handle(res.extent_start, list);
			res.nr_extents = n;
			res.extent_order = order;
			res.domid = (domid_t)b->domid;
			got = hc_memory_op(XENMEM_populate_physmap, &res, sizeof(res));
			if (got < 0 || (got == 0 && order == 0)) {
				hc_buf_free(list, POPULATE_CHUNK * sizeof(*list));
				snprintf(b->err, b->errsz, "populate_physmap: %s after %llu "
				         "of %llu pages", got < 0 ? hc_strerror((int)got)
				         : "no memory", (unsigned long long)done,
				         (unsigned long long)b->nr_pages);
				return -1;
			}
			for (long i = 0; i < got; i++)
				for (uint64_t k = 0; k < per; k++)
					b->mfns[done + i * per + k] = list[i] + k;
			done += (uint64_t)got * per;
			if (order && (uint64_t)got < n)
				break;          /* no more 2 MiB pieces: single pages */
		}
		if (order == 0)
			break;
	}
	hc_buf_free(list, POPULATE_CHUNK * sizeof(*list));
	step(b, "populated %llu pages", (unsigned long long)b->nr_pages);
	return 0;
}

static void *map_for_load(void *ctx, uint64_t va, uint64_t len,
                          uint64_t *avail)
{
	struct builder *b = ctx;

	if (va < b->l.virt_base || va >= b->l.map_end ||
	    len > b->l.map_end - va)
		return NULL;
	*avail = len;
	return b->map + (va - b->l.virt_base);
}

static int load(struct builder *b, const struct xl_start_params *sp)
{
	struct xl_layout *l = &b->l;
	uint64_t n = xl_layout_pages(l);
	struct start_info *si;
	char msg[160];

	b->map = hc_map_foreign(b->domid, (const xen_pfn_t *)b->mfns, n, NULL);
	if (!b->map)
		return fail(b, -errno, "mapping the domain's boot frames");
	/*
	 * Nothing to clear: populate_physmap hands out zeroed frames (Mica
	 * clears them at allocation, Xen scrubs freed memory), so the bss,
	 * the tables and start_info start from zero as they must.
	 */
	step(b, "mapped %llu boot frames", (unsigned long long)n);
	if (kimg_load(&b->kernel.k, map_for_load, b) != KIMG_OK) {
		snprintf(b->err, b->errsz, "loading the kernel: %s",
		         kimg_describe(&b->kernel.k, msg, sizeof(msg)));
		return -1;
	}
	step(b, "copied the kernel's segments");
	if (b->ramdisk_len)
		memcpy(b->map + (l->ramdisk - l->virt_base), b->ramdisk,
		       b->ramdisk_len);
	if (!l->p2m_apart)
		memcpy(b->map + (l->p2m - l->virt_base), b->mfns,
		       b->nr_pages * sizeof(uint64_t));
	si = (struct start_info *)(b->map + (l->start_info - l->virt_base));
	xl_layout_start_info(l, b->mfns, sp, si);
	xl_layout_pagetables(l, b->mfns,
	                     (uint64_t *)(b->map + (l->pt - l->virt_base)));
	xl_layout_p2m(l, b->mfns, b->map);
	step(b, "wrote the ramdisk, p2m, start_info and page tables");
	/* No writable mapping of a page-table frame may remain in dom0 when
	 * the L4 is pinned: drop the whole mapping now. */
	hc_unmap(b->map, n);
	b->map = NULL;
	step(b, "loaded kernel, ramdisk (%zu bytes), %llu page-table frames",
	     b->ramdisk_len, (unsigned long long)l->nr_pt);
	return 0;
}

static int init_shared_info(struct builder *b, uint64_t shinfo_mfn)
{
	xen_pfn_t m = shinfo_mfn;
	struct shared_info *s = hc_map_foreign(b->domid, &m, 1, NULL);

	if (!s) {
		/* libxc masks every vCPU's events; a guest unmasks them itself,
		 * so a hypervisor that refuses this mapping is not fatal. */
		step(b, "shared_info not mappable (%s), left as is",
		     strerror(errno));
		return 0;
	}
	for (unsigned i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
		s->vcpu_info[i].evtchn_upcall_mask = 1;
	hc_unmap(s, 1);
	return 0;
}

static int boot_vcpu(struct builder *b)
{
	struct xl_layout *l = &b->l;
	struct kimg_xen *x = &b->kernel.k.xen;
	struct mmuext_op pin;
	struct xen_domctl d;
	struct vcpu_guest_context *ctx;
	int r;

	memset(&pin, 0, sizeof(pin));
	pin.cmd = MMUEXT_PIN_L4_TABLE;
	pin.arg1.mfn = b->mfns[xl_pfn(l, l->pt)];
	r = hc_mmuext_op(&pin, 1, (domid_t)b->domid);
	if (r < 0)
		return fail(b, r, "pinning the L4 page table");

	if (x->virt_hypercall != KIMG_UNSET) {
		memset(&d, 0, sizeof(d));
		d.cmd = XEN_DOMCTL_hypercall_init;
		d.domain = (domid_t)b->domid;
		d.u.hypercall_init.gmfn = b->mfns[xl_pfn(l, x->virt_hypercall)];
		r = hc_domctl(&d);
		if (r < 0)
			return fail(b, r, "hypercall_init");
	}

	ctx = hc_buf(sizeof(*ctx));
	if (!ctx)
		return fail(b, -ENOMEM, "setvcpucontext");
	ctx->user_regs.rip = x->virt_entry;
	ctx->user_regs.rsp = l->stack + XL_PAGE_SIZE;
	ctx->user_regs.rsi = l->start_info;
	ctx->user_regs.rflags = 1 << 9; /* IF: events are masked per vCPU */
	ctx->user_regs.cs = FLAT_KERNEL_CS;
	ctx->user_regs.ss = FLAT_KERNEL_SS;
	ctx->user_regs.ds = ctx->user_regs.es = FLAT_KERNEL_DS;
	ctx->user_regs.fs = ctx->user_regs.gs = FLAT_KERNEL_DS;
	ctx->kernel_ss = FLAT_KERNEL_SS;
	ctx->kernel_sp = ctx->user_regs.rsp;
	ctx->debugreg[6] = 0xffff0ff0; /* architectural reset values */
	ctx->debugreg[7] = 0x00000400;
	ctx->flags = VGCF_in_kernel | VGCF_online;
	ctx->ctrlreg[3] = xen_pfn_to_cr3(b->mfns[xl_pfn(l, l->pt)]);
	memset(&d, 0, sizeof(d));
	d.cmd = XEN_DOMCTL_setvcpucontext;
	d.domain = (domid_t)b->domid;
	d.u.vcpucontext.vcpu = 0;
	set_xen_guest_handle(d.u.vcpucontext.ctxt, ctx);
	r = hc_domctl(&d);
	hc_buf_free(ctx, sizeof(*ctx));
	if (r < 0)
		return fail(b, r, "setvcpucontext");
	step(b, "vCPU 0: rip %#llx rsp %#llx cr3 mfn %#llx",
	     (unsigned long long)x->virt_entry,
	     (unsigned long long)(l->stack + XL_PAGE_SIZE),
	     (unsigned long long)b->mfns[xl_pfn(l, l->pt)]);
	return 0;
}

struct unpack_job {
	struct xl_kernel *kernel;
	const char *path;
	int rc;
	char err[256];
};

static void *unpack_kernel(void *arg)
{
	struct unpack_job *j = arg;

	j->rc = xl_kernel_open(j->kernel, j->path, j->err, sizeof(j->err));
	return NULL;
}

static int build(struct builder *b, struct xs_client *xs,
                 struct xl_built *out)
{
	const struct xlcfg *c = b->cfg;
	struct xen_domctl_getdomaininfo info;
	struct xl_start_params sp;
	struct kimg_xen *x;
	char *cmdline = NULL;
	int r;

	/*
	 * Unpacking the kernel is the longest step and needs no hypervisor;
	 * creating the domain and populating its memory need nothing from
	 * the kernel. So the kernel is unpacked on another thread (dom0 has a
	 * vCPU per CPU) while this one does those. xl's order is the same:
	 * the domain exists before its kernel is read, and a kernel that
	 * cannot be used destroys it again.
	 */
	struct unpack_job job = { .kernel = &b->kernel, .path = c->kernel };
	pthread_t unpacker;
	int threaded = pthread_create(&unpacker, NULL, unpack_kernel, &job) == 0;

	if (!threaded)
		unpack_kernel(&job);
	r = 0;
	if (c->ramdisk && xl_read_file(c->ramdisk, &b->ramdisk,
	                               &b->ramdisk_len, b->err, b->errsz) < 0)
		r = -1;
	if (!r)
		step(b, "read the ramdisk (%zu bytes)", b->ramdisk_len);
	if (!r && (create(b) < 0 || set_memory(b) < 0))
		r = -1;
	if (threaded)
		pthread_join(unpacker, NULL);
	/* A kernel that cannot be used is the first thing to report. */
	if (job.rc < 0) {
		snprintf(b->err, b->errsz, "%s", job.err);
		return -1;
	}
	if (r < 0)
		return -1;
	step(b, "read and unpacked the kernel (%zu bytes, ELF %zu bytes)",
	     b->kernel.file_len, b->kernel.k.elf_len);
	x = &b->kernel.k.xen;
	if (xl_layout_compute(&b->l, x->virt_base, x->virt_kstart,
	                      x->virt_alloc_end, b->ramdisk_len, b->nr_pages,
	                      x->init_p2m != KIMG_UNSET ? x->init_p2m : 0,
	                      b->err, b->errsz) < 0)
		return -1;
	r = hc_getdomaininfo(b->domid, &info);
	if (r < 0)
		return fail(b, r, "getdomaininfo");

	memset(&sp, 0, sizeof(sp));
	sp.shared_info_mfn = info.shared_info_frame;
	r = hc_alloc_unbound(b->domid, 0, &sp.store_evtchn);
	if (r < 0)
		return fail(b, r, "xenstore event channel");
	r = hc_alloc_unbound(b->domid, 0, &sp.console_evtchn);
	if (r < 0)
		return fail(b, r, "console event channel");
	/* xl: root= becomes "root=..." ahead of extra=; cmdline= wins. */
	if (c->cmdline) {
		cmdline = strdup(c->cmdline);
	} else if (c->root || c->extra) {
		size_t n = (c->root ? strlen(c->root) + 6 : 0) +
		           (c->extra ? strlen(c->extra) : 0) + 2;
		cmdline = malloc(n);
		if (cmdline)
			snprintf(cmdline, n, "%s%s%s%s", c->root ? "root=" : "",
			         c->root ? c->root : "",
			         c->root && c->extra ? " " : "",
			         c->extra ? c->extra : "");
	}
	sp.cmdline = cmdline;
	r = load(b, &sp);
	free(cmdline);
	if (r < 0)
		return -1;
	if (init_shared_info(b, info.shared_info_frame) < 0 || boot_vcpu(b) < 0)
		return -1;

	out->domid = b->domid;
	out->nr_pages = b->nr_pages;
	out->store_mfn = b->mfns[xl_pfn(&b->l, b->l.xenstore)];
	out->console_mfn = b->mfns[xl_pfn(&b->l, b->l.console)];
	out->store_port = sp.store_evtchn;
	out->console_port = sp.console_evtchn;
	if (xl_dom_xs_setup(xs, c, out, info.handle, b->err, b->errsz) < 0)
		return -1;
	step(b, "xenstore: introduced domain %u (store mfn %#llx port %u)",
	     b->domid, (unsigned long long)out->store_mfn, out->store_port);
	return 0;
}

int xl_build_domain(const struct xlcfg *cfg, struct xs_client *xs,
                    struct xl_built *out, int verbose, char *err,
                    size_t errsz)
{
	struct builder b;
	int r;

	memset(&b, 0, sizeof(b));
	memset(out, 0, sizeof(*out));
	b.cfg = cfg;
	b.verbose = verbose;
	clock_gettime(CLOCK_MONOTONIC, &b.t0);
	b.err = err;
	b.errsz = errsz;
	b.domid = DOMID_INVALID;
	if (!cfg->kernel) {
		snprintf(err, errsz, "no kernel= in the configuration");
		return -1;
	}
	r = build(&b, xs, out);
	if (b.map)
		hc_unmap(b.map, xl_layout_pages(&b.l));
	if (r < 0 && b.domid != DOMID_INVALID) {
		char e2[128];

		xl_destroy_domain(xs, b.domid, e2, sizeof(e2));
	}
	xl_kernel_close(&b.kernel);
	free(b.ramdisk);
	free(b.mfns);
	return r;
}

int xl_destroy_domain(struct xs_client *xs, uint32_t domid, char *err,
                      size_t errsz)
{
	int r;

	if (domid == 0) {
		snprintf(err, errsz, "cannot destroy domain 0");
		return -1;
	}
	/*
	 * As libxl: the domain dies first, and XenStore learns of it from the
	 * hypervisor (VIRQ_DOM_EXC), so @releaseDomain fires for a dying
	 * domain and watchers such as the console daemon let go of its pages.
	 * (Releasing it in XenStore first fired @releaseDomain while it was
	 * still alive, and nothing fired again once it died.) The RELEASE
	 * after is for a daemon that has not noticed yet.
	 */
	r = hc_domctl_simple(XEN_DOMCTL_destroydomain, domid);
	/* Xen may answer -EAGAIN while it tears down; ask again. */
	for (int i = 0; r == -EAGAIN && i < 1000; i++)
		r = hc_domctl_simple(XEN_DOMCTL_destroydomain, domid);
	if (xs) {
		xl_dom_xs_release(xs, domid);
		xl_dom_xs_cleanup(xs, domid);
	}
	if (r < 0) {
		snprintf(err, errsz, "destroying domain %u: %s", domid,
		         hc_strerror(r));
		return -1;
	}
	return 0;
}
