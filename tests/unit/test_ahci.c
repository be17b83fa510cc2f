/*
 * test_ahci.c - drivers/ahci.c against a fake AHCI controller: probing
 * (BIOS handoff, empty, ATAPI and port-multiplier ports passed over, names
 * sataN and 32+N), IDENTIFY's fields (a 4 KiB-sector disk and a
 * 28-bit-only one, neither of which QEMU's IDE can be made to offer), the
 * FIS of each command, the slot limit, and the error paths: a task-file
 * error as the spec's controller reports it (PxCI left set, PxCMD.CCS
 * naming the slot), a timeout that needs a COMRESET, and a port that does
 * not come back.
 *
 * The fake controller is a register model: the driver's register reads
 * and writes come here (mmio_read32/mmio_write32 are renamed around the
 * #include of ahci.c below), so writes have their effects at once - write
 * 1 to clear, PxCI cleared by a stop, COMRESET on PxSCTL.DET going 1 then
 * 0.  The disk behind it runs one command each time the driver asks for
 * the time (every wait and every submit does), as a disk without NCQ
 * would.  The driver's DMA memory comes from below 4 GiB (MAP_32BIT), so
 * the 32-bit addresses it gives the controller are real pointers here.
 *
 * The runner takes the rest of the next line as the sources to link.
 * UNIT_SOURCES: drivers/disk.c drivers/driver_env.c hv/lib/string.c hv/lib/format.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

/* The driver, with its register accesses sent to the model below:
 * driver_env.h's inline accessors get other names, and the driver's
 * calls reach fake_read/fake_write instead. */
#define mmio_read32 unused_mmio_read32
#define mmio_write32 unused_mmio_write32
#include "drivers/driver_env.h"
#undef mmio_read32
#undef mmio_write32
static uint32_t fake_read(const volatile void *base, uint32_t off);
static void fake_write(volatile void *base, uint32_t off, uint32_t v);
#define mmio_read32 fake_read
#define mmio_write32 fake_write
#include "drivers/ahci.c"

/* ---- What the driver prints. */

static char out[16384];

static void vappend(const char *fmt, va_list ap)
{
	size_t n = strlen(out);

	vsnprintf(out + n, sizeof(out) - n, fmt, ap);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(fmt, ap);
	va_end(ap);
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	vappend(fmt, ap);
	va_end(ap);
}

static void expect_out(const char *text)
{
	if (!strstr(out, text))
		fail_msg("missing from the output: \"%s\"\noutput:\n%s", text,
			 out);
}

/* ---- The fake controllers and their disks. */

#define ABAR_BYTES 0x1100
#define WINDOW_BYTES (1u << 20) /* the part of a disk we keep */

struct fake_port {
	bool present;
	uint32_t sig;
	uint16_t id[ATA_ID_WORDS];
	uint32_t sector_size;
	uint64_t window_lba; /* the first sector the window holds */
	uint8_t *window;
	/* What the test makes it do. */
	bool paused;	      /* run no command */
	bool burst;	      /* run every issued command in one step */
	bool hang;	      /* take a command and never finish it */
	bool fail_next_write; /* a task-file error on the next write */
	bool dead_link;	      /* after a COMRESET, no link */
	/* What happened. */
	unsigned resets, flushes, commands;
	uint8_t last_command, last_device;
};

struct fake_hba {
	uint32_t regs[ABAR_BYTES / 4];
	struct fake_port port[AHCI_MAX_PORTS];
	bool bios_owned; /* lets go at the next step after OOS */
};

static struct fake_hba hba[2];
static unsigned nhba;
static uint64_t now;

static uint32_t *reg(struct fake_hba *h, uint32_t off)
{
	return &h->regs[off / 4];
}

static uint32_t *preg(struct fake_hba *h, unsigned n, uint32_t off)
{
	return reg(h, AHCI_PORT_REGS(n) + off);
}

/* Move len bytes between the disk window at byte pos and the PRDs. */
static void move_data(struct fake_port *fp, struct ahci_cmd_table *t,
		      unsigned nprd, uint64_t pos, bool to_disk)
{
	for (unsigned i = 0; i < nprd; i++) {
		uint8_t *mem = (uint8_t *)(uintptr_t)t->prdt[i].dba;
		uint32_t len = (t->prdt[i].dbc & 0x3FFFFF) + 1;

		assert_true(pos + len <= WINDOW_BYTES);
		if (to_disk)
			memcpy(fp->window + pos, mem, len);
		else
			memcpy(mem, fp->window + pos, len);
		pos += len;
	}
}

static uint32_t prd_bytes(const struct ahci_cmd_table *t, unsigned nprd)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < nprd; i++) {
		assert_int_equal(t->prdt[i].dba & 1, 0);
		assert_int_equal(t->prdt[i].dbc & 1, 1); /* an even count */
		n += (t->prdt[i].dbc & 0x3FFFFF) + 1;
	}
	return n;
}

/* A task-file error as the spec's controller reports it (6.2.2.1): the
 * slot's PxCI bit stays set, CCS names it, and it stops there. */
static void abort_command(struct fake_hba *h, unsigned n, unsigned slot)
{
	*preg(h, n, PX_TFD) = 0x04u << 8 | 0x51;
	*preg(h, n, PX_CMD) = (*preg(h, n, PX_CMD) & ~(0x1Fu << 8)) | slot << 8;
	*preg(h, n, PX_IS) |= PX_IS_TFES;
}

/* Run the command in slot: decode the FIS as a disk would. */
static void run_command(struct fake_hba *h, unsigned n, unsigned slot)
{
	struct fake_port *fp = &h->port[n];
	struct ahci_cmd_header *hd =
		(struct ahci_cmd_header *)(uintptr_t)*preg(h, n, PX_CLB) + slot;
	struct ahci_cmd_table *t = (struct ahci_cmd_table *)(uintptr_t)hd->ctba;
	struct fis_reg_h2d *fis = (struct fis_reg_h2d *)t->cfis;
	bool lba48 = fis->command == ATA_CMD_READ_DMA_EXT ||
		     fis->command == ATA_CMD_WRITE_DMA_EXT;
	bool write = fis->command == ATA_CMD_WRITE_DMA_EXT ||
		     fis->command == ATA_CMD_WRITE_DMA;
	uint64_t lba;
	uint32_t count;

	assert_int_equal(fis->type, FIS_TYPE_REG_H2D);
	assert_int_equal(fis->flags, FIS_H2D_C);
	assert_int_equal(hd->flags & 0x1F, 5);
	assert_int_equal(!!(hd->flags & AHCI_CMD_WRITE), write);
	fp->commands++;
	fp->last_command = fis->command;
	fp->last_device = fis->device;
	switch (fis->command) {
	case ATA_CMD_IDENTIFY:
		assert_int_equal(hd->prdtl, 1);
		assert_int_equal(prd_bytes(t, 1), 512);
		memcpy((void *)(uintptr_t)t->prdt[0].dba, fp->id, 512);
		hd->prdbc = 512;
		break;
	case ATA_CMD_READ_DMA_EXT:
	case ATA_CMD_WRITE_DMA_EXT:
	case ATA_CMD_READ_DMA:
	case ATA_CMD_WRITE_DMA:
		assert_int_equal(fis->device & 0xF0, ATA_DEV_LBA);
		lba = fis->lba0 | fis->lba1 << 8 | (uint32_t)fis->lba2 << 16;
		if (lba48) {
			lba |= (uint64_t)fis->lba3 << 24 |
			       (uint64_t)fis->lba4 << 32 |
			       (uint64_t)fis->lba5 << 40;
			count = fis->count_lo | fis->count_hi << 8;
			count = count ? count : 65536;
		} else {
			lba |= (uint64_t)(fis->device & 0xF) << 24;
			count = fis->count_lo ? fis->count_lo : 256;
		}
		assert_int_equal(prd_bytes(t, hd->prdtl),
				 count * fp->sector_size);
		if (write && fp->fail_next_write) {
			fp->fail_next_write = false;
			abort_command(h, n, slot);
			return;
		}
		assert_true(lba >= fp->window_lba);
		move_data(fp, t, hd->prdtl,
			  (lba - fp->window_lba) * fp->sector_size, write);
		hd->prdbc = count * fp->sector_size;
		break;
	case ATA_CMD_FLUSH_CACHE_EXT:
	case ATA_CMD_FLUSH_CACHE:
		assert_int_equal(hd->prdtl, 0);
		fp->flushes++;
		break;
	default:
		abort_command(h, n, slot);
		return;
	}
	*preg(h, n, PX_TFD) = 0x50;
	*preg(h, n, PX_CI) &= ~(1u << slot);
}

/* One step of a port's disk: the lowest slot issued (or, in a burst, all
 * of them in slot order), unless stopped or stuck on an error. */
static void port_step(struct fake_hba *h, unsigned n)
{
	struct fake_port *fp = &h->port[n];
	uint32_t ci;

	while ((*preg(h, n, PX_CMD) & PX_CMD_ST) &&
	       (ci = *preg(h, n, PX_CI)) != 0 && !fp->paused && !fp->hang &&
	       !(*preg(h, n, PX_IS) & PX_IS_TFES) && fp->present &&
	       fp->sig == SATA_SIG_ATA) {
		run_command(h, n, (unsigned)__builtin_ctz(ci));
		if (!fp->burst)
			break;
	}
}

static struct fake_hba *hba_of(const volatile void *base)
{
	for (unsigned i = 0; i < 2; i++)
		if (base == (const volatile void *)hba[i].regs)
			return &hba[i];
	fail_msg("a register access outside the controllers");
	return NULL;
}

static uint32_t fake_read(const volatile void *base, uint32_t off)
{
	struct fake_hba *h;

	for (unsigned i = 0; i < 2; i++)
		for (unsigned n = 0; n < AHCI_MAX_PORTS; n++)
			if (base == (const volatile void *)preg(&hba[i], n, 0))
				return *preg(&hba[i], n, off);
	h = hba_of(base);
	assert_true(off < ABAR_BYTES && !(off & 3));
	return *reg(h, off);
}

/* A port register written: the effects the spec gives each (3.3). */
static void port_write(struct fake_hba *h, unsigned n, uint32_t r, uint32_t v)
{
	struct fake_port *fp = &h->port[n];
	uint32_t *p = preg(h, n, r), old = *p;
	uint32_t ro = PX_CMD_CR | PX_CMD_FR | 0x1Fu << 8;

	switch (r) {
	case PX_IS:
	case PX_SERR:
		*p &= ~v; /* write 1 to clear */
		break;
	case PX_CMD:
		/* The engines follow their enables; a stop clears PxCI. */
		*p = (v & ~ro) |
		     (v & PX_CMD_ST ? PX_CMD_CR | (old & 0x1Fu << 8) : 0) |
		     (v & PX_CMD_FRE ? PX_CMD_FR : 0);
		if (!(v & PX_CMD_ST))
			*preg(h, n, PX_CI) = 0;
		break;
	case PX_CI:
		assert_true(old == 0 || !(old & v)); /* no slot issued twice */
		if (*preg(h, n, PX_CMD) & PX_CMD_ST)
			*p |= v;
		break;
	case PX_SCTL:
		assert_int_equal(*preg(h, n, PX_CMD) & PX_CMD_ST, 0);
		*p = v;
		if ((v & 0xF) == 1 && (old & 0xF) != 1) {
			*preg(h, n, PX_SSTS) = 0; /* COMRESET: the link drops */
			*preg(h, n, PX_TFD) = 0x80;
		} else if ((v & 0xF) == 0 && (old & 0xF) == 1) {
			fp->resets++;
			fp->hang = false; /* the reset ends the disk's work */
			if (!fp->dead_link) {
				*preg(h, n, PX_SSTS) = 0x113;
				*preg(h, n, PX_TFD) = 0x150;
				*preg(h, n, PX_SIG) = fp->sig;
				*preg(h, n, PX_SERR) |= 1u << 26; /* DIAG.X */
			}
		}
		break;
	case PX_TFD:
	case PX_SIG:
	case PX_SSTS:
		fail_msg("port %u: write to read-only register %#x", n, r);
		break;
	default:
		*p = v;
	}
}

static void fake_write(volatile void *base, uint32_t off, uint32_t v)
{
	struct fake_hba *h;

	for (unsigned i = 0; i < 2; i++)
		for (unsigned n = 0; n < AHCI_MAX_PORTS; n++)
			if (base == (volatile void *)preg(&hba[i], n, 0)) {
				port_write(&hba[i], n, off, v);
				return;
			}
	h = hba_of(base);
	assert_true(off < ABAR_BYTES && !(off & 3));
	if (off == AHCI_IS)
		*reg(h, off) &= ~v;
	else if (off == AHCI_BOHC)
		*reg(h, off) =
			(*reg(h, off) & AHCI_BOHC_BOS) | (v & ~AHCI_BOHC_BOS);
	else if (off >= AHCI_PORT_REGS(0))
		port_write(h, (off - AHCI_PORT_REGS(0)) / 0x80,
			   (off - AHCI_PORT_REGS(0)) % 0x80, v);
	else
		*reg(h, off) = v;
}

static void hardware_step(void)
{
	for (unsigned i = 0; i < nhba; i++) {
		struct fake_hba *h = &hba[i];

		if (h->bios_owned && (*reg(h, AHCI_BOHC) & AHCI_BOHC_OOS)) {
			*reg(h, AHCI_BOHC) &= ~AHCI_BOHC_BOS;
			h->bios_owned = false;
		}
		for (unsigned n = 0; n < AHCI_MAX_PORTS; n++)
			if (*reg(h, AHCI_PI) & (1u << n))
				port_step(h, n);
	}
}

/* ---- The services the driver gets (driver_env.h) and the PCI bus. */

static uint64_t fake_now(void)
{
	now += 1000000; /* 1 ms a look: the bounded waits end quickly */
	hardware_step();
	return now;
}

static void *fake_pages(uint32_t count)
{
	void *p = mmap(NULL, count * 4096u, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* The fake controllers' registers are in this process's memory, at
 * the address their BAR says. */
static void *fake_map(uint64_t phys, uint64_t len)
{
	(void)len;
	return (void *)(uintptr_t)phys;
}

static const struct driver_env env = { fake_now, fake_pages, fake_map };

static struct pci_function fn[2] = {
	{ .dev = 4, .class = 1, .subclass = 6, .progif = 1 },
	{ .dev = 5, .class = 1, .subclass = 6, .progif = 1 },
};

const struct pci_function *pci_host_find(uint8_t class, uint8_t subclass,
					 uint8_t progif, unsigned index)
{
	assert_true(class == 1 && subclass == 6 && progif == 1);
	return index < nhba ? &fn[index] : NULL;
}

bool pci_host_mem_bar(const struct pci_function *f, unsigned bar,
		      uint64_t *base, uint64_t *size)
{
	assert_int_equal(bar, 5);
	*base = (uintptr_t)hba[f - fn].regs;
	*size = ABAR_BYTES;
	return true;
}

void pci_host_enable(const struct pci_function *f)
{
	(void)f;
}

void pci_host_name(const struct pci_function *f, char buf[8])
{
	snprintf(buf, 8, "00:%02x.0", f->dev);
}

/* ---- The machine: two controllers. */

static void ata_put(uint16_t *w, unsigned nwords, const char *s)
{
	char buf[64];

	memset(buf, ' ', sizeof(buf));
	memcpy(buf, s, strlen(s));
	for (unsigned i = 0; i < nwords; i++)
		w[i] = (uint16_t)((uint8_t)buf[2 * i] << 8 |
				  (uint8_t)buf[2 * i + 1]);
}

static void add_disk(struct fake_hba *h, unsigned n, const char *model,
		     const char *serial, uint64_t sectors, uint32_t ss,
		     bool lba48, uint64_t window_lba)
{
	struct fake_port *fp = &h->port[n];
	uint16_t *id = fp->id;

	fp->present = true;
	fp->sig = SATA_SIG_ATA;
	fp->sector_size = ss;
	fp->window_lba = window_lba;
	fp->window = calloc(1, WINDOW_BYTES);
	ata_put(id + ATA_ID_MODEL, 20, model);
	ata_put(id + ATA_ID_SERIAL, 10, serial);
	id[ATA_ID_CAPABILITY] = 1u << 9;
	id[ATA_ID_LBA28_SECTORS] = (uint16_t)MIN(sectors, 0x0FFFFFFFu);
	id[ATA_ID_LBA28_SECTORS + 1] =
		(uint16_t)(MIN(sectors, 0x0FFFFFFFu) >> 16);
	if (lba48) {
		id[ATA_ID_CMDSET2] = 0x4000 | 1u << 10;
		for (unsigned i = 0; i < 4; i++)
			id[ATA_ID_LBA48_SECTORS + i] =
				(uint16_t)(sectors >> (16 * i));
	}
	if (ss != 512) {
		id[ATA_ID_SECTOR_SIZE] = 0x4000 | 1u << 12;
		id[ATA_ID_LOGICAL_WORDS] = (uint16_t)(ss / 2);
		id[ATA_ID_LOGICAL_WORDS + 1] = (uint16_t)(ss / 2 >> 16);
	}
}

static void link_up(struct fake_hba *h, unsigned n, uint32_t sig)
{
	h->port[n].present = true;
	h->port[n].sig = sig;
	*preg(h, n, PX_SSTS) = 0x113;
	*preg(h, n, PX_TFD) = 0x50;
	*preg(h, n, PX_SIG) = sig;
}

static void build_machine(void)
{
	struct fake_hba *h;

	nhba = 2;
	/* The first: 32 slots, ports 0-3, a BIOS that must hand it over;
	 * a 4 KiB-sector disk on 0, nothing on 1, a CD on 2, a port
	 * multiplier on 3. */
	h = &hba[0];
	*reg(h, AHCI_CAP) = 3 | 31u << 8;
	*reg(h, AHCI_PI) = 0xF;
	*reg(h, AHCI_CAP2) = AHCI_CAP2_BOH;
	*reg(h, AHCI_BOHC) = AHCI_BOHC_BOS;
	h->bios_owned = true;
	for (unsigned n = 0; n < 4; n++)
		*preg(h, n, PX_CMD) = PX_CMD_SUD | PX_CMD_POD;
	add_disk(h, 0, "HV Test Disk 4K", "   SN0042", 1u << 20, 4096, true, 0);
	link_up(h, 0, SATA_SIG_ATA);
	link_up(h, 2, SATA_SIG_ATAPI);
	link_up(h, 3, SATA_SIG_PM);
	/* The second: 4 command slots, a 28-bit-only disk on port 1. */
	h = &hba[1];
	*reg(h, AHCI_CAP) = 1 | 3u << 8;
	*reg(h, AHCI_PI) = 0x2;
	*preg(h, 1, PX_CMD) = PX_CMD_SUD | PX_CMD_POD;
	add_disk(h, 1, "Old Disk", "OLD1", 0x0B000000, 512, false, 0x0A000000);
	link_up(h, 1, SATA_SIG_ATA);
}

static struct disk *sata0, *sata33;

static int probe_machine(void **state)
{
	(void)state;
	build_machine();
	driver_env_set(&env);
	disk_timeout_ms = 10000;
	if (ahci_probe() != 2)
		return -1;
	sata0 = disk_find("sata0", 5);
	sata33 = disk_find("sata33", 6);
	return sata0 && sata33 ? 0 : -1;
}

/* ---- Helpers for requests. */

static uint8_t *dma_buf(size_t bytes)
{
	return fake_pages((uint32_t)((bytes + 4095) / 4096));
}

static void io_init(struct disk_io *io, enum disk_op op, uint64_t lba,
		    uint32_t sectors, void *buf, uint32_t bytes)
{
	memset(io, 0, sizeof(*io));
	io->op = op;
	io->lba = lba;
	io->sectors = sectors;
	if (buf) {
		io->nsegs = 1;
		io->seg[0].addr = (uintptr_t)buf;
		io->seg[0].len = bytes;
	}
}

static void wait_io(struct disk *d, struct disk_io *io)
{
	for (unsigned i = 0; io->status == DISK_BUSY; i++) {
		assert_true(i < 1000000);
		d->ops->poll(d, io);
	}
}

static enum disk_status run_io(struct disk *d, struct disk_io *io)
{
	assert_true(d->ops->submit(d, io));
	wait_io(d, io);
	return io->status;
}

static struct fake_port *port_of(struct disk *d)
{
	return d == sata0 ? &hba[0].port[0] : &hba[1].port[1];
}

/* ---- The tests. */

static void test_probe(void **state)
{
	(void)state;
	assert_false(hba[0].bios_owned);
	assert_int_equal(*reg(&hba[0], AHCI_GHC) & AHCI_GHC_AE, AHCI_GHC_AE);
	assert_int_equal(*reg(&hba[0], AHCI_GHC) & AHCI_GHC_IE, 0);
	expect_out("hv: sata1: no device");
	expect_out("hv: sata2: an ATAPI device (CD/DVD), signature 0xeb140101; "
		   "skipped");
	expect_out("hv: sata3: a port multiplier, signature 0x96690101; "
		   "skipped");
	/* Probing leaves no interrupt enabled and no error behind. */
	assert_int_equal(*preg(&hba[0], 0, PX_IE), 0);
	assert_int_equal(*preg(&hba[0], 0, PX_IS) & PX_IS_ERRORS, 0);
	assert_ptr_equal(disk_first(), sata0);
	assert_ptr_equal(sata0->next, sata33);
}

static void test_identify(void **state)
{
	(void)state;
	assert_string_equal(sata0->model, "HV Test Disk 4K");
	assert_string_equal(sata0->serial, "SN0042");
	assert_int_equal(sata0->sectors, 1u << 20);
	assert_int_equal(sata0->sector_size, 4096);
	assert_int_equal(sata0->max_sectors, 32); /* 128 KiB */
	assert_string_equal(sata33->model, "Old Disk");
	assert_string_equal(sata33->serial, "OLD1");
	assert_int_equal(sata33->sectors, 0x0B000000);
	assert_int_equal(sata33->sector_size, 512);
	assert_int_equal(sata33->max_sectors, 256);
}

static void test_write_read_48bit(void **state)
{
	struct fake_port *fp = port_of(sata0);
	uint8_t *w = dma_buf(8192), *r = dma_buf(8192);
	struct disk_io io;

	(void)state;
	for (unsigned i = 0; i < 8192; i++)
		w[i] = (uint8_t)(i * 13 + 1);
	io_init(&io, DISK_WRITE, 10, 2, w, 8192);
	assert_int_equal(run_io(sata0, &io), DISK_DONE);
	assert_int_equal(fp->last_command, ATA_CMD_WRITE_DMA_EXT);
	assert_memory_equal(fp->window + 10 * 4096, w, 8192);
	io_init(&io, DISK_FLUSH, 0, 0, NULL, 0);
	assert_int_equal(run_io(sata0, &io), DISK_DONE);
	assert_int_equal(fp->last_command, ATA_CMD_FLUSH_CACHE_EXT);
	assert_int_equal(fp->flushes, 1);
	io_init(&io, DISK_READ, 10, 2, r, 8192);
	assert_int_equal(run_io(sata0, &io), DISK_DONE);
	assert_int_equal(fp->last_command, ATA_CMD_READ_DMA_EXT);
	assert_memory_equal(r, w, 8192);
}

static void test_28bit_commands(void **state)
{
	struct fake_port *fp = port_of(sata33);
	uint8_t *w = dma_buf(4096);
	struct disk_io io;
	uint64_t lba = 0x0A0000EF; /* bits 27:24 go in the device register */

	(void)state;
	memset(w, 0x5A, 4096);
	io_init(&io, DISK_WRITE, lba, 8, w, 4096);
	assert_int_equal(run_io(sata33, &io), DISK_DONE);
	assert_int_equal(fp->last_command, ATA_CMD_WRITE_DMA);
	assert_int_equal(fp->last_device, ATA_DEV_LBA | 0xA);
	assert_memory_equal(fp->window + (lba - fp->window_lba) * 512, w, 4096);
	io_init(&io, DISK_FLUSH, 0, 0, NULL, 0);
	assert_int_equal(run_io(sata33, &io), DISK_DONE);
	assert_int_equal(fp->last_command, ATA_CMD_FLUSH_CACHE);
}

static void test_slots(void **state)
{
	struct fake_port *fp = port_of(sata0);
	static struct disk_io io[9], more[5];
	uint8_t *buf = dma_buf(9 * 4096);

	(void)state;
	/* Eight slots on a controller of 32: the ninth waits. */
	fp->paused = true;
	for (unsigned i = 0; i < 9; i++) {
		io_init(&io[i], DISK_READ, i, 1, buf + 4096 * i, 4096);
		assert_int_equal(sata0->ops->submit(sata0, &io[i]), i < 8);
	}
	assert_int_equal(io[8].status, DISK_IDLE); /* untouched */
	fp->paused = false;
	for (unsigned i = 0; i < 8; i++)
		wait_io(sata0, &io[i]);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(io[i].status, DISK_DONE);
	assert_int_equal(run_io(sata0, &io[8]), DISK_DONE);
	/* The second controller offers 4 slots: the driver uses 4. */
	port_of(sata33)->paused = true;
	for (unsigned i = 0; i < 5; i++) {
		io_init(&more[i], DISK_READ, 0x0A000000 + i, 1, buf + 512 * i,
			512);
		assert_int_equal(sata33->ops->submit(sata33, &more[i]), i < 4);
	}
	port_of(sata33)->paused = false;
	for (unsigned i = 0; i < 4; i++) {
		wait_io(sata33, &more[i]);
		assert_int_equal(more[i].status, DISK_DONE);
	}
}

static void test_task_file_error(void **state)
{
	struct fake_port *fp = port_of(sata0);
	uint8_t *buf = dma_buf(8192);
	struct disk_io a, b;

	(void)state;
	out[0] = 0;
	/* A read, then a write the disk fails; the controller runs both
	 * before the driver looks again, and stops at the write, whose
	 * PxCI bit it leaves set while the read's is clear. */
	fp->paused = true;
	fp->burst = true;
	fp->fail_next_write = true;
	io_init(&b, DISK_READ, 21, 1, buf + 4096, 4096);
	io_init(&a, DISK_WRITE, 20, 1, buf, 4096);
	assert_true(sata0->ops->submit(sata0, &b));
	assert_true(sata0->ops->submit(sata0, &a));
	fp->paused = false;
	wait_io(sata0, &a);
	fp->burst = false;
	/* The message names the write (PxCMD.CCS), not the older read; the
	 * read fails too, as everything in flight at the stop does. */
	assert_int_equal(a.status, DISK_FAILED);
	assert_int_equal(b.status, DISK_FAILED);
	expect_out("hv: sata0: write of 1 sectors at 20 failed: status 0x51 "
		   "error 0x04; port reset; 1 other request in flight failed "
		   "too\n");
	assert_int_equal(fp->resets, 0); /* not busy: no COMRESET needed */
	assert_int_equal(*preg(&hba[0], 0, PX_CMD) & PX_CMD_ST, PX_CMD_ST);
	assert_int_equal(*preg(&hba[0], 0, PX_IS) & PX_IS_ERRORS, 0);
	/* And the port works again. */
	io_init(&a, DISK_WRITE, 20, 1, buf, 4096);
	assert_int_equal(run_io(sata0, &a), DISK_DONE);
	io_init(&b, DISK_READ, 20, 1, buf + 4096, 4096);
	assert_int_equal(run_io(sata0, &b), DISK_DONE);
	assert_memory_equal(buf, buf + 4096, 4096);
}

static void test_timeout(void **state)
{
	struct fake_port *fp = port_of(sata0);
	uint8_t *buf = dma_buf(4096);
	struct disk_io io;
	uint64_t start = now;

	(void)state;
	out[0] = 0;
	fp->hang = true;
	io_init(&io, DISK_READ, 3, 1, buf, 4096);
	assert_int_equal(run_io(sata0, &io), DISK_FAILED);
	assert_true(now - start >= 10000ull * 1000000);
	expect_out("hv: sata0: read of 1 sectors at 3 timed out after 10 s; "
		   "port reset\n");
	/* The disk was not busy as far as PxTFD said, but a timeout always
	 * gets a COMRESET: only that stops a disk still at work. */
	assert_int_equal(fp->resets, 1);
	/* SERR.DIAG.X, set as the link came up, was cleared. */
	assert_int_equal(*preg(&hba[0], 0, PX_SERR), 0);
	io_init(&io, DISK_READ, 3, 1, buf, 4096);
	assert_int_equal(run_io(sata0, &io), DISK_DONE);
}

static void test_refused(void **state)
{
	uint8_t *buf = dma_buf(8192);
	struct disk_io io;

	(void)state;
	out[0] = 0;
	/* dma_ok: even addresses and lengths, at most 32 pieces. */
	io_init(&io, DISK_READ, 0, 1, buf + 1, 512);
	assert_false(sata33->ops->dma_ok(sata33, &io));
	io_init(&io, DISK_READ, 0, 1, buf, 511);
	assert_false(sata33->ops->dma_ok(sata33, &io));
	io_init(&io, DISK_READ, 0, 1, buf + 2, 512);
	assert_true(sata33->ops->dma_ok(sata33, &io));
	io.nsegs = DISK_IO_MAX_SEGS + 1;
	assert_false(sata33->ops->dma_ok(sata33, &io));
	/* A request past the end fails at once, and says why. */
	io_init(&io, DISK_READ, sata33->sectors - 1, 2, buf, 1024);
	assert_true(sata33->ops->submit(sata33, &io));
	assert_int_equal(io.status, DISK_FAILED);
	expect_out("hv: sata33: read of 2 sectors at 184549375 refused: past "
		   "the end of the disk\n");
	/* Pieces that do not add up to the sectors. */
	io_init(&io, DISK_WRITE, 0x0A000000, 2, buf, 512);
	assert_true(sata33->ops->submit(sata33, &io));
	assert_int_equal(io.status, DISK_FAILED);
}

static void test_dead_port(void **state)
{
	struct fake_port *fp = port_of(sata33);
	uint8_t *buf = dma_buf(4096);
	struct disk_io io;

	(void)state;
	out[0] = 0;
	disk_timeout_ms = 1500;
	fp->hang = true;
	fp->dead_link = true;
	io_init(&io, DISK_READ, 0x0A000000, 8, buf, 4096);
	assert_int_equal(run_io(sata33, &io), DISK_FAILED);
	expect_out("hv: sata33: read of 8 sectors at 167772160 timed out after "
		   "1500 ms; port reset\n");
	expect_out("hv: sata33: port did not recover");
	/* From now on every request fails at once; the other disk works. */
	io_init(&io, DISK_READ, 0x0A000000, 8, buf, 4096);
	assert_true(sata33->ops->submit(sata33, &io));
	assert_int_equal(io.status, DISK_FAILED);
	io_init(&io, DISK_READ, 0, 1, buf, 4096);
	assert_int_equal(run_io(sata0, &io), DISK_DONE);
	disk_timeout_ms = 10000;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_identify),
		cmocka_unit_test(test_write_read_48bit),
		cmocka_unit_test(test_28bit_commands),
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_task_file_error),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_dead_port),
	};

	return cmocka_run_group_tests(tests, probe_machine, NULL);
}
