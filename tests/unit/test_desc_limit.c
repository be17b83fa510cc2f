/*
 * test_desc_limit.c - the two descriptor views (hv/core/desc_limit.c,
 * docs/segment-views.md): every guest segment cut short of the
 * hypervisor region, except DPL-3 data in the full view.
 *
 * Descriptors are written as the raw hi:lo words a guest would send
 * (after sanitizing: DPL 0 raised to 1, accessed set), and the expected
 * results as words too, worked out by hand from the SDM's layout, so a
 * wrong constant in x86.h or desc_limit.h cannot agree with itself here.
 * reaches() is this file's own statement of what the CPU lets through.
 *
 * UNIT_SOURCES: hv/core/desc_limit.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hv/core/desc_limit.h"

#define R 0xFFC00000u /* the Switcher's base: the region today */

/* Sanitized forms of what Linux sends (ABI 7). */
#define KERNEL_CS_HI 0x00CFBB00u /* DPL 1 code, 4 GiB, G, D */
#define KERNEL_DS_HI 0x00CFB300u /* DPL 1 data */
#define USER_CS_HI 0x00CFFB00u	 /* DPL 3 code */
#define USER_DS_HI 0x00CFF300u	 /* DPL 3 data */
#define FLAT_LO 0x0000FFFFu

static struct desc mk(uint32_t hi, uint32_t lo)
{
	return (struct desc){ lo, hi };
}

/* A descriptor from its fields; hi_flags carries type, S, DPL, P, B, G. */
static struct desc seg(uint32_t base, uint32_t limit, uint32_t hi_flags)
{
	return mk((base & 0xFF000000u) | ((base >> 16) & 0xFFu) |
			  (limit & 0xF0000u) | hi_flags,
		  (base << 16) | (limit & 0xFFFFu));
}

#define P (1u << 15)
#define S (1u << 12)
#define DPL1 (1u << 13)
#define DPL3 (3u << 13)
#define B (1u << 22)
#define G (1u << 23)
#define DATA_RW (0x3u << 8)   /* data, writable, accessed */
#define DATA_DOWN (0x7u << 8) /* data, expand-down, writable, accessed */
#define CODE_RX (0xBu << 8)   /* code, readable, accessed */

/*
 * The last linear byte the CPU lets through d, without the 4 GiB wrap,
 * or -1 if none.  SDM vol. 3, 5.3: expand-up offsets 0..limit; expand-
 * down data limit+1..top, top 0xFFFF or 0xFFFFFFFF by the B flag.
 */
static int64_t last_byte(struct desc d)
{
	uint32_t base =
		(d.lo >> 16) | ((d.hi & 0xFF) << 16) | (d.hi & 0xFF000000u);
	uint64_t limit = (d.lo & 0xFFFF) | (d.hi & 0xF0000);
	bool code = d.hi & (1u << 11), down = !code && (d.hi & (1u << 10));
	uint64_t top = (d.hi & B) ? 0xFFFFFFFFu : 0xFFFFu;

	if (!(d.hi & P))
		return -1;
	if (d.hi & G)
		limit = limit * 4096 + 4095;
	if (!down)
		return (int64_t)(base + limit);
	return limit >= top ? -1 : (int64_t)(base + top);
}

static bool reaches(struct desc d, uint32_t region)
{
	return last_byte(d) >= (int64_t)region;
}

static void assert_desc(struct desc got, struct desc want)
{
	assert_int_equal(got.hi, want.hi);
	assert_int_equal(got.lo, want.lo);
}

/* The kernel's flat segments: limit 0xFFBFF pages, so they end at
 * 0xFFBFFFFF; nothing else about them changes. */
static void flat_segments_clamped_in_pages(void **state)
{
	assert_desc(desc_truncate(mk(KERNEL_DS_HI, FLAT_LO), R),
		    mk(0x00CFB300u, 0x0000FBFFu));
	assert_desc(desc_truncate(mk(KERNEL_CS_HI, FLAT_LO), R),
		    mk(0x00CFBB00u, 0x0000FBFFu));
	assert_desc(desc_truncate(mk(USER_CS_HI, FLAT_LO), R),
		    mk(0x00CFFB00u, 0x0000FBFFu));
	assert_desc(desc_truncate(mk(USER_DS_HI, FLAT_LO), R),
		    mk(0x00CFF300u, 0x0000FBFFu));
	/* A lower region (the resident design's) clamps further. */
	assert_desc(desc_truncate(mk(KERNEL_DS_HI, FLAT_LO), 0xF8000000u),
		    mk(0x00CFB300u, 0x00007FFFu));
	assert_false(reaches(desc_truncate(mk(KERNEL_DS_HI, FLAT_LO), R), R));
}

/* Byte-granular segments are clamped in bytes. */
static void byte_granular_clamped_in_bytes(void **state)
{
	/* 0xFFBFF000 + 0x1FFF would end at 0xFFC00FFF. */
	assert_desc(desc_truncate(seg(0xFFBFF000u, 0x1FFF,
				      P | S | DPL1 | B | DATA_RW),
				  R),
		    seg(0xFFBFF000u, 0x0FFF, P | S | DPL1 | B | DATA_RW));
	/* Already below: untouched. */
	assert_desc(desc_truncate(seg(0x00100000u, 0xFFFFF,
				      P | S | DPL1 | B | DATA_RW),
				  R),
		    seg(0x00100000u, 0xFFFFF, P | S | DPL1 | B | DATA_RW));
}

/* Less than a page below the region: pages cannot say it, bytes can. */
static void pages_fall_back_to_bytes(void **state)
{
	struct desc d = seg(0xFFBFF800u, 0, P | S | DPL1 | G | B | DATA_RW);

	assert_true(reaches(d, R)); /* one page: up to 0xFFC007FF */
	assert_desc(desc_truncate(d, R),
		    seg(0xFFBFF800u, 0x7FF, P | S | DPL1 | B | DATA_RW));
	/* One byte of room. */
	assert_desc(desc_truncate(seg(0xFFBFFFFFu, 0xFFFFF,
				      P | S | DPL1 | G | B | DATA_RW),
				  R),
		    seg(0xFFBFFFFFu, 0, P | S | DPL1 | B | DATA_RW));
}

/* A base that is not page-aligned: whole pages, the partial one lost
 * (glibc's TLS segment, base at its thread block, limit 4 GiB). */
static void unaligned_base(void **state)
{
	struct desc tls =
		seg(0x0804A6C0u, 0xFFFFF, P | S | DPL3 | G | B | DATA_RW);
	struct desc t = desc_truncate(tls, R);

	/* 0xFFC00000 - 0x0804A6C0 = 0xF7BB5940: 0xF7BB5 whole pages. */
	assert_desc(t,
		    seg(0x0804A6C0u, 0xF7BB4, P | S | DPL3 | G | B | DATA_RW));
	assert_int_equal(last_byte(t), 0xFFBFF6BF);
}

/* base + limit past 4 GiB wraps round to the bottom, through the
 * region: clamped like any other. */
static void wrap_past_4g(void **state)
{
	struct desc d =
		seg(0x00100000u, 0xFFFFF, P | S | DPL1 | G | B | DATA_RW);

	assert_desc(desc_truncate(d, R),
		    seg(0x00100000u, 0xFFAFF, P | S | DPL1 | G | B | DATA_RW));
	/* A byte-granular one near the top whose end wraps. */
	d = seg(0xFFFFFF00u, 0xFFFFF, P | S | DPL1 | B | DATA_RW);
	assert_true(reaches(d, R));
	assert_false(reaches(desc_truncate(d, R), R));
}

/* A base inside the region cannot be clamped: data becomes the empty
 * segment (expand-down, B, G, limit 0xFFFFF: no offset above 4 GiB - 1),
 * code becomes not present. */
static void base_in_region(void **state)
{
	struct desc d = seg(R, 0xFFF, P | S | DPL1 | DATA_RW);
	struct desc t = desc_truncate(d, R);

	assert_desc(t, seg(R, 0xFFFFF, P | S | DPL1 | B | G | DATA_DOWN));
	assert_int_equal(last_byte(t), -1);
	assert_desc(
		desc_truncate(seg(0xFFFFF000u, 0, P | S | DPL3 | CODE_RX), R),
		seg(0xFFFFF000u, 0, S | DPL3 | CODE_RX));
}

/* Expand-down: safe only if base + top stays below the region. */
static void expand_down(void **state)
{
	struct desc safe = seg(0x10000000u, 0x0FFF, P | S | DPL1 | DATA_DOWN);
	struct desc flat = seg(0, 0, P | S | DPL1 | B | DATA_DOWN);
	struct desc near = seg(0xFFBF8000u, 0, P | S | DPL1 | DATA_DOWN);
	struct desc empty16 =
		seg(0xFFFF0000u, 0xFFFF, P | S | DPL1 | DATA_DOWN);

	/* 16-bit, top 0xFFFF: 0x10001000..0x1000FFFF. */
	assert_desc(desc_truncate(safe, R), safe);
	/* 32-bit from base 0: offsets 1..0xFFFFFFFF, the region among them;
	 * no limit fixes that. */
	assert_desc(desc_truncate(flat, R),
		    seg(0, 0xFFFFF, P | S | DPL1 | B | G | DATA_DOWN));
	/* 16-bit just below the region: its top is in it. */
	assert_true(reaches(near, R));
	assert_int_equal(last_byte(desc_truncate(near, R)), -1);
	/* limit == top: reaches nothing, even based in the region. */
	assert_desc(desc_truncate(empty16, R), empty16);
}

/* 16-bit expand-up segments follow the expand-up rule. */
static void sixteen_bit(void **state)
{
	struct desc d = seg(0xFFBF8000u, 0xFFFF, P | S | DPL1 | DATA_RW);
	struct desc c = seg(0xFFBF8000u, 0xFFFF, P | S | DPL1 | CODE_RX);

	assert_desc(desc_truncate(d, R),
		    seg(0xFFBF8000u, 0x7FFF, P | S | DPL1 | DATA_RW));
	assert_desc(desc_truncate(c, R),
		    seg(0xFFBF8000u, 0x7FFF, P | S | DPL1 | CODE_RX));
}

/* Not present: loading it faults, nothing to cut. */
static void not_present_untouched(void **state)
{
	struct desc d = seg(R, 0xFFFFF, S | DPL1 | G | B | DATA_RW);

	assert_desc(desc_truncate(d, R), d);
	assert_desc(desc_full_view(d, R), d);
	assert_desc(desc_truncate(mk(0, 0), R), mk(0, 0));
}

/* System descriptors are not segments: the limit rules leave them as they
 * are, and say nothing of their reach.  Keeping them out of the GDT is
 * sanitize_gdt_entry()'s rule (segments.c; guest-gdt-call-gate). */
static void system_descriptors(void **state)
{
	struct desc call_gate = mk(0x0000EC00u, 0x00500000u); /* DPL 3 */
	struct desc tss = seg(0x1000, 0x67, P | (0x9u << 8));
	struct desc absent = mk(0x00008900u & ~P, 0x1234u);

	assert_desc(desc_truncate(call_gate, R), call_gate);
	assert_desc(desc_full_view(call_gate, R), call_gate);
	assert_desc(desc_truncate(tss, R), tss);
	assert_desc(desc_truncate(absent, R), absent);
	assert_true(desc_reach_below(call_gate, R));
}

/* The full view keeps DPL-3 data whole and cuts everything else. */
static void full_view_dpl3_data_only(void **state)
{
	struct desc user_ds = mk(USER_DS_HI, FLAT_LO);
	struct desc tls =
		seg(0x0804A6C0u, 0xFFFFF, P | S | DPL3 | G | B | DATA_RW);
	struct desc down3 = seg(0, 0, P | S | DPL3 | B | DATA_DOWN);
	struct desc high3 = seg(R, 0xFFFFF, P | S | DPL3 | G | B | DATA_RW);

	assert_desc(desc_full_view(user_ds, R), user_ds);
	assert_desc(desc_full_view(tls, R), tls);
	assert_desc(desc_full_view(down3, R), down3);
	assert_desc(desc_full_view(high3, R), high3);
	/* DPL 1 data, and code of any DPL, as in the truncated view. */
	assert_desc(desc_full_view(mk(KERNEL_DS_HI, FLAT_LO), R),
		    desc_truncate(mk(KERNEL_DS_HI, FLAT_LO), R));
	assert_desc(desc_full_view(mk(USER_CS_HI, FLAT_LO), R),
		    desc_truncate(mk(USER_CS_HI, FLAT_LO), R));
	assert_desc(desc_full_view(mk(0x00CFD300u, FLAT_LO), R), /* DPL 2 */
		    mk(0x00CFD300u, 0x0000FBFFu));
}

static uint32_t rng = 0x2545F491u;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/*
 * Random descriptors, biased towards the edges (bases near the region
 * and near 4 GiB, limits 0 and all ones): the truncated view never
 * reaches the region, by this file's rule and by desc_reach_below();
 * what already did not is untouched; base, DPL and S never change; the
 * full view differs from it only for present DPL-3 data.
 */
static void random_descriptors(void **state)
{
	static const uint32_t bases[] = { 0,	       0x00100000u, 0xFFBF8000u,
					  0xFFBFF800u, R - 1,	    R,
					  0xFFFFF000u, 0xFFFFFFFFu };
	static const uint32_t regions[] = { R, 0xF8000000u, 0x40000000u,
					    0x1000u };

	for (int i = 0; i < 200000; i++) {
		uint32_t region = regions[next() % 4];
		struct desc d = { next(), next() }, t, f;

		if (next() % 2) {
			uint32_t base = bases[next() % 8] + next() % 3 - 1;

			d.lo = (d.lo & 0xFFFFu) | (base << 16);
			d.hi = (d.hi & 0x00FFFF00u) | (base & 0xFF000000u) |
			       ((base >> 16) & 0xFF);
		}
		if (next() % 4 == 0)
			d.lo |= 0xFFFF, d.hi |= 0xF0000;
		t = desc_truncate(d, region);
		f = desc_full_view(d, region);
		assert_false(reaches(t, region) && (t.hi & S));
		assert_true(desc_reach_below(t, region));
		if (!(t.hi & S)) {
			assert_desc(t, d); /* not a segment: left alone */
			continue;
		}
		if (!reaches(d, region))
			assert_desc(t, d);
		assert_int_equal(t.lo >> 16, d.lo >> 16);
		assert_int_equal(t.hi & 0xFF0070FFu, d.hi & 0xFF0070FFu);
		if ((d.hi & P) && !(d.hi & (1u << 11)) && (d.hi & DPL3) == DPL3)
			assert_desc(f, d);
		else
			assert_desc(f, t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(flat_segments_clamped_in_pages),
		cmocka_unit_test(byte_granular_clamped_in_bytes),
		cmocka_unit_test(pages_fall_back_to_bytes),
		cmocka_unit_test(unaligned_base),
		cmocka_unit_test(wrap_past_4g),
		cmocka_unit_test(base_in_region),
		cmocka_unit_test(expand_down),
		cmocka_unit_test(sixteen_bit),
		cmocka_unit_test(not_present_untouched),
		cmocka_unit_test(system_descriptors),
		cmocka_unit_test(full_view_dpl3_data_only),
		cmocka_unit_test(random_descriptors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
