/* SPDX-License-Identifier: GPL-2.0-only */
/* Local APIC (xAPIC) services beyond the timer: ids and interrupt commands. */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <mica/types.h>

/* Interrupt command register (ICR) fields. */
#define APIC_DM_FIXED       0x00000
#define APIC_DM_NMI         0x00400
#define APIC_DM_INIT        0x00500
#define APIC_DM_STARTUP     0x00600
#define APIC_ICR_BUSY       0x01000     /* delivery status: send pending */
#define APIC_INT_ASSERT     0x04000
#define APIC_INT_LEVELTRIG  0x08000

/* This CPU's local APIC id (0 before apic_init()). */
uint32_t apic_id(void);
/* A secondary CPU: enable its local APIC, programmed as the boot CPU's. */
void apic_ap_init(void);
/*
 * Send one interrupt command to the APIC with id 'dest' (physical
 * destination). False if the previous command was still pending after 1 ms
 * (it is sent regardless).
 */
bool apic_icr_send(uint32_t dest, uint32_t icr);
/* Wait up to timeout_us for the last command to leave; false on timeout. */
bool apic_icr_wait(unsigned timeout_us);

#endif
