/*
 * test_virtio_notes.c - the notes device (virtio_notes.c; ABI 11.14),
 * driven through the fake guest's rings as its driver drives it: a
 * request the device reads, then room for the answer it writes.
 *
 * Each kind of request and each malformed chain: what comes back (the
 * used length, the status), and that the store keeps its notes across a
 * device reset, as it must across the guest's restarts.
 *
 * The runner takes the rest of the next line as the sources to link.
 * UNIT_SOURCES: hv/virtio/virtio_notes.c hv/virtio/virtqueue.c hv/virtio/virtio_pci.c hv/guest/guestmem.c hv/lib/string.c hv/lib/format.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hv/include/virtio_notes.h"
#include "tests/unit/fake_guest.h"

#define RQ 0
#define REQ FAKE_DATA
#define RESP (FAKE_DATA + 0x1000)
#define RESP_LEN ((uint32_t)sizeof(struct notes_resp))

static uint16_t next_head;

static int setup(void **state)
{
	fake_guest_new(&virtio_notes_ops, NULL);
	fake_driver_setup(0, 16);
	next_head = 0;
	return 0;
}

static int teardown(void **state)
{
	fake_guest_free();
	return 0;
}

/* One request (op, key, value) in a two-descriptor chain; returns the
 * used length, and leaves the answer at RESP. */
static uint32_t send_to(uint32_t op, const char *key, const void *value,
			uint32_t len, uint32_t req_len, uint32_t resp_len)
{
	struct notes_req rq = { .op = op, .len = len };
	uint16_t h = next_head;
	uint16_t slot = used_idx(RQ);

	strncpy((char *)rq.key, key, NOTES_KEY_LEN);
	if (value)
		memcpy(rq.value, value, len > 64 ? 64 : len);
	memcpy(fg->mem + REQ, &rq, sizeof(rq));
	memset(fg->mem + RESP, 0xEE, RESP_LEN);
	set_desc(RQ, h, REQ, req_len, DESC_NEXT, (uint16_t)(h + 1));
	set_desc(RQ, (uint16_t)(h + 1), RESP, resp_len, DESC_WRITE, 0);
	next_head = (uint16_t)((h + 2) % 16);
	avail_add(RQ, h);
	bar_w(56, 2, RQ);
	assert_int_equal(used_idx(RQ), (uint16_t)(slot + 1));
	assert_int_equal(used_id(RQ, slot), h);
	return used_len(RQ, slot);
}

static uint32_t send(uint32_t op, const char *key, const void *value,
		     uint32_t len)
{
	return send_to(op, key, value, len, sizeof(struct notes_req),
		       RESP_LEN);
}

static uint32_t status(void)
{
	return gget32(RESP);
}

static void put_then_get(void **state)
{
	assert_int_equal(send(NOTES_OP_GET, "k", NULL, 0), NOTES_RESP_HEAD);
	assert_int_equal(status(), NOTES_NOT_FOUND);
	assert_int_equal(send(NOTES_OP_PUT, "k", "hello", 5), NOTES_RESP_HEAD);
	assert_int_equal(status(), NOTES_OK);
	assert_int_equal(send(NOTES_OP_GET, "k", NULL, 0),
			 NOTES_RESP_HEAD + 5);
	assert_int_equal(status(), NOTES_OK);
	assert_int_equal(gget32(RESP + 4), 5);
	assert_memory_equal(fg->mem + RESP + 8, "hello", 5);
	/* Replaced, then deleted with length 0. */
	assert_int_equal(send(NOTES_OP_PUT, "k", "hi", 2), NOTES_RESP_HEAD);
	send(NOTES_OP_GET, "k", NULL, 0);
	assert_int_equal(gget32(RESP + 4), 2);
	send(NOTES_OP_PUT, "k", NULL, 0);
	assert_int_equal(status(), NOTES_OK);
	send(NOTES_OP_GET, "k", NULL, 0);
	assert_int_equal(status(), NOTES_NOT_FOUND);
	assert_int_equal(fake_irqs, 7);
	assert_false(needs_reset());
}

static void full_after_sixteen(void **state)
{
	char key[] = "note-a";

	for (int i = 0; i < NOTES_MAX; i++) {
		key[5] = (char)('a' + i);
		send(NOTES_OP_PUT, key, "x", 1);
		assert_int_equal(status(), NOTES_OK);
	}
	send(NOTES_OP_PUT, "one-more", "x", 1);
	assert_int_equal(status(), NOTES_FULL);
	/* Replacing a kept one still works when full. */
	send(NOTES_OP_PUT, "note-c", "yz", 2);
	assert_int_equal(status(), NOTES_OK);
}

static void bad_requests_answered(void **state)
{
	send(7, "k", NULL, 0);
	assert_int_equal(status(), NOTES_BAD_REQUEST);
	send(NOTES_OP_PUT, "k", NULL, 65);
	assert_int_equal(status(), NOTES_BAD_REQUEST);
	send(NOTES_OP_PUT, "k", NULL, 0xFFFFFFFFu);
	assert_int_equal(status(), NOTES_BAD_REQUEST);
	send(NOTES_OP_GET, "k", NULL, 0);
	assert_int_equal(status(), NOTES_NOT_FOUND);
}

/* Too short to read, or to answer: back with nothing written. */
static void short_chains_get_nothing(void **state)
{
	assert_int_equal(send_to(NOTES_OP_PUT, "k", "v", 1, 87, RESP_LEN), 0);
	assert_int_equal(gget32(RESP), 0xEEEEEEEEu);
	assert_int_equal(send_to(NOTES_OP_PUT, "k", "v", 1, 88, 7), 0);
	assert_int_equal(gget32(RESP), 0xEEEEEEEEu);
	/* Room for status and len only: a GET gets just those. */
	send(NOTES_OP_PUT, "k", "value", 5);
	assert_int_equal(send_to(NOTES_OP_GET, "k", NULL, 0, 88, 8), 8);
	assert_int_equal(gget32(RESP + 4), 5);
	assert_int_equal(gget8(RESP + 8), 0xEE);
	assert_false(needs_reset());
}

static void notes_outlive_a_reset(void **state)
{
	send(NOTES_OP_PUT, "boots", "\x03", 1);
	virtio_reset(fd);
	fake_driver_setup(0, 16);
	next_head = 0;
	send(NOTES_OP_GET, "boots", NULL, 0);
	assert_int_equal(status(), NOTES_OK);
	assert_int_equal(gget8(RESP + 8), 3);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(put_then_get),
		T(full_after_sixteen),
		T(bad_requests_answered),
		T(short_chains_get_nothing),
		T(notes_outlive_a_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
