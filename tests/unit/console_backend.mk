# Console ring backend (ioring/console_backend.c): Mica's half of a xencons_interface page.
UNIT_SUITES += console_backend
console_backend_SRCS := tests/unit/test_console_backend.c ioring/console_backend.c ioring/byte_ring.c
