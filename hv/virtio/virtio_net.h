/*
 * virtio_net.h - a guest's network card (virtio_net.c) and the port of
 * the switch it is.
 */
#ifndef HV_VIRTIO_NET_H
#define HV_VIRTIO_NET_H

#include "hv/net/switch.h"

struct virtio_dev;

struct guest_nic {
	struct net_port port; /* on its switch while attached */
	struct virtio_dev *dev;
	uint8_t mac[ETH_ALEN];
	/* What it sent that the device refused (also in port.stats), and
	 * receive buffers too small for a frame. */
	uint64_t bad_length, bad_source, small_buffers;
};

/* Ready n to be the port of device d, with this MAC, for `guest`. */
void guest_nic_init(struct guest_nic *n, struct virtio_dev *d,
		    const uint8_t mac[ETH_ALEN], const char *guest);

#endif
