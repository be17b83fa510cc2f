/*
 * test_monitor_cmd.c - the console monitor's prompt (hv/core/monitor_cmd.c):
 * the line editor (echo, backspace at the start of a line and past its
 * end, CR LF as one Enter, Ctrl-C, arrows ignored, a line longer than the
 * buffer) and the command parser (every command, missing and extra
 * words, names that cannot be a guest's, blanks and tabs).
 *
 * UNIT_SOURCES: hv/core/monitor_cmd.c hv/lib/parse.c hv/lib/string.c hv/lib/format.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/core/monitor.h"

static struct monitor_line ln;
static char echoed[1024];
static unsigned echoed_len;
static char lines[8][MONITOR_LINE_MAX];
static unsigned nr_lines;

static int reset(void **state)
{
	memset(&ln, 0, sizeof(ln));
	echoed_len = nr_lines = 0;
	echoed[0] = 0;
	return 0;
}

static void type(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char echo[MONITOR_ECHO_MAX], done[MONITOR_LINE_MAX];
		unsigned k = 99;

		if (monitor_line_feed(&ln, (uint8_t)s[i], echo, &k, done)) {
			assert_true(nr_lines < 8);
			assert_true(strlen(done) < MONITOR_LINE_MAX);
			strcpy(lines[nr_lines++], done);
		}
		assert_true(k <= MONITOR_ECHO_MAX);
		memcpy(echoed + echoed_len, echo, k);
		echoed_len += k;
		echoed[echoed_len] = 0;
	}
}
#define TYPE(s) type(s, sizeof(s) - 1)

static void test_editing(void **state)
{
	TYPE("lisx\x7ft\r");
	assert_int_equal(nr_lines, 1);
	assert_string_equal(lines[0], "list");
	assert_string_equal(echoed, "lisx\b \bt\n");
	/* Backspace on an empty line echoes nothing; ^H works as DEL. */
	reset(NULL);
	TYPE("\b\x7f"
	     "ab\b\bc\n");
	assert_string_equal(lines[0], "c");
	assert_string_equal(echoed, "ab\b \b\b \bc\n");
}

static void test_enter_kinds(void **state)
{
	/* CR, LF, CR LF: three lines, not four; LF LF is two. */
	TYPE("a\rb\nc\r\n\n");
	assert_int_equal(nr_lines, 4);
	assert_string_equal(lines[0], "a");
	assert_string_equal(lines[1], "b");
	assert_string_equal(lines[2], "c");
	assert_string_equal(lines[3], "");
}

static void test_ctrl_c_and_escapes(void **state)
{
	TYPE("stop a\x03");
	assert_int_equal(nr_lines, 1);
	assert_string_equal(lines[0], "");
	/* Up, Left, Delete and a bare ESC then a letter: ignored; other
	 * control bytes too. */
	TYPE("l\x1b[Ai\x1b[Ds\x1b[3~\x1bZ\x01\x02t\r");
	assert_int_equal(nr_lines, 2);
	assert_string_equal(lines[1], "list");
}

static void test_long_line(void **state)
{
	char s[300];

	memset(s, 'x', sizeof(s));
	type(s, sizeof(s));
	type("\r", 1);
	assert_int_equal(nr_lines, 1);
	assert_int_equal(strlen(lines[0]), MONITOR_LINE_MAX - 1);
	/* What did not fit was not echoed either. */
	assert_int_equal(echoed_len, MONITOR_LINE_MAX - 1 + 1);
}

static void parse_ok(const char *line, enum monitor_op op, const char *name)
{
	struct monitor_cmd c;
	char err[160] = "";

	if (!monitor_parse(line, &c, err, sizeof(err)))
		fail_msg("'%s' refused: %s", line, err);
	assert_int_equal(c.op, op);
	assert_string_equal(c.name, name);
}

static void parse_bad(const char *line, const char *want)
{
	struct monitor_cmd c;
	char err[160] = "";

	if (monitor_parse(line, &c, err, sizeof(err)))
		fail_msg("'%s' accepted", line);
	assert_non_null(strstr(err, want));
}

static void test_commands(void **state)
{
	parse_ok("", MON_NOTHING, "");
	parse_ok("   \t ", MON_NOTHING, "");
	parse_ok("help", MON_HELP, "");
	parse_ok(" list ", MON_LIST, "");
	parse_ok("stop a", MON_STOP, "a");
	parse_ok("restart\tpv-0_x", MON_RESTART, "pv-0_x");
	parse_ok("stats", MON_STATS, "");
	parse_ok("stats b", MON_STATS, "b");
	parse_ok("cpus", MON_CPUS, "");
	parse_ok("console b ", MON_CONSOLE, "b");
	parse_ok("poweroff", MON_POWEROFF, "");
	/* Fifteen characters are a name; sixteen are not. */
	parse_ok("stop abcdefghijklmno", MON_STOP, "abcdefghijklmno");
}

static void test_bad_commands(void **state)
{
	parse_bad("lst", "unknown command 'lst' (type help)");
	parse_bad("LIST", "unknown command");
	parse_bad("listx", "unknown command");
	parse_bad("lis", "unknown command");
	parse_bad("stop", "stop: which guest?");
	parse_bad("restart   ", "restart: which guest?");
	parse_bad("list all", "list: too many words");
	parse_bad("stop a b", "stop: too many words");
	parse_bad("stats a b", "stats: too many words");
	parse_bad("stop abcdefghijklmnop",
		  "'abcdefghijklmnop' cannot be a guest's name");
	parse_bad("console a/b", "cannot be a guest's name");
	parse_bad("stop %s%n", "cannot be a guest's name");
}

static void test_help_lines(void **state)
{
	unsigned n = 0;

	while (monitor_help(n))
		n++;
	assert_int_equal(n, 8);
	assert_non_null(strstr(monitor_help(3), "restart NAME"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_editing, reset),
		cmocka_unit_test_setup(test_enter_kinds, reset),
		cmocka_unit_test_setup(test_ctrl_c_and_escapes, reset),
		cmocka_unit_test_setup(test_long_line, reset),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_bad_commands),
		cmocka_unit_test(test_help_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
