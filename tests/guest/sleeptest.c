/*
 * sleeptest.c - "sleeptest=N": sleep N ticks of 10 ms on the guest's
 * one-shot timer (LHCALL_SET_CLOCKEVENT, re-armed from each tick), and
 * say how long that took by the hypervisor's wall clock.
 *
 * The hypervisor's timer list, served by whichever timer the machine
 * has (the local APIC's or the PIT's), must never fire a guest's timer
 * early: N ticks take at least N * 10 ms of its clock.  And they must
 * not take absurdly longer, as they would if the timer were programmed
 * with a badly measured frequency.  tests/qemu/timer-*.test judge the
 * line this prints, with two guests sleeping at once.
 *
 * The clock is lguest_data.time, which the hypervisor refreshes as it
 * delivers each interrupt: so the start is read just after a tick was
 * delivered, and the end just after the Nth tick after it.
 */
#include <stdint.h>

#include "paravirt-guest/console.h"
#include "paravirt-guest/guest.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/idt.h"
#include "paravirt-guest/timer.h"

#include "testguest.h"

#define TICK_NS 10000000u

void sleeptest_run(const char *arg)
{
	uint32_t n = 0;
	uint64_t start, took;

	for (; *arg >= '0' && *arg <= '9' && n < 100000; arg++)
		n = n * 10 + (uint32_t)(*arg - '0');
	if (n == 0)
		n = 100;
	idt_init(); /* the tick's handler */
	timer_start(TICK_NS);
	timer_wait_tick();
	start = wallclock_ns();
	for (uint32_t i = 0; i < n; i++)
		timer_wait_tick();
	took = wallclock_ns() - start;
	timer_stop();
	printf("guest: sleeptest: %u ticks of 10 ms took %u ms\n", n,
	       (uint32_t)(took / 1000000u));
	guest_poweroff("sleeptest complete");
}
