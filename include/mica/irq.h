/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MICA_IRQ_H
#define MICA_IRQ_H

#include <mica/types.h>

struct cpu_user_regs;
void do_irq(unsigned vector, struct cpu_user_regs *regs);
/* Remap the legacy 8259 PICs away from exception vectors and mask them. */
void pic_disable(void);

#endif
