/*
 * vnet_host.h - a virtio-net card of the machine's (QEMU's -device
 * virtio-net-pci, most cloud VMs), driven through its virtio 1.0
 * ("modern") PCI interface.  Not the virtio-net device the hypervisor
 * serves its guests: that is hv/virtio/virtio_net.c, the other side.
 */
#ifndef DRIVERS_VNET_HOST_H
#define DRIVERS_VNET_HOST_H

/* Find every virtio-net card (pci_host_scan() first), reset it, set up
 * a polled receive and transmit queue, and register it as a nic named
 * vnetN.  Returns the number registered; what failed is said. */
unsigned vnet_host_probe(void);

#endif
