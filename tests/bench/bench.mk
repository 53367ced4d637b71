# Guest microbenchmarks: `make bench` (not part of `make test`).
# The bench guest is built like the test guests (tests/guests/guests.mk):
# same flags, same runtime (tests/guests/lib), into build/bench/bench.elf.
# tests/bench/run.py boots it as dom0 on Mica and on real Xen 4.17 with
# identical QEMU flags and prints a ratio table (see tests/bench/README.md).
BENCH_SRCS := $(wildcard tests/bench/guest/*.c tests/bench/guest/*.S)
BENCH_ELF := $(BUILD)/bench/bench.elf
# Passed through to run.py, e.g. `make bench BENCH_ARGS="--runs 5"`.
BENCH_ARGS ?=

$(BENCH_ELF): $(BENCH_SRCS) $(GUEST_LIB_SRCS) tests/guests/lib/guest.h tests/guests/lib/guest.lds
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -nostdlib -static -no-pie -Wl,-T,tests/guests/lib/guest.lds \
	  -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments \
	  $(filter %.c %.S,$^) -o $@

.PHONY: bench
bench: all $(BENCH_ELF) xen-ref linux-kit | deps-run
	BUILD=$(BUILD) QEMU=$(QEMU) $(PYTHON) tests/bench/run.py $(BENCH_ARGS)
	BUILD=$(BUILD) QEMU=$(QEMU) $(PYTHON) tests/bench/boot.py
	$(MAKE) --no-print-directory xl-ref
	$(MAKE) --no-print-directory xs-bench

# XenStore round trips per second from dom0 (socket, own ring) and from a
# guest: mica-xenstored vs real Xen's oxenstored (tests/bench/xenstore.py;
# e.g. XS_BENCH_ARGS="--no-xen").
XS_BENCH_ARGS ?=
# The benchmark guest's initramfs: the test initramfs (its /init runs
# /scripts/xs-bench-guest) plus xsbench, appended as a second archive.
XS_GUEST_INITRD := $(BUILD)/bench/xsbench-guest-initrd.cpio.gz
.PHONY: xs-bench
xs-bench: all dom0-image xl-ref-image xen-ref $(BUILD)/tools/xsbench $(XS_GUEST_INITRD) | deps-run
	BUILD=$(BUILD) QEMU=$(QEMU) $(PYTHON) tests/bench/xenstore.py $(XS_BENCH_ARGS)

$(XS_GUEST_INITRD): $(BUILD)/linux/initrd.cpio.gz $(BUILD)/tools/xsbench
	rm -rf $@.d && mkdir -p $@.d/usr/bin && cp $(BUILD)/tools/xsbench $@.d/usr/bin/
	cp $(BUILD)/linux/initrd.cpio.gz $@.tmp
	(cd $@.d && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9 >> $@.tmp
	rm -rf $@.d && mv $@.tmp $@

# The xl reference image and its benchmark (make xl-ref-image, make xl-ref).
include tests/xlref/xlref.mk
