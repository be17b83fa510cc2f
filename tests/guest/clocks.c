/*
 * clocks.c - [Testguest 20] "clocks": the legacy clocks a Linux guest
 * reads through ports (ABI 8.10), read the way Linux reads them.
 *
 *   pit     the TSC measured against the 8254's channel 2 as Linux's
 *           pit_calibrate_tsc() does: gate on, mode 0, 10 ms, and port
 *           0x61 polled until OUT2 rises.  Each run prints its rate, the
 *           number of polls and the fastest and slowest poll, which Linux
 *           judges (at least 1000 polls, none ten times the fastest) and
 *           we only print: each poll is an exit.  We also time the two
 *           ends, which Linux does not (the write that starts the count,
 *           and the last two polls), so a stall of the host's there shows
 *           as uncertainty; runs go on until five had little (10 ms
 *           runs, then Linux's 50 ms ones if the host is that busy).
 *           Their median is reported with the bounds it gives, which the
 *           test checks hold the hypervisor's own rate;
 *   count   the count itself: latched twice, it has gone down; the
 *           read-back command gives the status and then the count;
 *   cmos    the CMOS clock on 0x70/0x71 as Linux's mc146818_get_time()
 *           reads it: status A (no update in progress), the six time
 *           registers and the century, status B for their format; every
 *           field in range and the year 2024 or later (the test compares
 *           the time with the hypervisor's wall clock, lguest_data.time);
 *           status D says the time is valid; it is read-only (a written
 *           year does not stick); unknown registers read 0, port 0x70
 *           reads as nothing.
 *
 * Interrupts stay off while it measures, as Linux keeps them.
 */
#include "paravirt-guest/console.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/irq.h"
#include "paravirt-guest/x86.h"

#include "testguest.h"

#define PIT_HZ 1193182u
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61
#define CAL_MS 10
#define CAL2_MS 50
#define CAL_TRIES 5	  /* good runs wanted */
#define CAL_TRIES_MAX 40  /* runs at most */
#define CAL_MAX_PPM 50000 /* 5%: more, and a stall hit an end */
#define MAX_POLLS 10000000u

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71

static int failures;

static void check(bool ok, const char *what)
{
	if (!ok) {
		printf("guest: clocks: FAIL: %s\n", what);
		failures++;
	}
}

/* One pit_calibrate_tsc(), with the TSC read on both sides of the write
 * that starts the count, and of the last two polls: the port's value is
 * taken somewhere inside its exit, so OUT2 rose after the last poll that
 * saw it low began and before the one that saw it high ended.  Those two
 * windows are how uncertain the measurement is.  Linux takes t2 - t1 and
 * cannot tell when a stall (here: the host taking QEMU's CPU away) fell
 * in one of them. */
struct pit_run {
	uint32_t khz;	    /* from the middles of the two windows */
	uint32_t linux_khz; /* (t2 - t1) / ms, what Linux computes */
	uint32_t err_ppm;   /* the two windows over the whole */
	uint32_t low, high; /* the rate for sure lies between these */
	uint32_t ms;
	unsigned polls;
	uint32_t dmin, dmax; /* the fastest and slowest poll */
};

static bool pit_calibrate(struct pit_run *r, uint32_t ms)
{
	uint32_t latch = PIT_HZ / (1000 / ms);
	uint64_t t0, t1, tsc, before_last, end, whole;
	unsigned n = 0;

	outb(PORT_B, (inb(PORT_B) & ~0x02) | 0x01); /* gate on, no speaker */
	outb(PIT_CMD, 0xB0); /* channel 2, low then high byte, mode 0 */
	outb(PIT_CH2, latch & 0xFF);
	t0 = rdtsc();
	outb(PIT_CH2, latch >> 8); /* counting from here */
	tsc = t1 = before_last = rdtsc();
	r->dmin = 0xFFFFFFFFu;
	r->dmax = 0;
	while (!(inb(PORT_B) & 0x20)) {
		uint64_t t2 = rdtsc(), d = t2 - tsc;

		before_last = tsc; /* when the poll that saw it low began */
		tsc = t2;
		if (d < r->dmin)
			r->dmin = (uint32_t)d;
		if (d > r->dmax)
			r->dmax = (uint32_t)d;
		if (++n > MAX_POLLS)
			return false;
	}
	end = rdtsc(); /* the poll that saw it high has ended */
	whole = (end + before_last) / 2 - (t1 + t0) / 2;
	r->polls = n;
	r->ms = ms;
	r->khz = (uint32_t)(whole / ms);
	r->linux_khz = (uint32_t)((tsc - t1) / ms);
	r->low = (uint32_t)((before_last - t1) / ms);
	r->high = (uint32_t)((end - t0) / ms);
	r->err_ppm = whole ? (uint32_t)(((t1 - t0) + (end - before_last)) *
					1000000u / whole)
			   : 0xFFFFFFFFu;
	return true;
}

static void print_run(const char *what, const struct pit_run *r)
{
	printf("guest: clocks: pit: %s: %u kHz +-%u ppm over %u ms (Linux's "
	       "sum: %u kHz), %u polls, %u-%u cycles a poll (Linux would %s "
	       "it)\n",
	       what, r->khz, r->err_ppm, r->ms, r->linux_khz, r->polls, r->dmin,
	       r->dmax,
	       r->polls >= 1000 && r->dmax <= 10u * r->dmin ? "take"
							    : "refuse");
}

/* Runs until CAL_TRIES of them had no stall at their ends, or
 * CAL_TRIES_MAX; printed afterwards, since a line printed now would go
 * out through the exits of the next run.  The answer is the median of
 * the good runs, which one odd run cannot move. */
static void pit_test(void)
{
	static struct pit_run runs[CAL_TRIES_MAX];
	unsigned good[CAL_TRIES], best = 0, n_good = 0, n, pick;

	for (n = 0; n < CAL_TRIES_MAX && n_good < CAL_TRIES; n++) {
		/* Linux's 10 ms, then its 50 ms (CAL2_MS) if the host is
		 * so busy that 10 ms runs all have stalls at their ends. */
		if (!pit_calibrate(&runs[n],
				   n < CAL_TRIES_MAX / 2 ? CAL_MS : CAL2_MS)) {
			check(false, "OUT2 never rose in mode 0");
			return;
		}
		if (runs[n].err_ppm <= CAL_MAX_PPM)
			good[n_good++] = n;
		if (runs[n].err_ppm < runs[best].err_ppm)
			best = n;
	}
	/* Sort the good runs by rate (a handful: insertion sort). */
	for (unsigned i = 1; i < n_good; i++)
		for (unsigned j = i;
		     j > 0 && runs[good[j]].khz < runs[good[j - 1]].khz; j--) {
			unsigned t = good[j];
			good[j] = good[j - 1];
			good[j - 1] = t;
		}
	pick = n_good ? good[n_good / 2] : best;
	print_run("first run", &runs[0]);
	print_run("median run", &runs[pick]);
	printf("guest: clocks: pit calibration: %u kHz +-%u ppm, between %u "
	       "and %u kHz (the median of %u runs without a stall at either "
	       "end, of %u)\n",
	       runs[pick].khz, runs[pick].err_ppm, runs[pick].low,
	       runs[pick].high, n_good, n);
}

static uint16_t latched_count(void)
{
	uint8_t lo;

	outb(PIT_CMD, 0x80); /* latch channel 2 */
	lo = inb(PIT_CH2);
	return (uint16_t)(lo | inb(PIT_CH2) << 8);
}

static void count_test(void)
{
	uint16_t a, b, c;
	uint8_t status;

	outb(PORT_B, (inb(PORT_B) & ~0x02) | 0x01);
	outb(PIT_CMD, 0xB0);
	outb(PIT_CH2, 0xFF);
	outb(PIT_CH2, 0xFF);
	a = latched_count();
	for (volatile int i = 0; i < 20000; i++)
		;
	b = latched_count();
	outb(PIT_CMD, 0xC8); /* read back channel 2: status and count */
	status = inb(PIT_CH2);
	c = inb(PIT_CH2);
	c |= (uint16_t)(inb(PIT_CH2) << 8);
	printf("guest: clocks: count: 0x%x, then 0x%x, then 0x%x with "
	       "status 0x%x\n",
	       a, b, c, status);
	check(b < a && c <= b, "the latched count did not go down");
	check((status & 0x3F) == 0x30, "status: not lo/hi access, mode 0");
	check(!(status & 0x40), "status: null count after a whole count");
}

static uint8_t cmos(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static unsigned from_bcd(uint8_t v)
{
	return (v >> 4) * 10u + (v & 0x0F);
}

static unsigned month_days(unsigned year, unsigned mon)
{
	static const uint8_t len[12] = { 31, 28, 31, 30, 31, 30,
					 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return mon == 2 && leap ? 29 : len[mon - 1];
}

static void cmos_test(void)
{
	uint8_t a, b, c, d, r[8], year_again;
	unsigned sec, min, hour, wday, day, mon, year;
	bool bcd;

	a = cmos(0x0A);
	r[0] = cmos(0x00);
	r[1] = cmos(0x02);
	r[2] = cmos(0x04);
	r[3] = cmos(0x06);
	r[4] = cmos(0x07);
	r[5] = cmos(0x08);
	r[6] = cmos(0x09);
	r[7] = cmos(0x32);
	b = cmos(0x0B);
	c = cmos(0x0C);
	d = cmos(0x0D);
	bcd = !(b & 0x04);
	sec = bcd ? from_bcd(r[0]) : r[0];
	min = bcd ? from_bcd(r[1]) : r[1];
	hour = bcd ? from_bcd(r[2]) : r[2];
	wday = bcd ? from_bcd(r[3]) : r[3];
	day = bcd ? from_bcd(r[4]) : r[4];
	mon = bcd ? from_bcd(r[5]) : r[5];
	year = (bcd ? from_bcd(r[7]) : r[7]) * 100u +
	       (bcd ? from_bcd(r[6]) : r[6]);
	printf("guest: clocks: cmos: %04u-%02u-%02u %02u:%02u:%02u UTC, "
	       "weekday %u; status A 0x%x B 0x%x C 0x%x D 0x%x\n",
	       year, mon, day, hour, min, sec, wday, a, b, c, d);
	check(!(a & 0x80), "status A: an update in progress");
	check(b & 0x02, "status B: not 24-hour");
	check(d & 0x80, "status D: the time is not valid");
	check(year >= 2024 && year < 2100, "the year");
	check(mon >= 1 && mon <= 12, "the month");
	check(mon < 1 || mon > 12 || (day >= 1 && day <= month_days(year, mon)),
	      "the day of the month");
	check(hour < 24 && min < 60 && sec < 60, "the time of day");
	check(wday >= 1 && wday <= 7, "the day of the week");

	outb(CMOS_INDEX, 0x09);
	outb(CMOS_DATA, 0x42); /* try to set the year */
	year_again = cmos(0x09);
	printf("guest: clocks: cmos: year register 0x%x after writing 0x42 "
	       "(was 0x%x)\n",
	       year_again, r[6]);
	check(year_again == r[6], "the clock took a write");
	check(cmos(0x10) == 0 && cmos(0x2E) == 0 && cmos(0x7F) == 0,
	      "an unknown register is not 0");
	check(inb(CMOS_INDEX) == 0xFF, "port 0x70 reads as something");
}

void clocks_run(void)
{
	irq_disable();
	pit_test();
	count_test();
	cmos_test();
	irq_enable();
	printf("guest: clocks: %s\n",
	       failures ? "some checks FAILED" : "all checks passed");
	guest_poweroff(failures ? "clocks failed" : "clocks complete");
}
