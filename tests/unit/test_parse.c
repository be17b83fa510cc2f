/*
 * test_parse.c - parse_u32 and parse_size, the number readers behind every
 * option and module string, and the word helpers beside them.  They must be strict: a typo has to be an
 * error, never a quietly different number.
 *
 * UNIT_SOURCES: hv/lib/parse.c hv/lib/string.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/lib/lib.h"

/* The parsers take (pointer, length): call them on a whole C string. */
static bool u32(const char *s, uint32_t *v)
{
	return parse_u32(s, strlen(s), v);
}

static bool size(const char *s, uint64_t *v)
{
	return parse_size(s, strlen(s), v);
}

static void test_u32_decimal(void **state)
{
	uint32_t v;

	assert_true(u32("0", &v));
	assert_int_equal(v, 0);
	assert_true(u32("115200", &v));
	assert_int_equal(v, 115200);
	assert_true(u32("007", &v)); /* leading zeros are still decimal */
	assert_int_equal(v, 7);
	assert_true(u32("4294967295", &v));
	assert_int_equal(v, 0xFFFFFFFFu);
}

static void test_u32_hex(void **state)
{
	uint32_t v;

	assert_true(u32("0x3f8", &v));
	assert_int_equal(v, 0x3F8);
	assert_true(u32("0X3F8", &v));
	assert_int_equal(v, 0x3F8);
	assert_true(u32("0xDeadBeef", &v));
	assert_int_equal(v, 0xDEADBEEFu);
	assert_true(u32("0xffffffff", &v));
	assert_int_equal(v, 0xFFFFFFFFu);
	assert_true(u32("0x0", &v));
	assert_int_equal(v, 0);
}

static void test_u32_overflow(void **state)
{
	uint32_t v = 1234;

	assert_false(u32("4294967296", &v));
	assert_false(u32("0x100000000", &v));
	assert_false(u32("99999999999999999999999", &v)); /* > 64 bits */
	assert_false(u32("0x10000000000000000", &v));
	assert_int_equal(v, 1234); /* untouched on failure */
}

static void test_u32_junk(void **state)
{
	static const char *const bad[] = {
		"",	"0x",  "x10",	"-1",	"+1",	 "1 ",
		" 1",	"12a", "0x1g",	"1.5",	"0b101", "1e3",
		"0xx1", "abc", "1,000", "0x-1", "\t7",
	};
	uint32_t v = 99;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (u32(bad[i], &v))
			fail_msg("\"%s\" accepted as %u", bad[i], v);
	assert_int_equal(v, 99);
}

static void test_u32_respects_length(void **state)
{
	uint32_t v;

	/* Only the first len bytes count: the command-line parsers hand in
	 * pieces of a longer string, such as the "1" of "1,9600". */
	assert_true(parse_u32("1,9600", 1, &v));
	assert_int_equal(v, 1);
	assert_true(parse_u32("0x3f8,9600", 5, &v));
	assert_int_equal(v, 0x3F8);
	assert_false(parse_u32("12", 0, &v));
	assert_false(parse_u32("0x12", 2, &v)); /* just "0x" */
}

static void test_size_plain_and_suffixes(void **state)
{
	uint64_t v;

	assert_true(size("4096", &v));
	assert_int_equal(v, 4096);
	assert_true(size("4k", &v));
	assert_int_equal(v, 4096);
	assert_true(size("4K", &v));
	assert_int_equal(v, 4096);
	assert_true(size("64M", &v));
	assert_int_equal(v, 64ull << 20);
	assert_true(size("64m", &v));
	assert_int_equal(v, 64ull << 20);
	assert_true(size("2G", &v));
	assert_int_equal(v, 2ull << 30);
	assert_true(size("2g", &v));
	assert_int_equal(v, 2ull << 30);
	assert_true(size("0M", &v));
	assert_int_equal(v, 0);
	assert_true(size("8589934592", &v)); /* over 32 bits is fine here */
	assert_int_equal(v, 8ull << 30);
}

static void test_size_hex(void **state)
{
	uint64_t v;

	assert_true(size("0x4000000", &v));
	assert_int_equal(v, 64ull << 20);
	assert_true(size("0x10M", &v));
	assert_int_equal(v, 16ull << 20);
	/* 'b' and friends are hex digits, not suffixes. */
	assert_true(size("0xb", &v));
	assert_int_equal(v, 11);
	assert_true(size("0x1B", &v));
	assert_int_equal(v, 27);
}

static void test_size_overflow(void **state)
{
	uint64_t v = 5;

	assert_true(size("18446744073709551615", &v));
	assert_int_equal(v, UINT64_MAX);
	assert_false(size("18446744073709551616", &v));
	/* Fits before the shift, not after. */
	assert_false(size("17179869184G", &v)); /* 2^34 G = 2^64 */
	assert_true(size("17179869183G", &v));
	assert_int_equal(v, 17179869183ull << 30);
	assert_false(size("0x40000000000000K", &v)); /* 2^54 K */
	v = 5;
	assert_false(size("0x10000000000000000", &v));
	assert_int_equal(v, 5);
}

static void test_size_junk(void **state)
{
	static const char *const bad[] = {
		"",	"K",	"M",   "G",    "0x",   "0xM",
		"64MB", "64 M", "M64", "64T",  "64KK", "1.5G",
		"-1M",	"64b",	"64B", " 64M", "6 4",
	};
	uint64_t v = 77;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (size(bad[i], &v))
			fail_msg("\"%s\" accepted as %llu", bad[i],
				 (unsigned long long)v);
	assert_int_equal(v, 77);
}

static void test_size_respects_length(void **state)
{
	uint64_t v;

	/* "64M" out of "64M,ro": the suffix is judged at len, not at NUL. */
	assert_true(parse_size("64M,ro", 3, &v));
	assert_int_equal(v, 64ull << 20);
	assert_true(parse_size("64Mxyz", 2, &v));
	assert_int_equal(v, 64);
	assert_false(parse_size("64M", 0, &v));
}

static void test_name_chars(void **state)
{
	(void)state;
	assert_true(parse_name_chars("pv-0_A9", 7, ""));
	assert_true(parse_name_chars("", 0, ""));
	assert_false(parse_name_chars("pv 0", 4, ""));
	assert_false(parse_name_chars("label:data", 10, ""));
	assert_true(parse_name_chars("label:data.1", 12, ":."));
	assert_false(parse_name_chars("sata0/p2", 8, ":."));
	/* Only the first len bytes count, and a NUL in them is no name's. */
	assert_true(parse_name_chars("ab/", 2, ""));
	assert_false(parse_name_chars("a\0b", 3, ":."));
}

/* The word helpers the option, module and monitor parsers share. */
static void test_word_is(void **state)
{
	(void)state;
	assert_true(parse_word_is("on", 2, "on"));
	assert_true(parse_word_is("onion", 2, "on")); /* only len counts */
	assert_false(parse_word_is("on", 2, "one"));
	assert_false(parse_word_is("one", 3, "on"));
	assert_true(parse_word_is("", 0, ""));
	assert_false(parse_word_is("x", 0, "x"));
}

static void test_on_off(void **state)
{
	bool v = true;

	(void)state;
	assert_true(parse_on_off("off", 3, &v));
	assert_false(v);
	assert_true(parse_on_off("on ", 2, &v));
	assert_true(v);
	assert_false(parse_on_off("On", 2, &v));
	assert_false(parse_on_off("onx", 3, &v));
	assert_false(parse_on_off("", 0, &v));
	assert_true(v); /* untouched when refused */
}

static void test_next_word(void **state)
{
	const char *p = " \tab  c\td ", *w;

	(void)state;
	assert_int_equal(parse_next_word(&p, &w), 2);
	assert_memory_equal(w, "ab", 2);
	assert_int_equal(parse_next_word(&p, &w), 1);
	assert_memory_equal(w, "c", 1);
	assert_int_equal(parse_next_word(&p, &w), 1);
	assert_memory_equal(w, "d", 1);
	assert_int_equal(parse_next_word(&p, &w), 0);
	assert_int_equal(*p, 0);
	assert_int_equal(parse_next_word(&p, &w), 0); /* and stays there */
}

/* Every byte: the 22 hex digits have their values, nothing else does. */
static void test_hex_digit(void **state)
{
	for (int c = 0; c < 256; c++) {
		int want = c >= '0' && c <= '9'	  ? c - '0'
			   : c >= 'a' && c <= 'f' ? c - 'a' + 10
			   : c >= 'A' && c <= 'F' ? c - 'A' + 10
						  : -1;

		assert_int_equal(parse_hex_digit((char)c), want);
	}
	assert_int_equal(parse_hex_digit('f'), 15);
	assert_int_equal(parse_hex_digit('G'), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u32_decimal),
		cmocka_unit_test(test_u32_hex),
		cmocka_unit_test(test_u32_overflow),
		cmocka_unit_test(test_u32_junk),
		cmocka_unit_test(test_u32_respects_length),
		cmocka_unit_test(test_size_plain_and_suffixes),
		cmocka_unit_test(test_size_hex),
		cmocka_unit_test(test_size_overflow),
		cmocka_unit_test(test_size_junk),
		cmocka_unit_test(test_size_respects_length),
		cmocka_unit_test(test_name_chars),
		cmocka_unit_test(test_word_is),
		cmocka_unit_test(test_on_off),
		cmocka_unit_test(test_next_word),
		cmocka_unit_test(test_hex_digit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
