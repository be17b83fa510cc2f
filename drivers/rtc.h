/*
 * rtc.h - the CMOS real-time clock, read once at boot for the wall clock.
 */
#ifndef DRIVERS_RTC_H
#define DRIVERS_RTC_H

#include <stdbool.h>
#include <stdint.h>

/* Seconds since 1970-01-01 UTC; false (and 0) if the RTC looks absent. */
bool rtc_read_epoch(uint32_t *epoch);
/* Pure: civil date to seconds since the epoch (for unit tests too). */
uint32_t rtc_to_epoch(unsigned year, unsigned mon, unsigned day, unsigned hour,
		      unsigned min, unsigned sec);

#endif
