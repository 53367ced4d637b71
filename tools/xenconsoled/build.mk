# mica-xenconsoled: the console daemon for dom0 (see tools/xenconsoled/).
# Static, for the dom0 image. The ring logic is ioring/'s console backend,
# the /dev/xen glue and the daemon helpers are shared with mica-xenstored
# (tools/xenstored/xen_dom0.c, daemon.c)
# and the XenStore client is xl-lite's (tools/xl-lite/xs_client.c).
XENCONSOLED_SRCS := tools/xenconsoled/main.c tools/xenconsoled/xc_console.c \
  ioring/console_backend.c ioring/byte_ring.c tools/xenstored/xen_dom0.c \
  tools/xenstored/daemon.c \
  tools/xl-lite/xs_client.c
XENCONSOLED_CFLAGS ?= -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter
# -DMICA_HOST: ioring/ builds against the C library, as in the unit tests.
XENCONSOLED_CFLAGS += -DMICA_HOST -Iinclude
XENCONSOLED_LDFLAGS ?= -static

TOOLS += $(BUILD)/tools/mica-xenconsoled

$(BUILD)/tools/mica-xenconsoled: $(XENCONSOLED_SRCS) $(wildcard tools/xenconsoled/*.h) \
  tools/xenstored/xen_dom0.h tools/xenstored/daemon.h tools/xl-lite/xs_client.h $(wildcard include/mica/*.h include/public/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(XENCONSOLED_CFLAGS) $(XENCONSOLED_SRCS) -o $@ $(XENCONSOLED_LDFLAGS)
