/*
 * hpet.c - the HPET's main counter (see hpet.h).
 *
 * The ACPI table gives the register block's address as a generic address
 * (in memory space); the block's first register says the counter's period
 * in femtoseconds, which the specification bounds to at most 100 ns
 * (IA-PC HPET specification 1.0a, 2.3.4).  Its registers sit in the top
 * 16 MiB below 4 GiB with the local and I/O APICs, mapped uncached and
 * never into a guest (see lapic.c).
 */
#include "drivers/hpet.h"
#include "drivers/acpi.h"
#include "drivers/driver_env.h"
#include "hv/lib/printk.h"

#define HPET_TABLE_LEN 56  /* header, block ID, address, number, tick */
#define HPET_TABLE_ADDR 40 /* the generic address structure */
#define HPET_REGS_LEN 0x400

#define HPET_CAP_LO 0x000     /* revision, number of timers, ... */
#define HPET_CAP_PERIOD 0x004 /* the period in femtoseconds */
#define HPET_CONFIG 0x010
#define HPET_CONFIG_ENABLE 1u
#define HPET_COUNTER_LO 0x0F0

#define FS_PER_SECOND 1000000000000000ull
#define HPET_MAX_PERIOD_FS 100000000u /* 100 ns */

static volatile void *regs;
static uint64_t hz, phys;

bool hpet_init(void)
{
	const uint8_t *t;
	uint32_t len, period;
	struct acpi_gas block;

	t = acpi_table("HPET", &len);
	if (!t || len < HPET_TABLE_LEN) {
		pr_debug("hpet: no HPET table\n");
		return false;
	}
	acpi_gas_read(t + HPET_TABLE_ADDR, &block);
	phys = block.addr;
	if (block.space != ACPI_SPACE_MEMORY || phys == 0 || (phys & 0x3FF)) {
		pr_debug(
			"hpet: registers at space %u address %#llx: unusable\n",
			block.space, (unsigned long long)phys);
		return false;
	}
	regs = drv_map_mmio(phys, HPET_REGS_LEN);
	if (!regs)
		return false;
	period = mmio_read32(regs, HPET_CAP_PERIOD);
	if (period == 0 || period > HPET_MAX_PERIOD_FS) {
		pr_debug("hpet: a period of %u fs is out of the spec's "
			 "range\n",
			 period);
		regs = NULL;
		return false;
	}
	hz = FS_PER_SECOND / period;
	mmio_write32(regs, HPET_CONFIG,
		     mmio_read32(regs, HPET_CONFIG) | HPET_CONFIG_ENABLE);
	return true;
}

uint64_t hpet_hz(void)
{
	return hz;
}

uint64_t hpet_phys(void)
{
	return phys;
}

uint32_t hpet_read32(void)
{
	return mmio_read32(regs, HPET_COUNTER_LO);
}
