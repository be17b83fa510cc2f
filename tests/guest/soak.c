/*
 * soak.c - [Testguest 11] a steady load for a while, then off ("soak";
 * make soak, and the fuzzer's peer in make fuzz-guest).
 *
 *   soak secs=N [until=T] [work=fork,blk,flood] [crash=S]
 *
 * Rounds of the chosen work, until N seconds of our own clock have gone
 * by since we booted, or the wall clock (lguest_data.time, which the
 * hypervisor keeps from the machine's RTC) reaches T seconds since 1970,
 * whichever comes first; then "soak complete" and power off.  The work:
 *
 *   fork   the forkloop program, 20 fork+exit cycles a round;
 *   blk    8 sectors written at a place chosen by the round, flushed,
 *          read back and compared (a disk we may scribble on);
 *   flood  a burst of 16 console lines, then 50 ms of rest.
 *
 * crash=S makes us break a rule (a hypercall that does not exist) every
 * S seconds of our own life, so that restart=on-crash restarts us from
 * scratch; with until= the whole run still ends on time, in whatever
 * life we are in.  Each life prints "guest: soak: life" first, so a test
 * counts them.
 */
#include <stdbool.h>
#include <stdint.h>

#include "paravirt-guest/blk.h"
#include "paravirt-guest/console.h"
#include "paravirt-guest/guest.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/mm.h"
#include "paravirt-guest/proc.h"
#include "paravirt-guest/timer.h"

#include "testguest.h"

#define BLK_SECTORS 8
#define FLOOD_LINES 16
#define FLOOD_PAUSE_TICKS 5 /* of 10 ms */

static uint8_t out[BLK_SECTORS * SECTOR_SIZE], in[BLK_SECTORS * SECTOR_SIZE];

/* Is "what" one of the comma-separated words after "work="? */
static bool work_has(const char *what)
{
	const char *s = cmdline_value("work=");

	while (s && *s && *s != ' ') {
		const char *w = what;

		while (*w && *s == *w) {
			s++;
			w++;
		}
		if (!*w && (*s == ',' || *s == ' ' || !*s))
			return true;
		while (*s && *s != ',' && *s != ' ')
			s++;
		if (*s == ',')
			s++;
	}
	return false;
}

static __attribute__((noreturn)) void fail(const char *what)
{
	printf("guest: soak: FAIL: %s\n", what);
	guest_poweroff("soak failed");
}

static void round_fork(void)
{
	int status;

	if (!proc_spawn("forkloop", 20))
		fail("cannot start forkloop");
	while (proc_wait(&status) > 0)
		if (status != 0)
			fail("forkloop failed");
}

static void round_blk(uint32_t round)
{
	uint64_t cap = blk_capacity();
	uint64_t at = cap > BLK_SECTORS
			      ? (round * 2654435761u) % (cap - BLK_SECTORS)
			      : 0;

	for (uint32_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(round * 7 + i * 13);
	if (blk_write(at, out, sizeof(out)) != BLK_S_OK ||
	    blk_flush() != BLK_S_OK || blk_read(at, in, sizeof(in)) != BLK_S_OK)
		fail("disk request failed");
	for (uint32_t i = 0; i < sizeof(in); i++)
		if (in[i] != out[i])
			fail("disk read back differs");
}

/* A burst, then a breather: a flood, not a log of hundreds of MiB. */
static void round_flood(uint32_t round)
{
	for (int i = 0; i < FLOOD_LINES; i++)
		printf("guest: soak: flood %u.%d "
		       "abcdefghijklmnopqrstuvwxyz0123456789"
		       "ABCDEFGHIJKLMNOPQRSTUVWXYZ\n",
		       round, i);
	for (int i = 0; i < FLOOD_PAUSE_TICKS; i++)
		timer_wait_tick();
}

void soak_run(void)
{
	uint32_t secs = cmdline_number("secs=", 600);
	uint32_t until = cmdline_number("until=", 0);
	uint32_t crash = cmdline_number("crash=", 0), round = 0;
	uint64_t start = wallclock_ns(), last = start;
	bool fork = work_has("fork"), blk = work_has("blk"),
	     flood = work_has("flood");

	proc_init();
	printf("guest: soak: life: %u s%s%s%s, crash every %u s\n", secs,
	       fork ? " fork" : "", blk ? " blk" : "", flood ? " flood" : "",
	       crash);
	if (blk && !blk_present())
		fail("work=blk needs a disk");
	for (;;) {
		uint64_t now = wallclock_ns();
		uint32_t alive = (uint32_t)((now - start) / 1000000000u);

		if (alive >= secs ||
		    (until && (uint32_t)lguest_data.time_sec >= until))
			break;
		if (crash && alive >= crash) {
			printf("guest: soak: crashing on purpose after %u s\n",
			       alive);
			hcall(LHCALL_NR + 77, 0, 0, 0);
		}
		if (fork)
			round_fork();
		if (blk)
			round_blk(round);
		if (flood)
			round_flood(round);
		if (!fork && !blk && !flood)
			timer_wait_tick();
		round++;
		if (now - last >= 10000000000ull) {
			printf("guest: soak: %u s, %u rounds, %u free pages\n",
			       alive, round, pages_free());
			last = now;
		}
	}
	printf("guest: soak: done:%s%s%s%s: %u rounds in %u s, %u free pages\n",
	       fork ? " fork" : "", blk ? " blk" : "", flood ? " flood" : "",
	       crash ? " crash" : "", round,
	       (uint32_t)((wallclock_ns() - start) / 1000000000u),
	       pages_free());
	guest_poweroff("soak complete");
}
