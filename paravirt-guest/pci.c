/*
 * pci.c - [Pvguest 12] finding our devices: PCI configuration mechanism #1.
 *
 * Every PCI function has 256 bytes of "configuration space" that say what
 * it is (vendor and device IDs, class), where its registers are (BARs),
 * which interrupt it uses, and a list of capabilities.  On a PC that space
 * is reached through two I/O ports: write the address of a dword to
 * 0xCF8 (enable bit, bus, device, function, register), then read or
 * write it at 0xCFC-0xCFF.  For us both ports trap, and the hypervisor
 * answers from its model of the bus (ABI 11.1-11.3).
 *
 * A latch and a data port are two steps, so nothing may come between
 * them: an interrupt handler that printed through the early console
 * (earlycon.c, which uses this file) would move the latch under us.  So
 * every access runs with interrupts off.
 */
#include "irq.h"
#include "pci.h"
#include "x86.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_ENABLE 0x80000000u
#define PCI_CAP_WALK_MAX 48 /* (256 - 64) / 4: a loop cannot hold us */

/* Bus 0, function 0, the dword holding "reg"; the low two bits are 0. */
static void pci_latch(unsigned int slot, unsigned int reg)
{
	outl(PCI_CONFIG_ADDRESS, PCI_ENABLE | (slot << 11) | (reg & 0xfc));
}

uint8_t pci_read8(unsigned int slot, unsigned int reg)
{
	uint32_t flags = irq_save();
	uint8_t v;

	pci_latch(slot, reg);
	v = inb(PCI_CONFIG_DATA + (reg & 3));
	irq_restore(flags);
	return v;
}

uint16_t pci_read16(unsigned int slot, unsigned int reg)
{
	uint32_t flags = irq_save();
	uint16_t v;

	pci_latch(slot, reg);
	v = inw(PCI_CONFIG_DATA + (reg & 2));
	irq_restore(flags);
	return v;
}

uint32_t pci_read32(unsigned int slot, unsigned int reg)
{
	uint32_t flags = irq_save();
	uint32_t v;

	pci_latch(slot, reg);
	v = inl(PCI_CONFIG_DATA);
	irq_restore(flags);
	return v;
}

void pci_write8(unsigned int slot, unsigned int reg, uint8_t v)
{
	uint32_t flags = irq_save();

	pci_latch(slot, reg);
	outb(PCI_CONFIG_DATA + (reg & 3), v);
	irq_restore(flags);
}

void pci_write32(unsigned int slot, unsigned int reg, uint32_t v)
{
	uint32_t flags = irq_save();

	pci_latch(slot, reg);
	outl(PCI_CONFIG_DATA, v);
	irq_restore(flags);
}

/*
 * Is mechanism #1 there?  Linux's test (ABI 11.1): the address latch
 * must hold what we write to it, and something on bus 0 must be a host
 * bridge (class 0x0600).  We put the latch back as we found it.
 */
bool pci_probe(void)
{
	uint32_t flags = irq_save();
	uint32_t saved, seen;
	bool bridge = false;

	outb(PCI_CONFIG_ADDRESS + 3, 0x01);
	saved = inl(PCI_CONFIG_ADDRESS);
	outl(PCI_CONFIG_ADDRESS, PCI_ENABLE);
	seen = inl(PCI_CONFIG_ADDRESS);
	outl(PCI_CONFIG_ADDRESS, saved);
	irq_restore(flags);
	if (seen != PCI_ENABLE)
		return false;
	for (unsigned int slot = 0; slot < PCI_SLOTS && !bridge; slot++)
		bridge = pci_read16(slot, 0x0a) == 0x0600;
	return bridge;
}

/* Scan bus 0 for vendor:device; a missing slot reads all ones. */
bool pci_find(uint16_t vendor, uint16_t device, struct pci_dev *out)
{
	for (unsigned int slot = 0; slot < PCI_SLOTS; slot++) {
		uint32_t id = pci_read32(slot, PCI_VENDOR_ID);

		if (id != ((uint32_t)device << 16 | vendor))
			continue;
		out->slot = slot;
		out->vendor = vendor;
		out->device = device;
		out->irq = pci_read8(slot, PCI_INTERRUPT_LINE);
		out->bar0 = pci_read32(slot, PCI_BAR0) & ~0xfu;
		return true;
	}
	return false;
}

/*
 * The first vendor-specific capability whose byte 3 ("cfg_type" for
 * virtio, virtio 1.0 4.1.4) is cfg_type; its offset, or 0 if none.  The
 * list is the device's to write, so we stop after as many steps as could
 * fit in the space, in case it loops.
 */
unsigned int pci_vendor_cap(unsigned int slot, uint8_t cfg_type)
{
	unsigned int cap, steps = 0;

	if (!(pci_read16(slot, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	cap = pci_read8(slot, PCI_CAPABILITY_LIST) & 0xfc;
	while (cap && steps++ < PCI_CAP_WALK_MAX) {
		if (pci_read8(slot, cap) == PCI_CAP_ID_VNDR &&
		    pci_read8(slot, cap + 3) == cfg_type)
			return cap;
		cap = pci_read8(slot, cap + 1) & 0xfc;
	}
	return 0;
}
