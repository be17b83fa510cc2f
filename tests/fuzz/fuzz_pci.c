/*
 * fuzz_pci.c - libFuzzer target for a guest's PCI configuration space
 * (hv/dev/pci.c), reached as the guest reaches it: in and out on the
 * address latch 0xCF8-0xCFB and the data window 0xCFC-0xCFF
 * (hv/dev/ports.c).
 *
 * The bus has one virtio device at slot 1 and, if the first input byte
 * says so, a second one (without device configuration) at slot 2..7.
 * The rest of the input is a sequence of 6-byte operations:
 *
 *   byte 0  bits 0-1: 0 in, 1 out (at 0xCFC + bits 4-5), 2 out, 3 in
 *           (at 0xCF8 + bits 4-5); bits 2-3: the width, 1, 2, 4 or 4;
 *           bit 6: instead, a well-formed latch for slot byte 1 & 7,
 *           register byte 2 (bits 1:0 too), written with one 4-byte out
 *   1-4     the value (little-endian)
 *   5       unused (room for the mutator)
 *
 * BAR0 behind the devices is a stand-in for virtio_bar_read/write that
 * checks each access the configuration-access window makes.  Invariants:
 *
 *   - the latch reads back what was written into it, byte by byte;
 *   - a read of nothing (latch disabled, another bus or function, an
 *     empty slot, past the 152 implemented bytes) is all ones;
 *   - the host bridge is all zeros but its class, 0x0600;
 *   - any other read is the device's configuration image, except that
 *     the window's data register reads BAR0 through the window;
 *   - BAR0 never moves: it reads back as the device's address, or as the
 *     size mask while the driver sizes it;
 *   - the window reaches BAR0 only where virtio 1.0 4.1.4.7 allows: a
 *     BAR0 access of 1, 2 or 4 bytes, aligned, inside the BAR, and only
 *     for an access to the data register (a write: 4 bytes wide);
 *   - a write changes nothing but BAR0's sizing flag and the window's
 *     bar, offset and length of the device it addressed.
 *
 * Built and run by tests/fuzz.sh; seeds are in tests/fuzz/corpus/pci.
 *
 * FUZZ_SOURCES: hv/dev/pci.c hv/dev/ports.c hv/guest/debugcon.c hv/dev/pit_emul.c hv/dev/cmos_emul.c hv/lib/string.c hv/lib/format.c
 * FUZZ_MAX_LEN: 600
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/dev/devices.h"
#include "hv/dev/ports.h"
#include "hv/guest/guest.h"
#include "hv/lib/printk.h"

#define FUZZ_STUB_PRINTK
#include "tests/fuzz/fuzz_stubs.h"

#define ENABLE 0x80000000u
#define IMPLEMENTED 0x98
#define WINDOW_BAR 0x88 /* struct virtio_pci_cfg_cap at 0x84 */
#define WINDOW_OFFSET 0x8C
#define WINDOW_LENGTH 0x90
#define WINDOW_DATA 0x94
#define BAR0 0x10

/* ---- What ports.c and its neighbours call, beyond fuzz_stubs.h. ---- */

void console_write(const char *s, size_t n)
{
	(void)s;
	(void)n;
}
void console_write_to(uint32_t which, const char *s, size_t n)
{
	(void)which;
	(void)s;
	(void)n;
}
uint64_t time_now_ns(void)
{
	return 0;
}
void time_wallclock(uint32_t *sec, uint32_t *nsec)
{
	*sec = 0;
	*nsec = 0;
}
bool time_rtc_valid(void)
{
	return false;
}

/* ---- BAR0, as the window sees it. ---- */

static bool bar_allowed; /* an access to the window's data register */
static unsigned bar_accesses;
static struct virtio_dev *bar_dev;
static uint32_t bar_off, bar_val;
static unsigned bar_size;

static void bar_access(struct virtio_dev *d, uint32_t off, unsigned size)
{
	check(bar_allowed);
	check(size == 1 || size == 2 || size == 4);
	check(off % size == 0 && off < VIRTIO_BAR_SIZE &&
	      size <= VIRTIO_BAR_SIZE - off);
	check(d->cfg_bar == 0 && d->cfg_offset == off && d->cfg_length == size);
	bar_accesses++;
	bar_dev = d;
	bar_off = off;
	bar_size = size;
}

/* Some registers read, some refuse: a value made of the offset. */
uint32_t virtio_bar_read(struct virtio_dev *d, uint32_t off, unsigned size,
			 bool *ok)
{
	bar_access(d, off, size);
	*ok = off < 96;
	if (!*ok)
		return 0;
	return (0x01010101u * (off + 1)) & port_ones(size);
}

bool virtio_bar_write(struct virtio_dev *d, uint32_t off, unsigned size,
		      uint32_t val)
{
	bar_access(d, off, size);
	check(size == 4 || val >> (8 * size) == 0);
	bar_val = val;
	return true;
}

/* ---- The devices. ---- */

static uint64_t no_features(struct virtio_dev *d)
{
	return 0;
}
static uint32_t config12(struct virtio_dev *d, uint8_t *buf)
{
	for (unsigned i = 0; i < 12; i++)
		buf[i] = (uint8_t)(0xC0 + i);
	return 12;
}
static uint32_t config0(struct virtio_dev *d, uint8_t *buf)
{
	return 0;
}
static void no_notify(struct virtio_dev *d, unsigned q)
{
}
static const struct virtio_ops console_ops = {
	.name = "con",
	.type = 3,
	.pci_class = 0x07,
	.pci_subclass = 0x80,
	.num_queues = 2,
	.features = no_features,
	.config = config12,
	.notify = no_notify,
}, blk_ops = {
	.name = "blk",
	.type = 2,
	.pci_class = 0x01,
	.pci_subclass = 0x00,
	.num_queues = 1,
	.features = no_features,
	.config = config0,
	.notify = no_notify,
};

/* ---- The model. ---- */

static uint32_t latch; /* what 0xCF8 should hold */

/* The device the latch addresses (slot in *slot), or NULL; *bridge for
 * slot 0.  Our reading of ABI section 11.1, not pci.c's. */
static struct virtio_dev *target(struct pci_bus *bus, unsigned *slot,
				 bool *bridge)
{
	*slot = (latch >> 11) & 0x1F;
	*bridge = false;
	if (!(latch & ENABLE) || (latch & 0x00FF0700u) || *slot >= 8)
		return NULL;
	*bridge = *slot == 0;
	return *bridge ? NULL : bus->dev[*slot];
}

static void check_read(struct guest *g, unsigned port, unsigned size)
{
	struct pci_bus *bus = &g->dev->pci;
	unsigned slot, reg = latch & 0xFC, off = reg + (port & 3);
	bool bridge;
	struct virtio_dev *d = target(bus, &slot, &bridge);
	uint32_t v, want = 0, ones = port_ones(size);
	uint8_t cs[256];

	bar_allowed = d && reg == WINDOW_DATA;
	bar_accesses = 0;
	v = guest_port_in(g, (uint16_t)port, size);
	bar_allowed = false;
	check(size == 4 || v >> (8 * size) == 0);
	if ((!d && !bridge) || off + size > IMPLEMENTED) {
		check(v == ones);
		check(bar_accesses == 0);
		return;
	}
	if (d && reg == WINDOW_DATA) {
		uint32_t len = d->cfg_length, o = d->cfg_offset;
		bool window = d->cfg_bar == 0 &&
			      (len == 1 || len == 2 || len == 4) &&
			      o % len == 0 && o < VIRTIO_BAR_SIZE &&
			      len <= VIRTIO_BAR_SIZE - o;

		check(bar_accesses == window);
		if (window && o < 96)
			want = ((0x01010101u * (o + 1)) & port_ones(len)) >>
			       (8 * (port & 3));
		else
			want = 0xFFFFFFFFu;
		check(v == (want & ones));
		return;
	}
	check(bar_accesses == 0);
	pci_config_image(d, cs);
	for (unsigned i = 0; i < size; i++)
		want |= (uint32_t)cs[off + i] << (8 * i);
	check(v == want);
	if (bridge) {
		for (unsigned i = 0; i < size; i++)
			check(cs[off + i] == 0 ||
			      (off + i == 0x0B && cs[off + i] == 0x06));
	} else if (off == BAR0 && size == 4) {
		check(v ==
		      (d->bar0_sizing ? ~(VIRTIO_BAR_SIZE - 1u) : d->bar0));
	} else if (off == 0 && size == 4) {
		check(v == (0x1AF4u | (0x1040u + d->ops->type) << 16));
	}
}

static void check_write(struct guest *g, unsigned port, unsigned size,
			uint32_t val)
{
	struct guest_devices *devs = g->dev;
	struct pci_bus *bus = &devs->pci;
	unsigned slot, reg = latch & 0xFC, off = reg + (port & 3);
	bool bridge;
	struct virtio_dev *d = target(bus, &slot, &bridge);
	struct virtio_dev before[GUEST_MAX_DEVICES];

	memcpy(before, devs->virtio, sizeof(before));
	bar_allowed = d && off == WINDOW_DATA && size == 4;
	bar_accesses = 0;
	guest_port_out(g, (uint16_t)port, size, val);
	bar_allowed = false;
	if (bar_accesses) {
		unsigned len = bar_size;

		check(bar_accesses == 1 && bar_dev == d);
		check(bar_val == (len == 4 ? val : val & port_ones(len)));
	}
	for (unsigned i = 0; i < GUEST_MAX_DEVICES; i++) {
		struct virtio_dev *now = &devs->virtio[i], *was = &before[i];

		if (now == d && off + size <= IMPLEMENTED) {
			/* What the write may change, set back. */
			if (off == BAR0 && size == 4)
				was->bar0_sizing = now->bar0_sizing;
			if (off == WINDOW_BAR && size == 1)
				was->cfg_bar = now->cfg_bar;
			if (off == WINDOW_OFFSET && size == 4)
				was->cfg_offset = now->cfg_offset;
			if (off == WINDOW_LENGTH && size == 4)
				was->cfg_length = now->cfg_length;
		}
		check(memcmp(now, was, sizeof(*now)) == 0); /* BAR0 stays */
	}
	if (d && off == BAR0 && size == 4)
		check(d->bar0_sizing == (val == 0xFFFFFFFFu));
}

/* The latch as ports.c merges partial writes (a byte at 0xCFB is its
 * top byte; a word at 0xCFB keeps only its low byte). */
static void latch_write(unsigned k, unsigned size, uint32_t val)
{
	uint64_t mask = (uint64_t)port_ones(size) << (8 * k);

	latch = (uint32_t)((latch & ~mask) |
			   (((uint64_t)val << (8 * k)) & mask));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned widths[4] = { 1, 2, 4, 4 };
	static struct guest g;
	static struct guest_devices devs;
	unsigned second;

	if (size == 0)
		return 0;
	memset(&g, 0, sizeof(g));
	memset(&devs, 0, sizeof(devs));
	g.dev = &devs;
	strcpy(g.name, "fuzz");
	g.mem_size = MiB(16);
	devs.virtio[0] = (struct virtio_dev){ .g = &g,
					      .ops = &console_ops,
					      .slot = 1,
					      .irq = 5,
					      .bar0 = MiB(17) };
	devs.pci.dev[1] = &devs.virtio[0];
	devs.n = 1;
	if (data[0] & 1) {
		second = 2 + (data[0] >> 1) % 6;
		devs.virtio[1] = (struct virtio_dev){ .g = &g,
						      .ops = &blk_ops,
						      .slot = (uint8_t)second,
						      .irq = 6,
						      .bar0 = MiB(17) +
							      VIRTIO_BAR_SIZE };
		devs.pci.dev[second] = &devs.virtio[1];
		devs.n = 2;
	}
	latch = 0;

	for (size_t i = 1; i + 6 <= size; i += 6) {
		const uint8_t *op = data + i;
		unsigned width = widths[(op[0] >> 2) & 3], k = (op[0] >> 4) & 3;
		uint32_t val = op[1] | op[2] << 8 | op[3] << 16 |
			       (uint32_t)op[4] << 24;

		if (op[0] & 0x40) {
			val = ENABLE | (op[1] & 7u) << 11 | op[2];
			guest_port_out(&g, 0xCF8, 4, val);
			latch = val;
		} else if ((op[0] & 3) == 0) {
			check_read(&g, 0xCFC + k, width);
		} else if ((op[0] & 3) == 1) {
			check_write(&g, 0xCFC + k, width, val);
		} else if ((op[0] & 3) == 2) {
			guest_port_out(&g, (uint16_t)(0xCF8 + k), width, val);
			latch_write(k, width, val);
		} else {
			uint32_t v =
				guest_port_in(&g, (uint16_t)(0xCF8 + k), width);

			check(v == ((latch >> (8 * k)) & port_ones(width)));
		}
		check(devs.pci.latch == latch);
		check(devs.virtio[0].bar0 == MiB(17));
	}
	return 0;
}
