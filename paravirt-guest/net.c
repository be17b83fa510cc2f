/*
 * net.c - [Pvguest 23] the interface, eth0: its address, and Ethernet
 * frames in and out.
 *
 * eth0 is the virtio-net card (virtio_net.c) with one IPv4 address and
 * a prefix, from "ip=ADDR/PREFIX" on the command line (setup.c) or the
 * shell's ifconfig.  The hosts of that subnet are all we can reach:
 * there is no router, so no routing table, only "is it on the link?".
 *
 * On the way in a frame must be addressed to our MAC or to everyone
 * (the switch also floods frames for addresses it has not learned, so
 * we see other hosts' unicast too, and drop it), and come from an
 * individual address.  Then its type picks the layer: ARP or IPv4.
 * Everything else is dropped and counted.
 */
#include "console.h"
#include "irq.h"
#include "mm.h"
#include "net.h"
#include "proc.h"
#include "timer.h"
#include "virtio_net.h"

struct net_stats net_stats;
uint8_t net_frame[ETH_FRAME_MAX];

static const uint8_t eth_broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff,
						 0xff, 0xff, 0xff };
static uint32_t our_addr, our_mask; /* 0: no address yet */
static unsigned int our_prefix;

bool net_present(void)
{
	return vnet_up();
}

static bool mac_equal(const uint8_t *a, const uint8_t *b)
{
	for (unsigned int i = 0; i < ETH_ALEN; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* A frame from the driver, 14..1514 bytes; interrupts are off. */
void net_input(const uint8_t *frame, uint32_t len)
{
	const struct eth_hdr *eh = (const void *)frame;

	if (len < ETH_HLEN || len > ETH_FRAME_MAX ||
	    !(mac_equal(eh->dst, vnet_mac()) ||
	      mac_equal(eh->dst, eth_broadcast)) ||
	    (eh->src[0] & 1)) {
		net_stats.rx_dropped++;
		return;
	}
	switch (ntohs(eh->type)) {
	case ETH_P_ARP:
		arp_input(frame + ETH_HLEN, len - ETH_HLEN);
		break;
	case ETH_P_IP:
		ip_input(frame + ETH_HLEN, len - ETH_HLEN);
		break;
	default:
		net_stats.rx_dropped++;
		break;
	}
}

/*
 * Send the frame whose payload (len bytes) is already at frame +
 * ETH_HLEN: the header goes in front, and the driver copies it all out.
 */
bool eth_send(uint8_t *frame, const uint8_t *dst, uint16_t type, uint32_t len)
{
	struct eth_hdr *eh = (struct eth_hdr *)frame;

	memcpy(eh->dst, dst ? dst : eth_broadcast, ETH_ALEN);
	memcpy(eh->src, vnet_mac(), ETH_ALEN);
	eh->type = htons(type);
	return vnet_send(frame, ETH_HLEN + len);
}

/*
 * Our address and prefix.  Refused: a prefix that leaves no room for two
 * hosts, and an address no host may have: 0, loopback, multicast or
 * reserved (224/3), or the subnet's own network or broadcast address.
 * What ARP learned under the old address is forgotten.
 */
bool net_set_addr(uint32_t addr, unsigned int prefix)
{
	uint32_t mask, flags;

	if (prefix < 1 || prefix > 30)
		return false;
	mask = ~0u << (32 - prefix);
	if (!addr || addr >> 24 == 127 || addr >> 29 == 7 ||
	    (addr & ~mask) == 0 || (addr & ~mask) == ~mask)
		return false;
	flags = irq_save();
	our_addr = addr;
	our_mask = mask;
	our_prefix = prefix;
	arp_forget();
	irq_restore(flags);
	printf("guest: net: eth0 address " IP_FMT "/%u\n", IP_ARGS(addr),
	       prefix);
	return true;
}

uint32_t net_addr(void)
{
	return our_addr;
}

unsigned int net_prefix(void)
{
	return our_prefix;
}

/* Is ip a host of our subnet (ourselves included)? */
bool net_on_link(uint32_t ip)
{
	return our_addr && (ip & our_mask) == (our_addr & our_mask);
}

/* Everyone: the limited broadcast, or our subnet's. */
bool net_is_broadcast(uint32_t ip)
{
	return ip == 0xffffffffu || (our_addr && ip == (our_addr | ~our_mask));
}

/* Up to three decimal digits, at most max; NULL if none or too big. */
static const char *parse_number(const char *s, unsigned int max,
				unsigned int *out)
{
	unsigned int n = 0, digits = 0;

	while (*s >= '0' && *s <= '9' && digits < 3) {
		n = n * 10 + (unsigned int)(*s++ - '0');
		digits++;
	}
	if (!digits || n > max || (*s >= '0' && *s <= '9'))
		return NULL;
	*out = n;
	return s;
}

/*
 * "A.B.C.D", and if prefix is not NULL an optional "/N" (N from 1 to
 * 32; NET_DEFAULT_PREFIX when absent).  Returns where the text stopped
 * (the caller decides what may follow), or NULL if it is not an
 * address.
 */
const char *net_parse_addr(const char *s, uint32_t *addr, unsigned int *prefix)
{
	uint32_t a = 0;
	unsigned int n;

	for (int i = 0; i < 4; i++) {
		if (i && *s++ != '.')
			return NULL;
		s = parse_number(s, 255, &n);
		if (!s)
			return NULL;
		a = a << 8 | n;
	}
	if (prefix) {
		*prefix = NET_DEFAULT_PREFIX;
		if (*s == '/') {
			s = parse_number(s + 1, 32, prefix);
			if (!s || !*prefix)
				return NULL;
		}
	}
	*addr = a;
	return s;
}

/*
 * Wait a little for the network.  Called with interrupts off by whoever
 * looked for what it waits for (a reply, a datagram) and did not find
 * it; returns with interrupts off, for it to look again, or false once
 * "ticks" ticks have passed since "start".  Only for a process, or the
 * kernel after proc_init(): the tick must be running, or the HALT in
 * proc_idle() might never end.
 *
 * proc_idle() sleeps until an interrupt: ours, whose handler has taken
 * the new frames by the time we return, or the tick.  In case our
 * interrupt never comes, we also look at the receive queue ourselves
 * after every wake-up: a polling fallback that costs a memory read when
 * the interrupt works, and at most a tick (10 ms) when it does not.
 */
bool net_wait(uint32_t start, uint32_t ticks)
{
	if (timer_ticks() - start >= ticks)
		return false;
	proc_idle();
	irq_disable();
	vnet_poll();
	return true;
}
