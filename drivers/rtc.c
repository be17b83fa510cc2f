/*
 * rtc.c - the MC146818-compatible CMOS clock.  The time is read twice
 * until two reads agree, so an update in the middle cannot tear it; BCD
 * and 12-hour formats are converted.  The RTC is assumed to run in UTC, as
 * it does under QEMU by default.
 */
#include "drivers/rtc.h"
#include "hv/include/x86.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define REG_STATUS_A 0x0A
#define REG_STATUS_B 0x0B
#define STATUS_A_UPDATING 0x80
#define STATUS_B_BINARY 0x04
#define STATUS_B_24H 0x02

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, reg | 0x80); /* bit 7 keeps NMIs masked */
	return inb(CMOS_DATA);
}

static unsigned from_bcd(uint8_t v)
{
	return (v & 0x0F) + (v >> 4) * 10;
}

bool rtc_read_epoch(uint32_t *epoch)
{
	uint8_t r[6], prev[6], b;
	unsigned year, mon, day, hour, min, sec;
	int tries = 0;

	*epoch = 0;
	do {
		for (int i = 0; i < 1000000 &&
				(cmos_read(REG_STATUS_A) & STATUS_A_UPDATING);
		     i++)
			pause();
		for (int i = 0; i < 6; i++)
			prev[i] = r[i];
		r[0] = cmos_read(0x00); /* seconds */
		r[1] = cmos_read(0x02); /* minutes */
		r[2] = cmos_read(0x04); /* hours */
		r[3] = cmos_read(0x07); /* day of month */
		r[4] = cmos_read(0x08); /* month */
		r[5] = cmos_read(0x09); /* year in century */
	} while (++tries < 2 ||
		 (tries < 10 &&
		  (r[0] != prev[0] || r[1] != prev[1] || r[2] != prev[2] ||
		   r[3] != prev[3] || r[4] != prev[4] || r[5] != prev[5])));
	b = cmos_read(REG_STATUS_B);
	if (r[0] == 0xFF && r[4] == 0xFF)
		return false; /* nothing there */
	bool pm = r[2] & 0x80;
	r[2] &= 0x7F;
	if (!(b & STATUS_B_BINARY)) {
		for (int i = 0; i < 6; i++)
			r[i] = (uint8_t)from_bcd(r[i]);
	}
	sec = r[0];
	min = r[1];
	hour = r[2];
	day = r[3];
	mon = r[4];
	year = 2000 + r[5]; /* this code will not see the 2100s */
	if (!(b & STATUS_B_24H)) {
		hour %= 12;
		if (pm)
			hour += 12;
	}
	if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 ||
	    min > 59 || sec > 60)
		return false;
	*epoch = rtc_to_epoch(year, mon, day, hour, min, sec);
	return true;
}
