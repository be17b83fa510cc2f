/*
 * main.c - [Pvguest 0] from the command line to the chosen mode.
 *
 * pvguest is one image with several jobs, picked by its command line (the
 * text after "--" on the GRUB module line):
 *
 *   demo          (the default) walk through every part of the ABI we use,
 *                 printing a line for each, then power off;
 *   bench         time the hypervisor's basic operations (tests/bench.sh);
 *   test=NAME     do one thing the hypervisor must refuse (adversary.c).
 *
 * Every line we print starts with "guest: " so tests can tell our output
 * from the hypervisor's.
 */
#include <asm/bootparam.h>
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "guest.h"
#include "hcall.h"
#include "lguest.h"

#define CMDLINE_MAX 2048 /* what Linux copies, so what the ABI promises */

static char cmdline[CMDLINE_MAX];

void guest_main(struct boot_params *bp);

/*
 * Take a copy of the command line, which the hypervisor put in our memory
 * and pointed to from the zero page (ABI 2.4).  We must not print yet: see
 * guest_main().
 */
static void copy_cmdline(const struct boot_params *bp)
{
	const char *src = (const char *)bp->hdr.cmd_line_ptr;
	int i = 0;

	if (src)
		for (; i < CMDLINE_MAX - 1 && src[i]; i++)
			cmdline[i] = src[i];
	cmdline[i] = '\0';
}

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
 * Register lguest_data with the hypervisor: the first hypercall of every
 * guest (ABI 3).  From here on the hypervisor can deliver interrupts to
 * us, and it has filled in reserve_mem, tsc_khz and the time.
 */
void guest_connect(void)
{
	hcall(LHCALL_LGUEST_INIT, (uint32_t)&lguest_data, 0, 0);
	printf("guest: pvguest v0 running, command line '%s'\n", cmdline);
	printf("guest: lguest_data at %p: reserve_mem 0x%x, tsc_khz %u\n",
	       (void *)&lguest_data, lguest_data.reserve_mem,
	       lguest_data.tsc_khz);
	printf("guest: wall clock %d.%09d s since 1970\n",
	       (int)lguest_data.time_sec, (int)lguest_data.time_nsec);
}

void guest_main(struct boot_params *bp)
{
	const char *test = NULL;
	bool bench = false;

	copy_cmdline(bp);
	for (const char *w = cmdline; *w; w++) {
		if (w != cmdline && w[-1] != ' ')
			continue;
		if (word_is(w, "bench"))
			bench = true;
		else if (word_is(w, "demo"))
			bench = false;
		else if (word_after(w, "test="))
			test = word_after(w, "test=");
	}

	/*
	 * The adversarial tests decide for themselves when (and whether) to
	 * make LHCALL_LGUEST_INIT, since some of them are about doing
	 * something else first.  Everyone else connects here.
	 */
	if (test)
		adversary_run(test);
	guest_connect();
	if (bench)
		bench_run();
	demo_run();
}
