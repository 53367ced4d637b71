// SPDX-License-Identifier: GPL-2.0-only
/*
 * xl-lite's domain builder, the parts that need no hypervisor: the
 * virtual layout (libxc's order and sizing), the boot page tables walked
 * as the MMU would walk them over a fake mfn list, start_info, and the
 * kernel reader on Debian's vmlinuz (build/linux/vmlinuz, after `make
 * linux-kit`; the test says it skipped when the file is absent).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build_kernel.h"
#include "build_layout.h"

#define VBASE 0xffffffff80000000ULL
#define KSTART 0xffffffff81000000ULL

static uint64_t *fake_mfns(uint64_t n)
{
	uint64_t *m = malloc(n * sizeof(*m));

	/* Scattered, recognisable machine frames: pfn p -> 0x100000 + 3p. */
	for (uint64_t p = 0; p < n; p++)
		m[p] = 0x100000 + 3 * p;
	return m;
}

/* Walk the tables for @va as the MMU does; returns the L1 entry or 0. */
static uint64_t walk(const struct xl_layout *l, const uint64_t *mfns,
                     const uint64_t *tables, uint64_t va)
{
	uint64_t pt_pfn = xl_pfn(l, l->pt);
	uint64_t e = tables[0 * 512 + ((va >> 39) & 511)];
	int lvl;

	for (lvl = 3; lvl >= 1; lvl--) {
		uint64_t mfn, idx, pfn;

		if (!(e & 1))
			return 0;
		ck_assert_uint_eq(e & 0xfff, XL_UP_PROT);
		mfn = e >> 12;
		/* Find which table frame that is. */
		for (pfn = pt_pfn; pfn < pt_pfn + l->nr_pt; pfn++)
			if (mfns[pfn] == mfn)
				break;
		ck_assert_msg(pfn < pt_pfn + l->nr_pt, "entry points outside "
		              "the page tables");
		idx = (va >> (12 + 9 * (lvl - 1))) & 511;
		e = tables[(pfn - pt_pfn) * 512 + idx];
	}
	return e;
}

START_TEST(test_layout_order)
{
	struct xl_layout l;
	char err[200];
	uint64_t nr = 16384; /* 64 MiB */

	ck_assert_int_eq(xl_layout_compute(&l, VBASE, KSTART,
	                                   KSTART + 0x1234567, 3 << 20, nr, 0,
	                                   err, sizeof(err)), 0);
	ck_assert_uint_eq(l.kend, KSTART + 0x1235000);
	ck_assert_uint_eq(l.ramdisk, l.kend);
	ck_assert_uint_eq(l.p2m, l.ramdisk + (3 << 20));
	ck_assert_uint_eq(l.p2m_len, nr * 8);
	ck_assert_uint_eq(l.start_info, l.p2m + nr * 8);
	ck_assert_uint_eq(l.xenstore, l.start_info + 4096);
	ck_assert_uint_eq(l.console, l.xenstore + 4096);
	ck_assert_uint_eq(l.pt, l.console + 4096);
	ck_assert_uint_eq(l.stack, l.pt + l.nr_pt * 4096);
	/* 4 MiB aligned end with at least 512 KiB after the stack. */
	ck_assert_uint_eq(l.map_end & ((4 << 20) - 1), 0);
	ck_assert_uint_ge(l.map_end - (l.stack + 4096), 512 << 10);
	/* 1 L4, 1 L3, 1 L2 (all within one GiB), L1 per 2 MiB. */
	ck_assert_uint_eq(l.nr_l3, 1);
	ck_assert_uint_eq(l.nr_l2, 1);
	ck_assert_uint_eq(l.nr_l1, (l.map_end - VBASE) >> 21);
	ck_assert_uint_eq(l.nr_pt, 3 + l.nr_l1);
}
END_TEST

START_TEST(test_layout_too_small)
{
	struct xl_layout l;
	char err[200];

	ck_assert_int_eq(xl_layout_compute(&l, VBASE, KSTART, KSTART + (20 << 20),
	                                   0, 2048, 0, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not enough memory"));
	ck_assert_int_eq(xl_layout_compute(&l, VBASE, VBASE - 4096, KSTART, 0,
	                                   65536, 0, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "out of order"));
}
END_TEST

START_TEST(test_pagetables)
{
	struct xl_layout l;
	char err[200];
	uint64_t nr = 32768, *mfns = fake_mfns(nr), *t, va;
	uint64_t pt_pfn;

	ck_assert_int_eq(xl_layout_compute(&l, VBASE, KSTART, KSTART + (5 << 20),
	                                   1 << 20, nr, 0, err, sizeof(err)), 0);
	t = calloc(l.nr_pt, 4096);
	xl_layout_pagetables(&l, mfns, t);
	pt_pfn = xl_pfn(&l, l.pt);
	for (va = VBASE; va < l.map_end; va += 4096) {
		uint64_t e = walk(&l, mfns, t, va), pfn = xl_pfn(&l, va);
		bool is_pt = pfn >= pt_pfn && pfn < pt_pfn + l.nr_pt;

		ck_assert_uint_eq(e >> 12, mfns[pfn]);
		ck_assert_uint_eq(e & 0xfff, is_pt ? XL_L1_PROT & ~XL_PTE_RW
		                                    : XL_L1_PROT);
	}
	/* Nothing mapped past the end, nothing below virt_base. */
	ck_assert_uint_eq(walk(&l, mfns, t, l.map_end), 0);
	ck_assert_uint_eq(walk(&l, mfns, t, VBASE - 4096), 0);
	/* The L4 holds exactly one entry (slot 511 for the top 2 GiB). */
	for (int i = 0; i < 512; i++)
		ck_assert_uint_eq(t[i] != 0, i == 511);
	free(t);
	free(mfns);
}
END_TEST

/*
 * INIT_P2M (Linux asks for its p2m list at 0x8000000000): the list leaves
 * the initial mapping (start_info follows the ramdisk); its frames, then an
 * L3, an L2 and an L1 for it, are the pfns after the mapping, as libxc
 * lays them out; the tables map every list page read-write to its frame
 * and the list holds the p2m. A list sharing the kernel's L4 slot, or
 * unaligned, is refused.
 */
START_TEST(test_p2m_apart)
{
	const uint64_t P2M = 0x8000000000ULL;
	struct xl_layout l;
	struct start_info si;
	struct xl_start_params p = { 0 };
	char err[200];
	uint64_t nr = 32768, *mfns = fake_mfns(nr);

	ck_assert_int_eq(xl_layout_compute(&l, VBASE, KSTART, KSTART + (5 << 20),
	                                   1 << 20, nr, P2M, err, sizeof(err)), 0);
	ck_assert(l.p2m_apart);
	ck_assert_uint_eq(l.p2m, P2M);
	ck_assert_uint_eq(l.start_info, l.ramdisk + (1 << 20));
	ck_assert_uint_eq(l.p2m_pfn, xl_pfn(&l, l.map_end));
	ck_assert_uint_eq(l.nr_p2m_list, nr * 8 / 4096);
	ck_assert_uint_eq(l.nr_p2m_frames, l.nr_p2m_list + 3);

	uint8_t *mem = calloc(xl_layout_pages(&l), 4096);
	xl_layout_pagetables(&l, mfns, (uint64_t *)(mem + xl_pfn(&l, l.pt) * 4096));
	xl_layout_p2m(&l, mfns, mem);
	for (uint64_t i = 0; i < l.nr_p2m_list; i++) {
		uint64_t va = P2M + i * 4096, mfn = mfns[xl_pfn(&l, l.pt)];
		for (unsigned shift = 39; shift >= 12; shift -= 9) {
			const uint64_t *tab = (const uint64_t *)(mem + (mfn - 0x100000) / 3 * 4096);
			uint64_t e = tab[(va >> shift) & 511];

			ck_assert_msg(e & 1, "p2m page %llu: no entry at shift %u",
			              (unsigned long long)i, shift);
			ck_assert_uint_eq(e & 0xfff, shift == 12 ? XL_L1_PROT : XL_UP_PROT);
			mfn = e >> 12;
			if (shift == 12)
				break;
			/* Tables below the L4 are the frames after the list. */
			ck_assert_uint_ge((mfn - 0x100000) / 3, l.p2m_pfn + l.nr_p2m_list);
		}
		ck_assert_uint_eq(mfn, mfns[l.p2m_pfn + i]);
	}
	ck_assert(memcmp(mem + l.p2m_pfn * 4096, mfns, nr * 8) == 0);
	xl_layout_start_info(&l, mfns, &p, &si);
	ck_assert_uint_eq(si.mfn_list, P2M);
	ck_assert_uint_eq(si.first_p2m_pfn, l.p2m_pfn);
	ck_assert_uint_eq(si.nr_p2m_frames, l.nr_p2m_frames);
	free(mem);

	ck_assert_int_eq(xl_layout_compute(&l, VBASE, KSTART, KSTART + (5 << 20),
	                                   1 << 20, nr, VBASE + (64 << 20), err,
	                                   sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "INIT_P2M"));
	ck_assert_int_eq(xl_layout_compute(&l, VBASE, KSTART, KSTART + (5 << 20),
	                                   1 << 20, nr, P2M + 8, err,
	                                   sizeof(err)), -1);
	free(mfns);
}
END_TEST

START_TEST(test_start_info)
{
	struct xl_layout l;
	struct start_info si;
	struct xl_start_params p = { 0x777, 3, 4, "root=/dev/xvda ro" };
	char err[200];
	uint64_t nr = 8192, *mfns = fake_mfns(nr);

	ck_assert_int_eq(xl_layout_compute(&l, VBASE, KSTART, KSTART + (2 << 20),
	                                   12345, nr, 0, err, sizeof(err)), 0);
	xl_layout_start_info(&l, mfns, &p, &si);
	ck_assert_str_eq(si.magic, "xen-3.0-x86_64");
	ck_assert_uint_eq(si.nr_pages, nr);
	ck_assert_uint_eq(si.shared_info, 0x777000);
	ck_assert_uint_eq(si.flags, 0);
	ck_assert_uint_eq(si.store_mfn, mfns[xl_pfn(&l, l.xenstore)]);
	ck_assert_uint_eq(si.store_evtchn, 3);
	ck_assert_uint_eq(si.console.domU.mfn, mfns[xl_pfn(&l, l.console)]);
	ck_assert_uint_eq(si.console.domU.evtchn, 4);
	ck_assert_uint_eq(si.pt_base, l.pt);
	ck_assert_uint_eq(si.nr_pt_frames, l.nr_pt);
	ck_assert_uint_eq(si.mfn_list, l.p2m);
	ck_assert_uint_eq(si.mod_start, l.ramdisk);
	ck_assert_uint_eq(si.mod_len, 12345);
	ck_assert_str_eq((char *)si.cmd_line, "root=/dev/xvda ro");
	ck_assert_uint_eq(si.first_p2m_pfn, 0);
	free(mfns);
}
END_TEST

START_TEST(test_debian_vmlinuz)
{
	const char *path = "build/linux/vmlinuz";
	struct xl_kernel xk;
	struct xl_layout l;
	char err[300];

	if (access(path, R_OK) != 0) {
		fprintf(stderr, "xlbuild: %s absent, real-kernel test skipped "
		        "(make linux-kit)\n", path);
		return;
	}
	ck_assert_msg(xl_kernel_open(&xk, path, err, sizeof(err)) == 0, "%s",
	              err);
	ck_assert_int_eq(xk.k.format, KIMG_FMT_BZIMAGE);
	ck_assert_uint_eq(xk.k.xen.virt_base, VBASE);
	ck_assert_str_eq(xk.k.xen.xen_version, "xen-3.0");
	ck_assert_str_eq(xk.k.xen.loader, "generic");
	ck_assert_uint_ge(xk.k.xen.virt_entry, xk.k.xen.virt_kstart);
	ck_assert_uint_lt(xk.k.xen.virt_entry, xk.k.xen.virt_kend);
	/* Kernels with the XSA-466 fix carry no HYPERCALL_PAGE note. */
	if (xk.k.xen.virt_hypercall != KIMG_UNSET) {
		ck_assert_uint_ge(xk.k.xen.virt_hypercall, xk.k.xen.virt_kstart);
		ck_assert_uint_lt(xk.k.xen.virt_hypercall, xk.k.xen.virt_kend);
	}
	ck_assert_uint_ne(xk.k.xen.init_p2m, KIMG_UNSET);
	/* A 256 MiB domain with a 20 MiB ramdisk fits. */
	ck_assert_msg(xl_layout_compute(&l, xk.k.xen.virt_base,
	                                xk.k.xen.virt_kstart,
	                                xk.k.xen.virt_alloc_end, 20 << 20,
	                                65536, xk.k.xen.init_p2m, err,
	                                sizeof(err)) == 0, "%s",
	              err);
	fprintf(stderr, "xlbuild: vmlinuz entry %#llx, kernel %#llx-%#llx, "
	        "%llu page-table frames\n",
	        (unsigned long long)xk.k.xen.virt_entry,
	        (unsigned long long)xk.k.xen.virt_kstart,
	        (unsigned long long)xk.k.xen.virt_alloc_end,
	        (unsigned long long)l.nr_pt);
	xl_kernel_close(&xk);
}
END_TEST

START_TEST(test_kernel_errors)
{
	struct xl_kernel xk;
	char err[300];
	FILE *f;
	char path[] = "/tmp/xlbuildXXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs("this is not a kernel\n", f);
	fclose(f);
	ck_assert_int_eq(xl_kernel_open(&xk, path, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, path));
	unlink(path);
	ck_assert_int_eq(xl_kernel_open(&xk, "/nonexistent/k", err, sizeof(err)),
	                 -1);
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("xlbuild");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_layout_order);
	tcase_add_test(tc, test_layout_too_small);
	tcase_add_test(tc, test_pagetables);
	tcase_add_test(tc, test_p2m_apart);
	tcase_add_test(tc, test_start_info);
	tcase_add_test(tc, test_debian_vmlinuz);
	tcase_add_test(tc, test_kernel_errors);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
