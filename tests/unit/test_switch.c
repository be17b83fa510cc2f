/*
 * test_switch.c - the learning switch (hv/net/switch.c): flooding until
 * an address is learned, unicast after, broadcast always flooded, a port
 * that has no room losing only its own frames, runts and giants refused,
 * addresses that move, a table that stays its size under a flood of made-
 * up sources, and a detached port forgotten.
 *
 * The runner takes the rest of the next line as the sources to link.
 * UNIT_SOURCES: hv/net/switch.c hv/lib/string.c hv/lib/format.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hv/net/switch.h"

void printk(const char *fmt, ...)
{
	(void)fmt;
}

#define PORTS 4

static struct net_port port[PORTS];
static unsigned got[PORTS]; /* frames delivered to each */
static bool full[PORTS];    /* this port has no room */
static uint8_t last[PORTS][ETH_FRAME_MAX];
static unsigned serial;

static bool take(struct net_port *p, const uint8_t *frame, uint32_t len)
{
	unsigned i = (unsigned)(p - port);

	if (full[i])
		return false;
	got[i]++;
	memcpy(last[i], frame, len);
	return true;
}

/* A frame from `from` (its MAC 02:00:00:00:00:0N) to `to_mac`. */
static void send_frame(unsigned from, const uint8_t to_mac[6], uint32_t len)
{
	uint8_t f[ETH_FRAME_MAX + 100] = { 0 };

	memcpy(f, to_mac, 6);
	memcpy(f + 6, (uint8_t[]){ 2, 0, 0, 0, 0, (uint8_t)from }, 6);
	f[12] = 0x08;
	f[14] = (uint8_t)serial++;
	switch_input(&port[from], f, len);
}

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static uint8_t *mac_of(unsigned i)
{
	static uint8_t m[6];

	memcpy(m, (uint8_t[]){ 2, 0, 0, 0, 0, (uint8_t)i }, 6);
	return m;
}

static int setup(void **state)
{
	/* The same switch each case: teardown's detaches leave it with
	 * nothing learned. */
	struct net_switch *sw = switch_get("sw");

	(void)state;
	assert_non_null(sw);
	assert_ptr_equal(switch_get("sw"), sw);
	memset(port, 0, sizeof(port));
	memset(got, 0, sizeof(got));
	memset(full, 0, sizeof(full));
	for (unsigned i = 0; i < PORTS; i++) {
		snprintf(port[i].name, sizeof(port[i].name), "p%u", i);
		port[i].deliver = take;
		assert_true(switch_attach(sw, &port[i]));
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (unsigned i = 0; i < PORTS; i++)
		switch_detach(&port[i]);
	return 0;
}

static void floods_then_learns(void **state)
{
	(void)state;
	/* Nobody knows port 2 yet: flooded to all but the sender. */
	send_frame(0, mac_of(2), 60);
	assert_int_equal(got[0], 0);
	assert_int_equal(got[1], 1);
	assert_int_equal(got[2], 1);
	assert_int_equal(got[3], 1);
	/* Port 2 answers: port 0 was learned, so only it gets the reply. */
	send_frame(2, mac_of(0), 60);
	assert_int_equal(got[0], 1);
	assert_int_equal(got[1], 1);
	assert_int_equal(got[3], 1);
	/* And now port 2 is known too. */
	send_frame(0, mac_of(2), 100);
	assert_int_equal(got[2], 2);
	assert_int_equal(got[1], 1);
	assert_int_equal(port[0].stats.in_frames, 2);
	assert_int_equal(port[2].stats.out_frames, 2);
	assert_int_equal(port[2].stats.out_bytes, 160);
}

static void broadcast_always_floods(void **state)
{
	(void)state;
	send_frame(1, mac_of(0), 60); /* learn port 1 (flooded: 0 unknown) */
	send_frame(0, bcast, 60);
	send_frame(0, bcast, 60);
	assert_int_equal(got[1], 2); /* known, yet a broadcast reaches it */
	assert_int_equal(got[2], 3);
	assert_int_equal(got[0], 1); /* never its own broadcasts */
}

static void a_full_port_loses_its_own(void **state)
{
	(void)state;
	full[3] = true;
	for (int i = 0; i < 10; i++)
		send_frame(0, bcast, 60);
	assert_int_equal(port[3].stats.dropped_full, 10);
	assert_int_equal(got[1], 10);
	assert_int_equal(got[2], 10);
	assert_int_equal(port[1].stats.dropped_full, 0);
}

static void runts_and_giants(void **state)
{
	(void)state;
	send_frame(0, bcast, 13);
	send_frame(0, bcast, 0);
	send_frame(0, bcast, ETH_FRAME_MAX + 1);
	assert_int_equal(port[0].stats.dropped_bad, 3);
	assert_int_equal(got[1], 0);
	send_frame(0, bcast, ETH_FRAME_MIN);
	send_frame(0, bcast, ETH_FRAME_MAX);
	assert_int_equal(got[1], 2);
}

static void an_address_that_moves(void **state)
{
	uint8_t f[60] = { 0 };

	(void)state;
	send_frame(1, mac_of(0), 60); /* 02:..:01 behind port 1 */
	/* The same source now from port 3 (a guest restarted elsewhere). */
	memcpy(f, mac_of(0), 6);
	memcpy(f + 6, mac_of(1), 6);
	switch_input(&port[3], f, sizeof(f));
	memset(got, 0, sizeof(got));
	send_frame(0, mac_of(1), 60);
	assert_int_equal(got[3], 1);
	assert_int_equal(got[1], 0);
}

/* A thousand made-up sources from port 3: the table stays its size, and
 * forgets the stalest; flooding is the worst that happens. */
static void a_flood_of_sources(void **state)
{
	uint8_t f[60] = { 0 };

	(void)state;
	send_frame(1, mac_of(0), 60);
	memcpy(f, bcast, 6);
	for (unsigned i = 0; i < 1000; i++) {
		f[6] = 0x02;
		f[9] = (uint8_t)(i >> 8);
		f[10] = (uint8_t)i;
		f[11] = 0xEE;
		switch_input(&port[3], f, sizeof(f));
	}
	memset(got, 0, sizeof(got));
	/* Port 1's address was pushed out: flooded again, still delivered. */
	send_frame(0, mac_of(1), 60);
	assert_int_equal(got[1], 1);
	assert_int_equal(got[2], 1);
}

static void a_detached_port_is_forgotten(void **state)
{
	(void)state;
	send_frame(2, mac_of(0), 60);
	switch_detach(&port[2]);
	memset(got, 0, sizeof(got));
	send_frame(0, mac_of(2), 60);
	assert_int_equal(got[2], 0);
	assert_int_equal(got[1], 1);
	assert_int_equal(got[3], 1);
}

static void at_most_switch_max(void **state)
{
	char name[8];
	unsigned made = 1; /* "sw" */

	(void)state;
	for (unsigned i = 0; i < SWITCH_MAX + 2; i++) {
		snprintf(name, sizeof(name), "x%u", i);
		made += switch_get(name) != NULL;
	}
	assert_int_equal(made, SWITCH_MAX);
}

static void mac_owners(void **state)
{
	(void)state;
	memcpy(port[1].mac, mac_of(7), 6);
	port[1].has_mac = true;
	assert_string_equal(switch_mac_owner(mac_of(7)), "p1");
	assert_null(switch_mac_owner(mac_of(8)));
	port[1].has_mac = false;
}

static void a_full_switch(void **state)
{
	struct net_port extra[SWITCH_PORTS] = { 0 };
	struct net_switch *sw = port[0].sw;
	unsigned n = 0;

	(void)state;
	while (n < SWITCH_PORTS && switch_attach(sw, &extra[n]))
		n++;
	assert_int_equal(n, SWITCH_PORTS - PORTS);
	for (unsigned i = 0; i < n; i++)
		switch_detach(&extra[i]);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(floods_then_learns),
		T(broadcast_always_floods),
		T(a_full_port_loses_its_own),
		T(runts_and_giants),
		T(an_address_that_moves),
		T(a_flood_of_sources),
		T(a_detached_port_is_forgotten),
		T(mac_owners),
		T(a_full_switch),
		T(at_most_switch_max),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
