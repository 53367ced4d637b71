# e820-style memory maps and the boot range allocator (common/memmap.c).
UNIT_SUITES += memmap
memmap_SRCS := tests/unit/test_memmap.c common/memmap.c
