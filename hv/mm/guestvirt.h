/*
 * guestvirt.h - reading and writing a guest's memory by the addresses its
 * own code uses: guest-virtual, through its page tables (or linear mode).
 */
#ifndef HV_MM_GUESTVIRT_H
#define HV_MM_GUESTVIRT_H

#include "hv/lib/lib.h"

struct guest;

/* False if any page is unmapped, not writable (for a write) or outside
 * RAM; nothing is copied past the first bad page. */
__must_check bool copy_from_guest_virt(struct guest *g, void *dst, uint32_t gva,
			  uint32_t len);
__must_check bool copy_to_guest_virt(struct guest *g, uint32_t gva, const void *src,
			uint32_t len);
/* Up to `max` instruction bytes at gva; returns how many were fetched. */
__must_check unsigned fetch_insn_bytes(struct guest *g, uint32_t gva, uint8_t *buf,
			  unsigned max);

#endif
