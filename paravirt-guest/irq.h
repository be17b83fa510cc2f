/*
 * irq.h - [Pvguest 4] the virtual interrupt flag.
 *
 * In ring 1 "cli" and "sti" are forbidden (they would trap), and the real
 * IF must stay on anyway so the hypervisor keeps its own interrupts.  So
 * our interrupt flag is a word of memory, lguest_data.irq_enabled, which
 * the hypervisor reads before delivering any interrupt (ABI 8.4).  Turning
 * interrupts off or on is one store: no trap, no hypercall.
 */
#ifndef PVGUEST_IRQ_H
#define PVGUEST_IRQ_H

#include <stdint.h>

#include "hcall.h"
#include "lguest.h"
#include "x86.h"

/* "cli": the hypervisor will hold interrupts until we enable again. */
static inline void irq_disable(void)
{
	WRITE_ONCE(lguest_data.irq_enabled, 0);
	barrier();
}

/*
 * "sti".  If an interrupt arrived while we had interrupts off, the
 * hypervisor left it pending and wrote 0x200 to irq_pending: it cannot
 * know we have just enabled until we next trap, so we tell it at once.
 */
static inline void irq_enable(void)
{
	barrier();
	WRITE_ONCE(lguest_data.irq_enabled, EFLAGS_IF);
	if (READ_ONCE(lguest_data.irq_pending))
		hcall(LHCALL_SEND_INTERRUPTS, 0, 0, 0);
}

/* "pushf; cli": for code that may run with interrupts on or off. */
static inline uint32_t irq_save(void)
{
	uint32_t flags = READ_ONCE(lguest_data.irq_enabled);

	irq_disable();
	return flags;
}

/*
 * "popf".  irq_pending is exactly 0x200 when set (ABI 8.4), so ANDing it
 * with the flags we restore is non-zero only if we are enabling and
 * something waits.
 */
static inline void irq_restore(uint32_t flags)
{
	barrier();
	WRITE_ONCE(lguest_data.irq_enabled, flags);
	if (flags & READ_ONCE(lguest_data.irq_pending))
		hcall(LHCALL_SEND_INTERRUPTS, 0, 0, 0);
}

#endif /* PVGUEST_IRQ_H */
