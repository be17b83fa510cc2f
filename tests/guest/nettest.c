/*
 * nettest.c - [Testguest 18] "nettest=MODE:...": the network, as one
 * guest of several on a switch sees it (tests/qemu/net-*.test).
 *
 *   ping:ADDR[:COUNT]        COUNT echo requests (5) to ADDR, 100 ms
 *                            apart: each reply, then "N sent, M
 *                            received";
 *   serve[:SECONDS]          answer pings (the stack does that by
 *                            itself) and echo every datagram that comes
 *                            to port 7, for SECONDS (30), or until the
 *                            datagram "nettest: stop" comes;
 *   udp:ADDR:PORT:COUNT      COUNT datagrams to ADDR:PORT, each holding
 *                            its number and a pattern, of sizes from 1
 *                            to 1472 bytes; every echo must come back
 *                            byte for byte;
 *   blast:ADDR:PORT:COUNT:SIZE  COUNT datagrams of SIZE bytes as fast as
 *                            the driver takes them, BLAST_BATCH to a
 *                            notify: the cycles it took;
 *   sink:PORT:COUNT          count the datagrams that reach PORT, until
 *                            COUNT have or none came for a second: the
 *                            cycles from the first to the last;
 *   hostile:ADDR             frames a stack must refuse, and odd ones it
 *                            must take (adversary_net.c), at a serving
 *                            ADDR; then it must still answer pings.
 *
 * ping, udp and hostile take ":stop" at the end: they then send "nettest: stop"
 * to ADDR's port 7 when they are done, and a guest serving there powers
 * off instead of waiting out its seconds.
 *
 * Each guest is a kernel of its own, and they boot in no particular
 * order, so every mode that talks first asks ARP for its peer for up to
 * PEER_WAIT: a peer still booting is waited for, not counted as lost.
 * A mode that listens binds its port before it turns interrupts on
 * (proc_init()), so by the time it can answer ARP it can also take
 * datagrams.
 */
#include "paravirt-guest/console.h"
#include "paravirt-guest/guest.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/lguest.h"
#include "paravirt-guest/mm.h"
#include "paravirt-guest/net.h"
#include "paravirt-guest/proc.h"
#include "paravirt-guest/timer.h"
#include "paravirt-guest/virtio_net.h"
#include "paravirt-guest/x86.h"

#include "testguest.h"

#define ECHO_PORT 7
#define KERNEL_OWNER 0
#define PING_ID 0x7e57
#define PING_COUNT 5
#define PING_GAP (TICK_HZ / 10)
#define PEER_WAIT (5 * TICK_HZ)
#define SERVE_SECS 30
#define FIRST_TRIES 10
#define NOT_SENT (-2)
#define BLAST_BATCH 16
#define SINK_FIRST (30 * TICK_HZ) /* for the first datagram */
#define SINK_QUIET TICK_HZ	  /* then: this long without one ends it */

static const char stop_text[] = "nettest: stop";
static uint8_t out[UDP_DATA_MAX], in[UDP_DATA_MAX];

static __attribute__((noreturn)) void usage(const char *arg)
{
	printf("guest: nettest: FAIL: cannot make sense of nettest=%s\n", arg);
	guest_poweroff("nettest: bad arguments");
}

static bool starts_with(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}

static bool same(const uint8_t *a, const char *b, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		if (a[i] != (uint8_t)b[i])
			return false;
	return true;
}

static bool at_end(const char *s)
{
	return *s == ' ' || *s == '\0';
}

/* After a field: ":" (skipped) or the end of the word; else NULL. */
static const char *next_field(const char *s)
{
	if (!s)
		return NULL;
	if (*s == ':')
		return s + 1;
	return at_end(s) ? s : NULL;
}

static const char *field_number(const char *s, uint32_t *n)
{
	uint32_t v = 0;

	if (!s || *s < '0' || *s > '9')
		return NULL;
	while (*s >= '0' && *s <= '9' && v < 100000000u)
		v = v * 10 + (uint32_t)(*s++ - '0');
	*n = v;
	return next_field(s);
}

static const char *field_addr(const char *s, uint32_t *addr)
{
	return s ? next_field(net_parse_addr(s, addr, NULL)) : NULL;
}

/* An optional last field ":stop". */
static const char *field_stop(const char *s, bool *stop)
{
	*stop = false;
	if (!s || at_end(s))
		return s;
	if (word_equals(s, "stop")) {
		*stop = true;
		return s + 4;
	}
	return NULL;
}

static uint64_t usecs(uint64_t cycles)
{
	return cycles * 1000 / lguest_data.tsc_khz;
}

/* Ask ARP for addr until it answers, or PEER_WAIT has passed. */
static bool wait_for_peer(uint32_t addr, uint8_t mac[ETH_ALEN])
{
	uint32_t start = timer_ticks();

	if (!arp_resolve(addr, mac, PEER_WAIT)) {
		printf("guest: nettest: " IP_FMT
		       " did not answer ARP in %u s\n",
		       IP_ARGS(addr), PEER_WAIT / TICK_HZ);
		return false;
	}
	printf("guest: nettest: " IP_FMT " is at %02x:%02x:%02x:%02x:%02x:%02x "
	       "(after %u ms)\n",
	       IP_ARGS(addr), mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
	       (timer_ticks() - start) * (1000 / TICK_HZ));
	return true;
}

static void send_stop(uint32_t addr)
{
	int port = udp_bind(0, KERNEL_OWNER);

	if (port < 0)
		return;
	udp_send((uint16_t)port, addr, ECHO_PORT, stop_text,
		 sizeof(stop_text) - 1);
	udp_close((uint16_t)port);
}

static __attribute__((noreturn)) void mode_ping(const char *arg)
{
	uint32_t addr, count = PING_COUNT, got = 0;
	const char *s = field_addr(arg, &addr);
	uint8_t mac[ETH_ALEN];
	bool stop;

	if (s && !at_end(s))
		s = field_number(s, &count);
	s = field_stop(s, &stop);
	if (!s || !at_end(s) || !count)
		usage(arg);
	proc_init();
	wait_for_peer(addr, mac);
	for (uint32_t seq = 1; seq <= count; seq++) {
		uint32_t start = timer_ticks();
		struct ping_result r;

		if (!icmp_ping(addr, PING_ID, (uint16_t)seq, TICK_HZ, &r)) {
			printf("guest: nettest: no reply to seq=%u\n", seq);
			continue;
		}
		got++;
		if (lguest_data.tsc_khz)
			printf("guest: nettest: reply from " IP_FMT ": seq=%u "
			       "ttl=%u time=%llu us (%llu cycles)\n",
			       IP_ARGS(r.from), seq, r.ttl,
			       (unsigned long long)usecs(r.cycles),
			       (unsigned long long)r.cycles);
		else
			printf("guest: nettest: reply from " IP_FMT ": seq=%u "
			       "ttl=%u time=%llu cycles\n",
			       IP_ARGS(r.from), seq, r.ttl,
			       (unsigned long long)r.cycles);
		while (seq < count && timer_ticks() - start < PING_GAP)
			timer_wait_tick();
	}
	printf("guest: nettest: %u sent, %u received\n", count, got);
	printf("guest: nettest: rx %u frames, tx %u frames, %u interrupts\n",
	       net_stats.rx_frames, net_stats.tx_frames, net_stats.interrupts);
	if (stop)
		send_stop(addr);
	guest_poweroff(got == count ? "nettest: ping: all answered"
		       : got	    ? "nettest: ping: some unanswered"
				    : "nettest: ping: none answered");
}

static __attribute__((noreturn)) void mode_serve(const char *arg)
{
	uint32_t secs = SERVE_SECS, echoed = 0, bytes = 0, start, src;
	const char *s = arg;
	uint16_t sport;

	if (!at_end(s))
		s = field_number(s, &secs);
	if (!s || !at_end(s) || udp_bind(ECHO_PORT, KERNEL_OWNER) < 0)
		usage(arg);
	proc_init();
	printf("guest: nettest: serving: echo requests, and UDP echo on port "
	       "%u, for %u s\n",
	       ECHO_PORT, secs);
	start = timer_ticks();
	while (timer_ticks() - start < secs * TICK_HZ) {
		uint32_t left = secs * TICK_HZ - (timer_ticks() - start);
		int n = udp_recv(ECHO_PORT, &src, &sport, in, sizeof(in), left);

		if (n < 0)
			continue;
		if (udp_send(ECHO_PORT, src, sport, in, (uint32_t)n)) {
			echoed++;
			bytes += (uint32_t)n;
		}
		if ((uint32_t)n == sizeof(stop_text) - 1 &&
		    same(in, stop_text, (uint32_t)n)) {
			printf("guest: nettest: stop from " IP_FMT ":%u\n",
			       IP_ARGS(src), sport);
			break;
		}
	}
	printf("guest: nettest: served %u echo requests, echoed %u datagrams "
	       "(%u bytes); rx %u frames, tx %u frames, dropped rx %u tx %u, "
	       "%u interrupts\n",
	       icmp_echoes_answered, echoed, bytes, net_stats.rx_frames,
	       net_stats.tx_frames, net_stats.rx_dropped, net_stats.tx_dropped,
	       net_stats.interrupts);
	guest_poweroff("nettest: serve complete");
}

/* Datagram i: the first two are the smallest and the largest. */
static uint32_t dgram_size(uint32_t i)
{
	if (i == 0)
		return 1;
	if (i == 1)
		return UDP_DATA_MAX;
	return 1 + i * 331 % UDP_DATA_MAX;
}

/* A pattern, and the datagram's number in its first four bytes. */
static void fill(uint8_t *p, uint32_t i, uint32_t len)
{
	for (uint32_t j = 0; j < len; j++)
		p[j] = (uint8_t)(i * 7 + j * 13 + (j >> 8));
	if (len >= 4)
		memcpy(p, &i, 4);
}

/* The echo of datagram i, skipping late echoes of earlier ones. */
static int recv_echo(uint16_t lport, uint32_t addr, uint16_t port, uint32_t i)
{
	uint32_t src, number;
	uint16_t sport;
	int n;

	for (;;) {
		n = udp_recv(lport, &src, &sport, in, sizeof(in), TICK_HZ);
		if (n < 0)
			return -1;
		if (src != addr || sport != port)
			continue;
		memcpy(&number, in, 4);
		if (n >= 4 && number < i)
			continue;
		return n;
	}
}

/*
 * Send datagram i (len bytes of out) and take its echo into in: its
 * length, -1 for none, NOT_SENT.  The first is sent again every second
 * until it is echoed, for up to FIRST_TRIES seconds: a host answers ARP
 * as soon as its kernel is up, but what echoes on the port (a shell's
 * udpecho) may start later.
 */
static int exchange(uint16_t lport, uint32_t addr, uint16_t port, uint32_t i,
		    uint32_t len)
{
	int n = -1;

	for (uint32_t tries = 0; n < 0 && tries < (i ? 1 : FIRST_TRIES);
	     tries++) {
		if (!udp_send(lport, addr, port, out, len))
			return NOT_SENT;
		n = recv_echo(lport, addr, port, i);
	}
	return n;
}

static __attribute__((noreturn)) void mode_udp(const char *arg)
{
	uint32_t addr, port, count, sent = 0, echoed = 0, matched = 0;
	const char *s = field_number(
		field_number(field_addr(arg, &addr), &port), &count);
	uint8_t mac[ETH_ALEN];
	bool stop;
	int lport;

	s = field_stop(s, &stop);
	if (!s || !at_end(s) || !port || port > 0xffff)
		usage(arg);
	lport = udp_bind(0, KERNEL_OWNER);
	proc_init();
	wait_for_peer(addr, mac);
	for (uint32_t i = 0; i < count; i++) {
		uint32_t len = dgram_size(i), k;
		int n;

		fill(out, i, len);
		n = exchange((uint16_t)lport, addr, (uint16_t)port, i, len);
		if (n == NOT_SENT) {
			printf("guest: nettest: udp: datagram %u not sent\n",
			       i);
			continue;
		}
		sent++;
		if (n < 0) {
			printf("guest: nettest: udp: no echo of datagram %u "
			       "(%u bytes)\n",
			       i, len);
			continue;
		}
		echoed++;
		for (k = 0; k < len && (uint32_t)n == len; k++)
			if (in[k] != out[k])
				break;
		if ((uint32_t)n == len && k == len)
			matched++;
		else
			printf("guest: nettest: udp: FAIL: echo of datagram %u "
			       "(%u bytes) is %d bytes, differing at byte %u\n",
			       i, len, n, k);
	}
	printf("guest: nettest: udp: %u sent, %u echoed, %u matched byte for "
	       "byte (sizes 1 to %u)\n",
	       sent, echoed, matched, UDP_DATA_MAX);
	if (stop)
		send_stop(addr);
	guest_poweroff(matched == count && count ? "nettest: udp complete"
						 : "nettest: udp failed");
}

static __attribute__((noreturn)) void mode_blast(const char *arg)
{
	uint32_t addr, port, count, size, unsent = 0, notifies;
	const char *s = field_number(
		field_number(field_number(field_addr(arg, &addr), &port),
			     &count),
		&size);
	uint8_t mac[ETH_ALEN];
	uint64_t t, cycles;
	int lport;

	if (!s || !at_end(s) || !port || port > 0xffff || !count || !size ||
	    size > UDP_DATA_MAX)
		usage(arg);
	lport = udp_bind(0, KERNEL_OWNER);
	proc_init();
	if (!wait_for_peer(addr, mac))
		guest_poweroff("nettest: blast: no peer");
	fill(out, 0, size);
	notifies = net_stats.tx_notifies;
	t = rdtsc();
	for (uint32_t i = 0; i < count; i++) {
		if (i % BLAST_BATCH == 0)
			vnet_batch_begin();
		if (size >= 4)
			memcpy(out, &i, 4);
		if (!udp_send((uint16_t)lport, addr, (uint16_t)port, out, size))
			unsent++;
		if (i % BLAST_BATCH == BLAST_BATCH - 1 || i == count - 1)
			vnet_batch_end();
	}
	cycles = rdtsc() - t;
	notifies = net_stats.tx_notifies - notifies;
	printf("guest: nettest: blast: %u datagrams of %u bytes to " IP_FMT
	       ":%u in %llu cycles (%llu per datagram), %u notifies, %u not "
	       "sent\n",
	       count, size, IP_ARGS(addr), port, (unsigned long long)cycles,
	       (unsigned long long)(cycles / count), notifies, unsent);
	if (lguest_data.tsc_khz)
		printf("guest: nettest: blast: %llu us\n",
		       (unsigned long long)usecs(cycles));
	guest_poweroff("nettest: blast complete");
}

static __attribute__((noreturn)) void mode_sink(const char *arg)
{
	uint32_t port, count, got = 0, bytes = 0, src;
	const char *s = field_number(field_number(arg, &port), &count);
	uint64_t first = 0, last = 0;
	uint16_t sport;

	if (!s || !at_end(s) || !port || port > 0xffff || !count ||
	    udp_bind((uint16_t)port, KERNEL_OWNER) < 0)
		usage(arg);
	proc_init();
	printf("guest: nettest: sink: waiting for %u datagrams on port %u\n",
	       count, port);
	while (got < count) {
		int n = udp_recv((uint16_t)port, &src, &sport, in, sizeof(in),
				 got ? SINK_QUIET : SINK_FIRST);

		if (n < 0)
			break;
		last = rdtsc();
		if (!got)
			first = last;
		got++;
		bytes += (uint32_t)n;
	}
	printf("guest: nettest: sink: %u of %u datagrams arrived (%u bytes), "
	       "%llu cycles from the first to the last; rx %u frames, "
	       "dropped %u\n",
	       got, count, bytes, (unsigned long long)(last - first),
	       net_stats.rx_frames, net_stats.rx_dropped);
	if (lguest_data.tsc_khz)
		printf("guest: nettest: sink: %llu us\n",
		       (unsigned long long)usecs(last - first));
	guest_poweroff("nettest: sink complete");
}

/*
 * Frames with one thing wrong each (adversary_net.c), which the peer
 * must drop and count; then odd but valid datagrams, which it must
 * echo; then pings, which it must still answer.  The peer's own count
 * of drops is in its serve summary, for the test to compare.
 */
static __attribute__((noreturn)) void mode_hostile(const char *arg)
{
	uint32_t addr, bad, src, odd = 0, echoed = 0, answered = 0;
	const char *s = field_addr(arg, &addr), *text;
	uint8_t mac[ETH_ALEN];
	struct ping_result r;
	uint16_t sport;
	bool stop;
	int lport;

	s = field_stop(s, &stop);
	if (!s || !at_end(s))
		usage(arg);
	lport = udp_bind(0, KERNEL_OWNER);
	proc_init();
	if (!wait_for_peer(addr, mac))
		guest_poweroff("nettest: hostile: no peer");
	bad = net_send_hostile(addr, mac, (uint16_t)lport);
	for (; (text = net_odd_text(odd)); odd++) {
		uint32_t len = 0;
		int n;

		while (text[len])
			len++;
		net_send_odd(odd, (uint16_t)lport);
		n = udp_recv((uint16_t)lport, &src, &sport, in, sizeof(in),
			     TICK_HZ);
		if (n == (int)len && same(in, text, len) && src == addr &&
		    sport == ECHO_PORT) {
			echoed++;
			printf("guest: nettest: hostile: echoed: '%s'\n", text);
		} else {
			printf("guest: nettest: hostile: FAIL: no echo of "
			       "'%s'\n",
			       text);
		}
	}
	for (uint16_t seq = 1; seq <= 3; seq++)
		answered += icmp_ping(addr, PING_ID, seq, TICK_HZ, &r);
	printf("guest: nettest: hostile: %u bad frames sent; %u of %u odd "
	       "datagrams echoed; %u of 3 pings answered after them\n",
	       bad, echoed, odd, answered);
	if (stop)
		send_stop(addr);
	guest_poweroff(echoed == odd && answered == 3
			       ? "nettest: hostile complete"
			       : "nettest: hostile failed");
}

void nettest_run(const char *arg)
{
	if (!net_present()) {
		printf("guest: nettest: FAIL: no network card (net= on the "
		       "kernel line)\n");
		guest_poweroff("nettest: no network");
	}
	if (!net_addr()) {
		printf("guest: nettest: FAIL: no address (ip=)\n");
		guest_poweroff("nettest: no address");
	}
	if (starts_with(arg, "ping:"))
		mode_ping(arg + 5);
	if (word_equals(arg, "serve"))
		mode_serve(arg + 5);
	if (starts_with(arg, "serve:"))
		mode_serve(arg + 6);
	if (starts_with(arg, "udp:"))
		mode_udp(arg + 4);
	if (starts_with(arg, "blast:"))
		mode_blast(arg + 6);
	if (starts_with(arg, "sink:"))
		mode_sink(arg + 5);
	if (starts_with(arg, "hostile:"))
		mode_hostile(arg + 8);
	usage(arg);
}
