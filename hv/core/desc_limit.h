/*
 * desc_limit.h - pure rules for the two views of a guest's descriptors
 * (docs/segment-views.md): what a sanitized guest descriptor becomes so
 * that no byte of [region_base, 4 GiB) can be reached through it.  No
 * hardware is touched here, so the rules are unit-tested and fuzzed on
 * the host.
 */
#ifndef HV_CORE_DESC_LIMIT_H
#define HV_CORE_DESC_LIMIT_H

#include "hv/include/x86.h"

/* Type-field bits of a code or data descriptor (S = 1), in the high word. */
#define DESC_HI_CODE (1u << 11)	   /* code, not data */
#define DESC_HI_EXPDOWN (1u << 10) /* data: expand-down (code: conforming) */
#define DESC_HI_WRITE (1u << 9)	   /* data: writable (code: readable) */
#define DESC_HI_LIMIT_HIGH 0x000F0000u

/*
 * The truncated view: d with its reach cut to end below region_base.
 * Expand-up segments are clamped; a code segment that cannot be (its
 * base in the region) becomes not present; a data segment that cannot
 * be (its base in the region, or expand-down reaching it) becomes an
 * empty one, which still loads but lets no byte through.  Descriptors
 * that reach nothing already come back unchanged.  region_base must be
 * page-aligned and not 0.
 */
struct desc desc_truncate(struct desc d, uint32_t region_base);

/*
 * The full view: the same as the truncated one except for present data
 * segments of DPL 3, which keep d as it is.  Only ring 3 may run with it
 * loaded; paging keeps ring 3 out of the region.
 */
struct desc desc_full_view(struct desc d, uint32_t region_base);

/*
 * Does every byte that can be reached through d, loaded in any segment
 * register, lie below region_base?  The rule the two functions above
 * keep, stated on its own so the tests can hold them to it.
 */
bool desc_reach_below(struct desc d, uint32_t region_base);

#endif
