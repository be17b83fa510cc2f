/*
 * fuzz_virtqueue.c - libFuzzer target for the virtqueue walker.
 *
 * A guest writes its descriptor table and available ring itself, so every
 * byte of them is hostile.  Here the fuzzer's input *is* the guest's RAM
 * (4 KiB: descriptor table at 0, available ring at 0x100, used ring at
 * 0x180, buffers anywhere) and its first byte picks the queue size.  Whatever the bytes, vq_pop() must
 * end (no loop can hold it), hand out only segments inside RAM with the
 * readable ones first, and the copies through a chain must stay inside
 * RAM: the RAM is a heap block of its exact size, so ASan sees any stray
 * byte; each copy moves exactly what the chain holds.  Built and run by
 * tests/fuzz.sh; its corpus is in tests/fuzz/corpus/virtqueue.
 *
 * FUZZ_SOURCES: hv/virtio/virtqueue.c hv/virtio/virtio_pci.c hv/guest/guestmem.c hv/lib/string.c hv/lib/format.c
 * FUZZ_MAX_LEN: 600
 * FUZZ_SEEDS: 03
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/guest/guest.h"
#include "hv/lib/printk.h"
#include "hv/virtio/virtio.h"

#define FUZZ_STUB_PRINTK
#define FUZZ_STUB_GUEST
#include "tests/fuzz/fuzz_stubs.h"

#define RAM 0x1000u
#define DESC 0x0u
#define AVAIL 0x100u
#define USED 0x180u

static uint64_t no_features(struct virtio_dev *d)
{
	(void)d;
	return 0;
}
static uint32_t no_config(struct virtio_dev *d, uint8_t *buf)
{
	(void)d;
	(void)buf;
	return 0;
}
static void no_notify(struct virtio_dev *d, unsigned q)
{
	(void)d;
	(void)q;
}
static const struct virtio_ops ops = {
	.name = "fuzz",
	.type = 2,
	.num_queues = 1,
	.features = no_features,
	.config = no_config,
	.notify = no_notify,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct guest g;
	static struct vq_chain c;
	static struct virtio_dev dev;
	struct virtio_dev *d = &dev;
	uint8_t *ram = malloc(RAM), scratch[512];
	uint16_t qsize;

	if (!ram || size == 0) {
		free(ram);
		return 0;
	}
	memset(ram, 0, RAM);
	memcpy(ram, data + 1, size - 1 < RAM ? size - 1 : RAM);
	memset(&g, 0, sizeof(g));
	memset(&dev, 0, sizeof(dev));
	g.mem = ram;
	g.mem_size = RAM;
	d->g = &g;
	d->ops = &ops;
	virtio_reset(d);

	/* The driver's set-up, through the registers, as a guest does it. */
	qsize = (uint16_t)(1u << (data[0] % 5)); /* 1 .. 16: the rings fit */
	virtio_bar_write(d, 20, 1, 1 | 2);
	virtio_bar_write(d, 8, 4, 1);
	virtio_bar_write(d, 12, 4, 1); /* VERSION_1 */
	virtio_bar_write(d, 20, 1, 1 | 2 | 8);
	virtio_bar_write(d, 22, 2, 0);
	virtio_bar_write(d, 24, 2, qsize);
	virtio_bar_write(d, 32, 4, DESC);
	virtio_bar_write(d, 40, 4, AVAIL);
	virtio_bar_write(d, 48, 4, USED);
	virtio_bar_write(d, 28, 2, 1);
	virtio_bar_write(d, 20, 1, 1 | 2 | 8 | 4);
	check(d->vq[0].enabled && virtio_ready(d));

	/* At most size chains can be waiting; a few more pops must say so. */
	for (unsigned n = 0; n < (unsigned)qsize + 4; n++) {
		bool writable = false;
		if (!vq_pop(d, 0, &c)) {
			/* Empty, or malformed: then it stays stopped. */
			if (d->broken)
				check(!vq_pop(d, 0, &c));
			break;
		}
		check(c.head < qsize && c.nsegs > 0 && c.nsegs <= qsize);
		for (unsigned i = 0; i < c.nsegs; i++) {
			check(c.seg[i].gpa <= RAM &&
			      c.seg[i].len <= RAM - c.seg[i].gpa);
			if (c.seg[i].device_writes)
				writable = true;
			else
				check(!writable); /* readable ones first */
		}
		/* Each copy moves all it was asked for, or all there is. */
		for (uint32_t off = 0; off < c.readable; off += sizeof(scratch))
			check(vq_read(d, &c, off, scratch, sizeof(scratch)) ==
			      MIN(sizeof(scratch), c.readable - off));
		memset(scratch, 0xA5, sizeof(scratch));
		for (uint32_t off = 0; off < c.writable; off += sizeof(scratch))
			check(vq_write(d, &c, off, scratch, sizeof(scratch)) ==
			      MIN(sizeof(scratch), c.writable - off));
		vq_push(d, 0, c.head, c.writable);
		vq_interrupt(d, 0);
	}
	free(ram);
	return 0;
}
