/*
 * crc32.h - the CRC-32 of IEEE 802.3, which GPT uses to seal its header
 * and its partition entries (and zlib, PNG and Ethernet use too).
 */
#ifndef HV_LIB_CRC32_H
#define HV_LIB_CRC32_H

#include "hv/lib/lib.h"

/*
 * The CRC of buf[0..len) continued from `crc`, the CRC of what came
 * before: start with 0, and feed the pieces of a long buffer one after
 * another, so crc32_ieee(crc32_ieee(0, a, n), b, m) is the CRC of a then b.
 * (The same convention as zlib's crc32(): the 0xFFFFFFFF initial value
 * and final inversion happen inside, so callers never see them.)
 */
uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len);

#endif
