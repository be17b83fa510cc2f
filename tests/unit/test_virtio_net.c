/*
 * test_virtio_net.c - a guest's network card (virtio_net.c) on a switch
 * (hv/net/switch.c), driven as a guest drives it: transmit chains in the
 * fake guest's RAM, receive buffers it posted, a second port of the
 * switch playing the rest of the network.
 *
 * Hostile frames: no frame, a runt, one byte too long, 64 KiB spread over
 * descriptors, another guest's source MAC; all refused, counted, and their
 * chains still returned.  A receiver with no buffer, or one too small,
 * loses the frame and counts it.  Transmit is bounded per exit.
 *
 * The runner takes the rest of the next line as the sources to link.
 * UNIT_SOURCES: hv/virtio/virtio_net.c hv/virtio/virtqueue.c hv/virtio/virtio_pci.c hv/guest/guestmem.c hv/net/switch.c hv/lib/string.c hv/lib/format.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/unit/fake_guest.h"

#define RXQ 0
#define TXQ 1
#define HDR 12u
#define FEATURES ((1u << 5) | (1u << 16)) /* MAC, STATUS */

static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x99 };

static struct guest_nic nic;
static struct net_port peer; /* the rest of the network */
static unsigned peer_got;
static uint32_t peer_len;
static uint8_t peer_frame[2048];
static uint16_t next_desc;

static bool peer_take(struct net_port *p, const uint8_t *f, uint32_t len)
{
	(void)p;
	peer_got++;
	peer_len = len;
	memcpy(peer_frame, f, len);
	return true;
}

static int setup(void **state)
{
	struct net_switch *sw = switch_get("t");

	(void)state;
	fake_guest_new(&virtio_net_ops, &nic);
	guest_nic_init(&nic, fd, guest_mac, "t0");
	assert_true(switch_attach(sw, &nic.port));
	memset(&peer, 0, sizeof(peer));
	peer.deliver = peer_take;
	assert_true(switch_attach(sw, &peer));
	peer_got = 0;
	next_desc = 0;
	fake_driver_setup(FEATURES, 256);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	switch_detach(&nic.port);
	switch_detach(&peer);
	fake_guest_free();
	return 0;
}

/* A frame from `src` to the peer, len bytes in all, at gpa. */
static void put_frame(uint32_t gpa, const uint8_t src[6], uint32_t len)
{
	for (uint32_t i = 0; i < HDR; i++)
		gput8(gpa + i, 0);
	for (uint32_t i = 0; i < len; i++)
		gput8(gpa + HDR + i, (uint8_t)(i * 3));
	for (uint32_t i = 0; i < 6 && i < len; i++)
		gput8(gpa + HDR + i, peer_mac[i]);
	for (uint32_t i = 0; i < 6 && 6 + i < len; i++)
		gput8(gpa + HDR + 6 + i, src[i]);
}

/* Offer a one-descriptor transmit chain of HDR + len bytes at gpa. */
static uint16_t offer_tx(uint32_t gpa, uint32_t len)
{
	uint16_t d = next_desc++;

	set_desc(TXQ, d, gpa, HDR + len, 0, 0);
	avail_add(TXQ, d);
	return d;
}

static void kick_tx(void)
{
	bar_w(56, 2, TXQ);
}

static void config_mac_and_link(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(bar_r(60 + i, 1), guest_mac[i]);
	assert_int_equal(bar_r(66, 2), 1); /* VIRTIO_NET_S_LINK_UP */
}

static void a_frame_reaches_the_peer(void **state)
{
	(void)state;
	put_frame(FAKE_DATA, guest_mac, 60);
	offer_tx(FAKE_DATA, 60);
	kick_tx();
	assert_int_equal(peer_got, 1);
	assert_int_equal(peer_len, 60);
	assert_memory_equal(peer_frame, fg->mem + FAKE_DATA + HDR, 60);
	assert_int_equal(used_idx(TXQ), 1);
	assert_int_equal(nic.port.stats.in_frames, 1);
}

static void hostile_frames(void **state)
{
	uint16_t d;

	(void)state;
	put_frame(FAKE_DATA, guest_mac, 1600);
	offer_tx(FAKE_DATA, 0);			/* a header, no frame */
	offer_tx(FAKE_DATA, 13);		/* a runt */
	offer_tx(FAKE_DATA, ETH_FRAME_MAX + 1); /* one byte too long */
	/* 64 KiB in 16 descriptors of 4 KiB (the same RAM again). */
	d = next_desc;
	for (unsigned i = 0; i < 16; i++, next_desc++)
		set_desc(TXQ, next_desc, FAKE_DATA, 4096,
			 i < 15 ? DESC_NEXT : 0, (uint16_t)(next_desc + 1));
	avail_add(TXQ, d);
	put_frame(FAKE_DATA + 0x2000, peer_mac, 60); /* the peer's MAC */
	offer_tx(FAKE_DATA + 0x2000, 60);
	kick_tx();
	assert_int_equal(peer_got, 0);
	assert_int_equal(used_idx(TXQ), 5); /* every chain comes back */
	assert_int_equal(nic.bad_length, 4);
	assert_int_equal(nic.bad_source, 1);
	assert_int_equal(nic.port.stats.dropped_bad, 5);
	assert_false(fd->broken);
	/* And the device still sends. */
	put_frame(FAKE_DATA, guest_mac, ETH_FRAME_MAX);
	offer_tx(FAKE_DATA, ETH_FRAME_MAX);
	kick_tx();
	assert_int_equal(peer_got, 1);
	assert_int_equal(peer_len, ETH_FRAME_MAX);
}

/* The peer sends to the guest's MAC. */
static void peer_sends(uint32_t len)
{
	uint8_t f[ETH_FRAME_MAX] = { 0 };

	memcpy(f, guest_mac, 6);
	memcpy(f + 6, peer_mac, 6);
	for (uint32_t i = 12; i < len; i++)
		f[i] = (uint8_t)(i ^ 0x5A);
	switch_input(&peer, f, len);
}

static void receive_into_posted_buffers(void **state)
{
	uint32_t buf = FAKE_DATA + 0x4000;

	(void)state;
	set_desc(RXQ, 0, buf, 1526, DESC_WRITE, 0);
	avail_add(RXQ, 0);
	fake_irqs = 0;
	peer_sends(100);
	assert_int_equal(used_idx(RXQ), 1);
	assert_int_equal(used_len(RXQ, 0), HDR + 100);
	assert_int_equal(gget16(buf + 10), 1); /* num_buffers */
	assert_int_equal(gget8(buf + HDR), guest_mac[0]);
	assert_int_equal(gget8(buf + HDR + 50), (uint8_t)(50 ^ 0x5A));
	assert_true(fake_irqs > 0);
	assert_int_equal(nic.port.stats.out_frames, 1);
	/* No buffer left: lost, counted at the guest's port only. */
	peer_sends(100);
	assert_int_equal(nic.port.stats.dropped_full, 1);
	assert_int_equal(used_idx(RXQ), 1);
}

static void a_buffer_too_small(void **state)
{
	(void)state;
	set_desc(RXQ, 0, FAKE_DATA, 64, DESC_WRITE, 0);
	avail_add(RXQ, 0);
	peer_sends(200);
	assert_int_equal(nic.small_buffers, 1);
	assert_int_equal(used_idx(RXQ), 1);
	assert_int_equal(used_len(RXQ, 0), 0);
	assert_int_equal(nic.port.stats.dropped_full, 1);
}

static void transmit_is_bounded_per_exit(void **state)
{
	(void)state;
	put_frame(FAKE_DATA, guest_mac, 60);
	for (unsigned i = 0; i < 100; i++)
		offer_tx(FAKE_DATA, 60);
	kick_tx();
	assert_int_equal(peer_got, virtio_net_ops.budget);
	assert_true(fd->busy);
	virtio_poll(fd); /* the end of that exit */
	virtio_poll(fd); /* the next exit goes on */
	assert_int_equal(peer_got, 100);
	assert_int_equal(used_idx(TXQ), 100);
}

static void a_reset_device_hears_nothing(void **state)
{
	(void)state;
	set_desc(RXQ, 0, FAKE_DATA, 1526, DESC_WRITE, 0);
	avail_add(RXQ, 0);
	bar_w(20, 1, 0); /* device_status = 0: reset */
	peer_sends(60);
	assert_int_equal(nic.port.stats.dropped_full, 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(config_mac_and_link),
		T(a_frame_reaches_the_peer),
		T(hostile_frames),
		T(receive_into_posted_buffers),
		T(a_buffer_too_small),
		T(transmit_is_bounded_per_exit),
		T(a_reset_device_hears_nothing),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
