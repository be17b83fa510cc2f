/*
 * net.h - [Pvguest 23] the network stack: one interface (eth0, the
 * virtio-net card), and the layers that pass packets up and down it.
 *
 *   net.c   the interface: its address, counters, Ethernet in and out
 *   arp.c   IPv4 address -> MAC address, asked and answered
 *   ip.c    IPv4: checked on the way in, a header on the way out
 *   icmp.c  echo: answering pings, and sending them
 *   udp.c   datagrams: ports bound by their owners, a queue each
 *
 * Frames come up from the driver's interrupt handler, with interrupts
 * off, and each layer checks what it reads (the wire is untrusted input)
 * before handing the rest on.  Frames go down built in place in one
 * buffer, innermost payload first: UDP writes its header in front of
 * the data, IP in front of that, Ethernet in front of that.  Every send
 * runs with interrupts off, so the shared buffer (net_frame) is only
 * ever built by one sender at a time.
 *
 * Addresses are in host byte order (net_format.h).
 */
#ifndef PVGUEST_NET_H
#define PVGUEST_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net_format.h"

/* For printf: "%u.%u.%u.%u" with IP_ARGS(addr). */
#define IP_FMT "%u.%u.%u.%u"
#define IP_ARGS(a)                                                             \
	(unsigned int)((a) >> 24), (unsigned int)((a) >> 16 & 0xff),           \
		(unsigned int)((a) >> 8 & 0xff), (unsigned int)((a)&0xff)

#define NET_DEFAULT_PREFIX 24

/* The interface's counters: the driver's and the stack's. */
struct net_stats {
	uint32_t rx_frames, rx_bytes; /* taken from the device */
	uint32_t tx_frames, tx_bytes; /* handed to the device */
	uint32_t rx_dropped;  /* taken, but malformed, not for us, no room */
	uint32_t tx_dropped;  /* not sent: no address or route, no buffer */
	uint32_t tx_notifies; /* notifies of the transmit queue */
	uint32_t interrupts;  /* the card's */
};

extern struct net_stats net_stats;
extern uint8_t net_frame[ETH_FRAME_MAX]; /* built with interrupts off */

/* net.c */
bool net_present(void);
void net_input(const uint8_t *frame, uint32_t len);
bool eth_send(uint8_t *frame, const uint8_t *dst, uint16_t type, uint32_t len);
bool net_set_addr(uint32_t addr, unsigned int prefix);
uint32_t net_addr(void);
unsigned int net_prefix(void);
bool net_on_link(uint32_t ip);
bool net_is_broadcast(uint32_t ip);
const char *net_parse_addr(const char *s, uint32_t *addr, unsigned int *prefix);
bool net_wait(uint32_t start, uint32_t ticks);

/* arp.c */
void arp_input(const uint8_t *pkt, uint32_t len);
bool arp_output(uint8_t *frame, uint32_t ip, uint32_t len);
bool arp_lookup(uint32_t ip, uint8_t mac[ETH_ALEN]);
bool arp_resolve(uint32_t ip, uint8_t mac[ETH_ALEN], uint32_t ticks);
void arp_forget(void);

/* ip.c */
uint32_t ip_sum(const void *data, uint32_t len, uint32_t sum);
uint16_t ip_fold(uint32_t sum);
void ip_input(const uint8_t *pkt, uint32_t len);
bool ip_send(uint8_t *frame, uint32_t dst, uint8_t proto, uint32_t len);

/* icmp.c */
#define PING_DATA 56 /* bytes of data in an echo request, as ping(8) */

struct ping_result {
	uint32_t from, bytes; /* bytes: of the ICMP message */
	uint8_t ttl;
	uint64_t cycles; /* TSC cycles from sending to the reply */
};

extern uint32_t icmp_echoes_answered;
void icmp_input(uint32_t src, uint32_t dst, const uint8_t *msg, uint32_t len,
		uint8_t ttl);
bool icmp_ping(uint32_t dst, uint16_t id, uint16_t seq, uint32_t ticks,
	       struct ping_result *r);

/* udp.c: a port belongs to an owner (a pid; 0 for the kernel itself). */
#define UDP_FOREVER 0xffffffffu

void udp_input(uint32_t src, uint32_t dst, const uint8_t *seg, uint32_t len);
int udp_bind(uint16_t port, int owner);
bool udp_owns(uint16_t port, int owner);
void udp_close(uint16_t port);
void udp_close_owner(int owner);
bool udp_send(uint16_t sport, uint32_t dst, uint16_t dport, const void *data,
	      uint32_t len);
int udp_recv(uint16_t port, uint32_t *src, uint16_t *sport, void *buf,
	     uint32_t len, uint32_t ticks);

#endif /* PVGUEST_NET_H */
