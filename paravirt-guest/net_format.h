/*
 * net_format.h - [Pvguest 23] what goes on the wire: Ethernet, ARP,
 * IPv4, ICMP and UDP headers, laid out byte for byte as the RFCs draw
 * them.
 *
 * Every multi-byte field is big-endian ("network byte order") on the
 * wire and little-endian in our registers, so each one is read through
 * ntohs()/ntohl() and written through htons()/htonl().  The stack keeps
 * IPv4 addresses in host order (192.0.2.1 is 0xc0000201), which makes
 * "same subnet" a mask and a compare, and turns them into wire order
 * only in a header.
 *
 * The structs are packed: an IPv4 header follows the 14-byte Ethernet
 * header, so its 32-bit fields are not 4-byte aligned in a frame.  x86
 * does not mind, and "packed" tells the compiler not to assume
 * otherwise.
 */
#ifndef PVGUEST_NET_FORMAT_H
#define PVGUEST_NET_FORMAT_H

#include <stdint.h>

#define PACKED __attribute__((packed))

static inline uint16_t htons(uint16_t v)
{
	return __builtin_bswap16(v);
}

static inline uint16_t ntohs(uint16_t v)
{
	return __builtin_bswap16(v);
}

static inline uint32_t htonl(uint32_t v)
{
	return __builtin_bswap32(v);
}

static inline uint32_t ntohl(uint32_t v)
{
	return __builtin_bswap32(v);
}

/* Ethernet II (IEEE 802.3 with a type field). */
#define ETH_ALEN 6
#define ETH_HLEN 14
#define ETH_FRAME_MAX 1514 /* header and 1500 bytes: no FCS, no VLAN tag */
#define ETH_MTU (ETH_FRAME_MAX - ETH_HLEN)
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806

struct eth_hdr {
	uint8_t dst[ETH_ALEN], src[ETH_ALEN];
	uint16_t type;
} PACKED;

/* ARP for IPv4 over Ethernet (RFC 826). */
#define ARP_HTYPE_ETHER 1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

struct arp_pkt {
	uint16_t htype, ptype; /* 1 (Ethernet), 0x0800 (IPv4) */
	uint8_t hlen, plen;    /* 6, 4 */
	uint16_t op;
	uint8_t sha[ETH_ALEN]; /* sender's hardware and protocol address */
	uint32_t spa;
	uint8_t tha[ETH_ALEN]; /* target's: tha is unknown in a request */
	uint32_t tpa;
} PACKED;

/* IPv4 (RFC 791).  We send no options; we accept and skip them. */
#define IP_HLEN 20
#define IP_VERSION 4
#define IP_DF 0x4000	  /* don't fragment */
#define IP_MF 0x2000	  /* more fragments */
#define IP_OFFMASK 0x1fff /* fragment offset, in 8-byte units */
#define IP_PROTO_ICMP 1
#define IP_PROTO_UDP 17
#define IP_TTL 64

struct ip_hdr {
	uint8_t ver_ihl; /* version (4) << 4 | header length in words */
	uint8_t tos;
	uint16_t total_len; /* header and payload */
	uint16_t id;
	uint16_t frag; /* flags (DF, MF) and fragment offset */
	uint8_t ttl, proto;
	uint16_t csum;
	uint32_t src, dst;
} PACKED;

/* ICMP echo (RFC 792): the header, then whatever data the sender chose. */
#define ICMP_HLEN 8
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8

struct icmp_echo {
	uint8_t type, code;
	uint16_t csum;
	uint16_t id, seq;
} PACKED;

/* UDP (RFC 768).  A checksum of 0 means "none"; one that computes to 0
 * is sent as 0xffff. */
#define UDP_HLEN 8

struct udp_hdr {
	uint16_t sport, dport;
	uint16_t len; /* header and data */
	uint16_t csum;
} PACKED;

/* Where each layer's payload starts in a frame we build. */
#define IP_PAYLOAD_OFF (ETH_HLEN + IP_HLEN)
#define UDP_DATA_OFF (IP_PAYLOAD_OFF + UDP_HLEN)
#define IP_PAYLOAD_MAX (ETH_MTU - IP_HLEN)	 /* 1480: no fragments */
#define UDP_DATA_MAX (IP_PAYLOAD_MAX - UDP_HLEN) /* 1472 */

_Static_assert(sizeof(struct eth_hdr) == ETH_HLEN, "Ethernet II");
_Static_assert(sizeof(struct arp_pkt) == 28, "RFC 826");
_Static_assert(sizeof(struct ip_hdr) == IP_HLEN, "RFC 791");
_Static_assert(sizeof(struct icmp_echo) == ICMP_HLEN, "RFC 792");
_Static_assert(sizeof(struct udp_hdr) == UDP_HLEN, "RFC 768");

#endif /* PVGUEST_NET_FORMAT_H */
