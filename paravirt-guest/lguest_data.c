/*
 * lguest_data.c - [Pvguest 1] the structure we share with the hypervisor.
 *
 * It lives in our .data section; LHCALL_LGUEST_INIT tells the hypervisor
 * its address (ABI 3).  Because the hypervisor reads some fields at that
 * very moment, they must already hold the right values, so the structure
 * is initialised statically, in the image itself.
 */
#include "lguest.h"

struct lguest_data lguest_data = {
	/* Virtual interrupts start off (ABI 2.5); head.S never enables. */
	.irq_enabled = 0,
	/*
	 * Hold back the timer until timer.c is ready for it.  An interrupt
	 * we have no handler for would be left pending forever, so nothing
	 * is lost by starting masked.
	 */
	.blocked_interrupts = 1,
	/* Every ring slot starts "free" (ABI 4.1). */
	.hcall_status = { [0 ... LHCALL_RING_SIZE - 1] = LHCALL_SLOT_FREE },
	/* Where not to inject an interrupt (ABI 8.5): see entry.S. */
	.noirq_iret = (uint32_t)lguest_noirq_iret,
	/*
	 * Where the kernel half of every address space starts (mmu.h).
	 * Mappings above it are the same in all our page directories, which
	 * lets the hypervisor keep them when we switch (ABI 9.3, 9.5).
	 */
	.kernel_address = 0xc0000000,
	/* The system-call vector: the only value the hypervisor accepts. */
	.syscall_vec = 0x80,
};
