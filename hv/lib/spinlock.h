/*
 * spinlock.h - [Processors 6] a ticket lock: the processors that want it
 * are served in the order they came, so none can be starved by the
 * others (QEMU's threads, one per processor, are scheduled by the host
 * as it likes; an unfair lock would let one of them win every time).
 *
 * Taking a ticket is one locked "xadd"; the lock is free for the ticket
 * whose number "serving" shows.  The hypervisor runs with interrupts
 * off, so a holder is never interrupted by code that wants the same
 * lock on the same processor, except by an NMI or a machine check,
 * which take no lock but the console's (printk.c), and that one is
 * reentrant for its holder.  docs/smp.md gives the order in which the
 * locks nest.
 */
#ifndef HV_LIB_SPINLOCK_H
#define HV_LIB_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/include/percpu.h"

#define SPIN_NO_OWNER 0xFFFFFFFFu

struct spinlock {
	volatile uint32_t next;	   /* the next ticket to hand out */
	volatile uint32_t serving; /* the ticket that holds the lock */
	volatile uint32_t owner;   /* cpu_index() of the holder */
};

#define SPINLOCK_INIT                                                          \
	{                                                                      \
		0, 0, SPIN_NO_OWNER                                            \
	}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

/* Take the lock; returns how many times it looked before it was its turn
 * (0: the lock was free), for the statistics.  `waiting`, if not NULL, is
 * called at every look while it waits (the hypervisor lock's waiters
 * check there whether a panic has stopped the machine). */
static inline uint32_t spin_lock_waiting(struct spinlock *l,
					 void (*waiting)(void))
{
	uint32_t ticket = 1, spins = 0;

	__asm__ volatile("lock xaddl %0, %1"
			 : "+r"(ticket), "+m"(l->next)
			 :
			 : "memory");
	while (l->serving != ticket) {
		if (waiting)
			waiting();
		cpu_relax();
		spins++;
	}
	l->owner = cpu_index();
	return spins;
}

static inline uint32_t spin_lock(struct spinlock *l)
{
	return spin_lock_waiting(l, NULL);
}

static inline void spin_unlock(struct spinlock *l)
{
	l->owner = SPIN_NO_OWNER;
	/* A plain store releases on x86 (stores are not reordered with
	 * earlier loads or stores); the compiler barrier keeps ours. */
	__asm__ volatile("" ::: "memory");
	l->serving = l->serving + 1;
}

static inline bool spin_held_here(const struct spinlock *l)
{
	return l->owner == cpu_index();
}

#endif
