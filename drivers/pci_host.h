/*
 * pci_host.h - the machine's own PCI buses, as the hypervisor's drivers
 * see them (a guest's PCI bus is hv/dev/pci.c, a different thing).
 *
 * Configuration space is reached through ECAM, the memory window ACPI's
 * MCFG table describes, where the firmware has one, and otherwise through
 * configuration mechanism 1 (ports 0xCF8/0xCFC), which reaches only the
 * first 256 bytes of each function but is on every PC.  pci_host_scan()
 * walks every bus once at boot; drivers then ask for functions by class.
 */
#ifndef DRIVERS_PCI_HOST_H
#define DRIVERS_PCI_HOST_H

#include "hv/lib/lib.h"

/* Configuration space offsets and bits (PCI Local Bus spec 3.0, 6.2). */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_CMD_IO 0x0001
#define PCI_CMD_MEMORY 0x0002
#define PCI_CMD_BUS_MASTER 0x0004
#define PCI_CMD_INTX_DISABLE 0x0400
#define PCI_CLASS_REVISION 0x08 /* revision, prog-if, subclass, class */
#define PCI_HEADER_TYPE 0x0E
#define PCI_HEADER_MULTI 0x80
#define PCI_BAR0 0x10
#define PCI_SECONDARY_BUS 0x19 /* bridges (header type 1) */
#define PCI_INTERRUPT_LINE 0x3C

#define PCI_MAX_HOST_FUNCTIONS 64

struct pci_function {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint8_t class, subclass, progif;
};

/* Find ECAM (from the ACPI tables, already read) and list every function
 * on every bus; prints what it found at debug level.  Returns the count. */
unsigned pci_host_scan(void);
/* The index'th function (0 = first) of a class, subclass and prog-if, in
 * bus order; NULL when there are fewer. */
const struct pci_function *pci_host_find(uint8_t class, uint8_t subclass,
					 uint8_t progif, unsigned index);

uint32_t pci_host_read32(const struct pci_function *f, unsigned off);
void pci_host_write32(const struct pci_function *f, unsigned off, uint32_t v);
uint16_t pci_host_read16(const struct pci_function *f, unsigned off);
void pci_host_write16(const struct pci_function *f, unsigned off, uint16_t v);

/* A memory BAR's address and size (64-bit BARs take two slots); false
 * for an I/O or absent BAR.  Sizing briefly turns decoding off. */
bool pci_host_mem_bar(const struct pci_function *f, unsigned bar,
		      uint64_t *base, uint64_t *size);
/* Turn on memory decoding and bus mastering (DMA), INTx off: our disk
 * and network drivers poll (docs/storage.md says why). */
void pci_host_enable(const struct pci_function *f);
/* "00:1f.2", for messages. */
void pci_host_name(const struct pci_function *f, char buf[8]);

#endif
