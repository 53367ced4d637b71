# ACPI MADT parser (arch/x86/madt.c): CPUs, IOAPICs, overrides for SMP bring-up.
UNIT_SUITES += madt
madt_SRCS := tests/unit/test_madt.c arch/x86/madt.c
