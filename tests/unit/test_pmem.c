/*
 * test_pmem.c - the physical page allocator's bitmap.
 *
 * struct pmem holds a bit for every page of 4 GiB (128 KiB), so each test
 * gets a fresh one from the heap.  After every test the counters are
 * checked against a recount of the bitmap: a counter that drifts from the
 * bits is how allocator bugs usually begin.
 *
 * UNIT_SOURCES: hv/mm/pmem.c hv/lib/string.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/mm/pmem.h"

#define MB (1ull << 20)
#define GB (1ull << 30)

static int setup(void **state)
{
	struct pmem *pm = malloc(sizeof(*pm));

	assert_non_null(pm);
	memset(pm, 0xA5, sizeof(*pm)); /* pmem_init must not rely on zero */
	*state = pm;
	return 0;
}

static uint32_t count_free(const struct pmem *pm)
{
	uint32_t n = 0;

	for (uint32_t p = 0; p < PMEM_MAX_PAGES; p++)
		if (pmem_is_free(pm, p))
			n++;
	return n;
}

static int teardown(void **state)
{
	struct pmem *pm = *state;

	assert_int_equal(pm->free_pages, count_free(pm));
	free(pm);
	return 0;
}

static void test_init_empty(void **state)
{
	struct pmem *pm = *state;
	uint32_t pfn;

	pmem_init(pm, 256 * MB);
	assert_int_equal(pm->limit_pfn, 65536);
	assert_int_equal(pm->free_pages, 0);
	assert_int_equal(pm->total_pages, 0);
	assert_false(pmem_alloc(pm, &pfn));
	assert_false(pmem_alloc_contig(pm, 1, 1, &pfn));
	assert_int_equal(pmem_largest_run(pm), 0);
}

static void test_init_limit_clamped(void **state)
{
	struct pmem *pm = *state;

	pmem_init(pm, 64 * GB); /* beyond 32 bits: clamped to 4 GiB */
	assert_int_equal(pm->limit_pfn, PMEM_MAX_PAGES);
	pmem_init(pm, 0x1800); /* partial page: not managed */
	assert_int_equal(pm->limit_pfn, 1);
}

static void test_add_counts_and_edges(void **state)
{
	struct pmem *pm = *state;

	pmem_init(pm, 4 * GB);
	/* [0x1800, 0x5800): pages 2, 3 and 4 are whole; 1 and 5 partial. */
	pmem_add(pm, 0x1800, 0x4000);
	assert_int_equal(pm->free_pages, 3);
	assert_int_equal(pm->total_pages, 3);
	assert_false(pmem_is_free(pm, 1));
	assert_true(pmem_is_free(pm, 2));
	assert_true(pmem_is_free(pm, 4));
	assert_false(pmem_is_free(pm, 5));
	/* Adding again, overlapping, counts nothing twice. */
	pmem_add(pm, 0, 0x6000);
	assert_int_equal(pm->free_pages, 6);
	assert_int_equal(pm->total_pages, 6);
	/* Less than a page, and nothing at all. */
	pmem_add(pm, 0x10000, 0xFFF);
	pmem_add(pm, 0x20000, 0);
	assert_int_equal(pm->free_pages, 6);
}

static void test_add_respects_limit(void **state)
{
	struct pmem *pm = *state;

	pmem_init(pm, 16 * MB);
	pmem_add(pm, 8 * MB, 1 * GB);
	assert_int_equal(pm->free_pages, 2048);
	assert_false(pmem_is_free(pm, 4096));
	pmem_add(pm, 5 * GB, 1 * GB); /* above 4 GiB entirely */
	assert_int_equal(pm->free_pages, 2048);
}

static void test_add_near_64bit_top(void **state)
{
	struct pmem *pm = *state;

	pmem_init(pm, 4 * GB);
	/* A firmware map entry whose end wraps past 2^64, and one starting
	 * within a page of the top, must add nothing below the limit. */
	pmem_add(pm, UINT64_MAX - 0xFFE, 0x10000);
	assert_int_equal(pm->free_pages, 0);
	pmem_add(pm, 0xFFFFFFFFFFFF0000ull, 0x20000);
	assert_int_equal(pm->free_pages, 0);
	pmem_add(pm, UINT64_MAX, UINT64_MAX);
	assert_int_equal(pm->free_pages, 0);
}

static void test_reserve(void **state)
{
	struct pmem *pm = *state;

	pmem_init(pm, 4 * GB);
	pmem_add(pm, 0, 1 * MB);
	/* Partial pages at the edges are included: [0x1800, 0x2001) covers
	 * pages 1 and 2. */
	assert_int_equal(pmem_reserve(pm, 0x1800, 0x801), 2);
	assert_false(pmem_is_free(pm, 1));
	assert_false(pmem_is_free(pm, 2));
	assert_true(pmem_is_free(pm, 3));
	assert_int_equal(pm->free_pages, 256 - 2);
	assert_int_equal(pm->total_pages, 256 - 2);
	/* Overlapping an earlier reservation: only new pages count. */
	assert_int_equal(pmem_reserve(pm, 0, 0x4000), 2);
	assert_int_equal(pm->free_pages, 256 - 4);
	/* Zero length reserves nothing, not even its page. */
	assert_int_equal(pmem_reserve(pm, 0x10000, 0), 0);
	assert_true(pmem_is_free(pm, 0x10));
	/* Outside what was added: nothing to take. */
	assert_int_equal(pmem_reserve(pm, 2 * MB, MB), 0);
	assert_int_equal(pmem_reserve(pm, 5 * GB, MB), 0);
}

static void test_reserve_to_the_top(void **state)
{
	struct pmem *pm = *state;

	pmem_init(pm, 16 * MB);
	pmem_add(pm, 0, 16 * MB);
	/* A length that wraps 64 bits means "everything from base up". */
	assert_int_equal(pmem_reserve(pm, 8 * MB, UINT64_MAX), 2048);
	assert_int_equal(pm->free_pages, 2048);
	assert_false(pmem_is_free(pm, 4095));
	assert_true(pmem_is_free(pm, 2047));
}

static void test_alloc_single(void **state)
{
	struct pmem *pm = *state;
	uint32_t pfn, seen[8];

	pmem_init(pm, 4 * GB);
	pmem_add(pm, 0x100000, 8 * 4096);
	for (int i = 0; i < 8; i++) {
		assert_true(pmem_alloc(pm, &seen[i]));
		assert_true(seen[i] >= 0x100 && seen[i] < 0x108);
		assert_false(pmem_is_free(pm, seen[i]));
		for (int j = 0; j < i; j++)
			assert_int_not_equal(seen[i], seen[j]);
	}
	assert_int_equal(pm->free_pages, 0);
	assert_false(pmem_alloc(pm, &pfn)); /* exhausted */
	/* total_pages counts what was ever usable, not what is free. */
	assert_int_equal(pm->total_pages, 8);
	assert_true(pmem_free(pm, seen[3], 1));
	assert_true(pmem_alloc(pm, &pfn));
	assert_int_equal(pfn, seen[3]);
}

static void test_alloc_wraps_past_hint(void **state)
{
	struct pmem *pm = *state;
	uint32_t a, b;

	pmem_init(pm, 4 * GB);
	pmem_add(pm, 0, 64 * 4096);
	for (int i = 0; i < 64; i++)
		assert_true(pmem_alloc(pm, &a));
	/* The hint is now at the top; a page freed below it is found. */
	assert_true(pmem_free(pm, 5, 1));
	assert_true(pmem_alloc(pm, &b));
	assert_int_equal(b, 5);
}

static void test_alloc_whole_4g(void **state)
{
	struct pmem *pm = *state;
	uint32_t pfn;

	pmem_init(pm, 4 * GB);
	pmem_add(pm, 0, 4 * GB);
	assert_int_equal(pm->free_pages, PMEM_MAX_PAGES);
	assert_int_equal(pmem_largest_run(pm), PMEM_MAX_PAGES);
	assert_true(pmem_alloc_contig(pm, PMEM_MAX_PAGES - 1, 1, &pfn));
	assert_int_equal(pfn, 0);
	assert_true(pmem_alloc(pm, &pfn));
	assert_int_equal(pfn, PMEM_MAX_PAGES - 1);
	assert_false(pmem_alloc(pm, &pfn));
	assert_true(pmem_free(pm, 0, PMEM_MAX_PAGES));
	assert_int_equal(pm->free_pages, PMEM_MAX_PAGES);
}

static void test_contig_alignment(void **state)
{
	struct pmem *pm = *state;
	uint32_t pfn;

	pmem_init(pm, 4 * GB);
	pmem_add(pm, 0x1000, 64 * MB); /* starts one page in */
	assert_true(pmem_alloc_contig(pm, 16, 0, &pfn));
	assert_int_equal(pfn, 1); /* align 0 = none: first fit */
	assert_true(pmem_alloc_contig(pm, 1024, 1024, &pfn)); /* 4 MiB */
	assert_int_equal(pfn % 1024, 0);
	assert_int_equal(pfn, 1024);
	assert_true(pmem_alloc_contig(pm, 3, 8, &pfn));
	assert_int_equal(pfn, 24); /* 17..23 free, but 24 is aligned */
	for (uint32_t i = 0; i < 3; i++)
		assert_false(pmem_is_free(pm, 24 + i));
	assert_true(pmem_is_free(pm, 17));
	assert_int_equal(pm->free_pages, 16384 - 16 - 1024 - 3);
}

static void test_contig_bad_arguments(void **state)
{
	struct pmem *pm = *state;
	uint32_t pfn = 1234;

	pmem_init(pm, 4 * GB);
	pmem_add(pm, 0, 16 * MB);
	assert_false(pmem_alloc_contig(pm, 0, 1, &pfn));
	assert_false(pmem_alloc_contig(pm, 4, 3, &pfn)); /* not a power of 2 */
	assert_false(pmem_alloc_contig(pm, 4, 6, &pfn));
	assert_false(pmem_alloc_contig(pm, 4097, 1, &pfn)); /* > free */
	assert_false(pmem_alloc_contig(pm, UINT32_MAX, 1, &pfn));
	/* An alignment no run can meet: aligned starts are 0 and 2^31. */
	assert_true(pmem_alloc_contig(pm, 1, 0x80000000u, &pfn));
	assert_int_equal(pfn, 0);
	assert_false(pmem_alloc_contig(pm, 1, 0x80000000u, &pfn));
	assert_int_equal(pm->free_pages, 4095);
}

static void test_contig_skips_holes(void **state)
{
	struct pmem *pm = *state;
	uint32_t pfn;

	pmem_init(pm, 4 * GB);
	/* Runs of 10, 5 and 40 pages, with holes of varying size. */
	pmem_add(pm, 0x10000, 10 * 4096);
	pmem_add(pm, 0x30000, 5 * 4096);
	pmem_add(pm, 0x100000, 40 * 4096);
	assert_int_equal(pmem_largest_run(pm), 40);
	assert_true(pmem_alloc_contig(pm, 12, 1, &pfn));
	assert_int_equal(pfn, 0x100);
	assert_true(pmem_alloc_contig(pm, 5, 1, &pfn));
	assert_int_equal(pfn, 0x10); /* first fit, not best fit */
	assert_true(pmem_alloc_contig(pm, 5, 1, &pfn));
	assert_int_equal(pfn, 0x15);
	assert_true(pmem_alloc_contig(pm, 5, 1, &pfn));
	assert_int_equal(pfn, 0x30);
	assert_false(pmem_alloc_contig(pm, 29, 1, &pfn));
	assert_true(pmem_alloc_contig(pm, 28, 1, &pfn));
	assert_int_equal(pfn, 0x10C);
	assert_int_equal(pm->free_pages, 0);
	assert_int_equal(pmem_largest_run(pm), 0);
}

static void test_contig_across_word_boundaries(void **state)
{
	struct pmem *pm = *state;
	uint32_t pfn;

	pmem_init(pm, 4 * GB);
	/* Free pages 30..33 only (straddling bitmap words), then a long run
	 * far away: the short one must be found, the long one too. */
	pmem_add(pm, 30 * 4096, 4 * 4096);
	pmem_add(pm, 100000ull * 4096, 100 * 4096);
	assert_true(pmem_alloc_contig(pm, 4, 1, &pfn));
	assert_int_equal(pfn, 30);
	assert_true(pmem_alloc_contig(pm, 100, 1, &pfn));
	assert_int_equal(pfn, 100000);
}

static void test_contig_respects_limit(void **state)
{
	struct pmem *pm = *state;
	uint32_t pfn;

	pmem_init(pm, 1 * MB);
	pmem_add(pm, 0, 2 * MB); /* half of it is beyond the limit */
	assert_int_equal(pm->free_pages, 256);
	assert_false(pmem_alloc_contig(pm, 257, 1, &pfn));
	assert_true(pmem_alloc_contig(pm, 256, 1, &pfn));
	assert_false(pmem_alloc(pm, &pfn));
}

static void test_free_refuses_double_free(void **state)
{
	struct pmem *pm = *state;
	uint32_t pfn;

	pmem_init(pm, 4 * GB);
	pmem_add(pm, 0, 1 * MB);
	assert_true(pmem_alloc_contig(pm, 8, 1, &pfn));
	assert_int_equal(pfn, 0);
	assert_true(pmem_free(pm, 2, 1));
	/* 0..7 includes the already-free page 2: refused as a whole. */
	assert_false(pmem_free(pm, 0, 8));
	assert_false(pmem_is_free(pm, 0));
	assert_false(pmem_is_free(pm, 7));
	assert_int_equal(pm->free_pages, 256 - 7);
	assert_false(pmem_free(pm, 2, 1));
	assert_true(pmem_free(pm, 0, 2));
	assert_true(pmem_free(pm, 3, 5));
	assert_int_equal(pm->free_pages, 256);
	assert_true(pmem_free(pm, 8, 0)); /* nothing to do */
}

static void test_free_out_of_range(void **state)
{
	struct pmem *pm = *state;

	pmem_init(pm, 16 * MB);
	assert_false(pmem_free(pm, 4096, 1));	    /* at the limit */
	assert_false(pmem_free(pm, 4000, 97));	    /* runs past it */
	assert_false(pmem_free(pm, 1, UINT32_MAX)); /* would wrap */
	assert_false(pmem_free(pm, UINT32_MAX, 2));
	assert_int_equal(pm->free_pages, 0);
	assert_true(pmem_free(pm, 4000, 96));
	assert_int_equal(pm->free_pages, 96);
}

static void test_largest_run(void **state)
{
	struct pmem *pm = *state;
	uint32_t pfn;

	pmem_init(pm, 4 * GB);
	pmem_add(pm, 0, 100 * 4096);
	assert_int_equal(pmem_largest_run(pm), 100);
	assert_int_equal(pmem_reserve(pm, 60 * 4096, 1), 1);
	assert_int_equal(pmem_largest_run(pm), 60);
	assert_true(pmem_alloc_contig(pm, 30, 1, &pfn));
	assert_int_equal(pmem_largest_run(pm), 39);
	pmem_add(pm, (4 * GB) - 4096, 4096); /* the last page of all */
	assert_int_equal(pmem_largest_run(pm), 39);
	assert_true(pmem_is_free(pm, PMEM_MAX_PAGES - 1));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_init_empty),
		T(test_init_limit_clamped),
		T(test_add_counts_and_edges),
		T(test_add_respects_limit),
		T(test_add_near_64bit_top),
		T(test_reserve),
		T(test_reserve_to_the_top),
		T(test_alloc_single),
		T(test_alloc_wraps_past_hint),
		T(test_alloc_whole_4g),
		T(test_contig_alignment),
		T(test_contig_bad_arguments),
		T(test_contig_skips_holes),
		T(test_contig_across_word_boundaries),
		T(test_contig_respects_limit),
		T(test_free_refuses_double_free),
		T(test_free_out_of_range),
		T(test_largest_run),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
