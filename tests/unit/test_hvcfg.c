/*
 * test_hvcfg.c - hvcfg_parse, hv.efi's reader of hv.cfg.
 *
 * The promise under test: a good file gives the hypervisor's file and
 * options and each module's file and string, words joined by single
 * spaces; any problem stops the parse with the line it is on and a
 * reason that names what is wrong.  Every input is copied into a heap
 * buffer of exactly its length (no NUL after it), so AddressSanitizer
 * catches a read past the end.
 *
 * UNIT_SOURCES: boot/efi/hvcfg.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "boot/efi/hvcfg.h"

static struct hvcfg cfg;
static struct hvcfg_error err;

static bool parse_n(const char *text, size_t len)
{
	char *copy = malloc(len ? len : 1);
	bool ok;

	memcpy(copy, text, len);
	ok = hvcfg_parse(copy, len, &cfg, &err);
	free(copy);
	return ok;
}

static bool parse(const char *text)
{
	return parse_n(text, strlen(text));
}

/* The parse failed on `line` with a reason containing `what`. */
static void refused(const char *text, unsigned line, const char *what)
{
	assert_false(parse(text));
	if (err.line != line || !strstr(err.reason, what))
		fail_msg("line %u '%s', wanted line %u with '%s'", err.line,
			 err.reason, line, what);
}

static void test_good_file(void **state)
{
	assert_true(
		parse("# hv.cfg\n"
		      "\n"
		      "multiboot2 hv.elf  loglevel=info\tconsole=serial\n"
		      "   # indented comment\n"
		      "module2 pvguest.elf kernel name=pv0 mem=32M -- shell\n"
		      "module2 sub/disk.img   disk ro\n"));
	assert_string_equal(cfg.hv_file, "hv.elf");
	assert_string_equal(cfg.hv_cmdline, "loglevel=info console=serial");
	assert_int_equal(cfg.hv_line, 3);
	assert_int_equal(cfg.nr_mods, 2);
	assert_string_equal(cfg.mods[0].file, "pvguest.elf");
	assert_string_equal(cfg.mods[0].string,
			    "kernel name=pv0 mem=32M -- shell");
	assert_int_equal(cfg.mods[0].line, 5);
	assert_string_equal(cfg.mods[1].file, "sub/disk.img");
	assert_string_equal(cfg.mods[1].string, "disk ro");
	assert_int_equal(cfg.mods[1].line, 6);
}

static void test_no_options_no_final_newline(void **state)
{
	assert_true(parse("multiboot2 /boot/hv.elf"));
	assert_string_equal(cfg.hv_file, "/boot/hv.elf");
	assert_string_equal(cfg.hv_cmdline, "");
	assert_int_equal(cfg.nr_mods, 0);
}

static void test_crlf_and_bom(void **state)
{
	assert_true(parse("\xef\xbb\xbf# saved by Notepad\r\n"
			  "multiboot2 hv.elf loglevel=debug\r\n"
			  "module2 g.elf kernel -- quiet\r\n"));
	assert_string_equal(cfg.hv_cmdline, "loglevel=debug");
	assert_string_equal(cfg.mods[0].string, "kernel -- quiet");
	assert_int_equal(cfg.mods[0].line, 3);
}

static void test_stray_cr_is_refused(void **state)
{
	refused("multiboot2 hv.elf\nmodule2 a.elf kernel\rmore\n", 2,
		"control character (0xd) in column 21");
}

static void test_non_ascii(void **state)
{
	refused("multiboot2 hv.elf\n# fine\nmodule2 g.elf kernel -- "
		"caf\xc3\xa9\n",
		3, "not ASCII (0xc3) in column 28");
	/* UTF-16, as some editors save: the first byte is already wrong. */
	refused("\xff\xfem\0u\0", 1, "not ASCII (0xff) in column 1");
}

static void test_nul_byte(void **state)
{
	assert_false(parse_n("multiboot2 hv.elf\0\n", 19));
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.reason, "control character (0x0)"));
}

static void test_unknown_command(void **state)
{
	refused("multiboot2 hv.elf\n\nmodul2 g.elf kernel\n", 3,
		"unknown command 'modul2'");
	refused("menuentry hv {\n", 1, "unknown command 'menuentry'");
}

static void test_missing_fields(void **state)
{
	refused("multiboot2\n", 1, "multiboot2 needs the hypervisor's file");
	refused("multiboot2 hv.elf\nmodule2\n", 2, "module2 needs a file name");
	refused("multiboot2 hv.elf\nmodule2 disk.img\n", 2,
		"module2 'disk.img' needs a module string");
	refused("module2 g.elf kernel\nmultiboot2 hv.elf\n", 1,
		"module2 before the multiboot2 line");
}

static void test_no_or_two_hypervisors(void **state)
{
	refused("", 0, "no multiboot2 line");
	refused("# only comments\n\n", 0, "no multiboot2 line");
	refused("multiboot2 a.elf\n#\nmultiboot2 b.elf\n", 3,
		"a second multiboot2 line (the first is line 1)");
}

static void test_bad_file_names(void **state)
{
	refused("multiboot2 hv.elf\nmodule2 my*guest.elf kernel\n", 2,
		"file name 'my*guest.elf'");
	refused("multiboot2 hv:elf\n", 1, "file name 'hv:elf'");
}

static void test_long_file_name(void **state)
{
	char text[400];

	snprintf(text, sizeof(text), "multiboot2 %0*d\n", HVCFG_NAME_MAX, 7);
	refused(text, 1, "is longer than 127 characters");
	snprintf(text, sizeof(text), "multiboot2 %0*d\n", HVCFG_NAME_MAX - 1,
		 7);
	assert_true(parse(text));
}

static void test_quotes_refused(void **state)
{
	refused("multiboot2 hv.elf\nmodule2 g.elf kernel -- say \"hi\"\n", 2,
		"quote or backslash in '\"hi\"'");
	refused("multiboot2 hv.elf a\\b\n", 1, "quote or backslash");
}

/* A line of exactly HVCFG_LINE_MAX characters is taken; one more is not,
 * and the module string limit is the hypervisor's own. */
static void test_line_and_string_limits(void **state)
{
	static char text[2 * HVCFG_LINE_MAX];
	const char *head = "multiboot2 hv.elf\nmodule2 g.elf kernel -- ";
	size_t h = strlen(head), line2 = strlen("module2 g.elf kernel -- ");

	memset(text, 'x', sizeof(text));
	memcpy(text, head, h);
	/* The string: "kernel -- " and x's, HVCFG_STRING_MAX - 1 in all. */
	text[h + HVCFG_STRING_MAX - 1 - 10] = '\n';
	assert_true(parse_n(text, h + HVCFG_STRING_MAX - 10));
	assert_int_equal(strlen(cfg.mods[0].string), HVCFG_STRING_MAX - 1);

	memset(text, 'x', sizeof(text));
	memcpy(text, head, h);
	text[h + HVCFG_STRING_MAX - 10] = '\n';
	assert_false(parse_n(text, h + HVCFG_STRING_MAX - 9));
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.reason, "module string is longer than"));

	memset(text, 'x', sizeof(text));
	memcpy(text, head, h);
	text[h - line2 + HVCFG_LINE_MAX + 1] = '\n';
	assert_false(parse_n(text, h - line2 + HVCFG_LINE_MAX + 2));
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.reason, "line is longer than 2400"));
}

static void test_options_limit(void **state)
{
	static char text[HVCFG_LINE_MAX + 64];
	int n = snprintf(text, sizeof(text), "multiboot2 hv.elf ");

	memset(text + n, 'o', HVCFG_CMDLINE_MAX);
	text[n + HVCFG_CMDLINE_MAX] = '\n';
	assert_false(parse_n(text, n + HVCFG_CMDLINE_MAX + 1));
	assert_non_null(strstr(err.reason, "options are longer than 1023"));
	assert_true(parse_n(text, n + HVCFG_CMDLINE_MAX - 1));
}

static void test_too_many_modules(void **state)
{
	char text[4096];
	size_t at = (size_t)sprintf(text, "multiboot2 hv.elf\n");

	for (int i = 0; i < HVCFG_MAX_MODULES; i++)
		at += (size_t)sprintf(text + at, "module2 m%d.img disk\n", i);
	assert_true(parse_n(text, at));
	assert_int_equal(cfg.nr_mods, HVCFG_MAX_MODULES);
	at += (size_t)sprintf(text + at, "module2 one-more.img disk\n");
	assert_false(parse_n(text, at));
	assert_int_equal(err.line, HVCFG_MAX_MODULES + 2);
	assert_non_null(strstr(err.reason, "more than 16 modules"));
}

static void test_file_too_big(void **state)
{
	static char text[HVCFG_FILE_MAX + 1];

	memset(text, '\n', sizeof(text));
	memcpy(text, "multiboot2 hv.elf", 17);
	assert_true(parse_n(text, HVCFG_FILE_MAX));
	assert_false(parse_n(text, HVCFG_FILE_MAX + 1));
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.reason, "bigger than 64 KiB"));
}

/* A quoted word is cut short in the message, which stays one line. */
static void test_long_word_in_message(void **state)
{
	char text[300];

	snprintf(text, sizeof(text), "%0200d\n", 1);
	assert_false(parse(text));
	assert_non_null(strstr(err.reason, "unknown command '0000"));
	assert_non_null(strstr(err.reason, "...'"));
	assert_true(strlen(err.reason) < sizeof(err.reason));
	assert_null(strchr(err.reason, '\n'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_no_options_no_final_newline),
		cmocka_unit_test(test_crlf_and_bom),
		cmocka_unit_test(test_stray_cr_is_refused),
		cmocka_unit_test(test_non_ascii),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_unknown_command),
		cmocka_unit_test(test_missing_fields),
		cmocka_unit_test(test_no_or_two_hypervisors),
		cmocka_unit_test(test_bad_file_names),
		cmocka_unit_test(test_long_file_name),
		cmocka_unit_test(test_quotes_refused),
		cmocka_unit_test(test_line_and_string_limits),
		cmocka_unit_test(test_options_limit),
		cmocka_unit_test(test_too_many_modules),
		cmocka_unit_test(test_file_too_big),
		cmocka_unit_test(test_long_word_in_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
