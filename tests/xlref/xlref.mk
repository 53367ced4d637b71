# The xl reference: Debian 12's own Xen toolstack (xen-utils-4.17: xl,
# oxenstored, xenconsoled) in a dom0 initramfs, booted on real Xen 4.17
# (make xen-ref) under the QEMU flags of the benchmarks. It is the oracle for
# xl-lite's output formats (tests/xlref/expected/) and the reference for its
# create-to-ready and 20-domain list times (issue 6). See tests/bench/xlref.py.
#
#   make xl-ref-image   build $(BUILD)/xlref/dom0-initrd.cpio.gz (and the guest's initramfs)
#   make xl-ref         build it, boot it on real Xen and the same scripts with
#                       xl-lite on Mica (Mica's dom0 image + the scripts,
#                       tests/xlref/mkmica.sh); print both and the ratios
#
# Included from tests/bench/bench.mk, i.e. before tests/linux/linux.mk: the
# paths of the Linux kit are spelled out here, not taken from its variables.
XLREF_DIR    := $(BUILD)/xlref
XLREF_IMAGE  := $(XLREF_DIR)/dom0-initrd.cpio.gz
XLREF_CLOCK  := $(XLREF_DIR)/xlref-clock
XLREF_KPKG   := $(BUILD)/linux/pkg
# The guest kernel: the minimal PV kernel when built (make minimal-kernel), else Debian's.
XLREF_DOMU_KERNEL := $(firstword $(wildcard $(BUILD)/linux-minimal/bzImage) $(BUILD)/linux/vmlinuz)
# Passed through to tests/bench/xlref.py, e.g. XLREF_ARGS="--runs 5 --save".
XLREF_ARGS ?=

$(XLREF_CLOCK): tests/xlref/xlref-clock.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static $< -o $@

$(XLREF_IMAGE): $(XLREF_KPKG)/.unpacked $(XLREF_DOMU_KERNEL) $(XLREF_CLOCK) tests/xlref/mkimage.sh \
  tests/xlref/init tests/xlref/domu-init tests/xlref/xl.conf $(wildcard tests/xlref/*.cfg) \
  $(wildcard tests/xlref/scripts/*) | deps-linux
	sh tests/xlref/mkimage.sh $(XLREF_DIR) $(XLREF_KPKG) $(XLREF_DOMU_KERNEL) $(XLREF_CLOCK)

XLREF_MICA_IMAGE := $(XLREF_DIR)/mica-initrd.cpio.gz
$(XLREF_MICA_IMAGE): $(XLREF_IMAGE) $(BUILD)/linux/dom0-initrd.cpio.gz tests/xlref/mkmica.sh
	sh tests/xlref/mkmica.sh $(BUILD)/linux/dom0-initrd.cpio.gz $(XLREF_DIR) $@

.PHONY: xl-ref-image xl-ref
xl-ref-image: $(XLREF_IMAGE)
xl-ref: $(XLREF_IMAGE) $(XLREF_MICA_IMAGE) xen-ref linux-kit all | deps-run
	BUILD=$(BUILD) QEMU=$(QEMU) $(PYTHON) tests/bench/xlref.py --mica-image $(XLREF_MICA_IMAGE) $(XLREF_ARGS)
