/*
 * madt.c - the MADT read into struct madt_info (see madt.h).
 *
 * The table comes from the firmware, which is as hostile as anything we
 * read: every entry's length is checked against what is left of the
 * table before a byte of it is read, and against its kind's layout
 * before a field is.  A table we cannot walk to its end is refused whole
 * rather than half-used; an entry that names something impossible is
 * skipped and counted.  Layouts: ACPI 6.4, section 5.2.12.
 */
#include "drivers/madt.h"

#define MADT_HEADER 44 /* the SDT header (36), LAPIC address, flags */

enum {
	ENTRY_LAPIC = 0,
	ENTRY_IOAPIC = 1,
	ENTRY_OVERRIDE = 2,
	ENTRY_NMI_SOURCE = 3,
	ENTRY_LAPIC_NMI = 4,
	ENTRY_LAPIC_ADDR = 5,
	ENTRY_X2APIC = 9,
	ENTRY_X2APIC_NMI = 10,
};

/* The least length of each kind we read; 0: a kind we do not use. */
static size_t min_length(uint8_t type)
{
	switch (type) {
	case ENTRY_LAPIC:
		return 8;
	case ENTRY_IOAPIC:
		return 12;
	case ENTRY_OVERRIDE:
		return 10;
	case ENTRY_NMI_SOURCE:
		return 8;
	case ENTRY_LAPIC_NMI:
		return 6;
	case ENTRY_LAPIC_ADDR:
		return 12;
	case ENTRY_X2APIC:
		return 16;
	case ENTRY_X2APIC_NMI:
		return 12;
	default:
		return 0;
	}
}

static void add_cpu(struct madt_info *m, uint32_t apic_id, uint32_t acpi_id,
		    uint32_t flags)
{
	/* Neither enabled nor online-capable: a slot with no processor. */
	if (!(flags & 3) || m->nr_cpus == MADT_MAX_CPUS) {
		m->skipped++;
		return;
	}
	m->cpu[m->nr_cpus].apic_id = apic_id;
	m->cpu[m->nr_cpus].acpi_id = acpi_id;
	m->cpu[m->nr_cpus].enabled = flags & 1;
	m->nr_cpus++;
}

static void add_ioapic(struct madt_info *m, const uint8_t *e)
{
	struct madt_ioapic *io;

	if (le32_at(e + 4) == 0 || m->nr_ioapics == MADT_MAX_IOAPICS) {
		m->skipped++;
		return;
	}
	io = &m->ioapic[m->nr_ioapics++];
	io->id = e[2];
	io->addr = le32_at(e + 4);
	io->gsi_base = le32_at(e + 8);
}

static void add_override(struct madt_info *m, const uint8_t *e)
{
	uint8_t irq = e[3];

	/* Bus 0 is ISA, the only bus the spec defines overrides for. */
	if (e[2] != 0 || irq >= 16 || m->nr_overrides == MADT_MAX_OVERRIDES) {
		m->skipped++;
		return;
	}
	for (unsigned i = 0; i < m->nr_overrides; i++)
		if (m->override[i].isa_irq == irq) {
			m->skipped++; /* the first one stands */
			return;
		}
	m->override[m->nr_overrides].isa_irq = irq;
	m->override[m->nr_overrides].gsi = le32_at(e + 4);
	m->override[m->nr_overrides].flags = le16_at(e + 8);
	m->nr_overrides++;
}

static void add_nmi(struct madt_info *m, uint32_t acpi_id, uint16_t flags,
		    uint8_t lint)
{
	if (lint > 1 || m->nr_nmis == MADT_MAX_NMIS) {
		m->skipped++;
		return;
	}
	m->nmi[m->nr_nmis].acpi_id = acpi_id;
	m->nmi[m->nr_nmis].flags = flags;
	m->nmi[m->nr_nmis].lint = lint;
	m->nr_nmis++;
}

static void read_entry(struct madt_info *m, const uint8_t *e)
{
	switch (e[0]) {
	case ENTRY_LAPIC:
		add_cpu(m, e[3], e[2], le32_at(e + 4));
		break;
	case ENTRY_IOAPIC:
		add_ioapic(m, e);
		break;
	case ENTRY_OVERRIDE:
		add_override(m, e);
		break;
	case ENTRY_NMI_SOURCE:
		m->nmi_source_gsi = le32_at(e + 4);
		break;
	case ENTRY_LAPIC_NMI:
		add_nmi(m, e[2], le16_at(e + 3), e[5]);
		break;
	case ENTRY_LAPIC_ADDR:
		if (le64_at(e + 4) != 0)
			m->lapic_addr = le64_at(e + 4);
		else
			m->skipped++;
		break;
	case ENTRY_X2APIC:
		add_cpu(m, le32_at(e + 4), le32_at(e + 12), le32_at(e + 8));
		break;
	case ENTRY_X2APIC_NMI:
		add_nmi(m, le32_at(e + 4), le16_at(e + 2), e[8]);
		break;
	default:
		m->skipped++;
	}
}

static bool refuse(char *err, size_t errlen, const char *why, size_t at)
{
	hv_snprintf(err, errlen, "%s (at byte %u)", why, (unsigned)at);
	return false;
}

bool madt_parse(const void *table, size_t len, struct madt_info *out, char *err,
		size_t errlen)
{
	const uint8_t *t = table;
	struct madt_info m;
	size_t off;

	hv_memset(&m, 0, sizeof(m));
	m.nmi_source_gsi = ~0u;
	if (len < MADT_HEADER)
		return refuse(err, errlen, "shorter than its header", 0);
	if (le32_at(t + 4) != len)
		return refuse(err, errlen, "its length field is not its size",
			      4);
	m.lapic_addr = le32_at(t + 36);
	m.flags = le32_at(t + 40);
	for (off = MADT_HEADER; off < len; off += t[off + 1]) {
		size_t want;

		if (len - off < 2)
			return refuse(err, errlen, "an entry cut short", off);
		if (t[off + 1] < 2)
			return refuse(err, errlen,
				      "an entry's length is below 2", off);
		if (t[off + 1] > len - off)
			return refuse(err, errlen,
				      "an entry runs past the table", off);
		want = min_length(t[off]);
		if (t[off + 1] < want)
			return refuse(err, errlen,
				      "an entry shorter than its kind's layout",
				      off);
		read_entry(&m, t + off);
	}
	if (m.lapic_addr == 0)
		return refuse(err, errlen, "no local APIC address", 36);
	*out = m;
	return true;
}

void madt_isa_route(const struct madt_info *m, unsigned irq, uint32_t *gsi,
		    bool *active_low, bool *level)
{
	*gsi = irq;
	*active_low = false;
	*level = false;
	for (unsigned i = 0; i < m->nr_overrides; i++) {
		const struct madt_override *o = &m->override[i];

		if (o->isa_irq != irq)
			continue;
		*gsi = o->gsi;
		/* "As the bus says" is ISA's: high and edge. */
		*active_low =
			(o->flags & MADT_POLARITY_MASK) == MADT_POLARITY_LOW;
		*level = (o->flags & MADT_TRIGGER_MASK) == MADT_TRIGGER_LEVEL;
		return;
	}
}
