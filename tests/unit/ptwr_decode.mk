# Writable page-table emulation: instruction decoder and executor
# (arch/x86/pv/ptwr_decode.c). The flag checks run the host CPU's own
# instructions with pushf, hence no red zone.
UNIT_SUITES += ptwr_decode
ptwr_decode_SRCS := tests/unit/test_ptwr_decode.c arch/x86/pv/ptwr_decode.c
ptwr_decode_CFLAGS := -mno-red-zone
