/*
 * test_virtio_pci.c - the virtio-pci registers in BAR0 (virtio_pci.c;
 * ABI sections 11.4 and 11.8): feature negotiation, device status and
 * reset, queue set-up, natural widths, the ISR and notification.
 *
 * The device is a fake with two queues, a 12-byte configuration and
 * features in both halves, so a half mixed up or a queue mixed up shows.
 * Registers are reached only through virtio_bar_read/virtio_bar_write,
 * by offset, as the guest's driver reaches them.
 *
 * The runner takes the rest of the next line as the sources to link.
 * UNIT_SOURCES: hv/virtio/virtio_pci.c hv/guest/guestmem.c hv/lib/string.c hv/lib/format.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/unit/fake_guest.h"

/* Register offsets, from the ABI's table rather than virtio_pci.c. */
#define DFSELECT 0
#define DF 4
#define GFSELECT 8
#define GF 12
#define MSIX 16
#define NUMQ 18
#define STATUS 20
#define CFGGEN 21
#define QSELECT 22
#define QSIZE 24
#define QMSIX 26
#define QENABLE 28
#define QNOFF 30
#define QDESC 32
#define QAVAIL 40
#define QUSED 48
#define NOTIFY 56
#define ISR 58
#define DEVCFG 60

/* Offered: bit 2 and bit 35; the transport adds VERSION_1 (bit 32). */
#define FAKE_FEATURES ((1ull << 2) | (1ull << 35))

static unsigned notify_calls, notified[16];
static bool notify_breaks; /* the fake finds queue 0's ring malformed */
static unsigned reset_calls;
static unsigned cfg_writes;
static uint32_t cfg_write_off, cfg_write_val;
static unsigned cfg_write_size;

static uint64_t fake_features(struct virtio_dev *d)
{
	return FAKE_FEATURES;
}

static uint32_t fake_config(struct virtio_dev *d, uint8_t *buf)
{
	for (unsigned i = 0; i < 12; i++)
		buf[i] = (uint8_t)(0xA0 + i);
	return 12;
}

static bool fake_config_write(struct virtio_dev *d, uint32_t off, unsigned size,
			      uint32_t val)
{
	cfg_writes++;
	cfg_write_off = off;
	cfg_write_size = size;
	cfg_write_val = val;
	return off == 8 && size == 4;
}

static void fake_notify(struct virtio_dev *d, unsigned q)
{
	if (notify_calls < ARRAY_SIZE(notified))
		notified[notify_calls] = q;
	notify_calls++;
	if (notify_breaks && q == 0)
		virtio_broken(d, "queue 0 malformed");
}

static void fake_reset(struct virtio_dev *d)
{
	reset_calls++;
}

static const struct virtio_ops fake_ops = {
	.name = "fake",
	.type = 3,
	.pci_class = 0x07,
	.num_queues = 2,
	.features = fake_features,
	.config = fake_config,
	.config_write = fake_config_write,
	.notify = fake_notify,
	.reset = fake_reset,
};

static int setup(void **state)
{
	fake_guest_new(&fake_ops, NULL);
	notify_calls = reset_calls = cfg_writes = 0;
	notify_breaks = false;
	return 0;
}

static int teardown(void **state)
{
	fake_guest_free();
	return 0;
}

static bool rd_refused(uint32_t off, unsigned size)
{
	bool ok = true;

	virtio_bar_read(fd, off, size, &ok);
	return !ok;
}

/* ACKNOWLEDGE and DRIVER, as the driver starts. */
static void start(void)
{
	bar_w(STATUS, 1, 1);
	bar_w(STATUS, 1, 3);
}

static void accept(uint32_t low, uint32_t high)
{
	bar_w(GFSELECT, 4, 0);
	bar_w(GF, 4, low);
	bar_w(GFSELECT, 4, 1);
	bar_w(GF, 4, high);
}

/* Place queue q's rings at the fake's usual addresses, without enabling. */
static void place(unsigned q)
{
	bar_w(QSELECT, 2, q);
	bar_w(QDESC, 4, FAKE_DESC(q));
	bar_w(QAVAIL, 4, FAKE_AVAIL(q));
	bar_w(QUSED, 4, FAKE_USED(q));
}

static void initial_state(void **state)
{
	assert_int_equal(bar_r(STATUS, 1), 0);
	assert_int_equal(bar_r(NUMQ, 2), 2);
	assert_int_equal(bar_r(CFGGEN, 1), 0);
	assert_int_equal(bar_r(MSIX, 2), 0xFFFF);
	assert_int_equal(bar_r(QMSIX, 2), 0xFFFF);
	for (unsigned q = 0; q < 2; q++) {
		bar_w(QSELECT, 2, q);
		assert_int_equal(bar_r(QSELECT, 2), q);
		assert_int_equal(bar_r(QSIZE, 2), 256);
		assert_int_equal(bar_r(QENABLE, 2), 0);
		assert_int_equal(bar_r(QNOFF, 2), 0);
		assert_int_equal(bar_r(QDESC, 4), 0);
		assert_int_equal(bar_r(QDESC + 4, 4), 0);
	}
	assert_int_equal(bar_r(ISR, 1), 0);
}

static void device_features_by_half(void **state)
{
	bar_w(DFSELECT, 4, 0);
	assert_int_equal(bar_r(DFSELECT, 4), 0);
	assert_int_equal(bar_r(DF, 4), 1u << 2);
	bar_w(DFSELECT, 4, 1);
	/* VERSION_1 (bit 32) is bit 0 of the high half. */
	assert_int_equal(bar_r(DF, 4), (1u << 0) | (1u << 3));
	bar_w(DFSELECT, 4, 2);
	assert_int_equal(bar_r(DF, 4), 0);
	bar_w(DFSELECT, 4, 0xFFFFFFFF);
	assert_int_equal(bar_r(DF, 4), 0);
	/* Read-only. */
	assert_false(virtio_bar_write(fd, DF, 4, 0xFFFFFFFF));
	bar_w(DFSELECT, 4, 0);
	assert_int_equal(bar_r(DF, 4), 1u << 2);
}

static void negotiation_accepted(void **state)
{
	start();
	accept(1u << 2, (1u << 0) | (1u << 3));
	bar_w(GFSELECT, 4, 0);
	assert_int_equal(bar_r(GF, 4), 1u << 2);
	bar_w(GFSELECT, 4, 1);
	assert_int_equal(bar_r(GF, 4), (1u << 0) | (1u << 3));
	bar_w(STATUS, 1, 0x0B);
	assert_int_equal(bar_r(STATUS, 1), 0x0B);
	/* Only VERSION_1 is fine too: the driver may take less. */
	bar_w(STATUS, 1, 0);
	start();
	accept(0, 1);
	bar_w(STATUS, 1, 0x0B);
	assert_int_equal(bar_r(STATUS, 1), 0x0B);
}

static void features_ok_refused_unoffered(void **state)
{
	/* Bit 7 was never offered. */
	start();
	accept((1u << 2) | (1u << 7), 1);
	bar_w(STATUS, 1, 0x0B);
	assert_int_equal(bar_r(STATUS, 1), 0x03);
	/* Bit 33 (high half, bit 1) was never offered either. */
	bar_w(STATUS, 1, 0);
	start();
	accept(0, 1 | 2);
	bar_w(STATUS, 1, 0x0B);
	assert_int_equal(bar_r(STATUS, 1), 0x03);
	/* The refusal is not sticky: a corrected set is then accepted. */
	accept(0, 1);
	bar_w(STATUS, 1, 0x0B);
	assert_int_equal(bar_r(STATUS, 1), 0x0B);
}

static void features_ok_refused_without_version_1(void **state)
{
	start();
	accept(1u << 2, 1u << 3);
	bar_w(STATUS, 1, 0x0B);
	assert_int_equal(bar_r(STATUS, 1), 0x03);
	/* Nothing at all. */
	bar_w(STATUS, 1, 0);
	start();
	bar_w(STATUS, 1, 0x0B);
	assert_int_equal(bar_r(STATUS, 1), 0x03);
}

/* Once FEATURES_OK stands, the accepted set is frozen; a select beyond
 * the two halves names nothing. */
static void driver_features_frozen(void **state)
{
	start();
	accept(0, 1);
	bar_w(STATUS, 1, 0x0B);
	bar_w(GFSELECT, 4, 0);
	assert_false(virtio_bar_write(fd, GF, 4, 0xFFFFFFFF));
	assert_int_equal(bar_r(GF, 4), 0);
	bar_w(STATUS, 1, 0);
	start();
	bar_w(GFSELECT, 4, 2);
	assert_false(virtio_bar_write(fd, GF, 4, 1));
	assert_int_equal(bar_r(GF, 4), 0);
	bar_w(GFSELECT, 4, 1);
	assert_int_equal(bar_r(GF, 4), 0);
}

static void reset_clears_everything(void **state)
{
	fake_driver_setup(1u << 2, 64);
	bar_w(QSELECT, 2, 1);
	bar_w(DFSELECT, 4, 1);
	fd->isr = 3;
	virtio_broken(fd, "test");
	reset_calls = 0;

	bar_w(STATUS, 1, 0);
	assert_int_equal(bar_r(STATUS, 1), 0);
	assert_int_equal(reset_calls, 1);
	assert_false(fd->broken);
	assert_int_equal(bar_r(DFSELECT, 4), 0);
	assert_int_equal(bar_r(GFSELECT, 4), 0);
	assert_int_equal(bar_r(GF, 4), 0);
	bar_w(GFSELECT, 4, 1);
	assert_int_equal(bar_r(GF, 4), 0);
	assert_int_equal(bar_r(QSELECT, 2), 0);
	assert_int_equal(bar_r(ISR, 1), 0);
	for (unsigned q = 0; q < 2; q++) {
		bar_w(QSELECT, 2, q);
		assert_int_equal(bar_r(QSIZE, 2), 256);
		assert_int_equal(bar_r(QENABLE, 2), 0);
		assert_int_equal(bar_r(QDESC, 4), 0);
		assert_int_equal(bar_r(QAVAIL, 4), 0);
		assert_int_equal(bar_r(QUSED, 4), 0);
	}
	/* And the whole bring-up works again from scratch. */
	fake_driver_setup(0, 256);
	assert_int_equal(bar_r(STATUS, 1), 0x0F);
}

static void queue_size_rules(void **state)
{
	static const uint32_t bad[] = { 0, 3, 6, 255, 257, 384, 512, 0xFFFF };
	static const uint32_t good[] = { 1, 2, 16, 128, 256 };

	start();
	bar_w(QSELECT, 2, 1);
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_false(virtio_bar_write(fd, QSIZE, 2, bad[i]));
		assert_int_equal(bar_r(QSIZE, 2), 256);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(good); i++) {
		bar_w(QSIZE, 2, good[i]);
		assert_int_equal(bar_r(QSIZE, 2), good[i]);
	}
	/* Each queue keeps its own size. */
	bar_w(QSIZE, 2, 32);
	bar_w(QSELECT, 2, 0);
	assert_int_equal(bar_r(QSIZE, 2), 256);
	bar_w(QSELECT, 2, 1);
	assert_int_equal(bar_r(QSIZE, 2), 32);
	/* Not after the queue is enabled. */
	place(1);
	bar_w(QENABLE, 2, 1);
	assert_false(virtio_bar_write(fd, QSIZE, 2, 16));
	assert_int_equal(bar_r(QSIZE, 2), 32);
}

/* Selecting a queue the device does not have: size reads 0, and nothing
 * about it can be set. */
static void queue_select_nonexistent(void **state)
{
	start();
	bar_w(QSELECT, 2, 2);
	assert_int_equal(bar_r(QSIZE, 2), 0);
	assert_int_equal(bar_r(QENABLE, 2), 0);
	assert_false(virtio_bar_write(fd, QSIZE, 2, 16));
	assert_false(virtio_bar_write(fd, QDESC, 4, FAKE_DESC(0)));
	assert_false(virtio_bar_write(fd, QENABLE, 2, 1));
	bar_w(QSELECT, 2, 0xFFFF);
	assert_int_equal(bar_r(QSIZE, 2), 0);
	assert_false(virtio_bar_write(fd, QENABLE, 2, 1));
	assert_false(fd->broken);
}

static void queue_enable_good(void **state)
{
	start();
	place(0);
	bar_w(QSIZE, 2, 8);
	assert_false(virtio_bar_write(fd, QENABLE, 2, 0));
	assert_false(virtio_bar_write(fd, QENABLE, 2, 2));
	assert_int_equal(bar_r(QENABLE, 2), 0);
	bar_w(QENABLE, 2, 1);
	assert_int_equal(bar_r(QENABLE, 2), 1);
	assert_false(fd->broken);
	/* Enabling twice, or moving an enabled ring, is refused. */
	assert_false(virtio_bar_write(fd, QENABLE, 2, 1));
	assert_false(virtio_bar_write(fd, QDESC, 4, FAKE_DESC(1)));
	assert_false(virtio_bar_write(fd, QAVAIL, 4, FAKE_AVAIL(1)));
	assert_false(virtio_bar_write(fd, QUSED, 4, FAKE_USED(1)));
	assert_int_equal(bar_r(QDESC, 4), FAKE_DESC(0));
	/* The other queue is untouched. */
	bar_w(QSELECT, 2, 1);
	assert_int_equal(bar_r(QENABLE, 2), 0);
}

/* Try to enable queue 0 of size n with the given rings on a fresh
 * device: true if it was enabled, false if the device broke instead. */
static bool try_enable(uint32_t desc, uint32_t avail, uint32_t used, uint16_t n)
{
	bool ok;

	bar_w(STATUS, 1, 0);
	start();
	bar_w(QSELECT, 2, 0);
	bar_w(QSIZE, 2, n);
	bar_w(QDESC, 4, desc);
	bar_w(QAVAIL, 4, avail);
	bar_w(QUSED, 4, used);
	bar_w(QENABLE, 2, 1); /* accepted, even when it breaks the device */
	ok = bar_r(QENABLE, 2) == 1;
	assert_int_equal(ok, !needs_reset());
	return ok;
}

static void queue_enable_ring_checks(void **state)
{
	uint32_t end = FAKE_RAM;

	assert_true(try_enable(0x1000, 0x2000, 0x3000, 256));
	/* Alignment: desc 16, avail 2, used 4. */
	assert_false(try_enable(0x1008, 0x2000, 0x3000, 256));
	assert_false(try_enable(0x1001, 0x2000, 0x3000, 256));
	assert_false(try_enable(0x1000, 0x2001, 0x3000, 256));
	assert_true(try_enable(0x1000, 0x2002, 0x3004, 256));
	assert_false(try_enable(0x1000, 0x2000, 0x3002, 256));
	/* Rings ending exactly at the end of RAM are fine; one byte further
	 * is not.  Sizes include the event words: 16n, 6+2n, 6+8n. */
	assert_true(try_enable(end - 16 * 4, 0x2000, 0x3000, 4));
	assert_false(try_enable(end - 16 * 4 + 16, 0x2000, 0x3000, 4));
	assert_true(try_enable(0x1000, end - 14, 0x3000, 4));
	assert_false(try_enable(0x1000, end - 12, 0x3000, 4));
	assert_true(try_enable(0x1000, 0x2000, end - 40, 4));
	assert_false(try_enable(0x1000, 0x2000, end - 36, 4));
	/* Wholly outside RAM, including where gpa + len wraps. */
	assert_false(try_enable(end, 0x2000, 0x3000, 4));
	assert_false(try_enable(0xFFFFFFF0u, 0x2000, 0x3000, 256));
	assert_false(try_enable(0x1000, 0xFFFFFFFEu, 0x3000, 256));
	assert_false(try_enable(0x1000, 0x2000, 0xFFFFFFFCu, 256));
	/* The broken device says why. */
	assert_non_null(strstr(fake_log, "needs reset"));
}

static void queue_address_high_halves(void **state)
{
	start();
	place(0);
	bar_w(QDESC + 4, 4, 0);
	assert_false(fd->broken);
	assert_false(virtio_bar_write(fd, QUSED + 4, 4, 1));
	assert_true(needs_reset());
	assert_int_equal(bar_r(QUSED + 4, 4), 0);
}

/* Every access at a width other than the field's natural one, or not
 * aligned to it, is refused (virtio 1.0, 4.1.3.1). */
static void natural_widths(void **state)
{
	static const struct {
		uint32_t off;
		unsigned width;
	} regs[] = {
		{ DFSELECT, 4 },  { DF, 4 },	     { GFSELECT, 4 },
		{ GF, 4 },	  { MSIX, 2 },	     { NUMQ, 2 },
		{ STATUS, 1 },	  { CFGGEN, 1 },     { QSELECT, 2 },
		{ QSIZE, 2 },	  { QMSIX, 2 },	     { QENABLE, 2 },
		{ QNOFF, 2 },	  { QDESC, 4 },	     { QDESC + 4, 4 },
		{ QAVAIL, 4 },	  { QAVAIL + 4, 4 }, { QUSED, 4 },
		{ QUSED + 4, 4 }, { NOTIFY, 2 },     { ISR, 1 },
	};
	static const unsigned widths[] = { 1, 2, 4 };

	start();
	for (unsigned r = 0; r < ARRAY_SIZE(regs); r++) {
		for (unsigned w = 0; w < 3; w++) {
			bool want_ok = widths[w] == regs[r].width;

			assert_int_equal(!rd_refused(regs[r].off, widths[w]),
					 want_ok);
		}
	}
	/* Inside a field, at any width. */
	for (uint32_t off = 1; off < 4; off++) {
		assert_true(rd_refused(DF + off, 1));
		assert_true(rd_refused(GF + off, 1));
		assert_true(rd_refused(QDESC + off, 1));
	}
	assert_true(rd_refused(DF + 2, 2));
	assert_true(rd_refused(QSIZE + 1, 1));
	assert_true(rd_refused(NOTIFY + 1, 1));
	/* The padding byte and an 8-byte access. */
	assert_true(rd_refused(59, 1));
	assert_true(rd_refused(QDESC, 8));
	assert_true(rd_refused(0, 0));
	assert_true(rd_refused(0, 3));
	/* Writes: a 4-byte status write or a 1-byte select write changes
	 * nothing. */
	assert_false(virtio_bar_write(fd, STATUS, 4, 0x0F));
	assert_false(virtio_bar_write(fd, STATUS, 2, 0x0F));
	assert_int_equal(bar_r(STATUS, 1), 3);
	assert_false(virtio_bar_write(fd, DFSELECT, 1, 1));
	assert_false(virtio_bar_write(fd, DFSELECT + 1, 1, 1));
	assert_int_equal(bar_r(DFSELECT, 4), 0);
	assert_false(virtio_bar_write(fd, QSIZE, 4, 16));
	assert_false(virtio_bar_write(fd, QDESC, 2, 0x1000));
	assert_int_equal(bar_r(QSIZE, 2), 256);
	assert_int_equal(bar_r(QDESC, 4), 0);
}

static void read_only_registers(void **state)
{
	start();
	assert_false(virtio_bar_write(fd, NUMQ, 2, 7));
	assert_false(virtio_bar_write(fd, CFGGEN, 1, 7));
	assert_false(virtio_bar_write(fd, QNOFF, 2, 7));
	assert_false(virtio_bar_write(fd, ISR, 1, 7));
	assert_false(virtio_bar_write(fd, MSIX, 2, 0));
	assert_false(virtio_bar_write(fd, QMSIX, 2, 0));
	assert_int_equal(bar_r(NUMQ, 2), 2);
	assert_int_equal(bar_r(QNOFF, 2), 0);
	assert_int_equal(bar_r(ISR, 1), 0);
}

static void isr_read_to_clear(void **state)
{
	fd->isr = 3;
	/* A refused read must not clear it. */
	assert_true(rd_refused(ISR, 2));
	assert_true(rd_refused(ISR, 4));
	assert_int_equal(bar_r(ISR, 1), 3);
	assert_int_equal(bar_r(ISR, 1), 0);
	fd->isr = 1;
	assert_int_equal(bar_r(ISR, 1), 1);
	assert_int_equal(bar_r(ISR, 1), 0);
}

static void notify_only_when_driver_ok(void **state)
{
	start();
	accept(0, 1);
	bar_w(STATUS, 1, 0x0B);
	place(0);
	bar_w(QENABLE, 2, 1);
	bar_w(NOTIFY, 2, 0);
	assert_int_equal(notify_calls, 0);
	/* DRIVER_OK itself looks at the enabled queue: work may be waiting. */
	bar_w(STATUS, 1, 0x0F);
	assert_int_equal(notify_calls, 1);
	assert_int_equal(notified[0], 0);
	bar_w(NOTIFY, 2, 0);
	assert_int_equal(notify_calls, 2);
	assert_int_equal(notified[1], 0);
	/* Queue 1 is not enabled; queues 2 and up do not exist. */
	bar_w(NOTIFY, 2, 1);
	bar_w(NOTIFY, 2, 2);
	bar_w(NOTIFY, 2, 0xFFFF);
	assert_int_equal(notify_calls, 2);
	/* Writing DRIVER_OK again is not a new transition. */
	bar_w(STATUS, 1, 0x0F);
	assert_int_equal(notify_calls, 2);
	/* A broken device does nothing more. */
	virtio_broken(fd, "test");
	bar_w(NOTIFY, 2, 0);
	assert_int_equal(notify_calls, 2);
}

static void driver_ok_notifies_each_enabled_queue(void **state)
{
	fake_driver_setup(0, 16);
	assert_int_equal(notify_calls, 2);
	assert_int_equal(notified[0], 0);
	assert_int_equal(notified[1], 1);
	bar_w(NOTIFY, 2, 1);
	assert_int_equal(notify_calls, 3);
	assert_int_equal(notified[2], 1);
}

/* DRIVER_OK notifies each enabled queue in turn; once one of them has
 * broken the device, the rest are not notified: a broken device does
 * nothing more until reset. */
static void driver_ok_stops_at_broken(void **state)
{
	start();
	accept(0, 1);
	bar_w(STATUS, 1, 0x0B);
	for (unsigned q = 0; q < 2; q++) {
		place(q);
		bar_w(QSIZE, 2, 16);
		bar_w(QENABLE, 2, 1);
	}
	notify_breaks = true;
	bar_w(STATUS, 1, 0x0F);
	assert_true(needs_reset());
	assert_int_equal(notify_calls, 1);
	assert_int_equal(notified[0], 0);
}

static void device_config(void **state)
{
	bool ok;

	assert_int_equal(bar_r(DEVCFG, 1), 0xA0);
	assert_int_equal(bar_r(DEVCFG + 1, 1), 0xA1);
	assert_int_equal(bar_r(DEVCFG + 2, 2), 0xA3A2);
	assert_int_equal(bar_r(DEVCFG + 8, 4), 0xABAAA9A8);
	assert_int_equal(bar_r(DEVCFG + 11, 1), 0xAB);
	/* Past the 12 bytes, or straddling their end. */
	assert_true(rd_refused(DEVCFG + 12, 1));
	assert_true(rd_refused(DEVCFG + 10, 4));
	assert_true(rd_refused(DEVCFG + 11, 2));
	assert_true(rd_refused(127, 1));
	assert_true(rd_refused(128, 4));
	assert_true(rd_refused(0xFFFFFFFFu, 4));
	virtio_bar_read(fd, 0xFFFFFFFEu, 4, &ok);
	assert_false(ok);
	/* Writes go to the device, at offsets relative to its config. */
	bar_w(DEVCFG + 8, 4, 'x');
	assert_int_equal(cfg_writes, 1);
	assert_int_equal(cfg_write_off, 8);
	assert_int_equal(cfg_write_size, 4);
	assert_int_equal(cfg_write_val, 'x');
	assert_false(virtio_bar_write(fd, DEVCFG, 4, 1));
}

static const struct virtio_ops no_cfg_write_ops = {
	.name = "ro",
	.type = 2,
	.num_queues = 1,
	.features = fake_features,
	.config = fake_config,
	.notify = fake_notify,
};

static void device_config_without_writer(void **state)
{
	fd->ops = &no_cfg_write_ops;
	assert_false(virtio_bar_write(fd, DEVCFG + 8, 4, 1));
	assert_int_equal(bar_r(NUMQ, 2), 1);
	bar_w(QSELECT, 2, 1);
	assert_int_equal(bar_r(QSIZE, 2), 0);
}

/* A device type with no features and no configuration leaves both
 * functions out (the entropy and notes devices do): the transport offers
 * VERSION_1 alone and has no device configuration to read. */
static const struct virtio_ops bare_ops = {
	.name = "bare",
	.type = 4,
	.num_queues = 1,
	.notify = fake_notify,
};

static void device_without_features_or_config(void **state)
{
	fd->ops = &bare_ops;
	bar_w(DFSELECT, 4, 0);
	assert_int_equal(bar_r(DF, 4), 0);
	bar_w(DFSELECT, 4, 1);
	assert_int_equal(bar_r(DF, 4), 1); /* VERSION_1 is bit 32 */
	assert_true(rd_refused(DEVCFG, 1));
	assert_true(rd_refused(DEVCFG, 4));
	assert_false(virtio_bar_write(fd, DEVCFG, 4, 1));
}

static void broken_signals_once(void **state)
{
	fake_driver_setup(0, 16);
	fake_irqs = 0;
	virtio_broken(fd, "reason %d", 1);
	assert_true(needs_reset());
	assert_int_equal(fake_irqs, 1);
	assert_int_equal(fake_last_irq, 5);
	assert_int_equal(bar_r(ISR, 1), 2); /* configuration changed */
	assert_non_null(strstr(fake_log, "reason 1"));
	/* A second cause adds no second message or interrupt. */
	virtio_broken(fd, "reason %d", 2);
	assert_int_equal(fake_irqs, 1);
	assert_null(strstr(fake_log, "reason 2"));
	/* The driver cannot write NEEDS_RESET away, only reset. */
	bar_w(STATUS, 1, 0x0F);
	assert_true(needs_reset());
	assert_false(virtio_ready(fd));
	bar_w(STATUS, 1, 0);
	assert_int_equal(bar_r(STATUS, 1), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(initial_state),
		T(device_features_by_half),
		T(negotiation_accepted),
		T(features_ok_refused_unoffered),
		T(features_ok_refused_without_version_1),
		T(driver_features_frozen),
		T(reset_clears_everything),
		T(queue_size_rules),
		T(queue_select_nonexistent),
		T(queue_enable_good),
		T(queue_enable_ring_checks),
		T(queue_address_high_halves),
		T(natural_widths),
		T(read_only_registers),
		T(isr_read_to_clear),
		T(notify_only_when_driver_ok),
		T(driver_ok_notifies_each_enabled_queue),
		T(driver_ok_stops_at_broken),
		T(device_config),
		T(device_config_without_writer),
		T(device_without_features_or_config),
		T(broken_signals_once),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
