/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CRC-32 (IEEE 802.3, as used by gzip and .xz) and CRC-64 (ECMA-182, as used
 * by .xz). Both are the reflected forms with all-ones initial value and final
 * inversion; the update functions take and return the finished value, so
 * crc32_update(0, buf, n) is the CRC of buf and results can be chained.
 */
#ifndef MICA_CRC_H
#define MICA_CRC_H

#include <mica/types.h>

uint32_t crc32_update(uint32_t crc, const void *buf, size_t len);
uint64_t crc64_update(uint64_t crc, const void *buf, size_t len);

#endif
