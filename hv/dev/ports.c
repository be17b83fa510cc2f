/*
 * ports.c - [Ports 1] what a guest's in and out instructions reach.
 *
 * Almost nothing: reads of unknown ports return all ones ("no device
 * here") and writes vanish, which is what the Linux guest expects of a
 * machine with no legacy hardware.  The exceptions are the PCI
 * configuration ports 0xCF8-0xCFF (pci.c), port 0x64 (an i8042 status that
 * says "nothing to read", so keyboard probing ends quickly), the 8254's
 * channel 2 and its gate on 0x42, 0x43 and 0x61 (pit_emul.c explains why),
 * the CMOS clock on 0x70 and 0x71 (cmos_emul.c) and our debug console on
 * 0xE9.
 */
#include "hv/dev/ports.h"
#include "hv/dev/devices.h"
#include "hv/guest/debugcon.h"
#include "hv/guest/guest.h"
#include "hv/machine/time.h"

#define PCI_CONFIG_ADDRESS 0xCF8
#define PCI_CONFIG_DATA 0xCFC
#define I8042_STATUS 0x64
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61
#define CMOS_INDEX_PORT 0x70
#define CMOS_DATA_PORT 0x71

/* What the CMOS clock shows: the hypervisor's wall clock. */
static struct cmos_now cmos_now(void)
{
	struct cmos_now now;

	time_wallclock(&now.sec, &now.nsec);
	now.valid = time_rtc_valid();
	return now;
}

uint32_t guest_port_in(struct guest *g, uint16_t port, unsigned size)
{
	g->stats.port_io++;
	if (port >= PCI_CONFIG_ADDRESS && port < PCI_CONFIG_ADDRESS + 4) {
		unsigned shift = (port - PCI_CONFIG_ADDRESS) * 8;
		return (g->dev->pci.latch >> shift) & port_ones(size);
	}
	if (port >= PCI_CONFIG_DATA && port < PCI_CONFIG_DATA + 4)
		return pci_config_read(&g->dev->pci, port, size);
	if (port == I8042_STATUS && size == 1)
		return 1;
	if (port == PIT_CH2 && size == 1)
		return pit2_read_count(&g->dev->pit2, time_now_ns());
	if (port == PORT_B && size == 1)
		return pit2_read_port61(&g->dev->pit2, time_now_ns());
	if (port == CMOS_DATA_PORT && size == 1) {
		struct cmos_now now = cmos_now();
		return cmos_read_data(&g->dev->cmos, &now);
	}
	/* (0x70 is write-only on a PC: its reads float, all ones.) */
	return port_ones(size);
}

void guest_port_out(struct guest *g, uint16_t port, unsigned size, uint32_t val)
{
	g->stats.port_io++;
	if (port >= PCI_CONFIG_ADDRESS && port < PCI_CONFIG_ADDRESS + 4) {
		/* Merge a byte, word or dword write into the latch. */
		unsigned shift = (port - PCI_CONFIG_ADDRESS) * 8;
		uint32_t mask = port_ones(size);

		if (shift + size * 8 > 32)
			mask &= (1u << (32 - shift)) - 1;
		g->dev->pci.latch = (g->dev->pci.latch & ~(mask << shift)) |
				    ((val & mask) << shift);
		return;
	}
	if (port >= PCI_CONFIG_DATA && port < PCI_CONFIG_DATA + 4) {
		pci_config_write(&g->dev->pci, port, size, val);
		return;
	}
	if (port == PORT_DEBUG_CONSOLE)
		debug_console_put(g, (char)val);
	else if (port == PIT_CMD && size == 1)
		pit2_write_command(&g->dev->pit2, (uint8_t)val, time_now_ns());
	else if (port == PIT_CH2 && size == 1)
		pit2_write_count(&g->dev->pit2, (uint8_t)val, time_now_ns());
	else if (port == PORT_B && size == 1)
		pit2_write_port61(&g->dev->pit2, (uint8_t)val, time_now_ns());
	else if (port == CMOS_INDEX_PORT && size == 1)
		cmos_write_index(&g->dev->cmos, (uint8_t)val);
	/* Writes to CMOS_DATA_PORT vanish: the guest sets no clock. */
}
