/*
 * cmos_emul.c - [Ports 4] the PC's CMOS clock, read-only, telling the
 * guest the hypervisor's own wall clock.
 *
 * Why: Linux reads the MC146818 directly even as an lguest guest, which
 * takes its wall clock from lguest_data.time (ABI 10): a kernel built with
 * PM_TRACE_RTC reads it at boot to recover a suspend trace, and tools
 * like hwclock go to the ports.  With ports that read as all ones it saw
 * "RTC time: 165:165:165, date: 165/165/65" (0xFF taken as BCD).  So
 * index 0x70 and data 0x71 serve the clock registers; the guest can set
 * nothing: writes to the data port vanish, like writes to the registers
 * nobody has, and those registers (the alarm, the NVRAM) read as 0.
 *
 * The registers are BCD in 24-hour form, as status register B says, the
 * way PC firmware leaves them.  Register D says whether the time is good:
 * when the hypervisor found no RTC of its own its clock starts at 1970,
 * and the guest is told the "battery" is dead instead of being lied to.
 *
 * A real clock is read between updates (status A's UIP bit says when one
 * is coming) so that the seconds and the minutes belong together.  Ours
 * never updates under a reader: the time registers show a snapshot,
 * taken when the guest reads status A, which careful readers (Linux's
 * mc146818_get_time(), our own drivers/rtc.c) read first, and otherwise
 * whenever a time register is read and the snapshot is over SNAP_NS old.
 * So a reader that starts at A and is done within SNAP_NS gets registers
 * that belong together in whatever order it reads them, UIP can stay
 * clear, and no reader sees a time more than SNAP_NS stale.
 *
 * Pure logic over a struct and the clock value the caller passes (ports.c
 * passes time_wallclock()), so it is unit-tested.
 */
#include "hv/dev/cmos_emul.h"

#define SNAP_NS 100000000u /* 100 ms */
#define NS_PER_S 1000000000u
#define SECS_PER_DAY 86400u

/*
 * Days since 1970 to a date: the usual count in 400-year eras of 146097
 * days whose years start on 1 March, so that the leap day is the last day
 * of a year and the month lengths repeat in a pattern of five months.
 * rtc_to_epoch() goes the other way with the same eras.
 */
void epoch_to_civil(uint32_t epoch, struct civil_time *t)
{
	uint32_t days = epoch / SECS_PER_DAY, secs = epoch % SECS_PER_DAY;
	/* 719468 days from 0000-03-01 to 1970-01-01. */
	uint32_t z = days + 719468u;
	uint32_t era = z / 146097u;
	uint32_t doe = z - era * 146097u; /* day of the era, 0-146096 */
	/* Years of the era: leave out a day every 4 years but not every
	 * 100, except every 400, to make every year 365 days long. */
	uint32_t yoe =
		(doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
	uint32_t doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
	uint32_t mp = (5u * doy + 2u) / 153u; /* 0 is March */

	t->day = doy - (153u * mp + 2u) / 5u + 1u;
	t->mon = mp < 10u ? mp + 3u : mp - 9u;
	t->year = era * 400u + yoe + (t->mon <= 2u);
	t->hour = secs / 3600u;
	t->min = secs / 60u % 60u;
	t->sec = secs % 60u;
	t->wday = (days + 4u) % 7u; /* 1970-01-01 was a Thursday */
}

void cmos_reset(struct cmos_rtc *c)
{
	hv_memset(c, 0, sizeof(*c));
}

void cmos_write_index(struct cmos_rtc *c, uint8_t v)
{
	c->index = v & 0x7F;
	c->nmi_masked = v & 0x80; /* a guest has no NMIs to mask */
}

static uint8_t bcd(unsigned v)
{
	return (uint8_t)((v / 10u % 10u) << 4 | v % 10u);
}

static uint64_t wall_ns(const struct cmos_now *now)
{
	return (uint64_t)now->sec * NS_PER_S + now->nsec;
}

static void snapshot(struct cmos_rtc *c, const struct cmos_now *now)
{
	c->have_snap = true;
	c->snap_sec = now->sec;
	c->snap_ns = wall_ns(now);
}

/* The snapshot a time register is read from, fresh if it is not. */
static uint32_t reading(struct cmos_rtc *c, const struct cmos_now *now)
{
	uint64_t ns = wall_ns(now);

	if (!c->have_snap || ns < c->snap_ns || ns - c->snap_ns > SNAP_NS)
		snapshot(c, now);
	return c->snap_sec;
}

uint8_t cmos_read_data(struct cmos_rtc *c, const struct cmos_now *now)
{
	struct civil_time t;

	switch (c->index) {
	case CMOS_STATUS_A:
		snapshot(c, now);
		return CMOS_A_VALUE;
	case CMOS_STATUS_B:
		return CMOS_B_VALUE;
	case CMOS_STATUS_C:
		return 0; /* no interrupt flags: it raises none */
	case CMOS_STATUS_D:
		return now->valid ? CMOS_D_VALID : 0;
	case CMOS_SECONDS:
	case CMOS_MINUTES:
	case CMOS_HOURS:
	case CMOS_WEEKDAY:
	case CMOS_DAY:
	case CMOS_MONTH:
	case CMOS_YEAR:
	case CMOS_CENTURY:
		break;
	default:
		return 0;
	}
	epoch_to_civil(reading(c, now), &t);
	switch (c->index) {
	case CMOS_SECONDS:
		return bcd(t.sec);
	case CMOS_MINUTES:
		return bcd(t.min);
	case CMOS_HOURS:
		return bcd(t.hour);
	case CMOS_WEEKDAY:
		return bcd(t.wday + 1); /* 1 is Sunday */
	case CMOS_DAY:
		return bcd(t.day);
	case CMOS_MONTH:
		return bcd(t.mon);
	case CMOS_YEAR:
		return bcd(t.year % 100u);
	default: /* CMOS_CENTURY */
		return bcd(t.year / 100u);
	}
}
