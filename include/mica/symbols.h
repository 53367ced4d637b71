/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MICA_SYMBOLS_H
#define MICA_SYMBOLS_H

#include <mica/types.h>

/*
 * Name of the symbol containing addr, with the offset into it and its size
 * (distance to the next symbol). NULL when addr is outside Mica's image.
 */
const char *symbol_lookup(uint64_t addr, uint64_t *offset, uint64_t *size);
/* "name+0x1c/0x80" or "0x..." into buf. */
void symbol_format(uint64_t addr, char *buf, size_t n);

#endif
