/*
 * smp.h - the machine's other processors, the hypervisor lock, and what
 * processors send each other (smp.c; docs/smp.md).
 */
#ifndef HV_MACHINE_SMP_H
#define HV_MACHINE_SMP_H

#include "hv/include/percpu.h"
#include "hv/lib/lib.h"
#include "hv/lib/spinlock.h"

/* Start every processor the MADT lists and the firmware enabled, each on
 * a stack of its own (pages from alloc_pages) and on our page directory
 * (cr3), and say which came up.  They wait, interrupts off, until
 * smp_run_others().  After irq_init() and time_init(). */
void smp_start(uint32_t cr3, void *(*alloc_pages)(uint32_t count));
/* How many processors run the hypervisor (1 without APICs); they are
 * numbered 0 (the first) to this minus one, as cpu_index() says. */
unsigned smp_cpus_online(void);
/* The other processors run `loop` (with the hypervisor lock held; it
 * must never return). */
void smp_run_others(void (*loop)(void));
/* The stack processor `cpu` runs on (for backtraces). */
bool smp_stack_bounds(unsigned cpu, uint32_t *lo, uint32_t *hi);

/*
 * The hypervisor lock: held by a processor whenever it runs hypervisor
 * code for a guest or the scheduler, and by no one inside a guest or
 * asleep in idle.  So guests run in parallel, and their exits are served
 * one at a time (docs/smp.md says what that costs and what it buys).
 */
void hvlock_take(void);
void hvlock_drop(void);
bool hvlock_held(void);
/* Let go of the lock for a moment and take it again: for a processor
 * that waits on what another must do under it. */
void hvlock_let_others(void);

/* An interrupt to `cpu` (not this one) to look at its guests again: one
 * was made ready, or is to stop.  At most one is in flight per CPU. */
void smp_wake(unsigned cpu);
void smp_wake_received(void); /* irq.c, on LAPIC_WAKE_VECTOR */
/* A panic: stop every other processor (panic.c; returns how many said
 * they did), and an NMI's check that it is not that stop (trap.c,
 * exits.c). */
unsigned smp_stop_others(void);
void smp_nmi(void);
/* Halt this processor for good, counted as stopped (a second panic). */
__noreturn void smp_stop_here(void);

struct smp_cpu_stats {
	uint64_t lock_waits; /* times the lock was busy when wanted */
	uint64_t ipis_in;    /* wake-ups received */
	bool wake_pending;
};
extern struct smp_cpu_stats smp_stats[MAX_CPUS];

#endif
