/*
 * fuzz_desc_limit.c - libFuzzer target for the two descriptor views
 * (hv/core/desc_limit.c): a guest may send any 8 bytes as a descriptor,
 * and neither view may let ring 1 reach the hypervisor region.
 *
 * Input: the descriptor's low and high words (8 bytes), a byte choosing
 * the region's base (the Switcher's, the resident design's, or any
 * page-aligned one), then any number of 4-byte offsets to try.
 *
 * What must hold, checked offset by offset with the CPU's own test
 * (allowed() below, SDM vol. 3, 5.3) rather than with the code's:
 *   - no offset the truncated view allows lands at or above the region,
 *     without the 4 GiB wrap; the offsets tried are the input's and the
 *     edges: 0, the limit and its neighbours, 0xFFFF, 0xFFFFFFFF, and
 *     the distance from the base to the region and the byte before;
 *   - a system descriptor (gate, TSS, LDT) is left as it is, in both
 *     views: it is not a segment, and sanitize_gdt_entry() keeps it out
 *     of the GDT;
 *   - the truncated view changes nothing of a descriptor that already
 *     reached only below the region, and never its base, S or DPL;
 *   - the full view equals the truncated one except for present DPL-3
 *     data, which it keeps as given;
 *   - desc_reach_below() holds of every truncated view.
 *
 * FUZZ_SOURCES: hv/core/desc_limit.c
 * FUZZ_SEEDS: ffff000000b3cf0000 ffff000000f3cf0001 0000ff00009300ff02 00000000009740000310000000
 * FUZZ_MAX_LEN: 64
 */
#include <stdint.h>
#include <string.h>

#include "hv/core/desc_limit.h"

#include "tests/fuzz/fuzz_stubs.h"

static uint32_t word(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Would the CPU let an access at offset o through d?  (One byte.) */
static bool allowed(struct desc d, uint32_t o)
{
	uint32_t limit = (d.lo & 0xFFFF) | (d.hi & 0xF0000);
	bool code = d.hi & (1u << 11);
	uint32_t top = (d.hi & (1u << 22)) ? 0xFFFFFFFFu : 0xFFFFu;

	if (!(d.hi & (1u << 15)) || !(d.hi & (1u << 12)))
		return false;
	if (d.hi & (1u << 23))
		limit = (limit << 12) | 0xFFF;
	if (code || !(d.hi & (1u << 10)))
		return o <= limit;
	return o > limit && o <= top;
}

static uint32_t base_of(struct desc d)
{
	return (d.lo >> 16) | ((d.hi & 0xFF) << 16) | (d.hi & 0xFF000000u);
}

static void check_offset(struct desc t, uint32_t region, uint32_t o)
{
	if (allowed(t, o))
		check((uint64_t)base_of(t) + o < region);
}

static bool reaches_only_below(struct desc d, uint32_t region,
			       const uint32_t *edges, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (allowed(d, edges[i]) &&
		    (uint64_t)base_of(d) + edges[i] >= region)
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t regions[] = { 0xFFC00000u, 0xF8000000u,
					    0xC0000000u, 0x00001000u };
	struct desc d, t, f;
	uint32_t region, limit, edges[12];
	unsigned n = 0;

	if (size < 9)
		return 0;
	d.lo = word(data);
	d.hi = word(data + 4);
	region = data[8] < 4 ? regions[data[8]]
			     : (((uint32_t)data[8] << 24) | 0x1000u) & ~0xFFFu;
	t = desc_truncate(d, region);
	f = desc_full_view(d, region);

	limit = (t.lo & 0xFFFF) | (t.hi & 0xF0000);
	if (t.hi & (1u << 23))
		limit = (limit << 12) | 0xFFF;
	edges[n++] = 0;
	edges[n++] = limit;
	edges[n++] = limit + 1;
	edges[n++] = limit - 1;
	edges[n++] = 0xFFFF;
	edges[n++] = 0xFFFFFFFFu;
	edges[n++] = region - base_of(t);
	edges[n++] = region - base_of(t) - 1;
	for (unsigned i = 0; i < n; i++)
		check_offset(t, region, edges[i]);
	for (size_t at = 9; at + 4 <= size; at += 4)
		check_offset(t, region, word(data + at));
	check(desc_reach_below(t, region));

	if (!(d.hi & (1u << 12))) {
		check(t.lo == d.lo && t.hi == d.hi);
		check(f.lo == t.lo && f.hi == t.hi);
		return 0;
	}
	check(base_of(t) == base_of(d));
	check((t.hi & 0x7000u) == (d.hi & 0x7000u));
	/* The edges of d itself: if none of them reached the region, d
	 * reached only below it (its reach is one interval) and must be
	 * kept exactly. */
	limit = (d.lo & 0xFFFF) | (d.hi & 0xF0000);
	if (d.hi & (1u << 23))
		limit = (limit << 12) | 0xFFF;
	n = 0;
	edges[n++] = limit;
	edges[n++] = limit + 1;
	edges[n++] = 0xFFFF;
	edges[n++] = 0xFFFFFFFFu;
	edges[n++] = 0;
	if (reaches_only_below(d, region, edges, n))
		check(t.lo == d.lo && t.hi == d.hi);
	if ((d.hi & (1u << 15)) && !(d.hi & (1u << 11)) &&
	    ((d.hi >> 13) & 3) == 3)
		check(f.lo == d.lo && f.hi == d.hi);
	else
		check(f.lo == t.lo && f.hi == t.hi);
	return 0;
}
