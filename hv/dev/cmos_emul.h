/*
 * cmos_emul.h - a read-only MC146818 clock for the guest on ports 0x70
 * (index) and 0x71 (data), showing the hypervisor's own wall clock.
 */
#ifndef HV_CMOS_EMUL_H
#define HV_CMOS_EMUL_H

#include "hv/lib/lib.h"

/* A civil date and time in UTC. */
struct civil_time {
	unsigned year; /* 1970-2106 */
	unsigned mon;  /* 1-12 */
	unsigned day;  /* 1-31 */
	unsigned hour, min, sec;
	unsigned wday; /* 0 = Sunday */
};

/* Pure: seconds since 1970-01-01 00:00 UTC to the civil date; the
 * inverse of rtc_to_epoch() (drivers/rtc.h), which the tests check. */
void epoch_to_civil(uint32_t epoch, struct civil_time *t);

/* The registers the guest can see (all others read as 0). */
#define CMOS_SECONDS 0x00
#define CMOS_MINUTES 0x02
#define CMOS_HOURS 0x04
#define CMOS_WEEKDAY 0x06
#define CMOS_DAY 0x07
#define CMOS_MONTH 0x08
#define CMOS_YEAR 0x09
#define CMOS_STATUS_A 0x0A
#define CMOS_STATUS_B 0x0B
#define CMOS_STATUS_C 0x0C
#define CMOS_STATUS_D 0x0D
#define CMOS_CENTURY 0x32

/* What the registers say about themselves (the MC146818 data sheet's
 * bits): A, a 32.768 kHz time base, 1024 Hz rate, no update in progress;
 * B, 24-hour BCD, no interrupts; D, the time is valid. */
#define CMOS_A_VALUE 0x26
#define CMOS_A_UIP 0x80
#define CMOS_B_24H 0x02
#define CMOS_B_BINARY 0x04
#define CMOS_B_VALUE CMOS_B_24H
#define CMOS_D_VALID 0x80

/* The hypervisor's wall clock at the moment of an access. */
struct cmos_now {
	uint32_t sec, nsec; /* since the epoch */
	bool valid;	    /* the hypervisor's own RTC gave it a time */
};

struct cmos_rtc {
	uint8_t index;	   /* the register the last write to 0x70 chose */
	bool nmi_masked;   /* that write's bit 7: kept, and means nothing */
	bool have_snap;	   /* snap_* hold a reading in progress */
	uint32_t snap_sec; /* the second the time registers show */
	uint64_t snap_ns;  /* when that snapshot was taken (wall clock) */
};

void cmos_reset(struct cmos_rtc *c);
void cmos_write_index(struct cmos_rtc *c, uint8_t v);
uint8_t cmos_read_data(struct cmos_rtc *c, const struct cmos_now *now);

#endif
