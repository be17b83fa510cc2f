/*
 * ip.c - [Pvguest 25] IPv4 (RFC 791): every header checked on the way
 * in, one written on the way out, and the Internet checksum (RFC 1071)
 * that both need.
 *
 * What we leave out, and why:
 *
 *   fragments: we never send a packet bigger than the link takes (1500
 *   bytes; DF set), and we drop every fragment that arrives.  Holding
 *   pieces until the rest come is memory that any sender could make us
 *   spend, for traffic (ping, small datagrams) that never needs it;
 *
 *   routing: a destination off our subnet is unreachable; there is no
 *   gateway to send it to;
 *
 *   options: we send none, and skip those we receive (the header length
 *   says how far);
 *
 *   ICMP errors: a datagram for a port nobody bound is dropped in
 *   silence, not answered with "port unreachable".
 */
#include "net.h"

static uint16_t next_id;

/*
 * The Internet checksum adds 16-bit big-endian words in one's
 * complement: sum them here (an odd byte at the end counts as its high
 * half), then fold the carries back in and invert (ip_fold()).  A
 * header or message with its checksum in place folds to 0.  A 32-bit
 * sum cannot overflow for anything that fits in a frame.
 */
uint32_t ip_sum(const void *data, uint32_t len, uint32_t sum)
{
	const uint8_t *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t ip_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * An IPv4 packet of len bytes from the wire (more than the packet if
 * the frame was padded to Ethernet's minimum); interrupts are off.  Each
 * field is checked before it is used, in the order that makes the next
 * check safe: the length covers the fixed header, the header length
 * covers itself, the total length covers the header and fits in what
 * arrived.
 */
void ip_input(const uint8_t *pkt, uint32_t len)
{
	const struct ip_hdr *ih = (const void *)pkt;
	uint32_t hlen, total, src, dst, us = net_addr();

	if (len < IP_HLEN)
		goto drop;
	hlen = (ih->ver_ihl & 0xfu) * 4;
	if (ih->ver_ihl >> 4 != IP_VERSION || hlen < IP_HLEN || hlen > len)
		goto drop;
	total = ntohs(ih->total_len);
	if (total < hlen || total > len || ip_fold(ip_sum(ih, hlen, 0)))
		goto drop;
	if (ntohs(ih->frag) & (IP_MF | IP_OFFMASK))
		goto drop;
	src = ntohl(ih->src);
	dst = ntohl(ih->dst);
	if (!us || (dst != us && !net_is_broadcast(dst)))
		goto drop;
	/* A source no host can have: nobody to answer. */
	if (!src || src == us || net_is_broadcast(src) || src >> 28 == 0xe)
		goto drop;
	switch (ih->proto) {
	case IP_PROTO_ICMP:
		icmp_input(src, dst, pkt + hlen, total - hlen, ih->ttl);
		return;
	case IP_PROTO_UDP:
		udp_input(src, dst, pkt + hlen, total - hlen);
		return;
	}
drop:
	net_stats.rx_dropped++;
}

/*
 * Send the len bytes of payload at frame + IP_PAYLOAD_OFF to dst, behind
 * a header of ours: to everyone for a broadcast address, else through
 * ARP to a host of our subnet.  Interrupts are off.  False if there is
 * no way to send it: no address of ours, too big, ourselves (there is
 * no loopback), or off our subnet.
 */
bool ip_send(uint8_t *frame, uint32_t dst, uint8_t proto, uint32_t len)
{
	struct ip_hdr *ih = (struct ip_hdr *)(frame + ETH_HLEN);
	uint32_t us = net_addr();
	bool broadcast = net_is_broadcast(dst);

	if (!us || len > IP_PAYLOAD_MAX || dst == us ||
	    (!broadcast && !net_on_link(dst))) {
		net_stats.tx_dropped++;
		return false;
	}
	ih->ver_ihl = IP_VERSION << 4 | IP_HLEN / 4;
	ih->tos = 0;
	ih->total_len = htons((uint16_t)(IP_HLEN + len));
	ih->id = htons(next_id++);
	ih->frag = htons(IP_DF);
	ih->ttl = IP_TTL;
	ih->proto = proto;
	ih->csum = 0;
	ih->src = htonl(us);
	ih->dst = htonl(dst);
	ih->csum = htons(ip_fold(ip_sum(ih, IP_HLEN, 0)));
	if (broadcast)
		return eth_send(frame, NULL, ETH_P_IP, IP_HLEN + len);
	return arp_output(frame, dst, IP_HLEN + len);
}
