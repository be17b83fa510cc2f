/*
 * diskbench.c - [Testguest 16] "diskbench=TAG": one disk's throughput,
 * the same four measurements whatever is behind it (a RAM disk module,
 * AHCI, NVMe), so tests/bench.sh can put them side by side:
 *
 *   seq-read, seq-write     8 MiB in 64 KiB requests, one after the other
 *   rand-read, rand-write   1024 requests of 4 KiB at scattered 4 KiB
 *                           blocks of the first 32 MiB
 *
 * each printed as
 *
 *   guest: diskbench: TAG seq-read 8192 KiB in C cycles
 *
 * A flush follows the writes and counts in their time: data a guest
 * wrote is not written until it is flushed.
 */
#include "paravirt-guest/blk.h"
#include "paravirt-guest/console.h"
#include "paravirt-guest/guest.h"
#include "paravirt-guest/hcall.h"
#include "paravirt-guest/x86.h"

#include "testguest.h"

#define SEQ_CHUNK (64u * 1024)
#define SEQ_TOTAL (8u << 20)
#define RAND_OPS 1024u
#define RAND_SPAN_BLOCKS 8192u /* 4 KiB blocks: 32 MiB */
#define BLOCK 4096u

static uint8_t buf[SEQ_CHUNK] __attribute__((aligned(4096)));

static bool run(const char *tag, const char *name, bool write, bool random)
{
	uint32_t ops = random ? RAND_OPS : SEQ_TOTAL / SEQ_CHUNK;
	uint32_t len = random ? BLOCK : SEQ_CHUNK, x = 12345;
	uint64_t t = rdtsc(), cycles;

	for (uint32_t i = 0; i < ops; i++) {
		uint64_t sector;
		int s;

		if (random) {
			x = x * 1103515245u + 12345u; /* the C standard's LCG */
			sector = (uint64_t)((x >> 8) % RAND_SPAN_BLOCKS) *
				 (BLOCK / SECTOR_SIZE);
		} else {
			sector = (uint64_t)i * (SEQ_CHUNK / SECTOR_SIZE);
		}
		s = write ? blk_write(sector, buf, len)
			  : blk_read(sector, buf, len);
		if (s != BLK_S_OK) {
			printf("guest: diskbench: %s %s: FAIL: status %s\n",
			       tag, name, blk_status_name(s));
			return false;
		}
	}
	if (write && blk_flush() != BLK_S_OK) {
		printf("guest: diskbench: %s %s: FAIL: flush\n", tag, name);
		return false;
	}
	cycles = rdtsc() - t;
	printf("guest: diskbench: %s %s %u KiB in %llu cycles\n", tag, name,
	       ops * len / 1024, (unsigned long long)cycles);
	return true;
}

void diskbench_run(const char *tag)
{
	char name[16];
	unsigned n = 0;

	while (tag[n] && tag[n] != ' ' && n < sizeof(name) - 1) {
		name[n] = tag[n];
		n++;
	}
	name[n] = 0;
	if (!blk_present() || blk_capacity() < RAND_SPAN_BLOCKS * 8) {
		printf("guest: diskbench: FAIL: needs a disk of 32 MiB\n");
		guest_poweroff("diskbench: no disk");
	}
	for (uint32_t i = 0; i < SEQ_CHUNK; i++)
		buf[i] = (uint8_t)(i * 13);
	if (run(name, "seq-write", true, false) &&
	    run(name, "seq-read", false, false) &&
	    run(name, "rand-write", true, true) &&
	    run(name, "rand-read", false, true))
		printf("guest: diskbench: %s done\n", name);
	guest_poweroff("diskbench complete");
}
