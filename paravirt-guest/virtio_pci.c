/*
 * virtio_pci.c - [Pvguest 14] bringing up a virtio device behind PCI.
 *
 * A virtio 1.0 ("modern") PCI device describes its registers with
 * vendor-specific capabilities in configuration space, each naming a BAR
 * and a range in it (virtio 1.0 4.1.4):
 *
 *   type 1  common configuration: features, status, queue set-up
 *   type 2  notification: a write here tells the device "look at queue n"
 *   type 3  ISR status: read in the interrupt handler, cleared by reading
 *   type 4  device-specific configuration (capacity, emerg_wr, ...)
 *
 * Here all four are in BAR0, which the hypervisor puts just above our
 * RAM (ABI 11.4); we map it uncached (ioremap) and every access traps
 * into the hypervisor, which plays the device.
 *
 * The start-up dance is fixed by the spec (3.1.1) and we do it exactly
 * as Linux 4.9 does (ABI 11.8): reset; ACKNOWLEDGE ("I see you");
 * DRIVER ("I can drive you"); read the features offered, accept some,
 * FEATURES_OK, and check the device kept it; set up the queues;
 * DRIVER_OK.  Only then may the device use our buffers.
 */
#include <stddef.h>

#include "io.h"
#include "mm.h"
#include "virtio.h"
#include "virtqueue.h"

/* The common configuration (virtio 1.0 4.1.4.3), byte offsets. */
#define COMMON_DFSELECT 0 /* u32 device_feature_select */
#define COMMON_DF 4	  /* u32 device_feature */
#define COMMON_GFSELECT 8 /* u32 driver_feature_select */
#define COMMON_GF 12	  /* u32 driver_feature */
#define COMMON_NUMQ 18	  /* u16 num_queues */
#define COMMON_STATUS 20  /* u8 device_status */
#define COMMON_CFGGEN 21  /* u8 config_generation */
#define COMMON_QSELECT 22 /* u16 queue_select */
#define COMMON_QSIZE 24	  /* u16 queue_size */
#define COMMON_QENABLE 28 /* u16 queue_enable */
#define COMMON_QNOFF 30	  /* u16 queue_notify_off */
#define COMMON_QDESC 32	  /* u64 each, as two u32 halves */
#define COMMON_QAVAIL 40
#define COMMON_QUSED 48

#define CAP_COMMON 1
#define CAP_NOTIFY 2
#define CAP_ISR 3
#define CAP_DEVICE 4
#define CAP_BAR 4
#define CAP_OFFSET 8
#define CAP_LENGTH 12
#define CAP_NOTIFY_MULT 16

/* Where a capability's range is, mapped; NULL if absent or not BAR0. */
static volatile uint8_t *cap_map(struct virtio_dev *vd, uint8_t type)
{
	unsigned int slot = vd->pci.slot, cap = pci_vendor_cap(slot, type);
	uint32_t off, len;

	if (!cap || pci_read8(slot, cap + CAP_BAR) != 0)
		return NULL;
	off = pci_read32(slot, cap + CAP_OFFSET);
	len = pci_read32(slot, cap + CAP_LENGTH);
	return ioremap(vd->pci.bar0 + off, len);
}

/* Find the device of this virtio type on the bus and map its registers. */
bool virtio_find(struct virtio_dev *vd, unsigned int type, const char *name)
{
	unsigned int notify_cap;

	vd->name = name;
	if (!pci_find(VIRTIO_PCI_VENDOR, VIRTIO_PCI_DEVICE(type), &vd->pci))
		return false;
	vd->common = cap_map(vd, CAP_COMMON);
	vd->notify = cap_map(vd, CAP_NOTIFY);
	vd->isr = cap_map(vd, CAP_ISR);
	vd->device = cap_map(vd, CAP_DEVICE);
	notify_cap = pci_vendor_cap(vd->pci.slot, CAP_NOTIFY);
	vd->notify_mult =
		pci_read32(vd->pci.slot, notify_cap + CAP_NOTIFY_MULT);
	return vd->common && vd->notify && vd->isr;
}

uint8_t virtio_status(struct virtio_dev *vd)
{
	return ioread8(vd->common + COMMON_STATUS);
}

/* Each status write adds a bit to what is there (ABI 11.8 step 2). */
static void add_status(struct virtio_dev *vd, uint8_t bits)
{
	iowrite8(virtio_status(vd) | bits, vd->common + COMMON_STATUS);
}

/*
 * Writing 0 resets the device: it forgets features and queues.  It may
 * take its time, and says it is done by reading 0 (virtio 1.0 4.1.4.3.2);
 * this hypervisor always is at once, so the first read ends the loop.
 */
void virtio_reset(struct virtio_dev *vd)
{
	iowrite8(0, vd->common + COMMON_STATUS);
	while (virtio_status(vd) != 0)
		;
}

void virtio_fail(struct virtio_dev *vd)
{
	add_status(vd, VIRTIO_STATUS_FAILED);
}

/*
 * Reset, introduce ourselves, and agree on features: those we want that
 * the device offers, and VERSION_1, without which this is not a virtio
 * 1.0 device and nothing below would be right.  False (and FAILED) if
 * the device does not offer VERSION_1 or refuses FEATURES_OK.
 */
bool virtio_negotiate(struct virtio_dev *vd, uint64_t wanted)
{
	volatile uint8_t *c = vd->common;
	uint64_t version_1 = 1ull << VIRTIO_F_VERSION_1;

	virtio_reset(vd);
	add_status(vd, VIRTIO_STATUS_ACKNOWLEDGE);
	add_status(vd, VIRTIO_STATUS_DRIVER);

	iowrite32(0, c + COMMON_DFSELECT);
	vd->offered = ioread32(c + COMMON_DF);
	iowrite32(1, c + COMMON_DFSELECT);
	vd->offered |= (uint64_t)ioread32(c + COMMON_DF) << 32;
	if (!(vd->offered & version_1)) {
		virtio_fail(vd);
		return false;
	}
	vd->features = vd->offered & (wanted | version_1);
	iowrite32(0, c + COMMON_GFSELECT);
	iowrite32((uint32_t)vd->features, c + COMMON_GF);
	iowrite32(1, c + COMMON_GFSELECT);
	iowrite32((uint32_t)(vd->features >> 32), c + COMMON_GF);

	add_status(vd, VIRTIO_STATUS_FEATURES_OK);
	if (!(virtio_status(vd) & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_fail(vd);
		return false;
	}
	return true;
}

/*
 * Set up queue "index" with at most "size" entries: the device says how
 * many it can take, we may ask for fewer (a power of two), and tell it
 * where the three parts are.  64-bit addresses go in two halves, high
 * half 0: our memory is below 4 GiB.  The queue is not enabled yet.
 */
bool virtio_setup_queue(struct virtio_dev *vd, struct vq *vq, uint16_t index,
			uint16_t size)
{
	volatile uint8_t *c = vd->common;
	uint16_t max;

	if (index >= ioread16(c + COMMON_NUMQ))
		return false;
	iowrite16(index, c + COMMON_QSELECT);
	max = ioread16(c + COMMON_QSIZE);
	if (!max || (max & (max - 1)) || ioread16(c + COMMON_QENABLE))
		return false;
	if (size > max)
		size = max;
	if (!vq_alloc(vq, size))
		return false;
	vq->dev = vd;
	vq->index = index;
	vq->notify_off = ioread16(c + COMMON_QNOFF);
	iowrite16(size, c + COMMON_QSIZE);
	iowrite32(__pa(vq->desc), c + COMMON_QDESC);
	iowrite32(0, c + COMMON_QDESC + 4);
	iowrite32(__pa(vq->avail), c + COMMON_QAVAIL);
	iowrite32(0, c + COMMON_QAVAIL + 4);
	iowrite32(__pa(vq->used), c + COMMON_QUSED);
	iowrite32(0, c + COMMON_QUSED + 4);
	return true;
}

void virtio_enable_queue(struct virtio_dev *vd, uint16_t index)
{
	iowrite16(index, vd->common + COMMON_QSELECT);
	iowrite16(1, vd->common + COMMON_QENABLE);
}

void virtio_driver_ok(struct virtio_dev *vd)
{
	add_status(vd, VIRTIO_STATUS_DRIVER_OK);
}

/* Reading ISR clears it (ABI 11.7): read it once per interrupt. */
uint8_t virtio_read_isr(struct virtio_dev *vd)
{
	return ioread8(vd->isr);
}

/* The interrupt handler's ISR read, for a device that has no use for
 * configuration changes but this one: true when it asks to be reset. */
bool virtio_irq_needs_reset(struct virtio_dev *vd)
{
	return (virtio_read_isr(vd) & VIRTIO_ISR_CONFIG) &&
	       (virtio_status(vd) & VIRTIO_STATUS_NEEDS_RESET);
}

/*
 * "Look at queue n": a 16-bit write of the queue's index at its notify
 * address.  Here the multiplier and every queue_notify_off are 0, so all
 * queues share one address, but a driver should not count on that.
 */
void virtio_notify(struct virtio_dev *vd, struct vq *vq)
{
	iowrite16(vq->index, vd->notify + vq->notify_off * vd->notify_mult);
}

uint8_t virtio_cfg8(struct virtio_dev *vd, unsigned int off)
{
	return ioread8(vd->device + off);
}

uint16_t virtio_cfg16(struct virtio_dev *vd, unsigned int off)
{
	return ioread16(vd->device + off);
}

uint32_t virtio_cfg32(struct virtio_dev *vd, unsigned int off)
{
	return ioread32(vd->device + off);
}

/* Changes whenever the device configuration does (virtio 1.0 4.1.4.3). */
uint8_t virtio_config_generation(struct virtio_dev *vd)
{
	return ioread8(vd->common + COMMON_CFGGEN);
}
