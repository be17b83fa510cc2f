/*
 * test_pit_emul.c - the guest's 8254 channel 2 (hv/dev/pit_emul.c): the
 * sequences Linux's TSC calibration uses, driven with a fake clock.
 *
 * UNIT_SOURCES: hv/dev/pit_emul.c hv/lib/string.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hv/dev/pit_emul.h"

#define NS_PER_TICK(n) ((uint64_t)(n)*1000000000ull / 1193182u)

/* Mode 0, low then high byte, gate on: what quick_pit_calibrate() does. */
static void start_mode0(struct pit_channel2 *p, uint16_t count, uint64_t t)
{
	pit2_reset(p);
	pit2_write_port61(p, 0x01, t);	/* gate on, speaker off */
	pit2_write_command(p, 0xB0, t); /* channel 2, lo/hi, mode 0 */
	pit2_write_count(p, count & 0xFF, t);
	pit2_write_count(p, count >> 8, t);
}

static uint16_t read16(struct pit_channel2 *p, uint64_t t)
{
	uint8_t lo = pit2_read_count(p, t);
	return (uint16_t)(lo | pit2_read_count(p, t) << 8);
}

static void counts_down_in_real_time(void **state)
{
	struct pit_channel2 p;

	(void)state;
	start_mode0(&p, 0xFFFF, 1000);
	assert_int_equal(read16(&p, 1000), 0xFFFF);
	/* 256 ticks later the most significant byte has dropped by one:
	 * exactly what pit_expect_msb() waits for. */
	assert_int_equal(read16(&p, 1000 + NS_PER_TICK(256) + 10) >> 8, 0xFE);
	assert_int_equal(read16(&p, 1000 + NS_PER_TICK(1000) + 10),
			 0xFFFF - 1000);
}

static void out2_rises_at_terminal_count(void **state)
{
	struct pit_channel2 p;
	uint64_t t0 = 5000;

	(void)state;
	start_mode0(&p, 11932, t0); /* 10 ms: pit_calibrate_tsc() */
	assert_int_equal(pit2_read_port61(&p, t0) & 0x20, 0);
	assert_int_equal(pit2_read_port61(&p, t0 + 9000000) & 0x20, 0);
	assert_int_equal(pit2_read_port61(&p, t0 + 10100000) & 0x20, 0x20);
	/* The gate bit reads back as written. */
	assert_int_equal(pit2_read_port61(&p, t0) & 0x0F, 0x01);
}

static void gate_closed_holds_the_count(void **state)
{
	struct pit_channel2 p;

	(void)state;
	pit2_reset(&p);
	pit2_write_command(&p, 0xB0, 0);
	pit2_write_count(&p, 0x34, 0);
	pit2_write_count(&p, 0x12, 0);
	/* No gate: no counting, and OUT2 stays low in mode 0. */
	assert_int_equal(read16(&p, 50000000), 0x1234);
	assert_int_equal(pit2_read_port61(&p, 50000000) & 0x20, 0);
	/* Opening the gate starts it then. */
	pit2_write_port61(&p, 0x01, 60000000);
	assert_int_equal(read16(&p, 60000000 + NS_PER_TICK(16) + 10),
			 0x1234 - 16);
}

static void half_written_count_stops_the_counter(void **state)
{
	struct pit_channel2 p;

	(void)state;
	start_mode0(&p, 1000, 0);
	pit2_write_count(&p, 0xFF, NS_PER_TICK(10)); /* low byte only */
	assert_false(p.counting);
	pit2_write_count(&p, 0x00, NS_PER_TICK(20)); /* now 0x00FF */
	assert_int_equal(read16(&p, NS_PER_TICK(20) + NS_PER_TICK(5) + 10),
			 0xFF - 5);
}

static void latch_freezes_one_pair(void **state)
{
	struct pit_channel2 p;

	(void)state;
	start_mode0(&p, 0x8000, 0);
	pit2_write_command(&p, 0x80, NS_PER_TICK(100) + 10); /* latch ch2 */
	/* Read much later: still the latched value, once. */
	assert_int_equal(read16(&p, NS_PER_TICK(5000)), 0x8000 - 100);
	assert_int_equal(read16(&p, NS_PER_TICK(5000) + 10), 0x8000 - 5000);
}

static void other_channels_ignored(void **state)
{
	struct pit_channel2 p;

	(void)state;
	start_mode0(&p, 0x4000, 0);
	pit2_write_command(&p, 0x30, 10); /* channel 0: not ours */
	assert_int_equal(p.mode, 0);
	assert_true(p.counting);
	assert_int_equal(read16(&p, 10), 0x4000);
}

static void periodic_mode_reloads(void **state)
{
	struct pit_channel2 p;

	(void)state;
	pit2_reset(&p);
	pit2_write_port61(&p, 0x01, 0);
	pit2_write_command(&p, 0xB4, 0); /* mode 2, rate generator */
	pit2_write_count(&p, 100, 0);
	pit2_write_count(&p, 0, 0);
	assert_int_equal(read16(&p, NS_PER_TICK(250) + 10), 100 - 50);
	assert_true(pit2_read_port61(&p, NS_PER_TICK(250) + 10) & 0x20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_down_in_real_time),
		cmocka_unit_test(out2_rises_at_terminal_count),
		cmocka_unit_test(gate_closed_holds_the_count),
		cmocka_unit_test(half_written_count_stops_the_counter),
		cmocka_unit_test(latch_freezes_one_pair),
		cmocka_unit_test(other_channels_ignored),
		cmocka_unit_test(periodic_mode_reloads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
