/*
 * selftest.c - deliberate failures, for the tests that prove the
 * hypervisor reports its own faults well.  Compiled in only by test builds
 * (HV_SELFTEST, set by "make ... SELFTEST=1"); a normal build refuses the
 * option, so a production image can never be told to crash itself.
 */
#include "hv/hv.h"
#include "hv/include/x86.h"
#include "hv/lib/printk.h"
#include "hv/machine/power.h"
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

int selftest_run(const char *name)
{
	printk("hv: selftest: %s\n", name);
	if (!hv_strcmp(name, "disk-io"))
		return selftest_disk_io();
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
