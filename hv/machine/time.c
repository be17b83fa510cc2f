/*
 * time.c - TSC time, the RTC wall clock, and one-shot timers (see time.h).
 */
#include "hv/machine/time.h"
#include "drivers/pit.h"
#include "drivers/rtc.h"
#include "hv/include/x86.h"
#include "hv/lib/printk.h"
#include "hv/machine/cpu.h"
#include "hv/machine/irq.h"

static uint32_t khz; /* TSC cycles per millisecond */
static uint64_t tsc_at_boot;
static uint32_t boot_epoch; /* RTC seconds at tsc_at_boot */
static bool rtc_ok;
static struct hv_timer *timers; /* sorted by deadline */
static uint64_t irq_count;

uint32_t tsc_khz(void)
{
	return khz;
}

uint64_t time_now_ns(void)
{
	uint64_t c = rdtsc() - tsc_at_boot;

	/* Split so c * 10^6 cannot overflow 64 bits. */
	return (c / khz) * 1000000u + ((c % khz) * 1000000u) / khz;
}

static uint64_t ns_to_pit_ticks(uint64_t ns)
{
	return ns * PIT_HZ / 1000000000u + 1;
}

void time_wallclock(uint32_t *sec, uint32_t *nsec)
{
	uint64_t ns = time_now_ns();

	*sec = boot_epoch + (uint32_t)(ns / 1000000000u);
	*nsec = (uint32_t)(ns % 1000000000u);
}

bool time_rtc_valid(void)
{
	return rtc_ok;
}

static void program_pit(void)
{
	uint64_t now, ticks;

	if (!timers)
		return; /* the PIT stays quiet: mode 0 fired once and stopped */
	now = time_now_ns();
	ticks = timers->deadline_ns > now
			? ns_to_pit_ticks(timers->deadline_ns - now)
			: 1;
	/* A far deadline is reached in steps of the PIT's longest count. */
	pit_oneshot(ticks > PIT_MAX_TICKS ? PIT_MAX_TICKS : (uint32_t)ticks);
}

void timer_cancel(struct hv_timer *t)
{
	struct hv_timer **pp;

	if (!t->armed)
		return;
	for (pp = &timers; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	t->armed = false;
}

void timer_arm(struct hv_timer *t, uint64_t deadline_ns)
{
	struct hv_timer **pp;
	bool first;

	timer_cancel(t);
	t->deadline_ns = deadline_ns;
	for (pp = &timers; *pp && (*pp)->deadline_ns <= deadline_ns;
	     pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	t->armed = true;
	first = (timers == t);
	if (first)
		program_pit();
}

void timer_run_expired(void)
{
	uint64_t now = time_now_ns();

	while (timers && timers->deadline_ns <= now) {
		struct hv_timer *t = timers;
		timers = t->next;
		t->armed = false;
		t->fn(t); /* may re-arm itself */
		now = time_now_ns();
	}
	program_pit();
}

uint64_t timer_irq_count(void)
{
	return irq_count;
}

static void pit_irq(void)
{
	irq_count++;
	timer_run_expired();
}

void time_init(void)
{
	uint64_t best = 0;

	if (!cpu_has(CPU_TSC))
		panic("this CPU has no time-stamp counter; cannot continue");
	/* Three 10 ms measurements; the smallest is the one least disturbed
	 * (an SMI or, under emulation, a host hiccup only adds cycles). */
	for (int i = 0; i < 3; i++) {
		uint64_t c;
		if (pit_measure_tsc(10, &c) && c && (!best || c < best))
			best = c;
	}
	if (!best)
		panic("the PIT never counted down: cannot measure the TSC");
	khz = (uint32_t)(best / 10);
	if (khz == 0)
		khz = 1;
	tsc_at_boot = rdtsc();
	rtc_ok = rtc_read_epoch(&boot_epoch);
	irq_register(PIT_IRQ, pit_irq);
}
