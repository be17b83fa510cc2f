/*
 * test_guest_tsc.c - the rule for what guests are told of the TSC's rate
 * (hv/dev/guest_tsc.c): the hypervisor's own rate, invariant TSC or not,
 * with the line saying which; 0 when it has no believable rate.  The CPU
 * and the clock are doubles.
 *
 * UNIT_SOURCES: hv/dev/guest_tsc.c hv/lib/format.c hv/lib/string.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/dev/guest_tsc.h"
#include "hv/lib/printk.h"
#include "hv/machine/cpu.h"
#include "hv/machine/time.h"

/* ---- Doubles. ---- */

struct cpu_info boot_cpu;
static uint32_t fake_khz;
static char line[512];

uint32_t tsc_khz(void)
{
	return fake_khz;
}

const char *time_reference_name(void)
{
	return "the PIT";
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hv_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
}

static void boot(bool invariant, uint32_t khz)
{
	memset(&boot_cpu, 0, sizeof(boot_cpu));
	boot_cpu.feature[CPU_TSC_INVARIANT] = invariant;
	fake_khz = khz;
	line[0] = 0;
	guest_tsc_init();
}

/* ---- Cases. ---- */

static void invariant_is_given(void **state)
{
	(void)state;
	boot(true, 2596000);
	assert_int_equal(guest_tsc_khz(), 2596000);
	assert_non_null(strstr(line, "hv: tsc: guests get tsc_khz 2596000: "
				     "the TSC is invariant (CPUID)"));
}

static void measured_is_given_and_said_so(void **state)
{
	(void)state;
	boot(false, 2596305);
	assert_int_equal(guest_tsc_khz(), 2596305);
	assert_non_null(strstr(line, "guests get tsc_khz 2596305: measured "
				     "against the PIT at boot"));
	assert_non_null(strstr(line, "the TSC is not invariant"));
}

static void no_rate_gives_zero(void **state)
{
	(void)state;
	boot(true, 0);
	assert_int_equal(guest_tsc_khz(), 0);
	assert_non_null(strstr(line, "guests get tsc_khz 0: the hypervisor "
				     "has no believable rate (0 kHz); guests "
				     "use the lguest clock"));
	/* A PIT that is not there: the count seemed over at once. */
	boot(false, 37);
	assert_int_equal(guest_tsc_khz(), 0);
	assert_non_null(strstr(line, "(37 kHz)"));
}

static void the_line_is_at_one_mhz(void **state)
{
	char why[160];

	(void)state;
	assert_int_equal(tsc_for_guests(false, TSC_MIN_KHZ - 1, "the PIT", why, 160), 0);
	assert_int_equal(tsc_for_guests(false, TSC_MIN_KHZ, "the PIT", why, 160),
			 TSC_MIN_KHZ);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(invariant_is_given),
		cmocka_unit_test(measured_is_given_and_said_so),
		cmocka_unit_test(no_rate_gives_zero),
		cmocka_unit_test(the_line_is_at_one_mhz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
