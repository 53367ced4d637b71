# PV test guests (tests/guests/<name>/*.c + the tiny runtime in lib/).
# Each builds to build/guests/<name>.elf, an ELF64 PV kernel with Xen notes.
GUEST_NAMES := $(notdir $(patsubst %/,%,$(filter-out tests/guests/lib/,$(dir $(wildcard tests/guests/*/*.c)))))
GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-pic -fno-pie \
  -mno-red-zone -mgeneral-regs-only -fno-stack-protector -fno-omit-frame-pointer \
  -fcf-protection=none -fno-asynchronous-unwind-tables -Iinclude
GUEST_LIB_SRCS := $(wildcard tests/guests/lib/*.S tests/guests/lib/*.c) common/lib/vsnprintf.c common/lib/string.c
GUEST_ELFS := $(addprefix $(BUILD)/guests/,$(addsuffix .elf,$(GUEST_NAMES)))

$(BUILD)/guests/%.elf: tests/guests/%/*.c $(GUEST_LIB_SRCS) tests/guests/lib/guest.h tests/guests/lib/guest.lds
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -nostdlib -static -no-pie -Wl,-T,tests/guests/lib/guest.lds \
	  -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments \
	  $(filter %.c %.S,$^) -o $@

.PHONY: guests
guests: $(GUEST_ELFS)
