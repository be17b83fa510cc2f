/*
 * guest_tsc.h - what guests are told of the TSC's rate: lguest_data's
 * tsc_khz (ABI 10), decided once at boot.
 */
#ifndef HV_GUEST_TSC_H
#define HV_GUEST_TSC_H

#include "hv/lib/lib.h"

/* No TSC runs slower than this; a rate below it is a failed measurement
 * (no PIT: port 0x61 floats high, and the count seems over at once). */
#define TSC_MIN_KHZ 1000

/* Decide, and print one line saying what guests get and why.  After
 * time_init(). */
void guest_tsc_init(void);
/* The tsc_khz every guest is given at LGUEST_INIT: 0 for "none". */
uint32_t guest_tsc_khz(void);

/* Pure: the rule.  `khz` is the hypervisor's own rate (time.c), `ref`
 * the clock it was measured against.  Returns
 * the rate to give (khz or 0) and writes the reason into why[len]. */
uint32_t tsc_for_guests(bool invariant, uint32_t khz, const char *ref,
			char *why, size_t len);

#endif
