/*
 * icmp.c - [Pvguest 26] ICMP echo (RFC 792): answering pings, and
 * sending our own.
 *
 * An echo request (type 8) is answered with the same message turned
 * into an echo reply (type 0): the same id, sequence number and data,
 * a new checksum.  Only requests sent to our own address are answered,
 * not broadcast ones, which would have every host on the subnet answer
 * one packet at once.  Other ICMP types are dropped.
 *
 * A ping of ours carries an id (which pinger: a process's pid, say), a
 * sequence number (which request), and PING_DATA bytes in a pattern
 * drawn from the sequence number.  The pinger puts what it waits for in
 * a slot and sleeps; icmp_input(), in the interrupt handler, fills the
 * slot in when a reply with that id and sequence number, from that
 * address, with that data, arrives, and reads the TSC there and then:
 * the round trip does not include the time it takes the pinger to wake.
 */
#include "irq.h"
#include "mm.h"
#include "net.h"
#include "timer.h"
#include "x86.h"

#define PING_SLOTS 4

struct ping_wait {
	bool used, done;
	uint32_t dst;
	uint16_t id, seq;
	uint64_t sent; /* TSC */
	struct ping_result r;
};

static struct ping_wait waits[PING_SLOTS];
uint32_t icmp_echoes_answered;

static uint8_t pattern(uint16_t seq, uint32_t i)
{
	return (uint8_t)(seq + i);
}

static void echo_reply(uint32_t to, const uint8_t *msg, uint32_t len)
{
	struct icmp_echo *ic = (struct icmp_echo *)(net_frame + IP_PAYLOAD_OFF);

	if (len > IP_PAYLOAD_MAX)
		return;
	memcpy(ic, msg, len);
	ic->type = ICMP_ECHO_REPLY;
	ic->csum = 0;
	ic->csum = htons(ip_fold(ip_sum(ic, len, 0)));
	if (ip_send(net_frame, to, IP_PROTO_ICMP, len))
		icmp_echoes_answered++;
}

/* Is this reply one of ours, data and all?  Then its pinger has it. */
static bool echo_match(uint32_t from, const uint8_t *msg, uint32_t len,
		       uint8_t ttl)
{
	const struct icmp_echo *ic = (const void *)msg;
	uint16_t id = ntohs(ic->id), seq = ntohs(ic->seq);
	uint64_t now = rdtsc();

	for (unsigned int i = 0; i < PING_SLOTS; i++) {
		struct ping_wait *w = &waits[i];

		if (!w->used || w->done || w->id != id || w->seq != seq ||
		    w->dst != from)
			continue;
		if (len != ICMP_HLEN + PING_DATA)
			return false;
		for (uint32_t j = 0; j < PING_DATA; j++)
			if (msg[ICMP_HLEN + j] != pattern(seq, j))
				return false;
		w->r.from = from;
		w->r.bytes = len;
		w->r.ttl = ttl;
		w->r.cycles = now - w->sent;
		w->done = true;
		return true;
	}
	return false; /* late, duplicated, or someone else's */
}

/* An ICMP message of len bytes, sent to dst by src; interrupts are off. */
void icmp_input(uint32_t src, uint32_t dst, const uint8_t *msg, uint32_t len,
		uint8_t ttl)
{
	const struct icmp_echo *ic = (const void *)msg;

	if (len < ICMP_HLEN || ip_fold(ip_sum(msg, len, 0))) {
		net_stats.rx_dropped++;
		return;
	}
	if (ic->type == ICMP_ECHO_REQUEST && ic->code == 0) {
		if (dst == net_addr())
			echo_reply(src, msg, len);
		return;
	}
	if (ic->type == ICMP_ECHO_REPLY && ic->code == 0 &&
	    echo_match(src, msg, len, ttl))
		return;
	net_stats.rx_dropped++;
}

/*
 * Send one echo request to dst and wait up to "ticks" ticks for its
 * reply; for a process (net_wait()).  True, and *r filled in, if it
 * came.
 */
bool icmp_ping(uint32_t dst, uint16_t id, uint16_t seq, uint32_t ticks,
	       struct ping_result *r)
{
	struct icmp_echo *ic = (struct icmp_echo *)(net_frame + IP_PAYLOAD_OFF);
	uint32_t flags = irq_save(), start;
	struct ping_wait *w = NULL;
	bool ok = false;

	for (unsigned int i = 0; i < PING_SLOTS && !w; i++)
		if (!waits[i].used)
			w = &waits[i];
	if (!w) {
		irq_restore(flags);
		return false;
	}
	*w = (struct ping_wait){
		.used = true, .dst = dst, .id = id, .seq = seq
	};
	ic->type = ICMP_ECHO_REQUEST;
	ic->code = 0;
	ic->csum = 0;
	ic->id = htons(id);
	ic->seq = htons(seq);
	for (uint32_t j = 0; j < PING_DATA; j++)
		((uint8_t *)ic)[ICMP_HLEN + j] = pattern(seq, j);
	ic->csum = htons(ip_fold(ip_sum(ic, ICMP_HLEN + PING_DATA, 0)));
	w->sent = rdtsc();
	if (ip_send(net_frame, dst, IP_PROTO_ICMP, ICMP_HLEN + PING_DATA)) {
		start = timer_ticks();
		while (!w->done && net_wait(start, ticks))
			;
		ok = w->done;
		if (ok)
			*r = w->r;
	}
	w->used = false;
	irq_restore(flags);
	return ok;
}
