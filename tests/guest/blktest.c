/*
 * blktest.c - [Testguest 7] "blktest": the disk, one request at a time,
 * each answer checked.
 *
 *   get-id      the device's serial number (request type 8);
 *   round trip  a pattern written to 16 sectors, flushed, read back into
 *               a buffer that straddles pages (so one request has
 *               several data segments), compared byte for byte;
 *   last sector the same at the very end of the disk, however big (one
 *               test gives us 96 MiB: three times our RAM, and far
 *               past anything a small offset type could reach);
 *   range       a read at the first sector past the end, and a write
 *               that starts inside and runs past it: both IOERR;
 *   unknown     a request of type 99: UNSUPP, not a read in disguise.
 *
 * The disk is a copy in the hypervisor's memory of the image on the
 * boot medium, so we may scribble on it freely.
 */
#include <stdarg.h>

#include "paravirt-guest/blk.h"
#include "paravirt-guest/console.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/mm.h"

#include "testguest.h"

#define PATTERN_SECTORS 16
#define PATTERN_BYTES (PATTERN_SECTORS * SECTOR_SIZE)
#define STRADDLE 100 /* bytes into a page: data spans three pages */
#define BLK_T_UNKNOWN 99

static uint8_t out[PATTERN_BYTES] __attribute__((aligned(4096)));
static uint8_t in[PATTERN_BYTES + PAGE_SIZE] __attribute__((aligned(4096)));
static int failures;

static __attribute__((format(printf, 2, 3))) void check(bool ok,
							const char *fmt, ...)
{
	va_list ap;

	printf("guest: blktest: %s", ok ? "" : "FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures += !ok;
}

static void fill(uint64_t sector, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		out[i] = (uint8_t)(i * 7 + (uint32_t)sector + (i >> 9));
}

/* Write, flush, read back (into a buffer at "skew"), compare. */
static bool round_trip(uint64_t sector, uint32_t len, uint32_t skew)
{
	int w, f, r;

	fill(sector, len);
	memset(in, 0, sizeof(in));
	w = blk_write(sector, out, len);
	f = blk_flush();
	r = blk_read(sector, in + skew, len);
	return w == BLK_S_OK && f == BLK_S_OK && r == BLK_S_OK &&
	       same_bytes(out, in + skew, len);
}

void blktest_run(void)
{
	uint64_t cap = blk_capacity(), mid = cap / 2;
	char id[BLK_ID_BYTES + 1];
	int s;

	if (!blk_present()) {
		printf("guest: blktest: FAIL: no block device\n");
		guest_poweroff("blktest: no disk");
	}
	s = blk_get_id(id);
	check(s == BLK_S_OK && id[0], "get-id: status %s, id '%s'",
	      blk_status_name(s), id);

	check(round_trip(mid, PATTERN_BYTES, STRADDLE),
	      "wrote %u sectors at %llu, flushed, read back across 3 pages: "
	      "match",
	      PATTERN_SECTORS, (unsigned long long)mid);
	check(round_trip(cap - 1, SECTOR_SIZE, 0),
	      "last sector %llu (%llu MiB into a %llu MiB disk) written and "
	      "read back: match",
	      (unsigned long long)(cap - 1),
	      (unsigned long long)((cap - 1) >> 11),
	      (unsigned long long)(cap >> 11));

	s = blk_read(cap, in, SECTOR_SIZE);
	check(s == BLK_S_IOERR,
	      "read at sector %llu, past the end: status "
	      "%d (%s)",
	      (unsigned long long)cap, s, blk_status_name(s));
	s = blk_write(cap - 1, out, 2 * SECTOR_SIZE);
	check(s == BLK_S_IOERR,
	      "write of 2 sectors at %llu, across the end: "
	      "status %d (%s)",
	      (unsigned long long)(cap - 1), s, blk_status_name(s));
	s = blk_request(BLK_T_UNKNOWN, 0, in, SECTOR_SIZE, true);
	check(s == BLK_S_UNSUPP, "request type %d: status %d (%s)",
	      BLK_T_UNKNOWN, s, blk_status_name(s));
	s = blk_flush();
	check(s == BLK_S_OK, "flush: status %d (%s)", s, blk_status_name(s));
	/* After all that, the device must still be working. */
	check(round_trip(mid + PATTERN_SECTORS, PATTERN_BYTES, 0),
	      "device still answering after the errors");

	if (failures) {
		printf("guest: blktest: %d check(s) failed\n", failures);
		guest_poweroff("blktest failed");
	}
	printf("guest: blktest: all checks passed\n");
	guest_poweroff("blktest complete");
}
