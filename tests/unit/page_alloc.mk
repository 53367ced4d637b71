# Buddy page allocator over a host frame table (common/page_alloc.c).
UNIT_SUITES += page_alloc
page_alloc_SRCS := tests/unit/test_page_alloc.c common/page_alloc.c
