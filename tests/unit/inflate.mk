# DEFLATE/gzip decoder (common/inflate.c); inputs made with host gzip/python3.
UNIT_SUITES += inflate
inflate_SRCS := tests/unit/test_inflate.c tests/unit/decomp_util.c \
  common/inflate.c common/crc.c
