/*
 * acpi_pmtimer.c - the ACPI PM timer (see acpi_pmtimer.h).
 */
#include "drivers/acpi_pmtimer.h"
#include "drivers/acpi.h"
#include "hv/include/x86.h"

static uint16_t port;
static uint32_t mask;

uint32_t pmtimer_read(void)
{
	return inl(port) & mask;
}

uint32_t pmtimer_elapsed(uint32_t then, uint32_t now)
{
	return (now - then) & mask;
}

bool pmtimer_init(void)
{
	const struct fadt_info *f = acpi_fadt();
	uint32_t first;

	if (!f || !f->pm_timer_port)
		return false;
	port = f->pm_timer_port;
	mask = f->pm_timer_bits == 32 ? 0xFFFFFFFFu : 0xFFFFFFu;
	/* A port with nothing behind it reads all ones and never moves;
	 * the timer ticks every 280 ns, so a few thousand reads (each a
	 * microsecond or so) must see it change. */
	first = pmtimer_read();
	for (int i = 0; i < 100000; i++)
		if (pmtimer_read() != first)
			return true;
	port = 0;
	return false;
}
