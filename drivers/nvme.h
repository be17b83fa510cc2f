/*
 * nvme.h - NVMe controllers (PCI class 01.08.02): QEMU's -device nvme and
 * most new laptops.
 */
#ifndef DRIVERS_NVME_H
#define DRIVERS_NVME_H

/* Find every NVMe controller (pci_host_scan() first), enable it with one
 * admin and one I/O queue pair, and register each active namespace as a
 * disk named nvmeCnN (controller C from 0, namespace id N).  Returns the
 * number of disks registered; what failed is said on the console. */
unsigned nvme_probe(void);

#endif
