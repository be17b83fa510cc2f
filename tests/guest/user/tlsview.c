/*
 * tlsview.c - thread-local storage the way glibc's i386 code does it,
 * and what the kernel sees after it (tests/guest/adversary_views.c).
 *
 * The kernel gives us a TLS segment at our thread pointer with a 4 GiB
 * limit ("int $4", our stand-in for set_thread_area); a __thread
 * variable sits just below the thread pointer, at a negative offset from
 * %gs, which only works with that full limit.  The hypervisor loads its
 * full descriptor view for us when the truncated one's limit is in the
 * way (on a CPU that enforces limits: a #GP it retries).
 *
 *   tlsview 1  read %gs:-4, wait until the full view is loaded (lsl says
 *              so), then "int $0x80" with it: the kernel checks, in ring
 *              1, that the %gs we left behind no longer reaches the
 *              hypervisor region.
 *   tlsview 2  read %gs:-4, then "cli", a #GP(0) the full view does not
 *              cure: it must still reach our kernel, which kills us.
 */
#include <stdio.h>
#include <unistd.h>

#include "paravirt-guest/user/ulib.h"

#define TLS_VALUE 0x7715C0DEu
#define VIEWS_MAGIC 0x56494557u /* adversary_views.c's check */
#define FRESH_PAGES 32

/* block[1] is the thread pointer; block[0] our one __thread word. */
static volatile uint32_t block[2] = { TLS_VALUE, 0 };
static volatile uint8_t fresh[FRESH_PAGES][4096];

static uint32_t limit_of(uint32_t sel)
{
	uint32_t limit = 0;

	asm volatile("lsl %1, %0" : "+r"(limit) : "r"(sel));
	return limit;
}

/* Touch new pages until the full view is loaded: each first touch is a
 * page fault, after which the hypervisor enters us again; on a CPU that
 * enforces limits it already is.  The number of pages, or -1. */
static int wait_for_full_view(uint32_t sel)
{
	for (int i = 0; i < FRESH_PAGES; i++) {
		if (limit_of(sel) == 0xFFFFFFFFu)
			return i;
		fresh[i][0] = 1;
	}
	return limit_of(sel) == 0xFFFFFFFFu ? FRESH_PAGES : -1;
}

int main(int mode)
{
	uint32_t sel, v;
	int pages, problems;

	asm volatile("int $4"
		     : "=a"(sel)
		     : "a"((uint32_t)&block[1])
		     : "memory");
	asm volatile("movw %w0, %%gs" : : "r"(sel));
	asm volatile("movl %%gs:-4, %0" : "=r"(v));
	printf("guest: tlsview: TLS selector 0x%x, %%gs:-4 reads 0x%x: %s\n",
	       sel, v, v == TLS_VALUE ? "ok" : "FAIL");
	if (v != TLS_VALUE)
		return 1;
	if (mode == 2) {
		printf("guest: tlsview: cli in ring 3\n");
		asm volatile("cli");
		printf("guest: tlsview: FAIL: cli did not fault\n");
		return 1;
	}
	pages = wait_for_full_view(sel);
	/* No system call in between: printf would take us through ring 1,
	 * and back with the truncated view. */
	asm volatile("int $0x80"
		     : "=a"(problems)
		     : "a"(VIEWS_MAGIC)
		     : "memory");
	if (pages < 0) {
		printf("guest: tlsview: FAIL: the full view never came (lsl "
		       "0x%x)\n",
		       limit_of(sel));
		return 1;
	}
	printf("guest: tlsview: full view loaded after %d fresh pages; the "
	       "kernel found %d problems\n",
	       pages, problems);
	return problems ? 1 : 0;
}
