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
__must_check bool copy_to_guest_virt(struct guest *g, uint32_t gva,
				     const void *src, uint32_t len);
/* A segment as the guest's descriptor describes it (segment bases and
 * limits are applied before paging: a linear address is base + offset). */
struct guest_seg {
	uint32_t base;
	uint32_t limit; /* the last valid offset, granularity applied */
	bool code;	/* a code segment */
	bool big;	/* D/B: 32-bit code, or a 32-bit stack */
};

/* The segment selector sel names, as the CPU loaded it for the code that
 * just trapped.  False if sel is null or an LDT selector, indexes past
 * the GDT or one of the hypervisor's slots, or names a descriptor that is
 * not present or a system descriptor: none of which a running guest's
 * segment register can hold, so the caller refuses. */
__must_check bool guest_segment(const struct guest *g, uint32_t sel,
				struct guest_seg *seg);

/* Up to `max` bytes of the instruction at the guest's CS:EIP, fetched at
 * linear address CS.base + EIP, none beyond CS's limit or past an unmapped
 * page: *got says how many (at least one).  False, with the reason in
 * *why, if CS is unusable, not 32-bit code, EIP is beyond its limit or
 * the first byte is not mapped: the guest's own fault. */
__must_check bool fetch_insn_bytes(struct guest *g, uint8_t *buf, unsigned max,
				   unsigned *got, const char **why);

#endif
