/*
 * crc32.c - CRC-32 (IEEE 802.3): polynomial 0x04C11DB7 taken bit-reversed
 * (0xEDB88320) because the bits of each byte enter least significant
 * first, register preset to all ones, result inverted.
 *
 * One bit at a time and no table: the only user is the GPT parser, which
 * checks at most a few hundred KiB once per disk at boot, and a table
 * would be either 1 KiB of constants to get right by hand or state built
 * at first use.  Eight shifts per byte cost nothing there.
 */
#include "hv/lib/crc32.h"

#define CRC32_POLY_REFLECTED 0xEDB88320u

uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	/* Undo the previous call's final inversion (or, for crc 0, apply
	 * the preset of all ones), so pieces chain. */
	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (unsigned bit = 0; bit < 8; bit++) {
			/* Shift out the low bit; if it was set, the
			 * polynomial divides in.  The mask is all ones
			 * or zero, which avoids a branch per bit. */
			uint32_t mask = -(crc & 1u);

			crc = (crc >> 1) ^ (CRC32_POLY_REFLECTED & mask);
		}
	}
	return ~crc;
}
