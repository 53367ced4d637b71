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

# The xl reference image and its benchmark (make xl-ref-image, make xl-ref).
include tests/xlref/xlref.mk
