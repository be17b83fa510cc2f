/*
 * selftest.c - deliberate failures, for the tests that prove the
 * hypervisor reports its own faults well.  Compiled in only by test builds
 * (HV_SELFTEST, set by "make ... SELFTEST=1"); a normal build refuses the
 * option, so a production image can never be told to crash itself.
 */
#include "drivers/nic.h"
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

/* One request from start to end, as the virtio-blk backend runs them. */
static bool disk_io_wait(struct disk *d, enum disk_op op, uint64_t lba,
			 uint32_t sectors, void *buf)
{
	struct disk_io io = { .op = op, .lba = lba, .sectors = sectors };

	if (op != DISK_FLUSH) {
		io.nsegs = 1;
		io.seg[0].addr = (uintptr_t)buf;
		io.seg[0].len = sectors * d->sector_size;
	}
	while (!d->ops->submit(d, &io))
		;
	while (io.status == DISK_BUSY)
		d->ops->poll(d, &io);
	return io.status == DISK_DONE;
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
		ok = disk_io_wait(d, DISK_WRITE, lba, n, out) &&
		     disk_io_wait(d, DISK_FLUSH, 0, 0, NULL) &&
		     disk_io_wait(d, DISK_READ, lba, n, in);
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

/* ---- nic-loop: two cards on one wire (a QEMU hub), e1000-0 sending to
 * e1000-1.  Frame i is NIC_LOOP_MIN.. ETH_FRAME_MAX bytes long, its
 * lengths spread evenly over that range; it goes to e1000-1's address
 * when i is even and to the broadcast address when odd, carries i in
 * its first four payload bytes and a pattern of i after them. */
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
	unsigned strays;      /* frames e1000-0 received */
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

static struct nic *nic_named(const char *name)
{
	for (struct nic *n = nic_first(); n; n = n->next)
		if (!hv_strcmp(n->name, name))
			return n;
	return NULL;
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

static int selftest_nic_loop(void)
{
	static struct nic_loop t;
	static uint8_t frame[ETH_FRAME_MAX];
	struct nic *a = nic_named("e1000-0"), *b = nic_named("e1000-1");
	unsigned sent = 0;
	bool ok;

	if (!a || !b) {
		printk("hv: selftest: nic-loop: needs e1000-0 and e1000-1\n");
		return HV_EXIT_TEST_FAILED;
	}
	t.from = a;
	t.to = b;
	/* net_init() gave e1000-0 to the switch; the test takes both. */
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
	ok = sent == NIC_LOOP_FRAMES && t.intact == NIC_LOOP_FRAMES && !t.bad &&
	     !t.reordered && !t.strays && !b->stats.rx_errors;
	printk("hv: selftest: nic-loop: %s -> %s: %u sent, %u intact, %u lost, "
	       "%u bad, %u out of order, %u back at the sender, %llu receive "
	       "errors: %s\n",
	       a->name, b->name, sent, t.intact, NIC_LOOP_FRAMES - t.intact,
	       t.bad, t.reordered, t.strays,
	       (unsigned long long)b->stats.rx_errors, ok ? "OK" : "FAILED");
	return ok ? HV_EXIT_OK : HV_EXIT_TEST_FAILED;
}

int selftest_run(const char *name)
{
	printk("hv: selftest: %s\n", name);
	if (!hv_strcmp(name, "disk-io"))
		return selftest_disk_io();
	if (!hv_strcmp(name, "nic-loop"))
		return selftest_nic_loop();
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
int selftest_run(const char *name)
{
	printk("hv: selftest=%s refused: this build has no self-tests "
	       "(build with SELFTEST=1)\n",
	       name);
	return HV_EXIT_TEST_FAILED;
}
#endif
