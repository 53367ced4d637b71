# mica-xenstored: the XenStore daemon for dom0 (see tools/xenstored/).
# XENSTORED_LDFLAGS is separate so a static build can add -static.
XENSTORED_CORE := $(addprefix tools/xenstored/,xs_path.c xs_perms.c xs_tree.c \
  xs_conn.c xs_core.c xs_ops.c xs_watch.c xs_txn.c xs_domain.c xs_ring.c)
XENSTORED_SRCS := $(XENSTORED_CORE) tools/xenstored/xs_unix.c \
  tools/xenstored/xs_xendev.c tools/xenstored/xen_dom0.c tools/xenstored/daemon.c \
  tools/xenstored/main.c
XENSTORED_CFLAGS ?= -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter
# include/ for the Xen public headers (as <public/...>) the glue uses.
XENSTORED_CFLAGS += -Iinclude
XENSTORED_LDFLAGS ?= -static

TOOLS += $(BUILD)/tools/mica-xenstored

$(BUILD)/tools/mica-xenstored: $(XENSTORED_SRCS) $(wildcard tools/xenstored/*.h) $(wildcard include/public/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(XENSTORED_CFLAGS) $(XENSTORED_SRCS) -o $@ $(XENSTORED_LDFLAGS)
