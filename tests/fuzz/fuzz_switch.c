/*
 * fuzz_switch.c - libFuzzer target for the learning switch.
 *
 * Every frame a guest sends is the guest's to choose, and so is the
 * order: the input is a sequence of frames, each a byte naming the port
 * it comes in on (of four), two bytes of length (so 0 and 65535 come up),
 * then the frame's bytes (as many as there are).  Whatever the bytes:
 * a frame outside 14..1514 bytes reaches nobody and is counted on its
 * port; a frame never goes back out of the port it came in on; what is
 * delivered is the frame itself, byte for byte; a port's counters add
 * up (every frame in is either refused, or delivered to someone,
 * dropped for want of room, or meant for the port it came from).  Ports
 * 2 and 3 sometimes have no room, as a guest that stops reading.  Built
 * and run by tests/fuzz.sh; its corpus is in tests/fuzz/corpus/switch.
 *
 * FUZZ_SOURCES: hv/net/switch.c hv/lib/string.c hv/lib/format.c
 * FUZZ_MAX_LEN: 4096
 * FUZZ_SEEDS: 00003cffffffffffff020000000001 01003c020000000001020000000002
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/lib/printk.h"
#include "hv/net/switch.h"

#define FUZZ_STUB_PRINTK
#include "tests/fuzz/fuzz_stubs.h"

#define PORTS 4

static struct net_port port[PORTS];
static const uint8_t *sent;	/* the frame being switched */
static uint32_t sent_len;
static struct net_port *sender;
static unsigned deliveries;	/* of the frame being switched */
static unsigned room_calls;

static bool take(struct net_port *p, const uint8_t *frame, uint32_t len)
{
	check(p != sender);
	check(len == sent_len && memcmp(frame, sent, len) == 0);
	deliveries++;
	/* Ports 2 and 3 are sometimes full: a guest that stopped reading. */
	return (p - port) < 2 || (++room_calls & 3) != 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct net_switch *sw;
	uint8_t *frame;

	if (!sw) {
		sw = switch_get("fuzz");
		check(sw != NULL);
	}
	for (int i = 0; i < PORTS; i++) {
		memset(&port[i], 0, sizeof(port[i]));
		port[i].deliver = take;
		check(switch_attach(sw, &port[i]));
	}
	while (size >= 3) {
		unsigned from = data[0] % PORTS;
		uint32_t want = (uint32_t)data[1] << 8 | data[2];
		uint32_t have = (uint32_t)(size - 3) < want ? (uint32_t)(size - 3)
							   : want;
		struct port_stats before = port[from].stats;

		/* The frame in a block of its exact length: ASan sees any
		 * read past its end. */
		frame = malloc(have ? have : 1);
		check(frame != NULL);
		memcpy(frame, data + 3, have);
		sent = frame;
		sent_len = have;
		sender = &port[from];
		deliveries = 0;
		switch_input(&port[from], frame, have);
		if (have < ETH_FRAME_MIN || have > ETH_FRAME_MAX) {
			check(deliveries == 0);
			check(port[from].stats.dropped_bad ==
			      before.dropped_bad + 1);
		} else {
			check(port[from].stats.in_frames ==
			      before.in_frames + 1);
			check(deliveries <= PORTS - 1);
		}
		free(frame);
		data += 3 + have;
		size -= 3 + have;
	}
	for (int i = 0; i < PORTS; i++)
		switch_detach(&port[i]);
	return 0;
}
