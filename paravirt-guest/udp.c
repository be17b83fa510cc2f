/*
 * udp.c - [Pvguest 27] UDP (RFC 768): datagrams, to and from ports.
 *
 * A port is bound by an owner, a process (by its pid) or the kernel
 * (0), and has a queue of UDP_QUEUE datagrams that arrived and wait to
 * be read.  The interrupt handler copies each datagram in as it comes;
 * udp_recv() takes the oldest out, sleeping until there is one.  A
 * datagram for a port nobody bound, or for a full queue, is dropped and
 * counted: a sender that outruns its reader loses its own datagrams and
 * nothing else.  When a process exits its ports are closed (proc.c), as
 * Unix closes a process's files.
 *
 * The checksum covers a "pseudo-header" of the IP addresses, protocol
 * and length as well as the datagram, so that one delivered to the wrong
 * host or port is caught.  It is optional in IPv4: we always send one,
 * and check those that come with one.
 */
#include "irq.h"
#include "mm.h"
#include "net.h"
#include "timer.h"

#define UDP_PORTS 4
#define UDP_QUEUE 32
#define UDP_EPHEMERAL 49152 /* udp_bind(0) picks from here up (RFC 6335) */

struct udp_dgram {
	uint32_t src;
	uint16_t sport, len;
	uint8_t data[UDP_DATA_MAX];
};

struct udp_port {
	bool used;
	uint16_t port;
	int owner;
	uint32_t head, tail; /* free-running: head - tail are waiting */
	struct udp_dgram q[UDP_QUEUE];
};

static struct udp_port ports[UDP_PORTS];
static uint16_t next_ephemeral = UDP_EPHEMERAL;

static struct udp_port *find(uint16_t port)
{
	for (unsigned int i = 0; i < UDP_PORTS; i++)
		if (ports[i].used && ports[i].port == port)
			return &ports[i];
	return NULL;
}

/* The sum over the pseudo-header and len bytes of datagram, folded. */
static uint16_t udp_checksum(uint32_t src, uint32_t dst, const void *seg,
			     uint32_t len)
{
	uint32_t sum = (src >> 16) + (src & 0xffff) + (dst >> 16) +
		       (dst & 0xffff) + IP_PROTO_UDP + len;

	return ip_fold(ip_sum(seg, len, sum));
}

/* A UDP datagram of len bytes from src to dst; interrupts are off. */
void udp_input(uint32_t src, uint32_t dst, const uint8_t *seg, uint32_t len)
{
	const struct udp_hdr *uh = (const void *)seg;
	struct udp_port *p;
	struct udp_dgram *d;
	uint32_t ulen;

	if (len < UDP_HLEN)
		goto drop;
	ulen = ntohs(uh->len);
	if (ulen < UDP_HLEN || ulen > len || ulen - UDP_HLEN > UDP_DATA_MAX)
		goto drop;
	if (uh->csum && udp_checksum(src, dst, seg, ulen))
		goto drop;
	p = find(ntohs(uh->dport));
	if (!p || p->head - p->tail == UDP_QUEUE)
		goto drop;
	d = &p->q[p->head % UDP_QUEUE];
	d->src = src;
	d->sport = ntohs(uh->sport);
	d->len = (uint16_t)(ulen - UDP_HLEN);
	memcpy(d->data, seg + UDP_HLEN, d->len);
	p->head++;
	return;
drop:
	net_stats.rx_dropped++;
}

/*
 * Bind port for owner; port 0 picks a free one of 49152 and up.  The
 * port, or -1 if it is taken or every slot is.
 */
int udp_bind(uint16_t port, int owner)
{
	uint32_t flags = irq_save();
	struct udp_port *p = NULL;
	int ret = -1;

	for (unsigned int tries = 0; !port && tries < 65536 - UDP_EPHEMERAL;
	     tries++) {
		uint16_t candidate = next_ephemeral;

		next_ephemeral = next_ephemeral == 65535 ? UDP_EPHEMERAL
							 : next_ephemeral + 1;
		if (!find(candidate))
			port = candidate;
	}
	for (unsigned int i = 0; i < UDP_PORTS && !p; i++)
		if (!ports[i].used)
			p = &ports[i];
	if (port && p && !find(port)) {
		p->used = true;
		p->port = port;
		p->owner = owner;
		p->head = p->tail = 0;
		ret = port;
	}
	irq_restore(flags);
	return ret;
}

bool udp_owns(uint16_t port, int owner)
{
	struct udp_port *p = find(port);

	return p && p->owner == owner;
}

/* Close a port; what waited in its queue is lost. */
void udp_close(uint16_t port)
{
	uint32_t flags = irq_save();
	struct udp_port *p = find(port);

	if (p)
		p->used = false;
	irq_restore(flags);
}

void udp_close_owner(int owner)
{
	uint32_t flags = irq_save();

	for (unsigned int i = 0; i < UDP_PORTS; i++)
		if (ports[i].used && ports[i].owner == owner)
			ports[i].used = false;
	irq_restore(flags);
}

/* Send len bytes of data (in kernel memory) from port sport. */
bool udp_send(uint16_t sport, uint32_t dst, uint16_t dport, const void *data,
	      uint32_t len)
{
	struct udp_hdr *uh = (struct udp_hdr *)(net_frame + IP_PAYLOAD_OFF);
	uint32_t flags;
	uint16_t sum;
	bool ok;

	if (len > UDP_DATA_MAX) {
		net_stats.tx_dropped++;
		return false;
	}
	flags = irq_save();
	memcpy(net_frame + UDP_DATA_OFF, data, len);
	uh->sport = htons(sport);
	uh->dport = htons(dport);
	uh->len = htons((uint16_t)(UDP_HLEN + len));
	uh->csum = 0;
	sum = udp_checksum(net_addr(), dst, uh, UDP_HLEN + len);
	uh->csum = htons(sum ? sum : 0xffff); /* 0 would mean "none" */
	ok = ip_send(net_frame, dst, IP_PROTO_UDP, UDP_HLEN + len);
	irq_restore(flags);
	return ok;
}

/*
 * The oldest datagram waiting at port, waiting up to "ticks" ticks for
 * one (0: only look; UDP_FOREVER); for a process (net_wait()).  Its
 * first len bytes go to buf (kernel memory), the sender to *src and
 * *sport.  The bytes copied, or -1 for none (or no such port).
 */
int udp_recv(uint16_t port, uint32_t *src, uint16_t *sport, void *buf,
	     uint32_t len, uint32_t ticks)
{
	uint32_t flags = irq_save(), start = timer_ticks();
	struct udp_port *p;
	int ret = -1;

	do {
		p = find(port);
		if (!p)
			break;
		if (p->head != p->tail) {
			struct udp_dgram *d = &p->q[p->tail % UDP_QUEUE];
			uint32_t n = d->len < len ? d->len : len;

			memcpy(buf, d->data, n);
			*src = d->src;
			*sport = d->sport;
			p->tail++;
			ret = (int)n;
			break;
		}
	} while (net_wait(start, ticks));
	irq_restore(flags);
	return ret;
}
