/*
 * table_parse.h - one firmware table through its parser, for the ACPI
 * table tests (test_madt.c, test_fadt.c): the bytes copied to a heap
 * block of exactly their length (so a read past the end is an
 * AddressSanitizer failure), the output and the message pre-filled, and
 * the parser's promise checked: a refusal comes with a reason, an
 * acceptance without one.
 */
#ifndef TESTS_UNIT_TABLE_PARSE_H
#define TESTS_UNIT_TABLE_PARSE_H

#include <stdlib.h>
#include <string.h>

/* The parser, as the tests call it: out is its own struct. */
typedef bool (*table_parser)(const void *table, size_t len, void *out,
			     char *err, size_t errlen);

static inline bool table_parse(table_parser fn, const void *bytes, size_t len,
			       void *out, size_t out_size, char *err,
			       size_t errlen)
{
	uint8_t *copy = malloc(len ? len : 1);
	bool ok;

	assert_non_null(copy);
	memcpy(copy, bytes, len);
	memset(out, 0xA5, out_size);
	strcpy(err, "untouched");
	ok = fn(copy, len, out, err, errlen);
	free(copy);
	if (ok)
		assert_string_equal(err, "untouched");
	else
		assert_string_not_equal(err, "untouched");
	return ok;
}

#endif
