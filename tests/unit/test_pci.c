/*
 * test_pci.c - a guest's PCI bus (pci.c, reached through ports.c): the
 * configuration space of a virtio device against ABI section 11.3 byte by
 * byte, the host bridge, the latch decoding of section 11.1, BAR0 sizing,
 * and the PCI-configuration-access window that turns configuration
 * writes into BAR0 accesses.
 *
 * Everything goes through guest_port_in/guest_port_out on 0xCF8/0xCFC,
 * as the guest's accessors do; the latch is never poked directly.
 *
 * The runner takes the rest of the next line as the sources to link.
 * UNIT_SOURCES: hv/dev/pci.c hv/dev/ports.c hv/guest/debugcon.c hv/dev/pit_emul.c hv/dev/cmos_emul.c hv/virtio/virtio_pci.c hv/guest/guestmem.c hv/lib/string.c hv/lib/format.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hv/dev/ports.h"
#include "tests/unit/fake_guest.h"

#define ADDR 0xCF8
#define DATA 0xCFC
#define ENABLE 0x80000000u
#define BAR0_VALUE (FAKE_RAM + MiB(1))

static unsigned cfg_writes;
static uint32_t cfg_write_off, cfg_write_val;
static unsigned cfg_write_size;
static uint32_t cfg_len = 36;

static uint64_t fake_features(struct virtio_dev *d)
{
	return 0;
}

static uint32_t fake_config(struct virtio_dev *d, uint8_t *buf)
{
	for (unsigned i = 0; i < cfg_len; i++)
		buf[i] = (uint8_t)(0xC0 + i);
	return cfg_len;
}

static bool fake_config_write(struct virtio_dev *d, uint32_t off, unsigned size,
			      uint32_t val)
{
	cfg_writes++;
	cfg_write_off = off;
	cfg_write_size = size;
	cfg_write_val = val;
	return true;
}

static void fake_notify(struct virtio_dev *d, unsigned q)
{
}

/* A block-like device: type 2, class 0x01, subclass 0x80. */
static const struct virtio_ops fake_ops = {
	.name = "fake",
	.type = 2,
	.pci_class = 0x01,
	.pci_subclass = 0x80,
	.num_queues = 1,
	.features = fake_features,
	.config = fake_config,
	.config_write = fake_config_write,
	.notify = fake_notify,
};

static int setup(void **state)
{
	cfg_len = 36;
	cfg_writes = 0;
	fake_guest_new(&fake_ops, NULL);
	return 0;
}

static int teardown(void **state)
{
	fake_guest_free();
	return 0;
}

#define cfg_addr(bus, slot, fn, reg)                                           \
	(ENABLE | (bus) << 16 | (slot) << 11 | (fn) << 8 | (reg))

/* Read `size` bytes at `reg` of 00:slot.0, as Linux's conf1 accessors
 * do: the dword address in the latch, then the data port plus the byte
 * offset. */
static uint32_t cfg_read(unsigned slot, unsigned reg, unsigned size)
{
	guest_port_out(fg, ADDR, 4, cfg_addr(0, slot, 0, reg & ~3u));
	return guest_port_in(fg, DATA + (reg & 3), size);
}

static void cfg_write(unsigned slot, unsigned reg, unsigned size, uint32_t val)
{
	guest_port_out(fg, ADDR, 4, cfg_addr(0, slot, 0, reg & ~3u));
	guest_port_out(fg, DATA + (reg & 3), size, val);
}

static void image_header(void **state)
{
	uint8_t cs[256];

	pci_config_image(fd, cs);
	assert_int_equal(cs[0x00] | cs[0x01] << 8, 0x1AF4);
	assert_int_equal(cs[0x02] | cs[0x03] << 8, 0x1042);
	assert_int_equal(cs[0x04] | cs[0x05] << 8, 0); /* command */
	assert_int_equal(cs[0x06] | cs[0x07] << 8, 0x0010);
	assert_int_equal(cs[0x08], 0x01); /* revision */
	assert_int_equal(cs[0x09], 0x00); /* programming interface */
	assert_int_equal(cs[0x0A], 0x80);
	assert_int_equal(cs[0x0B], 0x01);
	for (unsigned i = 0x0C; i < 0x10; i++)
		assert_int_equal(cs[i], 0);
	assert_int_equal(cs[0x10] | cs[0x11] << 8 | cs[0x12] << 16 |
				 (uint32_t)cs[0x13] << 24,
			 BAR0_VALUE);
	for (unsigned i = 0x14; i < 0x2E; i++) /* BAR1-5, CIS, subsys vendor */
		assert_int_equal(cs[i], 0);
	assert_int_equal(cs[0x2E] | cs[0x2F] << 8, 0x0040);
	for (unsigned i = 0x30; i < 0x34; i++) /* expansion ROM */
		assert_int_equal(cs[i], 0);
	assert_int_equal(cs[0x34], 0x40);
	assert_int_equal(cs[0x3C], 5); /* the device's IRQ */
	assert_int_equal(cs[0x3D], 0);
	/* Nothing beyond the 152 implemented bytes. */
	for (unsigned i = 0x98; i < 256; i++)
		assert_int_equal(cs[i], 0);
}

/* The same fields through the ports, at every width the guest uses. */
static void header_through_ports(void **state)
{
	assert_int_equal(cfg_read(1, 0x00, 4), 0x10421AF4);
	assert_int_equal(cfg_read(1, 0x00, 2), 0x1AF4);
	assert_int_equal(cfg_read(1, 0x02, 2), 0x1042);
	assert_int_equal(cfg_read(1, 0x01, 1), 0x1A);
	assert_int_equal(cfg_read(1, 0x06, 2), 0x0010);
	assert_int_equal(cfg_read(1, 0x08, 4), 0x01800001);
	assert_int_equal(cfg_read(1, 0x0A, 2), 0x0180);
	assert_int_equal(cfg_read(1, 0x10, 4), BAR0_VALUE);
	assert_int_equal(cfg_read(1, 0x2C, 4), 0x00400000);
	assert_int_equal(cfg_read(1, 0x34, 1), 0x40);
	assert_int_equal(cfg_read(1, 0x3C, 1), 5);
	/* The early console's probe: dword 0 of 00:01.0 for a console. */
	fd->ops = &(const struct virtio_ops){ .type = 3,
					      .config = fake_config,
					      .features = fake_features };
	assert_int_equal(cfg_read(1, 0x00, 4), 0x10431AF4);
}

struct cap_want {
	uint8_t at, next, len, type;
	uint32_t offset, length;
};

/* Walk the list from 0x34 with byte reads, as the early console does,
 * and compare each capability with the ABI's table. */
static void walk_caps(const struct cap_want *want, unsigned n)
{
	unsigned at = cfg_read(1, 0x34, 1), i = 0;

	while (at) {
		assert_true(i < n);
		assert_int_equal(at, want[i].at);
		assert_int_equal(cfg_read(1, at, 1), 0x09); /* vendor */
		assert_int_equal(cfg_read(1, at + 1, 1), want[i].next);
		assert_int_equal(cfg_read(1, at + 2, 1), want[i].len);
		assert_int_equal(cfg_read(1, at + 3, 1), want[i].type);
		assert_int_equal(cfg_read(1, at + 4, 1), 0); /* bar */
		assert_int_equal(cfg_read(1, at + 5, 2), 0); /* padding */
		assert_int_equal(cfg_read(1, at + 7, 1), 0);
		assert_int_equal(cfg_read(1, at + 8, 4), want[i].offset);
		assert_int_equal(cfg_read(1, at + 12, 4), want[i].length);
		at = cfg_read(1, at + 1, 1);
		i++;
	}
	assert_int_equal(i, n);
}

static void capability_chain(void **state)
{
	static const struct cap_want want[] = {
		{ 0x40, 0x50, 16, 1, 0, 56 },  /* common */
		{ 0x50, 0x64, 20, 2, 56, 2 },  /* notify */
		{ 0x64, 0x84, 16, 3, 58, 1 },  /* ISR */
		{ 0x84, 0x74, 20, 5, 0, 0 },   /* PCI config access */
		{ 0x74, 0x00, 16, 4, 60, 36 }, /* device config */
	};

	walk_caps(want, ARRAY_SIZE(want));
	assert_int_equal(cfg_read(1, 0x60, 4), 0); /* notify multiplier */
	assert_int_equal(cfg_read(1, 0x94, 4), 0xFFFFFFFF); /* no window */
}

/* The device-config length follows the device; a device with none ends
 * the chain at the access capability. */
static void capability_chain_config_sizes(void **state)
{
	static const struct cap_want console[] = {
		{ 0x40, 0x50, 16, 1, 0, 56 },  { 0x50, 0x64, 20, 2, 56, 2 },
		{ 0x64, 0x84, 16, 3, 58, 1 },  { 0x84, 0x74, 20, 5, 0, 0 },
		{ 0x74, 0x00, 16, 4, 60, 12 },
	};
	static const struct cap_want none[] = {
		{ 0x40, 0x50, 16, 1, 0, 56 },
		{ 0x50, 0x64, 20, 2, 56, 2 },
		{ 0x64, 0x84, 16, 3, 58, 1 },
		{ 0x84, 0x00, 20, 5, 0, 0 },
	};

	cfg_len = 12;
	walk_caps(console, ARRAY_SIZE(console));
	cfg_len = 0;
	walk_caps(none, ARRAY_SIZE(none));
	for (unsigned r = 0x74; r < 0x84; r += 4)
		assert_int_equal(cfg_read(1, r, 4), 0);
}

static void host_bridge(void **state)
{
	uint8_t cs[256];

	pci_config_image(NULL, cs);
	for (unsigned i = 0; i < 256; i++)
		assert_int_equal(cs[i], i == 0x0B ? 0x06 : 0);
	assert_int_equal(cfg_read(0, 0x00, 4), 0); /* vendor 0: scan skips */
	assert_int_equal(cfg_read(0, 0x0A, 2), 0x0600);
	assert_int_equal(cfg_read(0, 0x08, 4), 0x06000000);
	assert_int_equal(cfg_read(0, 0x98, 4), 0xFFFFFFFF);
	/* Nothing in it is writable. */
	cfg_write(0, 0x0A, 2, 0x1234);
	cfg_write(0, 0x10, 4, 0xFFFFFFFF);
	assert_int_equal(cfg_read(0, 0x0A, 2), 0x0600);
	assert_int_equal(cfg_read(0, 0x10, 4), 0);
}

/* The legacy clocks are reached too (ABI 8.10): the CMOS clock's index
 * and data ports, byte-wide only, the data read-only; the PIT's channel
 * 2 and its gate.  (The fake clock says 1970 and no RTC.) */
static void legacy_clock_ports(void **state)
{
	(void)state;
	guest_port_out(fg, 0x70, 1, 0x09); /* the year */
	assert_int_equal(guest_port_in(fg, 0x71, 1), 0x70);
	guest_port_out(fg, 0x70, 1, 0x80 | 0x32); /* the century, NMI bit */
	assert_int_equal(guest_port_in(fg, 0x71, 1), 0x19);
	guest_port_out(fg, 0x70, 1, 0x0D);
	assert_int_equal(guest_port_in(fg, 0x71, 1), 0); /* not valid */
	guest_port_out(fg, 0x71, 1, 0x80);		 /* ignored */
	assert_int_equal(guest_port_in(fg, 0x71, 1), 0);
	assert_int_equal(guest_port_in(fg, 0x70, 1), 0xFF);
	assert_int_equal(guest_port_in(fg, 0x71, 2), 0xFFFF);
	guest_port_out(fg, 0x70, 2, 0x09); /* not a byte: nothing */
	assert_int_equal(guest_port_in(fg, 0x71, 1), 0);

	guest_port_out(fg, 0x61, 1, 0x01);
	guest_port_out(fg, 0x43, 1, 0xB0);
	guest_port_out(fg, 0x42, 1, 0x34);
	guest_port_out(fg, 0x42, 1, 0x12);
	assert_int_equal(guest_port_in(fg, 0x42, 1), 0x34);
	assert_int_equal(guest_port_in(fg, 0x42, 1), 0x12);
	assert_int_equal(guest_port_in(fg, 0x61, 1) & 0x2F, 0x01);
}

/* Mechanism #1's probe (ABI 11.1): a byte written to 0xCFB must not
 * disturb a later dword latch that reads back whole. */
static void mechanism1_probe(void **state)
{
	uint32_t saved;

	guest_port_out(fg, 0xCFB, 1, 0x01);
	saved = guest_port_in(fg, ADDR, 4);
	guest_port_out(fg, ADDR, 4, ENABLE);
	assert_int_equal(guest_port_in(fg, ADDR, 4), ENABLE);
	/* The sanity check: class 0x0600 at 00:00.0 offset 0x0A. */
	guest_port_out(fg, ADDR, 4, ENABLE | 0x08);
	assert_int_equal(guest_port_in(fg, DATA + 2, 2), 0x0600);
	guest_port_out(fg, ADDR, 4, saved);
	assert_int_equal(guest_port_in(fg, ADDR, 4), saved);
}

static void latch_decoding(void **state)
{
	/* Disabled, another bus, another function, an empty slot, a slot
	 * beyond the table: all ones, at every width. */
	static const uint32_t nothing[] = {
		cfg_addr(0, 1, 0, 0) & ~ENABLE,
		cfg_addr(1, 1, 0, 0),
		cfg_addr(0xFF, 1, 0, 0),
		cfg_addr(0, 1, 1, 0),
		cfg_addr(0, 1, 7, 0),
		cfg_addr(0, 2, 0, 0),
		cfg_addr(0, 7, 0, 0),
		cfg_addr(0, 8, 0, 0),
		cfg_addr(0, 31, 0, 0),
		cfg_addr(1, 0, 0, 0), /* no bridge on bus 1 either */
	};
	uint32_t good = cfg_addr(0, 1, 0, 0);

	guest_port_out(fg, ADDR, 4, good);
	assert_int_equal(guest_port_in(fg, DATA, 4), 0x10421AF4);
	/* Bits 1:0 and 30:24 are ignored. */
	guest_port_out(fg, ADDR, 4, good | 3);
	assert_int_equal(guest_port_in(fg, DATA, 4), 0x10421AF4);
	guest_port_out(fg, ADDR, 4, good | 0x7F000000);
	assert_int_equal(guest_port_in(fg, DATA, 4), 0x10421AF4);
	for (unsigned i = 0; i < ARRAY_SIZE(nothing); i++) {
		guest_port_out(fg, ADDR, 4, nothing[i]);
		assert_int_equal(guest_port_in(fg, DATA, 4), 0xFFFFFFFF);
		assert_int_equal(guest_port_in(fg, DATA + 2, 2), 0xFFFF);
		assert_int_equal(guest_port_in(fg, DATA + 3, 1), 0xFF);
		/* And writes there go nowhere. */
		guest_port_out(fg, DATA, 4, 0);
	}
	assert_int_equal(cfg_read(1, 0x10, 4), BAR0_VALUE);
}

static void beyond_implemented(void **state)
{
	assert_int_equal(cfg_read(1, 0x90, 4), 0); /* the last dword */
	assert_int_equal(cfg_read(1, 0x98, 4), 0xFFFFFFFF);
	assert_int_equal(cfg_read(1, 0x98, 1), 0xFF);
	assert_int_equal(cfg_read(1, 0x9A, 2), 0xFFFF);
	assert_int_equal(cfg_read(1, 0xFC, 4), 0xFFFFFFFF);
	assert_int_equal(cfg_read(1, 0xFF, 1), 0xFF);
}

static void bar0_sizing(void **state)
{
	cfg_write(1, 0x10, 4, 0xFFFFFFFF);
	assert_int_equal(cfg_read(1, 0x10, 4), 0xFFFFFF80);
	cfg_write(1, 0x10, 4, BAR0_VALUE);
	assert_int_equal(cfg_read(1, 0x10, 4), BAR0_VALUE);
	assert_int_equal(fd->bar0, BAR0_VALUE);
	/* Sizing twice in a row is no different. */
	cfg_write(1, 0x10, 4, 0xFFFFFFFF);
	cfg_write(1, 0x10, 4, 0xFFFFFFFF);
	assert_int_equal(cfg_read(1, 0x10, 4), 0xFFFFFF80);
	cfg_write(1, 0x10, 4, BAR0_VALUE);
	assert_int_equal(cfg_read(1, 0x10, 4), BAR0_VALUE);
}

static void bar0_move_refused(void **state)
{
	cfg_write(1, 0x10, 4, 0x20000000);
	assert_int_equal(cfg_read(1, 0x10, 4), BAR0_VALUE);
	assert_int_equal(fd->bar0, BAR0_VALUE);
	/* Partial-width writes cannot move it either. */
	cfg_write(1, 0x10, 2, 0);
	cfg_write(1, 0x12, 2, 0);
	cfg_write(1, 0x13, 1, 0x40);
	assert_int_equal(cfg_read(1, 0x10, 4), BAR0_VALUE);
	/* After sizing, an address other than its own: the BAR must read
	 * back where it really is, not stay in sizing mode. */
	cfg_write(1, 0x10, 4, 0xFFFFFFFF);
	cfg_write(1, 0x10, 4, 0x20000000);
	assert_int_equal(cfg_read(1, 0x10, 4), BAR0_VALUE);
	assert_int_equal(fd->bar0, BAR0_VALUE);
}

static void read_only_fields(void **state)
{
	uint8_t before[256], after[256];

	pci_config_image(fd, before);
	cfg_write(1, 0x00, 4, 0x12345678);
	cfg_write(1, 0x04, 2, 0x0007); /* command */
	cfg_write(1, 0x04, 4, 0xFFFFFFFF);
	cfg_write(1, 0x14, 4, 0xFFFFFFFF); /* BAR1 */
	cfg_write(1, 0x30, 4, 0xFFFFFFFF); /* ROM */
	cfg_write(1, 0x3C, 1, 11);	   /* interrupt line */
	cfg_write(1, 0x34, 1, 0x80);
	cfg_write(1, 0x41, 1, 0x00);   /* a capability's next */
	cfg_write(1, 0x4C, 4, 0xFFFF); /* common cap length */
	cfg_write(1, 0x60, 4, 4);      /* notify multiplier */
	pci_config_image(fd, after);
	assert_memory_equal(before, after, 256);
	assert_int_equal(cfg_read(1, 0x14, 4), 0);
	assert_int_equal(cfg_read(1, 0x30, 4), 0);
}

/* Set the access capability's window: bar (byte), length and offset
 * (dwords), in the order the early console writes them. */
static void window(uint8_t bar, uint32_t off, uint32_t len)
{
	cfg_write(1, 0x88, 1, bar);
	cfg_write(1, 0x90, 4, len);
	cfg_write(1, 0x8C, 4, off);
}

static void access_window_fields(void **state)
{
	window(0, 0x44, 4);
	assert_int_equal(cfg_read(1, 0x88, 1), 0);
	assert_int_equal(cfg_read(1, 0x8C, 4), 0x44);
	assert_int_equal(cfg_read(1, 0x90, 4), 4);
	window(3, 0x12345678, 0xFFFFFFFF);
	assert_int_equal(cfg_read(1, 0x88, 1), 3);
	assert_int_equal(cfg_read(1, 0x8C, 4), 0x12345678);
	assert_int_equal(cfg_read(1, 0x90, 4), 0xFFFFFFFF);
	/* The rest of the capability stays as it was. */
	assert_int_equal(cfg_read(1, 0x84, 4), 0x05147409);
}

static void access_window_reads_bar(void **state)
{
	/* device_feature_select, then num_queues, then the device config. */
	virtio_bar_write(fd, 0, 4, 1);
	window(0, 0, 4);
	assert_int_equal(cfg_read(1, 0x94, 4), 1);
	window(0, 18, 2);
	assert_int_equal(cfg_read(1, 0x94, 4), 1);
	assert_int_equal(cfg_read(1, 0x94, 2), 1);
	window(0, 60, 4);
	assert_int_equal(cfg_read(1, 0x94, 4), 0xC3C2C1C0);
	assert_int_equal(cfg_read(1, 0x95, 1), 0xC1);
	assert_int_equal(cfg_read(1, 0x96, 2), 0xC3C2);
	window(0, 61, 1);
	assert_int_equal(cfg_read(1, 0x94, 4), 0xC1);
	/* The ISR through the window clears it too. */
	fd->isr = 1;
	window(0, 58, 1);
	assert_int_equal(cfg_read(1, 0x94, 4), 1);
	assert_int_equal(fd->isr, 0);
}

/* The emerg_wr sequence of ABI 11.5: a dword to pci_cfg_data becomes a
 * 32-bit BAR0 write at the window. */
static void access_window_writes_bar(void **state)
{
	window(0, 68, 4);
	cfg_write(1, 0x94, 4, 'h');
	assert_int_equal(cfg_writes, 1);
	assert_int_equal(cfg_write_off, 8);
	assert_int_equal(cfg_write_size, 4);
	assert_int_equal(cfg_write_val, 'h');
	/* A common register: status 1 (ACKNOWLEDGE), one byte wide; only
	 * the low byte of the data counts. */
	window(0, 20, 1);
	cfg_write(1, 0x94, 4, 0xABCDEF01);
	assert_int_equal(fd->status, 1);
	window(0, 0, 4);
	cfg_write(1, 0x94, 4, 1);
	assert_int_equal(fd->device_feature_select, 1);
	window(0, 22, 2);
	cfg_write(1, 0x94, 4, 0xFFFF0000);
	assert_int_equal(fd->queue_select, 0);
}

/* Windows the virtio spec forbids: another BAR, a width other than
 * 1/2/4, a misaligned offset, or a range outside the 128-byte BAR. */
static void access_window_bad(void **state)
{
	static const struct {
		uint8_t bar;
		uint32_t off, len;
	} bad[] = {
		{ 1, 0, 4 },	      { 5, 0, 4 },
		{ 0, 0, 0 },	      { 0, 0, 3 },
		{ 0, 0, 8 },	      { 0, 2, 4 },
		{ 0, 1, 2 },	      { 0, 128, 4 },
		{ 0, 128, 1 },	      { 0, 0xFFFFFFFC, 4 },
		{ 0, 0x80000000, 4 }, { 0, 0, 0xFFFFFFFF },
		{ 0, 4, 0xFFFFFFFC },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		window(bad[i].bar, bad[i].off, bad[i].len);
		assert_int_equal(cfg_read(1, 0x94, 4), 0xFFFFFFFF);
		cfg_write(1, 0x94, 4, 0x0F);
	}
	assert_int_equal(cfg_writes, 0);
	assert_int_equal(fd->status, 0);
	assert_int_equal(fd->device_feature_select, 0);
	assert_false(fd->broken);
	/* The last dword of the BAR is reachable; nothing past it is.  The
	 * fake's config ends at 96, so 124 is refused by the device. */
	window(0, 124, 4);
	assert_int_equal(cfg_read(1, 0x94, 4), 0xFFFFFFFF);
	window(0, 92, 4);
	assert_int_equal(cfg_read(1, 0x94, 4), 0xE3E2E1E0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(image_header),
		T(header_through_ports),
		T(capability_chain),
		T(capability_chain_config_sizes),
		T(host_bridge),
		T(legacy_clock_ports),
		T(mechanism1_probe),
		T(latch_decoding),
		T(beyond_implemented),
		T(bar0_sizing),
		T(bar0_move_refused),
		T(read_only_fields),
		T(access_window_fields),
		T(access_window_reads_bar),
		T(access_window_writes_bar),
		T(access_window_bad),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
