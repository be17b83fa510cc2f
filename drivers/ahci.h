/*
 * ahci.h - SATA disks behind AHCI controllers (PCI class 01.06.01): QEMU's
 * -device ahci, q35's built-in ICH9 controller, and most PCs.
 */
#ifndef DRIVERS_AHCI_H
#define DRIVERS_AHCI_H

/* Find every AHCI controller (pci_host_scan() first), bring up each port
 * with an ATA disk behind it, identify it, and register it as a disk
 * named sataN: port N of the first controller, port 32+N of the second.
 * ATAPI ports (CD drives) and empty ports are passed over.  Returns the
 * number of disks registered; what failed is said on the console. */
unsigned ahci_probe(void);

#endif
