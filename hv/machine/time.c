/*
 * time.c - TSC time, the RTC wall clock, and one-shot timers (see time.h).
 *
 * The timer behind the list is the local APIC's, one-shot, when the
 * APICs deliver interrupts (irq.c), and the PIT's channel 0 otherwise.
 * Neither says its own frequency, nor does the TSC, so each is measured
 * at boot against a reference clock whose frequency is fixed: the PIT
 * (channel 2, which needs no interrupt), or on machines without one the
 * HPET's main counter, or the ACPI PM timer.
 */
#include "hv/machine/time.h"
#include "drivers/acpi_pmtimer.h"
#include "drivers/hpet.h"
#include "drivers/lapic.h"
#include "drivers/pit.h"
#include "drivers/rtc.h"
#include "hv/include/layout.h"
#include "hv/include/percpu.h"
#include "hv/include/x86.h"
#include "hv/lib/printk.h"
#include "hv/machine/cpu.h"
#include "hv/machine/irq.h"

#define NS_PER_SEC 1000000000u
#define CALIBRATE_MS 10
/* A far deadline is reached in steps of at most this. */
#define LAPIC_STEP_NS NS_PER_SEC

static uint32_t khz; /* TSC cycles per millisecond */
static uint64_t ns_per_cycle; /* 32.32 fixed point: 10^6 / khz */
static uint64_t tsc_at_boot;
static uint32_t boot_epoch; /* RTC seconds at tsc_at_boot */
static bool rtc_ok;
/* Each processor's timers, sorted by deadline, on its own local APIC
 * timer (only the first processor has any without an APIC). */
static struct hv_timer *timer_lists[MAX_CPUS];
static uint64_t irq_count;
static bool use_lapic;
static uint64_t lapic_hz; /* timer ticks a second: bus clock / divide */

uint32_t tsc_khz(void)
{
	return khz;
}

uint64_t time_cycles_to_ns(uint64_t cycles)
{
	return mul_frac32(cycles, ns_per_cycle);
}

uint64_t time_now_ns(void)
{
	uint64_t c;

	if (khz == 0)
		return 0; /* before time_init(): no clock yet */
	c = rdtsc() - tsc_at_boot;
	/* A multiplication: the three 64-bit divisions of c * 10^6 / khz
	 * cost a few hundred instructions on this 32-bit CPU, and the clock
	 * is read on every exit.  The factor's error (under 2^-32 ns a
	 * cycle) is far below any crystal's. */
	return mul_frac32(c, ns_per_cycle);
}

static uint64_t ns_to_pit_ticks(uint64_t ns)
{
	return ns * PIT_HZ / NS_PER_SEC + 1;
}

void time_wallclock(uint32_t *sec, uint32_t *nsec)
{
	uint64_t ns = time_now_ns();

	*sec = boot_epoch + (uint32_t)(ns / NS_PER_SEC);
	*nsec = (uint32_t)(ns % NS_PER_SEC);
}

bool time_rtc_valid(void)
{
	return rtc_ok;
}

static void program_lapic(uint64_t ns)
{
	uint64_t ticks;

	if (ns > LAPIC_STEP_NS)
		ns = LAPIC_STEP_NS;
	/* At most 10^9 ns times a rate below 2^32: no overflow. */
	ticks = ns * lapic_hz / NS_PER_SEC + 1;
	lapic_timer_oneshot(LAPIC_TIMER_VECTOR, ticks > 0xFFFFFFFFu
							? 0xFFFFFFFFu
							: (uint32_t)ticks);
}

static void program_timer(void)
{
	struct hv_timer *timers = timer_lists[cpu_index()];
	uint64_t now, ns;

	if (!timers) {
		/* The PIT stays quiet: mode 0 fired once and stopped; the
		 * local APIC's one-shot likewise. */
		return;
	}
	now = time_now_ns();
	ns = timers->deadline_ns > now ? timers->deadline_ns - now : 0;
	if (use_lapic) {
		program_lapic(ns);
	} else {
		uint64_t ticks = ns ? ns_to_pit_ticks(ns) : 1;
		/* A far deadline is reached in steps of the PIT's longest
		 * count. */
		pit_oneshot(ticks > PIT_MAX_TICKS ? PIT_MAX_TICKS
						  : (uint32_t)ticks);
	}
}

/* Off the list of the processor it was armed on.  From another
 * processor (a guest stopped from the console monitor), that one's timer
 * is left as it is: it fires, finds nothing due, and goes on. */
void timer_cancel(struct hv_timer *t)
{
	struct hv_timer **pp;

	if (!t->armed)
		return;
	for (pp = &timer_lists[t->cpu]; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	t->armed = false;
}

/* On this processor's list: t fires here. */
void timer_arm(struct hv_timer *t, uint64_t deadline_ns)
{
	unsigned cpu = cpu_index();
	struct hv_timer **pp;
	bool first;

	timer_cancel(t);
	t->deadline_ns = deadline_ns;
	t->cpu = cpu;
	for (pp = &timer_lists[cpu]; *pp && (*pp)->deadline_ns <= deadline_ns;
	     pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	t->armed = true;
	first = (timer_lists[cpu] == t);
	if (first)
		program_timer();
}

void timer_adopt(struct hv_timer *t)
{
	if (t->armed && t->cpu != cpu_index())
		timer_arm(t, t->deadline_ns);
}

void timer_run_expired(void)
{
	struct hv_timer **timers = &timer_lists[cpu_index()];
	uint64_t now = time_now_ns();

	while (*timers && (*timers)->deadline_ns <= now) {
		struct hv_timer *t = *timers;
		*timers = t->next;
		t->armed = false;
		t->fn(t); /* may re-arm itself */
		now = time_now_ns();
	}
	program_timer();
}

uint64_t timer_irq_count(void)
{
	return irq_count;
}

static void timer_irq(void)
{
	irq_count++;
	timer_run_expired();
}

/* ---- Reference clocks, to measure the others against ---- */

struct refclock {
	const char *name;
	void (*start)(uint32_t ms); /* begin a wait of `ms` */
	bool (*done)(void);	    /* has it passed? */
};

static void pit_start(uint32_t ms)
{
	pit_ch2_start(PIT_HZ / 1000 * ms);
}

static bool pit_done(void)
{
	if (!pit_ch2_done())
		return false;
	pit_ch2_stop();
	return true;
}

static uint32_t ref_begin, ref_ticks;

static void hpet_start(uint32_t ms)
{
	ref_ticks = (uint32_t)(hpet_hz() * ms / 1000);
	ref_begin = hpet_read32();
}

static bool hpet_done(void)
{
	return hpet_read32() - ref_begin >= ref_ticks;
}

static void pmtimer_start(uint32_t ms)
{
	ref_ticks = PMTIMER_HZ / 1000 * ms;
	ref_begin = pmtimer_read();
}

static bool pmtimer_done(void)
{
	return pmtimer_elapsed(ref_begin, pmtimer_read()) >= ref_ticks;
}

static const struct refclock pit_ref = { "the PIT", pit_start, pit_done };
static const struct refclock hpet_ref = { "the HPET", hpet_start, hpet_done };
static const struct refclock pm_ref = { "the ACPI PM timer", pmtimer_start,
					pmtimer_done };

/* The first that works: the PIT, the HPET, the PM timer. */
static const struct refclock *find_refclock(void)
{
	if (pit_present())
		return &pit_ref;
	if (hpet_init())
		return &hpet_ref;
	if (pmtimer_init())
		return &pm_ref;
	return NULL;
}

static const struct refclock *reference;

const char *time_reference_name(void)
{
	return reference ? reference->name : "nothing";
}

struct measure {
	uint64_t tsc;	/* TSC cycles over the wait */
	uint64_t slack; /* how far off tsc may be: the two edges' windows */
	uint32_t lapic; /* local APIC timer ticks over it */
};

/*
 * One wait of `ms` on the reference clock; false if it never ended.
 *
 * Neither edge of the wait is seen exactly.  The reference starts
 * somewhere inside its start() call, and it ends somewhere between the
 * last poll that said "not yet" and the one that said "done".  Each edge
 * is timed by the TSC on both sides, so the measurement knows its own
 * error: a host that stalls us in the middle of an edge (a busy machine
 * under emulation, an SMI on real hardware) shows up as a wide window,
 * not as a wrong rate.
 */
static bool measure_once(const struct refclock *ref, uint32_t ms,
			 struct measure *m)
{
	uint64_t start_lo, start_hi, poll_before, end_hi;
	uint32_t l0 = 0;
	uint32_t spins = 0;

	/* The local APIC timer counts down from the top alongside, and is
	 * stopped on both ways out below: its 2^32 ticks take over a minute
	 * (at QEMU's rate), a 10 ms wait far less. */
	if (use_lapic)
		lapic_timer_oneshot(LAPIC_TIMER_VECTOR, 0xFFFFFFFFu);
	start_lo = rdtsc();
	ref->start(ms);
	start_hi = rdtsc();
	if (use_lapic)
		l0 = lapic_timer_current();
	poll_before = start_hi;
	for (;;) {
		uint64_t now = rdtsc();

		if (ref->done()) {
			end_hi = rdtsc();
			break;
		}
		poll_before = now;
		if (++spins > 50000000u) {
			if (use_lapic)
				lapic_timer_stop();
			return false;
		}
	}
	m->lapic = use_lapic ? l0 - lapic_timer_current() : 0;
	if (use_lapic)
		lapic_timer_stop();
	/* Midpoint to midpoint; the windows' widths are the error. */
	m->tsc = (poll_before + end_hi) / 2 - (start_lo + start_hi) / 2;
	m->slack = (end_hi - poll_before) + (start_hi - start_lo);
	return m->tsc != 0;
}

/* Up to CALIBRATE_TRIES measurements; the one with the narrowest edges
 * wins, and one that is good to 0.05% ends the search early. */
#define CALIBRATE_TRIES 8
static bool calibrate(const struct refclock *ref, struct measure *best)
{
	bool any = false;

	for (int i = 0; i < CALIBRATE_TRIES; i++) {
		struct measure m;

		if (!measure_once(ref, CALIBRATE_MS, &m))
			continue;
		if (!any || m.slack < best->slack) {
			*best = m;
			any = true;
		}
		if (best->slack < best->tsc / 2000)
			break;
	}
	return any;
}

void time_init(void)
{
	const struct refclock *ref;
	struct measure best = { 0, 0, 0 };

	if (!cpu_has(CPU_TSC))
		panic("this CPU has no time-stamp counter; cannot continue");
	use_lapic = irq_apic();
	ref = find_refclock();
	if (!ref)
		panic("no reference clock: no PIT, HPET or ACPI PM timer "
		      "answers, so the TSC cannot be measured");
	if (!use_lapic && ref != &pit_ref)
		panic("no PIT and no APIC: no timer to run guests with");
	reference = ref;
	if (!calibrate(ref, &best))
		panic("%s never counted down: cannot measure the TSC",
		      ref->name);
	khz = (uint32_t)(best.tsc / CALIBRATE_MS);
	if (khz == 0)
		khz = 1;
	ns_per_cycle = (1000000ull << 32) / khz;
	tsc_at_boot = rdtsc();
	rtc_ok = rtc_read_epoch(&boot_epoch);
	if (use_lapic) {
		lapic_hz = (uint64_t)best.lapic * (1000 / CALIBRATE_MS);
		if (lapic_hz == 0)
			panic("the local APIC timer does not count");
		irq_set_timer_handler(timer_irq);
		printk("hv: timer: local APIC, one-shot, %u.%03u MHz bus "
		       "clock (calibrated against %s)\n",
		       (uint32_t)(lapic_hz * LAPIC_TIMER_DIVIDE / 1000000u),
		       (uint32_t)(lapic_hz * LAPIC_TIMER_DIVIDE / 1000u %
				  1000u),
		       ref->name);
	} else {
		irq_register(PIT_IRQ, timer_irq);
		printk("hv: timer: PIT, one-shot, %u Hz\n", PIT_HZ);
	}
}
