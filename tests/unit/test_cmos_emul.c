/*
 * test_cmos_emul.c - the guest's read-only CMOS clock (hv/dev/cmos_emul.c):
 * the date arithmetic, checked against its inverse rtc_to_epoch() for
 * every day from 1970 to 2106 and at known instants (leap years by the
 * 4, 100 and 400 rules, the century), and the registers as a guest reads
 * them through the index and data ports.
 *
 * UNIT_SOURCES: hv/dev/cmos_emul.c drivers/rtc_epoch.c hv/lib/string.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "drivers/rtc.h"
#include "hv/dev/cmos_emul.h"

static void expect_civil(uint32_t epoch, unsigned y, unsigned mo, unsigned d,
			 unsigned h, unsigned mi, unsigned s, unsigned wday)
{
	struct civil_time t;

	epoch_to_civil(epoch, &t);
	if (t.year != y || t.mon != mo || t.day != d || t.hour != h ||
	    t.min != mi || t.sec != s || t.wday != wday)
		fail_msg("%u: got %04u-%02u-%02u %02u:%02u:%02u wday %u, want "
			 "%04u-%02u-%02u %02u:%02u:%02u wday %u",
			 epoch, t.year, t.mon, t.day, t.hour, t.min, t.sec,
			 t.wday, y, mo, d, h, mi, s, wday);
}

static void known_instants(void **state)
{
	(void)state;
	expect_civil(0, 1970, 1, 1, 0, 0, 0, 4); /* a Thursday */
	expect_civil(68169600, 1972, 2, 29, 0, 0, 0, 2);
	expect_civil(946684799, 1999, 12, 31, 23, 59, 59, 5);
	expect_civil(946684800, 2000, 1, 1, 0, 0, 0, 6);
	expect_civil(951825600, 2000, 2, 29, 12, 0, 0, 2); /* 400: leap */
	expect_civil(1234567890, 2009, 2, 13, 23, 31, 30, 5);
	expect_civil(1709251199, 2024, 2, 29, 23, 59, 59, 4);
	expect_civil(1795700730, 2026, 11, 26, 13, 45, 30, 4);
	expect_civil(2147483648u, 2038, 1, 19, 3, 14, 8, 2);
	expect_civil(4102444799u, 2099, 12, 31, 23, 59, 59, 4);
	expect_civil(4102444800u, 2100, 1, 1, 0, 0, 0, 5);
	expect_civil(4107456000u, 2100, 2, 28, 0, 0, 0, 0);
	expect_civil(4107542400u, 2100, 3, 1, 0, 0, 0, 1); /* 100: not leap */
	expect_civil(4294967295u, 2106, 2, 7, 6, 28, 15, 0);
}

/* Every day of the range, at a time of day that moves, both ways. */
static void every_day_round_trips(void **state)
{
	unsigned wday = 4;

	(void)state;
	for (uint32_t days = 0; days <= 49710; days++) {
		uint32_t secs = (days * 7919u) % 86400u;
		uint32_t epoch = days * 86400u + secs;
		struct civil_time t;

		if (days == 49710 && secs > 23295)
			secs = 23295; /* the last day ends at 06:28:15 */
		epoch = days * 86400u + secs;
		epoch_to_civil(epoch, &t);
		if (rtc_to_epoch(t.year, t.mon, t.day, t.hour, t.min, t.sec) !=
		    epoch)
			fail_msg("%u -> %04u-%02u-%02u %02u:%02u:%02u -> %u",
				 epoch, t.year, t.mon, t.day, t.hour, t.min,
				 t.sec,
				 rtc_to_epoch(t.year, t.mon, t.day, t.hour,
					      t.min, t.sec));
		assert_in_range(t.mon, 1, 12);
		assert_in_range(t.day, 1, 31);
		assert_int_equal(t.wday, wday);
		wday = (wday + 1) % 7;
	}
}

/* ---- The registers, through the ports. ---- */

static uint8_t rd(struct cmos_rtc *c, uint8_t reg, uint32_t sec, uint32_t nsec)
{
	struct cmos_now now = { sec, nsec, true };

	cmos_write_index(c, reg);
	return cmos_read_data(c, &now);
}

static void registers_in_bcd(void **state)
{
	struct cmos_rtc c;
	uint32_t t = 1795700730; /* 2026-11-26 13:45:30, a Thursday */

	(void)state;
	cmos_reset(&c);
	assert_int_equal(rd(&c, CMOS_STATUS_A, t, 0) & CMOS_A_UIP, 0);
	assert_int_equal(rd(&c, CMOS_SECONDS, t, 0), 0x30);
	assert_int_equal(rd(&c, CMOS_MINUTES, t, 0), 0x45);
	assert_int_equal(rd(&c, CMOS_HOURS, t, 0), 0x13);
	assert_int_equal(rd(&c, CMOS_WEEKDAY, t, 0), 0x05);
	assert_int_equal(rd(&c, CMOS_DAY, t, 0), 0x26);
	assert_int_equal(rd(&c, CMOS_MONTH, t, 0), 0x11);
	assert_int_equal(rd(&c, CMOS_YEAR, t, 0), 0x26);
	assert_int_equal(rd(&c, CMOS_CENTURY, t, 0), 0x20);
	/* B: 24-hour and BCD, as the values above are. */
	assert_int_equal(rd(&c, CMOS_STATUS_B, t, 0) &
				 (CMOS_B_24H | CMOS_B_BINARY),
			 CMOS_B_24H);
	assert_int_equal(rd(&c, CMOS_STATUS_C, t, 0), 0);
	assert_int_equal(rd(&c, CMOS_STATUS_D, t, 0), CMOS_D_VALID);
}

static void bit7_of_the_index_is_the_nmi_mask(void **state)
{
	struct cmos_rtc c;
	struct cmos_now now = { 1795700730, 0, true };

	(void)state;
	cmos_reset(&c);
	cmos_write_index(&c, 0x80 | CMOS_MINUTES);
	assert_int_equal(cmos_read_data(&c, &now), 0x45);
	assert_true(c.nmi_masked);
}

static void unknown_registers_read_zero(void **state)
{
	struct cmos_rtc c;
	uint32_t t = 1795700730;

	(void)state;
	cmos_reset(&c);
	assert_int_equal(rd(&c, 0x01, t, 0), 0); /* the alarm */
	assert_int_equal(rd(&c, 0x0E, t, 0), 0); /* NVRAM */
	assert_int_equal(rd(&c, 0x31, t, 0), 0);
	assert_int_equal(rd(&c, 0x33, t, 0), 0);
	assert_int_equal(rd(&c, 0x7F, t, 0), 0);
}

static void invalid_time_says_so_in_d(void **state)
{
	struct cmos_rtc c;
	struct cmos_now now = { 42, 0, false }; /* no RTC: 1970 */

	(void)state;
	cmos_reset(&c);
	cmos_write_index(&c, CMOS_STATUS_D);
	assert_int_equal(cmos_read_data(&c, &now), 0);
	cmos_write_index(&c, CMOS_YEAR);
	assert_int_equal(cmos_read_data(&c, &now), 0x70);
	cmos_write_index(&c, CMOS_CENTURY);
	assert_int_equal(cmos_read_data(&c, &now), 0x19);
}

/* 23:59:59.95 on the last day of 2099, read from A onwards while the
 * century turns: every register from the instant A was read. */
static void a_reading_is_not_torn(void **state)
{
	struct cmos_rtc c;
	uint32_t t = 4102444799u;

	(void)state;
	cmos_reset(&c);
	rd(&c, CMOS_STATUS_A, t, 950000000);
	assert_int_equal(rd(&c, CMOS_SECONDS, t, 990000000), 0x59);
	assert_int_equal(rd(&c, CMOS_MINUTES, t + 1, 10000000), 0x59);
	assert_int_equal(rd(&c, CMOS_HOURS, t + 1, 20000000), 0x23);
	assert_int_equal(rd(&c, CMOS_DAY, t + 1, 20000000), 0x31);
	assert_int_equal(rd(&c, CMOS_MONTH, t + 1, 30000000), 0x12);
	assert_int_equal(rd(&c, CMOS_YEAR, t + 1, 30000000), 0x99);
	assert_int_equal(rd(&c, CMOS_CENTURY, t + 1, 40000000), 0x20);
	/* A new reading sees the new century. */
	rd(&c, CMOS_STATUS_A, t + 1, 50000000);
	assert_int_equal(rd(&c, CMOS_YEAR, t + 1, 50000000), 0x00);
	assert_int_equal(rd(&c, CMOS_CENTURY, t + 1, 50000000), 0x21);
}

/* A reader that never looks at A still sees the time move. */
static void snapshots_do_not_go_stale(void **state)
{
	struct cmos_rtc c;
	uint32_t t = 1795700730;

	(void)state;
	cmos_reset(&c);
	assert_int_equal(rd(&c, CMOS_SECONDS, t, 950000000), 0x30);
	/* 60 ms later: the same snapshot; 150 ms later: a new one. */
	assert_int_equal(rd(&c, CMOS_SECONDS, t + 1, 10000000), 0x30);
	assert_int_equal(rd(&c, CMOS_SECONDS, t + 1, 100000000), 0x31);
	assert_int_equal(rd(&c, CMOS_SECONDS, t + 5, 0), 0x35);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_instants),
		cmocka_unit_test(every_day_round_trips),
		cmocka_unit_test(registers_in_bcd),
		cmocka_unit_test(bit7_of_the_index_is_the_nmi_mask),
		cmocka_unit_test(unknown_registers_read_zero),
		cmocka_unit_test(invalid_time_says_so_in_d),
		cmocka_unit_test(a_reading_is_not_torn),
		cmocka_unit_test(snapshots_do_not_go_stale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
