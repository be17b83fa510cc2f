/*
 * pmem.c - the physical page allocator's bitmap (see pmem.h).
 */
#include "hv/mm/pmem.h"

static inline bool test_bit(const struct pmem *pm, uint32_t pfn)
{
	return pm->bitmap[pfn / 32] & (1u << (pfn % 32));
}

static inline void set_free(struct pmem *pm, uint32_t pfn)
{
	pm->bitmap[pfn / 32] |= 1u << (pfn % 32);
}

static inline void set_used(struct pmem *pm, uint32_t pfn)
{
	pm->bitmap[pfn / 32] &= ~(1u << (pfn % 32));
}

void pmem_init(struct pmem *pm, uint64_t limit_addr)
{
	hv_memset(pm->bitmap, 0, sizeof(pm->bitmap));
	if (limit_addr > (uint64_t)PMEM_MAX_PAGES << 12)
		limit_addr = (uint64_t)PMEM_MAX_PAGES << 12;
	pm->limit_pfn = (uint32_t)(limit_addr >> 12);
	pm->total_pages = pm->free_pages = 0;
	pm->next_hint = 0;
}

/* The end of [base, base+len) in bytes, clamped to the managed limit so
 * that a region reaching past 2^64 cannot wrap around to a small number. */
static uint64_t clamp_end(const struct pmem *pm, uint64_t base, uint64_t len)
{
	uint64_t limit = (uint64_t)pm->limit_pfn << 12;

	if (len > limit - base)
		return limit;
	return base + len;
}

void pmem_add(struct pmem *pm, uint64_t base, uint64_t len)
{
	uint64_t first, end;

	/* Checked first: rounding a base near 2^64 up would wrap to 0. */
	if (base >= (uint64_t)pm->limit_pfn << 12)
		return;
	first = (base + 0xFFF) >> 12;
	end = clamp_end(pm, base, len) >> 12; /* exclusive */
	for (uint64_t pfn = first; pfn < end; pfn++) {
		if (!test_bit(pm, (uint32_t)pfn)) {
			set_free(pm, (uint32_t)pfn);
			pm->free_pages++;
			pm->total_pages++;
		}
	}
}

uint32_t pmem_reserve(struct pmem *pm, uint64_t base, uint64_t len)
{
	uint64_t first, end;
	uint32_t n = 0;

	if (len == 0 || base >= (uint64_t)pm->limit_pfn << 12)
		return 0;
	first = base >> 12;
	end = (clamp_end(pm, base, len) + 0xFFF) >> 12;
	for (uint64_t pfn = first; pfn < end; pfn++) {
		if (test_bit(pm, (uint32_t)pfn)) {
			set_used(pm, (uint32_t)pfn);
			pm->free_pages--;
			pm->total_pages--; /* reserved at boot: never usable */
			n++;
		}
	}
	return n;
}

bool pmem_is_free(const struct pmem *pm, uint32_t pfn)
{
	return pfn < pm->limit_pfn && test_bit(pm, pfn);
}

bool pmem_alloc(struct pmem *pm, uint32_t *pfn)
{
	uint32_t words = (pm->limit_pfn + 31) / 32;

	if (pm->free_pages == 0)
		return false;
	/* Scan a word at a time from the hint, wrapping once. */
	for (uint32_t i = 0; i < words; i++) {
		uint32_t w = (pm->next_hint / 32 + i) % words;
		uint32_t bits = pm->bitmap[w];

		if (bits) {
			uint32_t p = w * 32 + (uint32_t)__builtin_ctz(bits);
			if (p >= pm->limit_pfn)
				continue;
			set_used(pm, p);
			pm->free_pages--;
			pm->next_hint = p;
			*pfn = p;
			return true;
		}
	}
	return false;
}

bool pmem_alloc_contig(struct pmem *pm, uint32_t count, uint32_t align,
		       uint32_t *pfn)
{
	if (count == 0 || count > pm->free_pages)
		return false;
	if (align == 0)
		align = 1;
	if (align & (align - 1))
		return false;
	/* First fit.  Guests are created rarely, so a linear scan is fine;
	 * whole empty or full words are skipped 32 pages at a time. */
	for (uint32_t start = 0; start + count <= pm->limit_pfn;) {
		uint32_t run = 0;

		if (start % align) {
			start = ALIGN_UP(start, align);
			continue;
		}
		while (run < count && test_bit(pm, start + run))
			run++;
		if (run == count) {
			for (uint32_t i = 0; i < count; i++)
				set_used(pm, start + i);
			pm->free_pages -= count;
			*pfn = start;
			return true;
		}
		start += run + 1; /* skip past the used page we hit */
		while (start < pm->limit_pfn && start % 32 == 0 &&
		       pm->bitmap[start / 32] == 0)
			start += 32;
	}
	return false;
}

bool pmem_free(struct pmem *pm, uint32_t pfn, uint32_t count)
{
	if (pfn >= pm->limit_pfn || count > pm->limit_pfn - pfn)
		return false;
	for (uint32_t i = 0; i < count; i++)
		if (test_bit(pm, pfn + i))
			return false; /* double free: refuse the whole call */
	for (uint32_t i = 0; i < count; i++)
		set_free(pm, pfn + i);
	pm->free_pages += count;
	return true;
}

uint32_t pmem_largest_run(const struct pmem *pm)
{
	uint32_t best = 0, run = 0;

	for (uint32_t p = 0; p < pm->limit_pfn; p++) {
		if (test_bit(pm, p)) {
			if (++run > best)
				best = run;
		} else {
			run = 0;
		}
	}
	return best;
}
