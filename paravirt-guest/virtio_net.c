/*
 * virtio_net.c - [Pvguest 22] the virtio network card: Ethernet frames
 * in and out.
 *
 * Two queues (virtio 1.0 5.1.2): queue 0 brings frames to us, queue 1
 * takes ours away.  Every buffer, either way, starts with a 12-byte
 * struct virtio_net_hdr (5.1.6), which says what the device or we did
 * to the frame: checksums left to fill in, segments to cut.  We accept
 * none of those features, so on transmit the header is all zero and on
 * receive it only tells us (num_buffers) that the frame is in one
 * buffer, which without MRG_RXBUF it always is.
 *
 * The device's configuration (5.1.4) holds its MAC address (feature
 * MAC) and a link status (feature STATUS); we accept both, and nothing
 * else but VERSION_1.
 *
 * Receive.  The device has nowhere to put a frame but the buffers we
 * posted: one that arrives when none is posted is lost.  So we post
 * RX_BUFS buffers at start-up, each big enough for the header and the
 * longest frame, and post each one again as soon as its frame has been
 * handed to the stack.  The device copies a frame in, returns the buffer
 * used and raises our IRQ; the interrupt handler takes every used
 * buffer, passes its frame up (net.c) and posts the buffer again.  The
 * stack may answer at once from inside the handler (an ARP reply, an
 * echo reply): sending needs no waiting, so that is safe.
 *
 * Transmit.  A frame is copied into one of TX_BUFS buffers of ours,
 * behind a zeroed header, and offered as one descriptor.  The hypervisor
 * takes it while handling the notify and returns it used at once, but a
 * driver must not count on that: used transmit buffers are taken back
 * the next time we need one, and only if all are still out do we wait,
 * a bounded number of looks, before dropping the frame.  Like Linux we
 * ask for no transmit interrupts (VRING_AVAIL_F_NO_INTERRUPT): nothing
 * waits for a frame to leave.
 *
 * Batching.  Each notify is an exit to the hypervisor.  A sender with
 * many frames (tests/guest/nettest.c's blast) brackets them with
 * vnet_batch_begin() and vnet_batch_end(): the frames are published as
 * they come, and the device is told once.
 */
#include "console.h"
#include "irq.h"
#include "mm.h"
#include "net.h"
#include "trap.h"
#include "virtio.h"
#include "virtio_net.h"
#include "virtqueue.h"

#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_NET_S_LINK_UP 1
#define VIRTIO_NET_HDR_GSO_NONE 0
#define CFG_MAC 0    /* u8[6] */
#define CFG_STATUS 6 /* u16 */

#define RXQ 0
#define TXQ 1
#define RX_BUFS 32
#define TX_BUFS 32
#define BUF_SIZE 1536 /* header and the longest frame (1526), rounded up */
#define TX_POLLS 1000

/* virtio 1.0 5.1.6: with VERSION_1 the header always has num_buffers. */
struct virtio_net_hdr {
	uint8_t flags, gso_type;
	uint16_t hdr_len, gso_size, csum_start, csum_offset;
	uint16_t num_buffers;
};

_Static_assert(sizeof(struct virtio_net_hdr) == 12, "virtio 1.0 5.1.6");
_Static_assert(BUF_SIZE >= sizeof(struct virtio_net_hdr) + ETH_FRAME_MAX,
	       "a receive buffer holds the longest frame");

#define HDR_LEN sizeof(struct virtio_net_hdr)

static struct virtio_dev dev;
static struct vq rxq, txq;
static bool up, link;
static uint8_t mac[ETH_ALEN];

/* Each queue's buffers, and which buffer each head descriptor holds (-1
 * for none), so that a buffer the device hands back twice, or one we
 * never gave it, is not taken for one of ours. */
static uint8_t rx_bufs[RX_BUFS][BUF_SIZE] __attribute__((aligned(64)));
static uint8_t tx_bufs[TX_BUFS][BUF_SIZE] __attribute__((aligned(64)));
static int8_t rx_buf_of[VQ_MAX_SIZE], tx_buf_of[VQ_MAX_SIZE];
static uint8_t tx_free[TX_BUFS]; /* a stack of idle transmit buffers */
static unsigned int tx_nfree;
static unsigned int batch_depth; /* vnet_batch_begin() minus _end() */
static unsigned int tx_unkicked; /* published since the last notify */

bool vnet_up(void)
{
	return up;
}

const uint8_t *vnet_mac(void)
{
	return mac;
}

bool vnet_link_up(void)
{
	return up && link;
}

/*
 * Notify, unless the device has said it does not need to be (used ring
 * flag NO_NOTIFY, virtio 1.0 2.4.7.2): it will look by itself.
 */
static void kick(struct vq *q)
{
	barrier();
	if (READ_ONCE(q->used->flags) & VRING_USED_F_NO_NOTIFY)
		return;
	vq_kick(q);
	if (q == &txq)
		net_stats.tx_notifies++;
}

/* Offer receive buffer i to the device (not yet notified). */
static bool post_rx(unsigned int i)
{
	struct vq_buf b = { rx_bufs[i], BUF_SIZE, true };
	int head = vq_add(&rxq, &b, 1);

	if (head < 0)
		return false;
	rx_buf_of[head] = (int8_t)i;
	vq_publish(&rxq, (uint16_t)head);
	return true;
}

/*
 * The MAC is six one-byte reads; if the device changed it between them,
 * config_generation says so and we read again (virtio 1.0 4.1.3.1).
 * Without the MAC feature, or with an address no card may have (all
 * zero, or a group address), we make up a locally administered one.
 */
static void read_mac(void)
{
	uint8_t gen;

	if (dev.features & 1ull << VIRTIO_NET_F_MAC) {
		do {
			gen = virtio_config_generation(&dev);
			for (unsigned int i = 0; i < ETH_ALEN; i++)
				mac[i] = virtio_cfg8(&dev, CFG_MAC + i);
		} while (gen != virtio_config_generation(&dev));
	}
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) ||
	    (mac[0] & 1)) {
		uint32_t t = (uint32_t)rdtsc();

		mac[0] = 0x02; /* locally administered, individual */
		mac[1] = 0x70;
		mac[2] = 0x76; /* "pv" */
		mac[3] = (uint8_t)(t >> 16);
		mac[4] = (uint8_t)(t >> 8);
		mac[5] = (uint8_t)t;
	}
}

/* Without the STATUS feature the link is always up (virtio 1.0 5.1.4). */
static bool read_link(void)
{
	if (!(dev.features & 1ull << VIRTIO_NET_F_STATUS))
		return true;
	return virtio_cfg16(&dev, CFG_STATUS) & VIRTIO_NET_S_LINK_UP;
}

/* The driver's start-up (virtio 1.0 3.1.1, 5.1.5). */
bool vnet_init(void)
{
	uint64_t wanted =
		1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS;
	unsigned int posted = 0;

	if (!virtio_find(&dev, VIRTIO_ID_NET, "net"))
		return false;
	printf("guest: virtio: net %x:%x at 00:%02x.0, IRQ %u, registers at "
	       "%p\n",
	       dev.pci.vendor, dev.pci.device, dev.pci.slot, dev.pci.irq,
	       (void *)dev.pci.bar0);
	if (!dev.device || !virtio_negotiate(&dev, wanted) ||
	    !virtio_setup_queue(&dev, &rxq, RXQ, RX_BUFS) ||
	    !virtio_setup_queue(&dev, &txq, TXQ, TX_BUFS)) {
		virtio_fail(&dev);
		printf("guest: virtio: net set-up failed (status 0x%x)\n",
		       virtio_status(&dev));
		return false;
	}
	read_mac();
	link = read_link();
	for (unsigned int i = 0; i < VQ_MAX_SIZE; i++)
		rx_buf_of[i] = tx_buf_of[i] = -1;
	for (unsigned int i = 0; i < TX_BUFS; i++)
		tx_free[i] = (uint8_t)i;
	tx_nfree = TX_BUFS;
	virtio_enable_queue(&dev, RXQ);
	virtio_enable_queue(&dev, TXQ);
	txq.avail->flags = VRING_AVAIL_F_NO_INTERRUPT; /* we reclaim instead */
	virtio_driver_ok(&dev);

	/* The device may use buffers only after DRIVER_OK (3.1.1). */
	for (unsigned int i = 0; i < RX_BUFS; i++)
		posted += post_rx(i);
	vq_kick(&rxq);
	up = true;
	printf("guest: virtio: net ready: features 0x%llx of 0x%llx, MAC "
	       "%02x:%02x:%02x:%02x:%02x:%02x, link %s, queues of %u and %u, "
	       "%u receive buffers posted\n",
	       (unsigned long long)dev.features,
	       (unsigned long long)dev.offered, mac[0], mac[1], mac[2], mac[3],
	       mac[4], mac[5], link ? "up" : "down", rxq.num, txq.num, posted);
	return true;
}

/*
 * One received buffer of len bytes: check what the device says before
 * believing it, and pass the frame up.  A length outside header + 14
 * .. header + 1514 cannot be a frame; a GSO type would mean a segment
 * bigger than any frame, which we never allowed.
 */
static void rx_frame(const uint8_t *buf, uint32_t len)
{
	const struct virtio_net_hdr *h = (const void *)buf;

	if (len < HDR_LEN + ETH_HLEN || len > HDR_LEN + ETH_FRAME_MAX ||
	    h->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		net_stats.rx_dropped++;
		return;
	}
	len -= HDR_LEN;
	net_stats.rx_frames++;
	net_stats.rx_bytes += len;
	net_input(buf + HDR_LEN, len);
}

/* Every frame that has arrived, each buffer posted again after it. */
static void rx_reap(void)
{
	bool reposted = false;
	uint16_t head;
	uint32_t len;

	while (vq_pop_used(&rxq, &head, &len)) {
		int i = rx_buf_of[head];

		if (i < 0) {
			net_stats.rx_dropped++;
			continue;
		}
		rx_buf_of[head] = -1;
		rx_frame(rx_bufs[i], len);
		reposted |= post_rx((unsigned int)i);
	}
	if (reposted)
		kick(&rxq);
}

/* Take back the transmit buffers the device is done with. */
static void tx_reap(void)
{
	uint16_t head;
	uint32_t len;

	while (vq_pop_used(&txq, &head, &len)) {
		int i = tx_buf_of[head];

		if (i < 0)
			continue;
		tx_buf_of[head] = -1;
		tx_free[tx_nfree++] = (uint8_t)i;
	}
}

/*
 * NEEDS_RESET: the device saw us break a rule and stopped.  We stop too,
 * and say so: the interface stays down (frames are dropped) rather than
 * guess what state the rings are in.
 */
static void device_broken(void)
{
	if (!up)
		return;
	up = false;
	printf("guest: virtio: net device needs reset: interface down\n");
}

/*
 * A free transmit buffer, or -1.  If all are still with the device,
 * make sure it has been told about them, then look a bounded number of
 * times (each status read is an exit, in which the hypervisor can
 * catch up) before giving up on this frame.
 */
static int tx_get(void)
{
	tx_reap();
	if (!tx_nfree || !txq.num_free) {
		if (tx_unkicked) {
			kick(&txq);
			tx_unkicked = 0;
		}
		for (int polls = 0; polls < TX_POLLS; polls++) {
			tx_reap();
			if (tx_nfree && txq.num_free)
				break;
			if (virtio_status(&dev) & VIRTIO_STATUS_NEEDS_RESET) {
				device_broken();
				return -1;
			}
		}
		if (!tx_nfree || !txq.num_free)
			return -1;
	}
	return tx_free[--tx_nfree];
}

bool vnet_send(const void *frame, uint32_t len)
{
	uint32_t flags;
	int i, head = -1;

	if (len < ETH_HLEN || len > ETH_FRAME_MAX) {
		net_stats.tx_dropped++;
		return false;
	}
	flags = irq_save();
	if (up && (i = tx_get()) >= 0) {
		struct vq_buf b = { tx_bufs[i], HDR_LEN + len, false };

		memset(tx_bufs[i], 0, HDR_LEN);
		memcpy(tx_bufs[i] + HDR_LEN, frame, len);
		/* tx_get() checked there is a free descriptor. */
		head = vq_add(&txq, &b, 1);
		tx_buf_of[head] = (int8_t)i;
		vq_publish(&txq, (uint16_t)head);
		tx_unkicked++;
		if (!batch_depth) {
			kick(&txq);
			tx_unkicked = 0;
		}
		net_stats.tx_frames++;
		net_stats.tx_bytes += len;
	} else {
		net_stats.tx_dropped++;
	}
	irq_restore(flags);
	return head >= 0;
}

void vnet_batch_begin(void)
{
	uint32_t flags = irq_save();

	batch_depth++;
	irq_restore(flags);
}

void vnet_batch_end(void)
{
	uint32_t flags = irq_save();

	if (batch_depth && !--batch_depth && tx_unkicked && up) {
		kick(&txq);
		tx_unkicked = 0;
	}
	irq_restore(flags);
}

void vnet_poll(void)
{
	if (up)
		rx_reap();
}

/*
 * The card's IRQ.  Reading ISR clears it (ABI 11.7): bit 0, a queue has
 * used buffers (for us only the receive queue asks to interrupt); bit 1,
 * the configuration changed: the link went up or down, or the device
 * needs a reset.
 */
static void vnet_interrupt(struct trapframe *tf)
{
	uint8_t isr = virtio_read_isr(&dev);

	net_stats.interrupts++;
	if (isr & VIRTIO_ISR_CONFIG) {
		if (virtio_status(&dev) & VIRTIO_STATUS_NEEDS_RESET) {
			device_broken();
		} else if (read_link() != link) {
			link = !link;
			printf("guest: net: eth0 link %s\n",
			       link ? "up" : "down");
		}
	}
	if (up)
		rx_reap();
}

void vnet_enable_irq(void)
{
	if (up)
		irq_set_handler(dev.pci.irq, vnet_interrupt);
}

struct virtio_dev *vnet_device(void)
{
	return &dev;
}

struct vq *vnet_tx_queue(void)
{
	return &txq;
}
