/*
 * test_virtio_console.c - the console device's output (virtio_console.c;
 * ABI section 11.10), driven as the guest drives it: chains laid out in
 * the fake guest's RAM, announced through the notify register, written
 * to the (fake) console and returned in the used ring.
 *
 * What these cases hold the device to is bounded work per exit: one
 * notify writes at most the budget however long the chains, and the
 * rest comes out over further virtio_poll() calls (one per exit, as
 * devices_poll() makes them), each chain returned once its last byte is
 * out.
 *
 * The runner takes the rest of the next line as the sources to link.
 * UNIT_SOURCES: hv/virtio/virtio_console.c hv/virtio/virtqueue.c hv/virtio/virtio_pci.c hv/guest/guestmem.c hv/lib/string.c hv/lib/format.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hv/lib/console_input.h"
#include "hv/guest/debugcon.h"
#include "tests/unit/fake_guest.h"

extern const struct virtio_ops virtio_console_ops;

#define TXQ 1
#define BUDGET 256u /* TX_BUDGET */
#define BUF FAKE_DATA

/* ---- Doubles: no typed input, no early output. ---- */

uint32_t console_input_count(void)
{
	return 0;
}

bool console_input_get(uint8_t *c)
{
	return false;
}

void debug_console_flush(struct guest *g)
{
}

void guest_console_write(struct guest *g, const char *s, unsigned n)
{
	console_write(s, n);
}

void debug_console_put(struct guest *g, char c)
{
}

static uint8_t pattern(uint32_t off)
{
	return (uint8_t)('a' + off % 26);
}

static int setup(void **state)
{
	fake_guest_new(&virtio_console_ops, NULL);
	fake_driver_setup(0, 256);
	for (uint32_t i = 0; i < 4096; i++)
		gput8(BUF + i, pattern(i));
	return 0;
}

static int teardown(void **state)
{
	fake_guest_free();
	return 0;
}

static void notify_tx(void)
{
	bar_w(56, 2, TXQ);
}

/* The end of an exit, as devices_poll() calls it. */
static void end_of_exit(void)
{
	virtio_poll(fd);
}

/* ---- Cases. ---- */

static void budget_is_what_the_source_says(void **state)
{
	assert_int_equal(virtio_console_ops.budget, BUDGET);
	assert_non_null(virtio_console_ops.resume);
}

/* A chain that fits the budget is written and returned inside its
 * notify, as before: ordinary output is unchanged. */
static void short_chain_completes_in_its_notify(void **state)
{
	set_desc(TXQ, 0, BUF, 100, 0, 0);
	avail_add(TXQ, 0);
	notify_tx();
	assert_int_equal(fake_console_len, 100);
	assert_memory_equal(fake_console, fg->mem + BUF, 100);
	assert_int_equal(used_idx(TXQ), 1);
	assert_int_equal(used_id(TXQ, 0), 0);
	assert_int_equal(used_len(TXQ, 0), 0);
	assert_false(fd->busy);
}

/* 1000 bytes: one notify writes exactly the budget and returns nothing;
 * the poll that ends the same exit writes nothing more; each later exit
 * writes a budget; the chain is returned when its last byte is out. */
static void long_chain_goes_out_a_budget_an_exit(void **state)
{
	uint32_t want[] = { 256, 256, 512, 768, 1000 };

	set_desc(TXQ, 0, BUF, 1000, 0, 0);
	avail_add(TXQ, 0);
	notify_tx();
	for (unsigned i = 0; i < ARRAY_SIZE(want); i++) {
		assert_int_equal(fake_console_len, want[i]);
		assert_int_equal(used_idx(TXQ), want[i] == 1000 ? 1 : 0);
		assert_true(fd->busy || want[i] == 1000);
		end_of_exit();
	}
	/* Every byte once, in order. */
	assert_memory_equal(fake_console, fg->mem + BUF, 1000);
	assert_int_equal(used_id(TXQ, 0), 0);
	assert_false(fd->busy);
	end_of_exit(); /* nothing left: writes nothing */
	assert_int_equal(fake_console_len, 1000);
	assert_int_equal(used_idx(TXQ), 1);
}

/* Several segments and several chains in one notify: at most a budget
 * per exit across all of them, chains returned in order as each ends. */
static void many_chains_share_one_budget(void **state)
{
	/* Chain A: 3 x 200 bytes (descriptors 0-2); chain B: 300 bytes (3). */
	set_desc(TXQ, 0, BUF, 200, DESC_NEXT, 1);
	set_desc(TXQ, 1, BUF + 200, 200, DESC_NEXT, 2);
	set_desc(TXQ, 2, BUF + 400, 200, 0, 0);
	set_desc(TXQ, 3, BUF + 600, 300, 0, 0);
	avail_add(TXQ, 0);
	avail_add(TXQ, 3);
	notify_tx();
	assert_int_equal(fake_console_len, 256);
	end_of_exit();
	assert_int_equal(fake_console_len, 256);
	end_of_exit();
	assert_int_equal(fake_console_len, 512);
	assert_int_equal(used_idx(TXQ), 0);
	end_of_exit(); /* A ends at 600, B goes on to 768 */
	assert_int_equal(fake_console_len, 768);
	assert_int_equal(used_idx(TXQ), 1);
	assert_int_equal(used_id(TXQ, 0), 0);
	end_of_exit();
	assert_int_equal(fake_console_len, 900);
	assert_int_equal(used_idx(TXQ), 2);
	assert_int_equal(used_id(TXQ, 1), 3);
	assert_memory_equal(fake_console, fg->mem + BUF, 900);
	assert_false(fd->busy);
}

/* Empty descriptors are not free: a ring of chains that write nothing
 * still costs a byte a descriptor, so one exit walks at most a budget's
 * worth (plus the chain it was in). */
static void empty_descriptors_cost_a_byte_each(void **state)
{
	for (uint16_t i = 0; i < 200; i++)
		set_desc(TXQ, i, BUF, 0, i < 199 ? DESC_NEXT : 0,
			 (uint16_t)(i + 1));
	for (unsigned k = 0; k < 10; k++)
		avail_add(TXQ, 0); /* the same chain, ten times */
	notify_tx();
	assert_int_equal(used_idx(TXQ), 2); /* 200, then 56 of 200 */
	assert_true(fd->busy);
	end_of_exit();
	assert_int_equal(used_idx(TXQ), 2);
	for (unsigned exits = 0; fd->busy; exits++) {
		assert_true(exits < 10);
		end_of_exit();
	}
	assert_int_equal(used_idx(TXQ), 10);
	assert_int_equal(fake_console_len, 0);
}

/* The guest is told when a chain comes back, unless it said not to. */
static void interrupt_when_a_chain_comes_back(void **state)
{
	set_desc(TXQ, 0, BUF, 600, 0, 0);
	avail_add(TXQ, 0);
	notify_tx();
	assert_int_equal(fake_irqs, 0); /* nothing returned yet */
	end_of_exit();
	end_of_exit();
	assert_int_equal(fake_irqs, 0);
	end_of_exit();
	assert_int_equal(used_idx(TXQ), 1);
	assert_int_equal(fake_irqs, 1);
	assert_int_equal(fake_last_irq, fd->irq);
}

/* A reset drops the chain in hand: nothing more is written, and no used
 * entry appears in the rings the driver sets up again. */
static void reset_drops_the_chain_in_hand(void **state)
{
	set_desc(TXQ, 0, BUF, 1000, 0, 0);
	avail_add(TXQ, 0);
	notify_tx();
	assert_int_equal(fake_console_len, 256);
	bar_w(20, 1, 0); /* device_status = 0: reset */
	assert_false(fd->busy);
	end_of_exit();
	end_of_exit();
	assert_int_equal(fake_console_len, 256);
	fake_driver_setup(0, 256);
	end_of_exit();
	assert_int_equal(fake_console_len, 256);
	assert_int_equal(used_idx(TXQ), 0);
	/* And the device works from scratch. */
	set_desc(TXQ, 0, BUF, 10, 0, 0);
	avail_add(TXQ, 0);
	notify_tx();
	assert_int_equal(fake_console_len, 266);
	assert_int_equal(used_idx(TXQ), 1);
}

/* A malformed chain breaks the device, as before; nothing is owed. */
static void malformed_chain_breaks_the_device(void **state)
{
	set_desc(TXQ, 0, FAKE_RAM - 10, 100, 0, 0); /* runs past RAM */
	avail_add(TXQ, 0);
	notify_tx();
	assert_true(needs_reset());
	assert_false(fd->busy);
	assert_int_equal(fake_console_len, 0);
	assert_int_equal(used_idx(TXQ), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(budget_is_what_the_source_says),
		T(short_chain_completes_in_its_notify),
		T(long_chain_goes_out_a_budget_an_exit),
		T(many_chains_share_one_budget),
		T(empty_descriptors_cost_a_byte_each),
		T(interrupt_when_a_chain_comes_back),
		T(reset_drops_the_chain_in_hand),
		T(malformed_chain_breaks_the_device),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
