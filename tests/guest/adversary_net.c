/*
 * adversary_net.c - [Testguest 19] frames a network stack must refuse,
 * and some it must take although they look odd.
 *
 * Everything that comes off the wire is the sender's to choose, and our
 * stack (paravirt-guest/net.c and the layers above it) must check every
 * length and field before it uses it.  These frames are built by hand,
 * each with one thing wrong, and sent raw (vnet_send()) to another guest
 * on the switch; each must be dropped, and counted once, in the order
 * the layers check them:
 *
 *   Ethernet  a type nobody handles; a unicast frame for another MAC;
 *   ARP       cut short; 8-byte hardware addresses; an unknown opcode;
 *   IPv4      cut short; version 6; a header of 16 bytes, or longer
 *             than the packet; a total length past the frame, or
 *             shorter than the header; a bad checksum; a first and a
 *             later fragment; for another host; from 0.0.0.0; TCP;
 *   ICMP      cut short; an echo request with a bad checksum;
 *   UDP       cut short; a length below the header's, or past the
 *             packet; a bad checksum; for a port nobody bound.
 *
 * The odd but valid ones must each be echoed back: a header with
 * options (which the stack skips), a frame padded past the end of its
 * packet (as a real card pads short frames), a datagram without a
 * checksum (optional in IPv4).
 *
 * The frames come from our own MAC: the hypervisor refuses any other
 * source, so a forged source is not ours to test.
 */
#include "paravirt-guest/console.h"
#include "paravirt-guest/mm.h"
#include "paravirt-guest/net.h"
#include "paravirt-guest/virtio_net.h"

#include "testguest.h"

#define PEER_PORT 7
#define NOP 1 /* the IPv4 option that is just padding (RFC 791) */

static uint8_t frame[ETH_FRAME_MAX];
static uint8_t peer_mac[ETH_ALEN];
static uint32_t peer;

static uint32_t length(const char *s)
{
	uint32_t n = 0;

	while (s[n])
		n++;
	return n;
}

static struct ip_hdr *ip_of(void)
{
	return (struct ip_hdr *)(frame + ETH_HLEN);
}

static struct udp_hdr *udp_of(uint32_t hlen)
{
	return (struct udp_hdr *)(frame + ETH_HLEN + hlen);
}

static void eth(uint16_t type)
{
	struct eth_hdr *eh = (struct eth_hdr *)frame;

	memcpy(eh->dst, peer_mac, ETH_ALEN);
	memcpy(eh->src, vnet_mac(), ETH_ALEN);
	eh->type = htons(type);
}

static void ip_checksum(uint32_t hlen)
{
	ip_of()->csum = 0;
	ip_of()->csum = htons(ip_fold(ip_sum(ip_of(), hlen, 0)));
}

/* A header of hlen bytes (options all NOP) for payload bytes of proto. */
static void ip(uint32_t hlen, uint8_t proto, uint32_t payload)
{
	struct ip_hdr *ih = ip_of();

	eth(ETH_P_IP);
	memset(ih, NOP, hlen);
	ih->ver_ihl = (uint8_t)(IP_VERSION << 4 | hlen / 4);
	ih->tos = 0;
	ih->total_len = htons((uint16_t)(hlen + payload));
	ih->id = 0;
	ih->frag = 0;
	ih->ttl = IP_TTL;
	ih->proto = proto;
	ih->src = htonl(net_addr());
	ih->dst = htonl(peer);
	ip_checksum(hlen);
}

static void udp_checksum(uint32_t hlen)
{
	struct udp_hdr *uh = udp_of(hlen);
	uint32_t len = ntohs(uh->len), src = net_addr();
	uint32_t sum = (src >> 16) + (src & 0xffff) + (peer >> 16) +
		       (peer & 0xffff) + IP_PROTO_UDP + len;
	uint16_t c;

	uh->csum = 0;
	c = ip_fold(ip_sum(uh, len, sum));
	uh->csum = htons(c ? c : 0xffff);
}

/* A good datagram of text, from sport to the peer's echo port. */
static uint32_t udp(uint32_t hlen, uint16_t sport, const char *text)
{
	uint32_t n = length(text);
	struct udp_hdr *uh = udp_of(hlen);

	ip(hlen, IP_PROTO_UDP, UDP_HLEN + n);
	uh->sport = htons(sport);
	uh->dport = htons(PEER_PORT);
	uh->len = htons((uint16_t)(UDP_HLEN + n));
	memcpy((uint8_t *)uh + UDP_HLEN, text, n);
	udp_checksum(hlen);
	return ETH_HLEN + hlen + UDP_HLEN + n;
}

/* A good ARP request for the peer's address, but with this opcode and
 * hardware address length. */
static uint32_t arp(uint16_t op, uint8_t hlen)
{
	struct arp_pkt *a = (struct arp_pkt *)(frame + ETH_HLEN);

	eth(ETH_P_ARP);
	a->htype = htons(ARP_HTYPE_ETHER);
	a->ptype = htons(ETH_P_IP);
	a->hlen = hlen;
	a->plen = 4;
	a->op = htons(op);
	memcpy(a->sha, vnet_mac(), ETH_ALEN);
	a->spa = htonl(net_addr());
	memset(a->tha, 0, ETH_ALEN);
	a->tpa = htonl(peer);
	return ETH_HLEN + sizeof(*a);
}

/* An echo request with 8 bytes of data, checksummed. */
static uint32_t echo_request(void)
{
	struct icmp_echo *ic = (struct icmp_echo *)(frame + IP_PAYLOAD_OFF);
	uint32_t len = ICMP_HLEN + 8;

	ip(IP_HLEN, IP_PROTO_ICMP, len);
	memset(ic, 0xab, len);
	ic->type = ICMP_ECHO_REQUEST;
	ic->code = 0;
	ic->id = htons(0x4242);
	ic->seq = htons(1);
	ic->csum = 0;
	ic->csum = htons(ip_fold(ip_sum(ic, len, 0)));
	return IP_PAYLOAD_OFF + len;
}

/* Case i of the bad frames, built in frame: its length and *name. */
static uint32_t bad_frame(unsigned int i, uint16_t sport, const char **name)
{
	static const uint8_t stranger[ETH_ALEN] = { 0x52, 0x54, 0x00,
						    0x99, 0x99, 0x99 };
	uint32_t len = udp(IP_HLEN, sport, "hostile");
	struct ip_hdr *ih = ip_of();
	struct udp_hdr *uh = udp_of(IP_HLEN);

	switch (i) {
	case 0:
		*name = "an EtherType nobody handles (IPv6)";
		((struct eth_hdr *)frame)->type = htons(0x86dd);
		return len;
	case 1:
		*name = "a unicast frame for another MAC";
		memcpy(frame, stranger, ETH_ALEN);
		return len;
	case 2:
		*name = "ARP cut to 20 bytes";
		return arp(ARP_OP_REQUEST, ETH_ALEN) - 8;
	case 3:
		*name = "ARP with 8-byte hardware addresses";
		return arp(ARP_OP_REQUEST, 8);
	case 4:
		*name = "ARP opcode 3";
		return arp(3, ETH_ALEN);
	case 5:
		*name = "IPv4 cut to 10 bytes";
		return ETH_HLEN + 10;
	case 6:
		*name = "IP version 6 in a v4 header";
		ih->ver_ihl = 6 << 4 | 5;
		break;
	case 7:
		*name = "a header length of 16 bytes";
		ih->ver_ihl = IP_VERSION << 4 | 4;
		break;
	case 8:
		*name = "a header length of 60 bytes, past the packet";
		ih->ver_ihl = IP_VERSION << 4 | 15;
		break;
	case 9:
		*name = "a total length past the frame";
		ih->total_len = htons((uint16_t)(len - ETH_HLEN + 1));
		break;
	case 10:
		*name = "a total length shorter than the header";
		ih->total_len = htons(IP_HLEN - 1);
		break;
	case 11:
		*name = "a bad header checksum";
		ih->csum ^= htons(0x0101);
		return len;
	case 12:
		*name = "a first fragment (MF)";
		ih->frag = htons(IP_MF);
		break;
	case 13:
		*name = "a later fragment (offset 185)";
		ih->frag = htons(185);
		break;
	case 14:
		*name = "for another host of the subnet";
		ih->dst = htonl(peer ^ 0x40);
		break;
	case 15:
		*name = "from 0.0.0.0";
		ih->src = 0;
		break;
	case 16:
		*name = "TCP";
		ih->proto = 6;
		break;
	case 17:
		*name = "ICMP cut to 4 bytes";
		ip(IP_HLEN, IP_PROTO_ICMP, 4);
		return IP_PAYLOAD_OFF + 4;
	case 18:
		*name = "an echo request with a bad checksum";
		len = echo_request();
		((struct icmp_echo *)(frame + IP_PAYLOAD_OFF))->csum ^= 0x0101;
		return len;
	case 19:
		*name = "UDP cut to 4 bytes";
		ip(IP_HLEN, IP_PROTO_UDP, 4);
		return IP_PAYLOAD_OFF + 4;
	case 20:
		*name = "a UDP length of 6";
		uh->len = htons(6);
		return len;
	case 21:
		*name = "a UDP length past the packet";
		uh->len = htons((uint16_t)(ntohs(uh->len) + 1));
		return len;
	case 22:
		*name = "a bad UDP checksum";
		uh->csum = uh->csum == htons(0x0101) ? htons(0x1234)
						     : uh->csum ^ htons(0x0101);
		return len;
	case 23:
		*name = "UDP for a port nobody bound";
		uh->dport = htons(4444);
		udp_checksum(IP_HLEN);
		return len;
	default:
		return 0;
	}
	ip_checksum(IP_HLEN); /* only the field named is wrong */
	return len;
}

/* Send every bad frame to victim (at mac): how many must be dropped. */
unsigned int net_send_hostile(uint32_t victim, const uint8_t *mac,
			      uint16_t sport)
{
	const char *name = "";
	unsigned int n = 0;
	uint32_t len;

	peer = victim;
	memcpy(peer_mac, mac, ETH_ALEN);
	while ((len = bad_frame(n, sport, &name))) {
		vnet_send(frame, len);
		printf("guest: nettest: hostile: sent %s (%u bytes)\n", name,
		       len);
		n++;
	}
	return n;
}

/* Unusual but valid: odd datagram i, echoed with text odd_text(i). */
const char *net_odd_text(unsigned int i)
{
	static const char *const texts[] = { "odd: options", "odd: padded",
					     "odd: no checksum" };

	return i < sizeof(texts) / sizeof(texts[0]) ? texts[i] : NULL;
}

void net_send_odd(unsigned int i, uint16_t sport)
{
	uint32_t len;

	switch (i) {
	case 0:
		len = udp(IP_HLEN + 4, sport, net_odd_text(i));
		break;
	case 1:
		len = udp(IP_HLEN, sport, net_odd_text(i));
		memset(frame + len, 0xee, 17);
		len += 17;
		break;
	default:
		len = udp(IP_HLEN, sport, net_odd_text(i));
		udp_of(IP_HLEN)->csum = 0;
		break;
	}
	vnet_send(frame, len);
}
