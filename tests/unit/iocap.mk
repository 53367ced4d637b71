# I/O capability range lists (common/iocap.c): domctl ioport/iomem_permission.
UNIT_SUITES += iocap
iocap_SRCS := tests/unit/test_iocap.c common/iocap.c
