# Guest memory accounting (common/domain_page.c) over the real reference
# counting and buddy heap: assignment against max_pages, Xen's steal rules,
# release on the last reference.
UNIT_SUITES += domain_page
domain_page_SRCS := tests/unit/test_domain_page.c common/domain_page.c common/page_ref.c common/page_alloc.c
domain_page_LIBS := -lpthread
