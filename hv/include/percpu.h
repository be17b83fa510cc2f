/*
 * percpu.h - [Processors 5] which processor is this?
 *
 * Every processor loads its own GDT, the one in its own Switcher pages
 * (switcher/switcher.h: __switcher_cpus, SWITCHER_CPU_SIZE bytes each),
 * and "sgdt" reads the GDT's address back.  So the answer costs one
 * unprivileged instruction and needs no register of ours: it works in a
 * trap handler, in an NMI, and on a processor that has just come up.
 * Both of a processor's GDTs (the two views, hv/core/segments.c) lie in
 * its first page, so either one answers the same.
 *
 * Arrays indexed by cpu_index() are how each room keeps its per-CPU
 * state (docs/smp.md lists them).  Before the Switcher's tables are
 * loaded the GDT is the boot loader's, and the answer is 0: only the
 * first processor runs then.
 */
#ifndef HV_INCLUDE_PERCPU_H
#define HV_INCLUDE_PERCPU_H

#include <stdint.h>

#include "hv/include/layout.h"

#ifndef HV_HOST_TEST
extern char __switcher_cpus[]; /* linker.ld */

static inline unsigned cpu_index(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint32_t base;
	} gdtr;
	uint32_t off;

	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	off = gdtr.base - (uint32_t)(uintptr_t)__switcher_cpus;
	return off < MAX_CPUS * SWITCHER_CPU_SIZE ? off / SWITCHER_CPU_SIZE : 0;
}
#else
static inline unsigned cpu_index(void)
{
	return 0; /* the host's unit tests are one processor */
}
#endif

#endif
