/*
 * hcall.c - [Pvguest 2] the asynchronous hypercall ring, and powering off.
 *
 * Every synchronous hypercall is a full trip into the hypervisor and back.
 * When the guest has a burst of calls whose effect it does not need at once
 * (Linux: page-table updates in a lazy-MMU section, the stack and TS flag on
 * a context switch), it can instead write them into the 64-slot ring in
 * lguest_data and let them run later.  The hypervisor drains the ring at
 * the start of every synchronous hypercall, in ring order, before doing the
 * call itself (ABI 4.1); LHCALL_FLUSH_ASYNC is the call that does nothing
 * else, for when we just want the queue emptied.
 */
#include "console.h"
#include "hcall.h"
#include "irq.h"
#include "mm.h"
#include "mmu.h"

/* The next slot we will fill.  The hypervisor keeps its own cursor. */
static unsigned int next_call;

/*
 * Queue one call, or make it at once if the ring is full.  Returns true if
 * it was queued.
 *
 * Interrupts are off while we touch the ring so that an interrupt handler
 * that queues calls of its own cannot take the same slot.
 */
bool hcall_async(uint32_t call, uint32_t arg1, uint32_t arg2, uint32_t arg3)
{
	struct hcall_args *slot;
	uint32_t flags = irq_save();
	bool queued = false;

	if (READ_ONCE(lguest_data.hcall_status[next_call]) !=
	    LHCALL_SLOT_FREE) {
		/*
		 * The hypervisor has not got round to this slot yet: the ring
		 * is full.  A synchronous call drains the whole ring before it
		 * runs, so making this one directly keeps the order intact.
		 */
		hcall(call, arg1, arg2, arg3);
	} else {
		slot = &lguest_data.hcalls[next_call];
		slot->arg0 = call;
		slot->arg1 = arg1;
		slot->arg2 = arg2;
		slot->arg3 = arg3;
		slot->arg4 = 0;
		/*
		 * The arguments must be in memory before the status byte says
		 * "ready".  x86 keeps stores in order, and the hypervisor only
		 * looks when we trap, so stopping the compiler from reordering
		 * is all the "write barrier" we need.
		 */
		barrier();
		WRITE_ONCE(lguest_data.hcall_status[next_call],
			   LHCALL_SLOT_READY);
		next_call = (next_call + 1) % LHCALL_RING_SIZE;
		queued = true;
	}
	irq_restore(flags);
	return queued;
}

/* True if the hypervisor has executed everything we queued. */
bool hcall_ring_idle(void)
{
	for (int i = 0; i < LHCALL_RING_SIZE; i++)
		if (READ_ONCE(lguest_data.hcall_status[i]) != LHCALL_SLOT_FREE)
			return false;
	return true;
}

/*
 * Ask to be switched off (ABI 12).  The hypervisor reads the reason from
 * our memory by guest-physical address, not through our page tables, so
 * we pass __pa() of it: every kernel address is in the direct map.
 * SHUTDOWN never returns; if it somehow did, we must not carry on.
 */
static __attribute__((noreturn)) void shutdown(const char *why, uint32_t how)
{
	console_flush(); /* the last words, even without a newline */
	hcall(LHCALL_SHUTDOWN, __pa(why), how, 0);
	for (;;)
		hcall(LHCALL_HALT, 0, 0, 0);
}

void guest_poweroff(const char *why)
{
	shutdown(why, LGUEST_SHUTDOWN_POWEROFF);
}

/*
 * Start again: the hypervisor reloads our image into zeroed RAM and
 * resets our devices, but the disk keeps what we wrote to it (ABI 12).
 */
void guest_restart(const char *why)
{
	shutdown(why, LGUEST_SHUTDOWN_RESTART);
}

/*
 * The hypervisor's counters for us (ABI 5, GUEST_STATS: an extension of
 * this hypervisor's, which Linux never makes).  It writes them straight
 * into *st, by guest-physical address like SHUTDOWN's string, and the
 * size we pass says how many of its fields we know.
 */
void guest_stats(struct lguest_stats *st)
{
	memset(st, 0, sizeof(*st));
	/* LAB hypercall: BEGIN SOLUTION */
	hcall(LHCALL_GUEST_STATS, __pa(st), sizeof(*st), 0);
	/* LAB hypercall: END */
}
