/*
 * irq.h - the hypervisor's own hardware interrupts (not a guest's virtual
 * ones: those are in the guest interrupt code).
 */
#ifndef HV_IRQ_H
#define HV_IRQ_H

#include "hv/lib/lib.h"

typedef void (*irq_handler_t)(void);

void irq_init(void);
/* Install the handler for hardware line `irq` and unmask it. */
void irq_register(unsigned irq, irq_handler_t fn);
/* Called with a hardware IRQ's vector-relative number; sends the EOI. */
void irq_dispatch(unsigned irq);
uint64_t irq_total(void);

#endif
