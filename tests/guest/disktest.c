/*
 * disktest.c - [Testguest 15] "disktest=STEP": a guest's disk as real
 * storage, seen from the guest (the hypervisor's side: docs/storage.md).
 *
 *   write    a pattern over the test regions, flushed, then power off;
 *   check    read the regions back and compare (a second boot: the
 *            image file is the disk);
 *   crash    write and flush, say so, then write more without a flush
 *            (8 MiB farther on) and wait: the test cuts the power the moment it reads the line,
 *            and checks the image from the host (tests/qemu/disk_pattern.py);
 *   fault    QEMU's blkdebug fails one write and one read: each gets
 *            IOERR, and the same request again succeeds;
 *   timeout  a throttled disk that answers a write too late: IOERR, and
 *            a read after it succeeds.
 *
 * The regions, in 512-byte virtio sectors, all whole 4 KiB blocks so a
 * 4 KiB-sector disk takes them too: one 64 KiB request at sector 2048
 * from a page-aligned buffer (DMA straight into our RAM), and sixteen
 * 4 KiB requests at 8192 + 264k from a buffer 100 bytes into a page
 * (which an NVMe controller cannot reach as it lies: bounced).
 *
 * Byte i of sector s holds pattern(s, i, gen); "gen=N" on the command
 * line picks the generation, so a check of an old image cannot pass.
 * disk_pattern.py computes the same function.
 */
#include <stdarg.h>

#include "paravirt-guest/blk.h"
#include "paravirt-guest/console.h"
#include "paravirt-guest/devices.h"
#include "paravirt-guest/guest.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/idt.h"
#include "paravirt-guest/irq.h"
#include "paravirt-guest/mm.h"
#include "paravirt-guest/trap.h"

#include "testguest.h"

#define BIG_SECTOR 2048u
#define BIG_SECTORS 128u
#define SMALL_BASE 8192u
#define SMALL_STRIDE 264u
#define SMALL_COUNT 16u
#define SMALL_SECTORS 8u
#define SKEW 100u
#define CRASH_SCRATCH 16384u /* where the crash step writes unflushed */

static uint8_t buf[BIG_SECTORS * SECTOR_SIZE + PAGE_SIZE]
	__attribute__((aligned(4096)));
static uint32_t gen;
static int failures;

static uint8_t pattern(uint32_t sector, uint32_t i, uint32_t g)
{
	return (uint8_t)((sector * 131u + i * 7u + g * 29u) ^ (sector >> 8));
}

static void fill(uint8_t *p, uint32_t sector, uint32_t sectors, uint32_t g)
{
	for (uint32_t s = 0; s < sectors; s++)
		for (uint32_t i = 0; i < SECTOR_SIZE; i++)
			p[s * SECTOR_SIZE + i] = pattern(sector + s, i, g);
}

/* The first byte that differs, or -1. */
static long differs(const uint8_t *p, uint32_t sector, uint32_t sectors,
		    uint32_t g)
{
	for (uint32_t s = 0; s < sectors; s++)
		for (uint32_t i = 0; i < SECTOR_SIZE; i++)
			if (p[s * SECTOR_SIZE + i] != pattern(sector + s, i, g))
				return (long)(s * SECTOR_SIZE + i);
	return -1;
}

static __attribute__((format(printf, 2, 3))) void check(bool ok,
							const char *fmt, ...)
{
	va_list ap;

	printf("guest: disktest: %s", ok ? "" : "FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures += !ok;
}

static uint32_t small_sector(uint32_t k)
{
	return SMALL_BASE + k * SMALL_STRIDE;
}

/* The regions, from `base` sectors on: 0 for the ones that are checked,
 * farther out for the crash step's unflushed writes, which must not
 * overwrite what the host will look at. */
static void write_regions(uint32_t g, uint32_t base)
{
	int s;
	unsigned bad = 0;

	fill(buf, base + BIG_SECTOR, BIG_SECTORS, g);
	s = blk_write(base + BIG_SECTOR, buf, BIG_SECTORS * SECTOR_SIZE);
	check(s == BLK_S_OK, "wrote 64 KiB at sector %u: status %s",
	      base + BIG_SECTOR, blk_status_name(s));
	for (uint32_t k = 0; k < SMALL_COUNT; k++) {
		fill(buf + SKEW, base + small_sector(k), SMALL_SECTORS, g);
		bad += blk_write(base + small_sector(k), buf + SKEW,
				 SMALL_SECTORS * SECTOR_SIZE) != BLK_S_OK;
	}
	check(bad == 0, "wrote %u blocks of 4 KiB from %u, %u failed",
	      SMALL_COUNT, base + SMALL_BASE, bad);
}

static void check_regions(uint32_t g)
{
	unsigned bad = 0;
	long at;
	int s;

	memset(buf, 0, sizeof(buf));
	s = blk_read(BIG_SECTOR, buf, BIG_SECTORS * SECTOR_SIZE);
	at = differs(buf, BIG_SECTOR, BIG_SECTORS, g);
	check(s == BLK_S_OK && at < 0,
	      "read back 64 KiB at sector %u (gen %u): status %s, %s",
	      BIG_SECTOR, g, blk_status_name(s), at < 0 ? "match" : "DIFFER");
	for (uint32_t k = 0; k < SMALL_COUNT; k++) {
		memset(buf, 0, sizeof(buf));
		s = blk_read(small_sector(k), buf + SKEW,
			     SMALL_SECTORS * SECTOR_SIZE);
		bad += s != BLK_S_OK || differs(buf + SKEW, small_sector(k),
						SMALL_SECTORS, g) >= 0;
	}
	check(bad == 0, "read back %u blocks of 4 KiB (gen %u): %u differ",
	      SMALL_COUNT, g, bad);
}

static void step_fault(void)
{
	int s;

	/* tests/qemu/disk-*-fault.test's rules: the first write and the
	 * first read at these sectors fail in QEMU's block layer. */
	fill(buf, 4096, 8, gen);
	s = blk_write(4096, buf, 8 * SECTOR_SIZE);
	check(s == BLK_S_IOERR,
	      "write at sector 4096, failed by the disk: "
	      "status %s",
	      blk_status_name(s));
	s = blk_write(4096, buf, 8 * SECTOR_SIZE);
	check(s == BLK_S_OK, "the same write again: status %s",
	      blk_status_name(s));
	memset(buf, 0, 8 * SECTOR_SIZE);
	s = blk_read(6144, buf, 8 * SECTOR_SIZE);
	check(s == BLK_S_IOERR,
	      "read at sector 6144, failed by the disk: "
	      "status %s",
	      blk_status_name(s));
	s = blk_read(4096, buf, 8 * SECTOR_SIZE);
	check(s == BLK_S_OK && differs(buf, 4096, 8, gen) < 0,
	      "read back sector 4096: status %s, %s", blk_status_name(s),
	      differs(buf, 4096, 8, gen) < 0 ? "match" : "DIFFER");
	s = blk_read(6144, buf, 8 * SECTOR_SIZE);
	check(s == BLK_S_OK, "the failed read again: status %s",
	      blk_status_name(s));
}

static void step_timeout(void)
{
	int s;

	/* The test throttles writes so the second one takes far longer
	 * than the hypervisor's disk_timeout. */
	fill(buf, 4096, 32, gen);
	s = blk_write(4096, buf, 32 * SECTOR_SIZE);
	check(s == BLK_S_OK, "write of 16 KiB at sector 4096: status %s",
	      blk_status_name(s));
	s = blk_write(4200, buf, 32 * SECTOR_SIZE);
	check(s == BLK_S_IOERR,
	      "write at sector 4200, never answered in "
	      "time: status %s",
	      blk_status_name(s));
	memset(buf, 0, 32 * SECTOR_SIZE);
	s = blk_read(4096, buf, 32 * SECTOR_SIZE);
	check(s == BLK_S_OK && differs(buf, 4096, 32, gen) < 0,
	      "a read after it: status %s, %s", blk_status_name(s),
	      differs(buf, 4096, 32, gen) < 0 ? "match" : "DIFFER");
}

static void flush_or_fail(void)
{
	int s = blk_flush();

	check(s == BLK_S_OK, "flushed: status %s", blk_status_name(s));
}

/* The step word, up to the space or the end of the command line. */
static bool step_is(const char *step, const char *name)
{
	while (*name && *step == *name) {
		step++;
		name++;
	}
	return !*name && (*step == ' ' || !*step);
}

void disktest_run(const char *step)
{
	const char *g = cmdline_value("gen=");

	gen = 0;
	while (g && *g >= '0' && *g <= '9')
		gen = gen * 10 + (uint32_t)(*g++ - '0');
	if (!blk_present()) {
		printf("guest: disktest: FAIL: no block device\n");
		guest_poweroff("disktest: no disk");
	}
	/* A real disk takes its time: sleep until its interrupt, rather
	 * than give up after the driver's bounded polling. */
	idt_init();
	devices_enable_irqs();
	irq_enable();
	if (step_is(step, "write")) {
		write_regions(gen, 0);
		flush_or_fail();
	} else if (step_is(step, "check")) {
		check_regions(gen);
	} else if (step_is(step, "crash")) {
		write_regions(gen, 0);
		flush_or_fail();
		printf("guest: disktest: flush completed (gen %u)\n", gen);
		/* Unflushed: may be lost, may not; the host does not look. */
		write_regions(gen + 1, CRASH_SCRATCH);
		for (;;)
			hcall(LHCALL_HALT, 0, 0, 0);
	} else if (step_is(step, "fault")) {
		step_fault();
	} else if (step_is(step, "timeout")) {
		step_timeout();
	} else {
		printf("guest: disktest: unknown step\n");
		guest_poweroff("disktest: unknown step");
	}
	if (failures) {
		printf("guest: disktest: %d check(s) failed\n", failures);
		guest_poweroff("disktest failed");
	}
	printf("guest: disktest: all checks passed\n");
	guest_poweroff("disktest complete");
}
