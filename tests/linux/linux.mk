# The Linux guest kit: Debian's stock kernel and a busybox initramfs.
#
# `make linux-kit` resolves linux-image-amd64 to the versioned package at
# build time, fetches it with apt-get download (no install), and unpacks
# vmlinuz (as shipped: an xz bzImage) and the Xen driver modules. The
# initramfs is busybox-static plus those modules and tests/linux/init.
# Everything is cached under build/linux/; the cache key is the package name,
# so a new Debian kernel release is picked up by `make linux-kit-refresh`.
LINUX_DIR    := $(BUILD)/linux
LINUX_KERNEL := $(LINUX_DIR)/vmlinuz
LINUX_INITRD := $(LINUX_DIR)/initrd.cpio.gz
# The Xen drivers the initramfs carries (their dependencies come along).
LINUX_MODULES := xen-evtchn xen-privcmd xen-gntdev xen-gntalloc xenfs \
  xen-blkfront xen-blkback xen-netfront xen-netback
DEPS_LINUX := busybox-static kmod cpio

.PHONY: deps-linux
deps-linux: ; $(call need_debs,$(DEPS_LINUX))

$(LINUX_DIR)/pkg/.unpacked: | deps-linux
	@mkdir -p $(LINUX_DIR)
	cd $(LINUX_DIR) && rm -rf pkg *.deb && \
	  pkg=$$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $$2; exit}') && \
	  test -n "$$pkg" || { echo "linux-kit: cannot resolve linux-image-amd64 (apt-get update?)"; exit 1; }; \
	  apt-get download $$pkg >download.log 2>&1 || { cat download.log; exit 1; }; \
	  dpkg-deb -x $$pkg_*.deb pkg && echo $$pkg > package.txt && \
	  /sbin/depmod -b pkg $$(ls pkg/lib/modules)
	touch $@

$(LINUX_KERNEL): $(LINUX_DIR)/pkg/.unpacked
	cp $(LINUX_DIR)/pkg/boot/vmlinuz-* $@

$(LINUX_INITRD): $(LINUX_DIR)/pkg/.unpacked tests/linux/init tests/linux/mkinitramfs.sh \
  $(wildcard tests/linux/scripts/*)
	tests/linux/mkinitramfs.sh $(LINUX_DIR)/pkg $@ $(LINUX_MODULES)

.PHONY: linux-kit linux-kit-refresh
linux-kit: $(LINUX_KERNEL) $(LINUX_INITRD)
linux-kit-refresh:
	rm -rf $(LINUX_DIR)/pkg $(LINUX_DIR)/*.deb
	$(MAKE) linux-kit

# ---------------------------------------------------------------------------
# The dom0 image (`make run`, `make dom0-image`): the test initramfs above
# plus the dom0 tools (tests/linux/mkdom0.sh): mica-xenstored and
# mica-xenconsoled (static), xl-lite, Debian's xenstore-utils, the demo
# guest's config, kernel and initramfs. The guest's initramfs is the test
# initramfs itself (same /init, busybox and modules, no tools: /init starts
# no daemons in a domU). Its kernel is the minimal PV kernel when it has
# been built (make minimal-kernel: boots in a fraction of the time), else
# Debian's. Two in-tree test kernels come along for the xl-lite tests
# (tests/linux/scripts/xl-lifecycle): hello.elf as a tiny domU that is
# quick to build and destroy, badiret.elf as a domU that crashes itself.
DOM0_INITRD   := $(LINUX_DIR)/dom0-initrd.cpio.gz
DOMU_KERNEL   := $(firstword $(wildcard $(BUILD)/linux-minimal/bzImage) $(LINUX_KERNEL))
DOM0_PROGRAMS := $(BUILD)/tools/mica-xenstored $(BUILD)/tools/mica-xenconsoled \
  $(BUILD)/tools/xl-lite
# Extra files as SOURCE:PATH-IN-IMAGE pairs.
DOM0_EXTRA := $(BUILD)/guests/hello.elf:/boot/tiny.elf $(BUILD)/guests/badiret.elf:/boot/crash.elf \
  tests/linux/tiny.cfg:/etc/xen/tiny.cfg tests/linux/crash.cfg:/etc/xen/crash.cfg
DEPS_DOM0 := xenstore-utils

.PHONY: deps-dom0 dom0-image
deps-dom0: ; $(call need_debs,$(DEPS_DOM0))

$(DOM0_INITRD): $(LINUX_INITRD) $(DOMU_KERNEL) $(DOM0_PROGRAMS) tests/linux/demo.cfg \
  $(foreach f,$(DOM0_EXTRA),$(firstword $(subst :, ,$(f)))) tests/linux/mkdom0.sh | deps-dom0
	DOM0_EXTRA="$(DOM0_EXTRA)" tests/linux/mkdom0.sh $(LINUX_INITRD) $@ $(DOMU_KERNEL) tests/linux/demo.cfg $(DOM0_PROGRAMS)

dom0-image: $(DOM0_INITRD)
# `make test` fetches the kit through linux-kit: the dom0 image comes along.
linux-kit: $(DOM0_INITRD)
