/*
 * ahci.c - [Storage 3] SATA disks behind AHCI controllers (see ahci.h
 * and disk.h).
 *
 * How an AHCI controller is driven (Serial ATA AHCI 1.3.1; the numbers
 * below are its sections, the register names are in ahci_regs.h):
 *
 *   - The controller's registers sit in the memory window of PCI BAR 5
 *     (ABAR): a few global ones (3.1), then 0x80 bytes for each of up to
 *     32 ports (3.3).  A port is one SATA link, one disk.
 *   - Each port reads its commands from memory.  Its command list (4.2.2)
 *     has 32 command headers, one per "slot"; a header points to a command
 *     table (4.2.3) holding the command itself, as the 20-byte FIS the
 *     controller sends to the disk (an H2D register FIS: the ATA registers
 *     of the command), and a PRDT, the list of memory pieces the data
 *     moves to or from.  The port also needs a received-FIS area (4.2.1)
 *     where it stores what the disk answers.
 *   - Software fills a slot, then sets the slot's bit in PxCI, the
 *     doorbell (3.3.14).  The controller clears the bit once the disk has
 *     finished the command; PxIS and PxTFD say whether it went well.
 *
 * We poll and take no interrupts (PxIE stays 0; docs/storage.md says why):
 * poll() reads PxCI and PxIS of the request's port (PxSERR and PxTFD
 * too once a command has ended).  Each port
 * uses AHCI_SLOTS slots, one request each, so guests sharing a disk (one
 * partition each) can all have a request waiting.  We send plain DMA
 * commands, not NCQ, so the disk works through them one at a time, in the
 * order the controller picks; the slots are a queue, not parallelism.
 *
 * When a command fails (a task-file error: the disk set ERR or DF in its
 * status; or a fatal port error, 6.1) or takes longer than
 * disk_timeout_ms, the driver says so on one line, and does what 6.2.2
 * asks of software: stop the port (clear ST, wait for CR), COMRESET the
 * link if the disk is still busy (10.4.2) - always after a timeout, since
 * only a reset stops a disk from moving data into memory we have handed
 * back - clear the errors and start the port again.  Every request then
 * in flight on the port fails with the one that failed: after the stop,
 * none of them can be trusted to have run or not.  A port that does not
 * come back fails all its requests from then on.  Each wait has a bound.
 */
#include "drivers/ahci.h"
#include "drivers/ahci_regs.h"
#include "drivers/disk.h"
#include "drivers/driver_env.h"
#include "drivers/pci_host.h"
#include "hv/include/layout.h"
#include "hv/lib/printk.h"

#define AHCI_SLOTS 8		/* slots we use per port (of up to 32) */
#define AHCI_MAX_DISKS 16	/* SATA disks we keep track of */
#define AHCI_MAX_BYTES KiB(128) /* per request: 32 pieces of 4 KiB */

/* How long each wait may last, in milliseconds. */
#define STOP_MS 500	  /* CR and FR go clear after ST and FRE (10.1.2) */
#define SPINUP_MS 50	  /* a device answers a spin-up */
#define LINK_MS 1000	  /* DET reaches 3 after a COMRESET */
#define READY_MS 5000	  /* the disk drops BSY after a reset */
#define BIOS_MS 25	  /* the BIOS says it is busy handing over (10.6) */
#define BIOS_BUSY_MS 2000 /* ... and then lets go */

/* Each port's memory, one allocation: the command list, the received-FIS
 * area, room for IDENTIFY's answer, then one command table per slot.
 * Page-aligned, so each piece meets its alignment (1 KiB, 256 B, 128 B). */
#define TABLE_BYTES                                                            \
	ALIGN_UP(sizeof(struct ahci_cmd_table) +                               \
			 DISK_IO_MAX_SEGS * sizeof(struct ahci_prd),           \
		 AHCI_CMD_TABLE_ALIGN)
#define MEM_CMD_LIST 0
#define MEM_RFIS 1024
#define MEM_IDENTIFY 2048
#define MEM_TABLES 3072
#define MEM_BYTES (MEM_TABLES + AHCI_SLOTS * TABLE_BYTES)
#define MEM_PAGES ((MEM_BYTES + 4095) / 4096)

_Static_assert(AHCI_CMD_LIST_SIZE <= MEM_RFIS - MEM_CMD_LIST, "layout");
_Static_assert(AHCI_RFIS_SIZE <= MEM_IDENTIFY - MEM_RFIS, "layout");
_Static_assert(ATA_ID_WORDS * 2 <= MEM_TABLES - MEM_IDENTIFY, "layout");
_Static_assert(sizeof(struct ahci_cmd_header) == 32, "AHCI 4.2.2");
_Static_assert(sizeof(struct ahci_cmd_table) == 0x80, "AHCI 4.2.3");
_Static_assert(sizeof(struct ahci_prd) == 16, "AHCI 4.2.3.3");
_Static_assert(sizeof(struct fis_reg_h2d) == 20, "SATA H2D register FIS");
_Static_assert(AHCI_SLOTS <= AHCI_MAX_SLOTS, "slots");
_Static_assert(AHCI_MAX_BYTES <=
		       DISK_IO_MAX_SEGS * (uint64_t)AHCI_PRD_MAX_BYTES,
	       "a full request fits the PRDT");

struct ahci_port {
	struct disk disk;
	volatile uint8_t *abar; /* the controller's registers */
	volatile uint8_t *regs; /* this port's, inside them */
	unsigned index;		/* port number on the controller */
	unsigned nslots;	/* slots in use: AHCI_SLOTS or fewer */
	struct ahci_cmd_header *cmd_list;
	struct ahci_cmd_table *table[AHCI_SLOTS];
	uint16_t *identify;
	/* The requests in flight, by slot; when each was submitted. */
	struct disk_io *io[AHCI_SLOTS];
	uint32_t order[AHCI_SLOTS];
	uint32_t next_order;
	bool lba48; /* 48-bit commands (else 28-bit: old disks) */
	bool dead;  /* did not recover from a reset */
};

static struct ahci_port ports[AHCI_MAX_DISKS];
static unsigned nports;
/* Memory a skipped port gave back before its controller ever used it
 * for commands: the next port takes it instead of new pages. */
static uint8_t *spare_mem;

static const struct disk_ops ahci_ops;

/* ---- Registers and bounded waits. */

static uint32_t port_rd(const struct ahci_port *p, uint32_t off)
{
	return mmio_read32(p->regs, off);
}

static void port_wr(struct ahci_port *p, uint32_t off, uint32_t v)
{
	mmio_write32(p->regs, off, v);
}

/* Wait until (register & mask) == want, for at most ms milliseconds. */
static bool wait_reg(const volatile uint8_t *base, uint32_t off, uint32_t mask,
		     uint32_t want, uint32_t ms)
{
	uint64_t until = drv_now_ns() + (uint64_t)ms * 1000000;

	for (;;) {
		bool now_ok = (mmio_read32(base, off) & mask) == want;

		if (now_ok || drv_now_ns() >= until)
			return now_ok;
		__asm__ volatile("pause");
	}
}

static bool wait_det(const struct ahci_port *p, uint32_t ms)
{
	return wait_reg(p->regs, PX_SSTS, 0xF, PX_SSTS_DET_OK, ms);
}

static bool wait_not_busy(const struct ahci_port *p, uint32_t ms)
{
	return wait_reg(p->regs, PX_TFD, ATA_STS_BSY | ATA_STS_DRQ, 0, ms);
}

/* ---- Starting, stopping and resetting a port (10.1.2, 10.3, 10.4.2). */

/* Stop processing the command list: clear ST, wait for CR. */
static bool port_stop_commands(struct ahci_port *p)
{
	uint32_t cmd = port_rd(p, PX_CMD);

	if (cmd & PX_CMD_ST)
		port_wr(p, PX_CMD, cmd & ~PX_CMD_ST);
	return wait_reg(p->regs, PX_CMD, PX_CMD_CR, 0, STOP_MS);
}

/* Stop the port altogether: the command list, then FIS receive (FRE, FR),
 * after which the controller no longer touches the port's memory. */
static bool port_stop(struct ahci_port *p)
{
	uint32_t cmd;

	if (!port_stop_commands(p))
		return false;
	cmd = port_rd(p, PX_CMD);
	if (cmd & PX_CMD_FRE)
		port_wr(p, PX_CMD, cmd & ~PX_CMD_FRE);
	return wait_reg(p->regs, PX_CMD, PX_CMD_FR, 0, STOP_MS);
}

static void port_start(struct ahci_port *p)
{
	port_wr(p, PX_CMD, port_rd(p, PX_CMD) | PX_CMD_ST);
}

static void port_clear_errors(struct ahci_port *p)
{
	port_wr(p, PX_SERR, 0xFFFFFFFFu);
	port_wr(p, PX_IS, 0xFFFFFFFFu);
	mmio_write32(p->abar, AHCI_IS, 1u << p->index);
}

/* The spec's rule before setting ST (10.3.1): a device is there, the
 * link is up, and the device is not busy. */
static bool port_ready(const struct ahci_port *p)
{
	return PX_SSTS_DET(port_rd(p, PX_SSTS)) == PX_SSTS_DET_OK &&
	       !(port_rd(p, PX_TFD) & (ATA_STS_BSY | ATA_STS_DRQ));
}

/* COMRESET (10.4.2): hold DET at 1 for at least 1 ms, let go, wait for
 * the link, then for the disk to finish its reset.  ST must be clear.
 * IPM = 3 keeps the link out of power-saving states while it comes up. */
static bool port_comreset(struct ahci_port *p)
{
	uint32_t sctl =
		port_rd(p, PX_SCTL) & ~(PX_SCTL_DET_MASK | PX_SCTL_IPM_MASK);

	port_wr(p, PX_SCTL, sctl | PX_SCTL_IPM_ACTIVE | PX_SCTL_DET_COMRESET);
	drv_delay_us(1000);
	port_wr(p, PX_SCTL, sctl | PX_SCTL_IPM_ACTIVE);
	if (!wait_det(p, LINK_MS))
		return false;
	/* The link coming up sets SERR bits, and a controller may post no
	 * FIS from the disk to PxTFD until SERR.DIAG.X is cleared. */
	port_wr(p, PX_SERR, 0xFFFFFFFFu);
	return wait_not_busy(p, READY_MS);
}

/* ---- Building and issuing commands. */

/* Fill slot's command header and table: an H2D register FIS with the
 * command, and one PRD per piece of memory (4.2.3.3: byte count - 1). */
static void slot_build(struct ahci_port *p, unsigned slot, uint8_t command,
		       const struct disk_seg *seg, unsigned nsegs, bool write)
{
	struct ahci_cmd_header *h = &p->cmd_list[slot];
	struct ahci_cmd_table *t = p->table[slot];
	struct fis_reg_h2d *fis = (struct fis_reg_h2d *)t->cfis;

	hv_memset(t->cfis, 0, sizeof(t->cfis));
	fis->type = FIS_TYPE_REG_H2D;
	fis->flags = FIS_H2D_C;
	fis->command = command;
	for (unsigned i = 0; i < nsegs; i++) {
		t->prdt[i].dba = (uint32_t)seg[i].addr;
		t->prdt[i].dbau = 0;
		t->prdt[i].reserved = 0;
		t->prdt[i].dbc = seg[i].len - 1;
	}
	h->flags = (uint16_t)(AHCI_CMD_CFL(sizeof(*fis) / 4) |
			      (write ? AHCI_CMD_WRITE : 0));
	h->prdtl = (uint16_t)nsegs;
	h->prdbc = 0;
	h->ctba = (uint32_t)virt_to_phys(t);
	h->ctbau = 0;
}

/* The sectors a read or write moves, in slot's FIS.  48-bit commands
 * use six LBA bytes and two count bytes (0 meaning 65536); 28-bit ones
 * carry LBA bits 27:24 in the device register and count 0 as 256. */
static void slot_set_range(struct ahci_port *p, unsigned slot, uint64_t lba,
			   uint32_t count)
{
	struct fis_reg_h2d *fis = (struct fis_reg_h2d *)p->table[slot]->cfis;

	fis->lba0 = (uint8_t)lba;
	fis->lba1 = (uint8_t)(lba >> 8);
	fis->lba2 = (uint8_t)(lba >> 16);
	fis->count_lo = (uint8_t)count;
	if (p->lba48) {
		fis->device = ATA_DEV_LBA;
		fis->lba3 = (uint8_t)(lba >> 24);
		fis->lba4 = (uint8_t)(lba >> 32);
		fis->lba5 = (uint8_t)(lba >> 40);
		fis->count_hi = (uint8_t)(count >> 8);
	} else {
		fis->device = ATA_DEV_LBA | ((lba >> 24) & 0xF);
	}
}

/* Ring the doorbell.  The command sits in ordinary memory: the barrier
 * keeps the compiler from moving those stores past the doorbell, and x86
 * makes stores visible in order, so the controller sees it whole. */
static void slot_issue(struct ahci_port *p, unsigned slot)
{
	__asm__ volatile("" ::: "memory");
	port_wr(p, PX_CI, 1u << slot);
}

/* A slot is free when no request of ours is in it and the controller is
 * done with it (see port_defuse_stale for when those differ). */
static int slot_free(const struct ahci_port *p)
{
	uint32_t ci = port_rd(p, PX_CI);

	for (unsigned s = 0; s < p->nslots; s++)
		if (!p->io[s] && !(ci & (1u << s)))
			return (int)s;
	return -1;
}

/* ---- Errors and recovery (6.2.2). */

/* "write of 8 sectors at 2048", "flush": a request, for messages. */
static void describe(const struct disk_io *io, char *buf, size_t size)
{
	if (io->op == DISK_FLUSH)
		hv_strlcpy(buf, "flush", size);
	else if (io->op == DISK_READ || io->op == DISK_WRITE)
		hv_snprintf(buf, size, "%s of %u sectors at %llu",
			    io->op == DISK_WRITE ? "write" : "read",
			    io->sectors, (unsigned long long)io->lba);
	else
		hv_snprintf(buf, size, "request of type %d", (int)io->op);
}

static unsigned port_in_flight(const struct ahci_port *p)
{
	unsigned n = 0;

	for (unsigned s = 0; s < p->nslots; s++)
		n += p->io[s] != NULL;
	return n;
}

/* The request submitted longest ago, among those in flight whose PxCI
 * bit is (when clear is true) clear or (false) set; -1 if none. */
static int oldest(const struct ahci_port *p, uint32_t ci, bool clear)
{
	int best = -1;

	for (unsigned s = 0; s < p->nslots; s++) {
		bool bit_clear = !(ci & (1u << s));

		if (!p->io[s] || bit_clear != clear)
			continue;
		if (best < 0 || p->next_order - p->order[s] >
					p->next_order - p->order[best])
			best = (int)s;
	}
	return best;
}

/* Which request the port's error belongs to, for the message (all of
 * them fail anyway).  The spec's controller stops at the failed command,
 * its PxCI bit still set, and names its slot in PxCMD.CCS (6.2.2.1).
 * QEMU's clears the failed command's bit and leaves CCS at 0: there the
 * one to blame is a finished request we have not yet seen finish. */
static int failed_slot(const struct ahci_port *p, uint32_t ci)
{
	unsigned ccs = PX_CMD_CCS(port_rd(p, PX_CMD));
	int s;

	if (ccs < p->nslots && p->io[ccs] && (ci & (1u << ccs)))
		return (int)ccs;
	s = oldest(p, ci, true);
	return s >= 0 ? s : oldest(p, ci, false);
}

/*
 * A controller that follows the spec clears PxCI when ST goes to 0
 * (3.3.14); QEMU 7.2's does.  One that did not (QEMU's own code of some
 * years ago) would run the abandoned commands again once ST is set, into
 * buffers their callers have been given back.  So a slot whose bit
 * survived the stop gets CHECK POWER MODE instead, which moves no data
 * and changes nothing; slot_free() leaves it alone until the controller
 * has run it.
 */
static void port_defuse_stale(struct ahci_port *p)
{
	uint32_t ci = port_rd(p, PX_CI);

	for (unsigned s = 0; s < p->nslots; s++)
		if (ci & (1u << s))
			slot_build(p, s, ATA_CMD_CHECK_POWER_MODE, NULL, 0,
				   false);
	if (ci)
		pr_debug("hv: %s: PxCI %#x survived the stop; defused\n",
			 p->disk.name, ci);
}

/* Stop the port, COMRESET it if needed (or asked), clear the errors and
 * start it again; false (and the port out of service) if it will not. */
static bool port_recover(struct ahci_port *p, bool comreset)
{
	if (!port_stop_commands(p))
		comreset = true; /* 6.2.2.1: CR stuck: reset the port */
	if (port_rd(p, PX_TFD) & (ATA_STS_BSY | ATA_STS_DRQ))
		comreset = true; /* the disk is still in the command */
	if (comreset)
		IGNORE_RESULT(port_comreset(p), "port_ready() judges it");
	port_clear_errors(p);
	if ((port_rd(p, PX_CMD) & PX_CMD_CR) || !port_ready(p)) {
		p->dead = true;
		pr_err("hv: %s: port did not recover (SSTS %#x, TFD %#x); "
		       "its requests fail from now on\n",
		       p->disk.name, port_rd(p, PX_SSTS), port_rd(p, PX_TFD));
		return false;
	}
	port_defuse_stale(p);
	port_start(p);
	return true;
}

enum failure { FAIL_TASK_FILE, FAIL_PORT, FAIL_TIMEOUT };

/* Say what failed, recover the port, and fail every request in flight. */
static void port_fail(struct ahci_port *p, int slot, enum failure why,
		      uint32_t is, uint32_t serr)
{
	uint32_t tfd = port_rd(p, PX_TFD);
	unsigned others = port_in_flight(p) - 1;
	char what[48], cause[64], extra[48] = "";

	describe(p->io[slot], what, sizeof(what));
	if (why == FAIL_TIMEOUT && disk_timeout_ms % 1000 == 0)
		hv_snprintf(cause, sizeof(cause), "timed out after %u s",
			    disk_timeout_ms / 1000);
	else if (why == FAIL_TIMEOUT)
		hv_snprintf(cause, sizeof(cause), "timed out after %u ms",
			    disk_timeout_ms);
	else if (why == FAIL_TASK_FILE)
		hv_snprintf(cause, sizeof(cause),
			    "failed: status 0x%02x error 0x%02x",
			    PX_TFD_STS(tfd), PX_TFD_ERR(tfd));
	else
		hv_snprintf(cause, sizeof(cause),
			    "failed: port error (IS %#x, SERR %#x)", is, serr);
	if (others)
		hv_snprintf(extra, sizeof(extra),
			    "; %u other request%s in flight failed too", others,
			    others == 1 ? "" : "s");
	pr_err("hv: %s: %s %s; port reset%s\n", p->disk.name, what, cause,
	       extra);

	/* Recover first: once ST is clear the controller has let go of
	 * the requests' memory, and only then do their callers get it. */
	IGNORE_RESULT(port_recover(p, why == FAIL_TIMEOUT), "said so");
	for (unsigned s = 0; s < p->nslots; s++) {
		if (p->io[s]) {
			p->io[s]->status = DISK_FAILED;
			p->io[s] = NULL;
		}
	}
}

/*
 * Look at the port once: finish the requests the controller is done
 * with, or fail them all on an error or a timeout.  PxCI is read before
 * PxIS: a controller sets the error bit no later than it clears the
 * failed command's PxCI bit (QEMU) or leaves that bit set (the spec), so
 * a bit seen clear while PxIS shows no error is a command that went well.
 */
static void port_sweep(struct ahci_port *p)
{
	uint32_t ci, is, serr, tfd, done = 0;
	uint64_t now;
	int late = -1;

	if (!port_in_flight(p))
		return;
	ci = port_rd(p, PX_CI);
	is = port_rd(p, PX_IS);
	if (is & PX_IS_ERRORS) {
		port_fail(p, failed_slot(p, ci),
			  is & PX_IS_TFES ? FAIL_TASK_FILE : FAIL_PORT, is,
			  port_rd(p, PX_SERR));
		return;
	}
	for (unsigned s = 0; s < p->nslots; s++)
		if (p->io[s] && !(ci & (1u << s)))
			done |= 1u << s;
	if (done) {
		/* Before calling them done: data lost on the link, or ERR
		 * or DF in the last command's ending status (unless the
		 * next one has begun: BSY), fail them too.  Two register
		 * reads per poll while waiting, four when something ends. */
		serr = port_rd(p, PX_SERR);
		tfd = port_rd(p, PX_TFD);
		if (serr & PX_SERR_ERRORS) {
			port_fail(p, failed_slot(p, ci), FAIL_PORT, is, serr);
			return;
		}
		if (!(tfd & ATA_STS_BSY) &&
		    (tfd & (ATA_STS_ERR | ATA_STS_DF))) {
			port_fail(p, failed_slot(p, ci), FAIL_TASK_FILE, is,
				  serr);
			return;
		}
		/* The data is in memory before PxCI said so; keep the
		 * compiler from reading it before it read PxCI. */
		__asm__ volatile("" ::: "memory");
		for (unsigned s = 0; s < p->nslots; s++) {
			if (done & (1u << s)) {
				p->io[s]->status = DISK_DONE;
				p->io[s] = NULL;
			}
		}
	}
	now = drv_now_ns();
	for (unsigned s = 0; s < p->nslots; s++)
		if (p->io[s] && now >= p->io[s]->deadline_ns &&
		    (late < 0 ||
		     p->io[s]->deadline_ns < p->io[late]->deadline_ns))
			late = (int)s;
	if (late >= 0)
		port_fail(p, late, FAIL_TIMEOUT, is, port_rd(p, PX_SERR));
}

/* ---- The disk operations (disk.h). */

static bool ahci_dma_ok(const struct disk *d, const struct disk_io *io)
{
	(void)d;
	if (io->nsegs > DISK_IO_MAX_SEGS)
		return false; /* one PRD per piece */
	for (unsigned i = 0; i < io->nsegs; i++) {
		const struct disk_seg *s = &io->seg[i];

		/* 4.2.3.3: DBA bit 0 is reserved, DBC must say an even
		 * count, and one PRD moves at most 4 MiB. */
		if ((s->addr & 1) || (s->len & 1) || s->len == 0 ||
		    s->len > AHCI_PRD_MAX_BYTES || s->len - 1 > ~s->addr)
			return false;
	}
	return true;
}

/* Why the driver will not send io, or NULL: the callers check all this
 * before; this is the last line, so a bug above cannot reach the disk. */
static const char *request_problem(const struct ahci_port *p,
				   const struct disk_io *io)
{
	const struct disk *d = &p->disk;
	uint64_t bytes = 0;

	if (io->op == DISK_FLUSH)
		return NULL;
	if (io->op != DISK_READ && io->op != DISK_WRITE)
		return "unknown operation";
	if (io->sectors == 0 || io->sectors > d->max_sectors)
		return "too many or no sectors";
	if (io->lba > d->sectors || io->sectors > d->sectors - io->lba)
		return "past the end of the disk";
	if (io->nsegs == 0 || !ahci_dma_ok(d, io))
		return "memory the controller cannot move";
	for (unsigned i = 0; i < io->nsegs; i++)
		bytes += io->seg[i].len;
	if (bytes != (uint64_t)io->sectors * d->sector_size)
		return "memory pieces do not add up to the sectors";
	return NULL;
}

static uint8_t ata_command(const struct ahci_port *p, enum disk_op op)
{
	switch (op) {
	case DISK_READ:
		return p->lba48 ? ATA_CMD_READ_DMA_EXT : ATA_CMD_READ_DMA;
	case DISK_WRITE:
		return p->lba48 ? ATA_CMD_WRITE_DMA_EXT : ATA_CMD_WRITE_DMA;
	default:
		return p->lba48 ? ATA_CMD_FLUSH_CACHE_EXT : ATA_CMD_FLUSH_CACHE;
	}
}

static bool ahci_submit(struct disk *d, struct disk_io *io)
{
	struct ahci_port *p = d->priv;
	const char *problem = request_problem(p, io);
	char what[48];
	int slot;

	if (problem) {
		describe(io, what, sizeof(what));
		pr_err("hv: %s: %s refused: %s\n", d->name, what, problem);
		io->status = DISK_FAILED;
		return true;
	}
	slot = slot_free(p);
	if (slot < 0 && !p->dead) {
		port_sweep(p); /* a request may have ended unpolled */
		slot = slot_free(p);
	}
	if (p->dead) {
		io->status = DISK_FAILED; /* port_recover() said why */
		return true;
	}
	if (slot < 0)
		return false;

	slot_build(p, (unsigned)slot, ata_command(p, io->op), io->seg,
		   io->op == DISK_FLUSH ? 0 : io->nsegs, io->op == DISK_WRITE);
	if (io->op != DISK_FLUSH)
		slot_set_range(p, (unsigned)slot, io->lba, io->sectors);
	io->slot = slot;
	io->status = DISK_BUSY;
	io->deadline_ns = drv_now_ns() + (uint64_t)disk_timeout_ms * 1000000;
	p->io[slot] = io;
	p->order[slot] = p->next_order++;
	slot_issue(p, (unsigned)slot);
	return true;
}

static void ahci_poll(struct disk *d, struct disk_io *io)
{
	if (io->status == DISK_BUSY)
		port_sweep(d->priv);
}

static const struct disk_ops ahci_ops = {
	.submit = ahci_submit,
	.poll = ahci_poll,
	.dma_ok = ahci_dma_ok,
};

/* ---- Finding the disks. */

/* An IDENTIFY string: two characters per word, the first in the high
 * byte, padded with spaces, which we trim at both ends. */
static void ata_string(char *dst, const uint16_t *words, unsigned nwords)
{
	unsigned len = 0, start = 0;

	for (unsigned i = 0; i < nwords; i++) {
		dst[2 * i] = (char)(words[i] >> 8);
		dst[2 * i + 1] = (char)words[i];
	}
	for (unsigned i = 0; i < 2 * nwords; i++)
		if (dst[i] < 0x20 || dst[i] > 0x7E)
			dst[i] = ' ';
	for (unsigned i = 0; i < 2 * nwords; i++)
		if (dst[i] != ' ')
			len = i + 1;
	while (start < len && dst[start] == ' ')
		start++;
	hv_memmove(dst, dst + start, len - start);
	dst[len - start] = '\0';
}

/* IDENTIFY DEVICE through slot 0, waiting for the answer (boot time). */
static bool port_identify(struct ahci_port *p)
{
	struct disk_seg seg = { virt_to_phys(p->identify), ATA_ID_WORDS * 2 };
	uint64_t until = drv_now_ns() + (uint64_t)disk_timeout_ms * 1000000;
	uint32_t tfd;

	slot_build(p, 0, ATA_CMD_IDENTIFY, &seg, 1, false);
	slot_issue(p, 0);
	for (;;) {
		bool done = !(port_rd(p, PX_CI) & 1);

		if (port_rd(p, PX_IS) & PX_IS_ERRORS)
			break;
		if (done) {
			__asm__ volatile("" ::: "memory");
			return true;
		}
		if (drv_now_ns() >= until) {
			pr_warn("hv: %s: IDENTIFY timed out; port skipped\n",
				p->disk.name);
			return false;
		}
		__asm__ volatile("pause");
	}
	tfd = port_rd(p, PX_TFD);
	pr_warn("hv: %s: IDENTIFY failed: status 0x%02x error 0x%02x, IS %#x; "
		"port skipped\n",
		p->disk.name, PX_TFD_STS(tfd), PX_TFD_ERR(tfd),
		port_rd(p, PX_IS));
	return false;
}

/* Fill in the disk from IDENTIFY DEVICE's answer (ATA8-ACS); false for
 * a disk we cannot drive. */
static bool port_describe(struct ahci_port *p)
{
	const uint16_t *id = p->identify;
	struct disk *d = &p->disk;
	bool w83_valid = (id[ATA_ID_CMDSET2] & 0xC000) == 0x4000;
	uint32_t size = 512;

	if (!(id[ATA_ID_CAPABILITY] & (1u << 9))) {
		pr_warn("hv: %s: no LBA addressing; disk skipped\n", d->name);
		return false;
	}
	p->lba48 = w83_valid && (id[ATA_ID_CMDSET2] & (1u << 10));
	if (p->lba48)
		for (unsigned i = 0; i < 4; i++)
			d->sectors |= (uint64_t)id[ATA_ID_LBA48_SECTORS + i]
				      << (16 * i);
	else
		d->sectors = id[ATA_ID_LBA28_SECTORS] |
			     (uint32_t)id[ATA_ID_LBA28_SECTORS + 1] << 16;
	/* Word 106 is valid when bit 14 is set and 15 clear; bit 12 says
	 * words 117-118 hold the logical sector's size, in words. */
	if ((id[ATA_ID_SECTOR_SIZE] & 0xC000) == 0x4000 &&
	    (id[ATA_ID_SECTOR_SIZE] & (1u << 12)))
		size = 2 * (id[ATA_ID_LOGICAL_WORDS] |
			    (uint32_t)id[ATA_ID_LOGICAL_WORDS + 1] << 16);
	if (size < 512 || size > KiB(64) || (size & (size - 1))) {
		pr_warn("hv: %s: %u-byte sectors; disk skipped\n", d->name,
			size);
		return false;
	}
	if (d->sectors == 0) {
		pr_warn("hv: %s: no capacity given; disk skipped\n", d->name);
		return false;
	}
	ata_string(d->model, id + ATA_ID_MODEL, 20);
	ata_string(d->serial, id + ATA_ID_SERIAL, 10);
	d->sector_size = size;
	d->max_sectors = MIN(AHCI_MAX_BYTES / size, p->lba48 ? 65536u : 256u);
	d->ops = &ahci_ops;
	d->priv = p;
	return true;
}

/* Spin the device up if the controller left that to us (CAP.SSS), wait
 * for a link that is coming, and say whether one is there. */
static bool port_link_up(struct ahci_port *p)
{
	uint32_t cmd = port_rd(p, PX_CMD);

	if (!(cmd & PX_CMD_SUD)) {
		port_wr(p, PX_CMD,
			cmd | PX_CMD_SUD | (cmd & PX_CMD_CPD ? PX_CMD_POD : 0));
		IGNORE_RESULT(wait_det(p, SPINUP_MS), "looked at below");
	}
	if (PX_SSTS_DET(port_rd(p, PX_SSTS)) == PX_SSTS_DET_NOPHY)
		IGNORE_RESULT(wait_det(p, LINK_MS), "looked at below");
	return PX_SSTS_DET(port_rd(p, PX_SSTS)) == PX_SSTS_DET_OK;
}

/* Give the port its memory, clear what happened before us, and turn on
 * FIS receive, which the disk's signature and status arrive through. */
static bool port_setup(struct ahci_port *p, uint32_t cap)
{
	uint8_t *mem = spare_mem ? spare_mem : drv_alloc_pages(MEM_PAGES);

	spare_mem = NULL;
	if (!mem) {
		pr_warn("hv: %s: out of memory; port skipped\n", p->disk.name);
		return false;
	}
	hv_memset(mem, 0, MEM_BYTES);
	p->cmd_list = (struct ahci_cmd_header *)(mem + MEM_CMD_LIST);
	p->identify = (uint16_t *)(mem + MEM_IDENTIFY);
	p->nslots = MIN(AHCI_SLOTS, AHCI_CAP_NCS(cap) + 1);
	for (unsigned s = 0; s < p->nslots; s++)
		p->table[s] = (struct ahci_cmd_table *)(mem + MEM_TABLES +
							s * TABLE_BYTES);
	/* Addresses below 4 GiB: the upper halves are 0 (no CAP.S64A). */
	port_wr(p, PX_CLB, (uint32_t)virt_to_phys(p->cmd_list));
	port_wr(p, PX_CLBU, 0);
	port_wr(p, PX_FB, (uint32_t)virt_to_phys(mem + MEM_RFIS));
	port_wr(p, PX_FBU, 0);
	port_wr(p, PX_IE, 0);
	port_clear_errors(p);
	port_wr(p, PX_CMD, port_rd(p, PX_CMD) | PX_CMD_FRE);
	return true;
}

/* The port's memory goes to the next port, unless the controller may
 * still write to it. */
static void port_give_back(struct ahci_port *p)
{
	if (port_stop(p))
		spare_mem = (uint8_t *)p->cmd_list;
}

static const char *signature_name(uint32_t sig)
{
	switch (sig) {
	case SATA_SIG_ATAPI:
		return "an ATAPI device (CD/DVD)";
	case SATA_SIG_SEMB:
		return "an enclosure bridge";
	case SATA_SIG_PM:
		return "a port multiplier";
	default:
		return "an unknown device";
	}
}

/* Bring up port n of controller hba; 1 if a disk was registered. */
static unsigned port_probe(volatile uint8_t *abar, uint32_t cap, unsigned hba,
			   unsigned n)
{
	struct ahci_port *p = &ports[nports];
	uint32_t sig;

	hv_memset(p, 0, sizeof(*p));
	p->abar = abar;
	p->regs = abar + AHCI_PORT_REGS(n);
	p->index = n;
	hv_snprintf(p->disk.name, sizeof(p->disk.name), "sata%u", hba * 32 + n);
	if (!port_stop(p)) {
		pr_warn("hv: %s: port does not stop; skipped\n", p->disk.name);
		return 0;
	}
	if (!port_link_up(p)) {
		pr_debug("hv: %s: no device\n", p->disk.name);
		return 0;
	}
	if (!port_setup(p, cap))
		return 0;
	/* No signature yet: nothing has spoken since a reset; ask. */
	if (port_rd(p, PX_SIG) == SATA_SIG_NONE)
		IGNORE_RESULT(port_comreset(p), "port_ready() judges it");
	if (!wait_not_busy(p, READY_MS) || !port_ready(p)) {
		pr_warn("hv: %s: device not ready (TFD %#x); port skipped\n",
			p->disk.name, port_rd(p, PX_TFD));
		port_give_back(p);
		return 0;
	}
	sig = port_rd(p, PX_SIG);
	if (sig != SATA_SIG_ATA) {
		pr_debug("hv: %s: %s, signature %#x; skipped\n", p->disk.name,
			 signature_name(sig), sig);
		port_give_back(p);
		return 0;
	}
	port_clear_errors(p);
	port_start(p);
	if (!port_identify(p) || !port_describe(p)) {
		/* The memory stays with the port: a timed-out IDENTIFY
		 * may yet land in it. */
		IGNORE_RESULT(port_stop(p), "the port is given up");
		return 0;
	}
	disk_register(&p->disk);
	nports++;
	return 1;
}

/* GHC.AE before anything else (3.1.2), interrupts off: we poll. */
static void hba_enable(volatile uint8_t *abar)
{
	uint32_t ghc = mmio_read32(abar, AHCI_GHC) | AHCI_GHC_AE;

	mmio_write32(abar, AHCI_GHC, ghc);
	mmio_write32(abar, AHCI_GHC, ghc & ~AHCI_GHC_IE);
}

/* BIOS/OS handoff (10.6): ask for the controller, and give a BIOS that
 * is still finishing something the time the spec grants it. */
static void hba_take_from_bios(volatile uint8_t *abar, const char *where)
{
	if (!(mmio_read32(abar, AHCI_CAP2) & AHCI_CAP2_BOH))
		return;
	mmio_write32(abar, AHCI_BOHC,
		     mmio_read32(abar, AHCI_BOHC) | AHCI_BOHC_OOS);
	if (wait_reg(abar, AHCI_BOHC, AHCI_BOHC_BOS, 0, BIOS_MS))
		return;
	if ((mmio_read32(abar, AHCI_BOHC) & AHCI_BOHC_BB) &&
	    wait_reg(abar, AHCI_BOHC, AHCI_BOHC_BOS, 0, BIOS_BUSY_MS))
		return;
	pr_warn("ahci %s: the BIOS keeps the controller; taking it anyway\n",
		where);
}

/* One controller: map and enable it, then every implemented port. */
static unsigned hba_probe(const struct pci_function *f, unsigned hba)
{
	volatile uint8_t *abar;
	uint64_t base, size;
	uint32_t cap, pi, vs;
	unsigned found = 0;
	char where[8], version[16];

	pci_host_name(f, where);
	if (!pci_host_mem_bar(f, 5, &base, &size) || size < AHCI_PORT_REGS(1) ||
	    !(abar = drv_map_mmio(base, size))) {
		pr_warn("ahci %s: registers (BAR 5) missing or out of reach; "
			"controller skipped\n",
			where);
		return 0;
	}
	pci_host_enable(f);
	hba_enable(abar);
	hba_take_from_bios(abar, where);
	cap = mmio_read32(abar, AHCI_CAP);
	pi = mmio_read32(abar, AHCI_PI);
	vs = mmio_read32(abar, AHCI_VS);
	/* VS: 0x00010301 is version 1.3.1, 0x00010000 is 1.0. */
	hv_snprintf(version, sizeof(version), "%x.%x", vs >> 16,
		    (vs >> 8) & 0xFF);
	if (vs & 0xFF)
		hv_snprintf(version + hv_strlen(version),
			    sizeof(version) - hv_strlen(version), ".%x",
			    vs & 0xFF);
	pr_debug("ahci %s: AHCI %s, %u ports (implemented %#x), %u command "
		 "slots\n",
		 where, version, AHCI_CAP_NP(cap) + 1, pi,
		 AHCI_CAP_NCS(cap) + 1);
	for (unsigned n = 0; n < AHCI_MAX_PORTS; n++) {
		if (!(pi & (1u << n)))
			continue;
		if (AHCI_PORT_REGS(n + 1) > size) {
			pr_warn("ahci %s: port %u lies beyond BAR 5; skipped\n",
				where, n);
			continue;
		}
		if (nports == AHCI_MAX_DISKS) {
			pr_warn("ahci %s: more than %u SATA disks; port %u and "
				"later skipped\n",
				where, AHCI_MAX_DISKS, n);
			break;
		}
		found += port_probe(abar, cap, hba, n);
	}
	return found;
}

unsigned ahci_probe(void)
{
	const struct pci_function *f;
	unsigned found = 0;

	for (unsigned i = 0; (f = pci_host_find(0x01, 0x06, 0x01, i)); i++)
		found += hba_probe(f, i);
	return found;
}
