/*
 * virtio_net.c - [Network 1] a guest's network card, one port of a
 * switch inside the hypervisor (hv/net/switch.c): virtio-net (virtio 1.0
 * section 5.1; ABI section 11.13).  Queue 0 receives, queue 1 transmits.
 *
 * What we offer is what a working interface needs and no more: the MAC
 * (VIRTIO_NET_F_MAC, from the module line or derived from the guest's
 * name) and the link status (VIRTIO_NET_F_STATUS, always up).  No
 * checksum offload: frames cross a switch into other guests and out of a
 * real card, and a partial checksum would have to be finished by us for
 * every receiver that did not negotiate it; the guests compute their
 * own.  No mergeable buffers: every frame fits the 1526 bytes Linux posts
 * per receive buffer when it has neither (header + 1514).  Every buffer
 * starts with the 12-byte struct virtio_net_hdr_v1.
 *
 * Transmit: each chain is a header and a frame the device reads.  The
 * frame is checked (14 to 1514 bytes, and the guest's own MAC as its
 * source, so that no guest can take another's traffic by claiming its
 * address), copied out of the guest's RAM, and handed to the switch, all
 * in the notify; at most TX_BUDGET frames an exit, the rest on later
 * exits.  Receive: the switch delivers a frame by copying it into the
 * next buffer the guest posted, then interrupts; with no buffer posted
 * the frame is lost and counted, so a guest that stops reading loses its
 * own traffic and nobody else's.
 */
#include "hv/guest/guest.h"
#include "hv/lib/printk.h"
#include "hv/net/switch.h"
#include "hv/virtio/virtio.h"
#include "hv/virtio/virtio_net.h"

#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>

#define RXQ 0
#define TXQ 1
#define NET_HDR sizeof(struct virtio_net_hdr_v1)

/*
 * Frames one exit may send.  A frame costs a copy out of the guest and
 * one into each port it reaches (a flood reaches them all: 7 others at
 * most), about 10 us under QEMU for a full-sized one; 64 is well under a
 * millisecond even when every one is broadcast, and more than a guest
 * sends between two looks of its own.
 */
#define TX_BUDGET 64

/* The device's work pages: the chains in hand and a frame's copy. */
struct net_work {
	struct vq_chain tx; /* the chain being sent */
};
struct net_rx_work {
	struct vq_chain rx; /* the buffer a frame is being delivered into */
};
struct net_frame {
	uint8_t bytes[ETH_FRAME_MAX];
};
_Static_assert(sizeof(struct net_work) <= PAGE_SIZE, "tx chain: one page");
_Static_assert(sizeof(struct net_rx_work) <= PAGE_SIZE, "rx chain: one page");
_Static_assert(sizeof(struct net_frame) <= PAGE_SIZE, "a frame: one page");

static struct guest_nic *nic_of(struct virtio_dev *d)
{
	return d->backend;
}

static void *work_page(struct virtio_dev *d, unsigned i)
{
	return (uint8_t *)d->work + i * PAGE_SIZE;
}

static uint64_t net_features(struct virtio_dev *d)
{
	(void)d;
	return (1ull << VIRTIO_NET_F_MAC) | (1ull << VIRTIO_NET_F_STATUS);
}

/* mac and status: the fields our features make meaningful. */
#define NET_CONFIG_LEN                                                         \
	(offsetof(struct virtio_net_config, status) +                          \
	 sizeof(((struct virtio_net_config *)0)->status))

static uint32_t net_config(struct virtio_dev *d, uint8_t *buf)
{
	struct virtio_net_config cfg = { .status = VIRTIO_NET_S_LINK_UP };

	_Static_assert(NET_CONFIG_LEN <= VIRTIO_DEVICE_CFG_MAX,
		       "the network configuration must fit BAR0");
	hv_memcpy(cfg.mac, nic_of(d)->mac, ETH_ALEN);
	hv_memcpy(buf, &cfg, NET_CONFIG_LEN);
	return NET_CONFIG_LEN;
}

/* One chain from the transmit queue: check it, send it, return it. */
static void send_one(struct virtio_dev *d, struct vq_chain *c)
{
	struct guest_nic *n = nic_of(d);
	struct net_frame *f = work_page(d, 2);
	uint32_t len = c->readable > NET_HDR ? c->readable - NET_HDR : 0;

	if (len < ETH_FRAME_MIN || len > ETH_FRAME_MAX ||
	    vq_read(d, c, NET_HDR, f->bytes, len) != len) {
		n->port.stats.dropped_bad++;
		n->bad_length++;
	} else if (hv_memcmp(f->bytes + ETH_ALEN, n->mac, ETH_ALEN) != 0) {
		n->port.stats.dropped_bad++;
		n->bad_source++;
	} else {
		switch_input(&n->port, f->bytes, len);
	}
	vq_push(d, TXQ, c->head, 0);
}

static void net_notify(struct virtio_dev *d, unsigned q)
{
	struct net_work *w = work_page(d, 0);
	unsigned sent = 0;

	if (q != TXQ)
		return; /* new receive buffers: used as frames arrive */
	d->busy = false;
	while (d->budget) {
		if (!vq_pop(d, TXQ, &w->tx))
			break; /* empty (or broken: it said why) */
		d->budget--;
		send_one(d, &w->tx);
		sent++;
	}
	if (!d->budget)
		d->busy = true; /* more may be waiting */
	if (sent)
		vq_interrupt(d, TXQ);
}

static void net_resume(struct virtio_dev *d)
{
	net_notify(d, TXQ);
}

/*
 * [Network 4] A frame for this guest, from the switch (another guest's
 * exit, or the uplink): into the next receive buffer, or lost.
 */
static bool net_deliver(struct net_port *p, const uint8_t *frame, uint32_t len)
{
	struct guest_nic *n = p->owner;
	struct virtio_dev *d = n->dev;
	struct net_rx_work *w = work_page(d, 1);
	struct virtio_net_hdr_v1 hdr = { .num_buffers = 1 };

	if (!virtio_ready(d) || !vq_pop(d, RXQ, &w->rx))
		return false; /* not listening, or no buffer posted */
	if (w->rx.writable < NET_HDR + len) {
		/* Too small for this frame: the buffer is used up, empty. */
		n->small_buffers++;
		vq_push(d, RXQ, w->rx.head, 0);
		vq_interrupt(d, RXQ);
		return false;
	}
	IGNORE_RESULT(vq_write(d, &w->rx, 0, &hdr, NET_HDR),
		      "the chain holds at least NET_HDR + len writable bytes");
	IGNORE_RESULT(vq_write(d, &w->rx, NET_HDR, frame, len),
		      "the chain holds at least NET_HDR + len writable bytes");
	vq_push(d, RXQ, w->rx.head, NET_HDR + len);
	vq_interrupt(d, RXQ);
	return true;
}

static void net_reset(struct virtio_dev *d)
{
	(void)d; /* nothing is kept between exits but a budget's leftovers */
}

const struct virtio_ops virtio_net_ops = {
	.name = "network",
	.type = VIRTIO_ID_NET,
	.pci_class = 0x02,
	.pci_subclass = 0x00,
	.num_queues = 2,
	.features = net_features,
	.config = net_config,
	.notify = net_notify,
	.reset = net_reset,
	.budget = TX_BUDGET,
	.resume = net_resume,
	.work_pages = 3,
};

void guest_nic_init(struct guest_nic *n, struct virtio_dev *d,
		    const uint8_t mac[ETH_ALEN], const char *guest)
{
	hv_memset(n, 0, sizeof(*n));
	n->dev = d;
	hv_memcpy(n->mac, mac, ETH_ALEN);
	hv_snprintf(n->port.name, sizeof(n->port.name), "guest %s", guest);
	n->port.deliver = net_deliver;
	n->port.owner = n;
	hv_memcpy(n->port.mac, mac, ETH_ALEN);
	n->port.has_mac = true;
}
