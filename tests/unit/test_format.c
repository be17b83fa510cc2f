/*
 * test_format.c - hv_snprintf, the hypervisor's only formatter.  Every
 * message the hypervisor prints goes through it, so a wrong pad or a
 * buffer overrun here would show up everywhere.
 *
 * Most cases are checked twice: against a literal, and against the host C
 * library's snprintf, which is the behaviour format.c promises to copy.
 *
 * UNIT_SOURCES: hv/lib/format.c hv/lib/string.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hv/lib/lib.h"

/* Some cases are deliberately what GCC warns about: conflicting flags, an
 * unknown conversion, a lone '%' at the end. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-truncation"

/* Format into a big buffer and compare with the expected text and length. */
#define CHECK(expect, ...)                                                     \
	do {                                                                   \
		char b_[256];                                                  \
		int n_ = hv_snprintf(b_, sizeof(b_), __VA_ARGS__);             \
		assert_string_equal(b_, expect);                               \
		assert_int_equal(n_, (int)strlen(expect));                     \
	} while (0)

/* The same, and the host libc must agree with the expected text too. */
#define CHECK_LIBC(expect, ...)                                                \
	do {                                                                   \
		char l_[256];                                                  \
		snprintf(l_, sizeof(l_), __VA_ARGS__);                         \
		assert_string_equal(l_, expect);                               \
		CHECK(expect, __VA_ARGS__);                                    \
	} while (0)

static void test_plain_text(void **state)
{
	CHECK("", "%s", "");
	CHECK("hello, world", "hello, world");
	CHECK("100%", "100%%");
	CHECK("%%", "%%%%");
}

static void test_signed(void **state)
{
	CHECK_LIBC("0", "%d", 0);
	CHECK_LIBC("42", "%d", 42);
	CHECK_LIBC("-42", "%i", -42);
	CHECK_LIBC("2147483647", "%d", INT32_MAX);
	CHECK_LIBC("-2147483648", "%d", INT32_MIN);
	CHECK_LIBC("-1", "%ld", -1L);
}

static void test_unsigned_bases(void **state)
{
	CHECK_LIBC("4294967295", "%u", 0xFFFFFFFFu);
	CHECK_LIBC("deadbeef", "%x", 0xDEADBEEFu);
	CHECK_LIBC("DEADBEEF", "%X", 0xDEADBEEFu);
	CHECK_LIBC("777", "%o", 0777u);
	CHECK_LIBC("0", "%x", 0u);
	CHECK_LIBC("0", "%o", 0u);
}

static void test_64bit(void **state)
{
	CHECK_LIBC("18446744073709551615", "%llu",
		   (unsigned long long)UINT64_MAX);
	CHECK_LIBC("-9223372036854775808", "%lld", (long long)INT64_MIN);
	CHECK_LIBC("9223372036854775807", "%lld", (long long)INT64_MAX);
	CHECK_LIBC("123456789abcdef0", "%llx", 0x123456789ABCDEF0ull);
	CHECK_LIBC("0x0000000100000000", "%#018llx", 0x100000000ull);
	CHECK_LIBC("1777777777777777777777", "%llo",
		   (unsigned long long)UINT64_MAX);
	/* A 64-bit argument must not shift the ones after it. */
	CHECK_LIBC("1 4294967296 2", "%d %llu %d", 1, 1ull << 32, 2);
}

static void test_length_modifiers(void **state)
{
	/* hh and h truncate to char and short, like C. */
	CHECK_LIBC("-1", "%hhd", 255);
	CHECK_LIBC("255", "%hhu", -1);
	CHECK_LIBC("-1", "%hd", 0xFFFF);
	CHECK_LIBC("65535", "%hu", -1);
	CHECK_LIBC("34", "%hhx", 0x1234);
	CHECK_LIBC("4294967295", "%zu", (size_t)0xFFFFFFFFu);
	CHECK_LIBC("-5 7", "%zd %zx", (ptrdiff_t)-5, (size_t)7);
}

static void test_width_and_flags(void **state)
{
	CHECK_LIBC("   42", "%5d", 42);
	CHECK_LIBC("42   |", "%-5d|", 42);
	CHECK_LIBC("00042", "%05d", 42);
	CHECK_LIBC("-0042", "%05d", -42);
	CHECK_LIBC("+42", "%+d", 42);
	CHECK_LIBC("-42", "%+d", -42);
	CHECK_LIBC(" 42", "% d", 42);
	CHECK_LIBC("+42", "%+ d", 42); /* '+' wins over ' ' */
	CHECK_LIBC("+0042", "%+05d", 42);
	CHECK_LIBC("42   ", "%-05d", 42); /* '-' wins over '0' */
	CHECK_LIBC("0xff", "%#x", 255u);
	CHECK_LIBC("0XFF", "%#X", 255u);
	CHECK_LIBC("0x00ff", "%#06x", 255u);
	CHECK_LIBC("  0xff", "%#6x", 255u);
	CHECK_LIBC("0", "%#x", 0u); /* no prefix on zero */
	CHECK_LIBC("017", "%#o", 15u);
	CHECK_LIBC("0", "%#o", 0u);
	CHECK_LIBC("12345", "%3d", 12345); /* width is a minimum */
	/* '+' and ' ' mean nothing to unsigned conversions. */
	CHECK_LIBC("5 5 a", "%+u %+x % x", 5u, 5u, 10u);
	/* '#' with octal forces a leading zero digit, once. */
	CHECK_LIBC("00010", "%#.5o", 8u);
	CHECK_LIBC("010", "%#.3o", 8u);
	CHECK_LIBC("  010", "%#5o", 8u);
	CHECK_LIBC("0", "%#.0o", 0u);
}

static void test_star_width(void **state)
{
	CHECK_LIBC("   7", "%*d", 4, 7);
	CHECK_LIBC("7   |", "%*d|", -4, 7); /* negative width: left */
	CHECK_LIBC("007", "%.*d", 3, 7);
	CHECK_LIBC("7", "%.*d", -1, 7); /* negative precision: none */
	CHECK_LIBC("  ab", "%*.*s", 4, 2, "abcdef");
}

static void test_precision(void **state)
{
	CHECK_LIBC("00042", "%.5d", 42);
	CHECK_LIBC("-00042", "%.5d", -42);
	CHECK_LIBC("  00042", "%7.5d", 42);
	CHECK_LIBC("  042", "%05.3d", 42); /* precision turns off '0' */
	CHECK_LIBC("", "%.0d", 0);
	CHECK_LIBC("", "%.0x", 0u);
	CHECK_LIBC("   ", "%3.0d", 0);
	CHECK_LIBC("0x0000ff", "%#.6x", 255u);
	CHECK_LIBC("abc", "%.3s", "abcdef");
	CHECK_LIBC("", "%.0s", "abc");
	CHECK_LIBC("abc", "%.10s", "abc");
}

static void test_strings_and_chars(void **state)
{
	CHECK_LIBC("  abc", "%5s", "abc");
	CHECK_LIBC("abc  |", "%-5s|", "abc");
	CHECK_LIBC("x", "%c", 'x');
	CHECK_LIBC("a-b", "%c-%c", 'a', 'b');
	CHECK_LIBC("    a|a   |", "%5c|%-4c|", 'a', 'a');
	CHECK_LIBC("[key]", "[%.*s]", 3, "keyword");
	/* The precision bounds the read: no NUL is needed after it. */
	{
		char unterminated[3] = { 'x', 'y', 'z' };
		CHECK("xy", "%.2s", unterminated);
	}
}

static void test_null_string(void **state)
{
	const char *null = NULL;

	CHECK("(null)", "%s", null);
	CHECK("  (null)", "%8s", null);
	CHECK("(nu", "%.3s", null);
}

static void test_pointer(void **state)
{
	char want[64];

	/* Always "0x" and every digit of a pointer, zero-padded. */
	snprintf(want, sizeof(want), "0x%0*llx", (int)(2 * sizeof(void *)),
		 (unsigned long long)(uintptr_t)0x1234);
	CHECK(want, "%p", (void *)0x1234);
	snprintf(want, sizeof(want), "0x%0*llx", (int)(2 * sizeof(void *)),
		 0ull);
	CHECK(want, "%p", (void *)0);
}

static void test_unknown_and_trailing_percent(void **state)
{
	/* Unknown conversions are shown, not guessed at, and do not consume
	 * an argument: the %d after one still gets its own value. */
	CHECK("%q 5", "%q %d", 5);
	/* A lone '%' at the very end is dropped, and nothing past the
	 * terminating NUL is read. */
	CHECK("50", "50%");
	CHECK("abc", "abc%");
}

static void test_truncation(void **state)
{
	char buf[8];
	int n;

	memset(buf, 'X', sizeof(buf));
	n = hv_snprintf(buf, 4, "%s", "abcdef");
	assert_int_equal(n, 6); /* the length it wanted */
	assert_string_equal(buf, "abc");
	assert_int_equal(buf[4], 'X'); /* nothing past size touched */

	memset(buf, 'X', sizeof(buf));
	n = hv_snprintf(buf, 1, "%d", 12345);
	assert_int_equal(n, 5);
	assert_int_equal(buf[0], 0);
	assert_int_equal(buf[1], 'X');

	/* Exactly fitting, and one short. */
	n = hv_snprintf(buf, 8, "%07d", 1);
	assert_int_equal(n, 7);
	assert_string_equal(buf, "0000001");
	n = hv_snprintf(buf, 8, "%08d", 1);
	assert_int_equal(n, 8);
	assert_string_equal(buf, "0000000");

	/* Truncation in the middle of padding and of a number. */
	n = hv_snprintf(buf, 5, "%10d", 42);
	assert_int_equal(n, 10);
	assert_string_equal(buf, "    ");
	n = hv_snprintf(buf, 3, "%llu", (unsigned long long)UINT64_MAX);
	assert_int_equal(n, 20);
	assert_string_equal(buf, "18");
}

static void test_size_zero(void **state)
{
	char c = 'X';

	/* Size 0: nothing written at all, not even the NUL; NULL is fine. */
	assert_int_equal(hv_snprintf(&c, 0, "%s", "hello"), 5);
	assert_int_equal(c, 'X');
	assert_int_equal(hv_snprintf(NULL, 0, "%d-%d", 10, 20), 5);
}

static void test_return_matches_libc(void **state)
{
	/* A table of formats compared with the host's snprintf, output and
	 * return value, over values that cross every digit boundary. */
	static const char *const fmts[] = {
		"%d",	  "%5d",   "%-5d|",   "%05d", "%+d", "% d",
		"%.3d",	  "%8.3d", "%-8.3d|", "%x",   "%#x", "%08x",
		"%#010x", "%o",	   "%#o",     "%u",   "%X",  "%+.0d",
		"%#.0x",  "%#.0o", "%#.4o",   "%+u",  "% x", "%#-8o|",
		"%hhd",	  "%hu",
	};
	static const int vals[] = { 0,	   1,	    -1,	       7,	 8,
				    9,	   10,	    15,	       16,	 99,
				    100,   -100,    255,       256,	 4095,
				    65535, 1000000, INT32_MAX, INT32_MIN };

	for (size_t f = 0; f < ARRAY_SIZE(fmts); f++) {
		for (size_t v = 0; v < ARRAY_SIZE(vals); v++) {
			char ours[64], theirs[64];
			int a, b;

			a = hv_snprintf(ours, sizeof(ours), fmts[f], vals[v]);
			b = snprintf(theirs, sizeof(theirs), fmts[f], vals[v]);
			if (strcmp(ours, theirs) || a != b)
				fail_msg("format \"%s\" value %d: ours \"%s\" "
					 "(%d), libc \"%s\" (%d)",
					 fmts[f], vals[v], ours, a, theirs, b);
		}
	}
}

static int via_va(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void test_vsnprintf(void **state)
{
	char buf[32];

	assert_int_equal(via_va(buf, sizeof(buf), "%s=%u", "mem", 64u), 6);
	assert_string_equal(buf, "mem=64");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text),
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_unsigned_bases),
		cmocka_unit_test(test_64bit),
		cmocka_unit_test(test_length_modifiers),
		cmocka_unit_test(test_width_and_flags),
		cmocka_unit_test(test_star_width),
		cmocka_unit_test(test_precision),
		cmocka_unit_test(test_strings_and_chars),
		cmocka_unit_test(test_null_string),
		cmocka_unit_test(test_pointer),
		cmocka_unit_test(test_unknown_and_trailing_percent),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_size_zero),
		cmocka_unit_test(test_return_matches_libc),
		cmocka_unit_test(test_vsnprintf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
