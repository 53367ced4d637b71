# dom0 kernel image: format detection, unwrapping, ELF64 + Xen notes, load.
UNIT_SUITES += kernel_image
kernel_image_SRCS := tests/unit/test_kernel_image.c tests/unit/decomp_util.c \
  common/kernel_image.c common/xen_elfnote.c common/inflate.c \
  common/xz_dec.c common/lzma2_dec.c common/bcj_x86.c common/crc.c
