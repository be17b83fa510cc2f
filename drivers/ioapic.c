/*
 * ioapic.c - the I/O APICs (see ioapic.h).  Registers: the 82093AA
 * datasheet, which every I/O APIC since follows: an index register
 * (IOREGSEL) at +0x00 and a data window (IOWIN) at +0x10; behind them
 * the ID (0), the version with the highest redirection entry in bits
 * 16-23 (1), and the redirection table, two words per line from 0x10.
 * Mapped uncached and out of every guest's reach, as lapic.c says.
 */
#include "drivers/ioapic.h"
#include "drivers/driver_env.h"
#include "drivers/madt.h"
#include "hv/lib/printk.h"

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_VER 0x01
#define IOAPIC_REDTBL(n) (0x10 + 2 * (n))
#define IOAPIC_REGS_LEN 0x20

#define RTE_ACTIVE_LOW (1u << 13)
#define RTE_LEVEL (1u << 15)
#define RTE_MASKED (1u << 16)

struct ioapic {
	volatile void *regs;
	uint64_t phys;
	uint32_t gsi_base;
	unsigned lines;
};

static struct ioapic chips[MADT_MAX_IOAPICS];
static unsigned nr_chips;

static uint32_t rd(const struct ioapic *c, uint32_t reg)
{
	mmio_write32(c->regs, IOREGSEL, reg);
	return mmio_read32(c->regs, IOWIN);
}

static void wr(const struct ioapic *c, uint32_t reg, uint32_t v)
{
	mmio_write32(c->regs, IOREGSEL, reg);
	mmio_write32(c->regs, IOWIN, v);
}

unsigned ioapic_init(const struct madt_info *m)
{
	nr_chips = 0;
	for (unsigned i = 0; i < m->nr_ioapics; i++) {
		struct ioapic *c = &chips[nr_chips];
		uint32_t ver;

		c->phys = m->ioapic[i].addr;
		c->gsi_base = m->ioapic[i].gsi_base;
		c->regs = drv_map_mmio(c->phys, IOAPIC_REGS_LEN);
		if (!c->regs)
			continue;
		ver = rd(c, IOAPIC_VER);
		/* All ones: no chip answers there. */
		if (ver == 0xFFFFFFFFu) {
			pr_warn("ioapic: nothing answers at %#llx\n",
				(unsigned long long)c->phys);
			continue;
		}
		c->lines = ((ver >> 16) & 0xFF) + 1;
		for (unsigned n = 0; n < c->lines; n++)
			wr(c, IOAPIC_REDTBL(n), RTE_MASKED);
		nr_chips++;
	}
	return nr_chips;
}

unsigned ioapic_count(void)
{
	return nr_chips;
}

void ioapic_describe(unsigned i, uint64_t *phys, uint32_t *gsi_base,
		     unsigned *lines)
{
	*phys = chips[i].phys;
	*gsi_base = chips[i].gsi_base;
	*lines = chips[i].lines;
}

/* The chip serving `gsi`, with the line's number on it in *line. */
static struct ioapic *chip_for(uint32_t gsi, unsigned *line)
{
	for (unsigned i = 0; i < nr_chips; i++) {
		struct ioapic *c = &chips[i];

		if (gsi >= c->gsi_base && gsi - c->gsi_base < c->lines) {
			*line = gsi - c->gsi_base;
			return c;
		}
	}
	return NULL;
}

bool ioapic_set_route(uint32_t gsi, uint8_t vec, uint32_t dest, bool active_low,
		      bool level)
{
	unsigned line;
	struct ioapic *c = chip_for(gsi, &line);
	uint32_t lo = RTE_MASKED | vec; /* fixed delivery, physical dest */

	if (!c)
		return false;
	if (active_low)
		lo |= RTE_ACTIVE_LOW;
	if (level)
		lo |= RTE_LEVEL;
	/* Masked while half-written: the low word (with the mask) first. */
	wr(c, IOAPIC_REDTBL(line), RTE_MASKED);
	wr(c, IOAPIC_REDTBL(line) + 1, dest << 24);
	wr(c, IOAPIC_REDTBL(line), lo);
	return true;
}

static void set_mask(uint32_t gsi, bool masked)
{
	unsigned line;
	struct ioapic *c = chip_for(gsi, &line);
	uint32_t lo;

	if (!c)
		return;
	lo = rd(c, IOAPIC_REDTBL(line));
	lo = masked ? lo | RTE_MASKED : lo & ~RTE_MASKED;
	wr(c, IOAPIC_REDTBL(line), lo);
}

void ioapic_mask(uint32_t gsi)
{
	set_mask(gsi, true);
}

void ioapic_unmask(uint32_t gsi)
{
	set_mask(gsi, false);
}

int ioapic_route_isa(const struct madt_info *m, unsigned irq, uint8_t vec,
		     uint32_t dest)
{
	uint32_t gsi;
	bool low, level;

	madt_isa_route(m, irq, &gsi, &low, &level);
	if (!ioapic_set_route(gsi, vec, dest, low, level))
		return -1;
	ioapic_unmask(gsi);
	return (int)gsi;
}
