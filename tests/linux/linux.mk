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
