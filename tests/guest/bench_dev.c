/*
 * bench_dev.c - [Testguest 9] what our devices cost: the disk's throughput
 * and the console's.
 *
 *   blk-seq-read, blk-seq-write   16 MiB in 64 KiB requests, one after
 *       the other, over the upper half of the disk (the file system's
 *       files are at its start); reported as the total and per request:
 *
 *         guest: bench: blk-seq-read 16 MiB in C cycles
 *         guest: bench: blk-read-64k C cycles per op (N ops)
 *
 *   console-tx   16 KiB through the transmit queue, in 128-byte lines:
 *       the whole path, printf's line buffer included.  The lines are
 *       printed, of course: they are the ones that start "console-tx".
 *
 * tests/bench.sh turns the totals into MB/s when it knows the TSC rate.
 */
#include "paravirt-guest/blk.h"
#include "paravirt-guest/console.h"
#include "paravirt-guest/mm.h"
#include "paravirt-guest/x86.h"

#include "testguest.h"

#define BLK_CHUNK (64u * 1024)
#define BLK_TOTAL (16u << 20)
#define CON_LINE 128
#define CON_TOTAL (16u * 1024)

static uint8_t buf[BLK_CHUNK] __attribute__((aligned(4096)));

static void bench_blk(bool write)
{
	uint32_t per = BLK_CHUNK / SECTOR_SIZE, ops = BLK_TOTAL / BLK_CHUNK;
	uint64_t first = blk_capacity() / 2;
	uint64_t span = (blk_capacity() - first) / per * per, t, cycles;
	const char *what = write ? "write" : "read";

	if (!blk_present() || span == 0) {
		printf("guest: bench: no disk for blk-seq-%s\n", what);
		return;
	}
	for (uint32_t i = 0; i < BLK_CHUNK; i++)
		buf[i] = (uint8_t)i;
	t = rdtsc();
	for (uint32_t i = 0; i < ops; i++) {
		uint64_t sector = first + (uint64_t)i * per % span;
		int s = write ? blk_write(sector, buf, BLK_CHUNK)
			      : blk_read(sector, buf, BLK_CHUNK);

		if (s != BLK_S_OK) {
			printf("guest: bench: blk-seq-%s: FAIL: status %d\n",
			       what, s);
			return;
		}
	}
	cycles = rdtsc() - t;
	printf("guest: bench: blk-seq-%s %u MiB in %llu cycles\n", what,
	       BLK_TOTAL >> 20, (unsigned long long)cycles);
	printf("guest: bench: blk-%s-64k %llu cycles per op (%u ops)\n", what,
	       (unsigned long long)(cycles / ops), ops);
}

static void bench_console(void)
{
	uint32_t ops = CON_TOTAL / CON_LINE;
	char line[CON_LINE];
	uint64_t t, cycles;

	for (uint32_t i = 0; i < CON_LINE - 1; i++)
		line[i] = (char)('a' + i % 26);
	memcpy(line, "console-tx ", 11);
	line[CON_LINE - 1] = '\n';
	t = rdtsc();
	for (uint32_t i = 0; i < ops; i++)
		console_write(line, CON_LINE);
	cycles = rdtsc() - t;
	printf("guest: bench: console-tx %u KiB in %llu cycles\n",
	       CON_TOTAL >> 10, (unsigned long long)cycles);
	printf("guest: bench: console-line %llu cycles per op (%u ops)\n",
	       (unsigned long long)(cycles / ops), ops);
}

void bench_devices(void)
{
	bench_blk(false);
	bench_blk(true);
	bench_console();
}
