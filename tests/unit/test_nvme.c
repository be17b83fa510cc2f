/*
 * test_nvme.c - drivers/nvme.c against a fake NVMe controller.
 *
 * The fake is a small model of the NVMe 1.4 spec's controller: the
 * registers in a plain memory window, CC.EN and CSTS.RDY, an admin queue
 * pair with Identify and Create I/O Queue, and an I/O queue pair that
 * reads and writes a namespace held in memory.  It walks every PRP as the
 * spec says a controller may (4.3) and reports a command whose PRPs break
 * the rules, and it checks its completion queue never overflows.  It runs
 * whenever the driver reads the clock, which it does in every wait, so
 * the driver's loops drive it as real time drives a device.
 *
 * What QEMU's runs do not reach is here: the completion queue wrapping
 * (phase tag flips), full slots, completions out of order, PRP lists of
 * odd shapes, a timeout with other requests in flight, a fatal status,
 * probe refusals.
 *
 * nvme.c and disk.c are included, not linked, so that each case starts
 * from an empty registry and the static helpers can be called directly.
 * All the memory the fake controller reaches lies below 4 GiB
 * (MAP_32BIT), as the hypervisor's does.
 *
 * UNIT_SOURCES: hv/lib/string.c hv/lib/format.c drivers/driver_env.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "drivers/disk.c"
#include "drivers/nvme.c"

#define PAGE 4096u
#define BAR_SIZE 0x4000u
#define FAKE_NS_MAX 8
#define FAKE_HELD_MAX 64

/* ---- memory below 4 GiB ---- */

static uint8_t *pool;
static size_t pool_used;
#define POOL_SIZE (32u << 20)

static void *low_pages(uint32_t count)
{
	void *p;

	if (pool_used + (size_t)count * PAGE > POOL_SIZE)
		return NULL;
	p = pool + pool_used;
	pool_used += (size_t)count * PAGE;
	memset(p, 0, (size_t)count * PAGE);
	return p;
}

/* ---- the console ---- */

static char log_buf[16384];
static size_t log_len;

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (log_len < sizeof(log_buf))
		log_len += (size_t)vsnprintf(
			log_buf + log_len, sizeof(log_buf) - log_len, fmt, ap);
	va_end(ap);
	if (log_len > sizeof(log_buf))
		log_len = sizeof(log_buf);
}

static void assert_logged(const char *text)
{
	if (!strstr(log_buf, text))
		fail_msg("missing from the log: \"%s\"\nlog:\n%s", text,
			 log_buf);
}

static void assert_not_logged(const char *text)
{
	if (strstr(log_buf, text))
		fail_msg("in the log but should not be: \"%s\"\nlog:\n%s", text,
			 log_buf);
}

/* ---- the fake controller ---- */

struct fake_queue {
	uint8_t *sq, *cq;
	uint16_t sq_entries, cq_entries;
	uint16_t sq_head, cq_tail;
	uint8_t phase;
	bool live;
};

struct fake_ns {
	uint64_t nsze; /* 0: an inactive id */
	uint8_t lbads;
	uint16_t ms;
	uint8_t *data;
};

struct held {
	uint16_t cid, status;
};

struct fake {
	/* The configuration a case sets before nvme_probe(). */
	uint32_t cap_lo, cap_hi, vs;
	uint8_t mdts;
	uint32_t nn;
	struct fake_ns ns[FAKE_NS_MAX + 1]; /* by NSID */
	bool no_ns_list;		    /* Identify CNS 2 fails */
	bool fatal_on_enable;		    /* CSTS.CFS instead of RDY */
	uint64_t bar_base;		    /* 0: the window's own address */
	/* What the I/O commands meet. */
	bool drop_io;	      /* take commands, never complete them */
	bool hold_io;	      /* keep completions until released */
	uint16_t fail_status; /* the next I/O command gets this status */
	/* State. */
	uint8_t *bar;
	uint16_t pci_cmd;
	bool enabled;
	unsigned ready_delay; /* steps until RDY follows CC.EN */
	struct fake_queue q[2];
	bool io_cq_made;
	struct held held[FAKE_HELD_MAX];
	unsigned nheld;
	/* What the case looks at afterwards. */
	unsigned resets, io_cmds, max_in_flight, in_flight;
	char violation[160];
};

static struct fake fake;
static struct pci_function fake_fn = { .bus = 0, .dev = 4, .fn = 0 };
static uint64_t clock_ns;

static uint32_t bar_rd(uint32_t off)
{
	uint32_t v;

	memcpy(&v, fake.bar + off, 4);
	return v;
}

static void bar_wr(uint32_t off, uint32_t v)
{
	memcpy(fake.bar + off, &v, 4);
}

static uint32_t fake_stride(void)
{
	return 4u << (fake.cap_hi & 0xF);
}

static uint32_t fake_doorbell(unsigned qid, bool cq)
{
	return 0x1000 + (2 * qid + cq) * fake_stride();
}

static void violate(const char *what)
{
	if (!fake.violation[0])
		snprintf(fake.violation, sizeof(fake.violation), "%s", what);
}

static void *bus(uint64_t addr)
{
	return (void *)(uintptr_t)addr;
}

static void post(unsigned qid, uint16_t cid, uint16_t status)
{
	struct fake_queue *q = &fake.q[qid];
	uint16_t head = (uint16_t)bar_rd(fake_doorbell(qid, true));
	uint8_t *e = q->cq + 16u * q->cq_tail;
	uint32_t dw2 = q->sq_head | (uint32_t)qid << 16;
	uint32_t dw3 = cid | (uint32_t)q->phase << 16 | (uint32_t)status << 17;

	if ((q->cq_tail + 1) % q->cq_entries == head)
		violate("completion queue overflow");
	memset(e, 0, 8);
	memcpy(e + 8, &dw2, 4);
	memcpy(e + 12, &dw3, 4); /* the phase tag last */
	if (++q->cq_tail == q->cq_entries) {
		q->cq_tail = 0;
		q->phase ^= 1;
	}
}

static void put_id_string(uint8_t *dst, const char *s, size_t len)
{
	memset(dst, ' ', len);
	memcpy(dst, s, strlen(s));
}

static uint16_t fake_identify(const struct nvme_sqe *c)
{
	uint8_t *buf = bus(c->prp1);
	uint32_t cns = c->cdw10 & 0xFF, n = 0;

	if (c->prp1 & (PAGE - 1))
		violate("Identify buffer not page-aligned");
	memset(buf, 0, PAGE);
	if (cns == NVME_CNS_CONTROLLER) {
		put_id_string(buf + 4, "FAKE0001", 20);
		put_id_string(buf + 24, "Fake NVMe Controller", 40);
		buf[77] = fake.mdts;
		memcpy(buf + 516, &fake.nn, 4);
		return 0;
	}
	if (cns == NVME_CNS_ACTIVE_NS_LIST) {
		if (fake.no_ns_list)
			return 0x02; /* invalid field: CNS 2 unknown */
		for (uint32_t id = c->nsid + 1; id <= fake.nn; id++)
			if (fake.ns[id].nsze)
				memcpy(buf + 4 * n++, &id, 4);
		return 0;
	}
	if (cns == NVME_CNS_NAMESPACE) {
		const struct fake_ns *ns;
		uint32_t lbaf0 = 9u << 16, lbaf1;

		if (c->nsid == 0 || c->nsid > fake.nn)
			return 0x0B; /* invalid namespace */
		ns = &fake.ns[c->nsid];
		if (!ns->nsze)
			return 0; /* inactive: all zeros */
		lbaf1 = ns->ms | (uint32_t)ns->lbads << 16;
		memcpy(buf, &ns->nsze, 8);
		memcpy(buf + 8, &ns->nsze, 8);
		buf[25] = 1; /* two formats */
		buf[26] = 1; /* the second in use */
		memcpy(buf + 128, &lbaf0, 4);
		memcpy(buf + 132, &lbaf1, 4);
		return 0;
	}
	return 0x02;
}

static uint16_t fake_admin(const struct nvme_sqe *c)
{
	uint32_t qid = c->cdw10 & 0xFFFF, size = (c->cdw10 >> 16) + 1;
	uint32_t mqes = (fake.cap_lo & 0xFFFF) + 1;

	switch (c->cdw0 & 0xFF) {
	case NVME_ADMIN_IDENTIFY:
		return fake_identify(c);
	case NVME_ADMIN_CREATE_IO_CQ:
		if (qid != 1 || size > mqes || size < 2 || !(c->cdw11 & 1) ||
		    (c->cdw11 & 2) || (c->prp1 & (PAGE - 1)))
			return 0x02;
		fake.q[1].cq = bus(c->prp1);
		fake.q[1].cq_entries = (uint16_t)size;
		fake.q[1].cq_tail = 0;
		fake.q[1].phase = 1;
		fake.io_cq_made = true;
		return 0;
	case NVME_ADMIN_CREATE_IO_SQ:
		if (qid != 1 || size > mqes || size < 2 || !(c->cdw11 & 1) ||
		    (c->cdw11 >> 16) != 1 || !fake.io_cq_made ||
		    (c->prp1 & (PAGE - 1)))
			return 0x02;
		fake.q[1].sq = bus(c->prp1);
		fake.q[1].sq_entries = (uint16_t)size;
		fake.q[1].sq_head = 0;
		fake.q[1].live = true;
		return 0;
	}
	return 0x01;
}

/* Move len bytes between the namespace and the memory the PRPs name,
 * checking each entry as a strict controller would (4.3). */
static uint16_t fake_prp_move(const struct nvme_sqe *c, uint8_t *disk,
			      uint32_t len, bool to_disk)
{
	uint64_t entries[1 + PAGE / 8];
	uint32_t n = 0, first_len, left;

	if (c->prp1 & 3)
		return violate("PRP1 not dword-aligned"), 0x13;
	first_len = PAGE - (uint32_t)(c->prp1 & (PAGE - 1));
	entries[n++] = c->prp1;
	left = len > first_len ? len - first_len : 0;
	if (left > 0 && left <= PAGE) {
		entries[n++] = c->prp2;
	} else if (left > PAGE) {
		const uint64_t *list = bus(c->prp2);
		uint32_t count = (left + PAGE - 1) / PAGE;

		if (c->prp2 & 7)
			return violate("PRP list pointer not qword-aligned"),
			       0x13;
		if (count > PAGE / 8 - (uint32_t)((c->prp2 & (PAGE - 1)) / 8))
			return violate("PRP list runs past its page"), 0x13;
		for (uint32_t i = 0; i < count; i++)
			entries[n++] = list[i];
	}
	for (uint32_t i = 1; i < n; i++)
		if (entries[i] & (PAGE - 1))
			return violate("a PRP entry after the first has an "
				       "offset"),
			       0x13;
	for (uint32_t i = 0, done = 0; i < n; i++) {
		uint32_t room = i == 0 ? first_len : PAGE;
		uint32_t chunk = len - done < room ? len - done : room;
		uint8_t *mem = bus(entries[i]);

		if (to_disk)
			memcpy(disk + done, mem, chunk);
		else
			memcpy(mem, disk + done, chunk);
		done += chunk;
	}
	return 0;
}

static uint16_t fake_io(const struct nvme_sqe *c)
{
	uint32_t op = c->cdw0 & 0xFF, nlb = (c->cdw12 & 0xFFFF) + 1;
	uint64_t slba = c->cdw10 | (uint64_t)c->cdw11 << 32;
	struct fake_ns *ns;

	fake.io_cmds++;
	if (fake.fail_status) {
		uint16_t st = fake.fail_status;

		fake.fail_status = 0;
		return st;
	}
	if (c->nsid == 0 || c->nsid > fake.nn || !fake.ns[c->nsid].nsze)
		return 0x0B;
	ns = &fake.ns[c->nsid];
	if (op == NVME_CMD_FLUSH)
		return 0;
	if (op != NVME_CMD_READ && op != NVME_CMD_WRITE)
		return 0x01;
	if (slba + nlb > ns->nsze)
		return 0x80;
	if (fake.mdts && ((uint64_t)nlb << ns->lbads) > (PAGE << fake.mdts))
		violate("transfer larger than MDTS");
	return fake_prp_move(c, ns->data + (slba << ns->lbads),
			     nlb << ns->lbads, op == NVME_CMD_WRITE);
}

static void run_queue(unsigned qid)
{
	struct fake_queue *q = &fake.q[qid];
	uint16_t tail = (uint16_t)bar_rd(fake_doorbell(qid, false));

	if (tail >= q->sq_entries) {
		violate("SQ tail doorbell past the queue");
		return;
	}
	while (q->sq_head != tail) {
		struct nvme_sqe c;
		uint16_t cid, st;

		memcpy(&c, q->sq + 64u * q->sq_head, sizeof(c));
		q->sq_head = (uint16_t)((q->sq_head + 1) % q->sq_entries);
		cid = (uint16_t)(c.cdw0 >> 16);
		if (qid == 0) {
			post(0, cid, fake_admin(&c));
			continue;
		}
		st = fake_io(&c);
		fake.in_flight++;
		if (fake.in_flight > fake.max_in_flight)
			fake.max_in_flight = fake.in_flight;
		if (fake.drop_io)
			continue;
		if (fake.hold_io && fake.nheld < FAKE_HELD_MAX) {
			fake.held[fake.nheld++] = (struct held){ cid, st };
			continue;
		}
		fake.in_flight--;
		post(1, cid, st);
	}
}

/* Post the held completions, last first when `reverse`. */
static void fake_release(bool reverse)
{
	for (unsigned i = 0; i < fake.nheld; i++) {
		struct held *h = &fake.held[reverse ? fake.nheld - 1 - i : i];

		fake.in_flight--;
		post(1, h->cid, h->status);
	}
	fake.nheld = 0;
	fake.hold_io = false;
}

static void fake_step(void)
{
	uint32_t cc;

	if (!fake.bar)
		return;
	cc = bar_rd(NVME_REG_CC);
	if ((cc & NVME_CC_EN) && !fake.enabled) {
		uint32_t aqa = bar_rd(NVME_REG_AQA);

		if (fake.ready_delay && --fake.ready_delay)
			return;
		fake.enabled = true;
		if ((cc >> 4 & 7) != 0 || (cc >> 7 & 0xF) != 0 ||
		    (cc >> 16 & 0xF) != 6 || (cc >> 20 & 0xF) != 4)
			violate("CC: not NVM, 4 KiB pages, 64/16-byte entries");
		if (fake.fatal_on_enable) {
			bar_wr(NVME_REG_CSTS, NVME_CSTS_CFS);
			return;
		}
		fake.q[0] = (struct fake_queue){
			.sq = bus(bar_rd(NVME_REG_ASQ_LO)),
			.cq = bus(bar_rd(NVME_REG_ACQ_LO)),
			.sq_entries = (uint16_t)((aqa & 0xFFF) + 1),
			.cq_entries = (uint16_t)((aqa >> 16 & 0xFFF) + 1),
			.phase = 1,
			.live = true,
		};
		fake.q[1].live = false;
		fake.io_cq_made = false;
		for (unsigned i = 0; i < 4; i++)
			bar_wr(0x1000 + i * fake_stride(), 0);
		bar_wr(NVME_REG_CSTS, NVME_CSTS_RDY);
		fake.ready_delay = 3;
	} else if (!(cc & NVME_CC_EN) && fake.enabled) {
		/* A controller reset drops every queue and command (7.3.2). */
		fake.enabled = false;
		fake.q[0].live = fake.q[1].live = false;
		fake.nheld = 0;
		fake.in_flight = 0;
		fake.drop_io = false;
		fake.resets++;
		bar_wr(NVME_REG_CSTS, 0);
		fake.ready_delay = 3;
	}
	if (!fake.enabled || fake.fatal_on_enable)
		return;
	run_queue(0);
	if (fake.q[1].live)
		run_queue(1);
}

/* The driver's services: every look at the clock lets the fake work. */
static uint64_t fake_now_ns(void)
{
	clock_ns += 10000; /* 10 us a look */
	fake_step();
	return clock_ns;
}

static bool fake_map_mmio(uint64_t phys, uint64_t len)
{
	return true;
}

static const struct driver_env fake_env = {
	.now_ns = fake_now_ns,
	.alloc_pages = low_pages,
	.map_mmio = fake_map_mmio,
};

/* ---- the host PCI bus: one NVMe controller ---- */

const struct pci_function *pci_host_find(uint8_t class, uint8_t subclass,
					 uint8_t progif, unsigned index)
{
	if (class == 0x01 && subclass == 0x08 && progif == 0x02 && index == 0)
		return &fake_fn;
	return NULL;
}

bool pci_host_mem_bar(const struct pci_function *f, unsigned bar,
		      uint64_t *base, uint64_t *size)
{
	*base = fake.bar_base ? fake.bar_base : (uintptr_t)fake.bar;
	*size = BAR_SIZE;
	return bar == 0;
}

void pci_host_enable(const struct pci_function *f)
{
	fake.pci_cmd |= PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER;
}

uint16_t pci_host_read16(const struct pci_function *f, unsigned off)
{
	return off == PCI_COMMAND ? fake.pci_cmd : 0;
}

void pci_host_write16(const struct pci_function *f, unsigned off, uint16_t v)
{
	if (off == PCI_COMMAND)
		fake.pci_cmd = v;
}

void pci_host_name(const struct pci_function *f, char buf[8])
{
	snprintf(buf, 8, "00:04.0");
}

/* ---- the cases' helpers ---- */

static void add_ns(uint32_t nsid, uint64_t blocks, uint8_t lbads, uint16_t ms)
{
	fake.ns[nsid].nsze = blocks;
	fake.ns[nsid].lbads = lbads;
	fake.ns[nsid].ms = ms;
	fake.ns[nsid].data = low_pages((uint32_t)((blocks << lbads) / PAGE));
	assert_non_null(fake.ns[nsid].data);
	if (nsid > fake.nn)
		fake.nn = nsid;
}

/* A fresh machine: an empty registry and driver, a controller with
 * MQES 2047, CAP.TO 1 (500 ms), NVMe 1.4 and one 1 MiB namespace of
 * 512-byte blocks. */
static int setup(void **state)
{
	memset(&fake, 0, sizeof(fake));
	pool_used = 0;
	memset(controllers, 0, sizeof(controllers));
	memset(namespaces, 0, sizeof(namespaces));
	nr_namespaces = 0;
	first = NULL;
	tail = &first;
	log_len = 0;
	log_buf[0] = 0;
	disk_timeout_ms = 50;
	fake.bar = low_pages(BAR_SIZE / PAGE);
	fake.cap_lo = 0x7FF | 1u << 16 | 1u << 24;
	fake.cap_hi = 1u << 5; /* CSS: NVM */
	fake.vs = 0x00010400;
	fake.mdts = 7;
	fake.ready_delay = 3;
	add_ns(1, 2048, 9, 0);
	return 0;
}

static unsigned probe(void)
{
	bar_wr(NVME_REG_CAP_LO, fake.cap_lo);
	bar_wr(NVME_REG_CAP_HI, fake.cap_hi);
	bar_wr(NVME_REG_VS, fake.vs);
	return nvme_probe();
}

static struct disk *probe_disk(void)
{
	assert_int_equal(probe(), 1);
	assert_non_null(disk_first());
	return disk_first();
}

static void io_set(struct disk_io *io, enum disk_op op, uint64_t lba,
		   uint32_t sectors)
{
	memset(io, 0, sizeof(*io));
	io->op = op;
	io->lba = lba;
	io->sectors = sectors;
}

static void io_seg(struct disk_io *io, void *addr, uint32_t len)
{
	io->seg[io->nsegs].addr = (uintptr_t)addr;
	io->seg[io->nsegs].len = len;
	io->nsegs++;
}

static enum disk_status run(struct disk *d, struct disk_io *io)
{
	int spins = 0;

	while (!d->ops->submit(d, io))
		assert_true(++spins < 1000);
	while (io->status == DISK_BUSY)
		d->ops->poll(d, io);
	return io->status;
}

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 13 + seed * 101 + (i >> 9));
}

static void assert_no_violation(void)
{
	if (fake.violation[0])
		fail_msg("the controller saw: %s", fake.violation);
}

/* ---- the cases ---- */

static void test_probe_registers_namespace(void **state)
{
	struct disk *d = probe_disk();

	assert_string_equal(d->name, "nvme0n1");
	assert_string_equal(d->model, "Fake NVMe Controller");
	assert_string_equal(d->serial, "FAKE0001");
	assert_int_equal(d->sectors, 2048);
	assert_int_equal(d->sector_size, 512);
	assert_int_equal(d->max_sectors, 256); /* 128 KiB */
	assert_null(d->next);
	assert_true(fake.pci_cmd & PCI_CMD_BUS_MASTER);
	assert_logged("hv: nvme0: 00:04.0, NVMe 1.4, \"Fake NVMe Controller\", "
		      "32-entry I/O queue, 128 KiB per request");
	assert_no_violation();
}

static void test_mdts_limits_requests(void **state)
{
	struct disk *d;

	fake.mdts = 3; /* 2^3 pages: 32 KiB */
	d = probe_disk();
	assert_int_equal(d->max_sectors, 64);
}

/* Many requests one after another: the completion queue (32 entries)
 * wraps several times, so the driver must follow the phase tag. */
static void test_many_requests_wrap_queue(void **state)
{
	struct disk *d = probe_disk();
	uint8_t *out = low_pages(2), *in = low_pages(2);
	struct disk_io io;

	for (unsigned i = 0; i < 100; i++) {
		uint64_t lba = (i * 37) % (2048 - 16);

		fill(out, 8192, i);
		io_set(&io, DISK_WRITE, lba, 16);
		io_seg(&io, out, 8192);
		assert_int_equal(run(d, &io), DISK_DONE);
		assert_memory_equal(fake.ns[1].data + lba * 512, out, 8192);
		memset(in, 0, 8192);
		io_set(&io, DISK_READ, lba, 16);
		io_seg(&io, in, 8192);
		assert_int_equal(run(d, &io), DISK_DONE);
		assert_memory_equal(in, out, 8192);
	}
	io_set(&io, DISK_FLUSH, 0, 0);
	assert_int_equal(run(d, &io), DISK_DONE);
	assert_int_equal(fake.io_cmds, 201);
	assert_no_violation();
}

/* One request of the given pieces: written, then read back into the same
 * shape, and compared with the namespace. */
static void roundtrip(struct disk *d, const uint32_t *offs,
		      const uint32_t *lens, unsigned n, uint64_t lba)
{
	uint8_t *mem = low_pages(80), *expect = low_pages(40);
	struct disk_io io;
	uint32_t total = 0, at = 0;

	io_set(&io, DISK_WRITE, lba, 0);
	for (unsigned i = 0; i < n; i++) {
		fill(mem + offs[i], lens[i], i + 1);
		memcpy(expect + total, mem + offs[i], lens[i]);
		io_seg(&io, mem + offs[i], lens[i]);
		total += lens[i];
	}
	io.sectors = total / 512;
	assert_true(d->ops->dma_ok(d, &io));
	assert_int_equal(run(d, &io), DISK_DONE);
	assert_memory_equal(fake.ns[1].data + lba * 512, expect, total);
	for (unsigned i = 0; i < n; i++)
		memset(mem + offs[i], 0, lens[i]);
	io.op = DISK_READ;
	io.status = DISK_IDLE;
	assert_int_equal(run(d, &io), DISK_DONE);
	for (unsigned i = 0; i < n; at += lens[i], i++)
		assert_memory_equal(mem + offs[i], expect + at, lens[i]);
	assert_no_violation();
}

static void test_prp_shapes(void **state)
{
	struct disk *d = probe_disk();
	/* One piece in one page; one page exactly (PRP1 only). */
	static const uint32_t o1[] = { 512 }, l1[] = { 1024 };
	static const uint32_t o2[] = { 0 }, l2[] = { 4096 };
	/* One piece over two pages from an odd dword (PRP2 as data). */
	static const uint32_t o3[] = { 100 }, l3[] = { 4096 };
	/* One piece over three pages (a PRP list of two). */
	static const uint32_t o4[] = { 4 }, l4[] = { 8192 };
	/* 128 KiB from an offset: 33 pages, a list of 32. */
	static const uint32_t o5[] = { 2048 }, l5[] = { 131072 };
	/* Scattered: a tail of a page, whole pages, a head of a page. */
	static const uint32_t o6[] = { 3584, 3 * 4096, 9 * 4096, 20 * 4096 };
	static const uint32_t l6[] = { 512, 4096, 8192, 1536 };
	/* Two pieces, each in its own page: PRP1 and PRP2. */
	static const uint32_t o7[] = { 4096 - 1024, 12 * 4096 };
	static const uint32_t l7[] = { 1024, 1024 };

	roundtrip(d, o1, l1, 1, 7);
	roundtrip(d, o2, l2, 1, 100);
	roundtrip(d, o3, l3, 1, 200);
	roundtrip(d, o4, l4, 1, 300);
	roundtrip(d, o5, l5, 1, 1000);
	roundtrip(d, o6, l6, 4, 500);
	roundtrip(d, o7, l7, 2, 2044); /* the last 4 sectors */
}

/* 4 KiB blocks: 64 KiB in sixteen blocks, through a PRP list. */
static void test_prp_list_for_4k_sectors(void **state)
{
	uint8_t *mem = low_pages(16);
	struct disk_io io;
	struct disk *d;

	fake.ns[1].nsze = 0;
	add_ns(1, 256, 12, 0); /* 1 MiB */
	d = probe_disk();
	assert_int_equal(d->sector_size, 4096);
	assert_int_equal(d->max_sectors, 32);
	fill(mem, 65536, 9);
	io_set(&io, DISK_WRITE, 256 - 16, 16);
	io_seg(&io, mem, 65536);
	assert_int_equal(run(d, &io), DISK_DONE);
	assert_memory_equal(fake.ns[1].data + (256 - 16) * 4096ull, mem, 65536);
	assert_no_violation();
}

static void test_dma_ok_rules(void **state)
{
	struct disk *d = probe_disk();
	uint8_t *m = low_pages(64);
	struct disk_io io;

#define SHAPE(sectors_) io_set(&io, DISK_READ, 0, sectors_)
	/* Accepted. */
	SHAPE(2);
	io_seg(&io, m + 4, 1024);
	assert_true(d->ops->dma_ok(d, &io));
	SHAPE(9);
	io_seg(&io, m + 3584, 512);
	io_seg(&io, m + 8192, 4096);
	assert_true(d->ops->dma_ok(d, &io));
	/* A later piece with an offset. */
	SHAPE(2);
	io_seg(&io, m + 3584, 512);
	io_seg(&io, m + 8192 + 512, 512);
	assert_false(d->ops->dma_ok(d, &io));
	/* A first piece that stops before its page ends, with more after. */
	SHAPE(2);
	io_seg(&io, m, 512);
	io_seg(&io, m + 8192, 512);
	assert_false(d->ops->dma_ok(d, &io));
	/* A middle piece that is not whole pages. */
	SHAPE(17);
	io_seg(&io, m + 3584, 512);
	io_seg(&io, m + 8192, 2048);
	io_seg(&io, m + 16384, 6144);
	assert_false(d->ops->dma_ok(d, &io));
	/* Not dword-aligned. */
	SHAPE(1);
	io_seg(&io, m + 2, 512);
	assert_false(d->ops->dma_ok(d, &io));
	/* Pieces that do not add up to the sectors. */
	SHAPE(2);
	io_seg(&io, m, 512);
	assert_false(d->ops->dma_ok(d, &io));
	/* No pieces; an empty piece. */
	SHAPE(1);
	assert_false(d->ops->dma_ok(d, &io));
	SHAPE(1);
	io_seg(&io, m, 512);
	io_seg(&io, m + 4096, 0);
	assert_false(d->ops->dma_ok(d, &io));
	/* More than max_sectors. */
	SHAPE(257);
	io_seg(&io, m, 257 * 512);
	assert_false(d->ops->dma_ok(d, &io));
	/* Past 4 GiB. */
	SHAPE(16);
	io.nsegs = 1;
	io.seg[0].addr = (uintptr_t)0xFFFFF000u;
	io.seg[0].len = 8192;
	assert_false(d->ops->dma_ok(d, &io));
	/* A flush has nothing to move. */
	io_set(&io, DISK_FLUSH, 0, 0);
	assert_true(d->ops->dma_ok(d, &io));
#undef SHAPE
}

/* Every slot busy: the next submit says no and leaves the request alone;
 * completions that come back in reverse order still find their own. */
static void test_slots_full_and_out_of_order(void **state)
{
	struct disk *d = probe_disk();
	static struct disk_io ios[NVME_IO_SLOTS + 1];
	uint8_t *mem = low_pages(NVME_IO_SLOTS + 1);

	fake.hold_io = true;
	for (unsigned i = 0; i < NVME_IO_SLOTS; i++) {
		fill(mem + i * PAGE, PAGE, i);
		io_set(&ios[i], DISK_WRITE, 8 * i, 8);
		io_seg(&ios[i], mem + i * PAGE, PAGE);
		assert_true(d->ops->submit(d, &ios[i]));
		assert_int_equal(ios[i].status, DISK_BUSY);
		assert_int_equal(ios[i].slot, (int)i);
	}
	io_set(&ios[NVME_IO_SLOTS], DISK_READ, 0, 8);
	io_seg(&ios[NVME_IO_SLOTS], mem + NVME_IO_SLOTS * PAGE, PAGE);
	assert_false(d->ops->submit(d, &ios[NVME_IO_SLOTS]));
	assert_int_equal(ios[NVME_IO_SLOTS].status, DISK_IDLE);
	for (int k = 0; k < 5; k++)
		d->ops->poll(d, &ios[0]);
	assert_int_equal(ios[0].status, DISK_BUSY);
	assert_int_equal(fake.max_in_flight, NVME_IO_SLOTS);
	fake_release(true);
	d->ops->poll(d, &ios[0]); /* reaps all of them */
	for (unsigned i = 0; i < NVME_IO_SLOTS; i++) {
		assert_int_equal(ios[i].status, DISK_DONE);
		assert_memory_equal(fake.ns[1].data + 8 * i * 512,
				    mem + i * PAGE, PAGE);
	}
	assert_int_equal(run(d, &ios[NVME_IO_SLOTS]), DISK_DONE);
	assert_no_violation();
}

/* A completion for a command id that is not in flight (a confused
 * controller) is said and passed over; the real one still ends its
 * request. */
static void test_stray_completion_ignored(void **state)
{
	struct disk *d = probe_disk();
	uint8_t *mem = low_pages(1);
	struct disk_io io;

	fake.hold_io = true;
	io_set(&io, DISK_READ, 0, 8);
	io_seg(&io, mem, 4096);
	assert_true(d->ops->submit(d, &io));
	d->ops->poll(d, &io);
	post(1, 7, 0);	 /* slot 7 is free */
	post(1, 999, 0); /* no such slot */
	fake_release(false);
	while (io.status == DISK_BUSY)
		d->ops->poll(d, &io);
	assert_int_equal(io.status, DISK_DONE);
	assert_logged("hv: nvme0: completion for command 7, which is not in "
		      "flight; ignored\n");
	assert_logged("hv: nvme0: completion for command 999, which is not "
		      "in flight; ignored\n");
	assert_no_violation();
}

static void test_error_status_reported(void **state)
{
	struct disk *d = probe_disk();
	uint8_t *mem = low_pages(1);
	struct disk_io io;

	fake.fail_status = 2 << 8 | 0x80; /* media error: write fault */
	io_set(&io, DISK_WRITE, 1024, 8);
	io_seg(&io, mem, 4096);
	assert_int_equal(run(d, &io), DISK_FAILED);
	assert_logged("hv: nvme0n1: write of 8 sectors at 1024 failed: status "
		      "type 2 code 0x80; write fault\n");
	io.status = DISK_IDLE;
	assert_int_equal(run(d, &io), DISK_DONE);
	assert_int_equal(fake.resets, 0);
}

/* A request not answered in time fails, and so does the other one in
 * flight (on another namespace); the controller is reset, and the next
 * request works. */
static void test_timeout_resets_controller(void **state)
{
	struct disk *d1, *d2;
	uint8_t *mem = low_pages(2);
	struct disk_io a, b;
	uint64_t start;

	add_ns(2, 2048, 9, 0);
	assert_int_equal(probe(), 2);
	d1 = disk_first();
	d2 = d1->next;
	assert_string_equal(d2->name, "nvme0n2");
	fake.drop_io = true;
	io_set(&a, DISK_READ, 100, 8);
	io_seg(&a, mem, 4096);
	io_set(&b, DISK_WRITE, 5, 8);
	io_seg(&b, mem + 4096, 4096);
	assert_true(d1->ops->submit(d1, &a));
	assert_true(d2->ops->submit(d2, &b));
	start = clock_ns;
	while (a.status == DISK_BUSY)
		d1->ops->poll(d1, &a);
	assert_int_equal(a.status, DISK_FAILED);
	assert_int_equal(b.status, DISK_FAILED);
	assert_true(clock_ns - start >= 50000000ull);
	assert_logged("hv: nvme0n1: read of 8 sectors at 100 timed out after "
		      "50 ms; controller reset\n");
	assert_logged("hv: nvme0n2: write of 8 sectors at 5 failed: controller "
		      "reset after another request timed out\n");
	assert_logged("hv: nvme0: reset, queues back up\n");
	assert_int_equal(fake.resets, 1);
	a.status = b.status = DISK_IDLE;
	assert_int_equal(run(d1, &a), DISK_DONE);
	assert_int_equal(run(d2, &b), DISK_DONE);
	assert_no_violation();
}

static void test_refused_requests(void **state)
{
	struct disk *d = probe_disk();
	uint8_t *mem = low_pages(1);
	struct disk_io io;

	io_set(&io, DISK_READ, 2047, 2);
	io_seg(&io, mem, 1024);
	assert_true(d->ops->submit(d, &io));
	assert_int_equal(io.status, DISK_FAILED);
	assert_logged("hv: nvme0n1: read of 2 sectors at 2047 refused: past "
		      "the end of the disk\n");
	io_set(&io, DISK_WRITE, 0, 1);
	io_seg(&io, mem + 1, 512);
	assert_true(d->ops->submit(d, &io));
	assert_int_equal(io.status, DISK_FAILED);
	assert_int_equal(fake.io_cmds, 0);
}

static void test_namespaces_list_and_skips(void **state)
{
	add_ns(2, 512, 12, 0);
	add_ns(3, 2048, 9, 8);	/* metadata: skipped */
	add_ns(5, 2048, 10, 0); /* 1 KiB blocks: skipped */
	assert_int_equal(probe(), 2);
	assert_string_equal(disk_first()->name, "nvme0n1");
	assert_string_equal(disk_first()->next->name, "nvme0n2");
	assert_int_equal(disk_first()->next->sector_size, 4096);
	assert_logged("hv: nvme0n3: not used: its LBA format has 8 bytes of "
		      "metadata per block\n");
	assert_logged("hv: nvme0n5: not used: blocks of 2^10 bytes");
}

/* Before NVMe 1.1 there is no active namespace list: ids 1..NN are
 * tried, and an inactive one (all zeros) is passed over quietly. */
static void test_namespace_walk_without_list(void **state)
{
	fake.vs = 0x00010000;
	fake.no_ns_list = true;
	add_ns(3, 1024, 9, 0);
	assert_int_equal(probe(), 2);
	assert_string_equal(disk_first()->next->name, "nvme0n3");
	assert_not_logged("failed");
}

static void test_doorbell_stride(void **state)
{
	struct disk *d;
	uint8_t *mem = low_pages(1);
	struct disk_io io;

	fake.cap_hi |= 2; /* DSTRD 2: doorbells 16 bytes apart */
	d = probe_disk();
	io_set(&io, DISK_WRITE, 0, 8);
	io_seg(&io, mem, 4096);
	assert_int_equal(run(d, &io), DISK_DONE);
	assert_no_violation();
}

static void test_fatal_status_gives_up(void **state)
{
	fake.fatal_on_enable = true;
	assert_int_equal(probe(), 0);
	assert_null(disk_first());
	assert_logged("hv: nvme0: controller fatal status (CSTS.CFS)\n");
	assert_logged("hv: nvme0 (00:04.0): not used: it did not come up\n");
	assert_false(fake.pci_cmd & PCI_CMD_BUS_MASTER);
	assert_false(bar_rd(NVME_REG_CC) & NVME_CC_EN);
}

static void test_refused_controllers(void **state)
{
	fake.bar_base = 0x100000000ull;
	assert_int_equal(probe(), 0);
	assert_logged(
		"hv: nvme0 (00:04.0): not used: BAR0 at 0x100000000 is above "
		"4 GiB, which a 32-bit hypervisor cannot reach\n");
	setup(state);
	fake.cap_hi |= 1u << 16; /* MPSMIN 1: 8 KiB pages at least */
	assert_int_equal(probe(), 0);
	assert_logged("not used: 4 KiB memory pages not supported");
	setup(state);
	fake.cap_hi &= ~(1u << 5);
	assert_int_equal(probe(), 0);
	assert_logged("not used: no NVM command set");
	assert_null(disk_first());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_probe_registers_namespace, setup),
		cmocka_unit_test_setup(test_mdts_limits_requests, setup),
		cmocka_unit_test_setup(test_many_requests_wrap_queue, setup),
		cmocka_unit_test_setup(test_prp_shapes, setup),
		cmocka_unit_test_setup(test_prp_list_for_4k_sectors, setup),
		cmocka_unit_test_setup(test_dma_ok_rules, setup),
		cmocka_unit_test_setup(test_slots_full_and_out_of_order, setup),
		cmocka_unit_test_setup(test_stray_completion_ignored, setup),
		cmocka_unit_test_setup(test_error_status_reported, setup),
		cmocka_unit_test_setup(test_timeout_resets_controller, setup),
		cmocka_unit_test_setup(test_refused_requests, setup),
		cmocka_unit_test_setup(test_namespaces_list_and_skips, setup),
		cmocka_unit_test_setup(test_namespace_walk_without_list, setup),
		cmocka_unit_test_setup(test_doorbell_stride, setup),
		cmocka_unit_test_setup(test_fatal_status_gives_up, setup),
		cmocka_unit_test_setup(test_refused_controllers, setup),
	};

	pool = mmap(NULL, POOL_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (pool == MAP_FAILED)
		return 1;
	driver_env_set(&fake_env);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
