/*
 * vnet_host.c - [Network 6] a virtio-net card of the machine's as a nic
 * (see nic.h): QEMU's -device virtio-net-pci, and the virtual card of
 * most cloud VMs.  This is the driver's side of virtio; the device's side,
 * which the hypervisor plays for its guests, is hv/virtio/.  Numbers in
 * the comments are sections of the virtio 1.0 specification.
 *
 * How a virtio-net card moves frames:
 *
 *   - Its registers are found through vendor capabilities in PCI
 *     configuration space (4.1.4): each names a BAR, an offset and a
 *     length for one structure.  We use three: the common configuration
 *     (features, status, queue set-up), the notify area (where writing a
 *     queue's number tells the device to look at it; each queue's own
 *     address is its queue_notify_off times the capability's multiplier)
 *     and the device configuration (the MAC and the link status).  The
 *     fourth, the ISR byte, only matters to interrupt handlers.
 *   - Two split virtqueues (2.4), queue 0 to receive, queue 1 to send.
 *     Each is three arrays in our memory: descriptors (an address and a
 *     length each), the available ring (which descriptors we hand over,
 *     and its index, which only we move) and the used ring (which ones
 *     the device is done with and how many bytes it wrote, and its index,
 *     which only the device moves).
 *   - Every buffer starts with a 12-byte struct virtio_net_hdr_v1 (5.1.6)
 *     and the frame follows it, without its FCS.  We offer no offloads,
 *     so the header we send is all zeros and the one we receive says
 *     nothing we need.
 *
 * The hypervisor's policy for this card, as for the e1000 (e1000.c):
 *
 *   - Polled, no interrupts.  No MSI-X vector is given to anything
 *     (VIRTIO_MSI_NO_VECTOR), both available rings carry
 *     VRING_AVAIL_F_NO_INTERRUPT and pci_host_enable() turns INTx off:
 *     hv/net/uplink.c calls poll() after every guest exit and while the
 *     machine is idle.
 *   - Few features: VIRTIO_F_VERSION_1 (the modern interface: without it
 *     the card is not used), VIRTIO_NET_F_MAC and VIRTIO_NET_F_STATUS
 *     when offered.  No checksum or segmentation offloads, no mergeable
 *     buffers, no control queue: one frame is one 2 KiB buffer, and the
 *     receive filter is off from the start (virtio-net has no filter
 *     without the control queue), which is what a switch port needs.
 *   - One descriptor per buffer, fixed: descriptor i always points at
 *     buffer i, so a used entry's id names both.
 *   - The device is hardware, but what it writes is still checked: a used
 *     entry's id must be a descriptor it holds, and its length must make
 *     a frame of ETH_FRAME_MIN..ETH_FRAME_MAX bytes after the header.
 *     Anything else is counted in stats.rx_errors and dropped, and no
 *     index is taken from the device without a bounds check.
 *   - Every wait is bounded: the reset RESET_MS, a stable read of the
 *     device configuration CONFIG_TRIES tries.
 */
#include "drivers/vnet_host.h"
#include "drivers/driver_env.h"
#include "drivers/nic.h"
#include "drivers/pci_host.h"
#include "hv/include/layout.h"
#include "hv/lib/printk.h"

#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>

#define VNET_PCI_VENDOR 0x1AF4
#define VNET_PCI_MODERN 0x1041	     /* 0x1040 + 1, the network device */
#define VNET_PCI_TRANSITIONAL 0x1000 /* QEMU's default; modern inside */

/* Configuration space (PCI Local Bus spec 3.0, 6.2.3 and 6.7). */
#define PCI_STATUS 0x06
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_CAP_PTR 0x34
#define PCI_CAP_ID_VNDR 0x09
#define PCI_CFG_SIZE 256 /* what configuration mechanism 1 reaches */
#define PCI_CAP_MAX 48	 /* (256 - 64) / 4: a longer list is a loop */

#define VNET_MAX_CARDS 4
#define RXQ 0
#define TXQ 1
#define QUEUE_MAX 64 /* entries per queue, when the device has as many */
#define NET_HDR sizeof(struct virtio_net_hdr_v1)
#define BUF_SIZE 2048
#define PAGE_SIZE 4096
#define BUF_PAGES (QUEUE_MAX * BUF_SIZE / PAGE_SIZE)
#define NO_ID 0xFFFFFFFFu

/* A queue's three arrays share one page. */
#define RING_AVAIL_OFF 1024
#define RING_USED_OFF 2048

/* How long each wait may last. */
#define RESET_MS 100	  /* device_status reads 0 after we write 0 */
#define CONFIG_TRIES 4	  /* config_generation the same before and after */
#define LINK_CHECK_MS 100 /* how often poll() reads the link status */

_Static_assert(NET_HDR == 12, "5.1.6: the header with VIRTIO_F_VERSION_1");
_Static_assert(NET_HDR + ETH_FRAME_MAX <= BUF_SIZE, "a frame fits a buffer");
_Static_assert(QUEUE_MAX * sizeof(struct vring_desc) <= RING_AVAIL_OFF,
	       "descriptors, then the available ring");
_Static_assert(RING_AVAIL_OFF + sizeof(struct vring_avail) +
			       (QUEUE_MAX + 1) * sizeof(uint16_t) <=
		       RING_USED_OFF,
	       "the available ring, then the used ring");
_Static_assert(RING_USED_OFF + sizeof(struct vring_used) +
			       QUEUE_MAX * sizeof(struct vring_used_elem) +
			       sizeof(uint16_t) <=
		       PAGE_SIZE,
	       "2.4: a queue's arrays in one page");
_Static_assert(RING_USED_OFF % 4 == 0, "2.4: the used ring's alignment");

/* Where one capability's structure is (4.1.4). */
struct vnet_region {
	bool found;
	uint8_t bar;
	uint32_t offset, length;
};

struct vnet_queue {
	unsigned size; /* entries: a power of two, QUEUE_MAX at most */
	volatile struct vring_desc *desc;
	volatile struct vring_avail *avail;
	volatile struct vring_used *used;
	uint16_t avail_idx;	    /* our copy of avail->idx */
	uint16_t used_seen;	    /* used entries taken so far */
	volatile uint16_t *notify;  /* write the queue's number here */
	uint8_t *buf;		    /* BUF_SIZE bytes per descriptor */
	bool device_has[QUEUE_MAX]; /* descriptor i is the device's */
};

struct vnet {
	struct nic nic; /* nic.priv points back here */
	const struct pci_function *pci;
	char where[8]; /* "00:03.0" */
	struct vnet_region region[VIRTIO_PCI_CAP_DEVICE_CFG + 1];
	uint32_t notify_mult; /* bytes between two queues' notify addresses */
	volatile uint8_t *common, *notify, *isr, *device;
	uint64_t features; /* what we took */
	struct vnet_queue rx, tx;
	uint16_t tx_free[QUEUE_MAX]; /* transmit descriptors not in use */
	unsigned tx_nfree;
	bool said_broken; /* a bad used entry was reported (once a card) */
	uint64_t link_check_ns; /* when poll() next reads the status */
};

static struct vnet cards[VNET_MAX_CARDS];
static unsigned ncards;

static const struct nic_ops vnet_ops;

/* ---- Registers: each at its natural width (4.1.3.1). */

#define COMMON(field) offsetof(struct virtio_pci_common_cfg, field)

static uint8_t rd8(const volatile uint8_t *base, uint32_t off)
{
	return *(const volatile uint8_t *)(base + off);
}

static uint16_t rd16(const volatile uint8_t *base, uint32_t off)
{
	return *(const volatile uint16_t *)(base + off);
}

static void wr8(volatile uint8_t *base, uint32_t off, uint8_t v)
{
	*(volatile uint8_t *)(base + off) = v;
}

static void wr16(volatile uint8_t *base, uint32_t off, uint16_t v)
{
	*(volatile uint16_t *)(base + off) = v;
}

static uint8_t status_rd(const struct vnet *c)
{
	return rd8(c->common, COMMON(device_status));
}

static void status_wr(struct vnet *c, uint8_t v)
{
	wr8(c->common, COMMON(device_status), v);
}

/* The rings are ordinary write-back RAM, the registers uncached; x86
 * keeps stores in order and loads in order, so it is enough that the
 * compiler does not move a ring access past the notify or before the
 * look at used->idx. */
static void compiler_barrier(void)
{
	__asm__ volatile("" ::: "memory");
}

/* ---- Finding the registers. */

/* One vendor capability at `off`, `len` bytes: the first of each type
 * is the one to use (4.1.4: the driver uses the first it can). */
static void cap_take(struct vnet *c, unsigned off, uint8_t type, uint8_t len)
{
	struct vnet_region *r;

	if (type < VIRTIO_PCI_CAP_COMMON_CFG ||
	    type > VIRTIO_PCI_CAP_DEVICE_CFG ||
	    len < sizeof(struct virtio_pci_cap))
		return;
	r = &c->region[type];
	if (r->found)
		return;
	if (type == VIRTIO_PCI_CAP_NOTIFY_CFG) {
		if (len < sizeof(struct virtio_pci_notify_cap))
			return;
		c->notify_mult = pci_host_read32(
			c->pci, off + offsetof(struct virtio_pci_notify_cap,
					       notify_off_multiplier));
	}
	r->bar = (uint8_t)pci_host_read32(
		c->pci, off + offsetof(struct virtio_pci_cap, bar));
	r->offset = pci_host_read32(
		c->pci, off + offsetof(struct virtio_pci_cap, offset));
	r->length = pci_host_read32(
		c->pci, off + offsetof(struct virtio_pci_cap, length));
	r->found = true;
}

/* Walk the capability list, at most PCI_CAP_MAX entries, each inside
 * the first 256 bytes. */
static const char *caps_find(struct vnet *c)
{
	unsigned off, seen = 0;

	if (!(pci_host_read16(c->pci, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return "no PCI capability list";
	off = pci_host_read32(c->pci, PCI_CAP_PTR) & 0xFC;
	while (off && seen++ < PCI_CAP_MAX) {
		uint32_t head;
		uint8_t len;

		if (off < 0x40 || off + 4 > PCI_CFG_SIZE)
			return "a PCI capability outside the device's part of "
			       "configuration space";
		head = pci_host_read32(c->pci, off);
		len = (uint8_t)(head >> 16);
		if ((head & 0xFF) == PCI_CAP_ID_VNDR &&
		    off + len <= PCI_CFG_SIZE)
			cap_take(c, off, (uint8_t)(head >> 24), len);
		off = (head >> 8) & 0xFC;
	}
	if (!c->region[VIRTIO_PCI_CAP_COMMON_CFG].found ||
	    !c->region[VIRTIO_PCI_CAP_NOTIFY_CFG].found)
		return "no virtio 1.0 capabilities (a legacy-only device; "
		       "QEMU's disable-modern=on?)";
	return NULL;
}

static const char *const region_names[] = {
	[VIRTIO_PCI_CAP_COMMON_CFG] = "common configuration",
	[VIRTIO_PCI_CAP_NOTIFY_CFG] = "notify area",
	[VIRTIO_PCI_CAP_ISR_CFG] = "ISR",
	[VIRTIO_PCI_CAP_DEVICE_CFG] = "device configuration",
};

/* One capability's structure mapped, if it is inside its memory BAR and
 * at least `need` bytes long; NULL otherwise. */
static volatile uint8_t *region_map(struct vnet *c, unsigned type,
				    uint32_t need)
{
	const struct vnet_region *r = &c->region[type];
	uint64_t base, size;
	volatile uint8_t *p;

	if (!r->found || r->length < need || r->bar > 5 ||
	    !pci_host_mem_bar(c->pci, r->bar, &base, &size) ||
	    (uint64_t)r->offset + r->length > size)
		return NULL;
	p = drv_map_mmio(base + r->offset, r->length);
	if (p)
		pr_debug("hv: vnet (%s): %s in BAR%u at %#llx, %u bytes\n",
			 c->where, region_names[type], r->bar,
			 (unsigned long long)(base + r->offset), r->length);
	return p;
}

/* Memory decoding on, bus mastering off until the reset (as e1000.c
 * does, so a card a firmware driver left running cannot write into
 * memory that is ours now); the structures mapped.  Why not, or NULL. */
static const char *card_map(struct vnet *c)
{
	uint16_t cmd = pci_host_read16(c->pci, PCI_COMMAND);
	const char *problem = caps_find(c);

	if (problem)
		return problem;
	cmd = (uint16_t)((cmd | PCI_CMD_MEMORY | PCI_CMD_INTX_DISABLE) &
			 ~PCI_CMD_BUS_MASTER);
	pci_host_write16(c->pci, PCI_COMMAND, cmd);
	c->common = region_map(c, VIRTIO_PCI_CAP_COMMON_CFG,
			       sizeof(struct virtio_pci_common_cfg));
	if (!c->common)
		return "the common configuration cannot be mapped";
	c->notify = region_map(c, VIRTIO_PCI_CAP_NOTIFY_CFG, sizeof(uint16_t));
	if (!c->notify)
		return "the notify area cannot be mapped";
	/* Optional to us: the ISR only matters to interrupts, and the
	 * device configuration only holds what has defaults. */
	c->isr = region_map(c, VIRTIO_PCI_CAP_ISR_CFG, 1);
	c->device = region_map(c, VIRTIO_PCI_CAP_DEVICE_CFG,
			       sizeof(struct virtio_net_config));
	return NULL;
}

/* ---- Bringing a card up (3.1.1). */

/* device_status = 0 and wait until it reads 0 (4.1.4.3.2). */
static const char *card_reset(struct vnet *c)
{
	uint64_t until = drv_now_ns() + (uint64_t)RESET_MS * 1000000u;

	if (rd16(c->common, COMMON(num_queues)) == 0xFFFF)
		return "registers read all ones";
	status_wr(c, 0);
	while (status_rd(c) != 0) {
		if (drv_now_ns() >= until)
			return "the reset did not finish (device_status stayed "
			       "non-zero)";
		__asm__ volatile("pause");
	}
	if (c->isr)
		(void)rd8(c->isr, 0); /* reading clears it */
	status_wr(c, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	status_wr(c, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	return NULL;
}

static uint64_t features_offered(struct vnet *c)
{
	uint32_t lo, hi;

	mmio_write32(c->common, COMMON(device_feature_select), 0);
	lo = mmio_read32(c->common, COMMON(device_feature));
	mmio_write32(c->common, COMMON(device_feature_select), 1);
	hi = mmio_read32(c->common, COMMON(device_feature));
	return (uint64_t)hi << 32 | lo;
}

/* VIRTIO_F_VERSION_1, and the MAC and link status when offered; then
 * FEATURES_OK, which the device clears if it cannot work with that
 * (3.1.1 steps 4 to 6). */
static const char *features_negotiate(struct vnet *c)
{
	uint64_t offered = features_offered(c);
	uint64_t want = 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_NET_F_MAC |
			1ull << VIRTIO_NET_F_STATUS;
	uint8_t status;

	if (!(offered & (1ull << VIRTIO_F_VERSION_1)))
		return "VIRTIO_F_VERSION_1 not offered";
	c->features = offered & want;
	pr_debug("hv: vnet (%s): features offered %#llx, taken %#llx\n",
		 c->where, (unsigned long long)offered,
		 (unsigned long long)c->features);
	mmio_write32(c->common, COMMON(guest_feature_select), 0);
	mmio_write32(c->common, COMMON(guest_feature), (uint32_t)c->features);
	mmio_write32(c->common, COMMON(guest_feature_select), 1);
	mmio_write32(c->common, COMMON(guest_feature),
		     (uint32_t)(c->features >> 32));
	status = status_rd(c);
	status_wr(c, status | VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(status_rd(c) & VIRTIO_CONFIG_S_FEATURES_OK))
		return "the device refused our features (FEATURES_OK did not "
		       "stay set)";
	return NULL;
}

static bool has(const struct vnet *c, unsigned feature)
{
	return c->features & (1ull << feature);
}

/* Read `len` bytes of the device configuration at `off` until the
 * device says they did not change meanwhile (4.1.4.3.1); false if they
 * kept changing, or there is no such configuration. */
static bool config_read(struct vnet *c, uint32_t off, uint8_t *out,
			uint32_t len)
{
	for (unsigned try = 0; c->device && try < CONFIG_TRIES; try++) {
		uint8_t gen = rd8(c->common, COMMON(config_generation));

		for (uint32_t i = 0; i < len; i++)
			out[i] = rd8(c->device, off + i);
		if (rd8(c->common, COMMON(config_generation)) == gen)
			return true;
	}
	return false;
}

static const char *read_mac(struct vnet *c)
{
	uint8_t *mac = c->nic.mac;
	uint8_t all = 0;

	if (!has(c, VIRTIO_NET_F_MAC)) {
		/* A locally administered address of our own ("vn"). */
		static const uint8_t made_up[ETH_ALEN] = { 0x02, 0x76, 0x6E };

		hv_memcpy(mac, made_up, ETH_ALEN);
		mac[5] = (uint8_t)ncards;
		pr_info("hv: vnet (%s): no MAC from the device; using "
			"02:76:6e:00:00:%02x\n",
			c->where, mac[5]);
		return NULL;
	}
	if (!config_read(c, offsetof(struct virtio_net_config, mac), mac,
			 ETH_ALEN))
		return "the MAC cannot be read from the device configuration";
	for (unsigned i = 0; i < ETH_ALEN; i++)
		all |= mac[i];
	if (!all || (mac[0] & 1))
		return "no valid MAC address (zero or a group address)";
	return NULL;
}

/* One queue set up (4.1.5.1.3): its size, its three arrays, no MSI-X
 * vector, its notify address; for the receive queue every buffer
 * posted.  Enabled last. */
static const char *queue_setup(struct vnet *c, uint16_t index,
			       struct vnet_queue *q, uint8_t *ring)
{
	bool receive = index == RXQ;
	uint16_t max;
	uint64_t notify_off;

	wr16(c->common, COMMON(queue_select), index);
	max = rd16(c->common, COMMON(queue_size));
	if (max == 0)
		return receive ? "no receive queue" : "no transmit queue";
	q->size = max < QUEUE_MAX ? max : QUEUE_MAX;
	if (q->size & (q->size - 1))
		return "a queue size that is not a power of two";
	if (rd16(c->common, COMMON(queue_enable)))
		return "a queue is still enabled after the reset";
	notify_off = (uint64_t)rd16(c->common, COMMON(queue_notify_off)) *
		     c->notify_mult;
	if (notify_off + sizeof(uint16_t) >
	    c->region[VIRTIO_PCI_CAP_NOTIFY_CFG].length)
		return "a queue's notify address is outside the notify area";
	q->notify = (volatile uint16_t *)(c->notify + notify_off);
	q->desc = (volatile struct vring_desc *)ring;
	q->avail = (volatile struct vring_avail *)(ring + RING_AVAIL_OFF);
	q->used = (volatile struct vring_used *)(ring + RING_USED_OFF);
	q->avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
	for (unsigned i = 0; i < q->size; i++) {
		q->desc[i].addr = virt_to_phys(q->buf + i * BUF_SIZE);
		q->desc[i].len = BUF_SIZE;
		q->desc[i].flags = receive ? VRING_DESC_F_WRITE : 0;
		if (receive) {
			q->avail->ring[i] = (uint16_t)i;
			q->device_has[i] = true;
		} else {
			c->tx_free[c->tx_nfree++] = (uint16_t)i;
		}
	}
	q->avail_idx = receive ? (uint16_t)q->size : 0;
	q->avail->idx = q->avail_idx;
	q->used_seen = 0;
	compiler_barrier();
	wr16(c->common, COMMON(queue_size), (uint16_t)q->size);
	wr16(c->common, COMMON(queue_msix_vector), VIRTIO_MSI_NO_VECTOR);
	mmio_write32(c->common, COMMON(queue_desc_lo),
		     (uint32_t)virt_to_phys(q->desc));
	mmio_write32(c->common, COMMON(queue_desc_hi), 0);
	mmio_write32(c->common, COMMON(queue_avail_lo),
		     (uint32_t)virt_to_phys(q->avail));
	mmio_write32(c->common, COMMON(queue_avail_hi), 0);
	mmio_write32(c->common, COMMON(queue_used_lo),
		     (uint32_t)virt_to_phys(q->used));
	mmio_write32(c->common, COMMON(queue_used_hi), 0);
	wr16(c->common, COMMON(queue_enable), 1);
	return NULL;
}

static const char *queues_setup(struct vnet *c)
{
	uint8_t *rings = drv_alloc_pages(2);
	const char *problem;

	c->rx.buf = drv_alloc_pages(BUF_PAGES);
	c->tx.buf = drv_alloc_pages(BUF_PAGES);
	if (!rings || !c->rx.buf || !c->tx.buf)
		return "out of memory";
	if (rd16(c->common, COMMON(num_queues)) < 2)
		return "fewer than two queues";
	wr16(c->common, COMMON(msix_config), VIRTIO_MSI_NO_VECTOR);
	problem = queue_setup(c, RXQ, &c->rx, rings);
	if (!problem)
		problem = queue_setup(c, TXQ, &c->tx, rings + PAGE_SIZE);
	return problem;
}

/* ---- The rings at work. */

static void queue_notify(struct vnet_queue *q, uint16_t index)
{
	compiler_barrier(); /* avail->idx before the notify */
	*q->notify = index;
}

/* Hand descriptor id to the device. */
static void queue_post(struct vnet_queue *q, uint16_t id)
{
	q->device_has[id] = true;
	q->avail->ring[q->avail_idx % q->size] = id;
	compiler_barrier(); /* the entry before the index that shows it */
	q->avail->idx = ++q->avail_idx;
}

/* The next used entry: false when there is none.  An entry whose id is
 * not a descriptor the device holds is counted and given as NO_ID. */
static bool queue_take(struct vnet *c, struct vnet_queue *q, uint32_t *id,
		       uint32_t *len)
{
	volatile struct vring_used_elem *e;

	if (q->used->idx == q->used_seen)
		return false;
	compiler_barrier(); /* the entry after the index that shows it */
	e = &q->used->ring[q->used_seen % q->size];
	*id = e->id;
	*len = e->len;
	q->used_seen++;
	if (*id >= q->size || !q->device_has[*id]) {
		if (!c->said_broken)
			pr_warn("hv: %s: the device gave back descriptor %u, "
				"which it does not hold; ignored\n",
				c->nic.name, *id);
		c->said_broken = true;
		c->nic.stats.rx_errors++;
		*id = NO_ID;
		return true;
	}
	q->device_has[*id] = false;
	return true;
}

/* Take back every transmit buffer the device is done with (at most one
 * ring's worth a call, whatever used->idx says). */
static void tx_reclaim(struct vnet *c)
{
	uint32_t id, len;

	for (unsigned i = 0; i < c->tx.size && queue_take(c, &c->tx, &id, &len);
	     i++)
		if (id != NO_ID)
			c->tx_free[c->tx_nfree++] = (uint16_t)id;
}

static bool vnet_send(struct nic *n, const void *frame, uint32_t len)
{
	struct vnet *c = n->priv;
	uint16_t id;
	uint8_t *buf;

	if (len < ETH_FRAME_MIN || len > ETH_FRAME_MAX)
		return false;
	tx_reclaim(c);
	if (!c->tx_nfree)
		return false;
	id = c->tx_free[--c->tx_nfree];
	buf = c->tx.buf + id * BUF_SIZE;
	hv_memset(buf, 0, NET_HDR); /* no offloads asked for */
	hv_memcpy(buf + NET_HDR, frame, len);
	c->tx.desc[id].len = NET_HDR + len;
	queue_post(&c->tx, id);
	queue_notify(&c->tx, TXQ);
	return true;
}

/* The link from the device configuration, when it tells (else up); and
 * a device that has given up (DEVICE_NEEDS_RESET) is down. */
static void link_check(struct vnet *c, bool quiet)
{
	bool up = true;
	uint16_t status;

	if (has(c, VIRTIO_NET_F_STATUS) &&
	    config_read(c, offsetof(struct virtio_net_config, status),
			(uint8_t *)&status, sizeof(status)))
		up = status & VIRTIO_NET_S_LINK_UP;
	if (status_rd(c) & VIRTIO_CONFIG_S_NEEDS_RESET)
		up = false;
	if (!quiet && up != c->nic.link_up)
		pr_info("hv: %s: link %s\n", c->nic.name, up ? "up" : "down");
	c->nic.link_up = up;
	c->link_check_ns = drv_now_ns() + (uint64_t)LINK_CHECK_MS * 1000000u;
}

/* Hand on at most `budget` received frames, giving each buffer straight
 * back to the device; one notify for all of them. */
static unsigned vnet_poll(struct nic *n, unsigned budget)
{
	struct vnet *c = n->priv;
	unsigned handed = 0, looked = 0, posted = 0;
	uint32_t id, len;

	while (looked < budget && queue_take(c, &c->rx, &id, &len)) {
		looked++;
		if (id == NO_ID)
			continue; /* counted; not ours to give back */
		if (len < NET_HDR + ETH_FRAME_MIN ||
		    len > NET_HDR + ETH_FRAME_MAX)
			n->stats.rx_errors++;
		else if (n->receive) {
			n->receive(n, c->rx.buf + id * BUF_SIZE + NET_HDR,
				   len - NET_HDR);
			handed++;
		}
		queue_post(&c->rx, (uint16_t)id);
		posted++;
	}
	if (posted)
		queue_notify(&c->rx, RXQ);
	tx_reclaim(c);
	if (drv_now_ns() >= c->link_check_ns)
		link_check(c, false);
	return handed;
}

static const struct nic_ops vnet_ops = {
	.send = vnet_send,
	.poll = vnet_poll,
};

/* One PCI function, from reset to a registered nic; false (and the
 * reason said) when it is not used. */
static bool card_probe(struct vnet *c)
{
	const char *problem;

	pci_host_name(c->pci, c->where);
	problem = card_map(c);
	if (!problem)
		problem = card_reset(c);
	if (!problem) {
		pci_host_enable(c->pci);
		problem = features_negotiate(c);
	}
	if (!problem)
		problem = read_mac(c);
	if (!problem)
		problem = queues_setup(c);
	if (problem) {
		pr_err("hv: vnet (%s): virtio-net: not used: %s\n", c->where,
		       problem);
		if (c->common) {
			/* FAILED (3.1.1 step 8), then quiet: a reset and no
			 * DMA from a card we do not drive. */
			status_wr(c, status_rd(c) | VIRTIO_CONFIG_S_FAILED);
			status_wr(c, 0);
		}
		pci_host_write16(c->pci, PCI_COMMAND,
				 pci_host_read16(c->pci, PCI_COMMAND) &
					 ~PCI_CMD_BUS_MASTER);
		return false;
	}
	hv_snprintf(c->nic.name, sizeof(c->nic.name), "vnet%u", ncards);
	hv_strlcpy(c->nic.model, "virtio-net", sizeof(c->nic.model));
	c->nic.ops = &vnet_ops;
	c->nic.priv = c;
	status_wr(c, status_rd(c) | VIRTIO_CONFIG_S_DRIVER_OK);
	/* The receive buffers were posted before DRIVER_OK, but a queue
	 * is used only after it (3.1.1): the notify comes now. */
	queue_notify(&c->rx, RXQ);
	link_check(c, true);
	pr_debug("hv: %s: %s, %u receive and %u transmit descriptors\n",
		 c->nic.name, c->where, c->rx.size, c->tx.size);
	nic_register(&c->nic);
	return true;
}

unsigned vnet_host_probe(void)
{
	const struct pci_function *f;

	for (unsigned i = 0; (f = pci_host_find(0x02, 0x00, 0x00, i)); i++) {
		struct vnet *c;

		if (f->vendor != VNET_PCI_VENDOR ||
		    (f->device != VNET_PCI_MODERN &&
		     f->device != VNET_PCI_TRANSITIONAL))
			continue;
		if (ncards == VNET_MAX_CARDS) {
			pr_warn("hv: vnet: more than %u cards; the rest are "
				"not used\n",
				VNET_MAX_CARDS);
			break;
		}
		c = &cards[ncards];
		c->pci = f;
		if (card_probe(c))
			ncards++;
		else
			hv_memset(c, 0, sizeof(*c)); /* the slot is reused */
	}
	return ncards;
}
