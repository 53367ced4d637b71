# Shared rings (include/public/io/ring.h) and byte rings (ioring/byte_ring.c).
UNIT_SUITES += ioring
ioring_SRCS := tests/unit/ioring_test.c tests/unit/ioring_xen.c ioring/byte_ring.c
ioring_LIBS := -lpthread
