/*
 * pit.h - the 8254 programmable interval timer, used as the hypervisor's
 * one-shot event timer on machines without an APIC, and as the first
 * choice of reference clock for measuring the TSC and the local APIC
 * timer.
 */
#ifndef DRIVERS_PIT_H
#define DRIVERS_PIT_H

#include "hv/lib/lib.h"

#define PIT_HZ 1193182u
#define PIT_IRQ 0
#define PIT_MAX_TICKS 0xFFFFu /* about 54.9 ms */

/* Fire IRQ 0 once, `ticks` PIT ticks from now (1..PIT_MAX_TICKS). */
void pit_oneshot(uint32_t ticks);
/* Does an 8254 answer?  Channel 2 is started and read back: a missing
 * one reads all ones, or a count that never moves.  (QEMU's
 * "-machine pit=off" has none.) */
bool pit_present(void);
/* Channel 2 counting `ticks` (1..PIT_MAX_TICKS) from now: its output,
 * read at port 0x61, goes high when they have passed. */
void pit_ch2_start(uint32_t ticks);
bool pit_ch2_done(void);
/* Port 0x61 as it was before pit_ch2_start() (speaker and gate). */
void pit_ch2_stop(void);

#endif
