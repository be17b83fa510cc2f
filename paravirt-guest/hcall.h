/*
 * hcall.h - [Pvguest 2] making hypercalls, one at a time or in a batch.
 */
#ifndef PVGUEST_HCALL_H
#define PVGUEST_HCALL_H

#include <stdbool.h>
#include <stdint.h>

#include "lguest.h"

/*
 * A synchronous hypercall: "int $0x1f" traps straight into the hypervisor,
 * which does the work and resumes us at the next instruction (ABI 4).
 *
 * The hypervisor preserves every register except EAX, hence "+a".  The
 * "memory" clobber matters: the hypervisor may read anything we wrote
 * (a string for SHUTDOWN, the async ring) and may write lguest_data, and
 * an interrupt handler of ours may run just after the "int" returns.
 */
static inline void hcall(uint32_t call, uint32_t arg1, uint32_t arg2,
			 uint32_t arg3)
{
	asm volatile("int $0x1f"
		     : "+a"(call)
		     : "b"(arg1), "c"(arg2), "d"(arg3)
		     : "memory");
}

bool hcall_async(uint32_t call, uint32_t arg1, uint32_t arg2, uint32_t arg3);
bool hcall_ring_idle(void);
__attribute__((noreturn)) void guest_poweroff(const char *why);
__attribute__((noreturn)) void guest_restart(const char *why);
/* The hypervisor's counters for this guest (ABI 5, GUEST_STATS). */
void guest_stats(struct lguest_stats *st);

#endif /* PVGUEST_HCALL_H */
