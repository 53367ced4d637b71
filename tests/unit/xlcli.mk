# xl-lite's command layer with a fake domain backend: argument parsing,
# help and exit codes, `list` columns, memory sizes, uptime text; and the
# XenStore client against mica-xenstored on a unix socket when it is built.
UNIT_SUITES += xlcli
xlcli_SRCS := tests/unit/test_xlcli.c $(addprefix tools/xl-lite/,main.c \
  cmd_list.c cmd_ctl.c cmd_create.c cmd_console.c build_dom.c \
  build_layout.c build_kernel.c dom_xs.c xs_client.c hcall.c xlcfg.c \
  xlcfg_dev.c) common/kernel_image.c common/xen_elfnote.c common/inflate.c \
  common/xz_dec.c common/lzma2_dec.c common/bcj_x86.c common/crc.c
xlcli_CFLAGS := -Itools/xl-lite -DXL_NO_MAIN
