# SPDX-License-Identifier: GPL-2.0-only
# Mica top-level Makefile.
#
#   make            build the hypervisor: build/mica (multiboot ELF) and build/mica.gz
#   make run        boot Mica in QEMU with the serial console on this terminal
#   make test       unit tests (host, Check), then integration boots in QEMU
#   make unit       host unit tests only (SUITES="a b" to pick suites)
#   make iso        bootable GRUB ISO (multiboot2) with Mica and its modules
#   make deps       install the Debian packages the targets need (as root)
#   make docs       regenerate generated documentation
#
# Pieces that live next to their code add themselves through fragments:
#   tests/unit/*.mk      unit suites   (UNIT_SUITES += name; name_SRCS := ...)
#   tools/*/build.mk     dom0/host tools (TOOLS += path; ...)

BUILD   ?= build
CC      ?= gcc
LD      ?= ld
OBJCOPY ?= objcopy
NM      ?= nm
PYTHON  ?= python3
QEMU    ?= qemu-system-x86_64

# Make's built-in default CC is "cc"; we want gcc everywhere.
ifeq ($(origin CC),default)
CC := gcc
endif

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

# ---------------------------------------------------------------------------
# Debian packages each target needs. Missing ones are installed with apt-get
# when we are root; otherwise the exact apt-get line is printed.
DEPS_BUILD := gcc binutils make python3 gzip
DEPS_RUN   := qemu-system-x86
DEPS_TEST  := $(DEPS_RUN) check pkg-config grub-pc-bin grub-common xorriso mtools libxen-dev \
  xenstore-utils
DEPS_ISO   := grub-pc-bin grub-common xorriso mtools

define need_debs
@missing=""; for p in $(1); do \
  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
done; \
if [ -n "$$missing" ]; then \
  if [ "$$(id -u)" = 0 ]; then \
    echo "deps: installing$$missing"; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $$missing >/dev/null || exit 1; \
  else \
    echo "deps: missing packages; run: sudo apt-get install -y$$missing"; exit 1; \
  fi; \
fi
endef

.PHONY: deps deps-build deps-run deps-test deps-iso
deps-build: ; $(call need_debs,$(DEPS_BUILD))
deps-run:   ; $(call need_debs,$(DEPS_RUN))
deps-test:  ; $(call need_debs,$(DEPS_TEST) $(DEPS_BUILD))
deps-iso:   ; $(call need_debs,$(DEPS_ISO))
deps: deps-test

# ---------------------------------------------------------------------------
# The hypervisor.
#
# Mica runs at 0xffff82d040000000 inside the range Xen reserves for itself in
# every PV guest (L4 slots 256-271). The kernel code model cannot be used:
# it only reaches the top 2 GiB, which belongs to the guest kernel. Instead
# code is compiled RIP-relative (-fpie with hidden visibility, so no GOT and
# no PLT) and linked statically at a fixed address: there is no PIC runtime
# and no relocation at run time.
HV_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
  -ffreestanding -fno-builtin-printf -nostdlib -fno-stack-protector \
  -fno-strict-aliasing -fno-common -fno-omit-frame-pointer \
  -fpie -fvisibility=hidden -include include/mica/visibility.h \
  -mno-red-zone -mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 \
  -fcf-protection=none -fno-asynchronous-unwind-tables \
  -Iinclude -Iarch/x86/include -MMD -MP
ifneq ($(MICA_TEST_BUILD),0)
HV_CFLAGS += -DMICA_TEST_HOOKS
endif
HV_ASFLAGS := $(filter-out -Werror -std=gnu11,$(HV_CFLAGS)) -D__ASSEMBLY__
HV_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
  --no-warn-rwx-segments --build-id=none

HV_DIRS := arch/x86 arch/x86/boot arch/x86/pv common common/lib event grant ioring
HV_C    := $(foreach d,$(HV_DIRS),$(wildcard $(d)/*.c))
HV_S    := $(filter-out arch/x86/mica.lds.S,$(foreach d,$(HV_DIRS),$(wildcard $(d)/*.S)))
HV_OBJS := $(patsubst %.c,$(BUILD)/hv/%.o,$(HV_C)) $(patsubst %.S,$(BUILD)/hv/%.o,$(HV_S)) \
  $(BUILD)/hv/gen/hypercall_table.o
HV_LDS  := $(BUILD)/hv/mica.lds

$(BUILD)/hv/%.o: %.c | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/gen/%.o: $(BUILD)/hv/gen/%.c | deps-build
	$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/%.o: %.S | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(HV_ASFLAGS) -c $< -o $@

# The hypercall table (common/hypercalls.tbl) generates the dispatch code and
# docs/hypercalls.md; `make docs` refreshes the latter, `make test` checks it.
HC_GEN := tools/build/gen-hypercalls.py
$(BUILD)/hv/gen/hypercall_table.c: common/hypercalls.tbl $(HC_GEN)
	@mkdir -p $(dir $@)
	$(PYTHON) $(HC_GEN) c $< > $@

$(HV_LDS): arch/x86/mica.lds.S include/mica/layout.h
	@mkdir -p $(dir $@)
	$(CC) -E -P -x c -D__ASSEMBLY__ -D__LINKER__ -Iinclude $< -o $@

# The symbol table used by the crash dump is embedded in the image. It is
# generated from a link and linked in again: pass 0 has an empty table, pass 1
# a table of the right size (so every address is final), pass 2 the table
# from pass 1; a table generated from pass 2 must equal it.
SYMS_GEN := tools/build/gen-symbols.py
HV_LINK = $(LD) $(HV_LDFLAGS) -T $(HV_LDS) $(HV_OBJS)
$(BUILD)/mica: $(HV_OBJS) $(HV_LDS) $(SYMS_GEN) tools/build/check-image.py
	$(PYTHON) $(SYMS_GEN) --empty > $(BUILD)/hv/syms0.S
	$(CC) $(HV_ASFLAGS) -c $(BUILD)/hv/syms0.S -o $(BUILD)/hv/syms0.o
	$(HV_LINK) $(BUILD)/hv/syms0.o -o $(BUILD)/hv/mica.0
	set -e; for i in 1 2; do \
	  $(NM) -n $(BUILD)/hv/mica.$$((i-1)) | $(PYTHON) $(SYMS_GEN) > $(BUILD)/hv/syms$$i.S; \
	  $(CC) $(HV_ASFLAGS) -c $(BUILD)/hv/syms$$i.S -o $(BUILD)/hv/syms$$i.o; \
	  $(HV_LINK) $(BUILD)/hv/syms$$i.o -o $(BUILD)/hv/mica.$$i; \
	done
	$(NM) -n $(BUILD)/hv/mica.2 | $(PYTHON) $(SYMS_GEN) > $(BUILD)/hv/syms3.S
	cmp -s $(BUILD)/hv/syms2.S $(BUILD)/hv/syms3.S || { echo "symbol table did not converge"; exit 1; }
	$(PYTHON) tools/build/check-image.py $(BUILD)/hv/mica.2
	cp $(BUILD)/hv/mica.2 $@

$(BUILD)/mica.gz: $(BUILD)/mica
	gzip -9 -n -c $< > $@

.PHONY: all
all: $(BUILD)/mica $(BUILD)/mica.gz

-include $(HV_OBJS:.o=.d)

# ---------------------------------------------------------------------------
# Host unit tests (Check). Each tests/unit/NAME.mk adds a suite.
UNIT_SUITES :=
include $(wildcard tests/unit/*.mk)
SUITES ?= $(UNIT_SUITES)

UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
  -DMICA_HOST -Iinclude -fsanitize=address,undefined -fno-omit-frame-pointer \
  $(shell pkg-config --cflags check 2>/dev/null)
UNIT_LIBS := $(shell pkg-config --libs check 2>/dev/null) -fsanitize=address,undefined

define unit_rule
$(BUILD)/unit/$(1): $$($(1)_SRCS) $$(wildcard include/mica/*.h include/public/*.h) | deps-test
	@mkdir -p $$(dir $$@)
	$$(CC) $$(UNIT_CFLAGS) $$($(1)_CFLAGS) $$($(1)_SRCS) -o $$@ $$(UNIT_LIBS) $$($(1)_LIBS)
endef
$(foreach s,$(UNIT_SUITES),$(eval $(call unit_rule,$(s))))

.PHONY: unit
unit: $(addprefix $(BUILD)/unit/,$(SUITES))
	@BUILD=$(BUILD) tests/unit/run-suites.sh $(SUITES)

# ---------------------------------------------------------------------------
# dom0 / host tools. Each tools/*/build.mk adds itself to TOOLS.
TOOLS :=
include $(wildcard tools/*/build.mk)
.PHONY: tools
tools: $(TOOLS)

# ---------------------------------------------------------------------------
# Test guests, integration boots, ISO, the reference Xen.
include tests/guests/guests.mk
include tests/bench/bench.mk
include tests/linux/linux.mk
include xen-guest-patches/minimal.mk

# `make iso` packs the smallest PV test guest (with itself as a stand-in
# initrd): the GRUB boot test checks its output.
ISO_KERNEL ?= $(BUILD)/guests/hello.elf
ISO_INITRD ?= $(BUILD)/guests/hello.elf

$(BUILD)/mica.iso: $(BUILD)/mica.gz $(ISO_KERNEL) $(ISO_INITRD) tests/iso/grub.cfg | deps-iso
	rm -rf $(BUILD)/iso && mkdir -p $(BUILD)/iso/boot/grub
	cp $(BUILD)/mica.gz $(BUILD)/iso/boot/mica.gz
	cp $(ISO_KERNEL) $(BUILD)/iso/boot/dom0-kernel
	cp $(ISO_INITRD) $(BUILD)/iso/boot/dom0-initrd
	cp tests/iso/grub.cfg $(BUILD)/iso/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(BUILD)/iso >$(BUILD)/iso.log 2>&1 || { cat $(BUILD)/iso.log; exit 1; }

.PHONY: iso
iso: $(BUILD)/mica.iso

# Debian's Xen 4.17, the oracle for guest tests and benchmarks: fetched with
# apt-get download (no install needed), gunzipped to the ELF32 image that
# QEMU -kernel boots.
$(BUILD)/xen-ref/xen:
	@mkdir -p $(BUILD)/xen-ref
	cd $(BUILD)/xen-ref && rm -f *.deb && apt-get download xen-hypervisor-4.17-amd64 >download.log 2>&1 \
	  || { cat download.log; exit 1; }
	cd $(BUILD)/xen-ref && dpkg-deb -x xen-hypervisor-4.17-amd64_*.deb pkg \
	  && zcat pkg/boot/xen-4.17-amd64.gz > xen && ls pkg/boot > version.txt

.PHONY: xen-ref
xen-ref: $(BUILD)/xen-ref/xen

.PHONY: test integration
test: deps-test all guests iso xen-ref linux-kit tools $(addprefix $(BUILD)/unit/,$(UNIT_SUITES))
	@BUILD=$(BUILD) tests/run-all.sh
integration: all guests iso
	BUILD=$(BUILD) $(PYTHON) tests/integration/run.py $(if $(K),-k $(K))

# `make run`: Debian's stock kernel as dom0 with the dom0 image (the test
# initramfs plus the dom0 daemons, xl-lite and a demo guest: tests/linux/
# linux.mk), whose /init starts the daemons and gives a shell on hvc0
# (`poweroff` ends QEMU). SMP=n for n CPUs.
# Single-threaded TCG: QEMU 7.2's multi-threaded TCG can crash while Linux
# probes devices from two vCPUs (see tests/integration/linux_tests.py).
RUN_KERNEL ?= $(LINUX_KERNEL)
RUN_INITRD ?= $(DOM0_INITRD)
SMP ?= 2
QEMU_FLAGS ?= -accel tcg,thread=single -cpu max -m 2048 -smp $(SMP) -nographic -no-reboot \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04
HV_ARGS ?= console=com1 loglvl=info dom0_mem=1G
.PHONY: run
run: deps-run all $(RUN_KERNEL) $(RUN_INITRD)
	$(QEMU) $(QEMU_FLAGS) -kernel $(BUILD)/mica -append "$(HV_ARGS)" \
	  -initrd "$(RUN_KERNEL) console=hvc0,$(RUN_INITRD)"

.PHONY: docs
docs:
	$(PYTHON) $(HC_GEN) md common/hypercalls.tbl > docs/hypercalls.md

.PHONY: clean
clean:
	rm -rf $(BUILD)

.PHONY: print-unit-suites
print-unit-suites:
	@echo $(UNIT_SUITES)
