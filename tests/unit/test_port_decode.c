/*
 * test_port_decode.c - decode_port_insn() (hv/dev/emulate.c) against the table
 * of ABI section 8.10: cli, and in/out with an immediate port or DX, 8, 16
 * or 32 bits wide.
 *
 * UNIT_SOURCES: hv/dev/emulate.c hv/lib/string.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hv/dev/ports.h"
#include "hv/guest/guest.h"

/* emulate.c's other half needs these; the decoder never calls them. */
bool fetch_insn_bytes(struct guest *g, uint8_t *buf, unsigned max,
		      unsigned *got, const char **why)
{
	fail_msg("fetch_insn_bytes called");
	return false;
}
void log_msg(int level, const char *fmt, ...)
{
}
uint32_t guest_port_in(struct guest *g, uint16_t port, unsigned size)
{
	fail_msg("guest_port_in called");
	return 0;
}
void guest_port_out(struct guest *g, uint16_t port, unsigned size, uint32_t val)
{
	fail_msg("guest_port_out called");
}
uint32_t lgd_read32(const struct guest *g, uint32_t off)
{
	fail_msg("lgd_read32 called");
	return 0;
}
void guest_stop(struct guest *g, enum stop_reason why, const char *msg)
{
	fail_msg("guest_stop called");
}

struct row {
	uint8_t bytes[3];
	unsigned n;   /* bytes in the encoding */
	unsigned len; /* expected length (0: not ours) */
	bool in, imm, cli;
	unsigned size;
	uint8_t port;
};

static const struct row rows[] = {
	{ { 0xFA }, 1, 1, false, false, true, 0, 0 },	      /* cli */
	{ { 0xE4, 0x42 }, 2, 2, true, true, false, 1, 0x42 }, /* in al, 0x42 */
	{ { 0xE5, 0x71 }, 2, 2, true, true, false, 4, 0x71 }, /* in eax, 0x71 */
	{ { 0x66, 0xE5, 0x71 }, 3, 3, true, true, false, 2, 0x71 }, /* in ax */
	{ { 0x66, 0xE4, 0x60 },
	  3,
	  3,
	  true,
	  true,
	  false,
	  1,
	  0x60 },					    /* 66 on 8-bit */
	{ { 0xEC }, 1, 1, true, false, false, 1, 0 },	    /* in al, dx */
	{ { 0xED }, 1, 1, true, false, false, 4, 0 },	    /* in eax, dx */
	{ { 0x66, 0xED }, 2, 2, true, false, false, 2, 0 }, /* in ax, dx */
	{ { 0xE6, 0x80 },
	  2,
	  2,
	  false,
	  true,
	  false,
	  1,
	  0x80 }, /* out 0x80, al */
	{ { 0xE7, 0x80 },
	  2,
	  2,
	  false,
	  true,
	  false,
	  4,
	  0x80 }, /* out 0x80, eax */
	{ { 0x66, 0xE7, 0x80 }, 3, 3, false, true, false, 2, 0x80 },
	{ { 0xEE }, 1, 1, false, false, false, 1, 0 },	     /* out dx, al */
	{ { 0xEF }, 1, 1, false, false, false, 4, 0 },	     /* out dx, eax */
	{ { 0x66, 0xEF }, 2, 2, false, false, false, 2, 0 }, /* out dx, ax */
	{ { 0xFB }, 1, 0, false, false, false, 0, 0 },	     /* sti: not ours */
	{ { 0xF4 }, 1, 0, false, false, false, 0, 0 },	     /* hlt: not ours */
	{ { 0x0F, 0x32 }, 2, 0, false, false, false, 0, 0 }, /* rdmsr */
	{ { 0x6C }, 1, 0, false, false, false, 0, 0 }, /* insb: not ours */
	{ { 0xF3, 0x6E }, 2, 0, false, false, false, 0, 0 }, /* rep outsb */
	{ { 0x66, 0x66, 0xEC }, 3, 0, false, false, false, 0, 0 }, /* two 66s */
};

static void table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct port_insn pi;
		bool ok = decode_port_insn(r->bytes, r->n, &pi);

		assert_int_equal(ok, r->len != 0);
		assert_int_equal(pi.len, r->len);
		if (!ok)
			continue;
		assert_int_equal(pi.is_cli, r->cli);
		if (r->cli)
			continue;
		assert_int_equal(pi.in, r->in);
		assert_int_equal(pi.imm_port, r->imm);
		assert_int_equal(pi.size, r->size);
		if (r->imm)
			assert_int_equal(pi.port, r->port);
	}
}

/* Cut short at every length: never a length past what was given. */
static void truncated(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct port_insn pi;

		for (unsigned n = 0; n < r->n; n++)
			if (decode_port_insn(r->bytes, n, &pi))
				assert_true(pi.len >= 1 && pi.len <= n);
			else
				assert_int_equal(pi.len, 0);
		if (r->len)
			for (unsigned n = 0; n < r->len; n++)
				assert_false(
					decode_port_insn(r->bytes, n, &pi));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(truncated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
