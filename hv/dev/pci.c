/*
 * pci.c - [Devices 1] a guest's PCI bus, reached through configuration
 * mechanism #1: the address latch at 0xCF8 and the data window at 0xCFC
 * (ABI sections 11.1-11.3).
 *
 * Bus 0 holds a host bridge at slot 0 (only its class, 0x0600, is set:
 * Linux's mechanism-1 sanity check looks for it, and its vendor ID of 0
 * makes the bus scan skip it) and one function per virtio device.  A
 * device's configuration space is computed from its state on every read,
 * so there is no second copy to keep in step.
 */
#include "hv/dev/devices.h"
#include "hv/dev/ports.h"
#include "hv/lib/printk.h"

#include <linux/pci_regs.h>

#define CFG_IMPLEMENTED 0x98 /* 152 bytes, as the reference */
/* Where each virtio capability sits, and what follows it in the list. */
#define CAP_COMMON 0x40
#define CAP_NOTIFY 0x50
#define CAP_ISR 0x64
#define CAP_DEVICE 0x74
#define CAP_PCI_CFG 0x84
#define CAP_PCI_CFG_FIELD(f)                                                   \
	(CAP_PCI_CFG + offsetof(struct virtio_pci_cfg_cap, f))
#define CAP_PCI_CFG_BAR CAP_PCI_CFG_FIELD(cap.bar)
#define CAP_PCI_CFG_OFFSET CAP_PCI_CFG_FIELD(cap.offset)
#define CAP_PCI_CFG_LENGTH CAP_PCI_CFG_FIELD(cap.length)
#define CAP_PCI_CFG_DATA CAP_PCI_CFG_FIELD(pci_cfg_data)
#define PCI_VENDOR_REDHAT_QUMRANET 0x1AF4
#define VIRTIO_PCI_MODERN_ID_BASE 0x1040 /* + device type (virtio 1.0, 4.1.2) */
#define VIRTIO_PCI_SUBSYSTEM_ID 0x0040
#define PCI_CLASS_BRIDGE_HOST 0x0600

_Static_assert(CAP_COMMON + sizeof(struct virtio_pci_cap) <= CAP_NOTIFY &&
		       CAP_NOTIFY + sizeof(struct virtio_pci_notify_cap) <=
			       CAP_ISR &&
		       CAP_ISR + sizeof(struct virtio_pci_cap) <= CAP_DEVICE &&
		       CAP_DEVICE + sizeof(struct virtio_pci_cap) <=
			       CAP_PCI_CFG &&
		       CAP_PCI_CFG + sizeof(struct virtio_pci_cfg_cap) <=
			       CFG_IMPLEMENTED,
	       "the capabilities overlap");

static void put8(uint8_t *cs, unsigned off, uint8_t v)
{
	cs[off] = v;
}

static void put16(uint8_t *cs, unsigned off, uint16_t v)
{
	cs[off] = v & 0xFF;
	cs[off + 1] = v >> 8;
}

static void put32(uint8_t *cs, unsigned off, uint32_t v)
{
	put16(cs, off, v & 0xFFFF);
	put16(cs, off + 2, v >> 16);
}

/* A virtio capability (virtio 1.0, 4.1.4), of `len` bytes in all. */
static struct virtio_pci_cap vcap(uint8_t next, uint8_t len, uint8_t type,
				  uint8_t bar, uint32_t offset, uint32_t length)
{
	return (struct virtio_pci_cap){
		.cap_vndr = PCI_CAP_ID_VNDR,
		.cap_next = next,
		.cap_len = len,
		.cfg_type = type,
		.bar = bar,
		.offset = offset,
		.length = length,
	};
}

void pci_config_image(const struct virtio_dev *d, uint8_t cs[256])
{
	uint8_t cfg[VIRTIO_DEVICE_CFG_MAX];
	uint32_t cfg_len;
	struct virtio_pci_cap common, isr, device;
	struct virtio_pci_notify_cap notify;
	struct virtio_pci_cfg_cap window = { 0 };

	hv_memset(cs, 0, 256);
	if (!d) { /* the host bridge */
		put16(cs, PCI_CLASS_DEVICE, PCI_CLASS_BRIDGE_HOST);
		return;
	}
	cfg_len = virtio_device_config((struct virtio_dev *)d, cfg);
	put16(cs, PCI_VENDOR_ID, PCI_VENDOR_REDHAT_QUMRANET);
	put16(cs, PCI_DEVICE_ID, VIRTIO_PCI_MODERN_ID_BASE + d->ops->type);
	put16(cs, PCI_STATUS, PCI_STATUS_CAP_LIST);
	put8(cs, PCI_REVISION_ID, 0x01); /* modern devices have revision 1 */
	put8(cs, PCI_CLASS_DEVICE, d->ops->pci_subclass);
	put8(cs, PCI_CLASS_DEVICE + 1, d->ops->pci_class);
	/* BAR0: 32-bit memory, not prefetchable; when the driver is sizing
	 * it, the bits that can hold an address. */
	put32(cs, PCI_BASE_ADDRESS_0,
	      d->bar0_sizing ? ~(VIRTIO_BAR_SIZE - 1u) : d->bar0);
	put16(cs, PCI_SUBSYSTEM_ID, VIRTIO_PCI_SUBSYSTEM_ID);
	put8(cs, PCI_CAPABILITY_LIST, CAP_COMMON);
	put8(cs, PCI_INTERRUPT_LINE, d->irq);

	common = vcap(CAP_NOTIFY, sizeof(common), VIRTIO_PCI_CAP_COMMON_CFG, 0,
		      0, VIRTIO_COMMON_CFG_LEN);
	/* Every queue notifies at one place: a multiplier of 0. */
	notify = (struct virtio_pci_notify_cap){
		.cap = vcap(CAP_ISR, sizeof(notify), VIRTIO_PCI_CAP_NOTIFY_CFG,
			    0, VIRTIO_NOTIFY_OFF, 2),
		.notify_off_multiplier = 0,
	};
	isr = vcap(CAP_PCI_CFG, sizeof(isr), VIRTIO_PCI_CAP_ISR_CFG, 0,
		   VIRTIO_ISR_OFF, 1);
	window.cap = vcap(cfg_len ? CAP_DEVICE : 0, sizeof(window),
			  VIRTIO_PCI_CAP_PCI_CFG, d->cfg_bar, d->cfg_offset,
			  d->cfg_length);
	hv_memcpy(cs + CAP_COMMON, &common, sizeof(common));
	hv_memcpy(cs + CAP_NOTIFY, &notify, sizeof(notify));
	hv_memcpy(cs + CAP_ISR, &isr, sizeof(isr));
	hv_memcpy(cs + CAP_PCI_CFG, &window, sizeof(window));
	if (cfg_len) {
		device = vcap(0, sizeof(device), VIRTIO_PCI_CAP_DEVICE_CFG, 0,
			      VIRTIO_DEVICE_CFG_OFF, cfg_len);
		hv_memcpy(cs + CAP_DEVICE, &device, sizeof(device));
	}
}

/* The PCI-configuration-access window: a BAR0 access of cfg_length
 * bytes at cfg_offset, with the checks virtio 1.0 4.1.4.7.1 asks for. */
static bool cfg_window_ok(const struct virtio_dev *d)
{
	uint32_t len = d->cfg_length, off = d->cfg_offset;

	return d->cfg_bar == 0 && (len == 1 || len == 2 || len == 4) &&
	       off % len == 0 && off < VIRTIO_BAR_SIZE &&
	       len <= VIRTIO_BAR_SIZE - off;
}

/* Decode the latch; the device addressed, or false for "nothing". */
static bool addressed(struct pci_bus *bus, struct virtio_dev **d, bool *bridge,
		      unsigned *reg)
{
	uint32_t a = bus->latch;
	unsigned slot = (a >> 11) & 0x1F;

	if (!(a & 0x80000000u) || ((a >> 16) & 0xFF) || ((a >> 8) & 7))
		return false; /* disabled, another bus, or function != 0 */
	if (slot >= PCI_MAX_DEVICES)
		return false;
	*bridge = slot == 0;
	*d = bus->dev[slot];
	if (!*bridge && !*d)
		return false;
	*reg = a & 0xFC; /* bits 1:0 are ignored (section 11.1) */
	return true;
}

uint32_t pci_config_read(struct pci_bus *bus, unsigned port, unsigned size)
{
	uint32_t ones = port_ones(size);
	struct virtio_dev *d = NULL;
	bool bridge;
	unsigned reg, off;
	uint8_t cs[256];
	uint32_t v = 0;

	if (!addressed(bus, &d, &bridge, &reg))
		return ones;
	off = reg + (port & 3);
	if (off + size > CFG_IMPLEMENTED)
		return ones;
	if (!bridge && reg == CAP_PCI_CFG_DATA) {
		bool ok = false;
		uint32_t data = 0;

		if (cfg_window_ok(d))
			data = virtio_bar_read(d, d->cfg_offset, d->cfg_length,
					       &ok);
		if (!ok)
			return ones;
		return (data >> ((port & 3) * 8)) & ones;
	}
	pci_config_image(bridge ? NULL : d, cs);
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)cs[off + i] << (i * 8);
	return v;
}

void pci_config_write(struct pci_bus *bus, unsigned port, unsigned size,
		      uint32_t val)
{
	struct virtio_dev *d = NULL;
	bool bridge;
	unsigned reg, off;

	if (!addressed(bus, &d, &bridge, &reg) || bridge)
		return; /* nothing writable in the bridge */
	off = reg + (port & 3);
	if (off == PCI_BASE_ADDRESS_0 && size == 4) {
		/* Any other value ends a sizing probe, so a refused move
		 * reads back the real address rather than the size mask. */
		d->bar0_sizing = val == 0xFFFFFFFFu;
		if (!d->bar0_sizing && (val & ~0xFu) != d->bar0)
			/* Moving the registers could overlap RAM, another
			 * device or the hypervisor: the BAR stays put, as
			 * the guest will see when it reads it back. */
			pr_debug("hv: pci: %s: BAR0 move to %#x refused\n",
				 d->ops->name, val);
		return;
	}
	if (off == CAP_PCI_CFG_BAR && size == 1) {
		d->cfg_bar = (uint8_t)val;
	} else if (off == CAP_PCI_CFG_OFFSET && size == 4) {
		d->cfg_offset = val;
	} else if (off == CAP_PCI_CFG_LENGTH && size == 4) {
		d->cfg_length = val;
	} else if (off == CAP_PCI_CFG_DATA && size == 4) {
		/* The access width is the window's length, not the port's;
		 * the low bytes of the value are written (section 11.3). */
		if (cfg_window_ok(d))
			virtio_bar_write(
				d, d->cfg_offset, d->cfg_length,
				d->cfg_length == 4
					? val
					: val & ((1u << (d->cfg_length * 8)) -
						 1));
	}
	/* Everything else is read-only here (command, interrupt line, the
	 * other BARs, the ROM): the write is ignored. */
}
