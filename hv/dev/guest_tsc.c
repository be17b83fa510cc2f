/*
 * guest_tsc.c - the rule for lguest_data.tsc_khz (ABI 10): give guests
 * the TSC's rate whenever the hypervisor has one it can stand behind, and
 * say at boot which it is.
 *
 * A Linux guest told tsc_khz uses the TSC as its clock.  Told 0, it
 * measures the rate itself against the emulated PIT (pit_emul.c); if that
 * fails too, as it does where exits are slow, it marks its TSC unstable
 * and keeps time by the lguest clock.  But that PIT counts by
 * time_now_ns(), which is the TSC scaled by the hypervisor's own rate,
 * and lguest_data.time, the lguest clock, comes from the same place: a
 * guest measuring its TSC against our PIT can only find our rate again,
 * less precisely, and the clock it falls back to is that rate too.  So
 * keeping the rate back protects no guest from a bad rate; it only costs
 * them their best clock.  What matters is whether the hypervisor has a
 * rate at all that it keeps its own time by:
 *
 *   - an invariant TSC (CPUID 0x80000007 EDX bit 8) runs at one rate in
 *     every power state, and time_init() measured that rate against a
 *     reference clock (the PIT, the HPET or the ACPI PM timer): given;
 *   - a TSC that is not invariant was measured the same way; it keeps its
 *     rate unless the CPU changes its clock (frequency scaling on CPUs
 *     older than about 2008), and then the hypervisor's own clock would be
 *     as wrong as the guests': given, and the line says it is not
 *     invariant;
 *   - no rate, or one below TSC_MIN_KHZ (a measurement that failed, which
 *     the hypervisor's clock then suffers too): 0, and the line says so.
 */
#include "hv/dev/guest_tsc.h"
#include "hv/lib/printk.h"
#include "hv/machine/cpu.h"
#include "hv/machine/time.h"

static uint32_t given;

uint32_t tsc_for_guests(bool invariant, uint32_t khz, const char *ref,
			char *why, size_t len)
{
	if (khz < TSC_MIN_KHZ) {
		hv_snprintf(why, len,
			    "the hypervisor has no believable rate (%u kHz); "
			    "guests use the lguest clock",
			    khz);
		return 0;
	}
	if (invariant)
		hv_snprintf(why, len,
			    "the TSC is invariant (CPUID), its rate measured "
			    "against %s at boot",
			    ref);
	else
		hv_snprintf(why, len,
			    "measured against %s at boot, the rate the "
			    "hypervisor keeps its own time by; the TSC is not "
			    "invariant",
			    ref);
	return khz;
}

void guest_tsc_init(void)
{
	char why[160];

	given = tsc_for_guests(cpu_has(CPU_TSC_INVARIANT), tsc_khz(),
			       time_reference_name(), why, sizeof(why));
	printk("hv: tsc: guests get tsc_khz %u: %s\n", given, why);
}

uint32_t guest_tsc_khz(void)
{
	return given;
}
