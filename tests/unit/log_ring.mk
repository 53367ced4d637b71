# Console log ring (common/log_ring.c).
UNIT_SUITES += log_ring
log_ring_SRCS := tests/unit/test_log_ring.c common/log_ring.c
