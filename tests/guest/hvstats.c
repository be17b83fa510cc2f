/*
 * hvstats.c - [Testguest 21] the hypervisor's counters for us, read back
 * with GUEST_STATS (ABI 5), and what the scheduler gives a guest that
 * never rests.
 *
 *   test=hvstats          the counters make sense: some of everything
 *                         after a boot, ten FLUSH_ASYNC calls counted as
 *                         ten more hypercalls, and a short buffer gets
 *                         only the fields it has room for;
 *   test=hvstats-outside  a buffer outside our RAM: we must be killed;
 *   spin secs=N measure=M id=I
 *                         compute for N seconds of the wall clock with
 *                         interrupts on and never halt, and print the
 *                         share of the CPU the hypervisor gave us over
 *                         the first M (its cpu_ns over the wall time),
 *                         on a line with I, which tells the guests' lines
 *                         apart on a shared console.
 *                         Two spinning guests with weights 3 and 1
 *                         should see about 75% and 25%
 *                         (tests/qemu/sched-weights.test).
 */
#include "paravirt-guest/console.h"
#include "paravirt-guest/guest.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/idt.h"
#include "paravirt-guest/irq.h"
#include "paravirt-guest/mmu.h"
#include "paravirt-guest/timer.h"

#include "testguest.h"

#define CALLS 10
/* The clock in lguest_data moves only when an interrupt is delivered,
 * so a guest that never halts keeps a tick running to see it move. */
#define TICK_NS (1000000000u / TICK_HZ)
#define UNTOUCHED 0x5a5a5a5a5a5a5a5aull

static void print_stats(const struct lguest_stats *s)
{
	printf("guest: hvstats: %llu exits, %llu hypercalls (+%llu queued), "
	       "%llu page faults, %llu irqs, %llu ms of CPU\n",
	       s->exits, s->hypercalls, s->async_hypercalls, s->page_faults,
	       s->irqs, s->cpu_ns / 1000000);
}

static const char *check(void)
{
	struct lguest_stats a, b, part;

	guest_stats(&a);
	for (int i = 0; i < CALLS; i++)
		hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	guest_stats(&b);
	print_stats(&a);
	if (!a.exits || !a.hypercalls || !a.page_faults)
		return "the hypervisor counted nothing (no GUEST_STATS?)";
	if (a.exits < a.hypercalls)
		return "fewer exits than hypercalls";
	/* Our ten and the second GUEST_STATS; interrupts may add more. */
	if (b.hypercalls < a.hypercalls + CALLS + 1)
		return "the FLUSH_ASYNC calls were not all counted";
	if (b.exits < a.exits + CALLS + 1 || b.cpu_ns < a.cpu_ns)
		return "a counter went backwards or missed calls";
	printf("guest: hvstats: %d FLUSH_ASYNC calls counted, %llu "
	       "hypercalls in all: ok\n",
	       CALLS, b.hypercalls - a.hypercalls);
	/* Room for two fields: the rest must stay as we left it. */
	part.page_faults = part.irqs = part.cpu_ns = UNTOUCHED;
	part.exits = part.hypercalls = part.async_hypercalls = 0;
	hcall(LHCALL_GUEST_STATS, __pa(&part), 16, 0);
	if (!part.exits || !part.hypercalls || part.async_hypercalls ||
	    part.page_faults != UNTOUCHED || part.cpu_ns != UNTOUCHED)
		return "a 16-byte buffer did not get exactly two fields";
	printf("guest: hvstats: a 16-byte buffer got exits and hypercalls "
	       "only: ok\n");
	return NULL;
}

void hvstats_test(const char *name)
{
	const char *why;

	if (word_equals(name, "hvstats-outside")) {
		guest_connect();
		printf("guest: test: GUEST_STATS into 0x7ffffff0\n");
		hcall(LHCALL_GUEST_STATS, 0x7ffffff0, 48, 0);
		printf("guest: test hvstats-outside: NOT refused\n");
		guest_poweroff("test not refused");
	}
	if (!word_equals(name, "hvstats"))
		return;
	guest_connect();
	why = check();
	if (why) {
		printf("guest: hvstats: FAIL: %s\n", why);
		guest_poweroff("test failed");
	}
	printf("guest: test hvstats: passed\n");
	guest_poweroff("test passed");
}

void spin_run(void)
{
	uint64_t secs = cmdline_number("secs=", 4);
	uint64_t measure = cmdline_number("measure=", secs);
	uint32_t id = cmdline_number("id=", 0);
	uint64_t start, now, share;
	struct lguest_stats a, b;
	bool reported = false;

	idt_init();
	timer_start(TICK_NS);
	timer_wait_tick(); /* the clock is fresh now */
	start = now = wallclock_ns();
	guest_stats(&a);
	printf("guest: spin %u: %llu s, measuring the first %llu\n", id, secs,
	       measure);
	while (now - start < secs * 1000000000ull) {
		now = wallclock_ns();
		if (reported || now - start < measure * 1000000000ull)
			continue;
		guest_stats(&b);
		/* In tenths of a percent; the wall time is never 0 here. */
		share = (b.cpu_ns - a.cpu_ns) * 1000 / (now - start);
		printf("guest: spin %u: cpu share %llu.%llu%% over %llu ms\n",
		       id, share / 10, share % 10, (now - start) / 1000000);
		reported = true;
	}
	guest_poweroff("spin done");
}
