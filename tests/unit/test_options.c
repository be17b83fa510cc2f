/*
 * test_options.c - options_parse, the hypervisor's own command line.
 *
 * The promise under test: every bad word is reported by name through the
 * callback, the option it tried to set keeps its default, and the good
 * words around it still take effect.
 *
 * UNIT_SOURCES: hv/setup/options.c hv/lib/parse.c hv/lib/string.c hv/lib/format.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hv/lib/console.h"
#include "hv/lib/printk.h"
#include "hv/setup/options.h"

/* What the parser reported, captured for assertions. */
#define MAX_MSGS 16
static char msgs[MAX_MSGS][256];
static int nr_msgs;

static void capture(const char *msg)
{
	assert_true(nr_msgs < MAX_MSGS);
	snprintf(msgs[nr_msgs], sizeof(msgs[0]), "%s", msg);
	nr_msgs++;
}

static int reset(void **state)
{
	memset(msgs, 0, sizeof(msgs));
	nr_msgs = 0;
	return 0;
}

/* Parse `cmdline` from the defaults; returns the problem count. */
static int parse(const char *cmdline, struct hv_options *o)
{
	options_defaults(o);
	return options_parse(cmdline, o, capture);
}

static void assert_defaults(const struct hv_options *o)
{
	struct hv_options d;

	options_defaults(&d);
	assert_memory_equal(o, &d, sizeof(d));
}

static void assert_msg(int i, const char *want)
{
	assert_true(i < nr_msgs);
	assert_string_equal(msgs[i], want);
}

static void test_defaults(void **state)
{
	struct hv_options o;

	memset(&o, 0xA5, sizeof(o));
	options_defaults(&o);
	assert_int_equal(o.loglevel, LOG_INFO);
	assert_int_equal(o.consoles, CONSOLE_SERIAL | CONSOLE_VGA);
	assert_int_equal(o.com_port, 0x3F8);
	assert_int_equal(o.com_baud, 115200);
	assert_int_equal(o.exit, EXIT_ACPI);
	assert_int_equal(o.qemu_exit_port, 0xF4);
	assert_string_equal(o.selftest, "");
}

static void test_empty_and_blank(void **state)
{
	struct hv_options o;

	assert_int_equal(parse("", &o), 0);
	assert_int_equal(parse("   \t  ", &o), 0);
	assert_int_equal(nr_msgs, 0);
	assert_defaults(&o);
}

static void test_loglevel(void **state)
{
	static const struct {
		const char *text;
		int level;
	} good[] = {
		{ "loglevel=error", LOG_ERR }, { "loglevel=warn", LOG_WARN },
		{ "loglevel=info", LOG_INFO }, { "loglevel=debug", LOG_DEBUG },
		{ "loglevel=3", 3 },	       { "loglevel=5", 5 },
		{ "loglevel=7", 7 },	       { "loglevel=0x7", 7 },
	};
	struct hv_options o;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		assert_int_equal(parse(good[i].text, &o), 0);
		assert_int_equal(o.loglevel, good[i].level);
	}
	assert_int_equal(nr_msgs, 0);
}

static void test_loglevel_bad(void **state)
{
	static const char *const bad[] = {
		"loglevel=2",	   "loglevel=8",  "loglevel=DEBUG",
		"loglevel=debug2", "loglevel=-1", "loglevel=chatty",
	};
	struct hv_options o;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(parse(bad[i], &o), 1);
		assert_defaults(&o);
	}
	assert_int_equal(nr_msgs, (int)ARRAY_SIZE(bad));
	assert_msg(5, "option 'loglevel': bad value 'chatty' (expected "
		      "error, warn, info, debug or 3-7); ignored");
}

static void test_console(void **state)
{
	struct hv_options o;

	assert_int_equal(parse("console=serial", &o), 0);
	assert_int_equal(o.consoles, CONSOLE_SERIAL);
	assert_int_equal(parse("console=vga", &o), 0);
	assert_int_equal(o.consoles, CONSOLE_VGA);
	assert_int_equal(parse("console=vga,serial", &o), 0);
	assert_int_equal(o.consoles, CONSOLE_SERIAL | CONSOLE_VGA);
	assert_int_equal(parse("console=serial,serial", &o), 0);
	assert_int_equal(o.consoles, CONSOLE_SERIAL);
	/* "screen" is the name; "vga" stays as its alias. */
	assert_int_equal(parse("console=screen", &o), 0);
	assert_int_equal(o.consoles, CONSOLE_SCREEN);
	assert_int_equal(parse("console=serial,screen", &o), 0);
	assert_int_equal(o.consoles, CONSOLE_SERIAL | CONSOLE_SCREEN);
	assert_int_equal(nr_msgs, 0);
}

static void test_console_bad(void **state)
{
	static const char *const bad[] = {
		"console=",
		"console=printer",
		"console=serial,printer",
		"console=,serial",
		"console=serial,,vga",
		"console=serial,",
		"console=,",
		"console=Serial",
	};
	struct hv_options o;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (parse(bad[i], &o) != 1)
			fail_msg("'%s' was accepted", bad[i]);
		assert_defaults(&o);
	}
	assert_msg(2, "option 'console': bad value 'serial,printer' "
		      "(expected a list of serial and screen); ignored");
	assert_msg(0, "option 'console': bad value '' (expected a list of "
		      "serial and screen); ignored");
}

static void test_com1(void **state)
{
	struct hv_options o;

	assert_int_equal(parse("com1=0x2f8", &o), 0);
	assert_int_equal(o.com_port, 0x2F8);
	assert_int_equal(o.com_baud, 115200); /* baud keeps its default */
	assert_int_equal(parse("com1=0x3e8,9600", &o), 0);
	assert_int_equal(o.com_port, 0x3E8);
	assert_int_equal(o.com_baud, 9600);
	assert_int_equal(parse("com1=1016,57600", &o), 0);
	assert_int_equal(o.com_port, 1016);
	assert_int_equal(o.com_baud, 57600);
	assert_int_equal(parse("com1=0xfff8,1", &o), 0);
	assert_int_equal(o.com_port, 0xFFF8);
	assert_int_equal(o.com_baud, 1);
	assert_int_equal(nr_msgs, 0);
}

static void test_com1_bad(void **state)
{
	static const char *const bad[] = {
		"com1=",	"com1=0",
		"com1=0xfff9",	"com1=0x10000",
		"com1=0x3f8,",	"com1=0x3f8,7",
		"com1=0x3f8,0", "com1=0x3f8,230400",
		"com1=,9600",	"com1=0x3f8,9600,1",
		"com1=serial",	"com1=0x3f8;9600",
	};
	struct hv_options o;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (parse(bad[i], &o) != 1)
			fail_msg("'%s' was accepted", bad[i]);
		/* Port and baud change together or not at all. */
		assert_defaults(&o);
	}
	assert_msg(5, "option 'com1': bad value '0x3f8,7' (expected "
		      "<port>[,<baud>], baud dividing 115200); ignored");
}

static void test_exit(void **state)
{
	struct hv_options o;

	assert_int_equal(parse("exit=halt", &o), 0);
	assert_int_equal(o.exit, EXIT_HALT);
	assert_int_equal(parse("exit=reboot", &o), 0);
	assert_int_equal(o.exit, EXIT_REBOOT);
	assert_int_equal(parse("exit=qemu", &o), 0);
	assert_int_equal(o.exit, EXIT_QEMU);
	assert_int_equal(o.qemu_exit_port, 0xF4);
	assert_int_equal(parse("exit=qemu:0x501", &o), 0);
	assert_int_equal(o.exit, EXIT_QEMU);
	assert_int_equal(o.qemu_exit_port, 0x501);
	assert_int_equal(parse("exit=halt exit=acpi", &o), 0);
	assert_int_equal(o.exit, EXIT_ACPI); /* the last one wins */
	assert_int_equal(nr_msgs, 0);
}

static void test_exit_bad(void **state)
{
	static const char *const bad[] = {
		"exit=",       "exit=off",	    "exit=qemu:",
		"exit=qemu:0", "exit=qemu:0x10000", "exit=qemu:port",
		"exit=qemux",  "exit=QEMU",	    "exit=halt,reboot",
	};
	struct hv_options o;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (parse(bad[i], &o) != 1)
			fail_msg("'%s' was accepted", bad[i]);
		assert_defaults(&o);
	}
	assert_msg(4, "option 'exit': bad value 'qemu:0x10000' (expected "
		      "acpi, qemu, qemu:<port>, halt or reboot); ignored");
}

static void test_irqchip(void **state)
{
	static const char *const bad[] = { "irqchip=", "irqchip=APIC",
					   "irqchip=8259", "irqchip=pic,apic",
					   "irqchip" };
	struct hv_options o;

	assert_int_equal(parse("", &o), 0);
	assert_int_equal(o.irqchip, IRQCHIP_AUTO);
	assert_int_equal(parse("irqchip=pic", &o), 0);
	assert_int_equal(o.irqchip, IRQCHIP_PIC);
	assert_int_equal(parse("irqchip=apic", &o), 0);
	assert_int_equal(o.irqchip, IRQCHIP_APIC);
	assert_int_equal(parse("irqchip=pic irqchip=auto", &o), 0);
	assert_int_equal(o.irqchip, IRQCHIP_AUTO);
	assert_int_equal(nr_msgs, 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (parse(bad[i], &o) != 1)
			fail_msg("'%s' was accepted", bad[i]);
		assert_defaults(&o);
	}
	assert_msg(1, "option 'irqchip': bad value 'APIC' (expected auto, "
		      "apic or pic); ignored");
}

static void test_exits(void **state)
{
	static const char *const bad[] = { "exits=", "exits=Resident",
					   "exits=residentx", "exits=switch,auto",
					   "exits" };
	struct hv_options o;

	assert_int_equal(parse("", &o), 0);
	assert_int_equal(o.exits, EXITS_AUTO);
	assert_int_equal(parse("exits=resident", &o), 0);
	assert_int_equal(o.exits, EXITS_RESIDENT);
	assert_int_equal(parse("exits=switch", &o), 0);
	assert_int_equal(o.exits, EXITS_SWITCH);
	assert_int_equal(parse("exits=switch exits=auto", &o), 0);
	assert_int_equal(o.exits, EXITS_AUTO);
	assert_int_equal(nr_msgs, 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (parse(bad[i], &o) != 1)
			fail_msg("'%s' was accepted", bad[i]);
		assert_defaults(&o);
	}
	assert_msg(1, "option 'exits': bad value 'Resident' (expected auto, "
		      "resident or switch); ignored");
}

static void test_keyboard(void **state)
{
	struct hv_options o;

	assert_int_equal(parse("", &o), 0);
	assert_true(o.keyboard);
	assert_int_equal(parse("keyboard=off", &o), 0);
	assert_false(o.keyboard);
	assert_int_equal(parse("keyboard=off keyboard=on", &o), 0);
	assert_true(o.keyboard);
	assert_int_equal(parse("keyboard=no", &o), 1);
	assert_defaults(&o);
	assert_msg(0, "option 'keyboard': bad value 'no' (expected on or "
		      "off); ignored");
}

static void test_selftest(void **state)
{
	struct hv_options o;
	char name[48];

	assert_int_equal(parse("selftest=fault-pf", &o), 0);
	assert_string_equal(o.selftest, "fault-pf");

	/* 31 characters fit the 32-byte field; 32 do not. */
	memset(name, 'a', sizeof(name));
	memcpy(name, "selftest=", 9);
	name[9 + 31] = 0;
	assert_int_equal(parse(name, &o), 0);
	assert_int_equal(strlen(o.selftest), 31);
	name[9 + 31] = 'a';
	name[9 + 32] = 0;
	assert_int_equal(parse(name, &o), 1);
	assert_string_equal(o.selftest, "");
	assert_int_equal(parse("selftest=", &o), 1);
	assert_string_equal(o.selftest, "");
}

static void test_unknown_option(void **state)
{
	struct hv_options o;

	assert_int_equal(parse("frobnicate=1", &o), 1);
	assert_msg(0, "unknown option 'frobnicate=1' ignored");
	assert_int_equal(parse("quiet", &o), 1);
	assert_msg(1, "unknown option 'quiet' ignored");
	/* Keys are matched whole and case-sensitively. */
	assert_int_equal(parse("log=debug LOGLEVEL=debug loglevelx=7", &o), 3);
	assert_msg(2, "unknown option 'log=debug' ignored");
	assert_msg(3, "unknown option 'LOGLEVEL=debug' ignored");
	assert_msg(4, "unknown option 'loglevelx=7' ignored");
	assert_int_equal(parse("=debug", &o), 1);
	assert_msg(5, "unknown option '=debug' ignored");
	assert_defaults(&o);
}

static void test_missing_value(void **state)
{
	struct hv_options o;

	assert_int_equal(parse("loglevel", &o), 1);
	assert_msg(0, "option 'loglevel' needs a value (error, warn, info, "
		      "debug or 3-7); ignored");
	assert_int_equal(parse("exit", &o), 1);
	assert_msg(1, "option 'exit' needs a value (acpi, qemu, qemu:<port>, "
		      "halt or reboot); ignored");
	assert_defaults(&o);
}

static void test_mixed_good_and_bad(void **state)
{
	struct hv_options o;

	/* The same line as tests/qemu/bad-option.test, plus good words. */
	assert_int_equal(parse("frobnicate=1 loglevel=chatty com1=0x3f8,7 "
			       "console=serial,printer",
			       &o),
			 4);
	assert_int_equal(nr_msgs, 4);
	assert_msg(0, "unknown option 'frobnicate=1' ignored");
	assert_defaults(&o);

	reset(NULL);
	assert_int_equal(parse("\tloglevel=debug  bogus exit=qemu:0x501\t"
			       "console=serial  loglevel=9 ",
			       &o),
			 2);
	assert_int_equal(nr_msgs, 2);
	assert_msg(0, "unknown option 'bogus' ignored");
	assert_msg(1, "option 'loglevel': bad value '9' (expected error, "
		      "warn, info, debug or 3-7); ignored");
	/* The bad loglevel=9 changed nothing. */
	assert_int_equal(o.loglevel, LOG_DEBUG);
	assert_int_equal(o.exit, EXIT_QEMU);
	assert_int_equal(o.qemu_exit_port, 0x501);
	assert_int_equal(o.consoles, CONSOLE_SERIAL);
}

static void test_long_words_are_truncated_safely(void **state)
{
	struct hv_options o;
	char line[1100];

	/* A huge unknown word and a huge bad value: the messages are cut to
	 * fit, but still name the option and end in a NUL. */
	memset(line, 'z', sizeof(line));
	line[sizeof(line) - 1] = 0;
	assert_int_equal(parse(line, &o), 1);
	assert_true(strncmp(msgs[0], "unknown option 'zzz", 19) == 0);
	assert_true(strlen(msgs[0]) < 160);

	memcpy(line, "console=", 8);
	assert_int_equal(parse(line, &o), 1);
	assert_true(strncmp(msgs[1], "option 'console': bad value 'zz", 31) ==
		    0);
	assert_true(strlen(msgs[1]) < 200);
	assert_defaults(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults, reset),
		cmocka_unit_test_setup(test_empty_and_blank, reset),
		cmocka_unit_test_setup(test_loglevel, reset),
		cmocka_unit_test_setup(test_loglevel_bad, reset),
		cmocka_unit_test_setup(test_console, reset),
		cmocka_unit_test_setup(test_console_bad, reset),
		cmocka_unit_test_setup(test_com1, reset),
		cmocka_unit_test_setup(test_com1_bad, reset),
		cmocka_unit_test_setup(test_exit, reset),
		cmocka_unit_test_setup(test_exit_bad, reset),
		cmocka_unit_test_setup(test_irqchip, reset),
		cmocka_unit_test_setup(test_exits, reset),
		cmocka_unit_test_setup(test_selftest, reset),
		cmocka_unit_test_setup(test_keyboard, reset),
		cmocka_unit_test_setup(test_unknown_option, reset),
		cmocka_unit_test_setup(test_missing_value, reset),
		cmocka_unit_test_setup(test_mixed_good_and_bad, reset),
		cmocka_unit_test_setup(test_long_words_are_truncated_safely,
				       reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
