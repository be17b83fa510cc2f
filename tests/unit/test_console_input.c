/*
 * test_console_input.c - the console's input ring (hv/lib/console_input.h):
 * bytes come out in the order they went in, across the wrap of the buffer and of the
 * free-running 32-bit indices, and a full ring drops and counts new bytes
 * rather than overwriting old ones; and the console hotkey (Ctrl-A three
 * times): it fires on the third in a row only, and Ctrl-As that do not
 * make it are passed on, in order, with the byte that broke the run.
 *
 * UNIT_SOURCES:
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/lib/console_input.h"

static struct input_ring ring;

static int reset(void **state)
{
	memset(&ring, 0, sizeof(ring));
	return 0;
}

/* Pop a byte, which must be there. */
static uint8_t pop(void)
{
	uint8_t c;

	assert_true(input_ring_pop(&ring, &c));
	return c;
}

/* The ring must be empty: popping says so and leaves the byte alone. */
static void assert_empty_pop(void)
{
	uint8_t c = 0x5A;

	assert_false(input_ring_pop(&ring, &c));
	assert_int_equal(c, 0x5A);
}

static void test_empty(void **state)
{
	assert_int_equal(input_ring_count(&ring), 0);
	assert_empty_pop();
	assert_empty_pop();
	assert_int_equal(ring.tail, 0); /* popping empty moves nothing */
}

static void test_fifo_order(void **state)
{
	const char *msg = "hello";

	for (const char *p = msg; *p; p++)
		input_ring_push(&ring, (uint8_t)*p);
	assert_int_equal(input_ring_count(&ring), 5);
	for (const char *p = msg; *p; p++)
		assert_int_equal(pop(), *p);
	assert_empty_pop();
	assert_int_equal(ring.dropped, 0);
}

static void test_high_bytes_are_not_negative(void **state)
{
	/* 0xFF and 0x00 are bytes like any other, never "empty". */
	input_ring_push(&ring, 0xFF);
	input_ring_push(&ring, 0x80);
	input_ring_push(&ring, 0x00);
	assert_int_equal(pop(), 0xFF);
	assert_int_equal(pop(), 0x80);
	assert_int_equal(pop(), 0x00);
	assert_empty_pop();
}

static void test_wrap_around(void **state)
{
	uint32_t next_in = 0, next_out = 0;

	/* Keep the ring about two-thirds full while pushing many times its
	 * size through it. */
	for (int round = 0; round < 10 * INPUT_RING; round++) {
		input_ring_push(&ring, (uint8_t)next_in++);
		if (input_ring_count(&ring) > INPUT_RING * 2 / 3)
			assert_int_equal(pop(), (uint8_t)next_out++);
	}
	while (input_ring_count(&ring))
		assert_int_equal(pop(), (uint8_t)next_out++);
	assert_int_equal(next_in, next_out);
	assert_int_equal(ring.dropped, 0);
}

static void test_full_ring_drops_and_counts(void **state)
{
	for (int i = 0; i < INPUT_RING; i++)
		input_ring_push(&ring, (uint8_t)i);
	assert_int_equal(input_ring_count(&ring), INPUT_RING);
	assert_int_equal(ring.dropped, 0);
	input_ring_push(&ring, 0xAA);
	input_ring_push(&ring, 0xBB);
	assert_int_equal(ring.dropped, 2);
	assert_int_equal(input_ring_count(&ring), INPUT_RING);
	/* The oldest byte survived; the new ones were the ones lost. */
	assert_int_equal(pop(), 0);
	input_ring_push(&ring, 0xCC); /* room for exactly one again */
	assert_int_equal(ring.dropped, 2);
	for (int i = 1; i < INPUT_RING; i++)
		assert_int_equal(pop(), (uint8_t)i);
	assert_int_equal(pop(), 0xCC);
	assert_empty_pop();
}

static void test_index_overflow(void **state)
{
	/* The indices are free-running: start them just below 2^32 so they
	 * wrap mid-test.  INPUT_RING divides 2^32, so the slot arithmetic
	 * stays continuous across the wrap. */
	ring.head = ring.tail = UINT32_MAX - 5;
	for (int i = 0; i < 20; i++)
		input_ring_push(&ring, (uint8_t)(i + 1));
	assert_int_equal(input_ring_count(&ring), 20);
	for (int i = 0; i < 20; i++)
		assert_int_equal(pop(), i + 1);
	assert_empty_pop();

	/* And a full ring whose indices straddle the wrap still reports
	 * full. */
	ring.head = ring.tail = UINT32_MAX - 10;
	for (int i = 0; i < INPUT_RING + 3; i++)
		input_ring_push(&ring, 1);
	assert_int_equal(input_ring_count(&ring), INPUT_RING);
	assert_int_equal(ring.dropped, 3);
}

/* Feed a string through the hotkey filter: what comes out, and how
 * many times the hotkey fired. */
static unsigned filter(struct hotkey *h, const char *in, size_t len,
		       char *out)
{
	unsigned fired = 0, n = 0;

	for (size_t i = 0; i < len; i++) {
		uint8_t pass[HOTKEY_TIMES];
		bool f;
		unsigned k = hotkey_feed(h, (uint8_t)in[i], pass, &f);

		assert_true(k <= HOTKEY_TIMES);
		if (f) {
			assert_int_equal(k, 0);
			fired++;
		}
		memcpy(out + n, pass, k);
		n += k;
	}
	out[n] = 0;
	return fired;
}

static void test_hotkey(void **state)
{
	struct hotkey h = { 0 };
	char out[64];

	/* Plain text passes untouched. */
	assert_int_equal(filter(&h, "ls\r", 3, out), 0);
	assert_string_equal(out, "ls\r");
	/* Three in a row fire, and none of them reach the guest. */
	assert_int_equal(filter(&h, "a\1\1\1b", 5, out), 1);
	assert_string_equal(out, "ab");
	/* One or two, then something else: passed on, late but in order. */
	assert_int_equal(filter(&h, "\1x\1\1y", 5, out), 0);
	assert_string_equal(out, "\1x\1\1y");
	/* Six in a row are two hotkeys; five are one, and two held back
	 * until the next byte. */
	assert_int_equal(filter(&h, "\1\1\1\1\1\1", 6, out), 2);
	assert_string_equal(out, "");
	assert_int_equal(filter(&h, "\1\1\1\1\1", 5, out), 1);
	assert_string_equal(out, "");
	assert_int_equal(h.held, 2);
	assert_int_equal(filter(&h, "z", 1, out), 0);
	assert_string_equal(out, "\1\1z");
	assert_int_equal(h.held, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_empty, reset),
		cmocka_unit_test_setup(test_fifo_order, reset),
		cmocka_unit_test_setup(test_high_bytes_are_not_negative, reset),
		cmocka_unit_test_setup(test_wrap_around, reset),
		cmocka_unit_test_setup(test_full_ring_drops_and_counts, reset),
		cmocka_unit_test_setup(test_index_overflow, reset),
		cmocka_unit_test(test_hotkey),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
