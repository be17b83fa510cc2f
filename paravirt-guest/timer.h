/*
 * timer.h - [Pvguest 7] the clock and the one-shot timer.
 */
#ifndef PVGUEST_TIMER_H
#define PVGUEST_TIMER_H

#include <stdint.h>

/* The scheduler's tick rate (proc.c): the unit of sleep() and timeouts. */
#define TICK_HZ 100

uint64_t wallclock_ns(void);
void timer_start(uint32_t period_ns);
void timer_stop(void);
uint32_t timer_ticks(void);
void timer_wait_tick(void);

#endif /* PVGUEST_TIMER_H */
