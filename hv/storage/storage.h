/*
 * storage.h - the machine's disks, and which guest may use which
 * part of which: the room between the disk drivers (drivers/) and a
 * guest's virtio-blk device (hv/virtio/virtio_blk.c).
 *
 *   storage.c     find the disks at boot (host PCI, AHCI, NVMe)
 *   partition.c   MBR and GPT tables, parsed defensively
 *   volume.c      disk=DEV on a guest's module line: resolve the name,
 *                 refuse conflicts, hand the guest its window
 */
#ifndef HV_STORAGE_STORAGE_H
#define HV_STORAGE_STORAGE_H

#include "drivers/disk.h"

/* Every disk driver (after pci_host_scan()); prints each disk found. */
void storage_init(void);

#endif
