# The minimal PV guest kernel (xen-guest-patches/README.md).
#
# `make minimal-kernel` builds $(BUILD)/linux-minimal/bzImage from Debian's
# linux-source-6.1 with xen-guest-patches/mica-minimal.config (about 6 minutes
# on 2 cores). It is cached: rebuilt only when the fragment, a patch, the
# build script or the source tarball changes. The unpacked source stays in
# $(BUILD)/linux-minimal/src, so a rebuild after a fragment change is
# incremental.
MINIMAL_DIR    := $(BUILD)/linux-minimal
MINIMAL_KERNEL := $(MINIMAL_DIR)/bzImage
DEPS_MINIMAL   := linux-source-6.1 gcc make bc bison flex libelf-dev libssl-dev xz-utils cpio patch

.PHONY: deps-minimal minimal-kernel
deps-minimal: ; $(call need_debs,$(DEPS_MINIMAL))

$(MINIMAL_KERNEL): xen-guest-patches/build.sh xen-guest-patches/mica-minimal.config \
  $(wildcard xen-guest-patches/*.patch) $(wildcard /usr/src/linux-source-6.1.tar.xz) | deps-minimal
	xen-guest-patches/build.sh $(MINIMAL_DIR)

minimal-kernel: $(MINIMAL_KERNEL)
