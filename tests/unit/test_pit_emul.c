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
	assert_false(p.running);
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
	assert_true(p.running);
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

/* Mode 0 holds its count while the gate is low and goes on from there:
 * it is not restarted (the old model snapped back to the reload). */
static void gate_low_pauses_mode0(void **state)
{
	struct pit_channel2 p;

	(void)state;
	start_mode0(&p, 1000, 0);
	pit2_write_port61(&p, 0x00, NS_PER_TICK(100) + 10); /* gate off */
	assert_int_equal(read16(&p, NS_PER_TICK(900)), 900);
	pit2_write_port61(&p, 0x01, NS_PER_TICK(2000)); /* and on again */
	assert_int_equal(read16(&p, NS_PER_TICK(2050) + 10), 850);
	/* OUT2 rises 900 ticks after the gate came back, not before. */
	assert_int_equal(pit2_read_port61(&p, NS_PER_TICK(2890)) & 0x20, 0);
	assert_int_equal(pit2_read_port61(&p, NS_PER_TICK(2910)) & 0x20, 0x20);
}

/* The read-back command: status first (OUT, null count, access, mode),
 * then the latched count. */
static void read_back_status_and_count(void **state)
{
	struct pit_channel2 p;

	(void)state;
	pit2_reset(&p);
	pit2_write_port61(&p, 0x01, 0);
	pit2_write_command(&p, 0xB0, 0); /* ch2, lo/hi, mode 0 */
	pit2_write_command(&p, 0xE8, 0); /* read back status of ch2 */
	/* No count yet: null count set, OUT low, access 3, mode 0. */
	assert_int_equal(pit2_read_count(&p, 0), 0x70);
	pit2_write_count(&p, 0x00, 0);
	pit2_write_count(&p, 0x10, 0);			    /* 4096 */
	pit2_write_command(&p, 0xC8, NS_PER_TICK(96) + 10); /* both */
	assert_int_equal(pit2_read_count(&p, NS_PER_TICK(500)), 0x30);
	assert_int_equal(read16(&p, NS_PER_TICK(500)), 4096 - 96);
	/* After the terminal count the status shows OUT high. */
	pit2_write_command(&p, 0xE8, NS_PER_TICK(5000));
	assert_int_equal(pit2_read_count(&p, NS_PER_TICK(5000)), 0xB0);
}

/* A second latch before the first is read changes nothing. */
static void second_latch_ignored(void **state)
{
	struct pit_channel2 p;

	(void)state;
	start_mode0(&p, 0x8000, 0);
	pit2_write_command(&p, 0x80, NS_PER_TICK(10) + 10);
	pit2_write_command(&p, 0x80, NS_PER_TICK(20) + 10);
	assert_int_equal(read16(&p, NS_PER_TICK(30)), 0x8000 - 10);
}

/* High byte only (access 2): it counts, and reads give the high byte. */
static void msb_only_access_counts(void **state)
{
	struct pit_channel2 p;

	(void)state;
	pit2_reset(&p);
	pit2_write_port61(&p, 0x01, 0);
	pit2_write_command(&p, 0xA0, 0); /* ch2, MSB only, mode 0 */
	pit2_write_count(&p, 0x40, 0);	 /* 0x4000 */
	assert_true(p.running);
	assert_int_equal(pit2_read_count(&p, NS_PER_TICK(0x100) + 10), 0x3F);
}

/* Mode 1 waits for a rising gate, then runs whatever the gate does. */
static void mode1_starts_on_the_gate(void **state)
{
	struct pit_channel2 p;

	(void)state;
	pit2_reset(&p);
	pit2_write_command(&p, 0xB2, 0); /* ch2, lo/hi, mode 1 */
	pit2_write_count(&p, 100, 0);
	pit2_write_count(&p, 0, 0);
	assert_int_equal(read16(&p, NS_PER_TICK(50)), 100);
	assert_true(pit2_read_port61(&p, NS_PER_TICK(50)) & 0x20);
	pit2_write_port61(&p, 0x01, NS_PER_TICK(60)); /* trigger */
	assert_int_equal(pit2_read_port61(&p, NS_PER_TICK(70)) & 0x20, 0);
	pit2_write_port61(&p, 0x00, NS_PER_TICK(80)); /* no effect */
	assert_int_equal(read16(&p, NS_PER_TICK(90) + 10), 70);
	assert_true(pit2_read_port61(&p, NS_PER_TICK(161)) & 0x20);
}

/* Hours of counting: no overflow in the arithmetic (the old product of
 * nanoseconds and the clock overflowed after about four hours). */
static void counts_right_after_hours(void **state)
{
	struct pit_channel2 p;
	uint64_t hours5 = 5ull * 3600 * 1000000000ull;

	(void)state;
	pit2_reset(&p);
	pit2_write_port61(&p, 0x01, 0);
	pit2_write_command(&p, 0xB4, 0); /* mode 2, period 65536 */
	pit2_write_count(&p, 0, 0);
	pit2_write_count(&p, 0, 0);
	/* 5 h = 18 000 s: 21 477 276 000 ticks, which is 327 717
	 * periods of 65536 and 14 688 ticks more. */
	assert_int_equal(read16(&p, hours5), 65536 - 14688);
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
		cmocka_unit_test(gate_low_pauses_mode0),
		cmocka_unit_test(read_back_status_and_count),
		cmocka_unit_test(second_latch_ignored),
		cmocka_unit_test(msb_only_access_counts),
		cmocka_unit_test(mode1_starts_on_the_gate),
		cmocka_unit_test(counts_right_after_hours),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
