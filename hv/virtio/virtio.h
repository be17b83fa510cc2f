/*
 * virtio.h - the devices the hypervisor serves to its guests: virtio 1.0
 * ("modern") devices behind PCI (ABI section 11).
 *
 *   virtio_pci.c   the registers in BAR0: features, status, queues
 *   virtqueue.c    reading descriptor chains, returning used buffers
 *   virtio_console.c, virtio_blk.c, virtio_rng.c   the devices themselves
 *   virtio_notes.c                                 (and ours, ABI 11.14)
 *
 * How a guest reaches them (its PCI bus, the device window, the MMIO
 * decoder) is hv/dev/.
 *
 * Everything a guest writes into a ring is hostile input: checked here,
 * once, before a backend sees it.
 */
#ifndef HV_VIRTIO_H
#define HV_VIRTIO_H

#include "hv/lib/lib.h"

/* The virtio 1.0 layouts and numbers, from linux-libc-dev's uapi headers:
 * the split rings, the modern PCI registers and capabilities, the device
 * status bits and feature numbers. */
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>

struct guest;
struct virtio_dev;

#define VIRTIO_MAX_QUEUES 2
#define VIRTQUEUE_MAX_SIZE 256
#define VIRTIO_BAR_SIZE 128 /* 60 common bytes + config, pow2 */
/* BAR0: struct virtio_pci_common_cfg, then the notify register every
 * queue shares, the ISR byte and the device's own configuration. */
#define VIRTIO_COMMON_CFG_LEN sizeof(struct virtio_pci_common_cfg)
#define VIRTIO_NOTIFY_OFF 56
#define VIRTIO_ISR_OFF 58
#define VIRTIO_DEVICE_CFG_OFF 60
#define VIRTIO_DEVICE_CFG_MAX (VIRTIO_BAR_SIZE - VIRTIO_DEVICE_CFG_OFF)
#define VIRTIO_MAX_SEGS 260 /* seg_max 254 + header + status, rounded */

_Static_assert(VIRTIO_NOTIFY_OFF == sizeof(struct virtio_pci_common_cfg),
	       "the notify register follows the common configuration");

/* ISR bits (virtio 1.0, 4.1.4.5): a used buffer, a configuration change. */
#define VIRTIO_ISR_QUEUE 0x1
#define VIRTIO_ISR_CONFIG VIRTIO_PCI_ISR_CONFIG

struct virtqueue {
	uint16_t size; /* what the driver chose (a power of two) */
	bool enabled;
	uint32_t desc, avail, used; /* guest-physical; the high halves are 0 */
	uint16_t last_avail;	    /* next avail.ring slot to consume */
	uint16_t used_idx;	    /* our copy of used.idx */
};

/* One segment of a descriptor chain, already checked against RAM. */
struct vq_seg {
	uint32_t gpa, len;
	bool device_writes;
};

struct vq_chain {
	uint16_t head;
	unsigned nsegs;
	struct vq_seg seg[VIRTIO_MAX_SEGS];
	uint32_t readable, writable; /* byte totals of each kind */
};

/* What a device type supplies. */
struct virtio_ops {
	const char *name;
	uint8_t type; /* virtio device ID: 2 block, 3 console, 4 entropy */
	uint8_t pci_class, pci_subclass;
	uint16_t num_queues;
	/* Offered features; VERSION_1 is added by the transport.  NULL:
	 * none of the device type's own. */
	uint64_t (*features)(struct virtio_dev *d);
	/* Fill the device-specific configuration (at most 68 bytes).  NULL:
	 * there is none, and no device-config capability either
	 * (virtio_device_config()). */
	uint32_t (*config)(struct virtio_dev *d, uint8_t *buf);
	/* A write into the device configuration; false: not allowed. */
	bool (*config_write)(struct virtio_dev *d, uint32_t off, unsigned size,
			     uint32_t val);
	/* The driver notified queue q, or the device became ready. */
	void (*notify)(struct virtio_dev *d, unsigned q);
	void (*reset)(struct virtio_dev *d);
	/*
	 * Bounded work per exit (docs/architecture.md): how much one exit
	 * may do, in the backend's own units (bytes, with a charge for each
	 * descriptor walked), and how to go on with what an earlier exit's
	 * budget left over.  resume is called only while `busy`.
	 */
	uint32_t budget;
	void (*resume)(struct virtio_dev *d);
	/* Pages of work the backend keeps between exits (0 means 1). */
	unsigned work_pages;
};

struct virtio_dev {
	struct guest *g;
	const struct virtio_ops *ops;
	void *backend;
	uint8_t slot; /* PCI device number on bus 0 */
	uint8_t irq;
	uint32_t bar0;	  /* guest-physical base of the registers */
	bool bar0_sizing; /* the driver wrote all ones to learn the size */

	uint8_t status;
	uint32_t device_feature_select, driver_feature_select;
	uint64_t driver_features;
	uint16_t queue_select;
	struct virtqueue vq[VIRTIO_MAX_QUEUES];
	uint8_t isr;

	/* The PCI-configuration-access capability's window (section 11.3). */
	uint8_t cfg_bar;
	uint32_t cfg_offset, cfg_length;

	bool broken; /* a ring was malformed: status has NEEDS_RESET */

	/* Bounded work per exit: what is left of this exit's budget, and
	 * whether the backend stopped at it with work still to do. */
	uint32_t budget;
	bool busy;
	/* Busy only because real hardware works on its requests: there is
	 * nothing for the CPU to do for it until the hardware answers. */
	bool waiting;
	/* Pages of the backend's own (ops->work_pages of them, zeroed;
	 * devices.c allocates them with the device) for the work it carries
	 * from one exit to the next: the chains it is part way through, and
	 * how far each got. */
	void *work;
};

/* virtio_pci.c: BAR0 accesses, offsets relative to the BAR. */
uint32_t virtio_bar_read(struct virtio_dev *d, uint32_t off, unsigned size,
			 bool *ok);
bool virtio_bar_write(struct virtio_dev *d, uint32_t off, unsigned size,
		      uint32_t val);
/* Pure: do the bytes [off, off+size) of a BAR all belong to one register
 * (or all to the device-specific configuration)?  False for an access
 * that straddles two registers or runs past the BAR. */
bool virtio_bar_one_register(uint32_t off, unsigned size);
void virtio_reset(struct virtio_dev *d);
/* Mark the device broken (NEEDS_RESET) and say why, once. */
void virtio_broken(struct virtio_dev *d, const char *fmt, ...) __printf(2, 3);
bool virtio_ready(const struct virtio_dev *d);
/* The device-specific configuration into buf (VIRTIO_DEVICE_CFG_MAX
 * bytes), returning its length: 0 for a device with none. */
static inline uint32_t virtio_device_config(struct virtio_dev *d, uint8_t *buf)
{
	return d->ops->config ? d->ops->config(d, buf) : 0;
}
/* The end of one of the guest's exits (or a turn the guest does not
 * run): go on with work an earlier budget left, within what is left of
 * this exit's, then give the device a whole budget for the next.  Inline:
 * it runs for every device on every exit, and mostly has nothing to do. */
void virtio_poll_busy(struct virtio_dev *d);
static inline void virtio_poll(struct virtio_dev *d)
{
	if (d->busy)
		virtio_poll_busy(d);
	d->budget = d->ops->budget;
}

/* The device types (virtio_console.c, virtio_blk.c, virtio_net.c,
 * virtio_rng.c, virtio_notes.c). */
extern const struct virtio_ops virtio_console_ops, virtio_blk_ops,
	virtio_net_ops, virtio_rng_ops, virtio_notes_ops;
/* New bytes wait at the UART: fill the console's posted buffers. */
void virtio_console_input(struct virtio_dev *d);

/* virtqueue.c */
/* The next available chain into *c: true if there was one; false if the
 * ring is empty or malformed (a malformed ring has marked the device
 * broken, and said why). */
bool vq_pop(struct virtio_dev *d, unsigned q, struct vq_chain *c);
/* Return a chain with `written` bytes written into it. */
void vq_push(struct virtio_dev *d, unsigned q, uint16_t head, uint32_t written);
/* Interrupt the guest for queue q, unless the driver asked us not to. */
void vq_interrupt(struct virtio_dev *d, unsigned q);
/* Copy between a chain's segments (as one byte stream of the given kind)
 * and a buffer; offsets count within that kind only. */
__must_check uint32_t vq_read(struct virtio_dev *d, const struct vq_chain *c,
			      uint32_t off, void *buf, uint32_t len);
__must_check uint32_t vq_write(struct virtio_dev *d, const struct vq_chain *c,
			       uint32_t off, const void *buf, uint32_t len);

#endif
