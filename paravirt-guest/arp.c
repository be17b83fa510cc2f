/*
 * arp.c - [Pvguest 24] ARP (RFC 826): which MAC has this IPv4 address?
 *
 * An IP packet for a host of our subnet goes in a frame to that host's
 * MAC, which we must ask for: a broadcast request "who has 192.0.2.2?
 * tell 192.0.2.1 (at our MAC)", answered by that host alone.  What we
 * learn goes in a small cache of ARP_ENTRIES, trusted for ARP_LIFETIME.
 *
 * Nothing waits for an answer.  The packet may have been built inside
 * the interrupt handler (an echo reply), so instead the entry keeps it,
 * the latest packet for that address, and sends it when the reply comes.
 * A request that goes unanswered is asked again, no more than once every
 * ARP_RETRY, when the next packet for the address comes along: ping's
 * one a second, say.
 *
 * On the way in, RFC 826's "merge": a sender we already know gets its
 * MAC refreshed; a sender of a request or reply meant for us is learned
 * (it is about to talk to us), and a request is answered.  Other hosts'
 * conversations teach us nothing more, so that a flood of them cannot
 * push out the entries we use.  A sender at address 0 (an address probe,
 * RFC 5227), off our subnet, at a broadcast address or at ours, or with
 * a group MAC, is never learned.
 */
#include "irq.h"
#include "mm.h"
#include "net.h"
#include "timer.h"
#include "virtio_net.h"

#define ARP_ENTRIES 16
#define ARP_LIFETIME (60 * TICK_HZ)
#define ARP_RETRY TICK_HZ

enum arp_state { ARP_FREE, ARP_ASKING, ARP_KNOWN };

struct arp_entry {
	enum arp_state state;
	uint32_t ip;
	uint8_t mac[ETH_ALEN];
	bool asked;
	uint32_t stamp;	      /* ticks: when learned, or last asked */
	uint32_t waiting_len; /* the IP packet waiting for us to learn mac */
	uint8_t waiting[ETH_FRAME_MAX];
};

static struct arp_entry cache[ARP_ENTRIES];
static uint8_t arp_frame[ETH_HLEN + sizeof(struct arp_pkt)];

static struct arp_entry *find(uint32_t ip)
{
	for (unsigned int i = 0; i < ARP_ENTRIES; i++)
		if (cache[i].state != ARP_FREE && cache[i].ip == ip)
			return &cache[i];
	return NULL;
}

static bool fresh(const struct arp_entry *e)
{
	return e->state == ARP_KNOWN && timer_ticks() - e->stamp < ARP_LIFETIME;
}

/* A free entry for ip, else the one longest untouched, reused. */
static struct arp_entry *alloc(uint32_t ip)
{
	struct arp_entry *e = &cache[0];
	uint32_t now = timer_ticks();

	for (unsigned int i = 0; i < ARP_ENTRIES; i++) {
		if (cache[i].state == ARP_FREE) {
			e = &cache[i];
			break;
		}
		if (now - cache[i].stamp > now - e->stamp)
			e = &cache[i];
	}
	if (e->state != ARP_FREE && e->waiting_len)
		net_stats.tx_dropped++;
	e->state = ARP_ASKING;
	e->ip = ip;
	e->asked = false;
	e->stamp = now;
	e->waiting_len = 0;
	return e;
}

/* One ARP packet: to tha (NULL: broadcast), about tpa. */
static void arp_send(uint16_t op, const uint8_t *tha, uint32_t tpa)
{
	struct arp_pkt *a = (struct arp_pkt *)(arp_frame + ETH_HLEN);

	a->htype = htons(ARP_HTYPE_ETHER);
	a->ptype = htons(ETH_P_IP);
	a->hlen = ETH_ALEN;
	a->plen = 4;
	a->op = htons(op);
	memcpy(a->sha, vnet_mac(), ETH_ALEN);
	a->spa = htonl(net_addr());
	if (tha)
		memcpy(a->tha, tha, ETH_ALEN);
	else
		memset(a->tha, 0, ETH_ALEN);
	a->tpa = htonl(tpa);
	eth_send(arp_frame, tha, ETH_P_ARP, sizeof(*a));
}

/* ip is at mac: remember it, and send what was waiting for it. */
static void learn(struct arp_entry *e, const uint8_t *mac)
{
	memcpy(e->mac, mac, ETH_ALEN);
	e->state = ARP_KNOWN;
	e->stamp = timer_ticks();
	if (e->waiting_len) {
		eth_send(e->waiting, e->mac, ETH_P_IP, e->waiting_len);
		e->waiting_len = 0;
	}
}

/*
 * Send the IP packet of len bytes at frame + ETH_HLEN to ip, a host of
 * our subnet: now if we know its MAC, else once we learn it.
 */
bool arp_output(uint8_t *frame, uint32_t ip, uint32_t len)
{
	struct arp_entry *e = find(ip);
	uint32_t now = timer_ticks();

	if (e && fresh(e))
		return eth_send(frame, e->mac, ETH_P_IP, len);
	if (!e) {
		e = alloc(ip);
	} else if (e->state == ARP_KNOWN) {
		e->state = ARP_ASKING; /* too old to trust: ask again */
		e->asked = false;
	}
	if (e->waiting_len)
		net_stats.tx_dropped++; /* an older packet, replaced */
	memcpy(e->waiting, frame, ETH_HLEN + len);
	e->waiting_len = len;
	if (!e->asked || now - e->stamp >= ARP_RETRY) {
		e->asked = true;
		e->stamp = now;
		arp_send(ARP_OP_REQUEST, NULL, ip);
	}
	return true;
}

/* An ARP packet of len bytes from the wire; interrupts are off. */
void arp_input(const uint8_t *pkt, uint32_t len)
{
	const struct arp_pkt *a = (const void *)pkt;
	uint32_t spa, tpa, us = net_addr();
	struct arp_entry *e;
	uint16_t op;

	if (len < sizeof(*a) || ntohs(a->htype) != ARP_HTYPE_ETHER ||
	    ntohs(a->ptype) != ETH_P_IP || a->hlen != ETH_ALEN ||
	    a->plen != 4) {
		net_stats.rx_dropped++;
		return;
	}
	op = ntohs(a->op);
	spa = ntohl(a->spa);
	tpa = ntohl(a->tpa);
	if ((op != ARP_OP_REQUEST && op != ARP_OP_REPLY) || !us) {
		net_stats.rx_dropped++;
		return;
	}
	if (!spa || spa == us || !net_on_link(spa) || net_is_broadcast(spa) ||
	    (a->sha[0] & 1))
		return; /* nobody we could send to */
	e = find(spa);
	if (e)
		learn(e, a->sha);
	if (tpa != us)
		return;
	if (!e)
		learn(alloc(spa), a->sha);
	if (op == ARP_OP_REQUEST)
		arp_send(ARP_OP_REPLY, a->sha, spa);
}

/* Do we know ip's MAC?  Interrupts are off. */
bool arp_lookup(uint32_t ip, uint8_t mac[ETH_ALEN])
{
	struct arp_entry *e = find(ip);

	if (!e || !fresh(e))
		return false;
	memcpy(mac, e->mac, ETH_ALEN);
	return true;
}

/*
 * Find ip's MAC, asking once a second, for up to "ticks" ticks; for a
 * process (net_wait()).  A reply to us is learned by arp_input().
 */
bool arp_resolve(uint32_t ip, uint8_t mac[ETH_ALEN], uint32_t ticks)
{
	uint32_t flags = irq_save(), start = timer_ticks(), asked = 0;
	bool found = false, first = true;

	if (!net_addr() || !net_on_link(ip) || net_is_broadcast(ip) ||
	    ip == net_addr()) {
		irq_restore(flags);
		return false;
	}
	do {
		if ((found = arp_lookup(ip, mac)))
			break;
		if (first || timer_ticks() - asked >= ARP_RETRY) {
			first = false;
			asked = timer_ticks();
			arp_send(ARP_OP_REQUEST, NULL, ip);
		}
	} while (net_wait(start, ticks));
	irq_restore(flags);
	return found;
}

/* Our address changed: what we knew was learned under the old one. */
void arp_forget(void)
{
	for (unsigned int i = 0; i < ARP_ENTRIES; i++) {
		if (cache[i].state != ARP_FREE && cache[i].waiting_len)
			net_stats.tx_dropped++;
		cache[i].state = ARP_FREE;
		cache[i].waiting_len = 0;
	}
}
