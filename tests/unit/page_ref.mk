# Frame reference and type counting (common/page_ref.c), including
# two-thread tests of the compare-and-swap loops.
UNIT_SUITES += page_ref
page_ref_SRCS := tests/unit/test_page_ref.c common/page_ref.c
page_ref_LIBS := -lpthread
