# Hypervisor command-line parser (common/cmdline.c).
UNIT_SUITES += cmdline
cmdline_SRCS := tests/unit/test_cmdline.c common/cmdline.c
