/*
 * irq.h - the hypervisor's own hardware interrupts (not a guest's virtual
 * ones: those are in the guest interrupt code).
 *
 * Lines are ISA IRQ numbers (the UART's 4, say) whichever controller
 * delivers them: the 8259s, or the I/O APIC with the MADT's overrides
 * applied.  Each arrives on vector IRQ_BASE + line either way.
 */
#ifndef HV_IRQ_H
#define HV_IRQ_H

#include "hv/lib/lib.h"
#include "hv/setup/options.h"

typedef void (*irq_handler_t)(void);

/* Choose the controller (irqchip=), set it up, say which on the console.
 * After acpi_init(): the APICs are found through the MADT. */
void irq_init(enum irqchip_mode want);
/* True when the local and I/O APICs deliver, false for the 8259s. */
bool irq_apic(void);
/* The MADT the APICs were set up from (its processors: smp.c), or NULL
 * with the 8259s. */
struct madt_info;
const struct madt_info *irq_madt(void);
/* Install the handler for hardware line `irq` and unmask it. */
void irq_register(unsigned irq, irq_handler_t fn);
/* The local APIC timer's handler (APIC mode only). */
void irq_set_timer_handler(irq_handler_t fn);
/* Serve hardware interrupt vector `vec`, EOI included (never for a
 * spurious one); false if `vec` is not a hardware interrupt's. */
bool irq_vector(uint32_t vec);
uint64_t irq_total(void);

#endif
