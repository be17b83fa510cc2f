/*
 * acpi_pmtimer.h - the ACPI power-management timer: a free-running
 * counter at 3.579545 MHz, 24 or 32 bits wide, in an I/O port the FADT
 * names (PM_TMR_BLK).  Every ACPI PC but a hardware-reduced one has it;
 * the hypervisor uses it as a reference clock when there is no PIT.
 */
#ifndef DRIVERS_ACPI_PMTIMER_H
#define DRIVERS_ACPI_PMTIMER_H

#include "hv/lib/lib.h"

#define PMTIMER_HZ 3579545u

/* True if the FADT names a PM timer and it counts; after acpi_init(). */
bool pmtimer_init(void);
uint32_t pmtimer_read(void);
/* Ticks from `then` to `now`, across one wrap of the 24 or 32 bits. */
uint32_t pmtimer_elapsed(uint32_t then, uint32_t now);

#endif
