/*
 * irq.c - [Boot 8] routing the machine's interrupt lines to the drivers that own
 * them.  The hypervisor takes hardware interrupts in two situations: while
 * a guest runs (the interrupt exits the guest) and while it is idle in
 * "sti; hlt".  Either way the handler runs with interrupts off and to
 * completion, so handlers never nest.
 */
#include "hv/machine/irq.h"
#include "drivers/pic.h"
#include "hv/include/layout.h"
#include "hv/lib/printk.h"

static irq_handler_t handlers[NR_HW_IRQS];
static uint64_t counts[NR_HW_IRQS];

void irq_init(void)
{
	pic_init(IRQ_BASE);
}

void irq_register(unsigned irq, irq_handler_t fn)
{
	BUG_ON(irq >= NR_HW_IRQS);
	handlers[irq] = fn;
	pic_unmask(irq);
}

void irq_dispatch(unsigned irq)
{
	if (irq >= NR_HW_IRQS)
		return;
	if (pic_spurious(irq))
		return;
	counts[irq]++;
	/* Acknowledge first: a one-shot PIT re-armed inside the handler
	 * must be able to raise its next interrupt. */
	pic_eoi(irq);
	if (handlers[irq])
		handlers[irq]();
}

uint64_t irq_total(void)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < NR_HW_IRQS; i++)
		n += counts[i];
	return n;
}
