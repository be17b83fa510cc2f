/*
 * madt.h - ACPI's Multiple APIC Description Table ("APIC"), read into a
 * plain structure by a pure function, so that the host unit tests and the
 * fuzzer can feed it any bytes.
 *
 * The MADT says where the local APIC's registers are, which processors
 * and I/O APICs the machine has (each I/O APIC with the first global
 * system interrupt, GSI, it serves), how ISA IRQs are wired to GSIs when
 * not one to one (the interrupt source overrides: on QEMU and most PCs
 * the PIT's IRQ 0 is GSI 2), and which local APIC pins are NMIs.
 */
#ifndef DRIVERS_MADT_H
#define DRIVERS_MADT_H

#include "hv/lib/lib.h"

#define MADT_MAX_CPUS 64
#define MADT_MAX_IOAPICS 8
#define MADT_MAX_OVERRIDES 16 /* one per ISA IRQ at most */
#define MADT_MAX_NMIS 8

/* MPS INTI flags (overrides, NMI entries): polarity bits 0-1, trigger
 * mode bits 2-3; in each, 0 is "as the bus says" and 2 is reserved. */
#define MADT_POLARITY_MASK 0x3
#define MADT_POLARITY_HIGH 0x1
#define MADT_POLARITY_LOW 0x3
#define MADT_TRIGGER_MASK 0xC
#define MADT_TRIGGER_EDGE 0x4
#define MADT_TRIGGER_LEVEL 0xC

#define MADT_FLAG_PCAT_COMPAT 1u /* the machine also has dual 8259s */

struct madt_cpu {
	uint32_t apic_id; /* 8 bits in a local APIC entry, 32 in x2APIC */
	uint32_t acpi_id;
	bool enabled;
};

struct madt_ioapic {
	uint8_t id;
	uint32_t addr; /* its registers: IOREGSEL, IOWIN at +0x10 */
	uint32_t gsi_base;
};

struct madt_override {
	uint8_t isa_irq;
	uint32_t gsi;
	uint16_t flags; /* MADT_POLARITY_*, MADT_TRIGGER_* */
};

struct madt_nmi {
	uint32_t acpi_id; /* 0xFF (0xFFFFFFFF for x2APIC): every CPU */
	uint8_t lint;	  /* local APIC pin: 0 or 1 */
	uint16_t flags;
};

struct madt_info {
	uint64_t lapic_addr; /* the 32-bit field, or the override entry's */
	uint32_t flags;	     /* MADT_FLAG_* */
	unsigned nr_cpus, nr_ioapics, nr_overrides, nr_nmis;
	struct madt_cpu cpu[MADT_MAX_CPUS];
	struct madt_ioapic ioapic[MADT_MAX_IOAPICS];
	struct madt_override override[MADT_MAX_OVERRIDES];
	struct madt_nmi nmi[MADT_MAX_NMIS];
	uint32_t nmi_source_gsi; /* an I/O APIC input wired to NMI, or ~0 */
	/* Entries read but not kept: beyond a table above, of a kind we do
	 * not use, or naming something impossible (an override of a non-ISA
	 * source, a second override of one IRQ, an I/O APIC at 0). */
	unsigned skipped;
};

/*
 * Read the MADT at `table`, `len` bytes (the whole table, header
 * included; its checksum already checked by acpi_table()).  True with
 * *out filled; false, with the reason in err (truncated to errlen), if
 * the table is too short, its length field disagrees with len, an
 * entry's length is below 2 or runs past the end, or an entry is shorter
 * than its kind's layout.  Entries longer than their layout are read
 * (later ACPI versions may add fields at the end).
 */
bool __must_check madt_parse(const void *table, size_t len,
			     struct madt_info *out, char *err, size_t errlen);

/*
 * Where ISA IRQ `irq` arrives: its GSI, and whether the line is active
 * low and level-triggered, by the override for it if there is one,
 * otherwise ISA's rule (GSI = IRQ, edge, active high).  Pure.
 */
void madt_isa_route(const struct madt_info *m, unsigned irq, uint32_t *gsi,
		    bool *active_low, bool *level);

#endif
