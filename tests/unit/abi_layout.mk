# Guest ABI headers (include/public) against Debian's libxen-dev (Xen 4.17).
UNIT_SUITES += abi_layout
abi_layout_SRCS := tests/unit/abi_layout_test.c tests/unit/abi_layout_ours.c \
  tests/unit/abi_layout_xen.c tests/unit/abi_layout_ctl_ours.c \
  tests/unit/abi_layout_ctl_xen.c
# The stub directory supplies io/ring.h only while the real one is missing
# (a header next to blkif.h is always found first). The fill functions are
# one huge basic block each; variable tracking would only print notes on them.
abi_layout_CFLAGS := -Itests/unit/abi_layout_stub -fno-var-tracking-assignments \
  -DABI_PUBLIC_DIR='"$(CURDIR)/include/public"'
# Rebuild when any public header or the test's own headers change.
$(BUILD)/unit/abi_layout: $(wildcard include/public/*.h include/public/io/*.h \
  tests/unit/abi_layout*.h tests/unit/abi_layout_stub/*.h)
