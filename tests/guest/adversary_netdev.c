/*
 * adversary_netdev.c - [Testguest 20] "test=net-flood": a guest that
 * attacks the switch, not another guest's stack (that is
 * adversary_net.c).  In turn:
 *
 *   storm     broadcast frames as fast as the card takes them, 16 to a
 *             notify, for NET_FLOOD_ROUNDS notifies: the switch copies
 *             each to every other port, and must go on serving them;
 *   deaf      meanwhile this guest never takes a received frame (its
 *             interrupt is never enabled, its queue never polled), so
 *             its receive buffers fill and the switch must drop what it
 *             is sent, counted at its own port, without stalling;
 *   lengths   chains built by hand: a header and no frame (length 0),
 *             and a "frame" of 65535 bytes; both refused and counted,
 *             their chains returned;
 *   forged    a frame with another guest's MAC as its source: refused;
 *   broken    last, a descriptor far outside our RAM: this guest's card
 *             is marked NEEDS_RESET, and nothing else changes.
 *
 * Two such guests storm at once, so each is sent the other's storm and
 * drops it; another guest pings a third through the same switch all the
 * while (tests/qemu/net-flood.test).  The hypervisor's statistics for
 * each guest, printed when it stops, say what it dropped.
 */
#include "paravirt-guest/console.h"
#include "paravirt-guest/guest.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/mm.h"
#include "paravirt-guest/net.h"
#include "paravirt-guest/virtio.h"
#include "paravirt-guest/virtio_net.h"
#include "paravirt-guest/virtqueue.h"

#include "testguest.h"

#define NET_FLOOD_ROUNDS 1500
#define NET_HDR_LEN 12
#define FAR_OUTSIDE 0xf0000000u

static uint8_t frame[ETH_FRAME_MAX];
static uint8_t header[NET_HDR_LEN];
static uint8_t huge[65535];

static void broadcast_frame(uint32_t n)
{
	memset(frame, 0xff, ETH_ALEN);
	memcpy(frame + ETH_ALEN, vnet_mac(), ETH_ALEN);
	frame[12] = 0x88; /* 0x88b5: the local experimental EtherType */
	frame[13] = 0xb5;
	memcpy(frame + 14, &n, sizeof(n));
}

static uint32_t storm(void)
{
	uint32_t sent = 0;

	for (uint32_t r = 0; r < NET_FLOOD_ROUNDS; r++) {
		vnet_batch_begin();
		for (int i = 0; i < 16; i++) {
			broadcast_frame(sent);
			sent += vnet_send(frame, 60);
		}
		vnet_batch_end();
	}
	return sent;
}

/* One chain, by hand, into the transmit queue, and the doorbell. */
static void raw_send(const struct vq_buf *bufs, unsigned int n)
{
	struct vq *q = vnet_tx_queue();
	int head = vq_add(q, bufs, n);

	if (head < 0) {
		printf("guest: test net-flood: FAIL: no room in the queue\n");
		guest_poweroff("test failed");
	}
	vq_publish(q, (uint16_t)head);
	vq_kick(q);
}

static void hostile_chains(void)
{
	static const uint8_t victim[ETH_ALEN] = { 0x52, 0x54, 0x00,
						  0x00, 0x00, 0x0a };

	/* One ordinary frame first: the driver reclaims the transmit
	 * descriptors the storm left used, so there is room below. */
	broadcast_frame(0);
	vnet_send(frame, 60);
	/* A header, and nothing after it. */
	raw_send(&(struct vq_buf){ header, NET_HDR_LEN, false }, 1);
	/* A header and 65535 bytes. */
	raw_send((struct vq_buf[]){ { header, NET_HDR_LEN, false },
				    { huge, sizeof(huge), false } },
		 2);
	/* Someone else's source address. */
	broadcast_frame(0);
	memcpy(frame + ETH_ALEN, victim, ETH_ALEN);
	raw_send((struct vq_buf[]){ { header, NET_HDR_LEN, false },
				    { frame, 60, false } },
		 2);
	printf("guest: test net-flood: sent a frame of length 0, one of "
	       "65535, one from a forged MAC\n");
}

static void broken_chain(void)
{
	struct vq *q = vnet_tx_queue();
	int head = vq_add(q, &(struct vq_buf){ header, NET_HDR_LEN, false }, 1);
	uint8_t st;

	if (head < 0)
		return;
	q->desc[head].addr = FAR_OUTSIDE; /* spoiled after vq_add checked it */
	vq_publish(q, (uint16_t)head);
	vq_kick(q);
	st = virtio_status(vnet_device());
	printf("guest: test net-flood: a chain outside our RAM: device status "
	       "0x%x%s\n",
	       st, (st & VIRTIO_STATUS_NEEDS_RESET) ? ": needs reset" : "");
}

void adversary_netdev_run(const char *name)
{
	uint32_t sent;

	if (!word_equals(name, "net-flood"))
		return;
	guest_connect();
	if (!vnet_up()) {
		printf("guest: test net-flood: FAIL: no network card\n");
		guest_poweroff("test failed");
	}
	/* Never vnet_enable_irq(), never vnet_poll(): deaf. */
	printf("guest: test net-flood: storming\n");
	sent = storm();
	printf("guest: test net-flood: %u broadcast frames sent\n", sent);
	hostile_chains();
	broken_chain();
	guest_poweroff("test net-flood done");
}
