# xl-lite's PV domain builder: layout, boot page tables, start_info, and the
# kernel reader on Debian's real vmlinuz (skipped when absent).
UNIT_SUITES += xlbuild
xlbuild_SRCS := tests/unit/test_xlbuild.c tools/xl-lite/build_layout.c \
  tools/xl-lite/build_kernel.c common/kernel_image.c common/xen_elfnote.c \
  common/inflate.c common/xz_dec.c common/lzma2_dec.c common/bcj_x86.c \
  common/crc.c
xlbuild_CFLAGS := -Itools/xl-lite
