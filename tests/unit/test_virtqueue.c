/*
 * test_virtqueue.c - split virtqueues (virtqueue.c; ABI section 11.9)
 * against a driver that lays out rings in a fake guest's RAM.
 *
 * The rings are written byte by byte in the layout the virtio spec gives
 * (fake_guest.h), never through the hypervisor's structures.  Most cases
 * are hostile: every way a descriptor chain can point outside the table
 * or RAM, loop, or break the readable-then-writable order must mark the
 * device NEEDS_RESET and stop it, never crash or hang the hypervisor.
 *
 * The runner takes the rest of the next line as the sources to link.
 * UNIT_SOURCES: hv/virtio/virtqueue.c hv/virtio/virtio_pci.c hv/guest/guestmem.c hv/lib/string.c hv/lib/format.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/unit/fake_guest.h"

#define Q 1 /* the queue under test; queue 0 stays idle */
#define QSZ 8

static struct vq_chain chain;

static uint64_t fake_features(struct virtio_dev *d)
{
	return 0;
}

static uint32_t fake_config(struct virtio_dev *d, uint8_t *buf)
{
	return 0;
}

static void fake_notify(struct virtio_dev *d, unsigned q)
{
}

static const struct virtio_ops fake_ops = {
	.name = "fake",
	.type = 3,
	.num_queues = 2,
	.features = fake_features,
	.config = fake_config,
	.notify = fake_notify,
};

static int setup(void **state)
{
	fake_guest_new(&fake_ops, NULL);
	fake_driver_setup(0, QSZ);
	memset(&chain, 0x55, sizeof(chain));
	return 0;
}

static int teardown(void **state)
{
	fake_guest_free();
	return 0;
}

/* Pop expecting a broken ring, and check the device said so. */
static void pop_broken(void)
{
	assert_false(vq_pop(fd, Q, &chain));
	assert_true(fd->broken);
	assert_true(fd->broken);
	assert_true(needs_reset());
	assert_non_null(strstr(fake_log, "needs reset"));
	/* Nothing more comes out of it, even a good chain. */
	set_desc(Q, 0, FAKE_DATA, 4, 0, 0);
	avail_add(Q, 0);
	assert_false(vq_pop(fd, Q, &chain));
	assert_false(vq_pop(fd, 0, &chain));
}

static void empty_ring(void **state)
{
	assert_false(vq_pop(fd, Q, &chain));
	assert_false(fd->broken); /* empty, not malformed */
	assert_false(vq_pop(fd, 0, &chain));
	assert_false(fd->broken); /* empty, not malformed */
	assert_false(fd->broken);
}

/* A request shaped like virtio-blk's: two readable buffers, then two
 * writable ones, linked out of order in the table. */
static void normal_chain(void **state)
{
	uint8_t out[300], in[300];
	uint32_t n;

	set_desc(Q, 5, FAKE_DATA, 16, DESC_NEXT, 2);
	set_desc(Q, 2, FAKE_DATA + 0x100, 100, DESC_NEXT, 7);
	set_desc(Q, 7, FAKE_DATA + 0x1000, 200, DESC_NEXT | DESC_WRITE, 0);
	set_desc(Q, 0, FAKE_DATA + 0x2000, 1, DESC_WRITE, 0);
	avail_add(Q, 5);
	for (unsigned i = 0; i < 116; i++)
		gput8(i < 16 ? FAKE_DATA + i : FAKE_DATA + 0x100 + i - 16,
		      (uint8_t)i);

	assert_true(vq_pop(fd, Q, &chain));
	assert_int_equal(chain.head, 5);
	assert_int_equal(chain.nsegs, 4);
	assert_int_equal(chain.readable, 116);
	assert_int_equal(chain.writable, 201);
	assert_int_equal(chain.seg[0].gpa, FAKE_DATA);
	assert_int_equal(chain.seg[0].len, 16);
	assert_false(chain.seg[0].device_writes);
	assert_int_equal(chain.seg[1].gpa, FAKE_DATA + 0x100);
	assert_false(chain.seg[1].device_writes);
	assert_int_equal(chain.seg[2].gpa, FAKE_DATA + 0x1000);
	assert_int_equal(chain.seg[2].len, 200);
	assert_true(chain.seg[2].device_writes);
	assert_int_equal(chain.seg[3].gpa, FAKE_DATA + 0x2000);
	assert_true(chain.seg[3].device_writes);
	/* The ring is empty again. */
	assert_false(vq_pop(fd, Q, &chain));
	assert_false(fd->broken); /* empty, not malformed */

	/* The readable part as one stream, across the segment boundary. */
	n = vq_read(fd, &chain, 0, in, sizeof(in));
	assert_int_equal(n, 116);
	for (unsigned i = 0; i < 116; i++)
		assert_int_equal(in[i], i);
	assert_int_equal(vq_read(fd, &chain, 10, in, 10), 10);
	for (unsigned i = 0; i < 10; i++)
		assert_int_equal(in[i], 10 + i);
	assert_int_equal(vq_read(fd, &chain, 116, in, 10), 0);
	assert_int_equal(vq_read(fd, &chain, 0xFFFFFFFF, in, 10), 0);

	/* The writable part: offsets count writable bytes only. */
	for (unsigned i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(0x80 + i);
	assert_int_equal(vq_write(fd, &chain, 0, out, sizeof(out)), 201);
	for (unsigned i = 0; i < 200; i++)
		assert_int_equal(gget8(FAKE_DATA + 0x1000 + i),
				 (uint8_t)(0x80 + i));
	assert_int_equal(gget8(FAKE_DATA + 0x2000), (uint8_t)(0x80 + 200));
	/* Not one byte beyond either buffer. */
	assert_int_equal(gget8(FAKE_DATA + 0x1000 + 200), 0xEE);
	assert_int_equal(gget8(FAKE_DATA + 0x2001), 0xEE);
	out[0] = 0x42;
	assert_int_equal(vq_write(fd, &chain, 200, out, 5), 1);
	assert_int_equal(gget8(FAKE_DATA + 0x2000), 0x42);
	/* The readable buffers were never written. */
	assert_int_equal(gget8(FAKE_DATA), 0);
	assert_int_equal(gget8(FAKE_DATA + 0x100 + 99), 115);
	assert_false(fd->broken);
}

static void used_ring_updates(void **state)
{
	assert_int_equal(used_idx(Q), 0);
	vq_push(fd, Q, 5, 201);
	assert_int_equal(used_idx(Q), 1);
	assert_int_equal(used_id(Q, 0), 5);
	assert_int_equal(used_len(Q, 0), 201);
	/* Around the ring: slot = index % size. */
	for (unsigned i = 1; i < QSZ + 3; i++)
		vq_push(fd, Q, (uint16_t)(i % QSZ), 1000 + i);
	assert_int_equal(used_idx(Q), QSZ + 3);
	for (unsigned i = QSZ; i < QSZ + 3; i++) {
		assert_int_equal(used_id(Q, (uint16_t)i), i % QSZ);
		assert_int_equal(used_len(Q, (uint16_t)i), 1000 + i);
	}
	assert_int_equal(used_id(Q, 3), 3);
	/* Nothing written past the ring (6 + 8 * size bytes). */
	assert_int_equal(gget8(FAKE_USED(Q) + 6 + 8 * QSZ), 0xEE);
	/* Queue 0's used ring was not touched. */
	assert_int_equal(used_idx(0), 0);
}

/* Both 16-bit indices wrap from 65535 to 0, and the ring carries on. */
static void index_wraparound(void **state)
{
	set_desc(Q, 0, FAKE_DATA, 4, DESC_WRITE, 0);
	set_desc(Q, 1, FAKE_DATA + 4, 4, DESC_WRITE, 0);
	for (unsigned i = 0; i < 65536 + 5; i++) {
		uint16_t head = (uint16_t)(i & 1);

		avail_add(Q, head);
		assert_true(vq_pop(fd, Q, &chain));
		assert_int_equal(chain.head, head);
		vq_push(fd, Q, chain.head, i);
		assert_int_equal(used_idx(Q), (uint16_t)(i + 1));
		assert_int_equal(used_len(Q, (uint16_t)i), i);
	}
	assert_int_equal(avail_idx(Q), 5);
	assert_false(vq_pop(fd, Q, &chain));
	assert_false(fd->broken); /* empty, not malformed */
	/* Several in flight across the wrap point. */
	for (unsigned i = 0; i < 65530; i++) {
		avail_add(Q, 0);
		assert_true(vq_pop(fd, Q, &chain));
	}
	assert_int_equal(avail_idx(Q), 0xFFFF);
	for (unsigned i = 0; i < QSZ; i++)
		avail_add(Q, (uint16_t)(i & 1));
	assert_int_equal(avail_idx(Q), QSZ - 1);
	for (unsigned i = 0; i < QSZ; i++) {
		assert_true(vq_pop(fd, Q, &chain));
		assert_int_equal(chain.head, i & 1);
	}
	assert_false(vq_pop(fd, Q, &chain));
	assert_false(fd->broken); /* empty, not malformed */
	assert_false(fd->broken);
}

/* A full ring (size entries outstanding) is legal; one more is not. */
static void avail_jump_by_size_ok(void **state)
{
	set_desc(Q, 0, FAKE_DATA, 4, 0, 0);
	for (unsigned i = 0; i < QSZ; i++)
		avail_add(Q, 0);
	for (unsigned i = 0; i < QSZ; i++)
		assert_true(vq_pop(fd, Q, &chain));
	assert_false(vq_pop(fd, Q, &chain));
	assert_false(fd->broken); /* empty, not malformed */
	assert_false(fd->broken);
}

static void avail_jump_too_far(void **state)
{
	set_desc(Q, 0, FAKE_DATA, 4, 0, 0);
	set_avail_idx(Q, QSZ + 1);
	pop_broken();
}

/* An index that went backwards looks like a jump of nearly 65536. */
static void avail_index_backwards(void **state)
{
	set_desc(Q, 0, FAKE_DATA, 4, 0, 0);
	avail_add(Q, 0);
	assert_true(vq_pop(fd, Q, &chain));
	set_avail_idx(Q, 0);
	pop_broken();
}

static void head_beyond_table(void **state)
{
	avail_add(Q, QSZ);
	pop_broken();
}

static void head_0xffff(void **state)
{
	avail_add(Q, 0xFFFF);
	pop_broken();
}

static void next_beyond_table(void **state)
{
	set_desc(Q, 0, FAKE_DATA, 4, DESC_NEXT, 1);
	set_desc(Q, 1, FAKE_DATA, 4, DESC_NEXT, QSZ);
	avail_add(Q, 0);
	pop_broken();
}

static void chain_loops(void **state)
{
	set_desc(Q, 0, FAKE_DATA, 4, DESC_NEXT, 1);
	set_desc(Q, 1, FAKE_DATA, 4, DESC_NEXT, 2);
	set_desc(Q, 2, FAKE_DATA, 4, DESC_NEXT, 0);
	avail_add(Q, 0);
	pop_broken();
}

static void chain_loops_on_itself(void **state)
{
	set_desc(Q, 3, FAKE_DATA, 4, DESC_NEXT | DESC_WRITE, 3);
	avail_add(Q, 3);
	pop_broken();
}

/* Using every descriptor of the table once is the longest legal chain. */
static void chain_whole_table(void **state)
{
	for (unsigned i = 0; i < QSZ; i++)
		set_desc(Q, (uint16_t)i, FAKE_DATA + i, 1,
			 i + 1 < QSZ ? DESC_NEXT : 0, (uint16_t)(i + 1));
	avail_add(Q, 0);
	assert_true(vq_pop(fd, Q, &chain));
	assert_int_equal(chain.nsegs, QSZ);
	assert_int_equal(chain.readable, QSZ);
	assert_false(fd->broken);
}

/* The same at the largest queue size, 256: the chain array must hold it. */
static void chain_whole_table_256(void **state)
{
	fake_driver_setup(0, 256);
	for (unsigned i = 0; i < 256; i++)
		set_desc(Q, (uint16_t)i, FAKE_DATA, 16,
			 DESC_WRITE | (i < 255 ? DESC_NEXT : 0),
			 (uint16_t)(i + 1));
	avail_add(Q, 0);
	assert_true(vq_pop(fd, Q, &chain));
	assert_int_equal(chain.nsegs, 256);
	assert_int_equal(chain.writable, 256 * 16);
	/* One more link, back to the start, is a loop. */
	set_desc(Q, 255, FAKE_DATA, 16, DESC_WRITE | DESC_NEXT, 0);
	avail_add(Q, 0);
	pop_broken();
}

static void buffer_outside_ram(void **state)
{
	set_desc(Q, 0, FAKE_RAM - 4, 8, 0, 0);
	avail_add(Q, 0);
	pop_broken();
}

static void buffer_at_ram_end_ok(void **state)
{
	set_desc(Q, 0, FAKE_RAM - 8, 8, DESC_NEXT, 1);
	set_desc(Q, 1, FAKE_RAM, 0, DESC_WRITE, 0); /* empty, at the end */
	avail_add(Q, 0);
	assert_true(vq_pop(fd, Q, &chain));
	assert_int_equal(chain.readable, 8);
	assert_int_equal(chain.writable, 0);
	assert_false(fd->broken);
}

/* An address with high bits set must not be truncated into RAM. */
static void buffer_high_address(void **state)
{
	set_desc(Q, 0, 0x100000000ull | FAKE_DATA, 4, 0, 0);
	avail_add(Q, 0);
	pop_broken();
}

static void buffer_top_bit(void **state)
{
	set_desc(Q, 0, 0x8000000000000000ull, 4, DESC_WRITE, 0);
	avail_add(Q, 0);
	pop_broken();
}

/* addr + len wraps past 4 GiB back into RAM. */
static void buffer_wraps(void **state)
{
	set_desc(Q, 0, 0xFFFFF000u, 0x2000, DESC_WRITE, 0);
	avail_add(Q, 0);
	pop_broken();
}

static void buffer_huge_len(void **state)
{
	set_desc(Q, 0, FAKE_DATA, 0xFFFFFFFFu, 0, 0);
	avail_add(Q, 0);
	pop_broken();
}

/* The bad buffer is the third of a chain whose first two were fine. */
static void buffer_outside_ram_mid_chain(void **state)
{
	set_desc(Q, 0, FAKE_DATA, 16, DESC_NEXT, 1);
	set_desc(Q, 1, FAKE_DATA, 16, DESC_NEXT | DESC_WRITE, 2);
	set_desc(Q, 2, FAKE_RAM, 1, DESC_WRITE, 0);
	avail_add(Q, 0);
	pop_broken();
}

static void readable_after_writable(void **state)
{
	set_desc(Q, 0, FAKE_DATA, 16, DESC_NEXT, 1);
	set_desc(Q, 1, FAKE_DATA + 16, 16, DESC_NEXT | DESC_WRITE, 2);
	set_desc(Q, 2, FAKE_DATA + 32, 16, 0, 0);
	avail_add(Q, 0);
	pop_broken();
}

/* Never offered, so never accepted, even pointing at a valid table. */
static void indirect_refused(void **state)
{
	set_desc(Q, 1, FAKE_DATA, 16, 0, 0);
	set_desc(Q, 0, FAKE_DESC(Q) + 16, 16, DESC_INDIRECT, 0);
	avail_add(Q, 0);
	pop_broken();
}

static void indirect_mid_chain(void **state)
{
	set_desc(Q, 0, FAKE_DATA, 16, DESC_NEXT, 1);
	set_desc(Q, 1, FAKE_DATA, 16, DESC_INDIRECT | DESC_WRITE, 0);
	avail_add(Q, 0);
	pop_broken();
}

/* A chain whose byte totals exceed 4 GiB cannot be described by the
 * 32-bit totals devices rely on; RAM holds less, so the buffers overlap
 * and the chain is malformed. */
static void chain_totals_overflow(void **state)
{
	uint32_t big = MiB(64);

	fake_driver_setup(0, 128);
	fg->mem = realloc(fg->mem, big);
	assert_non_null(fg->mem);
	fg->mem_size = big;
	for (unsigned i = 0; i < 128; i++)
		set_desc(Q, (uint16_t)i, 0, big,
			 DESC_WRITE | (i < 127 ? DESC_NEXT : 0),
			 (uint16_t)(i + 1));
	avail_add(Q, 0);
	assert_false(vq_pop(fd, Q, &chain));
	assert_true(fd->broken);
	assert_true(needs_reset());
}

static void no_interrupt_flag(void **state)
{
	fake_irqs = 0;
	fd->isr = 0;
	gput16(FAKE_AVAIL(Q), 1); /* VRING_AVAIL_F_NO_INTERRUPT */
	vq_interrupt(fd, Q);
	assert_int_equal(fake_irqs, 0);
	assert_int_equal(fd->isr, 0);
	/* Queue 0's flags are its own. */
	vq_interrupt(fd, 0);
	assert_int_equal(fake_irqs, 1);
	assert_int_equal(fake_last_irq, 5);
	assert_int_equal(bar_r(58, 1), 1);
	gput16(FAKE_AVAIL(Q), 0);
	vq_interrupt(fd, Q);
	assert_int_equal(fake_irqs, 2);
	/* ISR set before the interrupt, read-to-clear by the handler. */
	assert_int_equal(bar_r(58, 1), 1);
	assert_int_equal(bar_r(58, 1), 0);
}

static void not_ready_pops_nothing(void **state)
{
	set_desc(Q, 0, FAKE_DATA, 4, 0, 0);
	avail_add(Q, 0);
	/* Before DRIVER_OK. */
	fd->status &= ~VIRTIO_CONFIG_S_DRIVER_OK;
	assert_false(vq_pop(fd, Q, &chain));
	assert_false(fd->broken); /* empty, not malformed */
	fd->status |= VIRTIO_CONFIG_S_DRIVER_OK;
	/* A queue that is not enabled. */
	fd->vq[Q].enabled = false;
	assert_false(vq_pop(fd, Q, &chain));
	assert_false(fd->broken); /* empty, not malformed */
	fd->vq[Q].enabled = true;
	assert_true(vq_pop(fd, Q, &chain));
	assert_false(fd->broken);
}

/* After a reset and a fresh bring-up the device works again. */
static void broken_until_reset(void **state)
{
	avail_add(Q, QSZ);
	pop_broken();
	fake_driver_setup(0, QSZ);
	assert_false(needs_reset());
	set_desc(Q, 0, FAKE_DATA, 4, 0, 0);
	avail_add(Q, 0);
	assert_true(vq_pop(fd, Q, &chain));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(empty_ring),
		T(normal_chain),
		T(used_ring_updates),
		T(index_wraparound),
		T(avail_jump_by_size_ok),
		T(avail_jump_too_far),
		T(avail_index_backwards),
		T(head_beyond_table),
		T(head_0xffff),
		T(next_beyond_table),
		T(chain_loops),
		T(chain_loops_on_itself),
		T(chain_whole_table),
		T(chain_whole_table_256),
		T(buffer_outside_ram),
		T(buffer_at_ram_end_ok),
		T(buffer_high_address),
		T(buffer_top_bit),
		T(buffer_wraps),
		T(buffer_huge_len),
		T(buffer_outside_ram_mid_chain),
		T(readable_after_writable),
		T(indirect_refused),
		T(indirect_mid_chain),
		T(chain_totals_overflow),
		T(no_interrupt_flag),
		T(not_ready_pops_nothing),
		T(broken_until_reset),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
