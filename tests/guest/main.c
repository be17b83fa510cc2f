/*
 * main.c - [Testguest 0] the test guest: pvguest's kernel, started the
 * way its own main.c starts it, then one of the tests' modes.
 *
 * This file takes the place of paravirt-guest/main.c; every other file
 * of the kernel is linked in unchanged (testguest.mk).  The command line
 * (after "--" on the GRUB module line) picks the mode:
 *
 *   demo         (the default) a tour of every part of the ABI we use,
 *                a line a step, then the user-process scenarios
 *                (demo.c, procdemo.c); powers off with "demo complete";
 *   procs        only the user-process scenarios;
 *   bench        time the hypervisor's basic operations and the devices
 *                (bench.c, bench_dev.c; tests/bench.sh);
 *   blktest      the block driver and device, request by request
 *                (blktest.c); needs a disk;
 *   rngtest      the entropy driver and device: the bytes, their
 *                frequencies, and the requests a driver must not make
 *                (rngtest.c);
 *   clocks       the PIT's channel 2 and the CMOS clock, read through
 *                the ports the way Linux reads them (clocks.c);
 *   disktest=STEP  the disk as storage that lasts: write, check, crash,
 *                fault, timeout (disktest.c); needs a disk;
 *   diskbench=TAG  the disk's throughput (diskbench.c; tests/bench.sh);
 *   nettest=MODE:...  the network, as one guest of several on a switch:
 *                ping, serve, udp, blast, sink (nettest.c); needs net=
 *                on the kernel line and ip= after the "--";
 *   sleeptest=N  sleep N ticks of 10 ms, say how long they took by the
 *                hypervisor's clock (sleeptest.c);
 *   spin secs=N measure=M  compute for N seconds, never halting, and
 *                report our share of the CPU over the first M
 *                (hvstats.c: the scheduler's weights);
 *   compute work=N id=I  N units of integer work, never halting, then a
 *                checksum and the CPU we ended on (compute.c: guests
 *                in parallel on several CPUs);
 *   test=NAME    one case: something the hypervisor must refuse
 *                (adversary.c, adversary_mm.c, adversary_blk.c,
 *                adversary_mmio.c, adversary_gate.c; the two that come
 *                before LGUEST_INIT are early_adversary.c's), one
 *                process scenario
 *                (procdemo.c), the hypervisor's counters read back
 *                (hvstats.c), the notes device over a restart
 *                (notestest.c), or the console flood another guest must
 *                not notice (console_flood.c);
 *
 * and the kernel's own words still work: "run=PROG" and "shell" start
 * that program instead of a mode, "console=early" and "sysgate=trap"
 * change the kernel (paravirt-guest/setup.c).
 */
#include "paravirt-guest/console.h"
#include "paravirt-guest/guest.h"
#include "paravirt-guest/hcall.h"

#include "testguest.h"

/* "KEY=N" on the command line, N decimal; dflt without it. */
uint32_t cmdline_number(const char *key, uint32_t dflt)
{
	const char *s = cmdline_value(key);
	uint32_t v = 0;

	if (!s || *s < '0' || *s > '9')
		return dflt;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (uint32_t)(*s++ - '0');
	return v;
}

/* The kernel has no memcmp(): are a and b's first n bytes the same? */
bool same_bytes(const void *a, const void *b, uint32_t n)
{
	const uint8_t *x = a, *y = b;

	for (uint32_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return false;
	return true;
}

static __attribute__((noreturn)) void test_run(const char *name)
{
	adversary_run(name);
	adversary_mm_run(name);
	adversary_blk_run(name);
	adversary_mmio_run(name);
	adversary_dev_run(name);
	adversary_netdev_run(name);
	procdemo_test(name);
	console_flood_run(name);
	hvstats_test(name);
	adversary_gate_run(name);
	notestest_run(name);
	adversary_views_run(name);
	guest_connect();
	printf("guest: unknown test '%s'\n", name);
	guest_poweroff("unknown test");
}

void guest_main(void)
{
	const char *test, *prog;

	kernel_setup();
	/*
	 * A case decides for itself what to print first, before our hello
	 * or after it: some are about breaking a rule before doing anything
	 * more.
	 */
	test = cmdline_value("test=");
	if (test)
		test_run(test);
	guest_connect();
	prog = init_program();
	if (prog)
		init_run(prog);
	if (cmdline_has("bench"))
		bench_run();
	if (cmdline_has("procs"))
		procdemo_run();
	if (cmdline_has("blktest"))
		blktest_run();
	if (cmdline_has("rngtest"))
		rngtest_run();
	if (cmdline_has("clocks"))
		clocks_run();
	if (cmdline_value("diskbench="))
		diskbench_run(cmdline_value("diskbench="));
	if (cmdline_value("disktest="))
		disktest_run(cmdline_value("disktest="));
	if (cmdline_value("nettest="))
		nettest_run(cmdline_value("nettest="));
	if (cmdline_has("fuzz"))
		fuzz_run();
	if (cmdline_has("soak"))
		soak_run();
	if (cmdline_value("sleeptest="))
		sleeptest_run(cmdline_value("sleeptest="));
	if (cmdline_has("spin"))
		spin_run();
	if (cmdline_has("compute"))
		compute_run();
	demo_run();
}
