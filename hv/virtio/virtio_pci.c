/*
 * virtio_pci.c - [Devices 2] the virtio-pci "modern" registers in BAR0
 * (virtio 1.0 section 4.1.4; ABI section 11.4): feature negotiation,
 * device status, queue set-up, notification and the interrupt status.
 *
 * Every register must be accessed at its natural width; anything else is
 * refused (reads return all ones, writes are dropped), so a confused or
 * hostile driver never half-updates a field.
 */
#include "hv/guest/guest.h"
#include "hv/lib/printk.h"
#include "hv/virtio/virtio.h"

/* A common configuration register's offset (virtio 1.0, 4.1.4.3). */
#define R(field) offsetof(struct virtio_pci_common_cfg, field)

static uint64_t offered(struct virtio_dev *d)
{
	uint64_t own = d->ops->features ? d->ops->features(d) : 0;

	return own | (1ull << VIRTIO_F_VERSION_1);
}

bool virtio_ready(const struct virtio_dev *d)
{
	return (d->status & VIRTIO_CONFIG_S_DRIVER_OK) && !d->broken;
}

void virtio_broken(struct virtio_dev *d, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	if (d->broken)
		return;
	va_start(ap, fmt);
	hv_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	printk("hv: guest %s: %s device needs reset: %s\n", d->g->name,
	       d->ops->name, why);
	d->broken = true;
	d->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	/* Tell the driver its configuration changed (ISR bit 1), which is
	 * how virtio 1.0 says a device signals NEEDS_RESET. */
	d->isr |= VIRTIO_ISR_CONFIG;
	guest_raise_irq(d->g, d->irq);
}

void virtio_reset(struct virtio_dev *d)
{
	d->status = 0;
	d->device_feature_select = d->driver_feature_select = 0;
	d->driver_features = 0;
	d->queue_select = 0;
	d->isr = 0;
	d->broken = false;
	d->busy = d->waiting = false;
	d->budget = d->ops->budget;
	/* An interrupt raised before the reset is no longer owed. */
	if (d->g)
		d->g->irqs_pending &= ~(1u << d->irq);
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		d->vq[q] = (struct virtqueue){ 0 };
		d->vq[q].size = VIRTQUEUE_MAX_SIZE;
	}
	if (d->ops->reset)
		d->ops->reset(d);
}

void virtio_poll_busy(struct virtio_dev *d)
{
	if (virtio_ready(d) && d->ops->resume)
		d->ops->resume(d);
	else
		d->busy = false; /* reset or broken: nothing owed */
}

static struct virtqueue *selected(struct virtio_dev *d)
{
	return d->queue_select < d->ops->num_queues ? &d->vq[d->queue_select]
						    : NULL;
}

/* The width each common register must be accessed with (0: none). */
static unsigned natural_width(uint32_t off)
{
	if (off < R(msix_config))
		return 4;
	if (off < R(device_status))
		return 2;
	if (off < R(queue_select))
		return 1;
	if (off < R(queue_desc_lo))
		return 2;
	if (off < VIRTIO_NOTIFY_OFF)
		return 4;
	if (off == VIRTIO_NOTIFY_OFF)
		return 2;
	if (off == VIRTIO_ISR_OFF)
		return 1;
	return 0;
}

/* Where the register holding byte off of the BAR begins: the common
 * registers at their natural alignment, the ISR byte and the padding byte
 * after it each alone, the device-specific configuration as one block
 * (its fields may be read at any width). */
static uint32_t register_start(uint32_t off)
{
	if (off >= VIRTIO_DEVICE_CFG_OFF)
		return VIRTIO_DEVICE_CFG_OFF;
	if (off >= VIRTIO_ISR_OFF)
		return off;
	if (off >= VIRTIO_NOTIFY_OFF)
		return VIRTIO_NOTIFY_OFF;
	return off & ~(natural_width(off) - 1);
}

bool virtio_bar_one_register(uint32_t off, unsigned size)
{
	return size >= 1 && off < VIRTIO_BAR_SIZE &&
	       size <= VIRTIO_BAR_SIZE - off &&
	       register_start(off) == register_start(off + size - 1);
}

uint32_t virtio_bar_read(struct virtio_dev *d, uint32_t off, unsigned size,
			 bool *ok)
{
	struct virtqueue *vq = selected(d);
	uint32_t v;

	*ok = true;
	if (off >= VIRTIO_DEVICE_CFG_OFF) {
		uint8_t cfg[VIRTIO_DEVICE_CFG_MAX];
		uint32_t len = virtio_device_config(d, cfg),
			 rel = off - VIRTIO_DEVICE_CFG_OFF;

		v = 0;
		if (rel >= len || size > len - rel) {
			*ok = false;
			return 0;
		}
		for (unsigned i = 0; i < size; i++)
			v |= (uint32_t)cfg[rel + i] << (i * 8);
		return v;
	}
	if ((off & (size - 1)) || natural_width(off & ~(size - 1)) != size) {
		*ok = false;
		return 0;
	}
	switch (off) {
	case R(device_feature_select):
		return d->device_feature_select;
	case R(device_feature):
		return d->device_feature_select < 2
			       ? (uint32_t)(offered(d) >>
					    (32 * d->device_feature_select))
			       : 0;
	case R(guest_feature_select):
		return d->driver_feature_select;
	case R(guest_feature):
		return d->driver_feature_select < 2
			       ? (uint32_t)(d->driver_features >>
					    (32 * d->driver_feature_select))
			       : 0;
	case R(msix_config):
	case R(queue_msix_vector):
		return VIRTIO_MSI_NO_VECTOR;
	case R(num_queues):
		return d->ops->num_queues;
	case R(device_status):
		return d->status;
	case R(config_generation):
		return 0; /* the configuration never changes under the driver */
	case R(queue_select):
		return d->queue_select;
	case R(queue_size):
		return vq ? vq->size : 0;
	case R(queue_enable):
		return vq ? vq->enabled : 0;
	case R(queue_notify_off):
		return 0;
	case R(queue_desc_lo):
		return vq ? vq->desc : 0;
	case R(queue_avail_lo):
		return vq ? vq->avail : 0;
	case R(queue_used_lo):
		return vq ? vq->used : 0;
	case R(queue_desc_hi):
	case R(queue_avail_hi):
	case R(queue_used_hi):
	case VIRTIO_NOTIFY_OFF:
		return 0;
	case VIRTIO_ISR_OFF:
		/* Read-to-clear: the guest's handler reads it once. */
		v = d->isr;
		d->isr = 0;
		return v;
	}
	*ok = false;
	return 0;
}

/* The driver set FEATURES_OK: keep it only if what it accepted is a
 * subset of what we offer and includes VERSION_1 (virtio 1.0, 3.1.1). */
static bool features_acceptable(struct virtio_dev *d)
{
	return !(d->driver_features & ~offered(d)) &&
	       (d->driver_features & (1ull << VIRTIO_F_VERSION_1));
}

static bool ring_ok(struct guest *g, uint32_t addr, uint32_t len,
		    uint32_t align)
{
	return addr % align == 0 && guest_range_ok(g, addr, len);
}

/* queue_enable = 1: the rings must be aligned and lie in RAM. */
static void enable_queue(struct virtio_dev *d, struct virtqueue *vq)
{
	uint32_t n = vq->size;

	/*
	 * [Devices 3] The rings are checked once, here, when the driver enables
	 * the queue: aligned, and inside RAM for the size it chose.  Every
	 * later access to them relies on it.
	 */
	/* Sizes and alignments of virtio 1.0, 2.4: the tables as
	 * <linux/virtio_ring.h> lays them out, with the event index word
	 * after each ring. */
	if (!ring_ok(d->g, vq->desc, sizeof(struct vring_desc) * n, 16) ||
	    !ring_ok(d->g, vq->avail, sizeof(struct vring_avail) + 2 * n + 2,
		     2) ||
	    !ring_ok(d->g, vq->used,
		     sizeof(struct vring_used) +
			     sizeof(struct vring_used_elem) * n + 2,
		     4)) {
		virtio_broken(d,
			      "queue %u rings misaligned or outside RAM "
			      "(desc %#x avail %#x used %#x, size %u)",
			      d->queue_select, vq->desc, vq->avail, vq->used,
			      n);
		return;
	}
	vq->enabled = true;
	vq->last_avail = vq->used_idx = 0;
}

static void write_status(struct virtio_dev *d, uint8_t val)
{
	uint8_t old = d->status;

	if (val == 0) {
		virtio_reset(d);
		return;
	}
	if ((val & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !(old & VIRTIO_CONFIG_S_FEATURES_OK) && !features_acceptable(d))
		val &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	d->status = val | (old & VIRTIO_CONFIG_S_NEEDS_RESET);
	/* Each enabled queue may have work waiting.  A queue's notify may
	 * find its ring malformed and break the device: then the rest are
	 * not notified, as a broken device does nothing until reset. */
	if ((val & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(old & VIRTIO_CONFIG_S_DRIVER_OK))
		for (unsigned q = 0; q < d->ops->num_queues && !d->broken; q++)
			if (d->vq[q].enabled)
				d->ops->notify(d, q);
}

bool virtio_bar_write(struct virtio_dev *d, uint32_t off, unsigned size,
		      uint32_t val)
{
	struct virtqueue *vq = selected(d);
	unsigned half;

	if (off >= VIRTIO_DEVICE_CFG_OFF)
		return d->ops->config_write &&
		       d->ops->config_write(d, off - VIRTIO_DEVICE_CFG_OFF,
					    size, val);
	if ((off & (size - 1)) || natural_width(off & ~(size - 1)) != size)
		return false;
	switch (off) {
	case R(device_feature_select):
		d->device_feature_select = val;
		return true;
	case R(guest_feature_select):
		d->driver_feature_select = val;
		return true;
	case R(guest_feature):
		if (d->driver_feature_select > 1 ||
		    (d->status & VIRTIO_CONFIG_S_FEATURES_OK))
			return false;
		half = 32 * d->driver_feature_select;
		d->driver_features =
			(d->driver_features & ~(0xFFFFFFFFull << half)) |
			((uint64_t)val << half);
		return true;
	case R(device_status):
		write_status(d, (uint8_t)val);
		return true;
	case R(queue_select):
		d->queue_select = (uint16_t)val;
		return true;
	case R(queue_size):
		if (!vq || vq->enabled || !val || val > VIRTQUEUE_MAX_SIZE ||
		    (val & (val - 1)))
			return false;
		vq->size = (uint16_t)val;
		return true;
	case R(queue_enable):
		if (!vq || val != 1 || vq->enabled)
			return false;
		enable_queue(d, vq);
		return true;
	case R(queue_desc_lo):
	case R(queue_avail_lo):
	case R(queue_used_lo):
		if (!vq || vq->enabled)
			return false;
		if (off == R(queue_desc_lo))
			vq->desc = val;
		else if (off == R(queue_avail_lo))
			vq->avail = val;
		else
			vq->used = val;
		return true;
	case R(queue_desc_hi):
	case R(queue_avail_hi):
	case R(queue_used_hi):
		if (val) /* rings live in 32-bit guest RAM */
			virtio_broken(d, "queue address above 4 GiB");
		return val == 0;
	case VIRTIO_NOTIFY_OFF:
		if (val < d->ops->num_queues && d->vq[val].enabled &&
		    virtio_ready(d))
			d->ops->notify(d, val);
		return true;
	}
	return false; /* read-only registers */
}
