/*
 * hpet.h - the High Precision Event Timer, found through ACPI's HPET
 * table.  Only its main counter is used: a free-running up-counter of at
 * least 10 MHz, a reference clock for measuring the TSC and the local
 * APIC timer on machines without a PIT.  Its comparators stay off.
 */
#ifndef DRIVERS_HPET_H
#define DRIVERS_HPET_H

#include "hv/lib/lib.h"

/* Find, map and start the main counter; false (said why at debug level)
 * if the machine has none usable.  After acpi_init(). */
bool hpet_init(void);
uint64_t hpet_hz(void);	    /* the counter's frequency */
uint32_t hpet_read32(void); /* its low 32 bits */
uint64_t hpet_phys(void);   /* where its registers are (for messages) */

#endif
