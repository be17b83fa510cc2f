/*
 * test_virtio_rng.c - the entropy device (virtio_rng.c; ABI section
 * 11.12), driven as a driver drives it: buffers posted in the fake
 * guest's RAM, announced through the notify register, filled and
 * returned in the used ring.
 *
 * The entropy source is a double that hands out a known stream, so each
 * case can say exactly which bytes must land where, and that nothing
 * else in the guest's RAM changed: every case compares all of RAM, but
 * the buffers it posted and the used ring, with a copy taken before.
 * And bounded work per exit: at most a budget of bytes an exit, however
 * long the chain, the rest over further virtio_poll() calls.
 *
 * The runner takes the rest of the next line as the sources to link.
 * UNIT_SOURCES: hv/virtio/virtio_rng.c hv/virtio/virtqueue.c hv/virtio/virtio_pci.c hv/guest/guestmem.c hv/lib/string.c hv/lib/format.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hv/machine/entropy.h"
#include "tests/unit/fake_guest.h"

#define RQ 0
#define BUDGET 4096u  /* RNG_BUDGET */
#define DESC_COST 16u /* what walking one descriptor costs */
#define BUF FAKE_DATA

/* ---- Doubles: the entropy source as a known stream. ---- */

static uint32_t stream_pos; /* bytes handed out so far */
static unsigned stirs;

static uint8_t stream_byte(uint32_t pos)
{
	return (uint8_t)(pos * 151u + 7u + (pos >> 8));
}

void entropy_fill(void *buf, uint32_t len)
{
	uint8_t *p = buf;

	while (len--)
		*p++ = stream_byte(stream_pos++);
}

void entropy_stir(void)
{
	stirs++;
}

/* ---- Guest RAM: what may change. ---- */

static uint8_t *before; /* RAM as the case left it before the device ran */

static void snapshot(void)
{
	memcpy(before, fg->mem, FAKE_RAM);
}

/* Every byte of RAM is as in the snapshot, but [a, a+alen) and the used
 * ring of queue 0. */
static void only_changed(uint32_t a, uint32_t alen)
{
	uint32_t used_end = FAKE_USED(RQ) + 6 + 8 * fd->vq[RQ].size;

	for (uint32_t i = 0; i < FAKE_RAM; i++) {
		if (i >= a && i - a < alen)
			continue;
		if (i >= FAKE_USED(RQ) && i < used_end)
			continue;
		if (fg->mem[i] != before[i])
			fail_msg("guest RAM at %#x changed: %#x, was %#x", i,
				 fg->mem[i], before[i]);
	}
}

/* [gpa, gpa+len) holds stream bytes from..from+len-1. */
static void holds_stream(uint32_t gpa, uint32_t len, uint32_t from)
{
	for (uint32_t i = 0; i < len; i++)
		if (gget8(gpa + i) != stream_byte(from + i))
			fail_msg("byte %u at %#x: %#x, not stream byte %u", i,
				 gpa + i, gget8(gpa + i), from + i);
}

static int setup(void **state)
{
	fake_guest_new(&virtio_rng_ops, NULL);
	fake_driver_setup(0, 256);
	before = malloc(FAKE_RAM);
	assert_non_null(before);
	stream_pos = 0;
	stirs = 0;
	return 0;
}

static int teardown(void **state)
{
	free(before);
	fake_guest_free();
	return 0;
}

static void notify(void)
{
	bar_w(56, 2, RQ);
}

/* The end of an exit, as devices_poll() calls it. */
static void end_of_exit(void)
{
	virtio_poll(fd);
}

/* ---- Cases. ---- */

static void what_the_device_is(void **state)
{
	uint8_t cfg[VIRTIO_DEVICE_CFG_MAX];

	assert_int_equal(virtio_rng_ops.type, 4); /* virtio 1.0 5.4.1 */
	assert_int_equal(virtio_rng_ops.num_queues, 1);
	/* No features of its own, no configuration (5.4.3, 5.4.4): both
	 * functions left out, which the transport reads as none. */
	assert_null(virtio_rng_ops.features);
	assert_null(virtio_rng_ops.config);
	assert_int_equal(virtio_device_config(fd, cfg), 0);
	assert_int_equal(virtio_rng_ops.budget, BUDGET);
	assert_non_null(virtio_rng_ops.resume);
	/* Only VERSION_1 is offered (the transport's). */
	bar_w(0, 4, 0);
	assert_int_equal(bar_r(4, 4), 0);
	bar_w(0, 4, 1);
	assert_int_equal(bar_r(4, 4), 1);
}

/* A small buffer is filled and returned inside its notify, with its
 * whole length, an interrupt, and a stir of the source. */
static void small_buffer_filled_in_its_notify(void **state)
{
	set_desc(RQ, 0, BUF, 64, DESC_WRITE, 0);
	avail_add(RQ, 0);
	snapshot();
	notify();
	assert_int_equal(used_idx(RQ), 1);
	assert_int_equal(used_id(RQ, 0), 0);
	assert_int_equal(used_len(RQ, 0), 64);
	holds_stream(BUF, 64, 0);
	only_changed(BUF, 64);
	assert_int_equal(stream_pos, 64);
	assert_int_equal(stirs, 1);
	assert_int_equal(fake_irqs, 1);
	assert_int_equal(fake_last_irq, fd->irq);
	assert_false(fd->busy);
	assert_false(needs_reset());
}

/* Several segments are one stream, in chain order; and several chains
 * in one notify are each returned with their own length. */
static void segments_and_chains_in_order(void **state)
{
	set_desc(RQ, 0, BUF + 0x3000, 10, DESC_WRITE | DESC_NEXT, 1);
	set_desc(RQ, 1, BUF + 0x1000, 100, DESC_WRITE | DESC_NEXT, 2);
	set_desc(RQ, 2, BUF + 0x2000, 50, DESC_WRITE, 0);
	set_desc(RQ, 3, BUF + 0x4000, 7, DESC_WRITE, 0);
	avail_add(RQ, 0);
	avail_add(RQ, 3);
	snapshot();
	notify();
	assert_int_equal(used_idx(RQ), 2);
	assert_int_equal(used_id(RQ, 0), 0);
	assert_int_equal(used_len(RQ, 0), 160);
	assert_int_equal(used_id(RQ, 1), 3);
	assert_int_equal(used_len(RQ, 1), 7);
	holds_stream(BUF + 0x3000, 10, 0);
	holds_stream(BUF + 0x1000, 100, 10);
	holds_stream(BUF + 0x2000, 50, 110);
	holds_stream(BUF + 0x4000, 7, 160);
	assert_int_equal(stirs, 2);
	assert_int_equal(fake_irqs, 1); /* one for both */
	/* Everything else as it was (the four buffers lie in 0x4007). */
	for (uint32_t i = 0; i < 0x4007; i++) {
		uint32_t a = BUF + i;
		bool ours = (a >= BUF + 0x3000 && a < BUF + 0x3000 + 10) ||
			    (a >= BUF + 0x1000 && a < BUF + 0x1000 + 100) ||
			    (a >= BUF + 0x2000 && a < BUF + 0x2000 + 50) ||
			    a >= BUF + 0x4000;

		if (!ours)
			assert_int_equal(fg->mem[a], before[a]);
	}
	only_changed(BUF, 0x4007);
}

/* 10000 bytes: the notify writes a budget less the descriptor's cost,
 * the poll ending that exit nothing more, each later exit a budget; the
 * chain comes back when its last byte is written, and never before. */
static void long_chain_a_budget_an_exit(void **state)
{
	uint32_t want[] = { BUDGET - DESC_COST, BUDGET - DESC_COST,
			    2 * BUDGET - DESC_COST, 10000 };

	set_desc(RQ, 0, BUF, 10000, DESC_WRITE, 0);
	avail_add(RQ, 0);
	snapshot();
	notify();
	for (unsigned i = 0; i < ARRAY_SIZE(want); i++) {
		assert_int_equal(stream_pos, want[i]);
		holds_stream(BUF, want[i], 0);
		only_changed(BUF, want[i]); /* the rest not yet written */
		assert_int_equal(used_idx(RQ), want[i] == 10000 ? 1 : 0);
		assert_int_equal(fake_irqs, want[i] == 10000 ? 1 : 0);
		assert_true(fd->busy || want[i] == 10000);
		end_of_exit();
	}
	assert_int_equal(used_len(RQ, 0), 10000);
	assert_int_equal(stirs, 1); /* one request, however many exits */
	assert_false(fd->busy);
	end_of_exit(); /* nothing left: writes nothing */
	assert_int_equal(stream_pos, 10000);
	assert_int_equal(used_idx(RQ), 1);
}

/* A chain naming the same RAM again and again adds up to far more than
 * RAM: 128 descriptors of 64 KiB are 8 MiB.  Served, never more than a
 * budget an exit, and returned with all of its length. */
static void huge_chain_is_served_not_refused(void **state)
{
	const uint32_t seg = KiB(64), n = 128, total = seg * n;
	unsigned exits = 0;

	for (uint16_t i = 0; i < n; i++)
		set_desc(RQ, i, BUF, seg,
			 DESC_WRITE | (i + 1u < n ? DESC_NEXT : 0),
			 (uint16_t)(i + 1));
	avail_add(RQ, 0);
	snapshot();
	notify();
	while (fd->busy) {
		uint32_t was = stream_pos;

		end_of_exit(); /* the notify's own exit ends here */
		assert_true(stream_pos - was <= BUDGET);
		assert_true(++exits <= total / (BUDGET - 64) + 2);
	}
	assert_int_equal(stream_pos, total);
	assert_int_equal(used_idx(RQ), 1);
	assert_int_equal(used_len(RQ, 0), total);
	holds_stream(BUF, seg, total - seg); /* the last pass is on top */
	only_changed(BUF, seg);
	assert_false(needs_reset());
}

/* A device-readable buffer is the driver's mistake (5.4.6): it is
 * neither read nor written, and comes back with length 0. */
static void readable_buffer_untouched(void **state)
{
	for (uint32_t i = 0; i < 64; i++)
		gput8(BUF + i, (uint8_t)i);
	set_desc(RQ, 0, BUF, 64, 0, 0);
	avail_add(RQ, 0);
	snapshot();
	notify();
	assert_int_equal(used_idx(RQ), 1);
	assert_int_equal(used_len(RQ, 0), 0);
	assert_int_equal(stream_pos, 0);
	only_changed(0, 0); /* not even the buffer */
	assert_false(needs_reset());
	assert_int_equal(fake_irqs, 1);
}

/* Readable, then writable: only the writable part is filled. */
static void mixed_chain_fills_only_the_writable_part(void **state)
{
	set_desc(RQ, 0, BUF, 32, DESC_NEXT, 1);
	set_desc(RQ, 1, BUF + 32, 32, DESC_WRITE, 0);
	avail_add(RQ, 0);
	snapshot();
	notify();
	assert_int_equal(used_len(RQ, 0), 32);
	holds_stream(BUF + 32, 32, 0);
	only_changed(BUF + 32, 32);
}

/* A zero-length buffer: nothing to fill, returned with length 0; and
 * the device goes on serving the next request. */
static void empty_buffer_returned_empty(void **state)
{
	set_desc(RQ, 0, BUF, 0, DESC_WRITE, 0);
	set_desc(RQ, 1, BUF + 0x100, 16, DESC_WRITE, 0);
	avail_add(RQ, 0);
	avail_add(RQ, 1);
	snapshot();
	notify();
	assert_int_equal(used_idx(RQ), 2);
	assert_int_equal(used_len(RQ, 0), 0);
	assert_int_equal(used_len(RQ, 1), 16);
	holds_stream(BUF + 0x100, 16, 0);
	only_changed(BUF + 0x100, 16);
	assert_false(needs_reset());
}

/* Empty descriptors are not free: walking one costs DESC_COST, so an
 * exit walks at most a budget's worth (and the chain it is in). */
static void empty_descriptors_cost_each(void **state)
{
	unsigned exits;

	for (uint16_t i = 0; i < 200; i++)
		set_desc(RQ, i, BUF, 0, DESC_WRITE | (i < 199 ? DESC_NEXT : 0),
			 (uint16_t)(i + 1));
	for (unsigned k = 0; k < 10; k++)
		avail_add(RQ, 0); /* the same chain, ten times */
	snapshot();
	notify();
	/* 200 descriptors cost 3200; the second chain takes the rest. */
	assert_int_equal(used_idx(RQ), 2);
	assert_true(fd->busy);
	end_of_exit();
	assert_int_equal(used_idx(RQ), 2);
	for (exits = 0; fd->busy; exits++) {
		assert_true(exits < 10);
		end_of_exit();
	}
	assert_int_equal(used_idx(RQ), 10);
	assert_int_equal(stream_pos, 0);
	only_changed(0, 0);
}

/* A reset drops the chain in hand: nothing more is written into it, and
 * no used entry appears in the rings the driver sets up again; then the
 * device serves a new request from scratch. */
static void reset_drops_the_chain_in_hand(void **state)
{
	set_desc(RQ, 0, BUF, 10000, DESC_WRITE, 0);
	avail_add(RQ, 0);
	snapshot();
	notify();
	assert_int_equal(stream_pos, BUDGET - DESC_COST);
	bar_w(20, 1, 0); /* device_status = 0: reset */
	assert_false(fd->busy);
	end_of_exit();
	end_of_exit();
	fake_driver_setup(0, 256);
	end_of_exit();
	assert_int_equal(stream_pos, BUDGET - DESC_COST);
	/* (the set-up zeroed the driver's rings: look at the buffer) */
	holds_stream(BUF, BUDGET - DESC_COST, 0);
	assert_memory_equal(fg->mem + BUF + BUDGET - DESC_COST,
			    before + BUF + BUDGET - DESC_COST,
			    10000 - (BUDGET - DESC_COST));
	assert_int_equal(used_idx(RQ), 0);

	set_desc(RQ, 0, BUF + 0x8000, 16, DESC_WRITE, 0);
	avail_add(RQ, 0);
	notify();
	assert_int_equal(used_idx(RQ), 1);
	assert_int_equal(used_len(RQ, 0), 16);
	holds_stream(BUF + 0x8000, 16, BUDGET - DESC_COST);
}

/* A buffer that runs past RAM breaks the device before a byte is made
 * or written; nothing is owed. */
static void buffer_outside_ram_breaks_the_device(void **state)
{
	set_desc(RQ, 0, FAKE_RAM - 10, 100, DESC_WRITE, 0);
	avail_add(RQ, 0);
	snapshot();
	notify();
	assert_true(needs_reset());
	assert_false(fd->busy);
	assert_int_equal(stream_pos, 0);
	assert_int_equal(used_idx(RQ), 0);
	only_changed(0, 0);
}

/* The driver may ask for no interrupt; the buffer still comes back. */
static void no_interrupt_when_asked(void **state)
{
	gput16(FAKE_AVAIL(RQ), 1); /* VRING_AVAIL_F_NO_INTERRUPT */
	set_desc(RQ, 0, BUF, 8, DESC_WRITE, 0);
	avail_add(RQ, 0);
	notify();
	assert_int_equal(used_idx(RQ), 1);
	assert_int_equal(fake_irqs, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(what_the_device_is),
		T(small_buffer_filled_in_its_notify),
		T(segments_and_chains_in_order),
		T(long_chain_a_budget_an_exit),
		T(huge_chain_is_served_not_refused),
		T(readable_buffer_untouched),
		T(mixed_chain_fills_only_the_writable_part),
		T(empty_buffer_returned_empty),
		T(empty_descriptors_cost_each),
		T(reset_drops_the_chain_in_hand),
		T(buffer_outside_ram_breaks_the_device),
		T(no_interrupt_when_asked),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
