/*
 * main.c - [Pvguest 0] from the command line to the chosen mode.
 *
 * pvguest is one image with several jobs, picked by its command line (the
 * text after "--" on the GRUB module line):
 *
 *   demo          (the default) walk through every part of the ABI we use,
 *                 printing a line for each, then run user processes
 *                 (procdemo.c), then power off;
 *   procs         only the user-process part of the demo;
 *   bench         time the hypervisor's basic operations (tests/bench.sh);
 *   test=NAME     one test case: something the hypervisor must refuse
 *                 (adversary.c, adversary_mm.c) or a process scenario
 *                 (procdemo.c);
 *   sysgate=trap  register the system-call gate (0x80) as a trap gate
 *                 instead of an interrupt gate (ABI 8.2), to measure both;
 *   shell         the interactive shell on the console (user/shell.c):
 *                 run=shell;
 *   run=PROG      start one program (from the disk, or built in) and
 *                 power off when it is done (init.c);
 *   blktest       the block driver and device, checked (blktest.c);
 *   console=early keep printing through the early console (earlycon.c)
 *                 instead of starting the virtio console driver.
 *
 * Every line we print starts with "guest: " so tests can tell our output
 * from the hypervisor's.
 */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "devices.h"
#include "guest.h"
#include "hcall.h"
#include "idt.h"
#include "lguest.h"
#include "mm.h"
#include "x86.h"

void guest_main(void);

/* Does the word at w (ending at a space or NUL) start with prefix? */
static const char *word_after(const char *w, const char *prefix)
{
	while (*prefix)
		if (*w++ != *prefix++)
			return NULL;
	return w;
}

static bool word_is(const char *w, const char *word)
{
	const char *end = word_after(w, word);

	return end && (*end == ' ' || *end == '\0');
}

/*
 * Say hello.  early.c registered lguest_data with the hypervisor, the
 * first hypercall of every guest (ABI 3), so it has filled in
 * reserve_mem, tsc_khz and the time, and it can deliver interrupts to us.
 */
void guest_connect(void)
{
	printf("guest: pvguest v2 running, command line '%s'\n", boot_cmdline);
	printf("guest: lguest_data at %p: reserve_mem 0x%x, tsc_khz %u\n",
	       (void *)&lguest_data, lguest_data.reserve_mem,
	       lguest_data.tsc_khz);
	printf("guest: wall clock %d.%09d s since 1970\n",
	       (int)lguest_data.time_sec, (int)lguest_data.time_nsec);
	printf("guest: paging: kernel at %p, %u MiB of RAM mapped at %p, "
	       "fixmap at %p, identity map dropped\n",
	       (void *)guest_main, boot_mm.lowmem_bytes >> 20,
	       (void *)PAGE_OFFSET, (void *)boot_mm.fixmap_va);
}

void guest_main(void)
{
	const char *test = NULL, *prog = NULL, *w;
	enum { DEMO, PROCS, BENCH, RUN, BLKTEST } mode = DEMO;
	bool early_console = false;

	mm_init();
	for (w = boot_cmdline; *w; w++) {
		if (w != boot_cmdline && w[-1] != ' ')
			continue;
		if (word_is(w, "bench"))
			mode = BENCH;
		else if (word_is(w, "demo"))
			mode = DEMO;
		else if (word_is(w, "procs"))
			mode = PROCS;
		else if (word_is(w, "sysgate=trap"))
			syscall_gate_type = GATE_TRAP;
		else if (word_is(w, "sysgate=intr"))
			syscall_gate_type = GATE_INTERRUPT;
		else if (word_after(w, "test="))
			test = word_after(w, "test=");
		else if (word_is(w, "shell"))
			prog = "shell";
		else if (word_after(w, "run="))
			prog = word_after(w, "run=");
		else if (word_is(w, "blktest"))
			mode = BLKTEST;
		else if (word_is(w, "console=early"))
			early_console = true;
	}
	if (prog)
		mode = RUN;

	/*
	 * The devices come before everything else, so that whatever happens
	 * next, even a test that gets us killed, is printed where it can be
	 * seen.  Then the adversarial tests decide for themselves what to
	 * print first, since some of them are about breaking a rule before
	 * doing anything more.  (The two that must run before LGUEST_INIT
	 * are in early.c.)
	 */
	devices_init(early_console);

	if (test)
		adversary_run(test);
	guest_connect();
	if (mode == BENCH)
		bench_run();
	if (mode == PROCS)
		procdemo_run();
	if (mode == RUN)
		init_run(prog);
	if (mode == BLKTEST)
		blktest_run();
	demo_run();
}
