# PIT channel 2 and port 0x61 of PV domains (arch/x86/pv/vpit.c): the 8254
# modes against time, latches, read-back, and Linux's calibration loop.
UNIT_SUITES += vpit
vpit_SRCS := tests/unit/test_vpit.c arch/x86/pv/vpit.c
