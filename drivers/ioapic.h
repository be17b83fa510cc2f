/*
 * ioapic.h - the I/O APICs: each takes a range of global system
 * interrupts (GSIs) from the devices and sends each one, by its
 * redirection entry, as a vector to a local APIC.
 */
#ifndef DRIVERS_IOAPIC_H
#define DRIVERS_IOAPIC_H

#include "hv/lib/lib.h"

struct madt_info;

/* Map every I/O APIC the MADT lists, learn its number of lines, mask
 * them all.  Returns how many are usable (0: none, said why). */
unsigned ioapic_init(const struct madt_info *m);
unsigned ioapic_count(void);
/* The i-th I/O APIC's registers, first GSI and number of lines. */
void ioapic_describe(unsigned i, uint64_t *phys, uint32_t *gsi_base,
		     unsigned *lines);

/* Point `gsi` at `vec` on the local APIC `dest`, fixed delivery, with
 * this polarity and trigger mode, and leave it masked.  False if no I/O
 * APIC serves that GSI. */
bool __must_check ioapic_set_route(uint32_t gsi, uint8_t vec, uint32_t dest,
				   bool active_low, bool level);
void ioapic_mask(uint32_t gsi);
void ioapic_unmask(uint32_t gsi);

/* ISA IRQ `irq` to `vec`: its GSI, polarity and trigger mode as the
 * MADT's overrides say (madt_isa_route()), unmasked.  Returns the GSI,
 * or -1 if no I/O APIC serves it. */
int ioapic_route_isa(const struct madt_info *m, unsigned irq, uint8_t vec,
		     uint32_t dest);

#endif
