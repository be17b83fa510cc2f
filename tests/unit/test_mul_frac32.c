/*
 * test_mul_frac32.c - mul_frac32() (hv/lib/lib.h), the multiplication
 * that turns TSC cycles into nanoseconds on every exit: against a
 * 128-bit product, for clock rates from 1 MHz to 10 GHz and uptimes up
 * to a century, and for the edges of each 32-bit half.
 *
 * UNIT_SOURCES: hv/lib/string.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/lib/lib.h"

static uint64_t reference(uint64_t a, uint64_t m)
{
	return (uint64_t)(((unsigned __int128)a * m) >> 32);
}

/* Exact: the other partial products are whole, so only the lowest one's
 * fraction is dropped, as the floor of the whole product drops it. */
static void check(uint64_t a, uint64_t m)
{
	assert_int_equal(mul_frac32(a, m), reference(a, m));
}

static void test_edges(void **state)
{
	static const uint64_t v[] = { 0, 1, 0xFFFFFFFFull, 0x100000000ull,
				      0x1FFFFFFFFull, 0x123456789ABCDEFull };

	(void)state;
	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (unsigned j = 0; j < sizeof(v) / sizeof(v[0]); j++)
			if (reference(v[i], v[j]) < (1ull << 63))
				check(v[i], v[j]);
	assert_int_equal(mul_frac32(12345, 1ull << 32), 12345);
	assert_int_equal(mul_frac32(12345, 1ull << 31), 6172);
}

/* time.c's use: ns = cycles * (10^6 << 32) / khz. */
static void test_clock_rates(void **state)
{
	static const uint32_t khz[] = { 1000, 999999, 1000000, 2595932,
					3700000, 10000000 };
	uint64_t x = 88172645463325252ull;

	(void)state;
	for (unsigned i = 0; i < sizeof(khz) / sizeof(khz[0]); i++) {
		uint64_t m = (1000000ull << 32) / khz[i];
		/* A century of cycles at this rate. */
		uint64_t max = (uint64_t)khz[i] * 1000 * 3600 * 24 * 36525;

		for (int k = 0; k < 10000; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			check(x % max, m);
		}
		/* One second of cycles is 10^9 ns, to a few ns. */
		uint64_t ns = mul_frac32((uint64_t)khz[i] * 1000, m);
		assert_true(ns <= 1000000000ull && ns >= 1000000000ull - 4);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_clock_rates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
