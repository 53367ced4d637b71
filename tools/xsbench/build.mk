# xsbench: XenStore round trips per second over the daemon's unix socket or
# the kernel's xenbus device (see tools/xsbench/xsbench.c). Static: it goes
# into the dom0 image and the guests' initramfs (tests/linux/linux.mk) and
# into real Xen's reference image for tests/bench/xenstore.py.
XSBENCH_CFLAGS ?= -std=gnu11 -O2 -Wall -Wextra -Werror -Iinclude
XSBENCH_LDFLAGS ?= -static

TOOLS += $(BUILD)/tools/xsbench

$(BUILD)/tools/xsbench: tools/xsbench/xsbench.c include/public/io/xs_wire.h
	@mkdir -p $(dir $@)
	$(CC) $(XSBENCH_CFLAGS) $< -o $@ $(XSBENCH_LDFLAGS)
