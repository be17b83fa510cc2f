/*
 * pit.h - the 8254 programmable interval timer, used as the hypervisor's
 * one-shot event timer and to measure the TSC's frequency.
 */
#ifndef DRIVERS_PIT_H
#define DRIVERS_PIT_H

#include "hv/lib/lib.h"

#define PIT_HZ 1193182u
#define PIT_IRQ 0
#define PIT_MAX_TICKS 0xFFFFu /* about 54.9 ms */

/* Fire IRQ 0 once, `ticks` PIT ticks from now (1..PIT_MAX_TICKS). */
void pit_oneshot(uint32_t ticks);
/* Count TSC cycles over `ms` milliseconds of PIT channel 2 into *cycles;
 * false if the PIT never finished (no PIT, or a broken one), which the
 * caller reports. */
bool __must_check pit_measure_tsc(uint32_t ms, uint64_t *cycles);

#endif
