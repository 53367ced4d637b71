/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include <mica/types.h>

/* Write SLP_TYP(S5)|SLP_EN; returns false when ACPI S5 is unknown. */
bool acpi_enter_s5(void);
/* Write the FADT reset register; false when there is none. */
bool acpi_reset(void);
/* The ACPI table with this signature ("APIC", "FACP"...), checksummed, or NULL; *len its length. */
const void *acpi_find_table(const char *sig, uint32_t *len);

#endif
