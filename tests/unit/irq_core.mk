# Physical interrupts, the pure rules (arch/x86/irq_core.c): vectors, IOAPIC
# entries, the GSI layout, Xen's limits, pirq tables, an irq's guests.
UNIT_SUITES += irq_core
irq_core_SRCS := tests/unit/test_irq_core.c arch/x86/irq_core.c arch/x86/madt.c
