/*
 * compute.c - [Testguest 25] "compute work=N id=I": a fixed amount of
 * integer work, never halting, for the tests of guests running in
 * parallel on several CPUs (tests/qemu/smp-*.test, tests/bench.sh).
 *
 * The work is N units; a unit is UNIT_STEPS rounds of a 32-bit mixing
 * function (xorshift, then a multiply), each round depending on the one
 * before, so no compiler can shorten it and no two runs differ: the same
 * N gives the same checksum on any CPU and any hypervisor, which lets a
 * test compare two guests' lines.  A unit takes about 10 ms under QEMU's
 * TCG on the machine the tests were written on (measured: README.md).
 *
 * Interrupts stay on and the guest's tick runs, as a real guest's would:
 * the hypervisor must preempt us, deliver our ticks, and may move us to
 * another CPU in the middle.  At the end we ask GUEST_STATS which CPU we
 * are on (the field after the 48 bytes of ABI 5's first six counters)
 * and print
 *
 *   guest: compute I: N units in T ms
 *   guest: compute I: done, checksum X, cpu C
 *
 * then power off with "compute done".  T is our own clock's view, only a
 * hint; the tests time the run with the hypervisor's "hv: run:" line.
 */
#include <stddef.h>
#include <stdint.h>

#include "paravirt-guest/console.h"
#include "paravirt-guest/guest.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/idt.h"
#include "paravirt-guest/mmu.h"
#include "paravirt-guest/timer.h"

#include "testguest.h"

#define TICK_NS 10000000u
#define UNIT_STEPS 3600000u
#define WORK_DEFAULT 100u
#define WORK_MAX 100000u
/* What a hypervisor that does not write the field leaves there. */
#define CPU_UNWRITTEN 0xffffffffu

/*
 * GUEST_STATS as far as the cpu field: the six counters every version of
 * ABI 5 has, then the two that came with SMP.  Our own copy, so the mode
 * asks for the CPU whichever lguest.h it is built with; an older
 * hypervisor copies only the first 48 bytes and leaves the rest alone.
 */
struct compute_stats {
	uint64_t counters[6];
	uint32_t cpu;	    /* the CPU we run on now */
	uint32_t cpu_moves; /* times we were moved to another CPU */
};
_Static_assert(sizeof(struct compute_stats) == 56, "ABI 5 with cpu");

/* One unit: UNIT_STEPS dependent rounds, folded into the sum. */
static uint32_t unit(uint32_t x)
{
	for (uint32_t i = 0; i < UNIT_STEPS; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		x = x * 2654435761u + i;
	}
	return x;
}

void compute_run(void)
{
	uint32_t work = cmdline_number("work=", WORK_DEFAULT);
	uint32_t id = cmdline_number("id=", 0);
	struct compute_stats st;
	uint32_t x = 0x12345678u, sum = 0;
	uint64_t start;

	if (work == 0 || work > WORK_MAX)
		work = WORK_DEFAULT;
	idt_init(); /* the tick's handler */
	timer_start(TICK_NS);
	timer_wait_tick(); /* the clock is fresh now */
	start = wallclock_ns();
	printf("guest: compute %u: %u units of work\n", id, work);
	for (uint32_t n = 0; n < work; n++) {
		x = unit(x ^ n);
		sum = (sum << 1 | sum >> 31) ^ x;
	}
	printf("guest: compute %u: %u units in %llu ms\n", id, work,
	       (wallclock_ns() - start) / 1000000);
	for (size_t i = 0; i < sizeof(st) / sizeof(uint32_t); i++)
		((uint32_t *)&st)[i] = CPU_UNWRITTEN;
	hcall(LHCALL_GUEST_STATS, __pa(&st), sizeof(st), 0);
	printf("guest: compute %u: done, checksum %08x, cpu %u\n", id, sum,
	       st.cpu);
	guest_poweroff("compute done");
}
