# Console daemon's pure parts (tools/xenconsoled/xc_console.c): paths, log
# names, the bounded pty buffer, ring output to log and pty, pty input.
UNIT_SUITES += xenconsoled
xenconsoled_SRCS := tests/unit/xenconsoled_test.c tools/xenconsoled/xc_console.c \
  ioring/console_backend.c ioring/byte_ring.c
xenconsoled_CFLAGS := -Itools/xenconsoled
