# Multiboot 1 and 2 information parsing (arch/x86/boot/multiboot.c), with
# hand-built info structures in host memory (mb1 below 4 GiB via MAP_32BIT).
UNIT_SUITES += multiboot
multiboot_SRCS := tests/unit/test_multiboot.c arch/x86/boot/multiboot.c common/memmap.c
multiboot_CFLAGS := -Iarch/x86/include
