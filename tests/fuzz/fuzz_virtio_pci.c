/*
 * fuzz_virtio_pci.c - libFuzzer target for the virtio-pci register file
 * in BAR0 (hv/virtio/virtio_pci.c), with the virtqueue walker behind it.
 *
 * A guest's driver may access BAR0 at any offset, width and value, in any
 * order, and write its RAM (the rings) between accesses.  The input is a
 * sequence of 6-byte operations:
 *
 *   byte 0  bits 0-1: 0 read, 1 write, 2 poke RAM, 3 write 0 to status
 *           (a reset); bits 2-4: the width, from widths[]; bit 5: the
 *           offset is near 4 GiB (0xFFFFFF00 + byte 1)
 *   byte 1  the offset in BAR0
 *   2-5     the value (little-endian); for a poke, bytes 4-5 go to the
 *           RAM address in bytes 2-3
 *
 * The fake device has two queues and 12 bytes of configuration; its
 * notify handler, as a real device does, pops every chain, reads and
 * writes it and returns it.  The guest's RAM is a heap block of exactly
 * its size, so ASan sees any access outside it.  After every operation:
 *
 *   - a read at a width or alignment other than the register's natural
 *     one (or of nothing) is refused; one of the device configuration is
 *     accepted exactly when it lies inside the 12 bytes, and returns them;
 *   - a broken device stays broken, and says NEEDS_RESET, until a reset;
 *     a reset leaves it in its power-on state;
 *   - every queue's size is a power of two, at most VIRTQUEUE_MAX_SIZE;
 *   - an enabled queue's rings are aligned and lie inside RAM;
 *   - FEATURES_OK stands only for an acceptable feature set (a subset of
 *     the offer, with VERSION_1), which then stays frozen;
 *   - notify only reaches enabled queues of a ready device;
 *   - reading the ISR clears it.
 *
 * Built and run by tests/fuzz.sh; seeds are in tests/fuzz/corpus/virtio_pci.
 *
 * FUZZ_SOURCES: hv/virtio/virtio_pci.c hv/virtio/virtqueue.c hv/guest/guestmem.c hv/lib/string.c hv/lib/format.c
 * FUZZ_MAX_LEN: 1200
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

#define RAM 0x4000u
#define CFG_LEN 12
#define OFFERED ((1ull << 2) | (1ull << 35) | (1ull << VIRTIO_F_VERSION_1))

/* Register offsets, from the ABI's table (section 11.4). */
#define GFSELECT 8
#define GF 12
#define STATUS 20
#define QSELECT 22
#define QSIZE 24
#define ISR 58
#define DEVCFG 60

/* ---- The fake device. ---- */

static uint64_t fake_features(struct virtio_dev *d)
{
	return (1ull << 2) | (1ull << 35);
}

static uint32_t fake_config(struct virtio_dev *d, uint8_t *buf)
{
	for (unsigned i = 0; i < CFG_LEN; i++)
		buf[i] = (uint8_t)(0xA0 + i);
	return CFG_LEN;
}

static bool fake_config_write(struct virtio_dev *d, uint32_t off, unsigned size,
			      uint32_t val)
{
	return off == 8 && size == 4;
}

/* What a device does when notified: take every chain, read what the
 * driver wrote, fill what it may, give it back. */
static void fake_notify(struct virtio_dev *d, unsigned q)
{
	static struct vq_chain c;
	uint8_t buf[256];

	check(q < d->ops->num_queues && d->vq[q].enabled && virtio_ready(d));
	for (unsigned n = 0; n < 2 * VIRTQUEUE_MAX_SIZE && vq_pop(d, q, &c);
	     n++) {
		uint32_t got;

		check(c.head < d->vq[q].size && c.nsegs > 0);
		for (unsigned i = 0; i < c.nsegs; i++)
			check(c.seg[i].gpa <= RAM &&
			      c.seg[i].len <= RAM - c.seg[i].gpa);
		check(vq_read(d, &c, 0, buf, sizeof(buf)) ==
		      MIN(sizeof(buf), c.readable));
		memset(buf, 0x5A, sizeof(buf));
		got = vq_write(d, &c, 0, buf, sizeof(buf));
		check(got == MIN(sizeof(buf), c.writable));
		vq_push(d, q, c.head, got);
		vq_interrupt(d, q);
	}
}

static const struct virtio_ops fake_ops = {
	.name = "fake",
	.type = 3,
	.num_queues = 2,
	.features = fake_features,
	.config = fake_config,
	.config_write = fake_config_write,
	.notify = fake_notify,
};

/* ---- The invariants. ---- */

/* The width a register must be read with at off, 0 if none is there. */
static unsigned natural_width(uint32_t off)
{
	static const struct {
		uint32_t off;
		unsigned width;
	} regs[] = {
		{ 0, 4 },  { 4, 4 },  { 8, 4 },	 { 12, 4 }, { 16, 2 },
		{ 18, 2 }, { 20, 1 }, { 21, 1 }, { 22, 2 }, { 24, 2 },
		{ 26, 2 }, { 28, 2 }, { 30, 2 }, { 32, 4 }, { 36, 4 },
		{ 40, 4 }, { 44, 4 }, { 48, 4 }, { 52, 4 }, { 56, 2 },
		{ 58, 1 },
	};

	for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (regs[i].off == off)
			return regs[i].width;
	return 0;
}

static bool pow2(uint32_t n)
{
	return n && !(n & (n - 1));
}

/* [addr, addr+len) inside RAM, and aligned. */
static bool in_ram(uint32_t addr, uint32_t len, uint32_t align)
{
	return addr % align == 0 && addr <= RAM && len <= RAM - addr;
}

static void check_read(struct virtio_dev *d, uint32_t off, unsigned size)
{
	uint8_t isr = d->isr;
	bool ok = true;
	uint32_t v = virtio_bar_read(d, off, size, &ok);

	if (off >= DEVCFG) {
		uint32_t rel = off - DEVCFG, want = 0;
		bool inside =
			rel < CFG_LEN && size <= CFG_LEN - rel && size <= 4;

		check(ok == inside);
		if (ok) {
			for (unsigned i = 0; i < size; i++)
				want |= (uint32_t)(0xA0 + rel + i) << (8 * i);
			check(v == want);
		}
		return;
	}
	check(ok == (size != 0 && natural_width(off) == size));
	if (!ok) {
		check(d->isr == isr); /* a refused ISR read clears nothing */
		return;
	}
	check(size == 4 || v >> (8 * size) == 0);
	if (off == ISR) {
		check(v == isr && d->isr == 0);
	} else if (off == STATUS) {
		check(v == d->status);
	} else if (off == QSIZE) {
		check(d->queue_select < d->ops->num_queues
			      ? v == d->vq[d->queue_select].size
			      : v == 0);
	}
}

static void check_state(const struct virtio_dev *d, const struct guest *g)
{
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		const struct virtqueue *vq = &d->vq[q];
		uint32_t n = vq->size;

		check(pow2(n) && n <= VIRTQUEUE_MAX_SIZE);
		if (!vq->enabled)
			continue;
		check(q < d->ops->num_queues);
		check(in_ram(vq->desc, 16 * n, 16));
		check(in_ram(vq->avail, 6 + 2 * n, 2));
		check(in_ram(vq->used, 6 + 8 * n, 4));
	}
	if (d->broken)
		check(d->status & VIRTIO_CONFIG_S_NEEDS_RESET);
	if (d->status & VIRTIO_CONFIG_S_FEATURES_OK)
		check(!(d->driver_features & ~OFFERED) &&
		      (d->driver_features & (1ull << VIRTIO_F_VERSION_1)));
	check(g->mem_size == RAM);
}

static void check_power_on(const struct virtio_dev *d)
{
	check(d->status == 0 && !d->broken && d->isr == 0);
	check(d->driver_features == 0 && d->queue_select == 0);
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++)
		check(!d->vq[q].enabled && d->vq[q].size == VIRTQUEUE_MAX_SIZE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned widths[8] = { 1, 2, 4, 1, 2, 4, 0, 3 };
	static struct guest g;
	static struct virtio_dev dev;
	struct virtio_dev *d = &dev;
	uint8_t *ram = malloc(RAM);

	check(ram != NULL);
	memset(ram, 0, RAM);
	memset(&g, 0, sizeof(g));
	memset(&dev, 0, sizeof(dev));
	strcpy(g.name, "fuzz");
	g.mem = ram;
	g.mem_size = RAM;
	d->g = &g;
	d->ops = &fake_ops;
	d->irq = 5;
	virtio_reset(d);
	check_power_on(d);

	for (size_t i = 0; i + 6 <= size; i += 6) {
		const uint8_t *op = data + i;
		unsigned width = widths[(op[0] >> 2) & 7];
		uint32_t off = op[1], val;
		bool was_broken = d->broken, frozen, wrote;
		uint64_t features = d->driver_features;

		if (op[0] & 0x20)
			off |= 0xFFFFFF00u;
		val = op[2] | op[3] << 8 | op[4] << 16 | (uint32_t)op[5] << 24;
		frozen = d->status & VIRTIO_CONFIG_S_FEATURES_OK;

		switch (op[0] & 3) {
		case 0:
			check_read(d, off, width);
			break;
		case 1:
			wrote = virtio_bar_write(d, off, width, val);
			if (wrote && off < DEVCFG)
				check(natural_width(off) == width);
			if (off == STATUS && width == 1 && (val & 0xFF) == 0) {
				check_power_on(d);
				was_broken = false;
			}
			if (wrote && off == QSIZE)
				check(d->vq[d->queue_select].size == val);
			if (wrote && off == QSELECT)
				check(d->queue_select == (val & 0xFFFF));
			break;
		case 2:
			/* The guest writes its RAM: two bytes anywhere. */
			val = (val & 0xFFFF) % (RAM - 1);
			ram[val] = op[4];
			ram[val + 1] = op[5];
			break;
		case 3:
			check(virtio_bar_write(d, STATUS, 1, 0));
			check_power_on(d);
			was_broken = false;
			break;
		}
		if (was_broken)
			check(d->broken && !virtio_ready(d));
		/* Accepted features are frozen (only a reset thaws them). */
		if (frozen && (d->status & VIRTIO_CONFIG_S_FEATURES_OK))
			check(d->driver_features == features);
		check_state(d, &g);
	}
	free(ram);
	return 0;
}
