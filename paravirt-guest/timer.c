/*
 * timer.c - [Pvguest 7] time, a periodic tick, and idling until it comes.
 *
 * The hypervisor gives us two things (ABI 10):
 *
 *   - a clock: lguest_data.time, the wall-clock time, which it rewrites
 *     whenever it delivers an interrupt to us;
 *   - a timer: LHCALL_SET_CLOCKEVENT(ns) raises IRQ 0 once, ns nanoseconds
 *     from now.  It is one-shot, so for a periodic tick the interrupt
 *     handler arms it again each time, as Linux does with HZ = 250.
 *
 * Between ticks we have nothing to do, so we give the CPU back with
 * LHCALL_HALT rather than spin.
 */
#include <stdbool.h>

#include "hcall.h"
#include "irq.h"
#include "proc.h"
#include "timer.h"
#include "trap.h"

#define TIMER_IRQ 0

static volatile uint32_t ticks;
static uint32_t period; /* 0: do not re-arm */

/*
 * Read lguest_data.time as one value.  The hypervisor writes the two words
 * while we are stopped, never while we run, but we might be stopped (and
 * the time rewritten) between reading one word and the other; if the
 * seconds changed under us, read again.
 */
uint64_t wallclock_ns(void)
{
	int32_t sec, nsec;

	do {
		sec = READ_ONCE(lguest_data.time_sec);
		nsec = READ_ONCE(lguest_data.time_nsec);
	} while (sec != READ_ONCE(lguest_data.time_sec));
	return (uint64_t)(uint32_t)sec * 1000000000ull + (uint32_t)nsec;
}

/*
 * IRQ 0: count it and, if we are still ticking, ask for the next one.
 * Every tick also ends the running process's time slice (proc.c).
 */
static void timer_interrupt(struct trapframe *tf)
{
	ticks++;
	sched_tick();
	if (period)
		hcall(LHCALL_SET_CLOCKEVENT, period, 0, 0);
}

void timer_start(uint32_t period_ns)
{
	uint32_t flags = irq_save();

	trap_set_handler(IRQ_BASE + TIMER_IRQ, timer_interrupt);
	period = period_ns;
	hcall(LHCALL_SET_CLOCKEVENT, period_ns, 0, 0);
	/* Unmask IRQ 0; until now the hypervisor held it back (ABI 6). */
	WRITE_ONCE(lguest_data.blocked_interrupts,
		   lguest_data.blocked_interrupts & ~(1u << TIMER_IRQ));
	irq_restore(flags);
}

/*
 * Stop ticking.  Interrupts are off so that the handler cannot re-arm the
 * timer between our cancelling it and masking it; a tick that is already
 * pending just stays pending, masked, for good.
 */
void timer_stop(void)
{
	uint32_t flags = irq_save();

	period = 0;
	hcall(LHCALL_SET_CLOCKEVENT, 0, 0, 0);
	WRITE_ONCE(lguest_data.blocked_interrupts,
		   lguest_data.blocked_interrupts | (1u << TIMER_IRQ));
	irq_restore(flags);
}

uint32_t timer_ticks(void)
{
	return ticks;
}

/*
 * Sleep until the next tick has been handled, then return with interrupts
 * on.
 *
 * The check and the HALT must not race with the interrupt: if the tick
 * came after we looked but before we halted, we would sleep through it.
 * So we look with interrupts off and halt with them still off, as the ABI
 * expects (8.7).  A tick that arrives in between is left pending by the
 * hypervisor, and HALT returns at once.  When HALT does wake us, the
 * hypervisor turns interrupts on, delivers the tick, and our handler's
 * return lands just after the HALT with interrupts on.
 */
void timer_wait_tick(void)
{
	uint32_t seen = ticks;

	for (;;) {
		irq_disable();
		if (ticks != seen)
			break;
		hcall(LHCALL_HALT, 0, 0, 0);
	}
	irq_enable();
}
