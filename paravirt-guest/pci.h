/*
 * pci.h - [Pvguest 12] PCI configuration space, through mechanism #1.
 */
#ifndef PVGUEST_PCI_H
#define PVGUEST_PCI_H

#include <stdbool.h>
#include <stdint.h>

/* Standard configuration registers (PCI Local Bus spec, 6.1). */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_STATUS 0x06
#define PCI_BAR0 0x10
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c

#define PCI_STATUS_CAP_LIST 0x10
#define PCI_CAP_ID_VNDR 0x09 /* "vendor specific": what virtio uses */
#define PCI_SLOTS 32

/* One function 0 on bus 0: all a guest of this hypervisor ever has. */
struct pci_dev {
	unsigned int slot;
	uint16_t vendor, device;
	uint8_t irq;
	uint32_t bar0; /* the physical address, flag bits cleared */
};

bool pci_probe(void);
uint8_t pci_read8(unsigned int slot, unsigned int reg);
uint16_t pci_read16(unsigned int slot, unsigned int reg);
uint32_t pci_read32(unsigned int slot, unsigned int reg);
void pci_write8(unsigned int slot, unsigned int reg, uint8_t v);
void pci_write32(unsigned int slot, unsigned int reg, uint32_t v);
bool pci_find(uint16_t vendor, uint16_t device, struct pci_dev *out);
unsigned int pci_vendor_cap(unsigned int slot, uint8_t cfg_type);

#endif /* PVGUEST_PCI_H */
