# Descriptor validation for PV GDT/LDT pages (arch/x86/pv/descriptor.c).
UNIT_SUITES += descriptor
descriptor_SRCS := tests/unit/test_descriptor.c arch/x86/pv/descriptor.c
