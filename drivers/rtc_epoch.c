/*
 * rtc_epoch.c - civil date to seconds since 1970, apart from rtc.c so that
 * the host unit tests can build it without the port I/O the clock needs.
 */
#include "drivers/rtc.h"

uint32_t rtc_to_epoch(unsigned year, unsigned mon, unsigned day, unsigned hour,
		      unsigned min, unsigned sec)
{
	/* Days from 1970-01-01 to year-mon-day (a well-known formula that
	 * counts March as the first month so leap days come last). */
	unsigned y = year - (mon <= 2);
	unsigned era = y / 400;
	unsigned yoe = y - era * 400;
	unsigned doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	uint32_t days = era * 146097 + doe - 719468;

	return days * 86400u + hour * 3600u + min * 60u + sec;
}
