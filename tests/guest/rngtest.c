/*
 * rngtest.c - [Testguest 17] "rngtest": the entropy device (ABI 11.12),
 * through the kernel's driver and then by hand.
 *
 *   bytes       16 KiB read in 64 requests of 256 bytes, each filled
 *               whole; not all zero, not constant, no 16-byte block
 *               repeated, and two further reads differ;
 *   frequency   every one of the 256 byte values appears, a chi-square
 *               of the counts under 450 (255 degrees of freedom: a
 *               random source exceeds it about once in 10^12 runs), and
 *               the one bits within 2000 of half;
 *   zero-length a writable buffer of length 0: back with length 0;
 *   readable    a device-readable buffer (the wrong direction): back
 *               with length 0, its bytes untouched; readable then
 *               writable: only the writable part filled;
 *   big chain   16 descriptors of 4 KiB, sixteen times the device's budget
 *               for one exit: not done when its notify returns, done a
 *               few exits later with all 64 KiB written;
 *   reset       the same chain, the device reset before it is done:
 *               nothing is written into it afterwards, and after a
 *               restart the device answers again.
 *
 * Interrupts stay off (this mode never starts processes), so the driver
 * polls; every poll of the status register is an exit, and the
 * hypervisor goes on with its work at each one.
 */
#include <stdarg.h>

#include "paravirt-guest/console.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/irq.h"
#include "paravirt-guest/mm.h"
#include "paravirt-guest/rng.h"
#include "paravirt-guest/virtio.h"
#include "paravirt-guest/virtqueue.h"
#include "paravirt-guest/x86.h"

#include "testguest.h"

#define SAMPLE_BYTES (16 * 1024)
#define REQUEST_BYTES 256
#define CHI2_BOUND 450
#define BITS_SLACK 2000
#define BIG_SEGS 16
#define BIG_SEG PAGE_SIZE
#define BIG_BYTES (BIG_SEGS * BIG_SEG)
#define SENTINEL 0xa5
#define POLLS 100000

static uint8_t sample[SAMPLE_BYTES];
static uint8_t big[BIG_BYTES] __attribute__((aligned(4096)));
static uint8_t small[64];
static int failures;

static __attribute__((format(printf, 2, 3))) void check(bool ok,
							const char *fmt, ...)
{
	va_list ap;

	printf("guest: rngtest: %s", ok ? "" : "FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures += !ok;
}

/* ---- Through the driver ---------------------------------------------- */

static void bytes(void)
{
	uint32_t short_reads = 0, zeros = 0, repeats = 0;
	uint8_t a[64], b[64];
	bool constant = true, differ = false;
	int n;

	memset(sample, 0, sizeof(sample));
	for (uint32_t off = 0; off < SAMPLE_BYTES; off += REQUEST_BYTES)
		if (rng_read(sample + off, REQUEST_BYTES) != REQUEST_BYTES)
			short_reads++;
	check(!short_reads,
	      "%u bytes in %u requests of %u: %u not filled whole",
	      SAMPLE_BYTES, SAMPLE_BYTES / REQUEST_BYTES, REQUEST_BYTES,
	      short_reads);
	for (uint32_t i = 0; i < SAMPLE_BYTES; i++) {
		zeros += !sample[i];
		constant &= sample[i] == sample[0];
	}
	check(zeros < SAMPLE_BYTES && !constant,
	      "not all zero (%u zero bytes), not constant", zeros);
	/* A request that got an old buffer again, or a generator that
	 * repeats, shows as a block seen twice. */
	for (uint32_t i = 16; i < SAMPLE_BYTES; i += 16)
		for (uint32_t j = 0; j < i && repeats < 5; j += 16) {
			bool same = true;

			for (uint32_t k = 0; k < 16 && same; k++)
				same = sample[i + k] == sample[j + k];
			repeats += same;
		}
	check(!repeats, "no 16-byte block of the %u repeated", SAMPLE_BYTES);

	n = rng_read(a, sizeof(a));
	check(n == (int)sizeof(a) && rng_read(b, sizeof(b)) == (int)sizeof(b),
	      "two more reads of %u bytes", (unsigned)sizeof(a));
	for (unsigned i = 0; i < sizeof(a); i++)
		differ |= a[i] != b[i];
	check(differ, "the two reads differ");
}

static void frequency(void)
{
	static uint32_t count[256];
	uint32_t missing = 0, ones = 0, expect = SAMPLE_BYTES / 256;
	uint64_t sq = 0;

	for (uint32_t i = 0; i < SAMPLE_BYTES; i++) {
		count[sample[i]]++;
		for (uint8_t v = sample[i]; v; v >>= 1)
			ones += v & 1;
	}
	for (unsigned v = 0; v < 256; v++) {
		int32_t d = (int32_t)count[v] - (int32_t)expect;

		missing += !count[v];
		sq += (uint64_t)(d * d);
	}
	check(!missing, "all 256 byte values seen (%u missing)", missing);
	/* chi-square = sum of (count - expect)^2 / expect, kept in
	 * integers: compare the sum with the bound times expect. */
	check(sq < (uint64_t)CHI2_BOUND * expect,
	      "chi-square of the byte counts %u.%02u, under %u",
	      (uint32_t)(sq / expect), (uint32_t)(sq * 100 / expect % 100),
	      CHI2_BOUND);
	check(ones + BITS_SLACK > SAMPLE_BYTES * 4 &&
		      ones < SAMPLE_BYTES * 4 + BITS_SLACK,
	      "%u one bits of %u, within %u of half", ones, SAMPLE_BYTES * 8,
	      BITS_SLACK);
}

/* ---- By hand ----------------------------------------------------------- */

static int post(const struct vq_buf *bufs, unsigned int n)
{
	struct vq *vq = rng_queue();
	int head = vq_add(vq, bufs, n);

	if (head >= 0) {
		vq->avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
		vq_publish(vq, (uint16_t)head);
		vq_kick(vq);
	}
	return head;
}

/* Whether the chain at head is back yet, without an exit. */
static bool back(int head, uint32_t *len)
{
	uint16_t h;

	while (vq_pop_used(rng_queue(), &h, len))
		if (h == head)
			return true;
	return false;
}

/* Poll (each poll an exit) until the chain is back; the polls it took,
 * or -1 if it never came or the device broke. */
static int wait_back(int head, uint32_t *len)
{
	for (int polls = 0; polls < POLLS; polls++) {
		if (back(head, len))
			return polls;
		if (virtio_status(rng_device()) & VIRTIO_STATUS_NEEDS_RESET)
			return -1;
	}
	return -1;
}

static bool device_ok(void)
{
	return !(virtio_status(rng_device()) & VIRTIO_STATUS_NEEDS_RESET);
}

static void zero_length(void)
{
	struct vq_buf b = { small, 0, true };
	uint32_t len = 0xffffffffu;
	int head = post(&b, 1), polls = wait_back(head, &len);

	check(head >= 0 && polls >= 0 && len == 0 && device_ok(),
	      "zero-length buffer: back with length %u, device fine", len);
}

static void readable(void)
{
	struct vq_buf b = { small, sizeof(small), false };
	struct vq_buf mixed[2] = { { small, 32, false },
				   { small + 32, 32, true } };
	uint32_t len = 0xffffffffu, kept = 0, changed = 0;
	int head;

	memset(small, SENTINEL, sizeof(small));
	head = post(&b, 1);
	wait_back(head, &len);
	for (unsigned i = 0; i < sizeof(small); i++)
		kept += small[i] == SENTINEL;
	check(head >= 0 && len == 0 && kept == sizeof(small) && device_ok(),
	      "device-readable buffer: back with length %u, %u of %u bytes "
	      "untouched",
	      len, kept, (unsigned)sizeof(small));

	memset(small, SENTINEL, sizeof(small));
	len = 0xffffffffu;
	head = post(mixed, 2);
	wait_back(head, &len);
	kept = 0;
	for (unsigned i = 0; i < 32; i++) {
		kept += small[i] == SENTINEL;
		changed += small[32 + i] != SENTINEL;
	}
	check(head >= 0 && len == 32 && kept == 32 && changed > 16 &&
		      device_ok(),
	      "readable then writable: back with length %u, the readable "
	      "part untouched",
	      len);
}

static int post_big(void)
{
	struct vq_buf bufs[BIG_SEGS];

	for (unsigned i = 0; i < BIG_SEGS; i++)
		bufs[i] = (struct vq_buf){ big + i * BIG_SEG, BIG_SEG, true };
	memset(big, SENTINEL, sizeof(big));
	return post(bufs, BIG_SEGS);
}

/* Pages of big that hold no random bytes (all SENTINEL), and how many
 * bytes are SENTINEL in all. */
static unsigned untouched_pages(uint32_t *sentinels)
{
	unsigned pages = 0;

	*sentinels = 0;
	for (unsigned p = 0; p < BIG_SEGS; p++) {
		uint32_t s = 0;

		for (uint32_t i = 0; i < BIG_SEG; i++)
			s += big[p * BIG_SEG + i] == SENTINEL;
		pages += s == BIG_SEG;
		*sentinels += s;
	}
	return pages;
}

static void big_chain(void)
{
	uint32_t len = 0, sentinels;
	int head = post_big(), polls;
	bool early = back(head, &len);
	unsigned blank;

	check(head >= 0 && !early,
	      "%u descriptors of %u bytes: not done when its notify "
	      "returned",
	      BIG_SEGS, BIG_SEG);
	polls = early ? 0 : wait_back(head, &len);
	check(polls > 0 && len == BIG_BYTES,
	      "done %d polls (exits) later, with length %u of %u", polls, len,
	      BIG_BYTES);
	/* About one byte in 256 is SENTINEL by chance: 256 expected. */
	blank = untouched_pages(&sentinels);
	check(blank == 0 && sentinels < 1024,
	      "every page written (%u bytes still 0x%x)", sentinels, SENTINEL);
}

static void reset_mid_chain(void)
{
	uint32_t len = 0, sentinels;
	int head = post_big(), n;
	bool early = back(head, &len);
	unsigned blank;

	virtio_reset(rng_device()); /* before the next exit fills more */
	memset(big, SENTINEL, sizeof(big));
	/* Each status read is an exit: a device that still held the chain
	 * would go on filling it now. */
	for (int i = 0; i < 100; i++)
		(void)virtio_status(rng_device());
	blank = untouched_pages(&sentinels);
	check(!early && blank == BIG_SEGS,
	      "reset with the chain part done: nothing written after it "
	      "(%u of %u bytes untouched)",
	      sentinels, BIG_BYTES);
	check(vrng_init(), "device started again after the reset");
	n = rng_read(small, sizeof(small));
	check(n == (int)sizeof(small), "a request after the reset: %d bytes",
	      n);
	blank = untouched_pages(&sentinels);
	check(blank == BIG_SEGS,
	      "the old chain still untouched after the restart (%u of %u "
	      "bytes)",
	      sentinels, BIG_BYTES);
}

void rngtest_run(void)
{
	if (!rng_present()) {
		printf("guest: rngtest: FAIL: no entropy device\n");
		guest_poweroff("rngtest: no entropy device");
	}
	irq_disable();
	bytes();
	frequency();
	zero_length();
	readable();
	big_chain();
	reset_mid_chain();
	/* After all that, the driver's own path still works. */
	check(rng_read(sample, REQUEST_BYTES) == REQUEST_BYTES,
	      "the driver still reads %u bytes", REQUEST_BYTES);
	if (failures) {
		printf("guest: rngtest: %d check(s) failed\n", failures);
		guest_poweroff("rngtest failed");
	}
	printf("guest: rngtest: all checks passed\n");
	guest_poweroff("rngtest complete");
}
