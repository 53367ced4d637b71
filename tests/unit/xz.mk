# .xz container, LZMA2 and x86 BCJ decoders; inputs made with host xz.
UNIT_SUITES += xz
xz_SRCS := tests/unit/test_xz.c tests/unit/decomp_util.c \
  common/xz_dec.c common/lzma2_dec.c common/bcj_x86.c common/crc.c
