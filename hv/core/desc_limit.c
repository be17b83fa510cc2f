/*
 * desc_limit.c - [Segments 3] cutting a guest's segments short of the
 * hypervisor region (docs/segment-views.md).
 *
 * Ring 1 is "supervisor" to the paging unit, so paging cannot keep the
 * guest kernel out of pages it must not touch; segment limits can.  The
 * CPU checks every access at offset o through a segment of base b:
 *
 *   expand-up (all code, most data)  o <= limit, at linear b + o
 *   expand-down data                 limit < o <= top, where top is
 *                                    0xFFFF (B = 0) or 0xFFFFFFFF (B = 1)
 *
 * and b + o wraps at 4 GiB, so a segment based at 1 MiB with a 4 GiB
 * limit reaches the top of the address space as surely as a flat one.
 * A segment is safe when the last byte it reaches, computed without the
 * wrap, is below the region.  An expand-up segment can always be made
 * safe by lowering its limit, unless its base is already in the region;
 * an expand-down one cannot (its top is fixed by B), so it is safe as
 * it is or not at all.
 *
 * What cannot be made safe: a code segment becomes not present (nothing
 * legitimate runs code in the hypervisor's region).  A data segment
 * becomes an empty one, expand-down with the largest limit, which no
 * offset satisfies: it still loads, so a selector a user program left in
 * %gs does not make the guest's next entry fault, but every access
 * through it is a #GP.
 */
#include "hv/core/desc_limit.h"

#define LIMIT_FIELD_MAX 0xFFFFFu

static bool is_code(struct desc d)
{
	return d.hi & DESC_HI_CODE;
}

static bool expands_down(struct desc d)
{
	return !is_code(d) && (d.hi & DESC_HI_EXPDOWN);
}

/* The highest offset an expand-down segment allows. */
static uint32_t expand_down_top(struct desc d)
{
	return (d.hi & DESC_HI_DB) ? 0xFFFFFFFFu : 0xFFFFu;
}

bool desc_reach_below(struct desc d, uint32_t region_base)
{
	uint64_t base = desc_base(d);
	uint32_t limit = desc_limit(d);

	if (!(d.hi & DESC_HI_P))
		return true; /* loading it faults: nothing is reached */
	if (!(d.hi & DESC_HI_S))
		return true; /* a gate, TSS or LDT: no segment, no limit; they
			      * never reach the GDT (sanitize_gdt_entry()) */
	if (!expands_down(d))
		return base + limit < region_base;
	if (limit >= expand_down_top(d))
		return true; /* no offset lies above the limit */
	return base + expand_down_top(d) < region_base;
}

static struct desc with_limit(struct desc d, uint32_t field, bool pages)
{
	d.lo = (d.lo & 0xFFFF0000u) | (field & 0xFFFFu);
	d.hi = (d.hi & ~(DESC_HI_LIMIT_HIGH | DESC_HI_G)) |
	       (field & DESC_HI_LIMIT_HIGH) | (pages ? DESC_HI_G : 0);
	return d;
}

/*
 * An expand-up segment based below the region, cut to end just below
 * it.  In pages if it counted in pages and a whole page still fits
 * (losing at most the last partial page), in bytes otherwise; a byte
 * limit that was too large to clamp in bytes could only have been in
 * pages, and then a page fits unless fewer than 4 KiB remain.
 */
static struct desc clamp_expand_up(struct desc d, uint32_t region_base)
{
	uint32_t room = region_base - desc_base(d); /* bytes, at least 1 */

	if ((d.hi & DESC_HI_G) && room >= PAGE_SIZE)
		return with_limit(d, (room >> 12) - 1, true);
	return with_limit(d, room - 1, false);
}

/* Expand-down, 32-bit, the largest limit: no offset is above it.  The
 * base, DPL and writability stay, so it loads wherever d did. */
static struct desc empty_data(struct desc d)
{
	d = with_limit(d, LIMIT_FIELD_MAX, true);
	d.hi |= DESC_HI_EXPDOWN | DESC_HI_DB;
	return d;
}

struct desc desc_truncate(struct desc d, uint32_t region_base)
{
	/* Gates, TSS and LDT descriptors are not segments: their one rule,
	 * that none reaches the GDT, has its home in sanitize_gdt_entry()
	 * (segments.c; the call-gate lab takes it out there). */
	if (!(d.hi & DESC_HI_S))
		return d;
	if (desc_reach_below(d, region_base))
		return d;
	if (!expands_down(d) && desc_base(d) < region_base)
		return clamp_expand_up(d, region_base);
	if (is_code(d)) {
		d.hi &= ~DESC_HI_P;
		return d;
	}
	return empty_data(d);
}

struct desc desc_full_view(struct desc d, uint32_t region_base)
{
	bool user_data = (d.hi & DESC_HI_S) && (d.hi & DESC_HI_P) &&
			 !is_code(d) &&
			 (d.hi & DESC_HI_DPL_MASK) == DESC_HI_DPL_MASK;

	return user_data ? d : desc_truncate(d, region_base);
}
