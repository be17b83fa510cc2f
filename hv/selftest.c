/*
 * selftest.c - deliberate failures, for the tests that prove the
 * hypervisor reports its own faults well.  Compiled in only by test builds
 * (HV_SELFTEST, set by "make ... SELFTEST=1"); a normal build refuses the
 * option, so a production image can never be told to crash itself.
 */
#include "drivers/nic.h"
#include "hv/core/core.h"
#include "hv/hv.h"
#include "hv/include/x86.h"
#include "hv/lib/printk.h"
#include "hv/machine/power.h"
#include "hv/machine/time.h"
#include "hv/mm/pmem_hv.h"
#include "hv/storage/storage.h"

#ifdef HV_SELFTEST
static volatile uint32_t zero;

static void __attribute__((noinline)) selftest_fault_ud(void)
{
	__asm__ volatile("ud2");
}

static void __attribute__((noinline)) selftest_fault_pf(void)
{
	/* Page 0 is unmapped in the hypervisor's address space. */
	*(volatile uint32_t *)(uintptr_t)(zero + 0x10) = 0xDEAD;
}

static void __attribute__((noinline)) selftest_fault_de(void)
{
	volatile uint32_t x = 1;

	x /= zero;
	(void)x;
}

/* Every disk the drivers found: write a pattern over its last 8 KiB,
 * flush, read it back.  Destroys those sectors: for test images only. */
static int selftest_disk_io(void)
{
	uint8_t *out = pages_alloc_contig(2, 1), *in = pages_alloc_contig(2, 1);
	int failed = 0, disks = 0;

	if (!out || !in)
		return HV_EXIT_TEST_FAILED;
	for (struct disk *d = disk_first(); d; d = d->next, disks++) {
		uint32_t n = KiB(8) / d->sector_size;
		uint64_t lba = d->sectors - n;
		bool ok;

		for (uint32_t i = 0; i < KiB(8); i++)
			out[i] = (uint8_t)(i * 7 + lba + disks);
		hv_memset(in, 0, KiB(8));
		ok = disk_io_sync(d, DISK_WRITE, lba, n, out) &&
		     disk_io_sync(d, DISK_FLUSH, 0, 0, NULL) &&
		     disk_io_sync(d, DISK_READ, lba, n, in);
		ok = ok && hv_memcmp(in, out, KiB(8)) == 0;
		printk("hv: selftest: disk %s: wrote, flushed and read back %u "
		       "sectors at %llu: %s\n",
		       d->name, n, (unsigned long long)lba,
		       ok ? "match" : "FAILED");
		failed += !ok;
	}
	printk("hv: selftest: disk-io: %d disks, %d failed\n", disks, failed);
	return disks && !failed ? HV_EXIT_OK : HV_EXIT_TEST_FAILED;
}

/* ---- nic-loop: the first two cards registered, on one wire (a QEMU
 * hub), each sending to the other in turn: the first to the second, then
 * back.  Frame i is NIC_LOOP_MIN.. ETH_FRAME_MAX bytes long, its lengths
 * spread evenly over that range; it goes to the receiver's address when
 * i is even and to the broadcast address when odd, carries i in its
 * first four payload bytes and a pattern of i after them. */
#define NIC_LOOP_FRAMES 100
#define NIC_LOOP_MIN 60
#define NIC_LOOP_WINDOW 32 /* frames in flight; the ring holds 63 */
#define NIC_LOOP_WAIT_NS (5 * 1000000000ull) /* QEMU holds frames 1 s */
#define NIC_LOOP_ETHERTYPE 0x88B5	     /* IEEE 802 local experimental */

struct nic_loop {
	const struct nic *from, *to;
	uint32_t expect;      /* the frame number to come next */
	unsigned intact, bad; /* frames as sent; anything else */
	unsigned reordered;   /* intact, but not the one expected */
	unsigned strays;      /* frames the sender received */
	bool seen[NIC_LOOP_FRAMES];
	uint8_t want[ETH_FRAME_MAX];
};

static uint32_t nic_loop_len(uint32_t i)
{
	return NIC_LOOP_MIN +
	       i * (ETH_FRAME_MAX - NIC_LOOP_MIN) / (NIC_LOOP_FRAMES - 1);
}

static void nic_loop_frame(const struct nic_loop *t, uint32_t i, uint8_t *f)
{
	uint32_t len = nic_loop_len(i);

	if (i % 2)
		hv_memset(f, 0xFF, ETH_ALEN);
	else
		hv_memcpy(f, t->to->mac, ETH_ALEN);
	hv_memcpy(f + ETH_ALEN, t->from->mac, ETH_ALEN);
	f[12] = NIC_LOOP_ETHERTYPE >> 8;
	f[13] = NIC_LOOP_ETHERTYPE & 0xFF;
	hv_memcpy(f + ETH_HLEN, &i, sizeof(i));
	for (uint32_t k = ETH_HLEN + sizeof(i); k < len; k++)
		f[k] = (uint8_t)(k * 7 + i * 13);
}

/* A frame is intact if it is, byte for byte, the frame its number says,
 * and the first with that number. */
static void nic_loop_receive(struct nic *n, const uint8_t *frame, uint32_t len)
{
	struct nic_loop *t = n->receive_ctx;
	uint32_t i;

	if (n != t->to) {
		t->strays++;
		return;
	}
	if (len < ETH_HLEN + sizeof(i)) {
		t->bad++;
		return;
	}
	hv_memcpy(&i, frame + ETH_HLEN, sizeof(i));
	if (i >= NIC_LOOP_FRAMES || t->seen[i] || len != nic_loop_len(i)) {
		t->bad++;
		return;
	}
	nic_loop_frame(t, i, t->want);
	if (hv_memcmp(frame, t->want, len)) {
		t->bad++;
		return;
	}
	t->seen[i] = true;
	t->intact++;
	t->reordered += i != t->expect;
	t->expect = i + 1;
}

/* Poll both cards until cond(t) holds or NIC_LOOP_WAIT_NS pass. */
static bool nic_loop_wait(struct nic_loop *t, struct nic *a, struct nic *b,
			  bool (*cond)(const struct nic_loop *t))
{
	uint64_t until = time_now_ns() + NIC_LOOP_WAIT_NS;

	while (!cond(t)) {
		if (time_now_ns() >= until)
			return false;
		a->ops->poll(a, 32);
		b->ops->poll(b, 32);
	}
	return true;
}

static bool nic_loop_links(const struct nic_loop *t)
{
	return t->from->link_up && t->to->link_up;
}

static bool nic_loop_all_in(const struct nic_loop *t)
{
	return t->intact == NIC_LOOP_FRAMES;
}

/* One direction: NIC_LOOP_FRAMES frames from a to b. */
static bool nic_loop_run(struct nic *a, struct nic *b)
{
	static struct nic_loop t;
	static uint8_t frame[ETH_FRAME_MAX];
	uint64_t b_errors = b->stats.rx_errors;
	unsigned sent = 0;
	bool ok;

	hv_memset(&t, 0, sizeof(t));
	t.from = a;
	t.to = b;
	/* net_init() gave the first card to the switch; the test takes
	 * both. */
	a->receive = b->receive = nic_loop_receive;
	a->receive_ctx = b->receive_ctx = &t;
	if (!nic_loop_wait(&t, a, b, nic_loop_links))
		printk("hv: selftest: nic-loop: links %s and %s\n",
		       a->link_up ? "up" : "down", b->link_up ? "up" : "down");
	for (uint32_t i = 0; i < NIC_LOOP_FRAMES; i++) {
		uint64_t until = time_now_ns() + NIC_LOOP_WAIT_NS;
		bool queued = false;

		nic_loop_frame(&t, i, frame);
		/* A window at most in flight: what finds the receive ring
		 * full is lost (QEMU drops it, as a wire would). */
		while (!queued && time_now_ns() < until) {
			queued = t.intact + t.bad + NIC_LOOP_WINDOW > sent &&
				 a->ops->send(a, frame, nic_loop_len(i));
			a->ops->poll(a, 32);
			b->ops->poll(b, 32);
		}
		if (!queued)
			break;
		sent++;
	}
	IGNORE_RESULT(nic_loop_wait(&t, a, b, nic_loop_all_in),
		      "the counts below say what came");
	b_errors = b->stats.rx_errors - b_errors;
	ok = sent == NIC_LOOP_FRAMES && t.intact == NIC_LOOP_FRAMES && !t.bad &&
	     !t.reordered && !t.strays && !b_errors;
	printk("hv: selftest: nic-loop: %s -> %s: %u sent, %u intact, %u lost, "
	       "%u bad, %u out of order, %u back at the sender, %llu receive "
	       "errors: %s\n",
	       a->name, b->name, sent, t.intact, NIC_LOOP_FRAMES - t.intact,
	       t.bad, t.reordered, t.strays, (unsigned long long)b_errors,
	       ok ? "OK" : "FAILED");
	return ok;
}

static int selftest_nic_loop(void)
{
	struct nic *a = nic_first(), *b = a ? a->next : NULL;
	bool ok;

	if (!a || !b) {
		printk("hv: selftest: nic-loop: needs two network cards\n");
		return HV_EXIT_TEST_FAILED;
	}
	ok = nic_loop_run(a, b);
	ok = nic_loop_run(b, a) && ok;
	return ok ? HV_EXIT_OK : HV_EXIT_TEST_FAILED;
}

/* ---- nic-peer: the first card registered on a QEMU UDP socket to tests/qemu/udp_peer.py,
 * a host at 192.0.2.100: its MAC by ARP, a ping, and UDP datagrams of
 * 1, 100 and 1472 bytes (a full 1514-byte frame) echoed by its port 7.
 * We are 192.0.2.1; both addresses are TEST-NET-1's (RFC 5737). */
#define PEER_IP 0xC0000264u	   /* 192.0.2.100 */
#define SELF_IP 0xC0000201u	   /* 192.0.2.1 */
#define PEER_WAIT_NS 1500000000ull /* a try; QEMU holds frames 1 s */
#define PEER_TRIES 3
#define IP_HDR 20
#define IP_AT ETH_HLEN

struct nic_peer {
	struct nic *n;
	uint8_t peer_mac[ETH_ALEN];
	bool (*match)(struct nic_peer *p, const uint8_t *f, uint32_t len);
	uint16_t want; /* ICMP sequence, or UDP port */
	const uint8_t *data;
	uint32_t data_len;
	bool matched;
};

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) << 16 | get16(p + 2);
}

/* The Internet checksum (RFC 1071) of len bytes, sum carried in. */
static uint32_t inet_sum(const uint8_t *p, uint32_t len, uint32_t sum)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len % 2)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return sum;
}

static uint32_t udp_pseudo_sum(uint32_t src, uint32_t dst, uint32_t len)
{
	return (src >> 16) + (src & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF) +
	       17 + len;
}

/* Ethernet and IPv4 headers to the peer; returns where the body goes. */
static uint8_t *peer_ipv4(const struct nic_peer *p, uint8_t *f, uint8_t proto,
			  uint32_t body_len)
{
	hv_memcpy(f, p->peer_mac, ETH_ALEN);
	hv_memcpy(f + ETH_ALEN, p->n->mac, ETH_ALEN);
	put16(f + 12, 0x0800);
	hv_memset(f + IP_AT, 0, IP_HDR);
	f[IP_AT] = 0x45;
	put16(f + IP_AT + 2, IP_HDR + body_len);
	f[IP_AT + 8] = 64; /* TTL */
	f[IP_AT + 9] = proto;
	put32(f + IP_AT + 12, SELF_IP);
	put32(f + IP_AT + 16, PEER_IP);
	put16(f + IP_AT + 10, ~inet_sum(f + IP_AT, IP_HDR, 0));
	return f + IP_AT + IP_HDR;
}

/* An IPv4 packet of `proto` from the peer to us, header checksum good;
 * its body and the body's length. */
static const uint8_t *peer_reply(const uint8_t *f, uint32_t len, uint8_t proto,
				 uint32_t *body_len)
{
	uint32_t total;

	if (len < IP_AT + IP_HDR || get16(f + 12) != 0x0800 ||
	    f[IP_AT] != 0x45 || f[IP_AT + 9] != proto ||
	    get32(f + IP_AT + 12) != PEER_IP ||
	    get32(f + IP_AT + 16) != SELF_IP ||
	    inet_sum(f + IP_AT, IP_HDR, 0) != 0xFFFF)
		return NULL;
	total = get16(f + IP_AT + 2);
	if (total < IP_HDR || IP_AT + total > len)
		return NULL;
	*body_len = total - IP_HDR;
	return f + IP_AT + IP_HDR;
}

static bool peer_arp_reply(struct nic_peer *p, const uint8_t *f, uint32_t len)
{
	const uint8_t *a = f + ETH_HLEN;

	if (len < ETH_HLEN + 28 || get16(f + 12) != 0x0806 ||
	    get16(a + 6) != 2 || get32(a + 14) != PEER_IP ||
	    hv_memcmp(a + 18, p->n->mac, ETH_ALEN) || get32(a + 24) != SELF_IP)
		return false;
	hv_memcpy(p->peer_mac, a + 8, ETH_ALEN);
	return true;
}

static bool peer_icmp_reply(struct nic_peer *p, const uint8_t *f, uint32_t len)
{
	uint32_t n;
	const uint8_t *m = peer_reply(f, len, 1, &n);

	return m && n == 8 + p->data_len && m[0] == 0 &&
	       inet_sum(m, n, 0) == 0xFFFF && get16(m + 6) == p->want &&
	       !hv_memcmp(m + 8, p->data, p->data_len);
}

static bool peer_udp_reply(struct nic_peer *p, const uint8_t *f, uint32_t len)
{
	uint32_t n;
	const uint8_t *u = peer_reply(f, len, 17, &n);

	return u && n == 8 + p->data_len && get16(u) == 7 &&
	       get16(u + 2) == p->want && get16(u + 4) == n &&
	       (get16(u + 6) == 0 ||
		inet_sum(u, n, udp_pseudo_sum(PEER_IP, SELF_IP, n)) ==
			0xFFFF) &&
	       !hv_memcmp(u + 8, p->data, p->data_len);
}

static void nic_peer_receive(struct nic *n, const uint8_t *f, uint32_t len)
{
	struct nic_peer *p = n->receive_ctx;

	if (!p->matched && p->match)
		p->matched = p->match(p, f, len);
}

/* Send a frame until its answer comes: PEER_TRIES tries at most. */
static bool peer_exchange(struct nic_peer *p, const uint8_t *f, uint32_t len,
			  bool (*match)(struct nic_peer *p, const uint8_t *f,
					uint32_t len))
{
	p->match = match;
	p->matched = false;
	for (unsigned try = 0; try < PEER_TRIES && !p->matched; try++) {
		uint64_t until = time_now_ns() + PEER_WAIT_NS;

		if (!p->n->ops->send(p->n, f, len))
			return false;
		while (!p->matched && time_now_ns() < until)
			p->n->ops->poll(p->n, 32);
	}
	return p->matched;
}

static int selftest_nic_peer(void)
{
	static const uint32_t sizes[] = { 1, 100, 1472 };
	static struct nic_peer p;
	static uint8_t f[ETH_FRAME_MAX], data[1472];
	unsigned echoed = 0;
	bool arp, ping;
	uint8_t *b;

	p.n = nic_first();
	if (!p.n) {
		printk("hv: selftest: nic-peer: needs a network card\n");
		return HV_EXIT_TEST_FAILED;
	}
	p.n->receive = nic_peer_receive;
	p.n->receive_ctx = &p;
	for (uint32_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 5 + 1);
	/* Who has 192.0.2.100?  Broadcast, from us. */
	hv_memset(f, 0xFF, ETH_ALEN);
	hv_memcpy(f + ETH_ALEN, p.n->mac, ETH_ALEN);
	put16(f + 12, 0x0806);
	b = f + ETH_HLEN;
	put16(b, 1);
	put16(b + 2, 0x0800);
	b[4] = ETH_ALEN;
	b[5] = 4;
	put16(b + 6, 1);
	hv_memcpy(b + 8, p.n->mac, ETH_ALEN);
	put32(b + 14, SELF_IP);
	hv_memset(b + 18, 0, ETH_ALEN);
	put32(b + 24, PEER_IP);
	arp = peer_exchange(&p, f, ETH_HLEN + 28, peer_arp_reply);
	/* A ping of 32 bytes, id 1, sequence 1. */
	b = peer_ipv4(&p, f, 1, 8 + 32);
	hv_memset(b, 0, 8);
	b[0] = 8;
	p.want = 1;
	p.data = data;
	p.data_len = 32;
	put16(b + 4, 1);
	put16(b + 6, p.want);
	hv_memcpy(b + 8, data, p.data_len);
	put16(b + 2, ~inet_sum(b, 8 + 32, 0));
	ping = arp &&
	       peer_exchange(&p, f, IP_AT + IP_HDR + 8 + 32, peer_icmp_reply);
	for (unsigned i = 0; arp && i < ARRAY_SIZE(sizes); i++) {
		uint32_t n = 8 + sizes[i], sum;

		p.want = (uint16_t)(40000 + i);
		p.data_len = sizes[i];
		b = peer_ipv4(&p, f, 17, n);
		put16(b, p.want);
		put16(b + 2, 7);
		put16(b + 4, n);
		put16(b + 6, 0);
		hv_memcpy(b + 8, data, p.data_len);
		sum = ~inet_sum(b, n, udp_pseudo_sum(SELF_IP, PEER_IP, n));
		/* 0 would mean "no checksum": send its other form. */
		put16(b + 6, (sum & 0xFFFF) ? sum : 0xFFFF);
		echoed += peer_exchange(&p, f, IP_AT + IP_HDR + n,
					peer_udp_reply);
	}
	printk("hv: selftest: nic-peer: %s: ARP %s (%02x:%02x:%02x:%02x:%02x:"
	       "%02x), ping %s, %u of %u UDP echoes intact: %s\n",
	       p.n->name, arp ? "answered" : "NOT answered", p.peer_mac[0],
	       p.peer_mac[1], p.peer_mac[2], p.peer_mac[3], p.peer_mac[4],
	       p.peer_mac[5], ping ? "answered" : "NOT answered", echoed,
	       (unsigned)ARRAY_SIZE(sizes),
	       arp && ping && echoed == ARRAY_SIZE(sizes) ? "OK" : "FAILED");
	return arp && ping && echoed == ARRAY_SIZE(sizes) ? HV_EXIT_OK
							  : HV_EXIT_TEST_FAILED;
}

/* full-view: ring 3 runs with the full descriptor view whenever it
 * differs, as it would on a CPU that enforces segment limits, after the
 * first #GP of a negative TLS offset.  QEMU's TCG does not enforce them,
 * so without this the guests' tests could never run in ring 3 with the
 * full view loaded (docs/segment-views.md). */
bool selftest_guest_mode(const char *name)
{
	if (!hv_strcmp(name, "fault-cpu1")) {
		/* The second processor faults in its scheduler loop, after
		 * a slice: the panic must name it, stop the first, and give
		 * a backtrace on the second's own stack. */
		printk("hv: selftest: fault-cpu1: cpu 1 faults after a "
		       "slice\n");
		selftest_fault_cpu = 1;
		return true;
	}
	if (hv_strcmp(name, "full-view"))
		return false;
	printk("hv: selftest: full-view: ring 3 runs with the full "
	       "descriptor view\n");
	views_eager_full = true;
	return true;
}

int selftest_run(const char *name)
{
	printk("hv: selftest: %s\n", name);
	if (!hv_strcmp(name, "disk-io"))
		return selftest_disk_io();
	if (!hv_strcmp(name, "nic-loop"))
		return selftest_nic_loop();
	if (!hv_strcmp(name, "nic-peer"))
		return selftest_nic_peer();
	if (!hv_strcmp(name, "disk-io-twice")) {
		/* A fault injected under the first round (QEMU's blkdebug)
		 * must leave the disks working for the second. */
		IGNORE_RESULT(selftest_disk_io(), "the first round may fail");
		return selftest_disk_io();
	}
	if (!hv_strcmp(name, "fault-ud"))
		selftest_fault_ud();
	else if (!hv_strcmp(name, "fault-pf"))
		selftest_fault_pf();
	else if (!hv_strcmp(name, "fault-de"))
		selftest_fault_de();
	else if (!hv_strcmp(name, "panic"))
		panic("deliberate panic from the self-test");
	printk("hv: selftest: unknown self-test '%s'\n", name);
	return HV_EXIT_TEST_FAILED;
}
#else
bool selftest_guest_mode(const char *name)
{
	return false;
}

int selftest_run(const char *name)
{
	printk("hv: selftest=%s refused: this build has no self-tests "
	       "(build with SELFTEST=1)\n",
	       name);
	return HV_EXIT_TEST_FAILED;
}
#endif
