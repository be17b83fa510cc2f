/*
 * test_madt.c - madt_parse and madt_isa_route on hand-built tables.
 *
 * Each table is built entry by entry as ACPI 6.4 (5.2.12) lays them out,
 * then copied to a heap block of exactly its length, so a read past the
 * end is an AddressSanitizer failure.  The first case is the table QEMU's
 * q35 gives (one CPU, one I/O APIC, five overrides, LINT1 as NMI).
 *
 * UNIT_SOURCES: drivers/madt.c hv/lib/string.c hv/lib/format.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/madt.h"
#include "tests/unit/table_parse.h"

static uint8_t buf[1024];
static size_t used;
static struct madt_info info;
static char err[96];

static void put(const void *bytes, size_t n)
{
	assert_true(used + n <= sizeof(buf));
	memcpy(buf + used, bytes, n);
	used += n;
}

static void put32(uint32_t v)
{
	uint8_t b[4] = { v, v >> 8, v >> 16, v >> 24 };
	put(b, 4);
}

/* The SDT header (length patched in by parse()), the LAPIC address and
 * the flags (PC-AT compatible). */
static void begin(uint32_t lapic)
{
	used = 0;
	put("APIC", 4);
	put32(0);
	for (int i = 8; i < 36; i++)
		put("\0", 1);
	put32(lapic);
	put32(MADT_FLAG_PCAT_COMPAT);
}

static void lapic(uint8_t acpi_id, uint8_t apic_id, uint32_t flags)
{
	uint8_t e[8] = { 0, 8, acpi_id, apic_id, flags, flags >> 8 };
	put(e, sizeof(e));
}

static void ioapic(uint8_t id, uint32_t addr, uint32_t gsi_base)
{
	uint8_t e[4] = { 1, 12, id, 0 };
	put(e, sizeof(e));
	put32(addr);
	put32(gsi_base);
}

static void override(uint8_t irq, uint32_t gsi, uint16_t flags)
{
	uint8_t e[4] = { 2, 10, 0, irq };
	uint8_t f[2] = { flags, flags >> 8 };
	put(e, sizeof(e));
	put32(gsi);
	put(f, 2);
}

static void lapic_nmi(uint8_t acpi_id, uint16_t flags, uint8_t lint)
{
	uint8_t e[6] = { 4, 6, acpi_id, flags, flags >> 8, lint };
	put(e, sizeof(e));
}

static bool madt(const void *t, size_t n, void *out, char *e, size_t el)
{
	return madt_parse(t, n, out, e, el);
}

/* Parse buf[0..n) from a heap copy; the length field says `field`. */
static bool parse_as(size_t n, uint32_t field)
{
	if (n >= 8) {
		buf[4] = field;
		buf[5] = field >> 8;
		buf[6] = field >> 16;
		buf[7] = field >> 24;
	}
	return table_parse(madt, buf, n, &info, sizeof(info), err, sizeof(err));
}

static bool parse(void)
{
	return parse_as(used, (uint32_t)used);
}

static void refused(const char *why)
{
	assert_false(parse());
	assert_non_null(strstr(err, why));
}

static void qemu_q35_table(void)
{
	begin(0xFEE00000u);
	lapic(0, 0, 1);
	ioapic(0, 0xFEC00000u, 0);
	override(0, 2, 0);
	override(5, 5, MADT_POLARITY_HIGH | MADT_TRIGGER_LEVEL);
	override(9, 9, MADT_POLARITY_HIGH | MADT_TRIGGER_LEVEL);
	override(10, 10, MADT_POLARITY_HIGH | MADT_TRIGGER_LEVEL);
	override(11, 11, MADT_POLARITY_HIGH | MADT_TRIGGER_LEVEL);
	lapic_nmi(0xFF, 0, 1);
}

static void test_qemu_table(void **state)
{
	uint32_t gsi;
	bool low, level;

	(void)state;
	qemu_q35_table();
	assert_true(parse());
	assert_int_equal(info.lapic_addr, 0xFEE00000u);
	assert_int_equal(info.flags, MADT_FLAG_PCAT_COMPAT);
	assert_int_equal(info.nr_cpus, 1);
	assert_true(info.cpu[0].enabled);
	assert_int_equal(info.nr_ioapics, 1);
	assert_int_equal(info.ioapic[0].addr, 0xFEC00000u);
	assert_int_equal(info.ioapic[0].gsi_base, 0);
	assert_int_equal(info.nr_overrides, 5);
	assert_int_equal(info.nr_nmis, 1);
	assert_int_equal(info.nmi[0].lint, 1);
	assert_int_equal(info.nmi[0].acpi_id, 0xFF);
	assert_int_equal(info.nmi_source_gsi, ~0u);
	assert_int_equal(info.skipped, 0);

	/* The PIT's IRQ 0 is GSI 2, edge and high as the bus says. */
	madt_isa_route(&info, 0, &gsi, &low, &level);
	assert_int_equal(gsi, 2);
	assert_false(low);
	assert_false(level);
	/* The UART's IRQ 4 has no override: one to one. */
	madt_isa_route(&info, 4, &gsi, &low, &level);
	assert_int_equal(gsi, 4);
	assert_false(low);
	assert_false(level);
	/* The SCI: level, active high. */
	madt_isa_route(&info, 9, &gsi, &low, &level);
	assert_int_equal(gsi, 9);
	assert_false(low);
	assert_true(level);
}

static void test_active_low_override(void **state)
{
	uint32_t gsi;
	bool low, level;

	(void)state;
	begin(0xFEE00000u);
	override(9, 20, MADT_POLARITY_LOW | MADT_TRIGGER_LEVEL);
	assert_true(parse());
	madt_isa_route(&info, 9, &gsi, &low, &level);
	assert_int_equal(gsi, 20);
	assert_true(low);
	assert_true(level);
}

static void test_lapic_address_override(void **state)
{
	uint8_t e[4] = { 5, 12, 0, 0 };

	(void)state;
	begin(0xFEE00000u);
	put(e, 4);
	put32(0xFED00000u);
	put32(0x1); /* above 4 GiB */
	assert_true(parse());
	assert_int_equal(info.lapic_addr, 0x1FED00000ull);
}

static void test_no_lapic_address(void **state)
{
	(void)state;
	begin(0);
	refused("no local APIC address");
}

static void test_header_only(void **state)
{
	(void)state;
	begin(0xFEE00000u);
	assert_true(parse());
	assert_int_equal(info.nr_cpus, 0);
	assert_int_equal(info.nr_ioapics, 0);
}

static void test_truncated_header(void **state)
{
	(void)state;
	for (size_t n = 0; n < 44; n++) {
		begin(0xFEE00000u);
		assert_false(parse_as(n, (uint32_t)n));
	}
}

static void test_length_field_disagrees(void **state)
{
	(void)state;
	qemu_q35_table();
	assert_false(parse_as(used, (uint32_t)used + 1));
	assert_non_null(strstr(err, "length field"));
	assert_false(parse_as(used, (uint32_t)used - 1));
	assert_false(parse_as(used - 1, (uint32_t)used));
}

/* Every cut through the entries: refused, never read past. */
static void test_every_cut(void **state)
{
	size_t full;

	(void)state;
	qemu_q35_table();
	full = used;
	for (size_t n = 44; n < full; n++) {
		bool ok = parse_as(n, (uint32_t)n);
		/* Only a cut between two entries leaves a valid table. */
		size_t off = 44;
		bool boundary = false;
		while (off <= n) {
			if (off == n)
				boundary = true;
			off += buf[off + 1];
		}
		assert_int_equal(ok, boundary);
	}
}

static void test_entry_length_zero(void **state)
{
	uint8_t e[2] = { 0, 0 };

	(void)state;
	begin(0xFEE00000u);
	put(e, 2);
	put32(0);
	put32(0);
	refused("below 2");
}

static void test_entry_length_one(void **state)
{
	uint8_t e[2] = { 7, 1 };

	(void)state;
	begin(0xFEE00000u);
	put(e, 2);
	refused("below 2");
}

static void test_entry_odd_tail(void **state)
{
	uint8_t e[1] = { 0 };

	(void)state;
	begin(0xFEE00000u);
	lapic(0, 0, 1);
	put(e, 1);
	refused("cut short");
}

static void test_entry_past_end(void **state)
{
	uint8_t e[4] = { 1, 200, 0, 0 };

	(void)state;
	begin(0xFEE00000u);
	put(e, 4);
	put32(0xFEC00000u);
	put32(0);
	refused("past the table");
}

static void test_entry_undersized(void **state)
{
	/* An I/O APIC entry that claims 8 bytes: its GSI base would be read
	 * from the next entry. */
	uint8_t e[4] = { 1, 8, 0, 0 };

	(void)state;
	begin(0xFEE00000u);
	put(e, 4);
	put32(0xFEC00000u);
	lapic(0, 0, 1);
	refused("shorter than its kind");
}

static void test_entry_oversized(void **state)
{
	/* A longer entry than we know (a later revision's fields): read,
	 * and the walk goes on after all of it. */
	uint8_t e[4] = { 1, 16, 3, 0 };

	(void)state;
	begin(0xFEE00000u);
	put(e, 4);
	put32(0xFEC00000u);
	put32(24);
	put32(0xFFFFFFFFu); /* the unknown field */
	lapic(0, 5, 1);
	assert_true(parse());
	assert_int_equal(info.nr_ioapics, 1);
	assert_int_equal(info.ioapic[0].id, 3);
	assert_int_equal(info.ioapic[0].gsi_base, 24);
	assert_int_equal(info.nr_cpus, 1);
	assert_int_equal(info.cpu[0].apic_id, 5);
}

static void test_unknown_kind_skipped(void **state)
{
	uint8_t e[6] = { 0x7F, 6, 1, 2, 3, 4 };

	(void)state;
	begin(0xFEE00000u);
	put(e, 6);
	lapic(0, 0, 1);
	assert_true(parse());
	assert_int_equal(info.skipped, 1);
	assert_int_equal(info.nr_cpus, 1);
}

static void test_impossible_entries_skipped(void **state)
{
	(void)state;
	begin(0xFEE00000u);
	lapic(1, 1, 0);	       /* neither enabled nor online-capable */
	ioapic(0, 0, 0);       /* registers at 0 */
	override(16, 16, 0);   /* not an ISA IRQ */
	override(0, 2, 0);     /* kept */
	override(0, 7, 0);     /* the second override of IRQ 0 */
	lapic_nmi(0xFF, 0, 2); /* a pin that does not exist */
	lapic(2, 2, 2);	       /* online-capable: kept, not enabled */
	assert_true(parse());
	assert_int_equal(info.skipped, 5);
	assert_int_equal(info.nr_cpus, 1);
	assert_false(info.cpu[0].enabled);
	assert_int_equal(info.nr_ioapics, 0);
	assert_int_equal(info.nr_overrides, 1);
	assert_int_equal(info.override[0].gsi, 2);
	assert_int_equal(info.nr_nmis, 0);
}

static void test_too_many(void **state)
{
	(void)state;
	begin(0xFEE00000u);
	for (int i = 0; i < MADT_MAX_IOAPICS + 3; i++)
		ioapic((uint8_t)i, 0xFEC00000u + 0x1000u * i, 24u * i);
	assert_true(parse());
	assert_int_equal(info.nr_ioapics, MADT_MAX_IOAPICS);
	assert_int_equal(info.skipped, 3);
	assert_int_equal(info.ioapic[MADT_MAX_IOAPICS - 1].gsi_base,
			 24u * (MADT_MAX_IOAPICS - 1));
}

static void test_x2apic_entries(void **state)
{
	uint8_t x[4] = { 9, 16, 0, 0 };
	uint8_t n[4] = { 10, 12, 0x0D, 0 }; /* level, active low */

	(void)state;
	begin(0xFEE00000u);
	put(x, 4);
	put32(0x100); /* an x2APIC ID beyond 8 bits */
	put32(1);
	put32(7);
	put(n, 4);
	put32(0xFFFFFFFFu);
	put("\1\0\0\0", 4);
	assert_true(parse());
	assert_int_equal(info.nr_cpus, 1);
	assert_int_equal(info.cpu[0].apic_id, 0x100);
	assert_int_equal(info.cpu[0].acpi_id, 7);
	assert_int_equal(info.nr_nmis, 1);
	assert_int_equal(info.nmi[0].lint, 1);
	assert_int_equal(info.nmi[0].flags, 0x0D);
}

static void test_refusal_leaves_output(void **state)
{
	struct madt_info before;

	(void)state;
	begin(0xFEE00000u);
	lapic(0, 0, 1);
	buf[used - 7] = 1; /* the entry's length: 1 */
	memset(&before, 0xA5, sizeof(before));
	assert_false(parse());
	assert_memory_equal(&info, &before, sizeof(info));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_table),
		cmocka_unit_test(test_active_low_override),
		cmocka_unit_test(test_lapic_address_override),
		cmocka_unit_test(test_no_lapic_address),
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_length_field_disagrees),
		cmocka_unit_test(test_every_cut),
		cmocka_unit_test(test_entry_length_zero),
		cmocka_unit_test(test_entry_length_one),
		cmocka_unit_test(test_entry_odd_tail),
		cmocka_unit_test(test_entry_past_end),
		cmocka_unit_test(test_entry_undersized),
		cmocka_unit_test(test_entry_oversized),
		cmocka_unit_test(test_unknown_kind_skipped),
		cmocka_unit_test(test_impossible_entries_skipped),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_x2apic_entries),
		cmocka_unit_test(test_refusal_leaves_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
