/*
 * nvme.c - [Storage 4] NVMe controllers and their namespaces as disks
 * (see nvme.h; the registers and structures are in nvme_regs.h, and the
 * numbers in the comments are sections of the NVMe 1.4 spec).
 *
 * Each controller gets one admin queue pair, used at boot and after a
 * reset to identify the controller and create the I/O queues, and one
 * I/O queue pair shared by all its namespaces.  Each active namespace
 * becomes a disk, nvmeCnN: C is the controller's place among the
 * machine's NVMe controllers, N the namespace id.
 *
 * No interrupts.  The I/O completion queue is created with IEN=0 and
 * pci_host_enable() turns INTx off: the hypervisor's policy is that the
 * scheduler polls busy devices after every guest exit and continuously
 * while idle, so poll() finds a completion by its phase tag soon after
 * the controller writes it.  Routing the controller's interrupts through
 * the I/O APIC is separate work; only poll() would change.
 *
 * Slots: an I/O submission queue of E entries holds at most E-1 commands
 * (4.1: the queue is full when its tail is one behind its head), so the
 * driver keeps E-1 slots and the queue never fills.  Slot i sends its
 * command with Command Identifier i and owns one page for a PRP list;
 * io->slot says which slot a request is in.  So several requests are in
 * flight at once: two guests on two partitions of one namespace each
 * have theirs.
 *
 * Nothing waits unbounded: enabling and disabling wait at most CAP.TO,
 * an admin command at most disk_timeout_ms.  A request the controller
 * has not answered within disk_timeout_ms fails, every other request in
 * flight on the controller fails with it, and the controller is reset
 * and its queues are created again, so later requests work.  If even
 * that fails the controller is given up: bus mastering off, every later
 * request fails at once.
 */
#include "drivers/nvme.h"
#include "drivers/disk.h"
#include "drivers/driver_env.h"
#include "drivers/nvme_regs.h"
#include "drivers/pci_host.h"
#include "hv/include/layout.h"
#include "hv/lib/printk.h"

#define NVME_MAX_CONTROLLERS 4
#define NVME_MAX_NAMESPACES 16 /* over all controllers */
/* Namespace ids tried one by one on a controller older than NVMe 1.1,
 * which has no list of the active ones. */
#define NVME_MAX_NSID_WALK 64
#define NVME_ADMIN_ENTRIES 16
#define NVME_IO_ENTRIES 32
#define NVME_IO_SLOTS (NVME_IO_ENTRIES - 1)
#define NVME_ADMIN_QID 0
#define NVME_IO_QID 1
/* The largest request: what Linux's virtio-blk sends us (disk.h). */
#define NVME_MAX_TRANSFER KiB(128)
/* One PRP list page holds this many entries; with PRP1 they reach at
 * least this many whole pages, whatever PRP1's offset. */
#define NVME_PRPS_PER_PAGE (NVME_PAGE_SIZE / sizeof(uint64_t))
#define NVME_PRP_LIST_REACH (NVME_PRPS_PER_PAGE * NVME_PAGE_SIZE)
/* A controller's memory, in pages: admin SQ and CQ, I/O SQ and CQ (each
 * fits a page), the Identify buffer, one PRP list per slot. */
#define NVME_CTRL_PAGES (5 + NVME_IO_SLOTS)

struct nvme_queue_pair {
	struct nvme_sqe *sq;
	volatile struct nvme_cqe *cq;
	uint16_t qid;
	uint16_t entries;
	uint16_t sq_tail; /* where our next command goes */
	uint16_t cq_head; /* the next completion to look at */
	uint8_t cq_phase; /* the phase tag a new completion there carries */
};

struct nvme_ns;

struct nvme_slot {
	struct disk_io *io; /* NULL: free */
	struct nvme_ns *ns;
	uint64_t *prp_list; /* one page */
};

struct nvme_ctrl {
	char name[8]; /* "nvme0" */
	const struct pci_function *pci;
	volatile void *regs;
	uint32_t doorbell_stride;  /* bytes between doorbells */
	uint32_t ready_timeout_ms; /* CAP.TO */
	uint32_t max_transfer;	   /* bytes per request */
	struct nvme_queue_pair admin, io;
	uint16_t admin_cid;
	uint8_t *identify; /* one page for Identify data */
	char model[41], serial[21];
	unsigned nslots;
	struct nvme_slot slot[NVME_IO_SLOTS];
	bool dead; /* given up: every request fails at once */
};

struct nvme_ns {
	struct disk disk;
	struct nvme_ctrl *ctrl;
	uint32_t nsid;
};

static struct nvme_ctrl controllers[NVME_MAX_CONTROLLERS];
static struct nvme_ns namespaces[NVME_MAX_NAMESPACES];
static unsigned nr_namespaces;

/* An admin command the controller did not answer (a status is >= 0). */
#define NVME_NO_ANSWER (-1)

static uint32_t reg_read(const struct nvme_ctrl *c, uint32_t off)
{
	return mmio_read32(c->regs, off);
}

static void reg_write(struct nvme_ctrl *c, uint32_t off, uint32_t v)
{
	mmio_write32(c->regs, off, v);
}

/* Queue y's SQ tail doorbell, then its CQ head doorbell (3.1.24, 3.1.25). */
static uint32_t doorbell(const struct nvme_ctrl *c, uint16_t qid, bool cq)
{
	return NVME_REG_DOORBELLS + (2u * qid + cq) * c->doorbell_stride;
}

static uint64_t ms_to_ns(uint32_t ms)
{
	return (uint64_t)ms * 1000000u;
}

/* An Identify string (space-padded ASCII) as a C string, trailing spaces
 * gone and anything unprintable shown as '?'. */
static void copy_id_string(char *dst, const uint8_t *src, size_t len)
{
	size_t n = len;

	while (n > 0 && (src[n - 1] == ' ' || src[n - 1] == 0))
		n--;
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7F ? (char)src[i] : '?';
	dst[n] = 0;
}

/* "10 s", or "1500 ms" when that is not whole seconds. */
static void format_ms(char *buf, size_t len, uint32_t ms)
{
	if (ms % 1000 == 0)
		hv_snprintf(buf, len, "%u s", ms / 1000);
	else
		hv_snprintf(buf, len, "%u ms", ms);
}

/* "read of 8 sectors at 100", "flush": what a message says a request was. */
static void describe_io(char *buf, size_t len, const struct disk_io *io)
{
	if (io->op == DISK_FLUSH)
		hv_snprintf(buf, len, "flush");
	else
		hv_snprintf(buf, len, "%s of %u sectors at %llu",
			    io->op == DISK_READ ? "read" : "write", io->sectors,
			    (unsigned long long)io->lba);
}

/* The status codes a disk can be expected to give, in words (4.6.1). */
static const char *status_text(uint32_t sct, uint32_t sc)
{
	if (sct == NVME_SCT_GENERIC) {
		switch (sc) {
		case 0x01:
			return "invalid command opcode";
		case 0x02:
			return "invalid field in command";
		case 0x04:
			return "data transfer error";
		case 0x05:
			return "aborted: power loss";
		case 0x06:
			return "internal error";
		case 0x07:
			return "aborted by request";
		case 0x0B:
			return "invalid namespace or format";
		case 0x13:
			return "PRP offset invalid";
		case 0x80:
			return "LBA out of range";
		case 0x81:
			return "capacity exceeded";
		case 0x82:
			return "namespace not ready";
		}
	} else if (sct == NVME_SCT_MEDIA) {
		switch (sc) {
		case 0x80:
			return "write fault";
		case 0x81:
			return "unrecovered read error";
		case 0x82:
		case 0x83:
		case 0x84:
			return "end-to-end protection check failed";
		case 0x86:
			return "access denied";
		case 0x87:
			return "deallocated or unwritten block";
		}
	} else if (sct == NVME_SCT_PATH) {
		return "path error";
	}
	return "see the NVMe spec's status codes";
}

/* The queues' memory is ordinary write-back RAM the controller snoops;
 * the doorbells are uncached.  x86 keeps stores in program order, so it
 * is enough that the compiler does not move the entry's stores past the
 * doorbell. */
static void compiler_barrier(void)
{
	__asm__ volatile("" ::: "memory");
}

/* Make a queue pair empty, as the controller expects a new one (4.1):
 * head and tail 0, and a completion queue of zeros whose first entries
 * will carry phase tag 1. */
static void queue_clear(struct nvme_queue_pair *q)
{
	hv_memset(q->sq, 0, (size_t)q->entries << NVME_SQE_SIZE_SHIFT);
	hv_memset((void *)q->cq, 0, (size_t)q->entries << NVME_CQE_SIZE_SHIFT);
	q->sq_tail = 0;
	q->cq_head = 0;
	q->cq_phase = 1;
}

static void sq_push(struct nvme_ctrl *c, struct nvme_queue_pair *q,
		    const struct nvme_sqe *cmd)
{
	q->sq[q->sq_tail] = *cmd;
	q->sq_tail = (uint16_t)((q->sq_tail + 1) % q->entries);
	compiler_barrier();
	reg_write(c, doorbell(c, q->qid, false), q->sq_tail);
}

/* The next completion, if the controller has written it: an entry is new
 * when its phase tag is the one this pass over the queue expects; the
 * tag flips each time the queue wraps (4.6). */
static bool cq_peek(const struct nvme_queue_pair *q, uint32_t *dw3)
{
	*dw3 = q->cq[q->cq_head].dw3;
	return NVME_CQE_PHASE(*dw3) == q->cq_phase;
}

static void cq_pop(struct nvme_queue_pair *q)
{
	if (++q->cq_head == q->entries) {
		q->cq_head = 0;
		q->cq_phase ^= 1;
	}
}

/* Tell the controller which completions we have consumed, so it may
 * write over them. */
static void cq_release(struct nvme_ctrl *c, const struct nvme_queue_pair *q)
{
	reg_write(c, doorbell(c, q->qid, true), q->cq_head);
}

/* Wait for CSTS.RDY to become `ready`, at most CAP.TO (3.1.1, 7.6.1). */
static bool wait_ready(struct nvme_ctrl *c, bool ready)
{
	uint64_t deadline = drv_now_ns() + ms_to_ns(c->ready_timeout_ms);

	for (;;) {
		uint32_t csts = reg_read(c, NVME_REG_CSTS);

		if (csts == 0xFFFFFFFFu) {
			pr_err("hv: %s: registers read all ones: the device "
			       "is gone\n",
			       c->name);
			return false;
		}
		if (ready && (csts & NVME_CSTS_CFS)) {
			pr_err("hv: %s: controller fatal status (CSTS.CFS)\n",
			       c->name);
			return false;
		}
		if (!!(csts & NVME_CSTS_RDY) == ready)
			return true;
		if (drv_now_ns() >= deadline) {
			pr_err("hv: %s: not %s within CAP.TO (%u ms)\n",
			       c->name, ready ? "ready" : "stopped",
			       c->ready_timeout_ms);
			return false;
		}
		drv_delay_us(100);
	}
}

/* Run one admin command and wait for its completion.  Returns its
 * status, SCT << 8 | SC (0: success), or NVME_NO_ANSWER.  Only one is
 * ever in flight, so a completion with another id is stale: skipped. */
static int admin_run(struct nvme_ctrl *c, struct nvme_sqe *cmd,
		     const char *what)
{
	uint16_t cid = c->admin_cid++;
	uint64_t deadline = drv_now_ns() + ms_to_ns(disk_timeout_ms);
	uint32_t dw3;

	cmd->cdw0 |= NVME_CDW0(0, cid);
	sq_push(c, &c->admin, cmd);
	for (;;) {
		if (cq_peek(&c->admin, &dw3)) {
			cq_pop(&c->admin);
			cq_release(c, &c->admin);
			if (NVME_CQE_CID(dw3) == cid)
				return (int)NVME_CQE_STATUS(dw3);
		}
		/* Looked at after every entry too: no stream of stale ones
		 * can hold us past the deadline. */
		if (drv_now_ns() >= deadline) {
			pr_err("hv: %s: %s: no answer within %u ms\n", c->name,
			       what, disk_timeout_ms);
			return NVME_NO_ANSWER;
		}
		__asm__ volatile("pause");
	}
}

/* Say why an admin command failed, if it did (admin_run() has already
 * said so when there was no answer); true on success. */
static bool admin_status_ok(struct nvme_ctrl *c, const char *what, int st)
{
	uint32_t sct = ((uint32_t)st >> 8) & 7u, sc = (uint32_t)st & 0xFFu;

	if (st > 0)
		pr_err("hv: %s: %s failed: status type %u code 0x%02x; %s\n",
		       c->name, what, sct, sc, status_text(sct, sc));
	return st == 0;
}

static bool admin_ok(struct nvme_ctrl *c, struct nvme_sqe *cmd,
		     const char *what)
{
	return admin_status_ok(c, what, admin_run(c, cmd, what));
}

/* Identify (5.15) into the controller's Identify page; the status. */
static int identify(struct nvme_ctrl *c, uint32_t cns, uint32_t nsid)
{
	struct nvme_sqe cmd = {
		.cdw0 = NVME_CDW0(NVME_ADMIN_IDENTIFY, 0),
		.nsid = nsid,
		.prp1 = virt_to_phys(c->identify),
		.cdw10 = cns,
	};

	return admin_run(c, &cmd, "Identify");
}

/* From whatever state the controller is in to enabled with empty
 * admin queues (7.6.1): clear CC.EN and wait for RDY=0, which also drops
 * every I/O queue (7.3.2); program AQA/ASQ/ACQ; set CC with our page
 * size (4 KiB), the NVM command set and the entry sizes the I/O queues
 * will have; wait for RDY=1. */
static bool controller_enable(struct nvme_ctrl *c)
{
	uint32_t cc = reg_read(c, NVME_REG_CC);
	uint64_t asq = virt_to_phys(c->admin.sq),
		 acq = virt_to_phys(c->admin.cq);

	if (cc & NVME_CC_EN)
		reg_write(c, NVME_REG_CC, cc & ~NVME_CC_EN);
	if (!wait_ready(c, false))
		return false;
	queue_clear(&c->admin);
	reg_write(c, NVME_REG_AQA,
		  NVME_AQA(c->admin.entries, c->admin.entries));
	reg_write(c, NVME_REG_ASQ_LO, (uint32_t)asq);
	reg_write(c, NVME_REG_ASQ_HI, (uint32_t)(asq >> 32));
	reg_write(c, NVME_REG_ACQ_LO, (uint32_t)acq);
	reg_write(c, NVME_REG_ACQ_HI, (uint32_t)(acq >> 32));
	reg_write(c, NVME_REG_CC,
		  NVME_CC_IOCQES(NVME_CQE_SIZE_SHIFT) |
			  NVME_CC_IOSQES(NVME_SQE_SIZE_SHIFT) | NVME_CC_AMS_RR |
			  NVME_CC_MPS_4K | NVME_CC_CSS_NVM | NVME_CC_EN);
	return wait_ready(c, true);
}

/* Create the I/O completion queue, then the submission queue that
 * completes into it (5.3, 5.4): physically contiguous, no interrupts. */
static bool io_queues_create(struct nvme_ctrl *c)
{
	struct nvme_sqe cq = {
		.cdw0 = NVME_CDW0(NVME_ADMIN_CREATE_IO_CQ, 0),
		.prp1 = virt_to_phys(c->io.cq),
		.cdw10 = NVME_QUEUE_CDW10(NVME_IO_QID, c->io.entries),
		.cdw11 = NVME_QUEUE_PC, /* IEN clear: we poll */
	};
	struct nvme_sqe sq = {
		.cdw0 = NVME_CDW0(NVME_ADMIN_CREATE_IO_SQ, 0),
		.prp1 = virt_to_phys(c->io.sq),
		.cdw10 = NVME_QUEUE_CDW10(NVME_IO_QID, c->io.entries),
		.cdw11 = NVME_QUEUE_PC | NVME_SQ_CQID(NVME_IO_QID),
	};

	queue_clear(&c->io);
	return admin_ok(c, &cq, "Create I/O Completion Queue") &&
	       admin_ok(c, &sq, "Create I/O Submission Queue");
}

/* No more of this controller: stop it and take away its DMA, so that a
 * controller that would not listen cannot write into memory we reuse. */
static void controller_give_up(struct nvme_ctrl *c)
{
	uint16_t cmd = pci_host_read16(c->pci, PCI_COMMAND);

	c->dead = true;
	reg_write(c, NVME_REG_CC, reg_read(c, NVME_REG_CC) & ~NVME_CC_EN);
	pci_host_write16(c->pci, PCI_COMMAND, cmd & ~PCI_CMD_BUS_MASTER);
}

/* End the request in slot i, done or failed, and free the slot. */
static void slot_finish(struct nvme_ctrl *c, unsigned i,
			enum disk_status status)
{
	struct disk_io *io = c->slot[i].io;

	c->slot[i].io = NULL;
	c->slot[i].ns = NULL;
	io->slot = -1;
	io->status = status;
}

/* Consume every new I/O completion, whoever's request it
 * ends: a request of one namespace may be finished while another's
 * owner polls.  A completion's Command Identifier is its slot.  At most
 * one queue's worth a call, so a controller that keeps writing entries
 * cannot keep us here. */
static void io_reap(struct nvme_ctrl *c)
{
	unsigned consumed = 0;
	uint32_t dw3;

	while (consumed < c->io.entries && cq_peek(&c->io, &dw3)) {
		unsigned cid = NVME_CQE_CID(dw3);

		cq_pop(&c->io);
		consumed++;
		if (cid >= c->nslots || !c->slot[cid].io) {
			pr_warn("hv: %s: completion for command %u, which is "
				"not in flight; ignored\n",
				c->name, cid);
			continue;
		}
		if (NVME_CQE_FAILED(dw3)) {
			uint32_t sct = NVME_CQE_SCT(dw3), sc = NVME_CQE_SC(dw3);
			char what[48];

			describe_io(what, sizeof(what), c->slot[cid].io);
			pr_err("hv: %s: %s failed: status type %u code 0x%02x; "
			       "%s\n",
			       c->slot[cid].ns->disk.name, what, sct, sc,
			       status_text(sct, sc));
			slot_finish(c, cid, DISK_FAILED);
		} else {
			slot_finish(c, cid, DISK_DONE);
		}
	}
	if (consumed)
		cq_release(c, &c->io);
}

/* io timed out: fail it and everything else in flight, then reset the
 * controller and bring its queues back (7.3.2). */
static void io_timeout(struct nvme_ctrl *c, struct disk_io *io)
{
	char what[48], after[16];

	describe_io(what, sizeof(what), io);
	format_ms(after, sizeof(after), disk_timeout_ms);
	pr_err("hv: %s: %s timed out after %s; controller reset\n",
	       c->slot[io->slot].ns->disk.name, what, after);
	for (unsigned i = 0; i < c->nslots; i++) {
		if (!c->slot[i].io)
			continue;
		if (c->slot[i].io != io) {
			describe_io(what, sizeof(what), c->slot[i].io);
			pr_err("hv: %s: %s failed: controller reset after "
			       "another request timed out\n",
			       c->slot[i].ns->disk.name, what);
		}
		slot_finish(c, i, DISK_FAILED);
	}
	if (controller_enable(c) && io_queues_create(c)) {
		pr_info("hv: %s: reset, queues back up\n", c->name);
		return;
	}
	pr_err("hv: %s: reset failed; its disks fail every request from now "
	       "on\n",
	       c->name);
	controller_give_up(c);
}

/* The PRP rule (4.3) and the limits, for a read or write: each piece
 * dword-aligned; the first may start anywhere but, unless it is the
 * last, must run to a page boundary; every later one starts on a page
 * boundary, and all but the last are whole pages.  No piece may pass
 * 4 GiB (a 32-bit bus address). */
static bool nvme_dma_ok(const struct disk *d, const struct disk_io *io)
{
	uint64_t total = 0;

	if (io->op == DISK_FLUSH)
		return true;
	if (io->nsegs == 0 || io->nsegs > DISK_IO_MAX_SEGS ||
	    io->sectors == 0 || io->sectors > d->max_sectors)
		return false;
	for (unsigned i = 0; i < io->nsegs; i++) {
		uint64_t addr = io->seg[i].addr, len = io->seg[i].len;
		bool last = i + 1 == io->nsegs;

		if (len == 0 || (addr & 3) || addr + len > (1ull << 32))
			return false;
		if (i > 0 && (addr & NVME_PAGE_MASK))
			return false;
		if (!last && ((addr + len) & NVME_PAGE_MASK))
			return false;
		total += len;
	}
	return total == (uint64_t)io->sectors * d->sector_size;
}

/* The PRP entries of a request dma_ok() accepted (4.3): PRP1 is its first
 * byte, and every further page it touches gets an entry.  Two entries fit
 * in the command; with more, they go in the slot's list page, which PRP2
 * points to.  max_transfer keeps them within one list page. */
static void build_prps(const struct disk_io *io, struct nvme_slot *s,
		       struct nvme_sqe *cmd)
{
	unsigned n = 0;

	for (unsigned i = 0; i < io->nsegs; i++) {
		uint64_t p = io->seg[i].addr, end = p + io->seg[i].len;

		for (; p < end;
		     p = ALIGN_DOWN(p, NVME_PAGE_SIZE) + NVME_PAGE_SIZE, n++) {
			if (n == 0)
				cmd->prp1 = p;
			else
				s->prp_list[n - 1] = p;
		}
	}
	if (n == 2)
		cmd->prp2 = s->prp_list[0];
	else if (n > 2)
		cmd->prp2 = virt_to_phys(s->prp_list);
}

/* Fail io before it reaches the controller, saying why. */
static bool io_refuse(struct nvme_ns *ns, struct disk_io *io, const char *why)
{
	char what[48];

	describe_io(what, sizeof(what), io);
	pr_err("hv: %s: %s refused: %s\n", ns->disk.name, what, why);
	io->slot = -1;
	io->status = DISK_FAILED;
	return true;
}

/* Why io cannot be sent as it is, or NULL. */
static const char *io_problem(const struct disk *d, const struct disk_io *io)
{
	if (io->op == DISK_FLUSH)
		return NULL;
	if (io->op != DISK_READ && io->op != DISK_WRITE)
		return "unknown operation";
	if (io->sectors == 0 || io->sectors > d->max_sectors)
		return "sector count outside 1..max_sectors";
	if (io->lba >= d->sectors || io->sectors > d->sectors - io->lba)
		return "past the end of the disk";
	if (!nvme_dma_ok(d, io))
		return "memory pieces break NVMe's PRP rules";
	return NULL;
}

/* A free slot, the command (Read 6.9, Write 6.15, Flush 6.8)
 * with the slot as its id, into the I/O submission queue, and the
 * doorbell. */
static bool nvme_submit(struct disk *d, struct disk_io *io)
{
	struct nvme_ns *ns = d->priv;
	struct nvme_ctrl *c = ns->ctrl;
	struct nvme_sqe cmd = { .nsid = ns->nsid };
	const char *problem = io_problem(d, io);
	unsigned i;

	if (c->dead)
		return io_refuse(ns, io, "the controller was given up");
	if (problem)
		return io_refuse(ns, io, problem);
	for (i = 0; i < c->nslots && c->slot[i].io; i++)
		;
	if (i == c->nslots)
		return false; /* all busy: the caller tries again later */

	if (io->op == DISK_FLUSH) {
		cmd.cdw0 = NVME_CDW0(NVME_CMD_FLUSH, i);
	} else {
		cmd.cdw0 = NVME_CDW0(io->op == DISK_READ ? NVME_CMD_READ
							 : NVME_CMD_WRITE,
				     i);
		cmd.cdw10 = (uint32_t)io->lba;
		cmd.cdw11 = (uint32_t)(io->lba >> 32);
		cmd.cdw12 = io->sectors - 1; /* 0-based */
		build_prps(io, &c->slot[i], &cmd);
	}
	c->slot[i].io = io;
	c->slot[i].ns = ns;
	io->slot = (int)i;
	io->status = DISK_BUSY;
	io->deadline_ns = drv_now_ns() + ms_to_ns(disk_timeout_ms);
	sq_push(c, &c->io, &cmd);
	return true;
}

/* Take in what the controller finished; if io is still out past
 * its deadline, it has timed out. */
static void nvme_poll(struct disk *d, struct disk_io *io)
{
	struct nvme_ns *ns = d->priv;
	struct nvme_ctrl *c = ns->ctrl;

	if (io->status != DISK_BUSY)
		return;
	io_reap(c);
	if (io->status == DISK_BUSY && drv_now_ns() >= io->deadline_ns)
		io_timeout(c, io);
}

static const struct disk_ops nvme_ops = {
	.submit = nvme_submit,
	.poll = nvme_poll,
	.dma_ok = nvme_dma_ok,
};

/* Identify namespace nsid (5.15) and register it as a disk, if it is one
 * we can serve: blocks of 512 or 4096 bytes without metadata. */
static bool namespace_add(struct nvme_ctrl *c, unsigned index, uint32_t nsid)
{
	const uint8_t *id = c->identify;
	uint32_t nlbaf, fmt, lbaf, ms, lbads;
	struct nvme_ns *ns;
	uint64_t nsze;

	/* Quietly: an id that is not in use may fail (a walk over 1..NN). */
	if (identify(c, NVME_CNS_NAMESPACE, nsid) != 0)
		return false;
	nsze = le64_at(id + NVME_IDNS_NSZE);
	if (nsze == 0)
		return false; /* not active (a walk over 1..NN meets those) */
	nlbaf = id[NVME_IDNS_NLBAF];
	fmt = id[NVME_IDNS_FLBAS] & 0xFu;
	if (nlbaf >= 16) /* NVMe 2.0: bits 6:5 of FLBAS are the high bits */
		fmt |= ((id[NVME_IDNS_FLBAS] >> 5) & 3u) << 4;
	lbaf = le32_at(id + NVME_IDNS_LBAF0 + 4 * fmt);
	ms = NVME_LBAF_MS(lbaf);
	lbads = NVME_LBAF_LBADS(lbaf);
	if (ms != 0) {
		pr_warn("hv: %sn%u: not used: its LBA format has %u bytes of "
			"metadata per block\n",
			c->name, nsid, ms);
		return false;
	}
	if (lbads != 9 && lbads != 12) {
		pr_warn("hv: %sn%u: not used: blocks of 2^%u bytes (512 or "
			"4096 only)\n",
			c->name, nsid, lbads);
		return false;
	}
	if (nr_namespaces == NVME_MAX_NAMESPACES) {
		pr_warn("hv: %sn%u: not used: the driver serves at most %u "
			"namespaces\n",
			c->name, nsid, NVME_MAX_NAMESPACES);
		return false;
	}
	ns = &namespaces[nr_namespaces++];
	ns->ctrl = c;
	ns->nsid = nsid;
	hv_snprintf(ns->disk.name, sizeof(ns->disk.name), "nvme%un%u", index,
		    nsid);
	hv_strlcpy(ns->disk.model, c->model, sizeof(ns->disk.model));
	hv_strlcpy(ns->disk.serial, c->serial, sizeof(ns->disk.serial));
	ns->disk.sectors = nsze;
	ns->disk.sector_size = 1u << lbads;
	ns->disk.max_sectors = c->max_transfer >> lbads;
	ns->disk.ops = &nvme_ops;
	ns->disk.priv = ns;
	disk_register(&ns->disk);
	return true;
}

/* Every active namespace: from the active namespace list (CNS 2, NVMe
 * 1.1 and later), else by trying ids 1..NN. */
static unsigned namespaces_add(struct nvme_ctrl *c, unsigned index,
			       uint32_t version, uint32_t nn)
{
	uint32_t ids[NVME_MAX_NAMESPACES + 1];
	unsigned n = 0, added = 0;

	if (version >= NVME_VS_1_1 &&
	    identify(c, NVME_CNS_ACTIVE_NS_LIST, 0) == 0) {
		/* Rising, ended by a zero; copied because namespace_add()
		 * reuses the Identify page. */
		for (; n < ARRAY_SIZE(ids); n++) {
			ids[n] = le32_at(c->identify + 4 * n);
			if (ids[n] == 0)
				break;
		}
		for (unsigned i = 0; i < n; i++)
			added += namespace_add(c, index, ids[i]);
		return added;
	}
	for (uint32_t nsid = 1; nsid <= nn && nsid <= NVME_MAX_NSID_WALK;
	     nsid++)
		added += namespace_add(c, index, nsid);
	return added;
}

/* Carve the controller's pages: queues, Identify buffer, PRP lists. */
static bool controller_memory(struct nvme_ctrl *c, uint16_t io_entries)
{
	uint8_t *mem = drv_alloc_pages(NVME_CTRL_PAGES);

	if (!mem)
		return false;
	c->admin.sq = (struct nvme_sqe *)mem;
	c->admin.cq = (volatile struct nvme_cqe *)(mem + NVME_PAGE_SIZE);
	c->admin.qid = NVME_ADMIN_QID;
	c->admin.entries = NVME_ADMIN_ENTRIES;
	c->io.sq = (struct nvme_sqe *)(mem + 2 * NVME_PAGE_SIZE);
	c->io.cq = (volatile struct nvme_cqe *)(mem + 3 * NVME_PAGE_SIZE);
	c->io.qid = NVME_IO_QID;
	c->io.entries = io_entries;
	c->identify = mem + 4 * NVME_PAGE_SIZE;
	c->nslots = io_entries - 1u;
	for (unsigned i = 0; i < c->nslots; i++)
		c->slot[i].prp_list =
			(uint64_t *)(mem + (5 + i) * NVME_PAGE_SIZE);
	return true;
}

/* The registers: BAR0 mapped uncached (through a device window when UEFI
 * firmware put this 64-bit BAR above 4 GiB), memory decoding and DMA on.
 * Returns why not, or NULL. */
static const char *controller_map(struct nvme_ctrl *c, uint64_t *size)
{
	uint64_t base;

	if (!pci_host_mem_bar(c->pci, 0, &base, size))
		return "BAR0 is not a memory BAR";
	if (*size < NVME_REG_DOORBELLS + 4 * sizeof(uint32_t))
		return "BAR0 is too small for the registers";
	c->regs = drv_map_mmio(base, *size);
	if (!c->regs)
		return "BAR0 cannot be mapped (said above)";
	pr_debug("hv: %s: BAR0 at %#llx, %llu KiB, registers at %p\n",
		 c->name, (unsigned long long)base,
		 (unsigned long long)(*size >> 10), (void *)c->regs);
	pci_host_enable(c->pci);
	return NULL;
}

/* Read CAP and pick our sizes from it (3.1.1).  Returns why the
 * controller does not suit us, or NULL. */
static const char *controller_caps(struct nvme_ctrl *c, uint64_t bar_size,
				   uint16_t *io_entries)
{
	uint32_t lo = reg_read(c, NVME_REG_CAP_LO);
	uint32_t hi = reg_read(c, NVME_REG_CAP_HI);
	uint32_t mqes = NVME_CAP_MQES(lo), to = NVME_CAP_TO(lo);

	if (lo == 0xFFFFFFFFu && hi == 0xFFFFFFFFu)
		return "registers read all ones";
	if (!NVME_CAP_CSS_NVM(hi))
		return "no NVM command set";
	if (NVME_CAP_MPSMIN(hi) != 0)
		return "4 KiB memory pages not supported (CAP.MPSMIN)";
	if (mqes < 1)
		return "queues of one entry (CAP.MQES)";
	c->doorbell_stride = 4u << NVME_CAP_DSTRD(hi);
	if (doorbell(c, NVME_IO_QID, true) + 4 > bar_size)
		return "BAR0 too small for the doorbells (CAP.DSTRD)";
	c->ready_timeout_ms = MAX(to, 1u) * NVME_CAP_TO_UNIT_MS;
	*io_entries = (uint16_t)MIN(NVME_IO_ENTRIES, mqes + 1);
	return NULL;
}

/* Identify Controller (5.15): names, and MDTS for the largest request. */
static bool controller_identify(struct nvme_ctrl *c, uint32_t *nn)
{
	const uint8_t *id = c->identify;
	uint32_t max = MIN(NVME_MAX_TRANSFER, NVME_PRP_LIST_REACH);
	uint8_t mdts;

	if (!admin_status_ok(c, "Identify Controller",
			     identify(c, NVME_CNS_CONTROLLER, 0)))
		return false;
	copy_id_string(c->model, id + NVME_IDC_MN, NVME_IDC_MN_LEN);
	copy_id_string(c->serial, id + NVME_IDC_SN, NVME_IDC_SN_LEN);
	/* MDTS counts CAP.MPSMIN pages, which are 4 KiB (checked). */
	mdts = id[NVME_IDC_MDTS];
	if (mdts != 0 && mdts < 20)
		max = MIN(max, NVME_PAGE_SIZE << mdts);
	c->max_transfer = max;
	*nn = le32_at(id + NVME_IDC_NN);
	return true;
}

/* One controller, from PCI function to registered disks. */
static unsigned controller_probe(struct nvme_ctrl *c, unsigned index)
{
	const char *problem;
	char where[8];
	uint16_t io_entries = 0;
	uint64_t bar_size = 0;
	uint32_t vs, nn = 0;
	unsigned added;

	hv_snprintf(c->name, sizeof(c->name), "nvme%u", index);
	pci_host_name(c->pci, where);
	problem = controller_map(c, &bar_size);
	if (!problem)
		problem = controller_caps(c, bar_size, &io_entries);
	if (!problem && !controller_memory(c, io_entries))
		problem = "out of memory";
	if (problem) {
		pr_err("hv: %s (%s): not used: %s\n", c->name, where, problem);
		return 0;
	}
	vs = reg_read(c, NVME_REG_VS);
	if (!controller_enable(c) || !controller_identify(c, &nn) ||
	    !io_queues_create(c)) {
		pr_err("hv: %s (%s): not used: it did not come up\n", c->name,
		       where);
		controller_give_up(c);
		return 0;
	}
	pr_info("hv: %s: %s, NVMe %u.%u, \"%s\", %u-entry I/O queue, %u KiB "
		"per request\n",
		c->name, where, NVME_VS_MAJOR(vs), NVME_VS_MINOR(vs), c->model,
		c->io.entries, c->max_transfer >> 10);
	added = namespaces_add(c, index, vs, nn);
	if (!added)
		pr_warn("hv: %s: no namespace to use\n", c->name);
	return added;
}

unsigned nvme_probe(void)
{
	const struct pci_function *f;
	unsigned disks = 0, index;

	for (index = 0; (f = pci_host_find(NVME_PCI_CLASS, NVME_PCI_SUBCLASS,
					   NVME_PCI_PROGIF, index));
	     index++) {
		if (index == NVME_MAX_CONTROLLERS) {
			pr_warn("hv: nvme: more than %u controllers; the "
				"rest are not used\n",
				NVME_MAX_CONTROLLERS);
			break;
		}
		controllers[index].pci = f;
		disks += controller_probe(&controllers[index], index);
	}
	return disks;
}
