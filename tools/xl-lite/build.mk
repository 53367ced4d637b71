# xl-lite: the dom0 toolstack (see tools/xl-lite/). Built static: the dom0
# initramfs has no C library. The kernel reader reuses the hypervisor's
# image parser and decompressors, which build on the host with -DMICA_HOST.
XL_LITE_SRCS := $(addprefix tools/xl-lite/,main.c cmd_list.c cmd_ctl.c \
  cmd_create.c cmd_console.c build_dom.c build_layout.c build_kernel.c \
  dom_xs.c xs_client.c hcall.c xlcfg.c xlcfg_dev.c) \
  common/kernel_image.c common/xen_elfnote.c common/inflate.c \
  common/xz_dec.c common/lzma2_dec.c common/bcj_x86.c common/crc.c
XL_LITE_CFLAGS ?= -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
  -DMICA_HOST -Iinclude -Itools/xl-lite
XL_LITE_LDFLAGS ?= -static -pthread

TOOLS += $(BUILD)/tools/xl-lite

$(BUILD)/tools/xl-lite: $(XL_LITE_SRCS) $(wildcard tools/xl-lite/*.h) \
  $(wildcard include/public/*.h) tools/xenstored/xs_proto.h
	@mkdir -p $(dir $@)
	$(CC) $(XL_LITE_CFLAGS) $(XL_LITE_SRCS) -o $@ $(XL_LITE_LDFLAGS)

.PHONY: xl-lite
xl-lite: $(BUILD)/tools/xl-lite
