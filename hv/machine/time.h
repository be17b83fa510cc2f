/*
 * time.h - the hypervisor's clocks and timers.
 *
 * Monotonic time is the TSC, scaled by the frequency measured at boot
 * against a reference clock (the PIT, else the HPET, else the ACPI PM
 * timer).  Wall-clock time is the CMOS RTC read once at boot plus
 * monotonic time since.  Timers are a short sorted list served by one
 * one-shot timer, the local APIC's when the APICs deliver interrupts,
 * else the PIT's: it is programmed for the earliest deadline only, so an
 * idle machine takes no periodic interrupts.
 */
#ifndef HV_TIME_H
#define HV_TIME_H

#include "hv/lib/lib.h"

void time_init(void);
uint32_t tsc_khz(void);
/* What the TSC was measured against: "the PIT", "the HPET", ... */
const char *time_reference_name(void);
uint64_t time_now_ns(void); /* since boot */
/* A number of TSC cycles as nanoseconds. */
uint64_t time_cycles_to_ns(uint64_t cycles);
/* Seconds and nanoseconds since the UNIX epoch. */
void time_wallclock(uint32_t *sec, uint32_t *nsec);
bool time_rtc_valid(void);

struct hv_timer {
	uint64_t deadline_ns; /* time_now_ns() at which to fire */
	void (*fn)(struct hv_timer *t);
	struct hv_timer *next;
	bool armed;
	unsigned cpu; /* whose list it is on, while armed */
};

/* Arm (or re-arm) t to call t->fn once at deadline_ns. */
void timer_arm(struct hv_timer *t, uint64_t deadline_ns);
void timer_cancel(struct hv_timer *t);
/* An armed timer of a guest that moved: onto this processor's list, with
 * its deadline. */
void timer_adopt(struct hv_timer *t);
/* Run every expired timer; called from the timer interrupt and on
 * exits. */
void timer_run_expired(void);
uint64_t timer_irq_count(void);

#endif
