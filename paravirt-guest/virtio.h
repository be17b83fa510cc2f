/*
 * virtio.h - [Pvguest 14] a virtio 1.0 device behind PCI, from the
 * driver's side.
 */
#ifndef PVGUEST_VIRTIO_H
#define PVGUEST_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#include "pci.h"

struct vq;

#define VIRTIO_PCI_VENDOR 0x1af4
#define VIRTIO_PCI_DEVICE(type) (0x1040 + (type)) /* modern-only IDs */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG 4

/* Device status bits (virtio 1.0 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01
#define VIRTIO_STATUS_DRIVER 0x02
#define VIRTIO_STATUS_DRIVER_OK 0x04
#define VIRTIO_STATUS_FEATURES_OK 0x08
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED 0x80

#define VIRTIO_F_VERSION_1 32

/* ISR bits: a used buffer, or the configuration (or status) changed. */
#define VIRTIO_ISR_QUEUE 0x1
#define VIRTIO_ISR_CONFIG 0x2

struct virtio_dev {
	const char *name;
	struct pci_dev pci;
	volatile uint8_t *common; /* common configuration */
	volatile uint8_t *notify; /* notification area */
	volatile uint8_t *isr;	  /* interrupt status */
	volatile uint8_t *device; /* device-specific configuration */
	uint32_t notify_mult;
	uint64_t offered, features; /* the device's; what we accepted */
};

bool virtio_find(struct virtio_dev *vd, unsigned int type, const char *name);
bool virtio_negotiate(struct virtio_dev *vd, uint64_t wanted);
bool virtio_setup_queue(struct virtio_dev *vd, struct vq *vq, uint16_t index,
			uint16_t size);
void virtio_enable_queue(struct virtio_dev *vd, uint16_t index);
void virtio_driver_ok(struct virtio_dev *vd);
void virtio_fail(struct virtio_dev *vd);
void virtio_reset(struct virtio_dev *vd);
uint8_t virtio_status(struct virtio_dev *vd);
uint8_t virtio_read_isr(struct virtio_dev *vd);
bool virtio_irq_needs_reset(struct virtio_dev *vd);
void virtio_notify(struct virtio_dev *vd, struct vq *vq);
uint8_t virtio_config_generation(struct virtio_dev *vd);
uint8_t virtio_cfg8(struct virtio_dev *vd, unsigned int off);
uint16_t virtio_cfg16(struct virtio_dev *vd, unsigned int off);
uint32_t virtio_cfg32(struct virtio_dev *vd, unsigned int off);

#endif /* PVGUEST_VIRTIO_H */
