/*
 * test_acpi.c - acpi_find_s5 on hand-assembled AML.
 *
 * The byte patterns follow the ACPI spec's AML grammar (section 20):
 * NameOp 0x08, PackageOp 0x12, a PkgLength whose top two bits count its
 * extra bytes, NumElements, then the elements, of which the first is
 * SLP_TYPa: BytePrefix 0x0A and a byte, ZeroOp 0x00 or OneOp 0x01.  Each
 * case is copied to a heap buffer of its exact length, so a read past the
 * end is an AddressSanitizer failure.
 *
 * UNIT_SOURCES: drivers/acpi_s5.c hv/lib/string.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/acpi.h"

/* What the last find() reported: the type found, or why not. */
static uint8_t type;
static char err[96];

#define UNTOUCHED 0xEE /* no case's type: a refusal must leave it */

static bool find(const void *bytes, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	bool ok;

	assert_non_null(copy);
	memcpy(copy, bytes, len);
	type = UNTOUCHED;
	strcpy(err, "untouched");
	ok = acpi_find_s5(copy, len, &type, err, sizeof(err));
	free(copy);
	if (ok)
		assert_string_equal(err, "untouched");
	else
		assert_int_equal(type, UNTOUCHED);
	return ok;
}

static void found(const void *bytes, size_t len, uint8_t want)
{
	if (!find(bytes, len))
		fail_msg("not found: %s", err);
	assert_int_equal(type, want);
}

static void refused(const void *bytes, size_t len, const char *why)
{
	assert_false(find(bytes, len));
	if (!strstr(err, why))
		fail_msg("reason \"%s\" lacks \"%s\"", err, why);
}

#define FOUND(arr, want) found(arr, sizeof(arr), want)
#define REFUSED(arr, why) refused(arr, sizeof(arr), why)

static void test_byte_prefix(void **state)
{
	/* Name (_S5, Package (0x04) { 0x05, 0x05, 0x00, 0x00 }) */
	static const uint8_t aml[] = {
		0x08, '_',  'S',  '5',	'_',  0x12, 0x0A,
		0x04, 0x0A, 0x05, 0x0A, 0x05, 0x00, 0x00
	};

	FOUND(aml, 5);
}

static void test_zero_and_one_ops(void **state)
{
	static const uint8_t zero[] = { 0x08, '_',  'S',  '5',	'_',  0x12,
					0x06, 0x04, 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t one[] = { 0x08, '_',  'S',	 '5',  '_',  0x12,
				       0x06, 0x04, 0x01, 0x01, 0x00, 0x00 };

	FOUND(zero, 0);
	FOUND(one, 1);
}

static void test_root_prefix(void **state)
{
	/* Name (\_S5, ...), as QEMU's DSDT writes it. */
	static const uint8_t aml[] = { 0x08, '\\', '_',	 'S',  '5',
				       '_',  0x12, 0x08, 0x04, 0x0A,
				       0x07, 0x0A, 0x07, 0x00, 0x00 };

	FOUND(aml, 7);
}

static void test_inside_a_table(void **state)
{
	/* Other objects around it, including a _S4_ and a "_S5_" that is
	 * only a string (no NameOp): neither must be mistaken for it. */
	static const uint8_t aml[] = {
		0x10, 0x20, '\\', '_',	'S',  'B',  '_', /* Scope */
		0x0D, '_',  'S',  '5',	'_',  0x00,	 /* String */
		0x08, '_',  'S',  '4',	'_',  0x12, 0x06, 0x04, 0x0A,
		0x02, /* S4 */
		0x0A, 0x02, 0x00, 0x00, 0x08, '_',  'S',  '5',	'_',
		0x12, 0x06, 0x04, 0x0A, 0x03, 0x0A, 0x03, 0x00, 0x00,
		0x14, 0x08, '_',  'P',	'T',  'S',  0x01, 0xA3, /* Method */
	};

	FOUND(aml, 3);
}

static void test_multibyte_pkglength(void **state)
{
	/* PkgLength 0x40 | n: one extra byte follows the lead byte. */
	static const uint8_t two[] = {
		0x08, '_',  'S',  '5',	'_',  0x12, 0x46,
		0x00, 0x04, 0x0A, 0x09, 0x00, 0x00, 0x00
	};
	/* 0xC0 | n: three extra bytes. */
	static const uint8_t four[] = { 0x08, '_',  'S',  '5',	'_',
					0x12, 0xC6, 0x00, 0x00, 0x00,
					0x04, 0x01, 0x00, 0x00, 0x00 };

	FOUND(two, 9);
	FOUND(four, 1);
}

static void test_package_at_the_very_end(void **state)
{
	/* The shortest complete package, ending the buffer: found. */
	static const uint8_t zero[] = { 0x08, '_',  'S',  '5', '_',
					0x12, 0x03, 0x01, 0x00 };
	static const uint8_t byte[] = { 0x08, '\\', '_',  'S',	'5', '_',
					0x12, 0x04, 0x01, 0x0A, 0x05 };

	FOUND(zero, 0);
	FOUND(byte, 5);
}

static void test_truncated(void **state)
{
	static const uint8_t full[] = { 0x08, '_',  'S',  '5',	'_',
					0x12, 0xC6, 0x00, 0x00, 0x00,
					0x04, 0x0A, 0x05 };

	/* Every prefix of a valid package is refused without reading past
	 * its end; only the whole of it is found. */
	for (size_t len = 0; len < sizeof(full); len++) {
		if (find(full, len))
			fail_msg("found in the first %zu bytes", len);
		/* Once NameOp, the name and PackageOp are all there. */
		if (len >= 6 && !strstr(err, "cut short"))
			fail_msg("first %zu bytes: \"%s\"", len, err);
	}
	FOUND(full, 5);
}

static void test_not_found(void **state)
{
	static const uint8_t none[] = { 0x08, '_',  'S',  '4',	'_',  0x12,
					0x06, 0x04, 0x0A, 0x05, 0x00, 0x00 };
	/* "_S5_" with no NameOp before it. */
	static const uint8_t no_nameop[] = { 0x00, '_',	 'S',  '5',  '_', 0x12,
					     0x06, 0x04, 0x0A, 0x05, 0x00 };
	/* At offset 0 there is no room for a NameOp. */
	static const uint8_t at_start[] = { '_',  'S',	'5',  '_',  0x12, 0x06,
					    0x04, 0x0A, 0x05, 0x00, 0x00 };
	/* A Method called _S5_, not a Name. */
	static const uint8_t method[] = { 0x14, 0x08, '_',  'S',  '5',
					  '_',	0x00, 0xA3, 0x00, 0x00 };

	refused(NULL, 0, "no \\_S5 package");
	REFUSED(none, "no \\_S5 package");
	REFUSED(no_nameop, "no \\_S5 package");
	REFUSED(at_start, "no \\_S5 package");
	REFUSED(method, "no \\_S5 package");
}

static void test_not_a_package_or_odd_element(void **state)
{
	/* Name (_S5_, 5): an integer, not a package. */
	static const uint8_t integer[] = { 0x08, '_',  'S',  '5',  '_',
					   0x0A, 0x05, 0x00, 0x00, 0x00 };
	/* A WordPrefix element: not a form we understand. */
	static const uint8_t word[] = { 0x08, '_',  'S',  '5',	'_',
					0x12, 0x07, 0x04, 0x0B, 0x05,
					0x00, 0x00, 0x00 };

	REFUSED(integer, "no \\_S5 package");
	REFUSED(word, "SLP_TYPa is not a byte");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_byte_prefix),
		cmocka_unit_test(test_zero_and_one_ops),
		cmocka_unit_test(test_root_prefix),
		cmocka_unit_test(test_inside_a_table),
		cmocka_unit_test(test_multibyte_pkglength),
		cmocka_unit_test(test_package_at_the_very_end),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_not_a_package_or_odd_element),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
