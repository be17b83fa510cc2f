/*
 * virtio_net.h - [Pvguest 22] the network card: the virtio-net driver's
 * interface to the stack (net.c) above it.
 */
#ifndef PVGUEST_VIRTIO_NET_H
#define PVGUEST_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

bool vnet_init(void);
void vnet_enable_irq(void);
bool vnet_up(void);
const uint8_t *vnet_mac(void);
bool vnet_link_up(void);

/* Copy a whole Ethernet frame (14..1514 bytes) out; false if dropped. */
bool vnet_send(const void *frame, uint32_t len);
/* Between these, frames are queued but the device is notified once, at
 * the end (or when the queue is full): a batch. */
void vnet_batch_begin(void);
void vnet_batch_end(void);
/* Take received frames without waiting for the interrupt; interrupts
 * are off. */
void vnet_poll(void);

/* For the test guest's cases that build malformed chains by hand. */
struct virtio_dev *vnet_device(void);
struct vq *vnet_tx_queue(void);

#endif /* PVGUEST_VIRTIO_NET_H */
